"""Issue 10, cases 1–5 and 7: files as districts send them, through the algorithms a user runs.

Each test builds its input with :mod:`test.realworld.corpus` (plain GDAL/OGR, as other
programs write them) and asserts the right value given there: segment names, ends and
lengths (checked against pyproj.Geod), the note or the refusal the user reads.
"""

from __future__ import annotations

import os

import pytest

from test.realworld import corpus


class Feedback:
    """A QgsProcessingFeedback that keeps every message."""

    def __new__(cls):
        from qgis.core import QgsProcessingFeedback

        class _Recording(QgsProcessingFeedback):
            def __init__(self):
                super().__init__()
                self.lines = []

            def pushInfo(self, text):
                self.lines.append(("info", text))

            def pushWarning(self, text):
                self.lines.append(("warning", text))

            def reportError(self, text, fatal=False):
                self.lines.append(("error", text))

            def text(self):
                return "\n".join(t for _, t in self.lines)

        return _Recording()


def _layer(path, name=None):
    from qgis.core import QgsVectorLayer

    uri = f"{path}|layername={name}" if name else path
    layer = QgsVectorLayer(uri, name or os.path.splitext(os.path.basename(path))[0], "ogr")
    assert layer.isValid(), uri
    return layer


def _segment(rivers, units, feedback=None, output="memory:", **kw):
    from qgis import processing

    params = {"RIVERS": rivers, "UNITS": units, "UNIT_LEVEL": 0, "BOUNDARY_TOLERANCE": 10.0,
              "MIN_LENGTH": 50.0, "DISTRICT_CODE": "411171", "OUTPUT": output}
    params.update(kw)
    res = processing.run("hezhang:segmentrivers", params, feedback=feedback or Feedback())
    out = res["OUTPUT"]
    layer = out if not isinstance(out, str) else _layer(out)
    return res, sorted(layer.getFeatures(), key=lambda f: f["name"])


def _geod_km(feature, epsg=corpus.GK):
    """Ellipsoidal (GRS80 = CGCS2000) length of a feature's geometry, via pyproj."""
    import shapely
    from pyproj import Geod, Transformer

    g = shapely.from_wkb(bytes(feature.geometry().asWkb()))
    if epsg != 4490:
        t = Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4490", always_xy=True)
        g = shapely.transform(g, lambda xy: __import__("numpy").column_stack(t.transform(xy[:, 0], xy[:, 1])))
    return Geod(ellps="GRS80").geometry_length(g) / 1000.0


# ------------------------------------------------------------------ 1. topology noise


@pytest.mark.parametrize("variant", sorted(corpus.GAP_CASES))
def test_gaps_and_overlaps_below_tolerance_are_not_boundaries(processing_ready, tmp_path, variant):
    case = corpus.case_gap(str(tmp_path), variant)
    fb = Feedback()
    res, feats = _segment(_layer(case["path"], "rivers"), _layer(case["path"], "villages"), fb)
    got = [(f["name"], f["start_name"], f["end_name"]) for f in feats]
    want = sorted(case["segments"])
    assert got == [(n, s, e) for n, s, e, _ in want]
    for f, (*_, km) in zip(feats, want):
        assert f["length_km"] == pytest.approx(km, abs=2e-6)
        assert f["length_km"] == pytest.approx(_geod_km(f), rel=1e-6)
    assert sum(f["length_km"] for f in feats) == pytest.approx(sum(k for *_, k in want), abs=2e-6)
    assert "区界" not in {f["start_name"] for f in feats} | {f["end_name"] for f in feats}
    # the user hears about the sloppy boundaries
    assert "gaps or overlaps" in fb.text()


def test_gap_case_from_the_issue_gives_1_800_km(processing_ready, tmp_path):
    case = corpus.case_gap(str(tmp_path), "gap")
    res, feats = _segment(_layer(case["path"], "rivers"), _layer(case["path"], "villages"))
    assert [(f["name"], f["start_name"], f["end_name"]) for f in feats] == [
        ("沙河乙村段", "甲村界", "河口"), ("沙河甲村段", "源头", "乙村界")]
    assert round(sum(f["length_km"] for f in feats), 3) == 1.800
    assert res["SEGMENTS"] == 2


