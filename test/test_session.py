"""The workspace session, the dock-page base and the task runner (issue 11), and the dock's
Open/New workspace with unsaved edits and zoom to the district (issue 10 desktop cases a, d)."""

from __future__ import annotations

import os
import sys
import time

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402

from test.ifaces import RecordingIface  # noqa: E402


def spin(cond, seconds=60.0):
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return cond()


@pytest.fixture
def opened(workspace_path):
    from hezhang_plugin.data import workspace as ws

    F.fill(workspace_path)
    ws.open_workspace(workspace_path, QgsProject.instance())
    yield workspace_path
    for lyr in QgsProject.instance().mapLayers().values():
        if lyr.isEditable():
            lyr.rollBack()
    QgsProject.instance().clear()


@pytest.fixture
def dock(qgis_app, monkeypatch):
    from hezhang_plugin.gui.dock import HezhangDock

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    yield d
    for lyr in QgsProject.instance().mapLayers().values():
        if lyr.isEditable():
            lyr.rollBack()
    d.teardown()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()


# ------------------------------------------------------------------ page base


def test_a_page_cannot_skip_the_base_lifecycle(qgis_app):
    from hezhang_plugin.gui.page import DockPage

    with pytest.raises(TypeError, match="set_workspace"):
        type("Bad", (DockPage,), {"set_workspace": lambda self, w: None})
    with pytest.raises(TypeError, match="teardown"):
        type("Bad", (DockPage,), {"teardown": lambda self: None})


def test_teardown_cancels_tasks_and_drops_their_results(qgis_app):
    from qgis.PyQt.QtCore import QThread

    from hezhang_plugin.gui.page import DockPage
    from hezhang_plugin.gui.tasks import _ORPHANS

    page = DockPage(None)
    seen = []

    def work(ctx):
        while not ctx.isCanceled():
            QThread.msleep(5)
        return "late"

    task = page.tasks.run("endless", work, seen.append)
    assert spin(lambda: task.status() == task.Running, 10)
    page.teardown()
    assert id(task) in _ORPHANS  # still referenced while it ends
    assert spin(lambda: id(task) not in _ORPHANS, 10)
    assert seen == [] and page.tasks.run("again", work) is None
    page.deleteLater()


def test_a_failing_task_logs_the_traceback_and_shows_one_line(qgis_app, caplog):
    from hezhang_plugin.core.messages import HezhangError
    from hezhang_plugin.gui.tasks import TaskRunner

    shown = []
    runner = TaskRunner(notify=lambda text, level: shown.append(text), lang=lambda: "zh")

    def work(ctx):
        raise HezhangError("chief.unknown", chief="C9")

    failed = []
    runner.run("Loading", work, failed=failed.append)
    assert runner.wait(10)
    assert shown == ["Loading: 没有编号为C9的河长"]
    assert len(failed) == 1 and isinstance(failed[0], HezhangError)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" in logged and "in work" in logged


# ------------------------------------------------------------------ session


def test_session_knows_layers_unsaved_edits_and_signals_changes(opened):
    from hezhang_plugin.core.changes import ChangeSet
    from hezhang_plugin.gui.session import WorkspaceSession

    session = WorkspaceSession()
    session.open(opened)
    layers = session.project_layers()
    assert {"segments", "chiefs", "assignments", "admin_units"} <= set(layers)
    assert all(lyr in QgsProject.instance().mapLayers().values() for lyr in layers.values())
    assert not session.has_unsaved_edits()
    fired = []
    session.changed.connect(lambda: fired.append(1))
    cs = ChangeSet("end")
    cs.end("assignments", 1, valid_to="2024-05-31")
    session.apply(cs)
    assert [lyr.name() for lyr in session.unsaved_layers()] == [layers["assignments"].name()]
    assert spin(lambda: fired, 5)
    session.discard()
    assert not session.has_unsaved_edits()
    session.dispose()


