"""The cutting engine: labelled runs along the measure axis.

* No polygon clipping: river edges and the (deduplicated) unit boundary edges are paired by
  one bulk STRtree query; a vectorised segment-segment test gives the crossings (cuts on the
  axis) and, for each pair, the exact stretch of the river edge within the boundary tolerance
  of the boundary edge (line x capsule). Pieces between cuts belong to the unit holding their
  midpoint (bank ``both``).
* A piece lying in a gap or an overlap between neighbouring units narrower than the tolerance
  is topology noise, not a boundary: it goes to the units either side.
* Stretches within the tolerance of a boundary that are longer than the bank threshold are
  cut at the projections of nearby boundary vertices; each piece looks to its left and right
  (facing downstream, i.e. along the digitised direction) and finds the unit there. Where the
  two sides differ over at least the bank threshold, the stretch yields one single-bank
  segment per side (``left`` / ``right``); a side outside the district yields nothing, so a
  river along the district edge gives one single-bank segment of the inside unit. Bank ends
  are exact (tolerance-band ends, crossings, or the vertex where two units' border leaves the
  river), not sampled.
* Pieces shorter than the minimum length join a neighbour (preferring one of the same unit).
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Optional

import numpy as np

from hezhang_plugin.core.segmentation.axis import _Axis, _points_at
from hezhang_plugin.core.segmentation.common import _eff_tol, _Progress


def _threaded(fn, n: int, threads: int, chunk: int):
    """Run ``fn(lo, hi)`` over [0, n) in chunks, on ``threads`` threads (numpy and GEOS release
    the GIL). Returns the list of results in chunk order."""
    bounds = list(range(0, n, max(chunk, 1))) + [n]
    spans = list(zip(bounds[:-1], bounds[1:])) or [(0, 0)]
    if threads <= 1 or len(spans) == 1:
        return [fn(lo, hi) for lo, hi in spans]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda s: fn(*s), spans))


def _ring_coordinates(units_m):
    """Vertices of every ring of the units (exterior, then holes, part by part): (coordinates,
    ring of each vertex, unit of each ring). From the units' flat coordinate arrays, without
    building a geometry per part and per ring (at 40,000 villages those copies held ~90 MB)."""
    import shapely

    try:
        kind, c, offsets = shapely.to_ragged_array(units_m)
    except (ValueError, TypeError, NotImplementedError):  # a collection of polygons: go part by part
        parts, unit_of_part = shapely.get_parts(units_m, return_index=True)
        rings, part_of_ring = shapely.get_rings(parts, return_index=True)
        c, ri = shapely.get_coordinates(rings, return_index=True)
        return c, ri, unit_of_part[part_of_ring]
    ring_off, poly_off = offsets[0], offsets[1]
    unit_off = offsets[2] if kind == shapely.GeometryType.MULTIPOLYGON else np.arange(len(units_m) + 1)
    n_rings = len(ring_off) - 1
    ri = np.repeat(np.arange(n_rings), np.diff(ring_off))
    poly_of_ring = np.searchsorted(poly_off, np.arange(n_rings), side="right") - 1
    unit_of_poly = np.searchsorted(unit_off, np.arange(len(poly_off) - 1), side="right") - 1
    return c, ri, unit_of_poly[poly_of_ring]


def _boundary_edges(units_m):
    """Unit boundary edges (start, end, owners), each shared edge once (direction-independent).

    ``owners`` is an (n, 2) array of the units having each edge on their boundary (-1 for the
    second where only one unit has it).
    """
    c, ri, unit_of_ring = _ring_coordinates(units_m)
    if len(c) < 2:
        return np.zeros((0, 2)), np.zeros((0, 2)), np.zeros((0, 2), dtype=np.int64)
    same = ri[1:] == ri[:-1]
    # vertices numbered in (x, y) order, equal coordinates one number: an edge is then the pair
    # of its end numbers, smaller first, and one integer sort orders the edges as a sort by
    # (x, y) of both ends would
    vo = np.lexsort((c[:, 1], c[:, 0]))
    cs = c[vo]
    new = np.ones(len(cs), dtype=bool)
    new[1:] = (cs[1:, 0] != cs[:-1, 0]) | (cs[1:, 1] != cs[:-1, 1])
    vid = np.empty(len(c), dtype=np.int64)
    vid[vo] = np.cumsum(new) - 1
    va, vb = vid[:-1][same], vid[1:][same]
    owner = unit_of_ring[ri[:-1][same]]
    real = va != vb
    va, vb, owner = va[real], vb[real], owner[real]
    lo, hi = np.minimum(va, vb), np.maximum(va, vb)
    o = np.argsort(lo * (int(vid.max()) + 1) + hi, kind="stable")
    lo, hi, owner = lo[o], hi[o], owner[o]
    dup = np.zeros(len(lo), dtype=bool)
    dup[1:] = (lo[1:] == lo[:-1]) & (hi[1:] == hi[:-1])
    first = ~dup
    second = np.full(len(lo), -1, dtype=np.int64)
    second[:-1] = np.where(dup[1:], owner[1:], -1)
    owners = np.column_stack([owner, second])[first]
    ends = cs[new]  # coordinates of each vertex number
    return ends[lo[first]], ends[hi[first]], owners


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


@dataclass
class _UnitIndex:
    """What the cutting needs of the units (metric polygons, prepared)."""
    tree: object  # STRtree of the units
    bounds: np.ndarray  # (n, 4) xmin, ymin, xmax, ymax of each unit
    q0: np.ndarray  # boundary edges (start, end), each shared edge once
    q1: np.ndarray
    owners: np.ndarray  # (m, 2) the units having each edge on their boundary (-1: none)
    edge_of_unit: np.ndarray  # edge indices ordered by their first owner
    edge_start: np.ndarray  # (n + 1) where each unit's edges start in edge_of_unit


@dataclass
class _Groups:
    """Runs of _GROUP consecutive river edges (never spanning two parts) and the units whose
    envelopes their envelopes, grown by ``grow`` metres, meet: one STRtree query serves the
    pairing of river and boundary edges and every point-in-unit test along the river."""
    first: np.ndarray  # first river edge (index into the edge list) of each group
    size: np.ndarray  # edges in each group
    lo: np.ndarray  # (g, 2) envelope of each group, not grown
    hi: np.ndarray
    hit_unit: np.ndarray  # units met, grouped by group (in group order)
    hit_start: np.ndarray  # (g + 1) where each group's units start in hit_unit
    group_of_vertex: np.ndarray  # group of the edge starting at each axis vertex (-1: none)


def _groups(p0, p1, part, edge_vertex, n_vertices: int, index: _UnitIndex, grow: float, threads: int) -> _Groups:
    """The groups of the river edges (p0 -> p1, in axis order, ``part`` of each, starting at
    axis vertex ``edge_vertex``) and the units they meet (see :class:`_Groups`)."""
    import shapely

    n_edges = len(p0)
    lo_xy, hi_xy = np.minimum(p0, p1), np.maximum(p0, p1)
    newpart = np.ones(n_edges, dtype=bool)
    newpart[1:] = part[1:] != part[:-1]
    pstart = np.flatnonzero(newpart)
    rank = np.arange(n_edges) - pstart[np.cumsum(newpart) - 1]
    first = np.flatnonzero(rank % _GROUP == 0)
    size = np.diff(np.append(first, n_edges))
    glo = np.minimum.reduceat(lo_xy, first, axis=0) if n_edges else np.zeros((0, 2))
    ghi = np.maximum.reduceat(hi_xy, first, axis=0) if n_edges else np.zeros((0, 2))

    def query(a, b):
        # a 2-point diagonal line per group: building one geometry per river edge, or one per
        # boundary edge for a tree of them, costs more than the query
        diag = shapely.linestrings(np.stack([glo[a:b] - grow, ghi[a:b] + grow], axis=1))
        gi, gu = index.tree.query(diag)
        o = np.lexsort((gu, gi))
        return gi[o] + a, gu[o]

    found = _threaded(query, len(first), threads, 40000)
    hit_group = np.concatenate([f[0] for f in found])
    hit_unit = np.concatenate([f[1] for f in found])
    hit_start = np.searchsorted(hit_group, np.arange(len(first) + 1))
    gid = np.repeat(np.arange(len(first)), size)
    group_of_vertex = np.full(n_vertices, -1, dtype=np.int64)
    group_of_vertex[edge_vertex] = gid
    return _Groups(first, size, glo, ghi, hit_unit, hit_start, group_of_vertex)


def _expand(starts, counts):
    """Indices starts[k] + 0 .. counts[k] - 1 for every k, and the k of each."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    return starts[owner] + np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts), owner


