"""The dock as a user meets it: open a workspace, see the district and counts, refuse bad files."""

from __future__ import annotations

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

from test.ifaces import RecordingIface


@pytest.fixture
def dock(qgis_app, monkeypatch):
    from hezhang_plugin.gui.dock import HezhangDock

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    d.warnings = warnings
    yield d
    d.teardown()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()


def test_open_workspace_shows_district_and_counts(dock, workspace_path):
    from hezhang_plugin.data import io as wio

    wio.write_rows(workspace_path, "rivers", [{"river_code": "R1", "name": "沙河"},
                                              {"river_code": "R2", "name": "澧河"}])
    assert dock.open_workspace(workspace_path)
    page = dock.workspace_page
    assert "测试区" in page.district_label.text()
    assert page.count_labels["rivers"].text() == "2"
    assert page.count_labels["segments"].text() == "0"
    names = {lyr.name() for lyr in QgsProject.instance().mapLayers().values()}
    assert "河段" in names
    assert dock.warnings == []


def test_dock_has_a_page_per_task_and_pages_follow_the_workspace(dock, workspace_path):
    tabs = dock.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles == ["Workspace", "Chiefs", "Segments", "Patrols", "Problems", "Imagery", "Export", "Users"]
    assert dock.open_workspace(workspace_path)
    import os

    assert dock.pages["ExportPage"].workspace == workspace_path
    assert dock.pages["SegmentsPage"].path == os.path.abspath(workspace_path)
    assert dock.pages["ChiefsPage"].path == os.path.abspath(workspace_path)
    assert dock.pages["OverlaysPage"].workspace == workspace_path
    assert dock.pages["ProblemsPage"].path == os.path.abspath(workspace_path)
    QgsProject.instance().clear()
    assert dock.workspace_page.district_label.text() == "No workspace open."
    assert dock.pages["ExportPage"].workspace is None


def test_open_refuses_a_foreign_file_with_a_message(dock, tmp_path):
    bad = tmp_path / "roster.gpkg"
    bad.write_text("姓名,电话\n", encoding="gbk")
    assert not dock.open_workspace(str(bad))
    assert dock.warnings and "not a GeoPackage" in dock.warnings[0]
    assert "roster.gpkg" in dock.warnings[0]
    assert QgsProject.instance().mapLayers() == {}
    assert dock.workspace_page.count_labels["rivers"].text() == "–"


def test_open_migrates_an_older_workspace_after_asking(dock, tmp_path, monkeypatch, make_workspace):
    from hezhang_plugin.core import schema
    from hezhang_plugin.data.workspace import check_workspace

    path = make_workspace(tmp_path / "v1.gpkg", version=1)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No)
    assert not dock.open_workspace(path)
    assert check_workspace(path).schema_version == 1, "a refused migration changes nothing"
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert dock.open_workspace(path)
    assert check_workspace(path).schema_version == schema.SCHEMA_VERSION
    assert "version 1" in asked[0]
