"""Move a workspace between GeoPackage and PostgreSQL, both ways, verified and all-or-nothing.

Every table of the schema (data, metadata and the change log) is copied row by row with its
``fid``, every attribute value and the geometry's WKB (coordinates bit for bit), and the
tracking fields as they are (the copy runs before the triggers exist, so versions, creators
and times are kept). The QGIS project moves as stored bytes with its layer sources pointed at
the target (:mod:`.project_store`).

Before reporting success the target is read back and compared with the source, row by row.
Into PostgreSQL everything — tables, triggers, roles, project and the comparison — happens in
one transaction, rolled back on any failure; into a GeoPackage everything is written to a
hidden file beside the target, renamed into place only after the comparison. Either way a
failure leaves the target as it was.
"""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import os
import sqlite3
import struct
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Optional

from hezhang_plugin.core import schema
from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.data import gpkg
from hezhang_plugin.data.gpkg import WorkspaceError
from hezhang_plugin.data.postgres import connection, ddl, project_store

Progress = Callable[[float, str], None]


class TransferCancelledError(WorkspaceError):
    pass


@dataclass
class TransferReport:
    source: str
    target: str
    counts: dict[str, int] = field(default_factory=dict)
    project: bool = False

    def summary(self) -> str:
        rows = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"{self.source} → {self.target}: {rows}; project {'copied' if self.project else 'none'}"


# ------------------------------------------------------------------ values

def _columns(lyr: schema.Layer) -> list[str]:
    return ["fid", *lyr.field_names] + (["geom"] if lyr.geometry else [])


def gpkg_blob_to_wkb(blob: Optional[bytes]) -> Optional[bytes]:
    """The WKB inside a GeoPackage geometry blob (GeoPackage 1.2 §2.1.3)."""
    if blob is None:
        return None
    blob = bytes(blob)
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 0x07]
    return blob[8 + envelope:]


def wkb_to_ewkb_hex(wkb: bytes, srid: int) -> str:
    """WKB (ISO or extended, as GDAL writes it for Z and M) → hex EWKB carrying ``srid``
    (PostGIS input for a typed geometry column; M values kept)."""
    little = wkb[0] == 1
    fmt = "<I" if little else ">I"
    gtype = struct.unpack(fmt, wkb[1:5])[0]
    flags = gtype & 0xE0000000
    base = gtype & 0x1FFFFFFF
    if base >= 1000:  # ISO: 1000s = Z, 2000s = M, 3000s = ZM
        dims, base = divmod(base, 1000)
        flags |= (0x80000000 if dims in (1, 3) else 0) | (0x40000000 if dims in (2, 3) else 0)
    gtype = base | flags | 0x20000000
    out = wkb[:1] + struct.pack(fmt, gtype) + struct.pack(fmt, int(srid)) + wkb[5:]
    return out.hex()


