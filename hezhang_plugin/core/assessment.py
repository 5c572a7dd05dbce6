"""Assessment (考核): score sheets kept as data, computed from the workspace's records.

Pure Python: no Qt, no iface. A sheet (``assessment_sheets``) has items
(``assessment_items``) of three kinds:

- score: worth ``points``; the subject earns a share of them (patrol compliance, patrol
  mileage, or a mark entered by hand with evidence);
- deduction: worth ``points`` at the start, ``per_unit`` off for each occurrence
  (``per_unit × carry_factor`` for an occurrence carried over from the previous period),
  never below zero, so ``points`` is the cap (e.g. a problem not fixed in time −5, doubled
  when carried into the next month, at most 20: PATROLS.md);
- bonus: ``per_unit`` (or the mark entered by hand) for each occurrence; all bonus items of a
  sheet together are capped by the sheet's ``bonus_cap`` (e.g. 3 points).

Grades: ``excellent_from`` (90) and above 优秀, ``qualified_from`` (80) up to it 合格,
``basic_from`` (70) up to that 基本合格, below it 不合格. Subjects are ranked by total
(equal totals share a rank: 1, 2, 2, 4).

Every result is written as rows of ``assessment_results``: per subject and item a line 0
holding the item's points and lines 1… naming each row behind a point lost, deducted or
added (``evidence_layer``/``evidence_key``), so that for score and deduction items
``points(line 0) = item points + Σ points(lines)`` and for bonus items
``points(line 0) = Σ points(lines)`` (so too for marks entered by hand, kept within
0…points for a score item); and one ``TOTAL`` line per subject with the grade
and the rank. A yearly result (period ``YYYY``) is the mean of the monthly totals stored
for that year plus the marks entered by hand for the year.

Computed items and their rules:

- patrol_compliance: rows of patrol compliance (chief, segment, required, valid: the
  patrols stream's compliance function) of the subject; score = points × mean over rows of
  min(valid / required, 1). Each row short of its requirement is a line.
- patrol_mileage: km of valid patrols per chief of the subject; below ``threshold`` km it
  scores 0, otherwise points × (n − rank + 1) / n among the n subjects at or above it.
- problems_in_time: problems late in the period (core.problems.late_in_period).
- boards_updated: notice boards of the subject's segments still not updated ``threshold``
  (15) days after a chief change at the end of the period (core.boards.stale_boards).
- chiefs_complete: current segments of the subject lacking a level of chiefs at the end
  of the period (rule R1 of core.coverage).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import problems as pmod
from hezhang_plugin.core import schema
from hezhang_plugin.core.messages import HezhangError, Text, render

TOTAL = "TOTAL"
MONTHLY = "MONTHLY"

DEFAULT_SHEETS: tuple[dict, ...] = (
    {"sheet_code": "TOWN-M", "name": "镇（街道）河长制工作月度考核", "scope": "town", "period": "month",
     "full_marks": 100.0, "bonus_cap": 3.0, "excellent_from": 90.0, "qualified_from": 80.0, "basic_from": 70.0},
    {"sheet_code": "CHIEF-M", "name": "河长履职月度考核", "scope": "chief", "period": "month",
     "full_marks": 100.0, "bonus_cap": 3.0, "excellent_from": 90.0, "qualified_from": 80.0, "basic_from": 70.0},
)


def _item(sheet, code, seq, name, kind, metric, points, per_unit=None, carry=None, threshold=None, hint=""):
    return {"sheet_code": sheet, "item_code": code, "seq": seq, "name": name, "kind": kind, "metric": metric,
            "points": points, "per_unit": per_unit, "carry_factor": carry, "threshold": threshold,
            "evidence_hint": hint}


DEFAULT_ITEMS: tuple[dict, ...] = (
    _item("TOWN-M", "T1", 1, "巡河达标率", "score", "patrol_compliance", 30.0,
          hint="各河长巡河次数达到巡河规则要求的比例（巡河记录）"),
    _item("TOWN-M", "T2", 2, "巡河里程", "score", "patrol_mileage", 10.0, threshold=4.0,
          hint="人均有效巡河里程低于标准不得分，其余按排名计分"),
    _item("TOWN-M", "T3", 3, "问题按期整改", "deduction", "problems_in_time", 20.0, 5.0, 2.0,
          hint="问题逾期未整改每件扣5分，跨月结转的加倍扣分，扣完为止"),
    _item("TOWN-M", "T4", 4, "公示牌及时更新", "deduction", "boards_updated", 10.0, 0.5, threshold=15.0,
          hint="河长调整后15日内未更新的公示牌每块扣0.5分"),
    _item("TOWN-M", "T5", 5, "河长体系完整", "deduction", "chiefs_complete", 20.0, 2.0,
          hint="缺少某一级河长的河段每段扣2分"),
    _item("TOWN-M", "T6", 6, "工作台账与信息报送", "score", "manual", 10.0,
          hint="人工评分，须注明依据（文件、台账编号）"),
    _item("TOWN-M", "TB", 7, "创新举措与上级表扬", "bonus", "manual", None,
          hint="人工加分，须注明依据；加分合计不超过评分表上限"),
    _item("CHIEF-M", "C1", 1, "巡河达标率", "score", "patrol_compliance", 40.0,
          hint="本人巡河次数达到巡河规则要求的比例"),
    _item("CHIEF-M", "C2", 2, "巡河里程", "score", "patrol_mileage", 20.0, threshold=4.0,
          hint="有效巡河里程低于标准不得分，其余按排名计分"),
    _item("CHIEF-M", "C3", 3, "问题按期整改", "deduction", "problems_in_time", 20.0, 5.0, 2.0,
          hint="责任问题逾期未整改每件扣5分，跨月结转的加倍扣分，扣完为止"),
    _item("CHIEF-M", "C4", 4, "公示牌及时更新", "deduction", "boards_updated", 10.0, 0.5, threshold=15.0,
          hint="所负责河段公示牌在河长调整后15日内未更新的每块扣0.5分"),
    _item("CHIEF-M", "C5", 5, "履职台账", "score", "manual", 10.0, hint="人工评分，须注明依据"),
    _item("CHIEF-M", "CB", 6, "加分项", "bonus", "manual", None, hint="人工加分，须注明依据"),
)

class AssessmentError(HezhangError, ValueError):
    """Bad assessment input (messages ``assessment.*`` of core.messages)."""

    def __init__(self, key: str, **values):
        super().__init__("assessment." + key, **values)


def _pair(key: str, **values) -> tuple[str, str]:
    """(English, Chinese) of message ``assessment.<key>``."""
    return render("assessment." + key, "en", **values), render("assessment." + key, "zh", **values)


# ------------------------------------------------------------------ periods

@dataclass(frozen=True)
class Period:
    key: str  # "2024-04" or "2024"
    kind: str  # month | year
    start: str
    end: str

    def label(self, lang: str = "zh") -> str:
        if self.kind == "year":
            return f"{self.key}年度" if lang == "zh" else self.key
        y, m = self.key.split("-")
        return f"{y}年{int(m)}月" if lang == "zh" else self.key

    def previous(self) -> Period:
        d = _dt.date.fromisoformat(self.start) - _dt.timedelta(days=1)
        return parse_period(f"{d.year:04d}-{d.month:02d}" if self.kind == "month" else f"{d.year:04d}")


def parse_period(text) -> Period:
    """``2024-04``, ``2024-4``, ``2024年4月``, ``202404`` → that month; ``2024``, ``2024年`` → the year."""
    t = str(text or "").strip().replace("年度", "").replace("年", "-").replace("月", "").replace("/", "-")
    t = t.rstrip("-")
    m = re.fullmatch(r"(\d{4})-?(\d{1,2})", t) if len(t) != 4 else None
    if m and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        last = calendar.monthrange(y, mo)[1]
        return Period(f"{y:04d}-{mo:02d}", "month", f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{last:02d}")
    if re.fullmatch(r"\d{4}", t):
        return Period(t, "year", f"{t}-01-01", f"{t}-12-31")
    raise AssessmentError("period", p=str(text))


def grade(total: float, sheet: dict) -> str:
    """Grade key of a total under the sheet's grade lines."""
    if total >= float(sheet.get("excellent_from") or 90):
        return "excellent"
    if total >= float(sheet.get("qualified_from") or 80):
        return "pass"
    if total >= float(sheet.get("basic_from") or 70):
        return "basic"
    return "fail"


