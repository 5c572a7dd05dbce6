"""Create, check and open PostgreSQL workspaces (tables, roles, triggers and stored project).

The database itself (and the PostGIS extension, which needs a superuser on most servers) is
made by the server's administrator; a workspace is created inside it by its owner.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional

from psycopg2 import sql

from hezhang_plugin.core import schema
from hezhang_plugin.data.gpkg import WorkspaceError, WorkspaceInfo
from hezhang_plugin.data.postgres import connection, ddl


def srid_of(crs: str) -> int:
    return int(crs.split(":", 1)[1])


def has_workspace(con) -> bool:
    with con.cursor() as cur:
        cur.execute("SELECT to_regclass('hz_sys.hz_meta') IS NOT NULL")
        return bool(cur.fetchone()[0])


def check_target(con, service: str) -> None:
    """Refuse a database that cannot take a new workspace (one is there, or no PostGIS)."""
    with con.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ANY(%s)", (list(ddl.SCHEMAS),))
        if cur.fetchone()[0]:
            raise WorkspaceError(
                f"service {service}: the database already holds a Hezhang workspace (schemas "
                f"{', '.join(ddl.SCHEMAS)}); give an empty database")
        cur.execute("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'")
        if not cur.fetchone()[0]:
            cur.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'")
            if not cur.fetchone()[0]:
                raise WorkspaceError("postgres.no_postgis", service=service)


def create_in(con, district_code: str, district_name: str, crs: str, *, version: int = schema.SCHEMA_VERSION,
              triggers: bool = True, created: Optional[str] = None, updated: Optional[str] = None) -> None:
    """Create an empty workspace inside the open transaction of ``con`` (nothing committed).

    ``triggers=False`` leaves the triggers out so a bulk copy keeps the values it copies
    (call :func:`finish_in` afterwards).
    """
    with con.cursor() as cur:
        cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        for stmt in ddl.workspace_ddl(srid_of(crs)):
            cur.execute(stmt)
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        cur.execute("INSERT INTO hz_sys.hz_meta (schema_version, district_code, district_name, crs, created, "
                    "updated) VALUES (%s, %s, %s, %s, %s, %s)",
                    (version, district_code, district_name, crs, created or now, updated or now))
    if triggers:
        seed_in(con)
        finish_in(con)


def seed_in(con) -> None:
    """The default rows of a new workspace (core.seeds: problem workflow and rules, the
    default assessment sheets), as a new GeoPackage gets them."""
    from hezhang_plugin.core.seeds import seed_rows

    with con.cursor() as cur:
        for lyr in schema.LAYERS:
            for row in seed_rows(lyr.name):
                names = [k for k, v in row.items() if k in lyr.field_names and v is not None]
                cur.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                    ddl.qualified(lyr.name), sql.SQL(", ").join(sql.Identifier(n) for n in names),
                    sql.SQL(", ").join(sql.Placeholder() * len(names))), [row[n] for n in names])


def finish_in(con) -> None:
    """Triggers, group roles and grants (after any bulk copy, in the same transaction)."""
    with con.cursor() as cur:
        for stmt in ddl.trigger_ddl():
            cur.execute(stmt)
        # Serial keys continue after the highest copied fid.
        for lyr in schema.LAYERS:
            t = ddl.qualified(lyr.name)
            cur.execute(sql.SQL("SELECT setval(pg_get_serial_sequence(%s, 'fid'), "
                                "greatest(1, (SELECT coalesce(max(fid), 0) FROM {})), "
                                "(SELECT count(*) > 0 FROM {}))").format(t, t),
                        (f"{ddl.table_schema(lyr.name)}.{lyr.name}",))
        for stmt in ddl.access_ddl():
            cur.execute(stmt)


def read_workspace_info(uri: str, con=None) -> WorkspaceInfo:
    """Metadata of the PostgreSQL workspace ``service=NAME``; WorkspaceError naming the
    service and the reason when it is not (a readable, not newer) workspace."""
    import psycopg2

    uri = connection.normalise(uri)
    service = connection.service_name(uri)
    own = con is None
    con = con or connection.connect(uri, autocommit=True)
    try:
        if not has_workspace(con):
            raise WorkspaceError("postgres.no_workspace", service=service)
        with con.cursor() as cur:
            cur.execute("SELECT schema_version, district_code, district_name, crs FROM hz_sys.hz_meta "
                        "ORDER BY fid LIMIT 1")
            row = cur.fetchone()
    except psycopg2.Error as exc:
        raise connection.translate(exc, service) from exc
    finally:
        if own:
            con.close()
    if row is None or row[0] is None:
        raise WorkspaceError(f"service {service}: hz_meta has no schema version row")
    version = int(row[0])
    if version > schema.SCHEMA_VERSION:
        raise WorkspaceError("postgres.newer", service=service, version=version, supported=schema.SCHEMA_VERSION)
    if version < schema.SCHEMA_VERSION:
        raise WorkspaceError("postgres.older", service=service, version=version, supported=schema.SCHEMA_VERSION)
    return WorkspaceInfo(uri, version, row[1] or "", row[2] or "", row[3] or schema.DEFAULT_CRS)


def table_counts(uri: str) -> dict[str, int]:
    """Row count of every schema layer of the workspace ``service=NAME``."""
    out = {}
    with connection.transaction(uri) as con, con.cursor() as cur:
        for lyr in schema.LAYERS:
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(ddl.qualified(lyr.name)))
            out[lyr.name] = cur.fetchone()[0]
    return out


def drop_workspace(uri: str) -> None:
    """Remove a workspace's schemas (used to undo a creation that failed after commit)."""
    with connection.transaction(uri) as con, con.cursor() as cur:
        for name in ddl.SCHEMAS:
            cur.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def create_workspace(uri: str, district_code: str, district_name: str, crs: Optional[str] = None,
                     lang: str = "zh") -> WorkspaceInfo:
    """A new, empty workspace in the database of ``service=NAME``, with its QGIS project.

    Tables, roles and triggers are created in one transaction; the project is written into
    the same transaction (see :mod:`.project_store`), so a failure leaves the database as it was.
    """
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data.postgres import project_store
    from hezhang_plugin.data.workspace import _check_district

    uri = connection.normalise(uri)
    service = connection.service_name(uri)
    code = _check_district(district_code, district_name)
    crs = gpkg.check_crs(crs)
    with connection.transaction(uri) as con:
        check_target(con, service)
        create_in(con, code, district_name.strip(), crs)
        content = project_store.build_project_bytes(uri, code, district_name.strip(), crs, lang)
        project_store.put(con, content)
    return read_workspace_info(uri)
