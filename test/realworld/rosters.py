"""Roster spreadsheets laid out as district bureaus send them (issue 10 case 6 and its kind),
made by code with openpyxl, each with the rows it must give.

The district is 411171; the town 411171001000 (城关镇) with villages 411171001001 (东关村) and
411171001002 (西关村), and three segments of the 沙河 (411171000101–103).
"""

from __future__ import annotations

import datetime as dt

from shapely.geometry import LineString, MultiLineString, box

DISTRICT = "411171000000"
TOWN = "411171001000"
EAST = "411171001001"
WEST = "411171001002"
SEGS = ("411171000101", "411171000102", "411171000103")


def workspace_rows() -> dict:
    """Rows for cov_fixtures.fill: the town, two villages, the river and three segments."""
    x0, x1, x2, x3, y = 113.50, 113.51, 113.52, 113.53, 34.0

    def line(a, b):
        return MultiLineString([LineString([(a, y), (b, y)])])

    units = [
        {"code": DISTRICT, "name": "测试区", "level": "district", "parent_code": None,
         "geom": box(x0, y - 0.02, x3, y + 0.02)},
        {"code": TOWN, "name": "城关镇", "level": "town", "parent_code": DISTRICT,
         "geom": box(x0, y - 0.02, x3, y + 0.02)},
        {"code": EAST, "name": "东关村", "level": "village", "parent_code": TOWN,
         "geom": box(x0, y - 0.02, x2, y + 0.02)},
        {"code": WEST, "name": "西关村", "level": "village", "parent_code": TOWN,
         "geom": box(x2, y - 0.02, x3, y + 0.02)},
    ]
    segments = [
        {"seg_code": SEGS[0], "river_code": "R1", "name": "沙河东关村段", "bank": "both", "unit_code": EAST,
         "length_km": 0.92, "valid_from": "2020-01-01", "geom": line(x0, x1)},
        {"seg_code": SEGS[1], "river_code": "R1", "name": "沙河东关村段", "bank": "both", "unit_code": EAST,
         "length_km": 0.92, "valid_from": "2020-01-01", "geom": line(x1, x2)},
        {"seg_code": SEGS[2], "river_code": "R1", "name": "沙河西关村段", "bank": "both", "unit_code": WEST,
         "length_km": 0.92, "valid_from": "2020-01-01", "geom": line(x2, x3)},
    ]
    rivers = [{"river_code": "R1", "name": "沙河", "grade": "county", "geom": line(x0, x3)}]
    return {"admin_units": units, "rivers": rivers, "segments": segments, "chiefs": [],
            "assignments": [], "notice_boards": []}


HEADER = ["姓名", "级别", "职务", "行政区划代码", "联系电话", "河段编码", "任职日期"]


