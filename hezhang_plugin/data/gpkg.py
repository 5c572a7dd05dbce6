"""GeoPackage workspace tables, written through the system GDAL/OGR.

Creating a workspace writes a temporary file beside the target and renames it into place
only when every table, the metadata row and the project are written, so a failure never
leaves a half-made workspace behind.
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from dataclasses import dataclass
from typing import Optional

from osgeo import ogr, osr

from hezhang_plugin.core import schema, uris
from hezhang_plugin.core.gdalerrors import gdal_exceptions

_GEOM = {
    "MultiPolygon": ogr.wkbMultiPolygon,
    "MultiLineString": ogr.wkbMultiLineString,
    "Point": ogr.wkbPoint,
    None: ogr.wkbNone,
}


class WorkspaceError(Exception):
    """A file that cannot be used as a workspace; the message names the file and why."""


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
    }
    d = ogr.FieldDefn(f.name, kinds[f.type])
    if f.type == "boolean":
        d.SetSubType(ogr.OFSTBoolean)
    if f.length and f.type == "text":
        d.SetWidth(f.length)
    d.SetNullable(not f.not_null)
    if f.unique:
        d.SetUnique(True)
    # SQL-level defaults for constants, so rows inserted outside QGIS get them too.
    if f.type == "boolean" and f.default == "true":
        d.SetDefault("1")
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
        raise WorkspaceError(f"CRS {crs!r} is not an EPSG code")
    code = int(crs[5:])
    if code != 4490 and code not in schema.GK3_CRS_RANGE:
        raise WorkspaceError(
            f"CRS {crs} is not CGCS2000: use EPSG:4490 or a Gauss-Kruger 3-degree zone "
            "EPSG:4534 to EPSG:4554")
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
    return ol


@gdal_exceptions
def create_tables(path: str, district_code: str, district_name: str, crs: str,
                  version: int = schema.SCHEMA_VERSION) -> None:
    """Write every layer of the schema (as of ``version``) and the metadata row."""
    drv = ogr.GetDriverByName("GPKG")
    ds = drv.CreateDataSource(path)
    if ds is None:
        raise WorkspaceError(f"cannot create {path}")
    srs = _srs(crs)
    for lyr in schema.LAYERS:
        if lyr.since <= version:
            create_layer(ds, lyr, srs, version)
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
    ds.FlushCache()
    ds = None


SQLITE_MAGIC = b"SQLite format 3\x00"


def read_workspace_info(path: str) -> WorkspaceInfo:
    """Check that ``path`` is a readable Hezhang workspace and return its metadata.

    Opens read-only: a file that is refused is never modified.
    """
    if not os.path.exists(path):
        raise WorkspaceError(f"{path} does not exist")
    if os.path.isdir(path):
        raise WorkspaceError(f"{path} is a folder, not a GeoPackage file")
    with open(path, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(SQLITE_MAGIC):
        raise WorkspaceError(f"{os.path.basename(path)} is not a GeoPackage (not an SQLite database)")
    page_size = int.from_bytes(head[16:18], "big") or 65536
    if page_size == 1:
        page_size = 65536
    pages = int.from_bytes(head[28:32], "big")
    if pages and os.path.getsize(path) < pages * page_size:
        raise WorkspaceError(
            f"{os.path.basename(path)} is damaged: it is shorter than its header says "
            "(truncated copy or download?)")
    try:
        con = sqlite3.connect(uris.sqlite_uri(path, mode="ro"), uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if "gpkg_contents" not in tables:
                raise WorkspaceError(f"{os.path.basename(path)} is an SQLite database but not a GeoPackage")
            if "hz_meta" not in tables:
                raise WorkspaceError(
                    f"{os.path.basename(path)} is a GeoPackage but not a Hezhang workspace "
                    "(it has no hz_meta table)")
            row = con.execute(
                "SELECT schema_version, district_code, district_name, crs FROM hz_meta LIMIT 1"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(f"{os.path.basename(path)} cannot be read as a GeoPackage: {exc}") from exc
    if row is None or row[0] is None:
        raise WorkspaceError(f"{os.path.basename(path)}: hz_meta has no schema version row")
    version = int(row[0])
    if version > schema.SCHEMA_VERSION:
        raise WorkspaceError(
            f"{os.path.basename(path)} was written by a newer Hezhang (schema version {version}; "
            f"this plugin reads up to version {schema.SCHEMA_VERSION}). Update the plugin to open it.")
    return WorkspaceInfo(path, version, row[1] or "", row[2] or "", row[3] or schema.DEFAULT_CRS)


def table_counts(path: str) -> dict[str, int]:
    """Row count of every schema layer present in the workspace."""
    con = sqlite3.connect(uris.sqlite_uri(path, mode="ro"), uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        out = {}
        for lyr in schema.LAYERS:
            if lyr.name in tables:
                # Identifiers cannot be bound as parameters; these come from the schema only.
                sql = 'SELECT count(*) FROM "%s"' % lyr.name  # noqa: S608, UP031  # nosec B608
                out[lyr.name] = con.execute(sql).fetchone()[0]
        return out
    finally:
        con.close()


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
