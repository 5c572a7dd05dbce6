"""Ellipsoidal lengths on the CGCS2000 ellipsoid, vectorised over many lines.

CGCS2000 uses a = 6378137 m and 1/f = 298.257222101, the GRS80 values, so pyproj's
GRS80 geodesic is the CGCS2000 geodesic.
"""

from __future__ import annotations

import os
import sys
import threading
import warnings
from typing import Optional, Sequence

import numpy as np

from hezhang_plugin.core.projthreads import proj_safe

_PROJ_LOCK = threading.Lock()
#: PROJ data folder resolved for pyproj: None until resolved, "" when pyproj finds its own.
_proj_data: Optional[str] = None


def configure_proj_data(candidates: Sequence[str] = ()) -> str:
    """Resolve once, at start-up, which PROJ data pyproj uses: its own when it finds it
    (a wheel's bundled data, PROJ_DATA, its install prefix), else the first folder of
    ``candidates`` (QGIS's own PROJ search paths, given by the caller) or of
    ``sys.base_prefix/share/proj`` that holds ``proj.db`` (a virtualenv's prefix hides the
    system's). Only pyproj is told (``pyproj.datadir.set_data_dir``); the environment of
    the process is left alone. Returns the folder set ("" when none was needed)."""
    global _proj_data
    with _PROJ_LOCK:
        if _proj_data is not None:
            return _proj_data
        with warnings.catch_warnings():
            # pyproj warns at import when it finds no data folder: this function supplies one.
            warnings.simplefilter("ignore", UserWarning)
            import pyproj
        try:
            pyproj.datadir.get_data_dir()
            _proj_data = ""
            return _proj_data
        except pyproj.exceptions.DataDirError:
            pass
        for folder in [*candidates, os.path.join(sys.base_prefix, "share", "proj"), "/usr/share/proj"]:
            if folder and os.path.exists(os.path.join(folder, "proj.db")):
                pyproj.datadir.set_data_dir(folder)
                _proj_data = folder
                return _proj_data
        _proj_data = ""
        return _proj_data


def proj_data_dir() -> str:
    """The PROJ data folder given to pyproj at start-up ("" when pyproj found its own)."""
    return configure_proj_data() if _proj_data is None else _proj_data


def ensure_proj_data() -> None:
    """PROJ data resolved (a no-op once :func:`configure_proj_data` ran at start-up)."""
    if _proj_data is None:
        configure_proj_data()


def _geod():
    from pyproj import Geod

    return Geod(a=6378137.0, rf=298.257222101)


def geodesic_lengths_m(lon: np.ndarray, lat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Lengths in metres of many polylines given as flat coordinate arrays.

    ``offsets`` holds the index of the first vertex of each line plus the total count at
    the end (so line i is vertices offsets[i]:offsets[i+1]). Lines with fewer than two
    vertices have length 0.
    """
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    offsets = np.asarray(offsets, dtype="int64")
    n_lines = len(offsets) - 1
    if n_lines <= 0:
        return np.zeros(0)
    if len(lon) < 2:
        return np.zeros(n_lines)
    _, _, dist = _geod().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    dist = np.asarray(dist)
    # A step that starts at the last vertex of a line crosses to the next line: drop it.
    step_line = np.searchsorted(offsets, np.arange(len(lon) - 1), side="right") - 1
    same = np.ones(len(lon) - 1, dtype=bool)
    ends = offsets[1:-1] - 1
    same[ends[(ends >= 0) & (ends < len(same))]] = False
    out = np.zeros(n_lines)
    np.add.at(out, step_line[same], dist[same])
    return out


def transformer_to_lonlat(crs: str):
    """A pyproj transformer from ``crs`` to CGCS2000 lon/lat (always x=lon, y=lat)."""
    ensure_proj_data()
    from pyproj import Transformer

    return Transformer.from_crs(crs, "EPSG:4490", always_xy=True)


@proj_safe
def geometry_lengths_km(geoms, crs: str = "EPSG:4490") -> np.ndarray:
    """Ellipsoidal length in km of each (multi)line in an array of shapely geometries."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if len(geoms) == 0:
        return np.zeros(0)
    # Explode multi-part lines into parts, keep which geometry each part belongs to.
    parts, owner = shapely.get_parts(geoms, return_index=True)
    coords, part_idx = shapely.get_coordinates(parts, return_index=True)
    if len(coords) == 0:
        return np.zeros(len(geoms))
    x, y = coords[:, 0], coords[:, 1]
    from hezhang_plugin.core import crs as crsmod

    if not crsmod.is_cgcs2000_lonlat(crs):
        x, y = transformer_to_lonlat(crs).transform(x, y)
    counts = np.bincount(part_idx, minlength=len(parts))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    part_len = geodesic_lengths_m(x, y, offsets)
    out = np.zeros(len(geoms))
    np.add.at(out, owner, part_len)
    return out / 1000.0
