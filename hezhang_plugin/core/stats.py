"""Length statistics of current segments per river, unit, town and chief, with single-bank
counting (单侧计算), and their export to CSV and XLSX.

Counted km are :mod:`hezhang_plugin.core.lengths` (a left + right pair over one stretch
counts once), "current on the date" is :mod:`hezhang_plugin.core.validity` (the last day
of ``valid_to`` included).
"""

from __future__ import annotations

import csv
import os
from collections import defaultdict
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import dates, lengths, schema, validity


@dataclass
class Table:
    name: str
    columns: tuple  # (key, en, zh)
    rows: list

    def headers(self, lang: str = "zh") -> list[str]:
        return [c[2] if lang == "zh" else c[1] for c in self.columns]

    def values(self) -> list[list]:
        return [[r.get(c[0]) for c in self.columns] for r in self.rows]


RIVER_COLUMNS = (("river_code", "River code", "河流编码"), ("river_name", "River", "河流名称"),
                 ("segments", "Segments", "河段数"), ("units", "Units", "涉及区划数"),
                 ("both_km", "Both banks (km)", "两岸河段(公里)"), ("left_km", "Left bank (km)", "左岸河段(公里)"),
                 ("right_km", "Right bank (km)", "右岸河段(公里)"),
                 ("length_km", "Length, single-bank counting (km)", "长度(单侧计算,公里)"))
UNIT_COLUMNS = (("unit_code", "Unit code", "区划代码"), ("unit_name", "Unit", "区划名称"),
                ("level", "Level", "级别"), ("rivers", "Rivers", "河流数"), ("segments", "Segments", "河段数"),
                ("length_km", "Length, single-bank counting (km)", "长度(单侧计算,公里)"))
TOWN_COLUMNS = (("town_code", "Town code", "镇街代码"), ("town_name", "Town", "镇街名称"),
                ("units", "Units with segments", "有河段的区划数"), ("rivers", "Rivers", "河流数"),
                ("segments", "Segments", "河段数"),
                ("length_km", "Length, single-bank counting (km)", "长度(单侧计算,公里)"))
CHIEF_COLUMNS = (("chief_id", "Chief id", "河长编号"), ("chief_name", "Chief", "姓名"),
                 ("level", "Level", "级别"), ("role", "Role", "河长类型"), ("segments", "Segments", "河段数"),
                 ("length_km", "Length, single-bank counting (km)", "长度(单侧计算,公里)"))


def counted_lengths(segments: Sequence[dict], crs: str = schema.DEFAULT_CRS) -> np.ndarray:
    """Length of each segment under single-bank counting (km): :func:`lengths.counted_km`."""
    return lengths.counted_km(segments, crs)


