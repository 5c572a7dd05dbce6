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
    from hezhang_plugin.core.roster import import_roster
    from hezhang_plugin.core.segmentation import segment_workspace
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data import project as wsproject

    out = tmp_path_factory.mktemp("demo_pg")
    path = str(out / "demo.gpkg")
    data = demo.write_base_workspace(path)
    segment_workspace(path, unit_level="village", boundary_tolerance=30.0, min_length=200.0,
                      today=demo.APPOINTED)
    segments = wio.read_rows(path, "segments", with_geometry=False)
    units = wio.read_rows(path, "admin_units", with_geometry=False)
    rows, _gap = demo.appointments(data.chiefs, segments, units)
    csv = str(out / "roster.csv")
    demo.write_roster_csv(rows, csv)
    assert import_roster(path, csv, mode="replace", as_of=demo.APPOINTED).ok
    processing.run("hezhang:placeboards", {"WORKSPACE": path, "HOTLINE": "12345", "REFRESH_DATES": True})
    first = segments[0]
    wio.write_rows(path, "segments", [{"fid": first["fid"], "target": "水质达到III类"}], update_by_fid=True)

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

    return {k: re.sub(r'(name="LayerSource" type="QString" value=")[^"|]*\|layername=', r"\1|layername=", v)
            for k, v in styles.items()}


def test_round_trip_gpkg_postgres_gpkg_identical(demo_gpkg, pg_database, tmp_path):
    import psycopg2

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
    with pytest.raises(WorkspaceError, match="holds no Hezhang workspace"):
        transfer.migrate_workspace(uri, str(target))
    assert target.read_bytes() == b"keep me"
    assert sorted(os.listdir(tmp_path)) == ["existing.gpkg"]
