"""Printable maps: coverage map, town atlas and notice boards, read back from the PDFs with
poppler's tools; the layouts in the project; board placement and stale boards."""

from __future__ import annotations

import datetime as dt
import os
import pathlib
import subprocess

import pytest

from test import layout_fixture as fx

#: Resolution of the exports whose text and page counts are read back: the PDF's text and
#: vector parts do not depend on it, the rendered map images are just smaller.
TEXT_DPI = 96


def _pdf_pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def _pdf_text(path, page=None) -> str:
    cmd = ["pdftotext", "-enc", "UTF-8"]
    if page is not None:
        cmd += ["-f", str(page), "-l", str(page)]
    return subprocess.run(cmd + [str(path), "-"], capture_output=True, text=True, check=True).stdout


def _fill(tmp_path_factory, name):
    return fx.filled_copy(tmp_path_factory, name)


@pytest.fixture(scope="module")
def exported(qgis_app, tmp_path_factory):
    """The filled workspace exported once to PDF (all three products)."""
    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import ExportStats, export_products

    QgsProject.instance().clear()
    ws = _fill(tmp_path_factory, "maps")
    out = tmp_path_factory.mktemp("out")
    stats = ExportStats()
    files = export_products(ws, fmt="pdf", out_folder=str(out), parallel=1, stats=stats, dpi=TEXT_DPI)
    return ws, out, files, stats


def test_three_pdfs_with_page_counts(exported):
    _ws, _out, files, _stats = exported
    names = [os.path.basename(f) for f in files]
    assert names == ["coverage_411171.pdf", "town_atlas_411171.pdf", "notice_boards_411171.pdf"]
    assert _pdf_pages(files[0]) == 1
    assert _pdf_pages(files[1]) == 2  # towns
    assert _pdf_pages(files[2]) == len(fx.SEGMENTS)  # one board per current segment


#: Text each PDF must give back through its text layer, character for character.
READ_BACK = ("测试区河长制一张图", "柳营镇", "河长公示牌")
#: Blocks a CJK font with a broken text layer maps Chinese to (Kangxi radicals, CJK radicals
#: supplement, compatibility ideographs), and the replacement / private-use characters.
WRONG_CODE_POINTS = [(0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0xE000, 0xF8FF), (0xFFFD, 0xFFFD)]


def test_cjk_fonts_embedded_and_chinese_reads_back(exported):
    """Every font of every PDF is embedded (whatever CJK font the layouts use), and the Chinese
    reads back as the code points that were written: a font whose text layer maps 长 to the
    radical ⻓ fails here even when it is embedded."""
    for f, needle in zip(exported[2], READ_BACK):
        out = subprocess.run(["pdffonts", f], capture_output=True, text=True, check=True).stdout
        rows = out.splitlines()[2:]
        assert rows, out
        assert all(row.split()[-5] == "yes" for row in rows), out  # the emb column
        text = _pdf_text(f)
        assert needle in text.replace(" ", ""), (f, needle)
        bad = sorted({ch for ch in text for lo, hi in WRONG_CODE_POINTS if lo <= ord(ch) <= hi})
        assert bad == [], (f, bad)
        assert sum(1 for ch in text if 0x4E00 <= ord(ch) <= 0x9FFF) > 20


def test_boards_show_chiefs_phones_and_segments(exported):
    boards = exported[2][2]
    for page, (code, seg) in enumerate(sorted(fx.SEGMENTS.items()), start=1):
        text = _pdf_text(boards, page)
        assert seg[1] in text and code in text
        assert "河长" in text and "⻓" not in text
        assert seg[4] in text and seg[5] in text  # start and end
        assert "禁止" in text and "监督举报电话" in text
    first = _pdf_text(boards, 1)
    for name, phone in (("李明华", "13912345679"), ("孙志勇", "0375-2345678"), ("陈刚", "13600000001")):
        assert name in first and phone in first
    assert "警长" in first
    assert "内容日期：2023-06-01" in first and "411171000001-01" in first
    third = _pdf_text(boards, 3)
    assert "检察长" in third and "民间河长" in third and "吴霞" in third
    # The segment without current chiefs says so, and shows no former chief.
    last = _pdf_text(boards, 5)
    assert "河长待落实" in last and "杨丽" not in last


