"""Reading and writing workspace tables as plain rows and shapely geometries (via OGR).

Batch operations (segmentation, imports, checks, exports) read whole tables at once and
write their results in a single GeoPackage transaction: either all rows land or none.
"""

from __future__ import annotations

import contextlib
import operator
from typing import Any, Iterable, Iterator, Optional, Sequence

import numpy as np
from osgeo import ogr, osr

from hezhang_plugin.core.gdalerrors import close_dataset, exceptions_on, gdal_exceptions
from hezhang_plugin.core.messages import HezhangError


class WriteError(HezhangError):
    """A batch write that was rolled back; the message names the row that failed
    (``text(lang)`` in either language)."""


@contextlib.contextmanager
def open_gpkg(path: str, update: bool = False) -> Iterator[ogr.DataSource]:
    """The GeoPackage at ``path`` opened with OGR; GDAL errors raise inside the block
    (core.gdalerrors: the plugin's own calls only)."""
    with exceptions_on():
        ds = ogr.Open(path, 1 if update else 0)
        if ds is None:
            raise OSError(f"cannot open {path}")
        try:
            yield ds
        finally:
            ds = None


@gdal_exceptions
def layer_crs(path: str, layer: str) -> Optional[str]:
    with open_gpkg(path) as ds:
        srs = ds.GetLayerByName(layer).GetSpatialRef()
        if srs is None:
            return None
        srs.AutoIdentifyEPSG()
        code = srs.GetAuthorityCode(None)
        return f"EPSG:{code}" if code else srs.ExportToWkt()


def _value(feat: ogr.Feature, i: int, defn: ogr.FieldDefn) -> Any:
    if not feat.IsFieldSetAndNotNull(i):
        return None
    t = defn.GetType()
    if t == ogr.OFTInteger and defn.GetSubType() == ogr.OFSTBoolean:
        return bool(feat.GetFieldAsInteger(i))
    if t in (ogr.OFTInteger, ogr.OFTInteger64):
        return feat.GetFieldAsInteger64(i)
    if t == ogr.OFTReal:
        return feat.GetFieldAsDouble(i)
    if t == ogr.OFTDate:
        y, m, d, *_ = feat.GetFieldAsDateTime(i)
        return f"{y:04d}-{m:02d}-{d:02d}"
    if t == ogr.OFTDateTime:
        y, m, d, hh, mm, ss, _tz = feat.GetFieldAsDateTime(i)
        return f"{y:04d}-{m:02d}-{d:02d}T{hh:02d}:{mm:02d}:{int(ss):02d}"
    return feat.GetFieldAsString(i)


@gdal_exceptions
def read_rows(path: str, layer: str, where: Optional[str] = None,
              with_geometry: bool = True) -> list[dict]:
    """All rows of a table as dicts (``fid`` included; ``geom`` as a shapely geometry
    or None when the layer is spatial and ``with_geometry``). ``where`` is an OGR
    attribute filter written by the caller from constants, never from user text."""
    import shapely

    rows = []
    wkbs = []
    with open_gpkg(path) as ds:
        lyr = ds.GetLayerByName(layer)
        if lyr is None:
            raise KeyError(f"{path} has no layer {layer}")
        if where:
            lyr.SetAttributeFilter(where)
        defn = lyr.GetLayerDefn()
        fdefs = [defn.GetFieldDefn(i) for i in range(defn.GetFieldCount())]
        names = [d.GetName() for d in fdefs]
        spatial = with_geometry and lyr.GetGeomType() != ogr.wkbNone
        for feat in lyr:
            row = {"fid": feat.GetFID()}
            for i, name in enumerate(names):
                row[name] = _value(feat, i, fdefs[i])
            if spatial:
                g = feat.GetGeometryRef()
                wkbs.append(bytes(g.ExportToIsoWkb()) if g is not None and not g.IsEmpty() else None)
            rows.append(row)
    if spatial:
        geoms = shapely.from_wkb(np.array(wkbs, dtype=object))
        for row, g in zip(rows, geoms):
            row["geom"] = g
    return rows