def ranks(totals: dict) -> dict:
    """Competition ranks (1, 2, 2, 4) of subject → total, highest first."""
    ordered = sorted(totals.values(), reverse=True)
    return {k: 1 + sum(1 for v in ordered if v > t + 1e-9) for k, t in totals.items()}


# ------------------------------------------------------------------ inputs

@dataclass
class PatrolFacts:
    """The seam to the patrols stream: compliance and mileage as plain rows.

    ``compliance``: one row per chief, segment and rule period inside the assessed period,
    ``{"chief_id", "seg_code", "required", "valid", "key"}`` (``key`` names the row for the
    evidence). ``mileage``: one row per valid patrol, ``{"chief_id", "km", "key"}``.
    """

    compliance: list = field(default_factory=list)
    mileage: list = field(default_factory=list)


@dataclass
class AssessmentData:
    """Everything a sheet reads, as plain rows (geometries only for R1's sake: none needed)."""

    units: list
    segments: list
    chiefs: list
    assignments: list
    boards: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    problem_events: list = field(default_factory=list)
    manual: list = field(default_factory=list)  # assessment_results rows with source "manual"
    stored: list = field(default_factory=list)  # stored TOTAL rows (for yearly results)
    patrols: Optional[PatrolFacts] = None
    #: rule R1 on a date: segment code → missing levels (core.coverage's rule), injected so
    #: the numbers are the coverage check's own.
    missing_levels: Optional[Callable[[str], dict]] = None


