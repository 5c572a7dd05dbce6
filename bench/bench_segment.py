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

#: name, rivers, village grid side (villages = side**2)
SCALES = [("district", 300, 20), ("city", 3000, 64), ("province", 30000, 200)]
CELL = 1500.0  # village size, metres
X0, Y0 = 380000.0, 3700000.0  # EPSG:4546 (CM 114E), about 112.7E 33.4N
TOOLS = ("hezhang", "native", "geopandas")


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
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_tool(tool: str, path: str) -> dict:
    from hezhang_plugin.core.geodesy import geometry_lengths_km

    if tool == "geopandas":
        import geopandas as gpd

        rivers = gpd.read_file(path, layer="rivers")
        villages = gpd.read_file(path, layer="villages")
        base = _rss_mb()
        t0 = time.perf_counter()
        out = gpd.overlay(rivers, villages, how="intersection", keep_geom_type=True)
        dt = time.perf_counter() - t0
        km = float(geometry_lengths_km(out.geometry.values).sum())
        return {"time": dt, "pieces": len(out), "km": km, "peak_mb": _peak_mb() - base}
    from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer

    app = QgsApplication([], False)
    app.initQgis()
    from qgis import processing

    if "/usr/share/qgis/python/plugins" not in sys.path:
        sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from hezhang_plugin.processing.provider import HezhangProvider

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
    out = res["OUTPUT"]
    import shapely

    geoms = shapely.from_wkb(np.array([bytes(f.geometry().asWkb()) for f in out.getFeatures()], dtype=object))
    km = geometry_lengths_km(geoms)
    info = {"time": dt, "pieces": out.featureCount(), "km": float(km.sum()), "peak_mb": _peak_mb() - base}
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


def main(quick: bool = False) -> str:
    scales = SCALES[:1] if quick else SCALES
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, n_rivers, side in scales:
            path = os.path.join(tmp, f"{name}.gpkg")
            facts = generate(path, n_rivers, side)
            facts["inside_km"] = _inside_km(path)
            results = {tool: _subprocess(tool, path) for tool in TOOLS}
            rows.append((name, facts, results))
    out = ["## River segmentation (hezhang:segmentrivers)", "",
           "Same generated inputs (CGCS2000 lon/lat GeoPackage; 10 % of rivers run along village "
           "boundaries) for every tool, each in its own process; only the cut is timed (inputs "
           "loaded first). hezhang:segmentrivers also does banks (BOUNDARY_TOLERANCE 10 m), codes, "
           "names and ellipsoidal lengths; MIN_LENGTH 0 so pieces are comparable. Peak memory = "
           "peak RSS growth during the run. Length conservation = output km / river km inside the "
           "villages (hezhang: with single-bank counting, and per bank both+left / both+right, "
           "which miss the outer bank of rivers on the district edge).", "",
           "| scale | rivers | villages | tool | time (s) | pieces | pieces/s | peak memory (MB) | "
           "length conservation |",
           "|---|---:|---:|---|---:|---:|---:|---:|---|"]
    ratios = []
    for name, facts, res in rows:
        for tool in TOOLS:
            r = res[tool]
            if tool == "hezhang":
                cons = (f"{r['km_counted'] / facts['inside_km']:.4f} single-bank counted "
                        f"({r['km_left'] / facts['inside_km']:.4f} / {r['km_right'] / facts['inside_km']:.4f} "
                        f"per bank; {r['single_bank']} single-bank segments)")
            else:
                cons = f"{r['km'] / facts['inside_km']:.4f}"
            label = {"hezhang": "hezhang:segmentrivers", "native": "native:intersection",
                     "geopandas": "geopandas.overlay"}[tool]
            out.append(f"| {name} | {facts['rivers']} | {facts['villages']} | {label} | {r['time']:.2f} | "
                       f"{r['pieces']} | {r['pieces'] / max(r['time'], 1e-9):,.0f} | {r['peak_mb']:.0f} | {cons} |")
        h, n, g = res["hezhang"], res["native"], res["geopandas"]
        ratios.append(f"| {name} | {n['time'] / h['time']:.2f}× | {g['time'] / h['time']:.2f}× | "
                      f"{(h['pieces'] / h['time']) / (n['pieces'] / n['time']):.2f}× | "
                      f"{n['peak_mb'] / max(h['peak_mb'], 1):.2f}× |")
    out += ["", "Ratios (above 1: hezhang faster / leaner):", "",
            "| scale | time native / hezhang | time geopandas / hezhang | throughput (pieces/s) hezhang / native | "
            "peak memory native / hezhang |", "|---|---:|---:|---:|---:|"] + ratios
    h, n = rows[-1][2]["hezhang"], rows[-1][2]["native"]
    ratio = (h["pieces"] / h["time"]) / (n["pieces"] / n["time"])
    out += ["", f"Target: throughput ≥ 3× native:intersection at the largest scale ({rows[-1][0]}): "
            f"{'met' if ratio >= 3.0 else 'NOT met'}, measured {ratio:.2f}×.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--tool":
        print(json.dumps(run_tool(sys.argv[2], sys.argv[3])), flush=True)
        sys.exit(0)
    print(main(quick="--quick" in sys.argv))
