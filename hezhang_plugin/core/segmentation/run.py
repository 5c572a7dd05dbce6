"""A whole run: check and clean the inputs, orient the rivers, cut, name, reconcile."""

from __future__ import annotations

import datetime as _dt
import functools
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core.messages import Message
from hezhang_plugin.core.segmentation.axis import _Axis, _build_axis
from hezhang_plugin.core.segmentation.common import (
    DEFAULT_BOUNDARY_TOLERANCE,
    DEFAULT_MIN_LENGTH,
    SegmentationError,
    _note,
    _Progress,
)
from hezhang_plugin.core.segmentation.engine import _unit_index, label_axis
from hezhang_plugin.core.segmentation.flow import _confluences, orient_rivers
from hezhang_plugin.core.segmentation.geometry import (
    _label,
    choose_metric_crs,
    clean_geometries,
    transform_geoms,
    transform_xy,
)
from hezhang_plugin.core.segmentation.reconcile import reconcile
from hezhang_plugin.core.segmentation.table import SegmentTable, _segment_table
from hezhang_plugin.core.textcheck import garbled_values


class SegmentationResult:
    """The outcome of a run.

    ``table`` holds the new and the changed current segments as columns (schema fields,
    ``fid`` for rows updating an existing segment); ``changes`` gives the same as row dicts
    with a shapely ``geom`` in the rivers CRS. ``unchanged`` are the existing rows that the run
    found again exactly (same extent within :data:`SAME_EXTENT_M`, same names): they need no
    write. ``segments`` is both together. ``retired`` are existing segments that no longer
    exist, with ``valid_to`` set.
    """

    def __init__(self, table: Optional[SegmentTable] = None, retired: Optional[list] = None,
                 report: Optional[dict] = None, unchanged: Optional[list] = None):
        self.table = table
        self.retired = retired if retired is not None else []
        self.report = report if report is not None else {}
        self.unchanged = unchanged if unchanged is not None else []
        self._rows: Optional[list] = None

    @property
    def changes(self) -> list:
        """Rows to write: added segments (no ``fid``) and changed ones (their ``fid``)."""
        return self.table.rows() if self.table is not None else []

    @property
    def segments(self) -> list:
        """Every current segment of the processed rivers: the changes and, as they were
        given, the unchanged existing rows."""
        if self._rows is None:
            self._rows = self.changes + [dict(r) for r in self.unchanged]
        return self._rows


def _district_of(units: Sequence[dict], district_code: Optional[str]) -> str:
    if district_code:
        code = str(district_code).strip()
        if len(code) == 6 and code.isdigit():
            code += "000000"
        if hzcodes.check_unit_code(code):
            raise SegmentationError(f"district code {district_code!r} is not a 6- or 12-digit code")
        return code
    prefixes = Counter(str(u.get("code") or "")[:6] for u in units if u.get("code"))
    if not prefixes:
        raise SegmentationError("the district code is unknown: give DISTRICT_CODE or units with codes")
    return prefixes.most_common(1)[0][0] + "000000"


@dataclass
class _Prepared:
    """Cleaned inputs and the unit index, shared by every chunk of rivers."""
    report: dict
    district: str
    river_rows: list
    rgeoms: np.ndarray
    #: the measure axis of every river (built with the inputs: its vertices are transformed once)
    axis: _Axis
    unit_rows: list
    units_m: np.ndarray
    index: tuple
    metric: str
    rivers_crs: str
    tolerance: float
    min_length: float
    threads: int
    today: str
    #: river index -> (mouth point in metres, length of its confluence with the parent river)
    mouths: dict


def _refuse_garbled(rows: Sequence[dict], fields: Sequence[str], layer: str) -> None:
    """Raise SegmentationError (``segmentation.garbled_text``) when text of ``rows`` looks
    wrongly decoded: segment names are built from it, and nothing garbled may be written."""
    bad = [(rows[i].get("fid"), f, value) for f in fields
           for i, value, _ in garbled_values([r.get(f) for r in rows])]
    if bad:
        fid, field, value = bad[0]
        raise SegmentationError("segmentation.garbled_text", layer=Message(f"segmentation.layer_{layer}"),
                                count=len(bad), fid=fid, field=field, value=value)


