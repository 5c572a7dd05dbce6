"""Workspace GeoPackage: layers, fields, constraints, CRS, stored project, validator, bad files."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from osgeo import ogr

from hezhang_plugin.core import schema

VALIDATOR_CANDIDATES = [
    "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py",
    "/usr/share/doc/python3-gdal/examples/validate_gpkg.py",
]


def _ogr_fields(path, name):
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName(name)
    defn = lyr.GetLayerDefn()
    out = {}
    for i in range(defn.GetFieldCount()):
        d = defn.GetFieldDefn(i)
        out[d.GetName()] = {"nullable": bool(d.IsNullable()), "unique": bool(d.IsUnique()),
                            "width": d.GetWidth()}
    srs = lyr.GetSpatialRef()
    epsg = srs.GetAuthorityCode(None) if srs else None
    gtype = lyr.GetGeomType()
    ds = None
    return out, epsg, gtype


def test_every_layer_and_field_from_schema(workspace_path):
    for lyr in schema.LAYERS:
        fields, epsg, gtype = _ogr_fields(workspace_path, lyr.name)
        assert list(fields) == list(lyr.field_names), lyr.name
        for f in lyr.fields:
            d = fields[f.name]
            assert d["nullable"] is (not f.not_null), f"{lyr.name}.{f.name} nullability"
            assert d["unique"] is f.unique, f"{lyr.name}.{f.name} unique"
            if f.type == "text" and f.length:
                assert d["width"] == f.length
        if lyr.geometry:
            assert epsg == "4490"
            name = ogr.GeometryTypeToName(gtype).replace(" ", "").lower()
            assert name.replace("measured", "") + ("m" if name.startswith("measured") else "") == \
                lyr.geometry.lower()
        else:
            assert gtype == ogr.wkbNone


def test_spatial_indexes_and_metadata(workspace_path):
    con = sqlite3.connect(workspace_path)
    idx = {r[0] for r in con.execute("SELECT table_name FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index'")}
    assert idx == {"admin_units", "rivers", "segments", "notice_boards", "patrols", "problems"}
    row = con.execute("SELECT schema_version, district_code, district_name, crs FROM hz_meta").fetchone()
    assert row == (3, "411171000000", "测试区", "EPSG:4490")


def test_unique_and_not_null_enforced_by_database(workspace_path):
    ds = ogr.Open(workspace_path, 1)
    lyr = ds.GetLayerByName("chiefs")
    f = ogr.Feature(lyr.GetLayerDefn())
    for k, v in {"chief_id": "C1", "name": "张三", "level": "village", "role": "chief",
                 "unit_code": "411171100001", "active": 1}.items():
        f.SetField(k, v)
    assert lyr.CreateFeature(f) == 0
    f2 = ogr.Feature(lyr.GetLayerDefn())
    f2.SetField("chief_id", "C1")
    f2.SetField("name", "李四")
    from hezhang_plugin.core.gdalerrors import exceptions_on

    with exceptions_on(), pytest.raises(RuntimeError):
        lyr.CreateFeature(f2)  # duplicate chief_id and missing level


def test_gdal_validator_passes(workspace_path):
    script = next((p for p in VALIDATOR_CANDIDATES if os.path.exists(p)), None)
    assert script, "GDAL's validate_gpkg.py is not installed (python3-gdal)"
    res = subprocess.run([sys.executable, script, workspace_path], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_project_stored_inside_geopackage(workspace_path):
    from qgis.core import QgsProject, QgsVectorLayer

    from hezhang_plugin.data import workspace as ws

    con = sqlite3.connect(workspace_path)
    try:
        assert con.execute("SELECT name FROM qgis_projects").fetchall() == [("hezhang",)]
    finally:
        con.close()
    prj = QgsProject()
    info = ws.open_workspace(workspace_path, prj)
    assert info.district_name == "测试区"
    from hezhang_plugin.data.project import lead_terms_layer

    layers = {lyr.source().split("layername=")[1]: lyr for lyr in prj.mapLayers().values()
              if "layername=" in lyr.source()}
    assert set(layers) == {"admin_units", "rivers", "segments", "chiefs", "assignments", "notice_boards",
                           "patrols", "patrol_segments", "patrol_rules", "problems", "problem_events", "problem_transitions", "problem_rules",
                           "assessment_sheets", "assessment_items", "assessment_results"}  # hz_meta stays hidden
    assert all(lyr.isValid() for lyr in layers.values())
    # Beside the tables only the derived lead terms of the segments (data.project.add_lead_terms)
    assert [lyr for lyr in prj.mapLayers().values() if "layername=" not in lyr.source()] == [lead_terms_layer(prj)]
    assert prj.crs().authid() == "EPSG:4490"
    assert prj.ellipsoid() == "EPSG:1024"
    root = prj.layerTreeRoot()
    assert [g.name() for g in root.children()] == ["问题与考核", "巡河", "河流与河段", "行政区划", "河长", "遥感影像"]
    assert [n.layer().name() for n in root.findGroup("行政区划").findLayers()] == ["行政区划"]
    assert prj.topologicalEditing()
    rels = prj.relationManager().relations()
    assert {"segment_assignments", "chief_assignments", "segment_boards"} <= set(rels)
    seg = layers["segments"]
    assert isinstance(seg, QgsVectorLayer)
    bank = seg.fields().indexFromName("bank")
    setup = seg.editorWidgetSetup(bank)
    assert setup.type() == "ValueMap"
    assert {"两岸": "both"} in setup.config()["map"]
    unit = seg.editorWidgetSetup(seg.fields().indexFromName("unit_code"))
    assert unit.type() == "ValueRelation" and unit.config()["Layer"] == layers["admin_units"].id()
    chief = layers["assignments"].editorWidgetSetup(layers["assignments"].fields().indexFromName("chief_id"))
    assert chief.type() == "ValueRelation" and chief.config()["Key"] == "chief_id"
    code = seg.fields().indexFromName("seg_code")
    cons = seg.fields().field(code).constraints()
    for kind in (cons.ConstraintNotNull, cons.ConstraintUnique, cons.ConstraintExpression):
        assert cons.constraints() & kind and cons.constraintStrength(kind) == cons.ConstraintStrengthHard, kind
    assert seg.constraintDescription(code) == "须为12位：区县代码+6位顺序号"
    from qgis.core import QgsFeature, QgsVectorLayerUtils

    probe = QgsFeature(seg.fields())
    for value, ok in (("411171000001", True), ("4111", False), ("41117100000A", False)):
        probe.setAttribute(code, value)
        assert QgsVectorLayerUtils.validateAttribute(seg, probe, code)[0] is ok, value
    phone = layers["chiefs"].fields().indexFromName("phone")
    assert "手机" in layers["chiefs"].constraintDescription(phone)
    assert seg.fields().field("seg_code").alias() == "河段编码"
    assert seg.labelsEnabled() and seg.renderer().type() == "RuleRenderer"
    assert layers["admin_units"].renderer().type() == "categorizedSymbol"
    snap = prj.snappingConfig()
    assert snap.enabled()
    assert snap.individualLayerSettings(layers["segments"]).enabled()
    prj.clear()


def test_segment_code_default_expression(workspace_path):
    from qgis.core import QgsExpressionContextUtils, QgsFeature, QgsProject

    from hezhang_plugin.data import workspace as ws

    prj = QgsProject()
    ws.open_workspace(workspace_path, prj)
    seg = next(lyr for lyr in prj.mapLayers().values() if lyr.source().endswith("=segments"))
    ctx = seg.createExpressionContext()
    ctx.appendScope(QgsExpressionContextUtils.projectScope(prj))
    idx = seg.fields().indexFromName("seg_code")
    assert seg.defaultValue(idx, QgsFeature(), ctx) == "411171000001"
    seg.startEditing()
    f = QgsFeature(seg.fields())
    for k, v in {"seg_code": "411171000041", "river_code": "R1", "name": "沙河周庄村段",
                 "bank": "both", "unit_code": "411171100001", "valid_from": "2024-01-01"}.items():
        f[k] = v
    seg.addFeature(f)
    assert seg.commitChanges(), seg.commitErrors()
    ctx = seg.createExpressionContext()  # a context caches aggregates: a form makes a new one
    ctx.appendScope(QgsExpressionContextUtils.projectScope(prj))
    assert seg.defaultValue(idx, QgsFeature(), ctx) == "411171000042"
    prj.clear()


def test_project_layers_follow_a_moved_file(workspace_path, tmp_path):
    from qgis.core import QgsProject

    from hezhang_plugin.data import workspace as ws

    moved = tmp_path / "elsewhere" / "renamed.gpkg"
    moved.parent.mkdir()
    shutil.copy(workspace_path, moved)
    os.remove(workspace_path)
    prj = QgsProject()
    ws.open_workspace(str(moved), prj)
    tables = [lyr for lyr in prj.mapLayers().values() if lyr.providerType() == "ogr"]
    assert len(tables) == len(prj.mapLayers()) - 1  # and the derived lead terms (ids, no path)
    assert all(lyr.isValid() and str(moved) in lyr.source() for lyr in tables)
    prj.clear()


def test_gauss_kruger_crs(tmp_path, qgis_app):
    from hezhang_plugin.data.workspace import create_workspace

    info = create_workspace(str(tmp_path / "gk.gpkg"), "411171", "测试区", "EPSG:4546")
    assert info.crs == "EPSG:4546"
    assert _ogr_fields(info.path, "segments")[1] == "4546"


@pytest.mark.parametrize("code,name,crs,match", [
    ("41117", "区", None, "district code"),
    ("411171100000", "区", None, "not a county-level"),
    ("411171", "  ", None, "name is empty"),
    ("411171", "区", "EPSG:3857", "not CGCS2000"),
])
def test_create_refuses_bad_arguments_and_writes_nothing(tmp_path, qgis_app, code, name, crs, match):
    from hezhang_plugin.data.workspace import WorkspaceError, create_workspace

    with pytest.raises(WorkspaceError, match=match):
        create_workspace(str(tmp_path / "x.gpkg"), code, name, crs)
    assert os.listdir(tmp_path) == []


def _bad_files(tmp_path, workspace_path):
    text = tmp_path / "notes.gpkg"
    text.write_text("河长名单\n张三,13800000000\n", encoding="utf-8")
    other = tmp_path / "other.gpkg"
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(other))
    ds.CreateLayer("roads", None, ogr.wkbLineString)
    ds = None
    truncated = tmp_path / "truncated.gpkg"
    with open(workspace_path, "rb") as fh:
        data = fh.read()
    truncated.write_bytes(data[: len(data) // 3])
    newer = tmp_path / "newer.gpkg"
    shutil.copy(workspace_path, newer)
    con = sqlite3.connect(newer)
    con.execute("UPDATE hz_meta SET schema_version = ?", (schema.SCHEMA_VERSION + 1,))
    con.commit()
    con.close()
    return {
        "text": (text, "not a GeoPackage"),
        "other": (other, "not a Hezhang workspace"),
        "truncated": (truncated, "damaged"),
        "newer": (newer, "newer Hezhang"),
        "missing": (tmp_path / "missing.gpkg", "does not exist"),
    }


@pytest.mark.parametrize("kind", ["text", "other", "truncated", "newer", "missing"])
def test_bad_files_are_refused_and_untouched(tmp_path, workspace_path, kind):
    from qgis.core import QgsProject

    from hezhang_plugin.data import workspace as ws

    path, match = _bad_files(tmp_path, workspace_path)[kind]
    before = path.read_bytes() if path.exists() else None
    mtime = path.stat().st_mtime_ns if path.exists() else None
    prj = QgsProject()
    with pytest.raises(ws.WorkspaceError, match=match):
        ws.open_workspace(str(path), prj)
    if before is not None:
        assert path.read_bytes() == before
        assert path.stat().st_mtime_ns == mtime
    assert not prj.mapLayers()


def test_migration_from_version_1(tmp_path, qgis_app, make_workspace):
    from qgis.core import QgsProject

    from hezhang_plugin.data import migrations
    from hezhang_plugin.data import workspace as ws

    path = make_workspace(tmp_path / "old.gpkg", version=1)
    assert ws.check_workspace(path).schema_version == 1
    assert "target" not in _ogr_fields(path, "segments")[0]
    assert [m.to_version for m in migrations.pending(1)] == list(range(2, schema.SCHEMA_VERSION + 1))
    prj = QgsProject()
    info = ws.open_workspace(path, prj)
    assert info.schema_version == schema.SCHEMA_VERSION
    assert "target" in _ogr_fields(path, "segments")[0]
    assert "hotline" in _ogr_fields(path, "notice_boards")[0]
    seg = next(lyr for lyr in prj.mapLayers().values() if lyr.source().endswith("=segments"))
    assert seg.fields().field("target").alias() == "治理目标"
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".hezhang")]
    prj.clear()


def test_failed_migration_leaves_file_unchanged(tmp_path, qgis_app, monkeypatch, make_workspace):
    from hezhang_plugin.data import migrations

    path = tmp_path / "old.gpkg"
    make_workspace(path, version=1)
    before = path.read_bytes()

    def boom(ds):
        raise RuntimeError("disk full")

    monkeypatch.setitem(migrations.MIGRATIONS, 2, migrations.Migration(2, "boom", boom))
    with pytest.raises(RuntimeError, match="disk full"):
        migrations.migrate(str(path))
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["old.gpkg"]


def test_unit_drawn_in_a_town_gets_level_parent_and_next_code(workspace_path):
    """A village drawn with QGIS's digitising tools: the form proposes level, parent and code."""
    import shapely
    from qgis.core import QgsExpressionContextUtils, QgsGeometry, QgsProject, QgsVectorLayerUtils

    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data import workspace as ws

    box = shapely.geometry.box
    wio.write_rows(workspace_path, "admin_units", [
        {"code": "411171000000", "name": "测试区", "level": "district", "geom": shapely.multipolygons([box(0, 0, 10, 10)])},
        {"code": "411171101000", "name": "柳营镇", "level": "town", "parent_code": "411171000000",
         "geom": shapely.multipolygons([box(0, 0, 5, 10)])},
        {"code": "411171101201", "name": "周庄村", "level": "village", "parent_code": "411171101000",
         "geom": shapely.multipolygons([box(0, 0, 5, 5)])},
    ])
    prj = QgsProject()
    ws.open_workspace(workspace_path, prj)
    units = next(lyr for lyr in prj.mapLayers().values() if lyr.source().endswith("=admin_units"))

    def proposed(wkt):
        ctx = units.createExpressionContext()
        ctx.appendScope(QgsExpressionContextUtils.projectScope(prj))
        feat = QgsVectorLayerUtils.createFeature(units, QgsGeometry.fromWkt(wkt), {}, ctx)
        return feat["level"], feat["parent_code"], feat["code"]

    assert proposed("POLYGON((1 6, 4 6, 4 9, 1 9, 1 6))") == ("village", "411171101000", "411171101202")
    assert proposed("POLYGON((6 1, 9 1, 9 9, 6 9, 6 1))") == ("town", "411171000000", "411171102000")
    prj.clear()