def _edge_pairs(p0, p1, pos0, elen, index: _UnitIndex, groups: _Groups, tol, threads):
    """Crossings and near stretches of river edges (p0 -> p1) with boundary edges (q0 - q1).

    Returns axis positions of crossings, near intervals (start, end) where a river edge lies
    within ``tol`` of a boundary edge, and the projections of boundary vertices lying within
    ``tol`` of a river edge with those vertices' coordinates and, for each, 2 x the boundary
    edge's index + the end of the edge it is (0 start, 1 end).
    """
    q0, q1 = index.q0, index.q1
    empty = np.zeros(0)
    if len(p0) == 0 or len(q0) == 0:
        return empty, empty, empty, empty, np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    # Pairing: a boundary edge is a candidate of a group when one of the units the group meets
    # has it on its boundary (each edge listed under its first owner only: an edge meeting the
    # group's envelope lies in the envelopes of both its owners, so both are met), then refined
    # per group and per river edge by envelopes grown by tol.
    lo_xy, hi_xy = np.minimum(p0, p1), np.maximum(p0, p1)
    elo, ehi = np.minimum(q0, q1), np.maximum(q0, q1)
    blo, bhi = elo - tol, ehi + tol
    first, size, glo, ghi = groups.first, groups.size, groups.lo, groups.hi

    def query(a, b):
        h0, h1 = groups.hit_start[a], groups.hit_start[b]
        hu = groups.hit_unit[h0:h1]
        hg = np.repeat(np.arange(a, b), np.diff(groups.hit_start[a:b + 1]))
        e0 = index.edge_start[hu]
        ge, k = _expand(e0, index.edge_start[hu + 1] - e0)
        ge, gg = index.edge_of_unit[ge], hg[k]
        near = (glo[gg, 0] <= bhi[ge, 0]) & (ghi[gg, 0] >= blo[ge, 0]) & \
            (glo[gg, 1] <= bhi[ge, 1]) & (ghi[gg, 1] >= blo[ge, 1])
        gg, jj = gg[near], ge[near]
        ii = (first[gg][:, None] + np.arange(_GROUP)).ravel()
        ok = (np.arange(_GROUP)[None, :] < size[gg][:, None]).ravel()
        ii, jj = ii[ok], np.repeat(jj, _GROUP)[ok]
        hit = (lo_xy[ii, 0] <= bhi[jj, 0]) & (hi_xy[ii, 0] >= blo[jj, 0]) & \
            (lo_xy[ii, 1] <= bhi[jj, 1]) & (hi_xy[ii, 1] >= blo[jj, 1])
        return ii[hit], jj[hit]

    found = _threaded(query, len(first), threads, 20000)
    pair_i = np.concatenate([f[0] for f in found])
    pair_j = np.concatenate([f[1] for f in found])
    del found

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
        vps, vxy, vedge = [], [], []
        for end, Q in enumerate((Q0[near], q1[jj[near]])):
            Dn, Pn = D[near], P0[near]
            tq = np.einsum("ij,ij->i", Q - Pn, Dn) / dd[near]
            foot = Pn + Dn * tq[:, None]
            # a vertex projecting onto a river vertex counts once, from the edge starting there
            close = (tq >= 0) & (tq < 1) & (np.einsum("ij,ij->i", Q - foot, Q - foot) <= tol * tol)
            vps.append(pos0[ni[close]] + tq[close] * elen[ni[close]])
            vxy.append(Q[close])
            vedge.append(jj[near][close] * 2 + end)
        return cuts, ns, ne, np.concatenate(vps), np.concatenate(vxy), np.concatenate(vedge)

    chunks = _threaded(run, len(pair_i), threads, 50000)  # bounded temporaries (~25 MB a chunk)
    return tuple(np.concatenate([c[k] for c in chunks]) for k in range(6))


