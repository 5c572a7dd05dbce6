"""The workspace's QGIS project as stored bytes, moved between GeoPackage and PostgreSQL.

Both QGIS storages keep the zipped project (.qgz) in a ``qgis_projects(name, metadata,
content)`` table: the GeoPackage as hex text, PostgreSQL as bytea in ``hz_sys``. Moving a
project rewrites the data source of every workspace layer (datasources, layer tree, value
relations, print layouts) to the target and leaves everything else — styles, forms,
relations, layouts, variables — byte for byte as it was. Working on the bytes lets the
project be written in the same database transaction as the tables.
"""

from __future__ import annotations

import datetime as _dt
import getpass
import io
import json
import os
import re
import sqlite3
import tempfile
import xml.etree.ElementTree as ET  # noqa: N817  # nosec B405 - our own project files
import zipfile
from typing import Optional

from hezhang_plugin.core import schema
from hezhang_plugin.data.postgres import connection, ddl

PROJECT_NAME = "hezhang"
_GPKG_LAYER = re.compile(r"\|layername=([A-Za-z0-9_]+)")
_PG_TABLE = re.compile(r'table="(hz_data|hz_sys)"\."([A-Za-z0-9_]+)"')
_PROVIDER_ATTRS = ("providerKey", "provider", "coverageLayerProvider", "layerProvider")


def layer_name_of(source: str) -> str:
    """The workspace layer a QGIS source names ('' for any other source)."""
    if not source:
        return ""
    m = _PG_TABLE.search(source)
    if m and m.group(2) in schema.LAYER_BY_NAME:
        return m.group(2)
    m = _GPKG_LAYER.search(source)
    if m and m.group(1) in schema.LAYER_BY_NAME and ".gpkg" in source.lower():
        return m.group(1)
    return ""


def target_source(target: str, layer_name: str) -> tuple[str, str]:
    """(source, provider) of ``layer_name`` in the workspace ``target`` (path or service)."""
    if connection.is_postgres(target):
        from hezhang_plugin.data.postgres import qgis_sources

        return qgis_sources.layer_source(target, layer_name), "postgres"
    return f"{os.path.abspath(target)}|layername={layer_name}", "ogr"


def _qgs_member(zf: zipfile.ZipFile) -> str:
    names = [n for n in zf.namelist() if n.lower().endswith(".qgs")]
    if len(names) != 1:
        raise ValueError(f"the stored project has {len(names)} .qgs files")
    return names[0]


