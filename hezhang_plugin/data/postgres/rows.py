"""Workspace tables of a PostgreSQL workspace as plain rows (the shape of ``data.io``).

Reading gives the dicts ``data.io.read_rows`` gives for a GeoPackage (``fid``, every field,
``geom`` as a shapely geometry). Writing is the batch write path: one transaction, all or
nothing, through the same triggers as QGIS's edits — the area check, the version check and
the change log. An updated row that carries the ``row_version`` it was read with claims it
(``row_version = -v``), so a row someone else saved in between is refused with
:class:`~.connection.ConflictError` naming who changed it and when, and nothing is written.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
from typing import Any, Iterable, Iterator, Optional

from psycopg2 import sql

from hezhang_plugin.core import schema
from hezhang_plugin.data.postgres import connection, ddl


def _value(f: schema.Field, v: Any) -> Any:
    if v is None:
        return None
    if f.type == "date":
        return v.isoformat()
    if f.type == "datetime":
        return v.astimezone(_dt.timezone.utc).isoformat(timespec="milliseconds") if hasattr(v, "astimezone") else v
    if f.type == "uuid":
        return str(v)
    return v


def read_rows(uri: str, layer: str, with_geometry: bool = True, con=None,
              where: Optional[sql.Composable] = None, params: tuple = ()) -> list[dict]:
    """All rows of ``layer`` as dicts (``geom`` a shapely geometry when spatial and asked).

    ``where`` is a composed SQL condition (psycopg2.sql) with ``%s`` placeholders for
    ``params``; never text from a user.
    """
    import shapely

    lyr = schema.layer(layer)
    cols = [sql.Identifier("fid"), *(sql.Identifier(n) for n in lyr.field_names)]
    spatial = with_geometry and lyr.geometry
    if spatial:
        cols.append(sql.SQL("ST_AsBinary(geom)"))
    q = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(cols), ddl.qualified(layer))
    if where is not None:
        q = q + sql.SQL(" WHERE ") + where
    q = q + sql.SQL(" ORDER BY fid")
    fields = [lyr.field(n) for n in lyr.field_names]
    own = con is None
    con = con or connection.connect(uri)
    try:
        with con.cursor() as cur:
            cur.execute(q, params)
            raw = cur.fetchall()
        if own:
            con.rollback()
    finally:
        if own:
            con.close()
    rows = []
    wkbs = []
    for r in raw:
        row = {"fid": r[0]}
        for i, f in enumerate(fields):
            row[f.name] = _value(f, r[i + 1])
        if spatial:
            wkbs.append(bytes(r[-1]) if r[-1] is not None else None)
        rows.append(row)
    if spatial:
        import numpy as np

        for row, g in zip(rows, shapely.from_wkb(np.array(wkbs, dtype=object))):
            row["geom"] = g
    return rows


@contextlib.contextmanager
def transaction(uri: str) -> Iterator:
    """A connection in one transaction (committed at the end, rolled back on error)."""
    with connection.transaction(uri) as con:
        yield con


def _srid(con, layer: str) -> int:
    with con.cursor() as cur:
        cur.execute("SELECT Find_SRID(%s, %s, 'geom')", (ddl.table_schema(layer), layer))
        return int(cur.fetchone()[0])


def write_to(con, layer: str, rows: Iterable[dict], *, update_by_fid: bool = False,
             delete_fids: Iterable[int] = ()) -> int:
    """Write rows into ``layer`` inside the open transaction of ``con``.

    As ``data.io.write_to``: with ``update_by_fid`` a row with a ``fid`` updates the fields
    it names (and ``geom``), other rows are inserted. An update carrying ``row_version``
    claims it (refused unless it is still the stored version). Returns the rows written.
    """
    import shapely

    lyr = schema.layer(layer)
    names = set(lyr.field_names)
    srid = _srid(con, layer) if lyr.geometry else 0
    t = ddl.qualified(layer)
    count = 0
    with con.cursor() as cur:
        for fid in delete_fids:
            cur.execute(sql.SQL("DELETE FROM {} WHERE fid = %s").format(t), (int(fid),))
        for row in rows:
            values = {k: v for k, v in row.items() if k in names}
            geom = row.get("geom") if lyr.geometry else None
            update = update_by_fid and row.get("fid") is not None
            if update and "row_version" in values and values["row_version"] is not None:
                values["row_version"] = -abs(int(values["row_version"]))
            cols = [sql.Identifier(k) for k in values]
            vals = [sql.Placeholder()] * len(values)
            params = list(values.values())
            if geom is not None:
                cols.append(sql.Identifier("geom"))
                vals.append(sql.SQL("ST_GeomFromWKB(%s, %s)"))
                params += [shapely.to_wkb(geom), srid]
            if update:
                if not cols:
                    continue
                assigns = sql.SQL(", ").join(sql.SQL("{} = {}").format(c, v) for c, v in zip(cols, vals))
                cur.execute(sql.SQL("UPDATE {} SET {} WHERE fid = %s").format(t, assigns),
                            [*params, int(row["fid"])])
                if cur.rowcount != 1:
                    raise connection.WorkspaceError(f"{layer}: no row with fid {row['fid']}")
            else:
                cur.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                    t, sql.SQL(", ").join(cols), sql.SQL(", ").join(vals)), params)
            count += 1
    return count


def write_rows(uri: str, layer: str, rows: Iterable[dict], *, update_by_fid: bool = False,
               delete_fids: Iterable[int] = ()) -> int:
    """:func:`write_to` in a transaction of its own; WorkspaceError (ConflictError,
    NotInAreaError) when the database refuses, and then nothing is written."""
    with transaction(uri) as con:
        return write_to(con, layer, rows, update_by_fid=update_by_fid, delete_fids=delete_fids)
