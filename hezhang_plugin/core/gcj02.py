"""GCJ-02 ("Mars coordinates") and BD-09 (Baidu) to and from WGS84/CGCS2000, vectorised
over numpy arrays.

GCJ-02 is the obfuscated datum that Chinese web maps (AMap/Gaode, Tencent, Google China)
must use: a smooth but non-invertible offset of a few hundred metres added to WGS84
longitudes and latitudes inside China. CGCS2000 and WGS84 agree to a few centimetres, far
below this offset, so the same functions serve both.

The forward formula is the widely published one (Krasovsky-ellipsoid parameters
a = 6378245 m, e^2 = 0.00669342162296594323). The inverse has no closed form; it is solved
by fixed-point iteration, which converges to well under a millimetre in a few steps because
the offset varies slowly.

BD-09 is Baidu Maps' further offset on top of GCJ-02: the widely published forward formula
(a rotation and scaling about the origin in degrees, x_pi = pi * 3000 / 180, plus a shift of
0.0065 degrees east and 0.006 degrees north). Its inverse is solved the same way.
"""

from __future__ import annotations

import numpy as np

_A = 6378245.0
_EE = 0.00669342162296594323

#: Bounding box outside which coordinates are left unchanged (the usual published test).
CHINA_BOUNDS = (72.004, 0.8293, 137.8347, 55.8271)


def out_of_china(lon, lat) -> np.ndarray:
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    x0, y0, x1, y1 = CHINA_BOUNDS
    return (lon < x0) | (lon > x1) | (lat < y0) | (lat > y1) | ~np.isfinite(lon) | ~np.isfinite(lat)


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS84 position (lon, lat)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(radlat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (or CGCS2000) longitudes/latitudes to GCJ-02. Points outside China unchanged."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    outside = out_of_china(lon, lat)
    with np.errstate(invalid="ignore"):
        dlon, dlat = _delta(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_wgs84(lon, lat, tolerance_deg: float = 1e-10, max_iter: int = 30
                   ) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to WGS84 by fixed-point iteration on the forward transform.

    Iterates w <- g - delta(w) until every point moves less than ``tolerance_deg``
    (1e-10 degrees is about 0.01 mm); points outside China are returned unchanged.
    """
    glon = np.asarray(lon, dtype="float64")
    glat = np.asarray(lat, dtype="float64")
    outside = out_of_china(glon, glat)
    wlon, wlat = glon.copy(), glat.copy()
    with np.errstate(invalid="ignore"):
        for _ in range(max_iter):
            dlon, dlat = _delta(wlon, wlat)
            nlon, nlat = glon - dlon, glat - dlat
            step = np.maximum(np.abs(nlon - wlon), np.abs(nlat - wlat))
            wlon, wlat = nlon, nlat
            if not np.any(step[np.isfinite(step)] > tolerance_deg):
                break
    return np.where(outside, glon, wlon), np.where(outside, glat, wlat)


_X_PI = np.pi * 3000.0 / 180.0


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 to BD-09 (Baidu). Points outside China unchanged."""
    x = np.asarray(lon, dtype="float64")
    y = np.asarray(lat, dtype="float64")
    outside = out_of_china(x, y)
    with np.errstate(invalid="ignore"):
        z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
        theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
        blon = z * np.cos(theta) + 0.0065
        blat = z * np.sin(theta) + 0.006
    return np.where(outside, x, blon), np.where(outside, y, blat)


def bd09_to_gcj02(lon, lat, tolerance_deg: float = 1e-10, max_iter: int = 30
                  ) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to GCJ-02 by fixed-point iteration on :func:`gcj02_to_bd09` (to
    ``tolerance_deg``); points outside China unchanged."""
    blon = np.asarray(lon, dtype="float64")
    blat = np.asarray(lat, dtype="float64")
    outside = out_of_china(blon, blat)
    glon, glat = blon - 0.0065, blat - 0.006
    with np.errstate(invalid="ignore"):
        for _ in range(max_iter):
            flon, flat = gcj02_to_bd09(glon, glat)
            dlon, dlat = blon - flon, blat - flat
            glon, glat = glon + dlon, glat + dlat
            step = np.maximum(np.abs(dlon), np.abs(dlat))
            if not np.any(step[np.isfinite(step)] > tolerance_deg):
                break
    return np.where(outside, blon, glon), np.where(outside, blat, glat)


def wgs84_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 (or CGCS2000) to BD-09: GCJ-02 first, then Baidu's offset."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 to WGS84 (or CGCS2000): both inverses, each solved by iteration."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def convert(lon, lat, direction: str) -> tuple[np.ndarray, np.ndarray]:
    """``direction`` is 'to_gcj02' or 'from_gcj02'."""
    if direction == "to_gcj02":
        return wgs84_to_gcj02(lon, lat)
    if direction == "from_gcj02":
        return gcj02_to_wgs84(lon, lat)
    raise ValueError(f"unknown direction {direction!r} (to_gcj02 or from_gcj02)")


def convert_geometries(geoms, direction: str):
    """Shapely geometries in lon/lat converted vertex by vertex (one vectorised call)."""
    import shapely

    def fn(xy: np.ndarray) -> np.ndarray:
        x, y = convert(xy[:, 0], xy[:, 1], direction)
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), fn)