def test_batch_on_unsaved_edits_asks_to_save_first_or_refuses(opened, monkeypatch):
    from hezhang_plugin.core.changes import ChangeSet
    from hezhang_plugin.core.messages import Message
    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.gui.session import UnsavedEditsError, WorkspaceSession

    session = WorkspaceSession()
    session.open(opened)
    cs = ChangeSet("end")
    cs.end("assignments", 1, valid_to="2024-05-31")
    session.apply(cs)
    op = Message("change.import_roster", file="名单.csv")
    with pytest.raises(UnsavedEditsError) as exc:
        session.prepare_batch(op, ("assignments",), ask=False)
    assert "unsaved edits" in str(exc.value) and "Import roster 名单.csv" in str(exc.value)
    assert session.prepare_batch(op, ("segments",), ask=False)  # other layers: nothing to save
    asked = []
    monkeypatch.setattr(WorkspaceSession, "ask_save_first", staticmethod(lambda p, t, x: asked.append(x) or False))
    assert not session.prepare_batch(op, ("assignments",))
    assert session.has_unsaved_edits() and asked
    monkeypatch.setattr(WorkspaceSession, "ask_save_first", staticmethod(lambda p, t, x: True))
    assert session.prepare_batch(op, ("assignments",))
    assert not session.has_unsaved_edits()
    assert next(a for a in read_rows(opened, "assignments") if a["fid"] == 1)["valid_to"] == "2024-05-31"
    session.dispose()


# ------------------------------------------------------------------ the dock


def _unsaved_chief(dock):
    from hezhang_plugin.core.changes import ChangeSet

    cs = ChangeSet("add chief")
    cs.insert("chiefs", {"chief_id": "CNEW", "name": "新河长", "level": "village", "role": "chief",
                         "unit_code": F.V1, "active": True})
    dock.session.apply(cs)
    return dock.session.layer("chiefs")


@pytest.mark.parametrize("answer", ["cancel", "discard", "save"])
def test_open_workspace_with_unsaved_edits_asks(dock, workspace_path, tmp_path, monkeypatch, answer, make_workspace):
    """Issue 10, desktop case a: Open workspace… with a new, unsaved chief."""
    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.gui.session import WorkspaceSession

    F.fill(workspace_path)
    other = make_workspace(tmp_path / "other.gpkg", "411172", "另一区")
    assert dock.open_workspace(workspace_path)
    chiefs = _unsaved_chief(dock)
    name = chiefs.name()
    asked = []
    monkeypatch.setattr(WorkspaceSession, "ask_unsaved", staticmethod(lambda p, t, x: asked.append(x) or answer))
    opened = dock.open_workspace(other)
    assert asked and "新河长" not in asked[0] and name in asked[0]
    saved = [c["chief_id"] for c in read_rows(workspace_path, "chiefs") if c["chief_id"] == "CNEW"]
    if answer == "cancel":
        assert not opened and dock.session.path == os.path.abspath(workspace_path)
        assert chiefs.isModified() and saved == []
    else:
        assert opened and dock.session.path == os.path.abspath(other)
        assert saved == (["CNEW"] if answer == "save" else [])


def test_no_question_without_unsaved_edits(dock, workspace_path, tmp_path, monkeypatch, make_workspace):
    from hezhang_plugin.gui.session import WorkspaceSession

    other = make_workspace(tmp_path / "other.gpkg", "411172", "另一区")
    assert dock.open_workspace(workspace_path)
    monkeypatch.setattr(WorkspaceSession, "ask_unsaved", staticmethod(lambda *a: pytest.fail("asked")))
    assert dock.open_workspace(other)


def test_new_workspace_with_unsaved_edits_cancelled_keeps_them(dock, workspace_path, monkeypatch):
    from hezhang_plugin.gui import workspace_dialog
    from hezhang_plugin.gui.session import WorkspaceSession

    F.fill(workspace_path)
    assert dock.open_workspace(workspace_path)
    chiefs = _unsaved_chief(dock)
    monkeypatch.setattr(WorkspaceSession, "ask_unsaved", staticmethod(lambda *a: "cancel"))
    monkeypatch.setattr(workspace_dialog.NewWorkspaceDialog, "exec", lambda self: pytest.fail("dialog shown"))
    dock.new_workspace()
    assert chiefs.isModified() and dock.session.path == os.path.abspath(workspace_path)


