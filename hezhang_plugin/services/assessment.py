"""Assessment (考核) of a workspace: compute a sheet for a period and store the results,
enter marks by hand with evidence.

Recomputing a sheet and period *supersedes* the computed rows stored for it; nothing is
deleted. The new run's rows are inserted and each computed row of the previous run gets
``superseded_at`` = the new run's ``computed_at`` (a change set's ``end`` operation), in
one :meth:`Backend.apply` transaction, so it works alike on a GeoPackage and on PostgreSQL,
where editors never DELETE. Why not update the rows in place, keyed by (sheet, period,
subject, item, line)? A rerun may have fewer lines (a problem settled in the meantime, a
board updated), and the lines left over would have to be deleted or blanked; and results
enter officials' performance reviews, so what a sheet said before it was recomputed is
evidence worth keeping (the superseded rows of a run share its ``computed_at`` and
``superseded_at``). Marks entered by hand are never superseded by a computation.

Readers take the current rows only (:func:`current`): ``superseded_at`` empty.
"""

from __future__ import annotations

from typing import Iterable, Optional

from hezhang_plugin.core import assessment as amod
from hezhang_plugin.core import coverage
from hezhang_plugin.core.changes import ChangeSet, by_fid
from hezhang_plugin.core.messages import Message
from hezhang_plugin.data.backend import as_backend
from hezhang_plugin.services import coverage as scoverage
from hezhang_plugin.services.patrol_facts import patrol_facts
from hezhang_plugin.services.problems import now


def current(rows: Iterable[dict]) -> list[dict]:
    """The rows of ``assessment_results`` no later run has superseded."""
    return [r for r in rows if not r.get("superseded_at")]


def sheet_and_items(workspace, sheet_code: str) -> tuple[dict, list]:
    """A sheet and its items, or :class:`core.assessment.AssessmentError` naming the sheet."""
    ws = as_backend(workspace)
    sheets = {s["sheet_code"]: s for s in ws.read_attributes("assessment_sheets")}
    if sheet_code not in sheets:
        raise amod.AssessmentError("sheet", s=sheet_code)
    items = [i for i in ws.read_attributes("assessment_items") if i.get("sheet_code") == sheet_code]
    return sheets[sheet_code], items


def load(workspace, period: amod.Period, patrols: Optional[amod.PatrolFacts] = None,
         use_workspace_patrols: bool = True, profile: Optional[str] = None) -> amod.AssessmentData:
    """What a sheet reads. ``patrols`` overrides the workspace's patrol facts (which are
    checked under the rule ``profile``, default: the workspace's default profile)."""
    ws = as_backend(workspace)
    cov = scoverage.load(ws)
    results = current(ws.read_attributes("assessment_results"))

    def missing_levels(day: str) -> dict:
        # Rule R1 exactly as the coverage check computes it.
        findings, _ = coverage.check(cov, day, rules=("R1",))
        out: dict = {}
        for f in findings:
            out.setdefault(f.seg_code, []).append(f.level)
        return out

    if patrols is None and use_workspace_patrols:
        patrols = patrol_facts(ws, period.start, period.end, profile)
    return amod.AssessmentData(
        units=[{k: v for k, v in u.items() if k != "geom"} for u in cov.units],
        segments=[{k: v for k, v in s.items() if k != "geom"} for s in cov.segments],
        chiefs=cov.chiefs, assignments=cov.assignments, boards=cov.boards,
        problems=[{k: v for k, v in p.items() if k != "geom"} for p in cov.problems],
        problem_events=cov.problem_events,
        manual=[r for r in results if r.get("source") == "manual"],
        stored=[r for r in results if r.get("source") == "computed" and r.get("item_code") == amod.TOTAL],
        patrols=patrols, missing_levels=missing_levels)


def assess(workspace, sheet_code: str, period_text: str, patrols: Optional[amod.PatrolFacts] = None,
           lang: str = "zh", when: Optional[str] = None,
           profile: Optional[str] = None) -> tuple[dict, amod.Period, list]:
    """Compute ``sheet_code`` for a period and store the results in one transaction.

    Returns (sheet, period, subject results). The computed rows stored for the sheet and
    period are superseded (see the module docstring), the marks entered by hand are kept, so
    running it again on the same data leaves the same current rows (only ``computed_at``
    differs). Patrols are checked under ``profile`` unless ``patrols`` are given. Raises
    :class:`core.assessment.AssessmentError` (bad period, sheet, items or evidence),
    :class:`core.patrol_rules.RuleError` (unknown profile), ``ReadOnlyError`` or
    ``WriteError`` from the backend (nothing written then)."""
    ws = as_backend(workspace)
    period = amod.parse_period(period_text)
    sheet, items = sheet_and_items(ws, sheet_code)
    data = load(ws, period, patrols, profile=profile)
    results = amod.compute(sheet, items, period, data)
    when = when or now()
    rows = amod.result_rows(sheet, period, results, when, lang)
    old = [r for r in current(ws.read_attributes("assessment_results"))
           if r.get("sheet_code") == sheet_code and r.get("period") == period.key and r.get("source") == "computed"]
    label = sheet.get("name") or sheet_code
    cs = ChangeSet(Message.literal(f"Assess {sheet_code} for {period.key}", f"{label}（{period.label('zh')}）考核"))
    for r in old:
        cs.end("assessment_results", by_fid(r["fid"]), superseded_at=when)
    for row in rows:
        cs.insert("assessment_results", row)
    ws.apply(cs)
    return sheet, period, results


def enter_marks(workspace, rows: Iterable[dict], entered_by: str) -> int:
    """Marks entered by hand (``sheet_code, period, subject_code, item_code, points,
    detail, evidence_key``); each needs its evidence. Returns the number written."""
    ws = as_backend(workspace)
    rows = list(rows)
    stored = ws.read_attributes("assessment_results")
    out = []
    for n, r in enumerate(rows, start=1):
        if not (r.get("evidence_key") or "").strip():
            raise amod.AssessmentError("evidence", n=n, i=r.get("item_code"), who=r.get("subject_code"))
        period = amod.parse_period(r.get("period"))
        sheet, items = sheet_and_items(ws, r.get("sheet_code"))
        if r.get("item_code") not in {i["item_code"] for i in items}:
            raise amod.AssessmentError("item", s=r.get("sheet_code"), i=r.get("item_code"))
        taken = [s.get("line") or 0 for s in stored + out
                 if s.get("sheet_code") == r.get("sheet_code") and s.get("period") == period.key
                 and s.get("subject_code") == r.get("subject_code") and s.get("item_code") == r.get("item_code")]
        out.append({**r, "period": period.key, "line": max(taken, default=0) + 1, "source": "manual",
                    "entered_by": entered_by, "computed_at": now(), "evidence_layer": r.get("evidence_layer")})
    cs = ChangeSet(Message.literal(f"Enter {len(out)} assessment mark(s)", f"录入{len(out)}条考核评分"))
    for row in out:
        cs.insert("assessment_results", row)
    ws.apply(cs)
    return len(out)


def stored_results(workspace, sheet_code: str, period_text: str) -> list[dict]:
    """The current rows (computed and entered by hand) of a sheet for a period."""
    period = amod.parse_period(period_text)
    return [r for r in current(as_backend(workspace).read_attributes("assessment_results"))
            if r.get("sheet_code") == sheet_code and r.get("period") == period.key]