def _point_in_units(index: _UnitIndex, units_m, xy, threads, groups: Optional[_Groups] = None,
                    vertex=None, count: bool = False):
    """Index of a unit containing each point (-1 when none); with ``count``, how many units
    contain it.

    With ``groups`` and ``vertex`` (the axis vertex starting the river edge each point was
    taken beside, within the groups' growth), the candidates are the units the edge's group
    meets, tested in their envelopes first; points without a group, and points inside two
    units (overlapping units, a data error reported elsewhere), are looked up in the units'
    STRtree, where the first unit found wins.
    """
    import shapely

    out = np.full(len(xy), -1, dtype=np.int64)
    n_in = np.zeros(len(xy), dtype=np.int64)
    if len(xy) == 0:
        return n_in if count else out
    pg = groups.group_of_vertex[vertex] if groups is not None else np.full(len(xy), -1, dtype=np.int64)
    b = index.bounds

    def run(lo, hi):
        sub = lo + np.flatnonzero(pg[lo:hi] >= 0)
        h0 = groups.hit_start[pg[sub]] if len(sub) else np.zeros(0, dtype=np.int64)
        cand, k = _expand(h0, groups.hit_start[pg[sub] + 1] - h0) if len(sub) else (h0, h0)
        iu, ip = groups.hit_unit[cand] if len(sub) else cand, sub[k]
        x, y = xy[ip, 0], xy[ip, 1]
        box = (b[iu, 0] <= x) & (x <= b[iu, 2]) & (b[iu, 1] <= y) & (y <= b[iu, 3])
        iu, ip = iu[box], ip[box]
        hit = shapely.contains_xy(units_m[iu], xy[ip, 0], xy[ip, 1])
        np.add.at(n_in, ip[hit], 1)
        out[ip[hit]] = iu[hit]

    _threaded(run, len(xy), threads, 50000)
    if count:
        rest = np.flatnonzero(pg < 0)
        if len(rest):
            ip, iu = index.tree.query(shapely.points(xy[rest]))
            hit = shapely.contains_xy(units_m[iu], xy[rest[ip], 0], xy[rest[ip], 1])
            np.add.at(n_in, rest[ip[hit]], 1)
        return n_in
    rest = np.flatnonzero((pg < 0) | (n_in > 1))
    if len(rest):
        out[rest] = -1

        def again(lo, hi):
            r = rest[lo:hi]
            ip, iu = index.tree.query(shapely.points(xy[r]))
            hit = shapely.contains_xy(units_m[iu], xy[r[ip], 0], xy[r[ip], 1])
            # the first unit found wins
            out[r[ip[hit][::-1]]] = iu[hit][::-1]

        _threaded(again, len(rest), threads, 50000)
    return out


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


