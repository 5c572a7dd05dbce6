"""Problems (事件) found on rivers: workflow, history, deadlines, overdue, location.

Pure Python + shapely/pyproj: no Qt, no iface. Rows are plain dicts as ``data.io``
reads them (dates as ISO text, ``event_time`` as ISO date-time text in local time).

The rules, and where they come from (PATROLS.md gathers the facts):

- Workflow: a problem moves only along the rows of ``problem_transitions`` (the district
  may edit them); :data:`DEFAULT_TRANSITIONS` is the open systems' flow: reported →
  accepted or not accepted → assigned, or escalated to a higher level and then assigned →
  in progress → resolved → closed, or returned for rework → in progress; the district
  cancels. Every change writes one ``problem_events`` row (actor, time, from/to status,
  note); events are never deleted or changed.
- Severity is suggested from the quantity by thresholds kept as data (``problem_rules``:
  general below ``serious_from``, serious from ``serious_from`` up to ``major_above``
  inclusive, major above ``major_above``; e.g. flood-blocking planting < 1,000 m² /
  1,000–5,000 m² / > 5,000 m²). The deadline is the report date plus the rule's days for
  that severity.
- Overdue, the day rule: the deadline day itself is still in time. A problem is overdue
  on day D when it has a deadline, D is after the deadline, the problem was reported on
  or before D, and its status at the end of day D is not settled (settled: resolved,
  closed, cancelled, not accepted). The status at the end of D is the ``to_status`` of its
  last event dated on or before D (events in time order), "reported" before the first
  event, and the stored status for a problem without any event row.
- Late in a period (for assessment): a problem counts against the period [S, E] when it is
  overdue on at least one day of it, or it was settled within it on a day after its
  deadline; it is carried over when it was already overdue on the day before S.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import schema
from hezhang_plugin.core.changes import ChangeSet, by_key
from hezhang_plugin.core.messages import HezhangError, Message, Text
from hezhang_plugin.core.projthreads import proj_safe

#: Statuses in which a problem no longer runs against its deadline.
SETTLED = ("resolved", "closed", "cancelled", "not_accepted")
#: Statuses with no way out in the default workflow.
FINAL = ("closed", "cancelled", "not_accepted")
#: Statuses that need a photo after the work ("closed without an after photo" is rule P2).
NEEDS_AFTER_PHOTO = ("closed",)

#: The default workflow (problem_transitions rows): (from, to, only by level, note required).
DEFAULT_TRANSITIONS: tuple[dict, ...] = tuple(
    {"from_status": a, "to_status": b, "by_level": lv, "note_required": note}
    for a, b, lv, note in (
        ("reported", "accepted", None, False),
        ("reported", "not_accepted", None, True),
        ("accepted", "assigned", None, False),
        ("accepted", "escalated", None, True),
        ("escalated", "assigned", None, False),
        ("assigned", "in_progress", None, False),
        ("in_progress", "resolved", None, False),
        ("resolved", "closed", None, False),
        ("resolved", "returned", None, True),
        ("returned", "in_progress", None, False),
        *((s, "cancelled", "district", True)
          for s in ("reported", "accepted", "assigned", "escalated", "in_progress", "resolved", "returned")),
    )
)

#: Default severity thresholds and days to fix per category (problem_rules rows). The
#: occupation thresholds are the flood-blocking planting figures of PATROLS.md; the others
#: are defaults of the same form for the district to adjust.
DEFAULT_RULES: tuple[dict, ...] = tuple(
    {"category": cat, "quantity_unit": unit, "serious_from": lo, "major_above": hi,
     "general_days": 15, "serious_days": 30, "major_days": 60}
    for cat, unit, lo, hi in (
        ("occupation", "m2", 1000.0, 5000.0),
        ("sand_mining", "m3", 100.0, 1000.0),
        ("dumping", "m3", 100.0, 1000.0),
        ("building", "m2", 100.0, 500.0),
        ("pollution", "item", None, None),
        ("debris", "m2", 500.0, 5000.0),
        ("facility", "item", None, None),
        ("board", "item", None, None),
        ("other", None, None, None),
    )
)
#: Days to fix when no rule row names the category.
FALLBACK_DAYS = {"general": 15, "serious": 30, "major": 60}
#: A problem farther than this from every current segment is not placed on one (metres).
LOCATE_DISTANCE_M = 500.0

class TransitionError(HezhangError, ValueError):
    """A status change the workflow refuses; ``text(lang)`` says why in that language
    (messages ``problems.*`` of core.messages)."""


# ------------------------------------------------------------------ workflow

def _truthy(value) -> bool:
    return value in (True, 1, "1", "true", "True")


def next_steps(status: str, transitions: Iterable[dict], actor_level: Optional[str] = None) -> list[str]:
    """Statuses a problem in ``status`` may move to (in table order), for an actor of
    ``actor_level`` (None: any step, whatever level it is kept for)."""
    out = []
    for t in transitions:
        if t.get("from_status") != status or t.get("to_status") in out:
            continue
        if actor_level and t.get("by_level") and t.get("by_level") != actor_level:
            continue
        out.append(t.get("to_status"))
    return out


def event_time(event: dict) -> str:
    """An event's local date-time as ``YYYY-MM-DDTHH:MM:SS`` (milliseconds dropped)."""
    t = event.get("event_time")
    if hasattr(t, "toPyDateTime"):  # QDateTime from an edit buffer, without importing Qt
        t = t.toPyDateTime().isoformat()
    return str(t or "").replace(" ", "T").replace("/", "-")[:19]


