"""Patrol track files and cleaning (core.tracks) without a workspace: times as phone apps
write them, CSV and KML readers, cleaning counts, LineString M WKB. Expected epochs are
written out (2024-04-01T00:00:00Z is 1711929600 s), distances come from pyproj.Geod."""

from __future__ import annotations

import io
import struct
import zipfile

import numpy as np
import pytest
from pyproj import Geod

from hezhang_plugin.core import tracks as T

GEOD = Geod(ellps="GRS80")
APR1_UTC = 1711929600.0  # 2024-04-01T00:00:00Z
LON0, LAT0 = 113.95, 33.60


# ------------------------------------------------------------------ times


@pytest.mark.parametrize("text,epoch", [
    ("2024-04-01T00:00:00Z", APR1_UTC),
    ("2024-04-01 08:00:00", APR1_UTC),  # no zone: Beijing time
    ("2024-04-01T08:00:00+08:00", APR1_UTC),
    ("2024-04-01T02:30:00+0230", APR1_UTC),
    ("2024-03-31T19:00:00-05:00", APR1_UTC),
    ("2024年4月1日 08时00分00秒", APR1_UTC),
    ("2024年4月1日 8:30", APR1_UTC + 1800),
    ("2024/4/1 8:00", APR1_UTC),
    ("2024.04.01", APR1_UTC - 8 * 3600),  # a date alone is Beijing midnight
    ("20240401080001", APR1_UTC + 1),
    ("2024-04-01 08:00:00.25", APR1_UTC + 0.25),
    ("  2024-04-01 08:00  ", APR1_UTC),
])
def test_written_times(text, epoch):
    assert T.parse_time_text(text) == pytest.approx(epoch, abs=1e-6)


@pytest.mark.parametrize("text", ["", "yesterday", "2024-02-30 08:00", "2024-13-01", "20241301083000",
                                  "2024-04-01 25:00", None])
def test_unreadable_times(text):
    assert T.parse_time_text(text) is None


def test_a_naive_time_in_another_zone():
    import datetime as dt

    utc = dt.timezone.utc
    assert T.parse_time_text("2024-04-01 00:00:00", naive=utc) == APR1_UTC
    assert T.parse_time_text("20240401000000", naive=utc) == APR1_UTC


def test_time_columns():
    # seconds and milliseconds (above 1e11) as numbers; as text; unreadable cells NaN
    assert list(T.parse_times([APR1_UTC, APR1_UTC * 1000])) == [APR1_UTC, APR1_UTC]
    got = T.parse_times(["1711929600", "1711929600500", "2024-04-01 08:00:01", "", None, "never",
                         "20240401080002"])
    assert list(got[:3]) == [APR1_UTC, APR1_UTC + 0.5, APR1_UTC + 1]
    assert np.isnan(got[3]) and np.isnan(got[4]) and np.isnan(got[5])
    assert got[6] == APR1_UTC + 2  # 14 digits is a compact time, not a number of seconds
    assert list(T.parse_times([-1.0, 0.0])) == [-1.0, 0.0]
    assert len(T.parse_times([])) == 0


def test_beijing_text_and_date():
    assert T.beijing_text(APR1_UTC + 0.4) == "2024-04-01T08:00:00"
    assert T.beijing_text(APR1_UTC - 8 * 3600 - 1) == "2024-03-31T23:59:59"
    assert T.beijing_date(APR1_UTC - 8 * 3600 - 1) == "2024-03-31"
    assert T.beijing_date(APR1_UTC - 8 * 3600) == "2024-04-01"


# ------------------------------------------------------------------ CSV


def test_csv_headers_in_chinese_and_english():
    assert T.map_csv_header(["\ufeff经度", "纬度(°)", "定位时间", "精度（米）", "速度", "河长编号"]) == {
        "lon": 0, "lat": 1, "time": 2, "accuracy": 3, "speed": 4, "chief": 5}
    assert T.map_csv_header(["Longitude", "Latitude", "GPS_Time", "x", "note"]) == {"lon": 0, "lat": 1, "time": 2}
    assert T.map_csv_header(["lng", "lat", "timestamp", "Horizontal Accuracy", "Chief ID"]) == {
        "lon": 0, "lat": 1, "time": 2, "accuracy": 3, "chief": 4}


