"""hezhang:migrateworkspace's engine: demo GeoPackage → PostgreSQL → GeoPackage, identical."""

from __future__ import annotations

import os
import shutil

import pytest

from hezhang_plugin.core import schema


@pytest.fixture(scope="module")
def demo_gpkg(tmp_path_factory, qgis_app, processing_ready):
    """The demo district (segmented, staffed, boards placed, edited once so the change log
    has an update), with a print layout in its project. No exports (not needed here)."""
    from qgis import processing
    from qgis.core import QgsLayoutItemLabel, QgsLayoutItemMap, QgsPrintLayout, QgsProject

    from hezhang_plugin import demo
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.services.roster import import_roster
    from hezhang_plugin.services.segmentation import segment_workspace

    out = tmp_path_factory.mktemp("demo_pg")
    path = str(out / "demo.gpkg")
    data = demo.write_base_workspace(path)
    segment_workspace(path, today=demo.APPOINTED)
    segments = wio.read_rows(path, "segments", with_geometry=False)
    units = wio.read_rows(path, "admin_units", with_geometry=False)
    rows, _gap = demo.appointments(data.chiefs, segments, units)
    csv = str(out / "roster.csv")
    demo.write_roster_csv(rows, csv)
    assert import_roster(path, csv, mode="replace", as_of=demo.APPOINTED).ok
    processing.run("hezhang:placeboards", {"WORKSPACE": path, "HOTLINE": "12345", "REFRESH_DATES": True})
    first = segments[0]
    wio.write_rows(path, "segments", [{"fid": first["fid"], "target": "水质达到III类"}], update_by_fid=True)
    # A patrol track keeps each point's time as M: it must move with its M values.
    from osgeo import ogr

    ds = ogr.Open(path, 1)
    lyr = ds.GetLayerByName("patrols")
    feat = ogr.Feature(lyr.GetLayerDefn())
    for k, v in (("patrol_id", "P1"), ("chief_id", "C1"), ("start_time", "2024-07-01T08:00:00Z"),
                 ("end_time", "2024-07-01T09:00:00Z"), ("patrol_date", "2024-07-01"), ("mode", "self")):
        feat.SetField(k, v)
    feat.SetGeometry(ogr.CreateGeometryFromWkt("LINESTRING M (113.0 33.0 0, 113.01 33.0 1800.5, 113.02 33.0 3600)"))
    lyr.CreateFeature(feat)
    ds = None

    prj = QgsProject()
    wsproject.read_project(prj, path)
    layout = QgsPrintLayout(prj)
    layout.initializeDefaults()
    layout.setName("测试版式")
    item = QgsLayoutItemMap(layout)
    item.setLayers([lyr for lyr in prj.mapLayers().values() if lyr.name() == "河段"])
    item.setKeepLayerSet(True)
    layout.addLayoutItem(item)
    label = QgsLayoutItemLabel(layout)
    label.setText("河长制一张图")
    layout.addLayoutItem(label)
    prj.layoutManager().addLayout(layout)
    with wsproject.NoWalWrites():
        wsproject.write_project(prj, path)
    prj.clear()
    return path


def _instant(text):
    """An OGR datetime string as an aware datetime (GeoPackage times are UTC by its spec)."""
    import datetime as dt

    if text is None:
        return None
    t = text.replace("/", "-").replace(" ", "T")
    if t.endswith("+00"):
        t += ":00"
    value = dt.datetime.fromisoformat(t)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _rows(path, name):
    import json

    import shapely

    from hezhang_plugin.data import io as wio

    times = [f.name for f in schema.layer(name).fields if f.type == "datetime"]
    # JSON values compare as JSON (PostgreSQL's jsonb keeps objects, not their key order).
    jsons = [f.name for f in schema.layer(name).fields if f.type == "json"]
    out = []
    for r in wio.read_rows(path, name):
        g = r.pop("geom", None)
        r["wkb"] = None if g is None else shapely.to_wkb(g, byte_order=1)
        for t in times:
            r[t] = _instant(r[t])
        for j in jsons:
            r[j] = None if r[j] is None else json.loads(r[j])
        out.append(r)
    return sorted(out, key=lambda r: r["fid"])


