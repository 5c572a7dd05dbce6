"""Coverage rules R1-R7 of the river-chief system, evaluated on a check date.

R1 every current segment has a district-level and a town-level chief, and a village-level
   chief when its unit is a village;
R2 each appointed chief's unit is the segment's unit or its ancestor at the chief's level;
R3 each river is covered on each bank by segments with no gaps or overlaps (tolerance);
R4 every village a river crosses has a segment of that river there;
R5 every segment has a notice board;
R6 no two chiefs of the same level and role on one segment at one date;
R7 formats: codes, phones, names.

Pure Python + shapely 2 / numpy. One :class:`Finding` per problem, with a geometry (the
gap, the overlap, the river part or the segment), and a :class:`Summary` with the share
of river km fully covered (both banks by segments whose chiefs are complete; a river is
counted once, on one bank).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import codes, schema, uris
from hezhang_plugin.core.geodesy import geometry_lengths_km

RULES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7")

#: English and Chinese message templates; placeholders are filled after choosing a language.
MESSAGES = {
    "R1": (
        "Segment {seg} ({name}) has no {level} chief on {date}",
        "河段{seg}（{name}）在{date}缺少{level_zh}河长",
    ),
    "R2": (
        "Chief {chief} ({cname}, {level}) belongs to unit {cunit}, but segment {seg} needs a chief "
        "of unit {want}",
        "河段{seg}的{level_zh}河长{cname}（{chief}）属于{cunit}，应属于{want}",
    ),
    "R2a": (
        "Appointment of {chief} on segment {seg} refers to an unknown or inactive chief",
        "河段{seg}的任命引用了不存在或已离任的河长{chief}",
    ),
    "R2b": (
        "Appointment of {chief} on segment {seg} is at level {alevel}, the chief is {level}",
        "河段{seg}上{chief}的任命级别为{alevel_zh}，河长级别为{level_zh}",
    ),
    "R3gap": (
        "River {river} ({rname}), {bank}: {km:.3f} km without a segment",
        "河流{rname}（{river}）{bank_zh}有{km:.3f}公里未划分河段",
    ),
    "R3overlap": (
        "River {river} ({rname}), {bank}: segments {seg} and {seg2} overlap for {km:.3f} km",
        "河流{rname}（{river}）{bank_zh}河段{seg}与{seg2}重叠{km:.3f}公里",
    ),
    "R3river": ("Segment {seg} refers to unknown river {river}", "河段{seg}所属河流{river}不存在"),
    "R4": (
        "River {river} ({rname}) crosses village {unit} ({uname}) for {km:.3f} km without a segment there",
        "河流{rname}流经{uname}（{unit}）{km:.3f}公里，但该村没有河段",
    ),
    "R5": ("Segment {seg} ({name}) has no notice board", "河段{seg}（{name}）没有公示牌"),
    "R6": (
        "Segment {seg} has {n} {level} chiefs of role {role} on {date}: {chiefs}",
        "河段{seg}在{date}有{n}名{level_zh}{role_zh}：{chiefs}",
    ),
    "R7": ("{what}: {problem}", "{what_zh}：{problem_zh}"),
}

SEVERITY = {
    "R1": "error",
    "R2": "error",
    "R3": "error",
    "R4": "error",
    "R5": "warning",
    "R6": "error",
    "R7": "warning",
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

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass
class Summary:
    date: str
    rivers: int = 0
    river_km: float = 0.0
    covered_km: float = 0.0
    segments: int = 0
    segments_complete: int = 0
    findings_by_rule: dict = field(default_factory=dict)

    @property
    def covered_share(self) -> float:
        return self.covered_km / self.river_km if self.river_km > 0 else 0.0

    def text(self, lang: str = "en") -> str:
        rules = ", ".join(f"{k}: {v}" for k, v in sorted(self.findings_by_rule.items())) or "-"
        if lang == "zh":
            return (
                f"{self.date}：河流{self.rivers}条共{self.river_km:.2f}公里（单侧计算），其中完全覆盖"
                f"{self.covered_km:.2f}公里（{self.covered_share:.1%}）；河段{self.segments}个，河长齐全"
                f"{self.segments_complete}个；问题 {rules}"
            )
        return (
            f"{self.date}: {self.rivers} rivers, {self.river_km:.2f} km (one bank), fully covered "
            f"{self.covered_km:.2f} km ({self.covered_share:.1%}); {self.segments} segments, "
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
    en, zh = MESSAGES[key]
    lvl = values.get("level")
    values.setdefault("level_zh", schema.LEVELS.label(lvl, "zh") if lvl else "")
    if "alevel" in values:
        values.setdefault("alevel_zh", schema.LEVELS.label(values["alevel"], "zh"))
    if "role" in values:
        values.setdefault("role_zh", schema.ROLES.label(values["role"], "zh"))
    if "bank" in values:
        values.setdefault("bank_zh", schema.BANKS.label(values["bank"], "zh"))
    values.setdefault("seg", seg or "")
    values.setdefault("chief", chief or "")
    values.setdefault("unit", unit or "")
    return Finding(
        rule, severity or SEVERITY[rule], en.format(**values), zh.format(**values), seg, chief, unit, geometry
    )


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


def read_attributes(path: str, layer: str) -> list[dict]:
    """Attribute rows of a table without geometry, straight from SQLite (read-only).

    Much faster than feature iteration for the large non-spatial tables (appointments);
    table and column names come from the schema, never from user text.
    """
    import sqlite3

    names = schema.layer(layer).field_names
    con = sqlite3.connect(uris.sqlite_uri(path, mode="ro"), uri=True)
    try:
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{layer}")')}  # nosec B608
        cols = ["fid"] + [n for n in names if n in have]
        sql = "SELECT " + ", ".join(f'"{c}"' for c in cols) + f' FROM "{layer}"'  # noqa: S608  # nosec B608
        rows = [dict(zip(cols, r)) for r in con.execute(sql)]
    finally:
        con.close()
    booleans = [f.name for f in schema.layer(layer).fields if f.type == "boolean" and f.name in cols]
    for row in rows:
        for b in booleans:
            if row[b] is not None:
                row[b] = bool(row[b])
    return rows


def load(workspace_path: str) -> CoverageData:
    from hezhang_plugin.data.gpkg import read_workspace_info
    from hezhang_plugin.data.io import read_rows

    info = read_workspace_info(workspace_path)
    return CoverageData(
        units=read_rows(workspace_path, "admin_units"),
        rivers=read_rows(workspace_path, "rivers"),
        segments=read_rows(workspace_path, "segments"),
        chiefs=read_attributes(workspace_path, "chiefs"),
        assignments=read_attributes(workspace_path, "assignments"),
        boards=read_attributes(workspace_path, "notice_boards"),
        district_code=info.district_code,
        crs=info.crs or schema.DEFAULT_CRS,
    )


def _metres_to_crs(crs: str, metres: float) -> float:
    code = crs.upper()
    geographic = code in ("EPSG:4490", "EPSG:4326") or not code.startswith("EPSG:45")
    return metres / 111320.0 if geographic else metres


# ------------------------------------------------------------------ rules


def _r1_r2_r6(data: CoverageData, segs: list, date: str, units: dict, findings: list, complete: dict) -> None:
    chiefs = {c["chief_id"]: c for c in data.chiefs}
    active = {cid for cid, c in chiefs.items() if c.get("active", True)}
    current = amod.by_segment(data.assignments, date)
    for s in segs:
        code = s["seg_code"]
        # An inactive chief still answers for the dates before an appointment's end; an
        # appointment left open for an inactive chief holds for nobody.
        apps = [
            a
            for a in current.get(code, [])
            if a.get("chief_id") in active or (a.get("valid_to") and a.get("chief_id") in chiefs)
        ]
        bad = [
            a
            for a in current.get(code, [])
            if not (a.get("chief_id") in active or (a.get("valid_to") and a.get("chief_id") in chiefs))
        ]
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


def _r3(data: CoverageData, segs: list, tol: float, findings: list, complete: dict, summary: Summary,
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
    complete_side: dict[tuple, list] = defaultdict(list)
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
                if complete.get(s["seg_code"]):
                    complete_side[(s["river_code"], side)].append((float(a), float(b)))
    pieces, meta = [], []
    covered_geoms = []
    inside_geoms = []
    for code, (r, line) in rivers.items():
        length = line.length
        need = required_banks(line, district, tol, edge_tol)
        inside_geoms.extend(ops.substring(line, a, b) for a, b in _union_length(need["left"] + need["right"], tol))
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
        # A position is fully covered when every bank it needs has complete chiefs.
        left_ok = _union_length(complete_side.get((code, "left"), []), tol)
        right_ok = _union_length(complete_side.get((code, "right"), []), tol)
        req_l, req_r = _union_length(need["left"], 0.0), _union_length(need["right"], 0.0)
        both = _intersect(_intersect(req_l, req_r), _intersect(left_ok, right_ok))
        only_l = _intersect(_subtract(req_l, req_r), left_ok)
        only_r = _intersect(_subtract(req_r, req_l), right_ok)
        covered = _union_length([tuple(iv) for iv in both + only_l + only_r], 0.0)
        covered_geoms.extend(ops.substring(line, a, b) for a, b in covered if b - a > tol)
    summary.rivers = len(rivers)
    # River km inside the district, each position counted once (单侧计算 on the edge).
    summary.river_km = (float(geometry_lengths_km(np.array(inside_geoms, dtype=object), data.crs).sum())
                        if inside_geoms else 0.0)
    if covered_geoms:
        summary.covered_km = float(geometry_lengths_km(np.array(covered_geoms, dtype=object), data.crs).sum())
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
    def add(what_en, what_zh, problem, geom=None, seg=None, chief=None, unit=None, severity="warning",
            problem_zh=None):
        # ``problem`` is English; without ``problem_zh`` it is a core.codes message translated here.
        findings.append(
            _finding(
                "R7",
                "R7",
                geom,
                severity=severity,
                seg=seg,
                chief=chief,
                unit=unit,
                what=what_en,
                what_zh=what_zh,
                problem=problem,
                problem_zh=problem_zh or amod.code_message_zh(problem),
            )
        )

    units = {u["code"]: u for u in data.units if u.get("code")}
    for u in data.units:
        code = u.get("code")
        geom = u["geom"].boundary if u.get("geom") is not None else None
        err = (
            codes.check_child_code(code or "", u.get("level") or "", u.get("parent_code"))
            if u.get("level") in schema.LEVELS.values
            else f"level {u.get('level')!r} is not district/town/village"
        )
        err_zh = (
            amod.code_message_zh(err)
            if u.get("level") in schema.LEVELS.values
            else f"级别“{u.get('level')}”不是区级、镇级或村级"
        )
        if err:
            add(f"unit {code}", f"行政区划{code}", err, geom, unit=code, severity="error", problem_zh=err_zh)
        if codes.check_name(u.get("name")):
            add(f"unit {code}", f"行政区划{code}", "name is empty", geom, unit=code)
    for r in data.rivers:
        if not (r.get("river_code") or "").strip():
            add(
                f"river fid {r['fid']}",
                f"河流fid {r['fid']}",
                "river code is empty",
                r.get("geom"),
                severity="error",
                problem_zh="河流编码为空",
            )
        if codes.check_name(r.get("name")):
            add(f"river {r.get('river_code')}", f"河流{r.get('river_code')}", "name is empty", r.get("geom"))
    for s in segs:
        code = s.get("seg_code")
        what, what_zh = f"segment {code}", f"河段{code}"
        err = codes.check_seg_code(code, data.district_code)
        if err:
            add(what, what_zh, err, s.get("geom"), seg=code, severity="error")
        if s.get("unit_code") not in units:
            add(
                what,
                what_zh,
                f"unit {s.get('unit_code')!r} is not an administrative unit of the workspace",
                s.get("geom"),
                seg=code,
                unit=s.get("unit_code"),
                severity="error",
                problem_zh=f"所属行政区划“{s.get('unit_code') or ''}”不是本工作空间的行政区划",
            )
        if codes.check_name(s.get("name")):
            add(what, what_zh, "name is empty", s.get("geom"), seg=code)
        if s.get("bank") not in schema.BANKS.values:
            add(
                what,
                what_zh,
                f"bank {s.get('bank')!r} is not both/left/right",
                s.get("geom"),
                seg=code,
                problem_zh=f"岸别“{s.get('bank') or ''}”不是两岸、左岸或右岸",
            )
    for c in data.chiefs:
        if not c.get("active", True):
            continue
        cid = c.get("chief_id")
        what, what_zh = f"chief {cid} ({c.get('name') or ''})", f"河长{c.get('name') or ''}（{cid}）"
        for err, err_zh in amod.chief_problems(c, units):
            add(what, what_zh, err, chief=cid, unit=c.get("unit_code"), problem_zh=err_zh)
    for b in data.boards:
        if b.get("hotline") and codes.check_phone(b["hotline"]):
            add(
                f"notice board {b.get('board_code')}",
                f"公示牌{b.get('board_code')}",
                codes.check_phone(b["hotline"]),
                seg=b.get("seg_code"),
            )


def check(
    data: CoverageData,
    date: Optional[str] = None,
    tolerance_m: float = 5.0,
    min_crossing_m: float = 20.0,
    rules=RULES,
) -> tuple[list[Finding], Summary]:
    """Run the rules on ``date`` (default today): (findings, summary)."""
    date = amod.parse_date(date) if date else amod.today()
    segs = [s for s in data.segments if amod.is_current(s, date)]
    units = {u["code"]: u for u in data.units if u.get("code")}
    findings: list[Finding] = []
    complete: dict[str, bool] = {}
    summary = Summary(date=date, segments=len(segs))
    _r1_r2_r6(data, segs, date, units, findings, complete)
    summary.segments_complete = sum(1 for v in complete.values() if v)
    if "R3" in rules:
        _r3(data, segs, _metres_to_crs(data.crs, tolerance_m), findings, complete, summary)
    if "R4" in rules:
        _r4(data, segs, min_crossing_m, findings)
    if "R5" in rules:
        _r5(data, segs, findings)
    if "R7" in rules:
        _r7(data, segs, findings)
    findings = [f for f in findings if f.rule in rules]
    counts: dict[str, int] = defaultdict(int)
    for f in findings:
        counts[f.rule] += 1
    summary.findings_by_rule = dict(counts)
    return findings, summary


def check_coverage(
    workspace_path: str, date: Optional[str] = None, **kwargs
) -> tuple[list[Finding], Summary]:
    """Demo hook: load a workspace and run every rule on ``date``."""
    return check(load(workspace_path), date, **kwargs)
