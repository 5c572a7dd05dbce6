"""The statistics tables (core.stats): rivers, units, towns and chiefs with single-bank km, each
row written out by hand from test/core/test_hierarchy.py's rows; CSV and XLSX read back."""

from __future__ import annotations

import csv
import os

import pytest

from hezhang_plugin.core import stats
from test.core import rows as R
from test.core.test_hierarchy import DAY, appointments, chiefs, segments

RIVERS = [{"river_code": "R1", "name": "一河"}, {"river_code": "R2", "name": "二河"},
          {"river_code": "R3", "name": "三河"}, {"river_code": "R4", "name": "四河"}]


@pytest.fixture
def tables():
    # per test, not per module: mutmut runs for a mutant only the tests that called the mutated
    # function, and a module fixture calls it from the first test alone
    return stats.length_statistics(segments(), R.units(), RIVERS, chiefs(), appointments(), R.CRS, DAY)


def test_rivers_table(tables):
    assert tables["rivers"].rows == [
        {"river_code": "R1", "river_name": "一河", "segments": 2, "units": 2, "both_km": 0.0, "left_km": 0.92,
         "right_km": 0.92, "length_km": 0.92},
        {"river_code": "R2", "river_name": "二河", "segments": 1, "units": 1, "both_km": 2.0, "left_km": 0.0,
         "right_km": 0.0, "length_km": 2.0},
        {"river_code": "R3", "river_name": "三河", "segments": 1, "units": 1, "both_km": 1.5, "left_km": 0.0,
         "right_km": 0.0, "length_km": 1.5},
        {"river_code": "R4", "river_name": "四河", "segments": 1, "units": 1, "both_km": 0.4, "left_km": 0.0,
         "right_km": 0.0, "length_km": 0.4},
    ]


def test_units_table(tables):
    assert tables["units"].rows == [
        {"unit_code": R.T, "unit_name": "甲镇", "level": "镇级", "rivers": 1, "segments": 1, "length_km": 0.4},
        {"unit_code": R.V1, "unit_name": "南村", "level": "村级", "rivers": 2, "segments": 2, "length_km": 2.46},
        {"unit_code": R.V2, "unit_name": "北村", "level": "村级", "rivers": 1, "segments": 1, "length_km": 0.46},
        {"unit_code": R.W1, "unit_name": "东村", "level": "村级", "rivers": 1, "segments": 1, "length_km": 1.5},
    ]


def test_towns_table_accumulates_its_units(tables):
    """甲镇 = its own S5 (0.4) + 南村 (2.46) + 北村 (0.46): 3 units, rivers R1 R2 R4, 4 segments, 3.32 km."""
    assert tables["towns"].rows == [
        {"town_code": R.T, "town_name": "甲镇", "units": 3, "rivers": 3, "segments": 4, "length_km": 3.32},
        {"town_code": R.T2, "town_name": "乙镇", "units": 1, "rivers": 1, "segments": 1, "length_km": 1.5},
    ]


def test_chiefs_table_counts_holding_appointments_once(tables):
    """CW (inactive, appointment left open) holds nothing; CX holds S1 on its last day; CV2 starts
    the day after; the volunteer's km are its segment's."""
    assert tables["chiefs"].rows == [
        {"chief_id": "CD", "chief_name": "CD", "level": "区级", "role": "河长", "segments": 5, "length_km": 4.82},
        {"chief_id": "CT", "chief_name": "CT", "level": "镇级", "role": "河长", "segments": 3, "length_km": 2.92},
        {"chief_id": "CT2", "chief_name": "CT2", "level": "镇级", "role": "河长", "segments": 1, "length_km": 1.5},
        {"chief_id": "CV1", "chief_name": "CV1", "level": "村级", "role": "河长", "segments": 2, "length_km": 2.46},
        {"chief_id": "CX", "chief_name": "CX", "level": "村级", "role": "河长", "segments": 1, "length_km": 0.46},
        {"chief_id": "VOL", "chief_name": "VOL", "level": "村级", "role": "民间河长", "segments": 1,
         "length_km": 2.0},
    ]


def test_the_next_day_and_a_duplicate_appointment():
    apps = appointments() + [R.appointment(99, R.code(3), "CD", "district", valid_from="2021-01-01")]
    t = stats.length_statistics(segments(), R.units(), RIVERS, chiefs(), apps, R.CRS, "2024-06-02")
    km = {r["chief_id"]: (r["segments"], r["length_km"]) for r in t["chiefs"].rows}
    assert km["CD"] == (5, 4.82)  # S3 twice is still one segment
    assert "CX" not in km and km["CV2"] == (1, 0.46)


