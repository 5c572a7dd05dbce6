"""Logins of a PostgreSQL workspace: one per person, with a group role and a unit-code scope.

Run by an administrator's login (it needs CREATEROLE to create logins). No password is set
or stored here: the server's administrator gives each login its password (``\\password`` in
psql) or another authentication method, and each person keeps theirs in pgpass or a QGIS
authentication configuration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from psycopg2 import sql

from hezhang_plugin.core import scope
from hezhang_plugin.data.gpkg import WorkspaceError
from hezhang_plugin.data.postgres import connection

_LOGIN = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


@dataclass(frozen=True)
class User:
    login: str
    role: str
    unit_code: Optional[str]
    unit_prefix: Optional[str]
    full_name: Optional[str]


def check_login(login: str) -> Optional[str]:
    if not _LOGIN.match(login or ""):
        return (f"login {login!r}: use lower-case letters, digits, '_', '.' or '-', starting with a letter "
                "(at most 63 characters)")
    if login.startswith(scope.ROLE_PREFIX) or login in ("postgres", "public"):
        return f"login {login!r} is reserved"
    return None


def add_user(uri: str, login: str, role: str, unit_code: Optional[str] = None,
             full_name: Optional[str] = None) -> User:
    """Create (or update) the login ``login`` with ``role`` and scope ``unit_code``.

    The login becomes a member of exactly one Hezhang group role. Raises WorkspaceError
    naming what is wrong (bad login, role or unit code; no right to create logins).
    """
    login = (login or "").strip()
    unit_code = (unit_code or "").strip() or None
    err = check_login(login) or scope.check_assignment(role, unit_code)
    if err:
        raise WorkspaceError(err)
    prefix = scope.scope_prefix(unit_code) if unit_code else None
    with connection.transaction(uri) as con, con.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(login)))
        for r in scope.ROLES:
            if r.key != role:
                cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(scope.db_role(r.key)),
                                                                 sql.Identifier(login)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(scope.db_role(role)), sql.Identifier(login)))
        cur.execute("INSERT INTO hz_sys.users (login, role, unit_code, unit_prefix, full_name) "
                    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (login) DO UPDATE SET role = EXCLUDED.role, "
                    "unit_code = EXCLUDED.unit_code, unit_prefix = EXCLUDED.unit_prefix, "
                    "full_name = coalesce(EXCLUDED.full_name, hz_sys.users.full_name)",
                    (login, role, unit_code, prefix, full_name))
    return User(login, role, unit_code, prefix, full_name)


def list_users(uri: str) -> list[User]:
    with connection.transaction(uri) as con, con.cursor() as cur:
        cur.execute("SELECT login, role, unit_code, unit_prefix, full_name FROM hz_sys.users ORDER BY login")
        return [User(*row) for row in cur.fetchall()]


def remove_user(uri: str, login: str) -> None:
    """Take a person's rights away (the login stays, for the history that names it)."""
    err = check_login(login)
    if err:
        raise WorkspaceError(err)
    with connection.transaction(uri) as con, con.cursor() as cur:
        for r in scope.ROLES:
            cur.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(scope.db_role(r.key)),
                                                             sql.Identifier(login)))
        cur.execute("DELETE FROM hz_sys.users WHERE login = %s", (login,))
