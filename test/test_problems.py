"""Problems: workflow refusals with messages, history rows for each change, the overdue day
rule, severity and deadlines from the rules table, location on the right bank, coverage
rules P1/P2, history that cannot be deleted, migration."""

from __future__ import annotations

import sqlite3

import pytest

from test import problem_fixtures as fx


def _problem(**over):
    p = {"problem_code": "411171-20240401-001", "title": "河道垃圾", "status": "reported",
         "reported_on": "2024-04-01", "deadline": "2024-04-10"}
    p.update(over)
    return p


# ---------------------------------------------------------------- workflow (pure)

def test_transition_outside_the_table_is_refused_with_a_message():
    from hezhang_plugin.core import problems as pm

    with pytest.raises(pm.TransitionError) as err:
        pm.plan_transition(_problem(), "closed", actor="张三", when="2024-04-02T09:00:00")
    assert err.value.text("zh") == ("问题不能从“已上报”转为“已销号”：办理流程中没有这一步。"
                                       "“已上报”之后可以：已受理、不予受理、已撤销。")
    assert "reported" in err.value.text("en") and "closed" in err.value.text("en")


def test_transition_rules_level_note_actor_and_time():
    from hezhang_plugin.core import problems as pm

    p = _problem(status="resolved")
    with pytest.raises(pm.TransitionError) as err:
        pm.plan_transition(p, "cancelled", actor="李四", when="2024-04-02T09:00:00", note="重复上报",
                           actor_level="town")
    assert "只有区级" in err.value.text("zh")
    t = pm.plan_transition(p, "cancelled", actor="李四", when="2024-04-02T09:00:00", note="重复上报",
                           actor_level="district")
    assert (t.from_status, t.to_status, t.event["actor"]) == ("resolved", "cancelled", "李四")
    with pytest.raises(pm.TransitionError) as err:
        pm.plan_transition(p, "returned", actor="李四", when="2024-04-02T09:00:00")
    assert "须填写办理意见" in err.value.text("zh")
    with pytest.raises(pm.TransitionError) as err:
        pm.plan_transition(p, "closed", actor=" ", when="2024-04-02T09:00:00")
    assert "办理人" in err.value.text("zh")
    history = [{"problem_code": p["problem_code"], "event_time": "2024-04-05T10:00:00.000", "to_status": "resolved"}]
    with pytest.raises(pm.TransitionError) as err:
        pm.plan_transition(p, "closed", actor="李四", when="2024-04-05T09:59:59", events=history)
    assert "早于" in err.value.text("zh")
    # A district's own table: a step added there is allowed.
    table = list(pm.DEFAULT_TRANSITIONS) + [{"from_status": "reported", "to_status": "closed", "by_level": None,
                                             "note_required": False}]
    assert pm.plan_transition(_problem(), "closed", actor="王五", when="2024-04-02T09:00:00",
                              transitions=table).to_status == "closed"


# ---------------------------------------------------------------- overdue day rule

def test_overdue_on_the_day_after_the_deadline_not_before():
    from hezhang_plugin.core import problems as pm

    p = _problem()  # deadline 2024-04-10, still reported
    assert not pm.is_overdue(p, [], "2024-04-09")
    assert not pm.is_overdue(p, [], "2024-04-10")  # the deadline day is still in time
    assert pm.is_overdue(p, [], "2024-04-11")
    assert pm.days_overdue(p, [], "2024-04-13") == 3
    code = p["problem_code"]
    history = [{"problem_code": code, "event_time": "2024-04-01T08:00:00", "from_status": None, "to_status": "reported"},
               {"problem_code": code, "event_time": "2024-04-12T17:30:00", "from_status": "reported",
                "to_status": "resolved"},
               {"problem_code": code, "event_time": "2024-04-20T09:00:00", "from_status": "resolved",
                "to_status": "returned"}]
    assert pm.is_overdue(p, history, "2024-04-11")
    assert not pm.is_overdue(p, history, "2024-04-12")  # resolved during that day
    assert not pm.is_overdue(p, history, "2024-04-19")
    assert pm.is_overdue(p, history, "2024-04-20")  # returned for rework: late again
    assert pm.status_on(p, history, "2024-03-31") is None  # not yet reported
    late = pm.late_in_period(p, history, "2024-04-01", "2024-04-30")
    assert (late.overdue_days, late.carried) == (1 + 11, False)  # 04-11, then 04-20 … 04-30


