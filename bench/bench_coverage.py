"""Coverage check, Chiefs tree and Segments page on a province-scale generated workspace.

Each measurement runs in its own Python process (QGIS initialised) so peak memory
(ru_maxrss) belongs to that step alone; the QGIS start-up baseline is measured too.
Peers: the R1 rule ("every segment has its district, town and village chiefs") done as a
user would with pandas/geopandas merges, and with QGIS Processing (native:aggregate).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

DISTRICT = "411171000000"


def scale(quick: bool) -> dict:
    # towns x villages per town x rivers per town row; one segment per river per village
    return (
        {"towns": 8, "villages": 10, "rivers": 2} if quick else {"towns": 200, "villages": 100, "rivers": 5}
    )


def generate(path: str, towns: int, villages: int, rivers: int) -> dict:
    """A grid district: town rows of village cells, rivers running west-east through each row."""
    from shapely.geometry import LineString, MultiLineString, box

    from hezhang_plugin.data.io import write_rows
    from hezhang_plugin.data.workspace import create_workspace

    create_workspace(path, DISTRICT[:6], "基准区", None, overwrite=True)
    dx, dy = 0.01, 0.01
    x0, y0 = 110.0, 30.0
    units = [
        {
            "code": DISTRICT,
            "name": "基准区",
            "level": "district",
            "parent_code": None,
            "geom": box(x0, y0, x0 + villages * dx, y0 + towns * dy),
        }
    ]
    riv, segs, chiefs, assigns, boards = [], [], [], [], []
    seq = 0
    for t in range(towns):
        tcode = f"{DISTRICT[:6]}{100 + t:03d}000" if t < 100 else f"{DISTRICT[:6]}{200 + t - 100:03d}000"
        units.append(
            {
                "code": tcode,
                "name": f"镇{t}",
                "level": "town",
                "parent_code": DISTRICT,
                "geom": box(x0, y0 + t * dy, x0 + villages * dx, y0 + (t + 1) * dy),
            }
        )
        chiefs.append(
            {
                "chief_id": f"T{t}",
                "name": f"镇长{t}",
                "level": "town",
                "role": "chief",
                "unit_code": tcode,
                "phone": "13800000000",
                "active": True,
            }
        )
        for v in range(villages):
            vcode = f"{tcode[:9]}{v + 1:03d}"
            units.append(
                {
                    "code": vcode,
                    "name": f"村{t}-{v}",
                    "level": "village",
                    "parent_code": tcode,
                    "geom": box(x0 + v * dx, y0 + t * dy, x0 + (v + 1) * dx, y0 + (t + 1) * dy),
                }
            )
            chiefs.append(
                {
                    "chief_id": f"V{t}-{v}",
                    "name": f"村书记{t}-{v}",
                    "level": "village",
                    "role": "chief",
                    "unit_code": vcode,
                    "phone": "13900000000",
                    "active": True,
                }
            )
            chiefs.append(
                {
                    "chief_id": f"P{t}-{v}",
                    "name": f"警长{t}-{v}",
                    "level": "village",
                    "role": "police_chief",
                    "unit_code": vcode,
                    "phone": "13700000000",
                    "active": True,
                }
            )
            if v % 2 == 0:
                chiefs.append(
                    {
                        "chief_id": f"W{t}-{v}",
                        "name": f"志愿者{t}-{v}",
                        "level": "village",
                        "role": "volunteer",
                        "unit_code": vcode,
                        "phone": "13600000000",
                        "active": True,
                    }
                )
        for r in range(rivers):
            rcode = f"R{t}-{r}"
            y = y0 + t * dy + (r + 1) * dy / (rivers + 1)
            riv.append(
                {
                    "river_code": rcode,
                    "name": f"河{t}-{r}",
                    "geom": MultiLineString([LineString([(x0, y), (x0 + villages * dx, y)])]),
                }
            )
            chiefs.append(
                {
                    "chief_id": f"D{t}-{r}",
                    "name": f"区级河长{t}-{r}",
                    "level": "district",
                    "role": "chief",
                    "unit_code": DISTRICT,
                    "phone": "13500000000",
                    "active": True,
                }
            )
            for v in range(villages):
                seq += 1
                code = f"{DISTRICT[:6]}{seq:06d}"
                vcode = f"{tcode[:9]}{v + 1:03d}"
                segs.append(
                    {
                        "seg_code": code,
                        "river_code": rcode,
                        "name": f"河{t}-{r}村{v}段",
                        "bank": "both",
                        "unit_code": vcode,
                        "length_km": 0.92,
                        "valid_from": "2020-01-01",
                        "geom": MultiLineString([LineString([(x0 + v * dx, y), (x0 + (v + 1) * dx, y)])]),
                    }
                )
                for cid, lv, role in (
                    (f"D{t}-{r}", "district", "chief"),
                    (f"T{t}", "town", "chief"),
                    (f"V{t}-{v}", "village", "chief"),
                    (f"P{t}-{v}", "village", "police_chief"),
                ):
                    if lv == "village" and role == "chief" and seq % 97 == 0:
                        continue  # deliberate gaps in the roster
                    assigns.append(
                        {
                            "seg_code": code,
                            "chief_id": cid,
                            "level": lv,
                            "role": role,
                            "valid_from": "2020-01-01",
                        }
                    )
                boards.append({"board_code": f"B{seq}", "seg_code": code})
    for name, rows in (
        ("admin_units", units),
        ("rivers", riv),
        ("segments", segs),
        ("chiefs", chiefs),
        ("assignments", assigns),
        ("notice_boards", boards),
    ):
        write_rows(path, name, rows)
    return {
        "units": len(units),
        "rivers": len(riv),
        "segments": len(segs),
        "chiefs": len(chiefs),
        "assignments": len(assigns),
        "missing_village": sum(1 for i in range(1, seq + 1) if i % 97 == 0),
    }


# ------------------------------------------------------------------ measured steps (child process)


def _step_baseline(path):
    return {}


def _step_hezhang_all(path):
    from hezhang_plugin.services.coverage import check_coverage

    findings, summary = check_coverage(path, "2024-06-01")
    return {
        "findings": len(findings),
        "r1": summary.findings_by_rule.get("R1", 0),
        "share": round(summary.covered_share, 4),
    }


def _step_hezhang_r1(path):
    from hezhang_plugin.services.coverage import check_coverage

    findings, _ = check_coverage(path, "2024-06-01", rules=("R1",))
    return {"r1": len(findings)}


def _step_pandas_r1(path):
    import geopandas as gpd
    import pandas as pd

    segs = gpd.read_file(path, layer="segments", ignore_geometry=True)
    units = gpd.read_file(path, layer="admin_units", ignore_geometry=True)
    ass = gpd.read_file(path, layer="assignments")
    chiefs = gpd.read_file(path, layer="chiefs")
    date = "2024-06-01"
    for col in ("valid_from", "valid_to"):
        ass[col] = ass[col].astype(str).where(ass[col].notna(), None)
    cur = ass[(ass["valid_from"] <= date) & (ass["valid_to"].isna() | (ass["valid_to"] >= date))]
    cur = cur[cur["role"].isin(["chief", "first_chief", "general_chief", "deputy_general_chief"])]
    cur = cur.merge(chiefs[chiefs["active"].astype(bool)][["chief_id"]], on="chief_id")
    have = cur.groupby(["seg_code", "level"]).size().unstack(fill_value=0)
    s = (
        segs.merge(
            units[["code", "level"]].rename(columns={"code": "unit_code", "level": "unit_level"}),
            on="unit_code",
            how="left",
        )
        .merge(have, left_on="seg_code", right_index=True, how="left")
        .fillna(0)
    )
    n = int(
        (s["district"] == 0).sum()
        + (s["town"] == 0).sum()
        + ((s["unit_level"] == "village") & (s["village"] == 0)).sum()
    )
    del pd
    return {"r1": n}


def _step_qgis_r1(path):
    from qgis import processing
    from qgis.analysis import QgsNativeAlgorithms
    from qgis.core import QgsApplication, QgsVectorLayer

    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    QgsApplication.processingRegistry().addProvider(QgsNativeAlgorithms())
    ass = QgsVectorLayer(f"{path}|layername=assignments", "a", "ogr")
    ass.setSubsetString('"role" = \'chief\' AND ("valid_to" IS NULL OR "valid_to" >= \'2024-06-01\')')
    agg = processing.run(
        "native:aggregate",
        {
            "INPUT": ass,
            "GROUP_BY": '"seg_code"',
            "AGGREGATES": [
                {
                    "aggregate": "first_value",
                    "delimiter": ",",
                    "input": '"seg_code"',
                    "length": 12,
                    "name": "seg_code",
                    "precision": 0,
                    "type": 10,
                },
                {
                    "aggregate": "concatenate_unique",
                    "delimiter": ",",
                    "input": '"level"',
                    "length": 100,
                    "name": "levels",
                    "precision": 0,
                    "type": 10,
                },
            ],
            "OUTPUT": "memory:",
        },
    )["OUTPUT"]
    segs = QgsVectorLayer(f"{path}|layername=segments", "s", "ogr")
    joined = processing.run(
        "native:joinattributestable",
        {
            "INPUT": segs,
            "FIELD": "seg_code",
            "INPUT_2": agg,
            "FIELD_2": "seg_code",
            "FIELDS_TO_COPY": ["levels"],
            "METHOD": 1,
            "DISCARD_NONMATCHING": False,
            "PREFIX": "",
            "OUTPUT": "memory:",
        },
    )["OUTPUT"]
    n = 0
    for f in joined.getFeatures():
        levels = set((f["levels"] or "").split(",")) if f["levels"] else set()
        n += len({"district", "town", "village"} - levels)
    return {"r1": n}


def _step_tree(path):
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.chiefs_page import ChiefsPage

    t0 = time.perf_counter()
    ws.open_workspace(path, QgsProject.instance())
    t1 = time.perf_counter()
    page = ChiefsPage(None)
    page.date_edit.setDate(QDate(2024, 6, 1))
    page.set_workspace(path)
    page.resize(500, 800)
    page.show()
    from qgis.PyQt.QtCore import QEventLoop
    from qgis.PyQt.QtWidgets import QApplication

    QApplication.processEvents()
    t_responsive = time.perf_counter()
    # The tree is built in a background task; wait until it is filled (bounded). Between event
    # rounds the wait sleeps, as QGIS's idle event loop does: a busy loop here would hold the
    # GIL against the task it waits for.
    while page.loading and time.perf_counter() - t1 < 300:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    t2 = time.perf_counter()
    first_town = page.hierarchy.children[DISTRICT][0]
    page.tree.expand(page.unit_item(first_town).index())
    QApplication.processEvents()
    t3 = time.perf_counter()
    village = page.hierarchy.children.get(first_town, [None])[0]
    t4 = time.perf_counter()
    if village is not None:
        page.tree.expand(page.unit_item(village).index())
        QApplication.processEvents()
    t5 = time.perf_counter()
    return {
        "project_s": t1 - t0,
        "responsive_s": t_responsive - t1,
        "first_display_s": t2 - t1,
        "expand_town_s": t3 - t2,
        "expand_village_s": t5 - t4,
        "top_rows": page.model.item(0).rowCount(),
    }


def _step_segments(path):
    """The Segments page at scale: how long the UI thread is busy when the page is pointed at
    the workspace, when the background load's results are swapped in, and on a filter change."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QEventLoop
    from qgis.PyQt.QtWidgets import QApplication

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.segments_page import SegmentsPage

    ws.open_workspace(path, QgsProject.instance())
    page = SegmentsPage(None)
    page.resize(500, 800)
    page.show()
    QApplication.processEvents()
    applied = []
    real_apply = page._apply

    def timed_apply(result):
        t = time.perf_counter()
        real_apply(result)
        applied.append(time.perf_counter() - t)

    page._apply = timed_apply
    t0 = time.perf_counter()
    page.set_workspace(path)
    QApplication.processEvents()
    t_responsive = time.perf_counter()
    while (page.loading or not applied) and time.perf_counter() - t0 < 300:
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        time.sleep(0.002)
    t_loaded = time.perf_counter()
    t1 = time.perf_counter()
    page.river_filter.setCurrentIndex(1)
    QApplication.processEvents()
    t_filter = time.perf_counter() - t1
    t1 = time.perf_counter()
    page.river_filter.setCurrentIndex(0)
    QApplication.processEvents()
    t_unfilter = time.perf_counter() - t1
    return {
        "responsive_s": t_responsive - t0,
        "apply_s": max(applied) if applied else float("nan"),
        "first_display_s": t_loaded - t0,
        "filter_s": max(t_filter, t_unfilter),
        "rows": page.list.rowCount(),
    }