@dataclass(frozen=True)
class Subject:
    code: str
    name: str


def town_of(unit_code: Optional[str], units: dict) -> Optional[str]:
    if not unit_code:
        return None
    return amod.unit_ancestor(unit_code, "town", units)


def subjects_for(sheet: dict, data: AssessmentData, period: Period) -> list[Subject]:
    """Towns of the district, or the town and village lead chiefs appointed in the period."""
    units = {u["code"]: u for u in data.units if u.get("code")}
    if sheet.get("scope") == "town":
        return [Subject(u["code"], u.get("name") or u["code"])
                for u in sorted(units.values(), key=lambda u: u["code"]) if u.get("level") == "town"]
    chiefs = {c["chief_id"]: c for c in data.chiefs}
    ids = set()
    for a in data.assignments:
        if a.get("role") not in amod.LEAD_ROLES or a.get("level") not in ("town", "village"):
            continue
        if str(a.get("valid_from") or "") > period.end or (a.get("valid_to") and str(a["valid_to"]) < period.start):
            continue
        if a.get("chief_id") in chiefs:
            ids.add(a["chief_id"])
    out = []
    for cid in sorted(ids):
        c = chiefs[cid]
        unit = units.get(c.get("unit_code"), {})
        out.append(Subject(cid, f"{c.get('name') or cid}（{unit.get('name') or ''}·{c.get('position') or ''}）"))
    return out


class _Owner:
    """Which subject a row belongs to."""

    def __init__(self, sheet: dict, data: AssessmentData, day: str):
        self.scope = sheet.get("scope")
        self.units = {u["code"]: u for u in data.units if u.get("code")}
        self.chiefs = {c["chief_id"]: c for c in data.chiefs}
        self.seg_unit = {s["seg_code"]: s.get("unit_code") for s in data.segments}
        self.seg_chiefs: dict = defaultdict(set)
        for a in data.assignments:
            if a.get("role") in amod.LEAD_ROLES and amod.is_current(a, day):
                self.seg_chiefs[a.get("seg_code")].add(a.get("chief_id"))

    def of_chief(self, chief_id) -> set:
        if self.scope == "chief":
            return {chief_id}
        c = self.chiefs.get(chief_id)
        t = town_of(c.get("unit_code"), self.units) if c else None
        return {t} if t else set()

    def of_segment(self, seg_code) -> set:
        if self.scope == "chief":
            return set(self.seg_chiefs.get(seg_code, ()))
        t = town_of(self.seg_unit.get(seg_code), self.units)
        return {t} if t else set()

    def of_problem(self, p: dict) -> set:
        if self.scope == "chief":
            return {p["chief_id"]} if p.get("chief_id") else set()
        t = town_of(p.get("unit_code") or self.seg_unit.get(p.get("seg_code")), self.units)
        return {t} if t else set()