def test_opened_workspace_is_zoomed_to_the_district(dock, workspace_path):
    """Issue 10, desktop case d: not an empty map at 0,0,0,0."""
    from qgis.core import QgsCoordinateTransform, QgsProject

    F.fill(workspace_path)
    assert dock.open_workspace(workspace_path)
    canvas = dock.iface.mapCanvas()
    units = dock.session.layer("admin_units")
    want = QgsCoordinateTransform(units.crs(), canvas.mapSettings().destinationCrs(),
                                  QgsProject.instance()).transformBoundingBox(units.extent())
    got = canvas.extent()
    assert got.contains(want)  # the whole district shows
    # and not much else: the tighter side fits the district (the other follows the canvas's shape)
    assert min(got.width() / want.width(), got.height() / want.height()) < 1.2
    assert want.width() == pytest.approx(F.X2 - F.X0)


def test_new_empty_workspace_opens_on_its_crs_area(dock, tmp_path):
    from hezhang_plugin.data.workspace import create_workspace

    path = str(tmp_path / "gk.gpkg")
    create_workspace(path, "411171", "测试区", "EPSG:4547")
    assert dock.open_workspace(path)
    extent = dock.iface.mapCanvas().extent()
    # CM 114°E zone: eastings about 500 km ± 170 km, northings over China
    assert 250000 < extent.center().x() < 750000 and extent.width() > 100000


def test_tabs_follow_one_signal_and_read_the_edit_buffer(dock, workspace_path):
    """An assignment made on the Chiefs tab shows in the Segments tab's chief statistics
    before it is saved: both read the same layers."""
    from hezhang_plugin.data.io import read_rows

    F.fill(workspace_path, assignments=[a for a in F.assignments() if a["chief_id"] != "CV2"])
    assert dock.open_workspace(workspace_path)
    chiefs_page, segments_page = dock.pages["ChiefsPage"], dock.pages["SegmentsPage"]
    assert spin(lambda: not chiefs_page.loading and not segments_page.loading)
    assert "CV2" not in [r["chief_id"] for r in segments_page.tables["chiefs"].rows]
    chiefs_page.assign_segments(["411171000002"], "CV2", "2024-01-01")
    assert spin(lambda: "CV2" in [r["chief_id"] for r in segments_page.tables["chiefs"].rows])
    assert all(a["chief_id"] != "CV2" for a in read_rows(workspace_path, "assignments"))  # not saved yet


def test_export_child_process_is_killed_on_teardown(qgis_app, tmp_path, monkeypatch):
    """Unloading the plugin during an export stops the export process at once."""
    from hezhang_plugin.gui import export_page
    from hezhang_plugin.layout import export

    started = []

    class SlowChild(export_page.ExportTask):
        def _run_child(self, python):
            import subprocess

            self.proc = subprocess.Popen([python, "-c", "import time; time.sleep(120)"], start_new_session=True)
            started.append(self.proc)
            self.proc.wait()
            return False

    monkeypatch.setattr(export_page, "ExportTask", SlowChild)
    monkeypatch.setattr(export, "worker_python", lambda: sys.executable)
    page = export_page.ExportPage(None)
    page.set_workspace(None)
    page.session = None
    page.folder_widget.setFilePath(str(tmp_path))
    monkeypatch.setattr(type(page), "workspace", property(lambda self: str(tmp_path / "ws.gpkg")))
    page.start_export()
    assert spin(lambda: started, 20)
    page.teardown()
    assert spin(lambda: started[0].poll() is not None, 10), "the export child survived the teardown"
    page.deleteLater()


def test_page_messages_are_logged_at_their_level(qgis_app, caplog):
    """A refusal shown as a warning in the message bar is a warning in the plugin log too
    (the log said INFO for a drawing refused in the bar as WARNING)."""
    import logging

    from qgis.core import Qgis

    from hezhang_plugin import log
    from hezhang_plugin.gui.page import DockPage
    from test.ifaces import RecordingIface

    iface = RecordingIface()
    page = DockPage(iface)
    logger = log.get_logger()
    caplog.set_level(logging.INFO, logger=logger.name)
    page.show_message("refused", Qgis.MessageLevel.Warning)
    page.show_message("failed", Qgis.MessageLevel.Critical)
    page.show_message("done", Qgis.MessageLevel.Success)
    page.show_message("note")
    levels = [(r.getMessage(), r.levelno) for r in caplog.records if r.name == logger.name]
    assert levels == [("refused", logging.WARNING), ("failed", logging.ERROR), ("done", logging.INFO),
                      ("note", logging.INFO)]
    page.deleteLater()
    iface.window.deleteLater()
