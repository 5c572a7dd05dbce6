"""URIs naming a workspace file, escaped as their formats need: the one place they are built.

A workspace folder may be called ``甲#1 乙%20(副本)``: in a URI, ``#`` starts a fragment,
``?`` a query and ``%`` an escape, so a path pasted into a URI as it is gets cut or
changed (SQLite then opens, or creates, another file; QGIS finds no project). Every URI
naming a workspace file is built and read back here, with the path percent-encoded.

- :func:`sqlite_uri`: SQLite's ``file:`` URI (https://www.sqlite.org/uri.html), e.g. for a
  read-only connection (``mode=ro``).
- :func:`project_uri` / :func:`project_path`: QGIS's GeoPackage project storage URI,
  ``geopackage:PATH?projectName=NAME``, which QGIS decodes as a URL (percent-decoded path;
  QgsGeoPackageProjectStorage::decodeUri).

Paths are file-system paths (str); the functions do no I/O.
"""

from __future__ import annotations

import os
import pathlib
import urllib.parse

#: Characters left as they are in the path of a ``geopackage:`` URI (as QUrl leaves them).
_PATH_SAFE = "/:@!$&'()*+,;=~-._"
GEOPACKAGE_SCHEME = "geopackage:"


def sqlite_uri(path: str, **params: str) -> str:
    """``file:`` URI of the SQLite database at ``path`` with query ``params`` (mode="ro", …).

    The path is made absolute and percent-encoded (``#``, ``?``, ``%``, spaces, non-ASCII),
    so ``sqlite3.connect(sqlite_uri(p, mode="ro"), uri=True)`` opens exactly ``p``.
    """
    uri = pathlib.Path(os.path.abspath(path)).as_uri()
    if params:
        uri += "?" + urllib.parse.urlencode(params)
    return uri


def project_uri(gpkg_path: str, project_name: str) -> str:
    """QGIS project storage URI of project ``project_name`` stored inside ``gpkg_path``."""
    path = gpkg_path.replace("\\", "/") if os.sep == "\\" else gpkg_path
    quoted = urllib.parse.quote(path, safe=_PATH_SAFE)
    return f"{GEOPACKAGE_SCHEME}{quoted}?{urllib.parse.urlencode({'projectName': project_name})}"


def project_path(uri: str) -> str:
    """The GeoPackage path of a ``geopackage:`` project URI ("" for any other URI).

    Reads the escaped form :func:`project_uri` writes and the unescaped form older
    versions wrote (a path without ``#``, ``?`` or ``%``).
    """
    if not uri.startswith(GEOPACKAGE_SCHEME):
        return ""
    rest = uri[len(GEOPACKAGE_SCHEME):]
    path = rest.split("?", 1)[0]
    return urllib.parse.unquote(path)


def project_name(uri: str) -> str:
    """The project name of a ``geopackage:`` project URI ("" when it has none)."""
    if not uri.startswith(GEOPACKAGE_SCHEME) or "?" not in uri:
        return ""
    query = urllib.parse.parse_qs(uri.split("?", 1)[1])
    return (query.get("projectName") or [""])[0]