def _set_fields(feat: ogr.Feature, row: dict, names) -> None:
    """Set the fields of ``feat`` a row names; ``names`` maps field name → index (the index is
    looked up once per layer: GDAL's by-name setters search the field list in Python on every
    call). Text and integer values go straight to their typed setter."""
    for k, v in row.items():
        i = names.get(k) if k not in ("fid", "geom") else None
        if i is None:
            continue
        kind = type(v)
        if v is None:
            feat.SetFieldNull(i)
        elif kind is str:
            feat.SetFieldString(i, v)
        elif kind is bool:
            feat.SetField(i, int(v))
        elif kind is int:
            feat.SetFieldInteger64(i, v)
        else:
            feat.SetField(i, v)


#: Fields that name a row in error messages, in order of preference.
_ROW_KEYS = ("seg_code", "chief_id", "board_code", "code", "river_code")


def _row_failed(layer: str, n: int, row: dict, error) -> WriteError:
    """The error naming row ``n`` of ``layer`` (by its code when it has one)."""
    from hezhang_plugin.core import schema
    from hezhang_plugin.core.messages import Text

    key = next((row[k] for k in _ROW_KEYS if row.get(k)), None)
    try:
        title = Text(layer, schema.layer(layer).zh)
    except KeyError:
        title = Text(layer)
    return WriteError("write.row_failed", layer=title, n=n, label=f" ({key})" if key else "", error=error)


def _abandon(ds: ogr.DataSource) -> None:
    """Roll back and close ``ds`` now. After a failed COMMIT GDAL forgets the transaction
    ("Transaction not established") while SQLite keeps it, and its lock, open until the
    connection closes; an exception's traceback would keep the data source (and the lock)
    alive, so it is closed here rather than when the last reference goes."""
    with contextlib.suppress(RuntimeError):
        ds.RollbackTransaction()
    close_dataset(ds)  # the callers' references are not used after the failure


@contextlib.contextmanager
def transaction(path: str) -> Iterator[ogr.DataSource]:
    """The workspace opened for writing inside one GeoPackage transaction: committed when
    the block ends, rolled back (nothing written) when it raises.

    Raises :class:`hezhang_plugin.data.gpkg.ReadOnlyWorkspaceError` before anything is done when
    the workspace cannot be written, and :class:`hezhang_plugin.data.gpkg.WorkspaceBusyError`
    (nothing written) when another program's lock keeps the transaction from starting,
    writing or committing.
    """
    from hezhang_plugin.data.gpkg import WorkspaceBusyError, WorkspaceError, check_writable, is_busy_error

    check_writable(path)
    # GDAL's exceptions on for the transaction's own calls (they are scoped, and a generator
    # cannot hold the scope across its yield): a failed COMMIT must raise, not return a code
    ds = ogr.Open(path, 1)
    if ds is None:
        raise OSError(f"cannot open {path}")
    try:
        with exceptions_on():
            ds.StartTransaction()
    except RuntimeError as exc:
        _abandon(ds)
        if is_busy_error(exc):
            raise WorkspaceBusyError(path) from exc
        raise
    try:
        yield ds
    except BaseException as exc:
        _abandon(ds)
        if not isinstance(exc, WorkspaceError) and is_busy_error(exc):
            raise WorkspaceBusyError(path) from exc
        raise
    try:
        with exceptions_on():
            ds.CommitTransaction()
    except RuntimeError as exc:
        _abandon(ds)
        if is_busy_error(exc):
            raise WorkspaceBusyError(path) from exc
        raise
    ds = None