def test_coverage_and_atlas_text(exported):
    _ws, _out, files, _stats = exported
    cov = _pdf_text(files[0])
    assert "测试区河长制一张图" in cov
    for needle in ("王建国", "13812345678", "柳营镇", "河湾乡", "未落实河长 1 段", "EPSG:4547", "图"):
        assert needle in cov, needle
    atlas1, atlas2 = _pdf_text(files[1], 1), _pdf_text(files[1], 2)
    assert "柳营镇" in atlas1 and "张伟" in atlas1 and "13700000001" in atlas1 and "沙河周庄村段" in atlas1
    assert "河湾乡" in atlas2 and "刘芳" in atlas2 and "张伟" not in atlas2
    # the legends list the maps' own classes, not the workspace styles' (QGIS 3.40 kept those)
    assert "未落实河长的河段" in atlas1
    for page in (cov, atlas1, atlas2):
        assert "非当期河段" not in page and "两岸" not in page


def test_layouts_stored_with_legend_scalebar_north_arrow_table(exported):
    from qgis.core import (
        QgsLayoutItemAttributeTable,
        QgsLayoutItemLegend,
        QgsLayoutItemManualTable,
        QgsLayoutItemPicture,
        QgsLayoutItemScaleBar,
        QgsProject,
        QgsUnitTypes,
    )

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.layout import common

    prj = QgsProject()
    ws.open_workspace(exported[0], prj)
    names = {lay.name() for lay in prj.layoutManager().printLayouts()}
    assert {common.LAYOUT_COVERAGE, common.LAYOUT_ATLAS, common.LAYOUT_BOARDS} <= names
    for name, table_cls in ((common.LAYOUT_COVERAGE, QgsLayoutItemManualTable),
                            (common.LAYOUT_ATLAS, QgsLayoutItemAttributeTable),
                            (common.LAYOUT_BOARDS, QgsLayoutItemAttributeTable)):
        layout = prj.layoutManager().layoutByName(name)
        items = layout.items()
        assert any(isinstance(i, QgsLayoutItemLegend) for i in items) or name == common.LAYOUT_BOARDS
        bars = [i for i in items if isinstance(i, QgsLayoutItemScaleBar)]
        assert bars and bars[0].units() == QgsUnitTypes.DistanceKilometers
        arrows = [i for i in items if isinstance(i, QgsLayoutItemPicture)]
        assert arrows and "NorthArrow" in arrows[0].picturePath()
        assert any(isinstance(mf, table_cls) for mf in layout.multiFrames()), name
    cov = prj.layoutManager().layoutByName(common.LAYOUT_COVERAGE)
    page = cov.pageCollection().page(0).pageSize()
    assert (round(page.width()), round(page.height())) == (420, 297)
    boards = prj.layoutManager().layoutByName(common.LAYOUT_BOARDS).pageCollection().page(0).pageSize()
    assert boards.width() / boards.height() == pytest.approx(1.5)
    prj.clear()


def test_templates_written_and_loadable(exported):
    from qgis.core import QgsProject

    from hezhang_plugin.layout import common
    from hezhang_plugin.layout.export import load_template

    folder = exported[1] / "templates"
    for name in (common.LAYOUT_COVERAGE, common.LAYOUT_ATLAS, common.LAYOUT_BOARDS):
        assert (folder / f"{name}.qpt").exists()
    layout = load_template(QgsProject(), str(folder / f"{common.LAYOUT_BOARDS}.qpt"))
    assert layout.atlas().enabled() and layout.itemById("map") is not None


#: Twenty segments: with two processes the 20 board pages are cut into three chunks
#: (pages 1–8, 9–12 and 13–20: export.plan_chunks, MIN_CHUNK 8).
EXTRA = 15


def _many_segments(path) -> list:
    """Add EXTRA short both-bank segments (codes 411171000006 …) to the filled workspace."""
    from shapely.geometry import MultiLineString

    from hezhang_plugin.data.io import write_rows

    rows = []
    for i in range(EXTRA):
        x = 114.01 + i * 0.005
        rows.append({"seg_code": f"411171{6 + i:06d}", "river_code": "R001", "name": f"沙河试验{i + 1}段",
                     "bank": "both", "unit_code": "411171101002", "start_name": "甲", "end_name": "乙",
                     "length_km": 0.4, "valid_from": "2024-01-01",
                     "geom": MultiLineString([[(x, 33.52), (x + 0.004, 33.52)]])})
    write_rows(path, "segments", rows)
    return sorted(list(fx.SEGMENTS) + [r["seg_code"] for r in rows])


