"""Matching tracks to segments and telling their coordinate system (core.patrol_match) on
rows, without a workspace. Segments are 1 km due east (test/patrol_fixtures.py); tracks are
walked beside them on the ellipsoid; expected shares come from the geometry: stations every
10 m at the middle of equal pieces, within D of a track offset by o: (length walked +
√(D² − o²)) / 1 km at an open end."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString

from hezhang_plugin.core import gcj02
from hezhang_plugin.core import patrol_match as pm
from test import patrol_fixtures as PF

D = 60.0


def segments():
    ends = PF.segment_ends()
    return [{"seg_code": code, "bank": bank, "geom": shapely.multilinestrings([LineString(ends[code])])}
            for code, bank in ((PF.S1, "both"), (PF.S2, "both"), (PF.S3, "left"))]


@pytest.fixture(scope="module")
def frame():
    return pm.LocalFrame(PF.LON0, PF.LAT0)


@pytest.fixture(scope="module")
def shapes(frame):
    return pm.segment_shapes(segments(), frame, D)


def _track(frame, seg, a, b, offset, **kw):
    lon, lat, t = PF.walk(seg, a, b, offset_m=offset, **kw)
    x, y = frame.xy(lon, lat)
    return x, y, t


def test_the_local_frame_keeps_metres(frame):
    lon, lat, _t = PF.walk(PF.S1, 0.0, 1000.0, interval=1000.0 / 1.2)
    x, y = frame.xy(lon, lat)
    assert math.hypot(x[1] - x[0], y[1] - y[0]) == pytest.approx(1000.0, rel=3e-5)
    back = frame.lonlat(x, y)
    assert np.allclose(back[0], lon, atol=1e-10) and np.allclose(back[1], lat, atol=1e-10)
    assert frame.xy(PF.LON0, PF.LAT0)[0] == pytest.approx(0.0, abs=1e-6)


def test_segment_shapes_stations_lengths_and_zones(shapes):
    assert shapes.codes == [PF.S1, PF.S2, PF.S3] and shapes.banks == ["both", "both", "left"]
    assert list(shapes.length_km) == pytest.approx([1.0, 1.0, 1.0], rel=1e-6)
    # every 10 m or less: the line is 1000.0x m in the frame (scale just above 1), 101 pieces
    length = shapes.lines[0].length
    n = math.ceil(length / 10.0)
    assert (round(length, 1), n) == (1000.0, 101)
    assert [len(s) for s in shapes.station_xy] == [n, n, n]
    st = shapes.station_xy[0]
    assert np.hypot(*(st[1] - st[0])) == pytest.approx(length / n, rel=1e-6)
    start = shapes.lines[0].coords[0]
    assert np.hypot(st[0][0] - start[0], st[0][1] - start[1]) == pytest.approx(length / n / 2, rel=1e-6)
    # a round-ended band around a 1 km line: 2 D L + π D²; one-sided: D L
    assert shapes.zones[0].area == pytest.approx(2 * D * 1000 + math.pi * D**2, rel=2e-3)
    assert shapes.zones[2].area == pytest.approx(D * 1000, rel=2e-3)
    assert shapes.index == {PF.S1: 0, PF.S2: 1, PF.S3: 2} and shapes.buffer_m == D


def test_an_empty_segment_has_no_stations(frame):
    rows = segments()[:1] + [{"seg_code": "X", "bank": None, "geom": None}]
    s = pm.segment_shapes(rows, frame, D)
    assert [len(x) for x in s.station_xy] == [101, 0] and s.banks == ["both", "both"]
    m = pm.match_track(*_track(frame, PF.S1, 0.0, 600.0, 20.0), s, ["X"])
    assert [(x.seg_code, x.coverage, x.minutes_near) for x in m.segments] == [("X", 0.0, 0.0, )]


def test_coverage_minutes_and_own_share_of_a_track_beside_a_segment(frame, shapes):
    x, y, t = _track(frame, PF.S1, 0.0, 600.0, 20.0)
    m = pm.match_track(x, y, t, shapes, [PF.S1, PF.S3, PF.S1, "unknown"])
    got = {s.seg_code: s for s in m.segments}
    assert list(got) == [PF.S1, PF.S3]  # each once, unknown codes left out
    expected = (600.0 + math.sqrt(D**2 - 20.0**2)) / 1000.0
    assert got[PF.S1].coverage == pytest.approx(expected, abs=0.011)  # to a station
    assert got[PF.S1].km_covered == pytest.approx(got[PF.S1].coverage * 1.0, rel=1e-6)
    assert got[PF.S1].minutes_near == pytest.approx(500 / 60, rel=0.01)  # 600 m at 1.2 m/s
    assert got[PF.S3].coverage == 0.0 and got[PF.S3].minutes_near == 0.0
    assert m.own_share == pytest.approx(1.0) and m.best().seg_code == PF.S1
    assert int(np.count_nonzero(got[PF.S1].covered)) == round(got[PF.S1].coverage * 101)


def test_time_near_counts_half_a_step_at_the_zone_edge(frame, shapes):
    # from 300 m before S2's start (along S1) to 400 m into S2, 10 m north, 1 m/s, a point every 2 s
    x, y, t = _track(frame, PF.S2, -300.0, 400.0, 10.0, speed=1.0, interval=2.0)
    m = pm.match_track(x, y, t, shapes, [PF.S2])
    near = 400.0 + math.sqrt(D**2 - 10.0**2)
    assert m.segments[0].minutes_near == pytest.approx(near / 60.0, abs=2.0 / 60)
    assert m.own_share == pytest.approx(near / 700.0, abs=0.01)


def test_a_single_bank_counts_only_its_own_side(frame, shapes):
    north = pm.match_track(*_track(frame, PF.S3, 0.0, 1000.0, 20.0), shapes, [PF.S3])
    south = pm.match_track(*_track(frame, PF.S3, 0.0, 1000.0, -20.0), shapes, [PF.S3])
    assert north.segments[0].coverage == pytest.approx(1.0)  # S3 is the left (north) bank
    assert south.segments[0].coverage == 0.0 and south.segments[0].minutes_near == 0.0
    assert south.own_share == 0.0


def test_too_short_a_track_covers_nothing(frame, shapes):
    x, y, t = _track(frame, PF.S1, 0.0, 0.0, 0.0)
    assert len(x) == 1
    m = pm.match_track(x, y, t, shapes, [PF.S1])
    assert (m.segments[0].coverage, m.own_share) == (0.0, 0.0)
    assert pm.PatrolMatch([], 0.0).best() is None


def test_covered_parts_are_runs_of_covered_stations(frame, shapes):
    m = pm.match_track(*_track(frame, PF.S1, 200.0, 500.0, 0.0), shapes, [PF.S1]).segments[0]
    parts = pm.covered_parts(shapes, m)
    # the stations within 60 m of the walk over 200–500 m lie in 140–560 m; each run is the
    # pieces of its stations
    step = shapes.lines[0].length / 101
    count = sum(1 for k in range(101) if 140.0 <= (k + 0.5) * step <= 560.0)
    assert count == 43 and int(np.count_nonzero(m.covered)) == count
    assert parts.geom_type == "MultiLineString" and len(parts.geoms) == 1
    assert parts.length == pytest.approx(count * step, rel=1e-9)
    none = pm.SegmentMatch(PF.S1, 0.0, 0.0, 0.0, np.zeros(101, dtype=bool))
    assert pm.covered_parts(shapes, none).is_empty
    assert pm.covered_parts(shapes, pm.SegmentMatch(PF.S1, 0.0, 0.0, 0.0, None)).is_empty


# ------------------------------------------------------------------ coordinate systems


def _reference(shapes, *codes):
    return shapely.union_all([shapes.lines[shapes.index[c]] for c in codes])


def test_a_wgs84_track_on_its_segments_is_wgs84_at_once(frame, shapes):
    lon, lat, _t = PF.walk(PF.S2, 100.0, 800.0, offset_m=-15.0)
    c = pm.choose_crs(lon, lat, frame, _reference(shapes, PF.S2), buffer_m=D)
    assert c.crs == "wgs84" and list(c.medians_m) == ["wgs84"]
    assert c.medians_m["wgs84"] == pytest.approx(15.0, abs=0.5)
    assert c.text("en") == "WGS84: the track lies 15 m (median) from the chief's segments"
    assert c.text("zh") == "WGS84：轨迹距该河长的河段中位15米"


@pytest.mark.parametrize("system,to", [("gcj02", gcj02.wgs84_to_gcj02), ("bd09", gcj02.wgs84_to_bd09)])
def test_an_offset_track_is_recognised(frame, shapes, system, to):
    lon, lat, _t = PF.walk(PF.S2, 100.0, 800.0, offset_m=-15.0)
    olon, olat = to(lon, lat)
    c = pm.choose_crs(olon, olat, frame, _reference(shapes, PF.S2), buffer_m=D, reference_is_chiefs=False)
    assert c.crs == system and c.medians_m[system] == pytest.approx(15.0, abs=0.5)
    assert c.medians_m["wgs84"] > 2 * c.medians_m[system] and c.medians_m["wgs84"] > 2 * D
    label = pm.CRS_LABELS[system]
    assert c.text("en").startswith(f"{label}: as {label} the track lies 15 m (median) from the workspace's segments")
    back = pm.to_wgs84(olon, olat, system)
    assert np.allclose(back[0], lon, atol=1e-6) and np.allclose(back[1], lat, atol=1e-6)


def test_given_systems_and_no_reference(frame, shapes):
    lon, lat, _t = PF.walk(PF.S2, 100.0, 800.0, offset_m=-15.0)
    ref = _reference(shapes, PF.S2)
    given = pm.choose_crs(lon, lat, frame, ref, wanted="gcj02", buffer_m=D)
    assert given.crs == "gcj02" and set(given.medians_m) == {"wgs84", "gcj02", "bd09"}
    assert given.text("en").startswith("GCJ-02 as given (median distance to the chief's segments: WGS84 15 m, ")
    assert pm.choose_crs(lon, lat, frame, None).text("en") == "WGS84: no segment to compare the track with"
    assert pm.choose_crs(lon, lat, frame, None, wanted="bd09").text("en") == "BD-09 as given"
    assert pm.choose_crs([], [], frame, ref).crs == "wgs84"


def test_a_track_far_from_everything_stays_wgs84(frame, shapes):
    lon, lat, _t = PF.walk(PF.S2, 100.0, 800.0, offset_m=-5000.0)
    c = pm.choose_crs(lon, lat, frame, _reference(shapes, PF.S2), buffer_m=D)
    assert c.crs == "wgs84" and c.medians_m["wgs84"] == pytest.approx(5000.0, rel=1e-3)
    assert c.text("en").startswith("WGS84: no offset system brings the track nearer to the chief's segments (")