def _styles(path):
    import xml.etree.ElementTree as ET

    from qgis.core import QgsProject
    from qgis.PyQt.QtXml import QDomDocument

    from hezhang_plugin.data import workspace as ws

    prj = QgsProject()
    ws.open_workspace(path, prj)
    out = {}
    for vl in prj.mapLayers().values():
        doc = QDomDocument()
        vl.exportNamedStyle(doc)
        # Canonical XML: Qt writes attributes in hash order, which varies between documents.
        out[vl.name()] = ET.canonicalize(doc.toString().partition("\n")[2])
    layouts = {lay.name(): len(lay.items()) for lay in prj.layoutManager().layouts()}
    relations = sorted(r.id() for r in prj.relationManager().relations().values())
    prj.clear()
    return out, layouts, relations


def _without_sources(styles):
    import re

    # the file part of sources the style names: value maps' LayerSource, and (QGIS 3.40 and
    # later) each relation's dataSource
    out = {}
    for k, v in styles.items():
        v = re.sub(r'(name="LayerSource" type="QString" value=")[^"|]*\|layername=', r"\1|layername=", v)
        out[k] = re.sub(r'(<relation [^>]*dataSource=")[^"|]*\|layername=', r"\1|layername=", v)
    return out


def test_round_trip_gpkg_postgres_gpkg_identical(demo_gpkg, pg_database, tmp_path):
    import psycopg2
    from osgeo import ogr

    from hezhang_plugin.data.postgres import transfer

    server, uri, dbname = pg_database
    src = str(tmp_path / "src.gpkg")
    shutil.copyfile(demo_gpkg, src)
    to_pg = transfer.migrate_workspace(src, uri)
    back = str(tmp_path / "back.gpkg")
    from_pg = transfer.migrate_workspace(uri, back)

    from hezhang_plugin.data import gpkg

    counts = gpkg.table_counts(src)
    assert counts["segments"] >= 10 and counts["assignments"] > 50 and counts["change_log"] > 100
    assert gpkg.table_counts(back) == counts
    assert {k: v for k, v in to_pg.counts.items()} == {k: v for k, v in counts.items() if k != "hz_meta"}
    assert from_pg.counts == to_pg.counts

    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        for lyr in schema.LAYERS:
            cur.execute(f"SELECT count(*) FROM {'hz_sys' if lyr.system else 'hz_data'}.{lyr.name}")
            assert cur.fetchone()[0] == counts[lyr.name], lyr.name
        # geometries to the coordinate: the same WKB in PostGIS as in the file
        cur.execute("SELECT fid, ST_AsBinary(geom, 'NDR') FROM hz_data.segments ORDER BY fid")
        pg_wkb = {fid: bytes(w) for fid, w in cur.fetchall()}
    con.close()
    assert pg_wkb == {r["fid"]: r["wkb"] for r in _rows(src, "segments")}
    ds = ogr.Open(back)
    feat = ds.GetLayerByName("patrols").GetNextFeature()  # (kept: the geometry belongs to it)
    track = feat.GetGeometryRef()
    assert [track.GetM(i) for i in range(track.GetPointCount())] == [0.0, 1800.5, 3600.0]
    feat = ds = None

    for lyr in schema.LAYERS:
        assert _rows(back, lyr.name) == _rows(src, lyr.name), lyr.name

    styles_src, layouts_src, rel_src = _styles(src)
    styles_back, layouts_back, rel_back = _styles(back)
    assert layouts_src == layouts_back == {"测试版式": layouts_src["测试版式"]} and layouts_src["测试版式"] >= 2
    assert rel_src == rel_back and len(rel_src) == len(schema.RELATIONS)
    # Styles and forms identical except where value relations name their layer's source: the
    # source file's were written under its temporary creation name, the copy's name the copy.
    assert _without_sources(styles_back) == _without_sources(styles_src)
    assert sum(s.count('name="LayerSource"') for s in styles_src.values()) >= 5


def test_failed_migration_leaves_postgres_target_untouched(demo_gpkg, pg_database, tmp_path):
    import psycopg2

    from hezhang_plugin.data.gpkg import WorkspaceError
    from hezhang_plugin.data.postgres import transfer

    server, uri, dbname = pg_database
    src = str(tmp_path / "bad.gpkg")
    shutil.copyfile(demo_gpkg, src)
    from osgeo import ogr

    ds = ogr.Open(src, 1)
    # A value the value list does not know: PostgreSQL's reference refuses it at the copy.
    ds.ExecuteSQL("UPDATE chiefs SET role = 'mayor' WHERE fid = (SELECT max(fid) FROM chiefs)")
    ds = None
    with pytest.raises(WorkspaceError) as err:
        transfer.migrate_workspace(src, uri)
    assert "mayor" in str(err.value) or "role" in str(err.value)
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'hz_%'")
        assert cur.fetchall() == []
    con.close()