# ------------------------------------------------------------------ items

@dataclass
class Line:
    points: float
    value: Optional[float] = None
    detail: str = ""
    detail_zh: str = ""
    evidence_layer: Optional[str] = None
    evidence_key: Optional[str] = None
    source: str = "computed"
    entered_by: Optional[str] = None


def _f(v, default=0.0) -> float:
    return float(v) if v not in (None, "") else default


def _deductions(item: dict, occurrences: list) -> tuple[float, list[Line]]:
    """Lines of a deduction item: (amount, carried, line) each; the cap (item points) stops
    further deductions (lines beyond it keep 0 points and say so)."""
    cap = _f(item.get("points"), float("inf"))
    per = _f(item.get("per_unit"), 1.0)
    factor = _f(item.get("carry_factor"), 1.0)
    taken = 0.0
    lines = []
    for carried, line in occurrences:
        amount = per * (factor if carried else 1.0)
        amount = max(0.0, min(amount, cap - taken))
        if carried:
            en, zh = _pair("carried")
            line.detail += en
            line.detail_zh += zh
        if amount <= 0:
            en, zh = _pair("cap")
            line.detail += en
            line.detail_zh += zh
        line.points = -round(amount, 4)
        taken += amount
        lines.append(line)
    return round(_f(item.get("points"), 0.0) - taken, 4), lines


def _compliance(item: dict, rows: list, names: Optional[Callable[[dict], tuple]] = None) -> tuple[float, list[Line]]:
    """Score of a patrol_compliance item: points × mean over the subject's rows of
    min(valid / required, 1); a line per row short of its requirement, saying whose task it
    was (``names(row)`` → (en, zh) of chief and segment), the period, and why the patrols
    that did not count were refused."""
    points = _f(item.get("points"))
    rows = [r for r in rows if _f(r.get("required")) > 0]
    if not rows:
        return points, []
    lines = []
    n = len(rows)
    share_sum = 0.0
    for r in sorted(rows, key=lambda r: (str(r.get("chief_id")), str(r.get("seg_code")), str(r.get("key")))):
        req, valid = _f(r.get("required")), _f(r.get("valid"))
        share = min(valid / req, 1.0)
        share_sum += share
        if share < 1.0:
            who_en, who_zh = names(r) if names else (r.get("seg_code") or "", r.get("seg_code") or "")
            when = r.get("period") or ""
            when = Text(f", {r.get('period_en') or when}", f"，{when}") if when else Text("", "")
            en, zh = _pair("short", r=int(req), v=int(valid), who=Text(who_en, who_zh), period=when)
            if r.get("reasons"):
                more = _pair("not_counted", reasons=Text(r.get("reasons_en") or r["reasons"], r["reasons"]))
                en, zh = en + more[0], zh + more[1]
            lines.append(Line(-round(points * (1.0 - share) / n, 4), valid, en, zh,
                              "patrol_compliance", str(r.get("key") or f"{r.get('chief_id')}/{r.get('seg_code')}")))
    return round(points * share_sum / n, 4), lines


