"""Helpers of the draw-segment map tool (core.segmentation.drawing) in a metric CRS, where the
expected lengths and positions are written by hand."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Point, box

from hezhang_plugin.core import segmentation as seg

GK = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0


def p(x, y):
    return Point(X0 + x, Y0 + y)


def line(*pts):
    return LineString([(X0 + x, Y0 + y) for x, y in pts])


def test_nearest_line():
    lines = [line((0, 100), (100, 100)), None, line((0, 0), (100, 0)), LineString()]
    assert seg.nearest_index(lines, p(50, 10)) == 2
    assert seg.nearest_index(lines, p(50, 90)) == 0
    assert seg.nearest_index([], p(0, 0)) == -1
    assert seg.nearest_index([None, LineString()], p(0, 0)) == -1


def test_substring_between_two_clicks_in_the_lines_direction():
    river = MultiLineString([[(X0 + x, Y0 + y) for x, y in ((0, 0), (100, 0), (100, 100), (200, 100))],
                             [(X0 + 1000, Y0), (X0 + 2000, Y0)]])
    sub = seg.substring_between(river, p(150, 101), p(50, -1), GK)  # clicked upstream first
    assert [(round(x - X0, 6), round(y - Y0, 6)) for x, y in sub.coords] == [(50, 0), (100, 0), (100, 100),
                                                                              (150, 100)]
    far = seg.substring_between(river, p(1200, 5), p(1700, -5), GK)  # the part nearest the first click
    assert shapely.get_coordinates(far).tolist() == [[X0 + 1200, Y0], [X0 + 1700, Y0]]
    assert seg.substring_between(river, p(50, 3), p(50, -3), GK) is None  # both at one place
    assert seg.substring_between(MultiLineString(), p(0, 0), p(1, 0), GK) is None


def units():
    return [{"code": "411171100001", "name": "甲村", "geom": box(X0, Y0 - 500, X0 + 1000, Y0 + 500)},
            {"code": "411171100002", "name": "乙村", "geom": box(X0 + 1000, Y0 - 500, X0 + 3000, Y0 + 500)},
            {"code": "411171100003", "name": "丙村", "geom": None}]


def test_the_unit_holding_most_of_the_segment():
    geoms = [u["geom"] for u in units()]
    assert seg.unit_with_most_length(line((800, 0), (1500, 0)), geoms, GK) == 1  # 500 m in 乙村, 200 m in 甲村
    assert seg.unit_with_most_length(line((100, 0), (900, 0)), geoms, GK) == 0
    assert seg.unit_with_most_length(line((5000, 0), (6000, 0)), geoms, GK) == -1
    assert seg.unit_with_most_length(line((0, 0), (1, 0)), [], GK) == -1
    assert seg.unit_with_most_length(None, geoms, GK) == -1


def test_drawn_segment_attributes():
    river = {"river_code": "R1", "name": "沙河"}
    s = line((800, 0), (1500, 0))
    attrs = seg.drawn_segment_attributes(s, GK, river, units(), ["411171000007", None], "411171", bank="left",
                                         today="2024-05-01")
    assert attrs == {"seg_code": "411171000008", "river_code": "R1", "unit_code": "411171100002",
                     "name": "沙河乙村段（左岸）", "bank": "left", "start_name": "甲村界", "end_name": "",
                     "length_km": pytest.approx(0.7, abs=1e-4), "valid_from": "2024-05-01"}
    inside = seg.drawn_segment_attributes(line((1200, 0), (1500, 0)), GK, river, units(), [], "411171000000")
    assert (inside["seg_code"], inside["name"], inside["start_name"], inside["end_name"]) == (
        "411171000001", "沙河乙村段", "", "")
    outside = seg.drawn_segment_attributes(line((5000, 0), (5100, 0)), GK, {}, units(), [], "411171")
    assert (outside["unit_code"], outside["name"], outside["river_code"]) == (None, "段", None)
    with pytest.raises(seg.SegmentationError, match="bank 'middle'"):
        seg.drawn_segment_attributes(s, GK, river, units(), [], "411171", bank="middle")