# ------------------------------------------------------------------ 2. river direction


def test_multipart_river_with_a_reversed_part(processing_ready, tmp_path):
    case = corpus.case_direction(str(tmp_path))
    fb = Feedback()
    res, feats = _segment(_layer(case["path"], "rivers"), _layer(case["path"], "villages"), fb)
    got = {(f["name"], f["bank"], f["start_name"], f["end_name"]): f for f in feats}
    assert set(got) == {("沙河乙村段（左岸）", "left", "源头", "河口"), ("沙河甲村段（右岸）", "right", "源头", "河口")}
    for f in feats:
        assert round(f["length_km"], 3) == 2.805
        assert f["length_km"] == pytest.approx(case["km"], rel=1e-6)
        assert f["length_km"] == pytest.approx(_geod_km(f), rel=1e-6)
    assert res["SINGLE_BANK"] == 2
    warnings = [t for kind, t in fb.lines if kind == "warning"]
    assert any("沙河" in t and "reversed" in t and "2" in t for t in warnings), warnings


def test_tributary_digitised_from_its_mouth_is_reversed(processing_ready, tmp_path):
    case = corpus.case_tributary(str(tmp_path))
    fb = Feedback()
    res, feats = _segment(_layer(case["path"], "rivers"), _layer(case["path"], "villages"), fb)
    xiao = {f["name"]: (f["start_name"], f["end_name"], round(f["length_km"], 3))
            for f in feats if f["river_code"] == "XH"}
    # flows from its source in 乙村 (1500, 100) to its mouth on 大河 in 甲村 (500, 1900)
    assert xiao == {"小河乙村段": ("源头", "甲村界", 1.4), "小河甲村段": ("乙村界", "河口", 1.4)}
    text = fb.text()
    assert "小河 (XH) was digitised from mouth to source" in text and "大河" not in text.split("小河 (XH)")[0][-5:]
    assert "清河 (QH): its parent river WH is not among the rivers" in text


def test_notes_and_refusals_follow_the_ui_language(processing_ready, tmp_path):
    """In a Chinese QGIS the note and the refusal are Chinese (one bilingual table)."""
    from qgis import processing
    from qgis.core import QgsSettings

    settings = QgsSettings()
    before = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    try:
        case = corpus.case_direction(str(tmp_path))
        fb = Feedback()
        _segment(f"{case['path']}|layername=rivers", f"{case['path']}|layername=villages", fb)
        assert "沙河（SH）：第2部分的数字化方向与其余部分的水流方向相反，已反转。" in fb.text()
        no_prj = corpus.case_no_prj(str(tmp_path))["path"]
        msg = _refusal(lambda: processing.run("hezhang:gcj02convert", {"INPUT": no_prj, "DIRECTION": 1,
                                                                         "OUTPUT": "memory:"}))
        assert "INPUT（图层“rivers_no_prj”）没有坐标参考系，请先设置" in msg
    finally:
        settings.setValue("locale/overrideFlag", before[0] if before[0] is not None else False)
        settings.setValue("locale/userLocale", before[1] if before[1] is not None else "")


def test_river_direction_in_core_keeps_the_river_when_it_flows_right():
    """The parent-river check leaves a tributary that ends on its parent alone."""
    from shapely.geometry import LineString, box

    from hezhang_plugin.core import segmentation as seg

    units = [{"code": "411171100001", "name": "甲村", "geom": box(0, 0, 2000, 2000)}]
    rivers = [{"river_code": "DH", "name": "大河", "geom": LineString([(0, 1900), (2000, 1900)])},
              {"river_code": "XH", "name": "小河", "parent_river_code": "DH",
               "geom": LineString([(500, 100), (500, 1900)])}]
    res = seg.segment_rivers(rivers, units, rivers_crs="EPSG:4547", district_code="411171")
    assert res.report["notes"] == []
    xh = [r for r in res.segments if r["river_code"] == "XH"][0]
    assert (xh["start_name"], xh["end_name"]) == ("源头", "河口")


