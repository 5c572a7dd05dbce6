"""Patrols: track files in (GPX, KML gx:Track, CSV UTF-8/GBK), cleaning, GCJ-02/BD-09
detection, matching to segments (coverage, time near, banks), re-import, all-or-nothing,
compliance under rule profiles, and the two Processing algorithms.

Expected values come from the geometry of tracks generated on the ellipsoid (pyproj.Geod)
along 1 km segments, not from the code under test."""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import patrol_fixtures as F  # noqa: E402

D = 60.0  # matching distance of the imports below (the default)


@pytest.fixture
def ws(workspace_path):
    return F.fill(workspace_path)


def _counts(ws, tables) -> dict:
    with contextlib.closing(sqlite3.connect(ws)) as con:
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in tables}  # noqa: S608  # nosec B608


def _import(ws, files, **kw):
    from hezhang_plugin.services.patrols import import_patrols

    kw.setdefault("lang", "en")
    return import_patrols(ws, [str(f) for f in files], **kw)


def _rows(ws, table):
    from hezhang_plugin.data.patrols_store import read_table

    return read_table(ws, table)


def _seg_row(ws, patrol_id, seg):
    return next(r for r in _rows(ws, "patrol_segments") if r["patrol_id"] == patrol_id and r["seg_code"] == seg)


def test_coverage_duration_and_time_near_equal_the_analytic_values(ws, tmp_path):
    lon, lat, t = F.walk(F.S1, 0.0, 600.0, offset_m=20.0)
    path = F.write_gpx(tmp_path / "CV1_20240603.gpx", lon, lat, t)
    report = _import(ws, [path])
    assert report.ok and report.written and report.patrols_added == 1
    f = report.files[0]
    assert (f.fmt, f.chief_id, f.chief_from, f.crs.crs) == ("GPX", "CV1", "file name", "wgs84")
    p = _rows(ws, "patrols")[0]
    # 600 m at 1.2 m/s: 500 s; the track is 600 m long (20 m beside the segment).
    assert p["duration_min"] == pytest.approx(500 / 60, rel=0.01)
    assert p["distance_km"] == pytest.approx(0.600, rel=0.01)
    assert (p["start_time"], p["end_time"], p["patrol_date"]) == ("2024-06-03T08:00:00", "2024-06-03T08:08:20",
                                                                  "2024-06-03")
    # Stations within 60 m of a track 20 m off the line: up to 600 m + sqrt(60² - 20²) of 1000 m.
    expected = (600.0 + math.sqrt(D**2 - 20.0**2)) / 1000.0
    s1 = _seg_row(ws, p["patrol_id"], F.S1)
    assert s1["coverage"] == pytest.approx(expected, rel=0.01)
    assert s1["km_covered"] == pytest.approx(expected * 1.0, rel=0.01)
    assert s1["minutes_near"] == pytest.approx(500 / 60, rel=0.01)
    assert s1["counts"] is True and s1["level"] == "village"
    # The chief's other segment (S3, 1.1 km north) was measured too and not covered.
    assert _seg_row(ws, p["patrol_id"], F.S3)["coverage"] == 0.0
    assert p["own_share"] == pytest.approx(1.0, abs=0.01) and p["valid"] is True
    # Times are the measures of the stored line.
    from hezhang_plugin.data.patrols_store import read_patrols

    track = read_patrols(ws, with_track=True)[0]
    assert np.allclose(track["m"], t) and np.allclose(track["x"], lon) and np.allclose(track["y"], lat)


