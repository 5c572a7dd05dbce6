"""Cutting rivers into segments (河段) by administrative units, with single-bank handling.

The algorithm works on a one-dimensional axis: every river part is laid end to end on a
global measure axis (metres in a local Gauss-Kruger zone), and everything else — where the
river is inside a unit, where it is in a unit's interior (farther than the boundary
tolerance from its boundary), which unit lies left and right of it — becomes intervals on
that axis. Intervals are labelled, merged and turned back into exact sub-lines of the
original geometry (original vertices, in flow direction), so output segments follow the
river exactly whatever CRS it is stored in.

* Interior stretches belong to the unit holding them (bank ``both``).
* Stretches longer than the bank threshold that stay within the boundary tolerance of a
  unit boundary are sampled: each sample looks to its left and right (facing downstream,
  i.e. along the digitised direction) and finds the unit there. Where the two sides differ,
  the stretch yields one single-bank segment per side (``left`` / ``right``); a side outside
  the district yields nothing, so a river along the district edge gives one single-bank
  segment of the inside unit.
* Pieces shorter than the minimum length join a neighbour (preferring one of the same unit).

No Qt here: the functions take plain rows (dicts with a shapely ``geom``) and a duck-typed
``feedback`` (``setProgress``, ``isCanceled``, ``pushInfo``), so they run in Processing, in a
QgsTask and in tests alike.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core import geodesy

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


@dataclass
class SegmentationResult:
    #: new or updated current segments (schema fields + ``geom`` in the rivers CRS;
    #: rows updating an existing segment carry its ``fid``)
    segments: list = field(default_factory=list)
    #: existing segments that no longer exist: their rows with ``valid_to`` set
    retired: list = field(default_factory=list)
    report: dict = field(default_factory=dict)


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


def choose_metric_crs(geoms, crs: str) -> str:
    """The data's own CRS when it is a GK zone, else the GK zone of the data's centre."""
    import shapely

    if _is_gk3(crs):
        return crs.upper()
    valid = [g for g in geoms if g is not None and not g.is_empty]
    if not valid:
        return "EPSG:4545"
    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(valid, dtype=object))
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

    geoms = np.array([r.get("geom") for r in rows], dtype=object)
    keep = np.ones(len(rows), dtype=bool)
    repaired, invalid = [], []
    for i, g in enumerate(geoms):
        if g is None:
            invalid.append(f"{_label(rows[i], kind)}: no geometry (null)")
            keep[i] = False
        elif g.is_empty:
            invalid.append(f"{_label(rows[i], kind)}: empty geometry")
            keep[i] = False
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
        wrong = [i for i in np.flatnonzero(keep) if shapely.get_dimensions(geoms[i]) != dims]
        for i in wrong:
            invalid.append(f"{_label(rows[i], kind)}: geometry is a {geoms[i].geom_type}, "
                           f"expected {'polygons' if dims == 2 else 'lines'}")
            keep[i] = False
    return geoms, keep, repaired, invalid


# --------------------------------------------------------------------------- substrings


def substrings_on_axis(coords: np.ndarray, gcum: np.ndarray, part_of_vertex: np.ndarray,
                       starts: np.ndarray, ends: np.ndarray):
    """Exact sub-lines for intervals [starts, ends] on the global measure axis.

    ``coords`` are vertex coordinates (any CRS) in axis order, ``gcum`` their measures.
    Interior vertices are copied, the end points interpolated linearly within their edge.
    Each interval must lie within one part.
    """
    import shapely

    n = len(starts)
    if n == 0:
        return np.array([], dtype=object)
    i0 = np.searchsorted(gcum, starts, side="right")  # first vertex after the start
    i1 = np.searchsorted(gcum, ends, side="left")  # first vertex at or after the end
    i0 = np.clip(i0, 1, len(gcum) - 1)
    i1 = np.clip(i1, 1, len(gcum) - 1)

    def interp(pos, j):
        a, b = gcum[j - 1], gcum[j]
        den = b - a
        t = np.where(den > 0, (pos - a) / np.where(den > 0, den, 1.0), 0.0)
        t = np.clip(t, 0.0, 1.0)
        return coords[j - 1] + (coords[j] - coords[j - 1]) * t[:, None]

    p_start = interp(starts, i0)
    p_end = interp(ends, i1)
    inner = np.maximum(i1 - i0, 0)
    counts = inner + 2
    total = int(counts.sum())
    out = np.empty((total, coords.shape[1]))
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    out[first] = p_start
    out[first + counts - 1] = p_end
    if inner.sum():
        owner = np.repeat(np.arange(n), inner)
        within = np.arange(int(inner.sum())) - np.repeat(np.cumsum(inner) - inner, inner)
        out[first[owner] + 1 + within] = coords[i0[owner] + within]
    ids = np.repeat(np.arange(n), counts)
    return shapely.linestrings(out, indices=ids)


# --------------------------------------------------------------------------- the engine


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


def _chunked(fn, *arrays, threads: int = 2, min_chunk: int = 2000):
    """Apply a vectorised shapely function over chunks in threads (GEOS releases the GIL)."""
    n = len(arrays[0])
    if threads <= 1 or n < 2 * min_chunk:
        return fn(*arrays)
    bounds = np.linspace(0, n, threads * 4 + 1).astype(int)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        chunks = list(pool.map(lambda ab: fn(*(a[ab[0]:ab[1]] for a in arrays)),
                               zip(bounds[:-1], bounds[1:])))
    return np.concatenate(chunks)


def _intervals(axis: _Axis, pair_part, polys, pair_poly, threads):
    """Axis intervals [start, end] of the parts inside the given polygons, with polygon index."""
    import shapely

    if len(pair_part) == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype=int)
    lines = axis.parts_m[pair_part]
    inside = _chunked(shapely.contains_properly, polys[pair_poly], lines, threads=threads)
    starts = [axis.offset[pair_part[inside]]]
    ends = [axis.offset[pair_part[inside]] + axis.length[pair_part[inside]]]
    who = [pair_poly[inside]]
    cut = ~inside
    if cut.any():
        pieces = _chunked(shapely.intersection, lines[cut], polys[pair_poly[cut]], threads=threads)
        sub, k = shapely.get_parts(pieces, return_index=True)
        sub2, k2 = shapely.get_parts(sub, return_index=True)
        k = k[k2]
        is_line = (shapely.get_type_id(sub2) == 1) & (shapely.length(sub2) > 0)
        sub2, k = sub2[is_line], k[is_line]
        p = pair_part[cut][k]
        host = axis.parts_m[p]
        a = shapely.line_locate_point(host, shapely.get_point(sub2, 0))
        b = shapely.line_locate_point(host, shapely.get_point(sub2, -1))
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        ok = hi > lo
        starts.append(axis.offset[p][ok] + lo[ok])
        ends.append(axis.offset[p][ok] + hi[ok])
        who.append(pair_poly[cut][k][ok])
    s, e, w = np.concatenate(starts), np.concatenate(ends), np.concatenate(who)
    order = np.argsort(s, kind="stable")
    return s[order], e[order], w[order]


def _covering(starts, ends, who, pos, look_back: int = 3):
    """Index of a polygon whose interval covers each position (-1 when none)."""
    out = np.full(len(pos), -1, dtype=int)
    if len(starts) == 0:
        return out
    k = np.searchsorted(starts, pos, side="right") - 1
    for back in range(look_back):
        j = k - back
        ok = (out < 0) & (j >= 0)
        jj = np.where(ok, j, 0)
        hit = ok & (ends[jj] > pos)
        out[hit] = who[jj[hit]]
    if look_back and (out < 0).any():
        # overlapping intervals (rivers on a boundary) can hide a cover further back
        miss = np.flatnonzero(out < 0)
        cummax_end = np.maximum.accumulate(ends)
        for i in miss:
            j = k[i]
            if j < 0 or cummax_end[j] <= pos[i]:
                continue
            while j >= 0 and cummax_end[j] > pos[i]:
                if ends[j] > pos[i]:
                    out[i] = who[j]
                    break
                j -= 1
    return out


def _side_units(axis: _Axis, units_m, tree, pos, offset_m):
    """Units left and right (facing along the line) of axis positions."""
    import shapely

    g = axis.gcum
    j = np.clip(np.searchsorted(g, pos, side="right"), 1, len(g) - 1)
    # skip zero-length edges: step back to the last edge with length
    a, b = g[j - 1], g[j]
    den = np.where(b > a, b - a, 1.0)
    t = np.clip((pos - a) / den, 0.0, 1.0)
    c = axis.coords_m
    d = c[j] - c[j - 1]
    pc = c[j - 1] + d * t[:, None]
    norm = np.hypot(d[:, 0], d[:, 1])
    norm[norm == 0] = 1.0
    left_n = np.column_stack([-d[:, 1], d[:, 0]]) / norm[:, None]
    out = []
    for pts in (pc + left_n * offset_m, pc - left_n * offset_m):
        lab = np.full(len(pos), -1, dtype=int)
        if len(pts):
            geoms = shapely.points(pts)
            ip, iu = tree.query(geoms)  # bounding boxes only; the prepared test follows
            hit = shapely.contains_xy(units_m[iu], pts[ip, 0], pts[ip, 1]) if len(ip) else np.zeros(0, bool)
            lab[ip[hit]] = iu[hit]
        out.append(lab)
    return out[0], out[1]


def label_axis(axis: _Axis, units_m, tolerance: float, min_length: float, threads: int = 2,
               progress: Optional[_Progress] = None):
    """Runs along the axis: arrays (start, end, part, left unit, right unit).

    Unit -1 means outside every unit. A run with left == right is a both-bank run.
    """
    import shapely

    eff_tol = max(float(tolerance), 0.01)
    bank_min = max(5.0 * eff_tol, float(min_length), 1.0)
    tree = shapely.STRtree(units_m)
    shapely.prepare(units_m)
    pair_part, pair_unit = tree.query(axis.parts_m, predicate="intersects")
    if progress:
        progress.step(25)
    us, ue, uw = _intervals(axis, pair_part, units_m, pair_unit, threads)
    if progress:
        progress.step(45)
    used = np.unique(pair_unit)
    inner = np.empty(len(units_m), dtype=object)
    inner[:] = None
    if len(used):
        inner[used] = _chunked(lambda g: shapely.buffer(g, -eff_tol, quad_segs=2, join_style="mitre"),
                               units_m[used], threads=threads, min_chunk=500)
        shapely.prepare(inner[used])
    ok = ~shapely.is_missing(inner[pair_unit]) & ~shapely.is_empty(inner[pair_unit]) \
        if len(pair_unit) else np.zeros(0, dtype=bool)
    cs, ce, cw = _intervals(axis, pair_part[ok], inner, pair_unit[ok], threads)
    if progress:
        progress.step(65)
    # elementary intervals between all break points
    a, b, p = _elementary(axis, [us, ue, cs, ce])
    mid = (a + b) / 2
    core = _covering(cs, ce, cw, mid, look_back=1)
    unit = _covering(us, ue, uw, mid)
    near = core < 0
    # group consecutive near intervals into stretches; long ones may run along a boundary
    new_group = np.ones(len(a), dtype=bool)
    if len(a) > 1:
        new_group[1:] = ~(near[1:] & near[:-1] & (p[1:] == p[:-1]) & np.isclose(a[1:], b[:-1]))
    gid = np.cumsum(new_group) - 1
    glen = np.bincount(gid, weights=b - a)
    is_cand = near & (glen[gid] >= bank_min)
    bs, be, bl, br = _bank_runs(axis, units_m, tree, a, b, gid, is_cand, eff_tol, bank_min)
    if progress:
        progress.step(70)
    # final labels: bank runs where found, else the interior unit, else the unit holding it
    if len(bs):
        a, b, p = _elementary(axis, [us, ue, cs, ce, bs, be])
        mid = (a + b) / 2
        core = _covering(cs, ce, cw, mid, look_back=1)
        unit = _covering(us, ue, uw, mid)
    left = np.where(core >= 0, core, unit)
    right = left.copy()
    if len(bs):
        k = np.searchsorted(bs, mid, side="right") - 1
        kk = np.maximum(k, 0)
        inbank = (k >= 0) & (be[kk] > mid)
        left[inbank] = bl[kk[inbank]]
        right[inbank] = br[kk[inbank]]
    if progress:
        progress.step(75)
    return _merge_runs(a, b, p, left, right, float(min_length))


def _elementary(axis: _Axis, cuts):
    """Intervals between consecutive break points that lie within a part: (start, end, part)."""
    bp = np.unique(np.concatenate([axis.offset, axis.offset + axis.length] + list(cuts)))
    a, b = bp[:-1], bp[1:]
    mid = (a + b) / 2
    p = np.searchsorted(axis.offset, mid, side="right") - 1
    pc = np.maximum(p, 0)
    keep = (p >= 0) & (mid < axis.offset[pc] + axis.length[pc]) & (b - a > 1e-9)
    return a[keep], b[keep], p[keep]


def _bank_runs(axis, units_m, tree, a, b, gid, is_cand, eff_tol, bank_min):
    """Sample candidate stretches left and right; keep runs with different units either side
    that are at least ``bank_min`` long. Returns sorted (start, end, left unit, right unit)."""
    empty = (np.zeros(0), np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, dtype=int))
    groups = np.unique(gid[is_cand])
    if len(groups) == 0:
        return empty
    g_first = np.searchsorted(gid, groups, side="left")
    g_last = np.searchsorted(gid, groups, side="right") - 1
    gs, ge = a[g_first], b[g_last]
    step = max(2.0 * eff_tol, 5.0)
    nsamp = np.clip(np.ceil((ge - gs) / step).astype(int), 2, 500)
    owner = np.repeat(np.arange(len(gs)), nsamp)
    i = np.arange(int(nsamp.sum())) - np.repeat(np.cumsum(nsamp) - nsamp, nsamp)
    width = (ge - gs) / nsamp
    spos = gs[owner] + (i + 0.5) * width[owner]
    sl, sr = _side_units(axis, units_m, tree, spos, 2.0 * eff_tol + 0.5)
    change = np.ones(len(spos), dtype=bool)
    change[1:] = (owner[1:] != owner[:-1]) | (sl[1:] != sl[:-1]) | (sr[1:] != sr[:-1])
    ridx = np.flatnonzero(change)
    rend = np.concatenate([ridx[1:], [len(spos)]]) - 1
    r_start = np.where(i[ridx] == 0, gs[owner[ridx]], spos[ridx] - width[owner[ridx]] / 2)
    last = i[rend] == nsamp[owner[rend]] - 1
    r_end = np.where(last, ge[owner[rend]], spos[rend] + width[owner[rend]] / 2)
    rl, rr = sl[ridx], sr[ridx]
    keep = (rl != rr) & (r_end - r_start >= bank_min)
    return r_start[keep], r_end[keep], rl[keep], rr[keep]


def _merge_runs(s, e, p, left, right, min_length):
    """Merge equal neighbours, then absorb slivers shorter than ``min_length``."""
    if len(s) == 0:
        return s, e, p, left, right
    brk = np.ones(len(s), dtype=bool)
    brk[1:] = (p[1:] != p[:-1]) | (left[1:] != left[:-1]) | (right[1:] != right[:-1]) | \
        ~np.isclose(s[1:], e[:-1])
    g = np.cumsum(brk) - 1
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


def _segment_rows(runs, axis, river_rows, unit_rows, rivers_crs, today):
    """Segment rows (without codes) from labelled runs."""
    import shapely

    s, e, p, left, right = runs
    geoms = substrings_on_axis(axis.coords_o, axis.gcum, axis.part_of_vertex, s, e)
    rows = []
    n = len(s)
    for k in range(n):
        l_u, r_u = int(left[k]), int(right[k])
        if l_u < 0 and r_u < 0:
            continue
        sides = [(l_u, "both")] if l_u == r_u else [(u, b) for u, b in ((l_u, "left"), (r_u, "right")) if u >= 0]
        river = river_rows[axis.river_of_part[p[k]]]
        start_name = _end_name(runs, k, -1, axis, unit_rows, (l_u, r_u))
        end_name = _end_name(runs, k, +1, axis, unit_rows, (l_u, r_u))
        for u, bank in sides:
            rows.append({
                "river_code": river.get("river_code"),
                "_river_name": river.get("name") or "",
                "_unit_name": unit_rows[u].get("name") or "",
                "unit_code": unit_rows[u].get("code"),
                "bank": bank,
                "start_name": start_name,
                "end_name": end_name,
                "valid_from": today,
                "valid_to": None,
                "geom": geoms[k],
                "_part": int(p[k]),
                "_start": float(s[k]),
            })
    if rows:
        lengths = geodesy.geometry_lengths_km([r["geom"] for r in rows], rivers_crs)
        multi = shapely.multilinestrings(np.array([r["geom"] for r in rows], dtype=object),
                                         indices=np.arange(len(rows)))
        for r, km, g in zip(rows, lengths, multi):
            r["length_km"] = round(float(km), 6)
            r["geom"] = g
    # names: river + unit (+ number when a unit holds several segments of the river)
    groups = defaultdict(list)
    for r in rows:
        groups[(r["river_code"], r["unit_code"], r["bank"])].append(r)
    for grp in groups.values():
        grp.sort(key=lambda r: (r["_part"], r["_start"]))
        for n_, r in enumerate(grp, start=1):
            tmpl = NAME_SEGMENT if len(grp) == 1 else NAME_SEGMENT_NUMBERED
            r["name"] = tmpl.format(river=r["_river_name"], unit=r["_unit_name"], n=n_) + BANK_SUFFIX[r["bank"]]
    return rows


def _end_name(runs, k, direction, axis, unit_rows, mine):
    s, e, p, left, right = runs
    j = k + direction
    here = s[k] if direction < 0 else e[k]
    part = p[k]
    if 0 <= j < len(s) and p[j] == part:
        other = {int(left[j]), int(right[j])} - {-1}
        if not other:
            return NAME_DISTRICT_EDGE
        foreign = sorted(other - set(mine)) or sorted(other)
        return NAME_BOUNDARY.format(unit=unit_rows[foreign[0]].get("name") or "")
    at_end = axis.offset[part] if direction < 0 else axis.offset[part] + axis.length[part]
    if abs(here - at_end) < 1e-6:
        return NAME_SOURCE if direction < 0 else NAME_MOUTH
    return NAME_DISTRICT_EDGE


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
    import shapely

    progress = _Progress(feedback)
    today = today or _dt.date.today().isoformat()
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
    progress.step(5, None)
    result = SegmentationResult(report=report)
    if len(river_rows) == 0 or len(unit_rows) == 0:
        report["segments"] = 0
        return result
    # directed merge joins parts digitised end to start without flipping flow direction
    multi = shapely.get_num_geometries(rgeoms) > 1
    if multi.any():
        try:
            rgeoms[multi] = shapely.line_merge(rgeoms[multi], directed=True)
        except (TypeError, shapely.errors.UnsupportedGEOSVersionError):
            pass
    metric = choose_metric_crs(rgeoms, rivers_crs)
    rg_m = transform_geoms(rgeoms, rivers_crs, metric)
    ug_m = transform_geoms(ugeoms, units_crs, metric)
    axis = _build_axis(rgeoms, rg_m)
    progress.step(15)
    runs = label_axis(axis, ug_m, boundary_tolerance, min_length, threads, progress)
    rows = _segment_rows(runs, axis, river_rows, unit_rows, rivers_crs, today)
    progress.step(85)
    # stable codes
    processed = {r.get("river_code") for r in river_rows}
    existing = list(existing or [])
    current = [r for r in existing if not r.get("valid_to") and r.get("river_code") in processed]
    matches = match_existing(rows, current, rivers_crs, boundary_tolerance)
    matched_j = set()
    for i, (j, status) in matches.items():
        old = current[j]
        rows[i]["seg_code"] = old.get("seg_code")
        rows[i]["fid"] = old.get("fid")
        rows[i]["valid_from"] = old.get("valid_from") or today
        if "target" in old:
            rows[i]["target"] = old.get("target")
        report[status].append(old.get("seg_code"))
        matched_j.add(j)
    fresh = [i for i in range(len(rows)) if i not in matches]
    new_codes = hzcodes.next_seg_codes(district, [r.get("seg_code") for r in existing], len(fresh)) \
        if fresh else []
    for i, code in zip(fresh, new_codes):
        rows[i]["seg_code"] = code
        report["added"].append(code)
    for j, old in enumerate(current):
        if j not in matched_j:
            retired = dict(old)
            retired["valid_to"] = today
            result.retired.append(retired)
            report["retired"].append(old.get("seg_code"))
    for r in rows:
        for k in [k for k in r if k.startswith("_")]:
            del r[k]
    rows.sort(key=lambda r: r["seg_code"])
    result.segments = rows
    report["segments"] = len(rows)
    report["rivers"] = len(river_rows)
    report["units"] = len(unit_rows)
    report["metric_crs"] = metric
    report["single_bank"] = sum(1 for r in rows if r["bank"] != "both")
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
    from hezhang_plugin.data import gpkg, io
    from hezhang_plugin.data import segments_store

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
