"""Segmenting a whole workspace: read its units and rivers, run, store the result."""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core.segmentation.common import (
    DEFAULT_BOUNDARY_TOLERANCE,
    DEFAULT_MIN_LENGTH,
    DEFAULT_UNIT_LEVEL,
    SegmentationError,
)
from hezhang_plugin.core.segmentation.geometry import transform_geoms
from hezhang_plugin.core.segmentation.run import segment_rivers


def segment_workspace(path: str, unit_level: str = DEFAULT_UNIT_LEVEL,
                      boundary_tolerance: float = DEFAULT_BOUNDARY_TOLERANCE,
                      min_length: float = DEFAULT_MIN_LENGTH, feedback=None, today: Optional[str] = None) -> dict:
    """Segment every river of a workspace by its units of ``unit_level`` and store the result.

    Reads admin_units and rivers, reconciles the cut with the stored segments (stable codes;
    unchanged segments are not written, so unchanged inputs leave the file as it was) and
    writes inserts, updates and retirements in one transaction. Returns the report.
    """
    from hezhang_plugin.data import gpkg, io, segments_store

    if unit_level not in ("village", "town"):
        raise SegmentationError(f"unit level {unit_level!r} is not village or town")
    info = gpkg.read_workspace_info(path)
    # the filter is built from a checked constant, never from user text
    units = io.read_rows(path, "admin_units", where=f"level = '{unit_level}'")
    rivers = io.read_rows(path, "rivers")
    existing = io.read_rows(path, "segments")
    crs_r = io.layer_crs(path, "rivers") or info.crs
    crs_u = io.layer_crs(path, "admin_units") or info.crs
    crs_s = io.layer_crs(path, "segments") or info.crs
    if crs_s != crs_r:
        for r, g in zip(existing, transform_geoms([r.get("geom") for r in existing], crs_s, crs_r)):
            r["geom"] = g
    if not units:
        raise SegmentationError(f"the workspace has no {unit_level} units in admin_units")
    result = segment_rivers(rivers, units, rivers_crs=crs_r, units_crs=crs_u,
                            boundary_tolerance=boundary_tolerance, min_length=min_length,
                            district_code=info.district_code, existing=existing, today=today,
                            feedback=feedback)
    rows = result.changes  # unchanged segments are left as they are
    if crs_s != crs_r:
        for r, g in zip(rows, transform_geoms([r["geom"] for r in rows], crs_r, crs_s)):
            r["geom"] = g
    retired = [{"fid": r["fid"], "valid_to": r["valid_to"]} for r in result.retired]
    if rows or retired:  # unchanged inputs: nothing to write, the file is not touched
        segments_store.apply(path, rows, retired)
    return result.report
