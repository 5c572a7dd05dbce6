"""Automatic segmentation: hand-built cases with known answers, in geographic and projected CRS."""

from __future__ import annotations

import pathlib

import pytest
import shapely
from shapely.geometry import LineString, MultiLineString, Polygon, box

from hezhang_plugin.core import segmentation as seg

GK = "EPSG:4546"  # CGCS2000 GK zone, CM 114E
X0, Y0 = 500000.0, 3760000.0  # about 114E 34N (Henan)


def _shift(g):
    return shapely.affinity.translate(g, X0, Y0)


def _geo(g, crs):
    g = _shift(g)
    return g if crs == GK else seg.transform_geoms([g], GK, crs)[0]


def unit(code, name, geom, crs="EPSG:4490", fid=None):
    return {"code": "411171" + code, "name": name, "geom": _geo(geom, crs), "fid": fid}


def river(code, name, geom, crs="EPSG:4490"):
    return {"river_code": code, "name": name, "geom": _geo(geom, crs)}


def three_villages(crs="EPSG:4490", split=2000.0):
    return [unit("100001", "甲村", box(0, 0, 1000, 1000), crs, 1),
            unit("100002", "乙村", box(1000, 0, split, 1000), crs, 2),
            unit("100003", "丙村", box(split, 0, 3000, 1000), crs, 3)]


def run(rivers, units, crs="EPSG:4490", **kw):
    kw.setdefault("boundary_tolerance", 10.0)
    kw.setdefault("min_length", 50.0)
    return seg.segment_rivers(rivers, units, rivers_crs=crs, district_code="411171", **kw)


def geod_km(g, crs):
    from pyproj import Geod

    g = g if crs == "EPSG:4490" else seg.transform_geoms([g], crs, "EPSG:4490")[0]
    return Geod(ellps="GRS80").geometry_length(g) / 1000.0


def by_unit(result):
    return {(r["unit_code"][-3:], r["bank"]): r for r in result.segments}


@pytest.mark.parametrize("crs", ["EPSG:4490", GK])
def test_river_through_three_villages(crs):
    line = LineString([(100, 500), (700, 520), (1500, 480), (2500, 530), (2900, 500)])
    res = run([river("R1", "沙河", line, crs)], three_villages(crs), crs)
    segs = by_unit(res)
    assert set(segs) == {("001", "both"), ("002", "both"), ("003", "both")}
    a, b, c = segs[("001", "both")], segs[("002", "both")], segs[("003", "both")]
    assert a["name"] == "沙河甲村段" and b["name"] == "沙河乙村段"
    assert (a["start_name"], a["end_name"]) == ("源头", "乙村界")
    assert (b["start_name"], b["end_name"]) == ("甲村界", "丙村界")
    assert c["end_name"] == "河口"
    assert [r["seg_code"] for r in sorted(res.segments, key=lambda r: r["unit_code"])] == \
        ["411171000001", "411171000002", "411171000003"]
    # segments follow the river in flow direction, starting where it starts
    first = shapely.get_point(a["geom"].geoms[0], 0)
    assert first.distance(_geo(shapely.Point(100, 500), crs)) < 1e-6
    # metric extents: about 900 m, 1000 m, 900 m
    metric = {k: seg.transform_geoms([r["geom"]], crs, GK)[0].length for k, r in segs.items()}
    assert metric[("002", "both")] == pytest.approx(1000.0, rel=2e-3)
    # lengths agree with an independent geodesic computation within 0.01 %
    for r in res.segments:
        assert r["length_km"] == pytest.approx(geod_km(r["geom"], crs), rel=1e-4)
    total = sum(r["length_km"] for r in res.segments)
    assert total == pytest.approx(geod_km(_geo(line, crs), crs), rel=1e-3)
    assert res.report["invalid"] == [] and res.report["repaired"] == []


def test_river_along_village_boundary_gives_two_bank_segments():
    south = unit("100001", "南村", box(0, 0, 3000, 1000))
    north = unit("100002", "北村", box(0, 1000, 3000, 2000))
    # flows east along y = 1000, wandering 3 m either side of the boundary
    pts = [(100 + i * 100, 1000 + (3 if i % 2 else -3)) for i in range(29)]
    res = run([river("R1", "沙河", LineString(pts))], [south, north])
    segs = by_unit(res)
    # facing downstream (east) the north village is on the left
    assert set(segs) == {("002", "left"), ("001", "right")}
    assert segs[("002", "left")]["name"] == "沙河北村段（左岸）"
    assert segs[("001", "right")]["length_km"] == pytest.approx(segs[("002", "left")]["length_km"])
    assert res.report["single_bank"] == 2
    # the same river digitised westwards swaps the banks
    res2 = run([river("R1", "沙河", LineString(pts[::-1]))], [south, north])
    assert set(by_unit(res2)) == {("002", "right"), ("001", "left")}


