"""Every public Processing parameter used with a non-default value at least once (a test of
the test suite below checks that nothing is left out), each run asserting what the value
changes: lengths hand-computed in a metric CRS, NDWI from the band values written, coverage
of a track from its geometry."""

from __future__ import annotations

import ast
import glob
import math
import os
import re

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, box

from test import cov_fixtures as CF
from test import layout_fixture as fx
from test import patrol_fixtures as PF

HERE = os.path.dirname(os.path.abspath(__file__))
GK = "EPSG:4546"  # CGCS2000 3° GK, CM 114°E (metres)
X0, Y0 = 500000.0, 3760000.0
TO_GEO = Transformer.from_crs(GK, "EPSG:4490", always_xy=True)


# ------------------------------------------------------------------ the suite covers every parameter


def _pairs_of(expr, named: dict) -> list:
    """(parameter, value node) of a parameters expression: a dict literal, a name bound to one
    (params = {…}; run(alg, params)) or dict(base, KEY=…)."""
    if isinstance(expr, ast.Name) and expr.id in named:
        return _pairs_of(named[expr.id], named)
    if isinstance(expr, ast.Call) and getattr(expr.func, "id", "") == "dict":
        return [p for a in expr.args for p in _pairs_of(a, named)] + [(k.arg, k.value) for k in expr.keywords
                                                                       if k.arg]
    if isinstance(expr, ast.Dict):
        return [(k.value, v) for k, v in zip(expr.keys, expr.values) if isinstance(k, ast.Constant)]
    return []


def _literal_runs():
    """{algorithm id: {parameter: [values given]}} of every processing.run("hezhang:…", {…})
    in the test files (non-literal values as their source text)."""
    used: dict = {}
    for path in glob.glob(os.path.join(HERE, "**", "test_*.py"), recursive=True):
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read())
        named = {t.id: node.value for node in ast.walk(tree) if isinstance(node, ast.Assign)
                 and isinstance(node.value, ast.Dict) for t in node.targets if isinstance(t, ast.Name)}

        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "run" and len(node.args) > 1):
                continue
            alg, params = node.args[0], node.args[1]
            if not (isinstance(alg, ast.Constant) and str(alg.value).startswith("hezhang:")):
                continue
            pairs = _pairs_of(params, named)
            for key, value in pairs:
                val = value.value if isinstance(value, ast.Constant) else ast.unparse(value)
                used.setdefault(alg.value, {}).setdefault(key, []).append(val)
    return used


def _differs(value, default) -> bool:
    if isinstance(value, str) and not isinstance(default, str):
        return True  # an expression: a layer, a path, a variable
    if isinstance(default, (int, float)) and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) != float(default)
    return value != default


def test_every_parameter_is_used_with_a_non_default_value(processing_ready):
    used = _literal_runs()
    missing = []
    for alg in processing_ready.providerById("hezhang").algorithms():
        for p in alg.parameterDefinitions():
            if p.isDestination():
                continue
            values = used.get(alg.id(), {}).get(p.name(), [])
            if not any(_differs(v, p.defaultValue()) for v in values):
                missing.append(f"{alg.id()} {p.name()} (default {p.defaultValue()!r}, used {values[:3]})")
    assert missing == []


# ------------------------------------------------------------------ checkcoverage: layers and TOLERANCE


def _layers(path, *names):
    from qgis.core import QgsVectorLayer

    return {n: QgsVectorLayer(f"{path}|layername={n}", n, "ogr") for n in names}


