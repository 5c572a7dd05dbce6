"""Cutting rivers into segments (河段) by administrative units, with single-bank handling.

The algorithm works on a one-dimensional axis: every river part is laid end to end on a
global measure axis (metres in a local Gauss-Kruger zone), and everything else — where the
river is inside a unit, where it is in a unit's interior (farther than the boundary
tolerance from its boundary), which unit lies left and right of it — becomes intervals on
that axis. Intervals are labelled, merged and turned back into exact sub-lines of the
original geometry (original vertices, in flow direction), so output segments follow the
river exactly whatever CRS it is stored in.

* No polygon clipping: river edges and the (deduplicated) unit boundary edges are paired by
  one bulk STRtree query; a vectorised segment-segment test gives the crossings (cuts on the
  axis) and, for each pair, the exact stretch of the river edge within the boundary tolerance
  of the boundary edge (line x capsule). Pieces between cuts belong to the unit holding their
  midpoint (bank ``both``).
* Stretches within the tolerance of a boundary that are longer than the bank threshold are
  cut at the projections of nearby boundary vertices; each piece looks to its left and right
  (facing downstream, i.e. along the digitised direction) and finds the unit there. Where the
  two sides differ over at least the bank threshold, the stretch yields one single-bank
  segment per side (``left`` / ``right``); a side outside the district yields nothing, so a
  river along the district edge gives one single-bank segment of the inside unit. Bank ends
  are exact (tolerance-band ends, crossings or projected boundary vertices), not sampled.
* Lengths are ellipsoidal (CGCS2000) per river edge, pro-rated within the cut edges.
* Pieces shorter than the minimum length join a neighbour (preferring one of the same unit).

No Qt here: the functions take plain rows (dicts with a shapely ``geom``) and a duck-typed
``feedback`` (``setProgress``, ``isCanceled``, ``pushInfo``), so they run in Processing, in a
QgsTask and in tests alike.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core import geodesy
from hezhang_plugin.core.projthreads import proj_safe

#: Data conventions for generated names (segment names are data, not UI text).
NAME_SEGMENT = "{river}{unit}段"
NAME_SEGMENT_NUMBERED = "{river}{unit}{n}段"
BANK_SUFFIX = {"left": "（左岸）", "right": "（右岸）", "both": ""}
NAME_BOUNDARY = "{unit}界"
NAME_SOURCE = "源头"
NAME_MOUTH = "河口"
NAME_DISTRICT_EDGE = "区界"

#: Gap between parts on the global measure axis (metres).
_AXIS_GAP = 1000.0


class SegmentationError(Exception):
    """Input that cannot be segmented; the message says which feature and why."""


class SegmentationCancelled(Exception):
    """The user cancelled the run; nothing was written."""


class SegmentationResult:
    """The outcome of a run.

    ``table`` holds the new or updated current segments as columns (schema fields, ``fid``
    for rows updating an existing segment); ``segments`` gives the same as row dicts with a
    shapely ``geom`` in the rivers CRS (built on first use). ``retired`` are existing segments
    that no longer exist, with ``valid_to`` set.
    """

    def __init__(self, table: Optional[SegmentTable] = None, retired: Optional[list] = None,
                 report: Optional[dict] = None):
        self.table = table
        self.retired = retired if retired is not None else []
        self.report = report if report is not None else {}
        self._rows: Optional[list] = None

    @property
    def segments(self) -> list:
        if self._rows is None:
            self._rows = self.table.rows() if self.table is not None else []
        return self._rows


# --------------------------------------------------------------------------- feedback


class _Progress:
    def __init__(self, feedback):
        self.feedback = feedback

    def step(self, pct: float, text: Optional[str] = None) -> None:
        fb = self.feedback
        if fb is None:
            return
        if getattr(fb, "isCanceled", None) and fb.isCanceled():
            raise SegmentationCancelled("segmentation cancelled")
        if getattr(fb, "setProgress", None):
            fb.setProgress(float(pct))
        if text and getattr(fb, "pushInfo", None):
            fb.pushInfo(text)


# --------------------------------------------------------------------------- CRS helpers


def metric_crs_for(lon: float, lat: float) -> str:
    """The CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554) around a longitude."""
    zone = int(round((float(lon) - 75.0) / 3.0))
    zone = min(max(zone, 0), 20)
    return f"EPSG:{4534 + zone}"


def _is_gk3(crs: str) -> bool:
    crs = (crs or "").upper()
    return crs.startswith("EPSG:") and crs[5:].isdigit() and 4534 <= int(crs[5:]) <= 4554


def _transformer(src: str, dst: str):
    geodesy.ensure_proj_data()
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


@proj_safe
def transform_geoms(geoms, src: str, dst: str):
    """Shapely geometries from ``src`` to ``dst`` (vectorised; x = lon for geographic CRS)."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if src == dst or len(geoms) == 0:
        return geoms
    tr = _transformer(src, dst)

    def fn(xy):
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


@proj_safe
def choose_metric_crs(geoms, crs: str) -> str:
    """The data's own CRS when it is a GK zone, else the GK zone of the data's centre."""
    import shapely

    if _is_gk3(crs):
        return crs.upper()
    geoms = np.asarray(geoms, dtype=object)
    valid = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
    valid = valid[~shapely.is_empty(valid)] if len(valid) else valid
    if not len(valid):
        return "EPSG:4545"
    x0, y0, x1, y1 = shapely.total_bounds(valid)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if crs.upper() not in ("EPSG:4490", "EPSG:4326"):
        cx, cy = _transformer(crs, "EPSG:4490").transform(cx, cy)
    return metric_crs_for(cx, cy)


# --------------------------------------------------------------------------- input cleaning


def _label(row: dict, kind: str) -> str:
    ident = row.get("code") or row.get("river_code") or ""
    fid = row.get("fid")
    name = row.get("name") or ""
    bits = [kind]
    if fid is not None:
        bits.append(f"feature {fid}")
    if ident:
        bits.append(str(ident))
    if name:
        bits.append(str(name))
    return " ".join(bits)


