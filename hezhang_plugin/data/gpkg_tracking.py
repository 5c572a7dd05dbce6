"""Edit tracking and the change log inside a workspace GeoPackage, kept by SQLite triggers.

The same fields and the same change-log shape as the PostgreSQL workspace
(:mod:`hezhang_plugin.data.postgres.ddl`), so one model serves both backends:

- a new row gets a random (version 4) ``uid``, ``row_version`` 1 and ``created_at``;
- an update counts ``row_version`` up by one and stamps ``updated_at``; an update that sets
  ``row_version`` to ``-v`` (QGIS's default on update, see ``core.schema.TRACKING_FIELDS``)
  is refused unless the stored version is ``v`` — two QGIS sessions on one shared file
  cannot overwrite each other's saves;
- every insert, update, end (``valid_to`` set, or ``active`` cleared) and delete is written
  to ``change_log`` with the changed fields' old and new values as JSON objects (geometry
  as the hex of its GeoPackage blob; PostgreSQL writes GeoJSON there).

Who made a change is what QGIS put into ``created_by``/``updated_by`` (the default
``@user_account_name``): a GeoPackage has no logins. Triggers are generated from
``core.schema`` only; no user text reaches the SQL.
"""

from __future__ import annotations

from osgeo import ogr

from hezhang_plugin.core import schema

NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
#: A random RFC 4122 version-4 UUID in SQLite's own functions.
UUID4 = ("(lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
         "substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
         "substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))))")

#: Tracking fields left out of the logged differences (they change on every write).
_NOISE = ("row_version", "updated_at", "updated_by")

CONFLICT_MESSAGE = ("hezhang: {layer}: this row was changed by someone else after you loaded it; "
                    "reload it and apply your edit again / 该记录在您加载后已被他人修改，请重新加载后再编辑")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def tracked_layers() -> list[schema.Layer]:
    """Layers carrying the tracking fields (``core.schema.TRACKING_FIELDS``)."""
    return [lyr for lyr in schema.LAYERS if lyr.tracked and "uid" in lyr.field_names]


def _json_value(lyr: schema.Layer, alias: str, name: str) -> str:
    """SQL giving the JSON text of one column (booleans as true/false, geometry as hex)."""
    col = f"{alias}.{_q(name)}"
    if name == "geom":
        return f"CASE WHEN {col} IS NULL THEN 'null' ELSE json_quote(hex({col})) END"
    f = lyr.field(name)
    if f.type == "boolean":
        return f"CASE WHEN {col} IS NULL THEN 'null' WHEN {col} THEN 'true' ELSE 'false' END"
    return f"json_quote({col})"


def _columns(lyr: schema.Layer) -> list[str]:
    cols = [f.name for f in lyr.fields if f.name not in _NOISE]
    if lyr.geometry:
        cols.append("geom")
    return cols


def _row_json(lyr: schema.Layer, alias: str) -> str:
    pairs = ", ".join(f"'{c}', json({_json_value(lyr, alias, c)})" for c in _columns(lyr))
    return f"json_object({pairs})"


def _diff_json(lyr: schema.Layer, side: str) -> str:
    """JSON object of the columns that differ between OLD and NEW, with ``side``'s values."""
    parts = [f"SELECT '{c}' AS k, {_json_value(lyr, side, c)} AS v "
             f"WHERE OLD.{_q(c)} IS NOT NEW.{_q(c)}" for c in _columns(lyr)]
    return f"(SELECT json_group_object(k, json(v)) FROM ({' UNION ALL '.join(parts)}))"  # noqa: S608  # nosec B608 - schema identifiers only


def _end_condition(lyr: schema.Layer) -> str:
    names = lyr.field_names
    conds = []
    if "valid_to" in names:
        conds.append('(OLD."valid_to" IS NULL AND NEW."valid_to" IS NOT NULL)')
    if "active" in names:
        conds.append('(OLD."active" AND NOT NEW."active")')
    return " OR ".join(conds) or "0"


def _insert_actions(lyr: schema.Layer, rows: str) -> list[str]:
    """What a new row gets (uid, version 1, creation time) and its change-log entry, for the
    rows of ``lyr`` matching the condition ``rows`` on ``fid``: the insert trigger's body
    (``fid = NEW.fid``) and :func:`bulk_insert_sql`'s statements are both made here."""
    t = _q(lyr.name)
    key = schema.row_key_field(lyr)
    key_n = f"n.{_q(key)}" if key else "NULL"
    log_cols = ("changed_at, changed_by, layer, row_uid, row_fid, row_key, action, "
                "old_values, new_values")
    # in an UPDATE the right-hand sides read the row as it was inserted (NEW in the trigger)
    return [
        f"""UPDATE {t} SET uid = coalesce(uid, {UUID4}), row_version = 1,
    created_at = coalesce(created_at, {NOW}),
    updated_at = coalesce(updated_at, created_at, {NOW}),
    updated_by = coalesce(updated_by, created_by)
  WHERE {rows}""",  # noqa: S608  # nosec B608 - schema identifiers only
        f"""INSERT INTO change_log ({log_cols})
  SELECT {NOW}, n.created_by, '{lyr.name}', n.uid, n.fid, {key_n}, 'insert', NULL,
         {_row_json(lyr, 'n')}
  FROM {t} n WHERE n.{rows} ORDER BY n.fid""",  # noqa: S608  # nosec B608 - schema identifiers only
    ]


def insert_trigger(lyr: schema.Layer) -> str:
    """The name of ``lyr``'s insert trigger (suspended by bulk inserts, :func:`bulk_insert_sql`)."""
    return f"hz_{lyr.name}_insert"


