"""Roster rows (core.roster without a workspace): one seat per segment, level and role in a
file; the plan of what to write; the rejection report. Rows are numbered as in the
spreadsheet (header = row 1)."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import roster
from test.core import rows as R

HEADER = "姓名,级别,河长类型,行政区划代码,联系电话,河段编码,任职日期"
SEG1, SEG2 = R.code(1), R.code(2)


def units():
    return {u["code"]: u for u in R.units()}


def segments():
    return {SEG1: {"seg_code": SEG1}, SEG2: {"seg_code": SEG2}}


def read(tmp_path, lines, chiefs=(), name="roster.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding=encoding)
    return roster.read_roster(str(path), units(), segments(), list(chiefs), as_of="2024-06-01")


def test_two_village_chiefs_for_one_segment_in_one_file(tmp_path):
    """Rows 2 and 3 name two different village chiefs for segment 1: row 3 is rejected."""
    report, good = read(tmp_path, [
        f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-01-01",
        f"吴书记,村级,河长,{R.V1},13800000004,{SEG1},2024-01-01",
    ])
    assert [n for n, _ in good] == [2]
    assert [(r.row, r.text("en")) for r in report.rejected] == [
        (3, f"segment {SEG1} already gets a village chief in row 2")]
    assert report.rejected[0].text("zh") == f"河段{SEG1}已在第2行指定了村级河长"
    assert (report.rows, report.accepted_rows, report.ok) == (2, 1, False)


def test_seats_that_do_not_clash(tmp_path):
    """A volunteer beside the village chief, the same chief on two segments, a town chief on
    the same segment, and the same person listed twice for one segment (a duplicate row)."""
    report, good = read(tmp_path, [
        f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-01-01",
        f"志愿者甲,村级,民间河长,{R.V1},13800000005,{SEG1},2024-01-01",
        f"志愿者乙,村级,民间河长,{R.V1},13800000006,{SEG1},2024-01-01",
        f"周书记,村级,河长,{R.V1},13800000003,{SEG2},2024-01-01",
        f"赵镇长,镇级,河长,{R.T},13800000002,{SEG1},2024-01-01",
        f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-01-01",
    ])
    assert [n for n, _ in good] == [2, 3, 4, 5, 6]
    assert [(r.row, r.text("en")) for r in report.rejected] == [(7, "duplicate of row 2")]


def test_row_checks_name_each_problem(tmp_path):
    report, good = read(tmp_path, [
        f",村级,河长,{R.V1},13800000003,,2024-01-01",
        f"甲,村级,河长,{R.T},13800000003,,2024-01-01",
        f"乙,省级,河长,{R.V1},13800000003,,2024-01-01",
        f"丙,村级,大河长,{R.V1},13800000003,,2024-01-01",
        f"丁,村级,河长,{R.V1},1380000,,2024-01-01",
        f"戊,村级,河长,{R.V1},13800000003,411171999999,2024-01-01",
        f"己,村级,河长,{R.V1},13800000003,,2024-13-45",
        "庚,村级,河长,411171100009,13800000003,,2024-01-01",
        f"辛,村级,河长,{R.V1},13800000003,4.11171E+11,2024-01-01",
        "壬,,河长,411171,13800000003,,",
    ])
    reasons = {r.row: r.text("en") for r in report.rejected}
    assert "name" in reasons[2]
    assert reasons[3] == f"a village chief cannot belong to {R.T}, which is a town unit"
    assert reasons[4] == "level '省级' is not district/town/village (区级/镇级/村级)"
    assert reasons[5].startswith("role '大河长' is not a chief role")
    assert "1380000" in reasons[6]
    assert reasons[7] == "unknown segment code 411171999999"
    assert reasons[8] == "appointment date '2024-13-45' is not a date (use 2024-03-01)"
    assert reasons[9].startswith("unknown unit code 411171100009")
    assert "scientific notation" in reasons[10]
    # A 6-digit district code is the district; without a level the unit's level is taken.
    assert [(n, r["unit_code"], r["level"], r["valid_from"]) for n, r in good] == [
        (11, R.DISTRICT, "district", "2024-06-01")]


def test_plan_adds_chiefs_and_appointments_and_ends_the_replaced_one(tmp_path):
    chiefs = [dict(R.chief("COLD", "village", R.V1, name="老书记", phone="13800000009"), fid=7)]
    existing = [R.appointment(21, SEG1, "COLD", "village", valid_from="2020-01-01")]
    _report, good = read(tmp_path, [
        f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-03-01",
        f"周书记,村级,河长,{R.V1},13800000003,{SEG2},2024-03-01",
        f"老书记,村级,河长,{R.V1},13800000008,,2024-03-01",
    ], chiefs)
    plan = roster.plan_import(good, chiefs, existing, "append", "2024-06-01")
    assert plan.chiefs_new == [{"chief_id": f"C{R.V1}001", "name": "周书记", "level": "village", "role": "chief",
                                "position": None, "organisation": None, "unit_code": R.V1,
                                "phone": "13800000003", "active": True}]
    assert plan.chiefs_update == [(7, {"phone": "13800000008"})]
    assert [(a["seg_code"], a["chief_id"], a["valid_from"]) for a in plan.assignments_new] == [
        (SEG1, f"C{R.V1}001", "2024-03-01"), (SEG2, f"C{R.V1}001", "2024-03-01")]
    assert plan.assignments_end == [(21, "2024-02-29")]  # the day before the successor starts
    assert plan.deactivate == []
    replace = roster.plan_import(good, chiefs, existing, "replace", "2024-06-01")
    assert replace.assignments_end == [(21, "2024-05-31")] and replace.deactivate == []


def test_report_text_in_both_languages(tmp_path):
    report, _good = read(tmp_path, [f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-01-01",
                                     f"吴书记,村级,河长,{R.V1},13800000004,{SEG1},2024-01-01"])
    en = report.to_text("en").splitlines()
    zh = report.to_text("zh").splitlines()
    assert en[0] == "roster.csv (CSV, UTF-8): 2 rows, 1 valid, 1 rejected. Nothing was written."
    assert en[1] == f"row 3: segment {SEG1} already gets a village chief in row 2"
    assert zh == ["roster.csv（CSV，UTF-8）：共2行，有效1行，拒绝1行。未写入任何数据。",
                  f"第3行：河段{SEG1}已在第2行指定了村级河长"]


def test_an_unknown_mode_and_missing_columns_are_refused(tmp_path):
    with pytest.raises(roster.RosterError):
        roster.read_roster(str(tmp_path / "x.csv"), units(), segments(), [], mode="merge")
    path = tmp_path / "cols.csv"
    path.write_text("姓名,电话\n甲,13800000003\n", encoding="utf-8")
    with pytest.raises(roster.RosterError) as exc:
        roster.read_roster(str(path), units(), segments(), [])
    assert "行政区划代码/unit_code" in exc.value.message.text("en")


def test_replace_mode_deactivates_those_not_listed_and_keeps_what_is_listed(tmp_path):
    chiefs = [dict(R.chief("COLD", "village", R.V1, name="老书记", phone="13800000009"), fid=7),
              dict(R.chief("CKEEP", "village", R.V1, name="周书记", phone="13800000003"), fid=8),
              dict(R.chief("CGONE", "village", R.V2, name="离任者", active=False), fid=9)]
    existing = [R.appointment(21, SEG1, "COLD", "village", valid_from="2020-01-01"),
                R.appointment(22, SEG2, "CKEEP", "village", valid_from="2021-05-01"),
                R.appointment(23, SEG2, "CKEEP", "village", role="volunteer", valid_from="2021-05-01",
                              valid_to="2022-01-01")]
    _report, good = read(tmp_path, [f"周书记,村级,河长,{R.V1},13800000003,{SEG2},2024-03-01"], chiefs)
    plan = roster.plan_import(good, chiefs, existing, "replace", "2024-06-01")
    assert plan.chiefs_new == [] and plan.chiefs_update == [] and plan.assignments_new == []
    assert plan.assignments_end == [(21, "2024-05-31")]  # COLD's seat; CKEEP's listed seat stays open
    assert plan.deactivate == [(7, {"active": False})]  # not CGONE: already inactive
    cs = plan.changeset(str(tmp_path / "r.csv"))
    assert cs.description.text("en") == "Import roster r.csv"
    assert [(c.operation, c.layer, c.key, dict(c.values)) for c in cs] == [
        ("end", "chiefs", 7, {"active": False}), ("end", "assignments", 21, {"valid_to": "2024-05-31"})]


def test_append_mode_ends_only_the_seat_a_new_chief_takes(tmp_path):
    chiefs = [dict(R.chief("COLD", "village", R.V1, name="老书记"), fid=7),
              dict(R.chief("CBACK", "village", R.V2, name="回任者", phone="13800000007", active=False), fid=9)]
    existing = [R.appointment(21, SEG1, "COLD", "village", valid_from="2020-01-01"),
                R.appointment(24, SEG1, "COLD", "village", role="volunteer", valid_from="2020-01-01")]
    _report, good = read(tmp_path, [
        f"新书记,村级,河长,{R.V1},13800000001,{SEG1},2024-03-01",
        f"新书记,村级,河长,{R.V1},13800000001,{SEG2},2024-03-01",
        f"志愿者,村级,民间河长,{R.V1},13800000002,{SEG1},2024-03-01",
        f"回任者,村级,河长,{R.V2},13800000007,,2024-03-01",
    ], chiefs)
    plan = roster.plan_import(good, chiefs, existing, "append", "2024-06-01")
    # an inactive record is history: by name alone the person returning gets a new record
    assert [c["name"] for c in plan.chiefs_new] == ["新书记", "志愿者", "回任者"]
    assert [c["chief_id"] for c in plan.chiefs_new] == [f"C{R.V1}001", f"C{R.V1}002", f"C{R.V2}001"]
    assert plan.chiefs_update == []
    # the new village chief takes S1's seat from COLD the day before; a volunteer beside others ends nobody
    assert plan.assignments_end == [(21, "2024-02-29")]
    assert [(a["seg_code"], a["chief_id"], a["role"], a["duty"], a["valid_to"]) for a in plan.assignments_new] == [
        (SEG1, f"C{R.V1}001", "chief", None, None), (SEG2, f"C{R.V1}001", "chief", None, None),
        (SEG1, f"C{R.V1}002", "volunteer", None, None)]
    assert plan.deactivate == []


def test_the_same_appointment_twice_is_planned_once_and_an_open_one_is_kept(tmp_path):
    chiefs = [dict(R.chief("CV", "village", R.V1, name="周书记", phone="13800000003"), fid=8)]
    existing = [R.appointment(22, SEG2, "CV", "village", valid_from="2021-05-01")]
    _report, good = read(tmp_path, [f"周书记,村级,河长,{R.V1},13800000003,{SEG1},2024-03-01",
                                    "CV,,,,,,", f"周书记,村级,河长,{R.V1},13800000003,{SEG2},2024-03-01"], chiefs)
    plan = roster.plan_import(good + [good[0]], chiefs, existing, "append", "2024-06-01")
    assert [(a["seg_code"], a["chief_id"]) for a in plan.assignments_new] == [(SEG1, "CV")]
    assert plan.assignments_end == []


def test_a_number_excel_shortened_names_its_column_in_both_languages(tmp_path):
    report, _good = read(tmp_path, ["周书记,村级,河长,4.11171E+11,13800000003,,2024-01-01",
                                    f"吴书记,村级,河长,{R.V1},1.38E+10,,2024-01-01"])
    assert [r.text("en") for r in report.rejected] == [
        "unit_code '4.11171E+11' is a number Excel shortened to scientific notation; the digits are lost: "
        "format the column as text in Excel and type the values again",
        "phone '1.38E+10' is a number Excel shortened to scientific notation; the digits are lost: "
        "format the column as text in Excel and type the values again"]
    assert report.rejected[0].text("zh").startswith("行政区划代码“4.11171E+11”是被Excel缩写成科学计数法的数字")
    assert report.rejected[1].text("zh").startswith("联系电话“1.38E+10”")


def test_a_chief_id_in_the_file_reactivates_and_updates_its_record(tmp_path):
    chiefs = [dict(R.chief("CBACK", "village", R.V2, name="回任者", phone="13800000007", active=False), fid=9)]
    path = tmp_path / "ids.csv"
    path.write_text("河长编号,姓名,级别,行政区划代码,联系电话,职务\n"
                    f"CBACK,回任者,村级,{R.V2},13900000007,村主任\n", encoding="utf-8")
    report, good = roster.read_roster(str(path), units(), segments(), chiefs, as_of="2024-06-01")
    assert report.ok
    plan = roster.plan_import(good, chiefs, [], "append", "2024-06-01")
    assert plan.chiefs_new == []
    assert plan.chiefs_update == [(9, {"position": "村主任", "phone": "13900000007", "active": True})]