def clean_geometries(rows: Sequence[dict], kind: str, dims: int):
    """Valid geometries of dimension ``dims`` (1 lines, 2 polygons) for each row.

    Returns (geoms, keep mask, repaired messages, invalid messages). Null and empty
    geometries are reported as invalid (and kept out), invalid ones are repaired with
    ``make_valid`` and reported; nothing disappears without a message.
    """
    import shapely

    geoms = np.empty(len(rows), dtype=object)
    geoms[:] = [r.get("geom") for r in rows]
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    keep = ~(missing | empty)
    repaired, invalid = [], []
    for i in np.flatnonzero(~keep):
        kind_text = "no geometry (null)" if missing[i] else "empty geometry"
        invalid.append(f"{_label(rows[i], kind)}: {kind_text}")
    idx = np.flatnonzero(keep)
    if len(idx):
        bad = idx[~shapely.is_valid(geoms[idx])]
        for i in bad:
            reason = shapely.is_valid_reason(geoms[i])
            fixed = shapely.make_valid(geoms[i])
            parts = shapely.get_parts(shapely.get_parts(fixed))
            parts = [p for p in parts if shapely.get_dimensions(p) == dims and not p.is_empty]
            if not parts:
                invalid.append(f"{_label(rows[i], kind)}: invalid geometry ({reason}) has no "
                               f"{'area' if dims == 2 else 'length'} after repair")
                keep[i] = False
                continue
            geoms[i] = (shapely.multipolygons(parts) if dims == 2 else shapely.multilinestrings(parts))
            repaired.append(f"{_label(rows[i], kind)}: repaired invalid geometry ({reason})")
        kept = np.flatnonzero(keep)
        wrong = kept[shapely.get_dimensions(geoms[kept]) != dims] if len(kept) else kept
        for i in wrong:
            invalid.append(f"{_label(rows[i], kind)}: geometry is a {geoms[i].geom_type}, "
                           f"expected {'polygons' if dims == 2 else 'lines'}")
            keep[i] = False
    return geoms, keep, repaired, invalid


# --------------------------------------------------------------------------- the engine
#
# No polygon clipping: river edges and (deduplicated) unit boundary edges are paired with one
# bulk STRtree query; a vectorised segment-segment test gives the crossings (cut positions on
# the axis) and, for edges within the tolerance, the exact stretch of the river edge lying
# within BOUNDARY_TOLERANCE of the boundary edge (line x capsule). Pieces between cuts are
# labelled by a point-in-polygon test of their midpoint; along the boundary, by the units a
# little to the left and right of it.


@dataclass
class _Axis:
    parts_m: np.ndarray  # LineStrings in the metric CRS
    parts_o: np.ndarray  # the same parts in the output CRS
    river_of_part: np.ndarray
    offset: np.ndarray  # axis position of each part's start
    length: np.ndarray  # metric length of each part
    coords_o: np.ndarray
    gcum: np.ndarray
    part_of_vertex: np.ndarray
    coords_m: np.ndarray = None


def _build_axis(river_geoms_o, river_geoms_m) -> _Axis:
    import shapely

    parts_o, owner = shapely.get_parts(river_geoms_o, return_index=True)
    parts_m = shapely.get_parts(river_geoms_m)
    keep = shapely.get_num_points(parts_o) >= 2
    parts_o, parts_m, owner = parts_o[keep], parts_m[keep], owner[keep]
    cm, pidx = shapely.get_coordinates(parts_m, return_index=True)
    co = shapely.get_coordinates(parts_o)
    step = np.zeros(len(cm))
    if len(cm) > 1:
        d = np.hypot(np.diff(cm[:, 0]), np.diff(cm[:, 1]))
        same = pidx[1:] == pidx[:-1]
        step[1:] = np.where(same, d, 0.0)
    length = np.bincount(pidx, weights=step, minlength=len(parts_m))
    offset = np.concatenate([[0.0], np.cumsum(length + _AXIS_GAP)[:-1]])
    # cumulative measure within the part, then shifted onto the global axis
    csum = np.cumsum(step)
    first = np.searchsorted(pidx, np.arange(len(parts_m)), side="left")
    base = csum[first] if len(csum) else np.zeros(0)
    gcum = csum - base[pidx] + offset[pidx]
    return _Axis(parts_m, parts_o, owner, offset, length, co, gcum, pidx, cm)


def _threaded(fn, n: int, threads: int, chunk: int):
    """Run ``fn(lo, hi)`` over [0, n) in chunks, on ``threads`` threads (numpy and GEOS release
    the GIL). Returns the list of results in chunk order."""
    bounds = list(range(0, n, max(chunk, 1))) + [n]
    spans = list(zip(bounds[:-1], bounds[1:])) or [(0, 0)]
    if threads <= 1 or len(spans) == 1:
        return [fn(lo, hi) for lo, hi in spans]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda s: fn(*s), spans))


def _boundary_edges(units_m):
    """Unit boundary edges (start, end), each shared edge once (direction-independent)."""
    import shapely

    rings = shapely.get_rings(shapely.get_parts(units_m))
    c, ri = shapely.get_coordinates(rings, return_index=True)
    if len(c) < 2:
        return np.zeros((0, 2)), np.zeros((0, 2))
    same = ri[1:] == ri[:-1]
    a, b = c[:-1][same], c[1:][same]
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    key = np.where(swap[:, None], np.hstack([b, a]), np.hstack([a, b]))
    key = key[(key[:, 0] != key[:, 2]) | (key[:, 1] != key[:, 3])]
    key = key[np.lexsort((key[:, 3], key[:, 2], key[:, 1], key[:, 0]))]
    dup = np.zeros(len(key), dtype=bool)
    dup[1:] = np.all(key[1:] == key[:-1], axis=1)
    key = key[~dup]
    return key[:, :2], key[:, 2:]


def _linear_range(a, b, lo, hi, eps):
    """Parameter range of t where lo <= a + b t <= hi (empty: lo > hi)."""
    nz = np.abs(b) > eps
    bb = np.where(nz, b, 1.0)
    t1, t2 = (lo - a) / bb, (hi - a) / bb
    inside = (a >= lo) & (a <= hi)
    tlo = np.where(nz, np.minimum(t1, t2), np.where(inside, -np.inf, np.inf))
    thi = np.where(nz, np.maximum(t1, t2), np.where(inside, np.inf, -np.inf))
    return tlo, thi


def _disc_range(f, d, dd, r):
    """Parameter range of t where |f + t d| <= r (empty: lo > hi)."""
    b = np.einsum("ij,ij->i", d, f)
    c = np.einsum("ij,ij->i", f, f) - r * r
    disc = b * b - dd * c
    ok = disc >= 0
    s = np.sqrt(np.where(ok, disc, 0.0))
    return np.where(ok, (-b - s) / dd, np.inf), np.where(ok, (-b + s) / dd, -np.inf)


#: consecutive river edges queried together when pairing them with boundary edges
_GROUP = 4


def _built_tree(geoms):
    """An STRtree that is already built (GEOS builds it lazily on the first query; the first
    query is made here, in one thread, before threads share the tree)."""
    import shapely

    tree = shapely.STRtree(geoms)
    tree.query(shapely.points(0.0, 0.0))
    return tree


