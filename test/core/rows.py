"""Plain rows for the core tests: a district in EPSG:4547 (CGCS2000 3° GK, CM 114°E, metres)
so that lengths are hand-computable (a line from x = a to x = b along y = Y0 is (b − a) / 1000
km in the plane; core.lengths counts km from ``length_km``, which the rows carry).

One town T with villages V1 (south, y 0–1000 m), V2 (north, y 1000–2000 m) and a second town
T2 with village W1; the district code is 411171.
"""

from __future__ import annotations

import zlib

from shapely.geometry import LineString, MultiLineString, box

CRS = "EPSG:4547"
X0, Y0 = 500000.0, 3760000.0
DISTRICT, T, T2 = "411171000000", "411171100000", "411171101000"
V1, V2, W1 = "411171100001", "411171100002", "411171101001"


def line(*points):
    """A one-part MultiLineString through ``points`` given in metres from (X0, Y0)."""
    return MultiLineString([LineString([(X0 + x, Y0 + y) for x, y in points])])


def rect(x0, y0, x1, y1):
    return box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def units():
    return [
        {"code": DISTRICT, "name": "测试区", "level": "district", "parent_code": None, "geom": rect(0, 0, 6000, 2000)},
        {"code": T, "name": "甲镇", "level": "town", "parent_code": DISTRICT, "geom": rect(0, 0, 3000, 2000)},
        {"code": V1, "name": "南村", "level": "village", "parent_code": T, "geom": rect(0, 0, 3000, 1000)},
        {"code": V2, "name": "北村", "level": "village", "parent_code": T, "geom": rect(0, 1000, 3000, 2000)},
        {"code": T2, "name": "乙镇", "level": "town", "parent_code": DISTRICT, "geom": rect(3000, 0, 6000, 2000)},
        {"code": W1, "name": "东村", "level": "village", "parent_code": T2, "geom": rect(3000, 0, 6000, 2000)},
    ]


def segment(n, river, bank, unit, geom, km, valid_from="2020-01-01", valid_to=None, name=None):
    return {"fid": n, "seg_code": f"411171{n:06d}", "river_code": river, "name": name or f"段{n}", "bank": bank,
            "unit_code": unit, "length_km": km, "valid_from": valid_from, "valid_to": valid_to, "geom": geom}


def code(n):
    return f"411171{n:06d}"


def chief(cid, level, unit, role="chief", active=True, name=None, phone="13800000001"):
    return {"fid": zlib.crc32(cid.encode()) % 100000, "chief_id": cid, "name": name or cid, "level": level, "role": role,
            "position": "", "unit_code": unit, "phone": phone, "active": active}


def appointment(fid, seg, cid, level, role="chief", valid_from="2020-01-01", valid_to=None):
    return {"fid": fid, "seg_code": seg, "chief_id": cid, "level": level, "role": role,
            "valid_from": valid_from, "valid_to": valid_to}
