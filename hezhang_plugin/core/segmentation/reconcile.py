"""Reconciliation of a new cut with the stored segments: matching, stable codes, unchanged
segments left alone and retirement of the segments that are gone."""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core import validity
from hezhang_plugin.core.segmentation.geometry import choose_metric_crs, transform_geoms

#: metres: a segment whose new extent is this close to its stored one (Hausdorff distance) and
#: whose names are the same is unchanged, and is not written again
SAME_EXTENT_M = 0.001


def match_existing(new_rows, existing_rows, crs: str, tolerance: float, metric: Optional[str] = None):
    """Pair new segments with current existing ones of the same river, unit and bank.

    Returns {new index: (existing index, 'same' | 'changed')}. Same: every point of each lies
    within :data:`SAME_EXTENT_M` of the other (Hausdorff); changed: within ``tolerance`` of
    the other, or still sharing most of their extent. Distances are measured in ``metric``
    (default: the Gauss-Kruger zone of the new segments, :func:`choose_metric_crs`).
    """
    import shapely

    out: dict[int, tuple[int, str]] = {}
    if not new_rows or not existing_rows:
        return out
    metric = metric or choose_metric_crs([r["geom"] for r in new_rows], crs)
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
        if hd[k] <= SAME_EXTENT_M:
            status = "same"
        elif hd[k] <= tol or ratio[k] >= 0.5:
            status = "changed"
        else:
            continue
        used_i.add(i)
        used_j.add(j)
        out[i] = (j, status)
    return out


#: what a segment is called; an unchanged segment has the same values
_NAMED = ("name", "start_name", "end_name")


def reconcile(table, existing, processed, district: str, crs: str, tolerance: float, today: str,
              report: dict, *, codes_in_use: Optional[Iterable[str]] = None, metric: Optional[str] = None) -> tuple:
    """Reconcile a new cut (``table``, a SegmentTable without codes) with the ``existing``
    segment rows, in place.

    Current existing segments of the ``processed`` river codes are matched (see
    :func:`match_existing`): a segment found again with the same extent and names is
    unchanged — its row is dropped from ``table`` and returned as it was; a matched one whose
    extent or names changed keeps its code, fid, valid_from and target with the new extent;
    the others get the next free codes of ``district`` after the highest of ``codes_in_use``
    (default: the codes of ``existing``). Current existing segments left
    unmatched are retired: ``valid_to`` is the day before ``today``, the first day of their
    successors (:func:`hezhang_plugin.core.validity.end_date`). ``table`` ends sorted by code;
    ``report``'s added/changed/unchanged/retired lists receive the codes. ``metric`` is the CRS
    extents are compared in (:func:`match_existing`). A run cut in chunks of whole rivers
    reconciles each chunk with the existing segments of its rivers, the codes in use growing
    from chunk to chunk: the same codes as one call over the whole table. Returns (unchanged
    rows, retired rows).
    """
    cols = table.columns
    existing = list(existing or [])
    current = [r for r in existing if not r.get("valid_to") and r.get("river_code") in processed]
    matches = {}
    if current and len(table):
        geoms = table.geoms()
        probe = [{"river_code": rc, "unit_code": uc, "bank": bk, "geom": g}
                 for rc, uc, bk, g in zip(cols["river_code"], cols["unit_code"], cols["bank"], geoms)]
        matches = match_existing(probe, current, crs, tolerance, metric)
    matched_j = set()
    same = []
    unchanged, retired = [], []
    for i, (j, status) in matches.items():
        old = current[j]
        matched_j.add(j)
        if status == "same" and all(old.get(k) == cols[k][i] for k in _NAMED):
            unchanged.append(old)
            report["unchanged"].append(old.get("seg_code"))
            same.append(i)
            continue
        cols["seg_code"][i] = old.get("seg_code")
        cols["fid"][i] = old.get("fid")
        cols["valid_from"][i] = old.get("valid_from") or today
        if "target" in old:
            cols["target"][i] = old.get("target")
        report["changed"].append(old.get("seg_code"))
    fresh = [i for i in range(len(table)) if i not in matches]
    in_use = codes_in_use if codes_in_use is not None else [r.get("seg_code") for r in existing]
    new_codes = hzcodes.next_seg_codes(district, in_use, len(fresh)) if fresh else []
    for i, code in zip(fresh, new_codes):
        cols["seg_code"][i] = code
    report["added"] += new_codes
    for j, old in enumerate(current):
        if j not in matched_j:
            gone = dict(old)
            gone["valid_to"] = validity.end_date(old.get("valid_from"), today)
            retired.append(gone)
            report["retired"].append(old.get("seg_code"))
    keep = sorted(set(range(len(table))) - set(same), key=cols["seg_code"].__getitem__)
    if keep != list(range(len(table))):
        table.reorder(keep)
    return unchanged, retired