@gdal_exceptions
def write_to(ds: ogr.DataSource, layer: str, rows: Iterable[dict], *, update_by_fid: bool = False,
             delete_fids: Iterable[int] = (), new_fids: Optional[list] = None) -> int:
    """Write rows into ``layer`` of an open data source (inside :func:`transaction`).

    With ``update_by_fid`` a row carrying a ``fid`` updates that feature (only the fields it
    names, and its geometry when it has one); other rows are inserted (their new fids are
    appended to ``new_fids`` when given). ``geom`` may be a shapely geometry.
    :class:`WriteError` names the row that failed.
    """
    import shapely

    from hezhang_plugin.core.messages import Text

    lyr = ds.GetLayerByName(layer)
    if lyr is None:
        raise KeyError(f"the workspace has no layer {layer}")
    defn = lyr.GetLayerDefn()
    names = {defn.GetFieldDefn(i).GetName(): i for i in range(defn.GetFieldCount())}
    gtype = lyr.GetGeomType()
    for fid in delete_fids:
        lyr.DeleteFeature(int(fid))
    count = 0
    rows = list(rows)
    # shapely geometries to WKB in one call
    shapes = [k for k, r in enumerate(rows) if r.get("geom") is not None
              and not isinstance(r["geom"], (bytes, bytearray))]
    wkbs = dict(zip(shapes, shapely.to_wkb(np.array([rows[k]["geom"] for k in shapes], dtype=object)))) \
        if shapes and gtype != ogr.wkbNone else {}
    for n, row in enumerate(rows, start=1):
        update = update_by_fid and row.get("fid") is not None
        if update:
            feat = lyr.GetFeature(int(row["fid"]))
            if feat is None:
                raise _row_failed(layer, n, row, Text(f"no feature with fid {row['fid']}",
                                                      f"没有fid为{row['fid']}的要素"))
        else:
            feat = ogr.Feature(defn)
        _set_fields(feat, row, names)
        geom = row.get("geom")
        if geom is not None and gtype != ogr.wkbNone:
            g = ogr.CreateGeometryFromWkb(bytes(geom) if isinstance(geom, (bytes, bytearray)) else wkbs[n - 1])
            if gtype in (ogr.wkbMultiLineString, ogr.wkbMultiPolygon):
                g = ogr.ForceTo(g, gtype)
            feat.SetGeometry(g)
        try:
            if update:
                lyr.SetFeature(feat)
            else:
                lyr.CreateFeature(feat)
                if new_fids is not None:
                    new_fids.append(feat.GetFID())
        except RuntimeError as exc:
            raise _row_failed(layer, n, row, str(exc)) from exc
        count += 1
    return count


@gdal_exceptions
def write_rows(path: str, layer: str, rows: Iterable[dict], *, delete_fids: Iterable[int] = (),
               delete_all: bool = False, update_by_fid: bool = False) -> int:
    """Insert (or with ``update_by_fid`` update, by each row's ``fid``) rows in one transaction.

    ``delete_fids`` or ``delete_all`` remove rows first, in the same transaction. On any
    failure the transaction is rolled back and :class:`WriteError` names the row. Returns
    the number of rows written.
    """
    with transaction(path) as ds:
        if delete_all:
            lyr = ds.GetLayerByName(layer)
            if lyr is None:
                raise KeyError(f"{path} has no layer {layer}")
            delete_fids = [f.GetFID() for f in lyr]
        return write_to(ds, layer, rows, update_by_fid=update_by_fid, delete_fids=delete_fids)


def read_columns(path: str, layer: str, names: Optional[Sequence[str]] = None) -> dict:
    """Like :func:`read_attributes`, as columns: field name → list of values (``fid`` first);
    only the schema fields in ``names`` when given.

    One list per field instead of one dict per row: at 400,000 appointments a third of the
    time and memory.
    """
    from hezhang_plugin.core import schema
    from hezhang_plugin.data.gpkg import connect_readonly

    names = [n for n in schema.layer(layer).field_names if names is None or n in names]
    with connect_readonly(path) as con:
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')}  # nosec B608
        cols = ["fid"] + [n for n in names if n in have]
        sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{layer}"'  # noqa: S608  # nosec B608
        rows = con.execute(sql).fetchall()
    out = {c: list(map(operator.itemgetter(k), rows)) for k, c in enumerate(cols)}
    for f in schema.layer(layer).fields:
        if f.type == "boolean" and f.name in out:
            out[f.name] = [None if v is None else bool(v) for v in out[f.name]]
    return out