def event_date(event: dict) -> str:
    """The day of an event (the date of its local date-time)."""
    return event_time(event)[:10]


def _sorted_events(events: Iterable[dict], code: Optional[str] = None) -> list[dict]:
    evs = [e for e in events if code is None or e.get("problem_code") == code]
    return sorted(evs, key=lambda e: (event_time(e), e.get("fid") or 0))


@dataclass(frozen=True)
class Transition:
    """A planned status change: ``update`` for the problem row, ``event`` for the history."""

    problem_code: str
    from_status: str
    to_status: str
    update: dict
    event: dict


def plan_transition(problem: dict, to_status: str, *, actor: str, when: str, note: str = "",
                    actor_level: Optional[str] = None, transitions: Sequence[dict] = DEFAULT_TRANSITIONS,
                    events: Iterable[dict] = ()) -> Transition:
    """The change moving ``problem`` to ``to_status``, checked against the workflow.

    ``when`` is a local date-time ``YYYY-MM-DDTHH:MM:SS``; ``events`` the problem's history
    (to refuse a change dated before its last one). Raises :class:`TransitionError` when the
    table has no such step, the step is kept for another level, a needed note is missing,
    the actor is empty or the time goes backwards. Nothing is written here.
    """
    src = problem.get("status") or "reported"
    if to_status not in schema.PROBLEM_STATUSES.values:
        raise TransitionError("problems.unknown_status", dst=to_status)
    steps = [t for t in transitions if t.get("from_status") == src and t.get("to_status") == to_status]
    if not steps:
        options = next_steps(src, transitions)
        none = Message("problems.none")
        listed = Text(", ".join(options) or none.en,
                      "、".join(schema.PROBLEM_STATUSES.label(s, "zh") for s in options) or none.zh)
        raise TransitionError("problems.no_step", src=src, dst=to_status, options=listed)
    if not any(not t.get("by_level") or t.get("by_level") == actor_level for t in steps):
        raise TransitionError("problems.level", src=src, dst=to_status, level=steps[0].get("by_level"))
    if not (actor or "").strip():
        raise TransitionError("problems.actor")
    if any(_truthy(t.get("note_required")) for t in steps) and not (note or "").strip():
        raise TransitionError("problems.note", src=src, dst=to_status)
    history = _sorted_events(events, problem.get("problem_code"))
    when = event_time({"event_time": when})
    if history and event_time(history[-1]) > when:
        raise TransitionError("problems.time", when=when, last=event_time(history[-1]))
    code = problem.get("problem_code")
    event = {"problem_code": code, "event_time": when, "actor": actor.strip(), "actor_level": actor_level,
             "from_status": src, "to_status": to_status, "note": (note or "").strip() or None}
    return Transition(code, src, to_status, {"status": to_status, "status_at": when}, event)


def check_unchanged(stored_status: Optional[str], transition: Transition) -> None:
    """Optimistic locking: refuse to apply ``transition`` when the stored status moved on."""
    if (stored_status or "reported") != transition.from_status:
        raise TransitionError("problems.stale", code=transition.problem_code, now=stored_status or "",
                              src=transition.from_status)


def transition_changes(transition: Transition) -> ChangeSet:
    """The change set of a status change: the problem's status and its history row."""
    cs = ChangeSet(Message("change.move_problem", code=transition.problem_code, src=transition.from_status,
                           dst=transition.to_status))
    cs.update("problems", by_key("problems", transition.problem_code), transition.update)
    cs.insert("problem_events", transition.event)
    return cs