def _boundary_tree(q0, q1):
    """STRtree of the boundary edges (2-point lines: cheaper to build than boxes)."""
    import shapely

    return _built_tree(shapely.linestrings(np.stack([q0, q1], axis=1)))


def _edge_pairs(p0, p1, pos0, elen, q0, q1, tol, threads, part=None, btree=None):
    """Crossings and near stretches of river edges (p0 -> p1) with boundary edges (q0 - q1).

    Returns axis positions of crossings, near intervals (start, end) where a river edge lies
    within ``tol`` of a boundary edge, and the projections of boundary vertices lying within
    ``tol`` of a river edge.
    """
    import shapely

    empty = np.zeros(0)
    if len(p0) == 0 or len(q0) == 0:
        return empty, empty, empty, empty
    # Pairing: a tree of the boundary edges, queried with the envelopes (grown by tol) of runs of
    # _GROUP consecutive river edges (a 2-point diagonal line per run: building one geometry per
    # river edge costs more than the query), then refined per edge in numpy.
    lo_xy, hi_xy = np.minimum(p0, p1), np.maximum(p0, p1)
    blo, bhi = np.minimum(q0, q1) - tol, np.maximum(q0, q1) + tol
    tree = btree if btree is not None else _boundary_tree(q0, q1)
    n_edges = len(p0)
    # runs never span two parts (their envelope would cover the gap between rivers)
    if part is None:
        part = np.zeros(n_edges, dtype=np.int64)
    newpart = np.ones(n_edges, dtype=bool)
    newpart[1:] = part[1:] != part[:-1]
    pstart = np.flatnonzero(newpart)
    rank = np.arange(n_edges) - pstart[np.cumsum(newpart) - 1]
    first = np.flatnonzero(rank % _GROUP == 0)
    size = np.diff(np.append(first, n_edges))
    glo = np.minimum.reduceat(lo_xy, first, axis=0) - tol
    ghi = np.maximum.reduceat(hi_xy, first, axis=0) + tol

    def query(lo, hi):
        diag = shapely.linestrings(np.stack([glo[lo:hi], ghi[lo:hi]], axis=1))
        gi, jj = tree.query(diag)
        gi = gi + lo
        ii = (first[gi][:, None] + np.arange(_GROUP)).ravel()
        ok = (np.arange(_GROUP)[None, :] < size[gi][:, None]).ravel()
        ii, jj = ii[ok], np.repeat(jj, _GROUP)[ok]
        hit = (lo_xy[ii, 0] <= bhi[jj, 0]) & (hi_xy[ii, 0] >= blo[jj, 0]) & \
            (lo_xy[ii, 1] <= bhi[jj, 1]) & (hi_xy[ii, 1] >= blo[jj, 1])
        return ii[hit], jj[hit]

    found = _threaded(query, len(first), threads, 40000)
    pair_i = np.concatenate([f[0] for f in found])
    pair_j = np.concatenate([f[1] for f in found])

    def run(lo, hi):
        ii, jj = pair_i[lo:hi], pair_j[lo:hi]
        P0, Q0 = p0[ii], q0[jj]
        D, E = p1[ii] - P0, q1[jj] - Q0
        W = Q0 - P0
        den = D[:, 0] * E[:, 1] - D[:, 1] * E[:, 0]
        wxe = W[:, 0] * E[:, 1] - W[:, 1] * E[:, 0]
        wxd = W[:, 0] * D[:, 1] - W[:, 1] * D[:, 0]
        dd = np.einsum("ij,ij->i", D, D)
        ee = np.einsum("ij,ij->i", E, E)
        ok = np.abs(den) > 1e-12 * np.sqrt(dd * ee)
        dens = np.where(ok, den, 1.0)
        t, u = wxe / dens, wxd / dens
        cross = ok & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
        cuts = pos0[ii[cross]] + t[cross] * elen[ii[cross]]
        # the part of the river edge within tol of the boundary edge: line x capsule
        L = np.sqrt(ee)
        eps = 1e-12 * np.sqrt(dd)
        s_lo, s_hi = _linear_range(-(W[:, 0] * E[:, 0] + W[:, 1] * E[:, 1]) / L,
                                   (D[:, 0] * E[:, 0] + D[:, 1] * E[:, 1]) / L, 0.0, L, eps)
        v_lo, v_hi = _linear_range(-wxe / L, den / L, -tol, tol, eps)
        b_lo, b_hi = np.maximum(s_lo, v_lo), np.minimum(s_hi, v_hi)
        b_lo, b_hi = np.where(b_lo <= b_hi, b_lo, np.inf), np.where(b_lo <= b_hi, b_hi, -np.inf)
        a_lo, a_hi = _disc_range(-W, D, dd, tol)
        c_lo, c_hi = _disc_range(P0 - q1[jj], D, dd, tol)
        n_lo = np.clip(np.minimum(np.minimum(a_lo, b_lo), c_lo), 0.0, 1.0)
        n_hi = np.clip(np.maximum(np.maximum(a_hi, b_hi), c_hi), 0.0, 1.0)
        near = n_hi > n_lo
        ni = ii[near]
        ns = pos0[ni] + n_lo[near] * elen[ni]
        ne = pos0[ni] + n_hi[near] * elen[ni]
        # boundary vertices near the river edge, projected onto it
        vps = []
        for Q in (Q0[near], q1[jj[near]]):
            Dn, Pn = D[near], P0[near]
            tq = np.einsum("ij,ij->i", Q - Pn, Dn) / dd[near]
            foot = Pn + Dn * tq[:, None]
            close = (tq > 0) & (tq < 1) & (np.einsum("ij,ij->i", Q - foot, Q - foot) <= tol * tol)
            vps.append(pos0[ni[close]] + tq[close] * elen[ni[close]])
        return cuts, ns, ne, np.concatenate(vps)

    chunks = _threaded(run, len(pair_i), threads, 200000)
    return tuple(np.concatenate([c[k] for c in chunks]) for k in range(4))


def _point_in_units(tree, units_m, xy, threads):
    """Index of a unit containing each point (-1 when none)."""
    import shapely

    out = np.full(len(xy), -1, dtype=np.int64)

    def run(lo, hi):
        if hi <= lo:
            return
        ip, iu = tree.query(shapely.points(xy[lo:hi]))
        hit = shapely.contains_xy(units_m[iu], xy[lo + ip, 0], xy[lo + ip, 1])
        # the first unit found wins (overlapping units are a data error reported elsewhere)
        out[lo + ip[hit][::-1]] = iu[hit][::-1]

    _threaded(run, len(xy), threads, 50000)
    return out


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


