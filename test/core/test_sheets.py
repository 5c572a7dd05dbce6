"""Tables as bureaus send them (core.sheets) read without a workspace: XLSX workbooks written
here with openpyxl (merged cells, title rows, two-row headers, banners, notes, numbers and
dates as Excel stores them), CSV in several encodings and separators, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from hezhang_plugin.core import sheets as S

KNOWN = {"姓名", "级别", "单位", "手机", "办公电话", "联系方式", "行政区划代码", "河段编码", "任职日期", "name", "phone"}


def score(cells):
    return len({c for c in cells if c in KNOWN})


def test_encodings():
    assert S.detect_encoding("河长".encode("utf-8-sig")) == "utf-8-sig"
    assert S.detect_encoding("河长".encode()) == "utf-8"
    assert S.detect_encoding("河长".encode("gbk")) == "gbk"
    assert S.detect_encoding("𠀀河".encode("gb18030")) == "gb18030"  # outside GBK
    with pytest.raises(S.SheetError) as exc:
        S.detect_encoding("河长".encode("utf-16"))
    assert exc.value.message.text("en").startswith("the file is neither UTF-8 nor GBK/GB18030 text")


@pytest.mark.parametrize("value,text", [
    (None, ""), (True, "1"), (False, "0"), (411171000001.0, "411171000001"), (2.5, "2.5"), (13800000001, "13800000001"),
    (dt.datetime(2024, 3, 1), "2024-03-01"), (dt.datetime(2024, 3, 1, 8, 30), "2024-03-01 08:30:00"),
    (dt.date(2024, 3, 1), "2024-03-01"), (dt.time(8, 30), "08:30:00"),
    ("１３９００００００００", "13900000000"), ("\ufeff 村（社区）级 \u200b", "村(社区)级"), ("苏　明", "苏 明"),
])
def test_cell_text(value, text):
    assert S.cell_text(value) == text


@pytest.mark.parametrize("value,text,date_1904", [
    (45352, "2024-03-01", False), (45352.0, "2024-03-01", False), (61, "1900-03-01", False),
    (60, "60", False), (2958465, "9999-12-31", False), (2958466, "2958466", False), (45352.5, "45352.5", False),
    (43890, "2024-03-01", True), (True, "1", False), ("2024-03-01", "2024-03-01", False),
])
def test_date_text_reads_excel_serial_days(value, text, date_1904):
    assert S.date_text(value, date_1904) == text


@pytest.mark.parametrize("text,sci", [("4.11171E+11", True), ("4E11", True), ("-1.5e-3", True), ("411171000001", False),
                                      ("4.1E", False), ("", False), (None, False)])
def test_is_scientific(text, sci):
    assert S.is_scientific(text) is sci


def _xlsx(path, build):
    import openpyxl

    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return str(path)


def test_a_bureau_workbook(tmp_path):
    """Title rows, a header split over two rows (联系方式 over 手机 / 办公电话), a section
    banner, a chief merged down over two segments, numbers and dates as Excel stores them,
    a note under the table."""
    def build(wb):
        ws = wb.active
        ws.title = "河长名单"
        ws.append(["区河长名单"])  # row 1
        ws.merge_cells("A1:F1")
        ws.append(["填报单位：区河长办"])  # row 2
        ws.append(["姓名", "级别", "联系方式", None, "河段编码", "任职日期"])  # row 3
        ws.append([None, None, "手机", "办公电话", None, None])  # row 4
        ws.merge_cells("A3:A4")
        ws.merge_cells("B3:B4")
        ws.merge_cells("C3:D3")
        ws.merge_cells("E3:E4")
        ws.merge_cells("F3:F4")
        ws.append(["一、城关镇"])  # row 5: a banner
        ws.merge_cells("A5:F5")
        ws.append(["张三", "村级", 13800000001, "0371-1234567", 411171000001, dt.datetime(2024, 3, 1)])  # row 6
        ws.append([None, None, None, None, 411171000002, 45352])  # row 7: 张三 merged down
        ws.merge_cells("A6:A7")
        ws.merge_cells("B6:B7")
        ws.append([])  # row 8
        ws.append(["注：本表由各镇填报"])  # row 9

    t = S.read_table(_xlsx(tmp_path / "名单.xlsx", build), score)
    assert (t.file_format, t.sheet, t.header_row, t.encoding, t.date_1904) == ("XLSX", "河长名单", 3, "", False)
    assert t.header == ["姓名", "级别", "手机", "办公电话", "河段编码", "任职日期"]
    assert [n for n, _ in t.rows] == [6, 7]
    assert t.rows[0][1] == ["张三", "村级", 13800000001, "0371-1234567", 411171000001, dt.datetime(2024, 3, 1)]
    assert t.rows[1][1][:2] == ["张三", "村级"] and t.rows[1][1][4:] == [411171000002, 45352]
    assert t.skipped == [(5, "一、城关镇"), (9, "注:本表由各镇填报")]  # NFKC: the full-width colon


def test_a_row_with_only_values_merged_down_is_not_a_row(tmp_path):
    def build(wb):
        ws = wb.active
        ws.append(["姓名", "级别", "河段编码"])
        ws.append(["李四", "镇级", "411171000001"])
        ws.append([None, None, None])
        ws.merge_cells("A2:A3")  # the name spans row 3, which has nothing of its own
    t = S.read_table(_xlsx(tmp_path / "a.xlsx", build), score)
    assert [n for n, _ in t.rows] == [2]


def test_the_best_visible_sheet_is_read(tmp_path):
    def build(wb):
        wb.active.title = "说明"
        wb.active.append(["本文件为河长名单"])
        hidden = wb.create_sheet("隐藏")
        hidden.append(["姓名", "级别", "手机", "河段编码", "任职日期"])
        hidden.sheet_state = "hidden"
        ws = wb.create_sheet("名单")
        ws.append(["姓名", "手机"])
        ws.append(["王五", "13800000003"])
    t = S.read_table(_xlsx(tmp_path / "b.xlsx", build), score)
    assert (t.sheet, t.header, t.rows) == ("名单", ["姓名", "手机"], [(2, ["王五", "13800000003"])])


def test_a_1904_workbook(tmp_path):
    def build(wb):
        wb.epoch = dt.datetime(1904, 1, 1)
        wb.active.append(["姓名", "任职日期"])
        wb.active.append(["赵六", 43890])
    t = S.read_table(_xlsx(tmp_path / "c.xlsx", build), score)
    assert t.date_1904 is True
    assert S.date_text(t.rows[0][1][1], t.date_1904) == "2024-03-01"  # 1462 days after the 1900 serial


def test_no_header_found_takes_the_first_row_with_values(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("\n\nfoo,bar\n1,2\n", encoding="utf-8")
    t = S.read_table(str(path), score)
    assert (t.header, t.header_row, t.rows) == (["foo", "bar"], 3, [(4, ["1", "2"])])


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_csv_in_gbk_with_any_separator(tmp_path, sep):
    path = tmp_path / "d.csv"
    path.write_bytes(sep.join(["姓名", "手机"]).encode("gbk") + b"\r\n" + sep.join(["钱七", "13800000004"]).encode(
        "gbk") + b"\r\n" + "备注：无".encode("gbk") + b"\r\n")
    t = S.read_table(str(path), score)
    assert (t.file_format, t.encoding, t.header) == ("CSV", "gbk", ["姓名", "手机"])
    assert t.rows == [(2, ["钱七", "13800000004"])] and t.skipped == [(3, "备注:无")]


def test_refusals_name_the_file(tmp_path):
    def message(path):
        with pytest.raises(S.SheetError) as exc:
            S.read_table(str(path), score)
        return exc.value.message.text("en")

    assert message(tmp_path / "none.csv") == f"{tmp_path / 'none.csv'} does not exist"
    old = tmp_path / "old.csv"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert message(old) == "old.csv is an old Excel 97 .xls file; save it as .xlsx or CSV"
    xls = tmp_path / "named.xls"
    xls.write_bytes(b"whatever")
    assert message(xls) == "named.xls is an old Excel 97 .xls file; save it as .xlsx or CSV"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04broken")
    assert message(bad).startswith("bad.xlsx cannot be read as an XLSX workbook: ")
    empty = tmp_path / "empty.csv"
    empty.write_text(" , \n\n", encoding="utf-8")
    assert message(empty) == "empty.csv is empty"