def _datetime(value: Any) -> Optional[str]:
    """A datetime as UTC ISO text with milliseconds ('2024-05-01T08:00:00.000+00:00')."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().replace(" ", "T").replace("/", "-")
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        value = _dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    value = value.astimezone(_dt.timezone.utc)
    return value.isoformat(timespec="milliseconds")


def normalise(f: Optional[schema.Field], value: Any) -> Any:
    """One value in the form both backends are compared in."""
    if value is None:
        return None
    if f is None:  # fid
        return int(value)
    if f.type == "boolean":
        return bool(value)
    if f.type == "integer":
        return int(value)
    if f.type == "real":
        return float(value)
    if f.type == "date":
        return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]
    if f.type == "datetime":
        return _datetime(value)
    if f.type == "uuid":
        return str(value).lower()
    if f.type == "json":
        return json.loads(value) if isinstance(value, (str, bytes)) else value
    return str(value)


def _normalise_geom(wkb: Optional[bytes]) -> Optional[bytes]:
    """ISO WKB, little-endian, with every coordinate (Z and M included), through OGR."""
    if wkb is None:
        return None
    from osgeo import ogr

    return bytes(ogr.CreateGeometryFromWkb(bytes(wkb)).ExportToIsoWkb(ogr.wkbNDR))


# ------------------------------------------------------------------ readers

def gpkg_rows(path: str, lyr: schema.Layer) -> Iterator[tuple]:
    """Normalised rows of a GeoPackage table, by fid (raw SQLite values, no OGR rounding)."""
    cols = _columns(lyr)
    fields = [None] + [lyr.field(n) for n in lyr.field_names]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        q = ", ".join(f'"{c}"' for c in cols)
        cur = con.execute(f'SELECT {q} FROM "{lyr.name}" ORDER BY fid')  # noqa: S608  # nosec B608
        for row in cur:
            vals = [normalise(f, v) for f, v in zip(fields, row)]
            if lyr.geometry:
                vals.append(_normalise_geom(gpkg_blob_to_wkb(row[-1])))
            yield tuple(vals)
    finally:
        con.close()


def _pg_select(lyr: schema.Layer) -> str:
    cols = ['"fid"', *(f'"{n}"' for n in lyr.field_names)]
    if lyr.geometry:
        cols.append('ST_AsBinary("geom")')
    return (f"SELECT {', '.join(cols)} FROM {ddl.table_schema(lyr.name)}.\"{lyr.name}\" "  # noqa: S608  # nosec B608
            "ORDER BY fid")


def pg_rows(con, lyr: schema.Layer, batch: int = 5000) -> Iterator[tuple]:
    """Normalised rows of a PostgreSQL table, by fid (a server-side cursor)."""
    fields = [None] + [lyr.field(n) for n in lyr.field_names]
    with con.cursor(name=f"hz_read_{lyr.name}") as cur:
        cur.itersize = batch
        cur.execute(_pg_select(lyr))  # nosec B608 - identifiers of the schema
        for row in cur:
            vals = [normalise(f, v) for f, v in zip(fields, row)]
            if lyr.geometry:
                vals.append(_normalise_geom(bytes(row[-1]) if row[-1] is not None else None))
            yield tuple(vals)


def _compare(lyr: schema.Layer, a: Iterator[tuple], b: Iterator[tuple]) -> int:
    cols = _columns(lyr)
    n = 0
    sentinel = object()
    while True:
        ra, rb = next(a, sentinel), next(b, sentinel)
        if ra is sentinel and rb is sentinel:
            return n
        if ra is sentinel or rb is sentinel:
            raise WorkspaceError(f"verification failed: {lyr.name} has a different number of rows in the target")
        if ra != rb:
            diff = [c for c, x, y in zip(cols, ra, rb) if x != y]
            raise WorkspaceError(f"verification failed: {lyr.name} fid {ra[0]} differs in the target "
                                 f"({', '.join(diff)})")
        n += 1


# ------------------------------------------------------------------ GeoPackage → PostgreSQL

def _csv_value(f: Optional[schema.Field], value: Any) -> str:
    """A value in PostgreSQL's CSV COPY format (unquoted empty = NULL)."""
    if value is None:
        return ""
    if f is not None and f.type == "boolean":
        text = "t" if value else "f"
    elif f is not None and f.type == "datetime":
        text = _datetime(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, bytes):
        text = value.decode("utf-8")
    else:
        text = str(value)
    return '"' + text.replace('"', '""') + '"'


def _copy_layer_to_pg(path: str, con, lyr: schema.Layer, srid: int, check: Callable[[], None]) -> int:
    cols = _columns(lyr)
    fields = [None] + [lyr.field(n) for n in lyr.field_names]
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n = 0
    try:
        q = ", ".join(f'"{c}"' for c in cols)
        cur = src.execute(f'SELECT {q} FROM "{lyr.name}" ORDER BY fid')  # noqa: S608  # nosec B608
        copy_sql = (f"COPY {ddl.table_schema(lyr.name)}.\"{lyr.name}\" ({q}) FROM STDIN WITH (FORMAT csv)")
        while True:
            rows = cur.fetchmany(20000)
            if not rows:
                break
            check()
            buf = _io.StringIO()
            for row in rows:
                parts = [_csv_value(f, v) for f, v in zip(fields, row)]
                if lyr.geometry:
                    wkb = gpkg_blob_to_wkb(row[-1])
                    parts.append("" if wkb is None else wkb_to_ewkb_hex(wkb, srid))
                buf.write(",".join(parts) + "\n")
            buf.seek(0)
            with con.cursor() as pcur:
                pcur.copy_expert(copy_sql, buf)
            n += len(rows)
    finally:
        src.close()
    return n


