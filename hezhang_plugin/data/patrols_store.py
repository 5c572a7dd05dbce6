"""Patrols in a workspace GeoPackage: write tracks (lines with times as measures) and their
matched segments in one transaction, read them back quickly (SQLite, read-only).

Track geometries are read from the GeoPackage binary blobs directly: shapely 2.0 drops
measures, and OGR feature iteration is far slower for a year of tracks.
"""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Callable, Iterable, Iterator, Optional, Sequence

from hezhang_plugin.core import schema, uris
from hezhang_plugin.core.tracks import linestring_m_from_wkb
from hezhang_plugin.data import io


def _connect(path: str) -> sqlite3.Connection:
    return sqlite3.connect(uris.sqlite_uri(path, mode="ro"), uri=True)


def _has_table(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def gpkg_blob_wkb(blob: bytes) -> Optional[bytes]:
    """The WKB inside a GeoPackage geometry blob (None for an empty geometry)."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & 0x10:
        return None
    env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((flags >> 1) & 0x07, 0)
    return bytes(blob[8 + env:])


def _columns(layer: str, con: sqlite3.Connection) -> list[str]:
    have = {r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')}  # nosec B608 - schema name
    return [f.name for f in schema.layer(layer).fields if f.name in have]


def _fix_row(layer: str, row: dict) -> dict:
    for f in schema.layer(layer).fields:
        v = row.get(f.name)
        if v is None:
            continue
        if f.type == "boolean":
            row[f.name] = bool(v)
        elif f.type == "datetime":
            row[f.name] = str(v).replace(" ", "T").rstrip("Z")[:19]
        elif f.type == "date":
            row[f.name] = str(v)[:10]
    return row


def read_table(path: str, layer: str, where: str = "", params: Sequence = ()) -> list[dict]:
    """Attribute rows (fid included) of a patrol table; ``where`` is SQL written by the
    caller from constants with ``?`` parameters, never user text."""
    con = _connect(path)
    try:
        if not _has_table(con, layer):
            return []
        cols = ["fid", *_columns(layer, con)]
        sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{layer}"'  # noqa: S608  # nosec B608
        if where:
            sql += " WHERE " + where
        return [_fix_row(layer, dict(zip(cols, r))) for r in con.execute(sql, tuple(params))]
    finally:
        con.close()


def read_patrols(path: str, first_day: Optional[str] = None, last_day: Optional[str] = None,
                 with_track: bool = False, chief_ids: Optional[Iterable[str]] = None,
                 patrol_ids: Optional[Iterable[str]] = None) -> list[dict]:
    """Patrol rows with ``patrol_date`` in ``first_day``..``last_day`` (inclusive, either
    open), of the given chiefs or patrols when given; with ``with_track`` each row has ``x``,
    ``y`` (workspace CRS) and ``m`` (epoch seconds) arrays of its track."""
    where, params = [], []
    if first_day:
        where.append("patrol_date >= ?")
        params.append(first_day)
    if last_day:
        where.append("patrol_date <= ?")
        params.append(last_day)
    for column, values in (("chief_id", chief_ids), ("patrol_id", patrol_ids)):
        if values is not None:
            values = list(values)
            where.append(f"{column} IN (" + ",".join("?" * len(values)) + ")")
            params.extend(values)
    rows = read_table(path, "patrols", " AND ".join(where), params)
    if with_track and rows:
        con = _connect(path)
        try:
            # The filter is built above from constant column names and ``?`` parameters only.
            sql = 'SELECT fid, geom FROM "patrols"' + (" WHERE " + " AND ".join(where) if where else "")  # noqa: S608  # nosec B608
            geoms = dict(con.execute(sql, tuple(params)))
        finally:
            con.close()
        for row in rows:
            wkb = gpkg_blob_wkb(geoms.get(row["fid"]))
            if wkb is None:
                row["x"] = row["y"] = row["m"] = None
            else:
                row["x"], row["y"], row["m"] = linestring_m_from_wkb(wkb)
    return rows


def read_rules(path: str) -> list[dict]:
    return read_table(path, "patrol_rules")


@contextlib.contextmanager
def writer(path: str) -> Iterator[Callable[[Sequence[dict], Sequence[dict]], int]]:
    """A function writing patrols and their segment rows inside ONE GeoPackage transaction,
    committed when the block ends and rolled back (nothing written) when it raises."""
    with io.transaction(path) as ds:
        def write(patrols: Sequence[dict], patrol_segments: Sequence[dict]) -> int:
            n = io.write_to(ds, "patrols", patrols)
            io.write_to(ds, "patrol_segments", patrol_segments)
            return n

        yield write