def report_event(problem: dict, actor: str, when: Optional[str] = None) -> dict:
    """The first history row of a new problem (nothing → reported)."""
    return {"problem_code": problem.get("problem_code"),
            "event_time": when or f"{problem.get('reported_on')}T00:00:00",
            "actor": (actor or problem.get("reported_by") or "—").strip(), "actor_level": None,
            "from_status": None, "to_status": problem.get("status") or "reported", "note": None}


# ------------------------------------------------------------------ status over time

def status_on(problem: dict, events: Iterable[dict], day: str) -> Optional[str]:
    """Status at the end of ``day`` (ISO date); None before the problem was reported."""
    reported = str(problem.get("reported_on") or "")[:10]
    if reported and day < reported:
        return None
    history = _sorted_events(events, problem.get("problem_code"))
    if not history:
        return problem.get("status") or "reported"
    status = history[0].get("from_status") or "reported"
    for e in history:
        if event_date(e) > day:
            break
        status = e.get("to_status") or status
    return status


def is_overdue(problem: dict, events: Iterable[dict], day: str) -> bool:
    """True when ``problem`` is overdue on ``day`` (the day rule of the module docstring)."""
    deadline = str(problem.get("deadline") or "")[:10]
    if not deadline or day <= deadline:
        return False
    status = status_on(problem, events, day)
    return status is not None and status not in SETTLED


def days_overdue(problem: dict, events: Iterable[dict], day: str) -> int:
    """Days past the deadline on ``day`` while still unsettled (0 when not overdue)."""
    if not is_overdue(problem, events, day):
        return 0
    return (_dt.date.fromisoformat(day) - _dt.date.fromisoformat(str(problem["deadline"])[:10])).days


def _next_day(iso: str, n: int = 1) -> str:
    return (_dt.date.fromisoformat(iso) + _dt.timedelta(days=n)).isoformat()


@dataclass(frozen=True)
class LateInPeriod:
    """Why a problem counts against a period: overdue days in it, a late settling in it,
    and whether it was carried over (already overdue the day before the period)."""

    problem_code: str
    overdue_days: int
    settled_late_on: Optional[str]
    carried: bool


def late_in_period(problem: dict, events: Iterable[dict], start: str, end: str) -> Optional[LateInPeriod]:
    """How ``problem`` runs late in [start, end] (inclusive ISO dates), or None when it does not."""
    deadline = str(problem.get("deadline") or "")[:10]
    if not deadline or deadline >= end:
        return None
    history = _sorted_events(events, problem.get("problem_code"))
    first = max(start, _next_day(deadline))
    # The status is constant between event days: check the first overdue day of the
    # period and each day something happened (and the day after it), counting the days.
    days = 0
    points = sorted({first, str(problem.get("reported_on") or first)[:10], *(event_date(e) for e in history)})
    points = [p for p in points if first <= p <= end] + [_next_day(end)]
    for a, b in zip(points, points[1:]):
        if is_overdue(problem, history, a):
            days += (_dt.date.fromisoformat(b) - _dt.date.fromisoformat(a)).days
    settled_late = None
    for e in history:
        d = event_date(e)
        if (start <= d <= end and d > deadline and e.get("to_status") in SETTLED
                and (e.get("from_status") or "reported") not in SETTLED):
            settled_late = d
            break
    if not days and settled_late is None:
        return None
    carried = is_overdue(problem, history, _next_day(start, -1))
    return LateInPeriod(problem.get("problem_code"), days, settled_late, carried)


# ------------------------------------------------------------------ severity and deadline

def rule_for(category: Optional[str], rules: Iterable[dict]) -> Optional[dict]:
    return next((r for r in rules if r.get("category") == category), None)


def suggest_severity(category: Optional[str], quantity, quantity_unit: Optional[str],
                     rules: Iterable[dict] = DEFAULT_RULES) -> str:
    """Severity from the quantity by the category's thresholds ("general" when no
    threshold applies: no quantity, no rule, or a quantity in another unit)."""
    rule = rule_for(category, rules)
    if rule is None or quantity in (None, ""):
        return "general"
    try:
        q = float(quantity)
    except (TypeError, ValueError):
        return "general"
    if not math.isfinite(q):
        return "general"
    if rule.get("quantity_unit") and quantity_unit and rule.get("quantity_unit") != quantity_unit:
        return "general"
    hi, lo = rule.get("major_above"), rule.get("serious_from")
    if hi is not None and q > float(hi):
        return "major"
    if lo is not None and q >= float(lo):
        return "serious"
    return "general"


