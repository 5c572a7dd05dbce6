"""Flow direction: rivers put source to mouth before cutting.

Parts of a multi-part river are chained end to end and each chain runs the way most of its
length was digitised; a tributary (``parent_river_code``) must end where it meets its parent
river. The stretch where a tributary runs into its parent is never a bank stretch.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from hezhang_plugin.core.segmentation.axis import _Axis
from hezhang_plugin.core.segmentation.common import _eff_tol, _note


def _part_chains(ends, lengths, snap: float) -> list:
    """Chains of river parts joined end to end: a list of [(part, reversed), ...] in flow order.

    ``ends`` is an (n, 2, 2) array of each part's start and end point (metres), ``lengths``
    the parts' lengths. Part ends closer than ``snap`` are joined, unless three or more ends
    meet there (a branch: the chains stop). Each chain runs in the direction that most of its
    length was digitised in; on a tie, in the direction of its first-listed part.
    """
    n = len(ends)
    pts = ends.reshape(n * 2, 2)  # node 2i = start of part i, 2i + 1 = its end
    d = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    same_part = np.arange(2 * n)[:, None] // 2 == np.arange(2 * n)[None, :] // 2
    close = (d <= snap) & ~same_part
    degree = close.sum(axis=1)
    link = np.full(2 * n, -1)
    for i, j in zip(*np.nonzero(close & (degree[:, None] == 1) & (degree[None, :] == 1))):
        link[i] = j
    seen = np.zeros(n, dtype=bool)
    chains = []

    def walk(first_part, enter_node):
        chain, part, enter = [], first_part, enter_node
        while part >= 0 and not seen[part]:
            seen[part] = True
            chain.append((part, enter % 2 == 1))  # entered at its end: runs backwards
            out = enter ^ 1
            nxt = link[out]
            part, enter = (nxt // 2, nxt) if nxt >= 0 else (-1, -1)
        return chain

    for i in range(n):  # chains start at a free end, in listing order
        if seen[i]:
            continue
        if link[2 * i] < 0:
            chains.append(walk(i, 2 * i))
        elif link[2 * i + 1] < 0:
            chains.append(walk(i, 2 * i + 1))
    for i in range(n):  # what is left are rings
        if not seen[i]:
            chains.append(walk(i, 2 * i))
    out = []
    for chain in chains:
        against = sum(lengths[k] for k, rev in chain if rev)
        along = sum(lengths[k] for k, rev in chain if not rev)
        first = min(chain)[1]  # the first-listed part's orientation in this chain
        if against > along or (against == along and first):
            chain = [(k, not rev) for k, rev in reversed(chain)]
        out.append(chain)
    out.sort(key=lambda c: min(k for k, _ in c))
    return out


def _reversed_line(line):
    import shapely

    return shapely.linestrings(shapely.get_coordinates(line)[::-1])


def orient_rivers(rows: Sequence[dict], geoms, geoms_m, tolerance: float):
    """Put every river in flow direction (source to mouth) and its parts in flow order.

    * Parts of a multi-part river are joined end to end (ends within ``tolerance`` metres) and
      each chain runs the way most of its length was digitised (parts digitised the other
      way are reversed).
    * A tributary (``parent_river_code`` naming a river of ``rows``) must end where it meets
      its parent: when only its start meets the parent, the whole river is reversed.

    ``geoms`` are the rivers in their CRS, ``geoms_m`` the same in metres (same vertices).
    Returns (geoms, geoms_m, notes, mouths): the oriented geometries, report notes (messages
    ``segmentation.parts_reversed``, ``.river_reversed``, ``.parent_missing``,
    ``.mouth_not_on_parent``) and, per river index meeting
    its parent within ``tolerance``, (mouth point in metres, metres from the mouth back to
    where the river is farther than ``tolerance`` from its parent).
    """
    import shapely

    geoms = np.array(geoms, dtype=object)
    geoms_m = np.array(geoms_m, dtype=object)
    notes, mouths = [], {}
    if len(geoms) == 0:
        return geoms, geoms_m, notes, mouths
    snap = _eff_tol(tolerance)
    index = {r.get("river_code"): i for i, r in enumerate(rows)}
    nparts = shapely.get_num_geometries(geoms_m)
    chains_of = {}
    for i in np.flatnonzero(nparts > 1):
        parts_m = shapely.get_parts(geoms_m[i])
        ends = np.stack([shapely.get_coordinates(shapely.get_point(parts_m, k))
                         for k in (0, -1)], axis=1)
        chains = _part_chains(ends, shapely.length(parts_m), snap)
        flipped = sorted(k + 1 for c in chains for k, rev in c if rev)
        if flipped:
            notes.append(_note("parts_reversed", rows[i], parts=", ".join(map(str, flipped))))
        chains_of[i] = chains
    for i, r in enumerate(rows):
        parent = r.get("parent_river_code")
        if not parent:
            continue
        j = index.get(parent)
        if j is None or j == i:
            notes.append(_note("parent_missing", r, parent=parent))
            continue
        chains = chains_of.get(i) or [[(k, False) for k in range(int(nparts[i]))]]
        parts_m = shapely.get_parts(geoms_m[i])
        starts = [_chain_point(parts_m, c, 0) for c in chains]
        ends = [_chain_point(parts_m, c, -1) for c in chains]
        d_end = shapely.distance(shapely.points(np.array(ends)), geoms_m[j])
        d_start = shapely.distance(shapely.points(np.array(starts)), geoms_m[j])
        if d_end.min() <= snap:
            last = int(np.argmin(d_end))
        elif d_start.min() <= snap:
            chains = [[(k, not rev) for k, rev in reversed(c)] for c in reversed(chains)]
            notes.append(_note("river_reversed", r, parent=parent))
            last = len(chains) - 1 - int(np.argmin(d_start))
        else:
            notes.append(_note("mouth_not_on_parent", r, parent=parent,
                               distance_m=round(float(min(d_end.min(), d_start.min())), 1)))
            chains_of[i] = chains if i in chains_of else None
            continue
        chains_of[i] = chains
        k, rev = chains[last][-1]
        last_part = parts_m[k] if not rev else _reversed_line(parts_m[k])
        mouths[i] = (shapely.get_coordinates(last_part)[-1], _confluence_length(last_part, geoms_m[j], snap))
    for i, chains in chains_of.items():
        if chains is None:
            continue
        order = [kr for c in chains for kr in c]
        if all(not rev for _, rev in order) and [k for k, _ in order] == list(range(len(order))):
            continue
        for arr in (geoms, geoms_m):
            parts = shapely.get_parts(arr[i])
            arr[i] = shapely.multilinestrings([_reversed_line(parts[k]) if rev else parts[k] for k, rev in order])
    return geoms, geoms_m, notes, mouths


def _chain_point(parts, chain, which: int):
    import shapely

    k, rev = chain[0] if which == 0 else chain[-1]
    end = (which == 0) == rev  # the chain's start is the part's end when the part runs backwards
    return shapely.get_coordinates(parts[k])[-1 if end else 0]


def _confluence_length(line, parent, tol: float) -> float:
    """Metres from the end of ``line`` back to where it is farther than ``tol`` from ``parent``."""
    import shapely

    c = shapely.get_coordinates(line)[::-1]
    d = shapely.distance(shapely.points(c), parent)
    far = np.flatnonzero(d > tol)
    step = np.hypot(*np.diff(c, axis=0).T)
    if len(far) == 0:
        return float(step.sum())
    k = int(far[0])
    if k == 0:
        return 0.0
    lo, hi = 0.0, 1.0  # along the edge c[k - 1] -> c[k], the distance grows past tol
    for _ in range(40):
        t = (lo + hi) / 2
        pt = shapely.points(c[k - 1] + t * (c[k] - c[k - 1]))
        if shapely.distance(pt, parent) <= tol:
            lo = t
        else:
            hi = t
    return float(step[:k - 1].sum() + lo * step[k - 1])


def _confluences(axis: _Axis, mouths: dict, lo: int, hi: int):
    """Axis intervals where tributaries of rivers ``lo:hi`` run into their parent rivers."""
    xs, xe = [], []
    if not mouths or len(axis.offset) == 0:
        return np.zeros(0), np.zeros(0)
    last = np.searchsorted(axis.part_of_vertex, np.arange(len(axis.offset)), side="right") - 1
    end_xy = axis.coords_m[last]
    for i, (xy, length) in mouths.items():
        if not lo <= i < hi or length <= 0:
            continue
        parts = np.flatnonzero(axis.river_of_part == i - lo)
        if not len(parts):
            continue
        k = parts[np.argmin(np.hypot(*(end_xy[parts] - xy).T))]
        end = axis.offset[k] + axis.length[k]
        xs.append(end - min(length, axis.length[k]))
        xe.append(end)
    o = np.argsort(xs)
    return np.asarray(xs, dtype=float)[o], np.asarray(xe, dtype=float)[o]
