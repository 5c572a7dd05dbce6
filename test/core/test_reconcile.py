"""Re-segmenting over stored segments (core.segmentation.reconcile through segment_rivers):
retired segments stay as they were, new codes never reuse a retired code, unchanged segments
are not written again. The river and villages are laid out in metres (EPSG:4547)."""

from __future__ import annotations

from shapely.geometry import LineString, box

from hezhang_plugin.core import segmentation as seg

GK = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0
RIVER = [{"river_code": "R1", "name": "沙河",
          "geom": LineString([(X0 + 100, Y0 + 500), (X0 + 2900, Y0 + 500)])}]


def villages(*splits):
    """Villages side by side along x, cut at ``splits`` (metres)."""
    edges = [0.0, *splits, 3000.0]
    names = ["甲村", "乙村", "丙村"]
    return [{"code": f"411171100{i + 1:03d}", "name": names[i],
             "geom": box(X0 + a, Y0, X0 + b, Y0 + 1000)} for i, (a, b) in enumerate(zip(edges, edges[1:]))]


def run(units, existing=None, today="2024-01-01"):
    return seg.segment_rivers(RIVER, units, rivers_crs=GK, district_code="411171", existing=existing,
                              today=today, boundary_tolerance=10.0, min_length=50.0)


def stored(result, fids=None):
    """The rows a workspace holds after writing ``result``: new rows get the next fids."""
    out, fid = [], max(fids or [0])
    for r in result.segments:
        row = dict(r)
        if row.get("fid") is None:
            fid += 1
            row["fid"] = fid
        out.append(row)
    return out + [dict(r) for r in result.retired]


def by_village(rows):
    return {r["unit_code"][-3:]: r for r in rows if not r.get("valid_to")}


def test_a_retired_segment_is_not_retired_again_and_its_code_is_not_reused():
    first = run(villages(1000, 2000))
    codes = {k: r["seg_code"] for k, r in by_village(first.segments).items()}
    assert codes == {"001": "411171000001", "002": "411171000002", "003": "411171000003"}

    # 乙村 and 丙村 merge on 2025-02-01: 丙村's segment is retired the day before.
    merged = run(villages(1000), stored(first), today="2025-02-01")
    assert merged.report["retired"] == ["411171000003"]
    assert [(r["seg_code"], r["valid_to"]) for r in merged.retired] == [("411171000003", "2025-01-31")]
    rows = stored(merged, [r["fid"] for r in stored(first)])
    retired_before = [dict(r) for r in rows if r.get("valid_to")]

    # They split again on 2025-06-01: the new 丙村 segment gets 000004, not the retired 000003
    # (a UNIQUE constraint on seg_code), and the retired row keeps its valid_to.
    again = run(villages(1000, 2000), rows, today="2025-06-01")
    assert again.report["retired"] == [] and again.retired == []
    assert again.report["added"] == ["411171000004"]
    now = by_village(again.segments)
    assert {k: r["seg_code"] for k, r in now.items()} == {"001": "411171000001", "002": "411171000002",
                                                           "003": "411171000004"}
    assert again.report["unchanged"] == ["411171000001"] and again.report["changed"] == ["411171000002"]
    assert retired_before == [r for r in rows if r.get("valid_to")]  # not touched
    assert now["002"]["fid"] == 2 and now["002"]["valid_from"] == "2024-01-01"  # same segment, kept history
    assert now["003"].get("fid") is None and now["003"]["valid_from"] == "2025-06-01"


def test_next_codes_follow_the_highest_code_in_use_retired_or_not():
    from hezhang_plugin.core import codes

    assert codes.next_seg_codes("411171000000", ["411171000003", "411171000001", None, "X"], 2) == [
        "411171000004", "411171000005"]
    assert codes.next_seg_codes("411171", [], 1) == ["411171000001"]
    assert codes.next_seg_codes("411171", ["412000000009"], 1) == ["411171000001"]  # another county


def test_rerun_on_unchanged_inputs_writes_nothing():
    first = run(villages(1000, 2000))
    again = run(villages(1000, 2000), stored(first), today="2024-02-01")
    assert again.changes == [] and again.retired == []
    assert sorted(again.report["unchanged"]) == ["411171000001", "411171000002", "411171000003"]
    assert again.report["segments"] == 3 and len(again.segments) == 3


def test_match_existing_same_changed_and_far():
    new = [{"river_code": "R1", "unit_code": "U", "bank": "both",
            "geom": LineString([(X0, Y0), (X0 + 1000, Y0)])}]
    same = dict(new[0], geom=LineString([(X0, Y0), (X0 + 1000, Y0 + 0.0005)]))
    moved = dict(new[0], geom=LineString([(X0, Y0), (X0 + 1008, Y0)]))
    far = dict(new[0], geom=LineString([(X0 + 5000, Y0), (X0 + 6000, Y0)]))
    other_bank = dict(new[0], bank="left")
    assert seg.match_existing(new, [same], GK, 10.0) == {0: (0, "same")}
    assert seg.match_existing(new, [moved], GK, 10.0) == {0: (0, "changed")}
    assert seg.match_existing(new, [far], GK, 10.0) == {}
    assert seg.match_existing(new, [other_bank], GK, 10.0) == {}
    assert seg.match_existing(new, [far, moved], GK, 10.0) == {0: (1, "changed")}
    assert seg.match_existing([], [same], GK, 10.0) == {}