class AppointmentQueries:
    """The appointments of a GeoPackage workspace asked for by date in SQLite (read-only), for
    :class:`hezhang_plugin.core.assignments.Hierarchy`: the levels held on every segment in
    one aggregate query, the rows of a few segments or of one chief when they are shown. The
    rules are core's (validity.sqlite_condition, assignments.held_levels_sqlite)."""

    #: segment codes per query (SQLite's limit on bound values is 999 in old versions)
    CHUNK = 500

    def __init__(self, path: str):
        self.path = path

    def held_levels(self, day: str) -> dict:
        """seg_code → levels held on ``day`` (bits of assignments.LEVEL_BITS)."""
        from hezhang_plugin.core import assignments as amod
        from hezhang_plugin.data.gpkg import connect_readonly

        params = {"day": day, **{f"r{i}": r for i, r in enumerate(amod.LEAD_ROLES)}}
        with connect_readonly(self.path) as con:
            return dict(con.execute(amod.held_levels_sqlite(), params).fetchall())

    def _rows(self, where: str, params: dict) -> list[dict]:
        from hezhang_plugin.core import schema
        from hezhang_plugin.data.gpkg import connect_readonly

        with connect_readonly(self.path) as con:
            have = {r[1] for r in con.execute('PRAGMA table_info("assignments")')}
            cols = ["fid"] + [n for n in schema.layer("assignments").field_names if n in have]
            sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + " FROM assignments WHERE " + where  # noqa: S608  # nosec B608
            return [dict(zip(cols, r)) for r in con.execute(sql, params)]

    def current_of(self, seg_codes, day: str) -> list[dict]:
        """Appointment rows current on ``day`` of these segments."""
        from hezhang_plugin.core import validity

        codes = list(seg_codes)
        out = []
        for k in range(0, len(codes), self.CHUNK):
            part = codes[k:k + self.CHUNK]
            marks = ", ".join(f":s{i}" for i in range(len(part)))
            params = {"day": day, **{f"s{i}": c for i, c in enumerate(part)}}
            out += self._rows(f"seg_code IN ({marks}) AND {validity.sqlite_condition(':day')}", params)
        return out

    def current_of_chief(self, chief_id: str, day: str) -> list[dict]:
        """Appointment rows of a chief current on ``day``."""
        from hezhang_plugin.core import validity

        return self._rows(f"chief_id = :chief AND {validity.sqlite_condition(':day')}",
                          {"day": day, "chief": chief_id})


def read_attributes(path: str, layer: str) -> list[dict]:
    """Attribute rows of a table without geometry, straight from SQLite (read-only).

    Much faster than feature iteration for the large non-spatial tables (appointments);
    table and column names come from the schema, never from user text.
    """
    from hezhang_plugin.core import schema
    from hezhang_plugin.data.gpkg import connect_readonly

    names = schema.layer(layer).field_names
    # Read-only and creating nothing beside the file (a workspace on a read-only share).
    with connect_readonly(path) as con:
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')}  # nosec B608
        cols = ["fid"] + [n for n in names if n in have]
        sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{layer}"'  # noqa: S608  # nosec B608
        rows = [dict(zip(cols, r)) for r in con.execute(sql)]
    booleans = [f.name for f in schema.layer(layer).fields if f.type == "boolean" and f.name in cols]
    for row in rows:
        for b in booleans:
            if row[b] is not None:
                row[b] = bool(row[b])
    return rows


def geometries_to_wkb(geoms: Sequence) -> list:
    import shapely

    return list(shapely.to_wkb(np.asarray(geoms, dtype=object)))


@gdal_exceptions
def srs_of(crs: str) -> osr.SpatialReference:
    srs = osr.SpatialReference()
    srs.SetFromUserInput(crs)
    srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return srs
