"""Data and helpers of the PostgreSQL tests: a seeded segment and QGIS layers per login."""

from __future__ import annotations

from hezhang_plugin.core import schema

DISTRICT = "411171000000"
TOWN_A = "411171101000"
TOWN_B = "411171102000"
SEG = "411171000001"


def _seed(uri):
    """Units, a river and one segment in town A, written by the workspace owner."""
    import psycopg2

    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        for code, name, level, parent in ((DISTRICT, "测试区", "district", None),
                                          (TOWN_A, "甲镇", "town", DISTRICT), (TOWN_B, "乙镇", "town", DISTRICT)):
            cur.execute("INSERT INTO hz_data.admin_units (code, name, level, parent_code) VALUES (%s, %s, %s, %s)",
                        (code, name, level, parent))
        cur.execute("INSERT INTO hz_data.rivers (river_code, name) VALUES ('R1', '沙河')")
        cur.execute("INSERT INTO hz_data.segments (seg_code, river_code, name, bank, unit_code, valid_from, geom) "
                    "VALUES (%s, 'R1', '沙河甲镇段', 'both', %s, '2024-01-01', "
                    "ST_GeomFromText('MULTILINESTRING((113.0 33.0, 113.1 33.0))', 4490))", (SEG, TOWN_A))
    con.commit()
    con.close()


def _user_layer(server, dbname, login, layer="segments"):
    """The layer as QGIS loads it for ``login`` (a service of its own), with the project's
    defaults (row version claimed on update)."""
    from qgis.core import QgsVectorLayer

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data.postgres import qgis_sources

    svc = server.add_service(f"{dbname}_{login}", dbname, login)
    vl = QgsVectorLayer(qgis_sources.layer_source(svc, layer), login, "postgres")
    assert vl.isValid(), login
    wsproject.configure_fields(vl, schema.layer(layer), {}, "zh")
    return vl


def _feature(vl, seg_code=SEG):
    from qgis.core import QgsFeatureRequest

    return next(vl.getFeatures(QgsFeatureRequest().setFilterExpression(f"\"seg_code\" = '{seg_code}'")))


def _row(uri, *cols):
    import psycopg2

    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT " + ", ".join(cols) + " FROM hz_data.segments WHERE seg_code = %s", (SEG,))
        row = cur.fetchone()
    con.close()
    return row
