"""Ellipsoidal lengths on the CGCS2000 ellipsoid, vectorised over many lines.

CGCS2000 uses a = 6378137 m and 1/f = 298.257222101, the GRS80 values, so pyproj's
GRS80 geodesic is the CGCS2000 geodesic.
"""

from __future__ import annotations

import os
import sys

import numpy as np

from hezhang_plugin.core.projthreads import proj_safe


def _proj_env() -> None:
    # A virtualenv's sys.prefix hides the system PROJ database from pyproj; name it before
    # pyproj is first imported so pyproj does not warn.
    if os.environ.get("PROJ_DATA") or os.environ.get("PROJ_LIB"):
        return
    for candidate in (os.path.join(sys.base_prefix, "share", "proj"), "/usr/share/proj"):
        if os.path.exists(os.path.join(candidate, "proj.db")):
            os.environ["PROJ_DATA"] = candidate
            return


_proj_env()


def ensure_proj_data() -> None:
    """Point pyproj at the system PROJ database when a virtualenv hides it."""
    import pyproj

    try:
        pyproj.datadir.get_data_dir()
        return
    except pyproj.exceptions.DataDirError:
        pass
    for candidate in (os.path.join(sys.base_prefix, "share", "proj"), "/usr/share/proj",
                      "/usr/local/share/proj"):
        if os.path.exists(os.path.join(candidate, "proj.db")):
            pyproj.datadir.set_data_dir(candidate)
            return


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
    if crs.upper() not in ("EPSG:4490", "EPSG:4326", "EPSG:4326"):
        x, y = transformer_to_lonlat(crs).transform(x, y)
    counts = np.bincount(part_idx, minlength=len(parts))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    part_len = geodesic_lengths_m(x, y, offsets)
    out = np.zeros(len(geoms))
    np.add.at(out, owner, part_len)
    return out / 1000.0