def _csv(lines, encoding="utf-8", sep=","):
    return ("\n".join(sep.join(cells) for cells in lines) + "\n").encode(encoding)


def test_csv_track_gbk_semicolons_chief_and_bad_rows():
    data = _csv([["经度", "纬度", "时间", "精度", "巡河人"],
                 ["113.95", "33.60", "2024-04-01 08:00:00", "5", "李书记"],
                 ["113.951", "33.60", "2024-04-01 08:00:10", "80", "李书记"],
                 ["abc", "33.60", "2024-04-01 08:00:20", "5", "李书记"],
                 ["113.952", "33.60"]], encoding="gbk", sep=";")
    raw = T.read_csv_track(data, "track.csv")
    assert (raw.fmt, raw.encoding, raw.chief_hint, raw.bad_rows) == ("CSV", "gbk", "李书记", 1)
    assert list(raw.lon[[0, 1, 3]]) == [113.95, 113.951, 113.952] and np.isnan(raw.lon[2])
    assert list(raw.t[:3]) == [APR1_UTC, APR1_UTC + 10, APR1_UTC + 20] and np.isnan(raw.t[3])
    assert list(raw.accuracy[:3]) == [5.0, 80.0, 5.0] and np.isnan(raw.accuracy[3])
    assert raw.part is None


def test_csv_track_tabs_bom_and_two_chiefs():
    data = b"\xef\xbb\xbf" + _csv([["lon", "lat", "time", "chief_id"], ["113.95", "33.6", "1711929600", "A"],
                                   ["113.96", "33.6", "1711929660", "B"]], sep="\t")
    raw = T.read_csv_track(data, "t.csv")
    assert raw.encoding == "utf-8-sig" and raw.chief_hint is None  # two chiefs named: no hint
    assert list(raw.t) == [APR1_UTC, APR1_UTC + 60] and raw.accuracy is None and raw.bad_rows == 0


def test_csv_refusals_name_the_file_and_the_missing_columns():
    with pytest.raises(T.TrackFileError) as exc:
        T.read_csv_track(_csv([["lon", "lat", "speed"], ["1", "2", "3"]]), "a.csv")
    assert exc.value.message.text("en") == "a.csv: the header lacks the column(s) time (found: lon, lat, speed)"
    assert exc.value.message.text("zh") == "a.csv：表头缺少定位时间/time列（现有：lon、lat、speed）"
    with pytest.raises(T.TrackFileError) as exc:
        T.read_csv_track(b"\n\n", "b.csv")
    assert exc.value.message.text("en") == "b.csv: the file is empty"
    with pytest.raises(T.TrackFileError) as exc:
        T.read_csv_track(bytes(range(128, 256)) * 4, "c.csv")
    assert exc.value.message.text("en") == "c.csv: the file is neither UTF-8 nor GBK/GB18030 text"


# ------------------------------------------------------------------ KML


def _kml(body: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2" '
            'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>' + body + "</Document></kml>").encode()


TRACK = ("<Placemark><gx:Track><when>2024-04-01T00:00:00Z</when><when>2024-04-01T08:01:00</when>"
         "<gx:coord>113.95 33.60 50</gx:coord><gx:coord>113.951,33.601</gx:coord></gx:Track></Placemark>")


def test_kml_tracks_with_times_and_parts():
    raw = T.read_kml_track(_kml(TRACK + TRACK.replace("113.95 ", "x ")), "t.kml")
    assert (raw.fmt, raw.bad_rows) == ("KML", 1)
    assert list(raw.part) == [1, 1, 2, 2]
    assert list(raw.t) == [APR1_UTC, APR1_UTC + 60, APR1_UTC, APR1_UTC + 60]
    assert list(raw.lon[:2]) == [113.95, 113.951] and list(raw.lat[:2]) == [33.60, 33.601] and np.isnan(raw.lon[2])


def test_kml_with_unpaired_times_keeps_points_without_time():
    body = ("<Placemark><gx:Track><when>2024-04-01T00:00:00Z</when>"
            "<gx:coord>113.95 33.60</gx:coord><gx:coord>113.96 33.60</gx:coord></gx:Track></Placemark>")
    raw = T.read_kml_track(_kml(body), "t.kml")
    assert np.isnan(raw.t).all() and len(raw.t) == 2


