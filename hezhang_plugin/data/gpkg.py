"""GeoPackage workspace tables, written through the system GDAL/OGR.

Creating a workspace writes a temporary file beside the target and renames it into place
only when every table, the metadata row and the project are written, so a failure never
leaves a half-made workspace behind.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import sqlite3
from dataclasses import dataclass
from typing import Iterator, Optional

from osgeo import ogr, osr

from hezhang_plugin.core import schema, uris
from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.core.messages import HezhangError

_GEOM = {
    "MultiPolygon": ogr.wkbMultiPolygon,
    "MultiLineString": ogr.wkbMultiLineString,
    "Point": ogr.wkbPoint,
    "LineStringM": ogr.wkbLineStringM,
    None: ogr.wkbNone,
}


class WorkspaceError(HezhangError):
    """A file that cannot be used as a workspace; the message names the file and why.

    ``str(exc)`` is English, ``exc.text(lang)`` the message in the user's language
    (keys ``workspace.*`` of :data:`hezhang_plugin.core.messages.MESSAGES`).
    """


class ReadOnlyWorkspaceError(WorkspaceError):
    """A write to a workspace the user may read but not write (a shared drive, a read-only
    file or folder, a read-only mount); nothing was changed."""

    def __init__(self, path: str):
        super().__init__("workspace.read_only", name=os.path.basename(str(path)) or str(path))
        self.path = path


class WorkspaceBusyError(WorkspaceError):
    """Another program holds a lock on the workspace file (SQLite busy); nothing was changed."""

    def __init__(self, path: str):
        super().__init__("workspace.busy", name=os.path.basename(str(path)) or str(path))
        self.path = path


#: How SQLite and GDAL say that another connection holds the lock (SQLITE_BUSY/LOCKED).
_BUSY_WORDS = ("database is locked", "database table is locked", "sqlite_busy", "database is busy")


def is_busy_error(exc: BaseException) -> bool:
    """True when ``exc`` (sqlite3, GDAL/OGR or QGIS provider text) says the file is locked."""
    text = str(exc).lower()
    return any(w in text for w in _BUSY_WORDS)


def is_read_only(path: str) -> bool:
    """True when the workspace cannot be written: the file or its folder is not writable
    (SQLite writes a journal or WAL file beside the database), or the file system is
    mounted read-only. Uses access(2), which also sees immutable files and read-only mounts."""
    path = os.path.abspath(path)
    folder = os.path.dirname(path) or "."
    return not (os.access(path, os.W_OK) and os.access(folder, os.W_OK))


def check_writable(path: str) -> None:
    """Raise :class:`ReadOnlyWorkspaceError` when ``path`` cannot be written."""
    if is_read_only(path):
        raise ReadOnlyWorkspaceError(path)


def destination_file(destination: str) -> Optional[str]:
    """The GeoPackage file a Processing destination writes into ('ogr:dbname=…', 'x.gpkg|
    layername=…', 'x.gpkg'), or None for other destinations (memory, temporary, other formats)."""
    text = (destination or "").strip()
    if text.startswith("ogr:"):
        m = re.search(r"dbname='((?:[^']|'')*)'", text) or re.search(r"dbname=(\S+)", text)
        text = m.group(1).replace("''", "'") if m else ""
    path = text.split("|", 1)[0]
    return path if path.lower().endswith(".gpkg") else None


def check_destination_writable(destination: str) -> None:
    """Raise :class:`ReadOnlyWorkspaceError` when a Processing destination is a layer of an
    existing GeoPackage that cannot be written (a read-only workspace)."""
    path = destination_file(destination)
    if path and os.path.exists(path):
        check_writable(path)


def check_not_busy(path: str, timeout_s: float = 2.0) -> None:
    """Raise :class:`WorkspaceBusyError` when another program holds a lock that would keep a
    write from committing (a reader in rollback-journal mode, a writer in any mode).

    Takes and releases an exclusive lock without writing anything.
    """
    uri = uris.sqlite_uri(path, mode="rw")
    try:
        con = sqlite3.connect(uri, uri=True, timeout=timeout_s, isolation_level=None)
    except sqlite3.OperationalError:
        return  # cannot open for writing: the writer reports why
    try:
        con.execute("BEGIN EXCLUSIVE")
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if is_busy_error(exc):
            raise WorkspaceBusyError(path) from exc
        raise
    finally:
        con.close()


def is_wal(path: str) -> bool:
    """True when the file is an SQLite database in WAL journal mode."""
    # File format: header bytes 18 and 19 (read and write versions) are 2 in WAL mode.
    with open(path, "rb") as fh:
        head = fh.read(20)
    return len(head) == 20 and head[18] == 2


@contextlib.contextmanager
def connect_readonly(path: str) -> Iterator[sqlite3.Connection]:
    """An SQLite connection that reads ``path`` and leaves nothing behind.

    - A read-only workspace (shared drive): a WAL file opened ``mode=ro`` still needs its
      -shm and -wal files, which cannot be created there; without a -wal file it is opened
      ``immutable`` (nothing created, no lock taken). A -wal file present is read as usual.
    - A writable WAL workspace: ``mode=ro`` would leave -shm and -wal behind (a read-only
      connection may not remove them), so it is opened normally with ``query_only``; the
      last connection to close removes them as SQLite does.
    - Otherwise ``mode=ro``.
    """
    path = os.path.abspath(path)
    wal = path + "-wal"
    read_only = is_read_only(path)
    if read_only:
        has_wal = os.path.exists(wal) and os.path.getsize(wal) > 0
        uri = uris.sqlite_uri(path, mode="ro") if has_wal else uris.sqlite_uri(path, immutable="1")
    else:
        uri = uris.sqlite_uri(path, mode="rw" if is_wal(path) else "ro")
    con = None
    try:
        con = sqlite3.connect(uri, uri=True)
        con.execute("PRAGMA query_only = 1")
        con.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        if con is not None:
            con.close()
        if not read_only or uri.endswith("immutable=1"):
            raise
        con = sqlite3.connect(uris.sqlite_uri(path, immutable="1"), uri=True)
    try:
        yield con
    finally:
        con.close()


@dataclass(frozen=True)
class WorkspaceInfo:
    path: str
    schema_version: int
    district_code: str
    district_name: str
    crs: str


@gdal_exceptions
def _field_defn(f: schema.Field) -> ogr.FieldDefn:
    kinds = {
        "text": ogr.OFTString,
        "integer": ogr.OFTInteger,
        "real": ogr.OFTReal,
        "date": ogr.OFTDate,
        "datetime": ogr.OFTDateTime,
        "boolean": ogr.OFTInteger,
        "uuid": ogr.OFTString,
        "json": ogr.OFTString,
    }
    d = ogr.FieldDefn(f.name, kinds[f.type])
    if f.type == "boolean":
        d.SetSubType(ogr.OFSTBoolean)
    elif f.type == "json":
        d.SetSubType(ogr.OFSTJSON)
    if f.length and f.type in ("text", "uuid"):
        d.SetWidth(f.length)
    d.SetNullable(not f.not_null)
    if f.unique:
        d.SetUnique(True)
    # SQL-level defaults for constants, so rows inserted outside QGIS get them too.
    if f.type == "boolean" and f.default in ("true", "false"):
        d.SetDefault("1" if f.default == "true" else "0")
    elif f.type == "text" and f.default and f.default.startswith("'") and "||" not in f.default:
        d.SetDefault(f.default)
    elif f.type == "date" and f.default == "now()":
        d.SetDefault("CURRENT_DATE")
    return d


@gdal_exceptions
def _srs(crs: str) -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs)
    return srs


