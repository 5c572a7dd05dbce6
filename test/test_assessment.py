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


def test_a_rerun_supersedes_the_previous_results_without_deleting_them(district):
    """Results are recomputed through the backend's change set: the first run's computed
    rows stay, each marked with the time of the run that superseded it; hand marks are
    never superseded; readers see the current run only."""
    from hezhang_plugin.core import assessment as am
    from hezhang_plugin.data import io
    from hezhang_plugin.services import assessment as sa

    marks = [{k: v for k, v in m.items() if k not in ("line", "source")} for m in fx.MANUAL]
    sa.enter_marks(district, marks, "考核员")
    facts = am.PatrolFacts(fx.COMPLIANCE, fx.MILEAGE)
    sa.assess(district, "TOWN-M", "2024-04", patrols=facts, when="2024-05-02T10:00:00")
    first = {r["fid"]: r for r in io.read_attributes(district, "assessment_results")}
    computed = [fid for fid, r in first.items() if r["source"] == "computed"]
    # The second run, on other patrol facts: town A's patrols now all short.
    short = am.PatrolFacts([dict(r, valid=0) for r in fx.COMPLIANCE], [])
    sa.assess(district, "TOWN-M", "2024-04", patrols=short, when="2024-05-03T11:00:00")
    rows = io.read_attributes(district, "assessment_results")
    by_fid = {r["fid"]: r for r in rows}
    # Nothing deleted: every row of the first run is still there, points unchanged.
    assert set(first) <= set(by_fid)
    assert all(by_fid[f]["points"] == first[f]["points"] for f in first)
    assert {str(by_fid[f]["superseded_at"])[:19].replace(" ", "T") for f in computed} == {"2024-05-03T11:00:00"}
    assert all(not by_fid[f]["superseded_at"] for f in first if first[f]["source"] == "manual")
    new = [r for r in rows if r["fid"] not in first]
    assert len(new) > 0 and all(r["source"] == "computed" and not r["superseded_at"] for r in new)
    # Readers see the current run (and the hand marks) only.
    current = sa.stored_results(district, "TOWN-M", "2024-04")
    assert sorted(r["fid"] for r in current) == sorted([r["fid"] for r in new]
                                                       + [f for f in first if first[f]["source"] == "manual"])
    before = {r["subject_code"]: r["points"] for r in first.values() if r["item_code"] == "TOTAL"}
    after = {r["subject_code"]: r["points"] for r in current if r["item_code"] == "TOTAL"}
    assert before == {fx.TOWN_A: 82.0, fx.TOWN_B: 58.0}
    # No valid patrol: T1 (30 × share) and T2 (10, km per chief) score 0: A 82 − 30 − 10, B 58 − 17.5 − 0.
    assert after == {fx.TOWN_A: 42.0, fx.TOWN_B: 40.5}
    assert all(r["points"] == 0.0 for r in current if r["item_code"] in ("T1", "T2") and r["line"] == 0)
    # The yearly result reads the current monthly totals only.
    _, _, year = sa.assess(district, "TOWN-M", "2024")
    assert {r.subject.code: r.total for r in year} == pytest.approx(after)



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


# ---------------------------------------------------------------- patrols from the workspace