def deadline_for(reported_on: str, severity: Optional[str], category: Optional[str],
                 rules: Iterable[dict] = DEFAULT_RULES) -> str:
    """Report date plus the days to fix of ``severity`` for the category (ISO date)."""
    sev = severity if severity in FALLBACK_DAYS else "general"
    rule = rule_for(category, rules) or {}
    days = rule.get(f"{sev}_days")
    days = int(days) if days not in (None, "") else FALLBACK_DAYS[sev]
    return _next_day(str(reported_on)[:10], days)


def next_code(district_code: str, day: str, existing: Iterable[str]) -> str:
    """``CCCCCC-YYYYMMDD-NNN``: county code, report date, next free number of that day."""
    stem = f"{(district_code or '')[:6]}-{day.replace('-', '')}-"
    used = [int(c[len(stem):]) for c in existing if c and c.startswith(stem) and c[len(stem):].isdigit()]
    return f"{stem}{max(used, default=0) + 1:03d}"


# ------------------------------------------------------------------ location

@dataclass(frozen=True)
class Location:
    seg_code: str
    river_code: Optional[str]
    unit_code: Optional[str]
    bank: Optional[str]
    distance_m: float


def _side(line, point) -> Optional[str]:
    """"left" or "right" of a line (facing its direction, i.e. downstream) for a point."""
    import shapely

    parts = shapely.get_parts(line)
    part = min(parts, key=lambda p: p.distance(point))
    m = part.project(point)
    a = part.interpolate(max(m - 1e-7, 0.0))
    b = part.interpolate(min(m + 1e-7, part.length))
    if a.equals(b):
        return None
    q = part.interpolate(m)
    cross = (b.x - a.x) * (point.y - q.y) - (b.y - a.y) * (point.x - q.x)
    if cross == 0:
        return None
    return "left" if cross > 0 else "right"


@proj_safe
def _metres_between(p, q, crs: str) -> float:
    from hezhang_plugin.core.geodesy import _geod, transformer_to_lonlat

    x = [p.x, q.x]
    y = [p.y, q.y]
    from hezhang_plugin.core import crs as crsmod

    if not crsmod.is_cgcs2000_lonlat(crs):
        x, y = transformer_to_lonlat(crs).transform(x, y)
    return float(_geod().inv(x[0], y[0], x[1], y[1])[2])


def locate(point, segments: Sequence[dict], crs: str = schema.DEFAULT_CRS, day: Optional[str] = None,
           max_distance_m: float = LOCATE_DISTANCE_M) -> Optional[Location]:
    """The segment a problem at ``point`` lies on: the nearest segment current on ``day``
    within ``max_distance_m`` (ellipsoidal), single-bank aware.

    Where a river is split into a left-bank and a right-bank segment (both drawn on the
    river line, digitised downstream), the segment of the bank on the point's side is
    chosen; a both-bank segment serves either side. None when nothing is near enough.
    """
    import shapely
    from shapely.ops import nearest_points

    if point is None or point.is_empty:
        return None
    segs = [s for s in segments if s.get("geom") is not None and not s["geom"].is_empty
            and (day is None or amod.is_current(s, day))]
    if not segs:
        return None
    geoms = [s["geom"] for s in segs]
    planar = shapely.distance(point, geoms)
    # Ellipsoidal distance of each candidate, from its nearest point.
    order = sorted(range(len(segs)), key=lambda i: planar[i])
    measured = []
    for i in order:
        near = nearest_points(geoms[i], point)[0]
        d = _metres_between(point, near, crs)
        if d <= max_distance_m:
            measured.append((d, i))
        elif measured and planar[i] > 3 * planar[measured[0][1]] + 1e-12:
            break
    if not measured:
        return None
    measured.sort()
    nearest_river = segs[measured[0][1]].get("river_code")
    same_river = [(d, i) for d, i in measured if segs[i].get("river_code") == nearest_river]
    side = _side(geoms[same_river[0][1]], point)
    # Single-bank segments lying on the same line as the nearest (within 1 m of it).
    tie = same_river[0][0] + 1.0
    fitting = [(d, i) for d, i in same_river
               if d <= tie and (segs[i].get("bank") in (None, "", "both") or segs[i].get("bank") == side)]
    d, i = (fitting or same_river)[0]
    s = segs[i]
    return Location(s.get("seg_code"), s.get("river_code"), s.get("unit_code"), s.get("bank"), d)


