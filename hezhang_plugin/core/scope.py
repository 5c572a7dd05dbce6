"""Who may edit what in a shared (PostgreSQL) workspace: roles and unit-code scopes.

One database may hold many districts (a city, a province). Every row belongs to an
administrative unit; a person's scope is a unit, and the rows they may edit are those whose
unit code starts with the scope's prefix — the significant part of the 12-digit statistical
code (GB/T 2260 province 2 + prefecture 2 + county 2, then township 3 and village 3 digits,
as in core.codes). Reading is never restricted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from hezhang_plugin.core import codes


@dataclass(frozen=True)
class Role:
    key: str
    en: str
    zh: str
    #: the unit levels a person with this role may be scoped to (None: any, or none needed)
    levels: Optional[tuple[str, ...]]
    edits: bool


#: Group roles, weakest first: each is granted everything the previous one has.
ROLES: tuple[Role, ...] = (
    Role("viewer", "Viewer", "查看者", None, False),
    Role("village_editor", "Village editor", "村级编辑", ("village",), True),
    Role("town_editor", "Town editor", "镇级编辑", ("town",), True),
    Role("district_manager", "District manager", "区级管理员", ("district", "city", "province"), True),
    Role("admin", "Administrator", "系统管理员", None, True),
)
ROLE_BY_KEY = {r.key: r for r in ROLES}
#: Prefix of the database group roles (roles are shared by every database of a server).
ROLE_PREFIX = "hezhang_"


def db_role(key: str) -> str:
    """Name of the database group role for a role key (``town_editor`` → ``hezhang_town_editor``)."""
    if key not in ROLE_BY_KEY:
        raise KeyError(key)
    return ROLE_PREFIX + key


def region_level(code: str) -> Optional[str]:
    """Level of a 12-digit statistical code, beyond core.codes.unit_level's three: also
    ``city`` (XXXX00000000) and ``province`` (XX0000000000). None for a malformed code."""
    if codes.check_unit_code(code):
        return None
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "city"
    return codes.unit_level(code)


_PREFIX_LENGTH = {"province": 2, "city": 4, "district": 6, "town": 9, "village": 12}


def scope_prefix(code: str) -> str:
    """The code prefix a scope covers: 411171101000 (a town) → ``411171101``.

    Raises ValueError for a code that is not a 12-digit statistical code.
    """
    level = region_level(code)
    if level is None:
        raise ValueError(f"unit code {code!r} is not a 12-digit statistical division code")
    return code[:_PREFIX_LENGTH[level]]


def in_scope(unit_code: Optional[str], prefix: str) -> bool:
    return bool(unit_code) and str(unit_code).startswith(prefix)


def check_assignment(role: str, unit_code: Optional[str]) -> Optional[str]:
    """Why a person cannot get ``role`` with scope ``unit_code`` (None when they can)."""
    r = ROLE_BY_KEY.get(role)
    if r is None:
        return f"role {role!r} is not one of {', '.join(ROLE_BY_KEY)}"
    if r.levels is None:
        if unit_code:
            err = codes.check_unit_code(unit_code)
            if err:
                return err
        return None
    if not unit_code:
        return f"a {r.en.lower()} needs a unit code (the area they edit)"
    level = region_level(unit_code)
    if level is None:
        return f"unit code {unit_code!r} is not a 12-digit statistical division code"
    if level not in r.levels:
        return f"a {r.en.lower()} is scoped to a {' or '.join(r.levels)} code; {unit_code} is a {level} code"
    return None
