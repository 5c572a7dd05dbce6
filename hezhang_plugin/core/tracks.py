"""Patrol tracks: reading KML and CSV track files, times, cleaning, and lines with times as
measures (M) in WKB.

A track is a sequence of points with longitude/latitude in degrees and a time in seconds
since 1970-01-01 UTC (float). Times written without a zone are Beijing time (UTC+8; China
has had no daylight saving since 1991) for CSV and KML, which phone apps write in local
time; GPX times are UTC by the GPX 1.1 standard (GPX is read through OGR in
the plugin's data layer, module ``trackfiles``; core does not import it).

Cleaning follows what the field apps do (see PATROLS.md): drop points with poor accuracy
(> 50 m), repeated times and impossible single-point jumps (> 120 km/h there and back),
then split the track where it jumps impossibly far or pauses longer than a limit (30 min),
and drop pieces too short to be a patrol. Every dropped point is counted by reason.

Pure Python + numpy (+ pyproj's geodesic for speeds). No QGIS, no workspace access.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import Optional

import numpy as np

from hezhang_plugin.core.messages import HezhangError, Message, Text

#: Beijing time: UTC+8 all year.
BEIJING = _dt.timezone(_dt.timedelta(hours=8))

MAX_SPEED_KMH = 120.0
MAX_ACCURACY_M = 50.0
MAX_GAP_MIN = 30.0
MIN_POINTS = 3
MIN_PART_S = 60.0


class TrackFileError(HezhangError):
    """A track file that cannot be used; the message (core.messages ``patrol.file.*``) names
    the file and says why, in English and Chinese."""


@dataclass
class RawTrack:
    """Points as read from a file, before cleaning (arrays of equal length)."""

    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray  # seconds since epoch UTC; NaN where the file gave no usable time
    fmt: str
    accuracy: Optional[np.ndarray] = None  # metres; NaN where unknown
    part: Optional[np.ndarray] = None  # track/segment number in the file; a new number splits
    chief_hint: Optional[str] = None  # chief id or name from a column of the file
    encoding: str = ""
    bad_rows: int = 0  # rows whose coordinates could not be read


# ------------------------------------------------------------------ times

_TEXT_TIME = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:时]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:[.,](\d+))?)?\s*秒?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$")
_COMPACT_TIME = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\s*$")


def parse_time_text(text: str, naive: _dt.tzinfo = BEIJING) -> Optional[float]:
    """Seconds since epoch UTC of a written time: ISO 8601 (with or without zone), Chinese
    (2024年4月1日 08:30:00), slashes (2024/4/1 8:30) or compact 20240401083000. Times
    without a zone are taken in ``naive`` (Beijing time by default). None when unreadable."""
    m = _TEXT_TIME.match(text or "")
    if m:
        y, mo, d, hh, mm, ss, frac, zone = m.groups()
        tz = naive
        if zone:
            if zone == "Z":
                tz = _dt.timezone.utc
            else:
                sign = 1 if zone[0] == "+" else -1
                z = zone[1:].replace(":", "")
                tz = _dt.timezone(sign * _dt.timedelta(hours=int(z[:2]), minutes=int(z[2:])))
        try:
            value = _dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0), tzinfo=tz)
        except ValueError:
            return None
        return value.timestamp() + (float("0." + frac) if frac else 0.0)
    m = _COMPACT_TIME.match(text or "")
    if m:
        try:
            return _dt.datetime(*(int(g) for g in m.groups()), tzinfo=naive).timestamp()
        except ValueError:
            return None
    return None


def parse_times(values: list, naive: _dt.tzinfo = BEIJING) -> np.ndarray:
    """Epoch seconds (UTC) of a column of times: numbers are epoch seconds, or epoch
    milliseconds when above 1e11 (a date after 5138 in seconds); text as in
    :func:`parse_time_text`. NaN where unreadable."""
    try:
        nums = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        nums = None
    if nums is not None and len(nums) and np.isfinite(nums).all() and np.abs(nums).max() < 1e13:
        return np.where(np.abs(nums) > 1e11, nums / 1000.0, nums)
    out = np.full(len(values), np.nan)
    for i, v in enumerate(values):
        if v is None:
            continue
        s = str(v).strip()
        if not s:
            continue
        try:
            num = float(s)
        except ValueError:
            num = None
        if num is not None and np.isfinite(num) and not _COMPACT_TIME.match(s):
            out[i] = num / 1000.0 if abs(num) > 1e11 else num
            continue
        t = parse_time_text(s, naive)
        if t is not None:
            out[i] = t
    return out


def beijing_text(epoch_s: float) -> str:
    """Beijing time of an epoch second as ISO text without zone, to the second."""
    return _dt.datetime.fromtimestamp(round(float(epoch_s)), BEIJING).replace(tzinfo=None).isoformat()


def beijing_date(epoch_s: float) -> str:
    return _dt.datetime.fromtimestamp(float(epoch_s), BEIJING).date().isoformat()


# ------------------------------------------------------------------ CSV

_CSV_ALIASES = {
    "lon": ("lon", "lng", "long", "longitude", "x", "经度", "经度值", "gpslongitude", "gps经度"),
    "lat": ("lat", "latitude", "y", "纬度", "纬度值", "gpslatitude", "gps纬度"),
    "time": ("time", "timestamp", "datetime", "date_time", "gpstime", "gps_time", "locationtime",
             "loctime", "定位时间", "时间", "采集时间", "时间戳", "记录时间", "轨迹时间", "上报时间"),
    "accuracy": ("accuracy", "acc", "horizontalaccuracy", "horizontal_accuracy", "precision", "精度",
                 "定位精度", "水平精度"),
    "speed": ("speed", "速度"),
    "chief": ("chief_id", "chief id", "chiefid", "河长编号", "河长", "巡河人", "河长姓名", "chief", "patroller"),
}
_CSV_LOOKUP = {re.sub(r"[\s_]+", "", a.lower()): canon for canon, aliases in _CSV_ALIASES.items()
               for a in aliases}


def map_csv_header(header: list[str]) -> dict[str, int]:
    """Canonical column (lon, lat, time, accuracy, speed, chief) → column index."""
    out: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = re.sub(r"[\s_]+", "", (cell or "").strip().lower().replace("\ufeff", ""))
        key = re.sub(r"[（(\[].*?[)）\]]", "", key) or key
        canon = _CSV_LOOKUP.get(key)
        if canon and canon not in out:
            out[canon] = i
    return out


def _float(text: str) -> float:
    try:
        return float(text.strip())
    except (TypeError, ValueError):
        return float("nan")


def _floats(values: list) -> np.ndarray:
    """Numbers of a column (NaN where a cell is not a number), converted in one go when all are."""
    try:
        return np.asarray(values, dtype=float)
    except ValueError:
        return np.array([_float(v) for v in values], dtype=float)


def read_csv_track(data: bytes, name: str = "") -> RawTrack:
    """A track from a phone app's CSV export: UTF-8 (with or without BOM) or GBK/GB18030,
    comma, semicolon or tab separated, with Chinese or English headers."""
    from hezhang_plugin.core.sheets import SheetError, detect_encoding

    try:
        enc = detect_encoding(data)
    except SheetError as exc:  # detect_encoding raises the sheet error, not the roster one
        raise TrackFileError("patrol.file.not_text", name=name) from exc
    text = data.decode(enc)
    # The separator is the one the header line uses most (phone apps write , ; or tab).
    head = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(",;\t", key=head.count)
    table = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    if not table:
        raise TrackFileError("patrol.file.empty", name=name)
    cols = map_csv_header(table[0])
    missing = [c for c in ("lon", "lat", "time") if c not in cols]
    if missing:
        zh = {"lon": "经度/lon", "lat": "纬度/lat", "time": "定位时间/time"}
        found = [c for c in table[0] if c]
        raise TrackFileError("patrol.file.header", name=name,
                             missing=Text(", ".join(missing), "、".join(zh[c] for c in missing)),
                             found=Text(", ".join(found), "、".join(found)))
    rows = table[1:]

    width = max(cols.values()) + 1
    rows = [r if len(r) >= width else r + [""] * (width - len(r)) for r in rows]

    def col(key):
        i = cols[key]
        return [r[i] for r in rows]

    lon = _floats(col("lon"))
    lat = _floats(col("lat"))
    t = parse_times(col("time"))
    acc = _floats(col("accuracy")) if "accuracy" in cols else None
    chiefs = {v.strip() for v in col("chief") if v.strip()} if "chief" in cols else set()
    bad = int(np.count_nonzero(~(np.isfinite(lon) & np.isfinite(lat))))
    return RawTrack(lon, lat, t, "CSV", acc, None, next(iter(chiefs)) if len(chiefs) == 1 else None, enc, bad)


# ------------------------------------------------------------------ KML

def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_kml_track(data: bytes, name: str = "") -> RawTrack:
    """Points with times from KML ``gx:Track`` (or KML 2.3 ``Track``) elements, each
    ``<when>`` paired with its ``<gx:coord>``; a KMZ's main KML is read from the archive.

    Parsed with the standard XML library because GDAL's LIBKML driver keeps only the
    begin/end of a gx:Track. Files declaring a DTD or entities are refused (no entity
    expansion). A KML of plain LineStrings has no per-point times and is refused."""
    import xml.etree.ElementTree as ET  # noqa: S405  # nosec B405 - DTDs refused below

    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
                main = "doc.kml" if "doc.kml" in kmls else (kmls[0] if kmls else None)
                if main is None:
                    raise TrackFileError("patrol.file.kmz_no_kml", name=name)
                data = zf.read(main)
        except zipfile.BadZipFile as exc:
            raise TrackFileError("patrol.file.kmz_damaged", name=name) from exc
    head = data[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in data.upper():
        raise TrackFileError("patrol.file.kml_dtd", name=name)
    try:
        root = ET.fromstring(data)  # noqa: S314  # nosec B314 - no DTD/entities (checked above)
    except ET.ParseError as exc:
        raise TrackFileError("patrol.file.kml_unreadable", name=name, reason=str(exc)) from exc
    lon, lat, t, part = [], [], [], []
    n_tracks = 0
    lines = 0
    for el in root.iter():
        tag = _local(el.tag)
        if tag == "LineString":
            lines += 1
        if tag != "Track":
            continue
        whens = [c.text or "" for c in el if _local(c.tag) == "when"]
        coords = [c.text or "" for c in el if _local(c.tag) == "coord"]
        if not coords:
            continue
        n_tracks += 1
        times = parse_times(whens) if len(whens) == len(coords) else np.full(len(coords), np.nan)
        for c, ti in zip(coords, times):
            xyz = c.replace(",", " ").split()
            lon.append(_float(xyz[0]) if xyz else np.nan)
            lat.append(_float(xyz[1]) if len(xyz) > 1 else np.nan)
            t.append(ti)
            part.append(n_tracks)
    if not n_tracks:
        if lines:
            raise TrackFileError("patrol.file.kml_no_times", name=name)
        raise TrackFileError("patrol.file.kml_no_track", name=name)
    lon_a, lat_a = np.array(lon, dtype=float), np.array(lat, dtype=float)
    bad = int(np.count_nonzero(~(np.isfinite(lon_a) & np.isfinite(lat_a))))
    return RawTrack(lon_a, lat_a, np.array(t, dtype=float), "KML", None, np.array(part), None, "", bad)


# ------------------------------------------------------------------ cleaning


@dataclass
class Cleaning:
    """What cleaning did to one file's points (counts of points unless said otherwise)."""

    read: int = 0
    bad_coordinates: int = 0
    no_time: int = 0
    poor_accuracy: int = 0
    duplicate_time: int = 0
    spikes: int = 0
    fragments: int = 0  # points in pieces too short to be a patrol
    jumps: int = 0  # splits at impossible jumps (number of splits)
    gaps: int = 0  # splits at long pauses (number of splits)
    kept: int = 0

    @property
    def dropped(self) -> int:
        return self.read - self.kept

    def message(self) -> Text:
        """What cleaning did, in both languages (``patrol.clean.*`` messages)."""
        keys = ("bad_coordinates", "no_time", "poor_accuracy", "duplicate_time", "spikes", "fragments")
        parts = {}
        for lang in ("en", "zh"):
            text = Message("patrol.clean.read", read=self.read, kept=self.kept).text(lang)
            items = [Message(f"patrol.clean.{k}", n=getattr(self, k)).text(lang) for k in keys if getattr(self, k)]
            if items:
                text += Message("patrol.clean.dropped", items=Text(", ".join(items), "，".join(items))).text(lang)
            if self.gaps or self.jumps:
                text += Message("patrol.clean.splits", gaps=self.gaps, jumps=self.jumps).text(lang)
            parts[lang] = text
        return Text(parts["en"], parts["zh"])

    def text(self, lang: str = "en") -> str:
        return self.message().text(lang)


