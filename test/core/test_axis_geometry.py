"""The measure axis and geometry helpers of the segmentation (core.segmentation.axis, .geometry,
.table's WKB) on lines whose lengths and positions are written by hand, and ellipsoidal edge
lengths against pyproj.Geod."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString, Point, Polygon, box

from hezhang_plugin.core.segmentation import axis as A
from hezhang_plugin.core.segmentation import geometry as G
from hezhang_plugin.core.segmentation import table as TB

GEOD = Geod(ellps="GRS80")


def rivers():
    return np.array([LineString([(0, 0), (300, 0), (300, 400)]),  # 700 m
                     MultiLineString([[(0, 10), (100, 10)], [(0, 20), (0, 70)]])],
                    dtype=object)


def test_the_axis_lays_parts_end_to_end_with_gaps():
    ax = A._build_axis(rivers(), rivers())
    # parts: river 0 (700 m); river 1's two parts (100 m, 50 m)
    assert list(ax.river_of_part) == [0, 1, 1]
    assert list(ax.length) == [700.0, 100.0, 50.0]
    assert list(ax.offset) == [0.0, 1700.0, 2800.0]  # each part 1000 m after the previous end
    assert list(ax.gcum) == [0.0, 300.0, 700.0, 1700.0, 1800.0, 2800.0, 2850.0]
    assert list(ax.part_of_vertex) == [0, 0, 0, 1, 1, 2, 2]
    same = A._build_axis(rivers(), to_metric=lambda c: c * 2.0)
    assert list(same.length) == [1400.0, 200.0, 100.0] and same.coords_o.tolist() == ax.coords_o.tolist()


def test_points_and_left_normals_at_axis_positions():
    ax = A._build_axis(rivers(), rivers())
    pts, normals = A._points_at(ax, np.array([150.0, 500.0, 1750.0]))
    assert pts.tolist() == [[150.0, 0.0], [300.0, 200.0], [50.0, 10.0]]
    assert normals.tolist() == [[-0.0, 1.0], [-1.0, 0.0], [-0.0, 1.0]]  # left of east is north, of north is west


def test_substrings_on_the_axis_follow_the_vertices():
    ax = A._build_axis(rivers(), rivers())
    coords, counts = A.substring_coords(ax.coords_o, ax.gcum, np.array([100.0, 1710.0]), np.array([500.0, 1790.0]))
    assert counts.tolist() == [3, 2]
    assert coords.tolist() == [[100.0, 0.0], [300.0, 0.0], [300.0, 200.0], [10.0, 10.0], [90.0, 10.0]]
    lines = A.substrings_on_axis(ax.coords_o, ax.gcum, ax.part_of_vertex, np.array([0.0]), np.array([700.0]))
    assert list(lines[0].coords) == [(0.0, 0.0), (300.0, 0.0), (300.0, 400.0)]
    empty = A.substring_coords(ax.coords_o, ax.gcum, np.array([]), np.array([]))
    assert empty[0].shape == (0, 2) and len(empty[1]) == 0
    v, j = A._interp_on_axis(np.array([0.0, 10.0, 30.0]), np.array([0.0, 100.0, 300.0]), np.array([50.0, 200.0]),
                             "right")
    assert v.tolist() == [5.0, 20.0] and j.tolist() == [1, 2]


def test_edge_lengths_short_and_long_against_geod():
    lon = np.array([113.9, 113.91, 113.91, 114.5, 114.5])
    lat = np.array([34.0, 34.0, 34.012, 34.3, 34.3])
    got = A.edge_lengths_m(lon, lat)
    want = [GEOD.inv(lon[i], lat[i], lon[i + 1], lat[i + 1])[2] for i in range(4)]
    assert got[:2] == pytest.approx(want[:2], rel=1e-8)  # short edges: radii of curvature
    assert got[2] == pytest.approx(want[2], rel=1e-12)  # long: the geodesic itself
    assert got[3] == 0.0 and len(A.edge_lengths_m(lon[:1], lat[:1])) == 0


def test_geodesic_measure_restarts_per_part_and_reads_projected_rivers():
    geo = np.array([MultiLineString([[(113.9, 34.0), (113.91, 34.0)], [(114.0, 34.0), (114.0, 34.01)]])],
                   dtype=object)
    ax = A._build_axis(geo, geo)
    m = A._geodesic_measure(ax, "EPSG:4490")
    a = GEOD.inv(113.9, 34.0, 113.91, 34.0)[2]
    b = GEOD.inv(114.0, 34.0, 114.0, 34.01)[2]
    assert m.tolist() == pytest.approx([0.0, a, a, a + b], rel=1e-8)
    gk = G.transform_geoms(geo, "EPSG:4490", "EPSG:4547")
    m2 = A._geodesic_measure(A._build_axis(gk, gk), "EPSG:4547")
    assert m2.tolist() == pytest.approx(m.tolist(), rel=1e-6)
    assert len(A._geodesic_measure(A._build_axis(np.array([], dtype=object), np.array([], dtype=object)),
                                   "EPSG:4490")) == 0


def test_multilinestring_wkb_as_shapely_reads_it():
    coords = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [5.0, 5.0], [6.0, 6.5]])
    wkbs = TB.multilinestring_wkb(coords, np.array([3, 2]))
    got = [shapely.from_wkb(w) for w in wkbs]
    assert got[0].equals_exact(MultiLineString([[(0, 0), (1, 0), (1, 1)]]), 0)
    assert got[1].equals_exact(MultiLineString([[(5, 5), (6, 6.5)]]), 0)
    assert TB.multilinestring_wkb(np.zeros((0, 2)), np.array([], dtype=int)) == []


def test_metric_crs_for_data_and_transforms():
    assert G.metric_crs_for(114.2, 34.0) == "EPSG:4547" and G.metric_crs_for(111.0, 30.0) == "EPSG:4546"
    pts = np.array([Point(113.9, 34.0), Point(114.6, 34.2)], dtype=object)
    assert G.choose_metric_crs(pts, "EPSG:4490") == "EPSG:4547"
    assert G.choose_metric_crs(pts, "epsg:4546") == "EPSG:4546"  # a GK zone already: kept
    assert G.choose_metric_crs(np.array([], dtype=object), "EPSG:4490") == "EPSG:4545"
    assert G.choose_metric_crs(np.array([None, Point()], dtype=object), "EPSG:4490") == "EPSG:4545"
    merc = G.transform_geoms(pts, "EPSG:4490", "EPSG:3857")
    assert G.choose_metric_crs(merc, "EPSG:3857") == "EPSG:4547"  # the centre brought to degrees first
    xy = np.array([[114.0, 34.0]])
    out = G.transform_xy(xy, "EPSG:4490", "EPSG:4547")
    assert out[0, 0] == pytest.approx(500000.0, abs=1e-6)  # on the zone's central meridian
    assert out[0, 1] == pytest.approx(GEOD.inv(114.0, 0.0, 114.0, 34.0)[2], abs=0.01)  # the meridian arc
    same = G.transform_xy(xy, "EPSG:4490", "EPSG:4490")
    assert same.tolist() == xy.tolist() and same is not xy
    assert G.transform_geoms(pts, "EPSG:4490", "EPSG:4490") is not None
    assert G._is_gk3("EPSG:4547") and not G._is_gk3("") and not G._is_gk3("EPSG:4490")


def test_clean_geometries_reports_every_feature():
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])  # self-intersecting: repaired into two triangles
    flat = Polygon([(0, 0), (1, 1), (2, 2)])  # no area at all
    rows = [{"fid": 1, "code": "411171100001", "name": "甲村", "geom": box(0, 0, 1, 1)},
            {"fid": 2, "code": "411171100002", "name": "乙村", "geom": None},
            {"fid": 3, "name": "丙村", "geom": Polygon()},
            {"fid": 4, "code": "411171100004", "geom": bowtie},
            {"code": "411171100005", "name": "戊村", "geom": flat},
            {"fid": 6, "name": "线", "geom": LineString([(0, 0), (1, 1)])}]
    geoms, keep, repaired, invalid = G.clean_geometries(rows, "unit", 2)
    assert keep.tolist() == [True, False, False, True, False, False]
    assert geoms[3].geom_type == "MultiPolygon" and geoms[3].area == pytest.approx(2.0)
    assert repaired == ["unit feature 4 411171100004: repaired invalid geometry (Self-intersection[1 1])"]
    assert invalid[:2] == ["unit feature 2 411171100002 乙村: no geometry (null)", "unit feature 3 丙村: empty geometry"]
    assert invalid[2].startswith("unit 411171100005 戊村: invalid geometry (") and invalid[2].endswith(
        ") has no area after repair")
    assert invalid[3] == "unit feature 6 线: geometry is a LineString, expected polygons"
    lines, keep, _, invalid = G.clean_geometries([{"river_code": "R1", "geom": box(0, 0, 1, 1)}], "river", 1)
    assert keep.tolist() == [False] and invalid == ["river R1: geometry is a Polygon, expected lines"]
    assert G._label({}, "river") == "river"
