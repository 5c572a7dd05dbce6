"""Matching patrol tracks to the segments their chief answered for, and finding out which
coordinate system (WGS84, GCJ-02, BD-09) a track file was written in.

Geometry is done in a local transverse Mercator projection on the CGCS2000 (GRS80)
ellipsoid centred on the workspace (scale error below 3e-5 within 50 km of the centre, so
metres there are metres on the ground to far better than the 1 % the rules need).
Reported lengths are ellipsoidal (pyproj.Geod on GRS80 = CGCS2000), like
:mod:`hezhang_plugin.core.geodesy`.

Measures, for a track and one segment, with a matching distance D (metres; PATROLS.md
suggests half the channel width + 50 m):

- share covered: the segment is divided into stations every 10 m or less (the middle of
  equal pieces); the share is the fraction of stations within D of the track (simplified
  within ``SIMPLIFY_M``). Stations work for sparse tracks too (a point a minute), where a
  buffer of the vertices would not, and for noisy dense ones, where the track's length
  near the segment overstates what was walked.
- single-bank segments (bank left/right, the segment line being the river's centre line
  and "left" facing downstream, i.e. left of the digitised direction) are measured to
  their bank: only the part of the track inside the one-sided band of width D on that
  side counts, so a track on the wrong bank covers nothing.
- minutes near: the time of the track steps inside the segment's zone (the band of width D
  around it, one-sided for a single bank), a step half-counted when one end is outside.
- share of the track on the chief's own segments: the length share of the track's steps
  inside the union of those zones (a track mostly elsewhere is suspicious).

Pure core: shapely 2 / numpy / pyproj, vectorised over stations and points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np

from hezhang_plugin.core import gcj02
from hezhang_plugin.core.geodesy import ensure_proj_data, geometry_lengths_km
from hezhang_plugin.core.messages import Message, Text
from hezhang_plugin.core.projthreads import proj_safe

STATION_SPACING_M = 10.0
DEFAULT_BUFFER_M = 60.0
#: Tolerance (m) of the Douglas-Peucker simplification of a track before stations are
#: tested against it: no point of the track moves by more than this, far below D, and a
#: dense phone track (a point every 1-2 s) shrinks tenfold.
SIMPLIFY_M = 1.0

#: Coordinate systems a track may be in, and how to bring it to WGS84/CGCS2000.
CONVERTERS = {
    "wgs84": lambda lon, lat: (np.asarray(lon, float), np.asarray(lat, float)),
    "gcj02": gcj02.gcj02_to_wgs84,
    "bd09": gcj02.bd09_to_wgs84,
}
CRS_LABELS = {"wgs84": "WGS84", "gcj02": "GCJ-02", "bd09": "BD-09"}


class LocalFrame:
    """A transverse Mercator frame (metres) on GRS80 centred on ``(lon0, lat0)``.

    Its pyproj objects are made and used only inside :func:`proj_safe` methods: a patrol
    import builds and uses the frame in a QgsTask thread (core.projthreads).
    """

    @proj_safe
    def __init__(self, lon0: float, lat0: float):
        ensure_proj_data()
        from pyproj import CRS, Transformer

        self.lon0, self.lat0 = float(lon0), float(lat0)
        tm = CRS.from_proj4(f"+proj=tmerc +lat_0={self.lat0:.6f} +lon_0={self.lon0:.6f} +k=1 +x_0=0 +y_0=0 "
                            "+ellps=GRS80 +units=m +no_defs")
        self.crs = tm
        self._fwd = Transformer.from_crs("EPSG:4490", tm, always_xy=True)
        self._inv = Transformer.from_crs(tm, "EPSG:4490", always_xy=True)

    @proj_safe
    def xy(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._fwd.transform(np.asarray(lon, float), np.asarray(lat, float))
        return np.asarray(x), np.asarray(y)

    @proj_safe
    def lonlat(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        lon, lat = self._inv.transform(np.asarray(x, float), np.asarray(y, float))
        return np.asarray(lon), np.asarray(lat)

    def geometries(self, geoms):
        """Shapely geometries in lon/lat to this frame (one vectorised transform)."""
        import shapely

        def fn(coords):
            x, y = self.xy(coords[:, 0], coords[:, 1])
            return np.column_stack([x, y])

        return shapely.transform(np.asarray(geoms, dtype=object), fn)


@dataclass
class SegmentShapes:
    """Every segment in a :class:`LocalFrame`, with its matching zone and stations."""

    codes: list
    banks: list
    lines: np.ndarray  # shapely lines in the frame
    zones: np.ndarray  # prepared polygons: band of width D (one-sided for a single bank)
    length_km: np.ndarray  # ellipsoidal
    station_xy: list  # per segment: (n, 2) array of station coordinates
    buffer_m: float
    index: dict = field(default_factory=dict)

    def __post_init__(self):
        self.index = {c: i for i, c in enumerate(self.codes)}


def segment_shapes(segments: Sequence[dict], frame: LocalFrame, buffer_m: float = DEFAULT_BUFFER_M,
                   lonlat_geoms=None) -> SegmentShapes:
    """Zones and stations of segments (rows with seg_code, bank and ``geom`` in lon/lat, or
    ``lonlat_geoms`` given separately in the same order)."""
    import shapely

    codes = [s["seg_code"] for s in segments]
    banks = [s.get("bank") or "both" for s in segments]
    geoms = np.asarray(lonlat_geoms if lonlat_geoms is not None else [s.get("geom") for s in segments],
                       dtype=object)
    empty = np.array([g is None or g.is_empty for g in geoms], dtype=bool)
    geoms = np.where(empty, shapely.from_wkt("LINESTRING EMPTY"), geoms)
    length_km = geometry_lengths_km(geoms) if len(geoms) else np.zeros(0)
    lines = frame.geometries(geoms) if len(geoms) else np.zeros(0, dtype=object)
    lines = np.asarray([shapely.line_merge(g) if g.geom_type == "MultiLineString" else g for g in lines],
                       dtype=object)
    zones = np.empty(len(lines), dtype=object)
    bank = np.asarray(banks)
    both = ~np.isin(bank, ("left", "right"))
    if both.any():
        zones[both] = shapely.buffer(lines[both], buffer_m)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        sel = bank == side
        if sel.any():
            # shapely puts a positive one-sided buffer on the left of the line's direction.
            zones[sel] = shapely.buffer(lines[sel], sign * buffer_m, single_sided=True)
    shapely.prepare(zones)
    stations = []
    for line in lines:
        pts = []
        for part in shapely.get_parts(line):
            length = part.length
            if length <= 0:
                continue
            n = max(1, int(np.ceil(length / STATION_SPACING_M)))
            pos = (np.arange(n) + 0.5) * (length / n)
            pts.append(shapely.get_coordinates(shapely.line_interpolate_point(part, pos)))
        stations.append(np.concatenate(pts) if pts else np.zeros((0, 2)))
    return SegmentShapes(codes, banks, lines, zones, np.asarray(length_km, float), stations, float(buffer_m))


@dataclass
class SegmentMatch:
    seg_code: str
    coverage: float  # share of the segment's stations within D of the track (0..1)
    km_covered: float  # coverage x ellipsoidal length
    minutes_near: float
    covered: np.ndarray = None  # per station: within D (for drawing the covered part)


@dataclass
class PatrolMatch:
    segments: list
    own_share: float  # length share of the track inside the chief's segment zones

    def best(self) -> Optional[SegmentMatch]:
        return max(self.segments, key=lambda m: m.coverage) if self.segments else None


def match_track(x: np.ndarray, y: np.ndarray, t: np.ndarray, shapes: SegmentShapes,
                seg_codes: Sequence[str]) -> PatrolMatch:
    """Measures of a track (frame coordinates, times in seconds) on each of ``seg_codes``."""
    import shapely

    x = np.asarray(x, float)
    y = np.asarray(y, float)
    t = np.asarray(t, float)
    n = len(x)
    track = shapely.linestrings(np.column_stack([x, y])) if n >= 2 else None
    if track is not None:
        track = shapely.simplify(track, SIMPLIFY_M, preserve_topology=False)
        shapely.prepare(track)
    dt = np.diff(t) if n >= 2 else np.zeros(0)
    step = np.hypot(np.diff(x), np.diff(y)) if n >= 2 else np.zeros(0)
    in_any = np.zeros(n, dtype=bool)
    out = []
    d = shapes.buffer_m
    for code in dict.fromkeys(seg_codes):
        i = shapes.index.get(code)
        if i is None:
            continue
        zone = shapes.zones[i]
        st = shapes.station_xy[i]
        if track is None or len(st) == 0 or zone is None or zone.is_empty:
            out.append(SegmentMatch(code, 0.0, 0.0, 0.0, np.zeros(len(st), dtype=bool)))
            continue
        inside = shapely.contains_xy(zone, x, y)
        in_any |= inside
        w = (inside[:-1].astype(float) + inside[1:]) / 2.0
        minutes = float(np.sum(w * dt)) / 60.0
        if shapes.banks[i] in ("left", "right"):
            ref = shapely.intersection(track, zone)
            if ref.is_empty:
                covered = np.zeros(len(st), dtype=bool)
            else:
                shapely.prepare(ref)
                covered = shapely.dwithin(ref, shapely.points(st), d)
        else:
            covered = shapely.dwithin(track, shapely.points(st), d)
        share = float(np.count_nonzero(covered)) / len(st)
        out.append(SegmentMatch(code, share, share * float(shapes.length_km[i]), minutes, covered))
    total = float(step.sum())
    own = float(np.sum(step * (in_any[:-1].astype(float) + in_any[1:]) / 2.0)) / total if total > 0 else 0.0
    return PatrolMatch(out, own)


def covered_parts(shapes: SegmentShapes, match: SegmentMatch):
    """The covered part of a segment as runs of consecutive covered stations, as a
    MultiLineString in the frame (each run from half a station spacing before its first
    covered station to half a spacing after its last)."""
    import shapely
    from shapely.ops import substring

    i = shapes.index[match.seg_code]
    line = shapes.lines[i]
    parts = [p for p in shapely.get_parts(line) if p.length > 0]
    out = []
    k = 0
    for part in parts:
        n = max(1, int(np.ceil(part.length / STATION_SPACING_M)))
        cov = match.covered[k:k + n] if match.covered is not None else np.zeros(n, dtype=bool)
        k += n
        step = part.length / n
        j = 0
        while j < n:
            if not cov[j]:
                j += 1
                continue
            a = j
            while j < n and cov[j]:
                j += 1
            out.append(substring(part, a * step, j * step))
    return shapely.multilinestrings(out) if out else shapely.from_wkt("MULTILINESTRING EMPTY")


# ------------------------------------------------------------------ coordinate systems


@dataclass
class CrsChoice:
    """The coordinate system chosen for a track file and why."""

    crs: str  # wgs84 | gcj02 | bd09
    medians_m: dict  # crs -> median distance (m) of the track's points to the reference segments
    reason: Message  # why, in either language (core.messages ``patrol.crs.*``)

    def text(self, lang: str = "en") -> str:
        return self.reason.text(lang)


def _medians(lon, lat, frame: LocalFrame, reference, keys=tuple(CONVERTERS)) -> dict:
    import shapely

    k = len(lon)
    take = np.unique(np.linspace(0, k - 1, min(k, 100)).astype(int)) if k else np.zeros(0, int)
    out = {}
    for key in keys:
        conv = CONVERTERS[key]
        wl, wa = conv(np.asarray(lon)[take], np.asarray(lat)[take])
        x, y = frame.xy(wl, wa)
        out[key] = float(np.median(shapely.distance(shapely.points(np.column_stack([x, y])), reference)))
    return out


def choose_crs(lon, lat, frame: LocalFrame, reference, wanted: str = "auto",
               buffer_m: float = DEFAULT_BUFFER_M, reference_is_chiefs: bool = True) -> CrsChoice:
    """Which coordinate system the track's points (as written in the file) are in.

    ``reference`` is a shapely geometry in the frame: the segments of the track's chief on
    its days (or, when the chief has none, every segment of the workspace). For each
    candidate the track is brought to WGS84 and the median distance of up to 100 of its
    points to the reference is measured. ``auto`` chooses GCJ-02 or BD-09 only when that
    median is within 3 D (at least 300 m) and less than half the median taken as WGS84;
    otherwise WGS84. A track whose median distance as WGS84 is within D, where the GCJ-02
    offset is more than 2 D, is WGS84 at once (no offset system could bring it nearer). A
    ``wanted`` system other than auto is used as given, with the distances reported so a
    wrong choice shows.
    """
    lbl = CRS_LABELS
    ref = Message("patrol.crs.chiefs_segments" if reference_is_chiefs else "patrol.crs.all_segments")
    if reference is None or reference.is_empty or len(lon) == 0:
        if wanted in CONVERTERS:
            return CrsChoice(wanted, {}, Message("patrol.crs.as_given", crs=lbl[wanted]))
        return CrsChoice("wgs84", {}, Message("patrol.crs.no_reference"))
    if wanted not in CONVERTERS:
        first = _medians(lon, lat, frame, reference, ("wgs84",))
        glon, glat = gcj02.gcj02_to_wgs84(np.asarray(lon[:1], float), np.asarray(lat[:1], float))
        gx, gy = frame.xy(glon, glat)
        x0, y0 = frame.xy(np.asarray(lon[:1], float), np.asarray(lat[:1], float))
        if first["wgs84"] <= buffer_m and float(np.hypot(gx - x0, gy - y0)[0]) > 2 * buffer_m:
            return CrsChoice("wgs84", first, Message("patrol.crs.on_segments", metres=first["wgs84"], ref=ref))
    med = _medians(lon, lat, frame, reference)
    each = [Message("patrol.crs.distance", crs=lbl[k], metres=v) for k, v in med.items()]
    distances = Text(", ".join(m.text("en") for m in each), "，".join(m.text("zh") for m in each))
    if wanted in CONVERTERS:
        return CrsChoice(wanted, med, Message("patrol.crs.as_given_distances", crs=lbl[wanted], ref=ref,
                                              distances=distances))
    best = min(med, key=med.get)
    near = max(3.0 * buffer_m, 300.0)
    if best != "wgs84" and med[best] <= near and med[best] < 0.5 * med["wgs84"]:
        return CrsChoice(best, med, Message("patrol.crs.offset", crs=lbl[best], metres=med[best], ref=ref,
                                            wgs84=med["wgs84"], distances=distances))
    return CrsChoice("wgs84", med, Message("patrol.crs.no_better", ref=ref, distances=distances))


def to_wgs84(lon, lat, crs: str) -> tuple[np.ndarray, np.ndarray]:
    return CONVERTERS[crs](lon, lat)
