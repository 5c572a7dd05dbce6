"""Notice boards (core.boards) on rows: how many a segment needs (one, plus one per further
KM_PER_BOARD km), where new ones go (the middles of equal parts, away from the existing
ones), which boards are stale after a chief change and by how many days."""

from __future__ import annotations

import datetime as dt

import pytest
from shapely.geometry import MultiLineString, Point

from hezhang_plugin.core import boards as B

X0, Y0 = 500000.0, 3760000.0


def seg(code, length_m, km=None, valid_to=None, parts=None):
    geom = MultiLineString(parts) if parts else MultiLineString([[(X0, Y0), (X0 + length_m, Y0)]])
    return {"seg_code": code, "length_km": km if km is not None else length_m / 1000.0, "geom": geom,
            "valid_from": "2020-01-01", "valid_to": valid_to}


@pytest.mark.parametrize("km,per,need", [(None, 8, 1), (float("nan"), 8, 1), (0.5, 8, 1), (8.0, 8, 1), (8.01, 8, 2),
                                          (16.0, 8, 2), (16.5, 8, 3), (5.0, 2, 3), (4.0, 2, 2), (1.0, 0.4, 3)])
def test_boards_needed(km, per, need):
    assert B.boards_needed(km, per) == need


def test_new_boards_at_the_middles_of_equal_parts():
    plan = B.plan_boards([seg("S1", 20000.0)], [])  # 20 km: 3 boards at 1/6, 3/6, 5/6
    assert [(p.board_code, p.seg_code, round(p.x - X0, 6), p.y, round(p.fraction, 6)) for p in plan] == [
        ("S1-01", "S1", round(20000 / 6, 6), Y0, round(1 / 6, 6)),
        ("S1-02", "S1", 10000.0, Y0, 0.5),
        ("S1-03", "S1", round(5 * 20000 / 6, 6), Y0, round(5 / 6, 6))]


def test_existing_boards_count_and_new_ones_go_farthest_from_them():
    existing = [{"board_code": "S1-01", "seg_code": "S1", "geom": Point(X0 + 3000, Y0)}]
    plan = B.plan_boards([seg("S1", 20000.0)], existing)
    # two more wanted; of 1/6, 3/6, 5/6 the two farthest from the board near 1/6
    assert [(p.board_code, p.fraction) for p in plan] == [("S1-02", pytest.approx(0.5)),
                                                          ("S1-03", pytest.approx(5 / 6))]
    full = existing + [{"board_code": f"S1-0{k}", "seg_code": "S1", "geom": None} for k in (2, 3)]
    assert B.plan_boards([seg("S1", 20000.0)], full) == []
    assert B.plan_boards([seg("S1", 20000.0)], [], km_per_board=5.0)[-1].board_code == "S1-04"


def test_codes_skip_taken_ones_and_segments_without_geometry_or_code():
    taken = [{"board_code": "S2-01", "seg_code": "OTHER", "geom": Point(0, 0)}]
    plan = B.plan_boards([seg("S2", 1000.0), dict(seg("S3", 1000.0), geom=None),
                          dict(seg("", 1000.0)), dict(seg("S4", 1000.0), geom=MultiLineString())], taken)
    assert [p.board_code for p in plan] == ["S2-02"]


def test_a_segment_in_two_disjoint_parts_gets_its_board_on_the_longer():
    s = seg("S5", 0, km=1.0, parts=[[(X0, Y0), (X0 + 100, Y0)], [(X0, Y0 + 500), (X0 + 900, Y0 + 500)]])
    (p,) = B.plan_boards([s], [])
    assert (p.x, p.y) == (X0 + 450, Y0 + 500)
    joined = seg("S6", 0, km=1.0, parts=[[(X0, Y0), (X0 + 100, Y0)], [(X0 + 100, Y0), (X0 + 1000, Y0)]])
    assert B.plan_boards([joined], [])[0].x == pytest.approx(X0 + 500)


def app(seg_code, start, end=None):
    return {"seg_code": seg_code, "chief_id": "C", "valid_from": start, "valid_to": end}