def test_segments_are_drawn_by_bank_and_uncovered_in_red(workspace_path):
    """Every segment matches exactly one rule of the style: its bank, or uncovered."""
    import shapely
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils, QgsProject

    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data import workspace as ws

    line = shapely.multilinestrings([shapely.LineString([(114.0, 33.5), (114.01, 33.5)])])
    base = {"river_code": "R1", "unit_code": "411171100001", "valid_from": "2024-01-01", "geom": line}
    wio.write_rows(workspace_path, "segments", [
        dict(base, seg_code="411171000001", name="甲段", bank="left"),
        dict(base, seg_code="411171000002", name="乙段", bank="both"),
    ])
    # The style counts appointments of existing, active chiefs (as rule R1 does: issue 11).
    wio.write_rows(workspace_path, "chiefs", [
        {"chief_id": f"C{level}", "name": f"{level}河长", "level": level, "role": "chief",
         "unit_code": {"district": "411171000000", "town": "411171100000", "village": "411171100001"}[level],
         "active": True} for level in ("district", "town", "village")])
    wio.write_rows(workspace_path, "assignments", [
        {"seg_code": seg, "chief_id": f"C{level}", "level": level, "role": "chief", "valid_from": "2024-01-01"}
        for level in ("district", "town", "village") for seg in ("411171000001", "411171000002")
        if not (seg == "411171000002" and level == "village")])
    prj = QgsProject.instance()
    ws.open_workspace(workspace_path, prj)
    seg = next(lyr for lyr in prj.mapLayers().values() if lyr.source().endswith("=segments"))
    rules = seg.renderer().rootRule().children()
    matched = {}
    for feat in seg.getFeatures():
        ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(seg))
        ctx.setFeature(feat)
        matched[feat["seg_code"]] = [r.label() for r in rules
                                     if QgsExpression(r.filterExpression()).evaluate(ctx)]
    prj.clear()
    # The second segment lies in a village and lacks its village chief (rule R1).
    assert matched == {"411171000001": ["左岸"], "411171000002": ["河长未落实"]}


