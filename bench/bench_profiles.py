"""Profiles behind issue 15's targets: where the time and memory of the segmentation (the
Processing sink path and the dock's workspace path), the Chiefs tree and the parallel export go.

Each profile runs in its own process on the benches' generated data:

- segmentation: the run split into stages (reading the inputs, preparing: cleaning, orienting,
  transforming and indexing, cutting chunk by chunk in the worker thread, writing), the
  process's RSS sampled every 5 ms with the stage it was in (the stage holding the peak is
  where the memory goes), and cProfile's top entries (by own time) of the main thread and,
  separately, of the cutting thread (cProfile sees one thread at a time).
- Chiefs tree: cProfile of building the hierarchy (the background task) and of filling the top
  level (the UI thread), RSS by stage.
- export: the peak RSS of each process of the parallel export (main and worker) beside QGIS's
  single-process atlas, from ``bench_export``'s runs on a smaller atlas.

Run alone: ``python bench/bench_profiles.py [--quick]``; ``make bench`` runs it last.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for _p in (ROOT, HERE):
    if _p not in sys.path:
        sys.path.insert(0, _p)

#: cProfile entries shown per profile
TOP = 14


# ---------------------------------------------------------------- helpers (in the child)

def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Stages:
    """Wall time per stage (stages may run in two threads at once) and the RSS sampled every
    5 ms, with the stages running when it was taken."""

    def __init__(self):
        self.seconds: dict = {}
        self.peak: dict = {}  # stage → highest RSS seen while it ran
        self.active: list = []
        self.lock = threading.Lock()
        self.base = _rss_mb()
        self.top = (self.base, "start")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._stop.wait(0.005):
            rss = _rss_mb()
            with self.lock:
                names = tuple(self.active) or ("(between stages)",)
            for name in names:
                self.peak[name] = max(self.peak.get(name, 0.0), rss)
            if rss > self.top[0]:
                self.top = (rss, " + ".join(names))

    def wrap(self, name: str, fn):
        def timed(*args, **kwargs):
            with self.lock:
                self.active.append(name)
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t
                with self.lock:
                    self.active.remove(name)
                    self.seconds[name] = self.seconds.get(name, 0.0) + dt
        return timed

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join()
        return {"seconds": self.seconds, "peak_mb": {k: v - self.base for k, v in self.peak.items()},
                "top_mb": self.top[0] - self.base, "top_stage": self.top[1], "base_mb": self.base}


class ThreadProfiles:
    """cProfile of every call of a function in whatever thread runs it, added up."""

    def __init__(self):
        self.stats = None
        self.lock = threading.Lock()

    def wrap(self, fn):
        def profiled(*args, **kwargs):
            prof = cProfile.Profile()
            try:
                return prof.runcall(fn, *args, **kwargs)
            finally:
                with self.lock:
                    if self.stats is None:
                        self.stats = pstats.Stats(prof)
                    else:
                        self.stats.add(prof)
        return profiled

    def text(self) -> str:
        return _top(self.stats) if self.stats is not None else "(not run)"


def _top(stats) -> str:
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(TOP)
    lines = [ln for ln in out.getvalue().splitlines() if ln.strip()]
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
    keep = [lines[i] for i in range(len(lines)) if i < 2 or i >= start]
    return "\n".join(_short(ln) for ln in keep)


def _short(line: str) -> str:
    """A profile line without this machine's paths: a file keeps its folder and name."""
    return re.sub(r"(?<![\w/])/(?:[^\s:]+/)?(?=[^/\s]+/[^/\s]+:\d+\()", "", line)


def _qgis(gui: bool = False):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], gui)
    app.initQgis()
    return app


# ---------------------------------------------------------------- children