def test_time_near_counts_only_the_time_beside_the_segment(ws, tmp_path):
    # 400 m along S2 then 600 m past its start backwards (west of S2 = along S1, another chief's).
    lon, lat, t = F.walk(F.S2, -600.0, 400.0, offset_m=-10.0, speed=1.0, interval=2.0)
    path = F.write_csv(tmp_path / "CV2.csv", ["lon", "lat", "timestamp"],
                       [(f"{x:.8f}", f"{y:.8f}", int(ti * 1000)) for x, y, ti in zip(lon, lat, t)])
    _import(ws, [path])
    p = _rows(ws, "patrols")[0]
    row = _seg_row(ws, p["patrol_id"], F.S2)
    # Inside S2's 60 m zone from -sqrt(60²-10²) m to 400 m: (400 + 59.16) m at 1 m/s.
    assert row["minutes_near"] == pytest.approx((400 + math.sqrt(D**2 - 10**2)) / 60, rel=0.01)
    assert row["coverage"] == pytest.approx((400 + math.sqrt(D**2 - 10**2)) / 1000, rel=0.01)
    assert p["duration_min"] == pytest.approx(1000 / 60, rel=0.01)
    assert p["own_share"] == pytest.approx((400 + math.sqrt(D**2 - 10**2)) / 1000, abs=0.02)


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_offset_track_is_detected_and_corrected(ws, tmp_path, system):
    from hezhang_plugin.core import gcj02

    lon, lat, t = F.walk(F.S2, 100.0, 800.0, offset_m=-15.0)
    conv = gcj02.wgs84_to_gcj02 if system == "gcj02" else gcj02.wgs84_to_bd09
    glon, glat = conv(lon, lat)
    # The file's points lie hundreds of metres off the river.
    assert F.GEOD.inv(lon[0], lat[0], glon[0], glat[0])[2] > 300
    path = F.write_csv(tmp_path / f"CV2_{system}.csv", ["lng", "lat", "time"],
                       [(f"{x:.8f}", f"{y:.8f}", F.beijing_text(ti)) for x, y, ti in zip(glon, glat, t)])
    report = _import(ws, [path])
    choice = report.files[0].crs
    assert choice.crs == system
    # Taken as WGS84 the points lie well outside the matching distance; converted, on the bank.
    assert choice.medians_m[system] < 20 and choice.medians_m["wgs84"] > 2 * D
    label = {"gcj02": "GCJ-02", "bd09": "BD-09"}[system]
    assert choice.text("en").startswith(label) and "WGS84" in choice.text("en")
    p = _rows(ws, "patrols")[0]
    assert p["coords_found"] == system
    row = _seg_row(ws, p["patrol_id"], F.S2)
    assert row["coverage"] == pytest.approx((700 + 2 * math.sqrt(D**2 - 15**2)) / 1000, rel=0.01)
    # Stored in CGCS2000, back on the river: the first vertex within a metre of the generated one.
    from hezhang_plugin.data.patrols_store import read_patrols

    track = read_patrols(ws, with_track=True)[0]
    assert F.GEOD.inv(track["x"][0], track["y"][0], lon[0], lat[0])[2] < 1.0


def test_the_same_offset_track_taken_as_wgs84_does_not_count(ws, tmp_path):
    from hezhang_plugin.core import gcj02

    lon, lat, t = F.walk(F.S2, 100.0, 800.0, offset_m=-15.0)
    glon, glat = gcj02.wgs84_to_gcj02(lon, lat)
    path = F.write_csv(tmp_path / "CV2.csv", ["lng", "lat", "time"],
                       [(f"{x:.8f}", f"{y:.8f}", F.beijing_text(ti)) for x, y, ti in zip(glon, glat, t)])
    report = _import(ws, [path], coordinates="wgs84")
    assert report.files[0].crs.crs == "wgs84" and "as given" in report.files[0].crs.text("en")
    p = _rows(ws, "patrols")[0]
    assert p["valid"] is False and _seg_row(ws, p["patrol_id"], F.S2)["coverage"] == 0.0


def test_a_track_on_the_wrong_bank_of_a_single_bank_segment_does_not_count(ws, tmp_path):
    # S3 is the left (north) bank of a boundary river flowing east.
    right = F.walk(F.S3, 0.0, 1000.0, offset_m=-20.0)
    left = F.walk(F.S3, 0.0, 1000.0, offset_m=20.0, t0=F.dt.datetime(2024, 6, 4, 8, 0, tzinfo=F.BJ))
    p_right = F.write_gpx(tmp_path / "CV1_right.gpx", *right)
    p_left = F.write_gpx(tmp_path / "CV1_left.gpx", *left)
    report = _import(ws, [p_right, p_left])
    by_file = {f.name: f.patrols[0] for f in report.files}
    wrong, good = by_file["CV1_right.gpx"], by_file["CV1_left.gpx"]
    assert _seg_row(ws, wrong.patrol_id, F.S3)["coverage"] == 0.0
    assert _seg_row(ws, wrong.patrol_id, F.S3)["minutes_near"] == 0.0
    assert wrong.valid is False
    assert [r.code for r in wrong.reasons] == ["min_coverage"]
    assert _seg_row(ws, good.patrol_id, F.S3)["coverage"] == pytest.approx(1.0, abs=0.01)
    assert good.valid is True


