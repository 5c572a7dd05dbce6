"""A workspace in a folder whose name carries URI characters (issue 9, item 7).

``#`` starts a URI fragment, ``?`` a query and ``%`` an escape: a path pasted into the
SQLite ``file:`` URI or QGIS's ``geopackage:`` project URI without escaping is cut there
(every algorithm failed and stray files appeared next to the folder). Every algorithm and
dock action runs here on a workspace in ``甲#1 乙%20(副本)``.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest

WEIRD = "甲#1 乙%20(副本)"


def _wait(page, attr="task", seconds=300):
    from qgis.PyQt.QtCore import QCoreApplication

    end = time.time() + seconds
    while getattr(page, attr) is not None and time.time() < end:
        QCoreApplication.processEvents()
        time.sleep(0.02)
    assert getattr(page, attr) is None, f"{type(page).__name__} task did not finish"


def _idle(dock, seconds=120):
    """Until the dock's pages have loaded the workspace and no task runs."""
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication

    end = time.time() + seconds
    while time.time() < end:
        QCoreApplication.processEvents()
        busy = any(getattr(p, "loading", False) for p in dock.pages.values())
        if not busy and QgsApplication.taskManager().countActiveTasks() == 0:
            return
        time.sleep(0.02)
    raise AssertionError("the dock's tasks did not finish")


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_uris_escape_and_read_back():
    from hezhang_plugin.core import uris

    path = f"/data/{WEIRD}/河长 ?#.gpkg"
    uri = uris.project_uri(path, "hezhang")
    assert "#" not in uri and uri.count("?") == 1 and " " not in uri
    assert uris.project_path(uri) == path and uris.project_name(uri) == "hezhang"
    assert uris.project_path("geopackage:/old/ws.gpkg?projectName=hezhang") == "/old/ws.gpkg"  # unescaped, older
    sqlite = uris.sqlite_uri(path, mode="ro")
    assert sqlite.startswith("file:///data/") and sqlite.endswith("?mode=ro") and sqlite.count("?") == 1
    assert "%2520" in sqlite and "%23" in sqlite and "%3F" in sqlite


