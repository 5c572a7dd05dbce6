"""Flow direction (core.segmentation.flow) on hand-made lines in metres: parts chained end to
end, chains turned to the way most of their length was digitised, tributaries ending on their
parent, and the length of a tributary's mouth that runs within the tolerance of its parent."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, MultiLineString

from hezhang_plugin.core.segmentation import flow

PARENT = LineString([(-500, 0), (500, 0)])  # a river along y = 0


def ends(*parts):
    return np.array([[p[0], p[-1]] for p in parts], dtype=float)


def lengths(*parts):
    return np.array([LineString(p).length for p in parts])


def test_confluence_length_of_a_tributary_meeting_its_parent_square_on():
    # comes down x = 0 from y = 100 to the parent: within 5 m of it for its last 5 m
    assert flow._confluence_length(LineString([(0, 100), (0, 10), (0, 0)]), PARENT, 5.0) == pytest.approx(5.0)
    assert flow._confluence_length(LineString([(0, 100), (0, 0)]), PARENT, 5.0) == pytest.approx(5.0)


def test_confluence_length_of_a_tributary_running_along_its_parent():
    # 100 m at 3 m from the parent, then it leaves: (100, 3) → (200, 50) crosses 5 m at t = 2/47
    line = LineString([(200, 50), (100, 3), (0, 3)])
    edge = math.hypot(100, 47)
    assert flow._confluence_length(line, PARENT, 5.0) == pytest.approx(100 + 2 / 47 * edge, rel=1e-9)
    assert flow._confluence_length(LineString([(300, 3), (0, 3)]), PARENT, 5.0) == pytest.approx(300.0)  # all along
    assert flow._confluence_length(LineString([(0, 0), (0, 100)]), PARENT, 5.0) == 0.0  # its end is far


def test_part_chains_follow_the_ends_and_most_of_the_length():
    a, b, c = [(0, 0), (10, 0)], [(20, 0), (10, 0)], [(20, 0), (30, 0)]  # b digitised backwards
    assert flow._part_chains(ends(a, b, c), lengths(a, b, c), 0.5) == [[(0, False), (1, True), (2, False)]]
    # most of the length against the first part's direction: the chain turns round
    long_b = [(60, 0), (10, 0)]
    c2 = [(60, 0), (70, 0)]
    got = flow._part_chains(ends(a, long_b, c2), lengths(a, long_b, c2), 0.5)
    assert got == [[(2, True), (1, False), (0, True)]]
    # ends farther apart than the snap are separate chains, each its own way
    apart = [(10.6, 0), (20, 0)]
    assert flow._part_chains(ends(a, apart), lengths(a, apart), 0.5) == [[(0, False)], [(1, False)]]


def test_part_chains_stop_at_a_branch_and_close_a_ring():
    a, b, c = [(0, 0), (10, 0)], [(10, 0), (20, 0)], [(10, 0), (10, 10)]  # three ends at (10, 0)
    assert flow._part_chains(ends(a, b, c), lengths(a, b, c), 0.5) == [[(0, False)], [(1, False)], [(2, False)]]
    r1, r2 = [(0, 0), (10, 0)], [(10, 0), (0, 0)]
    ring = flow._part_chains(ends(r1, r2), lengths(r1, r2), 0.5)
    assert sorted(k for c in ring for k, _ in c) == [0, 1] and len(ring) == 1
    tie_first_backwards = flow._part_chains(ends([(10, 0), (0, 0)]), lengths([(10, 0), (0, 0)]), 0.5)
    assert tie_first_backwards == [[(0, False)]]


def test_chain_points():
    parts = shapely.get_parts(MultiLineString([[(0, 0), (10, 0)], [(20, 0), (10, 0)]]))
    chain = [(0, False), (1, True)]
    assert list(flow._chain_point(parts, chain, 0)) == [0.0, 0.0]
    assert list(flow._chain_point(parts, chain, -1)) == [20.0, 0.0]
    back = [(1, False), (0, True)]
    assert list(flow._chain_point(parts, back, 0)) == [20.0, 0.0]
    assert list(flow._chain_point(parts, back, -1)) == [0.0, 0.0]


def _orient(rows, geoms, tol=5.0):
    return flow.orient_rivers(rows, geoms, geoms, tol)


def test_a_multi_part_river_is_chained_and_reported():
    river = MultiLineString([[(0, 0), (10, 0)], [(20, 0), (10, 0)], [(20, 0), (30, 0)]])
    geoms, _, notes, mouths = _orient([{"river_code": "R", "name": "沙河"}], [river])
    assert [list(p.coords) for p in geoms[0].geoms] == [[(0, 0), (10, 0)], [(10, 0), (20, 0)], [(20, 0), (30, 0)]]
    assert [str(n) for n in notes] == [
        "沙河 (R): part(s) 2 were digitised against the flow of the rest and were reversed."]
    assert mouths == {}
    same, _, notes, _ = _orient([{"river_code": "R", "name": "沙河"}],
                                [MultiLineString([[(0, 0), (10, 0)], [(10, 0), (20, 0)]])])
    assert notes == [] and [list(p.coords) for p in same[0].geoms] == [[(0, 0), (10, 0)], [(10, 0), (20, 0)]]


def test_a_tributary_digitised_from_its_mouth_is_reversed():
    rows = [{"river_code": "P", "name": "大河"}, {"river_code": "T", "name": "小河", "parent_river_code": "P"}]
    trib = LineString([(0, 0), (0, 100)])  # starts on the parent
    geoms, _, notes, mouths = _orient(rows, [PARENT, trib])
    assert list(shapely.get_coordinates(geoms[1])[[0, -1]].tolist()) == [[0.0, 100.0], [0.0, 0.0]]
    assert [str(n) for n in notes] == ["小河 (T) was digitised from mouth to source (its start meets its parent river "
                                       "P); it was reversed."]
    assert list(mouths) == [1] and list(mouths[1][0]) == [0.0, 0.0] and mouths[1][1] == pytest.approx(5.0)
    right_way = LineString([(0, 100), (0, 0)])
    geoms, _, notes, mouths = _orient(rows, [PARENT, right_way])
    assert notes == [] and list(geoms[1].coords) == [(0, 100), (0, 0)] and mouths[1][1] == pytest.approx(5.0)


def test_tributaries_whose_parent_cannot_be_checked():
    rows = [{"river_code": "P", "name": "大河"},
            {"river_code": "T", "name": "小河", "parent_river_code": "X"},
            {"river_code": "S", "name": "自河", "parent_river_code": "S"},
            {"river_code": "F", "name": "远河", "parent_river_code": "P"}]
    far = LineString([(0, 100), (0, 50.25)])
    geoms, _, notes, mouths = _orient(rows, [PARENT, LineString([(0, 100), (0, 0)]), LineString([(5, 5), (6, 6)]),
                                             far])
    assert [str(n) for n in notes] == [
        "小河 (T): its parent river X is not among the rivers, so its flow direction could not be checked; "
        "it is taken as digitised.",
        "自河 (S): its parent river S is not among the rivers, so its flow direction could not be checked; "
        "it is taken as digitised.",
        "远河 (F): neither end meets its parent river P (nearest 50.2 m), so its flow direction could not be "
        "checked; it is taken as digitised."]
    assert mouths == {}
    assert _orient([], []) [3] == {}
