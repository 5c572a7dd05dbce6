"""The one rule for "current on date D", in Python and as QGIS expression text.

Rule (DESIGN.md §3 "History": segments and appointments carry validity dates so "who was
responsible on date D" has one answer; DOMAIN.md "Codes": records carry a creation date and
an end date rather than being deleted):

- a row with ``valid_from`` F and ``valid_to`` T is current on D when F ≤ D ≤ T: ``valid_to``
  is the *last* day the row holds (inclusive);
- an empty ``valid_from`` holds since always, an empty ``valid_to`` means still current;
- ending a row because a successor starts on S writes ``valid_to = S − 1 day``, so on every
  date exactly one of them holds. A row superseded on (or before) its own first day thus
  gets a ``valid_to`` before its ``valid_from``: it held on no day, and its record is kept
  (history is never deleted).

:func:`is_current` is the Python form; :func:`expression` writes the same rule as QGIS
expression text (for styles, form defaults, layout filters and aggregates) without core
importing QGIS. Dates are compared as ISO text (see :mod:`hezhang_plugin.core.dates`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Mapping, Optional

from hezhang_plugin.core import dates

VALID_FROM = "valid_from"
VALID_TO = "valid_to"

#: QGIS expression for "today" (the local date), the default date of :func:`expression`.
TODAY_EXPR = "to_date(now())"
#: Project (or layout) variable naming the date the maps and styles show ("as of"); empty: today.
AS_OF_VARIABLE = "hezhang_as_of"
#: QGIS expression for that date.
AS_OF_EXPR = f"coalesce(to_date(@{AS_OF_VARIABLE}), {TODAY_EXPR})"


def _iso(value) -> Optional[str]:
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    return dates.parse_date(value)


@lru_cache(maxsize=256)
def _checked_text(value: str) -> Optional[str]:
    return dates.parse_date(value)


def _day(date) -> Optional[str]:
    """The date asked about, checked in full (2024-02-30 is not a date); the rows' own bounds
    take :func:`_iso`'s fast path (they were checked when written)."""
    if date is None or date == "":
        return None
    return _checked_text(date) if isinstance(date, str) else dates.parse_date(date)


def is_current(row: Mapping, date) -> bool:
    """True when ``row`` (with ``valid_from``/``valid_to``, ISO text, dates or empty) holds on
    ``date`` (ISO text or a date): ``valid_from ≤ date ≤ valid_to``, empty bounds open.
    Raises ValueError when ``date`` is not a date."""
    day = _day(date)
    if day is None:
        raise ValueError(f"{date!r} is not a date")
    start = _iso(row.get(VALID_FROM))
    end = _iso(row.get(VALID_TO))
    return (start is None or start <= day) and (end is None or end >= day)


def current_rows(rows: Iterable[Mapping], date=None) -> list:
    """The rows current on ``date`` (default: today); :func:`is_current` is evaluated once per
    distinct pair of bounds (a table has few)."""
    day = _day(date) if date is not None else dates.today()
    if day is None:
        raise ValueError(f"{date!r} is not a date")
    memo: dict = {}
    out = []
    for r in rows:
        pair = (r.get(VALID_FROM), r.get(VALID_TO))
        flag = memo.get(pair)
        if flag is None:
            flag = memo[pair] = is_current({VALID_FROM: pair[0], VALID_TO: pair[1]}, day)
        if flag:
            out.append(r)
    return out


def ended_by(successor_start) -> str:
    """``valid_to`` of a row retired because its successor starts on ``successor_start``:
    the day before, so the two never hold on the same day."""
    return dates.day_before(successor_start)


def end_date(row_start, successor_start) -> str:
    """``valid_to`` for a row starting ``row_start`` (may be empty) whose successor starts on
    ``successor_start``: always the day before the successor starts, even when that is
    before ``row_start`` (the row then held on no day; see the module docstring)."""
    del row_start  # the rule does not depend on it; kept so callers state what they end
    return ended_by(successor_start)


def open_on(row: Mapping, date) -> bool:
    """True when ``row`` has not ended before ``date`` (empty ``valid_to`` or ``valid_to ≥ date``);
    the rows a change starting on ``date`` must end or leave alone."""
    day = _day(date)
    if day is None:
        raise ValueError(f"{date!r} is not a date")
    end = _iso(row.get(VALID_TO))
    return end is None or end >= day


def expression(date_expr: str = TODAY_EXPR, valid_from: str = VALID_FROM, valid_to: str = VALID_TO) -> str:
    """QGIS expression text true for features current on ``date_expr`` (an expression giving a
    date, e.g. ``to_date(now())``, ``to_date('2024-07-01')`` or ``@hezhang_date``).

    ``valid_from``/``valid_to`` are field names (quoted here); inside ``aggregate(..., filter:=…)``
    they refer to the aggregated layer, as QGIS evaluates filters there.
    """
    f, t = f'"{valid_from}"', f'"{valid_to}"'
    return f"(({f} IS NULL OR {f} <= {date_expr}) AND ({t} IS NULL OR {t} >= {date_expr}))"


def sqlite_condition(day_param: str = ":day", table: str = "") -> str:
    """The rule as SQLite text over ISO date text columns (a GeoPackage's DATE fields), true
    for rows current on the date bound to ``day_param``: the same bounds as
    :func:`is_current` (empty text counts as empty; a date-time value counts as its day).
    ``table`` qualifies the columns (an alias of a join)."""
    p = f"{table}." if table else ""
    f, t = f"{p}{VALID_FROM}", f"{p}{VALID_TO}"
    return (f"(({f} IS NULL OR {f} = '' OR substr({f}, 1, 10) <= {day_param}) AND "
            f"({t} IS NULL OR {t} = '' OR substr({t}, 1, 10) >= {day_param}))")


def date_literal(date) -> str:
    """QGIS expression text for a fixed date: ``to_date('2024-07-01')``."""
    day = _day(date)
    if day is None:
        raise ValueError(f"{date!r} is not a date")
    return f"to_date('{day}')"
