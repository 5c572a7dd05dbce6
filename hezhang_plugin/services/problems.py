"""Problems (事件) in a workspace: add them (located and completed), move them along the
workflow, list them with their overdue state. Batch writes are one GeoPackage transaction;
the dock's interactive path is in gui.problems_page (edit buffers, one undoable edit)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import problems as pmod
from hezhang_plugin.core import schema
from hezhang_plugin.data import io


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
        raise KeyError(code)


def load(path: str, with_context: bool = True) -> ProblemData:
    """Read the problem tables (and, with ``with_context``, the segments, appointments,
    chiefs and units that locating and completing problems need)."""
    from hezhang_plugin.core.coverage import read_attributes
    from hezhang_plugin.data.gpkg import read_workspace_info

    info = read_workspace_info(path)
    data = ProblemData(info.district_code, info.crs or schema.DEFAULT_CRS, io.read_rows(path, "problems"),
                       read_attributes(path, "problem_events"), read_attributes(path, "problem_transitions"),
                       read_attributes(path, "problem_rules"))
    if with_context:
        data.segments = io.read_rows(path, "segments")
        data.assignments = read_attributes(path, "assignments")
        data.chiefs = read_attributes(path, "chiefs")
        data.units = io.read_rows(path, "admin_units", with_geometry=False)
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


def add_problems(path: str, rows: Iterable[dict], actor: Optional[str] = None) -> list[dict]:
    """Add problems in one transaction, each with its first history row (→ reported) and,
    when a row carries ``steps`` (``[{"to_status", "when", "actor", "note", "actor_level"}]``,
    e.g. problems recorded after the fact), those steps checked against the workflow.
    Every problem starts as reported: a status only changes along the workflow.
    Returns the rows written."""
    data = load(path)
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
    with io.transaction(path) as ds:
        io.write_to(ds, "problems", new)
        io.write_to(ds, "problem_events", events)
    return new


def change_status(path: str, problem_code: str, to_status: str, actor: str, note: str = "",
                  when: Optional[str] = None, actor_level: Optional[str] = None) -> pmod.Transition:
    """Move one problem along the workflow: the status and its history row in one
    transaction, refused (:class:`core.problems.TransitionError`) outside the workflow or
    when the stored status changed meanwhile."""
    data = load(path, with_context=False)
    problem = data.problem(problem_code)
    t = pmod.plan_transition(problem, to_status, actor=actor, when=when or now(), note=note,
                             actor_level=actor_level, transitions=data.transitions,
                             events=data.events_of(problem_code))
    with io.transaction(path) as ds:
        feat = ds.GetLayerByName("problems").GetFeature(int(problem["fid"]))
        if feat is None or feat.GetField("problem_code") != problem_code:
            raise pmod.TransitionError("stale", code=problem_code, now="—", now_zh="—",
                                       src=t.from_status, src_zh=schema.PROBLEM_STATUSES.label(t.from_status))
        pmod.check_unchanged(feat.GetField("status"), t)
        io.write_to(ds, "problems", [{"fid": problem["fid"], **t.update}], update_by_fid=True)
        io.write_to(ds, "problem_events", [t.event])
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