def test_checkcoverage_on_layers_with_a_tolerance(workspace_path, processing_ready):
    """A 0.0003° (27.7 m at 34°N) gap between the two segments: a gap on each bank under the
    default 5 m tolerance, none under 50 m; one board missing: R5."""
    from qgis import processing

    segs = CF.segments()
    segs[1]["geom"] = CF.line(CF.X1 + 0.0003, CF.X2)
    CF.fill(workspace_path, segments=segs, notice_boards=CF.boards()[:1])
    lay = _layers(workspace_path, "segments", "chiefs", "assignments", "admin_units", "rivers", "notice_boards")
    params = {"SEGMENTS": lay["segments"], "CHIEFS": lay["chiefs"], "ASSIGNMENTS": lay["assignments"],
              "UNITS": lay["admin_units"], "RIVERS": lay["rivers"], "NOTICE_BOARDS": lay["notice_boards"],
              "DATE": "2024-06-01", "OUTPUT": "memory:"}
    strict = processing.run("hezhang:checkcoverage", params)
    gaps = [f["message"] for f in strict["OUTPUT"].getFeatures() if f["rule"] == "R3"]
    assert sorted(m.split(":")[0] for m in gaps) == ["River R1 (沙河), left", "River R1 (沙河), right"]
    km = 0.0003 * math.pi / 180 * 6378137 * math.cos(math.radians(CF.Y)) / 1000  # ≈ 0.0277 km
    assert all(abs(float(m.split(": ")[1].split(" km")[0]) - km) < 0.0005 for m in gaps)
    loose = processing.run("hezhang:checkcoverage", {
        "SEGMENTS": lay["segments"], "CHIEFS": lay["chiefs"], "ASSIGNMENTS": lay["assignments"],
        "UNITS": lay["admin_units"], "RIVERS": lay["rivers"], "NOTICE_BOARDS": lay["notice_boards"],
        "DATE": "2024-06-01", "TOLERANCE": 50.0, "OUTPUT": "memory:"})
    assert [(f["rule"], f["seg_code"]) for f in loose["OUTPUT"].getFeatures()] == [("R5", "411171000002")]
    assert loose["FINDINGS"] == 1 and strict["FINDINGS"] == 3


# ------------------------------------------------------------------ exportmaps ONE_FILE_PER_PAGE


def test_exportmaps_one_file_per_page(processing_ready, tmp_path_factory):
    import subprocess

    from qgis import processing
    from qgis.core import QgsProject

    ws = fx.filled_copy(tmp_path_factory, "per_page")
    out = tmp_path_factory.mktemp("per_page_out")
    QgsProject.instance().clear()
    res = processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [2], "FORMAT": 0, "DPI": 50,
                                                "ONE_FILE_PER_PAGE": True, "OUTPUT_FOLDER": str(out)})
    names = sorted(os.path.basename(f) for f in res["FILES"])
    assert names == [f"board_{c}.pdf" for c in sorted(fx.SEGMENTS)]
    for f in res["FILES"]:
        info = subprocess.run(["pdfinfo", f], capture_output=True, text=True, check=True).stdout
        assert re.search(r"^Pages:\s+1$", info, re.M)
        text = subprocess.run(["pdftotext", f, "-"], capture_output=True, text=True, check=True).stdout
        assert os.path.basename(f)[6:18] in text  # its own segment code


# ------------------------------------------------------------------ importroster MODE and VALID_ROWS_ONLY


HEADER = "姓名,级别,职务,河长类型,行政区划代码,联系电话,河段编码,任职日期"


def _csv(path, lines):
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return str(path)


def test_importroster_replace_and_valid_rows_only(workspace_path, tmp_path, processing_ready):
    """The file in replace mode is the whole roster: chiefs it does not list are deactivated
    and their appointments end the day before the import date; a bad row is left out with
    VALID_ROWS_ONLY and counted."""
    from qgis import processing

    from hezhang_plugin.data.io import read_rows

    CF.fill(workspace_path)
    roster = _csv(tmp_path / "r.csv", [
        f"王区长,区级,区长,河长,{CF.DISTRICT},13800000001,411171000001,2020-01-01",
        f"王区长,区级,区长,河长,{CF.DISTRICT},13800000001,411171000002,2020-01-01",
        f"赵镇长,镇级,镇长,河长,{CF.TOWN},13800000002,411171000001,2020-01-01",
        f"赵镇长,镇级,镇长,河长,{CF.TOWN},13800000002,411171000002,2020-01-01",
        f"周书记,村级,村党支部书记,河长,{CF.V1},13800000003,411171000001,2020-01-01",
        f"坏行,村级,村党支部书记,河长,{CF.V2},99,411171000002,2024-01-01",
    ])
    res = processing.run("hezhang:importroster", {"WORKSPACE": workspace_path, "INPUT": roster, "MODE": 1,
                                                  "VALID_ROWS_ONLY": True})
    assert (res["REJECTED"], res["CHIEFS_ADDED"], res["ASSIGNMENTS_ADDED"]) == (1, 0, 0)
    active = {c["chief_id"]: c["active"] for c in read_rows(workspace_path, "chiefs")}
    assert active == {"CD1": True, "CT1": True, "CV1": True, "CV2": False}  # 李书记 not listed
    ended = {(a["seg_code"], a["chief_id"]): a["valid_to"] for a in read_rows(workspace_path, "assignments")}
    today = __import__("datetime").date.today()
    assert ended[("411171000002", "CV2")] == (today - __import__("datetime").timedelta(days=1)).isoformat()
    assert [k for k, v in ended.items() if v] == [("411171000002", "CV2")]