@pytest.mark.slow
@pytest.mark.gui
def test_every_algorithm_and_dock_action_in_a_folder_with_uri_characters(processing_ready, tmp_path, monkeypatch):
    from qgis import processing
    from qgis.core import QgsProcessing, QgsProject, QgsVectorLayer
    from qgis.PyQt.QtWidgets import QMessageBox

    from hezhang_plugin import demo
    from hezhang_plugin.data import io as wio
    from hezhang_plugin.data.project import layer_source
    from hezhang_plugin.data.workspace import check_workspace
    from hezhang_plugin.gui.dock import HezhangDock, workspace_path_of
    from test.ifaces import RecordingIface

    folder = tmp_path / WEIRD
    folder.mkdir()

    # create (algorithm)
    created = str(folder / "新建 #2.gpkg")
    res = processing.run("hezhang:createworkspace", {"DISTRICT_CODE": "411171", "DISTRICT_NAME": "沙澧示范区",
                                                     "OUTPUT": created})
    assert res["OUTPUT"] == created and check_workspace(created).district_code == "411171000000"

    # the demo district's units and rivers, in a workspace of that folder
    path = str(folder / "示范区 #1.gpkg")
    data = demo.write_base_workspace(path)

    # open it in the dock: the project comes from the escaped geopackage: URI
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: pytest.fail(f"warning shown: {a[2]}"))
    iface = RecordingIface()
    dock = HezhangDock(iface, iface.window)
    try:
        assert dock.open_workspace(path)
        project = QgsProject.instance()
        assert workspace_path_of(project) == path
        from hezhang_plugin.data.project import LEAD_TERMS_PROPERTY

        layers = [lyr for lyr in project.mapLayers().values() if isinstance(lyr, QgsVectorLayer)]
        assert layers and all(lyr.isValid() for lyr in layers)
        # the derived lead-terms layer reads the workspace's layers by id, not by path
        layers = [lyr for lyr in layers if not lyr.customProperty(LEAD_TERMS_PROPERTY)]
        assert all(os.path.realpath(lyr.source().split("|")[0]) == os.path.realpath(path) for lyr in layers)
        assert dock.pages["SegmentsPage"].path == path and dock.pages["ExportPage"].workspace == path

        # segment (dock, task) and (algorithm, layer sources naming the workspace)
        _idle(dock)
        segments_page = dock.pages["SegmentsPage"]
        segments_page.tolerance_spin.setValue(30.0)  # the demo's settings: 15 segments
        segments_page.min_length_spin.setValue(200.0)
        task = segments_page.run_segmentation()
        assert task is not None, segments_page.result_label.text()
        _wait(segments_page)
        _idle(dock)
        assert "15 segments" in segments_page.result_label.text(), segments_page.result_label.text()
        out_gpkg = str(folder / "分段 #3%.gpkg")
        res = processing.run("hezhang:segmentrivers", {
            "RIVERS": layer_source(path, "rivers"), "UNITS": layer_source(path, "admin_units"), "UNIT_LEVEL": 0,
            "BOUNDARY_TOLERANCE": 30.0, "MIN_LENGTH": 200.0, "OUTPUT": out_gpkg})
        from osgeo import ogr

        assert res["OUTPUT"] == out_gpkg
        assert ogr.Open(out_gpkg).GetLayer(0).GetFeatureCount() == 15

        # import (algorithm) a roster from that folder
        segments = wio.read_rows(path, "segments", with_geometry=False)
        units = wio.read_rows(path, "admin_units", with_geometry=False)
        rows, _gap = demo.appointments(data.chiefs, segments, units)
        roster = str(folder / "名册 #4 (GBK).csv")
        demo.write_roster_csv(rows, roster)
        res = processing.run("hezhang:importroster", {"WORKSPACE": path, "INPUT": roster, "MODE": 1,
                                                      "OUTPUT_REPORT": str(folder / "报告 #4.csv")})
        assert res["REJECTED"] == 0 and res["CHIEFS_ADDED"] > 0
        processing.run("hezhang:placeboards", {"WORKSPACE": path, "HOTLINE": "12345", "REFRESH_DATES": True})

        # check (algorithm) and (dock)
        res = processing.run("hezhang:checkcoverage", {"WORKSPACE": path, "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT})
        assert res["FINDINGS"] == 1  # the demo's one deliberate gap
        chiefs_page = dock.pages["ChiefsPage"]
        _idle(dock)
        chiefs_page.run_check(sync=True)
        assert chiefs_page.problems.topLevelItemCount() == 1

        # export (algorithm) and (dock, worker process)
        maps = folder / "图 #5"
        processing.run("hezhang:exportmaps", {"WORKSPACE": path, "PRODUCTS": [0, 1, 2], "FORMAT": 0,
                                              "OUTPUT_FOLDER": str(maps)})
        assert sorted(p for p in os.listdir(maps) if p.endswith(".pdf")) == [
            "coverage_411171.pdf", "notice_boards_411171.pdf", "town_atlas_411171.pdf"]
        assert "河长制" in _pdf_text(maps / "coverage_411171.pdf")
        export_page = dock.pages["ExportPage"]
        export_page.folder_widget.setFilePath(str(folder / "导出 #6"))
        export_page.product_checks["atlas"].setChecked(False)
        export_page.product_checks["boards"].setChecked(False)
        export_page.dpi_spin.setValue(60)
        results = []
        export_page.export_finished.connect(results.append)
        export_page.start_export()
        _wait(export_page)
        assert [os.path.basename(f) for f in results[0]] == ["coverage_411171.pdf"], export_page.status_label.text()
    finally:
        dock.teardown()
        QgsProject.instance().clear()
        dock.deleteLater()
        iface.window.deleteLater()

    # nothing written outside the folder, nothing under a cut name inside it
    assert os.listdir(tmp_path) == [WEIRD]
    assert not [n for n in os.listdir(folder) if n in ("甲", "示范区 ", "新建 ") or n.endswith(("-journal", "-wal"))]
