"""Patrols: a year of a district's patrol tracks imported and matched to the segments.

A generated district of TOWNS x VILLAGES villages, one meandering river per town row cut
into one segment per village, a village chief per segment patrolling it every week of
2024 with ~1,000 track points (a point every 2 s; every seventh walk turns back after
60 % of the segment), written as phone-app CSV files (epoch
milliseconds, accuracy) with every tenth week as GPX. Steps, each in its own process so
its peak memory is its own (VmHWM, minus the QGIS start-up baseline):

- Hezhang import: hezhang's import service on the folder (parse, clean, detect the
  coordinate system, match to the chief's segments, judge, write) into the workspace;
- Hezhang matching alone: the stored tracks read back and matched again (stations every
  10 m within 60 m, per chief and day);
- QGIS Processing, the same matching as a user would build it on the stored tracks:
  native:reprojectlayer (tracks and segments to the CGCS2000 3-degree zone, EPSG:4547) →
  native:buffer (60 m) of the segments → native:intersection of the tracks with them →
  native:fieldcalculator (length) → statisticsbycategories (sum by patrol and segment;
  qgis: before 3.26, native: after); the chief's own segments are then picked from the
  table in Python, and the share is the track length inside the segment's buffer over the
  segment's length (capped at 1). Buffering the segments, not the tracks: a 60 m buffer of
  one noisy 1,000-point track took about a second in QGIS 3.22 (85 s for 80 tracks).

The shares agree where a patrol walked along its segment once (the track's length near the
segment is then the length of segment covered); the agreement is reported.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

DISTRICT = "411171000000"
BJ = dt.timezone(dt.timedelta(hours=8))
DX = 0.025  # village cell width in degrees (about 2.3 km at 33.5 N)
DY = 0.02
X0, Y0 = 113.6, 33.3


def scale(quick: bool) -> dict:
    return {"towns": 2, "villages": 10, "weeks": 4} if quick else {"towns": 10, "villages": 31, "weeks": 52}


def _river(t: int, villages: int, n_per_seg: int = 200):
    """A meandering west-east river through town row ``t`` (lon/lat vertices)."""
    n = villages * n_per_seg + 1
    x = np.linspace(X0, X0 + villages * DX, n)
    y = Y0 + (t + 0.5) * DY + 0.003 * np.sin((x - X0) / DX * 2 * np.pi * 0.7 + t)
    return x, y


def generate(folder: str, towns: int, villages: int, weeks: int) -> dict:
    """The workspace (segments, chiefs, appointments) and the track files."""
    import shapely
    from shapely.geometry import LineString, box

    from hezhang_plugin.data.io import write_rows
    from hezhang_plugin.data.workspace import create_workspace

    path = os.path.join(folder, "district.gpkg")
    tracks = os.path.join(folder, "tracks")
    os.makedirs(tracks)
    create_workspace(path, DISTRICT[:6], "基准区", None, overwrite=True)
    units = [{"code": DISTRICT, "name": "基准区", "level": "district",
              "geom": shapely.multipolygons([box(X0, Y0, X0 + villages * DX, Y0 + towns * DY)])}]
    segs, chiefs, assigns, lines = [], [], [], {}
    rng = np.random.default_rng(7)
    seq = 0
    for t in range(towns):
        tcode = f"{DISTRICT[:6]}{101 + t:03d}000"
        units.append({"code": tcode, "name": f"镇{t}", "level": "town", "parent_code": DISTRICT,
                      "geom": shapely.multipolygons([box(X0, Y0 + t * DY, X0 + villages * DX, Y0 + (t + 1) * DY)])})
        chiefs.append({"chief_id": f"T{t:02d}", "name": f"镇长{t}", "level": "town", "role": "chief",
                       "unit_code": tcode, "active": True})
        rx, ry = _river(t, villages)
        for v in range(villages):
            seq += 1
            vcode = f"{tcode[:9]}{201 + v:03d}"
            units.append({"code": vcode, "name": f"村{t}-{v}", "level": "village", "parent_code": tcode,
                          "geom": shapely.multipolygons([box(X0 + v * DX, Y0 + t * DY, X0 + (v + 1) * DX,
                                                             Y0 + (t + 1) * DY)])})
            code = f"{DISTRICT[:6]}{seq:06d}"
            a, b = v * 200, (v + 1) * 200 + 1
            line = LineString(np.column_stack([rx[a:b], ry[a:b]]))
            lines[code] = line
            segs.append({"seg_code": code, "river_code": f"R{t}", "name": f"河{t}村{v}段", "bank": "both",
                         "unit_code": vcode, "length_km": 0.0, "valid_from": "2023-01-01",
                         "geom": shapely.multilinestrings([line])})
            cid = f"V{t:02d}{v:02d}"
            chiefs.append({"chief_id": cid, "name": f"村长{t}-{v}", "level": "village", "role": "chief",
                           "unit_code": vcode, "active": True})
            assigns.append({"seg_code": code, "chief_id": cid, "level": "village", "role": "chief",
                            "valid_from": "2023-01-01"})
            assigns.append({"seg_code": code, "chief_id": f"T{t:02d}", "level": "town", "role": "chief",
                            "valid_from": "2023-01-01"})
    for name, rows in (("admin_units", units), ("segments", segs), ("chiefs", chiefs), ("assignments", assigns)):
        write_rows(path, name, rows)
    # Tracks: the village chief walks his segment once a week, ~1,000 points 2 s apart.
    from hezhang_plugin.core.patrol_match import LocalFrame

    frame = LocalFrame(X0 + villages * DX / 2, Y0 + towns * DY / 2)
    files = points = 0
    first = dt.date(2024, 1, 1)
    for code, line in lines.items():
        cid = next(a["chief_id"] for a in assigns if a["seg_code"] == code and a["level"] == "village")
        xy = np.column_stack(frame.xy(*np.asarray(line.coords).T))
        metric = LineString(xy)
        for w in range(weeks):
            day = first + dt.timedelta(days=7 * w + int(rng.integers(0, 7)))
            start = dt.datetime(day.year, day.month, day.day, int(rng.integers(7, 17)), tzinfo=BJ).timestamp()
            n = int(rng.integers(950, 1050))
            # Every seventh patrol turns back after 60 % of the segment.
            dist = np.linspace(0.0, metric.length * (0.6 if w % 7 == 3 else 1.0), n)
            pts = shapely.get_coordinates(shapely.line_interpolate_point(metric, dist))
            pts[:, 1] += 15.0 + _gps_error(rng, n)
            pts[:, 0] += _gps_error(rng, n)
            lon, lat = frame.lonlat(pts[:, 0], pts[:, 1])
            t = start + np.arange(n) * 2.0
            stem = os.path.join(tracks, f"{cid}_{day.isoformat()}")
            if w % 10 == 9:
                _write_gpx(stem + ".gpx", lon, lat, t)
            else:
                _write_csv(stem + ".csv", lon, lat, t, rng)
            files += 1
            points += n
    return {"path": path, "tracks": tracks, "segments": len(segs), "chiefs": len(chiefs),
            "village_chiefs": len(lines), "files": files, "points": points}


def _gps_error(rng, n: int, sd: float = 3.0, phi: float = 0.995) -> np.ndarray:
    """GPS position error as receivers make it: slowly drifting (AR(1), about 3 m), not
    independent from one fix to the next."""
    shocks = rng.normal(0.0, sd * np.sqrt(1 - phi * phi), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def _write_csv(path, lon, lat, t, rng):
    acc = rng.uniform(3, 15, len(t))
    body = "\n".join(f"{x:.7f},{y:.7f},{int(ti * 1000)},{a:.1f}" for x, y, ti, a in zip(lon, lat, t, acc))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("lng,lat,timestamp,accuracy\n" + body + "\n")


def _write_gpx(path, lon, lat, t):
    stamps = [dt.datetime.fromtimestamp(ti, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") for ti in t]
    pts = "\n".join(f'<trkpt lat="{y:.7f}" lon="{x:.7f}"><time>{s}</time></trkpt>' for x, y, s in zip(lon, lat, stamps))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="bench" '
                 'xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>\n' + pts + "\n</trkseg></trk></gpx>\n")


# ------------------------------------------------------------------ measured steps (child process)


def _step_baseline(path, tracks):
    return {}


def _step_hezhang_import(path, tracks):
    from hezhang_plugin.services.patrols import import_patrols

    report = import_patrols(path, [tracks], lang="en")
    if not report.ok:
        raise RuntimeError(report.to_text("en")[:2000])
    pairs = sum(len(p.segments) for p in report.patrols)
    return {"patrols": report.patrols_added, "pairs": pairs,
            "valid": sum(1 for p in report.patrols if p.valid),
            "dropped": sum(f.cleaning.dropped for f in report.files if f.cleaning)}


def _step_hezhang_match(path, tracks):
    from hezhang_plugin.core import patrol_match as pm
    from hezhang_plugin.data.patrols_store import read_patrols
    from hezhang_plugin.services.patrols import load_workspace

    ws = load_workspace(path)
    out = {}
    for p in read_patrols(path, with_track=True):
        x, y = ws.frame.xy(p["x"], p["y"])
        segs = [c for c, _lv in ws.segments_of(p["chief_id"], p["patrol_date"])]
        m = pm.match_track(x, y, p["m"], ws.shapes, segs)
        for s in m.segments:
            out[f"{p['patrol_id']}|{s.seg_code}"] = s.coverage
    return {"pairs": len(out), "coverage": out}


def _step_qgis_match(path, tracks):
    from qgis import processing
    from qgis.analysis import QgsNativeAlgorithms
    from qgis.core import QgsApplication, QgsCoordinateReferenceSystem, QgsVectorLayer

    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
    t0 = time.perf_counter()  # the chain only, not the loading of Processing's providers
    crs = QgsCoordinateReferenceSystem("EPSG:4547")
    patrols = QgsVectorLayer(f"{path}|layername=patrols", "patrols", "ogr")
    segments = QgsVectorLayer(f"{path}|layername=segments", "segments", "ogr")
    run = processing.run
    tr = run("native:reprojectlayer", {"INPUT": patrols, "TARGET_CRS": crs, "OUTPUT": "memory:"})["OUTPUT"]
    sg = run("native:reprojectlayer", {"INPUT": segments, "TARGET_CRS": crs, "OUTPUT": "memory:"})["OUTPUT"]
    buf = run("native:buffer", {"INPUT": sg, "DISTANCE": 60.0, "SEGMENTS": 8, "END_CAP_STYLE": 0, "JOIN_STYLE": 0,
                                "MITER_LIMIT": 2, "DISSOLVE": False, "OUTPUT": "memory:"})["OUTPUT"]
    inter = run("native:intersection", {"INPUT": tr, "OVERLAY": buf, "INPUT_FIELDS": ["patrol_id", "chief_id"],
                                        "OVERLAY_FIELDS": ["seg_code"], "OVERLAY_FIELDS_PREFIX": "",
                                        "OUTPUT": "memory:"})["OUTPUT"]
    calc = run("native:fieldcalculator", {"INPUT": inter, "FIELD_NAME": "len_m", "FIELD_TYPE": 0,
                                          "FIELD_LENGTH": 20, "FIELD_PRECISION": 3, "FORMULA": "$length",
                                          "OUTPUT": "memory:"})["OUTPUT"]
    registry = QgsApplication.processingRegistry()
    stats_id = ("native:statisticsbycategories" if registry.algorithmById("native:statisticsbycategories")
                else "qgis:statisticsbycategories")  # a Python algorithm before QGIS 3.26
    stats = run(stats_id, {"INPUT": calc, "VALUES_FIELD_NAME": "len_m",
                                                  "CATEGORIES_FIELD_NAME": ["patrol_id", "seg_code"],
                                                  "OUTPUT": "memory:"})["OUTPUT"]
    seg_len = {f["seg_code"]: f.geometry().length() for f in sg.getFeatures()}
    own = {}
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    chief_of = dict(con.execute("SELECT patrol_id, chief_id FROM patrols"))
    mine = {(a, s) for a, s in con.execute("SELECT chief_id, seg_code FROM assignments")}
    con.close()
    for f in stats.getFeatures():
        pid, seg = f["patrol_id"], f["seg_code"]
        if (chief_of.get(pid), seg) in mine:
            own[f"{pid}|{seg}"] = min(1.0, f["sum"] / seg_len[seg])
    return {"pairs": len(own), "coverage": own, "rows": stats.featureCount(),
            "seconds_chain": time.perf_counter() - t0}


STEPS = {
    "baseline": _step_baseline,
    "hezhang_import": _step_hezhang_import,
    "hezhang_match": _step_hezhang_match,
    "qgis_match": _step_qgis_match,
}


def _peak_rss_mb() -> float:
    from common import peak_rss_mb  # bench/ is the script's folder

    return peak_rss_mb()


def _child(step: str, path: str, tracks: str, out_json: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    t0 = time.perf_counter()
    extra = STEPS[step](path, tracks)
    seconds = extra.pop("seconds_chain", None) or time.perf_counter() - t0
    peak_mb = _peak_rss_mb()
    with open(out_json, "w", encoding="utf-8") as fh:
        json.dump({"seconds": seconds, "peak_mb": peak_mb, **extra}, fh)
    os._exit(0)


STEP_LIMIT_S = 1800


def measure(step: str, path: str, tracks: str, folder: str) -> dict:
    """``step`` run in its own process, with the load average before and after it."""
    sys.path.insert(0, HERE)
    from common import around

    return around(lambda: _measure(step, path, tracks, folder))


def _measure(step: str, path: str, tracks: str, folder: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=ROOT)
    out_json = os.path.join(folder, f"{step}.json")
    try:
        res = subprocess.run([sys.executable, os.path.abspath(__file__), step, path, tracks, out_json],
                             capture_output=True, text=True, env=env, timeout=STEP_LIMIT_S)
    except subprocess.TimeoutExpired:
        return {"seconds": float(STEP_LIMIT_S), "peak_mb": float("nan"), "timed_out": True}
    if not os.path.exists(out_json):
        raise RuntimeError(f"bench step {step} failed: {res.stderr[-2000:]}")
    with open(out_json, encoding="utf-8") as fh:
        return json.load(fh)


def main(quick: bool) -> str:
    sc = scale(quick)
    folder = tempfile.mkdtemp(prefix="hz-bench-patrols-")
    try:
        t0 = time.perf_counter()
        gen = generate(folder, **sc)
        gen_s = time.perf_counter() - t0
        size_mb = sum(os.path.getsize(os.path.join(gen["tracks"], f)) for f in os.listdir(gen["tracks"])) / 2**20
        r = {"baseline": measure("baseline", gen["path"], gen["tracks"], folder)}
        r["hezhang_import"] = measure("hezhang_import", gen["path"], gen["tracks"], folder)
        load_before = os.getloadavg()
        r["hezhang_match"] = measure("hezhang_match", gen["path"], gen["tracks"], folder)
        r["qgis_match"] = measure("qgis_match", gen["path"], gen["tracks"], folder)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = r["baseline"]["peak_mb"]

    def mem(step):
        return r[step]["peak_mb"] - base

    def load(step):
        return f"{r[step]['load_before']:.1f} → {r[step]['load_after']:.1f}"

    def secs(step):
        return f"> {STEP_LIMIT_S} (stopped)" if r[step].get("timed_out") else f"{r[step]['seconds']:.1f}"

    hz, qg = r["hezhang_match"].get("coverage", {}), r["qgis_match"].get("coverage", {})
    both = [k for k in hz if k in qg]
    diff = np.array([abs(hz[k] - qg[k]) for k in both]) if both else np.zeros(0)
    walked = [k for k in both if hz[k] >= 0.5]
    diff_walked = np.array([abs(hz[k] - qg[k]) for k in walked]) if walked else np.zeros(0)

    def stat(fn, a):
        return fn(a) if len(a) else float("nan")

    imp = r["hezhang_import"]
    per_s = gen["points"] / imp["seconds"] if imp.get("seconds") else 0
    lines = [
        "## Patrols: a year of tracks imported and matched" + (" (quick scale)" if quick else ""),
        "",
        f"Generated district: {gen['segments']:,} segments, {gen['chiefs']:,} chiefs of whom "
        f"{gen['village_chiefs']:,} village chiefs patrol their segment every week of 2024: {gen['files']:,} "
        f"track files (CSV with epoch ms and accuracy, every tenth GPX), {gen['points']:,} points, "
        f"{size_mb:,.0f} MB; generated in {gen_s:.0f} s. Each step runs in its own process; peak memory is the "
        f"process's maximum RSS minus the QGIS start-up baseline ({base:.0f} MB). Matching distance 60 m.",
        "",
        "| step | time (s) | peak memory above baseline (MB) | result | load before → after |",
        "|---|---:|---:|---|---|",
        f"| Hezhang import (parse, clean, detect coordinates, match, judge, write; one transaction) | "
        f"{secs('hezhang_import')} | {mem('hezhang_import'):.0f} | {imp.get('patrols', 0):,} patrols, "
        f"{imp.get('pairs', 0):,} patrol-segment rows, {imp.get('valid', 0):,} valid; {per_s:,.0f} points/s | "
        f"{load('hezhang_import')} |",
        f"| Hezhang matching alone (stored tracks read back, stations every 10 m, per chief and day) | "
        f"{secs('hezhang_match')} | {mem('hezhang_match'):.0f} | {r['hezhang_match'].get('pairs', 0):,} "
        f"patrol-segment pairs | {load('hezhang_match')} |",
        "| peer: QGIS Processing reprojectlayer + buffer (segments) + intersection (tracks) + fieldcalculator + "
        f"statisticsbycategories | {secs('qgis_match')} | "
        + ("–" if r["qgis_match"].get("timed_out") else f"{mem('qgis_match'):.0f}")
        + f" | {r['qgis_match'].get('pairs', 0):,} pairs on the chief's own segments | "
        f"{load('qgis_match')} |",
        "",
        "| ratio (QGIS ÷ Hezhang matching) | time | memory |",
        "|---|---:|---:|",
        f"| QGIS Processing | {'> ' if r['qgis_match'].get('timed_out') else ''}"
        f"{r['qgis_match']['seconds'] / r['hezhang_match']['seconds']:.2f} | "
        + ("–" if r["qgis_match"].get("timed_out") else f"{mem('qgis_match') / max(mem('hezhang_match'), 1):.2f}")
        + " |",
        "",
        f"Agreement on the {len(both):,} pairs both found: share of segment covered differs by "
        f"{stat(np.median, diff):.3f} (median), {stat(np.max, diff):.3f} "
        f"(max); where the chief walked the segment (Hezhang ≥ 50 %, {len(walked):,} pairs) by "
        f"{stat(np.median, diff_walked):.3f} (median). "
        "The QGIS chain gives the shares only; Hezhang's import also cleans, detects GCJ-02/BD-09, "
        "measures time near, judges validity and writes. "
        f"Load average (1 min) before the matching steps {load_before[0]:.2f}, after {load_after[0]:.2f}.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] in STEPS:
        _child(*sys.argv[1:5])
    else:
        sys.stdout.write(main(quick="--quick" in sys.argv))
