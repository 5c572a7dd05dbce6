"""Rosters as bureaus send them (issue 10 case 6 and its kind): merged cells, title and note
rows, two-row headers, blank and template rows, Excel numbers and dates, full-width text."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "realworld"))
import cov_fixtures as F  # noqa: E402
import rosters as R  # noqa: E402


@pytest.fixture
def ws(workspace_path):
    return F.fill(workspace_path, **R.workspace_rows())


def imported(path):
    """(chiefs as (name, level, unit, phone, position), appointments as (name, seg, from))."""
    from hezhang_plugin.data.io import read_rows

    chiefs = read_rows(path, "chiefs")
    names = {c["chief_id"]: c["name"] for c in chiefs}
    return (
        {(c["name"], c["level"], c["unit_code"], c["phone"], c["position"]) for c in chiefs},
        [(names[a["chief_id"]], a["seg_code"], a["valid_from"]) for a in read_rows(path, "assignments")],
    )


def test_cells_merged_down_fill_every_row_they_span(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    src = str(tmp_path / "merged.xlsx")
    want = R.merged_chief(src)
    report = import_roster(ws, src)
    assert report.ok and report.written, report.to_text("en")
    chiefs, appointments = imported(ws)
    assert chiefs == want["chiefs"]
    assert sorted(appointments) == sorted(want["appointments"])
    assert sum(1 for a in appointments if a[0] == "苏明") == 3
    assert sum(1 for a in appointments if a[0] == "李华") == 1
    assert report.rows == 4 and report.assignments_added == 4 and report.chiefs_added == 2


def test_a_bureau_workbook_with_titles_notes_numbers_and_full_width_text(ws, tmp_path):
    from openpyxl.utils.datetime import from_excel

    from hezhang_plugin.services.roster import import_roster

    src = str(tmp_path / "bureau.xlsx")
    want = R.bureau_layout(src)
    # The serial day number in row 11, read independently by openpyxl's own converter.
    assert from_excel(45383).date() == dt.date(2024, 4, 1)
    report = import_roster(ws, src)
    assert report.ok and report.written, report.to_text("en")
    assert report.sheet == want["sheet"] and report.header_row == want["header_row"]
    assert report.skipped == want["skipped"]
    assert report.rows == 5  # rows 7, 8, 9, 11, 12; template rows 13-15 hold only a 序号
    chiefs, appointments = imported(ws)
    assert chiefs == want["chiefs"]
    assert sorted(appointments) == sorted(want["appointments"])
    text = report.to_text("zh")
    assert "第16行（标题或备注，已跳过）" in text and "表头在第4行" in text


def test_rejections_name_the_sheet_row(ws, tmp_path):
    """Row numbers in the report are the workbook's: a bad phone in sheet row 8 is 'row 8'
    even with a title row and a two-row header above it."""
    import openpyxl

    from hezhang_plugin.services.roster import import_roster

    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["城关镇河长名单"])
    sh.append(R.HEADER)
    sh.append(["苏明", "镇级", "党工委书记", R.TOWN, "13900000101", R.SEGS[0], "2024-03-01"])
    sh.append(["李华", "村级", "村党支部书记", R.EAST, "1390000010", R.SEGS[0], "2024-03-01"])
    sh.merge_cells("A1:G1")
    src = str(tmp_path / "bad.xlsx")
    wb.save(src)
    before = Path(ws).read_bytes()
    report = import_roster(ws, src)
    assert not report.written
    assert [(r.row, r.text("en")) for r in report.rejected] == [
        (4, "phone '1390000010': a mobile number has 11 digits, this has 10")]
    assert Path(ws).read_bytes() == before


def test_numbers_excel_shortened_are_refused_with_the_fix(ws, tmp_path):
    """A CSV saved by Excel with 4.11171E+11 in place of the unit code: the digits are gone,
    the row is refused saying how to keep them."""
    from hezhang_plugin.services.roster import import_roster

    src = tmp_path / "sci.csv"
    src.write_text("姓名,级别,行政区划代码,联系电话,河段编码\r\n苏明,镇级,4.11171E+11,1.39E+10,411171000101\r\n",
                   encoding="gbk")
    report = import_roster(ws, str(src))
    assert [r.row for r in report.rejected] == [2]
    en, zh = report.rejected[0].text("en"), report.rejected[0].text("zh")
    assert "unit_code '4.11171E+11' is a number Excel shortened to scientific notation" in en
    assert "phone '1.39E+10' is a number Excel shortened" in en
    assert "科学计数法" in zh and "行政区划代码" in zh


def test_csv_with_a_title_row_and_a_note(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    src = tmp_path / "title.csv"
    src.write_text(
        "测试区河长名单,,,,\r\n"
        "姓名,级别,行政区划代码,联系电话,河段编码\r\n"
        "苏明,镇级,411171001000,13900000101,411171000101\r\n"
        ",,,,\r\n"
        "备注：以上为现任河长,,,,\r\n",
        encoding="utf-8-sig",
    )
    report = import_roster(ws, str(src), as_of="2024-05-01")
    assert report.ok and report.written, report.to_text("en")
    assert report.header_row == 2 and report.skipped == [(5, "备注:以上为现任河长")]
    assert imported(ws)[1] == [("苏明", "411171000101", "2024-05-01")]


@pytest.mark.parametrize("typed,text", [("苏　明", "苏明"), ("苏 明", "苏明"), (" Li  Jing ", "Li Jing"),
                                        ("欧阳 明华", "欧阳明华")])
def test_names_lose_alignment_spaces(typed, text):
    from hezhang_plugin.core.roster import normal_name

    assert normal_name(typed) == text
