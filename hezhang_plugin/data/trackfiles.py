"""Track files on disk: which files a folder holds, their SHA-256, and reading each by format
(GPX through OGR's ``track_points`` layer; KML/KMZ and CSV through core.tracks)."""

from __future__ import annotations

import hashlib
import os
import re
from typing import Iterable

import numpy as np
from osgeo import gdal

from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.core.tracks import RawTrack, TrackFileError, read_csv_track, read_kml_track

TRACK_EXTENSIONS = (".gpx", ".kml", ".kmz", ".csv", ".txt")


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files named, plus the track files (by extension) directly inside folders named,
    sorted by name; duplicates once. Missing paths raise :class:`TrackFileError`."""
    out: list[str] = []
    for item in inputs:
        item = (item or "").strip()
        if not item:
            continue
        if os.path.isdir(item):
            for name in sorted(os.listdir(item)):
                path = os.path.join(item, name)
                if os.path.isfile(path) and name.lower().endswith(TRACK_EXTENSIONS):
                    out.append(path)
        elif os.path.isfile(item):
            out.append(item)
        else:
            raise TrackFileError("patrol.file.missing", path=item)
    return list(dict.fromkeys(os.path.abspath(p) for p in out))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


#: A GPX time written with an offset instead of Z (OGR's Arrow reader drops such offsets).
_OFFSET_TIME = re.compile(rb"<time>[^<]*T[^<]*[+-]\d\d:?\d\d\s*</time>")


@gdal_exceptions
def _gpx_points(path: str, data: bytes = b"") -> RawTrack:
    name = os.path.basename(path)
    try:
        ds = gdal.OpenEx(path, gdal.OF_VECTOR | gdal.OF_READONLY, allowed_drivers=["GPX"])
    except RuntimeError as exc:
        raise TrackFileError("patrol.file.gpx_unreadable", name=name, reason=f" ({exc})") from exc
    if ds is None:
        raise TrackFileError("patrol.file.gpx_unreadable", name=name, reason="")
    lyr = ds.GetLayerByName("track_points")
    if lyr is None or lyr.GetFeatureCount() == 0:
        routes = ds.GetLayerByName("route_points")
        route = routes is not None and routes.GetFeatureCount() > 0
        # closed before raising: a traceback kept until the interpreter ends would otherwise
        # free the dataset after GDAL's shutdown (a crash at exit), and keep the file open
        lyr = routes = ds = None
        raise TrackFileError("patrol.file.gpx_route" if route else "patrol.file.gpx_no_points", name=name)
    lon, lat, t, part = [], [], [], []
    if hasattr(lyr, "GetArrowStreamAsNumPy") and not _OFFSET_TIME.search(data):
        stream = lyr.GetArrowStreamAsNumPy(options=["INCLUDE_FID=NO", "USE_MASKED_ARRAYS=NO"])
        for batch in stream:
            wkb = batch["wkb_geometry"]
            raw = np.frombuffer(np.ascontiguousarray(wkb).tobytes(), dtype=np.uint8)
            if wkb.dtype.kind == "V" and wkb.dtype.itemsize == 21:  # 2D points, fixed size
                xy = raw.reshape(-1, 21)[:, 5:21].copy().view("<f8").reshape(-1, 2)
            else:
                import shapely

                xy = shapely.get_coordinates(shapely.from_wkb(np.asarray(list(wkb), dtype=object)))
            lon.append(xy[:, 0])
            lat.append(xy[:, 1])
            times = batch["time"]
            tt = times.astype("datetime64[ms]").astype("int64").astype(float) / 1000.0
            tt[np.isnat(times)] = np.nan
            t.append(tt)
            part.append(np.asarray(batch["track_fid"], dtype=np.int64) * 100000
                        + np.asarray(batch["track_seg_id"], dtype=np.int64))
    else:  # GDAL before 3.6
        import datetime as _dt

        for feat in lyr:
            g = feat.GetGeometryRef()
            lon.append([g.GetX()])
            lat.append([g.GetY()])
            if feat.IsFieldSetAndNotNull("time"):
                y, mo, d, h, mi, s, tz = feat.GetFieldAsDateTime("time")
                off = _dt.timedelta(minutes=15 * (tz - 100)) if tz >= 100 else _dt.timedelta(0)
                sec = int(s)
                stamp = _dt.datetime(y, mo, d, h, mi, sec, tzinfo=_dt.timezone(off)).timestamp() + (s - sec)
                t.append([stamp])
            else:
                t.append([np.nan])
            part.append([feat.GetField("track_fid") * 100000 + feat.GetField("track_seg_id")])
    ds = None
    lon_a = np.concatenate([np.asarray(a, float) for a in lon])
    lat_a = np.concatenate([np.asarray(a, float) for a in lat])
    return RawTrack(lon_a, lat_a, np.concatenate([np.asarray(a, float) for a in t]), "GPX", None,
                    np.concatenate([np.asarray(a) for a in part]), None, "", 0)


def read_track(path: str, data: bytes) -> RawTrack:
    """The raw points of one track file (format by extension, then by content)."""
    name = os.path.basename(path)
    ext = os.path.splitext(path)[1].lower()
    head = data[:512].lstrip().lower()
    if ext == ".gpx" or (ext not in (".kml", ".kmz", ".csv", ".txt") and b"<gpx" in head):
        return _gpx_points(path, data)
    if ext in (".kml", ".kmz") or b"<kml" in head or data[:2] == b"PK":
        return read_kml_track(data, name)
    if ext in (".csv", ".txt") or not head.startswith(b"<"):
        return read_csv_track(data, name)
    raise TrackFileError("patrol.file.unknown_format", name=name)