def test_kmz_reads_its_main_kml():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("files/other.kml", _kml(""))
        zf.writestr("doc.kml", _kml(TRACK))
    raw = T.read_kml_track(buf.getvalue(), "t.kmz")
    assert list(raw.t) == [APR1_UTC, APR1_UTC + 60]


@pytest.mark.parametrize("data,message", [
    (_kml("<Placemark><LineString><coordinates>1,2 3,4</coordinates></LineString></Placemark>"),
     "x.kml: the KML has lines but no gx:Track with per-point times; export the track with times"),
    (_kml(""), "x.kml: the KML holds no track"),
    (_kml("<Placemark><gx:Track><when>2024-04-01T00:00:00Z</when></gx:Track></Placemark>"),
     "x.kml: the KML holds no track"),
    (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY e "x">]><kml>&e;</kml>',
     "x.kml: KML with a DTD or entities is not accepted"),
    (b"PK\x03\x04 not a zip", "x.kml: damaged KMZ archive"),
])
def test_kml_refusals(data, message):
    with pytest.raises(T.TrackFileError) as exc:
        T.read_kml_track(data, "x.kml")
    assert exc.value.message.text("en") == message


def test_kml_refusals_without_a_kml_and_unparsable():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(T.TrackFileError) as exc:
        T.read_kml_track(buf.getvalue(), "y.kmz")
    assert exc.value.message.text("en") == "y.kmz: the KMZ archive holds no .kml file"
    with pytest.raises(T.TrackFileError) as exc:
        T.read_kml_track(b"<kml><unclosed></kml>", "z.kml")
    assert exc.value.message.text("en").startswith("z.kml: not readable as KML (mismatched tag")


# ------------------------------------------------------------------ cleaning


def _walk(n, step_m=10.0, dt_s=10.0, t0=APR1_UTC, lon0=LON0, lat0=LAT0):
    """n points due east, ``step_m`` apart (on the ellipsoid), ``dt_s`` apart in time."""
    lon, lat = [lon0], [lat0]
    for _ in range(n - 1):
        x, y, _ = GEOD.fwd(lon[-1], lat[-1], 90.0, step_m)
        lon.append(x)
        lat.append(y)
    return np.array(lon), np.array(lat), t0 + dt_s * np.arange(n)


def _raw(lon, lat, t, accuracy=None, part=None):
    return T.RawTrack(np.asarray(lon, float), np.asarray(lat, float), np.asarray(t, float), "CSV",
                      None if accuracy is None else np.asarray(accuracy, float), part)


def test_a_clean_walk_is_one_part_with_its_geodesic_length():
    lon, lat, t = _walk(61)  # 600 m in 600 s
    parts, c = T.clean(_raw(lon, lat, t))
    assert len(parts) == 1 and (c.read, c.kept, c.dropped) == (61, 61, 0)
    p = parts[0]
    assert p.km == pytest.approx(GEOD.line_length(lon, lat) / 1000.0, rel=1e-9) == pytest.approx(0.6, rel=1e-6)
    assert (p.start, p.end, p.minutes, p.number) == (APR1_UTC, APR1_UTC + 600, 10.0, 1)
    assert c.text("en") == "61 points read, 61 kept"
    assert T.TrackPart(lon, lat, t).km == pytest.approx(p.km)  # steps computed when not given


def test_bad_points_are_dropped_and_counted():
    lon, lat, t = _walk(20)
    lon, lat, t = list(lon), list(lat), list(t)
    acc = [5.0] * 20
    lon[1], lat[1] = float("nan"), 33.6  # bad coordinates
    lon[2], lat[2] = 0.0, 0.0  # (0, 0): no fix
    lon[3] = 190.0  # out of range
    t[4] = float("nan")  # no time
    acc[5] = 60.0  # worse than 50 m
    t[7] = t[6]  # repeated time
    parts, c = T.clean(_raw(lon, lat, t, acc))
    assert (c.bad_coordinates, c.no_time, c.poor_accuracy, c.duplicate_time) == (3, 1, 1, 1)
    assert c.kept == 20 - 6 and len(parts) == 1
    assert c.text("en") == ("20 points read, 14 kept; dropped: 3 bad coordinates, 1 no time, "
                            "1 accuracy worse than limit, 1 repeated time")
    assert c.text("zh") == "读取20点，保留14点，剔除：坐标无效3点，无时间1点，精度差1点，时间重复1点"


