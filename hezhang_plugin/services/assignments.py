"""Appointments of chiefs to segments, as batch use cases on a workspace."""

from __future__ import annotations

from typing import Iterable, Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import dates
from hezhang_plugin.data.backend import as_backend


def _chief(ws, chief_id: str) -> dict:
    for c in ws.read_attributes("chiefs"):
        if c["chief_id"] == chief_id:
            return c
    raise amod.AssignmentError("chief.unknown", chief=chief_id)


def assign(workspace, seg_codes: Iterable[str], chief_id: str, valid_from: Optional[str] = None,
           duty: Optional[str] = None, replace_current: bool = True) -> int:
    """Assign a chief (at its level and role) to segments from ``valid_from`` (default today)
    in one transaction; returns the number of new appointments. Raises AssignmentError for
    an unknown or inactive chief, unknown segments or a bad date."""
    ws = as_backend(workspace)
    seg_codes = list(seg_codes)
    chief = _chief(ws, chief_id)
    known = {s["seg_code"] for s in ws.read_attributes("segments")}
    unknown = [s for s in seg_codes if s not in known]
    if unknown:
        raise amod.AssignmentError("assignment.unknown_segments", codes=", ".join(unknown[:5]))
    cs = amod.assignment_changes(ws.read_attributes("assignments"), seg_codes, chief,
                                 valid_from or dates.today(), duty, replace_current)
    ws.apply(cs)
    return cs.count("assignments", "insert")


def end_assignments(workspace, fids: Iterable[int], end_date: str) -> int:
    """End appointments (by fid) on ``end_date``, their last day; returns how many."""
    ws = as_backend(workspace)
    cs = amod.end_changes(fids, end_date)
    ws.apply(cs)
    return len(cs)


def deactivate_chief(workspace, chief_id: str, end_date: Optional[str] = None) -> int:
    """Mark a chief inactive and end its open appointments on ``end_date`` (default today;
    nothing deleted). Returns the number of appointments ended."""
    ws = as_backend(workspace)
    chief = _chief(ws, chief_id)
    cs = amod.deactivation_changes(chief, ws.read_attributes("assignments"), end_date or dates.today())
    ws.apply(cs)
    return cs.count("assignments")


def who_was_responsible(workspace, seg_code: str, date: Optional[str] = None) -> list[dict]:
    """Appointments of a segment on ``date`` (default today) with their chief rows."""
    ws = as_backend(workspace)
    chiefs = {c["chief_id"]: c for c in ws.read_attributes("chiefs")}
    return amod.responsible_on(ws.read_attributes("assignments"), seg_code, date, chiefs)