def test_patrol_items_read_the_workspace_patrols(workspace_path, tmp_path):
    """Tracks imported into a workspace reach the sheet through services.patrol_facts: the
    compliance rows of the patrol check (Henan 2018) and the km of the patrols that count.

    June 2024 in the patrol fixture district (one town, villages 周庄村/李庄村): village chief
    CV1 owes S1 and S3 each ISO week whose Thursday is in June (W23–W26: 8 tasks), CV2 owes S2
    (4), town chief CT1 owes S1, S2, S3 for the month (3); the district chief's quarter
    belongs to May. Walked: CV1 all of S1 on 3 and 10 June, CV2 all of S2 on 4 June and 30 %
    of it on 11 June (too little of the segment), CT1 all of S1 on 5 June: 4 of 15 tasks met."""
    import datetime as dt

    from pyproj import Geod

    from hezhang_plugin.services import assessment as sa
    from hezhang_plugin.services.patrol_facts import patrol_facts
    from hezhang_plugin.services.patrols import import_patrols
    from test import patrol_fixtures as F

    ws = F.fill(workspace_path)
    assert patrol_facts(ws, "2024-06-01", "2024-06-30") is None  # no patrol at all: "no patrol data"
    folder = tmp_path / "tracks"
    folder.mkdir()
    walks = {"CV1_0603.gpx": (F.S1, 1000.0, 3), "CV1_0610.gpx": (F.S1, 1000.0, 10),
             "CV2_0604.gpx": (F.S2, 1000.0, 4), "CV2_0611.gpx": (F.S2, 300.0, 11),
             "CT1_0605.gpx": (F.S1, 1000.0, 5)}
    km = {}
    for name, (seg, metres, day) in walks.items():
        lon, lat, t = F.walk(seg, 0.0, metres, offset_m=10.0, t0=dt.datetime(2024, 6, day, 9, 0, tzinfo=F.BJ))
        F.write_gpx(folder / name, lon, lat, t)
        km[name] = Geod(a=6378137.0, rf=298.257222101).line_length(lon, lat) / 1000.0
    report = import_patrols(ws, [str(folder)], lang="en")
    assert report.ok and report.patrols_added == 5

    facts = patrol_facts(ws, "2024-06-01", "2024-06-30")
    met = {(r["chief_id"], r["seg_code"], r["key"].split("/")[-1]) for r in facts.compliance if r["valid"] >= 1}
    assert len(facts.compliance) == 15
    assert met == {("CV1", F.S1, "2024-W23"), ("CV1", F.S1, "2024-W24"), ("CV2", F.S2, "2024-W23"),
                   ("CT1", F.S1, "2024-06")}
    assert sorted(round(r["km"], 3) for r in facts.mileage) == sorted(
        round(v, 3) for n, v in km.items() if n != "CV2_0611.gpx")

    _sheet, _period, results = sa.assess(ws, "TOWN-M", "2024-06")
    (town,) = results
    # T1: 30 × 4 / 15 = 8; T2: (4 counted patrols ≈ 4 km) / 3 chiefs < 4 km per chief → 0.
    assert town.items["T1"][0] == pytest.approx(8.0) and town.items["T2"][0] == 0.0
    lines = town.items["T1"][1]
    assert len(lines) == 11 and all(ln.points == pytest.approx(-2.0) for ln in lines)
    partial = next(ln for ln in lines if ln.evidence_key == f"CV2/{F.S2}/2024-W24")
    assert "李书记" in partial.detail_zh and "2024年第24周" in partial.detail_zh
    assert "应巡1次，有效0次" in partial.detail_zh and "覆盖" in partial.detail_zh and "< 50%" in partial.detail_zh
    _sheet, _period, chiefs = sa.assess(ws, "CHIEF-M", "2024-06")
    c1 = {r.subject.code: r.items["C1"][0] for r in chiefs}
    # C1 (40): CV1 2 of 8, CV2 1 of 4, CT1 1 of 3.
    assert c1 == pytest.approx({"CV1": 10.0, "CV2": 10.0, "CT1": 40.0 / 3}, abs=1e-4)


def test_a_rerun_supersedes_on_postgresql_too(pg_workspace):
    """The same path on a PostgreSQL workspace, where editors never DELETE: the earlier run's
    computed rows are ended (superseded_at) by the change set, the new ones inserted, and
    readers see the current run."""
    from hezhang_plugin.core import assessment as am
    from hezhang_plugin.core.changes import ChangeSet
    from hezhang_plugin.data.backend import open_workspace
    from hezhang_plugin.services import assessment as sa

    _server, uri, _db = pg_workspace
    ws = open_workspace(uri)
    cs = ChangeSet("fixture")
    for layer, rows in (("admin_units", fx.UNITS), ("segments", fx.SEGMENTS), ("chiefs", fx.CHIEFS),
                        ("assignments", fx.ASSIGNMENTS), ("notice_boards", fx.BOARDS), ("problems", fx.PROBLEMS),
                        ("problem_events", fx.EVENTS)):
        for row in rows:
            cs.insert(layer, row)
    ws.apply(cs)
    sa.enter_marks(ws, [{k: v for k, v in m.items() if k not in ("line", "source")} for m in fx.MANUAL], "考核员")
    sa.assess(ws, "TOWN-M", "2024-04", patrols=am.PatrolFacts(fx.COMPLIANCE, fx.MILEAGE), when="2024-05-02T10:00:00")
    first = {r["fid"]: r for r in ws.read_attributes("assessment_results")}
    sa.assess(ws, "TOWN-M", "2024-04", patrols=am.PatrolFacts([dict(r, valid=0) for r in fx.COMPLIANCE], []),
              when="2024-05-03T11:00:00")
    rows = {r["fid"]: r for r in ws.read_attributes("assessment_results")}
    assert set(first) < set(rows)
    computed = [f for f, r in first.items() if r["source"] == "computed"]
    assert computed and all(str(rows[f]["superseded_at"])[:16].replace(" ", "T") == "2024-05-03T11:00"
                            for f in computed)
    current = sa.stored_results(ws, "TOWN-M", "2024-04")
    totals = {r["subject_code"]: r["points"] for r in current if r["item_code"] == "TOTAL"}
    assert {r["subject_code"]: r["points"] for r in first.values() if r["item_code"] == "TOTAL"} == {
        fx.TOWN_A: 82.0, fx.TOWN_B: 58.0}
    assert totals == {fx.TOWN_A: 42.0, fx.TOWN_B: 40.5}
    assert sum(1 for r in current if r["source"] == "manual") == 5