@gdal_exceptions
def check_crs(crs: Optional[str]) -> str:
    """The workspace CRS: CGCS2000 geographic or a CGCS2000 3-degree GK zone."""
    crs = (crs or schema.DEFAULT_CRS).strip().upper()
    if not crs.startswith("EPSG:") or not crs[5:].isdigit():
        raise WorkspaceError("workspace.crs_not_epsg", crs=crs)
    code = int(crs[5:])
    if code != 4490 and code not in schema.GK3_CRS_RANGE:
        raise WorkspaceError("workspace.crs_not_cgcs2000", crs=crs)
    return crs


@gdal_exceptions
def create_layer(ds: ogr.DataSource, lyr: schema.Layer, srs: osr.SpatialReference,
                 version: int = schema.SCHEMA_VERSION) -> ogr.Layer:
    """One schema layer (with the fields it has as of ``version``) in an open GeoPackage."""
    opts = ["FID=fid", f"DESCRIPTION={lyr.zh} {lyr.en}", f"IDENTIFIER={lyr.name}"]
    if lyr.geometry:
        opts += ["GEOMETRY_NAME=geom", "SPATIAL_INDEX=YES"]
        ol = ds.CreateLayer(lyr.name, srs, _GEOM[lyr.geometry], options=opts)
    else:
        ol = ds.CreateLayer(lyr.name, None, ogr.wkbNone, options=opts)
    for f in lyr.fields_at(version):
        ol.CreateField(_field_defn(f))
    if lyr.append_only:
        _protect_history(ds, lyr.name)
    return ol


