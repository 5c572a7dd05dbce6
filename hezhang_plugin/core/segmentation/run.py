"""A whole run: check and clean the inputs, orient the rivers, cut, name, reconcile."""

from __future__ import annotations

import datetime as _dt
import functools
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterator, Optional, Sequence

import numpy as np

from hezhang_plugin.core import codes as hzcodes
from hezhang_plugin.core.messages import Message
from hezhang_plugin.core.segmentation.axis import _Axis, _build_axis, _geodesic_measure, _split_axis
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
from hezhang_plugin.core.segmentation.table import SegmentTable, _Labels, _segment_table
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


#: river vertices cut together (a chunk of whole rivers): the memory a chunk holds while it is
#: cut and written is bounded by it, and the next chunk is cut while one is being written
CHUNK_VERTICES = 60000


@dataclass
class _Prepared:
    """Cleaned inputs and the unit index, shared by every chunk of rivers."""
    report: dict
    district: str
    #: codes and names of the rivers kept and of the units
    labels: _Labels
    #: the measure axis of every river (built with the inputs: its vertices are transformed
    #: once), with its ellipsoidal measure
    axis: _Axis
    units_m: np.ndarray
    index: object
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
    rkeep &= np.array([bool(r.get("river_code")) for r in rivers], dtype=bool) if len(rivers) else rkeep
    river_rows = [r for r, k in zip(rivers, rkeep) if k]
    rgeoms = rgeoms[rkeep]
    metric = choose_metric_crs(rgeoms, rivers_crs) if len(river_rows) else None
    # the units are cleaned, transformed and indexed beside the rivers' preparation (GEOS and
    # pyproj release the GIL)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hezhang-units") \
        if threads > 1 and metric and len(rivers) + len(units) > 2000 else None
    try:
        if pool is not None:
            units_side = pool.submit(_prepare_units, units, units_crs, metric)
        else:
            units_side = _Done(_prepare_units(units, units_crs, metric))
        if not river_rows:
            ukeep, urep, uinv, ug_m, index = units_side.result()
            report["repaired"] += rrep + urep
            report["invalid"] += rinv + uinv
            report["segments"] = 0
            return None, report
        axis, mouths, notes = _prepare_rivers(river_rows, rgeoms, rivers_crs, metric, boundary_tolerance)
        del rgeoms
        ukeep, urep, uinv, ug_m, index = units_side.result()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    report["repaired"] += rrep + urep
    report["invalid"] += rinv + uinv
    unit_rows = [u for u, k in zip(units, ukeep) if k]
    if len(unit_rows) == 0:
        report["segments"] = 0
        return None, report
    report["notes"] += notes
    prep = _Prepared(report, district, _Labels.of(river_rows, unit_rows), axis, ug_m, index, metric,
                     rivers_crs, boundary_tolerance, min_length, threads, today, mouths)
    report["rivers"] = len(river_rows)
    report["units"] = len(unit_rows)
    report["metric_crs"] = metric
    return prep, report


class _Done:
    """A result already computed, answering like a future."""

    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value


def _prepare_units(units, units_crs: str, metric: Optional[str]):
    """The units cleaned (keep mask, repaired and invalid messages) and, when there is a metric
    CRS to cut in, their metric geometries and the unit index: (keep, repaired, invalid,
    metric geometries or None, index or None)."""
    ugeoms, ukeep, urep, uinv = clean_geometries(units, "unit", 2)
    ugeoms = ugeoms[ukeep]
    if metric is None or not len(ugeoms):
        return ukeep, urep, uinv, None, None
    ug_m = np.asarray(transform_geoms(ugeoms, units_crs, metric), dtype=object)
    del ugeoms
    return ukeep, urep, uinv, ug_m, _unit_index(ug_m)


def _prepare_rivers(river_rows, rgeoms, rivers_crs: str, metric: str, tolerance: float):
    """The rivers oriented source to mouth and laid on the measure axis (with its ellipsoidal
    measure): (axis, mouths of tributaries, report notes)."""
    import shapely

    # flow direction: parts of multi-part rivers, and tributaries against their parent rivers
    multi = shapely.get_num_geometries(rgeoms) > 1
    codes = [r.get("river_code") for r in river_rows]
    parents = {r.get("parent_river_code") for r in river_rows} - {None, ""}
    check = multi | np.array([bool(r.get("parent_river_code")) or c in parents
                              for r, c in zip(river_rows, codes)], dtype=bool)
    mouths, notes = {}, []
    sub = np.flatnonzero(check)
    if len(sub):
        sub_m = transform_geoms(rgeoms[sub], rivers_crs, metric)
        oriented, _, notes, sub_mouths = orient_rivers([river_rows[i] for i in sub], rgeoms[sub], sub_m, tolerance)
        rgeoms[sub] = oriented
        mouths = {int(sub[k]): v for k, v in sub_mouths.items()}
    # directed merge joins parts digitised end to start without flipping flow direction
    if multi.any():
        try:
            rgeoms[multi] = shapely.line_merge(rgeoms[multi], directed=True)
        except (TypeError, shapely.errors.UnsupportedGEOSVersionError):
            pass
    # rivers: only their vertices are needed in metres (the measure axis), not metric geometries
    axis = _build_axis(rgeoms, to_metric=functools.partial(transform_xy, src=rivers_crs, dst=metric))
    axis.gd = _geodesic_measure(axis, rivers_crs)
    return axis, mouths, notes


