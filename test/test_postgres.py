"""The PostgreSQL/PostGIS workspace on a real throwaway server (see test/pgserver.py)."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import schema
from test.pg_helpers import DISTRICT, SEG, TOWN_A, TOWN_B, _feature, _row, _seed, _user_layer


def _columns(con, table_schema, table):
    with con.cursor() as cur:
        cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                    "WHERE table_schema = %s AND table_name = %s", (table_schema, table))
        return dict(cur.fetchall())


def test_create_workspace_tables_from_schema(pg_workspace):
    import psycopg2

    from hezhang_plugin.data.postgres import workspace as pgws

    server, uri, dbname = pg_workspace
    info = pgws.read_workspace_info(uri)
    assert (info.schema_version, info.district_code, info.district_name, info.crs) == (
        schema.SCHEMA_VERSION, "411171000000", "测试区", "EPSG:4490")
    con = psycopg2.connect(uri)
    cols = _columns(con, "hz_data", "segments")
    assert set(schema.layer("segments").field_names) | {"fid", "geom"} == set(cols)
    assert cols["uid"] == "uuid" and cols["row_version"] == "integer"
    assert cols["created_at"] == "timestamp with time zone" and cols["valid_from"] == "date"
    assert set(_columns(con, "hz_sys", "change_log")) >= {"old_values", "new_values", "changed_by"}
    with con.cursor() as cur:
        cur.execute("SELECT value, zh FROM hz_values.bank ORDER BY sort")
        assert cur.fetchall() == [("both", "两岸"), ("left", "左岸"), ("right", "右岸")]
        cur.execute("SELECT Find_SRID('hz_data', 'segments', 'geom'), GeometryType(NULL::geometry)")
        assert cur.fetchone()[0] == 4490
    con.close()


def test_project_stored_in_database_names_only_the_service(pg_workspace):
    from qgis.core import QgsProject

    from hezhang_plugin.data import project as wsproject

    server, uri, dbname = pg_workspace
    # as QGIS opens it (Project › Open From › PostgreSQL): into the project instance, where
    # QGIS 3.22's virtual layers find the layers they name by id
    prj = QgsProject.instance()
    assert prj.read(wsproject.project_uri(uri)), prj.error()
    derived = [lyr for lyr in prj.mapLayers().values() if lyr.customProperty(wsproject.LEAD_TERMS_PROPERTY)]
    # the segments' lead terms: a virtual layer over the workspace's own layers (by id)
    assert len(derived) == 1 and derived[0].providerType() == "virtual" and derived[0].isValid()
    assert "password" not in derived[0].source()
    layers = {lyr.name(): lyr for lyr in prj.mapLayers().values() if lyr not in derived}
    assert set(layers) == {lyr.zh for lyr in schema.data_layers()}
    for vl in layers.values():
        assert vl.isValid(), vl.name()
        assert vl.providerType() == "postgres"
        src = vl.source()
        assert f"service='{dbname}'" in src
        assert "password" not in src and "host=" not in src and "dbname" not in src
    seg = layers["河段"]
    assert seg.fields().field("bank").alias() == "岸别"
    assert seg.featureCount() == 0
    prj.clear()


def test_second_of_two_conflicting_saves_fails_and_keeps_the_edit(shared_segment):
    from qgis.core import QgsGeometry

    server, uri, dbname = shared_segment
    wang = _user_layer(server, dbname, "wang")
    li = _user_layer(server, dbname, "li")
    assert _feature(wang)["row_version"] == 1 and _feature(li)["row_version"] == 1

    # Both edit the segment in their edit buffers (different fields); wang saves first.
    wang.startEditing()
    li.startEditing()
    fw = _feature(wang)
    # Two edits of one feature before saving (attribute, then geometry): one claim of v1.
    assert wang.changeAttributeValue(fw.id(), wang.fields().indexOf("name"), "沙河甲镇段（王）")
    assert wang.changeGeometry(fw.id(), QgsGeometry.fromWkt("MultiLineString ((113.0 33.0, 113.05 33.01, 113.1 33.0))"))
    fl = _feature(li)
    assert li.changeAttributeValue(fl.id(), li.fields().indexOf("target"), "水质达到III类")
    assert wang.commitChanges(), wang.commitErrors()

    assert not li.commitChanges()
    errors = "\n".join(li.commitErrors())
    assert "was changed by wang" in errors and "已于" in errors and "被 wang 修改" in errors
    assert li.isEditable() and li.isModified()
    assert _feature(li)["target"] == "水质达到III类"  # the edit is still in the buffer
    # Nothing of li's save reached the database; wang's stays.
    assert _row(uri, "name", "target", "row_version", "updated_by") == ("沙河甲镇段（王）", None, 2, "wang")

    # Reload the feature and apply the edit again: now it is saved.
    li.rollBack()
    li.reload()
    li.startEditing()
    fl = _feature(li)
    assert fl["row_version"] == 2 and fl["name"] == "沙河甲镇段（王）"
    li.changeAttributeValue(fl.id(), li.fields().indexOf("target"), "水质达到III类")
    assert li.commitChanges(), li.commitErrors()
    assert _row(uri, "name", "target", "row_version", "updated_by") == ("沙河甲镇段（王）", "水质达到III类", 3, "li")


def test_change_log_shows_both_users_edits(shared_segment):
    import psycopg2

    server, uri, dbname = shared_segment
    for login, field, value in (("wang", "name", "王改"), ("li", "target", "李改")):
        vl = _user_layer(server, dbname, login)
        vl.startEditing()
        f = _feature(vl)
        vl.changeAttributeValue(f.id(), vl.fields().indexOf(field), value)
        assert vl.commitChanges(), vl.commitErrors()
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT changed_by, action, old_values, new_values FROM hz_sys.change_log "
                    "WHERE layer = 'segments' AND row_key = %s ORDER BY fid", (SEG,))
        rows = cur.fetchall()
    con.close()
    assert rows[0][:2] == ("postgres", "insert")
    assert rows[0][3]["name"] == "沙河甲镇段" and rows[0][3]["geom"]["type"] == "MultiLineString"
    assert rows[1:] == [("wang", "update", {"name": "沙河甲镇段"}, {"name": "王改"}),
                        ("li", "update", {"target": None}, {"target": "李改"})]


def test_town_editor_cannot_save_another_towns_segment(shared_segment):
    server, uri, dbname = shared_segment
    zhao = _user_layer(server, dbname, "zhao")
    zhao.startEditing()
    f = _feature(zhao)
    zhao.changeAttributeValue(f.id(), zhao.fields().indexOf("name"), "改名")
    assert not zhao.commitChanges()
    errors = "\n".join(zhao.commitErrors())
    assert "not in your area" in errors and "不在您的管辖范围内" in errors
    assert TOWN_A in errors and "甲镇" in errors and "411171102" in errors
    assert zhao.isModified()
    assert _row(uri, "name", "row_version") == ("沙河甲镇段", 1)


def test_algorithms_migrate_adduser_history(workspace_path, pg_database, processing_ready, tmp_path):
    """hezhang:migrateworkspace, hezhang:adduser and hezhang:history through Processing, and
    "who changed segment X between D1 and D2" on both backends."""
    import datetime as dt

    import psycopg2
    from qgis import processing
    from qgis.core import QgsProcessingException, QgsVectorLayer

    server, uri, dbname = pg_database
    res = processing.run("hezhang:migrateworkspace", {"INPUT": workspace_path, "OUTPUT": uri})
    assert res["OUTPUT"] == uri
    with pytest.raises(QgsProcessingException, match="already holds a Hezhang workspace"):
        processing.run("hezhang:migrateworkspace", {"INPUT": workspace_path, "OUTPUT": uri})
    _seed(uri)

    with pytest.raises(QgsProcessingException, match="town code"):
        processing.run("hezhang:adduser", {"WORKSPACE": uri, "LOGIN": "sun", "ROLE": 2, "UNIT_CODE": DISTRICT})
    processing.run("hezhang:adduser", {"WORKSPACE": uri, "LOGIN": "sun", "ROLE": 2, "UNIT_CODE": TOWN_B})
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT pg_has_role('sun', 'hezhang_town_editor', 'MEMBER'), "
                    "pg_has_role('sun', 'hezhang_district_manager', 'MEMBER'), "
                    "(SELECT unit_prefix FROM hz_sys.users WHERE login = 'sun')")
        assert cur.fetchone() == (True, False, "411171102")
    con.close()
    # sun may edit town B's rows only: moving the town-A segment into town B is refused too.
    sun = _user_layer(server, dbname, "sun")
    sun.startEditing()
    f = _feature(sun)
    sun.changeAttributeValue(f.id(), sun.fields().indexOf("unit_code"), TOWN_B)
    assert not sun.commitChanges() and "not in your area" in "\n".join(sun.commitErrors())
    sun.rollBack()

    processing.run("hezhang:adduser", {"WORKSPACE": uri, "LOGIN": "wang", "ROLE": 2, "UNIT_CODE": TOWN_A})
    wang = _user_layer(server, dbname, "wang")
    wang.startEditing()
    f = _feature(wang)
    wang.changeAttributeValue(f.id(), wang.fields().indexOf("valid_to"), "2024-06-30")
    assert wang.commitChanges(), wang.commitErrors()

    cst_today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # days are China's
    today = cst_today.isoformat()
    out = str(tmp_path / "history.csv")
    processing.run("hezhang:history", {"WORKSPACE": uri, "START": today, "END": today,
                                       "LAYER": 2, "KEY": SEG, "OUTPUT": out})
    rows = [f.attributes() for f in QgsVectorLayer(out, "h", "ogr").getFeatures()]
    assert [r[1] for r in rows if r[4] == "end"] == ["wang"]
    assert [r[5:] for r in rows if r[4] == "end"] == [["valid_to", "", "2024-06-30"]]
    assert {r[1] for r in rows if r[4] == "insert"} == {"postgres"}
    # A day before: nothing.
    yesterday = (cst_today - dt.timedelta(days=1)).isoformat()
    processing.run("hezhang:history", {"WORKSPACE": uri, "START": yesterday, "END": yesterday,
                                       "OUTPUT": str(tmp_path / "none.csv")})
    assert QgsVectorLayer(str(tmp_path / "none.csv"), "h", "ogr").featureCount() == 0

    # The same question on the GeoPackage, whose change log triggers write the same shape.
    from shapely.geometry import MultiLineString

    from hezhang_plugin.data import io as wio

    wio.write_rows(workspace_path, "segments", [{"seg_code": SEG, "river_code": "R1", "name": "甲段",
                                                 "bank": "both", "unit_code": TOWN_A, "valid_from": "2024-01-01",
                                                 "geom": MultiLineString([[(113.0, 33.0), (113.1, 33.0)]])}])
    fid = wio.read_rows(workspace_path, "segments", with_geometry=False)[0]["fid"]
    wio.write_rows(workspace_path, "segments", [{"fid": fid, "valid_to": "2024-06-30"}], update_by_fid=True)
    out = str(tmp_path / "history_gpkg.csv")
    processing.run("hezhang:history", {"WORKSPACE": workspace_path, "START": today, "END": today,
                                       "LAYER": 2, "KEY": SEG, "OUTPUT": out})
    rows = [f.attributes() for f in QgsVectorLayer(out, "h", "ogr").getFeatures()]
    assert [r[4:] for r in rows if r[4] == "end"] == [["end", "valid_to", "", "2024-06-30"]]
    assert ["insert", "name", "", "甲段"] in [r[4:] for r in rows]


def test_batch_write_takes_the_same_path(shared_segment):
    """A batch (the plugin's write path) that read a row before someone else saved it is
    refused whole, naming who changed it; read again, it succeeds."""
    import psycopg2

    from hezhang_plugin.data.postgres import connection, rows

    server, uri, dbname = shared_segment
    wang_uri = server.add_service(f"{dbname}_wang", dbname, "wang")
    li_uri = server.add_service(f"{dbname}_li", dbname, "li")
    batch = rows.read_rows(wang_uri, "segments")
    assert batch[0]["row_version"] == 1 and batch[0]["geom"].geom_type == "MultiLineString"
    # li saves in between (an unmodified QGIS or any client that does not send a version)
    con = psycopg2.connect(li_uri)
    with con.cursor() as cur:
        cur.execute("UPDATE hz_data.segments SET start_name = '周庄' WHERE seg_code = %s", (SEG,))
    con.commit()
    con.close()
    new_row = {"seg_code": "411171000002", "river_code": "R1", "name": "新段", "bank": "both",
               "unit_code": TOWN_A, "valid_from": "2024-07-01"}
    with pytest.raises(connection.ConflictError, match="was changed by li"):
        rows.write_rows(wang_uri, "segments", [new_row, {**batch[0], "end_name": "李庄"}], update_by_fid=True)
    assert [r["seg_code"] for r in rows.read_rows(uri, "segments", with_geometry=False)] == [SEG]
    fresh = rows.read_rows(wang_uri, "segments")[0]
    assert fresh["row_version"] == 2 and fresh["start_name"] == "周庄"
    rows.write_rows(wang_uri, "segments", [new_row, {"fid": fresh["fid"], "row_version": 2, "end_name": "李庄"}],
                    update_by_fid=True)
    got = {r["seg_code"]: r for r in rows.read_rows(uri, "segments", with_geometry=False)}
    assert got[SEG]["start_name"] == "周庄" and got[SEG]["end_name"] == "李庄" and got[SEG]["row_version"] == 3
    assert got["411171000002"]["created_by"] == "wang" and got["411171000002"]["row_version"] == 1
    # and outside the area, the batch is refused naming the unit
    with pytest.raises(connection.NotInAreaError, match="not in your area"):
        rows.write_rows(wang_uri, "segments", [{**new_row, "seg_code": "411171000003", "unit_code": TOWN_B}])


def test_conflict_reload_and_reapply_keeps_both_edits(shared_segment):
    """The dock's offer after a refused save: the conflicting feature is named with who changed
    it, and reapplying keeps this user's field on top of the other user's saved change."""
    from hezhang_plugin.data.postgres import conflicts

    server, uri, dbname = shared_segment
    wang = _user_layer(server, dbname, "wang")
    li = _user_layer(server, dbname, "li")
    wang.startEditing()
    li.startEditing()
    fw, fl = _feature(wang), _feature(li)
    wang.changeAttributeValue(fw.id(), wang.fields().indexOf("name"), "王改名")
    li.changeAttributeValue(fl.id(), li.fields().indexOf("target"), "李定目标")
    li.changeAttributeValue(fl.id(), li.fields().indexOf("start_name"), "李庄")
    assert wang.commitChanges(), wang.commitErrors()
    assert not li.commitChanges()
    found = conflicts.conflicts(li)
    assert [(c.fid, c.claimed, c.stored, c.updated_by) for c in found] == [(fl.id(), 1, 2, "wang")]
    assert set(found[0].fields) == {"target", "start_name"}
    assert conflicts.reapply(li, fl.id())
    assert conflicts.conflicts(li) == []
    assert li.commitChanges(), li.commitErrors()
    assert _row(uri, "name", "target", "start_name", "row_version") == ("王改名", "李定目标", "李庄", 3)


def test_editor_adds_a_feature_in_area_and_is_stamped(shared_segment):
    """A new segment drawn by a town editor in QGIS gets its uid, version 1 and creator from
    the server; the same in another town is refused; rivers are for district managers."""
    import uuid

    from qgis.core import QgsFeature, QgsGeometry

    server, uri, dbname = shared_segment
    wang = _user_layer(server, dbname, "wang")
    wang.startEditing()
    f = QgsFeature(wang.fields())
    for name, value in (("seg_code", "411171000009"), ("river_code", "R1"), ("name", "新段"), ("bank", "both"),
                        ("unit_code", TOWN_A), ("valid_from", "2024-07-01")):
        f[name] = value
    f.setGeometry(QgsGeometry.fromWkt("MultiLineString ((113.1 33.0, 113.2 33.0))"))
    assert wang.addFeature(f)
    assert wang.commitChanges(), wang.commitErrors()
    import psycopg2

    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT uid, row_version, created_by, updated_by FROM hz_data.segments "
                    "WHERE seg_code = '411171000009'")
        uid, version, created_by, updated_by = cur.fetchone()
    con.close()
    assert uuid.UUID(str(uid)).version == 4 and version == 1 and created_by == updated_by == "wang"

    wang.startEditing()
    g = QgsFeature(wang.fields())
    for name, value in (("seg_code", "411171000010"), ("river_code", "R1"), ("name", "越界段"), ("bank", "both"),
                        ("unit_code", TOWN_B), ("valid_from", "2024-07-01")):
        g[name] = value
    assert wang.addFeature(g)
    assert not wang.commitChanges()
    assert "not in your area" in "\n".join(wang.commitErrors())
    wang.rollBack()

    # Rivers belong to no unit: a town editor has no right to change them, and QGIS, seeing
    # the table's privileges, does not even offer to edit the layer.
    from qgis.core import QgsVectorDataProvider

    rivers = _user_layer(server, dbname, "wang", "rivers")
    assert not rivers.dataProvider().capabilities() & QgsVectorDataProvider.ChangeAttributeValues
    assert not rivers.startEditing()
    manager = _user_layer(server, dbname, "postgres", "rivers")
    assert manager.dataProvider().capabilities() & QgsVectorDataProvider.ChangeAttributeValues


def test_backend_interface_on_postgres(shared_segment):
    """data.backend.open_workspace("service=…"): reads, change sets in one transaction with
    optimistic locking by expected_version, area refusals, read-only logins."""
    import psycopg2

    from hezhang_plugin.core.changes import ChangeSet, by_key
    from hezhang_plugin.data import backend, io
    from hezhang_plugin.data.postgres import users

    server, uri, dbname = shared_segment
    wang_uri = server.add_service(f"{dbname}_wang", dbname, "wang")
    ws = backend.open_workspace(wang_uri)
    assert ws.kind == "postgres" and not ws.read_only
    assert ws.layer_crs("segments") == "EPSG:4490" and ws.layer_crs("chiefs") is None
    seg = ws.read_rows("segments")[0]
    assert seg["seg_code"] == SEG and seg["geom"].length > 0.09
    assert [u["code"] for u in ws.read_rows("admin_units", where="level = 'town'", with_geometry=False)] == [
        TOWN_A, TOWN_B]
    source, provider = ws.layer_source("segments")
    assert provider == "postgres" and ws.layer_name(source) == "segments" and ws.owns_source(source)
    assert ws.layer_name(source.replace(f"service='{dbname}_wang'", "service='other'")) is None

    cs = ChangeSet("test")
    cs.insert("chiefs", {"chief_id": "C1", "name": "王五", "level": "town", "role": "chief", "unit_code": TOWN_A,
                         "active": True})
    cs.update("segments", by_key("segments", SEG), {"start_name": "周庄"}, expected_version=seg["row_version"])
    result = ws.apply(cs)
    assert result.count() == 2 and len(result.inserted_fids["chiefs"]) == 1
    # A second change set made from the same (now stale) read is refused whole.
    stale = ChangeSet("stale")
    stale.insert("chiefs", {"chief_id": "C2", "name": "赵六", "level": "town", "role": "chief",
                            "unit_code": TOWN_A, "active": True})
    stale.end("segments", by_key("segments", SEG), valid_to="2024-06-30", expected_version=seg["row_version"])
    with pytest.raises(backend.ConflictError, match="was changed by wang"):
        ws.apply(stale)
    assert [c["chief_id"] for c in ws.read_attributes("chiefs")] == ["C1"]
    other_town = ChangeSet("other").update("segments", by_key("segments", SEG), {"unit_code": TOWN_B})
    with pytest.raises(io.WriteError, match="not in your area"):
        ws.apply(other_town)

    users.add_user(uri, "reader", "viewer", None)
    ro = backend.open_workspace(server.add_service(f"{dbname}_reader", dbname, "reader"))
    assert ro.read_only and len(ro.read_rows("segments")) == 1
    with pytest.raises(backend.ReadOnlyError):
        ro.apply(ChangeSet("x").update("segments", by_key("segments", SEG), {"name": "改"}))
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT start_name, row_version, valid_to FROM hz_data.segments")
        assert cur.fetchone() == ("周庄", 2, None)
    con.close()
