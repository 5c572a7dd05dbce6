"""Coverage rules R3 (every bank of every river covered, no overlaps) and R4 (every village a
river crosses has a segment there) on plain rows in a metric CRS (EPSG:4547), where gaps,
overlaps and crossings are whole metres written by hand."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiLineString, box

from hezhang_plugin.core import coverage

GK = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0
D, T, V1, V2 = "411171000000", "411171100000", "411171100001", "411171100002"


def line(x_a, x_b, y=500.0):
    return MultiLineString([LineString([(X0 + x_a, Y0 + y), (X0 + x_b, Y0 + y)])])


def units(district=(0, 0, 2000, 1000)):
    x0, y0, x1, y1 = district
    return [{"code": D, "name": "区", "level": "district", "parent_code": None,
             "geom": box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)},
            {"code": T, "name": "镇", "level": "town", "parent_code": D, "geom": box(X0, Y0, X0 + 2000, Y0 + 1000)},
            {"code": V1, "name": "甲村", "level": "village", "parent_code": T, "geom": box(X0, Y0, X0 + 1000, Y0 + 1000)},
            {"code": V2, "name": "乙村", "level": "village", "parent_code": T,
             "geom": box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)}]


def seg(n, x_a, x_b, unit, bank="both", y=500.0):
    return {"seg_code": f"411171{n:06d}", "river_code": "R1", "name": f"段{n}", "bank": bank, "unit_code": unit,
            "length_km": (x_b - x_a) / 1000, "valid_from": "2020-01-01", "geom": line(x_a, x_b, y)}


def check(segments, rivers=None, us=None, **kw):
    data = coverage.CoverageData(us or units(), rivers or [{"river_code": "R1", "name": "沙河", "geom": line(0, 2000)}],
                                 segments, [], [], [], "411171", GK)
    kw.setdefault("rules", ("R3", "R4"))
    return coverage.check(data, "2024-06-01", **kw)


def msgs(findings, rule="R3"):
    return [f.message_en for f in findings if f.rule == rule]


def test_full_cover_has_no_findings():
    findings, summary = check([seg(1, 0, 1000, V1), seg(2, 1000, 2000, V2)])
    assert findings == [] and summary.rivers == 1 and summary.gap_km == 0.0


def test_a_gap_on_both_banks_and_the_unsegmented_km():
    findings, summary = check([seg(1, 0, 900, V1), seg(2, 1000, 2000, V2)])
    assert msgs(findings) == ["River R1 (沙河), left: 0.100 km without a segment",
                              "River R1 (沙河), right: 0.100 km without a segment"]
    assert all(f.severity == "error" and f.geometry.length == pytest.approx(100.0) for f in findings)
    assert summary.gap_km == pytest.approx(0.1, rel=1e-4)
    assert summary.text("en").startswith("2024-06-01: 1 rivers, 1.90 km of segments (one bank), 0.10 km without a "
                                         "segment, covered 0.00 km (0.0%)")
    assert "，另有0.10公里未划分河段" in summary.text("zh")


def test_a_gap_within_the_tolerance_is_none():
    assert check([seg(1, 0, 997, V1), seg(2, 1000, 2000, V2)])[0] == []  # 3 m < 5 m
    assert msgs(check([seg(1, 0, 997, V1), seg(2, 1000, 2000, V2)], tolerance_m=1.0)[0]) == [
        "River R1 (沙河), left: 0.003 km without a segment", "River R1 (沙河), right: 0.003 km without a segment"]


def test_an_overlap_is_a_warning_naming_both_segments():
    findings, _ = check([seg(1, 0, 1100, V1), seg(2, 1000, 2000, V2)])
    over = [f for f in findings if "overlap" in f.message_en]
    assert [(f.severity, f.seg_code, f.message_en) for f in over] == [
        ("warning", "411171000001", "River R1 (沙河), left: segments 411171000001 and 411171000002 overlap for 0.100 km"),
        ("warning", "411171000001", "River R1 (沙河), right: segments 411171000001 and 411171000002 overlap for 0.100 km")]
    assert over[0].geometry.length == pytest.approx(100.0)


def test_a_single_bank_left_uncovered_inside_the_district():
    findings, summary = check([seg(1, 0, 1000, V1, "left"), seg(2, 1000, 2000, V2)])
    assert msgs(findings) == ["River R1 (沙河), right: 1.000 km without a segment"]
    assert findings[0].message_zh == "河流沙河（R1）右岸有1.000公里未划分河段"
    assert summary.gap_km == 0.0  # the left bank lies there: the river is not unsegmented


def test_only_the_district_bank_of_an_edge_river():
    """The district's northern edge (y = 1000) is the river, flowing east: the district lies
    on its right; only the right bank is the district's."""
    edge = [{"river_code": "R1", "name": "沙河", "geom": line(0, 2000, 1000)}]
    right = [seg(1, 0, 1000, V1, "right", 1000), seg(2, 1000, 2000, V2, "right", 1000)]
    assert check(right, edge)[0] == []
    left = [seg(1, 0, 1000, V1, "left", 1000), seg(2, 1000, 2000, V2, "left", 1000)]
    assert msgs(check(left, edge)[0]) == ["River R1 (沙河), right: 2.000 km without a segment"]
    # flowing west along the same edge the district is on its left
    west = [{"river_code": "R1", "name": "沙河",
             "geom": MultiLineString([LineString([(X0 + 2000, Y0 + 1000), (X0, Y0 + 1000)])])}]
    assert check(left, west)[0] == []
    assert msgs(check(right, west)[0]) == ["River R1 (沙河), left: 2.000 km without a segment"]


