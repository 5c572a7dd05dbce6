"""GCJ-02 (core.gcj02) against published reference points and, where no published point
exists (north of 50°N: Mohe), against a scalar transcription of the published algorithm
written here from its formula (Krasovsky a = 6378245 m, e² = 0.00669342162296594323, the
polynomial-and-sine offset of eviltransform and its ports), evaluated point by point with
``math`` — a second implementation that shares no code with the vectorised one."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Geod

from hezhang_plugin.core import gcj02

# The test suite of eviltransform (github.com/googollee/eviltransform, python/test.py and the
# ports in other languages): (wgsLat, wgsLng, gcjLat, gcjLng).
GCJ_REFERENCES = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
#: North of 50°N: Mohe county seat and the Mohe river bend near China's northernmost point.
NORTH = [(122.5383, 52.9723), (122.35, 53.48)]


def _metres(lon1, lat1, lon2, lat2):
    return np.asarray(Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)[2])


def _published_forward(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → GCJ-02 for one point, straight from the published formula."""
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1.0 - ee * math.sin(rad) ** 2
    dlat = dlat * 180.0 / ((a * (1 - ee)) / (magic * math.sqrt(magic)) * math.pi)
    dlon = dlon * 180.0 / (a / math.sqrt(magic) * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


def test_the_scalar_transcription_reproduces_the_published_points():
    for wlat, wlon, glat, glon in GCJ_REFERENCES:
        lon, lat = _published_forward(wlon, wlat)
        assert _metres(lon, lat, glon, glat) < 0.05


def test_matches_published_references_both_ways():
    ref = np.array(GCJ_REFERENCES)
    lon, lat = gcj02.wgs84_to_gcj02(ref[:, 1], ref[:, 0])
    assert np.all(_metres(lon, lat, ref[:, 3], ref[:, 2]) < 0.05)
    wlon, wlat = gcj02.gcj02_to_wgs84(ref[:, 3], ref[:, 2])
    assert np.all(_metres(wlon, wlat, ref[:, 1], ref[:, 0]) < 0.05)
    assert np.all(_metres(lon, lat, ref[:, 1], ref[:, 0]) > 100)  # the offset is real
    assert gcj02.wgs84_to_gcj02([2.35], [48.85]) == ([2.35], [48.85])  # Paris: outside China


@pytest.mark.parametrize("lon,lat", NORTH)
def test_points_north_of_50_degrees_are_converted(lon, lat):
    """Mohe (漠河, 53°N) lies inside China's bounds: it is shifted like any Chinese point."""
    want = _published_forward(lon, lat)
    got = gcj02.wgs84_to_gcj02([lon], [lat])
    assert _metres(got[0][0], got[1][0], *want) < 0.01
    assert 100 < _metres(lon, lat, *want) < 1000  # the GCJ-02 offset, a few hundred metres
    back = gcj02.gcj02_to_wgs84([want[0]], [want[1]])
    assert _metres(back[0][0], back[1][0], lon, lat) < 0.01
    assert gcj02.convert([lon], [lat], "to_gcj02")[0][0] == got[0][0]


def test_bounds_and_non_finite_points():
    """The published bounding box (72.004–137.8347°E, 0.8293–55.8271°N): just inside is
    converted, just outside is not; NaN passes through."""
    inside = gcj02.wgs84_to_gcj02([72.01, 137.83, 100.0, 100.0], [30.0, 30.0, 0.83, 55.82])
    outside = gcj02.wgs84_to_gcj02([71.99, 137.84, 100.0, 100.0], [30.0, 30.0, 0.82, 55.83])
    assert np.all(_metres(inside[0], inside[1], [72.01, 137.83, 100.0, 100.0], [30.0, 30.0, 0.83, 55.82]) > 50)
    assert list(outside[0]) == [71.99, 137.84, 100.0, 100.0] and list(outside[1]) == [30.0, 30.0, 0.82, 55.83]
    assert list(gcj02.out_of_china([72.01, 137.83, 100.0, 100.0], [30.0, 30.0, 0.83, 55.82])) == [False] * 4
    assert list(gcj02.out_of_china([71.99, 137.84, 100.0, 100.0], [30.0, 30.0, 0.82, 55.83])) == [True] * 4
    assert list(gcj02.out_of_china([np.nan, 100.0], [30.0, np.inf])) == [True, True]
    with pytest.raises(ValueError, match="unknown direction"):
        gcj02.convert([100.0], [30.0], "sideways")


def test_round_trip_within_a_millimetre():
    rng = np.random.default_rng(7)
    lon = rng.uniform(74, 134, 5000)
    lat = rng.uniform(18, 53, 5000)
    glon, glat = gcj02.wgs84_to_gcj02(lon, lat)
    blon, blat = gcj02.gcj02_to_wgs84(glon, glat)
    assert _metres(lon, lat, blon, blat).max() < 0.001


def test_geometries_vertex_by_vertex():
    from shapely.geometry import LineString

    wlat, wlon, glat, glon = GCJ_REFERENCES[2]
    line = LineString([(wlon, wlat), (NORTH[0][0], NORTH[0][1])])
    out = gcj02.convert_geometries([line], "to_gcj02")[0]
    (x1, y1), (x2, y2) = out.coords
    assert _metres(x1, y1, glon, glat) < 0.05
    assert _metres(x2, y2, *_published_forward(*NORTH[0])) < 0.01


# BD-09 (Baidu): the published example of coordtransform (github.com/wandergis/coordtransform,
# test/app.js): gcj02tobd09(116.404, 39.915) = (116.41036949371029, 39.92133699351021);
# bd09togcj02(116.404, 39.915) = (116.39762729119315, 39.90865673957631) — that library's
# inverse is a one-step approximation, ours iterates, so the inverse is compared to 1 m.
def test_bd09_against_the_published_example():
    blon, blat = gcj02.gcj02_to_bd09([116.404], [39.915])
    assert (blon[0], blat[0]) == pytest.approx((116.41036949371029, 39.92133699351021), abs=1e-12)
    glon, glat = gcj02.bd09_to_gcj02([116.404], [39.915])
    assert _metres(glon[0], glat[0], 116.39762729119315, 39.90865673957631) < 0.1
    back = gcj02.gcj02_to_bd09(glon, glat)
    assert _metres(back[0][0], back[1][0], 116.404, 39.915) < 1e-6  # the iteration inverts exactly


def test_bd09_chain_and_points_outside_china():
    wlat, wlon, glat, glon = GCJ_REFERENCES[2]
    blon, blat = gcj02.wgs84_to_bd09([wlon], [wlat])
    want = gcj02.gcj02_to_bd09([glon], [glat])
    assert _metres(blon[0], blat[0], want[0][0], want[1][0]) < 0.05
    wl, wa = gcj02.bd09_to_wgs84(blon, blat)
    assert _metres(wl[0], wa[0], wlon, wlat) < 0.001
    assert gcj02.gcj02_to_bd09([2.35], [48.85]) == ([2.35], [48.85])
    assert gcj02.bd09_to_gcj02([2.35], [48.85]) == ([2.35], [48.85])
    # one step is the published approximate inverse; iterating makes it exact (its round trip)
    few = gcj02.bd09_to_gcj02([116.404], [39.915], max_iter=1)
    assert _metres(few[0][0], few[1][0], 116.39762729119315, 39.90865673957631) < 0.001
    trip = gcj02.gcj02_to_bd09(*few)
    assert _metres(trip[0][0], trip[1][0], 116.404, 39.915) > 0.01


def test_the_inverse_stops_at_its_tolerance_and_iteration_count():
    lon, lat = gcj02.wgs84_to_gcj02([113.9], [34.0])
    rough = gcj02.gcj02_to_wgs84(lon, lat, max_iter=1)
    fine = gcj02.gcj02_to_wgs84(lon, lat)
    assert _metres(fine[0][0], fine[1][0], 113.9, 34.0) < 0.001
    assert _metres(rough[0][0], rough[1][0], 113.9, 34.0) > 0.01
    loose = gcj02.gcj02_to_wgs84(lon, lat, tolerance_deg=1.0)
    assert _metres(loose[0][0], loose[1][0], 113.9, 34.0) == pytest.approx(
        _metres(rough[0][0], rough[1][0], 113.9, 34.0))
    nan = gcj02.gcj02_to_wgs84([np.nan, lon[0]], [np.nan, lat[0]])
    assert np.isnan(nan[0][0]) and _metres(nan[0][1], nan[1][1], 113.9, 34.0) < 0.001
    assert list(gcj02.convert([113.9], [34.0], "from_gcj02")[0]) == list(gcj02.gcj02_to_wgs84([113.9], [34.0])[0])