def test_migration_adds_layers_declared_later(tmp_path, qgis_app, monkeypatch):
    """A layer declared ``since`` the current version appears in an older workspace's file
    and project when it is migrated, with its form configured from the schema."""
    from qgis.core import QgsProject

    from hezhang_plugin.data import workspace as ws

    added = schema.Layer("test_added", "Point", "Added later", "后加图层", schema.GROUP_RIVERS, (
        schema.Field("note", "text", "Note", "备注", 20, True),), since=schema.SCHEMA_VERSION)
    monkeypatch.setattr(schema, "LAYERS", (*schema.LAYERS, added))
    monkeypatch.setitem(schema.LAYER_BY_NAME, "test_added", added)
    path = str(tmp_path / "old.gpkg")
    ws.create_workspace(path, "411171", "测试区", None, version=schema.SCHEMA_VERSION - 1)
    assert "test_added" not in _ogr_layers(path)
    prj = QgsProject()
    ws.open_workspace(path, prj)
    assert "test_added" in _ogr_layers(path)
    vl = next(lyr for lyr in prj.mapLayers().values() if lyr.source().endswith("=test_added"))
    assert vl.isValid() and vl.name() == "后加图层"
    assert vl.fields().field("note").alias() == "备注"
    assert prj.layerTreeRoot().findGroup(schema.GROUP_RIVERS).findLayer(vl.id()) is not None
    assert os.path.basename(vl.source().split("|")[0]) == "old.gpkg"
    prj.clear()