@dataclass
class TrackPart:
    """One cleaned, continuous piece of a track: a patrol."""

    lon: np.ndarray
    lat: np.ndarray
    t: np.ndarray
    number: int = 1
    step_m: Optional[np.ndarray] = None  # geodesic length (m) of each step, as read

    @property
    def km(self) -> float:
        """Ellipsoidal length of the piece in km (CGCS2000/GRS80 geodesic)."""
        steps = self.step_m if self.step_m is not None else _steps_m(self.lon, self.lat)
        return float(np.sum(steps)) / 1000.0

    @property
    def start(self) -> float:
        return float(self.t[0])

    @property
    def end(self) -> float:
        return float(self.t[-1])

    @property
    def minutes(self) -> float:
        return (self.end - self.start) / 60.0


@dataclass
class CleanOptions:
    max_speed_kmh: float = MAX_SPEED_KMH
    max_accuracy_m: float = MAX_ACCURACY_M
    max_gap_min: float = MAX_GAP_MIN
    min_points: int = MIN_POINTS
    min_part_s: float = MIN_PART_S


def _dist_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distances (m, CGCS2000/GRS80 ellipsoid) between paired points."""
    from hezhang_plugin.core.geodesy import _geod

    if len(lon1) == 0:
        return np.zeros(0)
    _, _, d = _geod().inv(lon1, lat1, lon2, lat2)
    return np.asarray(d, dtype=float)


def _steps_m(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Geodesic length (m) of each step of a polyline."""
    return _dist_m(lon[:-1], lat[:-1], lon[1:], lat[1:])


