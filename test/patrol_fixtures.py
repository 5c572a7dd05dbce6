"""A small patrol workspace and tracks generated along its segments on the ellipsoid
(pyproj.Geod, GRS80 = CGCS2000), written as GPX, KML and CSV by hand (not by the code under
test), so expected values come from geometry alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, box

GEOD = Geod(a=6378137.0, rf=298.257222101)
BJ = dt.timezone(dt.timedelta(hours=8))

DISTRICT = "411171000000"
TOWN = "411171100000"
V1 = "411171100001"
V2 = "411171100002"
LON0, LAT0 = 113.95, 33.60
RIVER2_LAT = 33.61
S1, S2, S3 = "411171000001", "411171000002", "411171000003"
SEG_M = 1000.0  # each segment is 1 km long, due east


def _east(lon, lat, metres):
    x, y, _ = GEOD.fwd(lon, lat, 90.0, metres)
    return x, y


def segment_ends():
    """(start, end) lon/lat of S1, S2 (one river, both banks) and S3 (a boundary river: left bank)."""
    a = (LON0, LAT0)
    b = _east(*a, SEG_M)
    c = _east(*b, SEG_M)
    d = (LON0, RIVER2_LAT)
    e = _east(*d, SEG_M)
    return {S1: (a, b), S2: (b, c), S3: (d, e)}


def fill(path):
    """District, town, two villages, two rivers, three segments, chiefs and appointments."""
    from hezhang_plugin.data.io import write_rows

    ends = segment_ends()
    bbox = box(LON0 - 0.01, LAT0 - 0.01, LON0 + 0.03, RIVER2_LAT + 0.01)
    write_rows(path, "admin_units", [
        {"code": DISTRICT, "name": "测试区", "level": "district", "geom": shapely.multipolygons([bbox])},
        {"code": TOWN, "name": "周庄镇", "level": "town", "parent_code": DISTRICT,
         "geom": shapely.multipolygons([bbox])},
        {"code": V1, "name": "周庄村", "level": "village", "parent_code": TOWN,
         "geom": shapely.multipolygons([box(LON0 - 0.01, LAT0 - 0.01, ends[S1][1][0], RIVER2_LAT + 0.01)])},
        {"code": V2, "name": "李庄村", "level": "village", "parent_code": TOWN,
         "geom": shapely.multipolygons([box(ends[S1][1][0], LAT0 - 0.01, LON0 + 0.03, RIVER2_LAT + 0.01)])},
    ])
    write_rows(path, "rivers", [
        {"river_code": "R1", "name": "沙河", "geom": shapely.multilinestrings([LineString([ends[S1][0], ends[S2][1]])])},
        {"river_code": "R2", "name": "界河", "geom": shapely.multilinestrings([LineString(ends[S3])])},
    ])
    segs = [
        (S1, "R1", "沙河周庄村段", "both", V1),
        (S2, "R1", "沙河李庄村段", "both", V2),
        (S3, "R2", "界河周庄村段", "left", V1),
    ]
    write_rows(path, "segments", [
        {"seg_code": code, "river_code": river, "name": name, "bank": bank, "unit_code": unit,
         "length_km": 1.0, "valid_from": "2020-01-01", "geom": shapely.multilinestrings([LineString(ends[code])])}
        for code, river, name, bank, unit in segs])
    write_rows(path, "chiefs", [
        {"chief_id": "CD1", "name": "王区长", "level": "district", "role": "chief", "unit_code": DISTRICT,
         "active": True},
        {"chief_id": "CT1", "name": "赵镇长", "level": "town", "role": "chief", "unit_code": TOWN, "active": True},
        {"chief_id": "CV1", "name": "周书记", "level": "village", "role": "chief", "unit_code": V1, "active": True},
        {"chief_id": "CV2", "name": "李书记", "level": "village", "role": "chief", "unit_code": V2, "active": True},
    ])
    rows = []
    for seg, village in ((S1, "CV1"), (S2, "CV2"), (S3, "CV1")):
        for cid, level in (("CD1", "district"), ("CT1", "town"), (village, "village")):
            rows.append({"seg_code": seg, "chief_id": cid, "level": level, "role": "chief",
                         "valid_from": "2020-01-01"})
    write_rows(path, "assignments", rows)
    return path


def walk(seg: str, start_m: float, end_m: float, offset_m: float = 0.0, speed=1.2, interval=5.0,
         t0: dt.datetime = dt.datetime(2024, 6, 3, 8, 0, tzinfo=BJ)):
    """Points along a segment from ``start_m`` to ``end_m`` (metres from its start) at
    ``offset_m`` to its left (negative: right), at ``speed`` m/s, one every ``interval`` s.
    Returns (lon, lat, epoch seconds)."""
    (lon_a, lat_a), _ = segment_ends()[seg]
    s = np.arange(start_m, end_m + 1e-9, speed * interval)
    n = len(s)
    blon, blat, _ = GEOD.fwd(np.full(n, lon_a), np.full(n, lat_a), np.full(n, 90.0), s)
    side = 0.0 if offset_m >= 0 else 180.0  # left of eastward is north
    lon, lat, _ = GEOD.fwd(blon, blat, np.full(n, side), np.full(n, abs(offset_m)))
    t = t0.timestamp() + (s - start_m) / speed
    return np.asarray(lon), np.asarray(lat), t


def _iso_utc(t):
    return dt.datetime.fromtimestamp(t, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_gpx(path, lon, lat, t):
    pts = "\n".join(f'<trkpt lat="{y:.8f}" lon="{x:.8f}"><time>{_iso_utc(ti)}</time></trkpt>'
                    for x, y, ti in zip(lon, lat, t))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
                 'xmlns="http://www.topografix.com/GPX/1/1"><trk><name>巡河</name><trkseg>\n'
                 f"{pts}\n</trkseg></trk></gpx>\n")
    return str(path)


def write_kml(path, lon, lat, t, offset_hours=8):
    tz = dt.timezone(dt.timedelta(hours=offset_hours))
    whens = "\n".join(f"<when>{dt.datetime.fromtimestamp(ti, tz).isoformat()}</when>" for ti in t)
    coords = "\n".join(f"<gx:coord>{x:.8f} {y:.8f} 80</gx:coord>" for x, y in zip(lon, lat))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2" '
                 'xmlns:gx="http://www.google.com/kml/ext/2.2"><Document><Placemark><name>巡河轨迹</name>'
                 f"<gx:Track>\n{whens}\n{coords}\n</gx:Track></Placemark></Document></kml>\n")
    return str(path)


def write_csv(path, header, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        fh.write(",".join(header) + "\r\n")
        for r in rows:
            fh.write(",".join(str(v) for v in r) + "\r\n")
    return str(path)


def beijing_text(t):
    return dt.datetime.fromtimestamp(t, BJ).strftime("%Y-%m-%d %H:%M:%S")