def _prepare(rivers, units, rivers_crs, units_crs, boundary_tolerance, min_length, district_code,
             threads, today) -> tuple:
    """Check and clean the inputs, transform and index the units. Returns (prepared or None when
    there is nothing to cut, report)."""
    import shapely

    units_crs = units_crs or rivers_crs
    if boundary_tolerance < 0 or min_length < 0:
        raise SegmentationError("BOUNDARY_TOLERANCE and MIN_LENGTH cannot be negative")
    district = _district_of(units, district_code)
    report: dict[str, Any] = {"repaired": [], "invalid": [], "added": [], "changed": [],
                              "unchanged": [], "retired": [], "notes": [], "district_code": district}
    codes_seen = Counter(r.get("river_code") for r in rivers)
    for r in rivers:
        if not r.get("river_code"):
            report["invalid"].append(f"{_label(r, 'river')}: no river code")
    dup = sorted(c for c, n in codes_seen.items() if c and n > 1)
    if dup:
        raise SegmentationError(f"river codes are not unique: {', '.join(map(str, dup[:10]))}")
    _refuse_garbled(rivers, ("river_code", "name", "parent_river_code"), "rivers")
    _refuse_garbled(units, ("code", "name"), "units")
    rgeoms, rkeep, rrep, rinv = clean_geometries(rivers, "river", 1)
    ugeoms, ukeep, urep, uinv = clean_geometries(units, "unit", 2)
    rkeep &= np.array([bool(r.get("river_code")) for r in rivers], dtype=bool) if len(rivers) else rkeep
    report["repaired"] += rrep + urep
    report["invalid"] += rinv + uinv
    river_rows = [r for r, k in zip(rivers, rkeep) if k]
    unit_rows = [u for u, k in zip(units, ukeep) if k]
    rgeoms, ugeoms = rgeoms[rkeep], ugeoms[ukeep]
    if len(river_rows) == 0 or len(unit_rows) == 0:
        report["segments"] = 0
        return None, report
    metric = choose_metric_crs(rgeoms, rivers_crs)
    # flow direction: parts of multi-part rivers, and tributaries against their parent rivers
    multi = shapely.get_num_geometries(rgeoms) > 1
    codes = [r.get("river_code") for r in river_rows]
    parents = {r.get("parent_river_code") for r in river_rows} - {None, ""}
    check = multi | np.array([bool(r.get("parent_river_code")) or c in parents
                              for r, c in zip(river_rows, codes)], dtype=bool)
    mouths = {}
    sub = np.flatnonzero(check)
    if len(sub):
        sub_m = transform_geoms(rgeoms[sub], rivers_crs, metric)
        oriented, _, notes, sub_mouths = orient_rivers([river_rows[i] for i in sub], rgeoms[sub], sub_m,
                                                       boundary_tolerance)
        rgeoms[sub] = oriented
        report["notes"] += notes
        mouths = {int(sub[k]): v for k, v in sub_mouths.items()}
    # directed merge joins parts digitised end to start without flipping flow direction
    if multi.any():
        try:
            rgeoms[multi] = shapely.line_merge(rgeoms[multi], directed=True)
        except (TypeError, shapely.errors.UnsupportedGEOSVersionError):
            pass
    # rivers: only their vertices are needed in metres (the measure axis), not metric geometries
    to_metric = functools.partial(transform_xy, src=rivers_crs, dst=metric)
    if threads > 1 and len(rgeoms) + len(ugeoms) > 2000:
        with ThreadPoolExecutor(max_workers=2) as pool:  # pyproj and GEOS release the GIL
            fu = pool.submit(transform_geoms, ugeoms, units_crs, metric)
            axis = _build_axis(rgeoms, to_metric=to_metric)
            ug_m = fu.result()
    else:
        axis = _build_axis(rgeoms, to_metric=to_metric)
        ug_m = transform_geoms(ugeoms, units_crs, metric)
    ug_m = np.asarray(ug_m, dtype=object)
    prep = _Prepared(report, district, river_rows, rgeoms, axis, unit_rows, ug_m,
                     _unit_index(ug_m), metric, rivers_crs, boundary_tolerance,
                     min_length, threads, today, mouths)
    report["rivers"] = len(river_rows)
    report["units"] = len(unit_rows)
    report["metric_crs"] = metric
    return prep, report