def test_last_chief_change_per_segment():
    apps = [app("S1", "2024-01-01", "2024-03-31"), app("S1", "2024-04-01"), app("S2", "2023-05-01", "2024-06-10"),
            app("S3", "2024-07-01"), app("S4", None, None)]
    on = dt.date(2024, 6, 30)
    assert B.last_chief_change(apps, on) == {"S1": dt.date(2024, 4, 1), "S2": dt.date(2024, 6, 11)}
    assert B.last_chief_change(apps, dt.date(2024, 6, 11))["S2"] == dt.date(2024, 6, 11)
    assert B.last_chief_change(apps, dt.date(2024, 6, 10))["S2"] == dt.date(2023, 5, 1)


def test_stale_boards_and_days_past_the_limit():
    boards = [{"fid": 1, "board_code": "B1", "seg_code": "S1", "content_date": "2024-03-01"},  # before 04-01
              {"fid": 2, "board_code": "B2", "seg_code": "S1", "content_date": "2024-04-01"},  # up to date
              {"fid": 3, "board_code": "B3", "seg_code": "S2", "content_date": None},  # never dated
              {"fid": 4, "board_code": "B4", "seg_code": "S9", "content_date": "2020-01-01"}]  # no chiefs
    apps = [app("S1", "2024-04-01"), app("S2", "2024-06-20")]
    stale = B.stale_boards(boards, apps, dt.date(2024, 4, 20))
    assert [(s.board_code, s.changed_on, s.days_overdue, s.overdue) for s in stale] == [
        ("B1", dt.date(2024, 4, 1), 19 - 15, True)]
    stale = B.stale_boards(boards, apps, dt.date(2024, 6, 30))
    assert [(s.board_code, s.content_date, s.days_overdue) for s in stale] == [
        ("B1", dt.date(2024, 3, 1), 90 - 15), ("B3", None, 10 - 15)]
    assert not stale[1].overdue
    assert B.stale_boards(boards, apps, dt.date(2024, 6, 30), update_days=30)[0].days_overdue == 60
    refreshed = B.refreshed_content_dates(boards, apps, dt.date(2024, 6, 30))
    assert refreshed == [{"fid": 1, "content_date": "2024-06-30"}, {"fid": 3, "content_date": "2024-06-30"}]


def test_board_changes_in_one_change_set():
    segs = [seg("S1", 20000.0), seg("S2", 1000.0, valid_to="2024-01-31")]  # S2 retired: no board
    boards = [{"fid": 7, "board_code": "S1-01", "seg_code": "S1", "geom": Point(X0 + 3000, Y0),
               "content_date": "2024-03-01"}]
    apps = [app("S1", "2024-04-01")]
    cs, plan, stale = B.board_changes(segs, boards, apps, dt.date(2024, 6, 30), hotline="12345", refresh=True)
    assert [p.board_code for p in plan] == ["S1-02", "S1-03"]
    # the new boards show no chiefs yet: stale too, and given today's content date
    assert [s.board_code for s in stale] == ["S1-01", "S1-02", "S1-03"]
    changes = list(cs)
    inserts = [c for c in changes if c.operation == "insert"]
    updates = [c for c in changes if c.operation == "update"]
    assert [(c.layer, c.values["board_code"], c.values["hotline"], c.values["content_date"]) for c in inserts] == [
        ("notice_boards", "S1-02", "12345", "2024-06-30"), ("notice_boards", "S1-03", "12345", "2024-06-30")]
    assert [(c.layer, c.key, dict(c.values)) for c in updates] == [("notice_boards", 7, {"content_date": "2024-06-30"})]
    assert inserts[0].geometry.equals(Point(X0 + 10000, Y0))
    cs2, plan2, _ = B.board_changes(segs, boards, apps, "2024-06-30")
    assert [c.values["content_date"] for c in cs2] == [None, None] and [c.values["hotline"] for c in cs2] == [None,
                                                                                                              None]
    assert B.is_current(segs[1], dt.date(2024, 1, 31)) and not B.is_current(segs[1], dt.date(2024, 2, 1))