def test_river_along_district_edge_is_single_bank_of_inside_unit():
    inside = unit("100001", "边村", box(0, 0, 3000, 1000))
    pts = [(100 + i * 100, 2 if i % 2 else -4) for i in range(29)]  # along y = 0, the edge
    line = LineString(pts)
    res = run([river("R1", "界河", line)], [inside])
    assert [(r["unit_code"][-3:], r["bank"]) for r in res.segments] == [("001", "left")]
    assert res.segments[0]["length_km"] == pytest.approx(geod_km(_geo(line, "EPSG:4490"), "EPSG:4490"),
                                                         rel=1e-3)


def test_sliver_shorter_than_min_length_joins_neighbour():
    units = [unit("100001", "甲村", box(0, 0, 1000, 1000)),
             unit("100002", "窄村", box(1000, 0, 1020, 1000)),
             unit("100003", "乙村", box(1020, 0, 2000, 1000))]
    line = LineString([(100, 500), (1900, 500)])
    res = run([river("R1", "沙河", line)], units, min_length=50.0)
    assert {r["unit_code"][-3:] for r in res.segments} == {"001", "003"}
    assert sum(r["length_km"] for r in res.segments) == pytest.approx(1.8, rel=1e-3)
    # with a smaller minimum the 20 m piece is its own segment
    res2 = run([river("R1", "沙河", line)], units, min_length=5.0, boundary_tolerance=1.0)
    assert {r["unit_code"][-3:] for r in res2.segments} == {"001", "002", "003"}


def test_self_intersecting_village_is_repaired_and_reported():
    bowtie = Polygon([(1000, 0), (2000, 1000), (2000, 0), (1000, 1000)])
    units = [unit("100001", "甲村", box(0, 0, 1000, 1000), fid=1),
             unit("100002", "蝶村", bowtie, fid=2)]
    assert not bowtie.is_valid
    res = run([river("R1", "沙河", LineString([(100, 300), (1990, 300)]))], units)
    assert len(res.report["repaired"]) == 1
    assert "feature 2" in res.report["repaired"][0] and "蝶村" in res.report["repaired"][0]
    assert "Self-intersection" in res.report["repaired"][0]
    bow = [r for r in res.segments if r["unit_code"].endswith("002")]
    # the repaired bowtie holds the river between x 1000-1300 and 1700-1990
    assert sum(r["length_km"] for r in bow) == pytest.approx(0.59, rel=2e-3)


def test_null_and_empty_geometries_are_reported_not_dropped_silently():
    units = three_villages() + [{"code": "411171100009", "name": "空村", "geom": None, "fid": 9}]
    rivers = [river("R1", "沙河", LineString([(100, 500), (2900, 500)])),
              {"river_code": "R2", "name": "空河", "geom": LineString(), "fid": 7}]
    res = run(rivers, units)
    assert any("feature 9" in m and "null" in m for m in res.report["invalid"])
    assert any("feature 7" in m and "empty" in m for m in res.report["invalid"])
    assert len(res.segments) == 3


def test_multi_part_river():
    touching = MultiLineString([[(100, 500), (1000, 500)], [(1000, 500), (2900, 500)]])
    res = run([river("R1", "沙河", touching)], three_villages())
    segs = by_unit(res)
    assert set(segs) == {("001", "both"), ("002", "both"), ("003", "both")}
    assert segs[("002", "both")]["start_name"] == "甲村界"
    disjoint = MultiLineString([[(100, 300), (800, 300)], [(200, 700), (900, 700)], [(1100, 500), (1900, 500)]])
    res2 = run([river("R2", "小河", disjoint)], three_villages())
    names = sorted(r["name"] for r in res2.segments)
    assert names == ["小河乙村段", "小河甲村1段", "小河甲村2段"]
    assert sum(r["length_km"] for r in res2.segments) == pytest.approx(2.2, rel=2e-3)


