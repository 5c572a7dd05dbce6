"""Patrol use cases: import track files into a workspace (parse, clean, find the coordinate
system, match to the chief's segments, judge under the default rule profile, write all or
nothing), check compliance for a period, and show one patrol.

Called by the Processing algorithms ``hezhang:importpatrols`` / ``hezhang:checkpatrols``
and by the dock's Patrols page (inside a QgsTask). No QGIS imports.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from hezhang_plugin.core import patrol_compliance as pc
from hezhang_plugin.core import patrol_match as pm
from hezhang_plugin.core import patrol_rules as pr
from hezhang_plugin.core import tracks as tk
from hezhang_plugin.core.messages import HezhangError, Message, Text
from hezhang_plugin.core.projthreads import proj_safe
from hezhang_plugin.core.validity import is_current

COORDINATE_CHOICES = ("auto", "wgs84", "gcj02", "bd09")


class PatrolImportError(HezhangError):
    """An import that cannot start (bad parameter, empty input); English and Chinese."""


class _Rollback(Exception):  # noqa: N818 - control flow: undo the import's transaction
    pass


class Canceled(Exception):  # noqa: N818 - the user's act, not an error
    """The user canceled; nothing was written."""


def _lang(lang: Optional[str]) -> str:
    if lang:
        return lang
    try:
        from hezhang_plugin.i18n import ui_language

        return ui_language()
    except Exception:  # plain Python without QGIS settings
        return "en"


# ------------------------------------------------------------------ report


@dataclass
class ImportedPatrol:
    patrol_id: str
    part: int
    start: str  # Beijing time
    minutes: float
    km: float
    points: int
    segments: list  # [(seg_code, coverage, minutes_near, counts)]
    own_share: float
    valid: bool
    reasons: list  # [pr.Reason]


@dataclass
class FileResult:
    """What happened to one track file (one row of the report per patrol it gave)."""

    path: str
    status: str = "rejected"  # imported | duplicate | rejected
    fmt: str = ""
    encoding: str = ""
    sha256: str = ""
    chief_id: str = ""
    chief_from: str = ""  # parameter | column | file name
    error: Optional[tk.TrackFileError] = None
    duplicate_of: str = ""  # date the same file was imported before
    cleaning: Optional[tk.Cleaning] = None
    crs: Optional[pm.CrsChoice] = None
    patrols: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    def status_text(self, lang: str = "en") -> str:
        if self.status == "duplicate":
            return Message("patrol.import.duplicate", date=self.duplicate_of).text(lang)
        if self.status == "rejected":
            return Message("patrol.import.rejected", reason=self.error.message if self.error else "").text(lang)
        return Message("patrol.import.imported").text(lang)


@dataclass
class ImportReport:
    files: list = field(default_factory=list)
    written: bool = False
    profile: str = ""

    @property
    def rejected(self) -> list:
        return [f for f in self.files if f.status == "rejected"]

    @property
    def duplicates(self) -> list:
        return [f for f in self.files if f.status == "duplicate"]

    @property
    def patrols(self) -> list:
        return [p for f in self.files if f.status == "imported" for p in f.patrols]

    @property
    def patrols_added(self) -> int:
        return len(self.patrols) if self.written else 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self, lang: Optional[str] = None) -> str:
        lang = _lang(lang)
        n, rej, dup = len(self.files), len(self.rejected), len(self.duplicates)
        text = Message("patrol.import.summary", files=n, importable=n - rej - dup, duplicates=dup,
                       rejected=rej).text(lang)
        if not self.written:
            return text + Message("patrol.import.nothing_written" if rej or not self.patrols
                                  else "patrol.import.no_new").text(lang)
        valid = sum(1 for p in self.patrols if p.valid)
        return text + Message("patrol.import.written", patrols=len(self.patrols), valid=valid).text(lang)

    def lines(self, lang: Optional[str] = None) -> list[list[str]]:
        """Report table: header and one row per patrol (or per file without patrols)."""
        lang = _lang(lang)
        zh = lang == "zh"
        head = (["文件", "状态", "格式", "编码", "河长", "河长来源", "坐标系", "坐标系依据", "清洗", "巡河编号",
                 "开始时间", "时长(分钟)", "里程(公里)", "河段覆盖", "本人河段占比", "有效", "原因"] if zh else
                ["file", "status", "format", "encoding", "chief", "chief from", "coordinates", "why",
                 "cleaning", "patrol", "start", "minutes", "km", "segments covered", "share on own segments",
                 "valid", "reasons"])
        src = {"parameter": ("parameter", "参数"), "column": ("column", "文件列"), "file name": ("file name", "文件名")}
        out = [head]
        for f in self.files:
            base = [f.name, f.status_text(lang), f.fmt, f.encoding, f.chief_id,
                    src.get(f.chief_from, ("", ""))[1 if zh else 0],
                    pm.CRS_LABELS.get(f.crs.crs, "") if f.crs else "", f.crs.text(lang) if f.crs else "",
                    f.cleaning.text(lang) if f.cleaning else ""]
            if not f.patrols:
                out.append(base + [""] * 8)
                continue
            for p in f.patrols:
                segs = ("，" if zh else ", ").join(f"{code} {cov:.0%}" for code, cov, _m, _c in p.segments)
                out.append(base + [p.patrol_id, p.start.replace("T", " "), f"{p.minutes:.1f}", f"{p.km:.2f}",
                                   segs, f"{p.own_share:.0%}", ("是" if p.valid else "否") if zh else
                                   ("yes" if p.valid else "no"), pr.reasons_text(p.reasons, lang)])
        return out

    def to_text(self, lang: Optional[str] = None) -> str:
        lang = _lang(lang)
        lines = [self.summary(lang)]
        for f in self.files:
            lines.append(f"{f.name}: {f.status_text(lang)}")
            if f.cleaning:
                lines.append("  " + f.cleaning.text(lang))
            if f.crs:
                lines.append("  " + f.crs.text(lang))
            for p in f.patrols:
                state = Message("patrol.import.valid" if p.valid else "patrol.import.not_valid").text(lang)
                why = f" ({pr.reasons_text(p.reasons, lang)})" if p.reasons else ""
                lines.append(f"  {p.patrol_id} {p.start.replace('T', ' ')} {p.minutes:.0f} min "
                             f"{p.km:.2f} km: {state}{why}")
        return "\n".join(lines) + "\n"

    def write_csv(self, path: str, lang: Optional[str] = None) -> None:
        """The report as a UTF-8 CSV with BOM (opens correctly in Excel)."""
        lang = _lang(lang)
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerows(self.lines(lang))
            w.writerow([])
            w.writerow(["汇总" if lang == "zh" else "summary", self.summary(lang)])


# ------------------------------------------------------------------ workspace context


@proj_safe
def _lonlat(geoms, crs: str):
    import shapely

    from hezhang_plugin.core.geodesy import transformer_to_lonlat

    geoms = np.asarray(geoms, dtype=object)
    if crs.upper() in ("EPSG:4490", "EPSG:4326") or len(geoms) == 0:
        return geoms
    tr = transformer_to_lonlat(crs)

    def fn(c):
        x, y = tr.transform(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


@proj_safe
def _from_lonlat(lon, lat, crs: str):
    if crs.upper() in ("EPSG:4490", "EPSG:4326"):
        return np.asarray(lon, float), np.asarray(lat, float)
    from pyproj import Transformer

    from hezhang_plugin.core.geodesy import ensure_proj_data

    ensure_proj_data()
    x, y = Transformer.from_crs("EPSG:4490", crs, always_xy=True).transform(lon, lat)
    return np.asarray(x), np.asarray(y)


@dataclass
class Workspace:
    """What patrol matching reads of a workspace, loaded once."""

    uri: str
    crs: str
    chiefs: dict
    assignments: list
    segments: list
    seg_lonlat: np.ndarray
    frame: pm.LocalFrame
    shapes: pm.SegmentShapes
    rules: list

    def segments_of(self, chief_id: str, day: str) -> list[tuple[str, str]]:
        """(seg_code, level) of the segments ``chief_id`` answered for on ``day``."""
        seg_ok = self._seg_current
        out = {}
        for a in self._by_chief.get(chief_id, []):
            if is_current(a, day) and a["seg_code"] in self.shapes.index and seg_ok(a["seg_code"], day):
                out.setdefault(a["seg_code"], a.get("level"))
        return list(out.items())

    def reference(self, seg_codes: tuple):
        """Union of the segments' lines in the frame (every segment when none are given),
        cached: the geometry a track is compared with to find its coordinate system."""
        import shapely

        if seg_codes not in self._references:
            lines = [self.shapes.lines[self.shapes.index[c]] for c in seg_codes] or list(self.shapes.lines)
            ref = shapely.union_all(np.asarray(lines, dtype=object)) if lines else None
            if ref is not None:
                shapely.prepare(ref)
            self._references[seg_codes] = ref
        return self._references[seg_codes]

    def __post_init__(self):
        self.backend = None
        self._references: dict = {}
        self._by_chief = defaultdict(list)
        for a in self.assignments:
            self._by_chief[a.get("chief_id")].append(a)
        self._seg_rows = {s["seg_code"]: s for s in self.segments}

    def _seg_current(self, code: str, day: str) -> bool:
        s = self._seg_rows.get(code)
        return s is not None and is_current(s, day)


def load_workspace(workspace, buffer_m: float = pm.DEFAULT_BUFFER_M) -> Workspace:
    """Chiefs, appointments, segments (with zones and stations) and rules of a workspace (a
    URI or an open :class:`~hezhang_plugin.data.backend.Backend`)."""
    from hezhang_plugin.data.backend import as_backend

    backend = as_backend(workspace)
    info = backend.info()
    crs = backend.layer_crs("segments") or info.crs
    chiefs = {c["chief_id"]: c for c in backend.read_attributes("chiefs")}
    assignments = backend.read_attributes("assignments")
    segments = [s for s in backend.read_rows("segments") if s.get("seg_code")]
    lonlat = _lonlat([s.get("geom") for s in segments], crs)
    good = [g for g in lonlat if g is not None and not g.is_empty]
    if good:
        import shapely

        x0, y0, x1, y1 = shapely.total_bounds(np.asarray(good, dtype=object))
        frame = pm.LocalFrame((x0 + x1) / 2, (y0 + y1) / 2)
    else:
        frame = pm.LocalFrame(114.0, 34.0)  # no segment: nothing will match anyway
    shapes = pm.segment_shapes(segments, frame, buffer_m, lonlat_geoms=lonlat)
    ws = Workspace(backend.uri, crs, chiefs, assignments, segments, lonlat, frame, shapes,
                   backend.read_attributes("patrol_rules"))
    ws.backend = backend
    return ws


def _patrol_rows(backend, first_day: Optional[str] = None, last_day: Optional[str] = None) -> list[dict]:
    """Patrol attribute rows (times as ISO text to the second) dated in a range (either end open)."""
    out = []
    for row in backend.read_attributes("patrols"):
        day = str(row.get("patrol_date") or "")[:10]
        if (first_day and day < first_day) or (last_day and day > last_day):
            continue
        for k in ("start_time", "end_time", "imported_at"):
            if row.get(k) is not None:
                row[k] = str(row[k]).replace(" ", "T").rstrip("Z")[:19]
        row["patrol_date"] = day
        out.append(row)
    return out


def resolve_chief(text: str, chiefs: dict) -> Optional[str]:
    """A chief id from an id or a unique name."""
    t = (text or "").strip()
    if not t:
        return None
    if t in chiefs:
        return t
    named = [cid for cid, c in chiefs.items() if (c.get("name") or "") == t]
    active = [cid for cid in named if chiefs[cid].get("active", True)]
    for group in (active, named):
        if len(group) == 1:
            return group[0]
    return None


def chief_from_file_name(path: str, chiefs: dict) -> Optional[str]:
    """The chief whose id (else whose unique name) the file name contains, longest first."""
    stem = os.path.splitext(os.path.basename(path))[0]
    ids = sorted((cid for cid in chiefs if cid and cid in stem), key=len, reverse=True)
    if ids:
        return ids[0]
    names: dict[str, list] = defaultdict(list)
    for cid, c in chiefs.items():
        name = c.get("name") or ""
        if len(name) >= 2 and name in stem:
            names[name].append(cid)
    for name in sorted(names, key=len, reverse=True):
        if len(names[name]) == 1:
            return names[name][0]
    return None


# ------------------------------------------------------------------ import


def import_patrols(workspace, inputs: Sequence[str], chief: Optional[str] = None,
                   coordinates: str = "auto", buffer_m: float = pm.DEFAULT_BUFFER_M,
                   valid_files_only: bool = False, mode: str = "self",
                   clean_options: Optional[tk.CleanOptions] = None,
                   progress: Optional[Callable[[float], None]] = None,
                   canceled: Optional[Callable[[], bool]] = None, lang: Optional[str] = None,
                   now: Optional[str] = None) -> ImportReport:
    """Import GPX/KML/KMZ/CSV track files (or the track files of folders) as patrols into a
    workspace (a URI or an open Backend).

    The chief of each file is ``chief`` (an id or a unique name), else the file's chief
    column, else the chief whose id or name the file name contains. ``coordinates`` is
    auto, wgs84, gcj02 or bd09 (see :func:`core.patrol_match.choose_crs`). Each cleaned
    piece of a track becomes a patrol, matched within ``buffer_m`` metres to the segments
    its chief answered for that day and judged under the workspace's default rule profile.

    All-or-nothing: one rejected file and nothing is written, unless ``valid_files_only``;
    a file imported before (same SHA-256) is skipped. One GeoPackage transaction. Raises
    :class:`PatrolImportError` for bad parameters, :class:`Canceled` when ``canceled()``
    turns true (nothing written).
    """
    from hezhang_plugin.data import trackfiles

    lang = _lang(lang)
    if coordinates not in COORDINATE_CHOICES:
        raise PatrolImportError("patrol.import.coordinates", value=coordinates, choices=", ".join(COORDINATE_CHOICES))
    if not buffer_m or buffer_m <= 0:
        raise PatrolImportError("patrol.import.buffer")
    try:
        files = trackfiles.expand_inputs(inputs)
    except tk.TrackFileError as exc:
        raise PatrolImportError(exc.message) from exc
    if not files:
        raise PatrolImportError("patrol.import.no_files")
    ws = load_workspace(workspace, buffer_m)
    backend = ws.backend
    if backend.read_only:
        from hezhang_plugin.data.backend import ReadOnlyError

        raise ReadOnlyError(f"{backend.uri}: the workspace is read-only; nothing was changed")
    forced_chief = None
    if chief:
        forced_chief = resolve_chief(chief, ws.chiefs)
        if forced_chief is None:
            raise PatrolImportError("patrol.import.chief_unknown", chief=chief)
    _key, profile = pr.choose_profile(ws.rules) if ws.rules else ("", {"rules": {}})
    report = ImportReport(profile=_key)
    seen: dict = {}
    for row in backend.read_attributes("patrols"):
        if row.get("source_hash"):
            seen.setdefault(row["source_hash"], str(row.get("imported_at") or "")[:10])
    imported_at = now or _dt.datetime.now().replace(microsecond=0).isoformat()
    written = 0
    try:
        # One transaction for the whole import, each file's patrols written as soon as it is
        # read (memory stays flat over a year of tracks); rolled back when a file is refused
        # (unless valid_files_only), on cancel and on any failure.
        with _writer(backend) as write:
            for n, path in enumerate(files):
                if canceled is not None and canceled():
                    raise Canceled()
                res = FileResult(path)
                report.files.append(res)
                try:
                    with open(path, "rb") as fh:
                        data = fh.read()
                except OSError as exc:
                    res.error = tk.TrackFileError("patrol.file.unreadable", name=res.name, reason=exc.strerror)
                    continue
                res.sha256 = trackfiles.sha256(data)
                if res.sha256 in seen:
                    res.status, res.duplicate_of = "duplicate", seen[res.sha256] or "?"
                    continue
                new_patrols, new_rows = [], []
                try:
                    _import_file(ws, res, data, forced_chief, coordinates, mode, profile, clean_options,
                                 imported_at, lang, new_patrols, new_rows)
                except tk.TrackFileError as exc:
                    res.error = exc
                    res.status = "rejected"
                    res.patrols = []
                else:
                    seen[res.sha256] = imported_at[:10]
                    if valid_files_only or not report.rejected:
                        written += write(new_patrols, new_rows)
                if progress is not None:
                    progress(99.0 * (n + 1) / len(files))
            if report.rejected and not valid_files_only:
                raise _Rollback()
    except _Rollback:
        return report
    report.written = written > 0
    if progress is not None:
        progress(100.0)
    return report


@contextlib.contextmanager
def _writer(backend):
    """A function taking one file's patrol rows and patrol_segments rows, all written in ONE
    transaction when the block ends (rolled back when it raises). A GeoPackage is written
    file by file inside an open transaction, so a year of tracks never sits in memory; other
    backends get one change set at the end."""
    if backend.kind == "gpkg":
        from hezhang_plugin.data import patrols_store

        with patrols_store.writer(backend.path) as write:
            yield write
        return
    from hezhang_plugin.core.changes import ChangeSet

    changes = ChangeSet(Message.literal("Import patrol tracks", "导入巡河轨迹"))

    def collect(patrols, rows) -> int:
        for p in patrols:
            changes.insert("patrols", p)
        for r in rows:
            changes.insert("patrol_segments", r)
        return len(patrols)

    yield collect
    if changes:
        backend.apply(changes)


def _import_file(ws: Workspace, res: FileResult, data: bytes, forced_chief, coordinates, mode, profile,
                 clean_options, imported_at, lang, out_patrols, out_rows) -> None:
    from hezhang_plugin.data import trackfiles

    raw = trackfiles.read_track(res.path, data)
    res.fmt, res.encoding = raw.fmt, raw.encoding
    if forced_chief:
        res.chief_id, res.chief_from = forced_chief, "parameter"
    elif raw.chief_hint and resolve_chief(raw.chief_hint, ws.chiefs):
        res.chief_id, res.chief_from = resolve_chief(raw.chief_hint, ws.chiefs), "column"
    else:
        cid = chief_from_file_name(res.path, ws.chiefs)
        if cid is None:
            hint = Message("patrol.file.chief_hint", value=raw.chief_hint) if raw.chief_hint else ""
            raise tk.TrackFileError("patrol.file.no_chief", name=res.name, hint=hint)
        res.chief_id, res.chief_from = cid, "file name"
    parts, res.cleaning = tk.clean(raw, clean_options)
    if not parts:
        raise tk.TrackFileError("patrol.file.nothing_left", name=res.name, cleaning=res.cleaning.message())
    days = sorted({tk.beijing_date(p.start) for p in parts})
    own = {code for d in days for code, _lv in ws.segments_of(res.chief_id, d)}

    reference = ws.reference(tuple(sorted(own)))
    all_lon = np.concatenate([p.lon for p in parts])
    all_lat = np.concatenate([p.lat for p in parts])
    res.crs = pm.choose_crs(all_lon, all_lat, ws.frame, reference, coordinates, ws.shapes.buffer_m,
                            reference_is_chiefs=bool(own))
    chief_row = ws.chiefs.get(res.chief_id) or {}
    rules = profile.get("rules", {})
    for part in parts:
        lon, lat = pm.to_wgs84(part.lon, part.lat, res.crs.crs)
        x, y = ws.frame.xy(lon, lat)
        day = tk.beijing_date(part.start)
        segs = ws.segments_of(res.chief_id, day)
        match = pm.match_track(x, y, part.t, ws.shapes, [c for c, _lv in segs])
        km = part.km if res.crs.crs == "wgs84" else tk.TrackPart(lon, lat, part.t).km
        levels = dict(segs)
        seg_rows, best_reasons, valid = [], None, False
        for m in sorted(match.segments, key=lambda m: -m.coverage):
            rule = rules.get(levels.get(m.seg_code) or chief_row.get("level"))
            reasons = pr.patrol_reasons(rule, part.minutes, km, m.coverage)
            counts = not reasons
            valid = valid or counts
            if best_reasons is None:
                best_reasons = reasons
            seg_rows.append((m, levels.get(m.seg_code), counts))
        if not segs:
            best_reasons = [pr.Reason("no_segment", day=day)]
        reasons = [] if valid else (best_reasons or [])
        pid = f"P{res.sha256[:12]}-{part.number}"
        wx, wy = _from_lonlat(lon, lat, ws.crs)
        out_patrols.append({
            "patrol_id": pid, "chief_id": res.chief_id, "start_time": tk.beijing_text(part.start),
            "end_time": tk.beijing_text(part.end), "patrol_date": day, "duration_min": round(part.minutes, 6),
            "distance_km": round(km, 6), "points": len(part.t), "dropped_points": res.cleaning.dropped,
            "source_file": res.name[:254], "source_hash": res.sha256, "source_part": part.number,
            "coords_found": res.crs.crs, "coords_note": res.crs.text(lang)[:254], "mode": mode,
            "buffer_m": ws.shapes.buffer_m, "own_share": round(match.own_share, 4), "valid": valid,
            "reasons": pr.reasons_text(reasons, lang)[:254] or None, "imported_at": imported_at,
            "geom": tk.linestring_m_wkb(wx, wy, part.t),
        })
        for m, level, counts in seg_rows:
            out_rows.append({
                "patrol_id": pid, "seg_code": m.seg_code, "chief_id": res.chief_id, "level": level,
                "coverage": round(m.coverage, 4), "km_covered": round(m.km_covered, 4),
                "minutes_near": round(m.minutes_near, 4), "counts": counts,
            })
        res.patrols.append(ImportedPatrol(pid, part.number, tk.beijing_text(part.start), part.minutes, km,
                                          len(part.t), [(m.seg_code, m.coverage, m.minutes_near, c)
                                                        for m, _lv, c in seg_rows],
                                          match.own_share, valid, reasons))
    res.status = "imported"


# ------------------------------------------------------------------ compliance


@dataclass
class CheckResult:
    start: str
    end: str
    profile_key: str
    profile: dict
    rows: list  # [patrol_compliance.ComplianceRow]
    summary: pc.Summary
    segments: dict  # seg_code -> segment row (geometry in the workspace CRS)
    chiefs: dict
    units: dict
    crs: str


def check_patrols(workspace, start: str, end: str, profile: Optional[str] = None) -> CheckResult:
    """Patrol compliance of a workspace (URI or Backend) for ``start``..``end`` (ISO dates)
    under a rule profile (a key or name; default: the workspace's default profile). Raises
    :class:`core.patrol_rules.RuleError` for an unknown profile or a bad range."""
    from hezhang_plugin.data.backend import as_backend

    backend = as_backend(workspace)
    info = backend.info()
    for which, value in ((Text("start", "起始日期"), start), (Text("end", "截止日期"), end)):
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
            raise pr.RuleError("patrol.rule.bad_date", which=which, value=value)
    if end < start:
        raise pr.RuleError("patrol.rule.range", start=start, end=end)
    key, prof = pr.choose_profile(backend.read_attributes("patrol_rules"), profile)
    first, last = pc.needed_range(prof["rules"], start, end)
    patrols = _patrol_rows(backend, first, last)
    ids = {p["patrol_id"] for p in patrols}
    psegs = [r for r in backend.read_attributes("patrol_segments") if r.get("patrol_id") in ids]
    segments = {s["seg_code"]: s for s in backend.read_rows("segments") if s.get("seg_code")}
    assignments = backend.read_attributes("assignments")
    rows = pc.compliance(patrols, psegs, assignments, segments.values(), prof["rules"], start, end)
    chiefs = {c["chief_id"]: c for c in backend.read_attributes("chiefs")}
    units = {u["code"]: u for u in backend.read_attributes("admin_units")}
    crs = backend.layer_crs("segments") or info.crs
    return CheckResult(start, end, key, prof, rows, pc.summarise(rows), segments, chiefs, units, crs)


@dataclass
class PatrolDetail:
    """One patrol for the map: track and covered parts in the workspace CRS, and verdicts."""

    patrol: dict
    track: object  # shapely LineString (``crs``)
    crs: str = ""
    segments: list = field(default_factory=list)  # [(seg_code, coverage, minutes_near, covered geometry)]
    reasons: list = field(default_factory=list)


#: Patrol ids as the import makes them (checked before one is put in a layer filter).
PATROL_ID = re.compile(r"^P[0-9a-f]{12}-[0-9]+$")


def read_track(backend, patrol_id: str) -> tuple[dict, object, Optional[np.ndarray]]:
    """(patrol row, track line in the layer's CRS, times of its vertices or None) of one
    patrol. Times are the track's measures, read from a GeoPackage's blobs; a backend that
    hands geometries over without measures gives None."""
    if not PATROL_ID.match(patrol_id or ""):
        raise KeyError(f"no patrol {patrol_id}")
    import shapely

    if backend.kind == "gpkg":
        from hezhang_plugin.data import patrols_store

        rows = patrols_store.read_patrols(backend.path, with_track=True, patrol_ids=[patrol_id])
        if rows and rows[0]["x"] is not None:
            r = rows[0]
            return r, shapely.linestrings(np.column_stack([r["x"], r["y"]])), r["m"]
    rows = backend.read_rows("patrols", where=f"patrol_id = '{patrol_id}'")  # id checked above
    if not rows:
        raise KeyError(f"no patrol {patrol_id}")
    return rows[0], rows[0].get("geom"), None


def patrol_detail(workspace, patrol_id: str, profile: Optional[str] = None) -> PatrolDetail:
    """The track of a patrol, the part of each of its segments it covered (recomputed with
    the patrol's matching distance) and the reasons it does not count under ``profile``."""
    from hezhang_plugin.data.backend import as_backend

    backend = as_backend(workspace)
    p, track, times = read_track(backend, patrol_id)
    ws = load_workspace(backend, p.get("buffer_m") or pm.DEFAULT_BUFFER_M)
    crs = backend.layer_crs("patrols") or ws.crs
    lon, lat = _lonlat([track], crs)[0].xy
    x, y = ws.frame.xy(np.asarray(lon), np.asarray(lat))
    psegs = [r for r in backend.read_attributes("patrol_segments") if r.get("patrol_id") == patrol_id]
    stored = {r["seg_code"]: float(r.get("minutes_near") or 0.0) for r in psegs}
    match = pm.match_track(x, y, times if times is not None else np.zeros(len(x)), ws.shapes,
                           [r["seg_code"] for r in psegs])
    out = PatrolDetail(p, track, crs)
    inverse = _frame_to_workspace(ws)
    for m in match.segments:
        minutes = m.minutes_near if times is not None else stored.get(m.seg_code, 0.0)
        out.segments.append((m.seg_code, m.coverage, minutes, inverse(pm.covered_parts(ws.shapes, m))))
    _key, prof = pr.choose_profile(ws.rules, profile) if ws.rules else ("", {"rules": {}})
    levels = {r["seg_code"]: r.get("level") for r in psegs}
    best = match.best()
    if best is None:
        out.reasons = [pr.Reason("no_segment", day=p.get("patrol_date") or "")]
    else:
        rule = prof["rules"].get(levels.get(best.seg_code))
        out.reasons = pr.patrol_reasons(rule, float(p.get("duration_min") or 0), float(p.get("distance_km") or 0),
                                        best.coverage)
    return out


def _frame_to_workspace(ws: Workspace):
    """A function taking a shapely geometry in the workspace's local frame to its CRS."""
    import shapely

    def convert(geom):
        def fn(c):
            lon, lat = ws.frame.lonlat(c[:, 0], c[:, 1])
            x, y = _from_lonlat(lon, lat, ws.crs)
            return np.column_stack([x, y])

        return shapely.transform(geom, fn)

    return convert


def chiefs_badges(result: CheckResult) -> dict[str, str]:
    """Chief id → worst status over its rows ('none' > 'short' > 'ok')."""
    rank = {"ok": 0, "short": 1, "none": 2}
    out: dict[str, str] = {}
    for r in result.rows:
        prev = out.get(r.chief_id)
        if prev is None or rank[r.status] > rank[prev]:
            out[r.chief_id] = r.status
    return out


@dataclass(frozen=True)
class SegmentStatus:
    """A segment's patrol compliance over a check, for a map: ``status`` 'ok' when every
    row on the segment (every chief and period owed) is met, 'none' when no row has a valid
    patrol, else 'short' (owed in part); ``required``: the patrols its rows require;
    ``valid``: those that count towards them (each row's valid patrols up to its required
    count)."""

    status: str
    valid: int
    required: int


def segment_statuses(result: CheckResult) -> dict[str, SegmentStatus]:
    """Seg code → :class:`SegmentStatus` from the check's rows; segments that owed nothing
    in the range have no entry."""
    rows: dict[str, list] = defaultdict(list)
    for r in result.rows:
        rows[r.seg_code].append(r)
    out = {}
    for code, group in rows.items():
        valid = sum(min(r.valid, r.required) for r in group)
        if all(r.status == "ok" for r in group):
            status = "ok"
        elif not any(r.valid for r in group):
            status = "none"
        else:
            status = "short"
        out[code] = SegmentStatus(status, valid, sum(r.required for r in group))
    return out


def group_rows(result: CheckResult, rows: Optional[Iterable] = None) -> dict:
    """Rows grouped town code → village (or the town itself) code → chief id → [rows], by
    the unit of each row's segment."""
    out: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for r in rows if rows is not None else result.rows:
        unit = result.units.get(r.unit_code) or {}
        if unit.get("level") == "village":
            town, village = unit.get("parent_code") or r.unit_code[:9] + "000", r.unit_code
        else:
            town, village = r.unit_code, r.unit_code
        out[town][village][r.chief_id].append(r)
    return out


def facts(workspace, start: str, end: str, profile: Optional[str] = None, result: Optional[CheckResult] = None):
    """Patrol compliance and mileage for assessment and the work report
    (:class:`core.assessment.PatrolFacts`) of [start, end] under ``profile`` (default: the
    workspace's default profile), from :func:`check_patrols` (or its ``result`` when the
    caller has it).

    ``compliance``: one row per chief, segment and rule period belonging to [start, end] —
    ``{"chief_id", "seg_code", "required", "valid", "status", "key", "period", "period_en",
    "reasons", "reasons_en"}`` (``key`` = chief/segment/period label; ``period`` the period
    as people write it, 2024年第19周; ``reasons`` why each patrol of the row that did not
    count was refused, in Chinese, empty when none was).

    ``mileage``: one row per patrol counted by those rows — ``{"chief_id", "km", "key"}``
    (``key`` the patrol id, ``km`` its ellipsoidal distance) — each patrol once, whatever
    its date: a patrol counts in the range its rule period belongs to (a week straddling two
    months belongs to the month of its Thursday), so consecutive ranges count every counted
    patrol's kilometres exactly once."""
    from hezhang_plugin.core.assessment import PatrolFacts
    from hezhang_plugin.data.backend import as_backend

    backend = as_backend(workspace)
    if result is None:
        result = check_patrols(backend, start, end, profile)
    compliance = [{"chief_id": r.chief_id, "seg_code": r.seg_code, "required": r.required, "valid": r.valid,
                   "status": r.status, "key": f"{r.chief_id}/{r.seg_code}/{r.period.label}",
                   "period": pr.period_label(r.period, "zh"), "period_en": pr.period_label(r.period, "en"),
                   "reasons": r.reasons_text("zh"), "reasons_en": r.reasons_text("en")} for r in result.rows]
    counted = {pid for r in result.rows for pid in r.valid_ids}
    km = {p["patrol_id"]: (p["chief_id"], float(p.get("distance_km") or 0.0))
          for p in backend.read_attributes("patrols") if p.get("patrol_id") in counted}
    mileage = [{"chief_id": chief, "km": dist, "key": pid} for pid, (chief, dist) in sorted(km.items())]
    return PatrolFacts(compliance=compliance, mileage=mileage)