def _manual(item: dict, entries: list, subject: Subject, lang_items: str = "") -> tuple[float, list[Line]]:
    lines = []
    for n, e in enumerate(sorted(entries, key=lambda e: (e.get("line") or 0, e.get("fid") or 0)), start=1):
        if not (e.get("evidence_key") or "").strip():
            raise AssessmentError("evidence", n=n, i=item.get("name"), who=subject.name)
        lines.append(Line(_f(e.get("points")), e.get("value"), e.get("detail") or "", e.get("detail") or "",
                          e.get("evidence_layer"), e.get("evidence_key"), "manual", e.get("entered_by")))
    if not lines and item.get("kind") == "score":
        return 0.0, [Line(0.0, None, *_pair("manual_missing"))]
    total = sum(ln.points for ln in lines)
    if item.get("kind") == "score":
        total = max(0.0, min(total, _f(item.get("points"))))
    elif item.get("kind") == "deduction":
        total = _f(item.get("points")) + max(min(total, 0.0), -_f(item.get("points"), float("inf")))
    return round(total, 4), lines


@dataclass
class SubjectResult:
    subject: Subject
    items: dict  # item_code -> (points, [Line])
    total: float = 0.0
    grade: str = ""
    rank: int = 0


def compute_month(sheet: dict, items: Sequence[dict], period: Period, data: AssessmentData) -> list[SubjectResult]:
    """Scores of every subject of ``sheet`` for a month (see the module docstring)."""
    items = sorted(items, key=lambda i: (i.get("seq") or 0, i.get("item_code") or ""))
    if not items:
        raise AssessmentError("no_items", s=sheet.get("sheet_code"))
    subjects = subjects_for(sheet, data, period)
    owner = _Owner(sheet, data, period.end)
    per: dict = {s.code: {} for s in subjects}
    names = {s.code: s for s in subjects}

    def owned(keys: set) -> list:
        return [k for k in keys if k in per]

    # Occurrences per subject and metric, gathered once.
    late: dict = defaultdict(list)
    by_code = {}
    for p in data.problems:
        by_code[p.get("problem_code")] = p
    events_by = defaultdict(list)
    for e in data.problem_events:
        events_by[e.get("problem_code")].append(e)
    for p in sorted(data.problems, key=lambda p: str(p.get("problem_code"))):
        info = pmod.late_in_period(p, events_by.get(p.get("problem_code"), []), period.start, period.end)
        if info is None:
            continue
        if info.overdue_days:
            en, zh = _pair("late", code=p.get("problem_code"), title=p.get("title") or p.get("problem_code"),
                           days=info.overdue_days)
        else:
            en, zh = _pair("late_settled", code=p.get("problem_code"), title=p.get("title") or p.get("problem_code"),
                           d=info.settled_late_on, dl=p.get("deadline"))
        for k in owned(owner.of_problem(p)):
            late[k].append((info.carried, Line(0.0, float(info.overdue_days), en, zh, "problems",
                                               p.get("problem_code"))))
    stale: dict = defaultdict(list)
    board_days = next((_f(i.get("threshold"), 15.0) for i in items if i.get("metric") == "boards_updated"), 15.0)
    if any(i.get("metric") == "boards_updated" for i in items):
        from hezhang_plugin.core.boards import stale_boards

        for s in stale_boards(data.boards, data.assignments, _dt.date.fromisoformat(period.end), int(board_days)):
            if not s.overdue:
                continue
            b = s.content_date.isoformat() if s.content_date else "—"
            for k in owned(owner.of_segment(s.seg_code)):
                stale[k].append((False, Line(
                    0.0, float(s.days_overdue),
                    *_pair("board", code=s.board_code, c=s.changed_on, b=b, d=s.days_overdue, t=board_days),
                    "notice_boards", s.board_code)))
    missing: dict = defaultdict(list)
    if data.missing_levels is not None and any(i.get("metric") == "chiefs_complete" for i in items):
        for seg, levels in sorted(data.missing_levels(period.end).items()):
            en = ", ".join(levels)
            zh = "、".join(schema.LEVELS.label(lv, "zh") for lv in levels)
            for k in owned(owner.of_segment(seg) if sheet.get("scope") == "town" else set()):
                missing[k].append((False, Line(0.0, float(len(levels)),
                                               *_pair("r1", seg=seg, levels=Text(en, zh), date=period.end),
                                               "segments", seg)))
    compliance: dict = defaultdict(list)
    km_rows: dict = defaultdict(list)
    if data.patrols is not None:
        for r in data.patrols.compliance:
            for k in owned(owner.of_chief(r.get("chief_id"))):
                compliance[k].append(r)
        for r in data.patrols.mileage:
            for k in owned(owner.of_chief(r.get("chief_id"))):
                km_rows[k].append(r)
    seg_names = {sg.get("seg_code"): sg.get("name") or sg.get("seg_code") for sg in data.segments}

    def task_names(row: dict) -> tuple[str, str]:
        seg = seg_names.get(row.get("seg_code"), row.get("seg_code") or "")
        if sheet.get("scope") == "chief":
            return seg, seg
        name = (owner.chiefs.get(row.get("chief_id")) or {}).get("name") or row.get("chief_id") or ""
        return f"{name}, {seg}", f"{name}·{seg}"

    chiefs_of: dict = defaultdict(set)
    if sheet.get("scope") == "town":
        for a in data.assignments:
            if (a.get("role") in amod.LEAD_ROLES and a.get("level") in ("town", "village")
                    and amod.is_current(a, period.end)):
                for k in owned(owner.of_chief(a.get("chief_id"))):
                    chiefs_of[k].add(a.get("chief_id"))
    manual = defaultdict(list)
    for e in data.manual:
        if e.get("sheet_code") == sheet.get("sheet_code") and e.get("period") == period.key \
                and (e.get("line") or 0) >= 1:
            manual[(e.get("subject_code"), e.get("item_code"))].append(e)

    for item in items:
        metric, code = item.get("metric"), item.get("item_code")
        if metric == "patrol_mileage":
            per_chief = {}
            for s in subjects:
                km = sum(_f(r.get("km")) for r in km_rows.get(s.code, []))
                n = len(chiefs_of.get(s.code, ())) if sheet.get("scope") == "town" else 1
                per_chief[s.code] = km / n if n else 0.0
            threshold = _f(item.get("threshold"))
            ok = {k: v for k, v in per_chief.items() if v >= threshold and (data.patrols is not None)}
            rk = ranks(ok)
            for s in subjects:
                pts = _f(item.get("points"))
                v = per_chief[s.code]
                if data.patrols is None:
                    line = Line(-pts, 0.0, *_pair("no_patrols"), "patrols", None)
                    per[s.code][code] = (0.0, [line])
                elif s.code in ok:
                    score = round(pts * (len(ok) - rk[s.code] + 1) / len(ok), 4)
                    rank = {"km": v, "r": rk[s.code], "n": len(ok)}
                    lines = [] if score >= pts else [Line(
                        round(score - pts, 4), round(v, 3), *_pair("km_rank", **rank), "patrols", s.code)]
                    per[s.code][code] = (score, lines)
                else:
                    per[s.code][code] = (0.0, [Line(-pts, round(v, 3), *_pair("km_low", km=v, t=threshold),
                                                    "patrols", s.code)])
            continue
        for s in subjects:
            if metric == "patrol_compliance":
                if data.patrols is None:
                    pts = _f(item.get("points"))
                    per[s.code][code] = (0.0, [Line(-pts, None, *_pair("no_patrols"), "patrols", None)])
                else:
                    per[s.code][code] = _compliance(item, compliance.get(s.code, []), task_names)
            elif metric == "problems_in_time":
                per[s.code][code] = _deductions(item, late.get(s.code, []))
            elif metric == "boards_updated":
                per[s.code][code] = _deductions(item, stale.get(s.code, []))
            elif metric == "chiefs_complete":
                per[s.code][code] = _deductions(item, missing.get(s.code, []))
            else:
                per[s.code][code] = _manual(item, manual.get((s.code, code), []), s)
    return _finish(sheet, items, [SubjectResult(names[k], v) for k, v in per.items()])