def test_failed_migration_leaves_gpkg_target_untouched(pg_database, tmp_path, qgis_app):
    from hezhang_plugin.data.gpkg import WorkspaceError
    from hezhang_plugin.data.postgres import transfer

    server, uri, dbname = pg_database  # an empty database: no workspace in it
    target = tmp_path / "existing.gpkg"
    target.write_bytes(b"keep me")
    with pytest.raises(WorkspaceError, match="holds no Hezhang workspace") as err:
        transfer.migrate_workspace(uri, str(target))
    assert err.value.text("zh") == f"服务{dbname}：该数据库中没有河长制工作空间（缺少hz_sys.hz_meta表）"
    assert target.read_bytes() == b"keep me"
    assert sorted(os.listdir(tmp_path)) == ["existing.gpkg"]


def _features(path):
    from qgis.core import QgsVectorLayer

    vl = QgsVectorLayer(path, "out", "ogr")
    assert vl.isValid(), path
    names = vl.fields().names()
    rows = []
    for f in vl.getFeatures():
        attrs = {n: f[n] for n in names if n not in ("fid",)}
        attrs["wkt"] = f.geometry().asWkt(6) if f.hasGeometry() else ""
        rows.append(tuple(sorted((k, str(v)) for k, v in attrs.items())))
    return sorted(rows)


def _table(workspace, layer, cols):
    from hezhang_plugin.data.backend import open_workspace

    return sorted(tuple(str(r.get(c)) for c in cols) for r in open_workspace(workspace).read_rows(layer))


