"""Small hand-built workspaces for the coverage and chiefs tests (written with data.io.write_rows)."""

from __future__ import annotations

from shapely.geometry import LineString, MultiLineString, Point, box

DISTRICT = "411171000000"
TOWN = "411171100000"
V1 = "411171100001"
V2 = "411171100002"
X0, X1, X2 = 113.50, 113.51, 113.52
Y = 34.0


def units():
    return [
        {"code": DISTRICT, "name": "测试区", "level": "district", "parent_code": None,
         "geom": box(X0, Y - 0.02, X2, Y + 0.02)},
        {"code": TOWN, "name": "周庄镇", "level": "town", "parent_code": DISTRICT,
         "geom": box(X0, Y - 0.02, X2, Y + 0.02)},
        {"code": V1, "name": "周庄村", "level": "village", "parent_code": TOWN,
         "geom": box(X0, Y - 0.02, X1, Y + 0.02)},
        {"code": V2, "name": "李庄村", "level": "village", "parent_code": TOWN,
         "geom": box(X1, Y - 0.02, X2, Y + 0.02)},
    ]


def line(x_a, x_b, y=Y):
    return MultiLineString([LineString([(x_a, y), (x_b, y)])])


def rivers():
    return [{"river_code": "R1", "name": "沙河", "grade": "county", "geom": line(X0, X2)}]


def segments():
    return [
        {"seg_code": "411171000001", "river_code": "R1", "name": "沙河周庄村段", "bank": "both",
         "unit_code": V1, "length_km": 0.92, "valid_from": "2020-01-01", "geom": line(X0, X1)},
        {"seg_code": "411171000002", "river_code": "R1", "name": "沙河李庄村段", "bank": "both",
         "unit_code": V2, "length_km": 0.92, "valid_from": "2020-01-01", "geom": line(X1, X2)},
    ]


def chiefs():
    return [
        {"chief_id": "CD1", "name": "王区长", "level": "district", "role": "chief", "position": "区长",
         "unit_code": DISTRICT, "phone": "13800000001", "active": True},
        {"chief_id": "CT1", "name": "赵镇长", "level": "town", "role": "chief", "position": "镇长",
         "unit_code": TOWN, "phone": "13800000002", "active": True},
        {"chief_id": "CV1", "name": "周书记", "level": "village", "role": "chief", "position": "村党支部书记",
         "unit_code": V1, "phone": "13800000003", "active": True},
        {"chief_id": "CV2", "name": "李书记", "level": "village", "role": "chief", "position": "村党支部书记",
         "unit_code": V2, "phone": "0371-66668888", "active": True},
    ]


def assignments():
    out = []
    for seg, village in (("411171000001", "CV1"), ("411171000002", "CV2")):
        for cid, level in (("CD1", "district"), ("CT1", "town"), (village, "village")):
            out.append({"seg_code": seg, "chief_id": cid, "level": level, "role": "chief",
                        "valid_from": "2020-01-01"})
    return out


def boards():
    return [
        {"board_code": "B1", "seg_code": "411171000001", "geom": Point(X0 + 0.005, Y + 0.001)},
        {"board_code": "B2", "seg_code": "411171000002", "geom": Point(X1 + 0.005, Y + 0.001)},
    ]


def fill(path, **overrides):
    """Write the standard small district into ``path``; keyword ``layer=rows`` replaces a layer's rows."""
    from hezhang_plugin.data.io import write_rows

    tables = {"admin_units": units(), "rivers": rivers(), "segments": segments(), "chiefs": chiefs(),
              "assignments": assignments(), "notice_boards": boards()}
    tables.update(overrides)
    for name, rows in tables.items():
        if rows:
            write_rows(path, name, rows)
    return path