def clean(raw: RawTrack, options: Optional[CleanOptions] = None) -> tuple[list[TrackPart], Cleaning]:
    """Cleaned patrol pieces of a raw track and the counts of what was dropped and split."""
    o = options or CleanOptions()
    c = Cleaning(read=len(raw.lon))
    lon, lat, t = (np.asarray(a, dtype=float) for a in (raw.lon, raw.lat, raw.t))
    part = np.asarray(raw.part) if raw.part is not None else np.zeros(len(lon), dtype=int)
    ok_xy = (np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
             & ~((lon == 0) & (lat == 0)))
    c.bad_coordinates = int(np.count_nonzero(~ok_xy))
    ok_t = np.isfinite(t)
    c.no_time = int(np.count_nonzero(ok_xy & ~ok_t))
    keep = ok_xy & ok_t
    if raw.accuracy is not None:
        acc = np.asarray(raw.accuracy, dtype=float)
        poor = keep & np.isfinite(acc) & (acc > o.max_accuracy_m)
        c.poor_accuracy = int(np.count_nonzero(poor))
        keep &= ~poor
    lon, lat, t, part = lon[keep], lat[keep], t[keep], part[keep]
    order = np.argsort(t, kind="stable")
    lon, lat, t, part = lon[order], lat[order], t[order], part[order]
    if len(t) > 1:
        dup = np.concatenate([[False], np.diff(t) == 0])
        c.duplicate_time = int(np.count_nonzero(dup))
        lon, lat, t, part = lon[~dup], lat[~dup], t[~dup], part[~dup]
    vmax = o.max_speed_kmh / 3.6
    # Spikes: a point reached too fast and left too fast, while its neighbours are within
    # reach of each other. Repeated, as removing one spike can reveal the next.
    d = _steps_m(lon, lat)
    for _ in range(10):
        if len(t) < 3:
            break
        v = d / np.diff(t)
        fast = np.flatnonzero((v[:-1] > vmax) & (v[1:] > vmax)) + 1  # points with both steps too fast
        if not len(fast):
            break
        v_direct = _dist_m(lon[fast - 1], lat[fast - 1], lon[fast + 1], lat[fast + 1]) / (t[fast + 1] - t[fast - 1])
        spike = np.zeros(len(t), dtype=bool)
        spike[fast[v_direct <= vmax]] = True
        # Of two spikes side by side remove only the first this round.
        spike[1:] &= ~spike[:-1]
        if not spike.any():
            break
        c.spikes += int(np.count_nonzero(spike))
        lon, lat, t, part = lon[~spike], lat[~spike], t[~spike], part[~spike]
        d = _steps_m(lon, lat)
    parts: list[TrackPart] = []
    if len(t):
        split = np.zeros(len(t), dtype=bool)
        if len(t) > 1:
            dt = np.diff(t)
            v = d / dt
            jump = v > vmax
            gap = (dt > o.max_gap_min * 60.0) & ~jump
            newpart = part[1:] != part[:-1]
            c.jumps = int(np.count_nonzero(jump & ~newpart))
            c.gaps = int(np.count_nonzero(gap & ~newpart))
            split[1:] = jump | gap | newpart
        starts = np.flatnonzero(split).tolist()
        bounds = [0, *starts, len(t)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            if b - a < o.min_points or t[b - 1] - t[a] < o.min_part_s:
                c.fragments += b - a
                continue
            parts.append(TrackPart(lon[a:b], lat[a:b], t[a:b], len(parts) + 1, d[a:b - 1]))
    c.kept = sum(len(p.t) for p in parts)
    return parts, c


# ------------------------------------------------------------------ lines with measures

_WKB_LINESTRING_M = 2002  # ISO WKB LineString M


def linestring_m_wkb(x, y, m) -> bytes:
    """ISO WKB (little endian) of a LineString M: vertices (x, y) with measure m."""
    xyz = np.column_stack([np.asarray(x, float), np.asarray(y, float), np.asarray(m, float)])
    return struct.pack("<BII", 1, _WKB_LINESTRING_M, len(xyz)) + xyz.astype("<f8").tobytes()


def linestring_m_from_wkb(wkb: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, m) of an ISO WKB LineString M, ZM or plain 2D/Z LineString (m NaN when absent).

    Raises ValueError for other geometry types."""
    wkb = bytes(wkb)
    order = "<" if wkb[0] == 1 else ">"
    gtype, n = struct.unpack(order + "II", wkb[1:9])
    dims = {2: 2, 1002: 3, 2002: 3, 3002: 4}.get(gtype)
    if dims is None:
        raise ValueError(f"WKB geometry type {gtype} is not a LineString")
    arr = np.frombuffer(wkb, dtype=order + "f8", count=n * dims, offset=9).reshape(n, dims)
    m = arr[:, 2] if gtype == 2002 else (arr[:, 3] if gtype == 3002 else np.full(n, np.nan))
    return arr[:, 0].copy(), arr[:, 1].copy(), np.array(m, dtype=float)
