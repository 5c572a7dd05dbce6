"""A whole segmentation run (core.segmentation.run) around its edges: the district code, the
refusals of a run's inputs, what the report holds, the result's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import LineString, box

from hezhang_plugin.core import segmentation as seg
from hezhang_plugin.core.segmentation import run as R

GK = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0


def village(n, name, x0, x1, code_prefix="411171100"):
    return {"code": f"{code_prefix}{n:03d}", "name": name, "geom": box(X0 + x0, Y0, X0 + x1, Y0 + 1000)}


def river(code, name, x0=100, x1=1900, **kw):
    return dict({"river_code": code, "name": name, "geom": LineString([(X0 + x0, Y0 + 500), (X0 + x1, Y0 + 500)])},
                **kw)


UNITS = [village(1, "甲村", 0, 1000), village(2, "乙村", 1000, 2000)]


def go(rivers, units=UNITS, **kw):
    kw.setdefault("today", "2024-05-01")
    return seg.segment_rivers(rivers, units, rivers_crs=GK, **kw)


def test_the_district_code_given_or_taken_from_most_units():
    assert R._district_of([], "411171") == "411171000000"
    assert R._district_of([], " 411171000000 ") == "411171000000"
    units = [{"code": "411171100001"}, {"code": "411171100002"}, {"code": "411172100001"}, {"code": None}]
    assert R._district_of(units, None) == "411171000000"
    with pytest.raises(seg.SegmentationError, match="^district code '4111' is not a 6- or 12-digit code$"):
        R._district_of(units, "4111")
    with pytest.raises(seg.SegmentationError, match="the district code is unknown"):
        R._district_of([{"code": ""}], None)
    res = go([river("R1", "沙河")], district_code="411103")
    assert [r["seg_code"] for r in res.segments] == ["411103000001", "411103000002"]
    assert res.report["district_code"] == "411103000000"


def test_a_report_of_a_plain_run():
    res = go([river("R1", "沙河"), river("R2", "小河", 200, 800)])
    rep = res.report
    assert (rep["rivers"], rep["units"], rep["segments"], rep["single_bank"], rep["metric_crs"]) == (2, 2, 3, 0, GK)
    assert rep["added"] == ["411171000001", "411171000002", "411171000003"]
    assert rep["changed"] == rep["unchanged"] == rep["retired"] == rep["repaired"] == rep["invalid"] == []
    assert [(r["river_code"], r["name"], r["valid_from"]) for r in res.segments] == [
        ("R1", "沙河甲村段", "2024-05-01"), ("R1", "沙河乙村段", "2024-05-01"), ("R2", "小河甲村段", "2024-05-01")]
    assert all("fid" not in r and "target" not in r for r in res.changes)
    assert res.segments is res.segments  # built once
    assert res.retired == [] and res.unchanged == []


def test_the_default_day_is_today():
    res = seg.segment_rivers([river("R1", "沙河")], UNITS, rivers_crs=GK)
    assert {r["valid_from"] for r in res.segments} == {dt.date.today().isoformat()}


def test_refusals_and_reported_rows():
    with pytest.raises(seg.SegmentationError, match="cannot be negative"):
        go([river("R1", "沙河")], boundary_tolerance=-1)
    with pytest.raises(seg.SegmentationError, match="cannot be negative"):
        go([river("R1", "沙河")], min_length=-0.5)
    with pytest.raises(seg.SegmentationError, match="^river codes are not unique: R1$"):
        go([river("R1", "沙河"), river("R1", "泥河"), river("R2", "小河")])
    res = go([river("", "无码河", fid=4), river("R1", "沙河")])
    assert res.report["invalid"] == ["river feature 4 无码河: no river code"]
    assert [r["river_code"] for r in res.segments] == ["R1", "R1"]
    nothing = go([river("", "无码河")])
    assert nothing.report["segments"] == 0 and nothing.segments == [] and nothing.changes == []
    assert go([], UNITS).report["segments"] == 0
    assert go([river("R1", "沙河")], [], district_code="411171").report["segments"] == 0
    with pytest.raises(seg.SegmentationError, match="the district code is unknown"):
        go([river("R1", "沙河")], [])  # no units to take it from


def test_garbled_names_are_refused_before_anything_is_cut():
    gbk_as_latin1 = "沙河".encode("gbk").decode("latin-1")
    with pytest.raises(seg.SegmentationError) as exc:
        go([river("R1", gbk_as_latin1, fid=7)])
    msg = str(exc.value)
    assert msg.startswith(f"Rivers: 1 text value(s) look garbled (e.g. feature 7, field name: “{gbk_as_latin1}”)")
    assert exc.value.text("zh").startswith("河流：")
    bad_units = [dict(UNITS[0], name="\ufffd\ufffd村", fid=3), UNITS[1]]
    with pytest.raises(seg.SegmentationError) as exc:
        go([river("R1", "沙河")], bad_units)
    assert str(exc.value).startswith("Units: 1 text value(s) look garbled (e.g. feature 3, field name:")


def test_progress_and_cancel():
    class Feedback:
        def __init__(self, stop_at=None):
            self.values, self.stop_at = [], stop_at

        def setProgress(self, v):
            self.values.append(v)

        def isCanceled(self):
            return self.stop_at is not None and len(self.values) >= self.stop_at

        def pushInfo(self, text):
            pass

    fb = Feedback()
    go([river("R1", "沙河")], feedback=fb)
    assert fb.values[0] == 5.0 and fb.values[-1] == 100.0 and fb.values == sorted(fb.values)
    with pytest.raises(seg.SegmentationCancelled):
        go([river("R1", "沙河")], feedback=Feedback(stop_at=1))


def test_units_in_another_crs():
    units_geo = [dict(u, geom=seg.transform_geoms([u["geom"]], GK, "EPSG:4490")[0]) for u in UNITS]
    res = go([river("R1", "沙河")], units_geo, units_crs="EPSG:4490")
    assert [(r["unit_code"], round(r["length_km"], 3)) for r in res.segments] == [
        ("411171100001", 0.9), ("411171100002", 0.9)]
