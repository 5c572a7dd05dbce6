"""Codes and formats of the river-chief system: admin unit codes, segment codes, phones.

Each check returns ``None`` when the value is fine and a :class:`~hezhang_plugin.core.messages.Message`
otherwise (its English text as a ``str``; ``.text("zh")`` in Chinese), so callers can
report the row or feature it concerns in the user's language.

Rules (DOMAIN.md "Codes", "People"): a statistical division code (统计用区划代码) has 12
digits — province 2, prefecture 2, county 2 (the GB/T 2260 part), township 3, village 3;
a district (county-level unit) is its 6-digit GB/T 2260 code + ``000000``; a unit's code
starts with its parent's prefix; a segment code is the county's 6 digits + a 6-digit
sequence; mainland mobiles have 11 digits starting 13–19, landlines an area code 0xx/0xxx
and 7–8 digits.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from hezhang_plugin.core.messages import HezhangError, Message

_UNIT_CODE = re.compile(r"^\d{12}$")
_SEG_CODE = re.compile(r"^\d{12}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx or 0xxx, then 7-8 digits; an optional dash or space after the area code,
# and an optional extension.
_LANDLINE = re.compile(r"^0\d{2,3}[- ]?\d{7,8}(-\d{1,6})?$")
# Service hotlines (12345 government hotline, 12369/12314 bureau lines) are valid on boards.
_SERVICE = re.compile(r"^(12345|12369|12314|12110|110|12309)$")

LEVEL_OF_DEPTH = {1: "district", 2: "town", 3: "village"}

_FULL_WIDTH = str.maketrans("０１２３４５６７８９－", "0123456789-")


class CodeError(HezhangError, ValueError):
    """A code that cannot be used; ``text(lang)`` says why."""


def normalise_unit_code(text) -> str:
    """A unit code as users type it: surrounding and inner spaces dropped, full-width digits
    made ASCII, and a 6-digit GB/T 2260 county code extended to its 12-digit statistical
    code (``411171`` → ``411171000000``). Anything else is returned cleaned but unchecked."""
    s = re.sub(r"\s", "", str(text if text is not None else "")).translate(_FULL_WIDTH)
    if len(s) == 6 and s.isdigit():
        s += "000000"
    return s


def district_code(text) -> str:
    """The 12-digit code of a district from its 6-digit GB/T 2260 or 12-digit code.

    Raises :class:`CodeError` ("district_code.invalid" or "district_code.not_county")."""
    code = normalise_unit_code(text)
    if not _UNIT_CODE.match(code):
        raise CodeError("district_code.invalid", code=str(text if text is not None else ""))
    if unit_level(code) != "district":
        raise CodeError("district_code.not_county", code=code)
    return code


def normalise_phone(text: str) -> str:
    """Phone text as users type it: strip spaces, full-width digits and a +86 prefix."""
    s = (text or "").strip().translate(_FULL_WIDTH)
    s = s.replace(" ", "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return s


def check_phone(text: str) -> Optional[Message]:
    s = normalise_phone(text)
    if not s:
        return None
    if _MOBILE.match(s) or _LANDLINE.match(s) or _SERVICE.match(s):
        return None
    digits = re.sub(r"\D", "", s)
    if digits.startswith("1") and len(digits) != 11:
        return Message("phone.mobile_digits", phone=text, digits=len(digits))
    return Message("phone.invalid", phone=text)


def check_unit_code(code: str) -> Optional[Message]:
    if code is None or not _UNIT_CODE.match(str(code)):
        return Message("unit_code.not_12_digits", code=code)
    return None


def unit_level(code: str) -> Optional[str]:
    """Level implied by a 12-digit statistical code: district, town or village."""
    if check_unit_code(code):
        return None
    if code[6:] == "000000":
        return "district"
    if code[9:] == "000":
        return "town"
    return "village"


def parent_prefix(code: str) -> str:
    """The prefix a child's code must carry: 6 digits for a district, 9 for a town."""
    level = unit_level(code)
    return {"district": code[:6], "town": code[:9]}.get(level or "", code)


def check_child_code(code: str, level: str, parent_code: Optional[str]) -> Optional[Message]:
    err = check_unit_code(code)
    if err:
        return err
    implied = unit_level(code)
    if implied != level:
        return Message("unit_code.wrong_level", code=code, implied=implied, level=level)
    if level == "district":
        return None
    if not parent_code:
        return Message("unit_code.no_parent", level=level, code=code)
    expected_parent = unit_level(parent_code)
    want = {"town": "district", "village": "town"}[level]
    if expected_parent != want:
        return Message("unit_code.parent_level", parent=parent_code, level=level, code=code, want=want)
    if not code.startswith(parent_prefix(parent_code)):
        return Message("unit_code.prefix", code=code, prefix=parent_prefix(parent_code))
    return None


def township_kind(code: str) -> Optional[str]:
    """Street (街道), town (镇) or township (乡) from the township block of the code."""
    if unit_level(code) not in ("town", "village"):
        return None
    block = int(code[6:9])
    if 1 <= block <= 99:
        return "street"
    if 100 <= block <= 199:
        return "town"
    if 200 <= block <= 399:
        return "township"
    return "other"


def check_seg_code(code: str, district_code: Optional[str] = None) -> Optional[Message]:
    if code is None or not _SEG_CODE.match(str(code)):
        return Message("seg_code.not_12_digits", code=code)
    if district_code and not code.startswith(district_code[:6]):
        return Message("seg_code.county", code=code, county=district_code[:6])
    return None


def highest_seg_code(district_code: str, existing: Iterable[str]) -> Optional[str]:
    """The segment code of ``district_code``'s county with the highest sequence among
    ``existing`` (None when there is none): what :func:`next_seg_codes` counts on from."""
    county = district_code[:6]
    top = 0
    for code in existing:
        if code and len(code) == 12 and code.startswith(county) and code[6:].isdigit():
            top = max(top, int(code[6:]))
    return f"{county}{top:06d}" if top else None


def next_seg_codes(district_code: str, existing: Iterable[str], count: int = 1) -> list[str]:
    """The next ``count`` free segment codes after the highest sequence in use."""
    county = district_code[:6]
    top = highest_seg_code(district_code, existing)
    top = int(top[6:]) if top else 0
    if top + count > 999999:
        raise CodeError("seg_code.exhausted", county=county)
    return [f"{county}{top + i:06d}" for i in range(1, count + 1)]


def check_name(text: str) -> Optional[Message]:
    if text is None or not str(text).strip():
        return Message("name.empty")
    return None


FORMAT_RULES: dict[str, Callable[[str], Optional[Message]]] = {
    "unit_code": check_unit_code,
    "seg_code": check_seg_code,
    "phone": check_phone,
    "name": check_name,
}

#: The same rules as QGIS expressions, for form constraints (the value is ``current_value``).
FORMAT_EXPRESSIONS: dict[str, str] = {
    "unit_code": "regexp_match(to_string(\"{f}\"), '^[0-9]{{12}}$')",
    "seg_code": "regexp_match(to_string(\"{f}\"), '^[0-9]{{12}}$')",
    "phone": ("\"{f}\" IS NULL OR \"{f}\" = '' OR regexp_match(\"{f}\", "
              "'^(1[3-9][0-9]{{9}}|0[0-9]{{2,3}}[- ]?[0-9]{{7,8}}(-[0-9]{{1,6}})?|12345|12369|12314|110)$')"),
    "name": "length(trim(\"{f}\")) > 0",
}
