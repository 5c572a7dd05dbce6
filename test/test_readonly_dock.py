"""The dock on a read-only workspace (issue 10 case 8) and on one another program locks
(case 9): it opens and checks; every change is refused at the action, with the reason;
a lock offers Retry or Cancel; nothing is changed."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

from test.ifaces import RecordingIface

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cov_fixtures as F  # noqa: E402
import readonly as RO  # noqa: E402


@pytest.fixture
def dock(qgis_app, monkeypatch):
    from hezhang_plugin.gui.dock import HezhangDock

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    d.warnings = warnings
    d.iface_ = iface
    yield d
    d.teardown()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()


@pytest.fixture
def shared(tmp_path, empty_workspace_template):
    folder = tmp_path / "share"
    folder.mkdir()
    path = str(folder / "district.gpkg")
    shutil.copyfile(empty_workspace_template, path)
    F.fill(path)
    return str(folder), path


def _state(folder, path):
    return sorted(os.listdir(folder)), Path(path).read_bytes()


def _warnings(dock):
    return [text for _title, text, level in dock.iface_.messages if level == Qgis.MessageLevel.Warning]


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_every_change_is_refused_at_the_action(dock, shared, wal, monkeypatch):
    from hezhang_plugin.gui import chiefs_page

    folder, path = shared
    RO.set_wal(path, wal)
    before = _state(folder, path)
    with RO.read_only(path, folder):
        reads = []
        read = dock.iface_.addProject
        monkeypatch.setattr(dock.iface_, "addProject", lambda uri: reads.append(uri) or read(uri))
        assert dock.open_workspace(path), dock.warnings
        # QGIS desktop shows its own error for a stored project it cannot read: a read-only
        # WAL workspace is read from a copy at once, never through the geopackage: URI.
        assert len(reads) == 1 and reads[0].startswith("geopackage:") == (not wal), reads
        page = dock.workspace_page
        assert not page.read_only_label.isHidden()
        assert page.count_labels["segments"].text() == "2"
        chiefs = dock.pages["ChiefsPage"]
        segments = dock.pages["SegmentsPage"]
        chiefs.reload_now()
        opened = []
        monkeypatch.setattr(chiefs_page.ChiefDialog, "exec", lambda self: opened.append(self) or 0)
        chiefs.add_chief_dialog()
        assert opened == [], "the dialog is not even opened"
        assert segments.run_segmentation() is None
        segments.draw_button.setChecked(True)
        assert not segments.draw_button.isChecked()
        assert chiefs.drop_chief("CD1", "segment", "411171000002") is None
        warnings = _warnings(dock)
        assert len(warnings) == 4 and all("the workspace is read-only" in w for w in warnings), warnings
        # The check still runs.
        chiefs.run_check(sync=True)
        assert chiefs.problems.topLevelItemCount() == 0
        QgsProject.instance().clear()
    assert _state(folder, path) == before


def test_segmenting_while_another_program_holds_the_file(dock, workspace_path, monkeypatch):
    """Retry or Cancel before the work starts; nothing changes while the lock is held."""
    path = F.fill(workspace_path)
    assert dock.open_workspace(path)
    segments = dock.pages["SegmentsPage"]
    asked = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)
    before = Path(path).read_bytes()
    with RO.lock_held(path, "write"):
        assert segments.run_segmentation() is None
    assert len(asked) == 1 and "in use by another program" in asked[0]
    assert Path(path).read_bytes() == before


@pytest.mark.slow  # QGIS waits out its busy timeout before the commit fails
def test_saving_edits_while_another_program_holds_the_file(dock, workspace_path, monkeypatch):
    """The edit buffer keeps the edits; the user may retry once the other program lets go."""
    from hezhang_plugin.data.io import read_rows

    path = F.fill(workspace_path, chiefs=[], assignments=[])
    assert dock.open_workspace(path)
    chiefs = dock.pages["ChiefsPage"]
    chiefs.reload_now()
    cid = chiefs.save_chief({"name": "孙主任", "level": "village", "role": "chief", "unit_code": F.V1,
                             "phone": "13900000009"})
    answers = []

    def answer(*a, **k):
        answers.append(a[2])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "warning", answer)
    with RO.lock_held(path, "write"):
        chiefs.save_edits()
    assert len(answers) == 1 and "in use by another program" in answers[0]
    assert read_rows(path, "chiefs") == []
    assert chiefs.layers["chiefs"].isModified(), "the edits are kept"
    chiefs.save_edits()
    assert [c["chief_id"] for c in read_rows(path, "chiefs")] == [cid]
