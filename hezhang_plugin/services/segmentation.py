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
    prepare_run,
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
    and writes inserts, updates and retirements in one transaction. The segments are cut
    chunk by chunk (core.segmentation.prepare_run) and each chunk is written while the next
    is cut, inside that one transaction: nothing is written when the run fails or is
    cancelled. Returns the report.
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
    run = prepare_run(rivers, units, rivers_crs=crs_r, units_crs=crs_u, boundary_tolerance=boundary_tolerance,
                      min_length=min_length, district_code=info.district_code, existing=existing, today=today,
                      feedback=feedback)
    del rivers, units, existing  # the run keeps what it needs
    message = Message("change.segment_rivers", level=unit_level)

    def changes():
        for table in run.tables():
            yield _table_changes(table, message, crs_r, crs_s)
        if run.retired:
            yield run_changes([], run.retired, unit_level)

    # unchanged inputs: no change at all, the workspace is not touched
    ws.apply_all(changes())
    return run.report


def _table_changes(table, message, crs_r: str, crs_s: str) -> ChangeSet:
    """The change set of one chunk of a run: segments that keep their code updated in place
    (by fid), new ones inserted; geometries as ISO WKB in the segments layer's CRS."""
    cs = ChangeSet(message)
    if not len(table):
        return cs
    wkbs = table.wkb()
    if crs_s != crs_r:
        import numpy as np
        import shapely

        wkbs = list(shapely.to_wkb(transform_geoms(shapely.from_wkb(np.array(wkbs, dtype=object)), crs_r, crs_s)))
    cols = table.columns
    names = [k for k in cols if k != "fid"]
    fids = cols["fid"]
    for i, values in enumerate(zip(*(cols[k] for k in names))):
        row = dict(zip(names, values))
        if row.get("target") is None:
            row.pop("target", None)
        if fids[i] is None:
            cs.insert("segments", row, wkbs[i])
        else:
            cs.update("segments", fids[i], row, wkbs[i])
    return cs
