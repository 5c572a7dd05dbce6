"""Roster import (CSV UTF-8/BOM/GBK, XLSX, Chinese and English headers), validation, export."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402

ZH_HEADER = "姓名,级别,职务,河长类型,行政区划代码,联系电话,河段编码,任职日期,职责"
ZH_ROWS = [
    "王区长,区级,区长,河长,411171000000,13800000001,411171000001,2024-01-01,统筹",
    "王区长,区级,区长,河长,411171000000,13800000001,411171000002,2024-01-01,统筹",
    "赵镇长,镇级,镇长,河长,411171100000,138 0000 0002,411171000001,2024/1/1,",
    "赵镇长,镇级,镇长,河长,411171100000,138 0000 0002,411171000002,2024/1/1,",
    "周书记,村级,村党支部书记,河长,411171100001,13800000003,411171000001,2024年1月1日,巡河",
    "李书记,村级,村党支部书记,河长,411171100002,0371-66668888,411171000002,20240101,巡河",
]


@pytest.fixture
def ws(workspace_path):
    """Units, river, segments and boards, but no chiefs yet."""
    return F.fill(workspace_path, chiefs=[], assignments=[])


def write_csv(path, lines, encoding):
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write("\r\n".join(lines) + "\r\n")
    return str(path)


def _bytes(path):
    with open(path, "rb") as fh:
        return fh.read()


def open_text(path):
    with open(path, encoding="utf-8-sig") as fh:
        return fh.read()


def rows(path, layer):
    from hezhang_plugin.data.io import read_rows

    return read_rows(path, layer)


def test_gbk_csv_with_chinese_headers(ws, tmp_path):
    from hezhang_plugin.services.coverage import check_coverage
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "名单.csv", [ZH_HEADER] + ZH_ROWS, "gbk")
    raw = _bytes(src)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # really GBK bytes
    report = import_roster(ws, src)
    assert report.encoding == "gbk" and report.file_format == "CSV"
    assert report.ok and report.written, report.to_text()
    chiefs = {c["name"]: c for c in rows(ws, "chiefs")}
    assert set(chiefs) == {"王区长", "赵镇长", "周书记", "李书记"}
    assert chiefs["赵镇长"]["level"] == "town" and chiefs["赵镇长"]["phone"] == "13800000002"
    assert chiefs["周书记"]["role"] == "chief" and chiefs["周书记"]["unit_code"] == F.V1
    assign = rows(ws, "assignments")
    assert len(assign) == 6
    assert {a["valid_from"] for a in assign} == {"2024-01-01"}
    findings, _ = check_coverage(ws, "2024-06-01")
    assert [f for f in findings if f.rule in ("R1", "R2", "R6")] == []


def test_bom_csv(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "bom.csv", [ZH_HEADER] + ZH_ROWS[:2], "utf-8-sig")
    report = import_roster(ws, src)
    assert report.encoding == "utf-8-sig" and report.ok
    assert [c["name"] for c in rows(ws, "chiefs")] == ["王区长"]
    assert len(rows(ws, "assignments")) == 2


def test_xlsx_with_english_headers_and_numeric_cells(ws, tmp_path):
    import openpyxl

    from hezhang_plugin.services.roster import import_roster

    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["Name", "Level", "Position", "Role", "Unit code", "Phone", "Segment code", "Valid from",
               "Remarks"])
    sh.append(["Zhou", "Village", "Party secretary", "Chief", 411171100001, 13800000003, 411171000001,
               __import__("datetime").datetime(2024, 3, 1)])
    sh.append(["Li Jing", "village", "", "Police chief", "411171100002", "13900000000", "411171000002",
               "2024-03-01"])
    path = str(tmp_path / "roster.xlsx")
    wb.save(path)
    report = import_roster(ws, path)
    assert report.file_format == "XLSX" and report.ok, report.to_text()
    assert report.ignored_columns == ["Remarks"]
    chiefs = {c["name"]: c for c in rows(ws, "chiefs")}
    assert chiefs["Zhou"]["unit_code"] == F.V1 and chiefs["Zhou"]["phone"] == "13800000003"
    assert chiefs["Li Jing"]["role"] == "police_chief"
    assert {(a["seg_code"], a["valid_from"]) for a in rows(ws, "assignments")} == {
        ("411171000001", "2024-03-01"), ("411171000002", "2024-03-01")}


@pytest.mark.parametrize("bad_line,reason", [
    ("孙主任,村级,主任,河长,411171100001,1380000,411171000001,2024-01-01,", "mobile number has 11 digits"),
    ("孙主任,村级,主任,河长,411171100009,13800000009,411171000001,2024-01-01,", "unknown unit code 411171100009"),
    ("孙主任,镇级,主任,河长,411171100001,13800000009,411171000001,2024-01-01,", "a town chief cannot belong"),
    ("孙主任,村级,主任,河长,411171100001,13800000009,411171000099,2024-01-01,", "unknown segment code"),
    (",村级,主任,河长,411171100001,13800000009,411171000001,2024-01-01,", "name is empty"),
    ("孙主任,村级,主任,大王,411171100001,13800000009,411171000001,2024-01-01,", "role '大王'"),
])
def test_bad_row_rejects_the_whole_file_and_leaves_workspace_unchanged(ws, tmp_path, bad_line, reason):
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "bad.csv", [ZH_HEADER] + ZH_ROWS[:3] + [bad_line] + ZH_ROWS[3:], "utf-8")
    before = _bytes(ws)
    report = import_roster(ws, src)
    assert not report.written
    assert [r.row for r in report.rejected] == [5]
    assert reason in report.rejected[0].reason
    assert _bytes(ws) == before
    assert rows(ws, "chiefs") == [] and rows(ws, "assignments") == []


def test_duplicate_rows(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "dup.csv", [ZH_HEADER] + ZH_ROWS + [ZH_ROWS[4]], "utf-8")
    report = import_roster(ws, src)
    assert [(r.row, r.reason) for r in report.rejected] == [(8, "duplicate of row 6")]
    assert not report.written


def test_valid_rows_only_imports_the_rest(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    bad = "孙主任,村级,主任,河长,411171100001,12345678,411171000001,2024-01-01,"
    src = write_csv(tmp_path / "mixed.csv", [ZH_HEADER] + ZH_ROWS + [bad], "utf-8")
    report = import_roster(ws, src, valid_rows_only=True)
    assert report.written and [r.row for r in report.rejected] == [8]
    assert len(rows(ws, "chiefs")) == 4 and len(rows(ws, "assignments")) == 6
    text = report.to_text()
    assert "row 8:" in text and "6 valid, 1 rejected" in text


def test_missing_required_column_is_a_clear_error(ws, tmp_path):
    from hezhang_plugin.core.roster import RosterError
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "x.csv", ["姓名,电话", "张三,13800000000"], "utf-8")
    with pytest.raises(RosterError, match="行政区划代码/unit_code"):
        import_roster(ws, src)


def test_append_again_is_idempotent_and_replace_ends_history(ws, tmp_path):
    from hezhang_plugin.services.roster import import_roster

    src = write_csv(tmp_path / "a.csv", [ZH_HEADER] + ZH_ROWS, "utf-8")
    assert import_roster(ws, src).written
    again = import_roster(ws, src)
    assert again.assignments_added == 0 and again.chiefs_added == 0
    assert len(rows(ws, "chiefs")) == 4
    # replace: 李书记 leaves, 孙主任 becomes village chief of village 2
    new = ZH_ROWS[:5] + ["孙主任,村级,主任,河长,411171100002,13900000000,411171000002,2024-07-01,巡河"]
    report = import_roster(ws, write_csv(tmp_path / "b.csv", [ZH_HEADER] + new, "utf-8"),
                           mode="replace", as_of="2024-07-01")
    assert report.written and report.chiefs_deactivated == 1 and report.assignments_ended == 1
    chiefs = {c["name"]: c for c in rows(ws, "chiefs")}
    assert chiefs["李书记"]["active"] is False and chiefs["孙主任"]["active"] is True
    assign = rows(ws, "assignments")
    assert len(assign) == 7  # nothing deleted
    from hezhang_plugin.core.assignments import responsible_on

    on_june = responsible_on(assign, "411171000002", "2024-06-30")
    on_july = responsible_on(assign, "411171000002", "2024-07-01")
    village = {a["chief_id"] for a in on_june if a["level"] == "village"}
    assert village == {chiefs["李书记"]["chief_id"]}
    assert {a["chief_id"] for a in on_july if a["level"] == "village"} == {chiefs["孙主任"]["chief_id"]}


@pytest.mark.parametrize("name,encoding,lang", [("out.csv", "gbk", "zh"), ("out.csv", "utf-8-sig", "en"),
                                                ("out.xlsx", None, "zh")])
def test_export_round_trip(ws, tmp_path, workspace_path, empty_workspace_template, name, encoding, lang):
    from hezhang_plugin.core.roster import read_table
    from hezhang_plugin.services.roster import export_roster, import_roster, roster_table

    import_roster(ws, write_csv(tmp_path / "a.csv", [ZH_HEADER] + ZH_ROWS, "utf-8"))
    out = str(tmp_path / name)
    assert export_roster(ws, out, encoding=encoding or "utf-8-sig", lang=lang, date="2024-06-01") == 6
    table = read_table(out)
    assert table.header[1] == ("姓名" if lang == "zh" else "name")
    if encoding:
        assert table.encoding == encoding
    other = str(tmp_path / "other.gpkg")
    shutil.copyfile(empty_workspace_template, other)
    F.fill(other, chiefs=[], assignments=[])
    report = import_roster(other, out)
    assert report.ok and report.written, report.to_text()
    assert roster_table(other, "2024-06-01", lang) == roster_table(ws, "2024-06-01", lang)


def test_processing_importroster(ws, tmp_path, processing_ready):
    from qgis import processing
    from qgis.core import QgsProcessingException

    good = write_csv(tmp_path / "g.csv", [ZH_HEADER] + ZH_ROWS, "gbk")
    bad = write_csv(tmp_path / "b.csv", [ZH_HEADER, ZH_ROWS[0].replace("13800000001", "99")], "gbk")
    report = str(tmp_path / "report.csv")
    before = _bytes(ws)
    with pytest.raises(QgsProcessingException, match="nothing was imported"):
        processing.run("hezhang:importroster", {"WORKSPACE": ws, "INPUT": bad, "MODE": 0,
                                                "OUTPUT_REPORT": report})
    assert _bytes(ws) == before
    assert "row" in open_text(report)
    res = processing.run("hezhang:importroster", {"WORKSPACE": ws, "INPUT": good, "MODE": 0,
                                                  "OUTPUT_REPORT": report})
    assert res["REJECTED"] == 0 and res["CHIEFS_ADDED"] == 4 and res["ASSIGNMENTS_ADDED"] == 6
