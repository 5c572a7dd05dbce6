"""Assessment (考核) of a workspace: compute a sheet for a period, store the results
(replacing the computed rows of that sheet and period, keeping marks entered by hand),
enter marks by hand with evidence."""

from __future__ import annotations

from typing import Iterable, Optional

from hezhang_plugin.core import assessment as amod
from hezhang_plugin.core import coverage
from hezhang_plugin.core.coverage import read_attributes
from hezhang_plugin.data import io
from hezhang_plugin.services.patrol_facts import patrol_facts
from hezhang_plugin.services.problems import now


def sheet_and_items(path: str, sheet_code: str) -> tuple[dict, list]:
    sheets = {s["sheet_code"]: s for s in read_attributes(path, "assessment_sheets")}
    if sheet_code not in sheets:
        raise amod.AssessmentError("sheet", s=sheet_code)
    items = [i for i in read_attributes(path, "assessment_items") if i.get("sheet_code") == sheet_code]
    return sheets[sheet_code], items


def load(path: str, period: amod.Period, patrols: Optional[amod.PatrolFacts] = None,
         use_workspace_patrols: bool = True) -> amod.AssessmentData:
    """What a sheet reads. ``patrols`` overrides the workspace's patrol facts."""
    cov = coverage.load(path)
    results = read_attributes(path, "assessment_results")

    def missing_levels(day: str) -> dict:
        # Rule R1 exactly as the coverage check computes it.
        findings, _ = coverage.check(cov, day, rules=("R1",))
        out: dict = {}
        for f in findings:
            out.setdefault(f.seg_code, []).append(f.level)
        return out

    if patrols is None and use_workspace_patrols:
        patrols = patrol_facts(path, period.start, period.end)
    return amod.AssessmentData(
        units=[{k: v for k, v in u.items() if k != "geom"} for u in cov.units],
        segments=[{k: v for k, v in s.items() if k != "geom"} for s in cov.segments],
        chiefs=cov.chiefs, assignments=cov.assignments, boards=cov.boards,
        problems=[{k: v for k, v in p.items() if k != "geom"} for p in cov.problems],
        problem_events=cov.problem_events,
        manual=[r for r in results if r.get("source") == "manual"],
        stored=[r for r in results if r.get("source") == "computed" and r.get("item_code") == amod.TOTAL],
        patrols=patrols, missing_levels=missing_levels)


def assess(path: str, sheet_code: str, period_text: str, patrols: Optional[amod.PatrolFacts] = None,
           lang: str = "zh", when: Optional[str] = None) -> tuple[dict, amod.Period, list]:
    """Compute ``sheet_code`` for a period and store the results in one transaction.

    Returns (sheet, period, subject results). Running it again on the same data gives the
    same rows (only ``computed_at`` differs).
    """
    period = amod.parse_period(period_text)
    sheet, items = sheet_and_items(path, sheet_code)
    data = load(path, period, patrols)
    results = amod.compute(sheet, items, period, data)
    rows = amod.result_rows(sheet, period, results, when or now(), lang)
    old = [r["fid"] for r in read_attributes(path, "assessment_results")
           if r.get("sheet_code") == sheet_code and r.get("period") == period.key and r.get("source") == "computed"]
    with io.transaction(path) as ds:
        io.write_to(ds, "assessment_results", rows, delete_fids=old)
    return sheet, period, results


def enter_marks(path: str, rows: Iterable[dict], entered_by: str) -> int:
    """Marks entered by hand (``sheet_code, period, subject_code, item_code, points,
    detail, evidence_key``); each needs its evidence. Returns the number written."""
    rows = list(rows)
    stored = read_attributes(path, "assessment_results")
    out = []
    for n, r in enumerate(rows, start=1):
        if not (r.get("evidence_key") or "").strip():
            raise amod.AssessmentError("evidence", n=n, i=r.get("item_code"), who=r.get("subject_code"))
        period = amod.parse_period(r.get("period"))
        sheet, items = sheet_and_items(path, r.get("sheet_code"))
        if r.get("item_code") not in {i["item_code"] for i in items}:
            raise KeyError(f"sheet {r.get('sheet_code')} has no item {r.get('item_code')}")
        taken = [s.get("line") or 0 for s in stored + out
                 if s.get("sheet_code") == r.get("sheet_code") and s.get("period") == period.key
                 and s.get("subject_code") == r.get("subject_code") and s.get("item_code") == r.get("item_code")]
        out.append({**r, "period": period.key, "line": max(taken, default=0) + 1, "source": "manual",
                    "entered_by": entered_by, "computed_at": now(), "evidence_layer": r.get("evidence_layer")})
    io.write_rows(path, "assessment_results", out)
    return len(out)


def stored_results(path: str, sheet_code: str, period_text: str) -> list[dict]:
    period = amod.parse_period(period_text)
    return [r for r in read_attributes(path, "assessment_results")
            if r.get("sheet_code") == sheet_code and r.get("period") == period.key]
