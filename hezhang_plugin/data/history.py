"""The change log of a workspace (GeoPackage or PostgreSQL), one row per changed field.

Both backends log every insert, update, end (``valid_to`` set or ``active`` cleared) and
delete with the changed fields' old and new values as JSON objects (see
``data.gpkg_tracking`` and ``data.postgres.ddl``). This module reads them back in one shape
and answers questions such as "who changed segment X between D1 and D2". Days are calendar
days in China Standard Time (UTC+8), the time the bureaus work in; times are stored in UTC.
"""

from __future__ import annotations

import datetime as _dt
import json
import sqlite3
from dataclasses import dataclass
from typing import Any, Optional

from hezhang_plugin.data.postgres import connection

CST = _dt.timezone(_dt.timedelta(hours=8), "CST")
#: Tracking bookkeeping that is not worth a line of history.
_SKIP = {"uid", "created_at", "created_by"}


@dataclass(frozen=True)
class Change:
    changed_at: str  # "YYYY-MM-DD HH:MM:SS" China Standard Time
    changed_by: str
    layer: str
    row_key: str
    action: str  # insert | update | end | delete
    field: str
    old: Optional[str]
    new: Optional[str]


def _day_bounds(start: Optional[str], end: Optional[str]) -> tuple[Optional[_dt.datetime], Optional[_dt.datetime]]:
    """UTC instants [from, to) covering the CST days ``start`` … ``end`` (inclusive)."""
    def parse(text: str) -> _dt.date:
        try:
            return _dt.date.fromisoformat(text.strip())
        except ValueError as exc:
            raise ValueError(f"date {text!r} is not a date (YYYY-MM-DD)") from exc

    lo = hi = None
    if start:
        lo = _dt.datetime.combine(parse(start), _dt.time(), CST).astimezone(_dt.timezone.utc)
    if end:
        hi = _dt.datetime.combine(parse(end) + _dt.timedelta(days=1), _dt.time(), CST).astimezone(_dt.timezone.utc)
    if lo and hi and hi <= lo:
        raise ValueError(f"the end date {end} is before the start date {start}")
    return lo, hi


def _instant(value: Any) -> _dt.datetime:
    if isinstance(value, _dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=_dt.timezone.utc)
    text = str(value).replace(" ", "T")
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    v = _dt.datetime.fromisoformat(text)
    return v if v.tzinfo else v.replace(tzinfo=_dt.timezone.utc)


def _geometry_text(value: Any) -> Optional[str]:
    """A logged geometry as WKT: GeoJSON (PostgreSQL) or the hex of a GeoPackage blob."""
    import shapely
    from shapely.geometry import shape

    from hezhang_plugin.data.postgres.transfer import gpkg_blob_to_wkb

    if value is None or value == "":
        return None
    if isinstance(value, dict):
        return shape(value).wkt
    return shapely.from_wkb(gpkg_blob_to_wkb(bytes.fromhex(str(value)))).wkt


def _text(name: str, value: Any) -> Optional[str]:
    if name == "geom":
        return _geometry_text(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _expand(when, who, layer, key, action, old, new) -> list[Change]:
    old = json.loads(old) if isinstance(old, str) else (old or {})
    new = json.loads(new) if isinstance(new, str) else (new or {})
    at = _instant(when).astimezone(CST).strftime("%Y-%m-%d %H:%M:%S")
    out = []
    for name in sorted(set(old) | set(new), key=lambda n: (n == "geom", n)):
        if name in _SKIP:
            continue
        o, n = old.get(name), new.get(name)
        if action == "insert" and n is None:
            continue
        out.append(Change(at, who or "", layer, key or "", action, name, _text(name, o), _text(name, n)))
    return out


def read_changes(workspace: str, start: Optional[str] = None, end: Optional[str] = None,
                 layer: Optional[str] = None, key: Optional[str] = None) -> list[Change]:
    """Changes between the days ``start`` and ``end`` (inclusive, CST), oldest first,
    optionally of one layer and one row (its key: seg_code, chief_id, code, ...).

    Raises ValueError for a malformed date, WorkspaceError for an unreadable workspace.
    """
    lo, hi = _day_bounds(start, end)
    rows = _read_pg(workspace, lo, hi, layer, key) if connection.is_postgres(workspace) \
        else _read_gpkg(workspace, lo, hi, layer, key)
    out: list[Change] = []
    for r in rows:
        out += _expand(*r)
    return out


def _read_pg(uri, lo, hi, layer, key) -> list[tuple]:
    with connection.transaction(uri) as con, con.cursor() as cur:
        cur.execute("SELECT changed_at, changed_by, layer, row_key, action, old_values, new_values "
                    "FROM hz_sys.change_log WHERE (%(lo)s::timestamptz IS NULL OR changed_at >= %(lo)s) "
                    "AND (%(hi)s::timestamptz IS NULL OR changed_at < %(hi)s) "
                    "AND (%(layer)s::text IS NULL OR layer = %(layer)s) "
                    "AND (%(key)s::text IS NULL OR row_key = %(key)s) ORDER BY changed_at, fid",
                    {"lo": lo, "hi": hi, "layer": layer, "key": key})
        return cur.fetchall()


def _read_gpkg(path, lo, hi, layer, key) -> list[tuple]:
    from hezhang_plugin.data import gpkg

    gpkg.read_workspace_info(path)
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "change_log" not in tables:
            return []
        rows = con.execute("SELECT changed_at, changed_by, layer, row_key, action, old_values, new_values "
                           "FROM change_log WHERE (? IS NULL OR layer = ?) AND (? IS NULL OR row_key = ?) "
                           "ORDER BY fid", (layer, layer, key, key)).fetchall()
    finally:
        con.close()
    # GeoPackage times are text: filtered here, as instants.
    return [r for r in rows if (lo is None or _instant(r[0]) >= lo) and (hi is None or _instant(r[0]) < hi)]