def _chunk_bounds(axis: _Axis, n_rivers: int, chunk_vertices: int) -> list:
    """River indices 0 = b0 < b1 < ... = n_rivers cutting the rivers into runs of about
    ``chunk_vertices`` axis vertices (a river is never cut)."""
    per_river = np.bincount(axis.river_of_part[axis.part_of_vertex], minlength=n_rivers) if n_rivers else []
    cum = np.cumsum(per_river)
    if not len(cum) or cum[-1] <= chunk_vertices:
        return [0, n_rivers]
    inner = np.searchsorted(cum, np.arange(chunk_vertices, cum[-1], chunk_vertices), side="left") + 1
    return sorted({0, n_rivers, *(int(b) for b in inner if 0 < b < n_rivers)})


class SegmentationRun:
    """A run with its inputs checked, cleaned, oriented and indexed (:func:`prepare_run`), cut
    chunk by chunk: iterating :meth:`tables` gives the segments of runs of whole rivers, in
    river order, each reconciled with the existing segments of its rivers (codes filled).

    While the caller handles (writes) one chunk, the next is cut in a worker thread (shapely
    and numpy release the GIL), and each chunk's memory goes when the caller lets go of it:
    a province's segments never sit in memory twice. The chunks together are exactly the
    table of one whole run (same segments, codes, lengths and names, bit for bit: every chunk
    keeps its rivers' positions on the whole measure axis); only with existing segments is
    each chunk, rather than the whole table, ordered by code.

    ``report`` is complete once :meth:`tables` is exhausted; so are ``unchanged`` (existing
    rows found again unchanged: not to be written) and ``retired`` (existing rows that are
    gone, with ``valid_to`` set); see :func:`segment_rivers`.
    """

    def __init__(self, prep: Optional[_Prepared], report: dict, existing, feedback, chunk_vertices: int):
        self.report = report
        self.unchanged: list = []
        self.retired: list = []
        self._progress = _Progress(feedback)
        self._prep = prep
        self._axes: list = []
        self._bounds: list = [0]
        if prep is None:
            return
        n = len(prep.labels.river_codes)
        self._bounds = _chunk_bounds(prep.axis, n, chunk_vertices)
        self._axes = _split_axis(prep.axis, self._bounds)
        prep.axis = None  # the chunks hold copies
        processed = set(prep.labels.river_codes)
        self._existing: dict = defaultdict(list)
        existing = list(existing or [])
        for r in existing:
            if not r.get("valid_to") and r.get("river_code") in processed:
                self._existing[r.get("river_code")].append(r)
        top = hzcodes.highest_seg_code(prep.district, (r.get("seg_code") for r in existing))
        self._in_use = [top] if top else []
        report["segments"] = 0
        report["single_bank"] = 0

    def __len__(self) -> int:
        """The number of chunks."""
        return len(self._axes)

    def tables(self, progress_from: float = 5.0, progress_to: float = 100.0) -> Iterator[SegmentTable]:
        """The segment tables of the chunks, in river order (see the class). Progress goes
        from ``progress_from`` to ``progress_to`` chunk by chunk; a cancelled feedback raises
        SegmentationCancelled between chunks."""
        n = len(self._axes)
        if n == 0:
            self._progress.step(progress_to)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hezhang-cut") as pool:
            ahead = pool.submit(self._chunk, 0)
            for k in range(n):
                table = ahead.result()
                ahead = pool.submit(self._chunk, k + 1) if k + 1 < n else None
                try:
                    self._progress.step(progress_from + (progress_to - progress_from) * (k + 1) / n)
                except BaseException:
                    if ahead is not None:
                        ahead.cancel()
                    raise
                yield table
                del table

    def _chunk(self, k: int) -> SegmentTable:
        """Cut and reconcile chunk ``k`` (chunks are cut one after the other: the codes of
        new segments continue from chunk to chunk)."""
        prep = self._prep
        axis, self._axes[k] = self._axes[k], None
        lo, hi = self._bounds[k], self._bounds[k + 1]
        info: dict = {}
        runs = label_axis(axis, prep.units_m, prep.tolerance, prep.min_length, prep.threads, None,
                          index=prep.index, exclude=_confluences(axis, prep.mouths, lo, hi), info=info)
        labels = prep.labels.rivers(lo, hi)
        noise = defaultdict(lambda: [0, 0.0])
        for part, length in info.get("noise", ()):
            acc = noise[int(axis.river_of_part[part])]
            acc[0] += 1
            acc[1] += length
        report = self.report
        for i, (count, length) in sorted(noise.items()):
            river = {"river_code": labels.river_codes[i], "name": labels.river_names[i]}
            report["notes"].append(_note("topology_noise", river, pieces=count, length_m=round(length, 2)))
        table = _segment_table(runs, axis, labels, prep.rivers_crs, prep.today)
        del axis, runs
        rivers = labels.river_codes
        existing = [r for code in rivers for r in self._existing.pop(code, ())]
        unchanged, retired = reconcile(table, existing, set(rivers), prep.district, prep.rivers_crs,
                                       prep.tolerance, prep.today, report, codes_in_use=self._in_use,
                                       metric=prep.metric)
        if report["added"]:
            self._in_use = [report["added"][-1]]
        self.unchanged += unchanged
        self.retired += retired
        report["segments"] += len(table) + len(unchanged)
        report["single_bank"] += sum(1 for b in table.columns["bank"] if b != "both") + \
            sum(1 for r in unchanged if r.get("bank") != "both")
        if k == len(self._axes) - 1:
            self._prep = None  # the units and their index go with the last chunk
        return table