def child_segment(path: str) -> dict:
    """hezhang:segmentrivers into a memory sink (as bench_segment), instrumented."""
    app = _qgis()
    from qgis import processing
    from qgis.core import QgsApplication, QgsFeatureRequest, QgsVectorLayer

    if "/usr/share/qgis/python/plugins" not in sys.path:
        sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    from hezhang_plugin import startup
    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.core.segmentation import run as segrun
    from hezhang_plugin.data import qgsio
    from hezhang_plugin.processing import segmentrivers
    from hezhang_plugin.processing.provider import HezhangProvider

    startup.start()
    provider = HezhangProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    rivers = QgsVectorLayer(f"{path}|layername=rivers", "rivers", "ogr").materialize(QgsFeatureRequest())
    villages = QgsVectorLayer(f"{path}|layername=villages", "villages", "ogr").materialize(QgsFeatureRequest())
    st = Stages()
    cut = ThreadProfiles()
    qgsio.source_to_arrays = st.wrap("read inputs (source_to_arrays)", qgsio.source_to_arrays)
    seg.prepare_run = st.wrap("prepare (clean, orient, transform, index)", seg.prepare_run)
    segrun.SegmentationRun._chunk = st.wrap("cut + reconcile chunks (worker thread)",
                                            cut.wrap(segrun.SegmentationRun._chunk))
    segmentrivers._write_segments = st.wrap("write to the sink (main thread)", segmentrivers._write_segments)
    main = cProfile.Profile()
    t0 = time.perf_counter()
    res = main.runcall(processing.run, "hezhang:segmentrivers", {
        "RIVERS": rivers, "UNITS": villages, "UNIT_LEVEL": 0, "BOUNDARY_TOLERANCE": 10.0,
        "MIN_LENGTH": 0.0, "DISTRICT_CODE": "411171", "OUTPUT": "memory:"})
    total = time.perf_counter() - t0
    out = st.stop()
    out.update(total=total, segments=res["SEGMENTS"], main=_top(pstats.Stats(main)), worker=cut.text())
    del app
    return out


def child_dock(path: str) -> dict:
    """services.segment_workspace on a workspace (the dock's path), instrumented."""
    app = _qgis()
    from hezhang_plugin import startup
    from hezhang_plugin.core.segmentation import run as segrun
    from hezhang_plugin.data import backend
    from hezhang_plugin.data import io as hzio
    from hezhang_plugin.services import segmentation as svc

    startup.start()
    st = Stages()
    cut = ThreadProfiles()
    hzio.read_rows = st.wrap("read the workspace (read_rows)", hzio.read_rows)
    svc.prepare_run = st.wrap("prepare (clean, orient, transform, index)", svc.prepare_run)
    segrun.SegmentationRun._chunk = st.wrap("cut + reconcile chunks (worker thread)",
                                            cut.wrap(segrun.SegmentationRun._chunk))
    svc._table_changes = st.wrap("change sets from the chunks (main thread)", svc._table_changes)
    backend.GeoPackageBackend._write = staticmethod(
        st.wrap("write into the GeoPackage (main thread)", backend.GeoPackageBackend._write))
    main = cProfile.Profile()
    t0 = time.perf_counter()
    report = main.runcall(svc.segment_workspace, path, "village", boundary_tolerance=10.0, min_length=0.0)
    total = time.perf_counter() - t0
    out = st.stop()
    out.update(total=total, segments=report.get("segments", 0), main=_top(pstats.Stats(main)), worker=cut.text())
    del app
    return out


def child_tree(path: str) -> dict:
    """The Chiefs tree's first display, as bench_coverage measures it, with the hierarchy
    build (background task) and the top-level fill (UI thread) profiled."""
    app = _qgis(gui=True)
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QDate, QEventLoop
    from qgis.PyQt.QtWidgets import QApplication

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui import chiefs_page

    st = Stages()
    build = ThreadProfiles()
    fill = ThreadProfiles()
    chiefs_page.build_hierarchy = st.wrap("build the hierarchy (background task)",
                                          build.wrap(chiefs_page.build_hierarchy))
    chiefs_page.ChiefsPage._apply_hierarchy = st.wrap("fill the top level (UI thread)",
                                                      fill.wrap(chiefs_page.ChiefsPage._apply_hierarchy))
    ws.open_workspace(path, QgsProject.instance())
    t0 = time.perf_counter()
    page = chiefs_page.ChiefsPage(None)
    page.date_edit.setDate(QDate(2024, 6, 1))
    page.set_workspace(path)
    page.resize(500, 800)
    page.show()
    QApplication.processEvents()
    while page.loading and time.perf_counter() - t0 < 300:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    total = time.perf_counter() - t0
    out = st.stop()
    out.update(total=total, build=build.text(), fill=fill.text())
    del app
    return out


