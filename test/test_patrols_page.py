"""The Patrols page of the dock, offscreen: import in a task, compliance tree, badges in the
Chiefs tree, a patrol drawn on the map with its covered part and reasons."""

from __future__ import annotations

import os
import sys

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import QMessageBox

from test.ifaces import RecordingIface

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import patrol_fixtures as F  # noqa: E402


def wait_tasks(seconds: float = 60.0) -> None:
    import time

    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    manager = QgsApplication.taskManager()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if manager.countActiveTasks() == 0:
            QCoreApplication.processEvents()
            return
    raise AssertionError("background tasks did not finish")


@pytest.fixture
def dock(qgis_app, monkeypatch, workspace_path):
    from hezhang_plugin.gui.dock import HezhangDock

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    F.fill(workspace_path)
    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    d.iface_ = iface
    assert d.open_workspace(workspace_path)
    wait_tasks()
    yield d
    d.teardown()
    wait_tasks()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()


def _tracks(folder):
    folder.mkdir()
    F.write_gpx(folder / "CV1_0603.gpx", *F.walk(F.S1, 0.0, 900.0, offset_m=10.0))
    # CV2 walks only a quarter of S2: it does not count.
    F.write_gpx(folder / "CV2_0604.gpx", *F.walk(F.S2, 0.0, 250.0, offset_m=-10.0,
                                                t0=F.dt.datetime(2024, 6, 4, 9, 0, tzinfo=F.BJ)))
    return folder


def test_import_in_a_task_then_compliance_tree_badges_and_a_patrol_on_the_map(dock, tmp_path):
    page = dock.pages["PatrolsPage"]
    assert os.path.abspath(page.path) == os.path.abspath(dock.info.path)
    assert page.profile_combo.currentData() == "henan_2018" and page.profile_combo.count() == 4
    layer = next(v for v in QgsProject.instance().mapLayers().values() if v.source().endswith("=patrols"))
    assert layer.featureCount() == 0
    task = page.start_import([str(_tracks(tmp_path / "tracks"))])
    assert task is not None and not page.files_button.isEnabled()
    wait_tasks()
    assert page.import_task is None and page.files_button.isEnabled()
    assert page.progress.value() == 100
    assert "2 patrol(s) written" in page.report_text.toPlainText()
    assert layer.featureCount() == 2  # the project's layer shows the new tracks
    assert any("2 patrol(s) written" in (m[1] or "") for m in dock.iface_.messages)

    page.start_edit.setDate(QDate(2024, 6, 3))
    page.end_edit.setDate(QDate(2024, 6, 9))
    page.run_check()
    wait_tasks()
    assert page.result is not None
    top = page.tree.topLevelItem(0)
    assert top.text(0) == "周庄镇" and top.text(1) == "1 / 3"
    villages = {top.child(i).text(0): top.child(i) for i in range(top.childCount())}
    assert set(villages) == {"周庄村", "李庄村"}
    li = villages["李庄村"].child(0)
    assert li.text(0) == "李书记 (CV2)" and li.text(2) == "no valid patrol"
    row = li.child(0)
    assert row.text(0).startswith(F.S2) and row.text(1) == "0 / 1"
    patrol = row.child(0)
    assert patrol.text(2) == "coverage 31% < 50%"
    # Badges reach the Chiefs tree.
    chiefs = dock.pages["ChiefsPage"]
    assert chiefs.patrol_badges["CV1"][0] == "patrols: missing"  # S3 was not patrolled
    assert chiefs.patrol_badges["CV2"][0] == "patrols: missing"
    # Click the patrol: its track and the covered quarter of S2 are drawn, the reasons shown.
    page.tree.itemClicked.emit(patrol, 0)
    assert len(page._bands) == 2
    assert "coverage 31% < 50%" in page.detail_label.text()
    from hezhang_plugin.core.geodesy import geometry_lengths_km

    # Stations within 60 m of a track 10 m off S2 from 0 to 250 m: the first 309 m (10 m stations).
    covered = page.detail.segments[0][3]
    assert geometry_lengths_km([covered])[0] == pytest.approx((250 + (60**2 - 10**2) ** 0.5) / 1000, abs=0.011)
    assert layer.selectedFeatureCount() == 1
    page.clear_map()
    assert page._bands == []


def test_cancel_leaves_the_workspace_unchanged(dock, tmp_path, monkeypatch):
    import time

    from hezhang_plugin.data import trackfiles

    page = dock.pages["PatrolsPage"]
    read = trackfiles.read_track
    started = []

    def slow_read(path, data):
        # The first file is read only once the user has pressed Cancel.
        deadline = time.monotonic() + 30
        while (not started or not started[0].isCanceled()) and time.monotonic() < deadline:
            time.sleep(0.01)
        return read(path, data)

    monkeypatch.setattr(trackfiles, "read_track", slow_read)
    task = page.start_import([str(_tracks(tmp_path / "tracks"))])
    started.append(task)
    page.cancel_import()
    wait_tasks()
    assert "nothing was imported" in page.report_text.toPlainText()
    assert page.import_task is None
    import contextlib
    import sqlite3

    with contextlib.closing(sqlite3.connect(dock.info.path)) as con:
        assert con.execute("SELECT count(*) FROM patrols").fetchone()[0] == 0
    assert page.last_report is None and task.result is None
