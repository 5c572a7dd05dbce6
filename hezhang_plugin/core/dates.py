"""Dates as the river-chief records hold them: ISO ``YYYY-MM-DD`` text.

Stored dates (``valid_from``, ``valid_to``, ``installed_on``…) are ISO dates (DESIGN.md §3:
"Dates are ISO dates"). Whatever arrives — a ``datetime.date``, a ``datetime``, a QDate or
QDateTime (duck-typed through ``toPyDate``/``toPyDateTime``, so core imports no Qt), text
as bureaus write it, or an Excel serial number — :func:`parse_date` returns the ISO text or
``None``; nothing else in the plugin parses dates.

Accepted text: ``2024-03-01``, ``2024-3-1``, ``2024/3/1``, ``2024.3.1``, ``2024年3月1日``,
``20240301`` and any of these followed by a time (``2024-03-01T08:00``, ``2024-03-01 08:00:00``).
Excel serials (numbers, not text) count days from 1899-12-30, the epoch that makes Excel's
1900 date system right for every date after 1900-02-28 (Excel wrongly treats 1900 as a leap
year; serial 60 is its non-existent 1900-02-29), see ECMA-376 Part 1 §18.17.4.1.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Optional, Union

#: Day 0 of Excel's 1900 date system, as used for serials after 1900-02-28.
EXCEL_EPOCH = _dt.date(1899, 12, 30)
#: Largest serial Excel accepts (9999-12-31).
EXCEL_MAX_SERIAL = 2958465

_SEPARATED = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")

DateLike = Union[str, _dt.date, _dt.datetime, None, Any]


def _ymd(y: str, m: str, d: str) -> Optional[str]:
    try:
        return _dt.date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date(value: DateLike) -> Optional[str]:
    """ISO date text (``'2024-03-01'``) of ``value``, or ``None`` when it is empty or not a date.

    ``value`` may be a ``date``/``datetime``, a QDate/QDateTime (null ones give ``None``), an
    Excel serial (``int``/``float`` day count, see the module docstring) or text in the forms
    listed above. Impossible dates (2024-02-30) give ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if hasattr(value, "isNull") and value.isNull():
        return None
    if hasattr(value, "toPyDate"):  # QDate
        return value.toPyDate().isoformat()
    if hasattr(value, "toPyDateTime"):  # QDateTime
        return value.toPyDateTime().date().isoformat()
    if isinstance(value, (int, float)):
        return excel_serial_date(value)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the stored form: fast path
        return _ymd(text[:4], text[5:7], text[8:])
    text = re.split(r"[T ]\d{1,2}:\d{2}", text, maxsplit=1)[0].strip()
    m = _SEPARATED.match(text) or _COMPACT.match(text)
    return _ymd(*m.groups()) if m else None


def excel_serial_date(serial: float) -> Optional[str]:
    """ISO date of an Excel serial day number (the time of day, a fraction, is dropped);
    ``None`` outside 1..2958465 or for serial 60 (Excel's non-existent 1900-02-29)."""
    try:
        days = int(serial)
    except (TypeError, ValueError, OverflowError):
        return None
    if days < 1 or days > EXCEL_MAX_SERIAL or days == 60:
        return None
    if days < 60:  # before Excel's phantom leap day the epoch is one day later
        days += 1
    return (EXCEL_EPOCH + _dt.timedelta(days=days)).isoformat()


def to_date(value: DateLike) -> Optional[_dt.date]:
    """``value`` as a ``datetime.date`` (see :func:`parse_date`), or ``None``."""
    iso = parse_date(value)
    return _dt.date.fromisoformat(iso) if iso else None


def today() -> str:
    """Today's date (local clock) as ISO text."""
    return _dt.date.today().isoformat()


def day_before(value: DateLike) -> str:
    """The ISO date of the day before ``value``. Raises ``ValueError`` when it is not a date."""
    d = to_date(value)
    if d is None:
        raise ValueError(f"{value!r} is not a date")
    return (d - _dt.timedelta(days=1)).isoformat()


def day_after(value: DateLike) -> str:
    """The ISO date of the day after ``value``. Raises ``ValueError`` when it is not a date."""
    d = to_date(value)
    if d is None:
        raise ValueError(f"{value!r} is not a date")
    return (d + _dt.timedelta(days=1)).isoformat()