# ------------------------------------------------------------------ 3. curves


def test_curved_rivers_and_units_are_linearised_and_cut(processing_ready, tmp_path):
    case = corpus.case_curves(str(tmp_path))
    rivers, villages = _layer(case["path"], "rivers"), _layer(case["path"], "villages")
    from qgis.core import QgsWkbTypes

    assert QgsWkbTypes.isCurvedType(rivers.wkbType()) and QgsWkbTypes.isCurvedType(villages.wkbType())
    fb = Feedback()
    res, feats = _segment(rivers, villages, fb)
    km = {f["name"]: f["length_km"] for f in feats}
    assert set(km) == {"沙河甲村段", "沙河乙村段"}
    # a quarter circle of radius 1 km is π/2 km; linearised within 0.1 m the chords are shorter
    # by less than 1e-4 relative
    assert km["沙河甲村段"] == pytest.approx(case["jia_km"], rel=1e-4)
    assert km["沙河乙村段"] == pytest.approx(case["yi_km"], rel=1e-4)
    warnings = [t for kind, t in fb.lines if kind == "warning"]
    assert any("RIVERS" in t and "curved" in t and "0.1 m" in t for t in warnings), warnings
    assert any("UNITS" in t and "curved" in t for t in warnings), warnings


# ------------------------------------------------------------------ 4. CRS sanity


def _refusal(run):
    """The message of the QgsProcessingException ``run()`` raises.

    A refusal raised inside a Python ``processAlgorithm`` crosses SIP, which never releases
    that exception's traceback: whatever the frames hold stays alive, and a layer object still
    alive when the test process shuts QGIS down crashes the interpreter at exit. Tests of such
    refusals therefore give their layers by path (the Processing context owns them) and keep
    no layer object in their own frame (which stays alive with the leaked one). The frames of
    the exception caught here are cleared for the same reason.
    """
    from qgis.core import QgsProcessingException

    try:
        run()
    except QgsProcessingException as exc:
        message = str(exc)
        tb = exc.__traceback__.tb_next  # this frame is still running
        while tb is not None:
            tb.tb_frame.clear()
            tb = tb.tb_next
        return message
    pytest.fail("the input was not refused")


def test_rivers_without_a_prj_are_refused(processing_ready, tmp_path):
    case = corpus.case_no_prj(str(tmp_path))
    rivers = _layer(case["path"])
    assert not rivers.crs().isValid()
    out = str(tmp_path / "out.gpkg")
    msg = _refusal(lambda: _segment(rivers, _layer(case["villages"], "villages"), output=out))
    assert "RIVERS" in msg and "rivers_no_prj" in msg and "has no CRS; set it first" in msg
    assert "Traceback" not in msg and "pyproj" not in msg
    assert not os.path.exists(out)


def test_metres_labelled_as_degrees_are_refused(processing_ready, tmp_path):
    case = corpus.case_metres_as_degrees(str(tmp_path))
    villages = corpus.case_no_prj(str(tmp_path))["villages"]
    msg = _refusal(lambda: _segment(_layer(case["path"], "rivers"), _layer(villages, "villages")))
    assert "RIVERS" in msg and "EPSG:4326" in msg and "±180/±90" in msg


def test_degrees_labelled_as_metres_are_refused(processing_ready, tmp_path):
    case = corpus.case_degrees_as_metres(str(tmp_path))
    villages = corpus.case_no_prj(str(tmp_path))["villages"]
    msg = _refusal(lambda: _segment(_layer(case["path"], "rivers"), _layer(villages, "villages")))
    assert "RIVERS" in msg and "EPSG:4547" in msg and "outside the area" in msg


