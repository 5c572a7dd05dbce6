"""Segments as columns: the segment table built from labelled runs (codes filled later by
reconciliation), its rows and its geometries as shapely objects or ISO WKB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from hezhang_plugin.core.segmentation import names
from hezhang_plugin.core.segmentation.axis import _Axis, _geodesic_measure, _interp_on_axis, substring_coords


def multilinestring_wkb(coords: np.ndarray, counts: np.ndarray) -> list:
    """ISO WKB (little endian) of one single-part MultiLineString per run of ``counts`` vertices."""
    n = len(counts)
    if n == 0:
        return []
    counts = np.asarray(counts, dtype=np.int64)
    hdr = np.zeros((n, 18), dtype=np.uint8)
    hdr[:, 0], hdr[:, 1], hdr[:, 5] = 1, 5, 1  # little endian, MultiLineString, 1 part
    hdr[:, 9], hdr[:, 10] = 1, 2  # little endian, LineString
    hdr[:, 14:18] = counts.astype("<u4").view(np.uint8).reshape(n, 4)
    body = np.ascontiguousarray(coords[:, :2], dtype="<f8").view(np.uint8).ravel()
    size = 18 + 16 * counts
    start = np.concatenate([[0], np.cumsum(size)[:-1]])
    # headers at each record's start, vertex bytes everywhere else (in order)
    is_hdr = np.zeros(int(size.sum()), dtype=bool)
    is_hdr[(start[:, None] + np.arange(18)).ravel()] = True
    arr = np.empty(len(is_hdr), dtype=np.uint8)
    arr[is_hdr] = hdr.ravel()
    arr[~is_hdr] = body
    buf = arr.tobytes()
    return [buf[s:s + k] for s, k in zip(start.tolist(), size.tolist())]


_BANKS = np.array(["both", "left", "right"], dtype=object)


class SegmentTable:
    """Segments as columns (field name -> list, one entry per segment), geometries as flat
    vertex arrays in the rivers CRS (``geom_of_row`` picks a geometry, shared by the two
    single-bank rows of a stretch)."""

    def __init__(self, columns: dict, geom_of_row: np.ndarray, coords: np.ndarray, counts: np.ndarray):
        self.columns = columns
        self.geom_of_row = np.asarray(geom_of_row, dtype=np.int64)
        self.coords = coords
        self.counts = np.asarray(counts, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.geom_of_row)

    @classmethod
    def concat(cls, tables: list) -> SegmentTable:
        """The rows of ``tables`` (same columns), one after the other."""
        first = [0]
        for t in tables[:-1]:
            first.append(first[-1] + len(t.counts))
        columns = {k: [v for t in tables for v in t.columns[k]] for k in tables[0].columns}
        return cls(columns, np.concatenate([t.geom_of_row + f for t, f in zip(tables, first)]),
                   np.concatenate([t.coords for t in tables]), np.concatenate([t.counts for t in tables]))

    def reorder(self, order) -> None:
        order = np.asarray(order, dtype=np.int64)
        for k, col in self.columns.items():
            self.columns[k] = [col[i] for i in order.tolist()]
        self.geom_of_row = self.geom_of_row[order]

    def wkb(self, lo: int = 0, hi: Optional[int] = None) -> list:
        """MultiLineString WKB of each row (of rows ``lo:hi``: writers take the table in slices,
        so that the WKB of every row is never held at once)."""
        rows = self.geom_of_row[lo:hi]
        if lo == 0 and (hi is None or hi >= len(self)):
            per_geom = multilinestring_wkb(self.coords, self.counts)
            return [per_geom[i] for i in rows.tolist()]
        used, at = np.unique(rows, return_inverse=True)
        first = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)
        counts = self.counts[used]
        owner = np.repeat(np.arange(len(used)), counts)
        vertex = first[used][owner] + np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        per_geom = multilinestring_wkb(self.coords[vertex], counts)
        return [per_geom[i] for i in at.tolist()]

    def geoms(self) -> np.ndarray:
        """Shapely MultiLineString of each row."""
        import shapely

        if len(self.counts) == 0:
            return np.array([], dtype=object)
        lines = shapely.linestrings(self.coords, indices=np.repeat(np.arange(len(self.counts)), self.counts))
        multi = shapely.multilinestrings(lines, indices=np.arange(len(lines)))
        return multi[self.geom_of_row]

    def rows(self) -> list:
        names = list(self.columns)
        geoms = self.geoms()
        out = []
        for i, vals in enumerate(zip(*(self.columns[k] for k in names))):
            row = dict(zip(names, vals))
            if row.get("fid") is None:
                row.pop("fid", None)
            if "target" in row and row["target"] is None:
                row.pop("target")
            row["geom"] = geoms[i]
            out.append(row)
        return out


def _end_units(p, left, right, direction: int):
    """What lies beyond each run's start (direction -1) or end (+1) within its part: a unit
    index, or names.END_OUTSIDE (-3) for outside the district. ``inside`` is False where the
    part ends there."""
    n = len(p)
    j = np.arange(n) + direction
    jj = np.clip(j, 0, max(n - 1, 0))
    inside = (j >= 0) & (j < n) & (p[jj] == p)
    lo, hi = np.minimum(left[jj], right[jj]), np.maximum(left[jj], right[jj])
    c1 = np.where(lo >= 0, lo, hi)
    c2 = np.where((lo >= 0) & (hi != lo), hi, -1)
    mine1 = (c1 == left) | (c1 == right)
    mine2 = (c2 == left) | (c2 == right)
    # a unit other than the run's own, the lowest first; else the neighbour's own
    pick = np.where(~mine1, c1, np.where((c2 >= 0) & ~mine2, c2, c1))
    return np.where(c1 < 0, names.END_OUTSIDE, pick), inside


@dataclass
class _Labels:
    """What segments take from their rivers and units: codes and names (river lists indexed
    like the axis' rivers, unit lists like the units), and each unit's 「…界」 end name."""
    river_codes: list
    river_names: list
    unit_codes: list
    unit_names: list
    beyond: list

    @classmethod
    def of(cls, river_rows, unit_rows) -> _Labels:
        unit_names = [u.get("name") or "" for u in unit_rows]
        return cls([r.get("river_code") for r in river_rows], [r.get("name") or "" for r in river_rows],
                   [u.get("code") for u in unit_rows], unit_names, names.beyond_names(unit_names))

    def rivers(self, lo: int, hi: int) -> _Labels:
        """The labels of rivers ``lo:hi`` (a chunk), with every unit's."""
        return _Labels(self.river_codes[lo:hi], self.river_names[lo:hi], self.unit_codes, self.unit_names,
                       self.beyond)


def _segment_table(runs, axis: _Axis, labels: _Labels, rivers_crs: str, today: str) -> SegmentTable:
    """Segment columns (without codes) from labelled runs."""
    s, e, p, left, right = runs
    # rows: one per both-bank run, one per inside side of a single-bank run
    both = (left == right) & (left >= 0)
    single = left != right
    kinds = [(np.flatnonzero(both), 0, left), (np.flatnonzero(single & (left >= 0)), 1, left),
             (np.flatnonzero(single & (right >= 0)), 2, right)]
    run = np.concatenate([k[0] for k in kinds]).astype(np.int64)
    bank = np.concatenate([np.full(len(k[0]), k[1]) for k in kinds]).astype(np.int64)
    unit = np.concatenate([k[2][k[0]] for k in kinds]).astype(np.int64)
    order = np.lexsort((bank, run))
    run, bank, unit = run[order], bank[order], unit[order]
    used = np.unique(run)  # runs that give rows, in axis order
    geom_index = np.searchsorted(used, run)
    coords, counts = substring_coords(axis.coords_o, axis.gcum, s[used], e[used])
    gd = axis.gd if axis.gd is not None else _geodesic_measure(axis, rivers_crs)
    g_start, _ = _interp_on_axis(gd, axis.gcum, s[used], "right")
    g_end, _ = _interp_on_axis(gd, axis.gcum, e[used], "left")
    length_km = np.round((g_end - g_start) / 1000.0, 6)[geom_index]
    # start and end names
    start_u, inside = _end_units(p, left, right, -1)
    at_source = ~inside & (np.abs(s - axis.offset[p]) < 1e-6)
    start_u = np.where(inside, start_u, np.where(at_source, names.END_SPECIAL, names.END_OUTSIDE))
    end_u, inside = _end_units(p, left, right, +1)
    at_mouth = ~inside & (np.abs(e - (axis.offset[p] + axis.length[p])) < 1e-6)
    end_u = np.where(inside, end_u, np.where(at_mouth, names.END_SPECIAL, names.END_OUTSIDE))
    start_names = names.end_names(start_u[run], labels.unit_names, names.NAME_SOURCE, labels.beyond)
    end_names = names.end_names(end_u[run], labels.unit_names, names.NAME_MOUTH, labels.beyond)
    river = axis.river_of_part[p[run]]
    river_codes, unit_codes = labels.river_codes, labels.unit_codes
    segment_names = names.segment_names(river, unit, bank, labels.river_names, labels.unit_names, list(_BANKS))
    m = len(run)
    columns = {
        "seg_code": [None] * m,
        "river_code": [river_codes[r] for r in river.tolist()],
        "name": segment_names,
        "bank": list(_BANKS[bank]),
        "unit_code": [unit_codes[u] for u in unit.tolist()],
        "start_name": start_names,
        "end_name": end_names,
        "length_km": length_km.tolist(),
        "valid_from": [today] * m,
        "valid_to": [None] * m,
        "fid": [None] * m,
        "target": [None] * m,
    }
    return SegmentTable(columns, geom_index, coords, counts)
