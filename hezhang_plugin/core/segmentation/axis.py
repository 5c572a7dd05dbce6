"""The measure axis: every river part laid end to end on one global axis of metres (in the
metric CRS), and the way back from axis intervals to exact sub-lines of the original river
(original vertices, in flow direction) with their ellipsoidal (CGCS2000) lengths.

Everything the engine decides — where the river is inside a unit, near a boundary, which unit
lies left and right of it — is an interval on this axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hezhang_plugin.core import crs as crsmod
from hezhang_plugin.core import geodesy
from hezhang_plugin.core.projthreads import proj_safe

#: Gap between parts on the global measure axis (metres).
_AXIS_GAP = 1000.0


@dataclass
class _Axis:
    river_of_part: np.ndarray
    offset: np.ndarray  # axis position of each part's start
    length: np.ndarray  # metric length of each part
    coords_o: np.ndarray  # vertices in the output (rivers) CRS
    gcum: np.ndarray  # axis position of each vertex
    part_of_vertex: np.ndarray
    coords_m: np.ndarray = None  # the same vertices in the metric CRS
    #: cumulative ellipsoidal length (m) at each vertex (``_geodesic_measure``), when computed
    gd: np.ndarray = None


def _split_axis(axis: _Axis, bounds) -> list:
    """The axis cut into the axes of runs of whole rivers: ``bounds`` are river indices
    (0 = b0 < b1 < ... = rivers), one axis per [b_k, b_k+1). Each keeps the positions of the
    whole axis (same offsets, same vertex measures), so whatever is computed on it is what the
    whole axis gives, bit for bit; its part and river indices count from its own first part
    and river. The arrays are copies: each chunk's memory goes with it."""
    bounds = np.asarray(bounds, dtype=np.int64)
    part_at = np.searchsorted(axis.river_of_part, bounds)
    vertex_at = np.searchsorted(axis.part_of_vertex, part_at)
    out = []
    for k in range(len(bounds) - 1):
        p0, p1, v0, v1 = part_at[k], part_at[k + 1], vertex_at[k], vertex_at[k + 1]

        def take(a, lo, hi):
            return None if a is None else a[lo:hi].copy()

        out.append(_Axis(axis.river_of_part[p0:p1] - bounds[k], take(axis.offset, p0, p1),
                         take(axis.length, p0, p1), take(axis.coords_o, v0, v1), take(axis.gcum, v0, v1),
                         axis.part_of_vertex[v0:v1] - p0, take(axis.coords_m, v0, v1), take(axis.gd, v0, v1)))
    return out


def _build_axis(river_geoms_o, river_geoms_m=None, *, to_metric=None) -> _Axis:
    """The axis of rivers (shapely geometries in the output CRS). Their metric vertices are
    ``river_geoms_m`` (the same geometries in the metric CRS) or, when ``to_metric`` is
    given, ``to_metric(coords)`` of their (n, 2) vertex array: one transform of the
    coordinates, no metric geometries built."""
    import shapely

    parts_o, owner = shapely.get_parts(river_geoms_o, return_index=True)
    keep = shapely.get_num_points(parts_o) >= 2
    parts_o, owner = parts_o[keep], owner[keep]
    co, pidx = shapely.get_coordinates(parts_o, return_index=True)
    if to_metric is not None:
        cm = to_metric(co)
    else:
        cm = shapely.get_coordinates(shapely.get_parts(river_geoms_m)[keep])
    n_parts = len(parts_o)
    del parts_o
    step = np.zeros(len(cm))
    if len(cm) > 1:
        d = np.hypot(np.diff(cm[:, 0]), np.diff(cm[:, 1]))
        same = pidx[1:] == pidx[:-1]
        step[1:] = np.where(same, d, 0.0)
    length = np.bincount(pidx, weights=step, minlength=n_parts)
    offset = np.concatenate([[0.0], np.cumsum(length + _AXIS_GAP)[:-1]])
    # cumulative measure within the part, then shifted onto the global axis
    csum = np.cumsum(step)
    first = np.searchsorted(pidx, np.arange(n_parts), side="left")
    base = csum[first] if len(csum) else np.zeros(0)
    gcum = csum - base[pidx] + offset[pidx]
    if n_parts:
        # each part ends exactly at its last vertex's measure (offset + length summed apart could
        # round past it, and a sub-line ending there then took a vertex towards the next part)
        last = np.append(first[1:], len(gcum)) - 1
        length = gcum[last] - offset
    return _Axis(owner, offset, length, co, gcum, pidx, cm)


def _points_at(axis: _Axis, pos):
    """Metric points at axis positions and the unit left normal of the river there."""
    g = axis.gcum
    j = np.clip(np.searchsorted(g, pos, side="right"), 1, len(g) - 1)
    a, b = g[j - 1], g[j]
    den = np.where(b > a, b - a, 1.0)
    t = np.clip((pos - a) / den, 0.0, 1.0)
    c = axis.coords_m
    d = c[j] - c[j - 1]
    pc = c[j - 1] + d * t[:, None]
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    return pc, np.column_stack([-d[:, 1], d[:, 0]]) / norm[:, None]