def _bad_layers(tmp_path):
    from qgis.core import QgsRasterLayer, QgsVectorLayer

    no_crs = QgsVectorLayer(corpus.case_no_prj(str(tmp_path))["path"], "无坐标", "ogr")
    assert not no_crs.crs().isValid()
    metres = _layer(corpus.case_metres_as_degrees(str(tmp_path))["path"], "rivers")
    raster = QgsRasterLayer(corpus.raster_no_crs(str(tmp_path)), "影像")
    assert raster.isValid() and not raster.crs().isValid()
    return no_crs, metres, raster


def test_every_algorithm_checks_the_crs_of_every_layer_input(processing_ready, tmp_path):
    """The shared check runs for every layer parameter of every hezhang algorithm."""
    from qgis.core import (
        QgsApplication,
        QgsProcessingContext,
        QgsProcessingParameterFeatureSource,
        QgsProcessingParameterMapLayer,
        QgsProcessingParameterRasterLayer,
        QgsProcessingParameterVectorLayer,
        QgsProject,
    )

    no_crs, metres, raster = _bad_layers(tmp_path)
    provider = QgsApplication.processingRegistry().providerById("hezhang")
    checked = []
    for alg in provider.algorithms():
        for d in alg.parameterDefinitions():
            if isinstance(d, QgsProcessingParameterRasterLayer):
                cases = [(raster, "has no CRS")]
            elif isinstance(d, (QgsProcessingParameterFeatureSource, QgsProcessingParameterVectorLayer,
                                QgsProcessingParameterMapLayer)):
                cases = [(no_crs, "has no CRS"), (metres, "±180/±90")]
            else:
                continue
            for layer, expect in cases:
                context = QgsProcessingContext()
                context.setProject(QgsProject.instance())
                fb = Feedback()
                instance = alg.create()
                ok = instance.prepare({d.name(): layer}, context, fb)
                assert not ok, (alg.id(), d.name())
                assert d.name() in fb.text() and expect in fb.text(), (alg.id(), d.name(), fb.text())
                checked.append((alg.id(), d.name()))
    ids = {a for a, _ in checked}
    assert {"hezhang:segmentrivers", "hezhang:checkcoverage", "hezhang:gcj02convert",
            "hezhang:waterchange"} <= ids
    assert ("hezhang:waterchange", "BEFORE") in checked and ("hezhang:checkcoverage", "NOTICE_BOARDS") in checked


def test_processing_run_refuses_before_running(processing_ready, tmp_path):
    from qgis import processing

    no_crs, _, _ = _bad_layers(tmp_path)
    msg = _refusal(lambda: processing.run("hezhang:gcj02convert", {"INPUT": no_crs, "DIRECTION": 1,
                                                                     "OUTPUT": "memory:"}))
    assert "INPUT (layer “无坐标”) has no CRS; set it first" in msg


def test_workspace_with_metres_in_a_geographic_layer_is_refused(processing_ready, workspace_path):
    """A WORKSPACE is an input too: its spatial layers are checked the same way."""
    from shapely.geometry import LineString

    from hezhang_plugin.data import io
    from hezhang_plugin.processing.inputs import check_workspace_crs

    check_workspace_crs("WORKSPACE", workspace_path)  # an empty workspace passes
    # rows without geometries (units kept as a table only) have no extent to check
    io.write_rows(workspace_path, "admin_units", [{"code": "411171000000", "name": "测试区", "level": "district"}])
    check_workspace_crs("WORKSPACE", workspace_path)
    io.write_rows(workspace_path, "rivers", [{"river_code": "SH", "name": "沙河",
                                              "geom": LineString([(500100, 3760500), (501900, 3760500)])}])
    msg = _refusal(lambda: check_workspace_crs("WORKSPACE", workspace_path))
    assert "WORKSPACE (layer “rivers”)" in msg and "±180/±90" in msg


