"""Notice-board export: hezhang:exportmaps versus QGIS's plain single-process atlas export.

Both export the same stored layout ("河长公示牌", one page per segment) of the same
workspace to one PDF, each in a fresh Python process (so start-up, project reading and
peak memory are counted the same way). QGIS runs ``QgsLayoutExporter.exportToPdf`` on the
atlas. Hezhang renders chunks of pages in its own process and in worker processes at once,
applies the map theme's styles once per export instead of once per page, and joins the
parts; it is also run in one process only, to show what each of the two brings. The pages
are compared with ``pdftotext``, page by page, and as pixels (``pdftoppm``) for a few pages.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

BENCH_DPI = 150


def build_workspace(path: str, n_segments: int) -> None:
    """A district of 10 towns x 10 villages crossed by west-east rivers cut into segments,
    each with a district, a town and a village chief."""
    from shapely.geometry import MultiLineString, MultiPolygon, box

    from hezhang_plugin.core.geodesy import geometry_lengths_km
    from hezhang_plugin.data.io import write_rows
    from hezhang_plugin.data.workspace import create_workspace

    create_workspace(path, "411171", "基准区", None, overwrite=True)
    x0, y0 = 113.5, 33.0
    units = [{"code": "411171000000", "name": "基准区", "level": "district", "geom":
              MultiPolygon([box(x0, y0, x0 + 1, y0 + 1)])}]
    chiefs, villages = [], {}
    for t in range(10):
        tcode = f"411171{100 + t:03d}000"
        units.append({"code": tcode, "name": f"第{t + 1}镇", "level": "town", "parent_code": "411171000000",
                      "geom": MultiPolygon([box(x0 + 0.1 * t, y0, x0 + 0.1 * (t + 1), y0 + 1)])})
        chiefs.append({"chief_id": f"T{t}", "name": f"镇长{t + 1:02d}", "level": "town", "role": "chief",
                       "position": f"第{t + 1}镇镇长", "unit_code": tcode, "phone": f"1370000{t:04d}",
                       "active": True})
        for v in range(10):
            vcode = f"411171{100 + t:03d}{v + 1:03d}"
            villages[(t, v)] = vcode
            units.append({"code": vcode, "name": f"{t + 1}-{v + 1}村", "level": "village", "parent_code": tcode,
                          "geom": MultiPolygon([box(x0 + 0.1 * t, y0 + 0.1 * v, x0 + 0.1 * (t + 1),
                                                    y0 + 0.1 * (v + 1))])})
            chiefs.append({"chief_id": f"V{t}-{v}", "name": f"村支书{t}{v}", "level": "village", "role": "chief",
                           "position": "村党支部书记", "unit_code": vcode, "phone": f"1360{t:03d}{v:04d}",
                           "active": True})
    write_rows(path, "admin_units", units)
    per_river = 50
    n_rivers = max(1, (n_segments + per_river - 1) // per_river)
    rivers, segments, assignments = [], [], []
    step = 1.0 / per_river
    for r in range(n_rivers):
        y = y0 + (r + 0.5) / n_rivers
        rcode = f"R{r:03d}"
        rivers.append({"river_code": rcode, "name": f"第{r + 1}河", "grade": "county",
                       "geom": MultiLineString([[(x0, y), (x0 + 1, y + 0.004)]])})
        chiefs.append({"chief_id": f"D{r}", "name": f"区河长{r + 1:02d}", "level": "district", "role": "chief",
                       "position": "副区长", "unit_code": "411171000000", "phone": f"1381234{r:04d}",
                       "active": True})
        for k in range(per_river):
            if len(segments) >= n_segments:
                break
            xa, xb = x0 + k * step, x0 + (k + 1) * step
            t, v = min(9, int((xa + xb) / 2 * 10 - x0 * 10)), min(9, int((y - y0) * 10))
            code = f"411171{len(segments) + 1:06d}"
            geom = MultiLineString([[(xa, y + 0.004 * k * step), ((xa + xb) / 2, y + 0.002),
                                     (xb, y + 0.004 * (k + 1) * step)]])
            segments.append({"seg_code": code, "river_code": rcode, "name": f"第{r + 1}河{t + 1}-{v + 1}村段{k + 1}",
                             "bank": "both", "unit_code": villages[(t, v)], "start_name": f"{k}号桩",
                             "end_name": f"{k + 1}号桩", "valid_from": "2024-01-01", "geom": geom})
            for cid, lv, duty in ((f"D{r}", "district", "统筹协调"), (f"T{t}", "town", "组织巡查"),
                                  (f"V{t}-{v}", "village", "每周巡河")):
                assignments.append({"seg_code": code, "chief_id": cid, "level": lv, "role": "chief", "duty": duty,
                                    "valid_from": "2024-03-01"})
    for row, km in zip(rivers, geometry_lengths_km([r["geom"] for r in rivers])):
        row["length_km"] = float(km)
    for row, km in zip(segments, geometry_lengths_km([s["geom"] for s in segments])):
        row["length_km"] = round(float(km), 3)
    write_rows(path, "rivers", rivers)
    write_rows(path, "segments", segments)
    write_rows(path, "chiefs", chiefs)
    write_rows(path, "assignments", assignments)


# ---------------------------------------------------------------- one measured run per process

def _run(mode: str, ws: str, out: str) -> dict:
    parallel = None
    if mode == "hezhang1":
        mode, parallel = "hezhang", 1
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.path[:0] = [ROOT]
    from qgis.core import QgsApplication, QgsLayoutExporter, QgsProject

    app = QgsApplication([], False)
    app.initQgis()
    t0 = time.perf_counter()
    worker_kb: list = []
    if mode == "hezhang":
        from hezhang_plugin.layout.export import ExportStats, export_products

        stats = ExportStats()
        sub = os.path.join(out, "hezhang" if parallel is None else "hezhang1")
        path = export_products(ws, ("boards",), "pdf", sub, dpi=BENCH_DPI, stats=stats, parallel=parallel)[0]
        pages, workers, worker_kb = stats.pages["boards"], stats.workers, stats.worker_rss_kb
    elif mode == "qgis":
        from hezhang_plugin.data import workspace
        from hezhang_plugin.layout import common, export

        prj = QgsProject.instance()
        workspace.open_workspace(ws, prj)
        layout = prj.layoutManager().layoutByName(common.LAYOUT_BOARDS)
        path = os.path.join(out, "qgis_atlas.pdf")
        pages = layout.atlas().updateFeatures()
        res = QgsLayoutExporter.exportToPdf(layout.atlas(), path, export.pdf_settings(BENCH_DPI))
        assert res[0] == QgsLayoutExporter.ExportResult.Success, res
        workers = 1
    else:  # prepare: build and store the layouts (not timed)
        from hezhang_plugin.data import project as wsproject
        from hezhang_plugin.layout.export import ensure_layouts, open_project

        prj, _owned = open_project(ws)
        ensure_layouts(prj, ws, ("boards",), "A3", rebuild=True)
        with wsproject.NoWalWrites():
            wsproject.write_project(prj, ws)
        path, pages, workers = "", 0, 0
    seconds = time.perf_counter() - t0
    from common import peak_rss_mb

    self_kb = peak_rss_mb() * 1024
    app.exitQgis()
    return {"seconds": seconds, "pages": pages, "path": path, "workers": workers,
            "rss_kb": self_kb + sum(worker_kb), "self_kb": self_kb}


def _measure(mode: str, ws: str, out: str) -> dict:
    """One export run in fresh processes, with the load average before and after it."""
    sys.path.insert(0, HERE)
    from common import around

    return around(lambda: _measure_run(mode, ws, out))


def _measure_run(mode: str, ws: str, out: str) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen")
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--run", mode, ws, out],
                         capture_output=True, text=True, env=env)
    if res.returncode != 0:
        raise RuntimeError(f"{mode} run failed: {res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def _page_texts(path: str) -> list:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def _page_pixels(path: str, page: int, folder: str) -> bytes:
    root = os.path.join(folder, f"px{page}")
    subprocess.run(["pdftoppm", "-r", "24", "-gray", "-f", str(page), "-l", str(page), "-singlefile", path, root],
                   check=True, capture_output=True)
    with open(root + ".pgm", "rb") as fh:
        return fh.read()


def _same_pixels(a: str, b: str, pages: list, tmp: str) -> int:
    same = 0
    for page in pages:
        pa = _page_pixels(a, page, os.path.join(tmp, "a"))
        pb = _page_pixels(b, page, os.path.join(tmp, "b"))
        same += pa == pb
    return same


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main(quick: bool) -> str:
    n = 20 if quick else 1000
    tmp = tempfile.mkdtemp(prefix="bench-export-")
    for sub in ("a", "b"):
        os.makedirs(os.path.join(tmp, sub))
    ws = os.path.join(tmp, "bench.gpkg")
    build_workspace(ws, n)
    _measure("prepare", ws, tmp)
    load_before = _load()
    qgis = _measure("qgis", ws, tmp)
    hez = _measure("hezhang", ws, tmp)
    hez1 = _measure("hezhang1", ws, tmp)
    load_after = _load()
    try:
        return _report(n, tmp, qgis, hez, hez1, load_before, load_after)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _report(n, tmp, qgis, hez, hez1, load_before, load_after) -> str:
    a = _page_texts(qgis["path"])
    checks = []
    for r in (hez, hez1):
        b = _page_texts(r["path"])
        same = sum(1 for x, y in zip(a, b) if x == y)
        pages = sorted({1, 2, len(a) // 2, len(a)})
        px = _same_pixels(qgis["path"], r["path"], pages, tmp)
        checks.append((same, len(b), px, pages))
    rows = []
    for name, r in (("QGIS atlas export (QgsLayoutExporter.exportToPdf, 1 process)", qgis),
                    (f"hezhang:exportmaps ({hez['workers']} processes: main + {hez['workers'] - 1} worker, "
                     "pdfunite)", hez),
                    ("hezhang:exportmaps (1 process, parallel=1)", hez1)):
        rows.append(f"| {name} | {r['pages']} | {r['seconds']:.1f} | {r['pages'] / r['seconds']:.2f} | "
                    f"{r['pages'] / r['seconds'] / (qgis['pages'] / qgis['seconds']):.2f}x | "
                    f"{r['rss_kb'] / 1024:.0f} | {r['rss_kb'] / qgis['rss_kb']:.2f}x | "
                    f"{r['load_before']:.1f} → {r['load_after']:.1f} |")
    speed = (hez["pages"] / hez["seconds"]) / (qgis["pages"] / qgis["seconds"])
    mem = qgis["rss_kb"] / hez["rss_kb"]
    ident = []
    for label, (same, nb, px, pages) in zip(("parallel", "1 process"), checks):
        ident.append(f"Identical pages, {label} (pdftotext, page by page): {same} of {len(a)} "
                     f"({'all' if same == len(a) == nb else 'NOT all'}); identical pixels (pdftoppm 24 dpi, "
                     f"pages {', '.join(map(str, pages))}): {px} of {len(pages)}.")
    return "\n".join([
        f"## Notice-board export ({n} pages, {BENCH_DPI} dpi, {os.cpu_count()} cores)",
        "",
        "Same stored layout, same workspace, each run in a fresh process (time includes QGIS start-up "
        "and reading the project; peak memory is the sum of the peak RSS of every process involved). "
        "Hezhang gains from two things: it applies the map theme's layer styles once per export where "
        "QGIS re-reads them from XML for every page (the 1-process row), and it renders in 2 processes "
        "at once.",
        "",
        "| tool | pages | seconds | pages/s | speed vs QGIS | peak memory (MB) | memory vs QGIS | "
        "load before → after |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        *rows,
        "",
        f"Speed ratio Hezhang / QGIS: **{speed:.2f}x**; memory Hezhang / QGIS: **{1 / mem:.2f}x**. "
        "Target (issue 15): memory within 1.2x of QGIS's single-process atlas while at least 4x its speed: "
        f"{'met' if speed >= 4.0 and 1 / mem <= 1.2 else 'NOT met'} (speed {'met' if speed >= 4.0 else 'NOT met'}, "
        f"memory {'met' if 1 / mem <= 1.2 else 'NOT met'}).",
        f"Where the memory is (peak RSS per process): QGIS's atlas {qgis['self_kb'] / 1024:.0f} MB in one process; "
        f"Hezhang's parallel export {hez['self_kb'] / 1024:.0f} MB in the main process + "
        f"{(hez['rss_kb'] - hez['self_kb']) / 1024:.0f} MB in its worker(s); Hezhang in one process "
        f"{hez1['self_kb'] / 1024:.0f} MB. Each process holds a whole QGIS with the project and the layout.",
        *ident,
        f"Load average (1, 5, 15 min) before the timed runs: {load_before}; after: {load_after}.",
    ])


if __name__ == "__main__":
    if len(sys.argv) >= 5 and sys.argv[1] == "--run":
        sys.stdout.write(json.dumps(_run(sys.argv[2], sys.argv[3], sys.argv[4])) + "\n")
    else:
        sys.path[:0] = [ROOT]
        from qgis.core import QgsApplication

        qapp = QgsApplication([], False)
        qapp.initQgis()
        sys.stdout.write(main("--full" not in sys.argv) + "\n")
        qapp.exitQgis()