def test_parallel_boards_in_page_order_and_like_one_process(exported, tmp_path_factory):
    """Two processes, three chunks merged: page k is the k-th segment's board, and the first
    five pages read as the single-process export of the same five segments does."""
    import re

    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import ExportStats, export_products, key_chunks

    ws = _fill(tmp_path_factory, "chunks")
    codes = _many_segments(ws)
    assert len(key_chunks(codes, 2)) == 3  # the export below really merges three parts
    QgsProject.instance().clear()
    stats = ExportStats()
    out = tmp_path_factory.mktemp("chunks_out")
    pdf = export_products(ws, ("boards",), "pdf", str(out), dpi=TEXT_DPI, parallel=2, stats=stats)[0]
    assert stats.workers == 2 and all(r > 0 for r in stats.worker_rss_kb)
    pages = _pdf_text(pdf).split("\f")[:-1]
    on_page = [sorted(set(re.findall(r"411171\d{6}", text))) for text in pages]
    assert on_page == [[c] for c in codes]  # page k shows the k-th segment code and no other
    single = exported[2][2]
    assert _pdf_pages(single) == len(fx.SEGMENTS)
    for page in range(1, len(fx.SEGMENTS) + 1):
        assert pages[page - 1] == _pdf_text(single, page).split("\f")[0], page


def _rgb(path):
    """The image as an (height, width, 3) RGB array."""
    import numpy as np
    from qgis.PyQt.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format_RGB32)
    ptr = img.constBits()
    ptr.setsize(img.width() * img.height() * 4)
    bgra = np.frombuffer(ptr, dtype=np.uint8).reshape(img.height(), img.width(), 4)
    return bgra[:, :, 2::-1].copy()  # own the pixels: the QImage goes when this returns


def _pixels_of(px, colour: str, tol: int = 24) -> int:
    """Pixels within ``tol`` (per channel) of the hex ``colour``."""
    import numpy as np

    want = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(px.astype(int) - want).max(axis=-1) <= tol).sum())


def test_png_export_renders(qgis_app, tmp_path_factory):
    """PNG pages at 40 dpi: sizes from the page in mm (A3 landscape 420 × 297 mm; a board 450 ×
    300 mm, the 1.5 m × 1.0 m board at 0.3), the coverage map's uncovered segment in red and
    its title in dark blue, each board's blue header band and its own segment in orange."""
    from qgis.core import QgsProject

    from hezhang_plugin.layout import common
    from hezhang_plugin.layout.export import export_products

    QgsProject.instance().clear()
    ws = _fill(tmp_path_factory, "png")
    out = tmp_path_factory.mktemp("png_out")
    files = export_products(ws, ("coverage", "boards"), "png", str(out), dpi=40)
    names = sorted(os.path.basename(f) for f in files)
    assert names == ["board_" + c + ".png" for c in sorted(fx.SEGMENTS)] + ["coverage_411171.png"]
    px = {os.path.basename(f): _rgb(f) for f in files}
    cov = px["coverage_411171.png"]
    assert abs(cov.shape[1] - 420 / 25.4 * 40) <= 1 and abs(cov.shape[0] - 297 / 25.4 * 40) <= 1
    assert _pixels_of(cov, common.UNCOVERED_COLOUR) > 20  # 411171000005 has no chiefs
    # the title, in its band (8-21 mm from the top): its strokes anti-aliased onto white
    # come out thinner on QGIS 3.40 than on 3.22, so shades near the colour count; the grey
    # subtitle (#404040, from 22 mm) and black are outside the band or the tolerance
    title_band = cov[: int(21 / 25.4 * 40)]
    assert _pixels_of(title_band, "#0b2d5c", 60) > 80
    for code in fx.SEGMENTS:
        board = px[f"board_{code}.png"]
        assert abs(board.shape[1] - 450 / 25.4 * 40) <= 1 and abs(board.shape[0] - 300 / 25.4 * 40) <= 1
        band = board[: int(40 / 25.4 * 40) - 2]
        assert _pixels_of(band[:4], common.BOARD_BLUE, 8) == band[:4].shape[0] * band.shape[1], code
        assert _pixels_of(band, common.BOARD_BLUE, 8) > 0.6 * band.shape[0] * band.shape[1], code
        assert _pixels_of(board, "#e8590c", 40) > 100, code  # this segment, orange on the board's map
    blank = px["coverage_411171.png"].copy()
    blank[:] = 255
    assert _pixels_of(blank, common.UNCOVERED_COLOUR) == 0  # the measure itself