def test_rerun_after_moving_one_boundary_keeps_other_codes():
    line = LineString([(100, 500), (2900, 500)])
    first = run([river("R1", "沙河", line)], three_villages())
    codes = {r["unit_code"][-3:]: r["seg_code"] for r in first.segments}
    existing = [dict(r, fid=i + 1) for i, r in enumerate(first.segments)]
    moved = run([river("R1", "沙河", line)], three_villages(split=2300.0), existing=existing,
                today="2025-01-01")
    again = {r["unit_code"][-3:]: r for r in moved.segments}
    fids = {r["unit_code"][-3:]: r["fid"] for r in existing}
    assert again["001"]["seg_code"] == codes["001"] and again["001"]["fid"] == fids["001"]
    assert again["002"]["fid"] == fids["002"] and again["003"]["fid"] == fids["003"]  # changed, same rows
    assert codes["001"] in moved.report["unchanged"]
    assert again["002"]["seg_code"] == codes["002"] and again["003"]["seg_code"] == codes["003"]
    assert sorted(moved.report["changed"]) == sorted([codes["002"], codes["003"]])
    assert moved.report["added"] == [] and moved.report["retired"] == []
    # dropping the third village retires its segment (valid_to set) and the second grows
    merged = three_villages(split=3000.0)[:2]
    third = run([river("R1", "沙河", line)], merged, existing=existing, today="2025-02-01")
    assert third.report["retired"] == [codes["003"]]
    # retired the day before its successors start (issue 11: both must not hold on 2025-02-01)
    assert third.retired[0]["valid_to"] == "2025-01-31" and third.retired[0]["seg_code"] == codes["003"]


def test_total_length_per_bank_equals_river_length_inside_district():
    units = [unit("100001", "甲村", box(0, 0, 1500, 1000)),
             unit("100002", "乙村", box(1500, 0, 3000, 1000)),
             unit("100003", "丙村", box(0, 1000, 3000, 2000))]
    # through 甲村, then along the 甲/丙 and 乙/丙 boundary, then into 乙村 and out of the district
    pts = [(100, 300), (600, 800)] + [(700 + i * 100, 1000 + (2 if i % 2 else -2)) for i in range(20)] + \
        [(2700, 600), (3400, 400)]
    line = LineString(pts)
    res = run([river("R1", "沙河", line)], units)
    banks = {(r["unit_code"][-3:], r["bank"]) for r in res.segments}
    assert ("003", "left") in banks and ("001", "right") in banks and ("002", "right") in banks
    district = shapely.union_all([u["geom"] for u in units])
    inside = geod_km(shapely.intersection(_geo(line, "EPSG:4490"), district), "EPSG:4490")
    left = sum(r["length_km"] for r in res.segments if r["bank"] in ("both", "left"))
    right = sum(r["length_km"] for r in res.segments if r["bank"] in ("both", "right"))
    assert left == pytest.approx(inside, rel=1e-3)
    assert right == pytest.approx(inside, rel=1e-3)
    for r in res.segments:
        assert r["length_km"] == pytest.approx(geod_km(r["geom"], "EPSG:4490"), rel=1e-4)


def test_bad_parameters_and_duplicate_river_codes():
    with pytest.raises(seg.SegmentationError, match="negative"):
        run([river("R1", "沙河", LineString([(0, 0), (1, 1)]))], three_villages(), min_length=-1)
    with pytest.raises(seg.SegmentationError, match="R1"):
        run([river("R1", "沙河", LineString([(100, 500), (900, 500)])),
             river("R1", "泥河", LineString([(100, 600), (900, 600)]))], three_villages())


def test_substring_between_clicks_follows_vertices():
    line = _geo(LineString([(0, 0), (100, 0), (100, 100), (200, 100)]), "EPSG:4490")
    p1 = _geo(shapely.Point(50, 1), "EPSG:4490")
    p2 = _geo(shapely.Point(150, 99), "EPSG:4490")
    sub = seg.substring_between(line, p2, p1, "EPSG:4490")  # clicked backwards: still downstream
    coords = shapely.get_coordinates(sub)
    assert len(coords) == 4
    assert tuple(coords[1]) == line.coords[1] and tuple(coords[2]) == line.coords[2]
    back = seg.transform_geoms([sub], "EPSG:4490", GK)[0]
    assert back.coords[0][0] - X0 == pytest.approx(50, abs=0.01)
    assert back.coords[-1][0] - X0 == pytest.approx(150, abs=0.01)


