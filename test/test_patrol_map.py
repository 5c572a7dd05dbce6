"""The patrol map (河长巡河情况图): one page per town with segments, tracks of a period over the
segments coloured by patrol compliance, read back as a user checks it (PDF pages and text,
the colours on the rendered page), and refused options said clearly.

The fixture's compliance is known by hand (Henan 2018, June 2024: village chiefs weekly —
ISO weeks 23–26, whose Thursdays fall in June —, town chiefs monthly; the district's
quarter belongs to the range of its middle day, 16 May, so nothing is owed by the district
chief in June):

- S1: its village chief walks it in each of the four weeks and the town chief once: 5/5, 达标;
- S2: its village chief walks it in week 23 only, the town chief never: 1/5, 次数不足;
- S3: nobody walks it: 0/5, 未巡河;
- S4 (a second town, nobody appointed): owes nothing, grey;
- a third town has no segment: no page.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import shapely
from shapely.geometry import LineString, box

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import patrol_fixtures as F  # noqa: E402

TOWN2, TOWN3 = "411171200000", "411171300000"
S4 = "411171000004"
JUNE = ("2024-06-01", "2024-06-30")
EXPECTED = {F.S1: ("ok", 5, 5), F.S2: ("short", 1, 5), F.S3: ("none", 0, 5)}
#: Colours of the statuses as the layout draws them (hex from the page, not from the code).
COLOURS = {"ok": (0x1a, 0x96, 0x41), "short": (0xf3, 0x9c, 0x12), "none": (0xd7, 0x19, 0x1c),
           "free": (0xa6, 0xa6, 0xa6)}


def _fill(path, tmp_path):
    from hezhang_plugin.data.io import write_rows
    from hezhang_plugin.services.patrols import import_patrols

    F.fill(path)
    lon0 = F.LON0 + 0.03
    write_rows(path, "admin_units", [
        {"code": TOWN2, "name": "李集镇", "level": "town", "parent_code": F.DISTRICT,
         "geom": shapely.multipolygons([box(lon0, F.LAT0 - 0.01, lon0 + 0.03, F.RIVER2_LAT + 0.01)])},
        {"code": TOWN3, "name": "王岗镇", "level": "town", "parent_code": F.DISTRICT,
         "geom": shapely.multipolygons([box(lon0 + 0.03, F.LAT0 - 0.01, lon0 + 0.06, F.RIVER2_LAT + 0.01)])},
    ])
    write_rows(path, "segments", [
        {"seg_code": S4, "river_code": "R1", "name": "沙河李集镇段", "bank": "both", "unit_code": TOWN2,
         "length_km": 1.0, "valid_from": "2020-01-01",
         "geom": shapely.multilinestrings([LineString([(lon0 + 0.005, F.LAT0), (lon0 + 0.015, F.LAT0)])])}])
    walks = [("CV1", F.S1, day) for day in (3, 11, 18, 25)] + [("CT1", F.S1, 5), ("CV2", F.S2, 4)]
    files = []
    for chief, seg, day in walks:
        lon, lat, t = F.walk(seg, 0.0, 1000.0, t0=dt.datetime(2024, 6, day, 8, 0, tzinfo=F.BJ))
        files.append(F.write_gpx(tmp_path / f"{chief}_{seg}_202406{day:02d}.gpx", lon, lat, t))
    report = import_patrols(path, files, lang="en")
    assert report.ok and report.written and report.patrols_added == len(walks)
    return path


@pytest.fixture
def patrol_ws(workspace_path, tmp_path):
    return _fill(workspace_path, tmp_path)


def _pdf_pages_text(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def test_segment_statuses_are_the_hand_computed_ones(patrol_ws):
    """The compliance summed per segment (what the map colours) is the fixture's."""
    from hezhang_plugin.services import patrols as sp

    got = sp.segment_statuses(sp.check_patrols(patrol_ws, *JUNE))
    assert {k: (v.status, v.valid, v.required) for k, v in got.items()} == EXPECTED