def test_a_spike_is_removed_and_its_neighbours_kept():
    lon, lat, t = _walk(30)
    x, y, _ = GEOD.fwd(lon[10], lat[10], 0.0, 2000.0)  # 2 km north and back within 10 s each way
    lon[10], lat[10] = x, y
    parts, c = T.clean(_raw(lon, lat, t))
    assert c.spikes == 1 and c.kept == 29 and len(parts) == 1 and c.jumps == 0
    assert c.text("en").endswith("dropped: 1 spikes")


def test_long_pauses_and_impossible_jumps_split_the_track():
    lon, lat, t = _walk(10)
    lon2, lat2, t2 = _walk(10, t0=t[-1] + 31 * 60, lon0=lon[-1])  # 31 min later, from where it stopped
    lon3, lat3, t3 = _walk(10, t0=t2[-1] + 10, lon0=lon2[-1] + 0.1)  # 9.3 km away 10 s later
    parts, c = T.clean(_raw(np.r_[lon, lon2, lon3], np.r_[lat, lat2, lat3], np.r_[t, t2, t3]))
    assert (c.gaps, c.jumps, len(parts)) == (1, 1, 3)
    assert [p.number for p in parts] == [1, 2, 3] and [len(p.t) for p in parts] == [10, 10, 10]
    assert c.text("en") == "30 points read, 30 kept; split at 1 long pause(s) and 1 impossible jump(s)"


def test_pieces_too_short_are_fragments_and_a_new_file_part_splits():
    lon, lat, t = _walk(12)
    part = np.array([1] * 10 + [2] * 2)  # a second track of 2 points in the file
    parts, c = T.clean(_raw(lon, lat, t, part=part))
    assert len(parts) == 1 and c.fragments == 2 and (c.gaps, c.jumps) == (0, 0)
    short = _walk(5, dt_s=5.0)  # 20 s: under the 60 s a patrol needs
    parts, c = T.clean(_raw(*short))
    assert parts == [] and c.fragments == 5 and c.kept == 0
    opts = T.CleanOptions(min_part_s=10.0, min_points=3)
    assert len(T.clean(_raw(*short), opts)[0]) == 1
    assert T.clean(_raw([], [], []))[0] == []


def test_options_change_the_limits():
    lon, lat, t = _walk(10, step_m=100.0, dt_s=10.0)  # 36 km/h
    assert T.clean(_raw(lon, lat, t))[1].jumps == 0
    slow = T.CleanOptions(max_speed_kmh=30.0)
    parts, c = T.clean(_raw(lon, lat, t), slow)
    assert c.jumps == 9 and parts == []
    acc = np.full(10, 20.0)
    assert T.clean(_raw(lon, lat, t, acc), T.CleanOptions(max_accuracy_m=10.0))[1].poor_accuracy == 10


# ------------------------------------------------------------------ LineString M


def test_linestring_m_wkb_round_trip_and_other_types():
    x, y, m = [1.0, 2.0], [3.0, 4.0], [10.0, 20.0]
    wkb = T.linestring_m_wkb(x, y, m)
    assert wkb[:9] == struct.pack("<BII", 1, 2002, 2) and len(wkb) == 9 + 2 * 3 * 8
    gx, gy, gm = T.linestring_m_from_wkb(wkb)
    assert (list(gx), list(gy), list(gm)) == (x, y, m)
    plain = struct.pack("<BII", 1, 2, 2) + np.array([1, 3, 2, 4], "<f8").tobytes()
    px, py, pm = T.linestring_m_from_wkb(plain)
    assert (list(px), list(py)) == (x, y) and np.isnan(pm).all()
    zm = struct.pack(">BII", 0, 3002, 1) + np.array([1, 3, 5, 7], ">f8").tobytes()
    assert [list(a) for a in T.linestring_m_from_wkb(zm)] == [[1.0], [3.0], [7.0]]
    z = struct.pack("<BII", 1, 1002, 1) + np.array([1, 3, 5], "<f8").tobytes()
    zx, zy, zmv = T.linestring_m_from_wkb(z)
    assert (list(zx), list(zy)) == ([1.0], [3.0]) and np.isnan(zmv).all()
    with pytest.raises(ValueError, match="type 1 is not a LineString"):
        T.linestring_m_from_wkb(struct.pack("<BI", 1, 1) + np.array([1, 2], "<f8").tobytes())


