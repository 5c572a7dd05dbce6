"""Helpers of the draw-segment map tool (gui/segment_tool.py): the river nearest a click, the
exact sub-line between two clicks, and the attributes of the drawn segment."""

from __future__ import annotations

import datetime as _dt
from typing import Optional, Sequence

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core import geodesy
from hezhang_plugin.core.segmentation.axis import _build_axis, substrings_on_axis
from hezhang_plugin.core.segmentation.common import SegmentationError
from hezhang_plugin.core.segmentation.geometry import choose_metric_crs, transform_geoms
from hezhang_plugin.core.segmentation.names import BANK_SUFFIX, NAME_BOUNDARY, NAME_SEGMENT


def nearest_index(lines, point) -> int:
    """Index of the line nearest to a point (shapely geometries), -1 when none."""
    import shapely

    arr = np.asarray([g if g is not None else shapely.GeometryCollection() for g in lines], dtype=object)
    if len(arr) == 0:
        return -1
    d = shapely.distance(arr, point)
    d = np.where(np.isnan(d), np.inf, d)
    k = int(np.argmin(d))
    return k if np.isfinite(d[k]) else -1


def substring_between(line, p_start, p_end, crs: str):
    """The part of ``line`` between the projections of two points, in the line's direction.

    ``line`` may be multi-part: the part nearest to ``p_start`` is used. Returns a
    LineString following the original vertices (``None`` when both points project to the
    same place).
    """
    import shapely

    parts = shapely.get_parts(line)
    k = nearest_index(parts, p_start)
    if k < 0:
        return None
    part = parts[k]
    metric = choose_metric_crs([part], crs)
    pm = transform_geoms([part, p_start, p_end], crs, metric)
    axis = _build_axis(np.array([part], dtype=object), np.array([pm[0]], dtype=object))
    a = float(shapely.line_locate_point(pm[0], pm[1]))
    b = float(shapely.line_locate_point(pm[0], pm[2]))
    lo, hi = min(a, b), max(a, b)
    if hi - lo <= 1e-6:
        return None
    return substrings_on_axis(axis.coords_o, axis.gcum, axis.part_of_vertex, np.array([lo]),
                              np.array([hi]))[0]


def unit_with_most_length(segment, unit_geoms, crs: str) -> int:
    """Index of the unit holding most of a segment's length (-1 when none holds any)."""
    import shapely

    ug = np.asarray(unit_geoms, dtype=object)
    if len(ug) == 0 or segment is None:
        return -1
    valid = np.array([g is not None and not g.is_empty for g in ug])
    inter = np.empty(len(ug), dtype=object)
    inter[:] = None
    inter[valid] = shapely.intersection(segment, shapely.make_valid(ug[valid]))
    lengths = np.zeros(len(ug))
    if valid.any():
        lengths[valid] = geodesy.geometry_lengths_km(
            [g if g is not None else shapely.LineString() for g in inter[valid]], crs)
    k = int(np.argmax(lengths))
    return k if lengths[k] > 0 else -1


def drawn_segment_attributes(segment, crs: str, river: dict, units: Sequence[dict],
                             existing_codes: Sequence[str], district_code: str, bank: str = "both",
                             today: Optional[str] = None) -> dict:
    """Attributes of a hand-drawn segment: code, unit, name, start/end, bank, length."""
    import shapely

    if bank not in ("both", "left", "right"):
        raise SegmentationError(f"bank {bank!r} is not one of both, left, right")
    k = unit_with_most_length(segment, [u.get("geom") for u in units], crs)
    unit = units[k] if k >= 0 else {}
    start = shapely.get_point(segment, 0)
    end = shapely.get_point(segment, -1)

    def at(pt):
        for u in units:
            g = u.get("geom")
            if g is not None and u is not unit and shapely.dwithin(g, pt, 1e-9):
                return NAME_BOUNDARY.format(unit=u.get("name") or "")
        return ""

    river_name = river.get("name") or ""
    unit_name = unit.get("name") or ""
    return {
        "seg_code": hzcodes.next_seg_codes(district_code, existing_codes, 1)[0],
        "river_code": river.get("river_code"),
        "unit_code": unit.get("code"),
        "name": NAME_SEGMENT.format(river=river_name, unit=unit_name) + BANK_SUFFIX[bank],
        "bank": bank,
        "start_name": at(start),
        "end_name": at(end),
        "length_km": round(float(geodesy.geometry_lengths_km([segment], crs)[0]), 6),
        "valid_from": today or _dt.date.today().isoformat(),
    }
