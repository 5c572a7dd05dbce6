"""Patrol compliance: per chief, segment and period, the patrols a rule profile requires,
the valid ones, a status, and why each other patrol did not count.

The public function is :func:`compliance`; other parts of the plugin (assessment, the
work report) build on its rows. Pure Python: plain rows in, :class:`ComplianceRow` out.

Who owes what: every appointment with a lead role (chief, first/general/deputy general
chief) owes its level's rule of the profile (no rule for a level: nothing owed) for each
period of the rule that belongs to the range (see :func:`core.patrol_rules.periods`), when
on the period's middle day the appointment holds (valid_from/valid_to inclusive), the
segment is current, and the month is one the rule is in force.

Which patrols count: a patrol of that chief, dated inside the period (Beijing date of its
start), matched to the segment (a ``patrol_segments`` row, made at import for the segments
the chief answered for that day), that reaches the rule's minutes, kilometres and share of
the segment covered; with a minimum gap, a self-started patrol must also begin at least
that many hours after the previous counted patrol of the same chief on the same segment.
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Optional

from hezhang_plugin.core import patrol_rules as pr
from hezhang_plugin.core.assignments import LEAD_ROLES
from hezhang_plugin.core.messages import Message
from hezhang_plugin.core.validity import is_current

STATUSES = ("ok", "short", "none")


def status_text(status: str, lang: str = "en") -> str:
    """'met' / 'too few' / 'no valid patrol' (达标 / 次数不足 / 未巡河)."""
    return Message(f"patrol.status.{status}").text(lang)


@dataclass
class ComplianceRow:
    """One chief, one segment, one period.

    ``required`` patrols owed, ``valid`` patrols that count (their ids in ``valid_ids``),
    ``status`` 'ok' (valid >= required), 'short' (0 < valid < required) or 'none';
    ``invalid`` lists (patrol_id, [Reason, ...]) of the chief's patrols on that segment in
    the period that did not count and covered this segment at least as much as any other
    (so a track on the wrong bank or in the wrong place, covering nothing, is listed under
    each of the chief's segments; a patrol of a neighbouring segment is not).
    """

    chief_id: str
    seg_code: str
    level: str
    unit_code: str
    period: pr.Period
    required: int
    valid: int
    status: str
    valid_ids: list = field(default_factory=list)
    invalid: list = field(default_factory=list)

    def reasons_text(self, lang: str = "en") -> str:
        sep = "；" if lang == "zh" else "; "
        return sep.join(f"{pid}: {pr.reasons_text(rs, lang)}" for pid, rs in self.invalid)

    def message(self, lang: str = "en", chief_name: str = "", seg_name: str = "") -> str:
        """The row as a sentence in ``lang``, with the reasons of the patrols not counted."""
        text = Message("patrol.compliance.row", who=chief_name or self.chief_id, chief=self.chief_id,
                       period=pr.period_label(self.period, lang), seg=f"{self.seg_code} {seg_name}".strip(),
                       valid=self.valid, required=self.required,
                       status=Message(f"patrol.status.{self.status}")).text(lang)
        if self.invalid:
            text += Message("patrol.compliance.not_counted", reasons=self.reasons_text(lang)).text(lang)
        return text


def _minutes(row: dict) -> float:
    return float(row.get("duration_min") or 0.0)


def _start(row: dict) -> _dt.datetime:
    text = str(row.get("start_time") or row.get("patrol_date") or "1970-01-01")
    text = text.replace("/", "-").replace(" ", "T").replace("Z", "")
    return _dt.datetime.fromisoformat(text[:19] if len(text) >= 19 else text)


def compliance(patrols: Iterable[dict], patrol_segments: Iterable[dict], assignments: Iterable[dict],
               segments: Iterable[dict], rules: dict, start: str, end: str) -> list[ComplianceRow]:
    """Compliance rows for the range ``start``..``end`` (ISO dates, inclusive).

    Arguments (plain rows as read from the workspace tables):

    - ``patrols``: patrol_id, chief_id, start_time (ISO, Beijing time), patrol_date (ISO),
      duration_min, distance_km, mode;
    - ``patrol_segments``: patrol_id, seg_code, coverage (0..1);
    - ``assignments``: seg_code, chief_id, level, role, valid_from, valid_to;
    - ``segments``: seg_code, unit_code, valid_from, valid_to;
    - ``rules``: chief level → :class:`core.patrol_rules.Rule` (a profile's ``"rules"``).

    Returns one :class:`ComplianceRow` per (chief, segment, period) owed, sorted by chief,
    segment and period start. Patrols outside the periods only serve the gap rule (pass
    the days before ``start`` too when a rule has one).
    """
    seg_rows = {s["seg_code"]: s for s in segments}
    by_patrol = {p["patrol_id"]: p for p in patrols}
    matched: dict[tuple, list] = defaultdict(list)
    best: dict[str, float] = defaultdict(float)
    for ps in patrol_segments:
        p = by_patrol.get(ps.get("patrol_id"))
        if p is not None:
            matched[(p["chief_id"], ps["seg_code"])].append((p, ps.get("coverage")))
            best[p["patrol_id"]] = max(best[p["patrol_id"]], float(ps.get("coverage") or 0.0))
    owed: dict[tuple, tuple] = {}
    period_cache: dict[str, list] = {}
    for a in assignments:
        if a.get("role") not in LEAD_ROLES:
            continue
        rule = rules.get(a.get("level"))
        seg = seg_rows.get(a.get("seg_code"))
        if rule is None or seg is None:
            continue
        plist = period_cache.get(rule.period)
        if plist is None:
            plist = period_cache[rule.period] = pr.periods(rule.period, start, end)
        for p in plist:
            mid = p.midpoint
            if (is_current(a, mid) and is_current(seg, mid) and int(mid[5:7]) in rule.months):
                owed.setdefault((a["chief_id"], a["seg_code"], p.start), (a.get("level"), rule, p))
    # Evaluate each chief's patrols on each segment in time order (the gap rule needs the
    # previous counted patrol).
    verdict: dict[tuple, list] = {}
    levels_of: dict[tuple, set] = defaultdict(set)
    for (chief, seg, _ps), (level, rule, _p) in owed.items():
        levels_of[(chief, seg)].add((level, rule))
    for key, level_rules in levels_of.items():
        for level, rule in level_rules:
            last: Optional[_dt.datetime] = None
            for p, cov in sorted(matched.get(key, []), key=lambda pc: _start(pc[0])):
                reasons = pr.patrol_reasons(rule, _minutes(p), float(p.get("distance_km") or 0.0),
                                            float(cov) if cov is not None else 0.0)
                begun = _start(p)
                if not reasons and rule.min_gap_hours and (p.get("mode") or "self") == "self" and last is not None:
                    hours = (begun - last).total_seconds() / 3600.0
                    if hours < rule.min_gap_hours:
                        reasons.append(pr.Reason("min_gap_hours", hours, rule.min_gap_hours))
                if not reasons:
                    last = begun
                verdict[(key, level, p["patrol_id"])] = reasons
    out = []
    for (chief, seg, _ps), (level, rule, period) in owed.items():
        valid_ids, invalid = [], []
        for p, cov in sorted(matched.get((chief, seg), []), key=lambda pc: _start(pc[0])):
            day = str(p.get("patrol_date") or p.get("start_time") or "")[:10]
            if not (period.start <= day <= period.end):
                continue
            reasons = verdict.get(((chief, seg), level, p["patrol_id"]), [])
            if reasons:
                if float(cov or 0.0) >= best[p["patrol_id"]]:
                    invalid.append((p["patrol_id"], reasons))
            else:
                valid_ids.append(p["patrol_id"])
        n = len(valid_ids)
        status = "ok" if n >= rule.min_count else ("short" if n else "none")
        out.append(ComplianceRow(chief, seg, level, seg_rows[seg].get("unit_code") or "", period,
                                 rule.min_count, n, status, valid_ids, invalid))
    out.sort(key=lambda r: (r.chief_id, r.seg_code, r.period.start))
    return out


def needed_range(rules: dict, start: str, end: str) -> tuple[str, str]:
    """(first, last) dates of the patrols :func:`compliance` needs for ``start``..``end``:
    from the first period's start, less the longest minimum gap, to the last period's end."""
    import math

    first, last = start, end
    for rule in rules.values():
        ps = pr.periods(rule.period, start, end)
        if ps:
            first, last = min(first, ps[0].start), max(last, ps[-1].end)
    gap_days = math.ceil(max([r.min_gap_hours or 0 for r in rules.values()] or [0]) / 24.0)
    return (_dt.date.fromisoformat(first) - _dt.timedelta(days=gap_days)).isoformat(), last


@dataclass
class Summary:
    """Counts of compliance rows by status, overall and per chief level."""

    total: int = 0
    by_status: dict = field(default_factory=dict)
    by_level: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        ok, short, none = (self.by_status.get(s, 0) for s in STATUSES)
        return Message("patrol.compliance.summary", total=self.total, ok=ok, short=short, none=none).text(lang)


def summarise(rows: Iterable[ComplianceRow]) -> Summary:
    s = Summary()
    for r in rows:
        s.total += 1
        s.by_status[r.status] = s.by_status.get(r.status, 0) + 1
        lv = s.by_level.setdefault(r.level, {})
        lv[r.status] = lv.get(r.status, 0) + 1
    return s