def _along(*points):
    """A line through ``points`` in metres from (X0, Y0)."""
    return LineString([(X0 + x, Y0 + y) for x, y in points])


def test_match_existing_pairs_each_segment_once_best_first():
    """Pairs laid out by hand (new segments along y = 0 and y = 3 m, 1 km long; tolerance 10 m):
    closest pair first (Hausdorff), each new and each stored segment used once, pairs that are
    neither close nor sharing half their extent skipped without ending the search."""
    base = {"river_code": "R1", "unit_code": "U", "bank": "both"}
    n0, n1 = dict(base, geom=_along((0, 0), (1000, 0))), dict(base, geom=_along((0, 3), (1000, 3)))
    e0, e7 = dict(base, geom=_along((0, 0), (1000, 0))), dict(base, geom=_along((0, 7), (1000, 7)))
    # n0–e0 0 m (same), n1–e0 3 m (e0 taken), n1–e7 4 m (changed), n0–e7 7 m (n0 taken)
    assert seg.match_existing([n0, n1], [e0, e7], GK, 10.0) == {0: (0, "same"), 1: (1, "changed")}
    # one new segment, a same and a changed stored one: the same one, not overwritten
    assert seg.match_existing([n0], [e0, dict(e7)], GK, 10.0) == {0: (0, "same")}
    # a stored row without geometry is left out
    assert seg.match_existing([n0], [dict(base, geom=None), e0], GK, 10.0) == {0: (1, "same")}
    # 300 m of the same line: 700 m off, shares 310 of 1000 m (tolerance past its end): no pair;
    # extended to 1800 m: 800 m off but shares 1000 of 1800 m (over half): changed
    short = dict(base, geom=_along((0, 0), (300, 0)))
    longer = dict(base, geom=_along((0, 0), (1800, 0)))
    assert seg.match_existing([n0], [short], GK, 10.0) == {}
    assert seg.match_existing([n0], [short, longer], GK, 10.0) == {0: (1, "changed")}
    # shares exactly half (1000 of 2000 m): changed
    assert seg.match_existing([n0], [dict(base, geom=_along((0, 0), (2000, 0)))], GK, 10.0) == {0: (0, "changed")}
    # 1.5 m off along its length, tolerance 0.5 m: the tolerance used is at least 1 m, not 2 m
    off = dict(base, geom=_along((0, 1.5), (1000, 1.5)))
    assert seg.match_existing([n0], [off], GK, 0.5) == {}
    assert seg.match_existing([n0], [off], GK, 2.0) == {0: (0, "changed")}


def test_match_existing_equal_distance_goes_to_the_larger_share():
    """Two stored segments 5 m off n0 at their farthest: a straight one (shares 1000 of 1000 m)
    and a zigzag (shares 1000 of its 1000.8 m); the straight one wins though listed second."""
    base = {"river_code": "R1", "unit_code": "U", "bank": "both"}
    n0 = dict(base, geom=_along((0, 0), (1000, 0)))
    zigzag = dict(base, geom=_along((0, -5), (250, 5), (500, -5), (750, 5), (1000, -5)))
    straight = dict(base, geom=_along((0, 5), (1000, 5)))
    assert seg.match_existing([n0], [zigzag, straight], GK, 10.0) == {0: (1, "changed")}


def test_changed_segments_keep_code_and_target_and_rows_end_sorted_by_code():
    """Stored codes out of the cut's order (甲村's segment holds 000003, 丙村's 000001) and a
    water-quality target on 甲村's: after 甲村/乙村's boundary moves 100 m, 甲村's and 乙村's
    segments are changed (codes, fid and target kept), 丙村's is unchanged, and the rows to
    write come sorted by code: 000002 (乙村) before 000003 (甲村)."""
    first = stored(run(villages(1000, 2000)))
    swap = {"411171000001": "411171000003", "411171000003": "411171000001"}
    for r in first:
        r["seg_code"] = swap.get(r["seg_code"], r["seg_code"])
        r["target"] = "III类" if r["unit_code"].endswith("001") else None
    again = run(villages(1100, 2000), first, today="2024-03-01")
    assert again.report["unchanged"] == ["411171000001"]
    assert sorted(again.report["changed"]) == ["411171000002", "411171000003"]
    assert [(r["seg_code"], r["unit_code"][-3:], r.get("target")) for r in again.changes] == [
        ("411171000002", "002", None), ("411171000003", "001", "III类")]
