"""Single-bank kilometres (单侧计算): the one formula for "km of river" everywhere.

Rule (DESIGN.md §1 and §3 "Bank"; DOMAIN.md, the district report's "counted on one bank"):
a river that runs along a boundary is split into a left-bank and a right-bank segment, one
per unit, but it is still one stretch of river. The counted length of a river is the union
of its banks along the river:

- a both-bank segment counts fully;
- a left- (right-) bank segment counts half over the part the opposite bank of the same
  river covers, and fully where the opposite bank has no segment (a river along the
  district's edge keeps only its inside bank).

So a 1 km left + 1 km right pair over the same stretch counts 1 km, a 1 km left bank whose
right bank is shifted by 0.5 km counts 0.75 + 0.75 = 1.5 km (the union), and a 2 km
both-bank segment counts 2 km. Counted km are per segment, so they add up: per river, unit,
town, chief or level the total is the sum of its segments' counted km.

Inputs are segment rows (dicts) with ``seg_code``, ``river_code``, ``bank``, ``length_km``
(ellipsoidal km, CGCS2000) and, for left/right bank segments, ``geom`` (a shapely line in
``crs``) — a bank segment without geometry counts fully. Callers pass only the rows current
on their date (:func:`hezhang_plugin.core.validity.current_rows`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Hashable, Iterable, Mapping, Optional, Sequence, Union

import numpy as np

from hezhang_plugin.core import crs as crsmod
from hezhang_plugin.core import validity

#: Distance (m) within which the opposite bank counts as covering a stretch: both banks of
#: one stretch are cut from the same river line, so they coincide to rounding. Where the
#: opposite bank ends inside a segment, up to this much more counts as shared (0.1 m).
BANK_MATCH_M = 0.1

#: Bank values of single-bank segments.
SINGLE_BANKS = ("left", "right")
_OPPOSITE = {"left": "right", "right": "left"}


def needs_geometry(segment: Mapping) -> bool:
    """True for the segments whose counted km depends on their geometry (single-bank ones)."""
    return segment.get("bank") in SINGLE_BANKS


def counted_km(segments: Sequence[Mapping], crs: str = crsmod.CGCS2000) -> np.ndarray:
    """Counted km of each segment (same order), by the single-bank rule of this module.

    ``crs`` is the CRS of the geometries (only used to express :data:`BANK_MATCH_M`).
    """
    import shapely

    n = len(segments)
    out = np.array([float(s.get("length_km") or 0.0) for s in segments], dtype="float64")
    if not n:
        return np.zeros(0)
    by_river: dict = defaultdict(lambda: {"left": [], "right": []})
    for i, s in enumerate(segments):
        if s.get("bank") in SINGLE_BANKS:
            by_river[s.get("river_code")][s["bank"]].append(i)
    if not by_river:
        return out
    eps = crsmod.metres_to_units(crs, BANK_MATCH_M)
    for banks in by_river.values():
        for side in SINGLE_BANKS:
            mine = banks[side]
            if not mine:
                continue
            others = [segments[j].get("geom") for j in banks[_OPPOSITE[side]]]
            others = [g for g in others if g is not None and not g.is_empty]
            if not others:
                continue
            # The same zone as QGIS's buffer(geometry, eps, 1) in counted_km_expression: the two
            # agree to the metre's fraction (the zone reaches eps beyond the opposite bank's ends).
            zone = shapely.buffer(shapely.union_all(others), eps, quad_segs=1)
            idx = np.array(mine)
            geoms = np.array([segments[i].get("geom") for i in idx], dtype=object)
            have = np.array([g is not None and not g.is_empty for g in geoms], dtype=bool)
            if not have.any():
                continue
            full = shapely.length(geoms[have])
            shared = shapely.length(shapely.intersection(geoms[have], zone))
            frac = np.zeros(len(idx))
            frac[have] = np.where(full > 0, np.clip(shared / np.where(full > 0, full, 1.0), 0.0, 1.0), 0.0)
            out[idx] *= 1.0 - 0.5 * frac
    return out


def total_km(segments: Sequence[Mapping], crs: str = crsmod.CGCS2000) -> float:
    """Counted km of all ``segments`` together."""
    return float(counted_km(segments, crs).sum()) if len(segments) else 0.0


def km_by(segments: Sequence[Mapping], key: Union[str, Callable[[Mapping], Hashable]],
          crs: str = crsmod.CGCS2000, counted: Optional[Sequence[float]] = None) -> dict:
    """Counted km per group: ``key`` is a field name (``"river_code"``, ``"unit_code"``) or a
    function of the row. ``counted`` reuses km from :func:`counted_km` over the same rows."""
    km = counted_km(segments, crs) if counted is None else counted
    keyf = (lambda s: s.get(key)) if isinstance(key, str) else key
    out: dict = defaultdict(float)
    for s, c in zip(segments, km):
        out[keyf(s)] += float(c)
    return dict(out)


def town_of(unit_code: Optional[str], units: Mapping[str, Mapping]) -> Optional[str]:
    """The town code a unit's km count under: a town itself, else its parent (from ``units``:
    code → row with level and parent_code), else the statistical code prefix (9 digits +
    ``000``; for a district-level unit that is the district's own code)."""
    if not unit_code:
        return None
    unit = units.get(unit_code) or {}
    if unit.get("level") == "town":
        return unit_code
    return unit.get("parent_code") or str(unit_code)[:9] + "000"


def km_per_river(segments, crs=crsmod.CGCS2000, counted=None) -> dict:
    """Counted km per river code."""
    return km_by(segments, "river_code", crs, counted)


def km_per_unit(segments, crs=crsmod.CGCS2000, counted=None) -> dict:
    """Counted km per responsible unit code."""
    return km_by(segments, "unit_code", crs, counted)


def km_per_town(segments, units: Mapping[str, Mapping], crs=crsmod.CGCS2000, counted=None) -> dict:
    """Counted km per town (see :func:`town_of`)."""
    return km_by(segments, lambda s: town_of(s.get("unit_code"), units), crs, counted)


def _held(assignments: Iterable[Mapping], date, roles: Optional[Iterable[str]]) -> list:
    roles = set(roles) if roles is not None else None
    return [a for a in assignments
            if (date is None or validity.is_current(a, date)) and (roles is None or a.get("role") in roles)]


def _km_held_by(segments, assignments, group_of, crs, date, counted, roles) -> dict:
    """Counted km of the segments each group (``group_of(appointment)``) holds, each segment
    once per group."""
    km = counted_km(segments, crs) if counted is None else counted
    seg_km = {s.get("seg_code"): float(c) for s, c in zip(segments, km)}
    segs_of: dict = defaultdict(set)
    for a in _held(assignments, date, roles):
        if a.get("seg_code") in seg_km:
            segs_of[group_of(a)].add(a.get("seg_code"))
    return {key: sum(seg_km[s] for s in segs) for key, segs in segs_of.items()}


def km_per_chief(segments, assignments, crs=crsmod.CGCS2000, date=None, counted=None,
                 roles: Optional[Iterable[str]] = None) -> dict:
    """Counted km of the segments each chief holds: chief_id → km, each segment once per
    chief. Only appointments current on ``date`` (all given ones when None) and, when
    ``roles`` is given, of those roles count."""
    return _km_held_by(segments, assignments, lambda a: a.get("chief_id"), crs, date, counted, roles)


def km_per_level(segments, assignments, crs=crsmod.CGCS2000, date=None, counted=None,
                 roles: Optional[Iterable[str]] = None) -> dict:
    """Counted km of the segments held at each chief level (level of the appointment):
    level → km, each segment once per level however many chiefs of that level hold it."""
    return _km_held_by(segments, assignments, lambda a: a.get("level"), crs, date, counted, roles)


def counted_km_expression(segments_layer_id: str, crs: str = crsmod.CGCS2000,
                          current: str = "TRUE") -> str:
    """QGIS expression text of :func:`counted_km` for the segment feature being evaluated
    (in a layer, an atlas, or inside ``aggregate(layer:=segments, expression:=…)``): the same
    rule, the opposite bank being the current (``current``: an expression over the segments
    layer, e.g. :func:`hezhang_plugin.core.validity.expression`) segments of the other bank of
    the same river. ``crs`` is the segments layer's CRS."""
    eps = crsmod.metres_to_units(crs, BANK_MATCH_M)
    opposite = (f"aggregate(layer:='{segments_layer_id}', aggregate:='collect', expression:=$geometry, "
                f"filter:=\"river_code\" = attribute(@parent, 'river_code') AND \"bank\" = "
                f"CASE WHEN attribute(@parent, 'bank') = 'left' THEN 'right' ELSE 'left' END AND {current})")
    shared = f"min(1, length(intersection($geometry, buffer({opposite}, {eps!r}, 1))) / length($geometry))"
    return (f"CASE WHEN \"bank\" IN ('left', 'right') THEN coalesce(\"length_km\", 0) * (1 - 0.5 * "
            f"coalesce({shared}, 0)) ELSE coalesce(\"length_km\", 0) END")


def segments_km(seg_codes: Iterable[str], seg_km: Mapping[str, float]) -> float:
    """Counted km of a set of segment codes (each once), given seg_code → counted km."""
    return float(sum(seg_km.get(s, 0.0) for s in set(seg_codes)))
