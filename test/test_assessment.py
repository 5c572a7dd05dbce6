"""Assessment sheets: totals equal hand-computed values (carry-over doubling, deduction cap,
bonus cap, grades, ranks), every lost point has its line, results stored and reproducible."""

from __future__ import annotations

import pytest

from test import problem_fixtures as fx


def _data(**over):
    from hezhang_plugin.core import assessment as am

    kw = dict(units=fx.UNITS, segments=fx.SEGMENTS, chiefs=fx.CHIEFS, assignments=fx.ASSIGNMENTS,
              boards=fx.BOARDS, problems=fx.PROBLEMS, problem_events=fx.EVENTS, manual=fx.MANUAL,
              patrols=am.PatrolFacts(fx.COMPLIANCE, fx.MILEAGE),
              missing_levels=lambda day: {fx.S3: ["village"]})
    kw.update(over)
    return am.AssessmentData(**kw)


def _sheet(code):
    from hezhang_plugin.core import assessment as am

    sheet = next(s for s in am.DEFAULT_SHEETS if s["sheet_code"] == code)
    items = [i for i in am.DEFAULT_ITEMS if i["sheet_code"] == code]
    return sheet, items


def test_town_sheet_totals_equal_hand_computed_values():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("TOWN-M")
    results = am.compute(sheet, items, am.parse_period("2024-04"), _data())
    got = {r.subject.code: {**{k: v[0] for k, v in r.items.items()}, "TOTAL": r.total, "grade": r.grade,
                            "rank": r.rank} for r in results}
    assert got == fx.EXPECTED_TOWN_APRIL


def test_problem_deductions_double_when_carried_and_stop_at_the_cap():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("TOWN-M")
    results = {r.subject.code: r for r in am.compute(sheet, items, am.parse_period("2024-04"), _data())}
    pts, lines = results[fx.TOWN_A].items["T3"]
    assert [(ln.evidence_layer, ln.evidence_key, ln.points) for ln in lines] == [
        ("problems", "411171-20240301-001", -10.0),  # carried from March: doubled
        ("problems", "411171-20240401-001", -5.0),
        ("problems", "411171-20240410-001", -5.0),
        ("problems", "411171-20240413-001", 0.0),  # the cap of 20 is reached
    ]
    assert "上月结转" in lines[0].detail_zh and "扣分上限" in lines[3].detail_zh
    assert [ln.value for ln in lines] == [30.0, 4.0, 5.0, 2.0]  # overdue days in April
    pts_b, lines_b = results[fx.TOWN_B].items["T3"]
    assert [(ln.evidence_key, ln.points) for ln in lines_b] == [
        ("411171-20240201-001", -10.0), ("411171-20240311-001", -5.0)]
    # Every score and deduction item: its points = its full points + the points of its lines.
    for r in results.values():
        for item in items:
            if item["kind"] in ("score", "deduction") and item["metric"] != "manual":
                p, ls = r.items[item["item_code"]]
                assert p == pytest.approx(item["points"] + sum(ln.points for ln in ls))


def test_bonus_cap_applies_across_bonus_lines():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("TOWN-M")
    results = {r.subject.code: r for r in am.compute(sheet, items, am.parse_period("2024-04"), _data())}
    pts, lines = results[fx.TOWN_A].items["TB"]
    assert [ln.points for ln in lines] == [2.0, 1.0] and pts == 3.0
    assert "加分上限" in lines[1].detail_zh
    # A higher cap lets both through.
    results = am.compute(dict(sheet, bonus_cap=5), items, am.parse_period("2024-04"), _data())
    assert next(r for r in results if r.subject.code == fx.TOWN_A).total == 83.0


