"""Coverage rules R1-R7 of the river-chief system, evaluated on a check date.

R1 every current segment has a district-level and a town-level chief, and a village-level
   chief when its unit is a village;
R2 each appointed chief's unit is the segment's unit or its ancestor at the chief's level;
R3 each river is covered on each bank by segments with no gaps or overlaps (tolerance);
R4 every village a river crosses has a segment of that river there;
R5 every segment has a notice board;
R6 no two chiefs of the same level and role on one segment at one date;
R7 formats: codes, phones, names;
P1 no problem (事件) is overdue on the check date (core.problems' day rule);
P2 no problem is closed without a photo taken after the work.

Pure Python + shapely 2 / numpy. One :class:`Finding` per problem, with a geometry (the
gap, the overlap, the river part or the segment), and a :class:`Summary` with the share
of river km covered by segments whose chiefs are complete.

Kilometres are :mod:`hezhang_plugin.core.lengths`' single-bank km (the same as the
statistics, the Chiefs tree and the maps); "current on the date" is
:mod:`hezhang_plugin.core.validity`'s inclusive rule; messages come from
:mod:`hezhang_plugin.core.messages` in both languages.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import codes, dates, lengths, schema, validity
from hezhang_plugin.core import crs as crsmod
from hezhang_plugin.core.geodesy import geometry_lengths_km
from hezhang_plugin.core.messages import Message

RULES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "P1", "P2")

#: Message keys (in :data:`hezhang_plugin.core.messages.MESSAGES`) are ``coverage.<key>``.
MESSAGE_KEYS = ("R1", "R2", "R2a", "R2b", "R3gap", "R3overlap", "R3river", "R4", "R5", "R6", "R7", "P1", "P2")

SEVERITY = {
    "R1": "error",
    "R2": "error",
    "R3": "error",
    "R4": "error",
    "R5": "warning",
    "R6": "error",
    "R7": "warning",
    "P1": "error",
    "P2": "warning",
}


@dataclass
class Finding:
    rule: str
    severity: str
    message_en: str
    message_zh: str
    seg_code: Optional[str] = None
    chief_id: Optional[str] = None
    unit_code: Optional[str] = None
    geometry: object = None
    #: the chief level a finding is about (R1: the level missing), when it has one
    level: Optional[str] = None

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class Summary:
    """What the check found, in numbers.

    ``river_km``: single-bank km of the current segments (:mod:`~hezhang_plugin.core.lengths`,
    the km every other view shows); ``covered_km``: the same km of the segments whose chiefs
    are complete (R1); ``gap_km``: river inside the district that no segment covers on any
    bank it needs (the R3 gaps, each position once); ``covered_share`` = covered km over
    river km plus gap km.
    """

    date: str
    rivers: int = 0
    river_km: float = 0.0
    covered_km: float = 0.0
    segments: int = 0
    segments_complete: int = 0
    findings_by_rule: dict = field(default_factory=dict)
    gap_km: float = 0.0

    @property
    def covered_share(self) -> float:
        total = self.river_km + self.gap_km
        return min(self.covered_km / total, 1.0) if total > 0 else 0.0

    def text(self, lang: str = "en") -> str:
        rules = ", ".join(f"{k}: {v}" for k, v in sorted(self.findings_by_rule.items())) or "-"
        if lang == "zh":
            gap = f"，另有{self.gap_km:.2f}公里未划分河段" if self.gap_km >= 0.005 else ""
            return (
                f"{self.date}：河流{self.rivers}条，河段共{self.river_km:.2f}公里（单侧计算）{gap}，其中河长齐全"
                f"{self.covered_km:.2f}公里（{self.covered_share:.1%}）；河段{self.segments}个，河长齐全"
                f"{self.segments_complete}个；问题 {rules}"
            )
        gap = f", {self.gap_km:.2f} km without a segment" if self.gap_km >= 0.005 else ""
        return (
            f"{self.date}: {self.rivers} rivers, {self.river_km:.2f} km of segments (one bank){gap}, "
            f"covered {self.covered_km:.2f} km ({self.covered_share:.1%}); {self.segments} segments, "
            f"{self.segments_complete} with complete chiefs; findings {rules}"
        )


def _finding(
    rule: str,
    key: str,
    geometry=None,
    severity: Optional[str] = None,
    seg=None,
    chief=None,
    unit=None,
    **values,
) -> Finding:
    values.setdefault("seg", seg or "")
    values.setdefault("chief", chief or "")
    values.setdefault("unit", unit or "")
    msg = Message("coverage." + key, **values)
    return Finding(rule, severity or SEVERITY[rule], msg.en, msg.zh, seg, chief, unit, geometry,
                   values.get("level") or None)


@dataclass
class CoverageData:
    """Everything the rules read, as plain rows (geometries as shapely objects)."""

    units: list
    rivers: list
    segments: list
    chiefs: list
    assignments: list
    boards: list
    district_code: Optional[str] = None
    crs: str = schema.DEFAULT_CRS
    problems: list = field(default_factory=list)
    problem_events: list = field(default_factory=list)


# ------------------------------------------------------------------ rules


def _r1_r2_r6(data: CoverageData, segs: list, date: str, units: dict, findings: list, complete: dict) -> None:
    chiefs = {c["chief_id"]: c for c in data.chiefs}
    current = amod.by_segment(data.assignments, date)
    for s in segs:
        code = s["seg_code"]
        # An inactive chief still answers for the dates before an appointment's end; an
        # appointment left open for an inactive chief holds for nobody.
        apps = [a for a in current.get(code, []) if amod.holds(a, chiefs)]
        bad = [a for a in current.get(code, []) if not amod.holds(a, chiefs)]
        unit = units.get(s.get("unit_code"))
        unit_level = (unit or {}).get("level") or codes.unit_level(s.get("unit_code") or "")
        missing = amod.missing_levels(unit_level, apps)
        complete[code] = not missing
        for lv in missing:
            findings.append(
                _finding(
                    "R1",
                    "R1",
                    s.get("geom"),
                    seg=code,
                    unit=s.get("unit_code"),
                    name=s.get("name") or "",
                    level=lv,
                    date=date,
                )
            )
        seats = defaultdict(list)
        for a in bad:
            findings.append(
                _finding(
                    "R2", "R2a", s.get("geom"), seg=code, chief=a.get("chief_id"), unit=s.get("unit_code")
                )
            )
        for a in apps:
            cid = a.get("chief_id")
            c = chiefs[cid]
            if a.get("level") != c.get("level"):
                findings.append(
                    _finding(
                        "R2",
                        "R2b",
                        s.get("geom"),
                        seg=code,
                        chief=cid,
                        unit=c.get("unit_code"),
                        alevel=a.get("level") or "",
                        level=c.get("level") or "",
                    )
                )
            want = amod.unit_ancestor(s.get("unit_code") or "", c.get("level"), units)
            if want is None or c.get("unit_code") != want:
                findings.append(
                    _finding(
                        "R2",
                        "R2",
                        s.get("geom"),
                        seg=code,
                        chief=cid,
                        unit=c.get("unit_code"),
                        cname=c.get("name") or "",
                        level=c.get("level") or "",
                        cunit=c.get("unit_code") or "",
                        want=want or "-",
                    )
                )
            seats[(a.get("level"), a.get("role"))].append(cid)
        for (lv, role), ids in seats.items():
            ids = sorted(set(ids))
            if len(ids) > 1:
                findings.append(
                    _finding(
                        "R6",
                        "R6",
                        s.get("geom"),
                        seg=code,
                        chief=ids[0],
                        unit=s.get("unit_code"),
                        n=len(ids),
                        level=lv or "",
                        role=role or "",
                        date=date,
                        chiefs=", ".join(ids),
                    )
                )


def _intervals(river_geoms: np.ndarray, seg_geoms: np.ndarray):
    """Measure interval [a, b] of each segment along its river (vectorised)."""
    import shapely

    parts, owner = shapely.get_parts(seg_geoms, return_index=True)
    starts = shapely.get_point(parts, 0)
    ends = shapely.get_point(parts, -1)
    rg = river_geoms[owner]
    ma = shapely.line_locate_point(rg, starts)
    mb = shapely.line_locate_point(rg, ends)
    lo = np.full(len(seg_geoms), np.inf)
    hi = np.full(len(seg_geoms), -np.inf)
    np.minimum.at(lo, owner, np.minimum(ma, mb))
    np.maximum.at(hi, owner, np.maximum(ma, mb))
    return lo, hi


def _sweep(length: float, items: list, tol: float):
    """Gaps and overlaps of (lo, hi, seg_code) intervals on [0, length]."""
    gaps, overlaps = [], []
    items = sorted(items)
    reach = 0.0
    reach_seg = None
    for lo, hi, seg in items:
        if lo > reach + tol:
            gaps.append((reach, lo))
        elif lo < reach - tol and reach_seg is not None:
            overlaps.append((lo, min(reach, hi), reach_seg, seg))
        if hi > reach:
            reach, reach_seg = hi, seg
    if length > reach + tol:
        gaps.append((reach, length))
    return gaps, overlaps


def _union_length(items: list, tol: float) -> list:
    """Merged (lo, hi) intervals."""
    out = []
    for lo, hi in sorted(items):
        if out and lo <= out[-1][1] + tol:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return out


def _intersect(a: list, b: list) -> list:
    out, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _subtract(a: list, b: list) -> list:
    """Intervals of ``a`` not covered by ``b`` (both sorted, merged)."""
    out = []
    for lo, hi in a:
        cur = lo
        for blo, bhi in b:
            if bhi <= cur or blo >= hi:
                continue
            if blo > cur:
                out.append((cur, blo))
            cur = max(cur, bhi)
        if cur < hi:
            out.append((cur, hi))
    return out


def district_area(data: CoverageData):
    """The district's polygon: its district-level unit, else the union of all units."""
    import shapely

    geoms = [u["geom"] for u in data.units if u.get("level") == "district" and u.get("geom") is not None]
    if not geoms:
        geoms = [u["geom"] for u in data.units if u.get("geom") is not None]
    if not geoms:
        return None
    return shapely.union_all(shapely.make_valid(np.array(geoms, dtype=object)))