def merged_chief(path: str) -> dict:
    """Case 6 as filed: A–E and G merged over rows 2–4 (苏明's cells), F2:F4 three segment
    codes, row 5 another chief. Right: 3 appointments for 苏明, 1 for 李华."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["苏明", "镇级", "党工委书记", "411171001000", "13900000101", SEGS[0], "2024-03-01"])
    ws.append([None, None, None, None, None, SEGS[1], None])
    ws.append([None, None, None, None, None, SEGS[2], None])
    ws.append(["李华", "村级", "村党支部书记", "411171001001", "13900000102", SEGS[0], "2024-03-01"])
    for col in "ABCDEG":
        ws.merge_cells(f"{col}2:{col}4")
    wb.save(path)
    return {
        "chiefs": {("苏明", "town", TOWN, "13900000101", "党工委书记"),
                   ("李华", "village", EAST, "13900000102", "村党支部书记")},
        "appointments": {("苏明", s, "2024-03-01") for s in SEGS} | {("李华", SEGS[0], "2024-03-01")},
    }


def bureau_layout(path: str) -> dict:
    """The kind of case 6: what a bureau's real workbook has, all in one file.

    - a hidden first sheet of instructions (填表说明) with a header-like line;
    - on the roster sheet: a title merged across the table (row 1), a line 填报单位/日期
      (row 2), a blank row (3), a header split over two rows (rows 4–5: 姓名 merged down,
      联系方式 merged across over 手机 / 办公电话), full-width spaces in 姓　名;
    - a section row merged across (row 6: 一、城关镇);
    - 苏明 with name, level, position, unit, phone and date merged down over rows 7–9 and
      three segments; the unit code stored as a number, the phone as a float, the date as
      an Excel date;
    - a blank row (10);
    - 王 芳 (name padded with a full-width space), full-width digits in the phone and unit
      code, level 村（社区）级, the date as an Excel serial number (45383 = 2024-04-01) in
      a cell formatted as a number (row 11);
    - 张伟, a landline 0371-62345678 stored as the number 37162345678 (row 12);
    - template rows numbered 序号 4–6 and otherwise empty (rows 13–15);
    - trailing notes: 注：… merged across, 填表人：… in one cell (rows 16–17).
    """
    import openpyxl

    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "填表说明"
    info.append(["姓名", "级别", "行政区划代码"])
    info.append(["请按模板填写"])
    info.sheet_state = "hidden"
    ws = wb.create_sheet("河长名单")
    ws.append(["测试区河长名单（2024年）"])                                     # 1
    ws.append(["填报单位：测试区河长办", None, None, None, None, "日期：2024-04-10"])  # 2
    ws.append([])                                                                    # 3
    ws.append(["序号", "姓　名", "级别", "职务", "行政区划代码", "联系方式", None, "河段编码", "任职日期"])  # 4
    ws.append([None, None, None, None, None, "手机", "办公电话", None, None])          # 5
    ws.append(["一、城关镇"])                                                          # 6
    ws.append([1, "苏明", "镇级", "党工委书记", 411171001000, 13900000101.0, None, SEGS[0],
               dt.datetime(2024, 3, 1)])                                              # 7
    ws.append([None, None, None, None, None, None, None, SEGS[1], None])              # 8
    ws.append([None, None, None, None, None, None, None, SEGS[2], None])              # 9
    ws.append([])                                                                     # 10
    ws.append([2, "王\u3000芳", "村（社区）级", "村委会主任", "４１１１７１００１００２", "１３９ ０００ ００１０３",
               None, SEGS[2], 45383])                                                 # 11
    ws.append([3, "张伟", "村级", "村党支部书记", "411171001001", None, 37162345678, SEGS[1],
               "2024年3月1日"])                                                       # 12
    for n in (4, 5, 6):
        ws.append([n])                                                                # 13-15
    ws.append(["注：本表由各镇（街道）河长办填报，区河长办汇总。"])                   # 16
    ws.append(["填表人：刘洋"])                                                        # 17
    ws.merge_cells("A1:I1")
    for col in "ABCDEHI":
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("F4:G4")
    ws.merge_cells("A6:I6")
    for col in "ABCDEFGI":
        ws.merge_cells(f"{col}7:{col}9")
    ws.merge_cells("A16:I16")
    ws["I7"].number_format = "yyyy-mm-dd"
    ws["I11"].number_format = "0"
    wb.save(path)
    return {
        "header_row": 4,
        "sheet": "河长名单",
        "skipped": [(6, "一、城关镇"), (16, "注:本表由各镇(街道)河长办填报,区河长办汇总。"), (17, "填表人:刘洋")],
        "chiefs": {("苏明", "town", TOWN, "13900000101", "党工委书记"),
                   ("王芳", "village", WEST, "13900000103", "村委会主任"),
                   ("张伟", "village", EAST, "0371-62345678", "村党支部书记")},
        "appointments": {("苏明", s, "2024-03-01") for s in SEGS}
        | {("王芳", SEGS[2], "2024-04-01"), ("张伟", SEGS[1], "2024-03-01")},
    }