def _finish(sheet: dict, items: Sequence[dict], results: list[SubjectResult]) -> list[SubjectResult]:
    cap = _f(sheet.get("bonus_cap"), float("inf"))
    for r in results:
        bonus_left = cap
        total = 0.0
        for item in items:
            code = item.get("item_code")
            pts, lines = r.items[code]
            if item.get("kind") == "bonus":
                kept = 0.0
                for ln in lines:
                    give = max(0.0, min(ln.points, bonus_left))
                    if give < ln.points:
                        en, zh = _pair("bonus_cap")
                        ln.detail += en
                        ln.detail_zh += zh
                        ln.points = round(give, 4)
                    bonus_left -= give
                    kept += give
                pts = round(kept, 4)
                r.items[code] = (pts, lines)
            total += pts
        r.total = round(max(0.0, total), 2)
        r.grade = grade(r.total, sheet)
    rk = ranks({r.subject.code: r.total for r in results})
    for r in results:
        r.rank = rk[r.subject.code]
    results.sort(key=lambda r: (r.rank, r.subject.code))
    return results


def compute_year(sheet: dict, items: Sequence[dict], period: Period, data: AssessmentData) -> list[SubjectResult]:
    """Mean of the monthly totals stored for the year, plus the year's marks entered by hand."""
    monthly = defaultdict(dict)
    names = {}
    for row in data.stored:
        if (row.get("sheet_code") == sheet.get("sheet_code") and row.get("item_code") == TOTAL
                and str(row.get("period") or "").startswith(period.key + "-")):
            monthly[row["subject_code"]][row["period"]] = _f(row.get("points"))
            names[row["subject_code"]] = row.get("subject_name") or row["subject_code"]
    if not monthly:
        raise AssessmentError("no_months", s=sheet.get("sheet_code"), y=period.key)
    manual = defaultdict(list)
    for e in data.manual:
        if e.get("sheet_code") == sheet.get("sheet_code") and e.get("period") == period.key \
                and (e.get("line") or 0) >= 1:
            manual[(e.get("subject_code"), e.get("item_code"))].append(e)
    hand = [i for i in items if i.get("metric") == "manual"]
    results = []
    for code in sorted(monthly):
        s = Subject(code, names[code])
        months = monthly[code]
        mean = round(sum(months.values()) / len(months), 4)
        lines = [Line(round(v / len(months), 4), v, *_pair("month", m=m), "assessment_results",
                      f"{sheet.get('sheet_code')}/{m}/{code}") for m, v in sorted(months.items())]
        res = {MONTHLY: (mean, lines)}
        for item in hand:
            entries = manual.get((code, item.get("item_code")), [])
            if entries or item.get("kind") == "bonus":
                pts, lns = _manual(dict(item, kind="bonus" if item.get("kind") == "bonus" else "annual"), entries, s)
                res[item["item_code"]] = (pts, lns)
        results.append(SubjectResult(s, res))
    year_items = [{"item_code": MONTHLY, "kind": "score"}] + [i for i in hand if any(
        i["item_code"] in r.items for r in results)]
    for r in results:
        for i in year_items:
            r.items.setdefault(i["item_code"], (0.0, []))
    return _finish(sheet, year_items, results)