def required_banks(line, district, tol: float, edge_tol: float) -> dict:
    """Where along ``line`` each bank must be covered by segments: (a, b) intervals per side.

    Only the part of the river inside the district counts; where the river runs along the
    district's outer boundary (within ``edge_tol``) only the bank on the district's side
    does (单侧计算). Positions are distances along the line in CRS units.
    """
    import shapely

    length = line.length
    if district is None:
        return {"left": [(0.0, length)], "right": [(0.0, length)]}

    def intervals(area) -> list:
        parts = shapely.get_parts(shapely.intersection(line, area))
        parts = parts[shapely.get_type_id(parts) == 1]  # LineStrings
        if len(parts) == 0:
            return []
        a = shapely.line_locate_point(line, shapely.get_point(parts, 0))
        b = shapely.line_locate_point(line, shapely.get_point(parts, -1))
        return _union_length([(min(x, y), max(x, y)) for x, y in zip(a, b)], tol)

    inside = intervals(district)
    along = [iv for iv in intervals(district.boundary.buffer(edge_tol)) if iv[1] - iv[0] > 4 * edge_tol]
    need = {"left": list(inside), "right": list(inside)}
    for lo, hi in along:
        mid = line.interpolate((lo + hi) / 2)
        before = line.interpolate(max((lo + hi) / 2 - edge_tol, 0))
        dx, dy = mid.x - before.x, mid.y - before.y
        norm = float(np.hypot(dx, dy)) or 1.0
        # A point a little to the left of the flow direction: inside the district or not.
        probe = shapely.Point(mid.x - dy / norm * 3 * edge_tol, mid.y + dx / norm * 3 * edge_tol)
        outside_side = "right" if district.contains(probe) else "left"
        need[outside_side] = _subtract(need[outside_side], [(lo, hi)])
    return need