def read_qgs(content: bytes) -> tuple[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        name = _qgs_member(zf)
        return name, zf.read(name)


def rewrite(content: bytes, target: str) -> bytes:
    """The .qgz ``content`` with every workspace layer source pointed at ``target``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        qgs = _qgs_member(zin)
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == qgs:
                data = rewrite_qgs(data, target)
            zout.writestr(item, data)
    return out.getvalue()


def rewrite_qgs(xml: bytes, target: str) -> bytes:
    text = xml.decode("utf-8")
    head = ""
    if text.startswith("<!DOCTYPE"):
        head, _, text = text.partition("\n")
        head += "\n"
    root = ET.fromstring(text)  # noqa: S314  # nosec B314 - the workspace's own project
    _rewrite_element(root, target)
    return (head + ET.tostring(root, encoding="unicode")).encode("utf-8")


def _rewrite_element(el: ET.Element, target: str) -> None:
    if el.tag == "maplayer":
        ds = el.find("datasource")
        name = layer_name_of(ds.text if ds is not None else "")
        if name:
            src, provider = target_source(target, name)
            ds.text = src
            prov = el.find("provider")
            if prov is not None:
                prov.text = provider
    matched_provider = None
    for attr, value in list(el.attrib.items()):
        name = layer_name_of(value)
        if name and attr not in ("name", "id"):
            src, matched_provider = target_source(target, name)
            el.set(attr, src)
    if matched_provider:
        for attr in _PROVIDER_ATTRS:
            if attr in el.attrib:
                el.set(attr, matched_provider)
    if el.tag == "Option" and el.get("type") == "Map":
        opts = {child.get("name"): child for child in el if child.tag == "Option"}
        src_opt = opts.get("LayerSource")
        # (the LayerSource value itself was rewritten when its element was visited)
        if src_opt is not None:
            name = layer_name_of(src_opt.get("value", ""))
            if name:
                src, provider = target_source(target, name)
                src_opt.set("value", src)
                if "LayerProviderName" in opts:
                    opts["LayerProviderName"].set("value", provider)
    for child in el:
        _rewrite_element(child, target)


def metadata() -> dict:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = ""
    return {"last_modified_time": _dt.datetime.now().replace(microsecond=0).isoformat(),
            "last_modified_user": user}


# --------------------------------------------------------------- storages

def get_pg(con) -> Optional[bytes]:
    with con.cursor() as cur:
        cur.execute("SELECT content FROM hz_sys.qgis_projects WHERE name = %s", (PROJECT_NAME,))
        row = cur.fetchone()
    return bytes(row[0]) if row and row[0] is not None else None


def put(con, content: bytes) -> None:
    """Store the project in the open PostgreSQL transaction (replacing one stored before)."""
    import psycopg2

    with con.cursor() as cur:
        cur.execute("INSERT INTO hz_sys.qgis_projects (name, metadata, content) VALUES (%s, %s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET metadata = EXCLUDED.metadata, content = EXCLUDED.content",
                    (PROJECT_NAME, json.dumps(metadata()), psycopg2.Binary(content)))


def get_gpkg(path: str) -> Optional[bytes]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "qgis_projects" not in tables:
            return None
        row = con.execute("SELECT content FROM qgis_projects WHERE name = ?", (PROJECT_NAME,)).fetchone()
    finally:
        con.close()
    if not row or row[0] is None:
        return None
    value = row[0]
    return bytes.fromhex(value) if isinstance(value, str) else bytes(value)


def put_gpkg(path: str, content: bytes) -> None:
    """Store the project in a GeoPackage the way QGIS does (hex text of the .qgz)."""
    con = sqlite3.connect(path)
    try:
        con.execute("CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, content BLOB)")
        con.execute("INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (?, ?, ?)",
                    (PROJECT_NAME, json.dumps(metadata()), content.hex()))
        con.commit()
    finally:
        con.close()


def build_project_bytes(target: str, district_code: str, district_name: str, crs: str, lang: str,
                        version: int = schema.SCHEMA_VERSION) -> bytes:
    """A new workspace project for ``target`` as .qgz bytes.

    The project is generated against a scratch GeoPackage with the same tables (QGIS needs
    readable layers to configure forms and styles) and then pointed at ``target``.
    """
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data import project as wsproject

    folder = tempfile.mkdtemp(prefix="hezhang-project-")
    scratch = os.path.join(folder, "workspace.gpkg")
    qgz = os.path.join(folder, "project.qgz")
    try:
        gpkg.create_tables(scratch, district_code, district_name, crs, version)
        with wsproject.NoWalWrites():
            prj = wsproject.build_project(scratch, district_code, district_name, crs, lang, version)
            ok = prj.write(qgz)
            err = prj.error()
            prj.clear()
            del prj
        if not ok:
            raise RuntimeError(f"could not write the workspace project: {err}")
        with open(qgz, "rb") as fh:
            content = fh.read()
    finally:
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)
    return rewrite(content, target)


def read_into(project, uri: str) -> bool:
    """Read the workspace project of ``service=NAME`` into a QgsProject."""
    from hezhang_plugin.data.postgres import qgis_sources

    return project.read(qgis_sources.project_uri(uri))


__all__ = ["build_project_bytes", "get_gpkg", "get_pg", "layer_name_of", "put", "put_gpkg", "read_into",
           "rewrite", "target_source", "ddl"]
