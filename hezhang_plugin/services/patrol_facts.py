"""The seam to patrols: compliance and mileage for assessment, the patrols section of the
work report.

Both come from one patrol check (:func:`services.patrols.check_patrols`: the rows of
:func:`core.patrol_compliance.compliance` for the range under a rule profile, the same
check the Patrols page and ``hezhang:checkpatrols`` show), so the assessment, the report and
the dock agree.

"No patrol data" (None) means the workspace holds no patrol record at all: a district that
does not collect tracks yet is told so ("工作空间中尚无巡河记录") rather than every chief
being listed as never having patrolled. Once any patrol is imported, a chief without a
valid patrol in a period is a chief who did not patrol (status ``none``).
"""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core import schema
from hezhang_plugin.core import workreport as wr
from hezhang_plugin.core.assessment import PatrolFacts
from hezhang_plugin.data.backend import as_backend

#: Rows not met listed by name in the report; the rest are counted (the full list is
#: hezhang:checkpatrols's output).
REPORT_ROWS = 40


def _has_patrols(backend) -> bool:
    return bool(backend.read_attributes("patrols"))


def patrol_check(workspace, start: str, end: str, profile: Optional[str] = None):
    """:class:`services.patrols.CheckResult` for [start, end] (ISO dates) under ``profile``
    (default: the workspace's default profile), or None when the workspace holds no patrol.
    Raises :class:`core.patrol_rules.RuleError` for an unknown profile."""
    from hezhang_plugin.services import patrols as sp

    backend = as_backend(workspace)
    if not _has_patrols(backend):
        return None
    return sp.check_patrols(backend, start, end, profile)


def patrol_facts(workspace, start: str, end: str, profile: Optional[str] = None) -> Optional[PatrolFacts]:
    """Compliance rows (per chief, segment and rule period belonging to [start, end]) and the
    km of each counted patrol (:func:`services.patrols.facts`), or None without patrol data."""
    from hezhang_plugin.services import patrols as sp

    backend = as_backend(workspace)
    result = patrol_check(backend, start, end, profile)
    return None if result is None else sp.facts(backend, start, end, profile, result)


def patrol_report(workspace, start: str, end: str, profile: Optional[str] = None) -> Optional[wr.PatrolReport]:
    """The report's patrol facts for [start, end], or None without patrol data.

    Counts are those of :func:`core.patrol_compliance.summarise` over the check's rows
    (overall and per chief level); ``counted``/``km`` are the distinct patrols counted by
    some row and their ellipsoidal km (each patrol once, under the level of the first row
    that counts it); ``records`` the patrols dated in the range, counted or not."""
    from hezhang_plugin.core import patrol_compliance as pc
    from hezhang_plugin.core import patrol_rules as pr

    backend = as_backend(workspace)
    result = patrol_check(backend, start, end, profile)
    if result is None:
        return None
    patrols = {p["patrol_id"]: p for p in backend.read_attributes("patrols")}
    records = sum(1 for p in patrols.values() if start <= str(p.get("patrol_date") or "")[:10] <= end)
    summary = pc.summarise(result.rows)
    level_of: dict = {}
    for r in result.rows:
        for pid in r.valid_ids:
            level_of.setdefault(pid, r.level)
    by_level: dict = {}
    for level in schema.LEVELS.values:
        counts = summary.by_level.get(level, {})
        counted = [pid for pid, lv in level_of.items() if lv == level]
        owed = sum(counts.values())
        if not owed and not counted:
            continue
        by_level[level] = {"owed": owed, **{s: counts.get(s, 0) for s in pc.STATUSES},
                           "counted": len(counted),
                           "km": sum(float(patrols.get(pid, {}).get("distance_km") or 0.0) for pid in counted)}
    not_met = []
    short_chiefs = set()
    for r in result.rows:
        if r.status == "ok":
            continue
        short_chiefs.add(r.chief_id)
        chief = result.chiefs.get(r.chief_id) or {}
        seg = result.segments.get(r.seg_code) or {}
        not_met.append({"chief": f"{chief.get('name') or r.chief_id}", "chief_id": r.chief_id,
                        "level": r.level, "segment": seg.get("name") or r.seg_code, "seg_code": r.seg_code,
                        "period": pr.period_label(r.period, "zh"), "valid": r.valid, "required": r.required,
                        "status": r.status, "reasons": _refused(r, patrols)})
    order = {lv: k for k, lv in enumerate(schema.LEVELS.values)}
    not_met.sort(key=lambda x: (order.get(x["level"], 9), x["chief_id"], x["seg_code"], x["period"]))
    counted = set(level_of)
    return wr.PatrolReport(
        profile=result.profile.get("name") or result.profile_key,
        rules=[(lv, r.period, r.min_count, r.min_minutes, r.min_km)
               for lv, r in sorted(result.profile["rules"].items(), key=lambda kv: order.get(kv[0], 9))],
        records=records, counted=len(counted),
        km=sum(float(patrols.get(pid, {}).get("distance_km") or 0.0) for pid in counted),
        owed=summary.total, by_status={s: summary.by_status.get(s, 0) for s in pc.STATUSES},
        by_level=by_level, not_met=not_met, chiefs_short=len(short_chiefs))


def _refused(row, patrols: dict) -> str:
    """The patrols of a task that did not count, by date, with the reasons (Chinese):
    ``4月10日巡河：覆盖 31% < 50%``."""
    from hezhang_plugin.core import patrol_rules as pr

    out = []
    for pid, reasons in row.invalid:
        day = str((patrols.get(pid) or {}).get("patrol_date") or "")[:10]
        when = f"{int(day[5:7])}月{int(day[8:10])}日巡河" if len(day) == 10 else pid
        out.append(f"{when}：{pr.reasons_text(reasons, 'zh')}")
    return "；".join(out)


__all__ = ["REPORT_ROWS", "patrol_check", "patrol_facts", "patrol_report"]