def test_severity_from_thresholds_and_deadline_by_severity():
    from hezhang_plugin.core import problems as pm

    # Flood-blocking planting (乱占): < 1,000 m² general, 1,000–5,000 m² serious, > 5,000 m² major.
    sev = [pm.suggest_severity("occupation", q, "m2") for q in (999.9, 1000, 5000, 5000.1)]
    assert sev == ["general", "serious", "serious", "major"]
    assert pm.suggest_severity("occupation", 8000, "m3") == "general"  # another unit: no suggestion
    assert pm.suggest_severity("facility", 3, "item") == "general"
    assert pm.deadline_for("2024-04-01", "serious", "occupation") == "2024-05-01"  # 30 days
    rules = [dict(pm.DEFAULT_RULES[0], serious_days=10)]
    assert pm.deadline_for("2024-04-01", "serious", "occupation", rules) == "2024-04-11"
    assert pm.next_code("411171000000", "2024-04-01", ["411171-20240401-007", "411171-20240331-009"]) == \
        "411171-20240401-008"


# ---------------------------------------------------------------- location

def test_locate_picks_the_bank_on_the_points_side():
    from pyproj import Geod
    from shapely.geometry import LineString, MultiLineString, Point

    from hezhang_plugin.core import problems as pm

    line = MultiLineString([LineString([(113.90, 33.60), (113.95, 33.60)])])  # flows east
    segs = [
        {"seg_code": "L", "river_code": "R", "bank": "left", "unit_code": "N", "geom": line,
         "valid_from": "2024-01-01", "valid_to": None},
        {"seg_code": "R", "river_code": "R", "bank": "right", "unit_code": "S", "geom": line,
         "valid_from": "2024-01-01", "valid_to": None},
        {"seg_code": "OLD", "river_code": "R", "bank": "both", "unit_code": "N", "geom": line,
         "valid_from": "2023-01-01", "valid_to": "2023-12-31"},
    ]
    north = pm.locate(Point(113.92, 33.6005), segs, day="2024-04-01")
    south = pm.locate(Point(113.92, 33.5995), segs, day="2024-04-01")
    assert (north.seg_code, north.unit_code) == ("L", "N")  # left bank faces north when flowing east
    assert (south.seg_code, south.unit_code) == ("R", "S")
    assert north.distance_m == pytest.approx(Geod(ellps="GRS80").inv(113.92, 33.6005, 113.92, 33.60)[2], rel=1e-6)
    assert pm.locate(Point(113.92, 33.61), segs, day="2024-04-01") is None  # ~1.1 km away
    assert pm.locate(Point(113.92, 33.61), segs, day="2024-04-01", max_distance_m=2000).seg_code == "L"


def test_complete_fills_responsible_unit_and_chief_on_the_report_date():
    from shapely.geometry import LineString, MultiLineString, Point

    from hezhang_plugin.core import problems as pm

    segs = [dict(fx.SEGMENTS[1], geom=MultiLineString([LineString([(113.9, 33.6), (113.95, 33.6)])]))]
    units = {u["code"]: u for u in fx.UNITS}
    before = pm.complete({"geom": Point(113.93, 33.6001), "reported_on": "2024-04-04", "category": "occupation",
                          "quantity": 1200, "quantity_unit": "m2"}, segs, fx.ASSIGNMENTS, units)
    after = pm.complete({"geom": Point(113.93, 33.6001), "reported_on": "2024-04-05", "category": "dumping"},
                        segs, fx.ASSIGNMENTS, units)
    assert before == {"seg_code": fx.S2, "river_code": "R1", "unit_code": fx.VIL_B, "chief_id": "VB",
                      "severity": "serious", "deadline": "2024-05-04"}
    assert after["chief_id"] == "VB2" and after["severity"] == "general" and after["deadline"] == "2024-04-20"