def test_patrol_map_pdf_one_page_per_town_with_segments(patrol_ws, tmp_path, processing_ready):
    """hezhang:exportmaps PRODUCTS [3]: two pages (周庄镇, 李集镇; 王岗镇 has no segment), each
    with the Chinese title, its town, the period and the profile, and the segment table's
    statuses and counts; no Kangxi radical in the text layer."""
    from qgis import processing
    from qgis.core import QgsProject

    QgsProject.instance().clear()
    out = tmp_path / "maps"
    res = processing.run("hezhang:exportmaps", {
        "WORKSPACE": patrol_ws, "PRODUCTS": [3], "FORMAT": 0, "DPI": 60, "PAGE_SIZE": 1, "OUTPUT_FOLDER": str(out),
        "PATROL_START": "2024-06-01", "PATROL_END": "2024-06-30", "PATROL_PROFILE": "henan_2018"})
    assert [os.path.basename(f) for f in res["FILES"]] == ["patrol_map_411171.pdf"]
    pages = _pdf_pages_text(res["FILES"][0])
    assert len(pages) == 2
    for page, town in zip(pages, ("周庄镇", "李集镇")):
        flat = page.replace("\n", "").replace(" ", "")
        assert f"测试区{town}河长巡河情况图" in flat
        assert "2024-06-01至2024-06-30" in flat and "河南省（2018）" in flat
        assert "\u2ed3" not in page
    first = pages[0].replace(" ", "")
    # The table: valid/required and status of each segment of 周庄镇 (未巡河 first).
    for code, (_status, valid, required) in EXPECTED.items():
        assert code in first
        assert f"{valid}/{required}" in first
    assert "达标" in first and "次数不足" in first and "未巡河" in first
    assert "河段3段：达标1段，次数不足1段，未巡河1段，无巡河任务0段" in pages[0].replace(" ", "").replace("\n", "")
    second = pages[1].replace(" ", "").replace("\n", "")
    assert S4 in second and "无巡河任务" in second and "河段1段" in second
    # the legend lists the map's classes, not the workspace styles' (QGIS 3.40 kept those)
    assert "计入达标的巡河轨迹" in first and "未计入达标的巡河轨迹" in first
    for workspace_class in ("无效巡河", "未核验", "非当期河段"):
        assert workspace_class not in first, workspace_class


def _rendered_page(ws, tmp_path, town_code, dpi=150):
    """(PNG path, map item, layout) of one town's page, rendered as the export renders it."""
    from qgis.core import QgsLayoutExporter, QgsProject

    from hezhang_plugin.data import workspace as wsmod
    from hezhang_plugin.layout import patrolmap, render, templates

    project = QgsProject.instance()
    project.clear()
    wsmod.open_workspace(ws, project)
    layouts, _content, _ = templates.ensure_layouts(project, ws, ["patrols"], "A4")
    layout = layouts["patrols"]
    variables = patrolmap.patrol_variables(ws, *JUNE)
    png = str(tmp_path / f"{town_code}.png")
    with render.layout_variables([layout], variables):
        atlas = layout.atlas()
        assert atlas.beginRender()
        codes = []
        for i in range(atlas.count()):
            atlas.seekTo(i)
            codes.append(atlas.layout().reportContext().feature()["code"])
        assert codes == [F.TOWN, TOWN2]
        atlas.seekTo(codes.index(town_code))
        m = layout.itemById("map")
        exporter = QgsLayoutExporter(layout)
        assert exporter.exportToImage(png, render.image_settings(dpi)) == QgsLayoutExporter.ExportResult.Success
        extent, pos, rect = m.extent(), m.pagePos(), m.rect()
        atlas.endRender()
    return png, (extent, pos, rect, m.crs()), project


def _colour_counts(png, centre_px, radius=8):
    from qgis.PyQt.QtGui import QImage

    img = QImage(png)
    cx, cy = centre_px
    counts = dict.fromkeys(COLOURS, 0)
    for x in range(int(cx) - radius, int(cx) + radius + 1):
        for y in range(int(cy) - radius, int(cy) + radius + 1):
            c = img.pixelColor(x, y)
            for key, (r, g, b) in COLOURS.items():
                if abs(c.red() - r) + abs(c.green() - g) + abs(c.blue() - b) <= 30:
                    counts[key] += 1
    return counts