@gdal_exceptions
def _protect_history(ds: ogr.DataSource, name: str) -> None:
    """Triggers refusing to delete or change the rows of a history table."""
    for op in ("DELETE", "UPDATE"):
        # Identifiers come from the schema only, never from user text.
        ds.ExecuteSQL(  # nosec B608
            f'CREATE TRIGGER "{name}_no_{op.lower()}" BEFORE {op} ON "{name}" BEGIN '
            f"SELECT RAISE(ABORT, '{name}: 办理记录只增不删、不可修改 (history rows are never deleted or changed)'); "
            "END")


@gdal_exceptions
def seed_layer(ds: ogr.DataSource, name: str) -> int:
    """Write the default rows of a table just created (core.seeds); returns how many."""
    from hezhang_plugin.core.seeds import seed_rows

    rows = seed_rows(name)
    if not rows:
        return 0
    ol = ds.GetLayerByName(name)
    defn = ol.GetLayerDefn()
    for row in rows:
        feat = ogr.Feature(defn)
        for k, v in row.items():
            if v is None:
                continue
            feat.SetField(k, int(v) if isinstance(v, bool) else v)
        ol.CreateFeature(feat)
    return len(rows)


@gdal_exceptions
def create_tables(path: str, district_code: str, district_name: str, crs: str,
                  version: int = schema.SCHEMA_VERSION) -> None:
    """Write every layer of the schema (as of ``version``) and the metadata row."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(path)
    if ds is None:
        raise WorkspaceError("workspace.cannot_create", path=path)
    srs = _srs(crs)
    for lyr in schema.LAYERS:
        if lyr.since <= version:
            create_layer(ds, lyr, srs, version)
            seed_layer(ds, lyr.name)
    now = _dt.datetime.now().replace(microsecond=0)
    meta = ds.GetLayerByName("hz_meta")
    feat = ogr.Feature(meta.GetLayerDefn())
    feat.SetField("schema_version", version)
    feat.SetField("district_code", district_code)
    feat.SetField("district_name", district_name)
    feat.SetField("crs", crs)
    feat.SetField("created", now.isoformat())
    feat.SetField("updated", now.isoformat())
    meta.CreateFeature(feat)
    if version >= 3:
        from hezhang_plugin.data import gpkg_tracking

        gpkg_tracking.backfill(ds)  # the default rows written above
        gpkg_tracking.install(ds)
    ds.FlushCache()
    ds = None


SQLITE_MAGIC = b"SQLite format 3\x00"


def read_workspace_info(path: str) -> WorkspaceInfo:
    """Check that ``path`` is a readable Hezhang workspace and return its metadata.

    Opens read-only: a file that is refused is never modified.
    """
    if not os.path.exists(path):
        raise WorkspaceError("workspace.missing", path=path)
    if os.path.isdir(path):
        raise WorkspaceError("workspace.is_folder", path=path)
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(SQLITE_MAGIC):
        raise WorkspaceError("workspace.not_sqlite", name=os.path.basename(path))
    page_size = int.from_bytes(head[16:18], "big") or 65536
    if page_size == 1:
        page_size = 65536
    pages = int.from_bytes(head[28:32], "big")
    if pages and os.path.getsize(path) < pages * page_size:
        raise WorkspaceError("workspace.truncated", name=os.path.basename(path))
    try:
        with connect_readonly(path) as con:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "gpkg_contents" not in tables:
                raise WorkspaceError("workspace.not_gpkg", name=os.path.basename(path))
            if "hz_meta" not in tables:
                raise WorkspaceError("workspace.not_hezhang", name=os.path.basename(path))
            row = con.execute(
                "SELECT schema_version, district_code, district_name, crs FROM hz_meta LIMIT 1"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError("workspace.unreadable", name=os.path.basename(path), reason=str(exc)) from exc
    if row is None or row[0] is None:
        raise WorkspaceError("workspace.no_version", name=os.path.basename(path))
    version = int(row[0])
    if version > schema.SCHEMA_VERSION:
        raise WorkspaceError("workspace.newer", name=os.path.basename(path), version=version,
                             supported=schema.SCHEMA_VERSION)
    return WorkspaceInfo(path, version, row[1] or "", row[2] or "", row[3] or schema.DEFAULT_CRS)


def table_counts(path: str) -> dict[str, int]:
    """Row count of every schema layer present in the workspace."""
    with connect_readonly(path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {}
        for lyr in schema.LAYERS:
            if lyr.name in tables:
                # Identifiers cannot be bound as parameters; these come from the schema only.
                sql = 'SELECT count(*) FROM "%s"' % lyr.name  # noqa: S608, UP031  # nosec B608
                out[lyr.name] = con.execute(sql).fetchone()[0]
        return out


def read_project_archive(path: str, name: str) -> Optional[bytes]:
    """The .qgz bytes of the project ``name`` stored in the workspace (QGIS keeps them
    hex-encoded in ``qgis_projects.content``), read without writing; None when absent."""
    with connect_readonly(path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "qgis_projects" not in tables:
            return None
        row = con.execute("SELECT content FROM qgis_projects WHERE name = ?", (name,)).fetchone()
    if row is None or row[0] is None:
        return None
    content = row[0]
    return bytes.fromhex(content) if isinstance(content, str) else bytes(content)


@gdal_exceptions
def touch_updated(ds: ogr.DataSource, version: Optional[int] = None) -> None:
    meta = ds.GetLayerByName("hz_meta")
    meta.ResetReading()
    feat = meta.GetNextFeature()
    feat.SetField("updated", _dt.datetime.now().replace(microsecond=0).isoformat())
    if version is not None:
        feat.SetField("schema_version", version)
    meta.SetFeature(feat)


@gdal_exceptions
def add_layers_since(ds: ogr.DataSource, version: int, crs: str) -> list[str]:
    """Create the layers the schema introduced in ``version`` (``layer:<name>`` each)."""
    added = []
    for lyr in schema.LAYERS:
        if lyr.since == version and ds.GetLayerByName(lyr.name) is None:
            create_layer(ds, lyr, _srs(crs), version)
            seed_layer(ds, lyr.name)
            added.append(f"layer:{lyr.name}")
    return added


@gdal_exceptions
def add_fields_since(ds: ogr.DataSource, version: int) -> list[str]:
    """Add the fields the schema introduced in ``version`` to existing tables."""
    added = []
    for lyr in schema.LAYERS:
        ol = ds.GetLayerByName(lyr.name)
        if ol is None:
            continue
        have = {ol.GetLayerDefn().GetFieldDefn(i).GetName() for i in range(ol.GetLayerDefn().GetFieldCount())}
        for f in lyr.fields:
            if f.since == version and f.name not in have:
                d = _field_defn(f)
                # SQLite cannot add a NOT NULL column without a default to a filled table.
                d.SetNullable(True)
                d.SetUnique(False)
                ol.CreateField(d)
                added.append(f"{lyr.name}.{f.name}")
    return added


def remove_with_sidecars(path: str) -> None:
    """Remove a (temporary) GeoPackage and any SQLite journal files beside it."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