def length_statistics(segments: Sequence[dict], units: Sequence[dict] = (), rivers: Sequence[dict] = (),
                      chiefs: Sequence[dict] = (), assignments=(),
                      crs: str = schema.DEFAULT_CRS, date: Optional[str] = None) -> dict[str, Table]:
    """Tables ``rivers``, ``units``, ``towns`` and ``chiefs`` for the segments current on ``date``.
    ``assignments`` are rows or columns (:class:`hezhang_plugin.core.assignments.Columns`)."""
    date = dates.parse_date(date) or dates.today()
    segs = validity.current_rows(segments, date)
    counted = counted_lengths(segs, crs)
    unit_by_code = {u.get("code"): u for u in units}
    river_name = {r.get("river_code"): r.get("name") for r in rivers}

    per_river = defaultdict(lambda: {"segments": 0, "units": set(), "both_km": 0.0, "left_km": 0.0,
                                     "right_km": 0.0, "length_km": 0.0})
    per_unit = defaultdict(lambda: {"segments": 0, "rivers": set(), "length_km": 0.0})
    for s, c in zip(segs, counted):
        r = per_river[s.get("river_code")]
        r["segments"] += 1
        r["units"].add(s.get("unit_code"))
        r[f"{s.get('bank') or 'both'}_km"] += float(s.get("length_km") or 0.0)
        r["length_km"] += c
        u = per_unit[s.get("unit_code")]
        u["segments"] += 1
        u["rivers"].add(s.get("river_code"))
        u["length_km"] += c
    river_rows = [{"river_code": k, "river_name": river_name.get(k, ""), "segments": v["segments"],
                   "units": len(v["units"]), "both_km": round(v["both_km"], 3), "left_km": round(v["left_km"], 3),
                   "right_km": round(v["right_km"], 3), "length_km": round(v["length_km"], 3)}
                  for k, v in sorted(per_river.items(), key=lambda kv: str(kv[0]))]
    unit_rows = []
    per_town = defaultdict(lambda: {"units": 0, "rivers": set(), "segments": 0, "length_km": 0.0})
    for code, v in sorted(per_unit.items(), key=lambda kv: str(kv[0])):
        unit = unit_by_code.get(code, {})
        level = unit.get("level") or ""
        unit_rows.append({"unit_code": code, "unit_name": unit.get("name", ""), "level":
                          schema.LEVELS.label(level, "zh") if level else "", "rivers": len(v["rivers"]),
                          "segments": v["segments"], "length_km": round(v["length_km"], 3)})
        town = lengths.town_of(code, unit_by_code)
        t = per_town[town]
        t["units"] += 1
        t["rivers"] |= v["rivers"]
        t["segments"] += v["segments"]
        t["length_km"] += v["length_km"]
    town_rows = [{"town_code": k, "town_name": unit_by_code.get(k, {}).get("name", ""), "units": v["units"],
                  "rivers": len(v["rivers"]), "segments": v["segments"], "length_km": round(v["length_km"], 3)}
                 for k, v in sorted(per_town.items(), key=lambda kv: str(kv[0]))]
    seg_len = {s.get("seg_code"): c for s, c in zip(segs, counted)}
    chief_by_id = {c.get("chief_id"): c for c in chiefs}
    per_chief = defaultdict(lambda: {"segments": set(), "length_km": 0.0})
    # appointments as rows or columns (amod.Columns); the rules once per distinct value
    app = amod.Columns.of(assignments, ("seg_code", "chief_id", "valid_from", "valid_to"))
    holding: dict = {}
    for seg, cid, vt, current in zip(app["seg_code"], app["chief_id"], app["valid_to"],
                                     amod.current_flags(app, date)):
        if not current or seg not in seg_len:
            continue
        if chief_by_id:  # as R1 and the tree count them
            key = (cid, bool(vt))
            ok = holding.get(key)
            if ok is None:
                ok = holding[key] = amod.holds({"chief_id": cid, "valid_to": vt}, chief_by_id)
            if not ok:
                continue
        pc = per_chief[cid]
        if seg not in pc["segments"]:
            pc["segments"].add(seg)
            pc["length_km"] += seg_len[seg]
    chief_rows = []
    for cid, v in sorted(per_chief.items(), key=lambda kv: str(kv[0])):
        ch = chief_by_id.get(cid, {})
        chief_rows.append({"chief_id": cid, "chief_name": ch.get("name", ""),
                           "level": schema.LEVELS.label(ch.get("level") or "", "zh") if ch.get("level") else "",
                           "role": schema.ROLES.label(ch.get("role") or "", "zh") if ch.get("role") else "",
                           "segments": len(v["segments"]), "length_km": round(v["length_km"], 3)})
    return {"rivers": Table("rivers", RIVER_COLUMNS, river_rows),
            "units": Table("units", UNIT_COLUMNS, unit_rows),
            "towns": Table("towns", TOWN_COLUMNS, town_rows),
            "chiefs": Table("chiefs", CHIEF_COLUMNS, chief_rows)}


SHEET_TITLES = {"rivers": ("Rivers", "河流"), "units": ("Units", "区划"), "towns": ("Towns", "镇街"),
                "chiefs": ("Chiefs", "河长")}


def export_csv(tables: dict[str, Table], path: str, lang: str = "zh") -> list[str]:
    """One UTF-8 (with BOM, so Excel reads Chinese) CSV per table: ``<stem>_<table>.csv``.

    With a single table the file is written to ``path`` itself. Returns the files written.
    """
    stem, ext = os.path.splitext(path)
    ext = ext or ".csv"
    written = []
    for name, table in tables.items():
        target = path if len(tables) == 1 else f"{stem}_{name}{ext}"
        with open(target, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(table.headers(lang))
            w.writerows(table.values())
        written.append(target)
    return written


def export_xlsx(tables: dict[str, Table], path: str, lang: str = "zh") -> str:
    """One worksheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, table in tables.items():
        en, zh = SHEET_TITLES.get(name, (name, name))
        ws = wb.create_sheet(zh if lang == "zh" else en)
        ws.append(table.headers(lang))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table.values():
            ws.append(row)
        for i in range(1, len(table.columns) + 1):
            ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(table.headers(lang)[i - 1]) * 2)
    wb.save(path)
    return path
