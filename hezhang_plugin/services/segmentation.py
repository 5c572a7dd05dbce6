"""Segmentation of a workspace's rivers by its units, stored as one change set."""

from __future__ import annotations

from typing import Optional, Sequence

from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import Message
from hezhang_plugin.core.segmentation import (
    DEFAULT_BOUNDARY_TOLERANCE,
    DEFAULT_MIN_LENGTH,
    DEFAULT_UNIT_LEVEL,
    SegmentationError,
    segment_rivers,
    transform_geoms,
)
from hezhang_plugin.data.backend import as_backend


def run_changes(rows: Sequence[dict], retired: Sequence[dict], unit_level: str) -> ChangeSet:
    """The change set of a segmentation run: retired segments end (``valid_to``), segments
    that keep their code are updated in place (by fid), new ones inserted."""
    cs = ChangeSet(Message("change.segment_rivers", level=unit_level))
    for r in retired:
        cs.end("segments", r["fid"], valid_to=r["valid_to"])
    for r in rows:
        if r.get("fid") is not None:
            cs.update("segments", r["fid"], r)
        else:
            cs.insert("segments", r)
    return cs


def segment_workspace(workspace, unit_level: str = DEFAULT_UNIT_LEVEL,
                      boundary_tolerance: float = DEFAULT_BOUNDARY_TOLERANCE,
                      min_length: float = DEFAULT_MIN_LENGTH, feedback=None, today: Optional[str] = None) -> dict:
    """Segment every river of a workspace by its units of ``unit_level`` and store the result.

    Reads admin_units and rivers, reconciles the cut with the stored segments (stable codes;
    unchanged segments are not written, so unchanged inputs leave the workspace as it was)
    and writes inserts, updates and retirements in one transaction. Returns the report.
    """
    if unit_level not in ("village", "town"):
        raise SegmentationError(f"unit level {unit_level!r} is not village or town")
    ws = as_backend(workspace)
    info = ws.info()
    # the filter is built from a checked constant, never from user text
    units = ws.read_rows("admin_units", where=f"level = '{unit_level}'")
    rivers = ws.read_rows("rivers")
    existing = ws.read_rows("segments")
    crs_r = ws.layer_crs("rivers") or info.crs
    crs_u = ws.layer_crs("admin_units") or info.crs
    crs_s = ws.layer_crs("segments") or info.crs
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
    if rows or result.retired:  # unchanged inputs: nothing to write, the workspace is not touched
        ws.apply(run_changes(rows, result.retired, unit_level))
    return result.report