def test_svg_and_one_pdf_per_town(qgis_app, tmp_path_factory):
    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import export_products

    QgsProject.instance().clear()
    ws = _fill(tmp_path_factory, "svg")
    out = tmp_path_factory.mktemp("svg_out")
    files = export_products(ws, ("atlas",), "pdf", str(out), one_file_per_page=True, dpi=TEXT_DPI)
    assert sorted(os.path.basename(f) for f in files) == ["town_411171100000.pdf", "town_411171101000.pdf"]
    svg = export_products(ws, ("coverage",), "svg", str(out), dpi=TEXT_DPI)
    assert svg[0].endswith(".svg") and "测试区河长制一张图" in pathlib.Path(svg[0]).read_text(encoding="utf-8")


def test_missing_font_warns(qgis_app, monkeypatch):
    from qgis.core import QgsProcessingFeedback

    from hezhang_plugin.layout import common

    class Feedback(QgsProcessingFeedback):
        errors: list = []

        def reportError(self, error, fatalError=False):
            self.errors.append(error)

    monkeypatch.setattr(common, "cjk_font_available", lambda: False)
    fb = Feedback()
    assert common.check_cjk_font(fb) is False
    assert fb.errors and "WenQuanYi Zen Hei" in fb.errors[0] and "fonts-wqy-zenhei" in fb.errors[0]


def test_exportmaps_algorithm(processing_ready, tmp_path_factory):
    from qgis import processing
    from qgis.core import QgsProject

    QgsProject.instance().clear()
    ws = _fill(tmp_path_factory, "alg")
    out = tmp_path_factory.mktemp("alg_out")
    res = processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [1, 2], "FORMAT": 0,
                                                "OUTPUT_FOLDER": str(out), "DPI": 100})
    assert [os.path.basename(f) for f in res["FILES"]] == ["town_atlas_411171.pdf", "notice_boards_411171.pdf"]
    assert _pdf_pages(res["FILES"][1]) == len(fx.SEGMENTS)


# ---------------------------------------------------------------- boards rule

def test_boards_needed_rule():
    from hezhang_plugin.core.boards import boards_needed

    assert [boards_needed(km) for km in (None, 0.5, 8.0, 8.1, 16.0, 20.0)] == [1, 1, 1, 2, 2, 3]


def test_plan_boards_and_stale(qgis_app):
    from shapely.geometry import MultiLineString, Point

    from hezhang_plugin.core import boards

    segs = [{"seg_code": "411171000001", "length_km": 20.0,
             "geom": MultiLineString([[(0, 0), (10, 0)]])},
            {"seg_code": "411171000002", "length_km": 3.0, "geom": MultiLineString([[(0, 1), (1, 1)]])},
            {"seg_code": "411171000003", "length_km": 3.0, "geom": None}]
    have = [{"board_code": "411171000002-01", "seg_code": "411171000002", "geom": Point(0.5, 1),
             "content_date": "2024-01-01", "fid": 1}]
    plan = boards.plan_boards(segs, have)
    assert [p.board_code for p in plan] == ["411171000001-01", "411171000001-02", "411171000001-03"]
    assert [round(p.x, 3) for p in plan] == [1.667, 5.0, 8.333] and all(p.y == 0 for p in plan)
    # A board already on the long segment: the two new ones go where it is not.
    have2 = have + [{"board_code": "411171000001-01", "seg_code": "411171000001", "geom": Point(5, 0)}]
    plan2 = boards.plan_boards(segs, have2)
    assert sorted(round(p.x, 3) for p in plan2) == [1.667, 8.333]
    assert {p.board_code for p in plan2} == {"411171000001-02", "411171000001-03"}
    assigns = [{"seg_code": "411171000002", "valid_from": "2023-05-01", "valid_to": "2024-02-29"},
               {"seg_code": "411171000002", "valid_from": "2024-03-01", "valid_to": None}]
    on = dt.date(2024, 4, 1)
    stale = boards.stale_boards(have, assigns, on)
    assert [(s.board_code, s.changed_on, s.days_overdue) for s in stale] == [
        ("411171000002-01", dt.date(2024, 3, 1), 31 - 15)]
    assert boards.refreshed_content_dates(have, assigns, on) == [{"fid": 1, "content_date": "2024-04-01"}]
    fresh = [dict(have[0], content_date="2024-03-05")]
    assert boards.stale_boards(fresh, assigns, on) == []


