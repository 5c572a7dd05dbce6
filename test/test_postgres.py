"""The PostgreSQL/PostGIS workspace on a real throwaway server (see test/pgserver.py)."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import schema


@pytest.fixture
def pg_workspace(pg_database, qgis_app):
    """A new empty PostgreSQL workspace for the demo district code: (server, uri, dbname)."""
    from hezhang_plugin.data.postgres import workspace as pgws

    server, uri, dbname = pg_database
    pgws.create_workspace(uri, "411171", "测试区", None)
    return server, uri, dbname


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
    prj = QgsProject()
    assert prj.read(wsproject.project_uri(uri)), prj.error()
    layers = {lyr.name(): lyr for lyr in prj.mapLayers().values()}
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