# ------------------------------------------------------------------ segmentrivers: town level, tolerance,
#                                                                     minimum length, district code, EXISTING


def _memory_layer(geom_type, crs, fields, rows):
    from qgis.core import QgsFeature, QgsField, QgsVectorLayer
    from qgis.PyQt.QtCore import QVariant

    from hezhang_plugin.data.qgsio import shapely_to_qgs

    layer = QgsVectorLayer(f"{geom_type}?crs={crs}", "layer", "memory")
    layer.dataProvider().addAttributes([QgsField(f, QVariant.String) for f in fields])
    layer.updateFields()
    feats = []
    for row in rows:
        f = QgsFeature(layer.fields())
        for name in fields:
            f[name] = row[name]
        f.setGeometry(shapely_to_qgs(row["geom"]))
        feats.append(f)
    layer.dataProvider().addFeatures(feats)
    return layer


def _geo(g):
    return shapely.ops.transform(TO_GEO.transform, shapely.affinity.translate(g, X0, Y0))


def _town_level_inputs():
    """Towns T1 (x 0–1000 m), T2 (1000–3000) and T3 (3000–3150), two villages inside T1 (split at
    x = 500, ignored at town level); R1 runs east from x = 100 to 3100 along y = 500 (150 m of it
    in T3: 100 m, under a 200 m minimum); R2 runs north 5 m east of the T1/T2 boundary."""
    import shapely.ops  # noqa: F401  (shapely.ops.transform in _geo)

    units = [{"code": "411171100000", "name": "甲镇", "level": "town", "geom": box(0, 0, 1000, 1000)},
             {"code": "411171101000", "name": "乙镇", "level": "town", "geom": box(1000, 0, 3000, 1000)},
             {"code": "411171102000", "name": "丙镇", "level": "town", "geom": box(3000, 0, 3150, 1000)},
             {"code": "411171100001", "name": "东村", "level": "village", "geom": box(0, 0, 500, 1000)},
             {"code": "411171100002", "name": "西村", "level": "village", "geom": box(500, 0, 1000, 1000)}]
    rivers = [{"river_code": "R1", "name": "沙河", "geom": LineString([(100, 500), (3100, 500)])},
              {"river_code": "R2", "name": "界沟", "geom": LineString([(1005, 100), (1005, 900)])}]
    ul = _memory_layer("MultiPolygon", GK, ["code", "name", "level"],
                       [dict(u, geom=shapely.affinity.translate(u["geom"], X0, Y0)) for u in units])
    rl = _memory_layer("LineString", "EPSG:4490", ["river_code", "name"], [dict(r, geom=_geo(r["geom"]))
                                                                            for r in rivers])
    return rl, ul