# ---------------------------------------------------------------- in a workspace

@pytest.fixture
def district(workspace_path):
    from shapely.geometry import LineString, MultiLineString

    from hezhang_plugin.data import io

    line = MultiLineString([LineString([(113.90, 33.60), (113.95, 33.60)])])
    with io.transaction(workspace_path) as ds:
        io.write_to(ds, "admin_units", fx.UNITS)
        io.write_to(ds, "segments", [dict(s, geom=line) for s in fx.SEGMENTS[:1]])
        io.write_to(ds, "chiefs", fx.CHIEFS)
        io.write_to(ds, "assignments", fx.ASSIGNMENTS)
    return workspace_path


def _add(path, **over):
    from shapely.geometry import Point

    from hezhang_plugin.services import problems as sp

    row = {"title": "河滩倾倒建筑垃圾", "category": "dumping", "quantity": 150.0, "quantity_unit": "m3",
           "source": "patrol", "reported_on": "2024-04-01", "reported_by": "村河长甲",
           "geom": Point(113.93, 33.6003)}
    row.update(over)
    return sp.add_problems(path, [row], actor="村河长甲")[0]


def test_each_change_writes_one_history_row(district):
    from hezhang_plugin.core import problems as pm
    from hezhang_plugin.data import io
    from hezhang_plugin.services import problems as sp

    p = _add(district)
    assert (p["seg_code"], p["unit_code"], p["chief_id"], p["severity"], p["deadline"]) == (
        fx.S1, fx.VIL_A, "VA", "serious", "2024-05-01")
    steps = [("accepted", "镇河长甲", ""), ("assigned", "镇河长甲", "交村里清理"), ("in_progress", "村河长甲", ""),
             ("resolved", "村河长甲", "已清运"), ("returned", "镇河长甲", "仍有残留"),
             ("in_progress", "村河长甲", ""), ("resolved", "村河长甲", "清理完毕"), ("closed", "镇河长甲", "")]
    for n, (status, actor, note) in enumerate(steps, start=2):
        sp.change_status(district, p["problem_code"], status, actor, note, when=f"2024-04-{n:02d}T10:00:00")
    events = sorted(io.read_rows(district, "problem_events"), key=lambda e: e["event_time"])
    assert [(e["from_status"], e["to_status"], e["actor"], e["note"]) for e in events] == [
        (None, "reported", "村河长甲", None)] + [
        (a, b, actor, note or None) for a, (b, actor, note) in zip(
            ["reported", "accepted", "assigned", "in_progress", "resolved", "returned", "in_progress", "resolved"],
            steps)]
    assert [e["event_time"] for e in events][1:3] == ["2024-04-02T10:00:00", "2024-04-03T10:00:00"]
    stored = io.read_rows(district, "problems")[0]
    assert (stored["status"], stored["status_at"]) == ("closed", "2024-04-09T10:00:00")
    # Refused: closed is final; nothing is written.
    with pytest.raises(pm.TransitionError) as err:
        sp.change_status(district, p["problem_code"], "in_progress", "村河长甲", when="2024-04-10T10:00:00")
    assert "“已销号”之后可以：无" in err.value.text("zh")
    assert len(io.read_rows(district, "problem_events")) == len(events)
    assert io.read_rows(district, "problems")[0]["status"] == "closed"


