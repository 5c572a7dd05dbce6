"""Workspace URIs naming a libpq service, connections, and database errors as messages.

A PostgreSQL workspace is named ``service=NAME``: host, database and login come from the
service file (``PGSERVICEFILE`` or ``~/.pg_service.conf``), passwords from pgpass or a QGIS
authentication configuration — never from the URI, a project or a log.
"""

from __future__ import annotations

import contextlib
import re
from typing import Iterator, Optional

from hezhang_plugin.data.gpkg import WorkspaceError

_SERVICE = re.compile(r"^\s*service\s*=\s*'?([A-Za-z0-9_.\-]+)'?\s*$")

#: SQLSTATEs of the workspace's own refusals (see ddl.py).
CONFLICT = "40001"
NOT_IN_AREA = "42501"


class ConflictError(WorkspaceError):
    """Someone else saved the row after it was read: reload it and apply the edit again."""


class NotInAreaError(WorkspaceError):
    """The login may not edit a row outside its area (or at all)."""


def is_postgres(uri: Optional[str]) -> bool:
    """True for a PostgreSQL workspace URI (``service=NAME``)."""
    return bool(uri) and _SERVICE.match(str(uri)) is not None


def service_name(uri: str) -> str:
    """``service=hz_city`` → ``hz_city``; WorkspaceError for anything else."""
    m = _SERVICE.match(uri or "")
    if not m:
        raise WorkspaceError("postgres.not_a_service", uri=repr(uri))
    return m.group(1)


def normalise(uri: str) -> str:
    return f"service={service_name(uri)}"


def service_files() -> list[str]:
    """The service files libpq reads, in its order: ``PGSERVICEFILE`` (else
    ``~/.pg_service.conf``), then ``PGSYSCONFDIR/pg_service.conf``."""
    import os

    files = [os.environ.get("PGSERVICEFILE") or os.path.expanduser("~/.pg_service.conf")]
    if os.environ.get("APPDATA") and not os.environ.get("PGSERVICEFILE"):
        files.append(os.path.join(os.environ["APPDATA"], "postgresql", ".pg_service.conf"))
    sysconf = os.environ.get("PGSYSCONFDIR", "/etc/postgresql-common")
    files.append(os.path.join(sysconf, "pg_service.conf"))
    return files


def services() -> list[str]:
    """Names of the services in the service files (for choosing a workspace)."""
    import configparser
    import os

    names: list[str] = []
    for path in service_files():
        if not os.path.isfile(path):
            continue
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        names += [n for n in parser.sections() if n not in names]
    return names


def message(exc: BaseException) -> str:
    """A database error as one line for a person: the workspace's own messages (conflict,
    area) as they are, other errors without SQL or connection details beyond the reason."""
    text = getattr(exc, "pgerror", None) or str(exc)
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    text = primary or text
    text = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return re.sub(r"^(ERROR|FATAL):\s*", "", text)


def translate(exc: BaseException, service: str = "") -> WorkspaceError:
    """The WorkspaceError (ConflictError, NotInAreaError) a psycopg2 error stands for."""
    code = getattr(exc, "pgcode", None)
    text = message(exc)
    if code == CONFLICT:
        return ConflictError(text)
    if code == NOT_IN_AREA:
        return NotInAreaError(text)
    prefix = f"service {service}: " if service else ""
    return WorkspaceError(prefix + text)


def connect(uri: str, autocommit: bool = False):
    """A psycopg2 connection to the service; WorkspaceError naming the service and reason."""
    import psycopg2

    name = service_name(uri)
    try:
        con = psycopg2.connect(service=name, application_name="hezhang", connect_timeout=15)
    except psycopg2.Error as exc:
        raise WorkspaceError("postgres.cannot_connect", service=repr(name), reason=message(exc)) from exc
    con.autocommit = autocommit
    with con.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
    if not autocommit:
        con.commit()
    return con


@contextlib.contextmanager
def transaction(uri: str) -> Iterator:
    """A connection inside one transaction: committed when the block ends, rolled back when
    it raises (database errors come out as WorkspaceError subclasses)."""
    import psycopg2

    con = connect(uri)
    try:
        yield con
        con.commit()
    except psycopg2.Error as exc:
        con.rollback()
        raise translate(exc, service_name(uri)) from exc
    except BaseException:
        con.rollback()
        raise
    finally:
        con.close()