def test_spikes_duplicates_poor_accuracy_and_gaps_are_cleaned_and_reported(ws, tmp_path):
    lon, lat, t = F.walk(F.S1, 0.0, 900.0, offset_m=5.0)
    assert len(t) == 151
    acc = np.full(len(t), 8.0)
    lon, lat, t = lon.copy(), lat.copy(), t.copy()
    lon[40], lat[40], _ = F.GEOD.fwd(lon[40], lat[40], 0.0, 3000.0)  # one fix 3 km away
    acc[80:84] = 80.0  # four fixes worse than 50 m
    t[101:] += 2 * 3600  # a two-hour pause after the 101st point
    rows = [(f"{x:.8f}", f"{y:.8f}", F.beijing_text(ti), a) for x, y, ti, a in zip(lon, lat, t, acc)]
    rows += [(f"{lon[i] + 1e-5:.8f}", f"{lat[i]:.8f}", F.beijing_text(t[i]), 8.0) for i in (60, 61, 62)]
    path = F.write_csv(tmp_path / "CV1.csv", ["经度", "纬度", "定位时间", "精度"], rows)
    report = _import(ws, [path])
    c = report.files[0].cleaning
    assert (c.read, c.spikes, c.duplicate_time, c.poor_accuracy, c.gaps, c.jumps, c.kept) == \
        (154, 1, 3, 4, 1, 0, 146)
    assert len(report.files[0].patrols) == 2
    first, second = sorted(_rows(ws, "patrols"), key=lambda p: p["source_part"])
    assert (first["points"], second["points"]) == (96, 50)
    assert first["duration_min"] == pytest.approx(500 / 60, rel=1e-6)
    assert second["duration_min"] == pytest.approx(245 / 60, rel=1e-6)
    assert first["dropped_points"] == 8
    text = report.to_text("zh")
    assert "跳点1点" in text and "时间重复3点" in text and "精度差4点" in text and "断开1次" in text
    assert "1 spikes" in report.to_text("en")


def test_kml_gx_track_keeps_its_times(ws, tmp_path):
    lon, lat, t = F.walk(F.S2, 0.0, 500.0, t0=F.dt.datetime(2024, 6, 4, 9, 0, tzinfo=F.BJ))
    path = F.write_kml(tmp_path / "李书记巡河.kml", lon, lat, t, offset_hours=8)
    report = _import(ws, [path])
    f = report.files[0]
    assert (f.fmt, f.chief_id, f.chief_from) == ("KML", "CV2", "file name")
    p = _rows(ws, "patrols")[0]
    # 84 points every 5 s: 09:00:00 to 09:06:55 Beijing time.
    assert (p["points"], p["start_time"], p["end_time"]) == (84, "2024-06-04T09:00:00", "2024-06-04T09:06:55")
    assert p["duration_min"] == pytest.approx(415 / 60, rel=1e-6)
    from hezhang_plugin.data.patrols_store import read_patrols

    assert np.allclose(read_patrols(ws, with_track=True)[0]["m"], t)


def test_kml_without_times_is_refused_with_a_reason(ws, tmp_path):
    path = tmp_path / "CV2.kml"
    path.write_text('<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><LineString><coordinates>'
                    "113.95,33.6 113.96,33.6</coordinates></LineString></Placemark></kml>", encoding="utf-8")
    report = _import(ws, [path])
    assert not report.written and report.files[0].status == "rejected"
    assert "per-point times" in report.files[0].error.text("en")
    assert "逐点时间" in report.files[0].error.text("zh")