def test_bank_columns_sum_per_river_rounded_to_metres_on_the_date_given():
    """Two both-bank segments of one river (0.1234 + 0.2002 = 0.3236 km), two left-bank ones
    (0.5556 + 0.1111 = 0.6667 km) and a lone right bank (0.3333 km), each rounded to metres;
    a river missing from the rivers layer has an empty name; a segment ending in 2025 counts
    on the date given (2024-06-01), not today."""
    segs = [R.segment(11, "R5", "both", R.V1, R.line((0, 100), (123.4, 100)), 0.1234),
            R.segment(12, "R5", "both", R.V1, R.line((0, 200), (200.2, 200)), 0.2002),
            R.segment(13, "R6", "left", R.V2, R.line((0, 1200), (555.6, 1200)), 0.5556),
            R.segment(14, "R6", "left", R.V2, R.line((600, 1200), (711.1, 1200)), 0.1111),
            R.segment(15, "R7", "right", R.V2, R.line((0, 1800), (333.3, 1800)), 0.3333),
            R.segment(16, "R8", "both", R.W1, R.line((3500, 500), (3750, 500)), 0.25, valid_to="2025-01-01")]
    rivers = [{"river_code": "R5", "name": "五河"}, {"river_code": "R6", "name": "六河"},
              {"river_code": "R8", "name": "八河"}]
    t = stats.length_statistics(segs, R.units(), rivers, [], [], R.CRS, "2024-06-01")
    assert t["rivers"].rows == [
        {"river_code": "R5", "river_name": "五河", "segments": 2, "units": 1, "both_km": 0.324, "left_km": 0.0,
         "right_km": 0.0, "length_km": 0.324},
        {"river_code": "R6", "river_name": "六河", "segments": 2, "units": 1, "both_km": 0.0, "left_km": 0.667,
         "right_km": 0.0, "length_km": 0.667},
        {"river_code": "R7", "river_name": "", "segments": 1, "units": 1, "both_km": 0.0, "left_km": 0.0,
         "right_km": 0.333, "length_km": 0.333},
        {"river_code": "R8", "river_name": "八河", "segments": 1, "units": 1, "both_km": 0.25, "left_km": 0.0,
         "right_km": 0.0, "length_km": 0.25},
    ]
    assert t["units"].rows == [
        {"unit_code": R.V1, "unit_name": "南村", "level": "村级", "rivers": 1, "segments": 2, "length_km": 0.324},
        {"unit_code": R.V2, "unit_name": "北村", "level": "村级", "rivers": 2, "segments": 3, "length_km": 1.0},
        {"unit_code": R.W1, "unit_name": "东村", "level": "村级", "rivers": 1, "segments": 1, "length_km": 0.25},
    ]
    assert t["towns"].rows == [
        {"town_code": R.T, "town_name": "甲镇", "units": 2, "rivers": 3, "segments": 5, "length_km": 1.324},
        {"town_code": R.T2, "town_name": "乙镇", "units": 1, "rivers": 1, "segments": 1, "length_km": 0.25},
    ]
    assert t["chiefs"].rows == []
    later = stats.length_statistics(segs, R.units(), rivers, [], [], R.CRS, "2025-01-02")
    assert [r["river_code"] for r in later["rivers"].rows] == ["R5", "R6", "R7"]


def test_rows_for_what_the_other_layers_lack():
    """A segment without river code in a unit missing from the units layer, chiefs without
    name, level or role, appointments that do not hold (a future one, an open one of a
    deactivated chief, one of a chief missing from the chiefs layer), and a bank pair 5 cm apart
    in EPSG:4547 (one 1 km stretch): empty texts, not errors; rows sorted by code as text."""
    lost = "411171100009"  # not in R.units(): counts under 甲镇 by its code (9 digits + 000)
    segs = [R.segment(21, None, "both", lost, R.line((0, 100), (123.4, 100)), 0.1234),
            R.segment(22, "R5", "both", R.V1, R.line((0, 200), (200.2, 200)), 0.2002),
            R.segment(23, "R6", "left", R.V1, R.line((0, 300), (1000, 300)), 1.0),
            R.segment(24, "R6", "right", R.V1, R.line((0, 300.05), (1000, 300.05)), 1.0)]
    people = [{"chief_id": "C1"}, {"chief_id": "C2", "active": False}]
    apps = [R.appointment(1, R.code(22), "C1", "village"),
            R.appointment(2, R.code(21), "C1", "village", valid_from="2024-07-01"),
            R.appointment(3, R.code(21), "C2", "village", valid_to="2024-06-01"),
            R.appointment(4, R.code(22), "C2", "village"),
            R.appointment(5, R.code(23), "GHOST", "village")]
    t = stats.length_statistics(segs, R.units(), [], people, apps, R.CRS, "2024-06-01")
    assert [(name, table.name) for name, table in t.items()] == [
        ("rivers", "rivers"), ("units", "units"), ("towns", "towns"), ("chiefs", "chiefs")]
    assert t["rivers"].rows == [
        {"river_code": None, "river_name": "", "segments": 1, "units": 1, "both_km": 0.123, "left_km": 0.0,
         "right_km": 0.0, "length_km": 0.123},
        {"river_code": "R5", "river_name": "", "segments": 1, "units": 1, "both_km": 0.2, "left_km": 0.0,
         "right_km": 0.0, "length_km": 0.2},
        {"river_code": "R6", "river_name": "", "segments": 2, "units": 1, "both_km": 0.0, "left_km": 1.0,
         "right_km": 1.0, "length_km": 1.0},
    ]
    assert t["units"].rows == [
        {"unit_code": R.V1, "unit_name": "南村", "level": "村级", "rivers": 2, "segments": 3, "length_km": 1.2},
        {"unit_code": lost, "unit_name": "", "level": "", "rivers": 1, "segments": 1, "length_km": 0.123},
    ]
    assert t["towns"].rows == [
        {"town_code": R.T, "town_name": "甲镇", "units": 2, "rivers": 3, "segments": 4, "length_km": 1.324}]
    assert t["chiefs"].rows == [
        {"chief_id": "C1", "chief_name": "", "level": "", "role": "", "segments": 1, "length_km": 0.2},
        {"chief_id": "C2", "chief_name": "", "level": "", "role": "", "segments": 1, "length_km": 0.123},
    ]


