"""Codes and formats of the river-chief system: admin unit codes, segment codes, phones.

Each check returns ``None`` when the value is fine and an English message otherwise,
so callers can report the row or feature it concerns.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

_UNIT_CODE = re.compile(r"^\d{12}$")
_SEG_CODE = re.compile(r"^\d{12}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Area code 0xx or 0xxx, then 7-8 digits; an optional dash or space after the area code,
# and an optional extension.
_LANDLINE = re.compile(r"^0\d{2,3}[- ]?\d{7,8}(-\d{1,6})?$")
# Service hotlines (12345 government hotline, 12369/12314 bureau lines) are valid on boards.
_SERVICE = re.compile(r"^(12345|12369|12314|12110|110|12309)$")

LEVEL_OF_DEPTH = {1: "district", 2: "town", 3: "village"}


def normalise_phone(text: str) -> str:
    """Phone text as users type it: strip spaces, full-width digits and a +86 prefix."""
    s = (text or "").strip().translate(str.maketrans("０１２３４５６７８９－", "0123456789-"))
    s = s.replace(" ", "")
    if s.startswith("+86"):
        s = s[3:]
    elif s.startswith("0086"):
        s = s[4:]
    return s


def check_phone(text: str) -> Optional[str]:
    s = normalise_phone(text)
    if not s:
        return None
    if _MOBILE.match(s) or _LANDLINE.match(s) or _SERVICE.match(s):
        return None
    digits = re.sub(r"\D", "", s)
    if digits.startswith("1") and len(digits) != 11:
        return f"phone {text!r}: a mobile number has 11 digits, this has {len(digits)}"
    return (f"phone {text!r} is neither a mainland mobile number (11 digits, 13x-19x) "
            "nor a landline with area code (0xx-xxxxxxxx)")


def check_unit_code(code: str) -> Optional[str]:
    if code is None or not _UNIT_CODE.match(str(code)):
        return f"unit code {code!r} is not a 12-digit statistical division code"
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


def check_child_code(code: str, level: str, parent_code: Optional[str]) -> Optional[str]:
    err = check_unit_code(code)
    if err:
        return err
    implied = unit_level(code)
    if implied != level:
        return f"unit code {code} is the code of a {implied} unit, not of a {level} unit"
    if level == "district":
        return None
    if not parent_code:
        return f"{level} unit {code} has no parent code"
    expected_parent = unit_level(parent_code)
    want = {"town": "district", "village": "town"}[level]
    if expected_parent != want:
        return f"parent {parent_code} of {level} unit {code} is not a {want} unit"
    if not code.startswith(parent_prefix(parent_code)):
        return f"unit code {code} does not start with its parent's prefix {parent_prefix(parent_code)}"
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


def check_seg_code(code: str, district_code: Optional[str] = None) -> Optional[str]:
    if code is None or not _SEG_CODE.match(str(code)):
        return f"segment code {code!r} is not 12 digits (county code + 6-digit sequence)"
    if district_code and not code.startswith(district_code[:6]):
        return f"segment code {code} does not start with the county code {district_code[:6]}"
    return None


def next_seg_codes(district_code: str, existing: Iterable[str], count: int = 1) -> list[str]:
    """The next ``count`` free segment codes after the highest sequence in use."""
    county = district_code[:6]
    top = 0
    for code in existing:
        if code and len(code) == 12 and code.startswith(county) and code[6:].isdigit():
            top = max(top, int(code[6:]))
    if top + count > 999999:
        raise ValueError(f"segment codes of county {county} are exhausted")
    return [f"{county}{top + i:06d}" for i in range(1, count + 1)]


def check_name(text: str) -> Optional[str]:
    if text is None or not str(text).strip():
        return "name is empty"
    return None


FORMAT_RULES: dict[str, Callable[[str], Optional[str]]] = {
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