def test_cleaning_limits_are_inclusive_where_the_rules_say_so():
    """Coordinates at ±180°/±90° are valid; only (0, 0) together is 'no fix'; an accuracy of
    exactly 50 m is kept; a pause of exactly 30 min does not split; a piece of exactly 3
    points and 60 s is a patrol."""
    t0 = APR1_UTC
    # along the equator and the date line: lat 0 or lon 0 alone is a real place
    raw = _raw([0.0, 0.0001, 0.0002, 0.0003], [0.0001, 0.0, 0.0, 0.0], t0 + 30 * np.arange(4))
    parts, c = T.clean(raw)
    assert c.bad_coordinates == 0 and len(parts) == 1 and c.kept == 4
    edge = _raw([180.0, -180.0, 180.0], [90.0, -90.0, 0.0], t0 + 30 * np.arange(3))
    assert T.clean(edge)[1].bad_coordinates == 0
    assert T.clean(_raw([180.1, 10.0, 10.0], [0.0, 90.1, 0.0], t0 + 30 * np.arange(3)))[1].bad_coordinates == 2
    lon, lat, t = _walk(6, step_m=10.0, dt_s=30.0)
    acc = [50.0, 50.0, 50.0, 50.1, 5.0, 5.0]
    assert T.clean(_raw(lon, lat, t, acc))[1].poor_accuracy == 1
    pause = t.copy()
    pause[3:] += 30 * 60 - 30.0  # exactly 30 min between points 2 and 3
    assert T.clean(_raw(lon, lat, pause))[1].gaps == 0
    pause[3:] += 1.0
    assert T.clean(_raw(lon, lat, pause))[1].gaps == 1
    three = _walk(3, step_m=10.0, dt_s=30.0)  # 3 points over 60 s
    parts, c = T.clean(_raw(*three))
    assert len(parts) == 1 and c.fragments == 0
    assert parts[0].step_m is not None and len(parts[0].step_m) == 2
    assert parts[0].km == pytest.approx(0.02, rel=1e-6)


def test_speed_limit_is_exclusive_and_spikes_accumulate():
    # exactly 120 km/h (33.33 m/s) between points is possible; a hair more is a jump
    lon, lat, t = _walk(5, step_m=1000.0, dt_s=30.0)
    assert T.clean(_raw(lon, lat, t))[1].jumps == 0
    lon2, lat2, _ = _walk(5, step_m=1000.5, dt_s=30.0)
    assert T.clean(_raw(lon2, lat2, t))[1].jumps == 4
    # two separate spikes, removed in one round each counted
    lon, lat, t = _walk(40)
    for k in (10, 25):
        x, y, _ = GEOD.fwd(lon[k], lat[k], 0.0, 2000.0)
        lon[k], lat[k] = x, y
    parts, c = T.clean(_raw(lon, lat, t))
    assert c.spikes == 2 and c.kept == 38 and len(parts) == 1
    # a two-point excursion is no single-point spike: two jumps split it off as a fragment
    lon, lat, t = _walk(40)
    for k in (10, 11):
        x, y, _ = GEOD.fwd(lon[k], lat[k], 0.0, 2000.0 + k)
        lon[k], lat[k] = x, y
    parts, c = T.clean(_raw(lon, lat, t))
    assert (c.spikes, c.jumps, c.fragments, c.kept) == (0, 2, 2, 38)
    assert [len(p.t) for p in parts] == [10, 28] and [p.number for p in parts] == [1, 2]


def test_unsorted_points_are_ordered_by_time():
    lon, lat, t = _walk(10)
    order = [3, 1, 0, 2, 9, 8, 4, 5, 6, 7]
    parts, c = T.clean(_raw(lon[order], lat[order], t[order]))
    assert len(parts) == 1 and list(parts[0].t) == list(t) and list(parts[0].lon) == list(lon)