def compute(sheet: dict, items: Sequence[dict], period: Period, data: AssessmentData) -> list[SubjectResult]:
    return compute_year(sheet, items, period, data) if period.kind == "year" else \
        compute_month(sheet, items, period, data)


def result_rows(sheet: dict, period: Period, results: Iterable[SubjectResult], when: str,
                lang: str = "zh") -> list[dict]:
    """``assessment_results`` rows of computed results (hand-entered lines are not repeated)."""
    rows = []
    base = {"sheet_code": sheet.get("sheet_code"), "period": period.key}
    for r in results:
        subj = {**base, "subject_code": r.subject.code, "subject_name": r.subject.name}
        for code, (pts, lines) in r.items.items():
            rows.append({**subj, "item_code": code, "line": 0, "points": pts, "value": None, "detail": None,
                         "evidence_layer": None, "evidence_key": None, "source": "computed", "grade": None,
                         "rank": None, "entered_by": None, "computed_at": when})
            for n, ln in enumerate(lines, start=1):
                if ln.source == "manual":
                    continue
                rows.append({**subj, "item_code": code, "line": n, "points": ln.points, "value": ln.value,
                             "detail": ((ln.detail_zh if lang == "zh" else ln.detail) or "")[:254],
                             "evidence_layer": ln.evidence_layer, "evidence_key": ln.evidence_key,
                             "source": "computed", "grade": None, "rank": None, "entered_by": None,
                             "computed_at": when})
        rows.append({**subj, "item_code": TOTAL, "line": 0, "points": r.total, "value": None, "detail": None,
                     "evidence_layer": None, "evidence_key": None, "source": "computed", "grade": r.grade,
                     "rank": r.rank, "entered_by": None, "computed_at": when})
    return rows


