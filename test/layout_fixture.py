"""A small filled workspace for the map tests: a district, 2 towns, 4 villages, 2 rivers,
5 segments (one left-bank and one right-bank), chiefs at every level with partner roles,
assignments (one segment left without chiefs) and notice boards."""

from __future__ import annotations

import os
import shutil

from shapely.geometry import MultiLineString, MultiPolygon, Point, box

DISTRICT = "411171000000"
TOWN_A, TOWN_B = "411171100000", "411171101000"
VILLAGES = {
    "411171100001": ("周庄村", TOWN_A, box(113.90, 33.55, 114.00, 33.60)),
    "411171100002": ("李楼村", TOWN_A, box(113.90, 33.50, 114.00, 33.55)),
    "411171101001": ("王营村", TOWN_B, box(114.00, 33.55, 114.10, 33.60)),
    "411171101002": ("后谢村", TOWN_B, box(114.00, 33.50, 114.10, 33.55)),
}
# seg_code: (river, name, bank, unit, start, end, line)
SEGMENTS = {
    "411171000001": ("R001", "沙河周庄村段", "left", "411171100001", "西坡闸", "柳营桥",
                     [(113.90, 33.550), (113.95, 33.552), (114.00, 33.550)]),
    "411171000002": ("R001", "沙河李楼村段", "right", "411171100002", "西坡闸", "柳营桥",
                     [(113.90, 33.550), (113.95, 33.552), (114.00, 33.550)]),
    "411171000003": ("R001", "沙河王营村段", "both", "411171101001", "柳营桥", "东湾",
                     [(114.00, 33.550), (114.05, 33.556), (114.10, 33.553)]),
    "411171000004": ("R002", "清水河周庄村段", "both", "411171100001", "北堤", "入沙河口",
                     [(113.95, 33.600), (113.952, 33.575), (113.95, 33.552)]),
    "411171000005": ("R002", "清水河李楼村段", "both", "411171100002", "沙河南岸", "南堤",
                     [(113.95, 33.552), (113.948, 33.525), (113.95, 33.500)]),
}
UNCOVERED = "411171000005"
CHIEFS = [
    # chief_id, name, level, role, position, unit, phone
    ("CD01", "王建国", "district", "general_chief", "区委书记", DISTRICT, "13812345678"),
    ("CD02", "李明华", "district", "chief", "区长", DISTRICT, "13912345679"),
    ("CP01", "孙志勇", "district", "police_chief", "公安分局副局长", DISTRICT, "0375-2345678"),
    ("CP02", "周敏", "district", "procurator", "区检察院副检察长", DISTRICT, "13700001111"),
    ("CT01", "张伟", "town", "chief", "柳营镇镇长", TOWN_A, "13700000001"),
    ("CT02", "刘芳", "town", "chief", "河湾乡乡长", TOWN_B, "13700000002"),
    ("CV01", "陈刚", "village", "chief", "周庄村党支部书记", "411171100001", "13600000001"),
    ("CV02", "杨丽", "village", "chief", "李楼村村委会主任", "411171100002", "13600000002"),
    ("CV03", "赵磊", "village", "chief", "王营村党支部书记", "411171101001", "13600000003"),
    ("CV04", "吴霞", "village", "volunteer", "环保志愿者", "411171101001", "13600000004"),
]
ASSIGNMENTS = [
    # seg, chief, level, role, duty, from, to
    ("411171000001", "CD02", "district", "chief", "统筹协调沙河保护治理", "2024-03-01", None),
    ("411171000001", "CT01", "town", "chief", "组织辖区河段巡查", "2024-03-01", None),
    ("411171000001", "CV01", "village", "chief", "每周巡河，及时上报问题", "2024-03-01", None),
    ("411171000001", "CP01", "district", "police_chief", "打击涉河违法犯罪", "2024-03-01", None),
    ("411171000002", "CD02", "district", "chief", "统筹协调沙河保护治理", "2024-03-01", None),
    ("411171000002", "CT01", "town", "chief", "组织辖区河段巡查", "2024-03-01", None),
    ("411171000002", "CV02", "village", "chief", "每周巡河，及时上报问题", "2024-03-01", None),
    ("411171000003", "CD02", "district", "chief", "统筹协调沙河保护治理", "2024-03-01", None),
    ("411171000003", "CT02", "town", "chief", "组织辖区河段巡查", "2024-03-01", None),
    ("411171000003", "CV03", "village", "chief", "每周巡河，及时上报问题", "2024-03-01", None),
    ("411171000003", "CV04", "village", "volunteer", "义务巡河与宣传", "2024-03-01", None),
    ("411171000003", "CP02", "district", "procurator", "涉河公益诉讼监督", "2024-03-01", None),
    ("411171000004", "CD01", "district", "general_chief", "总负责", "2024-03-01", None),
    ("411171000004", "CT01", "town", "chief", "组织辖区河段巡查", "2024-03-01", None),
    ("411171000004", "CV01", "village", "chief", "每周巡河，及时上报问题", "2024-03-01", None),
    # an ended appointment on the uncovered segment: history, not a current chief
    ("411171000005", "CV02", "village", "chief", "每周巡河", "2022-01-01", "2023-12-31"),
]
BOARDS = [
    # board_code, seg, hotline, installed, content_date, point
    ("411171000001-01", "411171000001", "0375-2345678", "2023-06-01", "2023-06-01", (113.95, 33.5525)),
    ("411171000003-01", "411171000003", "12345", "2024-03-05", "2024-03-10", (114.05, 33.556)),
]


