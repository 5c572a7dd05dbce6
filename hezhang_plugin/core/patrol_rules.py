"""Patrol rule profiles (巡河规则) as data, the periods they count in, and the reasons a
patrol does not count, in English and Chinese.

A profile is a set of rows, one per chief level: the period (week, dekad 旬, month,
quarter, year), the minimum number of valid patrols per period, the months the rule is
in force, and the minimums one patrol must reach (minutes, kilometres, share of the
segment covered, hours since the previous self-started patrol). The profiles of
:mod:`hezhang_plugin.core.patrol_profiles` (Henan 2018 the default; their sources are
given there) are seeded into every workspace's ``patrol_rules`` table; a district edits or
adds rows there.

Pure Python: no QGIS, no workspace access.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Iterable, Optional

from hezhang_plugin.core.messages import HezhangError, Message
from hezhang_plugin.core.patrol_profiles import DEFAULT_MIN_COVERAGE, DEFAULT_PROFILE, PERIOD_KINDS, SEED_ROWS

__all__ = ["DEFAULT_MIN_COVERAGE", "DEFAULT_PROFILE", "PERIOD_KINDS", "SEED_ROWS", "Period", "Reason", "Rule",
           "RuleError", "choose_profile", "parse_months", "patrol_reasons", "period_label", "periods", "profiles",
           "reasons_text"]


class RuleError(HezhangError):
    """A rule profile that cannot be used (unknown name, bad row); the message says which."""


@dataclass(frozen=True)
class Rule:
    """One row of a profile: what a chief of ``level`` owes per period."""

    profile: str
    level: str
    period: str
    min_count: int
    months: frozenset = frozenset(range(1, 13))
    min_minutes: Optional[float] = None
    min_km: Optional[float] = None
    min_coverage: Optional[float] = None
    min_gap_hours: Optional[float] = None

    @classmethod
    def from_row(cls, row: dict) -> Rule:
        period = (row.get("period") or "").strip()
        if period not in PERIOD_KINDS:
            raise RuleError("patrol.rule.bad_period", profile=row.get("profile"), level=row.get("level"),
                            period=period, choices=", ".join(PERIOD_KINDS))
        count = int(row.get("min_count") or 0)
        if count < 1:
            raise RuleError("patrol.rule.bad_count", profile=row.get("profile"), level=row.get("level"))
        return cls(row.get("profile"), row.get("level"), period, count, parse_months(row.get("months")),
                   _num(row.get("min_minutes")), _num(row.get("min_km")), _num(row.get("min_coverage")),
                   _num(row.get("min_gap_hours")))


def _num(v) -> Optional[float]:
    if v is None or v == "":
        return None
    return float(v)


def parse_months(text) -> frozenset:
    """Months a rule is in force from text like "3-12", "3,4,5" or "3—12" (empty: all year)."""
    t = (str(text).strip() if text is not None else "").replace("—", "-").replace("–", "-").replace("，", ",")
    if not t:
        return frozenset(range(1, 13))
    out = set()
    for part in t.split(","):
        part = part.strip().rstrip("月")
        if "-" in part:
            a, b = (int(x.strip().rstrip("月")) for x in part.split("-", 1))
            if a <= b:
                out.update(range(a, b + 1))
            else:  # a season across the new year, e.g. 11-2
                out.update(range(a, 13))
                out.update(range(1, b + 1))
        elif part:
            out.add(int(part))
    if not out or any(m < 1 or m > 12 for m in out):
        raise RuleError("patrol.rule.bad_months", value=text)
    return frozenset(out)


def profiles(rows: Iterable[dict]) -> dict[str, dict]:
    """Profile key → {"name", "name_en", "is_default", "rules": {level: Rule}} from table rows."""
    out: dict[str, dict] = {}
    for row in rows:
        key = row.get("profile")
        if not key:
            continue
        p = out.setdefault(key, {"name": row.get("name") or key, "name_en": row.get("name_en") or key,
                                 "is_default": False, "rules": {}})
        p["is_default"] = p["is_default"] or bool(row.get("is_default"))
        p["rules"][row.get("level")] = Rule.from_row(row)
    return out


def choose_profile(rows: Iterable[dict], wanted: Optional[str] = None) -> tuple[str, dict]:
    """(key, profile) for ``wanted`` (a key or a Chinese/English name, case-insensitive), or
    the default profile when ``wanted`` is empty. :class:`RuleError` lists the known ones."""
    profs = profiles(rows)
    if not profs:
        raise RuleError("patrol.rule.no_profiles")
    w = (wanted or "").strip().lower()
    if not w:
        for key, p in profs.items():
            if p["is_default"]:
                return key, p
        key = DEFAULT_PROFILE if DEFAULT_PROFILE in profs else sorted(profs)[0]
        return key, profs[key]
    for key, p in profs.items():
        if w in (key.lower(), (p["name"] or "").lower(), (p["name_en"] or "").lower()):
            return key, p
    raise RuleError("patrol.rule.unknown_profile", profile=wanted,
                    known=", ".join(f"{k} ({p['name']})" for k, p in sorted(profs.items())))


# ------------------------------------------------------------------ periods


@dataclass(frozen=True)
class Period:
    kind: str
    start: str  # first day, ISO date
    end: str  # last day (inclusive), ISO date
    label: str

    @property
    def midpoint(self) -> str:
        a, b = _dt.date.fromisoformat(self.start), _dt.date.fromisoformat(self.end)
        return (a + (b - a) / 2).isoformat()


def _period_of(kind: str, day: _dt.date) -> Period:
    if kind == "week":  # ISO week, Monday to Sunday
        a = day - _dt.timedelta(days=day.weekday())
        b = a + _dt.timedelta(days=6)
        y, w = a.isocalendar()[:2]
        return Period(kind, a.isoformat(), b.isoformat(), f"{y}-W{w:02d}")
    if kind == "dekad":  # 旬: days 1-10, 11-20, 21-end of month
        n = min(2, (day.day - 1) // 10)
        a = day.replace(day=1 + 10 * n)
        b = a.replace(day=10 + 10 * n) if n < 2 else _month_end(day)
        return Period(kind, a.isoformat(), b.isoformat(), f"{day:%Y-%m}-{'ABC'[n]}")
    if kind == "month":
        a = day.replace(day=1)
        return Period(kind, a.isoformat(), _month_end(day).isoformat(), f"{day:%Y-%m}")
    if kind == "quarter":
        q = (day.month - 1) // 3
        a = _dt.date(day.year, 3 * q + 1, 1)
        b = _month_end(_dt.date(day.year, 3 * q + 3, 1))
        return Period(kind, a.isoformat(), b.isoformat(), f"{day.year}-Q{q + 1}")
    if kind == "year":
        return Period(kind, f"{day.year}-01-01", f"{day.year}-12-31", str(day.year))
    raise RuleError("patrol.rule.bad_period", profile="", level="", period=kind, choices=", ".join(PERIOD_KINDS))


def _month_end(day: _dt.date) -> _dt.date:
    nxt = day.replace(day=28) + _dt.timedelta(days=4)
    return nxt - _dt.timedelta(days=nxt.day)


def periods(kind: str, start: str, end: str) -> list[Period]:
    """The periods of ``kind`` that belong to the range ``start``..``end`` (ISO dates,
    inclusive): those whose middle day lies in the range. A week so belongs to the month of
    its Thursday (the ISO 8601 rule), and consecutive ranges never count a period twice.
    A period is counted whole, even where it reaches outside the range."""
    a, b = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    if b < a:
        raise RuleError("patrol.rule.range", start=start, end=end)
    out: list[Period] = []
    day = a - _dt.timedelta(days=200 if kind == "year" else 50)
    last = b + _dt.timedelta(days=200 if kind == "year" else 50)
    while day <= last:
        p = _period_of(kind, day)
        if start <= p.midpoint <= end and (not out or out[-1].start != p.start):
            out.append(p)
        day = _dt.date.fromisoformat(p.end) + _dt.timedelta(days=1)
    return out


def period_label(p: Period, lang: str = "en") -> str:
    """A period as people write it: 2024年第23周 / 2024年6月上旬 / 2024年6月 / 2024年第2季度."""
    if lang != "zh":
        return p.label
    a = _dt.date.fromisoformat(p.start)
    if p.kind == "week":
        y, w = p.label.split("-W")
        return f"{y}年第{int(w)}周"
    if p.kind == "dekad":
        return f"{a.year}年{a.month}月{'上中下'[(a.day - 1) // 10]}旬"
    if p.kind == "month":
        return f"{a.year}年{a.month}月"
    if p.kind == "quarter":
        return f"{a.year}年第{(a.month - 1) // 3 + 1}季度"
    return f"{a.year}年"


# ------------------------------------------------------------------ reasons


@dataclass(frozen=True)
class Reason:
    """Why a patrol does not count: a rule code with the measured value and the limit."""

    code: str
    value: float = 0.0
    limit: float = 0.0
    day: str = ""

    def message(self) -> Message:
        return Message(f"patrol.reason.{self.code}", value=self.value, limit=self.limit, day=self.day)

    def text(self, lang: str = "en") -> str:
        return self.message().text(lang)


def reasons_text(reasons: Iterable[Reason], lang: str = "en") -> str:
    return ("；" if lang == "zh" else "; ").join(r.text(lang) for r in reasons)


def patrol_reasons(rule: Optional[Rule], minutes: float, km: float, coverage: Optional[float]) -> list[Reason]:
    """The per-patrol minimums of ``rule`` a patrol misses (duration, distance, coverage of
    the segment when ``coverage`` is given; without a rule only the default coverage). The
    gap rule needs the chief's other patrols and is applied by
    :func:`hezhang_plugin.core.patrol_compliance.compliance`."""
    out = []
    if rule is None:
        if coverage is not None and coverage < DEFAULT_MIN_COVERAGE:
            out.append(Reason("min_coverage", coverage, DEFAULT_MIN_COVERAGE))
        return out
    if rule.min_minutes is not None and minutes < rule.min_minutes:
        out.append(Reason("min_minutes", minutes, rule.min_minutes))
    if rule.min_km is not None and km < rule.min_km:
        out.append(Reason("min_km", km, rule.min_km))
    limit = rule.min_coverage if rule.min_coverage is not None else DEFAULT_MIN_COVERAGE
    if coverage is not None and coverage < limit:
        out.append(Reason("min_coverage", coverage, limit))
    return out