def prepare_run(rivers: Sequence[dict], units: Sequence[dict], *, rivers_crs: str,
                units_crs: Optional[str] = None, boundary_tolerance: float = DEFAULT_BOUNDARY_TOLERANCE,
                min_length: float = DEFAULT_MIN_LENGTH, district_code: Optional[str] = None,
                existing: Optional[Sequence[dict]] = None, today: Optional[str] = None,
                feedback=None, threads: int = 2, chunk_vertices: int = CHUNK_VERTICES) -> SegmentationRun:
    """Check, clean, orient and index the inputs of a run (arguments as :func:`segment_rivers`);
    the returned :class:`SegmentationRun` cuts them chunk by chunk. It keeps what the cutting
    needs (codes, names, metric units, river vertices), not the given rows: a caller that lets
    go of ``rivers`` and ``units`` frees their geometries. Raises SegmentationError on input
    that cannot be segmented."""
    progress = _Progress(feedback)
    today = today or _dt.date.today().isoformat()
    prep, report = _prepare(rivers, units, rivers_crs, units_crs, boundary_tolerance, min_length,
                            district_code, threads, today)
    progress.step(5, None)
    return SegmentationRun(prep, report, existing, feedback, chunk_vertices)


def segment_rivers(rivers: Sequence[dict], units: Sequence[dict], *, rivers_crs: str,
                   units_crs: Optional[str] = None, boundary_tolerance: float = DEFAULT_BOUNDARY_TOLERANCE,
                   min_length: float = DEFAULT_MIN_LENGTH, district_code: Optional[str] = None,
                   existing: Optional[Sequence[dict]] = None, today: Optional[str] = None,
                   feedback=None, threads: int = 2, chunk_vertices: int = CHUNK_VERTICES) -> SegmentationResult:
    """Cut ``rivers`` (rows with river_code, name, geom) by ``units`` (code, name, geom).

    ``existing`` are segment rows (geometry in ``rivers_crs``) from an earlier run, reconciled
    with the new cut so that unchanged inputs change nothing: a segment found again with the
    same extent and names is unchanged (returned as it was, not to be written), one of the
    same river, unit and bank whose extent moved keeps its code (and fid) with the new extent
    and names, new ones get the next free codes, and existing current segments of the
    processed rivers that are gone are returned as retired (``valid_to`` = the day before
    ``today``, the first day of their successors: :func:`validity.end_date`).
    Defaults: :data:`DEFAULT_BOUNDARY_TOLERANCE`, :data:`DEFAULT_MIN_LENGTH` (metres).
    The whole table at once; :func:`prepare_run` gives it chunk by chunk (the same segments).
    """
    run = prepare_run(rivers, units, rivers_crs=rivers_crs, units_crs=units_crs,
                      boundary_tolerance=boundary_tolerance, min_length=min_length, district_code=district_code,
                      existing=existing, today=today, feedback=feedback, threads=threads,
                      chunk_vertices=chunk_vertices)
    result = SegmentationResult(report=run.report)
    if not len(run):
        return result
    tables = list(run.tables(5.0, 95.0))
    table = SegmentTable.concat(tables)
    del tables
    if existing:  # the whole table in code order, as each chunk is
        codes = table.columns["seg_code"]
        order = sorted(range(len(table)), key=codes.__getitem__)
        if order != list(range(len(table))):
            table.reorder(order)
    result.table, result.unchanged, result.retired = table, run.unchanged, run.retired
    _Progress(feedback).step(100)
    return result