def responsible_chief(seg_code: Optional[str], unit_level: Optional[str], assignments: Iterable[dict],
                      day: str, active: Optional[set] = None) -> Optional[str]:
    """The chief answering for a problem on a segment on ``day``: the lead-role chief of
    the segment's own unit level (village chief for a village segment …), else the next
    level up. None when the segment has no current lead chief."""
    if not seg_code:
        return None
    current = [a for a in amod.responsible_on(assignments, seg_code, day)
               if a.get("role") in amod.LEAD_ROLES and (active is None or a.get("chief_id") in active)]
    levels = list(amod.LEVEL_ORDER)
    start = levels.index(unit_level) if unit_level in levels else len(levels) - 1
    for level in reversed(levels[: start + 1]):
        chosen = sorted((a for a in current if a.get("level") == level),
                        key=lambda a: (amod.LEAD_ROLES.index(a.get("role")), str(a.get("valid_from") or ""),
                                       a.get("chief_id") or ""))
        if chosen:
            return chosen[0].get("chief_id")
    return None


def complete(problem: dict, segments: Sequence[dict], assignments: Iterable[dict], units: dict,
             rules: Iterable[dict] = DEFAULT_RULES, crs: str = schema.DEFAULT_CRS,
             active: Optional[set] = None, max_distance_m: float = LOCATE_DISTANCE_M) -> dict:
    """The fields to fill in a problem from its location and quantity, leaving what the
    user set: segment, river, responsible unit and chief (on the report date), severity
    (suggested from the quantity) and deadline (by severity)."""
    out: dict = {}
    day = str(problem.get("reported_on") or amod.today())[:10]
    seg_code = problem.get("seg_code")
    if not seg_code:
        loc = locate(problem.get("geom"), segments, crs, day, max_distance_m)
        if loc is not None:
            seg_code = out["seg_code"] = loc.seg_code
            if not problem.get("river_code"):
                out["river_code"] = loc.river_code
            if not problem.get("unit_code"):
                out["unit_code"] = loc.unit_code
    seg = next((s for s in segments if s.get("seg_code") == seg_code), None)
    if seg is not None:
        if not problem.get("river_code") and "river_code" not in out:
            out["river_code"] = seg.get("river_code")
        if not problem.get("unit_code") and "unit_code" not in out:
            out["unit_code"] = seg.get("unit_code")
        if not problem.get("chief_id"):
            unit = units.get(seg.get("unit_code")) or {}
            chief = responsible_chief(seg_code, unit.get("level"), assignments, day, active)
            if chief:
                out["chief_id"] = chief
    severity = problem.get("severity")
    if not severity:
        severity = out["severity"] = suggest_severity(problem.get("category"), problem.get("quantity"),
                                                      problem.get("quantity_unit"), rules)
    if not problem.get("deadline"):
        out["deadline"] = deadline_for(day, severity, problem.get("category"), rules)
    return out


# ------------------------------------------------------------------ water-change clues

def clues_from_water_change(changes: Iterable[dict], min_area_m2: float = 0.0) -> list[dict]:
    """Problem rows from the polygons of ``hezhang:waterchange`` (fields ``change``,
    ``area_m2``, ``date_before``, ``date_after``, ``seg_code``; ``geom`` shapely): water
    lost → a suspected occupation (围垦、填占水域, 乱占), water gained → suspected sand
    mining or earth taking (采砂、取土形成坑塘, 乱采). Each is placed on the polygon's
    representative point, dated on the later image, with the source ``waterchange``."""
    out = []
    for n, c in enumerate(changes, start=1):
        area = float(c.get("area_m2") or 0.0)
        if area < min_area_m2 or c.get("geom") is None:
            continue
        lost = c.get("change") == "water_lost"
        title = (f"遥感监测发现水面减少约{area:.0f}平方米，疑似围垦或填占水域" if lost
                 else f"遥感监测发现水面增加约{area:.0f}平方米，疑似采砂或取土形成坑塘")
        key = c.get("fid", n)
        out.append({"title": title, "category": "occupation" if lost else "sand_mining", "quantity": round(area, 1),
                    "quantity_unit": "m2", "source": "waterchange",
                    "source_ref": f"waterchange:{c.get('change')}:{c.get('date_before') or ''}/"
                                  f"{c.get('date_after') or ''}#{key}"[:80],
                    "reported_on": str(c.get("date_after") or "")[:10] or None, "seg_code": c.get("seg_code") or None,
                    "geom": c["geom"].representative_point()})
    return out