def _ogr_layers(path):
    ds = ogr.Open(path)
    names = [ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())]
    ds = None
    return names


def test_qgis_read_repoints_only_the_workspace_own_layers(workspace_path, tmp_path):
    """The plugin's path preprocessor for projects QGIS reads itself (data.project.
    OpenedWorkspacePaths): in a copied workspace only the layers of the workspace's own file
    follow the copy; a layer the user added from another workspace file, and a project
    stored under another name, keep their sources."""
    from qgis.core import QgsProject, QgsVectorLayer

    from hezhang_plugin.core import uris
    from hezhang_plugin.data import project as wsproject

    neighbour = workspace_path  # another district's workspace: same table names, its own file
    own = tmp_path / "own" / "district.gpkg"
    own.parent.mkdir()
    shutil.copy(neighbour, own)
    prj = QgsProject.instance()
    assert wsproject.read_project(prj, str(own))
    extra = QgsVectorLayer(f"{neighbour}|layername=rivers", "邻区河流", "ogr")
    assert extra.isValid()
    prj.addMapLayer(extra)
    wsproject.write_project(prj, str(own))
    other = tmp_path / "own" / "other.gpkg"
    shutil.copy(own, other)
    assert prj.write(uris.project_uri(str(other), "other"))  # a project not named hezhang
    prj.clear()
    copies = tmp_path / "copies"
    copies.mkdir()
    copy, other_copy = copies / "副本.gpkg", copies / "other 副本.gpkg"
    shutil.copy(own, copy)
    shutil.copy(other, other_copy)
    wsproject.install_opened_workspace_paths()
    try:
        assert prj.read(uris.project_uri(str(copy), "hezhang"))
        sources = {lyr.name(): lyr.source() for lyr in prj.mapLayers().values() if lyr.providerType() == "ogr"}
        assert sources.pop("邻区河流") == f"{neighbour}|layername=rivers"
        assert len(sources) >= 10 and {s.split("|")[0] for s in sources.values()} == {str(copy)}
        assert prj.read(uris.project_uri(str(other_copy), "other"))
        files = {lyr.source().split("|")[0] for lyr in prj.mapLayers().values() if lyr.providerType() == "ogr"}
        # stored as "./district.gpkg", resolved by QGIS alone in the copies' folder
        assert files == {str(copies / "district.gpkg"), neighbour}
    finally:
        wsproject.remove_opened_workspace_paths()
        prj.clear()