#: CGCS2000 (= GRS80) ellipsoid
_ELL_A = 6378137.0
_ELL_F = 1.0 / 298.257222101
_ELL_E2 = _ELL_F * (2.0 - _ELL_F)
#: edges longer than this (m) get the exact geodesic instead of the short-line formula
_SHORT_EDGE_M = 2000.0


def edge_lengths_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Ellipsoidal (CGCS2000) lengths of the edges between consecutive lon/lat points.

    Short edges use the ellipsoid's meridional and prime-vertical radii of curvature at the
    mid latitude (relative error below 1e-8 for edges under 2 km); longer edges use the exact
    geodesic (pyproj). Vectorised; ``len(lon) - 1`` lengths.
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    if len(lon) < 2:
        return np.zeros(0)
    phi = np.radians(lat)
    dphi = np.diff(phi)
    dlam = np.radians(np.diff(lon))
    pm = (phi[1:] + phi[:-1]) / 2.0
    w2 = 1.0 - _ELL_E2 * np.sin(pm) ** 2
    w = np.sqrt(w2)
    m_rad = _ELL_A * (1.0 - _ELL_E2) / (w2 * w)
    n_rad = _ELL_A / w
    s = np.hypot(m_rad * dphi, n_rad * np.cos(pm) * dlam)
    long_ = np.flatnonzero(s > _SHORT_EDGE_M)
    if len(long_):
        _, _, dist = geodesy._geod().inv(lon[long_], lat[long_], lon[long_ + 1], lat[long_ + 1])
        s[long_] = np.asarray(dist)
    return s


@proj_safe
def _geodesic_measure(axis: _Axis, rivers_crs: str) -> np.ndarray:
    """Cumulative ellipsoidal length (m) at each axis vertex, restarting at every part."""
    c = axis.coords_o
    if len(c) == 0:
        return np.zeros(0)
    lon, lat = c[:, 0], c[:, 1]
    if not crsmod.is_cgcs2000_lonlat(rivers_crs):
        lon, lat = geodesy.transformer_to_lonlat(rivers_crs).transform(lon, lat)
    step = np.zeros(len(c))
    if len(c) > 1:
        same = axis.part_of_vertex[1:] == axis.part_of_vertex[:-1]
        step[1:] = np.where(same, edge_lengths_m(lon, lat), 0.0)
    return np.cumsum(step)


def _interp_on_axis(values: np.ndarray, gcum: np.ndarray, pos: np.ndarray, side: str):
    """Per-vertex values (coordinates or measures) interpolated at axis positions.

    ``side='right'`` for interval starts, ``'left'`` for ends (the edge holding the position)."""
    j = np.clip(np.searchsorted(gcum, pos, side=side), 1, len(gcum) - 1)
    a, b = gcum[j - 1], gcum[j]
    den = b - a
    t = np.clip(np.where(den > 0, (pos - a) / np.where(den > 0, den, 1.0), 0.0), 0.0, 1.0)
    # at a vertex (t = 1 at an edge's end) its own value, not one interpolated within an ulp of it
    at = t >= 1.0
    if values.ndim == 2:
        return np.where(at[:, None], values[j], values[j - 1] + (values[j] - values[j - 1]) * t[:, None]), j
    return np.where(at, values[j], values[j - 1] + (values[j] - values[j - 1]) * t), j


def substring_coords(coords: np.ndarray, gcum: np.ndarray, starts: np.ndarray, ends: np.ndarray):
    """Vertices of the exact sub-lines [starts, ends] on the measure axis: (coords, counts).

    Interior vertices are copied, the end points interpolated linearly within their edge.
    Each interval must lie within one part.
    """
    n = len(starts)
    if n == 0:
        return np.zeros((0, coords.shape[1])), np.zeros(0, dtype=np.int64)
    p_start, i0 = _interp_on_axis(coords, gcum, starts, "right")  # i0: first vertex after start
    p_end, i1 = _interp_on_axis(coords, gcum, ends, "left")  # i1: first vertex at or after end
    inner = np.maximum(i1 - i0, 0)
    counts = inner + 2
    out = np.empty((int(counts.sum()), coords.shape[1]))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out[first] = p_start
    out[first + counts - 1] = p_end
    if inner.sum():
        owner = np.repeat(np.arange(n), inner)
        within = np.arange(int(inner.sum())) - np.repeat(np.cumsum(inner) - inner, inner)
        out[first[owner] + 1 + within] = coords[i0[owner] + within]
    return out, counts


def substrings_on_axis(coords: np.ndarray, gcum: np.ndarray, part_of_vertex: np.ndarray,
                       starts: np.ndarray, ends: np.ndarray):
    """Exact sub-lines (shapely LineStrings) for intervals [starts, ends] on the measure axis."""
    import shapely

    if len(starts) == 0:
        return np.array([], dtype=object)
    out, counts = substring_coords(coords, gcum, np.asarray(starts, float), np.asarray(ends, float))
    return shapely.linestrings(out, indices=np.repeat(np.arange(len(counts)), counts))