def test_workspace_units_without_geometries_have_no_extent(processing_ready, workspace_path):
    """Units entered as a table (rows without geometries) have no extent to check. GDAL's
    binding, asked without can_return_null, handed back uninitialised doubles for them — now
    and then 1e300, which the check refused as "not degrees" depending on the tests run before."""
    from osgeo import ogr
    from shapely.geometry import box

    from hezhang_plugin.data import io
    from hezhang_plugin.processing.inputs import check_workspace_crs, ogr_extent

    io.write_rows(workspace_path, "admin_units", [
        {"code": "411171000000", "name": "测试区", "level": "district", "parent_code": None},
        {"code": "411171101000", "name": "柳营镇", "level": "town", "parent_code": "411171000000"}])
    ds = ogr.Open(workspace_path, 0)
    try:
        units = ds.GetLayerByName("admin_units")
        assert units.GetFeatureCount() == 2
        assert ogr_extent(units) is None
    finally:
        ds = None
    check_workspace_crs("WORKSPACE", workspace_path)
    # Rows with geometries: their real extent.
    io.write_rows(workspace_path, "admin_units", [{"code": "411171201000", "name": "河湾乡", "level": "town",
                                                   "parent_code": "411171000000",
                                                   "geom": box(113.9, 33.5, 114.1, 33.6)}])
    ds = ogr.Open(workspace_path, 0)
    try:
        e = ogr_extent(ds.GetLayerByName("admin_units"))
        assert (e.xMinimum(), e.yMinimum(), e.xMaximum(), e.yMaximum()) == pytest.approx((113.9, 33.5, 114.1, 33.6))
    finally:
        ds = None
    check_workspace_crs("WORKSPACE", workspace_path)


# ------------------------------------------------------------------ 5. encodings


def _names_read_by_qgis(path, encoding=None):
    layer = _layer(path)
    if encoding:
        layer.setProviderEncoding(encoding)
    return [f["name"] for f in layer.getFeatures()]


def _segment_names(path, villages, encoding):
    rivers = _layer(path)
    rivers.setProviderEncoding(encoding)
    _, feats = _segment(rivers, _layer(villages, "villages"))
    return [f["name"] for f in feats]


def test_gbk_shapefile_without_cpg_is_refused_then_read_with_the_right_encoding(processing_ready, tmp_path):
    # (no layer object lives in this frame: see _refusal)
    case = corpus.case_gbk(str(tmp_path))
    names = _names_read_by_qgis(case["path"])
    assert "\ufffd" in names[0]  # what QGIS makes of GBK read as UTF-8 (e.g. ɳ��)
    assert _names_read_by_qgis(case["path"], "GBK") == ["沙河"]
    out = str(tmp_path / "segments.gpkg")
    msg = _refusal(lambda: _segment(case["path"], case["villages"] + "|layername=villages", output=out))
    assert "RIVERS" in msg and "rivers_gbk_00" in msg and "Data source encoding" in msg and names[0] in msg
    assert not os.path.exists(out)  # nothing garbled written
    assert _segment_names(case["path"], case["villages"], "GBK") == ["沙河甲村段"]


def test_latin1_mojibake_is_refused_and_every_text_reading_algorithm_checks(processing_ready, tmp_path):
    from qgis import processing

    case = corpus.case_gbk(str(tmp_path), language_byte=0x57)  # "ANSI" (Windows-1252)
    name = _names_read_by_qgis(case["path"])[0]
    assert "\ufffd" not in name and "沙" not in name  # e.g. É³ºÓ
    msg = _refusal(lambda: _segment(case["path"], case["villages"] + "|layername=villages"))
    assert "Data source encoding" in msg and name in msg
    msg = _refusal(lambda: processing.run("hezhang:gcj02convert", {"INPUT": case["path"], "DIRECTION": 1,
                                                                     "OUTPUT": "memory:"}))
    assert "INPUT" in msg and "Data source encoding" in msg