def _midpoint_px(ws, project, seg_code, map_geom, dpi):
    from qgis.core import QgsCoordinateTransform, QgsPointXY

    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.layout import common as c

    extent, pos, rect, crs = map_geom
    seg = next(s for s in read_rows(ws, "segments") if s["seg_code"] == seg_code)
    mid = seg["geom"].interpolate(0.5, normalized=True)
    layer = c.workspace_layers(project)["segments"]
    pt = QgsCoordinateTransform(layer.crs(), crs, project).transform(QgsPointXY(mid.x, mid.y))
    x_mm = pos.x() + (pt.x() - extent.xMinimum()) / extent.width() * rect.width()
    y_mm = pos.y() + (extent.yMaximum() - pt.y()) / extent.height() * rect.height()
    return x_mm * dpi / 25.4, y_mm * dpi / 25.4


def test_segment_colours_on_the_page_are_the_compliance(patrol_ws, tmp_path):
    """Sampled on the rendered page at each segment's midpoint: S1 green (达标), S2 orange
    (次数不足), S3 red (未巡河) on 周庄镇's page; S4 grey on 李集镇's."""
    from qgis.core import QgsProject

    png, geom, project = _rendered_page(patrol_ws, tmp_path, F.TOWN)
    for seg, (status, _v, _r) in EXPECTED.items():
        counts = _colour_counts(png, _midpoint_px(patrol_ws, project, seg, geom, 150))
        others = {k: n for k, n in counts.items() if k not in (status, "free")}
        assert counts[status] > 5 and not any(others.values()), (seg, counts)
    png, geom, project = _rendered_page(patrol_ws, tmp_path, TOWN2)
    counts = _colour_counts(png, _midpoint_px(patrol_ws, project, S4, geom, 150))
    assert counts["free"] > 5 and counts["ok"] == counts["short"] == counts["none"] == 0, counts
    QgsProject.instance().clear()


def test_segment_legend_keys_follow_the_compliance(patrol_ws):
    """The renderer of the map's segment style, with the export's variables, puts each
    segment in the legend class of its status."""
    from qgis.core import (
        QgsExpressionContextUtils,
        QgsMapLayerStyle,
        QgsProject,
        QgsRenderContext,
    )

    from hezhang_plugin.data import workspace as wsmod
    from hezhang_plugin.layout import common as c
    from hezhang_plugin.layout import patrolmap, render, templates

    project = QgsProject.instance()
    project.clear()
    wsmod.open_workspace(patrol_ws, project)
    layouts, _content, _ = templates.ensure_layouts(project, patrol_ws, ["patrols"], "A3")
    layout = layouts["patrols"]
    seg = c.workspace_layers(project)["segments"]
    style = QgsMapLayerStyle(seg.styleManager().style(c.STYLE_PATROL).xmlData())
    clone = seg.clone()
    style.writeToLayer(clone)
    renderer = clone.renderer()
    labels = {rule.ruleKey(): rule.label() for rule in renderer.rootRule().children()}
    got = {}
    with render.layout_variables([layout], patrolmap.patrol_variables(patrol_ws, *JUNE)):
        ctx = QgsRenderContext()
        ectx = layout.createExpressionContext()
        ectx.appendScope(QgsExpressionContextUtils.layerScope(clone))
        ctx.setExpressionContext(ectx)
        renderer.startRender(ctx, clone.fields())
        for f in clone.getFeatures():
            ctx.expressionContext().setFeature(f)
            got[f["seg_code"]] = [labels[k] for k in renderer.legendKeysForFeature(f, ctx) if k in labels]
        renderer.stopRender(ctx)
    assert got == {F.S1: ["达标"], F.S2: ["次数不足"], F.S3: ["未巡河"], S4: ["无巡河任务"]}
    project.clear()