STEPS = {
    "baseline": _step_baseline,
    "hezhang_all": _step_hezhang_all,
    "hezhang_r1": _step_hezhang_r1,
    "pandas_r1": _step_pandas_r1,
    "qgis_r1": _step_qgis_r1,
    "tree": _step_tree,
    "segments": _step_segments,
}


def _peak_rss_mb() -> float:
    from common import peak_rss_mb  # bench/ is the script's folder

    return peak_rss_mb()


def _child(step: str, path: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication

    app = QgsApplication([], step in ("tree", "segments"))
    app.initQgis()
    t0 = time.perf_counter()
    extra = STEPS[step](path)
    seconds = time.perf_counter() - t0
    peak_mb = _peak_rss_mb()
    sys.stdout.write("RESULT " + json.dumps({"seconds": seconds, "peak_mb": peak_mb, **extra}) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip QGIS teardown: it is not part of the measurement


#: A peer step that runs longer than this is stopped and reported as "> limit".
STEP_LIMIT_S = 300


def measure(step: str, path: str) -> dict:
    """``step`` run in its own process, with the load average before and after it."""
    sys.path.insert(0, HERE)
    from common import around

    return around(lambda: _measure(step, path))


def _measure(step: str, path: str) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=ROOT)
    try:
        res = subprocess.run(
            [sys.executable, os.path.abspath(__file__), step, path],
            capture_output=True,
            text=True,
            env=env,
            timeout=STEP_LIMIT_S,
        )
    except subprocess.TimeoutExpired:
        return {
            "seconds": float(STEP_LIMIT_S),
            "peak_mb": float("nan"),
            "timed_out": True,
            "r1": "not finished",
        }
    for line in res.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"bench step {step} failed: {res.stderr[-2000:]}")