def _r3(data: CoverageData, segs: list, tol: float, findings: list, summary: Summary,
        edge_tol: Optional[float] = None) -> None:
    import shapely
    from shapely import ops

    edge_tol = edge_tol if edge_tol is not None else 10 * tol
    district = district_area(data)

    rivers = {}
    for r in data.rivers:
        g = r.get("geom")
        if g is None or g.is_empty:
            continue
        merged = shapely.line_merge(g) if g.geom_type == "MultiLineString" else g
        if merged.geom_type == "MultiLineString":
            # Disconnected parts: measure along the longest, report the rest through R3 gaps
            # of segments that do not project (rare in digitised rivers).
            merged = max(merged.geoms, key=lambda p: p.length)
        rivers[r["river_code"]] = (r, merged)
    on_river = [s for s in segs if s.get("river_code") in rivers and s.get("geom") is not None]
    for s in segs:
        if s.get("river_code") not in rivers:
            findings.append(
                _finding(
                    "R3",
                    "R3river",
                    s.get("geom"),
                    seg=s["seg_code"],
                    unit=s.get("unit_code"),
                    river=s.get("river_code") or "",
                )
            )
    per_side: dict[tuple, list] = defaultdict(list)
    if on_river:
        rg = np.array([rivers[s["river_code"]][1] for s in on_river], dtype=object)
        sg = np.array([s["geom"] for s in on_river], dtype=object)
        lo, hi = _intervals(rg, sg)
        for s, a, b in zip(on_river, lo, hi):
            if not np.isfinite(a):
                continue
            sides = ("left", "right") if s.get("bank") in (None, "", "both") else (s.get("bank"),)
            for side in sides:
                per_side[(s["river_code"], side)].append((float(a), float(b), s["seg_code"]))
    pieces, meta = [], []
    unsegmented = []
    for code, (r, line) in rivers.items():
        length = line.length
        need = required_banks(line, district, tol, edge_tol)
        for side in ("left", "right"):
            gaps, overlaps = _sweep(length, per_side.get((code, side), []), tol)
            # Only what the district answers for: inside it, and its own bank on its edge.
            gaps = [(a, b) for a, b in _intersect(_union_length(gaps, 0.0), need[side]) if b - a > tol]
            for a, b in gaps:
                pieces.append(ops.substring(line, a, b))
                meta.append(("gap", r, side, None, None))
            for a, b, s1, s2 in overlaps:
                pieces.append(ops.substring(line, a, b))
                meta.append(("overlap", r, side, s1, s2))
        # Positions the district answers for on some bank where no segment lies on any bank.
        need_any = _union_length(need["left"] + need["right"], 0.0)
        have_any = _union_length([(a, b) for side in ("left", "right")
                                  for a, b, _seg in per_side.get((code, side), [])], tol)
        unsegmented.extend(ops.substring(line, a, b) for a, b in _subtract(need_any, have_any) if b - a > tol)
    summary.rivers = len(rivers)
    if unsegmented:
        summary.gap_km = float(geometry_lengths_km(np.array(unsegmented, dtype=object), data.crs).sum())
    if pieces:
        kms = geometry_lengths_km(np.array(pieces, dtype=object), data.crs)
        for geom, km, (kind, r, side, s1, s2) in zip(pieces, kms, meta):
            if kind == "gap":
                findings.append(
                    _finding(
                        "R3",
                        "R3gap",
                        geom,
                        river=r["river_code"],
                        rname=r.get("name") or "",
                        bank=side,
                        km=km,
                    )
                )
            else:
                findings.append(
                    _finding(
                        "R3",
                        "R3overlap",
                        geom,
                        severity="warning",
                        seg=s1,
                        river=r["river_code"],
                        rname=r.get("name") or "",
                        bank=side,
                        seg2=s2,
                        km=km,
                    )
                )