def test_grades_and_ranks():
    from hezhang_plugin.core import assessment as am

    sheet = am.DEFAULT_SHEETS[0]
    assert [am.grade(t, sheet) for t in (100, 90, 89.99, 80, 79.5, 70, 69.99, 0)] == [
        "excellent", "excellent", "pass", "pass", "basic", "basic", "fail", "fail"]
    assert am.ranks({"a": 90, "b": 95, "c": 90, "d": 60}) == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_chief_sheet_ranks_mileage_among_peers():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("CHIEF-M")
    results = {r.subject.code: r for r in am.compute(sheet, items, am.parse_period("2024-04"), _data())}
    assert set(results) == {"TA", "VA", "TB", "VB", "VB2"}
    # C2 (20 points, 4 km minimum): VA 6 km rank 1 of 2 → 20, TA 4 km rank 2 of 2 → 10; the others 0.
    assert {k: r.items["C2"][0] for k, r in results.items()} == {"VA": 20.0, "TA": 10.0, "TB": 0.0, "VB": 0.0,
                                                                 "VB2": 0.0}
    # C3 problems of VA: −10 (carried), −5, −5, then the cap → 0.
    assert results["VA"].items["C3"][0] == 0.0
    # C1 compliance of TB: (0 + 1) / 2 of 40.
    assert results["TB"].items["C1"][0] == 20.0


def test_without_patrol_data_patrol_items_score_nothing_and_say_why():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("TOWN-M")
    results = am.compute(sheet, items, am.parse_period("2024-04"), _data(patrols=None))
    a = next(r for r in results if r.subject.code == fx.TOWN_A)
    assert a.items["T1"][0] == 0.0 and a.items["T2"][0] == 0.0
    assert "巡河记录" in a.items["T1"][1][0].detail_zh
    assert a.total == 82.0 - 40.0


def test_periods():
    from hezhang_plugin.core import assessment as am

    assert am.parse_period("2024-4") == am.Period("2024-04", "month", "2024-04-01", "2024-04-30")
    assert am.parse_period("2024年2月").end == "2024-02-29"
    assert am.parse_period("2024").kind == "year"
    assert am.parse_period("2024-04").previous().key == "2024-03"
    with pytest.raises(am.AssessmentError) as err:
        am.parse_period("2024-13")
    assert "考核期" in err.value.text("zh")


def test_hand_mark_without_evidence_is_refused():
    from hezhang_plugin.core import assessment as am

    sheet, items = _sheet("TOWN-M")
    manual = [dict(fx.MANUAL[0], evidence_key="")]
    with pytest.raises(am.AssessmentError) as err:
        am.compute(sheet, items, am.parse_period("2024-04"), _data(manual=manual))
    assert "缺少评分依据" in err.value.text("zh")


# ---------------------------------------------------------------- stored in a workspace

@pytest.fixture
def district(workspace_path):
    from hezhang_plugin.data import io

    with io.transaction(workspace_path) as ds:
        io.write_to(ds, "admin_units", fx.UNITS)
        io.write_to(ds, "segments", fx.SEGMENTS)
        io.write_to(ds, "chiefs", fx.CHIEFS)
        io.write_to(ds, "assignments", fx.ASSIGNMENTS)
        io.write_to(ds, "notice_boards", fx.BOARDS)
        io.write_to(ds, "problems", fx.PROBLEMS)
        io.write_to(ds, "problem_events", fx.EVENTS)
    return workspace_path


