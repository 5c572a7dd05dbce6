"""Problems (事件) in a workspace: add them (located and completed), move them along the
workflow, count them. Batch writes are one change set applied by the workspace backend
(one transaction); the dock applies the same change sets to the edit buffers
(gui.problems_page through gui.edit_buffer, one undoable edit)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import problems as pmod
from hezhang_plugin.core import schema
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import Message
from hezhang_plugin.data.backend import as_backend


def now() -> str:
    """Local date-time now, ``YYYY-MM-DDTHH:MM:SS``."""
    return _dt.datetime.now().replace(microsecond=0).isoformat()


@dataclass
class ProblemData:
    """A workspace's problems and everything their rules read, as plain rows."""

    district_code: str
    crs: str
    problems: list
    events: list
    transitions: list
    rules: list
    segments: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    chiefs: list = field(default_factory=list)
    units: list = field(default_factory=list)

    def events_of(self, code: str) -> list:
        return [e for e in self.events if e.get("problem_code") == code]

    def problem(self, code: str) -> dict:
        for p in self.problems:
            if p.get("problem_code") == code:
                return p
        raise pmod.TransitionError("problems.unknown", code=code)


def load(workspace, with_context: bool = True) -> ProblemData:
    """Read the problem tables (and, with ``with_context``, the segments, appointments,
    chiefs and units that locating and completing problems need)."""
    ws = as_backend(workspace)
    info = ws.info()
    data = ProblemData(info.district_code, ws.layer_crs("segments") or info.crs or schema.DEFAULT_CRS,
                       ws.read_rows("problems"), ws.read_attributes("problem_events"),
                       ws.read_attributes("problem_transitions"), ws.read_attributes("problem_rules"))
    if with_context:
        data.segments = ws.read_rows("segments")
        data.assignments = ws.read_attributes("assignments")
        data.chiefs = ws.read_attributes("chiefs")
        data.units = ws.read_attributes("admin_units")
    return data


def completed(data: ProblemData, rows: Iterable[dict]) -> list[dict]:
    """New problem rows with codes, location, responsibility, severity and deadline filled
    (what the user gave is kept)."""
    units = {u["code"]: u for u in data.units if u.get("code")}
    active = {c["chief_id"] for c in data.chiefs if c.get("active", True)}
    codes = [p.get("problem_code") for p in data.problems]
    out = []
    for row in rows:
        p = dict(row)
        p.setdefault("status", "reported")
        p["reported_on"] = amod.parse_date(p.get("reported_on")) or amod.today()
        if not p.get("problem_code"):
            p["problem_code"] = pmod.next_code(data.district_code, p["reported_on"], codes)
        codes.append(p["problem_code"])
        p.update(pmod.complete(p, data.segments, data.assignments, units, data.rules, data.crs, active))
        out.append(p)
    return out


def add_problems_changes(data: ProblemData, rows: Iterable[dict], actor: Optional[str] = None
                         ) -> tuple[ChangeSet, list[dict]]:
    """The change set adding problems (see :func:`add_problems`) and the rows it adds."""
    """Add problems in one transaction, each with its first history row (→ reported) and,
    when a row carries ``steps`` (``[{"to_status", "when", "actor", "note", "actor_level"}]``,
    e.g. problems recorded after the fact), those steps checked against the workflow.
    Every problem starts as reported: a status only changes along the workflow.
    Returns the rows written."""
    new = completed(data, rows)
    events = []
    for p in new:
        steps = p.pop("steps", [])
        p["status"] = "reported"
        first = pmod.report_event(p, actor or p.get("reported_by") or "")
        history = [first]
        for step in steps:
            t = pmod.plan_transition(p, step["to_status"], actor=step.get("actor") or actor or "",
                                     when=step["when"], note=step.get("note") or "",
                                     actor_level=step.get("actor_level"), transitions=data.transitions,
                                     events=history)
            history.append(t.event)
            p.update(t.update)
        p.setdefault("status_at", history[-1]["event_time"])
        events.extend(history)
    cs = ChangeSet(Message("change.add_problems", count=len(new)))
    for p in new:
        cs.insert("problems", p)
    for e in events:
        cs.insert("problem_events", e)
    return cs, new


def add_problems(workspace, rows: Iterable[dict], actor: Optional[str] = None) -> list[dict]:
    """Add problems in one transaction, each with its first history row (→ reported) and,
    when a row carries ``steps`` (``[{"to_status", "when", "actor", "note", "actor_level"}]``,
    e.g. problems recorded after the fact), those steps checked against the workflow.
    Every problem starts as reported: a status only changes along the workflow.
    Returns the rows written."""
    ws = as_backend(workspace)
    cs, new = add_problems_changes(load(ws), rows, actor)
    ws.apply(cs)
    return new


def change_status(workspace, problem_code: str, to_status: str, actor: str, note: str = "",
                  when: Optional[str] = None, actor_level: Optional[str] = None,
                  expected_status: Optional[str] = None) -> pmod.Transition:
    """Move one problem along the workflow: the status and its history row in one
    transaction, refused (:class:`core.problems.TransitionError`) outside the workflow or
    when the stored status is no longer ``expected_status`` (what the caller showed)."""
    ws = as_backend(workspace)
    data = load(ws, with_context=False)
    problem = data.problem(problem_code)
    shown = dict(problem, status=expected_status) if expected_status else problem
    t = pmod.plan_transition(shown, to_status, actor=actor, when=when or now(), note=note,
                             actor_level=actor_level, transitions=data.transitions,
                             events=data.events_of(problem_code))
    pmod.check_unchanged(problem.get("status"), t)
    ws.apply(pmod.transition_changes(t))
    return t


@dataclass(frozen=True)
class ProblemSummary:
    """Counts of problems over a period, as the report and the dock print them."""

    found: int
    settled: int
    closed: int
    open: int
    overdue: int
    by_category: dict  # category → {"found", "settled", "overdue"}
    by_status: dict
    by_town: dict


def summary(data: ProblemData, start: str, end: str) -> ProblemSummary:
    """Problems reported in [start, end]; their state at the end of ``end``."""
    units = {u["code"]: u for u in data.units if u.get("code")}
    found = [p for p in data.problems if start <= str(p.get("reported_on") or "")[:10] <= end]
    by_cat: dict = {}
    by_status: dict = {}
    by_town: dict = {}
    settled = closed = overdue = 0
    for p in found:
        history = data.events_of(p.get("problem_code"))
        status = pmod.status_on(p, history, end) or "reported"
        cat = by_cat.setdefault(p.get("category"), {"found": 0, "settled": 0, "overdue": 0})
        cat["found"] += 1
        by_status[status] = by_status.get(status, 0) + 1
        town = amod.unit_ancestor(p.get("unit_code") or "", "town", units) if p.get("unit_code") else None
        t = by_town.setdefault(town, {"found": 0, "settled": 0, "overdue": 0})
        t["found"] += 1
        if status in pmod.SETTLED:
            settled += 1
            t["settled"] += 1
            cat["settled"] += 1
        if status == "closed":
            closed += 1
        if pmod.is_overdue(p, history, end):
            overdue += 1
            t["overdue"] += 1
            cat["overdue"] += 1
    return ProblemSummary(len(found), settled, closed, len(found) - settled, overdue, by_cat, by_status, by_town)
