"""One shared fixture for every consumer of "current on D" and single-bank km (issue 11).

A district in EPSG:4547 (metres) with one town and three villages stacked south to north:

- river R1 runs east along the V1/V2 boundary for 1 km — a left bank (V2) and a right bank
  (V1) over the same stretch, S1 and S2 — then turns into V1 for 2 km: S3, both banks;
- river R2 runs east along the V2/V3 boundary; its banks do not line up: left (V3) S4 over
  0–1000 m, right (V2) S5 over 500–1500 m — 1.5 km of river between them;
- river R3 inside V3 was re-segmented on 2024-07-01: S6 (retired, valid_to 2024-06-30) and its
  successor S7 (valid_from 2024-07-01) over the same 0.8 km.

Chiefs: district CD and town CT on every segment; village chiefs CV1 (S2, S3), CV2 (S1, S5),
CV3 (S6, then S7, and S4 from 2024-07-01); CX, V3's former village chief, deactivated, held S4
through 2024-06-30 (its last day); a volunteer VOL on S3.

Hand-computed single-bank km (core.lengths): S1 0.5, S2 0.5, S3 2.0, S4 0.75, S5 0.75, S6/S7
0.8 — 6 current segments and 5.30 km on 2024-06-30 and on 2024-07-01 alike; per village V1
2.50, V2 1.25, V3 1.55; chiefs CD and CT 5.30, CV2 1.25, VOL 2.00.
"""

from __future__ import annotations

from shapely.geometry import LineString, MultiLineString, box

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0
DISTRICT, TOWN = "411171000000", "411171100000"
V1, V2, V3 = "411171100001", "411171100002", "411171100003"
RESEG_DAY = "2024-07-01"
DAYS = ("2024-06-30", "2024-07-01")  # the last day of the old segment, the first of the new

TOTAL_KM = 5.30
SEGMENTS = 6
VILLAGE_KM = {V1: 2.50, V2: 1.25, V3: 1.55}


def _xy(points):
    return [(X0 + x, Y0 + y) for x, y in points]


def line(*points):
    return MultiLineString([LineString(_xy(points))])


def rect(x0, y0, x1, y1):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def units():
    return [
        {"code": DISTRICT, "name": "真区", "level": "district", "parent_code": None, "geom": rect(0, 0, 4000, 3000)},
        {"code": TOWN, "name": "一镇", "level": "town", "parent_code": DISTRICT, "geom": rect(0, 0, 4000, 3000)},
        {"code": V1, "name": "甲村", "level": "village", "parent_code": TOWN, "geom": rect(0, 0, 4000, 1000)},
        {"code": V2, "name": "乙村", "level": "village", "parent_code": TOWN, "geom": rect(0, 1000, 4000, 2000)},
        {"code": V3, "name": "丙村", "level": "village", "parent_code": TOWN, "geom": rect(0, 2000, 4000, 3000)},
    ]


def rivers():
    return [
        {"river_code": "R1", "name": "一河", "grade": "county",
         "geom": line((0, 1000), (1000, 1000), (1000, 500), (2500, 500))},
        {"river_code": "R2", "name": "二河", "grade": "county", "geom": line((0, 2000), (1500, 2000))},
        {"river_code": "R3", "name": "三河", "grade": "county", "geom": line((1000, 2500), (1800, 2500))},
    ]


def _seg(n, river, bank, unit, geom, km, valid_from="2020-01-01", valid_to=None):
    return {"seg_code": f"411171{n:06d}", "river_code": river, "name": f"段{n}", "bank": bank, "unit_code": unit,
            "length_km": km, "valid_from": valid_from, "valid_to": valid_to, "geom": geom}


def segments():
    return [
        _seg(1, "R1", "left", V2, line((0, 1000), (1000, 1000)), 1.0),
        _seg(2, "R1", "right", V1, line((0, 1000), (1000, 1000)), 1.0),
        _seg(3, "R1", "both", V1, line((1000, 1000), (1000, 500), (2500, 500)), 2.0),
        _seg(4, "R2", "left", V3, line((0, 2000), (1000, 2000)), 1.0),
        _seg(5, "R2", "right", V2, line((500, 2000), (1500, 2000)), 1.0),
        _seg(6, "R3", "both", V3, line((1000, 2500), (1800, 2500)), 0.8, valid_to="2024-06-30"),
        _seg(7, "R3", "both", V3, line((1000, 2500), (1800, 2500)), 0.8, valid_from=RESEG_DAY),
    ]


def code(n):
    return f"411171{n:06d}"


def chiefs():
    def chief(cid, name, level, unit, role="chief", active=True):
        return {"chief_id": cid, "name": name, "level": level, "role": role, "position": "", "unit_code": unit,
                "phone": "13800000001", "active": active}

    return [chief("CD", "区河长", "district", DISTRICT), chief("CT", "镇河长", "town", TOWN),
            chief("CV1", "甲书记", "village", V1), chief("CV2", "乙书记", "village", V2),
            chief("CV3", "丙书记", "village", V3), chief("CX", "丙旧书记", "village", V3, active=False),
            chief("VOL", "志愿者", "village", V1, role="volunteer")]


def assignments():
    out = []

    def appoint(cid, level, n, role="chief", valid_from="2020-01-01", valid_to=None):
        out.append({"seg_code": code(n), "chief_id": cid, "level": level, "role": role, "valid_from": valid_from,
                    "valid_to": valid_to})

    for n in range(1, 8):
        frm, to = ("2020-01-01", "2024-06-30") if n == 6 else ((RESEG_DAY, None) if n == 7 else ("2020-01-01", None))
        appoint("CD", "district", n, valid_from=frm, valid_to=to)
        appoint("CT", "town", n, valid_from=frm, valid_to=to)
    appoint("CV1", "village", 2)
    appoint("CV1", "village", 3)
    appoint("CV2", "village", 1)
    appoint("CV2", "village", 5)
    appoint("CX", "village", 4, valid_to="2024-06-30")  # ended by CX's deactivation: its last day
    appoint("CV3", "village", 4, valid_from=RESEG_DAY)
    appoint("CV3", "village", 6, valid_to="2024-06-30")
    appoint("CV3", "village", 7, valid_from=RESEG_DAY)
    appoint("VOL", "village", 3, role="volunteer")
    return out


def boards():
    from shapely.geometry import Point

    return [{"board_code": f"B{n}", "seg_code": code(n), "hotline": "12345",
             "geom": Point(X0 + 100 + 10 * n, Y0 + 1000)} for n in range(1, 8)]


def workspace(path_dir) -> str:
    """A new workspace (EPSG:4547) filled with the fixture; returns its path."""
    from hezhang_plugin.data.io import write_rows
    from hezhang_plugin.data.workspace import create_workspace

    path = str(path_dir / "truth.gpkg")
    create_workspace(path, "411171", "真区", CRS)
    for name, rows in (("admin_units", units()), ("rivers", rivers()), ("segments", segments()),
                       ("chiefs", chiefs()), ("assignments", assignments()), ("notice_boards", boards())):
        write_rows(path, name, rows)
    return path