def _elementary(axis: _Axis, cuts, eps: float = 1e-6):
    """Intervals between consecutive break points that lie within a part: (start, end, part).

    Break points closer than ``eps`` (the same crossing found from two edges) count once.
    """
    ends = np.concatenate([axis.offset, axis.offset + axis.length])
    pts = np.unique(np.concatenate(list(cuts))) if len(cuts) else np.zeros(0)
    if len(pts):
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = np.diff(pts) > eps
        pts = pts[keep]
        se = np.sort(ends)
        k = np.clip(np.searchsorted(se, pts), 1, len(se) - 1)
        near_end = (np.abs(se[k] - pts) <= eps) | (np.abs(se[k - 1] - pts) <= eps)
        pts = pts[~near_end]
    bp = np.unique(np.concatenate([ends, pts]))
    a, b = bp[:-1], bp[1:]
    mid = (a + b) / 2
    p = np.searchsorted(axis.offset, mid, side="right") - 1
    pc = np.maximum(p, 0)
    keep = (p >= 0) & (mid < axis.offset[pc] + axis.length[pc]) & (b - a > 1e-9)
    return a[keep], b[keep], p[keep]


def _unit_index(units_m):
    """What the cutting needs of the units: (STRtree, boundary edge starts, ends, STRtree of the
    boundary edges)."""
    import shapely

    tree = _built_tree(units_m)
    shapely.prepare(units_m)
    # prepared polygons build their point-in-area index lazily on first use; two threads doing
    # that first use at once corrupt the heap (aborts such as "unaligned tcache chunk" at
    # province scale). Build every index here, in one thread, before the threaded tests.
    xy, owner = shapely.get_coordinates(units_m, return_index=True)
    if len(xy):
        first = np.searchsorted(owner, np.arange(len(units_m)))
        has = first < len(owner)
        shapely.contains_xy(units_m[has], xy[first[has], 0], xy[first[has], 1])
    q0, q1 = _boundary_edges(units_m)
    return tree, q0, q1, _boundary_tree(q0, q1)


def _eff_tol(tolerance: float) -> float:
    return max(float(tolerance), 0.01)


def label_axis(axis: _Axis, units_m, tolerance: float, min_length: float, threads: int = 2,
               progress: Optional[_Progress] = None, index=None):
    """Runs along the axis: arrays (start, end, part, left unit, right unit).

    Unit -1 means outside every unit. A run with left == right is a both-bank run.
    ``index`` is ``_unit_index(units_m)`` when already built.
    """
    eff_tol = _eff_tol(tolerance)
    bank_min = max(5.0 * eff_tol, float(min_length), 1.0)
    tree, q0, q1, btree = index if index is not None else _unit_index(units_m)
    g, pv, cm = axis.gcum, axis.part_of_vertex, axis.coords_m
    ei = np.flatnonzero((pv[1:] == pv[:-1]) & (g[1:] > g[:-1])) if len(g) > 1 else np.zeros(0, int)
    cuts, ns, ne, vproj = _edge_pairs(cm[ei], cm[ei + 1], g[ei], g[ei + 1] - g[ei], q0, q1,
                                      eff_tol, threads, part=pv[ei], btree=btree)
    if progress:
        progress.step(40)
    # stretches within the tolerance of a boundary, long enough to be a bank
    cs, ce = np.zeros(0), np.zeros(0)
    if len(ns):
        o = np.argsort(ns, kind="stable")
        ns, ne = ns[o], ne[o]
        run_end = np.maximum.accumulate(ne)
        new = np.ones(len(ns), dtype=bool)
        new[1:] = ns[1:] > run_end[:-1] + 1e-6
        starts = np.flatnonzero(new)
        gs, ge = ns[starts], np.maximum.reduceat(ne, starts)
        cand = ge - gs >= bank_min
        cs, ce = gs[cand], ge[cand]

    def in_stretch(pos):
        k = np.searchsorted(cs, pos, side="right") - 1
        return (k >= 0) & (pos < ce[np.maximum(k, 0)]) if len(cs) else np.zeros(len(pos), dtype=bool)

    a, b, p = _elementary(axis, [cuts, cs, ce, vproj[in_stretch(vproj)]])
    mid = (a + b) / 2
    pc, nrm = _points_at(axis, mid)
    unit = _point_in_units(tree, units_m, pc, threads)
    # a piece lying exactly on a boundary: take the unit just to its left, else right
    on_edge = np.flatnonzero(unit < 0)
    if len(on_edge):
        nudge = min(0.05, eff_tol / 10.0)
        for sign in (1.0, -1.0):
            lab = _point_in_units(tree, units_m, pc[on_edge] + sign * nudge * nrm[on_edge], threads)
            fill = (unit[on_edge] < 0) & (lab >= 0)
            unit[on_edge[fill]] = lab[fill]
    if progress:
        progress.step(60)
    left, right = unit.copy(), unit.copy()
    cand = np.flatnonzero(in_stretch(mid))
    if len(cand):
        off = 2.0 * eff_tol + 0.5
        sl = _point_in_units(tree, units_m, pc[cand] + nrm[cand] * off, threads)
        sr = _point_in_units(tree, units_m, pc[cand] - nrm[cand] * off, threads)
        bank = np.zeros(len(a), dtype=bool)
        lb, rb = np.full(len(a), -1), np.full(len(a), -1)
        bank[cand] = sl != sr
        lb[cand], rb[cand] = sl, sr
        # bank runs (same units either side) shorter than bank_min are not banks
        brk = np.ones(len(a), dtype=bool)
        brk[1:] = ~(bank[1:] & bank[:-1] & (lb[1:] == lb[:-1]) & (rb[1:] == rb[:-1]) & (p[1:] == p[:-1]))
        gid = np.cumsum(brk) - 1
        glen = np.bincount(gid, weights=b - a)
        bank &= glen[gid] >= bank_min - 1e-9
        left[bank], right[bank] = lb[bank], rb[bank]
    if progress:
        progress.step(70)
    return _merge_runs(a, b, p, left, right, float(min_length))