@pytest.mark.parametrize("changes,needle", [
    ({"patrol_start": "2024-06-30", "patrol_end": "2024-06-01"}, "ends on 2024-06-01, before it starts on 2024-06-30"),
    ({"patrol_start": "2024-06-31", "patrol_end": "2024-07-01"}, "2024-06-31 is not a date"),
    ({"patrol_start": "2024-06-01"}, "both the first and the last day"),
])
def test_bad_patrol_period_is_refused_naming_it(tmp_path, changes, needle):
    from hezhang_plugin.layout.errors import ExportError
    from hezhang_plugin.layout.options import ExportOptions

    options = ExportOptions(str(tmp_path / "ws.gpkg"), products=("patrols",), folder=str(tmp_path)).replace(**changes)
    with pytest.raises(ExportError, match=needle):
        options.checked()


def test_patrol_period_defaults_to_the_month_before_the_as_of_date(tmp_path):
    from hezhang_plugin.layout.options import ExportOptions

    got = ExportOptions(str(tmp_path / "ws.gpkg"), products=("patrols",), as_of="2024-03-15").checked()
    assert (got.patrol_start, got.patrol_end) == ("2024-02-01", "2024-02-29")
    # Other products alone: no period asked for.
    plain = ExportOptions(str(tmp_path / "ws.gpkg"), products=("coverage",)).checked()
    assert plain.patrol_start is None and plain.patrol_end is None


def test_patrol_options_round_trip_through_the_worker_command_line(tmp_path):
    from hezhang_plugin.layout.options import ExportOptions

    want = ExportOptions(str(tmp_path / "ws.gpkg"), ("coverage", "patrols"), "pdf", str(tmp_path), 150,
                         patrol_start="2024-06-01", patrol_end="2024-06-30", patrol_profile="akqi_2022").checked()
    assert ExportOptions.from_args(want.to_args()).checked() == want


def test_unknown_profile_is_refused_in_chinese_before_anything_is_written(patrol_ws, tmp_path, processing_ready):
    """An unknown profile: the export stops with the known profiles listed, in Chinese when
    QGIS runs in Chinese, and no file is written."""
    from qgis import processing
    from qgis.core import QgsProcessingException, QgsProject, QgsSettings

    from hezhang_plugin import i18n

    settings = QgsSettings()
    old = (settings.value("locale/overrideFlag"), settings.value("locale/userLocale"))
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    translator = i18n.install_translator("zh_CN")
    out = tmp_path / "maps"
    try:
        QgsProject.instance().clear()
        with pytest.raises(QgsProcessingException) as err:
            processing.run("hezhang:exportmaps", {
                "WORKSPACE": patrol_ws, "PRODUCTS": [3], "FORMAT": 0, "DPI": 60, "OUTPUT_FOLDER": str(out),
                "PATROL_START": "2024-06-01", "PATROL_END": "2024-06-30", "PATROL_PROFILE": "jiangsu_2030"})
        text = str(err.value)
        assert "巡河情况图" in text and "jiangsu_2030" in text and "henan_2018" in text
        assert not out.exists() or not any(p.suffix == ".pdf" for p in out.rglob("*"))
    finally:
        i18n.remove_translator(translator)
        for key, value in zip(("locale/overrideFlag", "locale/userLocale"), old):
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)


