"""Gather the work report's facts from a workspace, through the functions the maps, the
statistics and the dock use, so the numbers agree everywhere."""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from typing import Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import boards as bmod
from hezhang_plugin.core import coverage, dates, schema, validity
from hezhang_plugin.core import problems as pmod
from hezhang_plugin.core import workreport as wr
from hezhang_plugin.core.assessment import TOTAL, parse_period
from hezhang_plugin.core.messages import HezhangError
from hezhang_plugin.data.backend import as_backend
from hezhang_plugin.services import coverage as scoverage
from hezhang_plugin.services import problems as sp
from hezhang_plugin.services import stats as sstats
from hezhang_plugin.services.assessment import current
from hezhang_plugin.services.patrol_facts import patrol_report


def _assessment_rows(ws, start: str, end: str) -> list[dict]:
    sheets = {s["sheet_code"]: s for s in ws.read_attributes("assessment_sheets")}
    out = []
    for r in current(ws.read_attributes("assessment_results")):
        if r.get("item_code") != TOTAL or r.get("source") != "computed":
            continue
        try:
            p = parse_period(r.get("period"))
        except ValueError:
            continue
        if p.start < start or p.end > end:
            continue
        sheet = sheets.get(r.get("sheet_code"), {})
        out.append({"sheet": sheet.get("name") or r.get("sheet_code"), "period": p.label("zh"),
                    "scope": 0 if sheet.get("scope") == "town" else 1,
                    "period_key": p.key, "subject": r.get("subject_name") or r.get("subject_code"),
                    "total": float(r.get("points") or 0.0), "grade": r.get("grade"), "rank": r.get("rank")})
    out.sort(key=lambda r: (r["period_key"], r["scope"], r["sheet"], r["rank"] or 0, r["subject"]))
    return out


def gather(workspace, start: str, end: str, map_png: Optional[str] = None,
           profile: Optional[str] = None) -> wr.ReportFacts:
    """The report's facts for [start, end] (ISO dates), as of the end date; patrols under
    the rule ``profile`` (default: the workspace's default profile)."""
    ws = as_backend(workspace)
    cov = scoverage.load(ws)
    tables = sstats.workspace_statistics(ws, end)
    findings, summary = coverage.check(cov, end)
    units = {u["code"]: u for u in cov.units if u.get("code")}
    rivers_meta = {r["river_code"]: r for r in cov.rivers}
    # The segments the statistics count (core.validity's rule, as core.stats applies it).
    current = validity.current_rows(cov.segments, end)
    villages_of = defaultdict(list)
    touched = []
    for s in sorted(current, key=lambda s: (s.get("unit_code") or "")):
        u = units.get(s.get("unit_code"), {})
        name = u.get("name") or s.get("unit_code")
        if name not in villages_of[s.get("river_code")]:
            villages_of[s.get("river_code")].append(name)
        if u.get("level") == "village" and name not in touched:
            touched.append(name)
    rivers = [wr.RiverFact(r["river_code"], r["river_name"] or r["river_code"],
                           rivers_meta.get(r["river_code"], {}).get("grade") or "", r["segments"], r["both_km"],
                           r["left_km"], r["right_km"], r["length_km"], villages_of.get(r["river_code"], []))
              for r in tables["rivers"].rows]
    active = [c for c in cov.chiefs if c.get("active", True)]
    lead = defaultdict(int)
    leaders = defaultdict(list)
    town_chiefs = defaultdict(int)
    village_chiefs = defaultdict(int)
    for c in active:
        if c.get("role") in amod.LEAD_ROLES:
            lead[c.get("level")] += 1
            town = amod.unit_ancestor(c.get("unit_code") or "", "town", units)
            if c.get("level") == "town":
                town_chiefs[town] += 1
            elif c.get("level") == "village":
                village_chiefs[town] += 1
        if c.get("role") in ("first_chief", "general_chief", "deputy_general_chief"):
            leaders[c.get("role")].append(c.get("name"))
    with_segments = defaultdict(int)
    partners = defaultdict(int)
    for row in tables["chiefs"].rows:
        role = schema.ROLES.lookup(row.get("role") or "")
        level = schema.LEVELS.lookup(row.get("level") or "")
        if role in amod.LEAD_ROLES:
            with_segments[level] += 1
        elif role:
            partners[role] += 1
    towns = []
    for t in tables["towns"].rows:
        towns.append(dict(t, town_chiefs=town_chiefs.get(t["town_code"], 0),
                          village_chiefs=village_chiefs.get(t["town_code"], 0)))
    seg_name = {s["seg_code"]: s.get("name") or s["seg_code"] for s in cov.segments}
    missing: dict = {}
    for f in findings:
        if f.rule == "R1":
            missing.setdefault(f.seg_code, []).append(f.level)
    no_board = {f.seg_code for f in findings if f.rule == "R5"}
    stale = [(s.board_code, seg_name.get(s.seg_code, s.seg_code), s.changed_on, s.content_date, s.days_overdue)
             for s in bmod.stale_boards(cov.boards, cov.assignments, _dt.date.fromisoformat(end))]
    pdata = sp.ProblemData(cov.district_code or "", cov.crs, cov.problems, cov.problem_events, [], [],
                           cov.segments, cov.assignments, cov.chiefs, cov.units)
    psum = sp.summary(pdata, start, end)
    chiefs = {c["chief_id"]: c for c in cov.chiefs}
    overdue = []
    for p in sorted(cov.problems, key=lambda p: str(p.get("problem_code"))):
        if not (start <= str(p.get("reported_on") or "")[:10] <= end):
            continue
        days = pmod.days_overdue(p, pdata.events_of(p.get("problem_code")), end)
        if days:
            overdue.append({"problem_code": p.get("problem_code"), "title": p.get("title") or "",
                            "seg_name": seg_name.get(p.get("seg_code"), p.get("seg_code") or ""),
                            "chief": (chiefs.get(p.get("chief_id")) or {}).get("name") or "",
                            "deadline": str(p.get("deadline"))[:10], "days": days})
    problem_towns = [((units.get(code) or {}).get("name") or "—", v)
                     for code, v in sorted(psum.by_town.items(), key=lambda kv: str(kv[0]))]
    return wr.ReportFacts(
        district_name=ws.info().district_name, district_code=cov.district_code or "", start=start, end=end,
        rivers=rivers,
        towns=towns, segments=sum(r.segments for r in rivers), villages_touched=touched,
        towns_touched=len(tables["towns"].rows), lead_chiefs=dict(lead), chiefs_with_segments=dict(with_segments),
        leaders=dict(leaders), partners=dict(partners), segments_complete=summary.segments_complete,
        missing=[(code, seg_name.get(code, code), levels) for code, levels in sorted(missing.items())],
        boards=len(cov.boards), segments_with_board=summary.segments - len(no_board), stale_boards=stale,
        update_days=bmod.UPDATE_DAYS, patrols=patrol_report(ws, start, end, profile), problems=psum, overdue=overdue,
        assessment=_assessment_rows(ws, start, end), findings_by_rule=summary.findings_by_rule,
        map_png=map_png, problem_towns=problem_towns)


class ReportError(HezhangError, ValueError):
    """Bad report input (messages ``report.*`` of core.messages)."""


def check_dates(start, end) -> tuple[str, str]:
    """(start, end) as ISO dates, or :class:`ReportError` naming what is wrong."""
    s, e = dates.parse_date(start), dates.parse_date(end)
    if not s or not e:
        raise ReportError("report.dates", start=str(start), end=str(end))
    if s > e:
        raise ReportError("report.order", start=s, end=e)
    return s, e