def _merge_runs(s, e, p, left, right, min_length):
    """Merge equal neighbours, then absorb slivers shorter than ``min_length``."""
    if len(s) == 0:
        return s, e, p, left, right
    brk = np.ones(len(s), dtype=bool)
    brk[1:] = (p[1:] != p[:-1]) | (left[1:] != left[:-1]) | (right[1:] != right[:-1]) | \
        ~np.isclose(s[1:], e[:-1])
    first = np.flatnonzero(brk)
    last = np.concatenate([first[1:], [len(s)]]) - 1
    s, e, p, left, right = s[first], e[last], p[first], left[first], right[first]
    length = e - s
    short = (length < min_length) & ~((left < 0) & (right < 0))
    short_outside = (length < min_length) & (left < 0) & (right < 0)
    if not (short.any() or short_outside.any()):
        return s, e, p, left, right
    runs = [list(r) for r in zip(s, e, p, left, right)]
    # per part, absorb the shortest sliver first until none is left
    out = []
    by_part = defaultdict(list)
    for r in runs:
        by_part[r[2]].append(r)
    for part in sorted(by_part):
        seq = by_part[part]
        changed = True
        while changed and len(seq) > 1:
            changed = False
            cand = [(r[1] - r[0], k) for k, r in enumerate(seq) if r[1] - r[0] < min_length]
            for _, k in sorted(cand):
                r = seq[k]
                outside = r[3] < 0 and r[4] < 0
                prev = seq[k - 1] if k > 0 and np.isclose(seq[k - 1][1], r[0]) else None
                nxt = seq[k + 1] if k + 1 < len(seq) and np.isclose(seq[k + 1][0], r[1]) else None
                target = None
                if outside:
                    # a short dip out of the district between two runs of the same unit
                    if prev is not None and nxt is not None and prev[3:] == nxt[3:]:
                        target = prev
                else:
                    choices = [c for c in (prev, nxt) if c is not None and not (c[3] < 0 and c[4] < 0)]
                    if choices:
                        mine = {r[3], r[4]} - {-1}
                        same = [c for c in choices if mine & ({c[3], c[4]} - {-1})]
                        pool = same or choices
                        target = max(pool, key=lambda c: c[1] - c[0])
                if target is None:
                    continue
                r[3], r[4] = target[3], target[4]
                # merge equal neighbours
                merged = [seq[0]]
                for q in seq[1:]:
                    m = merged[-1]
                    if m[3:] == q[3:] and np.isclose(m[1], q[0]):
                        m[1] = q[1]
                    else:
                        merged.append(q)
                seq[:] = merged
                changed = True
                break
        out.extend(seq)
    arr = np.array(out, dtype=float)
    return arr[:, 0], arr[:, 1], arr[:, 2].astype(int), arr[:, 3].astype(int), arr[:, 4].astype(int)


# --------------------------------------------------------------------------- segments as columns

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
    if rivers_crs.upper() not in ("EPSG:4490", "EPSG:4326"):
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
    if values.ndim == 2:
        return values[j - 1] + (values[j] - values[j - 1]) * t[:, None], j
    return values[j - 1] + (values[j] - values[j - 1]) * t, j


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


def multilinestring_wkb(coords: np.ndarray, counts: np.ndarray) -> list:
    """ISO WKB (little endian) of one single-part MultiLineString per run of ``counts`` vertices."""
    n = len(counts)
    if n == 0:
        return []
    counts = np.asarray(counts, dtype=np.int64)
    hdr = np.zeros((n, 18), dtype=np.uint8)
    hdr[:, 0], hdr[:, 1], hdr[:, 5] = 1, 5, 1  # little endian, MultiLineString, 1 part
    hdr[:, 9], hdr[:, 10] = 1, 2  # little endian, LineString
    hdr[:, 14:18] = counts.astype("<u4").view(np.uint8).reshape(n, 4)
    body = np.ascontiguousarray(coords[:, :2], dtype="<f8").view(np.uint8).ravel()
    size = 18 + 16 * counts
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    # headers at each record's start, vertex bytes everywhere else (in order)
    is_hdr = np.zeros(int(size.sum()), dtype=bool)
    is_hdr[(start[:, None] + np.arange(18)).ravel()] = True
    arr = np.empty(len(is_hdr), dtype=np.uint8)
    arr[is_hdr] = hdr.ravel()
    arr[~is_hdr] = body
    buf = arr.tobytes()
    return [buf[s:s + k] for s, k in zip(start.tolist(), size.tolist())]


_BANKS = np.array(["both", "left", "right"], dtype=object)


class SegmentTable:
    """Segments as columns (field name -> list, one entry per segment), geometries as flat
    vertex arrays in the rivers CRS (``geom_of_row`` picks a geometry, shared by the two
    single-bank rows of a stretch)."""

    def __init__(self, columns: dict, geom_of_row: np.ndarray, coords: np.ndarray, counts: np.ndarray):
        self.columns = columns
        self.geom_of_row = np.asarray(geom_of_row, dtype=np.int64)
        self.coords = coords
        self.counts = np.asarray(counts, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.geom_of_row)

    def reorder(self, order) -> None:
        order = np.asarray(order, dtype=np.int64)
        for k, col in self.columns.items():
            self.columns[k] = [col[i] for i in order.tolist()]
        self.geom_of_row = self.geom_of_row[order]

    def wkb(self) -> list:
        """MultiLineString WKB of each row."""
        per_geom = multilinestring_wkb(self.coords, self.counts)
        return [per_geom[i] for i in self.geom_of_row.tolist()]

    def geoms(self) -> np.ndarray:
        """Shapely MultiLineString of each row."""
        import shapely

        if len(self.counts) == 0:
            return np.array([], dtype=object)
        lines = shapely.linestrings(self.coords, indices=np.repeat(np.arange(len(self.counts)), self.counts))
        multi = shapely.multilinestrings(lines, indices=np.arange(len(lines)))
        return multi[self.geom_of_row]

    def rows(self) -> list:
        names = list(self.columns)
        geoms = self.geoms()
        out = []
        for i, vals in enumerate(zip(*(self.columns[k] for k in names))):
            row = dict(zip(names, vals))
            if row.get("fid") is None:
                row.pop("fid", None)
            if "target" in row and row["target"] is None:
                row.pop("target")
            row["geom"] = geoms[i]
            out.append(row)
        return out


def _end_units(p, left, right, direction: int):
    """What lies beyond each run's start (direction -1) or end (+1) within its part: a unit
    index, or -3 for outside the district. ``inside`` is False where the part ends there."""
    n = len(p)
    j = np.arange(n) + direction
    jj = np.clip(j, 0, max(n - 1, 0))
    inside = (j >= 0) & (j < n) & (p[jj] == p)
    lo, hi = np.minimum(left[jj], right[jj]), np.maximum(left[jj], right[jj])
    c1 = np.where(lo >= 0, lo, hi)
    c2 = np.where((lo >= 0) & (hi != lo), hi, -1)
    mine1 = (c1 == left) | (c1 == right)
    mine2 = (c2 == left) | (c2 == right)
    # a unit other than the run's own, the lowest first; else the neighbour's own
    pick = np.where(~mine1, c1, np.where((c2 >= 0) & ~mine2, c2, c1))
    return np.where(c1 < 0, -3, pick), inside