def test_placeboards_algorithm(processing_ready, tmp_path_factory):
    from qgis import processing

    from hezhang_plugin.data import io

    ws = _fill(tmp_path_factory, "place")
    res = processing.run("hezhang:placeboards", {"WORKSPACE": ws, "REFRESH_DATES": True,
                                                 "DATE": "2024-04-01"})
    rows = io.read_rows(ws, "notice_boards")
    per_seg = {}
    for r in rows:
        per_seg.setdefault(r["seg_code"], []).append(r)
    # Every segment has its boards: 9.3 km segments need 2, the others 1.
    for code in fx.SEGMENTS:
        assert per_seg.get(code), code
    assert res["PLACED"] == len(rows) - len(fx.BOARDS)
    assert len(per_seg["411171000001"]) == 2 and len(per_seg["411171000004"]) == 1
    # The 2023 board of segment 1 predates the 2024-03-01 appointments: stale, then refreshed.
    assert "411171000001-01" in res["STALE_CODES"].split(",")
    refreshed = next(r for r in rows if r["board_code"] == "411171000001-01")
    assert refreshed["content_date"] == "2024-04-01"
    # New boards lie on their segment.
    import shapely

    segs = {s["seg_code"]: s["geom"] for s in io.read_rows(ws, "segments")}
    fixture_codes = {b[0] for b in fx.BOARDS}
    for r in rows:
        if r["board_code"] not in fixture_codes:
            assert shapely.distance(r["geom"], segs[r["seg_code"]]) < 1e-9
    again = processing.run("hezhang:placeboards", {"WORKSPACE": ws, "DATE": "2024-04-01"})
    assert again["PLACED"] == 0 and again["STALE"] == 0


# ---------------------------------------------------------------- dock Export tab

def _wait_for(page, seconds=240):
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.time() + seconds
    while page.task is not None and time.time() < end:
        QCoreApplication.processEvents()
        time.sleep(0.05)
    assert page.task is None, "export task did not finish"


@pytest.mark.gui
def test_export_page_runs_task(qgis_app, tmp_path_factory):
    from hezhang_plugin.gui.export_page import ExportPage

    ws = _fill(tmp_path_factory, "gui")
    out = tmp_path_factory.mktemp("gui_out")
    page = ExportPage(None)
    assert not page.export_button.isEnabled()
    page.set_workspace(ws)
    page.folder_widget.setFilePath(str(out))
    page.product_checks["atlas"].setChecked(False)
    page.product_checks["boards"].setChecked(False)
    page.format_combo.setCurrentIndex(page.format_combo.findData("png"))
    page.dpi_spin.setValue(40)
    assert page.export_button.isEnabled()
    results = []
    page.export_finished.connect(results.append)
    task = page.start_export()
    assert task is not None and page.cancel_button.isEnabled() and not page.export_button.isEnabled()
    _wait_for(page)
    assert results and [os.path.basename(f) for f in results[0]] == ["coverage_411171.png"], page.status_label.text()
    assert os.path.exists(results[0][0]) and page.progress.value() == 100
    page.deleteLater()