def test_segment_workspace_writes_once_and_keeps_codes(workspace_path):
    from hezhang_plugin.data import io
    from hezhang_plugin.services import segmentation as svc_seg

    io.write_rows(workspace_path, "admin_units",
                  [dict(u, level="village", parent_code="411171100000") for u in three_villages()]
                  + [{"code": "411171100000", "name": "一镇", "level": "town",
                      "geom": _geo(box(0, 0, 3000, 1000), "EPSG:4490")}])
    io.write_rows(workspace_path, "rivers", [river("R1", "沙河", LineString([(100, 500), (2900, 500)]))])
    rep = svc_seg.segment_workspace(workspace_path, "village", 10.0, 50.0)
    assert len(rep["added"]) == 3
    rows = io.read_rows(workspace_path, "segments")
    assert sorted(r["seg_code"] for r in rows) == ["411171000001", "411171000002", "411171000003"]
    assert all(r["valid_to"] is None and r["length_km"] > 0.8 for r in rows)
    rep2 = svc_seg.segment_workspace(workspace_path, "village", 10.0, 50.0)
    assert len(rep2["unchanged"]) == 3 and rep2["added"] == []
    assert len(io.read_rows(workspace_path, "segments")) == 3
    town = svc_seg.segment_workspace(workspace_path, "town", 10.0, 50.0, today="2030-01-01")
    rows = io.read_rows(workspace_path, "segments")
    # the town's segment replaces the village ones; retired rows stay, with valid_to
    assert len(town["retired"]) == 3 and town["added"] == ["411171000004"] and len(rows) == 4
    # retired the day before the town's segment starts (issue 11), which starts on 2030-01-01
    assert sum(1 for r in rows if r["valid_to"] == "2029-12-31") == 3
    assert [r["valid_from"] for r in rows if r["seg_code"] == "411171000004"] == ["2030-01-01"]


