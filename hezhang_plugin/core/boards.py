"""Notice boards (公示牌): where boards are needed, their content dates, stale boards.

The common provincial rule: one board per river per village, plus one for each further
8 km the river runs inside that village. Segments are cut per responsible unit, so the
rule is applied per segment: a segment of length L needs ``max(1, ceil(L / 8))`` boards.
Boards are updated within 15 days of a chief change (some provinces: 30 working days).

Pure Python + shapely: no Qt, no iface. Rows are plain dicts (``fid``, fields, ``geom``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Iterable, Optional

import numpy as np

from hezhang_plugin.core import dates, validity
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import Message

#: Further board for each this many km of a segment (provincial standards: 8 km).
KM_PER_BOARD = 8.0
#: Days within which a board must show a chief change (common rule: 15 days).
UPDATE_DAYS = 15


def boards_needed(length_km: Optional[float], km_per_board: float = KM_PER_BOARD) -> int:
    """Boards a segment of ``length_km`` needs: one, plus one per further ``km_per_board``."""
    if length_km is None or not math.isfinite(length_km) or length_km <= km_per_board:
        return 1
    return int(math.ceil(length_km / km_per_board - 1e-9))


_as_date = dates.to_date


def is_current(row: dict, on) -> bool:
    """An assignment (or segment) valid on date ``on``: :func:`validity.is_current`."""
    return validity.is_current(row, on)


@dataclass(frozen=True)
class PlannedBoard:
    board_code: str
    seg_code: str
    x: float
    y: float
    fraction: float  # position along the segment, 0 = start, 1 = end


def _board_code(seg_code: str, k: int) -> str:
    return f"{seg_code}-{k:02d}"


def plan_boards(segments: list[dict], boards: list[dict],
                km_per_board: float = KM_PER_BOARD) -> list[PlannedBoard]:
    """Boards to add so that every segment has the number the rule asks for.

    New boards go on the segment line at evenly spaced positions (the middle of equal
    parts), choosing the positions farthest from the boards already there. Segments
    without geometry are skipped (they cannot carry a board). Codes are the segment code
    plus a 2-digit number not used yet.
    """
    import shapely

    existing: dict[str, list] = {}
    codes_used = set()
    for b in boards:
        existing.setdefault(b.get("seg_code"), []).append(b.get("geom"))
        codes_used.add(b.get("board_code"))
    plan: list[PlannedBoard] = []
    for seg in segments:
        geom = seg.get("geom")
        code = seg.get("seg_code")
        if geom is None or geom.is_empty or not code:
            continue
        have = [g for g in existing.get(code, []) if g is not None]
        need = boards_needed(seg.get("length_km"), km_per_board) - len(existing.get(code, []))
        if need <= 0:
            continue
        line = shapely.line_merge(geom) if geom.geom_type == "MultiLineString" else geom
        if line.geom_type == "MultiLineString":
            # Disjoint parts: boards go on the longest part.
            parts = shapely.get_parts(line)
            line = parts[int(np.argmax(shapely.length(parts)))]
        total = boards_needed(seg.get("length_km"), km_per_board)
        fractions = (np.arange(total) + 0.5) / total
        points = shapely.line_interpolate_point(line, fractions, normalized=True)
        if have:
            dist = np.min(np.stack([shapely.distance(points, g) for g in have]), axis=0)
            order = np.argsort(-dist, kind="stable")[:need]
            order.sort()
        else:
            order = np.arange(need)
        k = 1
        for i in order:
            while _board_code(code, k) in codes_used:
                k += 1
            bc = _board_code(code, k)
            codes_used.add(bc)
            p = points[i]
            plan.append(PlannedBoard(bc, code, float(p.x), float(p.y), float(fractions[i])))
    return plan


def last_chief_change(assignments: Iterable[dict], on: dt.date) -> dict[str, dt.date]:
    """Per segment, the date of the latest change of its chiefs up to ``on``.

    A change is an appointment starting or ending: the latest valid_from of an
    appointment already begun, or the day after the latest valid_to already passed.
    """
    out: dict[str, dt.date] = {}
    for a in assignments:
        seg = a.get("seg_code")
        start = _as_date(a.get("valid_from"))
        end = _as_date(a.get("valid_to"))
        for d in (start, end + dt.timedelta(days=1) if end else None):
            if d is not None and d <= on and (seg not in out or d > out[seg]):
                out[seg] = d
    return out


@dataclass(frozen=True)
class StaleBoard:
    board_code: str
    seg_code: str
    content_date: Optional[dt.date]
    changed_on: dt.date
    days_overdue: int  # days past the update deadline (negative: still within it)

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0


def stale_boards(boards: Iterable[dict], assignments: Iterable[dict],
                 on: Optional[dt.date] = None, update_days: int = UPDATE_DAYS) -> list[StaleBoard]:
    """Boards whose content date is older than their segment's current appointments."""
    on = on or dt.date.today()
    changed = last_chief_change(assignments, on)
    out = []
    for b in boards:
        seg = b.get("seg_code")
        if seg not in changed:
            continue
        content = _as_date(b.get("content_date"))
        if content is None or content < changed[seg]:
            overdue = (on - changed[seg]).days - update_days
            out.append(StaleBoard(b.get("board_code"), seg, content, changed[seg], overdue))
    out.sort(key=lambda s: (-s.days_overdue, s.board_code or ""))
    return out


def refreshed_content_dates(boards: Iterable[dict], assignments: Iterable[dict],
                            on: Optional[dt.date] = None) -> list[dict]:
    """``{"fid", "content_date"}`` updates for the boards whose chiefs changed after their
    content date: the board is reprinted with today's content (``on``)."""
    on = on or dt.date.today()
    return [{"fid": b["fid"], "content_date": on.isoformat()}
            for b in boards
            if any(s.board_code == b.get("board_code")
                   for s in stale_boards([b], assignments, on))]


def board_changes(segments: list[dict], boards: list[dict], assignments: list[dict], on: Optional[dt.date] = None,
                  km_per_board: float = KM_PER_BOARD, hotline: Optional[str] = None,
                  refresh: bool = False) -> tuple[ChangeSet, list[PlannedBoard], list[StaleBoard]]:
    """One change set placing the boards the rule asks for on the segments current on ``on``
    (:func:`plan_boards`, geometry as shapely points in the segments' CRS) and, with
    ``refresh``, setting today's content date on the stale boards. Returns (change set,
    planned boards, stale boards — the new ones included, as they show no chiefs yet)."""
    from shapely.geometry import Point

    on = dates.to_date(on) or dt.date.today()
    current = validity.current_rows(segments, on)
    plan = plan_boards(current, boards, km_per_board)
    new_rows = [{"board_code": p.board_code, "seg_code": p.seg_code, "hotline": hotline or None,
                 "installed_on": None, "content_date": None, "geom": Point(p.x, p.y)} for p in plan]
    stale = stale_boards(list(boards) + new_rows, assignments, on)
    refreshed = {s.board_code for s in stale} if refresh else set()
    cs = ChangeSet(Message("change.place_boards", count=len(plan)))
    for row in new_rows:
        if row["board_code"] in refreshed:
            row["content_date"] = on.isoformat()
        cs.insert("notice_boards", row)
    for b in boards:
        if b.get("board_code") in refreshed:
            cs.update("notice_boards", b["fid"], {"content_date": on.isoformat()})
    return cs, plan, stale