def test_only_the_river_inside_the_district_counts():
    long_river = [{"river_code": "R1", "name": "沙河", "geom": line(-3000, 5000)}]
    findings, summary = check([seg(1, 0, 1000, V1), seg(2, 1000, 2000, V2)], long_river)
    assert msgs(findings) == [] and summary.gap_km == 0.0


def test_segments_of_unknown_rivers_and_rivers_in_parts():
    findings, _ = check([seg(1, 0, 1000, V1), dict(seg(2, 1000, 2000, V2), river_code="R9")])
    assert [(f.seg_code, f.message_en) for f in findings if "unknown" in f.message_en] == [
        ("411171000002", "Segment 411171000002 refers to unknown river R9")]
    parts = [{"river_code": "R1", "name": "沙河",
              "geom": MultiLineString([LineString([(X0, Y0 + 500), (X0 + 1000, Y0 + 500)]),
                                       LineString([(X0 + 1000, Y0 + 500), (X0 + 2000, Y0 + 500)])])},
             {"river_code": "R2", "name": "空", "geom": None}]
    assert check([seg(1, 0, 1000, V1), seg(2, 1000, 2000, V2)], parts)[0] == []  # parts that join are one line


def test_r4_a_village_crossed_without_a_segment_there():
    findings, _ = check([seg(1, 0, 1000, V1), dict(seg(2, 1000, 2000, V2), unit_code=V1)], rules=("R4",))
    assert [(f.rule, f.unit_code, f.message_en) for f in findings] == [
        ("R4", V2, "River R1 (沙河) crosses village 411171100002 (乙村) for 1.000 km without a segment there")]
    assert findings[0].geometry.length == pytest.approx(1000.0)
    # a crossing shorter than min_crossing_m is a touch, not a crossing
    short = [{"river_code": "R1", "name": "沙河", "geom": line(0, 1010)}]
    assert check([seg(1, 0, 1000, V1)], short, rules=("R4",))[0] == []
    assert len(check([seg(1, 0, 1000, V1)], short, rules=("R4",), min_crossing_m=5.0)[0]) == 1
    no_villages = [u for u in units() if u["level"] != "village"]
    assert check([seg(1, 0, 1000, V1)], us=no_villages, rules=("R4",))[0] == []


def test_the_district_from_its_units_when_it_has_no_polygon():
    us = [dict(u, geom=None) if u["level"] == "district" else u for u in units()]
    assert coverage.district_area(coverage.CoverageData(us, [], [], [], [], [])).area == pytest.approx(2000 * 1000)
    assert coverage.district_area(coverage.CoverageData([dict(u, geom=None) for u in us], [], [], [], [], [])) is None
    findings, _ = check([seg(1, 0, 900, V1), seg(2, 1000, 2000, V2)], us=[dict(u, geom=None) for u in units()])
    assert msgs(findings) == ["River R1 (沙河), left: 0.100 km without a segment",
                              "River R1 (沙河), right: 0.100 km without a segment"]


def test_interval_helpers():
    assert coverage._union_length([(5, 6), (0, 2), (1.5, 3), (3.05, 4)], 0.1) == [[0, 4], [5, 6]]
    assert coverage._intersect([[0, 4], [5, 6]], [(3, 5.5)]) == [(3, 4), (5, 5.5)]
    assert coverage._subtract([(0, 10)], [(2, 3), (5, 12)]) == [(0, 2), (3, 5)]
    assert coverage._subtract([(0, 10)], []) == [(0, 10)]
    gaps, overlaps = coverage._sweep(10.0, [(0, 4, "a"), (3, 6, "b"), (8, 9, "c")], 0.5)
    assert gaps == [(6, 8), (9, 10.0)] and overlaps == [(3, 4, "a", "b")]
