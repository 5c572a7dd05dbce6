"""QGIS data sources and project URI of a PostgreSQL workspace: they name only the service.

``QgsDataSourceUri.setConnection(service, "", "", "")`` writes ``service='NAME'`` and
nothing else about the connection: host, database and login come from the service file,
passwords from pgpass or a QGIS authentication configuration, so none is ever written into
a project.
"""

from __future__ import annotations

from urllib.parse import quote

from qgis.core import QgsDataSourceUri, QgsWkbTypes

from hezhang_plugin.core import schema
from hezhang_plugin.data.postgres import connection, ddl

PROJECT_NAME = "hezhang"


def layer_source(uri: str, layer_name: str, srid: int = 0) -> str:
    """QGIS ``postgres`` provider source of a workspace table."""
    service = connection.service_name(uri)
    lyr = schema.layer(layer_name)
    ds = QgsDataSourceUri()
    ds.setConnection(service, "", "", "")
    ds.setDataSource(ddl.table_schema(layer_name), layer_name, "geom" if lyr.geometry else None, "", "fid")
    if lyr.geometry:
        ds.setWkbType(QgsWkbTypes.parseType(lyr.geometry))
        if srid:
            ds.setSrid(str(srid))
    # The key is the table's primary key: no need to check its unicity on load.
    ds.setParam("checkPrimaryKeyUnicity", "0")
    return ds.uri(False)


def project_uri(uri: str) -> str:
    service = connection.service_name(uri)
    return (f"postgresql:?service={quote(service)}&schema={ddl.SYS}"
            f"&project={PROJECT_NAME}")


def workspace_of_project(file_name: str) -> str | None:
    """``service=NAME`` for a project read from a PostgreSQL workspace (the project file name
    QGIS reports, ``postgresql:?service=NAME&schema=hz_sys&project=hezhang``), else None."""
    from urllib.parse import parse_qs, urlsplit

    if not (file_name or "").startswith("postgresql:"):
        return None
    query = parse_qs(urlsplit(file_name).query)
    service = (query.get("service") or [""])[0]
    if not service or (query.get("schema") or [""])[0] != ddl.SYS or \
            (query.get("project") or [""])[0] != PROJECT_NAME:
        return None
    return f"service={service}" if connection.is_postgres(f"service={service}") else None


def table_of(source: str) -> str:
    """Workspace layer name of a ``postgres`` source ('' when it is not one of ours)."""
    ds = QgsDataSourceUri(source)
    if ds.schema() in (ddl.DATA, ddl.SYS) and ds.table() in schema.LAYER_BY_NAME:
        return ds.table()
    return ""