def test_stale_status_is_refused(district):
    from hezhang_plugin.core import problems as pm
    from hezhang_plugin.data import io
    from hezhang_plugin.services import problems as sp

    _add(district)
    seen = sp.load(district, with_context=False).problems[0]  # what this user's screen shows
    sp.change_status(district, seen["problem_code"], "accepted", "镇河长甲", when="2024-04-02T10:00:00")
    t = pm.plan_transition(seen, "not_accepted", actor="另一人", when="2024-04-02T11:00:00", note="不属实")
    stored = io.read_rows(district, "problems")[0]["status"]
    with pytest.raises(pm.TransitionError) as err:
        pm.check_unchanged(stored, t)
    assert "已被他人修改" in err.value.text("zh")


def test_history_rows_cannot_be_deleted_or_changed(district):
    from qgis.core import QgsVectorLayer

    from hezhang_plugin.data import io

    _add(district)
    con = sqlite3.connect(district)
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        con.execute("DELETE FROM problem_events")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        con.execute("UPDATE problem_events SET actor = 'x'")
    con.close()
    vl = QgsVectorLayer(f"{district}|layername=problem_events", "events", "ogr")
    assert vl.startEditing()
    assert vl.deleteFeature(next(vl.getFeatures()).id())
    assert not vl.commitChanges()
    vl.rollBack()
    assert len(io.read_rows(district, "problem_events")) == 1


def test_coverage_rules_overdue_and_closed_without_after_photo(district):
    from hezhang_plugin.services import problems as sp
    from hezhang_plugin.services.coverage import check_coverage

    late = _add(district, category="debris", quantity=10, quantity_unit="m2")  # general: 15 days → 04-16
    done = _add(district, title="护栏损坏", category="facility", quantity=None, quantity_unit=None,
                reported_on="2024-04-02")
    for n, status in enumerate(("accepted", "assigned", "in_progress", "resolved", "closed"), start=3):
        sp.change_status(district, done["problem_code"], status, "镇河长甲", when=f"2024-04-{n:02d}T10:00:00")

    def found(day):
        findings, _ = check_coverage(district, day, rules=("P1", "P2"))
        return [(f.rule, f.seg_code, f.chief_id) for f in findings], findings

    assert late["deadline"] == "2024-04-16"
    assert found("2024-04-16")[0] == [("P2", fx.S1, "VA")]
    rules, findings = found("2024-04-17")
    assert rules == [("P1", fx.S1, "VA"), ("P2", fx.S1, "VA")]
    assert findings[0].message("zh") == (f"问题{late['problem_code']}（河滩倾倒建筑垃圾）在2024-04-17已逾期1天："
                                         "整改期限2024-04-16，当前状态为已上报")


def test_migrated_workspace_gets_the_layers_and_the_default_workflow(tmp_path, qgis_app):
    from qgis.core import QgsProject

    from hezhang_plugin.core import problems as pm
    from hezhang_plugin.data import io
    from hezhang_plugin.data import workspace as ws

    path = str(tmp_path / "old.gpkg")
    ws.create_workspace(path, "411171", "旧区", version=2)
    project = QgsProject()
    info = ws.open_workspace(path, project)
    assert info.schema_version == 3
    rows = io.read_rows(path, "problem_transitions")
    assert [(r["from_status"], r["to_status"], r["by_level"], r["note_required"]) for r in rows] == [
        (t["from_status"], t["to_status"], t["by_level"], t["note_required"]) for t in pm.DEFAULT_TRANSITIONS]
    names = {lyr.source().split("layername=")[-1] for lyr in project.mapLayers().values()}
    assert {"problems", "problem_events", "assessment_results"} <= names
    assert project.relationManager().relation("problem_history").isValid()
    problems = next(lyr for lyr in project.mapLayers().values() if lyr.source().endswith("layername=problems"))
    setup = problems.editorWidgetSetup(problems.fields().indexFromName("photo_after"))
    assert setup.type() == "ExternalResource" and setup.config()["RelativeStorage"] == 1
    # The group of problems sits above the rivers, not under the imagery.
    groups = [g.name() for g in project.layerTreeRoot().children()]
    assert groups.index("问题与考核") < groups.index("遥感影像")
    project.clear()