CHILDREN = {"segment": child_segment, "dock": child_dock, "tree": child_tree}


def _child(kind: str, path: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=ROOT)
    res = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind, path],
                         capture_output=True, text=True, env=env, timeout=1800)
    for line in res.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"profile {kind} failed: {res.stderr[-2000:]}")


# ---------------------------------------------------------------- report

def _stage_table(r: dict, whole: str = "whole run (stages overlap: the cut runs beside the writing)") -> list:
    rows = ["| stage | time (s) | peak RSS growth while it ran (MB) |", "|---|---:|---:|"]
    for name, secs in r["seconds"].items():
        rows.append(f"| {name} | {secs:.2f} | {r['peak_mb'].get(name, 0):.0f} |")
    rows.append(f"| {whole} | {r['total']:.2f} | "
                f"{r['top_mb']:.0f} (highest while: {r['top_stage']}) |")
    return rows


def _code(text: str) -> list:
    return ["```", text, "```"]


def main(quick: bool = False) -> str:
    import bench_coverage
    import bench_segment
    from common import load1

    name, n_rivers, side = bench_segment.SCALES[0] if quick else bench_segment.SCALES[-1]
    out = ["## Profiles behind the targets" + (" (quick scale)" if quick else ""), "",
           "Where the time and memory go, for the targets measured above (bench/bench_profiles.py; each "
           "profile in its own process; cProfile slows Python-heavy code, so its times are above the "
           "measured ones: read them as shares). RSS growth is over the process's RSS when the run starts.",
           ""]
    tmp = tempfile.mkdtemp(prefix="hz-bench-prof-")
    try:
        path = os.path.join(tmp, f"{name}.gpkg")
        bench_segment.generate(path, n_rivers, side)
        wsp = bench_segment._workspace_from(path)
        for kind, title in (("segment", "hezhang:segmentrivers (Processing, memory sink)"),
                            ("dock", "the dock's path (services.segment_workspace into the workspace)")):
            target = path
            if kind == "dock":
                target = wsp + ".prof.gpkg"
                shutil.copyfile(wsp, target)
            before = load1()
            r = _child(kind, target)
            out += [f"### Segmentation at {name} scale ({n_rivers:,} rivers, {side * side:,} villages): {title}", "",
                    f"{r['segments']:,} segments; load {before:.1f} → {load1():.1f}.", ""]
            out += _stage_table(r) + ["", "Main thread, cProfile top entries by own time:", ""]
            out += _code(r["main"]) + ["", "Cutting thread (all chunks), cProfile top entries by own time:", ""]
            out += _code(r["worker"]) + [""]
        cov = os.path.join(tmp, "tree.gpkg")
        counts = bench_coverage.generate(cov, **bench_coverage.scale(quick))
        before = load1()
        r = _child("tree", cov)
        out += [f"### Chiefs tree: first display ({counts['segments']:,} segments, {counts['chiefs']:,} chiefs, "
                f"{counts['assignments']:,} appointments)", "", f"Load {before:.1f} → {load1():.1f}.", ""]
        out += _stage_table(r, "from pointing the page at the workspace to the filled tree") + \
            ["", "Building the hierarchy (background task), cProfile top entries by own time:",
                                  ""]
        out += _code(r["build"]) + ["", "Filling the top level (UI thread):", ""] + _code(r["fill"]) + [""]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return "\n".join(out)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        result = CHILDREN[sys.argv[2]](sys.argv[3])
        sys.stdout.write("RESULT " + json.dumps(result) + "\n")
        sys.stdout.flush()
        os._exit(0)  # no QGIS teardown
    _app = _qgis()
    print(main(quick="--quick" in sys.argv))