def _cut(prep: _Prepared, lo: int, hi: int, progress: Optional[_Progress] = None) -> SegmentTable:
    """Segments (without codes) of the prepared rivers ``lo:hi``."""
    if (lo, hi) == (0, len(prep.rgeoms)):
        axis = prep.axis
    else:
        axis = _build_axis(prep.rgeoms[lo:hi], to_metric=functools.partial(
            transform_xy, src=prep.rivers_crs, dst=prep.metric))
    if progress:
        progress.step(15)
    info: dict = {}
    runs = label_axis(axis, prep.units_m, prep.tolerance, prep.min_length, prep.threads, progress,
                      index=prep.index, exclude=_confluences(axis, prep.mouths, lo, hi), info=info)
    noise = defaultdict(lambda: [0, 0.0])
    for part, length in info.get("noise", ()):
        acc = noise[int(axis.river_of_part[part]) + lo]
        acc[0] += 1
        acc[1] += length
    for i, (count, length) in sorted(noise.items()):
        prep.report["notes"].append(_note("topology_noise", prep.river_rows[i], pieces=count,
                                          length_m=round(length, 2)))
    return _segment_table(runs, axis, prep.river_rows[lo:hi], prep.unit_rows, prep.rivers_crs, prep.today)


def segment_rivers(rivers: Sequence[dict], units: Sequence[dict], *, rivers_crs: str,
                   units_crs: Optional[str] = None, boundary_tolerance: float = DEFAULT_BOUNDARY_TOLERANCE,
                   min_length: float = DEFAULT_MIN_LENGTH, district_code: Optional[str] = None,
                   existing: Optional[Sequence[dict]] = None, today: Optional[str] = None,
                   feedback=None, threads: int = 2) -> SegmentationResult:
    """Cut ``rivers`` (rows with river_code, name, geom) by ``units`` (code, name, geom).

    ``existing`` are segment rows (geometry in ``rivers_crs``) from an earlier run, reconciled
    with the new cut so that unchanged inputs change nothing: a segment found again with the
    same extent and names is unchanged (returned as it was, not to be written), one of the
    same river, unit and bank whose extent moved keeps its code (and fid) with the new extent
    and names, new ones get the next free codes, and existing current segments of the
    processed rivers that are gone are returned as retired (``valid_to`` = the day before
    ``today``, the first day of their successors: :func:`validity.end_date`).
    Defaults: :data:`DEFAULT_BOUNDARY_TOLERANCE`, :data:`DEFAULT_MIN_LENGTH` (metres).
    """
    progress = _Progress(feedback)
    today = today or _dt.date.today().isoformat()
    prep, report = _prepare(rivers, units, rivers_crs, units_crs, boundary_tolerance, min_length,
                            district_code, threads, today)
    progress.step(5, None)
    result = SegmentationResult(report=report)
    if prep is None:
        return result
    district, river_rows = prep.district, prep.river_rows
    table = _cut(prep, 0, len(river_rows), progress)
    progress.step(85)
    unchanged, retired = reconcile(table, existing, {r.get("river_code") for r in river_rows}, district,
                                   rivers_crs, boundary_tolerance, today, report)
    result.unchanged, result.retired = unchanged, retired
    result.table = table
    report["segments"] = len(table) + len(result.unchanged)
    report["single_bank"] = sum(1 for b in table.columns["bank"] if b != "both") + \
        sum(1 for r in result.unchanged if r.get("bank") != "both")
    progress.step(100)
    return result