def test_gbk_csv_with_chinese_headers_imports(ws, tmp_path):
    lon, lat, t = F.walk(F.S1, 0.0, 900.0, offset_m=-10.0, t0=F.dt.datetime(2024, 6, 5, 8, 0, tzinfo=F.BJ))
    rows = [(f"{x:.7f}", f"{y:.7f}", F.dt.datetime.fromtimestamp(ti, F.BJ).strftime("%Y/%-m/%-d %H:%M:%S"),
             "5", "1.2", "周书记") for x, y, ti in zip(lon, lat, t)]
    path = F.write_csv(tmp_path / "巡河记录.csv", ["经度", "纬度", "定位时间", "精度(米)", "速度", "巡河人"], rows,
                       encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        with open(path, "rb") as fh:
            fh.read().decode("utf-8")
    report = _import(ws, [path])
    f = report.files[0]
    assert (f.fmt, f.encoding, f.chief_id, f.chief_from) == ("CSV", "gbk", "CV1", "column")
    p = _rows(ws, "patrols")[0]
    assert p["start_time"] == "2024-06-05T08:00:00" and p["duration_min"] == pytest.approx(750 / 60, rel=1e-6)
    assert _seg_row(ws, p["patrol_id"], F.S1)["coverage"] == pytest.approx(
        (900 + math.sqrt(D**2 - 10**2)) / 1000, rel=0.01)


def test_reimporting_the_same_file_adds_nothing(ws, tmp_path):
    lon, lat, t = F.walk(F.S1, 0.0, 600.0)
    path = F.write_gpx(tmp_path / "CV1.gpx", lon, lat, t)
    first = _import(ws, [path])
    assert first.patrols_added == 1
    before = _counts(ws, ("patrols", "patrol_segments"))
    copy = tmp_path / "copy"
    copy.mkdir()
    with open(path, "rb") as fh:
        (copy / "CV1 again.gpx").write_bytes(fh.read())
    second = _import(ws, [path, copy])
    assert second.patrols_added == 0 and not second.written
    assert [f.status for f in second.files] == ["duplicate", "duplicate"]
    assert "already imported" in second.files[0].status_text("en")
    after = _counts(ws, ("patrols", "patrol_segments"))
    assert after == before == {"patrols": 1, "patrol_segments": 2}


def test_one_bad_file_and_nothing_is_written(ws, tmp_path):
    folder = tmp_path / "tracks"
    folder.mkdir()
    F.write_gpx(folder / "CV1.gpx", *F.walk(F.S1, 0.0, 600.0))
    F.write_csv(folder / "CV2.csv", ["lon", "lat"], [("113.95", "33.6")])
    F.write_gpx(folder / "nobody.gpx", *F.walk(F.S1, 0.0, 300.0))
    report = _import(ws, [folder])
    assert not report.written and report.patrols_added == 0
    assert [(f.name, f.status) for f in report.files] == [
        ("CV1.gpx", "imported"), ("CV2.csv", "rejected"), ("nobody.gpx", "rejected")]
    assert "time" in report.files[1].error.text("en") and "定位时间" in report.files[1].error.text("zh")
    assert "no chief" in report.files[2].error.text("en")
    assert _rows(ws, "patrols") == []
    out = tmp_path / "report.csv"
    report.write_csv(str(out), "zh")
    text = out.read_text(encoding="utf-8-sig")
    assert "拒绝" in text and "未写入任何数据" in text
    again = _import(ws, [folder], valid_files_only=True)
    assert again.written and again.patrols_added == 1 and len(_rows(ws, "patrols")) == 1


def test_chief_parameter_overrides_and_unknown_chief_is_refused(ws, tmp_path):
    from hezhang_plugin.services.patrols import PatrolImportError

    path = F.write_gpx(tmp_path / "track.gpx", *F.walk(F.S2, 0.0, 600.0))
    with pytest.raises(PatrolImportError, match="no chief"):
        _import(ws, [path], chief="张三")
    report = _import(ws, [path], chief="李书记")
    assert report.files[0].chief_id == "CV2" and report.files[0].chief_from == "parameter"


# ------------------------------------------------------------------ compliance


def _june():
    from hezhang_plugin.core import patrol_rules as pr

    def patrol(pid, chief, start, minutes, km):
        return {"patrol_id": pid, "chief_id": chief, "start_time": start, "patrol_date": start[:10],
                "duration_min": minutes, "distance_km": km, "mode": "self"}

    patrols = [
        patrol("p1", "CV1", "2024-06-04T08:00:00", 45, 2.5),
        patrol("p2", "CV1", "2024-06-12T08:00:00", 12, 2.2),  # short: 12 minutes
        # week 25 (June 17-23): no patrol
        patrol("p4", "CV1", "2024-06-26T08:00:00", 40, 2.4),
        patrol("p5", "CT1", "2024-06-20T09:00:00", 60, 3.0),
    ]
    psegs = [{"patrol_id": pid, "seg_code": F.S1, "coverage": cov}
             for pid, cov in (("p1", 0.9), ("p2", 0.8), ("p4", 0.85), ("p5", 0.7))]
    assigns = [{"seg_code": F.S1, "chief_id": c, "level": lv, "role": "chief", "valid_from": "2024-01-01"}
               for c, lv in (("CD1", "district"), ("CT1", "town"), ("CV1", "village"))]
    assigns += [{"seg_code": F.S2, "chief_id": c, "level": lv, "role": "chief", "valid_from": "2024-01-01"}
                for c, lv in (("CT1", "town"), ("CV2", "village"))]
    assigns.append({"seg_code": F.S2, "chief_id": "CP1", "level": "district", "role": "police_chief",
                    "valid_from": "2024-01-01"})
    segments = [{"seg_code": s, "unit_code": u, "valid_from": "2020-01-01"} for s, u in ((F.S1, F.V1), (F.S2, F.V2))]
    return patrols, psegs, assigns, segments, pr.profiles(pr.SEED_ROWS)


def _table(rows):
    return [(r.chief_id, r.seg_code, r.period.label, r.required, r.valid, r.status) for r in rows]


def test_compliance_of_a_month_with_one_short_and_one_missing_patrol():
    from hezhang_plugin.core.patrol_compliance import compliance

    patrols, psegs, assigns, segments, profiles = _june()
    henan = compliance(patrols, psegs, assigns, segments, profiles["henan_2018"]["rules"], "2024-06-01", "2024-06-30")
    village_s2 = [("CV2", F.S2, w, 1, 0, "none") for w in ("2024-W23", "2024-W24", "2024-W25", "2024-W26")]
    assert _table(henan) == [
        ("CT1", F.S1, "2024-06", 1, 1, "ok"),
        ("CT1", F.S2, "2024-06", 1, 0, "none"),
        ("CV1", F.S1, "2024-W23", 1, 1, "ok"),
        ("CV1", F.S1, "2024-W24", 1, 1, "ok"),  # Henan sets no minimum duration
        ("CV1", F.S1, "2024-W25", 1, 0, "none"),
        ("CV1", F.S1, "2024-W26", 1, 1, "ok"),
        *village_s2,
    ]
    assert all(not r.invalid for r in henan)
    akqi = compliance(patrols, psegs, assigns, segments, profiles["akqi_2022"]["rules"], "2024-06-01", "2024-06-30")
    assert _table(akqi) == [
        ("CT1", F.S1, "2024-06", 1, 1, "ok"),
        ("CT1", F.S2, "2024-06", 1, 0, "none"),
        ("CV1", F.S1, "2024-W23", 1, 1, "ok"),
        ("CV1", F.S1, "2024-W24", 1, 0, "none"),  # 12 minutes < 30 minutes
        ("CV1", F.S1, "2024-W25", 1, 0, "none"),
        ("CV1", F.S1, "2024-W26", 1, 1, "ok"),
        *village_s2,
    ]
    w24 = akqi[3]
    assert [(pid, [r.code for r in rs]) for pid, rs in w24.invalid] == [("p2", ["min_minutes"])]
    assert w24.reasons_text("zh") == "p2: 时长 12 分钟 < 30 分钟"
    assert w24.reasons_text("en") == "p2: duration 12 min < 30 min"
    assert "有效0次/应巡1次" in w24.message("zh", "周书记")
    # Sixian: village chiefs twice a month; one valid patrol is "short".
    sixian = compliance([p for p in patrols if p["patrol_id"] != "p4" and p["patrol_id"] != "p2"], psegs,
                        assigns, segments, profiles["sixian_town"]["rules"], "2024-06-01", "2024-06-30")
    assert ("CV1", F.S1, "2024-06", 2, 1, "short") in _table(sixian)


def test_gap_rule_and_months_in_force():
    from hezhang_plugin.core import patrol_rules as pr
    from hezhang_plugin.core.patrol_compliance import compliance

    _patrols, _psegs, assigns, segments, profiles = _june()
    akqi = profiles["akqi_2022"]["rules"]
    # Two patrols 50 h apart across a week boundary: the second is too soon (96 h).
    patrols = [{"patrol_id": "a", "chief_id": "CV1", "start_time": "2024-06-08T20:00:00", "patrol_date": "2024-06-08",
                "duration_min": 40, "distance_km": 2.5, "mode": "self"},
               {"patrol_id": "b", "chief_id": "CV1", "start_time": "2024-06-10T22:00:00", "patrol_date": "2024-06-10",
                "duration_min": 40, "distance_km": 2.5, "mode": "self"}]
    psegs = [{"patrol_id": p, "seg_code": F.S1, "coverage": 0.9} for p in ("a", "b")]
    rows = [r for r in compliance(patrols, psegs, assigns, segments, akqi, "2024-06-03", "2024-06-16")
            if r.chief_id == "CV1"]
    assert [(r.period.label, r.status) for r in rows] == [("2024-W23", "ok"), ("2024-W24", "none")]
    assert rows[1].reasons_text("zh") == "b: 距上次巡河 50 小时 < 96 小时"
    # Akqi's town and village rules hold March to December: nothing is owed in January.
    jan = compliance([], [], assigns, segments, akqi, "2024-01-01", "2024-01-31")
    assert {r.level for r in jan} == set()
    assert pr.parse_months("3-12") == frozenset(range(3, 13))
    assert pr.parse_months("11-2") == frozenset({11, 12, 1, 2})


def test_periods_belong_to_the_range_of_their_middle_day():
    from hezhang_plugin.core.patrol_rules import period_label, periods

    weeks = periods("week", "2024-06-01", "2024-06-30")
    assert [(p.start, p.end) for p in weeks] == [("2024-06-03", "2024-06-09"), ("2024-06-10", "2024-06-16"),
                                                ("2024-06-17", "2024-06-23"), ("2024-06-24", "2024-06-30")]
    july = periods("week", "2024-07-01", "2024-07-31")
    assert july[0].start == "2024-07-01" and july[-1].start == "2024-07-22"  # Jul 29-Aug 4 belongs to August
    dekads = periods("dekad", "2024-02-01", "2024-02-29")
    assert [(p.start, p.end) for p in dekads] == [("2024-02-01", "2024-02-10"), ("2024-02-11", "2024-02-20"),
                                                 ("2024-02-21", "2024-02-29")]
    assert period_label(dekads[2], "zh") == "2024年2月下旬"
    q = periods("quarter", "2024-04-01", "2024-06-30")
    assert [(p.start, p.end, p.label) for p in q] == [("2024-04-01", "2024-06-30", "2024-Q2")]
    assert period_label(weeks[0], "zh") == "2024年第23周"


# ------------------------------------------------------------------ schema and algorithms


def test_rule_profiles_are_seeded_in_new_and_migrated_workspaces(tmp_path, qgis_app):
    from qgis.core import QgsProject, QgsRuleBasedRenderer

    from hezhang_plugin.core import patrol_rules as pr
    from hezhang_plugin.core import schema
    from hezhang_plugin.data import workspace as wsmod
    from hezhang_plugin.data.patrols_store import read_rules

    new = str(tmp_path / "new.gpkg")
    wsmod.create_workspace(new, "411171", "测试区", None)
    rules = read_rules(new)
    assert len(rules) == len(pr.SEED_ROWS) == 9
    key, prof = pr.choose_profile(rules)
    assert key == "henan_2018" and {lv: r.period for lv, r in prof["rules"].items()} == {
        "district": "quarter", "town": "month", "village": "week"}
    old = str(tmp_path / "old.gpkg")
    wsmod.create_workspace(old, "411171", "测试区", None, version=2)
    assert read_rules(old) == []
    prj = QgsProject()
    wsmod.open_workspace(old, prj)
    assert [r["profile"] for r in read_rules(old)] == [r["profile"] for r in rules]
    patrols = next(v for v in prj.mapLayers().values() if v.source().endswith("=patrols"))
    assert patrols.isValid() and patrols.name() == "巡河轨迹"
    assert isinstance(patrols.renderer(), QgsRuleBasedRenderer)
    assert [r.label() for r in patrols.renderer().rootRule().children()] == ["有效巡河", "无效巡河", "未核验"]
    groups = [g.name() for g in prj.layerTreeRoot().findGroups()]
    assert groups.index(schema.GROUP_PATROLS) < groups.index(schema.GROUP_RIVERS)
    assert prj.relationManager().relation("patrol_segment_rows").isValid()
    prj.clear()


def test_import_and_check_algorithms(ws, tmp_path, processing_ready):
    from qgis import processing

    folder = tmp_path / "tracks"
    folder.mkdir()
    F.write_gpx(folder / "CV1_0603.gpx", *F.walk(F.S1, 0.0, 900.0, offset_m=10.0))
    report = str(tmp_path / "report.csv")
    res = processing.run("hezhang:importpatrols", {"WORKSPACE": ws, "INPUT": [str(folder)], "COORDINATES": 0,
                                                   "OUTPUT_REPORT": report})
    assert (res["PATROLS_ADDED"], res["REJECTED"], res["DUPLICATES"]) == (1, 0, 0)
    assert os.path.exists(report)
    again = processing.run("hezhang:importpatrols", {"WORKSPACE": ws, "INPUT": [str(folder)]})
    assert (again["PATROLS_ADDED"], again["DUPLICATES"]) == (0, 1)
    out = processing.run("hezhang:checkpatrols", {"WORKSPACE": ws, "START": "2024-06-03", "END": "2024-06-09",
                                                  "PROFILE": "akqi_2022", "OUTPUT": "memory:"})
    layer = out["OUTPUT"]
    feats = sorted(layer.getFeatures(), key=lambda f: (f["chief_id"], f["seg_code"]))
    got = [(f["chief_id"], f["seg_code"], f["period"], f["required"], f["valid"], f["status"]) for f in feats]
    # One week of village rules; CV1's 12.5-minute, 0.9 km patrol is too short for Akqi (30 min, 2 km).
    assert got == [("CV1", F.S1, "2024-W23", 1, 0, "none"), ("CV1", F.S3, "2024-W23", 1, 0, "none"),
                   ("CV2", F.S2, "2024-W23", 1, 0, "none")]
    # The patrol of S1 is not listed under S3, which it did not try to cover.
    assert feats[0]["reasons"].endswith(": duration 12 min < 30 min; distance 0.90 km < 2 km")
    assert not feats[1]["reasons"]
    assert all(f.geometry().length() > 0 for f in feats) and out["PROFILE_USED"] == "akqi_2022"
    henan = processing.run("hezhang:checkpatrols", {"WORKSPACE": ws, "START": "2024-06-03", "END": "2024-06-09",
                                                    "OUTPUT": "memory:"})
    assert (henan["OK"], henan["SHORT"], henan["NONE"], henan["PROFILE_USED"]) == (1, 0, 2, "henan_2018")
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="no patrol rule profile"):
        processing.run("hezhang:checkpatrols", {"WORKSPACE": ws, "START": "2024-06-03", "END": "2024-06-09",
                                                "PROFILE": "nowhere", "OUTPUT": "memory:"})


