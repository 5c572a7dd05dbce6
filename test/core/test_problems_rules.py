"""Problems (core.problems) on rows beyond test/test_problems.py: what completing a problem
keeps and fills, the chief who answers, the bank side, lateness in a period, severity edge
cases, history rows and change sets, water-change clues. Dates and distances written out."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, box

from hezhang_plugin.core import problems as pm
from test import problem_fixtures as fx

LINE = MultiLineString([LineString([(113.90, 33.60), (113.95, 33.60)])])  # flows east
UNITS = {u["code"]: u for u in fx.UNITS}


def _segs():
    return [dict(fx.SEGMENTS[1], geom=LINE)]


def _problem(**over):
    p = {"problem_code": "411171-20240401-001", "title": "河道垃圾", "status": "reported",
         "reported_on": "2024-04-01", "deadline": "2024-04-10"}
    p.update(over)
    return p


def test_complete_keeps_what_the_user_set():
    given = {"geom": Point(113.93, 33.6001), "reported_on": "2024-04-04", "category": "occupation", "quantity": 1200,
             "quantity_unit": "m2", "river_code": "RX", "unit_code": "UX", "chief_id": "CX", "severity": "major",
             "deadline": "2024-12-31"}
    assert pm.complete(given, _segs(), fx.ASSIGNMENTS, UNITS) == {"seg_code": fx.S2}
    # a user-given severity sets the deadline: major = 60 days
    out = pm.complete(dict(given, deadline=None), _segs(), fx.ASSIGNMENTS, UNITS)
    assert out == {"seg_code": fx.S2, "deadline": "2024-06-03"}
    # a user-given segment is not searched for; its river, unit and chief are filled
    out = pm.complete({"seg_code": fx.S2, "reported_on": "2024-04-04", "category": "other"}, [], fx.ASSIGNMENTS,
                      UNITS)
    assert out == {"severity": "general", "deadline": "2024-04-19"}
    out = pm.complete({"seg_code": fx.S2, "reported_on": "2024-04-04", "category": "other", "geom": Point(0, 0)},
                      _segs(), fx.ASSIGNMENTS, UNITS)
    assert out == {"river_code": "R1", "unit_code": fx.VIL_B, "chief_id": "VB", "severity": "general",
                   "deadline": "2024-04-19"}


def test_complete_far_from_every_segment_and_with_inactive_chiefs():
    far = pm.complete({"geom": Point(114.5, 34.0), "reported_on": "2024-04-04", "category": "dumping",
                       "quantity": 150, "quantity_unit": "m3"}, _segs(), fx.ASSIGNMENTS, UNITS)
    assert far == {"severity": "serious", "deadline": "2024-05-04"}
    near = {"geom": Point(113.93, 33.6001), "reported_on": "2024-04-04", "category": "other"}
    # VB is left out as inactive: the next chief of the village level (VB2 from 04-05) is not
    # current yet, so the town's TB answers
    out = pm.complete(near, _segs(), fx.ASSIGNMENTS, UNITS, active={"TB", "D"})
    assert out["chief_id"] == "TB"
    assert "chief_id" not in pm.complete(near, _segs(), fx.ASSIGNMENTS, UNITS, active=set())
    wide = pm.complete(dict(near, geom=Point(113.93, 33.61)), _segs(), fx.ASSIGNMENTS, UNITS, max_distance_m=2000)
    assert wide["seg_code"] == fx.S2


def test_responsible_chief_by_level_role_and_start():
    apps = [{"seg_code": "S", "chief_id": "T1", "level": "town", "role": "chief", "valid_from": "2024-01-01"},
            {"seg_code": "S", "chief_id": "D1", "level": "district", "role": "general_chief",
             "valid_from": "2024-01-01"},
            {"seg_code": "S", "chief_id": "D2", "level": "district", "role": "first_chief", "valid_from": "2024-02-01"},
            {"seg_code": "S", "chief_id": "V9", "level": "village", "role": "volunteer", "valid_from": "2024-01-01"}]
    assert pm.responsible_chief("S", "village", apps, "2024-03-01") == "T1"  # the volunteer does not answer
    assert pm.responsible_chief("S", "district", apps, "2024-03-01") == "D2"  # first chief before general chief
    assert pm.responsible_chief("S", "district", apps, "2024-01-15") == "D1"
    assert pm.responsible_chief("S", "town", apps, "2024-03-01", active={"D1"}) == "D1"
    assert pm.responsible_chief("S", None, apps, "2024-03-01") == "T1"  # unknown level: from the village up
    assert pm.responsible_chief(None, "village", apps, "2024-03-01") is None
    assert pm.responsible_chief("S", "village", apps, "2023-01-01") is None
    tie = [dict(apps[0], chief_id="T2", valid_from="2023-06-01"), apps[0]]
    assert pm.responsible_chief("S", "town", tie, "2024-03-01") == "T2"  # the longest serving first


def test_the_side_of_a_point():
    assert pm._side(LINE, Point(113.92, 33.6001)) == "left"
    assert pm._side(LINE, Point(113.92, 33.5999)) == "right"
    assert pm._side(LINE, Point(113.92, 33.60)) is None  # on the line
    backwards = LineString([(113.95, 33.60), (113.90, 33.60)])  # flows west: north is right
    assert pm._side(backwards, Point(113.92, 33.6001)) == "right"
    two = MultiLineString([[(0, 0), (10, 0)], [(0, 100), (0, 110)]])
    assert pm._side(two, Point(1, 105)) == "right"  # the nearer part flows north: east is right
    assert pm._side(two, Point(5, 1)) == "left"


def test_locate_in_metres_and_among_rivers():
    gk = "EPSG:4547"
    x0, y0 = 500000.0, 3760000.0
    segs = [{"seg_code": "A", "river_code": "R1", "bank": "both", "unit_code": "U1",
             "geom": LineString([(x0, y0), (x0 + 1000, y0)])},
            {"seg_code": "B", "river_code": "R2", "bank": "both", "unit_code": "U2",
             "geom": LineString([(x0, y0 + 300), (x0 + 1000, y0 + 300)])},
            {"seg_code": "C", "river_code": "R3", "bank": "both", "unit_code": "U3", "geom": None}]
    loc = pm.locate(Point(x0 + 500, y0 + 100), segs, gk)
    assert (loc.seg_code, loc.river_code, loc.unit_code, loc.bank) == ("A", "R1", "U1", "both")
    assert loc.distance_m == pytest.approx(100.0, rel=1e-3)  # metres on the ground, not map units
    assert pm.locate(Point(x0 + 500, y0 + 250), segs, gk).seg_code == "B"
    assert pm.locate(Point(x0 + 500, y0 + 900), segs, gk) is None  # 600 m from B
    assert pm.locate(None, segs, gk) is None and pm.locate(Point(), segs, gk) is None
    assert pm.locate(Point(x0, y0), [segs[2]], gk) is None
    assert pm._metres_between(Point(x0, y0), Point(x0 + 300, y0 + 400), gk) == pytest.approx(500.0, rel=1e-3)
    geod = Geod(ellps="GRS80")
    assert pm._metres_between(Point(113.9, 33.6), Point(113.91, 33.61), "EPSG:4490") == pytest.approx(
        geod.inv(113.9, 33.6, 113.91, 33.61)[2], rel=1e-12)


def test_next_steps_by_level():
    assert pm.next_steps("reported", pm.DEFAULT_TRANSITIONS) == ["accepted", "not_accepted", "cancelled"]
    assert pm.next_steps("reported", pm.DEFAULT_TRANSITIONS, "town") == ["accepted", "not_accepted"]
    assert pm.next_steps("reported", pm.DEFAULT_TRANSITIONS, "district") == ["accepted", "not_accepted", "cancelled"]
    assert pm.next_steps("closed", pm.DEFAULT_TRANSITIONS) == []
    doubled = list(pm.DEFAULT_TRANSITIONS[:1]) * 2
    assert pm.next_steps("reported", doubled) == ["accepted"]


def test_event_times_histories_and_change_sets():
    class QDateTimeLike:
        def toPyDateTime(self):
            import datetime as dt

            return dt.datetime(2024, 4, 2, 9, 30, 15, 500000)

    assert pm.event_time({"event_time": QDateTimeLike()}) == "2024-04-02T09:30:15"
    assert pm.event_time({"event_time": "2024/04/02 09:30:15.123"}) == "2024-04-02T09:30:15"
    assert pm.event_time({}) == "" and pm.event_date({"event_time": "2024-04-02T23:59:59"}) == "2024-04-02"
    p = _problem(reported_by="巡河员", status=None)
    assert pm.report_event(p, " 张三 ") == {"problem_code": p["problem_code"], "event_time": "2024-04-01T00:00:00",
                                           "actor": "张三", "actor_level": None, "from_status": None,
                                           "to_status": "reported", "note": None}
    assert pm.report_event(p, "", "2024-04-01T08:00:00")["actor"] == "巡河员"
    assert pm.report_event({"problem_code": "X"}, None)["actor"] == "—"
    t = pm.plan_transition(_problem(), "accepted", actor=" 李四 ", when="2024-04-02 09:00:00", actor_level="town",
                           note=" 属实 ")
    assert t.update == {"status": "accepted", "status_at": "2024-04-02T09:00:00"}
    assert t.event == {"problem_code": "411171-20240401-001", "event_time": "2024-04-02T09:00:00", "actor": "李四",
                       "actor_level": "town", "from_status": "reported", "to_status": "accepted", "note": "属实"}
    cs = pm.transition_changes(t)
    assert cs.description.text("en") == "Problem 411171-20240401-001: reported → accepted"
    assert [(c.operation, c.layer, c.key) for c in cs] == [
        ("update", "problems", {"problem_code": "411171-20240401-001"}), ("insert", "problem_events", None)]
    pm.check_unchanged("reported", t)
    pm.check_unchanged(None, t)
    with pytest.raises(pm.TransitionError) as exc:
        pm.check_unchanged("accepted", t)
    assert exc.value.text("en").startswith("Problem 411171-20240401-001 is now accepted, not reported")
    with pytest.raises(pm.TransitionError) as exc:
        pm.plan_transition(_problem(), "fixed", actor="李四", when="2024-04-02T09:00:00")
    assert exc.value.text("en") == "'fixed' is not a problem status."
    with pytest.raises(pm.TransitionError) as exc:
        pm.plan_transition(_problem(status="closed"), "accepted", actor="李四", when="2024-04-02T09:00:00")
    assert exc.value.text("en") == ("A problem cannot go from closed to accepted: the workflow has no such step. "
                                    "Next steps from closed: none.")
    assert exc.value.text("zh") == "问题不能从“已销号”转为“已受理”：办理流程中没有这一步。“已销号”之后可以：无。"


@pytest.mark.parametrize("value,truth", [(True, True), (1, True), ("1", True), ("true", True), ("True", True),
                                         (False, False), (0, False), ("0", False), (None, False), ("yes", False)])
def test_note_required_values(value, truth):
    assert pm._truthy(value) is truth


def test_status_over_time_and_a_problem_without_history():
    p = _problem(status="in_progress")
    assert pm.status_on(p, [], "2024-04-05") == "in_progress"
    assert pm.status_on(dict(p, status=None), [], "2024-04-05") == "reported"
    code = p["problem_code"]
    other = {"problem_code": "OTHER", "event_time": "2024-04-02T00:00:00", "from_status": "reported",
             "to_status": "closed"}
    late = [{"problem_code": code, "event_time": "2024-04-03T08:00:00", "from_status": "accepted",
             "to_status": "assigned"}]
    assert pm.status_on(p, late + [other], "2024-04-02") == "accepted"  # before its first event: its from status
    assert pm.status_on(p, late, "2024-04-03") == "assigned"
    assert pm.days_overdue(p, late, "2024-04-10") == 0 and pm.days_overdue(p, late, "2024-04-15") == 5
    assert not pm.is_overdue(dict(p, deadline=None), late, "2025-01-01")


def test_lateness_in_a_period():
    code = _problem()["problem_code"]
    settled = [{"problem_code": code, "event_time": "2024-04-15T10:00:00", "from_status": "in_progress",
                "to_status": "resolved"}]
    late = pm.late_in_period(_problem(), settled, "2024-04-01", "2024-04-30")
    assert late == pm.LateInPeriod(code, 4, "2024-04-15", False)  # overdue 04-11 … 04-14, resolved late
    may = pm.late_in_period(_problem(), [], "2024-05-01", "2024-05-31")
    assert may == pm.LateInPeriod(code, 31, None, True)  # overdue all May, carried from April
    assert pm.late_in_period(_problem(), settled, "2024-05-01", "2024-05-31") is None
    assert pm.late_in_period(_problem(deadline="2024-04-30"), [], "2024-04-01", "2024-04-30") is None
    assert pm.late_in_period(_problem(deadline=None), [], "2024-04-01", "2024-04-30") is None
    on_time = [{"problem_code": code, "event_time": "2024-04-08T10:00:00", "from_status": "in_progress",
                "to_status": "resolved"}]
    assert pm.late_in_period(_problem(), on_time, "2024-04-01", "2024-04-30") is None
    # settling again after a return counts; a settled → settled step does not
    again = settled + [{"problem_code": code, "event_time": "2024-04-20T10:00:00", "from_status": "resolved",
                        "to_status": "closed"}]
    assert pm.late_in_period(_problem(), again, "2024-04-16", "2024-04-30") is None


@pytest.mark.parametrize("quantity,unit,severity", [
    (None, "m2", "general"), ("", "m2", "general"), ("abc", "m2", "general"), (float("nan"), "m2", "general"),
    (float("inf"), "m2", "general"), ("1200", "m2", "serious"), (1200, None, "serious"), (6000, "", "major"),
])
def test_severity_edge_cases(quantity, unit, severity):
    assert pm.suggest_severity("occupation", quantity, unit) == severity


def test_severity_and_deadlines_without_rules():
    assert pm.suggest_severity("unknown", 10**9, "m2") == "general"
    assert pm.suggest_severity("pollution", 10**9, "item") == "general"  # no thresholds
    only_major = [{"category": "x", "quantity_unit": None, "serious_from": None, "major_above": 10}]
    assert [pm.suggest_severity("x", q, "t", only_major) for q in (5, 10, 11)] == ["general", "general", "major"]
    assert pm.deadline_for("2024-04-01", "major", "unknown") == "2024-05-31"  # fallback 60 days
    assert pm.deadline_for("2024-04-01T10:00", None, "occupation") == "2024-04-16"  # general 15 days
    assert pm.deadline_for("2024-04-01", "weird", "occupation") == "2024-04-16"
    empty_days = [{"category": "occupation", "serious_days": ""}]
    assert pm.deadline_for("2024-04-01", "serious", "occupation", empty_days) == "2024-05-01"  # fallback 30
    assert pm.next_code("", "2024-04-01", []) == "-20240401-001"
    assert pm.next_code("411171", "2024-04-01", [None, "411171-20240401-0x1", "411171-20240401-002"]) == \
        "411171-20240401-003"


def test_clues_from_water_change():
    lost = {"fid": 7, "change": "water_lost", "area_m2": 40123.4, "date_before": "2023-06-01",
            "date_after": "2024-06-01", "seg_code": "S1", "geom": box(0, 0, 2, 2)}
    gained = {"change": "water_gained", "area_m2": 900.0, "date_after": "2024-06-01T00:00:00", "seg_code": "",
              "geom": box(5, 5, 6, 6)}
    small = dict(gained, area_m2=10.0)
    nogeom = dict(lost, geom=None)
    out = pm.clues_from_water_change([lost, gained, small, nogeom], min_area_m2=100.0)
    assert [{k: v for k, v in c.items() if k != "geom"} for c in out] == [
        {"title": "遥感监测发现水面减少约40123平方米，疑似围垦或填占水域", "category": "occupation", "quantity": 40123.4,
         "quantity_unit": "m2", "source": "waterchange",
         "source_ref": "waterchange:water_lost:2023-06-01/2024-06-01#7", "reported_on": "2024-06-01",
         "seg_code": "S1"},
        {"title": "遥感监测发现水面增加约900平方米，疑似采砂或取土形成坑塘", "category": "sand_mining", "quantity": 900.0,
         "quantity_unit": "m2", "source": "waterchange", "source_ref": "waterchange:water_gained:/2024-06-01T00:00:00#2",
         "reported_on": "2024-06-01", "seg_code": None}]
    assert out[0]["geom"].within(box(0, 0, 2, 2)) and out[1]["geom"].within(box(5, 5, 6, 6))
    assert pm.clues_from_water_change([dict(lost, area_m2=None)])[0]["quantity"] == 0.0
    assert pm.clues_from_water_change([dict(lost, date_after=None)])[0]["reported_on"] is None