def _r4(data: CoverageData, segs: list, tol_m: float, findings: list) -> None:
    import shapely

    villages = [u for u in data.units if u.get("level") == "village" and u.get("geom") is not None]
    rivers = [r for r in data.rivers if r.get("geom") is not None]
    if not villages or not rivers:
        return
    vg = np.array([u["geom"] for u in villages], dtype=object)
    rg = np.array([r["geom"] for r in rivers], dtype=object)
    tree = shapely.STRtree(vg)
    ri, vi = tree.query(rg, predicate="intersects")
    if len(ri) == 0:
        return
    has = {(s.get("river_code"), s.get("unit_code")) for s in segs}
    keep = np.array(
        [(rivers[a]["river_code"], villages[b]["code"]) not in has for a, b in zip(ri, vi)], dtype=bool
    )
    ri, vi = ri[keep], vi[keep]
    if len(ri) == 0:
        return
    inter = shapely.intersection(rg[ri], vg[vi])
    kms = geometry_lengths_km(inter, data.crs)
    for a, b, geom, km in zip(ri, vi, inter, kms):
        if km * 1000.0 <= tol_m:
            continue
        r, u = rivers[a], villages[b]
        findings.append(
            _finding(
                "R4",
                "R4",
                geom,
                unit=u["code"],
                river=r["river_code"],
                rname=r.get("name") or "",
                uname=u.get("name") or "",
                km=float(km),
            )
        )


def _r5(data: CoverageData, segs: list, findings: list) -> None:
    boards = {b.get("seg_code") for b in data.boards}
    for s in segs:
        if s["seg_code"] not in boards:
            findings.append(
                _finding(
                    "R5",
                    "R5",
                    s.get("geom"),
                    seg=s["seg_code"],
                    unit=s.get("unit_code"),
                    name=s.get("name") or "",
                )
            )


