"""The cutting engine's building blocks (core.segmentation.engine) on hand-made numbers:
interval arithmetic, parameter ranges on lines and discs, boundary edges shared by two units,
run merging and slivers."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import MultiPolygon, box

from hezhang_plugin.core.segmentation import engine as E


def arr(*v):
    return np.array(v, dtype=float)


def test_subtract_intervals():
    s, e = E._subtract_intervals(arr(0, 20, 40), arr(10, 30, 50), arr(5, 25, 45, 60), arr(7, 35, 46, 70))
    assert list(s) == [0, 7, 20, 40, 46] and list(e) == [5, 10, 25, 45, 50]
    # an exclusion covering a whole interval removes it; touching ends take nothing
    s, e = E._subtract_intervals(arr(0, 10), arr(10, 20), arr(10), arr(20))
    assert (list(s), list(e)) == ([0], [10])
    s, e = E._subtract_intervals(arr(0), arr(10), arr(2, 4), arr(3, 10))
    assert (list(s), list(e)) == ([0, 3], [2, 4])
    s, e = E._subtract_intervals(arr(0), arr(10), arr(0), arr(3))
    assert (list(s), list(e)) == ([3], [10])
    same = E._subtract_intervals(arr(0, 5), arr(1, 6), arr(), arr())
    assert [list(x) for x in same] == [[0, 5], [1, 6]]
    empty = E._subtract_intervals(arr(), arr(), arr(1), arr(2))
    assert [list(x) for x in empty] == [[], []]
    assert E._subtract_intervals(arr(0, 5), arr(1, 6), arr(2), arr(3))[0].dtype == float


def test_linear_range():
    # 0 <= 2 + 4 t <= 10: t in [-0.5, 2]; with a negative slope the ends swap
    lo, hi = E._linear_range(arr(2, 2, 5, 20), arr(4, -4, 0, 0), 0.0, 10.0, 1e-9)
    assert list(lo[:2]) == [-0.5, -2.0] and list(hi[:2]) == [2.0, 0.5]
    assert (lo[2], hi[2]) == (-np.inf, np.inf)  # constant inside: every t
    assert (lo[3], hi[3]) == (np.inf, -np.inf)  # constant outside: none
    lo, hi = E._linear_range(arr(10), arr(1e-12), 0.0, 10.0, 1e-9)
    assert (lo[0], hi[0]) == (-np.inf, np.inf)  # the upper edge itself is inside


def test_disc_range():
    # |(−5, 0) + t (1, 0)| <= 3: t in [2, 8]; a line passing 4 from the centre misses a disc of 3
    f = np.array([[-5.0, 0.0], [-5.0, 4.0], [0.0, 0.0]])
    d = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 0.0]])
    lo, hi = E._disc_range(f, d, np.einsum("ij,ij->i", d, d), 3.0)
    assert (lo[0], hi[0]) == pytest.approx((2.0, 8.0))
    assert (lo[1], hi[1]) == (np.inf, -np.inf)
    assert (lo[2], hi[2]) == pytest.approx((-1.5, 1.5))  # |2t| <= 3
    lo, hi = E._disc_range(np.array([[-3.0, 3.0]]), np.array([[1.0, 0.0]]), arr(1.0), 3.0)
    assert (lo[0], hi[0]) == pytest.approx((3.0, 3.0))  # tangent: one point


def test_boundary_edges_shared_once_with_both_owners():
    units = np.array([box(0, 0, 10, 10), box(10, 0, 20, 10)], dtype=object)
    q0, q1, owners = E._boundary_edges(units)
    edges = {(tuple(a), tuple(b)): tuple(o) for a, b, o in zip(q0.tolist(), q1.tolist(), owners.tolist())}
    assert len(edges) == 7  # 4 + 4 sides, the shared one once
    assert edges[((10.0, 0.0), (10.0, 10.0))] == (0, 1)
    assert edges[((0.0, 0.0), (0.0, 10.0))] == (0, -1) and edges[((20.0, 0.0), (20.0, 10.0))] == (1, -1)
    none = E._boundary_edges(np.array([], dtype=object))
    assert [x.shape for x in none] == [(0, 2), (0, 2), (0, 2)]


def test_ring_coordinates_of_multipolygons_and_holes():
    hole = shapely.Polygon([(0, 0), (10, 0), (10, 10), (0, 10)], [[(2, 2), (4, 2), (4, 4), (2, 4)]])
    units = np.array([MultiPolygon([box(20, 0, 30, 10), box(40, 0, 50, 10)]), hole], dtype=object)
    c, ring, unit = E._ring_coordinates(units)
    assert len(c) == 5 * 4 and list(unit) == [0, 0, 1, 1]
    assert list(np.bincount(ring)) == [5, 5, 5, 5]
    mixed = np.array([box(0, 0, 1, 1), shapely.GeometryCollection([box(2, 0, 3, 1)])], dtype=object)
    c, ring, unit = E._ring_coordinates(mixed)
    assert list(unit) == [0, 1] and len(c) == 10


def test_threaded_chunks_keep_their_order():
    seen = []

    def fn(lo, hi):
        seen.append((lo, hi))
        return list(range(lo, hi))

    assert E._threaded(fn, 10, 1, 4) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert E._threaded(fn, 10, 2, 3) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert E._threaded(fn, 0, 2, 3) == [[]]
    assert E._threaded(fn, 5, 2, 0) == [[0], [1], [2], [3], [4]]


def runs(*rows):
    a = np.array(rows, dtype=float)
    return a[:, 0], a[:, 1], a[:, 2].astype(int), a[:, 3].astype(int), a[:, 4].astype(int)


def as_rows(out):
    return [tuple(float(v) if i < 2 else int(v) for i, v in enumerate(r)) for r in zip(*out)]


def test_merge_runs_joins_equal_neighbours_and_absorbs_slivers():
    # same part: unit 1, unit 1 again (merged), a 20 m sliver of unit 2, then unit 3
    out = E._merge_runs(*runs((0, 100, 0, 1, 1), (100, 200, 0, 1, 1), (200, 220, 0, 2, 2), (220, 500, 0, 3, 3)), 50)
    assert as_rows(out) == [(0.0, 200.0, 0, 1, 1), (200.0, 500.0, 0, 3, 3)]  # the sliver joins the longer side
    keep = E._merge_runs(*runs((0, 100, 0, 1, 1), (100, 200, 0, 2, 2)), 50)
    assert as_rows(keep) == [(0.0, 100.0, 0, 1, 1), (100.0, 200.0, 0, 2, 2)]
    # a sliver sharing a unit with one side joins that side even when it is shorter
    out = E._merge_runs(*runs((0, 100, 0, 1, 2), (100, 110, 0, 2, 2), (110, 500, 0, 3, 3)), 50)
    assert as_rows(out) == [(0.0, 110.0, 0, 1, 2), (110.0, 500.0, 0, 3, 3)]
    # a short dip out of the district between two runs of one unit goes back to it
    out = E._merge_runs(*runs((0, 100, 0, 1, 1), (100, 110, 0, -1, -1), (110, 300, 0, 1, 1)), 50)
    assert as_rows(out) == [(0.0, 300.0, 0, 1, 1)]
    out = E._merge_runs(*runs((0, 100, 0, 1, 1), (100, 110, 0, -1, -1), (110, 300, 0, 2, 2)), 50)
    assert as_rows(out) == [(0.0, 100.0, 0, 1, 1), (100.0, 110.0, 0, -1, -1), (110.0, 300.0, 0, 2, 2)]
    # runs of other parts, and runs that do not touch, stay apart
    out = E._merge_runs(*runs((0, 100, 0, 1, 1), (100, 110, 1, 2, 2), (120, 300, 1, 1, 1)), 50)
    assert as_rows(out) == [(0.0, 100.0, 0, 1, 1), (100.0, 110.0, 1, 2, 2), (120.0, 300.0, 1, 1, 1)]
    assert [len(x) for x in E._merge_runs(arr(), arr(), arr(), arr(), arr(), 50)] == [0] * 5