def _pts(value: float) -> str:
    """Points as printed: at most two decimals (29.03, 6.67, 10); stored values keep four."""
    if value != value:  # NaN
        return "—"
    v = round(float(value), 2) + 0.0  # + 0.0: no "-0"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def sheet_document(sheet: dict, items: Sequence[dict], period: Period, results: Sequence[SubjectResult]):
    """The printable sheets (core.workreport document): a ranking page, then one page per
    subject with every item's points, the reasons behind each point lost and the evidence,
    the total, the grade and the rank."""
    from hezhang_plugin.core import workreport as wr

    scope = schema.ASSESSMENT_SCOPES.label(sheet.get("scope") or "", "zh")
    title = f"{sheet.get('name') or sheet.get('sheet_code')}（{period.label('zh')}）"
    doc = wr.Document(title)
    doc.add(wr.Heading(title, 0))
    marks = {k: _f(sheet.get(k), d) for k, d in (("full_marks", 100), ("bonus_cap", 0), ("excellent_from", 90),
                                                  ("qualified_from", 80), ("basic_from", 70))}
    doc.add(wr.Paragraph(
        f"评分表{sheet.get('sheet_code')}，考核对象：{scope}，满分{marks['full_marks']:g}分，加分上限"
        f"{marks['bonus_cap']:g}分；{marks['excellent_from']:g}分及以上为优秀，{marks['qualified_from']:g}分及以上为合格，"
        f"{marks['basic_from']:g}分及以上为基本合格，以下为不合格。", "subtitle"))
    doc.add(wr.Table("考核结果排名", ["排名", "考核对象", "得分", "等次"],
                     [[str(r.rank), r.subject.name, f"{r.total:.2f}", schema.GRADES.label(r.grade, "zh")]
                      for r in results], [12, 58, 15, 15], ["r", "l", "r", "l"]))
    by_code = {i.get("item_code"): i for i in items}
    for r in results:
        doc.add(wr.PageBreak())
        doc.add(wr.Heading(f"{r.subject.name}\n{title}", 0))
        rows = []
        for n, (code, (pts, lines)) in enumerate(r.items.items(), start=1):
            item = by_code.get(code, {})
            name = item.get("name") or ("月度得分平均" if code == MONTHLY else code)
            full = item.get("points")
            kind = schema.ASSESSMENT_KINDS.label(item.get("kind") or "score", "zh")
            reasons = "；".join(
                f"{ln.detail_zh or ln.detail}（{'+' if ln.points >= 0 else ''}{_pts(ln.points)}分"
                + (f"，依据：{'/'.join(x for x in (ln.evidence_layer, ln.evidence_key) if x)}"
                   if ln.evidence_key else "") + "）"
                for ln in lines) or "—"
            rows.append([str(n), f"{name}（{kind}）", "—" if full in (None, "") else f"{_f(full):g}", _pts(pts),
                         reasons])
        rows.append(["", "合计", f"{_f(sheet.get('full_marks'), 100):g}", f"{r.total:.2f}",
                     f"等次：{schema.GRADES.label(r.grade, 'zh')}；排名：第{r.rank}名（共{len(results)}个）"])
        doc.add(wr.Table("评分明细", ["序号", "评分项", "分值", "得分", "扣（加）分情况及依据"], rows,
                         [7, 22, 9, 9, 53], ["r", "l", "r", "r", "l"], True))
        doc.add(wr.Paragraph("考核单位（盖章）：　　　　　　　　　审核人：　　　　　　　日期：", "note"))
    return doc