def _layers_in_gpkg(path: str) -> set[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def _meta_gpkg(path: str) -> dict:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT created, updated FROM hz_meta LIMIT 1").fetchone()
    finally:
        con.close()
    return {"created": _datetime(row[0]) if row else None, "updated": _datetime(row[1]) if row else None}


def gpkg_to_postgres(path: str, uri: str, progress: Optional[Progress] = None,
                     cancelled: Callable[[], bool] = lambda: False) -> TransferReport:
    import psycopg2

    path = os.path.abspath(path)
    uri = connection.normalise(uri)
    service = connection.service_name(uri)
    info = gpkg.read_workspace_info(path)
    if info.schema_version != schema.SCHEMA_VERSION:
        raise WorkspaceError(f"{os.path.basename(path)} has schema version {info.schema_version}: open it in "
                             f"Hezhang once (it is migrated to version {schema.SCHEMA_VERSION}) and move it then")
    content = project_store.get_gpkg(path)
    have = _layers_in_gpkg(path)
    missing = [lyr.name for lyr in schema.LAYERS if lyr.name not in have]
    if missing:
        raise WorkspaceError(f"{os.path.basename(path)} lacks the tables {', '.join(missing)}")
    report = TransferReport(path, uri)
    srid = int(info.crs.split(":")[1])
    layers = [lyr for lyr in schema.LAYERS if lyr.name != "hz_meta"]
    say = progress or (lambda pct, text: None)

    def check():
        if cancelled():
            raise TransferCancelledError("cancelled: nothing was written to the target")

    con = connection.connect(uri)
    try:
        from hezhang_plugin.data.postgres import workspace as pgws

        pgws.check_target(con, service)
        meta = _meta_gpkg(path)
        pgws.create_in(con, info.district_code, info.district_name, info.crs, triggers=False,
                       created=meta["created"], updated=meta["updated"])
        for i, lyr in enumerate(layers):
            say(5 + 60 * i / len(layers), f"copying {lyr.name}")
            report.counts[lyr.name] = _copy_layer_to_pg(path, con, lyr, srid, check)
        say(65, "triggers, roles and grants")
        pgws.finish_in(con)
        if content is not None:
            project_store.put(con, project_store.rewrite(content, uri))
            report.project = True
        say(70, "verifying")
        for lyr in schema.LAYERS:
            check()
            _compare(lyr, gpkg_rows(path, lyr), pg_rows(con, lyr))
        if content is not None:
            _verify_project(content, project_store.get_pg(con), uri)
        con.commit()
    except psycopg2.Error as exc:
        con.rollback()
        raise connection.translate(exc, service) from exc
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
    say(100, "done")
    return report


# ------------------------------------------------------------------ PostgreSQL → GeoPackage

def _ogr_value(f: schema.Field, value: Any) -> Any:
    if value is None:
        return None
    if f.type == "boolean":
        return int(bool(value))
    if f.type == "datetime":
        return _datetime(value)
    if f.type == "date":
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if f.type == "json":
        return json.dumps(value, ensure_ascii=False)
    if f.type == "uuid":
        return str(value)
    return value


@gdal_exceptions  # a failed insert or COMMIT raises rather than returning a code
def _copy_layer_to_gpkg(con, ds, lyr: schema.Layer, check: Callable[[], None]) -> int:
    from osgeo import ogr

    out = ds.GetLayerByName(lyr.name)
    defn = out.GetLayerDefn()
    fields = [lyr.field(n) for n in lyr.field_names]
    n = 0
    ds.StartTransaction()
    try:
        with con.cursor(name=f"hz_copy_{lyr.name}") as cur:
            cur.itersize = 10000
            cur.execute(_pg_select(lyr))  # nosec B608 - identifiers of the schema
            for row in cur:
                if n % 10000 == 0:
                    check()
                feat = ogr.Feature(defn)
                feat.SetFID(int(row[0]))
                for i, f in enumerate(fields):
                    v = _ogr_value(f, row[i + 1])
                    if v is None:
                        feat.SetFieldNull(f.name)
                    else:
                        feat.SetField(f.name, v)
                if lyr.geometry and row[-1] is not None:
                    feat.SetGeometryDirectly(ogr.CreateGeometryFromWkb(bytes(row[-1])))
                out.CreateFeature(feat)
                n += 1
        ds.CommitTransaction()
    except BaseException:
        ds.RollbackTransaction()
        raise
    return n


def postgres_to_gpkg(uri: str, path: str, progress: Optional[Progress] = None,
                     cancelled: Callable[[], bool] = lambda: False) -> TransferReport:
    import psycopg2
    from osgeo import ogr

    from hezhang_plugin.data import gpkg_tracking
    from hezhang_plugin.data.postgres import workspace as pgws

    uri = connection.normalise(uri)
    service = connection.service_name(uri)
    path = os.path.abspath(path)
    if not path.lower().endswith(".gpkg"):
        raise WorkspaceError(f"{os.path.basename(path)}: a workspace file name ends in .gpkg")
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise WorkspaceError(f"folder {folder} does not exist")
    say = progress or (lambda pct, text: None)

    def check():
        if cancelled():
            raise TransferCancelledError("cancelled: nothing was written to the target")

    report = TransferReport(uri, path)
    fd, tmp = tempfile.mkstemp(prefix=".hezhang-move-", suffix=".gpkg", dir=folder)
    os.close(fd)
    os.remove(tmp)
    con = connection.connect(uri)
    try:
        # One snapshot of the whole workspace, however long the copy takes.
        con.set_session(isolation_level="REPEATABLE READ", readonly=True)
        info = pgws.read_workspace_info(uri, con)
        with con.cursor() as cur:
            cur.execute("SELECT created, updated FROM hz_sys.hz_meta ORDER BY fid LIMIT 1")
            created, updated = cur.fetchone()
        gpkg.create_tables(tmp, info.district_code, info.district_name, info.crs)
        ds = ogr.Open(tmp, 1)
        try:
            gpkg_tracking.remove(ds)
            # A new file starts with the default rows (core.seeds); the copy brings the source's.
            for lyr in schema.LAYERS:
                if lyr.name != "hz_meta" and not lyr.append_only:
                    res = ds.ExecuteSQL(f'DELETE FROM "{lyr.name}"')  # noqa: S608  # nosec B608 - schema names
                    if res is not None:
                        ds.ReleaseResultSet(res)
            meta = ds.GetLayerByName("hz_meta")
            feat = meta.GetNextFeature()
            feat.SetField("created", _datetime(created))
            feat.SetField("updated", _datetime(updated))
            meta.SetFeature(feat)
            layers = [lyr for lyr in schema.LAYERS if lyr.name != "hz_meta"]
            for i, lyr in enumerate(layers):
                say(5 + 60 * i / len(layers), f"copying {lyr.name}")
                report.counts[lyr.name] = _copy_layer_to_gpkg(con, ds, lyr, check)
            gpkg_tracking.install(ds)
        finally:
            ds = None
        content = project_store.get_pg(con)
        if content is not None:
            project_store.put_gpkg(tmp, project_store.rewrite(content, path))
            report.project = True
        say(70, "verifying")
        for lyr in schema.LAYERS:
            check()
            _compare(lyr, pg_rows(con, lyr), gpkg_rows(tmp, lyr))
        if content is not None:
            _verify_project(content, project_store.get_gpkg(tmp), path)
        con.rollback()
        os.replace(tmp, path)
    except psycopg2.Error as exc:
        gpkg.remove_with_sidecars(tmp)
        raise connection.translate(exc, service) from exc
    except BaseException:
        gpkg.remove_with_sidecars(tmp)
        raise
    finally:
        con.close()
    say(100, "done")
    return report


# ------------------------------------------------------------------ project check

def _canonical(content: bytes, target: str) -> bytes:
    """The project's XML with every workspace source pointed at ``target``, canonicalised."""
    import xml.etree.ElementTree as ET  # noqa: N817  # nosec B405

    _, qgs = project_store.read_qgs(project_store.rewrite(content, target))
    text = qgs.decode("utf-8")
    if text.startswith("<!DOCTYPE"):
        text = text.partition("\n")[2]
    return ET.canonicalize(text).encode("utf-8")


def _verify_project(source: bytes, stored: Optional[bytes], target: str) -> None:
    if stored is None:
        raise WorkspaceError("verification failed: the project was not stored in the target")
    if _canonical(source, target) != _canonical(stored, target):
        raise WorkspaceError("verification failed: the project stored in the target differs from the source's")
    _, qgs = project_store.read_qgs(stored)
    import xml.etree.ElementTree as ET  # noqa: N817  # nosec B405

    root = ET.fromstring(qgs.decode("utf-8").partition("\n")[2] if qgs.startswith(b"<!DOCTYPE")  # noqa: S314
                         else qgs.decode("utf-8"))  # nosec B314
    expected = "postgres" if connection.is_postgres(target) else "ogr"
    for ml in root.iter("maplayer"):
        src = ml.findtext("datasource") or ""
        name = project_store.layer_name_of(src)
        if name and (ml.findtext("provider") != expected or
                     src != project_store.target_source(target, name)[0]):
            raise WorkspaceError(f"verification failed: project layer {name} does not point at the target")


def migrate_workspace(source: str, target: str, progress: Optional[Progress] = None,
                      cancelled: Callable[[], bool] = lambda: False) -> TransferReport:
    """Move the workspace ``source`` to ``target`` (a .gpkg path or ``service=NAME``; one of
    each). Raises WorkspaceError naming what is wrong; the target is then as it was."""
    src_pg, dst_pg = connection.is_postgres(source), connection.is_postgres(target)
    if src_pg == dst_pg:
        raise WorkspaceError("give a GeoPackage and a PostgreSQL service (service=NAME), one as INPUT "
                             "and the other as OUTPUT")
    if src_pg:
        return postgres_to_gpkg(source, target, progress, cancelled)
    return gpkg_to_postgres(source, target, progress, cancelled)