def test_processing_algorithm(processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsFeature, QgsVectorLayer

    from hezhang_plugin.compat import make_field
    from hezhang_plugin.data.qgsio import shapely_to_qgs

    ul = QgsVectorLayer("MultiPolygon?crs=EPSG:4546", "units", "memory")
    ul.dataProvider().addAttributes([make_field("code", "text"), make_field("name", "text")])
    ul.updateFields()
    for u in three_villages(GK):
        f = QgsFeature(ul.fields())
        f["code"], f["name"] = u["code"], u["name"]
        f.setGeometry(shapely_to_qgs(u["geom"]))
        ul.dataProvider().addFeature(f)
    rl = QgsVectorLayer("LineString?crs=EPSG:4490", "rivers", "memory")
    rl.dataProvider().addAttributes([make_field("river_code", "text"), make_field("name", "text")])
    rl.updateFields()
    f = QgsFeature(rl.fields())
    f["river_code"], f["name"] = "R1", "沙河"
    f.setGeometry(shapely_to_qgs(_geo(LineString([(100, 500), (2900, 500)]), "EPSG:4490")))
    rl.dataProvider().addFeature(f)
    out = str(tmp_path / "segs.gpkg")
    res = processing.run("hezhang:segmentrivers", {
        "RIVERS": rl, "UNITS": ul, "UNIT_LEVEL": 0, "BOUNDARY_TOLERANCE": 10, "MIN_LENGTH": 50,
        "OUTPUT": out})
    layer = QgsVectorLayer(res["OUTPUT"], "out", "ogr")
    feats = list(layer.getFeatures())
    assert len(feats) == 3
    assert {f["name"] for f in feats} == {"沙河甲村段", "沙河乙村段", "沙河丙村段"}
    assert res["ADDED"] == 3 and res["SEGMENTS"] == 3
    assert layer.crs().authid() == "EPSG:4490"
    assert [f.name() for f in layer.fields() if f.name() != "fid"][:3] == ["seg_code", "river_code", "name"]


def test_length_statistics_single_bank_and_export(tmp_path):
    from openpyxl import load_workbook

    from hezhang_plugin.core import stats

    south = dict(unit("100001", "南村", box(0, 0, 3000, 1000)), level="village", parent_code="411171100000")
    north = dict(unit("101001", "北村", box(0, 1000, 3000, 2000)), level="village", parent_code="411171101000")
    line = LineString([(100, 1000), (2900, 1000), (2900, 1500)])  # along the boundary, then into 北村
    res = run([river("R1", "沙河", line)], [south, north])
    segs = res.segments
    assert {r["bank"] for r in segs} == {"left", "right", "both"}
    assignments = [{"seg_code": r["seg_code"], "chief_id": "C1", "valid_from": "2020-01-01"}
                   for r in segs if r["unit_code"].endswith("101001")]
    tables = stats.length_statistics(segs, [south, north], [{"river_code": "R1", "name": "沙河"}],
                                     [{"chief_id": "C1", "name": "张三", "level": "village", "role": "chief"}],
                                     assignments)
    river_len = geod_km(_geo(line, "EPSG:4490"), "EPSG:4490")
    r = tables["rivers"].rows[0]
    assert r["river_name"] == "沙河" and r["length_km"] == pytest.approx(river_len, rel=1e-3)
    assert r["left_km"] == pytest.approx(r["right_km"]) and r["left_km"] > 2.7
    units = {u["unit_code"]: u for u in tables["units"].rows}
    assert units["411171100001"]["length_km"] == pytest.approx(1.4, abs=0.015)  # half of the shared 2.8 km
    assert units["411171101001"]["length_km"] == pytest.approx(1.9, abs=0.015)
    assert [t["town_code"] for t in tables["towns"].rows] == ["411171100000", "411171101000"]
    assert tables["chiefs"].rows[0]["length_km"] == pytest.approx(units["411171101001"]["length_km"])
    files = stats.export_csv(tables, str(tmp_path / "len.csv"))
    assert len(files) == 4
    text = pathlib.Path(files[0]).read_text(encoding="utf-8-sig")
    assert text.startswith("河流编码,河流名称") and "沙河" in text
    stats.export_xlsx(tables, str(tmp_path / "len.xlsx"))
    wb = load_workbook(tmp_path / "len.xlsx")
    assert wb.sheetnames == ["河流", "区划", "镇街", "河长"]
    assert wb["河流"]["B2"].value == "沙河"


def test_bank_ends_are_exact_at_a_boundary_junction():
    units = [unit("100001", "甲村", box(0, 0, 1500, 1000), GK),
             unit("100002", "乙村", box(1500, 0, 3000, 1000), GK),
             unit("100003", "丙村", box(0, 1000, 3000, 2000), GK)]
    line = LineString([(100, 1002), (2900, 1002)])  # 2 m north of the 甲|丙 and 乙|丙 boundary
    res = run([river("R1", "沙河", line, GK)], units, GK)
    segs = by_unit(res)
    assert set(segs) == {("003", "left"), ("001", "right"), ("002", "right")}
    end_x = shapely.get_coordinates(segs[("001", "right")]["geom"])[-1, 0] - X0
    start_x = shapely.get_coordinates(segs[("002", "right")]["geom"])[0, 0] - X0
    # the junction of the three villages projects onto the river at x = 1500 exactly
    assert end_x == pytest.approx(1500.0, abs=1e-6) and start_x == pytest.approx(1500.0, abs=1e-6)
    assert segs[("001", "right")]["end_name"] == "乙村界"
    # the left bank (丙村) is one segment per stretch with a different unit opposite
    left = [r for r in res.segments if r["bank"] == "left"]
    assert [r["name"] for r in left] == ["沙河丙村1段（左岸）", "沙河丙村2段（左岸）"]
    assert sum(r["length_km"] for r in left) == pytest.approx(2.8, rel=1e-3)


def test_edge_lengths_agree_with_pyproj_geodesic():
    import numpy as np
    from pyproj import Geod

    rng = np.random.default_rng(3)
    lon = 73.0 + np.cumsum(rng.uniform(-0.05, 0.05, 400)) + 40.0
    lat = 30.0 + np.cumsum(rng.uniform(-0.05, 0.05, 400))
    ours = seg.edge_lengths_m(lon, lat)
    _, _, ref = Geod(ellps="GRS80").inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    assert ours == pytest.approx(np.asarray(ref), rel=1e-7)
    # short edges (the short-line formula) too
    short = seg.edge_lengths_m(lon[:50] * 0 + 114.0 + np.arange(50) * 1e-3, lat[:50] * 0 + 34.0)
    _, _, ref2 = Geod(ellps="GRS80").inv(np.full(49, 114.0) + np.arange(49) * 1e-3, np.full(49, 34.0),
                                         np.full(49, 114.0) + np.arange(1, 50) * 1e-3, np.full(49, 34.0))
    assert short == pytest.approx(np.asarray(ref2), rel=1e-8)