@pytest.mark.slow
def test_every_algorithm_same_result_on_both_backends(demo_gpkg, pg_database, tmp_path, processing_ready):
    """The demo on a GeoPackage and moved to PostgreSQL: every algorithm that takes a
    WORKSPACE (and segmentrivers on the workspace's own layers) gives the same result."""
    import subprocess

    from qgis import processing
    from qgis.core import QgsVectorLayer

    from hezhang_plugin.data.backend import open_workspace
    from hezhang_plugin.data.postgres import transfer
    from hezhang_plugin.services.waterchange import chiefs_by_segment

    server, uri, dbname = pg_database
    gpkg_ws = str(tmp_path / "demo.gpkg")
    shutil.copyfile(demo_gpkg, gpkg_ws)
    transfer.migrate_workspace(gpkg_ws, uri)
    both = {"gpkg": gpkg_ws, "pg": uri}
    assert open_workspace(uri).kind == "postgres" and open_workspace(gpkg_ws).kind == "gpkg"

    # hezhang:checkcoverage
    out = {}
    for k, ws in both.items():
        res = processing.run("hezhang:checkcoverage", {"WORKSPACE": ws, "DATE": "2024-07-01",
                                                       "OUTPUT": str(tmp_path / f"cov_{k}.gpkg")})
        out[k] = (_features(res["OUTPUT"]), res["FINDINGS"])
    assert out["gpkg"] == out["pg"] and out["gpkg"][1] >= 1

    # chiefs named by hezhang:waterchange (its only use of the WORKSPACE)
    assert chiefs_by_segment(gpkg_ws, "2024-07-01") == chiefs_by_segment(uri, "2024-07-01") != {}

    # hezhang:importroster (replace: ends appointments the file does not list) writes on both
    from hezhang_plugin import demo

    segs = open_workspace(gpkg_ws).read_attributes("segments")
    units = open_workspace(gpkg_ws).read_attributes("admin_units")
    chiefs = open_workspace(gpkg_ws).read_attributes("chiefs")
    rows, _gap = demo.appointments([c for c in chiefs if c["active"]], segs, units)
    roster = str(tmp_path / "roster.csv")
    demo.write_roster_csv(rows[: len(rows) - 5], roster)
    results = {k: processing.run("hezhang:importroster", {"WORKSPACE": ws, "INPUT": roster, "MODE": 1})
               for k, ws in both.items()}
    assert {k: (r["REJECTED"], r["CHIEFS_ADDED"], r["ASSIGNMENTS_ADDED"]) for k, r in results.items()}["gpkg"] == \
        (results["pg"]["REJECTED"], results["pg"]["CHIEFS_ADDED"], results["pg"]["ASSIGNMENTS_ADDED"])
    cols = ("seg_code", "chief_id", "level", "role", "valid_from", "valid_to")
    assert _table(gpkg_ws, "assignments", cols) == _table(uri, "assignments", cols)

    # hezhang:placeboards after removing boards (both place the same ones again)
    for ws in both.values():
        backend = open_workspace(ws)
        from hezhang_plugin.core.changes import ChangeSet

        boards = backend.read_attributes("notice_boards")[:3]
        if backend.kind == "gpkg":
            from hezhang_plugin.data import io as wio

            wio.write_rows(ws, "notice_boards", [], delete_fids=[b["fid"] for b in boards])
        else:
            import psycopg2

            con = psycopg2.connect(uri)
            with con.cursor() as cur:
                cur.execute("DELETE FROM hz_data.notice_boards WHERE fid = ANY(%s)", ([b["fid"] for b in boards],))
            con.commit()
            con.close()
        assert ChangeSet  # (board removal is an administrator's repair, not a change set)
    placed = {k: processing.run("hezhang:placeboards", {"WORKSPACE": ws, "HOTLINE": "12345",
                                                        "DATE": "2024-07-01"}) for k, ws in both.items()}
    assert placed["gpkg"]["PLACED"] == placed["pg"]["PLACED"] == 3
    assert placed["gpkg"]["STALE_CODES"] == placed["pg"]["STALE_CODES"]
    assert _table(gpkg_ws, "notice_boards", ("seg_code", "hotline", "installed_on")) == \
        _table(uri, "notice_boards", ("seg_code", "hotline", "installed_on"))

    # hezhang:segmentrivers on the workspace's own layers, read from either backend
    seg_out = {}
    for k, ws in both.items():
        backend = open_workspace(ws)
        layers = {n: QgsVectorLayer(*backend.layer_source(n)[:1], n, backend.layer_source(n)[1])
                  for n in ("rivers", "admin_units")}
        assert all(v.isValid() for v in layers.values()), k
        res = processing.run("hezhang:segmentrivers", {"RIVERS": layers["rivers"], "UNITS": layers["admin_units"],
                                                       "UNIT_LEVEL": 0, "OUTPUT": str(tmp_path / f"seg_{k}.gpkg")})
        seg_out[k] = [r for r in _features(res["OUTPUT"])]
    assert seg_out["gpkg"] == seg_out["pg"] and len(seg_out["gpkg"]) >= 10

    # hezhang:history over the moved change log
    hist = {k: _features(processing.run("hezhang:history", {"WORKSPACE": ws, "LAYER": 2,
                                                            "OUTPUT": str(tmp_path / f"h_{k}.csv")})["OUTPUT"])
            for k, ws in both.items()}
    assert hist["gpkg"] and len(hist["gpkg"]) == len(hist["pg"])

    # hezhang:exportmaps: the coverage map of each reads the same
    texts = {}
    for k, ws in both.items():
        folder = tmp_path / f"maps_{k}"
        res = processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [0], "FORMAT": 0,
                                                    "OUTPUT_FOLDER": str(folder)})
        pdf = [f for f in res["FILES"] if f.endswith(".pdf")]
        assert len(pdf) == 1, res["FILES"]
        texts[k] = subprocess.run(["pdftotext", pdf[0], "-"], capture_output=True, text=True, check=True).stdout
    assert texts["gpkg"] == texts["pg"] and "河长制" in texts["gpkg"]


def test_postgres_refusals_read_in_chinese(tmp_path, monkeypatch):
    """What the PostgreSQL layer refuses reaches a Chinese UI in Chinese (a service that
    pg_service.conf does not know; a file given where a service is expected)."""
    from hezhang_plugin.data.gpkg import WorkspaceError
    from hezhang_plugin.data.postgres import connection

    monkeypatch.setenv("PGSERVICEFILE", str(tmp_path / "pg_service.conf"))
    (tmp_path / "pg_service.conf").write_text("[other]\nhost=127.0.0.1\n", encoding="utf-8")
    with pytest.raises(WorkspaceError) as err:
        connection.connect("service=hz_nowhere")
    assert str(err.value).startswith("cannot connect to PostgreSQL service 'hz_nowhere': ")
    assert err.value.text("zh").startswith("无法连接PostgreSQL服务'hz_nowhere'：")
    with pytest.raises(WorkspaceError) as err:
        connection.service_name("district.gpkg")
    assert err.value.text("zh") == "'district.gpkg'不是PostgreSQL工作空间：请写作 service=服务名（pg_service.conf中的服务）"