def _vertex_at(axis: _Axis, pos):
    """The axis vertex starting the river edge that holds each axis position (as _points_at
    finds it)."""
    g = axis.gcum
    return np.clip(np.searchsorted(g, pos, side="right"), 1, len(g) - 1) - 1


def _unit_index(units_m) -> _UnitIndex:
    """What the cutting needs of the units (see :class:`_UnitIndex`); ``units_m`` are prepared."""
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
    q0, q1, owners = _boundary_edges(units_m)
    order = np.argsort(owners[:, 0], kind="stable")
    start = np.searchsorted(owners[order, 0], np.arange(len(units_m) + 1))
    return _UnitIndex(tree, shapely.bounds(units_m).reshape(-1, 4), q0, q1, owners, order, start)


def label_axis(axis: _Axis, units_m, tolerance: float, min_length: float, threads: int = 2,
               progress: Optional[_Progress] = None, index=None, exclude=None, info: Optional[dict] = None):
    """Runs along the axis: arrays (start, end, part, left unit, right unit).

    Unit -1 means outside every unit. A run with left == right is a both-bank run.
    ``index`` is ``_unit_index(units_m)`` when already built. ``exclude`` are sorted axis
    intervals (starts, ends) that never become bank stretches (a tributary's confluence with
    its parent river). ``info``, when given, receives ``noise``: (part, length in metres) of
    the pieces that fell in a gap or an overlap of the units narrower than the tolerance and
    were given to the units either side.
    """
    eff_tol = _eff_tol(tolerance)
    bank_min = max(5.0 * eff_tol, float(min_length), 1.0)
    index = index if index is not None else _unit_index(units_m)
    q0, q1, owners = index.q0, index.q1, index.owners
    g, pv, cm = axis.gcum, axis.part_of_vertex, axis.coords_m
    ei = np.flatnonzero((pv[1:] == pv[:-1]) & (g[1:] > g[:-1])) if len(g) > 1 else np.zeros(0, int)
    # side samples lie 2 tol + 0.5 m beside the river (below): the groups reach that far
    off = 2.0 * eff_tol + 0.5
    groups = _groups(cm[ei], cm[ei + 1], pv[ei], ei, len(g), index, off + 1.0, threads)
    cuts, ns, ne, vproj, vxy, vedge = _edge_pairs(cm[ei], cm[ei + 1], g[ei], g[ei + 1] - g[ei], index, groups,
                                                  eff_tol, threads)
    if progress:
        progress.step(40)
    # stretches within the tolerance of a boundary (gs, ge); those long enough to be a bank (cs, ce)
    gs, ge = np.zeros(0), np.zeros(0)
    cs, ce = np.zeros(0), np.zeros(0)
    if len(ns):
        o = np.argsort(ns, kind="stable")
        ns, ne = ns[o], ne[o]
        run_end = np.maximum.accumulate(ne)
        new = np.ones(len(ns), dtype=bool)
        new[1:] = ns[1:] > run_end[:-1] + 1e-6
        starts = np.flatnonzero(new)
        gs, ge = ns[starts], np.maximum.reduceat(ne, starts)
        cs, ce = gs, ge
        if exclude is not None and len(exclude[0]):
            cs, ce = _subtract_intervals(cs, ce, exclude[0], exclude[1])
        cand = ce - cs >= bank_min
        cs, ce = cs[cand], ce[cand]

    def in_stretch(pos):
        k = np.searchsorted(cs, pos, side="right") - 1
        return (k >= 0) & (pos < ce[np.maximum(k, 0)]) if len(cs) else np.zeros(len(pos), dtype=bool)

    keep = in_stretch(vproj)
    vproj, vxy, vedge = vproj[keep], vxy[keep], vedge[keep]
    a, b, p = _elementary(axis, [cuts, cs, ce, vproj])
    mid = (a + b) / 2
    pc, nrm = _points_at(axis, mid)
    vx = _vertex_at(axis, mid)
    unit = _point_in_units(index, units_m, pc, threads, groups, vx)
    # a piece lying exactly on a boundary: take the unit just to its left, else right
    on_edge = np.flatnonzero(unit < 0)
    if len(on_edge):
        nudge = min(0.05, eff_tol / 10.0)
        for sign in (1.0, -1.0):
            lab = _point_in_units(index, units_m, pc[on_edge] + sign * nudge * nrm[on_edge], threads, groups,
                                  vx[on_edge])
            fill = (unit[on_edge] < 0) & (lab >= 0)
            unit[on_edge[fill]] = lab[fill]
    a, b, p, unit = _close_noise(a, b, p, unit, pc, gs, ge, ~in_stretch(mid),
                                 lambda k: _point_in_units(index, units_m, pc[k], threads, groups, vx[k], count=True),
                                 info)
    if len(unit) != len(mid):
        mid = (a + b) / 2
        pc, nrm = _points_at(axis, mid)
        vx = _vertex_at(axis, mid)
    if progress:
        progress.step(60)
    left, right = unit.copy(), unit.copy()
    cand = np.flatnonzero(in_stretch(mid))
    if len(cand):
        off = 2.0 * eff_tol + 0.5
        sl = _point_in_units(index, units_m, pc[cand] + nrm[cand] * off, threads, groups, vx[cand])
        sr = _point_in_units(index, units_m, pc[cand] - nrm[cand] * off, threads, groups, vx[cand])
        # sampled that far out, a unit border leaving the river at an angle moves the change of
        # unit along the river: put it back where the border meets the river
        # (a border at 15 degrees to the river is met within 4 offsets of where it was sampled)
        reach = 4.0 * off
        if len(vproj):
            _, vnrm = _points_at(axis, vproj)
            far = np.where((vedge % 2 == 0)[:, None], q1[vedge // 2], q0[vedge // 2])
            # how far the other end of each vertex's edge lies to the left of the river
            lean = np.einsum("ij,ij->i", far - vxy, vnrm)
            vown = owners[vedge // 2]
            sl, sr = (_snap_side_changes(cand, sl, a, b, p, vproj, vown, lean, eff_tol, reach),
                      _snap_side_changes(cand, sr, a, b, p, vproj, vown, -lean, eff_tol, reach))
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


def _snap_side_changes(cand, lab, a, b, p, vpos, vown, lean, tol: float, reach: float):
    """Move each change of the unit on one side of a bank stretch to where the border between
    the two units leaves the river on that side.

    ``cand`` are the indices of the bank-stretch pieces (in axis order) and ``lab`` the unit
    sampled on that side of each. ``vpos`` are the projections of boundary vertices near the
    river, each coming from one boundary edge with owners ``vown`` (two units, -1 for none)
    whose other end lies ``lean`` metres out on this side. A change from unit u1 to u2 moves to
    the vertex of an edge owned by u1 and u2 that reaches farther than ``tol`` out on this side
    (a border leaving the river, not one running along it), looking between the neighbouring
    changes (within the run of contiguous pieces) and no farther than ``reach`` metres; the
    nearest such vertex wins. Returns the corrected labels (a change with no such vertex stays
    where it was sampled).
    """
    n = len(cand)
    if n < 2 or len(vpos) == 0:
        return lab
    cont = (p[cand[1:]] == p[cand[:-1]]) & np.isclose(a[cand[1:]], b[cand[:-1]])
    change = np.flatnonzero(cont & (lab[1:] != lab[:-1]) & (lab[1:] >= 0) & (lab[:-1] >= 0))
    if len(change) == 0:
        return lab
    border = lean > tol
    if not border.any():
        return lab
    vpos, vown = vpos[border], vown[border]
    order = np.argsort(vpos, kind="stable")
    vpos, vown = vpos[order], vown[order]
    lab = lab.copy()
    idx = np.arange(n)
    run_first = np.maximum.accumulate(np.where(np.r_[True, ~cont], idx, 0))
    run_last = np.minimum.accumulate(np.where(np.r_[~cont, True], idx, n - 1)[::-1])[::-1]
    lo = np.maximum(np.r_[-1, change[:-1]] + 1, run_first[change])
    hi = np.minimum(np.r_[change[1:], n - 1], run_last[change])
    u1, u2 = lab[change], lab[change + 1]
    pos = a[cand[change + 1]]
    i0 = np.searchsorted(vpos, np.maximum(a[cand[lo]], pos - reach))
    i1 = np.searchsorted(vpos, np.minimum(b[cand[hi]], pos + reach))
    counts = np.maximum(i1 - i0, 0)
    if counts.sum() == 0:
        return lab
    cid = np.repeat(np.arange(len(change)), counts)
    vi = i0[cid] + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    own = vown[vi]
    pair = ((own[:, 0] == u1[cid]) & (own[:, 1] == u2[cid])) | ((own[:, 0] == u2[cid]) & (own[:, 1] == u1[cid]))
    cid, vi = cid[pair], vi[pair]
    if len(cid) == 0:
        return lab
    dist = np.abs(vpos[vi] - pos[cid])
    o = np.lexsort((dist, cid))
    found, first = np.unique(cid[o], return_index=True)
    at = vpos[vi[o[first]]]
    # only the pieces between the sampled and the true change change sides
    mids = (a[cand] + b[cand]) / 2
    m0 = np.maximum(np.searchsorted(mids, np.minimum(pos[found], at)), lo[found])
    m1 = np.minimum(np.searchsorted(mids, np.maximum(pos[found], at)), hi[found] + 1)
    k = np.maximum(m1 - m0, 0)
    if k.sum():
        owner = np.repeat(np.arange(len(found)), k)
        j = m0[owner] + np.arange(int(k.sum())) - np.repeat(np.cumsum(k) - k, k)
        lab[j] = np.where(mids[j] < at[owner], u1[found][owner], u2[found][owner])
    return lab


def _subtract_intervals(s, e, xs, xe):
    """Sorted, disjoint intervals [s, e) minus sorted, disjoint intervals [xs, xe)."""
    if len(s) == 0 or len(xs) == 0:
        return s, e
    out_s, out_e = [], []
    lo = np.searchsorted(xe, s, side="right")  # first exclusion ending after each start
    hi = np.searchsorted(xs, e, side="left")  # exclusions starting before each end
    plain = lo >= hi
    for k in np.flatnonzero(~plain):
        a = s[k]
        for j in range(lo[k], hi[k]):
            if xs[j] > a:
                out_s.append(a)
                out_e.append(xs[j])
            a = max(a, xe[j])
        if a < e[k]:
            out_s.append(a)
            out_e.append(e[k])
    rs = np.concatenate([s[plain], np.asarray(out_s, dtype=float)])
    re_ = np.concatenate([e[plain], np.asarray(out_e, dtype=float)])
    o = np.argsort(rs, kind="stable")
    return rs[o], re_[o]


def _close_noise(a, b, p, unit, pc, gs, ge, free, containing, info=None):
    """Give pieces lying in a gap or an overlap between neighbouring units to the units either side.

    Topology noise: a piece outside every unit (a gap) or inside two units (an overlap) that
    lies wholly within the boundary tolerance of unit boundaries (inside a stretch gs..ge)
    is not a boundary of its own. A run of such pieces between two units is split at its
    middle between them; at a part's end, or next to a stretch outside the district, it goes
    to the one unit beside it. ``pc`` are the pieces' metric midpoints; only pieces where
    ``free`` is set are considered (bank stretches are labelled by their sides instead);
    ``containing(indices)`` says how many units contain the midpoints of those pieces.
    Returns the new (a, b, p, unit).
    """
    if len(a) == 0 or len(gs) == 0:
        return a, b, p, unit
    k = np.searchsorted(gs, a + 1e-9, side="right") - 1
    kk = np.maximum(k, 0)
    within = (k >= 0) & (b <= ge[kk] + 1e-6) & free
    if not within.any():
        return a, b, p, unit
    amb = within & (unit < 0)
    inside = np.flatnonzero(within & (unit >= 0))
    if len(inside):
        amb[inside[containing(inside) > 1]] = True
    if not amb.any():
        return a, b, p, unit
    n = len(a)
    # runs of ambiguous pieces (contiguous, within one part)
    brk = np.ones(n, dtype=bool)
    brk[1:] = ~(amb[1:] & amb[:-1] & (p[1:] == p[:-1]) & np.isclose(a[1:], b[:-1]))
    splits = []
    assign = unit.copy()
    noise = []
    for k0 in np.flatnonzero(amb & brk):
        k1 = k0
        while k1 + 1 < n and amb[k1 + 1] and not brk[k1 + 1]:
            k1 += 1

        # the unit of the unambiguous piece touching the run on each side (-1: none)
        j = k0 - 1
        before = int(unit[j]) if j >= 0 and p[j] == p[k0] and not amb[j] and np.isclose(b[j], a[k0]) else -1
        j = k1 + 1
        after = int(unit[j]) if j < n and p[j] == p[k0] and not amb[j] and np.isclose(a[j], b[k1]) else -1
        if before < 0 and after < 0:
            continue
        noise.append((int(p[k0]), float(b[k1] - a[k0])))
        if before < 0 or after < 0 or before == after:
            assign[k0:k1 + 1] = before if before >= 0 else after
            continue
        m = (a[k0] + b[k1]) / 2
        for j in range(k0, k1 + 1):
            assign[j] = before if (a[j] + b[j]) / 2 < m else after
            if a[j] + 1e-9 < m < b[j] - 1e-9:
                splits.append((j, m, before, after))
    if splits:
        idx = np.array([sp[0] for sp in splits])
        at = np.array([sp[1] for sp in splits])
        a2 = np.insert(a, idx + 1, at)
        b2 = np.insert(b, idx, at)
        p2 = np.insert(p, idx + 1, p[idx])
        u2 = np.insert(assign, idx + 1, [sp[3] for sp in splits])
        u2[idx + np.arange(len(idx))] = [sp[2] for sp in splits]
        a, b, p, assign = a2, b2, p2, u2
    if info is not None:
        info["noise"] = noise
    return a, b, p, assign


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
