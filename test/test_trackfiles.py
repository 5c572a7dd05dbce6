"""Reading patrol track files (data.trackfiles) where users' files differ from the usual:
GPX times written with an offset instead of Z, GPX files holding a route or nothing, a file
that is not GPX, folders and missing paths. Expected times are computed with datetime."""

from __future__ import annotations

import datetime as dt
import math

import pytest

GPX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
            'xmlns="http://www.topografix.com/GPX/1/1">')


def _read(tmp_path, name, text):
    from hezhang_plugin.data import trackfiles

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return trackfiles.read_track(str(path), path.read_bytes())


def test_gpx_times_with_an_offset_are_read_as_the_instant_written(tmp_path):
    """08:00+08:00 is 00:00 UTC (Beijing time as a phone writes it); a point without time has none."""
    raw = _read(tmp_path, "CV1.gpx", GPX_HEAD + "<trk><trkseg>"
                '<trkpt lat="34.5" lon="113.25"><time>2024-06-03T08:00:00+08:00</time></trkpt>'
                '<trkpt lat="34.5005" lon="113.2505"><time>2024-06-03T08:00:30+08:00</time></trkpt>'
                '<trkpt lat="34.501" lon="113.251"></trkpt>'
                "</trkseg></trk></gpx>")
    start = dt.datetime(2024, 6, 3, 0, 0, 0, tzinfo=dt.timezone.utc).timestamp()
    assert list(raw.lon) == [113.25, 113.2505, 113.251] and list(raw.lat) == [34.5, 34.5005, 34.501]
    assert list(raw.t[:2]) == [start, start + 30.0] and math.isnan(raw.t[2])
    assert len(set(raw.part.tolist())) == 1  # one track segment


@pytest.mark.parametrize("name, text, key, en, zh", [
    ("plan.gpx", GPX_HEAD + '<rte><rtept lat="34.5" lon="113.25"/><rtept lat="34.6" lon="113.3"/></rte></gpx>',
     "patrol.file.gpx_route", "plan.gpx: the GPX holds a planned route, not a recorded track", "plan.gpx"),
    ("empty.gpx", GPX_HEAD + "<trk><trkseg></trkseg></trk></gpx>",
     "patrol.file.gpx_no_points", "empty.gpx: the GPX holds no track points", "empty.gpx：GPX中没有轨迹点"),
    ("notes.gpx", "这不是轨迹文件", "patrol.file.gpx_unreadable", "notes.gpx: not readable as GPX", "notes.gpx：无法按GPX读取"),
])
def test_gpx_that_cannot_be_used_is_named_with_the_reason(tmp_path, name, text, key, en, zh):
    from hezhang_plugin.core.tracks import TrackFileError

    with pytest.raises(TrackFileError) as exc:
        _read(tmp_path, name, text)
    assert exc.value.message.key == key
    assert str(exc.value).startswith(en) and exc.value.text("zh").startswith(zh)


def test_inputs_expand_folders_by_extension_once_each_and_name_a_missing_path(tmp_path):
    from hezhang_plugin.core.tracks import TrackFileError
    from hezhang_plugin.data import trackfiles

    folder = tmp_path / "巡河"
    folder.mkdir()
    for name in ("b.kml", "a.GPX", "readme.md", "c.csv"):
        (folder / name).write_text("x", encoding="utf-8")
    (folder / "sub.gpx").mkdir()  # a folder named like a track file is not one
    got = trackfiles.expand_inputs([str(folder), str(folder / "a.GPX"), "  ", ""])
    assert [p.split("巡河")[1][1:] for p in got] == ["a.GPX", "b.kml", "c.csv"]
    with pytest.raises(TrackFileError) as exc:
        trackfiles.expand_inputs([str(tmp_path / "gone.gpx")])
    assert exc.value.message.key == "patrol.file.missing" and "gone.gpx" in str(exc.value)