def test_core_refuses_garbled_names_from_any_source():
    from shapely.geometry import LineString, box

    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.core.textcheck import garbled

    assert garbled("ɳ\ufffd\ufffd") == "replacement"
    assert garbled("É³ºÓ") == "latin1"  # 沙河 in GBK read as Latin-1
    assert garbled("æ²\x99æ²³") == "control"  # 沙河 in UTF-8 read as Latin-1
    assert garbled("沙河") is None and garbled("Shahe River") is None and garbled("Café") is None
    units = [{"code": "411171100001", "name": "甲村", "geom": box(0, 0, 1000, 1000), "fid": 3}]
    rivers = [{"river_code": "SH", "name": "É³ºÓ", "geom": LineString([(100, 500), (900, 500)]), "fid": 7}]
    with pytest.raises(seg.SegmentationError) as err:
        seg.segment_rivers(rivers, units, rivers_crs="EPSG:4547", district_code="411171")
    assert err.value.message.key == "segmentation.garbled_text" and err.value.message.fields["fid"] == 7
    assert "É³ºÓ" in err.value.text("zh") and "数据源编码" in err.value.text("zh")


# ------------------------------------------------------------------ 7. Z and M


def test_gcj02convert_moves_only_x_and_y(processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsWkbTypes

    from hezhang_plugin.core import gcj02

    case = corpus.case_zm(str(tmp_path))
    points = _layer(case["path"], "points")
    assert QgsWkbTypes.hasZ(points.wkbType())
    res = processing.run("hezhang:gcj02convert", {"INPUT": points, "DIRECTION": 1, "OUTPUT": "memory:"})
    out = {f["name"]: f.geometry().constGet() for f in res["OUTPUT"].getFeatures()}
    assert QgsWkbTypes.hasZ(res["OUTPUT"].wkbType())
    assert out["测站"].z() == 62.5 and out["北京"].z() == 44.0
    # X/Y moved by the GCJ-02 inverse: the published Beijing pair (see test_overlays)
    assert _metres(out["北京"].x(), out["北京"].y(), 116.377817, 39.911954) < 0.05
    lon, lat = gcj02.gcj02_to_wgs84([114.0213], [33.5812])
    assert (out["测站"].x(), out["测站"].y()) == pytest.approx((lon[0], lat[0]), abs=1e-9)
    assert _metres(out["测站"].x(), out["测站"].y(), 114.0213, 33.5812) > 100  # it did move
    lines = _layer(case["path"], "lines")
    res = processing.run("hezhang:gcj02convert", {"INPUT": lines, "DIRECTION": 1, "OUTPUT": "memory:"})
    assert QgsWkbTypes.hasZ(res["OUTPUT"].wkbType()) and QgsWkbTypes.hasM(res["OUTPUT"].wkbType())
    line = next(res["OUTPUT"].getFeatures()).geometry().constGet()
    assert [(line.zAt(i), line.mAt(i)) for i in range(line.numPoints())] == [(10.0, 1.0), (20.0, 2.0)]
    lon, lat = gcj02.gcj02_to_wgs84([114.0, 114.1], [33.5, 33.6])
    # flat lists: pytest 9.2 refuses pytest.approx on nested sequences
    assert [c for i in range(2) for c in (line.xAt(i), line.yAt(i))] == \
        pytest.approx([c for xy in zip(lon, lat) for c in xy], abs=1e-9)


def _metres(lon1, lat1, lon2, lat2):
    from pyproj import Geod

    return Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)[2]


def test_segmentrivers_says_it_drops_z(processing_ready, tmp_path):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

    case = corpus.case_gap(str(tmp_path), "gap")
    rivers = QgsVectorLayer("LineStringZ?crs=EPSG:4547&field=river_code:string&field=name:string", "河流Z",
                            "memory")
    f = QgsFeature(rivers.fields())
    f.setAttributes(["SH", "沙河"])
    f.setGeometry(QgsGeometry.fromWkt(f"LineStringZ ({corpus.X0 + 100} {corpus.Y0 + 500} 80, "
                                      f"{corpus.X0 + 1900} {corpus.Y0 + 500} 75)"))
    rivers.dataProvider().addFeature(f)
    fb = Feedback()
    _, feats = _segment(rivers, _layer(case["path"], "villages"), fb)
    assert round(sum(x["length_km"] for x in feats), 3) == 1.8
    assert any(kind == "warning" and "RIVERS" in t and "Z values" in t for kind, t in fb.lines), fb.lines

