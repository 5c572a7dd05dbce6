"""Appointments (core.assignments) on rows: who holds on a date, assigning with replacement
of the previous chief the day before, deactivation, chief records and their refusals, the
change sets the session applies. Rows are test/core/rows.py's district."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import assignments as amod
from test.core import rows as R

S1, S2, S3 = R.code(1), R.code(2), R.code(3)


def units():
    return {u["code"]: u for u in R.units()}


def existing():
    return [R.appointment(1, S1, "OLD", "village", valid_from="2020-01-01"),
            R.appointment(2, S2, "OLD", "village", valid_from="2020-01-01", valid_to="2023-12-31"),
            R.appointment(3, S3, "NEW", "village", valid_from="2024-01-01"),
            R.appointment(4, S1, "VOL", "village", role="volunteer", valid_from="2020-01-01"),
            R.appointment(5, S1, "TOWN", "town", valid_from="2020-01-01")]


NEW = {"chief_id": "NEW", "name": "新书记", "level": "village", "role": "chief", "active": True}


def test_assigning_ends_the_other_chiefs_seat_the_day_before():
    inserts, ends = amod.plan_assignment(existing(), [S1, S2, S3, S1], NEW, "2024-03-01", duty="巡河")
    # S1: OLD's open village-chief appointment ends 2024-02-29; S2: OLD had already left;
    # S3: NEW holds it already; the volunteer and the town chief are other seats.
    assert ends == [(1, "2024-02-29")]
    assert inserts == [
        {"seg_code": S1, "chief_id": "NEW", "level": "village", "role": "chief", "duty": "巡河",
         "valid_from": "2024-03-01", "valid_to": None},
        {"seg_code": S2, "chief_id": "NEW", "level": "village", "role": "chief", "duty": "巡河",
         "valid_from": "2024-03-01", "valid_to": None}]


def test_assigning_beside_the_current_chief_and_in_other_seats():
    inserts, ends = amod.plan_assignment(existing(), [S1], NEW, "2024/3/1", replace_current=False)
    assert ends == [] and inserts[0]["valid_from"] == "2024-03-01" and inserts[0]["duty"] is None
    inserts, ends = amod.plan_assignment(existing(), [S1], NEW, "2024-03-01", level="village", role="volunteer")
    assert ends == [(4, "2024-02-29")] and inserts[0]["role"] == "volunteer"
    # one starting the same day as its successor ends the day before: it held on no day
    # (core.validity.end_date), so the seat has one answer on every date
    same = [R.appointment(9, S1, "OLD", "village", valid_from="2024-03-01")]
    assert amod.plan_assignment(same, [S1], NEW, "2024-03-01")[1] == [(9, "2024-02-29")]
    # a chief without a role is a chief; NEW appointed later than its current start is kept once
    assert amod.plan_assignment(existing(), [S3], dict(NEW, role=None), "2025-01-01") == ([], [])
    with pytest.raises(amod.AssignmentError) as exc:
        amod.plan_assignment(existing(), [S1], NEW, "March")
    assert exc.value.text("en") == "start date 'March' is not a date"


def test_assignment_change_set_and_an_inactive_chief():
    cs = amod.assignment_changes(existing(), [S1], NEW, "2024-03-01")
    assert cs.description.text("en") == "Assign 新书记 to 1 segments"
    assert [(c.operation, c.layer, c.key, dict(c.values)) for c in cs] == [
        ("end", "assignments", 1, {"valid_to": "2024-02-29"}),
        ("insert", "assignments", None, {"seg_code": S1, "chief_id": "NEW", "level": "village", "role": "chief",
                                         "duty": None, "valid_from": "2024-03-01", "valid_to": None})]
    with pytest.raises(amod.AssignmentError) as exc:
        amod.assignment_changes(existing(), [S1], dict(NEW, active=False), "2024-03-01")
    assert exc.value.text("en") == "chief NEW (新书记) is not active"
    assert exc.value.text("zh") == "河长新书记（NEW）已离任"


def test_deactivation_ends_what_is_open_on_the_day():
    apps = existing() + [R.appointment(6, S2, "OLD", "village", valid_from="2024-08-01")]
    assert amod.plan_deactivation(apps, "OLD", "2024-06-30") == [(1, "2024-06-30"), (6, "2024-08-01")]
    cs = amod.deactivation_changes({"fid": 70, "chief_id": "OLD", "name": "老书记"}, apps, "2024-06-30")
    assert cs.description.text("zh") == "停用老书记"
    assert [(c.operation, c.layer, c.key, dict(c.values)) for c in cs] == [
        ("end", "chiefs", 70, {"active": False}), ("end", "assignments", 1, {"valid_to": "2024-06-30"}),
        ("end", "assignments", 6, {"valid_to": "2024-08-01"})]
    with pytest.raises(amod.AssignmentError) as exc:
        amod.plan_deactivation(apps, "OLD", "")
    assert exc.value.text("en") == "an end date is needed to deactivate a chief"


def test_ending_appointments():
    cs = amod.end_changes([1, 3], "2024-6-30")
    assert cs.description.text("en") == "End 2 appointments on 2024-06-30"
    assert [(c.key, dict(c.values)) for c in cs] == [(1, {"valid_to": "2024-06-30"}), (3, {"valid_to": "2024-06-30"})]
    with pytest.raises(amod.AssignmentError) as exc:
        amod.end_changes([1], "soon")
    assert exc.value.text("en") == "an end date is needed"


def _chief(**over):
    base = {"name": "周书记", "level": "village", "role": "chief", "unit_code": R.V1, "phone": "13800000003"}
    base.update(over)
    return base


def test_chief_records_and_every_reason_they_are_refused():
    assert amod.validate_chief(_chief(), units()) == []
    assert amod.validate_chief(_chief(phone=None), units()) == []
    assert amod.validate_chief(_chief(name=" ", level="province", role="boss", unit_code="4111"), units()) == [
        "name is empty",
        "level 'province' is not one of district, town, village",
        "role 'boss' is not one of first_chief, general_chief, deputy_general_chief, chief, police_chief, "
        "procurator, volunteer",
        "unit code '4111' is not a 12-digit statistical division code"]
    assert amod.validate_chief(_chief(level="province"), units(), "zh")[0] == "级别“province”不是区级、镇级、村级之一"
    assert amod.validate_chief(_chief(unit_code="411171100009"), units()) == [
        "unit code 411171100009 is not an administrative unit of the workspace"]
    assert amod.validate_chief(_chief(level="town"), units()) == [
        f"a town chief must belong to a town unit; {R.V1} is a village unit"]
    assert amod.validate_chief(_chief(phone="12"), units()) == ["phone '12': a mobile number has 11 digits, this has 2"]
    # without the units, the level comes from the code's form
    assert amod.validate_chief(_chief(level="town", unit_code=R.T), None) == []


def test_adding_and_editing_a_chief():
    chiefs = {"C411171100001001": {"fid": 5, "chief_id": "C411171100001001"}}
    cs, cid = amod.chief_changes(_chief(), units(), chiefs)
    assert cid == "C411171100001002" and cs.description.text("en") == "Add chief"
    assert [dict(c.values) for c in cs] == [dict(_chief(), chief_id=cid, active=True)]
    cs, cid = amod.chief_changes({"phone": "13900000000", "name": "周书记", "level": "village", "role": "chief",
                                  "unit_code": R.V1}, units(), chiefs, "C411171100001001")
    assert cid == "C411171100001001" and [(c.operation, c.key) for c in cs] == [("update", 5)]
    with pytest.raises(amod.AssignmentError) as exc:
        amod.chief_changes(_chief(), units(), chiefs, "NOPE")
    assert exc.value.text("en") == "no chief with id NOPE"
    with pytest.raises(amod.AssignmentError) as exc:
        amod.chief_changes(_chief(name="", phone="1"), units(), chiefs)
    assert exc.value.text("en") == "name is empty; phone '1': a mobile number has 11 digits, this has 1"
    assert exc.value.text("zh") == "姓名为空；电话“1”：手机号码应为11位，此号码为1位"


def test_new_chief_ids():
    taken = {"CX001", "C411171100001001"}
    assert amod.new_chief_id(R.V1, taken) == "C411171100001002"
    assert amod.new_chief_id(R.V1, taken) == "C411171100001003" and "C411171100001003" in taken


def test_the_unit_above_at_a_level():
    u = units()
    assert amod.unit_ancestor(R.V1, "village", u) == R.V1
    assert amod.unit_ancestor(R.V1, "town", u) == R.T
    assert amod.unit_ancestor(R.V1, "district", u) == R.DISTRICT
    assert amod.unit_ancestor(R.T, "village", u) is None
    # units not in the workspace: by the statistical code's prefix
    assert amod.unit_ancestor("411171105003", "town", {}) == "411171105000"
    assert amod.unit_ancestor("411171105003", "district", {}) == "411171000000"
    assert amod.unit_ancestor("411171105003", "village", {}) == "411171105003"
    assert amod.unit_ancestor("411171105000", "village", {}) is None
    assert amod.unit_ancestor("bad", "town", {}) is None
    # a loop of parents ends
    loop = {"A": {"level": "village", "parent_code": "B"}, "B": {"level": "village", "parent_code": "A"}}
    assert amod.unit_ancestor("A", "town", loop) is None


def test_by_segment_and_responsible_on_today(monkeypatch):
    apps = existing()
    got = amod.by_segment(apps, "2024-06-01")
    assert sorted((k, sorted(a["chief_id"] for a in v)) for k, v in got.items()) == [
        (S1, ["OLD", "TOWN", "VOL"]), (S3, ["NEW"])]
    monkeypatch.setattr(amod, "today", lambda: "2021-01-01")
    assert sorted(amod.by_segment(apps)) == [S1, S2]
    assert [a["chief_id"] for a in amod.responsible_on(apps, S2)] == ["OLD"]
