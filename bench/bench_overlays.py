"""Overlays benchmark: GCJ-02 conversion and NDWI, against what a user would otherwise run.

- GCJ-02: hezhang.core.gcj02 (numpy, all points at once) versus the per-point pure-Python
  loop of the widely copied coordtransform/eviltransform scripts (same formula).
- NDWI of a 4-band scene: hezhang.overlays.rasters.compute_ndwi (GDAL + numpy, blocks)
  versus QGIS's own raster calculator (QgsRasterCalculator) on the same file.

Each case runs in a fresh subprocess so its peak RSS (VmHWM) is its own.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


# ---------------------------------------------------------------- peer: per-point Python

def _peer_delta(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(radlat) ** 2
    sm = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (magic * sm) * math.pi)
    dlon = (dlon * 180.0) / (a / sm * math.cos(radlat) * math.pi)
    return dlon, dlat


def _peer_gcj2wgs_exact(glon, glat):
    wlon, wlat = glon, glat
    for _ in range(30):
        dlon, dlat = _peer_delta(wlon, wlat)
        nlon, nlat = glon - dlon, glat - dlat
        if max(abs(nlon - wlon), abs(nlat - wlat)) < 1e-10:
            return nlon, nlat
        wlon, wlat = nlon, nlat
    return wlon, wlat


def _points(n):
    import numpy as np

    rng = np.random.default_rng(1)
    return rng.uniform(100, 120, n), rng.uniform(25, 40, n)


# ---------------------------------------------------------------- cases (run in subprocesses)

def case_gcj_hezhang(n):
    sys.path.insert(0, ROOT)
    from hezhang_plugin.core import gcj02

    lon, lat = _points(n)
    t = time.perf_counter()
    glon, glat = gcj02.wgs84_to_gcj02(lon, lat)
    gcj02.gcj02_to_wgs84(glon, glat)
    return time.perf_counter() - t


def case_gcj_peer(n):
    lon, lat = _points(n)
    lon, lat = lon.tolist(), lat.tolist()
    t = time.perf_counter()
    out = []
    for x, y in zip(lon, lat):
        dx, dy = _peer_delta(x, y)
        out.append(_peer_gcj2wgs_exact(x + dx, y + dy))
    return time.perf_counter() - t


def _scene(path, size):
    import numpy as np
    from osgeo import gdal, osr

    ds = gdal.GetDriverByName("GTiff").Create(path, size, size, 4, gdal.GDT_UInt16, ["TILED=YES"])
    ds.SetGeoTransform((500000, 10, 0, 3800000, 0, -10))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)
    ds.SetProjection(srs.ExportToWkt())
    rng = np.random.default_rng(2)
    for b in range(1, 5):
        ds.GetRasterBand(b).WriteArray(rng.integers(1, 4000, (size, size), dtype="uint16"))
    ds = None


def case_ndwi_hezhang(path):
    sys.path.insert(0, ROOT)
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    from hezhang_plugin.overlays import rasters

    t = time.perf_counter()
    rasters.compute_ndwi(path, path + ".hz.tif")
    return time.perf_counter() - t


def case_ndwi_qgis(path):
    from qgis.analysis import QgsRasterCalculator, QgsRasterCalculatorEntry
    from qgis.core import QgsApplication, QgsRasterLayer

    app = QgsApplication([], False)
    app.initQgis()
    layer = QgsRasterLayer(path, "scene", "gdal")
    entries = []
    for ref, band in (("s@2", 2), ("s@4", 4)):
        e = QgsRasterCalculatorEntry()
        e.ref, e.raster, e.bandNumber = ref, layer, band
        entries.append(e)
    t = time.perf_counter()
    calc = QgsRasterCalculator('("s@2" - "s@4") / ("s@2" + "s@4")', path + ".qgis.tif", "GTiff",
                               layer.extent(), layer.width(), layer.height(), entries)
    res = calc.processCalculation()
    if res != 0:
        raise RuntimeError(f"raster calculator failed: {res}")
    return time.perf_counter() - t


def _run(case, arg):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, __file__, case, str(arg)], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(quick: bool) -> str:
    sys.path.insert(0, HERE)
    from common import alternate, load_text

    repeats = 1 if quick else 3
    lines = ["## Overlays: GCJ-02 conversion and NDWI", "",
             "Hezhang and its peer run alternately on the same input, each run in a fresh process "
             f"({repeats} run{'s' if repeats > 1 else ''} each, medians); load = 1-minute load average "
             "before → after the runs (2 cores, shared).", "",
             "### GCJ-02 forward + exact inverse (round trip)", "",
             "| points | Hezhang numpy (s) | per-point Python (s) | speed ratio | Hezhang peak RSS (MB) | "
             "per-point peak RSS (MB) | load Hezhang | load peer |", "|---:|---:|---:|---:|---:|---:|---|---|"]
    for n in ([10_000, 100_000] if quick else [10_000, 100_000, 1_000_000]):
        r = alternate({"hz": lambda n=n: _run("case_gcj_hezhang", n), "peer": lambda n=n: _run("case_gcj_peer", n)},
                      repeats)
        hz, peer = r["hz"], r["peer"]
        lines.append(f"| {n:,} | {hz['t']:.3f} | {peer['t']:.3f} | {peer['t'] / hz['t']:.1f} | "
                     f"{hz['rss']:.0f} | {peer['rss']:.0f} | {load_text(hz)} | {load_text(peer)} |")
    lines += ["", "### NDWI of a 4-band UInt16 scene", "",
              "| pixels | Hezhang GDAL+numpy (s) | QGIS raster calculator (s) | speed ratio | "
              "Hezhang peak RSS (MB) | QGIS peak RSS (MB) | same values | load Hezhang | load QGIS |",
              "|---:|---:|---:|---:|---:|---:|---|---|---|"]
    met = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in ([1000] if quick else [1000, 4000]):
            path = os.path.join(tmp, f"scene{size}.tif")
            _scene(path, size)
            r = alternate({"hz": lambda p=path: _run("case_ndwi_hezhang", p),
                           "qgis": lambda p=path: _run("case_ndwi_qgis", p)}, repeats)
            hz, peer = r["hz"], r["qgis"]
            same = _same_ndwi(path + ".hz.tif", path + ".qgis.tif")
            met.append(peer["t"] >= hz["t"])
            lines.append(f"| {size}×{size} | {hz['t']:.3f} | {peer['t']:.3f} | {peer['t'] / hz['t']:.2f} | "
                         f"{hz['rss']:.0f} | {peer['rss']:.0f} | {same} | {load_text(hz)} | {load_text(peer)} |")
    lines += ["", "Peak RSS is the whole subprocess (QGIS start-up included for the NDWI rows). Same values: "
              "the two outputs compared pixel by pixel (float32, nodata where a band sum is 0).", "",
              "Target (issue 15): NDWI at least as fast as QGIS's raster calculator on the same scene: "
              f"{'met' if all(met) else 'NOT met'}."]
    return "\n".join(lines)


def _same_ndwi(a: str, b: str) -> str:
    """How the two NDWI rasters compare: 'identical', or the largest difference."""
    import numpy as np
    from osgeo import gdal

    da, db = gdal.Open(a), gdal.Open(b)
    va, vb = da.GetRasterBand(1).ReadAsArray(), db.GetRasterBand(1).ReadAsArray()
    na, nb = da.GetRasterBand(1).GetNoDataValue(), db.GetRasterBand(1).GetNoDataValue()
    ma = np.isnan(va) if na is None or np.isnan(na) else va == na
    mb = np.isnan(vb) if nb is None or np.isnan(nb) else vb == nb
    if not np.array_equal(ma, mb):
        return f"nodata differs at {int((ma != mb).sum())} pixels"
    diff = np.abs(va[~ma].astype("float64") - vb[~mb].astype("float64"))
    return "identical" if not diff.size or diff.max() == 0 else f"max |Δ| {diff.max():.2e}"


if __name__ == "__main__":
    name, arg = sys.argv[1], sys.argv[2]
    fn = globals()[name] if name.startswith("case_") else None
    if fn is None:
        sys.exit(f"unknown case {name}")
    value = int(arg) if arg.isdigit() else arg
    seconds = fn(value)
    sys.path.insert(0, HERE)
    from common import peak_rss_mb

    rss_mb = peak_rss_mb()
    sys.stdout.write(json.dumps({"t": seconds, "rss": rss_mb}) + "\n")