def test_segmentrivers_town_level_tolerance_min_length_and_district_code(processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsVectorLayer

    rl, ul = _town_level_inputs()
    out = str(tmp_path / "segs.gpkg")
    res = processing.run("hezhang:segmentrivers", {"RIVERS": rl, "UNITS": ul, "UNIT_LEVEL": 1,
                                                   "BOUNDARY_TOLERANCE": 2.0, "MIN_LENGTH": 200.0,
                                                   "DISTRICT_CODE": "411103", "OUTPUT": out})
    layer = QgsVectorLayer(out, "segs", "ogr")
    got = sorted((f["river_code"], f["unit_code"], f["bank"], round(f["length_km"], 3), f["seg_code"][:6])
                 for f in layer.getFeatures())
    # R1: 900 m in 甲镇; 2000 m in 乙镇 + the 100 m in 丙镇 (under 200 m) joined to it.
    # R2: 5 m from the boundary is more than a 2 m tolerance: one both-bank segment in 乙镇.
    assert got == [("R1", "411171100000", "both", 0.9, "411103"), ("R1", "411171101000", "both", 2.1, "411103"),
                   ("R2", "411171101000", "both", 0.8, "411103")]
    assert (res["SEGMENTS"], res["ADDED"], res["SINGLE_BANK"]) == (3, 3, 0)


def test_segmentrivers_existing_segments_in_another_crs(processing_ready, tmp_path):
    """EXISTING in EPSG:4546 (metres) while the rivers are in EPSG:4490: a rerun on the same
    inputs finds every segment unchanged (compared in one CRS, not degrees against metres)."""
    from qgis import processing

    rl, ul = _town_level_inputs()
    first = str(tmp_path / "first.gpkg")
    processing.run("hezhang:segmentrivers", {"RIVERS": rl, "UNITS": ul, "UNIT_LEVEL": 1, "BOUNDARY_TOLERANCE": 2.0,
                                             "MIN_LENGTH": 200.0, "OUTPUT": first})
    metric = processing.run("native:reprojectlayer", {"INPUT": first, "TARGET_CRS": GK, "OUTPUT": "memory:"})["OUTPUT"]
    assert metric.crs().authid() == GK and metric.featureCount() == 3
    again = processing.run("hezhang:segmentrivers", {"RIVERS": rl, "UNITS": ul, "UNIT_LEVEL": 1,
                                                     "BOUNDARY_TOLERANCE": 2.0, "MIN_LENGTH": 200.0,
                                                     "EXISTING": metric, "OUTPUT": "memory:"})
    assert (again["UNCHANGED"], again["ADDED"], again["CHANGED"], again["RETIRED"]) == (3, 0, 0, 0)


# ------------------------------------------------------------------ waterchange: bands, threshold, minimum area


def _scene(path, water, damp=None):
    """A 4-band scene in NIR, red, green, blue order (so GREEN_BAND 3 and NIR_BAND 1): water
    NDWI (100 − 20) / 120 = 0.667, land (60 − 160) / 220 = −0.455, damp ground (60 − 49) / 109
    = 0.101."""
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(str(path), 100, 100, 4, gdal.GDT_UInt16)
    ds.SetGeoTransform((500000.0, 10.0, 0, 3800000.0, 0, -10.0))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)
    ds.SetProjection(srs.ExportToWkt())
    values = {"nir": (20, 160, 49), "red": (50, 70, 70), "green": (100, 60, 60), "blue": (80, 40, 40)}
    for band, name in enumerate(("nir", "red", "green", "blue"), start=1):
        wet, dry, damp_v = values[name]
        arr = np.where(water, wet, dry)
        if damp is not None:
            arr = np.where(damp, damp_v, arr)
        ds.GetRasterBand(band).WriteArray(arr.astype("uint16"))
    ds = None
    return str(path)


def _segment_layer():
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    t = Transformer.from_crs(GK, "EPSG:4490", always_xy=True)
    layer = QgsVectorLayer("MultiLineString?crs=EPSG:4490&field=seg_code:string(12)", "segments", "memory")
    f = QgsFeature(layer.fields())
    f.setAttributes(["411171000001"])
    f.setGeometry(QgsGeometry.fromMultiPolylineXY([[QgsPointXY(*t.transform(500500.0, 3800000.0 - d))
                                                    for d in (0.0, 500.0, 1000.0)]]))
    layer.dataProvider().addFeatures([f])
    return layer


def test_waterchange_bands_threshold_and_minimum_area(processing_ready, tmp_path):
    """The channel (columns 40–60) loses 20 rows (200 × 200 m = 40 000 m²) and a pond of
    100 × 100 m (10 000 m²) appears; a 160 × 160 m damp patch (NDWI 0.10) appears too. With
    THRESHOLD 0.2 the damp patch is not water; MIN_AREA 20 000 m² drops the pond."""
    from qgis import processing

    before = np.zeros((100, 100), bool)
    before[:, 40:60] = True
    after = before.copy()
    after[30:50, 40:60] = False
    after[70:80, 62:72] = True
    damp = np.zeros((100, 100), bool)
    damp[82:98, 62:78] = True
    b = _scene(tmp_path / "before.tif", before)
    a = _scene(tmp_path / "after.tif", after, damp)
    common = {"BEFORE": b, "AFTER": a, "GREEN_BAND": 3, "NIR_BAND": 1, "SEGMENTS": _segment_layer(),
              "BUFFER": 300.0, "OUTPUT": "memory:"}
    strict = processing.run("hezhang:waterchange", dict(common, THRESHOLD=0.2, MIN_AREA=20000.0))
    got = sorted((f["change"], round(f["area_m2"], -3)) for f in strict["OUTPUT"].getFeatures())
    assert got == [("water_lost", 40000.0)]
    loose = processing.run("hezhang:waterchange", dict(common, THRESHOLD=0.0, MIN_AREA=20000.0))
    got = sorted((f["change"], round(f["area_m2"], -3)) for f in loose["OUTPUT"].getFeatures())
    assert got == [("water_gained", 26000.0), ("water_lost", 40000.0)]  # the damp patch, 25 600 m²