def new_row_values(rows: list) -> list:
    """For each row dict about to be inserted, the tracking values the insert trigger would
    give it: ``uid`` (its own or a random version-4 UUID), ``row_version`` 1, ``created_at``
    (its own or now, as SQLite's ``strftime('%Y-%m-%dT%H:%M:%fZ', 'now')``), ``updated_at``
    (its own, or its creation time) and ``updated_by`` (its own, or its creator)."""
    import datetime as dt
    import os

    import numpy as np

    n = len(rows)
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    raw = np.frombuffer(os.urandom(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    hx = raw.tobytes().hex()
    out = []
    for k, row in enumerate(rows):
        h = hx[32 * k:32 * k + 32]
        created = row.get("created_at") or now
        out.append({"uid": row.get("uid") or f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
                    "row_version": 1, "created_at": created, "updated_at": row.get("updated_at") or created,
                    "updated_by": row.get("updated_by") or row.get("created_by")})
    return out


def bulk_insert_sql(lyr: schema.Layer, first_fid: int, last_fid: int) -> list[str]:
    """The change-log entries of the rows with fids ``first_fid``..``last_fid``, in one pass,
    as the insert trigger writes them row by row. A bulk insert drops the trigger, inserts its
    rows with :func:`new_row_values`, runs these and creates the trigger again, all in its
    transaction."""
    return _insert_actions(lyr, f"fid BETWEEN {int(first_fid)} AND {int(last_fid)}")[1:]


def trigger_sql(lyr: schema.Layer) -> list[str]:
    """CREATE TRIGGER statements keeping ``lyr``'s tracking fields and change log."""
    t = _q(lyr.name)
    key = schema.row_key_field(lyr)
    key_new = f"NEW.{_q(key)}" if key else "NULL"
    key_old = f"OLD.{_q(key)}" if key else "NULL"
    log_cols = ("changed_at, changed_by, layer, row_uid, row_fid, row_key, action, "
                "old_values, new_values")
    name = lyr.name
    message = CONFLICT_MESSAGE.format(layer=name).replace("'", "''")
    insert = ";\n  ".join(_insert_actions(lyr, "fid = NEW.fid"))
    return [
        f"""CREATE TRIGGER "{insert_trigger(lyr)}" AFTER INSERT ON {t}
BEGIN
  {insert};
END""",  # noqa: S608  # nosec B608 - schema identifiers only
        f"""CREATE TRIGGER "hz_{name}_version_check" BEFORE UPDATE OF row_version ON {t}
WHEN NEW.row_version < 0 AND -NEW.row_version IS NOT OLD.row_version
BEGIN
  SELECT RAISE(ABORT, '{message}');
END""",  # noqa: S608  # nosec B608 - schema identifiers only
        f"""CREATE TRIGGER "hz_{name}_update" AFTER UPDATE ON {t}
WHEN OLD.row_version IS NOT NULL AND (NEW.row_version IS OLD.row_version OR NEW.row_version < 0)
BEGIN
  UPDATE {t} SET row_version = OLD.row_version + 1, updated_at = {NOW},
    uid = OLD.uid, created_at = OLD.created_at, created_by = OLD.created_by
  WHERE fid = NEW.fid;
  INSERT INTO change_log ({log_cols})
  SELECT {NOW}, NEW.updated_by, '{name}', OLD.uid, NEW.fid, {key_new},
         CASE WHEN {_end_condition(lyr)} THEN 'end' ELSE 'update' END,
         {_diff_json(lyr, 'OLD')}, {_diff_json(lyr, 'NEW')}
  WHERE {_diff_json(lyr, 'NEW')} IS NOT NULL;
END""",  # noqa: S608  # nosec B608 - schema identifiers only
        f"""CREATE TRIGGER "hz_{name}_delete" AFTER DELETE ON {t}
BEGIN
  INSERT INTO change_log ({log_cols})
  VALUES ({NOW}, OLD.updated_by, '{name}', OLD.uid, OLD.fid, {key_old}, 'delete',
          {_row_json(lyr, 'OLD')}, NULL);
END""",  # noqa: S608  # nosec B608 - schema identifiers only
    ]


def _existing(ds: ogr.DataSource) -> set[str]:
    return {ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())}


def _execute(ds: ogr.DataSource, sql: str) -> None:
    res = ds.ExecuteSQL(sql)
    if res is not None:
        ds.ReleaseResultSet(res)


def install(ds: ogr.DataSource) -> None:
    """(Re)create the tracking triggers on every tracked table of an open GeoPackage."""
    have = _existing(ds)
    if "change_log" not in have:
        return
    for lyr in tracked_layers():
        if lyr.name not in have:
            continue
        for suffix in ("insert", "version_check", "update", "delete"):
            _execute(ds, f'DROP TRIGGER IF EXISTS "hz_{lyr.name}_{suffix}"')
        for sql in trigger_sql(lyr):
            _execute(ds, sql)


def remove(ds: ogr.DataSource) -> None:
    """Drop the tracking triggers (bulk copies keep the values they copy)."""
    for lyr in tracked_layers():
        for suffix in ("insert", "version_check", "update", "delete"):
            _execute(ds, f'DROP TRIGGER IF EXISTS "hz_{lyr.name}_{suffix}"')


def backfill(ds: ogr.DataSource) -> None:
    """Give rows written before tracking existed a uid, version 1 and a creation time."""
    have = _existing(ds)
    for lyr in tracked_layers():
        if lyr.name not in have:
            continue
        t = _q(lyr.name)
        _execute(ds, f"UPDATE {t} SET uid = coalesce(uid, {UUID4}), row_version = coalesce(row_version, 1), "  # noqa: S608  # nosec B608 - schema identifiers only
                     f"created_at = coalesce(created_at, {NOW}), updated_at = coalesce(updated_at, {NOW})")