def _segment_table(runs, axis: _Axis, river_rows, unit_rows, rivers_crs: str, today: str) -> SegmentTable:
    """Segment columns (without codes) from labelled runs."""
    s, e, p, left, right = runs
    # rows: one per both-bank run, one per inside side of a single-bank run
    both = (left == right) & (left >= 0)
    single = left != right
    kinds = [(np.flatnonzero(both), 0, left), (np.flatnonzero(single & (left >= 0)), 1, left),
             (np.flatnonzero(single & (right >= 0)), 2, right)]
    run = np.concatenate([k[0] for k in kinds]).astype(np.int64)
    bank = np.concatenate([np.full(len(k[0]), k[1]) for k in kinds]).astype(np.int64)
    unit = np.concatenate([k[2][k[0]] for k in kinds]).astype(np.int64)
    order = np.lexsort((bank, run))
    run, bank, unit = run[order], bank[order], unit[order]
    used = np.unique(run)  # runs that give rows, in axis order
    geom_index = np.searchsorted(used, run)
    coords, counts = substring_coords(axis.coords_o, axis.gcum, s[used], e[used])
    gd = _geodesic_measure(axis, rivers_crs)
    g_start, _ = _interp_on_axis(gd, axis.gcum, s[used], "right")
    g_end, _ = _interp_on_axis(gd, axis.gcum, e[used], "left")
    length_km = np.round((g_end - g_start) / 1000.0, 6)[geom_index]
    # start and end names
    start_u, inside = _end_units(p, left, right, -1)
    at_source = ~inside & (np.abs(s - axis.offset[p]) < 1e-6)
    start_u = np.where(inside, start_u, np.where(at_source, -2, -3))
    end_u, inside = _end_units(p, left, right, +1)
    at_mouth = ~inside & (np.abs(e - (axis.offset[p] + axis.length[p])) < 1e-6)
    end_u = np.where(inside, end_u, np.where(at_mouth, -2, -3))
    unit_names = [u.get("name") or "" for u in unit_rows]
    beyond = [NAME_BOUNDARY.format(unit=nm) for nm in unit_names]

    def end_text(codes, special):
        return [beyond[c] if c >= 0 else (special if c == -2 else NAME_DISTRICT_EDGE) for c in codes.tolist()]

    start_names = end_text(start_u[run], NAME_SOURCE)
    end_names = end_text(end_u[run], NAME_MOUTH)
    river = axis.river_of_part[p[run]]
    # names: river + unit (+ number when a unit holds several segments of the river and bank)
    grp_order = np.lexsort((np.arange(len(run)), bank, unit, river))
    key = np.column_stack([river, unit, bank])[grp_order]
    new = np.ones(len(run), dtype=bool)
    new[1:] = np.any(key[1:] != key[:-1], axis=1)
    gid = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    rank_sorted = np.arange(len(run)) - first[gid]
    size_sorted = np.bincount(gid)[gid]
    rank = np.empty(len(run), dtype=np.int64)
    size = np.empty(len(run), dtype=np.int64)
    rank[grp_order], size[grp_order] = rank_sorted + 1, size_sorted
    river_names = [r.get("name") or "" for r in river_rows]
    river_codes = [r.get("river_code") for r in river_rows]
    unit_codes = [u.get("code") for u in unit_rows]
    suffix = [BANK_SUFFIX[b] for b in _BANKS]
    names = [(NAME_SEGMENT.format(river=river_names[r], unit=unit_names[u]) if sz == 1 else
              NAME_SEGMENT_NUMBERED.format(river=river_names[r], unit=unit_names[u], n=rk)) + suffix[b]
             for r, u, b, rk, sz in zip(river.tolist(), unit.tolist(), bank.tolist(), rank.tolist(),
                                        size.tolist())]
    m = len(run)
    columns = {
        "seg_code": [None] * m,
        "river_code": [river_codes[r] for r in river.tolist()],
        "name": names,
        "bank": list(_BANKS[bank]),
        "unit_code": [unit_codes[u] for u in unit.tolist()],
        "start_name": start_names,
        "end_name": end_names,
        "length_km": length_km.tolist(),
        "valid_from": [today] * m,
        "valid_to": [None] * m,
        "fid": [None] * m,
        "target": [None] * m,
    }
    return SegmentTable(columns, geom_index, coords, counts)


# --------------------------------------------------------------------------- whole run


def _district_of(units: Sequence[dict], district_code: Optional[str]) -> str:
    if district_code:
        code = str(district_code).strip()
        if len(code) == 6 and code.isdigit():
            code += "000000"
        if hzcodes.check_unit_code(code):
            raise SegmentationError(f"district code {district_code!r} is not a 6- or 12-digit code")
        return code
    prefixes = Counter(str(u.get("code") or "")[:6] for u in units if u.get("code"))
    if not prefixes:
        raise SegmentationError("the district code is unknown: give DISTRICT_CODE or units with codes")
    return prefixes.most_common(1)[0][0] + "000000"


def match_existing(new_rows, existing_rows, crs: str, tolerance: float):
    """Pair new segments with current existing ones of the same river, unit and bank.

    Returns {new index: (existing index, 'unchanged' | 'changed')}. Unchanged: every point of
    each lies within ``tolerance`` of the other (Hausdorff); changed: they still share most
    of their extent.
    """
    import shapely

    out: dict[int, tuple[int, str]] = {}
    if not new_rows or not existing_rows:
        return out
    metric = choose_metric_crs([r["geom"] for r in new_rows], crs)
    ng = transform_geoms([r["geom"] for r in new_rows], crs, metric)
    eg = transform_geoms([r.get("geom") for r in existing_rows], crs, metric)
    groups_e = defaultdict(list)
    for j, r in enumerate(existing_rows):
        if eg[j] is not None and not eg[j].is_empty:
            groups_e[(r.get("river_code"), r.get("unit_code"), r.get("bank"))].append(j)
    cand = []
    for i, r in enumerate(new_rows):
        for j in groups_e.get((r["river_code"], r["unit_code"], r["bank"]), ()):
            cand.append((i, j))
    if not cand:
        return out
    ci = np.array([c[0] for c in cand])
    cj = np.array([c[1] for c in cand])
    hd = shapely.hausdorff_distance(ng[ci], eg[cj])
    tol = max(float(tolerance), 1.0)
    shared = shapely.length(shapely.intersection(ng[ci], shapely.buffer(eg[cj], tol, quad_segs=2)))
    ratio = shared / np.maximum(np.maximum(shapely.length(ng[ci]), shapely.length(eg[cj])), 1e-9)
    order = np.lexsort((-ratio, hd))
    used_i, used_j = set(), set()
    for k in order:
        i, j = int(ci[k]), int(cj[k])
        if i in used_i or j in used_j:
            continue
        if hd[k] <= tol:
            status = "unchanged"
        elif ratio[k] >= 0.5:
            status = "changed"
        else:
            continue
        used_i.add(i)
        used_j.add(j)
        out[i] = (j, status)
    return out