def test_worker_process_renders_the_patrol_pages_from_the_plan(patrol_ws, tmp_path):
    """A worker process (as a parallel export starts it) gets the period, profile and
    compliance through the plan's variables: its pages say what this process's say."""
    import json

    from qgis.core import QgsProject

    from hezhang_plugin.layout import parallel, patrolmap
    from hezhang_plugin.layout.export import export_products

    python = parallel.worker_python()
    assert python, "no QGIS Python for the export worker"
    QgsProject.instance().clear()
    out = tmp_path / "maps"
    here = export_products(patrol_ws, ("patrols",), "pdf", str(out), dpi=60, parallel=1, page_size="A4",
                           patrol_start=JUNE[0], patrol_end=JUNE[1])[0]
    template = out / "templates" / "河长巡河情况图 A4.qpt"
    assert template.exists()
    plan_dir = tmp_path / "plan"
    plan_dir.mkdir()
    plan = {"chunks": [[F.TOWN, F.TOWN, 1], [TOWN2, TOWN2, 1]], "dir": str(plan_dir), "dpi": 60,
            "variables": patrolmap.patrol_variables(patrol_ws, *JUNE)}
    (plan_dir / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([python, "-m", "hezhang_plugin.layout.worker", "--workspace", patrol_ws, "--template",
                           str(template), "--plan", str(plan_dir / "plan.json"), "--from-back"],
                          capture_output=True, text=True, env=parallel.worker_env(), timeout=300)
    assert done.returncode == 0, done.stderr
    worker_pages = [_pdf_pages_text(parallel.part_path(str(plan_dir), k))[0] for k in range(2)]
    assert worker_pages == _pdf_pages_text(here)
    assert "次数不足" in worker_pages[0] and "2024-06-30" in worker_pages[1]


def test_demo_district_patrol_map(demo_run):
    """`make demo` exports the patrol map of May 2024 (its assessed month) under the default
    Henan rules: one page per town holding a segment current on 31 May (counted here from the
    workspace's rows), in code order, each titled with its town; the segments listed on a
    town's page are the town's, with the status and counts the compliance gives them."""
    import re

    from hezhang_plugin.core.validity import is_current
    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.services import patrols as sp

    out, result = demo_run
    ws = result["workspace"]
    period = ("2024-05-01", "2024-05-31")
    units = read_rows(ws, "admin_units", with_geometry=False)
    segments = [s for s in read_rows(ws, "segments", with_geometry=False) if is_current(s, period[1])]
    towns = sorted((u["code"], u["name"]) for u in units if u["level"] == "town"
                   and any(s["unit_code"][:9] == u["code"][:9] for s in segments))
    assert len(towns) >= 2
    pages = _pdf_pages_text(out / "patrol_map_411171.pdf")
    assert len(pages) == len(towns)
    labels = {"ok": "达标", "short": "次数不足", "none": "未巡河"}
    statuses = sp.segment_statuses(sp.check_patrols(ws, *period, "henan_2018"))
    assert {s.status for s in statuses.values()} >= {"ok", "short"}  # the season has both in May
    for page, (code, name) in zip(pages, towns):
        assert "\u2ed3" not in page
        flat = page.replace(" ", "").replace("\n", "")
        assert f"沙澧示范区{name}河长巡河情况图" in flat and "2024-05-01至2024-05-31" in flat
        assert "河南省（2018）" in flat
        own = sorted(s["seg_code"] for s in segments if s["unit_code"][:9] == code[:9])
        rows = re.findall(r"(411171\d{6})\n+.*?\n+(\d+/\d+|—)\n+(达标|次数不足|未巡河|无巡河任务)", page)
        assert sorted(r[0] for r in rows) == own
        for seg, counts, status in rows:
            want = statuses.get(seg)
            assert status == (labels[want.status] if want else "无巡河任务"), seg
            assert counts == (f"{want.valid}/{want.required}" if want else "—"), seg


def test_a_workspace_without_patrols_is_said_so(workspace_path, tmp_path):
    """No patrol imported yet: the map still prints (every segment owing patrols 未巡河) and
    the export warns why."""
    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import run_export
    from hezhang_plugin.layout.options import ExportOptions
    from hezhang_plugin.services import patrols as sp

    ws = F.fill(workspace_path)
    assert {s.status for s in sp.segment_statuses(sp.check_patrols(ws, *JUNE)).values()} == {"none"}

    class Feedback:
        warnings: list = []

        def isCanceled(self):
            return False

        def setProgress(self, value):
            pass

        def pushInfo(self, text):
            pass

        def reportError(self, text, fatal=False):
            self.warnings.append(text)

    QgsProject.instance().clear()
    fb = Feedback()
    files = run_export(ExportOptions(ws, ("patrols",), "pdf", str(tmp_path / "maps"), 60, "A4", workers=1,
                                     patrol_start=JUNE[0], patrol_end=JUNE[1]), fb)
    assert [w for w in fb.warnings if "no patrol record" in w]
    assert "未巡河3段" in _pdf_pages_text(files[0])[0].replace(" ", "").replace("\n", "")