def test_headers_and_values_in_both_languages(tables):
    towns = tables["towns"]
    assert towns.headers("zh") == ["镇街代码", "镇街名称", "有河段的区划数", "河流数", "河段数", "长度(单侧计算,公里)"]
    assert towns.headers("en")[0] == "Town code" and towns.headers("en")[-1] == "Length, single-bank counting (km)"
    assert towns.values()[0] == [R.T, "甲镇", 3, 3, 4, 3.32]


def test_csv_export_reads_back(tables, tmp_path):
    files = stats.export_csv(tables, str(tmp_path / "len.csv"), lang="zh")
    assert [f.rsplit("_", 1)[1] for f in files] == ["rivers.csv", "units.csv", "towns.csv", "chiefs.csv"]
    with open(files[2], encoding="utf-8-sig", newline="") as fh:
        back = list(csv.reader(fh))
    assert back == [["镇街代码", "镇街名称", "有河段的区划数", "河流数", "河段数", "长度(单侧计算,公里)"],
                    [R.T, "甲镇", "3", "3", "4", "3.32"], [R.T2, "乙镇", "1", "1", "1", "1.5"]]
    with open(files[2], "rb") as fh:
        assert fh.read(3) == b"\xef\xbb\xbf"  # BOM: Excel reads the Chinese
    one = stats.export_csv({"towns": tables["towns"]}, str(tmp_path / "towns.csv"), lang="en")
    assert one == [str(tmp_path / "towns.csv")]
    with open(one[0], encoding="utf-8-sig") as fh:
        assert fh.readline().startswith("Town code,Town,")


def test_xlsx_export_reads_back(tables, tmp_path):
    import openpyxl

    path = stats.export_xlsx(tables, str(tmp_path / "len.xlsx"), lang="zh")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["河流", "区划", "镇街", "河长"]
    ws = wb["镇街"]
    assert [c.value for c in ws[2]] == [R.T, "甲镇", 3, 3, 4, 3.32]
    assert ws["A1"].font.bold and ws.column_dimensions["A"].width >= 10
    en = openpyxl.load_workbook(stats.export_xlsx(tables, str(tmp_path / "en.xlsx"), lang="en"))
    assert en.sheetnames == ["Rivers", "Units", "Towns", "Chiefs"]
    # the header row in the language asked for; every column at least 10 wide, twice its header
    assert [c.value for c in ws[1]] == tables["towns"].headers("zh") == tables["towns"].headers()
    widths = [ws.column_dimensions[letter].width for letter in "ABCDEF"]
    assert widths == [10, 10, 14, 10, 10, 22]  # 有河段的区划数: 7 characters; 长度(单侧计算,公里): 11
    # a table the module has no sheet title for is named after itself
    extra = stats.Table("extra", stats.TOWN_COLUMNS, tables["towns"].rows)
    one = openpyxl.load_workbook(stats.export_xlsx({"extra": extra}, str(tmp_path / "x.xlsx"), lang="en"))
    assert one.sheetnames == ["extra"] and one["extra"]["A1"].value == "Town code"


def test_csv_export_to_a_name_without_extension(tables, tmp_path):
    files = stats.export_csv(tables, str(tmp_path / "len"), lang="en")
    assert [os.path.basename(f) for f in files] == ["len_rivers.csv", "len_units.csv", "len_towns.csv",
                                                    "len_chiefs.csv"]
