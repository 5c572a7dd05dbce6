"""Geometry the segmentation needs before cutting: the metric CRS to cut in, transforms
between CRSs (pyproj, vectorised over shapely arrays) and input cleaning (null, empty and
invalid geometries repaired or reported per feature)."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from hezhang_plugin.core import crs as crsmod
from hezhang_plugin.core import geodesy
from hezhang_plugin.core.projthreads import proj_safe


def metric_crs_for(lon: float, lat: float) -> str:
    """The CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554) around a longitude."""
    return crsmod.gk_zone_crs(lon)


def _is_gk3(crs: str) -> bool:
    return bool(crs) and crsmod.is_gk3(crs)


def _transformer(src: str, dst: str):
    geodesy.ensure_proj_data()
    from pyproj import Transformer

    return Transformer.from_crs(src, dst, always_xy=True)


@proj_safe
def transform_geoms(geoms, src: str, dst: str):
    """Shapely geometries from ``src`` to ``dst`` (vectorised; x = lon for geographic CRS)."""
    import shapely

    geoms = np.asarray(geoms, dtype=object)
    if src == dst or len(geoms) == 0:
        return geoms
    tr = _transformer(src, dst)

    def fn(xy):
        x, y = tr.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


@proj_safe
def choose_metric_crs(geoms, crs: str) -> str:
    """The data's own CRS when it is a GK zone, else the GK zone of the data's centre."""
    import shapely

    if _is_gk3(crs):
        return crs.upper()
    geoms = np.asarray(geoms, dtype=object)
    valid = geoms[~shapely.is_missing(geoms)] if len(geoms) else geoms
    valid = valid[~shapely.is_empty(valid)] if len(valid) else valid
    if not len(valid):
        return "EPSG:4545"
    x0, y0, x1, y1 = shapely.total_bounds(valid)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    if not crsmod.is_cgcs2000_lonlat(crs):
        cx, cy = _transformer(crs, crsmod.CGCS2000).transform(cx, cy)
    return metric_crs_for(cx, cy)


def _label(row: dict, kind: str) -> str:
    ident = row.get("code") or row.get("river_code") or ""
    fid = row.get("fid")
    name = row.get("name") or ""
    bits = [kind]
    if fid is not None:
        bits.append(f"feature {fid}")
    if ident:
        bits.append(str(ident))
    if name:
        bits.append(str(name))
    return " ".join(bits)


def clean_geometries(rows: Sequence[dict], kind: str, dims: int):
    """Valid geometries of dimension ``dims`` (1 lines, 2 polygons) for each row.

    Returns (geoms, keep mask, repaired messages, invalid messages). Null and empty
    geometries are reported as invalid (and kept out), invalid ones are repaired with
    ``make_valid`` and reported; nothing disappears without a message.
    """
    import shapely

    geoms = np.empty(len(rows), dtype=object)
    geoms[:] = [r.get("geom") for r in rows]
    missing = shapely.is_missing(geoms)
    empty = ~missing & shapely.is_empty(geoms)
    keep = ~(missing | empty)
    repaired, invalid = [], []
    for i in np.flatnonzero(~keep):
        kind_text = "no geometry (null)" if missing[i] else "empty geometry"
        invalid.append(f"{_label(rows[i], kind)}: {kind_text}")
    idx = np.flatnonzero(keep)
    if len(idx):
        bad = idx[~shapely.is_valid(geoms[idx])]
        for i in bad:
            reason = shapely.is_valid_reason(geoms[i])
            fixed = shapely.make_valid(geoms[i])
            parts = shapely.get_parts(shapely.get_parts(fixed))
            parts = [p for p in parts if shapely.get_dimensions(p) == dims and not p.is_empty]
            if not parts:
                invalid.append(f"{_label(rows[i], kind)}: invalid geometry ({reason}) has no "
                               f"{'area' if dims == 2 else 'length'} after repair")
                keep[i] = False
                continue
            geoms[i] = (shapely.multipolygons(parts) if dims == 2 else shapely.multilinestrings(parts))
            repaired.append(f"{_label(rows[i], kind)}: repaired invalid geometry ({reason})")
        kept = np.flatnonzero(keep)
        wrong = kept[shapely.get_dimensions(geoms[kept]) != dims] if len(kept) else kept
        for i in wrong:
            invalid.append(f"{_label(rows[i], kind)}: geometry is a {geoms[i].geom_type}, "
                           f"expected {'polygons' if dims == 2 else 'lines'}")
            keep[i] = False
    return geoms, keep, repaired, invalid
