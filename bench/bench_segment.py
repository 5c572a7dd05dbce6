"""Benchmark: hezhang:segmentrivers vs QGIS native:intersection vs geopandas.overlay.

Generated district-, city- and province-scale data (jittered village grid, random-walk rivers,
a share of them running along village boundaries), written once to a GeoPackage in CGCS2000
lon/lat. Each tool runs in its own subprocess on the same file (so peak memory is its own):
inputs are loaded first, then only the cutting is timed. Length conservation is the output
length (ellipsoidal, km) over the input river length inside the villages; native and geopandas
count a river lying on a boundary twice (once per polygon), hezhang counts each bank once.

Run alone: ``python bench/bench_segment.py [--quick]``; ``make bench`` runs it via bench/run.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

#: name, rivers, village grid side (villages = side**2)
SCALES = [("district", 300, 20), ("city", 3000, 64), ("province", 30000, 200)]
CELL = 1500.0  # village size, metres
X0, Y0 = 380000.0, 3700000.0  # EPSG:4546 (CM 114E), about 112.7E 33.4N
TOOLS = ("hezhang", "hezhang_ws", "native", "geopandas")
LABELS = {"hezhang": "hezhang:segmentrivers (Processing, memory sink)",
          "hezhang_ws": "Hezhang dock path (services.segment_workspace: workspace in, one transaction out)",
          "native": "native:intersection", "geopandas": "geopandas.overlay"}
#: repeats of every tool per scale (alternating), the figures are medians
REPEATS = 3


def generate(path: str, n_rivers: int, side: int, seed: int = 7) -> dict:
    """Write villages and rivers to ``path`` (EPSG:4490). Returns input facts."""
    import shapely
    from osgeo import ogr

    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.data.io import srs_of

    rng = np.random.default_rng(seed)
    # shared jittered corners and edge midpoints keep neighbours gap-free
    gx, gy = np.meshgrid(np.arange(side + 1), np.arange(side + 1), indexing="ij")
    corner = np.stack([gx * CELL, gy * CELL], -1) + rng.uniform(-0.2, 0.2, (side + 1, side + 1, 2)) * CELL
    corner[0, :, 0] = 0
    corner[-1, :, 0] = side * CELL
    corner[:, 0, 1] = 0
    corner[:, -1, 1] = side * CELL
    hmid = (corner[:-1, :] + corner[1:, :]) / 2 + rng.uniform(-0.1, 0.1, (side, side + 1, 2)) * CELL
    vmid = (corner[:, :-1] + corner[:, 1:]) / 2 + rng.uniform(-0.1, 0.1, (side + 1, side, 2)) * CELL
    hmid[:, 0, 1] = 0
    hmid[:, -1, 1] = side * CELL
    vmid[0, :, 0] = 0
    vmid[-1, :, 0] = side * CELL
    i, j = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    i, j = i.ravel(), j.ravel()
    ring = np.stack([corner[i, j], hmid[i, j], corner[i + 1, j], vmid[i + 1, j], corner[i + 1, j + 1],
                     hmid[i, j + 1], corner[i, j + 1], vmid[i, j], corner[i, j]], 1)
    villages = shapely.polygons(ring + [X0, Y0])
    # rivers: random walks of 20 steps of about 300 m
    steps = 20
    start = rng.uniform(0.1, 0.9, (n_rivers, 2)) * side * CELL
    heading = rng.uniform(0, 2 * np.pi, n_rivers)[:, None] + np.cumsum(rng.normal(0, 0.25, (n_rivers, steps)), 1)
    d = np.stack([np.cos(heading), np.sin(heading)], -1) * rng.uniform(200, 400, (n_rivers, steps, 1))
    coords = np.concatenate([start[:, None, :], start[:, None, :] + np.cumsum(d, 1)], 1)
    coords = np.clip(coords, 1.0, side * CELL - 1.0)
    # one river in ten follows village boundaries (corners along a grid row, 2 m off)
    along = rng.random(n_rivers) < 0.1
    for k in np.flatnonzero(along):
        r, c0 = rng.integers(1, side), rng.integers(0, max(side - 6, 1))
        pts = np.empty((11, 2))
        pts[0::2] = corner[c0:c0 + 6, r]
        pts[1::2] = hmid[c0:c0 + 5, r]
        pts = pts + [0, 2.0]
        coords[k] = np.concatenate([pts, np.repeat(pts[-1:], steps + 1 - len(pts), 0) +
                                    np.linspace(0, 1, steps + 1 - len(pts))[:, None] * [1.0, 0]])
    rivers = shapely.linestrings(coords + [X0, Y0])
    rivers_geo = seg.transform_geoms(rivers, "EPSG:4546", "EPSG:4490")
    villages_geo = seg.transform_geoms(villages, "EPSG:4546", "EPSG:4490")
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(path)
    srs = srs_of("EPSG:4490")
    for name, geoms, gtype, fields in (
            ("villages", villages_geo, ogr.wkbMultiPolygon, ("code", "name")),
            ("rivers", rivers_geo, ogr.wkbMultiLineString, ("river_code", "name"))):
        lyr = ds.CreateLayer(name, srs, gtype, options=["SPATIAL_INDEX=YES"])
        for f in fields:
            lyr.CreateField(ogr.FieldDefn(f, ogr.OFTString))
        defn = lyr.GetLayerDefn()
        ds.StartTransaction()
        for k, g in enumerate(geoms):
            feat = ogr.Feature(defn)
            if name == "villages":
                feat.SetField("code", f"411171{100 + k // 999:03d}{k % 999 + 1:03d}")
                feat.SetField("name", f"村{k}")
            else:
                feat.SetField("river_code", f"R{k:06d}")
                feat.SetField("name", f"河{k}")
            feat.SetGeometry(ogr.ForceTo(ogr.CreateGeometryFromWkb(shapely.to_wkb(g)), gtype))
            lyr.CreateFeature(feat)
        ds.CommitTransaction()
    ds = None
    from hezhang_plugin.core.geodesy import geometry_lengths_km

    return {"rivers": n_rivers, "villages": side * side, "river_km": float(geometry_lengths_km(rivers_geo).sum()),
            "along_boundary": int(along.sum())}


# --------------------------------------------------------------------------- one tool, in a subprocess


def _rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _peak_mb() -> float:
    from common import peak_rss_mb

    return peak_rss_mb()


def _workspace_from(path: str) -> str:
    """A Hezhang workspace holding the villages (admin_units, level village) and rivers of a
    generated GeoPackage, beside it (made once, not timed)."""
    from hezhang_plugin.data.io import read_rows, write_rows
    from hezhang_plugin.data.workspace import create_workspace

    ws = path[:-5] + "-workspace.gpkg"
    if os.path.exists(ws):
        return ws
    create_workspace(ws, "411171", "基准区", None, overwrite=True)
    units = [{"code": r["code"], "name": r["name"], "level": "village", "geom": r["geom"]}
             for r in read_rows(path, "villages")]
    rivers = [{"river_code": r["river_code"], "name": r["name"], "geom": r["geom"]} for r in read_rows(path, "rivers")]
    write_rows(ws, "admin_units", units)
    write_rows(ws, "rivers", rivers)
    return ws


def run_tool(tool: str, path: str) -> dict:
    from hezhang_plugin.core.geodesy import geometry_lengths_km

    if tool == "hezhang_ws":
        from qgis.core import QgsApplication

        app = QgsApplication([], False)
        app.initQgis()
        from hezhang_plugin import startup
        from hezhang_plugin.data.io import read_attributes
        from hezhang_plugin.services.segmentation import segment_workspace

        startup.start()  # what the plugin does when QGIS loads it

        ws = path  # made by the parent process (_workspace_from)
        base = _rss_mb()
        t0 = time.perf_counter()
        report = segment_workspace(ws, "village", boundary_tolerance=10.0, min_length=0.0)
        dt = time.perf_counter() - t0
        peak = _peak_mb() - base
        km = sum(float(r["length_km"] or 0) for r in read_attributes(ws, "segments"))
        return {"time": dt, "pieces": report.get("segments", 0), "km": km, "peak_mb": peak}

    if tool == "geopandas":
        import geopandas as gpd

        rivers = gpd.read_file(path, layer="rivers")
        villages = gpd.read_file(path, layer="villages")
        base = _rss_mb()
        t0 = time.perf_counter()
        out = gpd.overlay(rivers, villages, how="intersection", keep_geom_type=True)
        dt = time.perf_counter() - t0
        peak = _peak_mb() - base
        km = float(geometry_lengths_km(out.geometry.values).sum())
        return {"time": dt, "pieces": len(out), "km": km, "peak_mb": peak}
    from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    from qgis import processing

    if "/usr/share/qgis/python/plugins" not in sys.path:
        sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from hezhang_plugin import startup
    from hezhang_plugin.processing.provider import HezhangProvider

    startup.start()  # what the plugin does when QGIS loads it (dependency check, PROJ data)
    provider = HezhangProvider()  # keep a reference: the registry does not own Python objects
    QgsApplication.processingRegistry().addProvider(provider)
    rivers = QgsVectorLayer(f"{path}|layername=rivers", "rivers", "ogr")
    villages = QgsVectorLayer(f"{path}|layername=villages", "villages", "ogr")
    rivers = rivers.materialize(QgsFeatureRequest())
    villages = villages.materialize(QgsFeatureRequest())
    base = _rss_mb()
    t0 = time.perf_counter()
    if tool == "native":
        res = processing.run("native:intersection", {"INPUT": rivers, "OVERLAY": villages,
                                                      "OUTPUT": "memory:"})
    else:
        res = processing.run("hezhang:segmentrivers", {
            "RIVERS": rivers, "UNITS": villages, "UNIT_LEVEL": 0, "BOUNDARY_TOLERANCE": 10.0,
            "MIN_LENGTH": 0.0, "DISTRICT_CODE": "411171", "OUTPUT": "memory:"})
    dt = time.perf_counter() - t0
    peak = _peak_mb() - base  # before the output is read back below
    out = res["OUTPUT"]
    import shapely

    geoms = shapely.from_wkb(np.array([bytes(f.geometry().asWkb()) for f in out.getFeatures()], dtype=object))
    km = geometry_lengths_km(geoms)
    info = {"time": dt, "pieces": out.featureCount(), "km": float(km.sum()), "peak_mb": peak}
    if tool == "hezhang":
        from hezhang_plugin.core.stats import counted_lengths

        feats = list(out.getFeatures())
        banks = np.array([f["bank"] for f in feats])
        info["km_left"] = float(km[banks != "right"].sum())
        info["km_right"] = float(km[banks != "left"].sum())
        info["km_counted"] = float(counted_lengths(
            [{"bank": f["bank"], "river_code": f["river_code"], "length_km": f["length_km"], "geom": g}
             for f, g in zip(feats, geoms)]).sum())
        info["single_bank"] = int((banks != "both").sum())
    return info


def _subprocess(tool: str, path: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PROJ_DATA=os.environ.get("PROJ_DATA", "/usr/share/proj"))
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--tool", tool, path],
                         capture_output=True, text=True, env=env, timeout=3600)
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
    if res.returncode != 0 or not line:
        raise RuntimeError(f"{tool} failed: {res.stderr[-2000:]}")
    return json.loads(line[-1])


def _inside_km(path: str) -> float:
    """River length inside the villages (the length every tool should conserve)."""
    import geopandas as gpd
    import shapely

    from hezhang_plugin.core.geodesy import geometry_lengths_km

    rivers = gpd.read_file(path, layer="rivers").geometry.values
    area = shapely.union_all(gpd.read_file(path, layer="villages").geometry.values)
    return float(geometry_lengths_km(shapely.intersection(rivers, area)).sum())


def _case(tool: str, path: str, ws: str):
    """One run of ``tool`` (a callable for common.alternate); the dock path starts every run
    from a copy of the workspace without segments."""
    def run():
        if tool != "hezhang_ws":
            return _subprocess(tool, path)
        import shutil

        shutil.copyfile(ws, ws + ".run.gpkg")
        return _subprocess(tool, ws + ".run.gpkg")

    return run


def main(quick: bool = False) -> str:
    from common import alternate, load_text

    scales = SCALES[:1] if quick else SCALES
    repeats = 1 if quick else REPEATS
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, n_rivers, side in scales:
            path = os.path.join(tmp, f"{name}.gpkg")
            facts = generate(path, n_rivers, side)
            facts["inside_km"] = _inside_km(path)
            ws = _workspace_from(path)

            results = alternate({tool: _case(tool, path, ws) for tool in TOOLS}, repeats)
            rows.append((name, facts, results))
    out = ["## River segmentation (hezhang:segmentrivers)", "",
           "Same generated inputs (CGCS2000 lon/lat GeoPackage; 10 % of rivers run along village "
           "boundaries) for every tool, each run in its own process, the tools alternating "
           f"({repeats} run{'s' if repeats > 1 else ''} each, medians); only the cut is timed "
           "(inputs loaded first: materialised memory layers, GeoDataFrames). hezhang:segmentrivers also "
           "does banks (BOUNDARY_TOLERANCE 10 m), codes, names and ellipsoidal lengths; MIN_LENGTH 0 so "
           "pieces are comparable; its time includes reading the input layers and writing the output "
           "(a memory layer, as native:intersection's), geopandas' does not. The dock path reads the "
           "workspace, cuts, reconciles and writes the segments into it in one transaction. Peak memory "
           "= peak RSS growth during the run. Length conservation = output km / river km inside the "
           "villages (hezhang: with single-bank counting, and per bank both+left / both+right, which "
           "miss the outer bank of rivers on the district edge). Load = 1-minute load average before → "
           "after the runs (2 cores).", "",
           "| scale | rivers | villages | tool | time (s) | pieces | pieces/s | peak memory (MB) | "
           "length conservation | load |",
           "|---|---:|---:|---|---:|---:|---:|---:|---|---|"]
    ratios = []
    met_time, met_mem = [], []
    for name, facts, res in rows:
        for tool in TOOLS:
            r = res[tool]
            if tool == "hezhang":
                cons = (f"{r['km_counted'] / facts['inside_km']:.4f} single-bank counted "
                        f"({r['km_left'] / facts['inside_km']:.4f} / {r['km_right'] / facts['inside_km']:.4f} "
                        f"per bank; {r['single_bank']} single-bank segments)")
            elif tool == "hezhang_ws":
                cons = "(same segments as above)" if r["pieces"] == res["hezhang"]["pieces"] else \
                    f"{r['pieces']} segments"
            else:
                cons = f"{r['km'] / facts['inside_km']:.4f}"
            out.append(f"| {name} | {facts['rivers']} | {facts['villages']} | {LABELS[tool]} | {r['time']:.2f} | "
                       f"{r['pieces']} | {r['pieces'] / max(r['time'], 1e-9):,.0f} | {r['peak_mb']:.0f} | {cons} | "
                       f"{load_text(r)} |")
        h, w, n, g = res["hezhang"], res["hezhang_ws"], res["native"], res["geopandas"]
        ratios.append(f"| {name} | {g['time'] / h['time']:.2f}× | {n['time'] / h['time']:.2f}× | "
                      f"{g['time'] / w['time']:.2f}× | "
                      f"{(h['pieces'] / h['time']) / (n['pieces'] / n['time']):.2f}× | "
                      f"{n['peak_mb'] / max(h['peak_mb'], 1):.2f}× | {n['peak_mb'] / max(w['peak_mb'], 1):.2f}× |")
        met_time.append(h["time"] < g["time"])
        met_mem.append(h["peak_mb"] <= n["peak_mb"])
    out += ["", "Ratios, each from the same alternating runs (above 1: Hezhang faster / leaner):", "",
            "| scale | time geopandas / hezhang | time native / hezhang | time geopandas / dock path | "
            "throughput (pieces/s) hezhang / native | peak memory native / hezhang | "
            "peak memory native / dock path |", "|---|---:|---:|---:|---:|---:|---:|"] + ratios
    out += ["", "Targets (issue 15): hezhang:segmentrivers faster than geopandas.overlay at every scale: "
            f"{'met' if all(met_time) else 'NOT met'} "
            f"({', '.join(sc[0] + (' yes' if ok else ' no') for sc, ok in zip(scales, met_time))}); "
            "peak memory no higher than native:intersection's: "
            f"{'met' if all(met_mem) else 'NOT met'} "
            f"({', '.join(sc[0] + (' yes' if ok else ' no') for sc, ok in zip(scales, met_mem))}).", ""]
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--tool":
        print(json.dumps(run_tool(sys.argv[2], sys.argv[3])), flush=True)
        sys.exit(0)
    print(main(quick="--quick" in sys.argv))