# ------------------------------------------------------------------ importpatrols: CHIEF, COORDINATES,
#                                                                     BUFFER, VALID_FILES_ONLY


def test_importpatrols_chief_coordinates_buffer_and_valid_files_only(workspace_path, tmp_path, processing_ready):
    """A GCJ-02 track of S2 (100–800 m, 15 m south of the line) named after nobody, given to
    李书记 (CHIEF), read as GCJ-02 (COORDINATES 2), matched within 30 m (BUFFER): its stations
    within 30 m cover (700 + 2·√(30² − 15²)) m of the 1 km segment; a file without times is
    left out (VALID_FILES_ONLY), and so is a UTF-16 file, named."""
    from qgis import processing

    from hezhang_plugin.core import gcj02
    from hezhang_plugin.data.patrols_store import read_table

    PF.fill(workspace_path)
    folder = tmp_path / "tracks"
    folder.mkdir()
    lon, lat, t = PF.walk(PF.S2, 100.0, 800.0, offset_m=-15.0)
    glon, glat = gcj02.wgs84_to_gcj02(lon, lat)
    PF.write_csv(folder / "track.csv", ["lng", "lat", "time"],
                 [(f"{x:.8f}", f"{y:.8f}", PF.beijing_text(ti)) for x, y, ti in zip(glon, glat, t)])
    PF.write_csv(folder / "bad.csv", ["lon", "lat"], [("113.95", "33.6")])
    # Excel's "Unicode text" (UTF-16): refused as one file, not the end of the import
    (folder / "unicode.csv").write_bytes("lon,lat,time\n113.95,33.6,2024-06-03 08:00\n".encode("utf-16"))
    res = processing.run("hezhang:importpatrols", {"WORKSPACE": workspace_path, "INPUT": [str(folder)],
                                                   "CHIEF": "李书记", "COORDINATES": 2, "BUFFER": 30.0,
                                                   "VALID_FILES_ONLY": True,
                                                   "OUTPUT_REPORT": str(tmp_path / "report.csv")})
    assert (res["PATROLS_ADDED"], res["REJECTED"], res["DUPLICATES"]) == (1, 2, 0)
    report = (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert "unicode.csv: the file is neither UTF-8 nor GBK/GB18030 text" in report
    p = read_table(workspace_path, "patrols")[0]
    assert (p["chief_id"], p["coords_found"], p["buffer_m"]) == ("CV2", "gcj02", 30.0)
    row = next(r for r in read_table(workspace_path, "patrol_segments") if r["seg_code"] == PF.S2)
    assert row["coverage"] == pytest.approx((700 + 2 * math.sqrt(30**2 - 15**2)) / 1000, rel=0.01)


# ------------------------------------------------------------------ assess SHEET


def test_assess_the_chiefs_sheet(workspace_path, processing_ready, tmp_path):
    """SHEET CHIEF-M: the town and village lead chiefs appointed in April 2024 are assessed,
    one result and one printed sheet each after the ranking page: TA, TB, VA, VB, VB2 (not
    the district's D)."""
    import subprocess

    from qgis import processing

    from hezhang_plugin.data import io
    from hezhang_plugin.services import assessment as sa
    from test import problem_fixtures as PR

    with io.transaction(workspace_path) as ds:
        for layer, rows in (("admin_units", PR.UNITS), ("segments", PR.SEGMENTS), ("chiefs", PR.CHIEFS),
                            ("assignments", PR.ASSIGNMENTS), ("notice_boards", PR.BOARDS),
                            ("problems", PR.PROBLEMS), ("problem_events", PR.EVENTS)):
            io.write_to(ds, layer, rows)
    out = str(tmp_path / "chiefs.pdf")
    res = processing.run("hezhang:assess", {"WORKSPACE": workspace_path, "SHEET": "CHIEF-M", "PERIOD": "2024-04",
                                            "OUTPUT": out})
    assert res["SUBJECTS"] == 5
    totals = {r["subject_code"] for r in sa.stored_results(workspace_path, "CHIEF-M", "2024-04")
              if r["item_code"] == "TOTAL"}
    assert totals == {"TA", "TB", "VA", "VB", "VB2"}
    assert sa.stored_results(workspace_path, "TOWN-M", "2024-04") == []
    pages = subprocess.run(["pdfinfo", out], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+6$", pages, re.M)  # the ranking, then one sheet per chief
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True, check=True).stdout
    for name in ("镇河长甲", "乡河长乙", "村河长甲", "村河长乙", "村河长丙"):
        assert name in text
    assert "区河长" not in text


def test_checkcoverage_with_segments_in_another_crs_than_rivers_and_units(workspace_path, processing_ready):
    """The segments of a district with a 27.7 m gap reprojected to EPSG:4546 (metres) while
    rivers, units and boards stay in EPSG:4490: the findings are those of the same layers all
    in one CRS — the gap on each bank, its length, the missing board — and the same km."""
    from qgis import processing

    segs = CF.segments()
    segs[1]["geom"] = CF.line(CF.X1 + 0.0003, CF.X2)
    CF.fill(workspace_path, segments=segs, notice_boards=CF.boards()[:1])
    lay = _layers(workspace_path, "segments", "chiefs", "assignments", "admin_units", "rivers", "notice_boards")
    metric = processing.run("native:reprojectlayer", {"INPUT": lay["segments"], "TARGET_CRS": GK,
                                                      "OUTPUT": "memory:"})["OUTPUT"]
    assert metric.crs().authid() == GK and lay["rivers"].crs().authid() == "EPSG:4490"
    answers = []
    for segments in (lay["segments"], metric):
        res = processing.run("hezhang:checkcoverage", {
            "SEGMENTS": segments, "CHIEFS": lay["chiefs"], "ASSIGNMENTS": lay["assignments"],
            "UNITS": lay["admin_units"], "RIVERS": lay["rivers"], "NOTICE_BOARDS": lay["notice_boards"],
            "DATE": "2024-06-01", "OUTPUT": "memory:"})
        answers.append((sorted((f["rule"], f["seg_code"] or "", f["message"]) for f in res["OUTPUT"].getFeatures()),
                        res["SUMMARY"]))
    km = 0.0003 * math.pi / 180 * 6378137 * math.cos(math.radians(CF.Y)) / 1000
    assert [(r, m.split(":")[0]) for r, _s, m in answers[0][0]] == [
        ("R3", "River R1 (沙河), left"), ("R3", "River R1 (沙河), right"), ("R5", "Segment 411171000002 (沙河李庄村段) has no notice board")]
    assert all(abs(float(m.split(": ")[1].split(" km")[0]) - km) < 0.0005 for r, _s, m in answers[0][0] if r == "R3")
    assert answers[1] == answers[0]


# ------------------------------------------------------------------ adduser ROLE and FULL_NAME


def test_adduser_a_viewer_with_a_full_name(pg_workspace, processing_ready):
    """ROLE 0 is the viewer: a login in the viewer group only, with no area, its name kept."""
    import psycopg2
    from qgis import processing

    server, uri, _dbname = pg_workspace
    res = processing.run("hezhang:adduser", {"WORKSPACE": uri, "LOGIN": "qian", "ROLE": 0, "FULL_NAME": "钱主任"})
    assert res["LOGIN"] == "qian"
    con = psycopg2.connect(server.conninfo(_dbname))
    try:
        with con.cursor() as cur:
            cur.execute("SELECT pg_has_role('qian', 'hezhang_viewer', 'MEMBER'), "
                        "pg_has_role('qian', 'hezhang_town_editor', 'MEMBER'), "
                        "(SELECT (role, unit_prefix, full_name) FROM hz_sys.users WHERE login = 'qian')")
            assert cur.fetchone() == (True, False, "(viewer,,钱主任)")
    finally:
        con.close()