def test_a_patrol_of_another_segment_is_not_listed_but_a_wrong_bank_patrol_is():
    from hezhang_plugin.core import patrol_rules as pr
    from hezhang_plugin.core.patrol_compliance import compliance

    patrols = [{"patrol_id": pid, "chief_id": "CV1", "start_time": f"2024-06-0{d}T08:00:00",
                "patrol_date": f"2024-06-0{d}", "duration_min": 40, "distance_km": 1.0, "mode": "self"}
               for pid, d in (("s1", 4), ("wrong", 5))]
    psegs = [{"patrol_id": "s1", "seg_code": F.S1, "coverage": 0.9}, {"patrol_id": "s1", "seg_code": F.S3, "coverage": 0.0},
             {"patrol_id": "wrong", "seg_code": F.S1, "coverage": 0.0},
             {"patrol_id": "wrong", "seg_code": F.S3, "coverage": 0.0}]
    assigns = [{"seg_code": s, "chief_id": "CV1", "level": "village", "role": "chief", "valid_from": "2024-01-01"}
               for s in (F.S1, F.S3)]
    segments = [{"seg_code": F.S1, "unit_code": F.V1}, {"seg_code": F.S3, "unit_code": F.V1}]
    rules = pr.profiles(pr.SEED_ROWS)["henan_2018"]["rules"]
    rows = {r.seg_code: r for r in compliance(patrols, psegs, assigns, segments, rules, "2024-06-03", "2024-06-09")}
    assert (rows[F.S1].status, rows[F.S3].status) == ("ok", "none")
    assert [pid for pid, _ in rows[F.S1].invalid] == ["wrong"]
    assert [pid for pid, _ in rows[F.S3].invalid] == ["wrong"]