def fill_workspace(path: str) -> None:
    from hezhang_plugin.core.geodesy import geometry_lengths_km
    from hezhang_plugin.data.io import write_rows

    units = [{"code": DISTRICT, "name": "测试区", "level": "district", "parent_code": None,
              "geom": MultiPolygon([box(113.90, 33.50, 114.10, 33.60)])},
             {"code": TOWN_A, "name": "柳营镇", "level": "town", "parent_code": DISTRICT,
              "geom": MultiPolygon([box(113.90, 33.50, 114.00, 33.60)])},
             {"code": TOWN_B, "name": "河湾乡", "level": "town", "parent_code": DISTRICT,
              "geom": MultiPolygon([box(114.00, 33.50, 114.10, 33.60)])}]
    for code, (name, parent, poly) in VILLAGES.items():
        units.append({"code": code, "name": name, "level": "village", "parent_code": parent,
                      "geom": MultiPolygon([poly])})
    write_rows(path, "admin_units", units)
    sha = MultiLineString([[(113.88, 33.550), (113.95, 33.552), (114.05, 33.556), (114.12, 33.553)]])
    qing = MultiLineString([[(113.95, 33.62), (113.952, 33.575), (113.95, 33.552), (113.948, 33.525),
                             (113.95, 33.48)]])
    lengths = geometry_lengths_km([sha, qing])
    write_rows(path, "rivers", [
        {"river_code": "R001", "name": "沙河", "grade": "province", "length_km": float(lengths[0]), "geom": sha},
        {"river_code": "R002", "name": "清水河", "grade": "county", "parent_river_code": "R001",
         "length_km": float(lengths[1]), "geom": qing},
    ])
    geoms = [MultiLineString([s[6]]) for s in SEGMENTS.values()]
    seg_len = geometry_lengths_km(geoms)
    rows = []
    for (code, (river, name, bank, unit, start, end, _line)), g, km in zip(SEGMENTS.items(), geoms, seg_len):
        rows.append({"seg_code": code, "river_code": river, "name": name, "bank": bank, "unit_code": unit,
                     "start_name": start, "end_name": end, "length_km": round(float(km), 3),
                     "target": "水质稳定达到Ⅲ类，岸线无“四乱”" if river == "R001" else None,
                     "valid_from": "2024-01-01", "geom": g})
    write_rows(path, "segments", rows)
    write_rows(path, "chiefs", [
        {"chief_id": cid, "name": n, "level": lv, "role": role, "position": pos, "organisation": None,
         "unit_code": unit, "phone": phone, "active": True}
        for cid, n, lv, role, pos, unit, phone in CHIEFS])
    write_rows(path, "assignments", [
        {"seg_code": s, "chief_id": cid, "level": lv, "role": role, "duty": duty, "valid_from": f,
         "valid_to": t} for s, cid, lv, role, duty, f, t in ASSIGNMENTS])
    write_rows(path, "notice_boards", [
        {"board_code": bc, "seg_code": s, "hotline": h, "installed_on": i, "content_date": cd, "geom": Point(*p)}
        for bc, s, h, i, cd, p in BOARDS])


_TEMPLATE: dict = {}


def filled_copy(tmp_path_factory, name: str) -> str:
    """A new filled workspace (:func:`fill_workspace`) in its own folder ``name``: a copy of
    one made once per session (making and filling a workspace costs seconds; a copy does not,
    and a workspace's project follows the file it is opened from)."""
    from hezhang_plugin.data.workspace import create_workspace

    template = _TEMPLATE.get("path")
    if template is None or not os.path.exists(template):
        template = str(tmp_path_factory.mktemp("layout_template") / "ws.gpkg")
        create_workspace(template, "411171", "测试区", None)
        fill_workspace(template)
        _TEMPLATE["path"] = template
    path = str(tmp_path_factory.mktemp(name) / "ws.gpkg")
    shutil.copyfile(template, path)
    return path