@pytest.mark.gui
def test_export_page_cancel(qgis_app, tmp_path_factory):
    from hezhang_plugin.gui.export_page import ExportPage

    ws = _fill(tmp_path_factory, "gui_cancel")
    out = tmp_path_factory.mktemp("gui_cancel_out")
    page = ExportPage(None)
    page.set_workspace(ws)
    page.folder_widget.setFilePath(str(out))
    results = []
    page.export_finished.connect(results.append)
    task = page.start_export()
    # Cancel once the export is really under way (its child process reports progress).
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    end = time.time() + 120
    while not (task.proc is not None and task.progress() > 0) and page.task is not None and time.time() < end:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert page.task is task and task.progress() > 0, page.status_label.text()
    page.cancel_export()
    _wait_for(page)
    assert results == [[]]
    # Cancelled, not failed: no error, the page says so, the child process is gone.
    assert task.error == "" and page.status_label.text() == page.tr("Export canceled")
    assert task.proc is None or task.proc.poll() is not None
    assert not (out / "notice_boards_411171.pdf").exists()
    assert page.export_button.isEnabled() and not page.cancel_button.isEnabled()
    page.deleteLater()


def _scene_pixels(path) -> int:
    """Pixels of the test scene's colour, magenta (200, 0, 200), which no map symbol uses."""
    import numpy as np
    from qgis.PyQt.QtGui import QImage

    img = QImage(str(path)).convertToFormat(QImage.Format.Format_RGB32)
    ptr = img.constBits()
    ptr.setsize(img.width() * img.height() * 4)
    bgr = np.frombuffer(ptr, dtype=np.uint8).reshape(-1, 4)[:, :3]
    diff = np.abs(bgr.astype(int) - np.array([200, 0, 200])).max(axis=1)  # BGR order, symmetric colour
    return int((diff <= 12).sum())


def _workspace_with_scene(tmp_path_factory):
    """The filled workspace with a magenta GeoTIFF scene in its 遥感影像 group (stored project)."""
    import numpy as np
    from osgeo import gdal, osr
    from qgis.core import QgsProject, QgsRasterLayer

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data.workspace import open_workspace
    from hezhang_plugin.overlays import placement

    QgsProject.instance().clear()
    ws = _fill(tmp_path_factory, "imagery")
    folder = tmp_path_factory.mktemp("scene")
    tif = str(folder / "scene.tif")
    ds = gdal.GetDriverByName("GTiff").Create(tif, 200, 200, 3, gdal.GDT_Byte)
    ds.SetGeoTransform((113.0, 0.01, 0, 35.0, 0, -0.01))  # 2 x 2 degrees around the test district
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4490)
    ds.SetProjection(srs.ExportToWkt())
    for band, value in zip((1, 2, 3), (200, 0, 200)):
        ds.GetRasterBand(band).WriteArray(np.full((200, 200), value, dtype=np.uint8))
    ds = None
    prj = QgsProject()
    open_workspace(ws, prj)
    placement.add_overlay(prj, QgsRasterLayer(tif, "scene"), "2024-05-01")
    wsproject.write_project(prj, ws)
    prj.clear()
    return ws


def test_coverage_map_with_imagery_background(processing_ready, tmp_path_factory):
    """A scene in the 遥感影像 group prints under the coverage map when IMAGERY is on."""
    from qgis import processing
    from qgis.core import QgsProject

    ws = _workspace_with_scene(tmp_path_factory)
    counts = {}
    for flag in (False, True):
        out = tmp_path_factory.mktemp(f"img_{flag}")
        QgsProject.instance().clear()
        res = processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [0], "FORMAT": 1, "DPI": 50,
                                                    "OUTPUT_FOLDER": str(out), "IMAGERY": flag})
        counts[flag] = _scene_pixels(res["FILES"][0])
    assert counts[False] == 0, counts
    assert counts[True] > 2000, counts


def test_export_tab_worker_prints_imagery(qgis_app, tmp_path_factory):
    """The Export tab's child process (python -m hezhang_plugin.layout.worker export --imagery)."""
    import sys

    from hezhang_plugin.layout import export

    ws = _workspace_with_scene(tmp_path_factory)
    out = tmp_path_factory.mktemp("tab_img")
    res = subprocess.run([sys.executable, "-m", "hezhang_plugin.layout.worker", "export", "--workspace", ws,
                          "--products", "coverage", "--format", "png", "--out", str(out), "--dpi", "50",
                          "--imagery"], capture_output=True, text=True, env=export.worker_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    files = [line[5:] for line in res.stdout.splitlines() if line.startswith("FILE ")]
    assert len(files) == 1 and _scene_pixels(files[0]) > 2000