def main(quick: bool) -> str:
    sc = scale(quick)
    folder = tempfile.mkdtemp(prefix="hz-bench-cov-")
    path = os.path.join(folder, "province.gpkg")
    t0 = time.perf_counter()
    counts = generate(path, **sc)
    gen_s = time.perf_counter() - t0
    r = {step: measure(step, path) for step in STEPS}
    base = r["baseline"]["peak_mb"]

    def mem(step):
        return r[step]["peak_mb"] - base

    def ratio(a, b):
        if a != a or b != b:  # NaN: a step that did not finish
            return "–"
        return f"{a / b:.2f}" if b > 0 else "–"

    def secs(step):
        if r[step].get("timed_out"):
            return f"> {STEP_LIMIT_S} (stopped)"
        return f"{r[step]['seconds']:.2f}"

    def load(step):
        return f"{r[step]['load_before']:.1f} → {r[step]['load_after']:.1f}"

    def row(title, step, result):
        memory = "–" if r[step].get("timed_out") else f"{mem(step):.0f}"
        return f"| {title} | {secs(step)} | {memory} | {result} | {load(step)} |"

    tree = r["tree"]
    expand_s = max(tree["expand_town_s"], tree.get("expand_village_s", 0.0))

    lines = [
        "## Coverage check, Chiefs tree and Segments page" + (" (quick scale)" if quick else ""),
        "",
        f"Generated workspace: {counts['segments']:,} segments, {counts['chiefs']:,} chiefs, "
        f"{counts['assignments']:,} appointments, {counts['units']:,} units, {counts['rivers']:,} rivers "
        f"({counts['missing_village']:,} segments deliberately without a village chief); written in "
        f"{gen_s:.1f} s. Each step runs in its own process; peak memory is the process's maximum RSS minus "
        f"the QGIS start-up baseline ({base:.0f} MB).",
        "",
        "| step | time (s) | peak memory above baseline (MB) | result | load before → after |",
        "|---|---:|---:|---|---|",
        row(
            "Hezhang coverage check, all rules R1–R7",
            "hezhang_all",
            f"{r['hezhang_all']['findings']} findings, "
            f"{r['hezhang_all']['share']:.1%} of river km fully covered",
        ),
        row("Hezhang R1 only", "hezhang_r1", f"{r['hezhang_r1']['r1']} R1 findings"),
        row("peer: geopandas read + pandas merges, R1", "pandas_r1", f"{r['pandas_r1']['r1']} R1 findings"),
        row(
            "peer: QGIS Processing native:aggregate + native:joinattributestable, R1",
            "qgis_r1",
            f"{r['qgis_r1']['r1']} R1 findings",
        ),
        f"| Chiefs tree: panel responsive again (tree loading in a background task) | "
        f"{r['tree']['responsive_s']:.3f} | – | | {load('tree')} |",
        "| Chiefs tree: first display filled (read layers, hierarchy, top level) | "
        f"{r['tree']['first_display_s']:.2f} "
        f"| {mem('tree'):.0f} | {r['tree']['top_rows']} rows under the district | {load('tree')} |",
        f"| Chiefs tree: expand one town (lazy fill) | {r['tree']['expand_town_s']:.3f} | – | "
        f"| {load('tree')} |",
        f"| Chiefs tree: expand one village of it (lazy fill) | {tree.get('expand_village_s', float('nan')):.3f} "
        f"| – | | {load('tree')} |",
        f"| (opening the workspace project, for reference) | {r['tree']['project_s']:.2f} | – | | {load('tree')} |",
        f"| Segments page: panel responsive again (segments and statistics loading in a task) | "
        f"{r['segments']['responsive_s']:.3f} | – | | {load('segments')} |",
        f"| Segments page: results swapped into the list and statistics (UI thread) | "
        f"{r['segments']['apply_s']:.3f} | – | | {load('segments')} |",
        f"| Segments page: first display filled (read layers, statistics, list) | "
        f"{r['segments']['first_display_s']:.2f} | {mem('segments'):.0f} | {r['segments']['rows']:,} segments "
        f"| {load('segments')} |",
        f"| Segments page: filter by river and back (UI thread) | {r['segments']['filter_s']:.3f} | – | | "
        f"{load('segments')} |",
        "",
        "| ratio (peer ÷ Hezhang, R1) | time | memory |",
        "|---|---:|---:|",
        f"| geopandas/pandas | {ratio(r['pandas_r1']['seconds'], r['hezhang_r1']['seconds'])} | "
        f"{ratio(mem('pandas_r1'), mem('hezhang_r1'))} |",
        f"| QGIS Processing | {'> ' if r['qgis_r1'].get('timed_out') else ''}"
        f"{ratio(r['qgis_r1']['seconds'], r['hezhang_r1']['seconds'])} | "
        f"{ratio(mem('qgis_r1'), mem('hezhang_r1'))} |",
        "",
        "The peers compute R1 only (which levels are missing per segment); Hezhang's full check also does "
        "R2–R7, including the per-bank gap/overlap sweep along every river and the river × village overlay.",
        "",
        "Targets (issue 15; no peer: QGIS has no chiefs tree): first display of the Chiefs tree ≤ 1 s "
        f"at this scale: {'met' if tree['first_display_s'] <= 1.0 else 'NOT met'} "
        f"({tree['first_display_s']:.2f} s); expanding a node ≤ 50 ms: "
        f"{'met' if expand_s <= 0.05 else 'NOT met'} ({expand_s * 1000:.0f} ms at most); memory: "
        f"{mem('tree'):.0f} MB above the QGIS start-up baseline.",
    ]
    try:
        for f in os.listdir(folder):
            os.remove(os.path.join(folder, f))
        os.rmdir(folder)
    except OSError:
        pass
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in STEPS:
        _child(sys.argv[1], sys.argv[2])
    else:
        sys.stdout.write(main(quick="--quick" in sys.argv))