def test_results_stored_reproducible_and_traceable(district):
    from hezhang_plugin.core import assessment as am
    from hezhang_plugin.services import assessment as sa

    marks = [{k: v for k, v in m.items() if k not in ("line", "source")} for m in fx.MANUAL]
    assert sa.enter_marks(district, marks, "考核员") == 5
    facts = am.PatrolFacts(fx.COMPLIANCE, fx.MILEAGE)
    sa.assess(district, "TOWN-M", "2024-04", patrols=facts, when="2024-05-02T10:00:00")
    first = sa.stored_results(district, "TOWN-M", "2024-04")
    totals = {r["subject_code"]: (r["points"], r["grade"], r["rank"]) for r in first if r["item_code"] == "TOTAL"}
    assert totals == {fx.TOWN_A: (82.0, "pass", 1), fx.TOWN_B: (58.0, "fail", 2)}
    # R1 comes from the coverage check of the workspace: S3 lacks its village chief.
    t5 = [r for r in first if r["subject_code"] == fx.TOWN_B and r["item_code"] == "T5" and r["line"] > 0]
    assert [(r["evidence_layer"], r["evidence_key"], r["points"]) for r in t5] == [("segments", fx.S3, -2.0)]
    # Every computed line that takes points names the row behind it.
    lost = [r for r in first if r["source"] == "computed" and r["line"] > 0 and r["points"] < 0]
    assert lost and all(r["evidence_layer"] and r["evidence_key"] for r in lost)
    # Again: the same rows (hand marks kept, computed rows replaced, not added).
    sa.assess(district, "TOWN-M", "2024-04", patrols=facts, when="2024-05-03T11:00:00")
    second = sa.stored_results(district, "TOWN-M", "2024-04")

    from hezhang_plugin.core.schema import TRACKING_NAMES

    # (replaced rows are new rows: their uid, version and stamps are their own)
    def key(rows):
        return sorted(repr([(k, r[k]) for k in sorted(r) if k not in ("fid", "computed_at", *TRACKING_NAMES)])
                      for r in rows)

    assert key(first) == key(second) and len(second) == len(first)
    assert sum(1 for r in second if r["source"] == "manual") == 5


def test_yearly_result_is_the_mean_of_stored_months(district):
    from hezhang_plugin.core import assessment as am
    from hezhang_plugin.services import assessment as sa

    facts = am.PatrolFacts(fx.COMPLIANCE, fx.MILEAGE)
    with pytest.raises(am.AssessmentError):
        sa.assess(district, "TOWN-M", "2024")
    sa.enter_marks(district, [{k: v for k, v in m.items() if k not in ("line", "source")} for m in fx.MANUAL],
                   "考核员")
    sa.assess(district, "TOWN-M", "2024-04", patrols=facts)
    sa.assess(district, "TOWN-M", "2024-03", patrols=am.PatrolFacts([], []))
    march = {r["subject_code"]: r["points"] for r in sa.stored_results(district, "TOWN-M", "2024-03")
             if r["item_code"] == "TOTAL"}
    _, _, results = sa.assess(district, "TOWN-M", "2024")
    year = {r.subject.code: r.total for r in results}
    assert year == {k: round((march[k] + fx.EXPECTED_TOWN_APRIL[k]["TOTAL"]) / 2, 2) for k in march}


def test_assess_algorithm_stores_and_prints(district, processing_ready, tmp_path):
    import subprocess

    from qgis import processing
    from qgis.core import QgsProcessingException

    from hezhang_plugin.services import assessment as sa

    sa.enter_marks(district, [{k: v for k, v in m.items() if k not in ("line", "source")} for m in fx.MANUAL],
                   "考核员")
    out = str(tmp_path / "sheets.pdf")
    result = processing.run("hezhang:assess", {"WORKSPACE": district, "SHEET": "TOWN-M", "PERIOD": "2024年4月",
                                               "OUTPUT": out})
    assert result["SUBJECTS"] == 2
    totals = {r["subject_code"]: r["points"] for r in sa.stored_results(district, "TOWN-M", "2024-04")
              if r["item_code"] == "TOTAL"}
    # No patrol records in this workspace: the two patrol items score nothing (40 points less).
    assert totals == {fx.TOWN_A: 82.0 - 40.0, fx.TOWN_B: 58.0 - 17.5}
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True, text=True, check=True).stdout
    assert "柳营镇" in text and "问题按期整改" in text and "上月结转" in text
    with pytest.raises(QgsProcessingException, match="2024-13|考核期"):
        processing.run("hezhang:assess", {"WORKSPACE": district, "SHEET": "TOWN-M", "PERIOD": "2024-13",
                                          "OUTPUT": out})
    with pytest.raises(QgsProcessingException, match="NOPE"):
        processing.run("hezhang:assess", {"WORKSPACE": district, "SHEET": "NOPE", "PERIOD": "2024-04",
                                          "OUTPUT": out})