@dataclass
class _Prepared:
    """Cleaned inputs and the unit index, shared by every chunk of rivers."""
    report: dict
    district: str
    river_rows: list
    rgeoms: np.ndarray
    rgeoms_m: np.ndarray
    unit_rows: list
    units_m: np.ndarray
    index: tuple
    metric: str
    rivers_crs: str
    tolerance: float
    min_length: float
    threads: int
    today: str


def _prepare(rivers, units, rivers_crs, units_crs, boundary_tolerance, min_length, district_code,
             threads, today) -> tuple:
    """Check and clean the inputs, transform and index the units. Returns (prepared or None when
    there is nothing to cut, report)."""
    import shapely

    units_crs = units_crs or rivers_crs
    if boundary_tolerance < 0 or min_length < 0:
        raise SegmentationError("BOUNDARY_TOLERANCE and MIN_LENGTH cannot be negative")
    district = _district_of(units, district_code)
    report: dict[str, Any] = {"repaired": [], "invalid": [], "added": [], "changed": [],
                              "unchanged": [], "retired": [], "district_code": district}
    codes_seen = Counter(r.get("river_code") for r in rivers)
    for r in rivers:
        if not r.get("river_code"):
            report["invalid"].append(f"{_label(r, 'river')}: no river code")
    dup = sorted(c for c, n in codes_seen.items() if c and n > 1)
    if dup:
        raise SegmentationError(f"river codes are not unique: {', '.join(map(str, dup[:10]))}")
    rgeoms, rkeep, rrep, rinv = clean_geometries(rivers, "river", 1)
    ugeoms, ukeep, urep, uinv = clean_geometries(units, "unit", 2)
    rkeep &= np.array([bool(r.get("river_code")) for r in rivers], dtype=bool) if len(rivers) else rkeep
    report["repaired"] += rrep + urep
    report["invalid"] += rinv + uinv
    river_rows = [r for r, k in zip(rivers, rkeep) if k]
    unit_rows = [u for u, k in zip(units, ukeep) if k]
    rgeoms, ugeoms = rgeoms[rkeep], ugeoms[ukeep]
    if len(river_rows) == 0 or len(unit_rows) == 0:
        report["segments"] = 0
        return None, report
    # directed merge joins parts digitised end to start without flipping flow direction
    multi = shapely.get_num_geometries(rgeoms) > 1
    if multi.any():
        try:
            rgeoms[multi] = shapely.line_merge(rgeoms[multi], directed=True)
        except (TypeError, shapely.errors.UnsupportedGEOSVersionError):
            pass
    metric = choose_metric_crs(rgeoms, rivers_crs)
    if threads > 1 and len(rgeoms) + len(ugeoms) > 2000:
        with ThreadPoolExecutor(max_workers=2) as pool:
            fr = pool.submit(transform_geoms, rgeoms, rivers_crs, metric)
            fu = pool.submit(transform_geoms, ugeoms, units_crs, metric)
            rg_m, ug_m = fr.result(), fu.result()
    else:
        rg_m = transform_geoms(rgeoms, rivers_crs, metric)
        ug_m = transform_geoms(ugeoms, units_crs, metric)
    ug_m = np.asarray(ug_m, dtype=object)
    prep = _Prepared(report, district, river_rows, rgeoms, np.asarray(rg_m, dtype=object), unit_rows, ug_m,
                     _unit_index(ug_m), metric, rivers_crs, boundary_tolerance,
                     min_length, threads, today)
    report["rivers"] = len(river_rows)
    report["units"] = len(unit_rows)
    report["metric_crs"] = metric
    return prep, report


def _cut(prep: _Prepared, lo: int, hi: int, progress: Optional[_Progress] = None) -> SegmentTable:
    """Segments (without codes) of the prepared rivers ``lo:hi``."""
    axis = _build_axis(prep.rgeoms[lo:hi], prep.rgeoms_m[lo:hi])
    if progress:
        progress.step(15)
    runs = label_axis(axis, prep.units_m, prep.tolerance, prep.min_length, prep.threads, progress,
                      index=prep.index)
    return _segment_table(runs, axis, prep.river_rows[lo:hi], prep.unit_rows, prep.rivers_crs, prep.today)


def segment_rivers(rivers: Sequence[dict], units: Sequence[dict], *, rivers_crs: str,
                   units_crs: Optional[str] = None, boundary_tolerance: float = 10.0,
                   min_length: float = 50.0, district_code: Optional[str] = None,
                   existing: Optional[Sequence[dict]] = None, today: Optional[str] = None,
                   feedback=None, threads: int = 2) -> SegmentationResult:
    """Cut ``rivers`` (rows with river_code, name, geom) by ``units`` (code, name, geom).

    ``existing`` are segment rows (geometry in ``rivers_crs``) from an earlier run: segments
    that did not materially change keep their code (and fid), changed ones keep their code
    with new extent, new ones get the next free codes, and existing current segments of the
    processed rivers that are gone are returned as retired (``valid_to`` = ``today``).
    """
    progress = _Progress(feedback)
    today = today or _dt.date.today().isoformat()
    prep, report = _prepare(rivers, units, rivers_crs, units_crs, boundary_tolerance, min_length,
                            district_code, threads, today)
    progress.step(5, None)
    result = SegmentationResult(report=report)
    if prep is None:
        return result
    district, river_rows = prep.district, prep.river_rows
    table = _cut(prep, 0, len(river_rows), progress)
    progress.step(85)
    cols = table.columns
    # stable codes
    processed = {r.get("river_code") for r in river_rows}
    existing = list(existing or [])
    current = [r for r in existing if not r.get("valid_to") and r.get("river_code") in processed]
    matches = {}
    if current and len(table):
        geoms = table.geoms()
        probe = [{"river_code": rc, "unit_code": uc, "bank": bk, "geom": g}
                 for rc, uc, bk, g in zip(cols["river_code"], cols["unit_code"], cols["bank"], geoms)]
        matches = match_existing(probe, current, rivers_crs, boundary_tolerance)
    matched_j = set()
    for i, (j, status) in matches.items():
        old = current[j]
        cols["seg_code"][i] = old.get("seg_code")
        cols["fid"][i] = old.get("fid")
        cols["valid_from"][i] = old.get("valid_from") or today
        if "target" in old:
            cols["target"][i] = old.get("target")
        report[status].append(old.get("seg_code"))
        matched_j.add(j)
    fresh = [i for i in range(len(table)) if i not in matches]
    new_codes = hzcodes.next_seg_codes(district, [r.get("seg_code") for r in existing], len(fresh)) \
        if fresh else []
    for i, code in zip(fresh, new_codes):
        cols["seg_code"][i] = code
    report["added"] = list(new_codes)
    for j, old in enumerate(current):
        if j not in matched_j:
            retired = dict(old)
            retired["valid_to"] = today
            result.retired.append(retired)
            report["retired"].append(old.get("seg_code"))
    codes = cols["seg_code"]
    if any(codes[i] > codes[i + 1] for i in range(len(codes) - 1)):
        table.reorder(sorted(range(len(table)), key=codes.__getitem__))
    result.table = table
    report["segments"] = len(table)
    report["single_bank"] = sum(1 for b in table.columns["bank"] if b != "both")
    progress.step(100)
    return result


