"""CRS facts, answered once, by pyproj: geographic or not, units, the Gauss–Krüger zone.

CRSs are named as users and layers give them: ``"EPSG:4490"``, ``"epsg:4547"``, an EPSG
number, WKT or a PROJ string (anything ``pyproj.CRS.from_user_input`` accepts).

Sources:
- CGCS2000 geographic is EPSG:4490; its 3-degree Gauss–Krüger zones are EPSG:4534–4554
  (central meridians 75°E … 135°E, no zone prefix in the easting) and EPSG:4513–4533 (the
  same zones, zone number prefixed to the easting) — EPSG registry, DOMAIN.md "Coordinates".
  Zone n of the 3-degree system has central meridian 3n° (zone 25 = 75°E … zone 45 = 135°E).
- A coordinate in degrees lies within ±180 (longitude) and ±90 (latitude); data outside
  that range labelled with a geographic CRS are in another unit (typically metres).
- One degree is taken as 111 320 m (the equatorial degree of longitude on GRS80/CGCS2000,
  2πa/360 with a = 6 378 137 m) where a metre tolerance must be expressed in degrees; the
  tolerance is then at most that many metres in every direction.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Optional, Sequence

from hezhang_plugin.core.messages import HezhangError
from hezhang_plugin.core.projthreads import proj_safe

CGCS2000 = "EPSG:4490"
#: CGCS2000 3-degree GK zones without zone prefix, EPSG code of central meridian 75°E … 135°E.
GK3_FIRST, GK3_LAST = 4534, 4554
#: The same zones with the zone number prefixed to the easting.
GK3_PREFIXED_FIRST, GK3_PREFIXED_LAST = 4513, 4533
#: Zone numbers of the 3-degree system covered by those codes (central meridian = 3 × zone).
GK3_FIRST_ZONE, GK3_LAST_ZONE = 25, 45
#: Metres in one degree, for turning metre tolerances into degrees (see module docstring).
METRES_PER_DEGREE = 111320.0


class CrsError(HezhangError, ValueError):
    """A CRS that cannot be used; ``text(lang)`` says why."""


@dataclass(frozen=True)
class GkZone:
    """A CGCS2000 3-degree Gauss–Krüger zone: zone number, central meridian (°E), EPSG code,
    and whether eastings carry the zone number as prefix."""

    zone: int
    central_meridian: int
    epsg: int
    prefixed: bool

    @property
    def authid(self) -> str:
        return f"EPSG:{self.epsg}"


def _ensure_proj_data() -> None:
    from hezhang_plugin.core import geodesy

    geodesy.ensure_proj_data()


@dataclass(frozen=True)
class _Facts:
    geographic: bool
    units_per_metre: float
    epsg: Optional[int]
    wkt: str


def _text(crs) -> str:
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        raise CrsError("crs.missing", layer="CRS")
    if isinstance(crs, int):
        return f"EPSG:{crs}"
    if hasattr(crs, "to_wkt"):  # a pyproj.CRS
        return crs.to_wkt()
    return str(crs).strip()


@functools.lru_cache(maxsize=256)
@proj_safe
def _facts(text: str) -> _Facts:
    # Only plain facts are cached: pyproj objects are made and dropped in the calling thread,
    # never shared between threads.
    obj = crs_object(text)
    horizontal = obj.sub_crs_list[0] if obj.is_compound and obj.sub_crs_list else obj
    if horizontal.is_geographic:
        per_metre = 1.0 / METRES_PER_DEGREE
    else:
        axes = horizontal.axis_info
        factor = axes[0].unit_conversion_factor if axes else 1.0
        per_metre = 1.0 / factor if factor else 1.0
    code = obj.to_epsg(min_confidence=100)
    return _Facts(bool(horizontal.is_geographic), per_metre, int(code) if code is not None else None, obj.to_wkt())


def crs_object(crs):
    """A new ``pyproj.CRS`` for ``crs``. Raises :class:`CrsError` when it is not a CRS."""
    text = _text(crs)
    _ensure_proj_data()
    import pyproj

    try:
        return pyproj.CRS.from_user_input(text)
    except pyproj.exceptions.CRSError as exc:
        raise CrsError("crs.unknown", layer="CRS", crs=text) from exc


def is_geographic(crs) -> bool:
    """True when ``crs`` has angular (degree) coordinates, e.g. EPSG:4490, EPSG:4326."""
    return _facts(_text(crs)).geographic


def units_per_metre(crs) -> float:
    """How many CRS units make one metre: 1/111320 for degrees, 1 for metres, 1/0.3048 for feet."""
    return _facts(_text(crs)).units_per_metre


def metres_to_units(crs, metres: float) -> float:
    """A distance of ``metres`` in the units of ``crs`` (for tolerances and buffers)."""
    return float(metres) * units_per_metre(crs)


def epsg_code(crs) -> Optional[int]:
    """The EPSG code of ``crs`` when it has one (exactly, not a best guess), else None."""
    return _facts(_text(crs)).epsg


def authid(crs) -> str:
    """``EPSG:n`` when the CRS has an EPSG code, else its WKT."""
    facts = _facts(_text(crs))
    return f"EPSG:{facts.epsg}" if facts.epsg is not None else facts.wkt


def same_crs(a, b) -> bool:
    """True when ``a`` and ``b`` name the same CRS (``EPSG:4490`` and ``epsg:4490`` alike)."""
    if a == b:
        return True
    fa, fb = _facts(_text(a)), _facts(_text(b))
    return (fa.epsg is not None and fa.epsg == fb.epsg) or fa.wkt == fb.wkt


def is_cgcs2000_lonlat(crs) -> bool:
    """True for CGCS2000 geographic (EPSG:4490), and WGS 84 (EPSG:4326), whose lon/lat differ
    from CGCS2000 by centimetres: lengths on them need no transformation."""
    return epsg_code(crs) in (4490, 4326)


def gk_zone_crs(lon: float) -> str:
    """The CGCS2000 3-degree GK zone (``EPSG:4534``–``EPSG:4554``) whose central meridian is
    nearest ``lon`` (°E), clamped to the zones of China (75°E–135°E)."""
    zone = int(math.floor(float(lon) / 3.0 + 0.5))
    zone = min(max(zone, GK3_FIRST_ZONE), GK3_LAST_ZONE)
    return f"EPSG:{GK3_FIRST + zone - GK3_FIRST_ZONE}"


def gk_zone(crs) -> Optional[GkZone]:
    """The CGCS2000 3-degree GK zone of ``crs`` (EPSG:4513–4554), or None for any other CRS."""
    code = epsg_code(crs) if not _is_epsg_text(crs) else int(str(crs).split(":")[1])
    if code is None:
        return None
    if GK3_FIRST <= code <= GK3_LAST:
        zone = GK3_FIRST_ZONE + code - GK3_FIRST
        return GkZone(zone, 3 * zone, code, False)
    if GK3_PREFIXED_FIRST <= code <= GK3_PREFIXED_LAST:
        zone = GK3_FIRST_ZONE + code - GK3_PREFIXED_FIRST
        return GkZone(zone, 3 * zone, code, True)
    return None


def _is_epsg_text(crs) -> bool:
    text = str(crs).strip().upper()
    return text.startswith("EPSG:") and text[5:].isdigit()


def is_gk3(crs) -> bool:
    """True for an unprefixed CGCS2000 3-degree GK zone (EPSG:4534–4554), the workspace kind."""
    z = gk_zone(crs)
    return z is not None and not z.prefixed


def check_coordinates(crs, bounds: Sequence[float], layer: str = "layer") -> None:
    """Refuse data that cannot be in ``crs``: raises :class:`CrsError` ("crs.missing") when
    ``crs`` is empty, ("crs.not_degrees") when ``crs`` is geographic but ``bounds``
    (xmin, ymin, xmax, ymax) reach beyond ±180/±90. Empty or NaN bounds pass."""
    if crs is None or (isinstance(crs, str) and not crs.strip()):
        raise CrsError("crs.missing", layer=layer)
    try:
        geographic = is_geographic(crs)
    except CrsError as exc:
        raise CrsError("crs.unknown", layer=layer, crs=str(crs)) from exc
    if not geographic or bounds is None or len(bounds) != 4:
        return
    x0, y0, x1, y1 = (float(v) for v in bounds)
    if any(math.isnan(v) for v in (x0, y0, x1, y1)):
        return
    x = max(abs(x0), abs(x1))
    y = max(abs(y0), abs(y1))
    if x > 180.0 or y > 90.0:
        raise CrsError("crs.not_degrees", layer=layer, crs=authid(crs), x=max(x0, x1, key=abs),
                       y=max(y0, y1, key=abs))
