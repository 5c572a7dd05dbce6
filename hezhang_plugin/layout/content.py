"""What the maps print, read from a workspace as plain rows (no Qt): district, towns,
current chiefs with their segments and kilometres.

"Current" is :mod:`hezhang_plugin.core.validity`'s rule and every km is
:mod:`hezhang_plugin.core.lengths`' single-bank km, so the printed numbers are the ones the
statistics, the Chiefs tree and the coverage check show."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import codes, lengths, schema, validity

LEVEL_ORDER = {"district": 0, "town": 1, "village": 2}
ROLE_ORDER = {c.value: i for i, c in enumerate(schema.ROLES.choices)}


@dataclass
class ChiefLine:
    level: str
    role: str
    name: str
    position: str
    phone: str
    unit_name: str
    seg_names: list = field(default_factory=list)
    km: float = 0.0
    seg_codes: list = field(default_factory=list)


@dataclass
class MapContent:
    district_code: str
    district_name: str
    crs: str
    on: dt.date
    data_date: str
    towns: list  # (code, name) sorted by code
    segment_count: int
    uncovered: list  # seg codes lacking a level of current chiefs (rule R1)
    total_km: float
    chiefs_by_town: dict  # town code ('' = district level) -> [ChiefLine]
    centre_lon: Optional[float] = None
    seg_km: dict = field(default_factory=dict)  # seg_code -> single-bank km


def read_content(path: str, on: Optional[dt.date] = None) -> MapContent:
    on = on or dt.date.today()
    from hezhang_plugin.data.backend import as_backend

    ws = as_backend(path)  # a GeoPackage or a PostgreSQL workspace
    meta = ws.read_rows("hz_meta")[0]
    units = ws.read_rows("admin_units", with_geometry=True)
    segments = validity.current_rows(ws.read_rows("segments", with_geometry=True), on)
    chiefs = {c["chief_id"]: c for c in ws.read_rows("chiefs")}
    assignments = validity.current_rows(ws.read_rows("assignments"), on)
    seg_km = dict(zip((s["seg_code"] for s in segments),
                      (float(v) for v in lengths.counted_km(segments, meta.get("crs") or schema.DEFAULT_CRS))))
    unit_by_code = {u["code"]: u for u in units}
    towns = sorted((u["code"], u["name"]) for u in units if u["level"] == "town")
    seg_by_code = {s["seg_code"]: s for s in segments}
    # Uncovered as rule R1 has it: a level of chiefs missing (village level in villages).
    # The appointments that answer (a deactivated chief through its appointments' last day),
    # as the coverage check and the Chiefs tree count them.
    assignments = [a for a in assignments if amod.holds(a, chiefs)]
    by_seg: dict[str, list] = {}
    for a in assignments:
        by_seg.setdefault(a["seg_code"], []).append(a)
    uncovered = sorted(
        s["seg_code"] for s in segments
        if amod.missing_levels((unit_by_code.get(s["unit_code"]) or {}).get("level") or codes.unit_level(
            s["unit_code"] or ""), by_seg.get(s["seg_code"], [])))
    lines: dict[tuple, ChiefLine] = {}
    for a in assignments:
        c = chiefs.get(a["chief_id"])
        if c is None:
            continue
        key = (a["chief_id"], a["role"])
        if key not in lines:
            unit = unit_by_code.get(c["unit_code"] or "", {})
            lines[key] = ChiefLine(a["level"] or c["level"], a["role"] or c["role"], c["name"],
                                   c.get("position") or "", c.get("phone") or "", unit.get("name", ""))
        seg = seg_by_code.get(a["seg_code"])
        if seg is not None and seg["seg_code"] not in lines[key].seg_codes:
            lines[key].seg_codes.append(seg["seg_code"])
            if seg["name"] not in lines[key].seg_names:
                lines[key].seg_names.append(seg["name"])
            lines[key].km += seg_km[seg["seg_code"]]
    by_town: dict[str, list] = {}
    for (chief_id, _role), line in lines.items():
        unit_code = chiefs[chief_id]["unit_code"] or ""
        town = "" if line.level == "district" else unit_code[:9] + "000"
        by_town.setdefault(town, []).append(line)
    for rows in by_town.values():
        rows.sort(key=lambda r: (LEVEL_ORDER.get(r.level, 9), ROLE_ORDER.get(r.role, 99), r.name))
    dates = [str(s.get("valid_from") or "") for s in segments] + [str(a.get("valid_from") or "")
                                                                 for a in assignments]
    data_date = max([d for d in dates if d] or [on.isoformat()])
    centre = None
    geoms = [u["geom"] for u in units if u.get("geom") is not None]
    if geoms:
        import shapely

        centre = float(shapely.union_all(geoms).centroid.x) if len(geoms) < 200 else float(
            geoms[0].centroid.x)
    return MapContent(meta["district_code"], meta["district_name"], meta["crs"], on, data_date,
                      towns, len(segments), uncovered, float(sum(seg_km.values())), by_town, centre, seg_km)


def coverage_table_rows(content: MapContent, max_rows: int) -> list[list[str]]:
    """Rows of the coverage map's table of chiefs by town: the district's chiefs, then
    each town's own chiefs (name, position, phone, segments, km); a town's village-level
    appointments are summed in one row per role — village chiefs (lead roles), then each
    partner role (volunteers are not village chiefs) — with the segments they hold counted
    once and their single-bank km."""
    rows: list[list[str]] = []
    names = dict(content.towns)
    for town in [""] + [c for c, _ in content.towns]:
        lines = content.chiefs_by_town.get(town, [])
        own = [ln for ln in lines if ln.level in ("district", "town")]
        village = [ln for ln in lines if ln.level == "village"]
        area = content.district_name if town == "" else names.get(town, town)
        for ln in own:
            rows.append([area, schema.ROLES.label(ln.role), ln.name, ln.position, ln.phone,
                         str(len(ln.seg_codes)), f"{ln.km:.2f}"])
            area = ""
        groups = [("村级河长", [ln for ln in village if ln.role in amod.LEAD_ROLES])]
        groups += [(schema.ROLES.label(role), [ln for ln in village if ln.role == role])
                   for role in schema.ROLES.values if role not in amod.LEAD_ROLES]
        for label, group in groups:
            if not group:
                continue
            segs = {s for ln in group for s in ln.seg_codes}
            rows.append([area, label, f"{len(group)} 人", "", "", str(len(segs)),
                         f"{lengths.segments_km(segs, content.seg_km):.2f}"])
            area = ""
    if len(rows) > max_rows:
        rows = rows[: max_rows - 1] + [["…", "", "", "", "", "", ""]]
    return rows