def _r7(data: CoverageData, segs: list, findings: list) -> None:
    def add(what: Message, problem: Message, geom=None, seg=None, chief=None, unit=None, severity="warning"):
        findings.append(_finding("R7", "R7", geom, severity=severity, seg=seg, chief=chief, unit=unit,
                                 what=what, problem=problem))

    units = {u["code"]: u for u in data.units if u.get("code")}
    for u in data.units:
        code = u.get("code")
        geom = u["geom"].boundary if u.get("geom") is not None else None
        what = Message("coverage.what_unit", code=code)
        err = (
            codes.check_child_code(code or "", u.get("level") or "", u.get("parent_code"))
            if u.get("level") in schema.LEVELS.values
            else Message("coverage.level_invalid", level=u.get("level"))
        )
        if err:
            add(what, err, geom, unit=code, severity="error")
        name_err = codes.check_name(u.get("name"))
        if name_err:
            add(what, name_err, geom, unit=code)
    for r in data.rivers:
        if not (r.get("river_code") or "").strip():
            add(Message("coverage.what_river_fid", fid=r["fid"]), Message("coverage.river_code_empty"),
                r.get("geom"), severity="error")
        name_err = codes.check_name(r.get("name"))
        if name_err:
            add(Message("coverage.what_river", code=r.get("river_code")), name_err, r.get("geom"))
    for s in segs:
        code = s.get("seg_code")
        what = Message("coverage.what_segment", code=code)
        err = codes.check_seg_code(code, data.district_code)
        if err:
            add(what, err, s.get("geom"), seg=code, severity="error")
        if s.get("unit_code") not in units:
            add(what, Message("coverage.segment_unit_unknown", unit=s.get("unit_code")), s.get("geom"),
                seg=code, unit=s.get("unit_code"), severity="error")
        name_err = codes.check_name(s.get("name"))
        if name_err:
            add(what, name_err, s.get("geom"), seg=code)
        if s.get("bank") not in schema.BANKS.values:
            add(what, Message("coverage.bank_invalid", bank=s.get("bank")), s.get("geom"), seg=code)
    for c in data.chiefs:
        if not c.get("active", True):
            continue
        cid = c.get("chief_id")
        what = Message("coverage.what_chief", chief=cid, name=c.get("name") or "")
        for problem in amod.chief_problems(c, units):
            add(what, problem, chief=cid, unit=c.get("unit_code"))
    for b in data.boards:
        err = codes.check_phone(b["hotline"]) if b.get("hotline") else None
        if err:
            add(Message("coverage.what_board", code=b.get("board_code")), err, seg=b.get("seg_code"))


def _problems(data: CoverageData, date: str, findings: list) -> None:
    from hezhang_plugin.core import problems as pmod

    events: dict = defaultdict(list)
    for e in data.problem_events:
        events[e.get("problem_code")].append(e)
    for p in sorted(data.problems, key=lambda p: str(p.get("problem_code") or "")):
        code = p.get("problem_code") or ""
        title = p.get("title") or ""
        history = events.get(code, [])
        status = pmod.status_on(p, history, date)
        days = pmod.days_overdue(p, history, date)
        if days:
            findings.append(_finding("P1", "P1", p.get("geom"), seg=p.get("seg_code"), chief=p.get("chief_id"),
                                     unit=p.get("unit_code"), code=code, title=title, days=days, date=date,
                                     deadline=str(p.get("deadline"))[:10], status=status or ""))
        if status in pmod.NEEDS_AFTER_PHOTO and not (p.get("photo_after") or "").strip():
            findings.append(_finding("P2", "P2", p.get("geom"), seg=p.get("seg_code"), chief=p.get("chief_id"),
                                     unit=p.get("unit_code"), code=code, title=title))


def check(
    data: CoverageData,
    date: Optional[str] = None,
    tolerance_m: float = 5.0,
    min_crossing_m: float = 20.0,
    rules=RULES,
) -> tuple[list[Finding], Summary]:
    """Run the rules on ``date`` (default today): (findings, summary)."""
    date = dates.parse_date(date) if date else dates.today()
    segs = validity.current_rows(data.segments, date)
    units = {u["code"]: u for u in data.units if u.get("code")}
    findings: list[Finding] = []
    complete: dict[str, bool] = {}
    summary = Summary(date=date, segments=len(segs))
    _r1_r2_r6(data, segs, date, units, findings, complete)
    summary.segments_complete = sum(1 for v in complete.values() if v)
    seg_km = lengths.counted_km(segs, data.crs)
    summary.river_km = float(seg_km.sum())
    summary.covered_km = float(sum(km for s, km in zip(segs, seg_km) if complete.get(s["seg_code"])))
    if "R3" in rules:
        _r3(data, segs, crsmod.metres_to_units(data.crs, tolerance_m), findings, summary)
    if "R4" in rules:
        _r4(data, segs, min_crossing_m, findings)
    if "R5" in rules:
        _r5(data, segs, findings)
    if "R7" in rules:
        _r7(data, segs, findings)
    if "P1" in rules or "P2" in rules:
        _problems(data, date, findings)
    findings = [f for f in findings if f.rule in rules]
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.rule] += 1
    summary.findings_by_rule = dict(counts)
    return findings, summary