# --------------------------------------------------------------------------- drawing


def nearest_index(lines, point) -> int:
    """Index of the line nearest to a point (shapely geometries), -1 when none."""
    import shapely

    arr = np.asarray([g if g is not None else shapely.GeometryCollection() for g in lines], dtype=object)
    if len(arr) == 0:
        return -1
    d = shapely.distance(arr, point)
    d = np.where(np.isnan(d), np.inf, d)
    k = int(np.argmin(d))
    return k if np.isfinite(d[k]) else -1


def substring_between(line, p_start, p_end, crs: str):
    """The part of ``line`` between the projections of two points, in the line's direction.

    ``line`` may be multi-part: the part nearest to ``p_start`` is used. Returns a
    LineString following the original vertices (``None`` when both points project to the
    same place).
    """
    import shapely

    parts = shapely.get_parts(line)
    k = nearest_index(parts, p_start)
    if k < 0:
        return None
    part = parts[k]
    metric = choose_metric_crs([part], crs)
    pm = transform_geoms([part, p_start, p_end], crs, metric)
    axis = _build_axis(np.array([part], dtype=object), np.array([pm[0]], dtype=object))
    a = float(shapely.line_locate_point(pm[0], pm[1]))
    b = float(shapely.line_locate_point(pm[0], pm[2]))
    lo, hi = min(a, b), max(a, b)
    if hi - lo <= 1e-6:
        return None
    return substrings_on_axis(axis.coords_o, axis.gcum, axis.part_of_vertex, np.array([lo]),
                              np.array([hi]))[0]


def unit_with_most_length(segment, unit_geoms, crs: str) -> int:
    """Index of the unit holding most of a segment's length (-1 when none holds any)."""
    import shapely

    ug = np.asarray(unit_geoms, dtype=object)
    if len(ug) == 0 or segment is None:
        return -1
    valid = np.array([g is not None and not g.is_empty for g in ug])
    inter = np.empty(len(ug), dtype=object)
    inter[:] = None
    inter[valid] = shapely.intersection(segment, shapely.make_valid(ug[valid]))
    lengths = np.zeros(len(ug))
    if valid.any():
        lengths[valid] = geodesy.geometry_lengths_km(
            [g if g is not None else shapely.LineString() for g in inter[valid]], crs)
    k = int(np.argmax(lengths))
    return k if lengths[k] > 0 else -1


def drawn_segment_attributes(segment, crs: str, river: dict, units: Sequence[dict],
                             existing_codes: Sequence[str], district_code: str, bank: str = "both",
                             today: Optional[str] = None) -> dict:
    """Attributes of a hand-drawn segment: code, unit, name, start/end, bank, length."""
    import shapely

    if bank not in ("both", "left", "right"):
        raise SegmentationError(f"bank {bank!r} is not one of both, left, right")
    k = unit_with_most_length(segment, [u.get("geom") for u in units], crs)
    unit = units[k] if k >= 0 else {}
    start = shapely.get_point(segment, 0)
    end = shapely.get_point(segment, -1)

    def at(pt):
        for u in units:
            g = u.get("geom")
            if g is not None and u is not unit and shapely.dwithin(g, pt, 1e-9):
                return NAME_BOUNDARY.format(unit=u.get("name") or "")
        return ""

    river_name = river.get("name") or ""
    unit_name = unit.get("name") or ""
    return {
        "seg_code": hzcodes.next_seg_codes(district_code, existing_codes, 1)[0],
        "river_code": river.get("river_code"),
        "unit_code": unit.get("code"),
        "name": NAME_SEGMENT.format(river=river_name, unit=unit_name) + BANK_SUFFIX[bank],
        "bank": bank,
        "start_name": at(start),
        "end_name": at(end),
        "length_km": round(float(geodesy.geometry_lengths_km([segment], crs)[0]), 6),
        "valid_from": today or _dt.date.today().isoformat(),
    }


# --------------------------------------------------------------------------- workspace


def segment_workspace(path: str, unit_level: str = "village", boundary_tolerance: float = 10.0,
                      min_length: float = 50.0, feedback=None, today: Optional[str] = None) -> dict:
    """Segment every river of a workspace by its units of ``unit_level`` and store the result.

    Reads admin_units and rivers, keeps stable codes against the stored segments, and
    writes inserts, updates and retirements in one transaction. Returns the report.
    """
    from hezhang_plugin.data import gpkg, io, segments_store

    if unit_level not in ("village", "town"):
        raise SegmentationError(f"unit level {unit_level!r} is not village or town")
    info = gpkg.read_workspace_info(path)
    # the filter is built from a checked constant, never from user text
    units = io.read_rows(path, "admin_units", where=f"level = '{unit_level}'")
    rivers = io.read_rows(path, "rivers")
    existing = io.read_rows(path, "segments")
    crs_r = io.layer_crs(path, "rivers") or info.crs
    crs_u = io.layer_crs(path, "admin_units") or info.crs
    crs_s = io.layer_crs(path, "segments") or info.crs
    if crs_s != crs_r:
        for r, g in zip(existing, transform_geoms([r.get("geom") for r in existing], crs_s, crs_r)):
            r["geom"] = g
    if not units:
        raise SegmentationError(f"the workspace has no {unit_level} units in admin_units")
    result = segment_rivers(rivers, units, rivers_crs=crs_r, units_crs=crs_u,
                            boundary_tolerance=boundary_tolerance, min_length=min_length,
                            district_code=info.district_code, existing=existing, today=today,
                            feedback=feedback)
    rows = result.segments
    if crs_s != crs_r:
        for r, g in zip(rows, transform_geoms([r["geom"] for r in rows], crs_r, crs_s)):
            r["geom"] = g
    retired = [{"fid": r["fid"], "valid_to": r["valid_to"]} for r in result.retired]
    segments_store.apply(path, rows, retired)
    return result.report

