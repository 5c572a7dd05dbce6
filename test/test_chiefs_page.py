"""The Chiefs dock page built offscreen on a workspace loaded into QgsProject.instance()."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402


@pytest.fixture
def loading_page(workspace_path):
    """The page right after set_workspace: its hierarchy task is queued, not yet applied."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.chiefs_page import ChiefsPage

    rows = [a for a in F.assignments() if not (a["seg_code"] == "411171000002" and a["level"] == "village")]
    F.fill(workspace_path, assignments=rows)
    project = QgsProject.instance()
    ws.open_workspace(workspace_path, project)
    p = ChiefsPage(None)
    p.date_edit.setDate(QDate(2024, 6, 1))
    p.set_workspace(workspace_path)
    yield p
    p.teardown()
    wait_tasks()
    for lyr in p.layers.values():
        if lyr.isEditable():
            lyr.rollBack()
    p.deleteLater()
    project.clear()


@pytest.fixture
def page(loading_page):
    flush(loading_page)
    return loading_page


def wait_tasks(page=None, seconds: float = 60.0) -> None:
    """Process events until the page's hierarchy task has been applied and the QGIS task
    manager has no active task; bounded (fails instead of hanging)."""
    import time

    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    manager = QgsApplication.taskManager()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        if (page is None or not page.loading) and manager.countActiveTasks() == 0:
            QCoreApplication.processEvents()
            return
    raise AssertionError("background tasks did not finish")


def flush(page=None):
    wait_tasks(page)


def test_tree_shows_hierarchy_chiefs_segments_and_badges(page):
    assert page.model.rowCount() == 1  # the district is the one root
    root = page.model.item(0)
    assert root.text().startswith("测试区") and page.tree.isExpanded(root.index())
    # the district's info: one-bank km (both segments are 'both'), 2 segments, missing village
    info = page.unit_info(F.DISTRICT)
    assert "1.84 km" in info and "2 segments" in info and "missing" in info
    assert "complete" in page.unit_info(F.V1)
    assert "missing" in page.unit_info(F.V2)
    kids = page.child_rows(F.TOWN)
    assert [k[0] for k in kids] == ["chief", "unit", "unit"]
    assert "赵镇长" in kids[0][2] and "13800000002" in kids[0][3]
    v2 = page.child_rows(F.V2)
    assert [(k[0], k[1]) for k in v2] == [("chief", "CV2"), ("segment", "411171000002")]
    assert "0.92 km" in v2[1][3]


def test_assignment_updates_tree_and_undo_restores(page):
    assignments = page.layers["assignments"]
    before = assignments.featureCount()
    assert "missing" in page.unit_info(F.V2)
    n = page.assign_village(F.V2, "2024-01-01")
    assert n == 1
    flush(page)
    assert assignments.isEditable() and assignments.featureCount() == before + 1
    assert "complete" in page.unit_info(F.V2)
    assert "complete" in page.unit_info(F.DISTRICT)
    seg_info = [k for k in page.child_rows(F.V2) if k[0] == "segment"][0][3]
    assert "李书记" in seg_info
    assert assignments.undoStack().count() == 1  # one undoable edit command
    assignments.undoStack().undo()
    flush(page)
    assert assignments.featureCount() == before
    assert "missing" in page.unit_info(F.V2)
    assert "missing" in page.unit_info(F.DISTRICT)
    assert "李书记" not in [k for k in page.child_rows(F.V2) if k[0] == "segment"][0][3]


def test_assigning_replaces_the_previous_chief_in_one_command(page):
    assignments = page.layers["assignments"]
    page.save_chief({"name": "孙主任", "level": "village", "role": "chief", "position": "村委会主任",
                     "organisation": None, "unit_code": F.V1, "phone": "13900000000"})
    flush(page)
    new_id = next(c for c in page.hierarchy.chiefs.values() if c["name"] == "孙主任")["chief_id"]
    assert new_id == f"C{F.V1}001"
    page.assign_segments(["411171000001"], new_id, "2024-05-01")
    flush(page)
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "孙主任" in seg and "周书记" not in seg
    # the as-of date shows who was responsible before the change
    from qgis.PyQt.QtCore import QDate

    page.date_edit.setDate(QDate(2024, 4, 30))
    flush(page)
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "周书记" in seg and "孙主任" not in seg
    assignments.undoStack().undo()
    flush(page)
    page.date_edit.setDate(QDate(2024, 6, 1))
    flush(page)
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "周书记" in seg and "孙主任" not in seg


def test_chief_form_validation_and_deactivation(page):
    from hezhang_plugin.core.assignments import AssignmentError
    from hezhang_plugin.gui.chiefs_page import ChiefDialog

    dialog = ChiefDialog(page.hierarchy.units, page.hierarchy.chiefs["CV1"])
    dialog.phone_edit.setText("1380000")
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData("town"))
    dialog.accept()
    assert dialog.result() == 0
    assert "11 digits" in dialog.error_label.text() and "town unit" in dialog.error_label.text()
    with pytest.raises(AssignmentError, match="11 digits"):
        page.save_chief(dict(dialog.values()), "CV1")
    count = page.layers["assignments"].featureCount()
    assert page.deactivate_chief("CT1", "2024-05-31") == 2
    flush(page)
    assert page.layers["assignments"].featureCount() == count
    assert "CT1" not in [k[1] for k in page.child_rows(F.TOWN)]
    assert "missing" in page.unit_info(F.V1)


def test_tree_and_map_selection_sync_and_search(page):
    seg = page.layers["segments"]
    page._select_keys([("unit", F.V1, None)])
    page._on_tree_selection()
    fid1 = page.hierarchy.seg_by_code["411171000001"]["fid"]
    assert seg.selectedFeatureIds() == [fid1]
    fid2 = page.hierarchy.seg_by_code["411171000002"]["fid"]
    seg.selectByIds([fid2])
    assert page._selected_keys() == [("segment", "411171000002", F.V2)]
    assert page.selected_seg_codes() == ["411171000002"]
    page.search_edit.setText("李书记")
    page.search()
    assert page._selected_keys() == [("chief", "CV2", F.V2)]


def test_coverage_problems_list(page):
    page.run_check(sync=True)
    rules = [page.problems.topLevelItem(i).text(0) for i in range(page.problems.topLevelItemCount())]
    assert rules == ["R1"]
    assert "50.0%" in page.summary_label.text()
    page._on_problem_clicked(page.problems.topLevelItem(0))
    assert page._selected_keys() == [("segment", "411171000002", F.V2)]


# ------------------------------------------------------------------ first display in a task


def test_first_display_builds_the_hierarchy_in_a_task(loading_page, monkeypatch):
    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QThread

    from hezhang_plugin.gui import chiefs_page as cp

    page = loading_page
    # Nothing applied yet: one "loading…" row, the task queued in the QGIS task manager.
    assert page.loading and page.hierarchy is None
    assert page.model.rowCount() == 1
    assert page.model.item(0).data(cp.KIND_ROLE) == cp.PLACEHOLDER
    assert page.model.item(0).text() == "loading…"
    assert page._load_task in QgsApplication.taskManager().tasks()
    flush(page)
    assert not page.loading and page.model.rowCount() == 1
    assert page.model.item(0).data(cp.KEY_ROLE) == F.DISTRICT
    assert "2 segments" in page.unit_info(F.DISTRICT)

    # A reload builds in a worker thread and keeps the current tree meanwhile.
    threads = []
    real = cp.build_hierarchy

    def recording(snapshots, date, task=None):
        threads.append((QThread.currentThread() == QgsApplication.instance().thread(), task is not None))
        return real(snapshots, date, task)

    monkeypatch.setattr(cp, "build_hierarchy", recording)
    page.reload()
    assert page.loading and page.model.item(0).data(cp.KEY_ROLE) == F.DISTRICT
    flush(page)
    assert threads == [(False, True)]
    assert "2 segments" in page.unit_info(F.DISTRICT)


def test_a_superseded_load_is_ignored(page):
    from qgis.PyQt.QtCore import QDate

    # Two date changes in a row: only the last one's hierarchy is applied.
    page.date_edit.setDate(QDate(2019, 6, 1))  # before the segments existed
    page.date_edit.setDate(QDate(2024, 6, 1))
    flush(page)
    assert page.hierarchy.date == "2024-06-01"
    assert "2 segments" in page.unit_info(F.DISTRICT)


# ------------------------------------------------------------------ drag and drop


def _index_of(page, kind, key, parent_code):
    from hezhang_plugin.gui.chiefs_page import KEY_ROLE, KIND_ROLE

    parent = page.unit_item(parent_code)
    page._fill(parent)
    for r in range(parent.rowCount()):
        child = parent.child(r)
        if child.data(KIND_ROLE) == kind and child.data(KEY_ROLE) == key:
            return child.index()
    raise AssertionError(f"no {kind} {key} under {parent_code}")


def test_drag_a_chief_onto_a_segment_assigns_it_in_one_command(page):
    from qgis.PyQt.QtCore import Qt

    model = page.model
    assignments = page.layers["assignments"]
    before = assignments.featureCount()
    chief_idx = _index_of(page, "chief", "CV2", F.V2)
    seg_idx = _index_of(page, "segment", "411171000002", F.V2)
    assert model.flags(chief_idx) & Qt.ItemFlag.ItemIsDragEnabled
    assert not model.flags(chief_idx) & Qt.ItemFlag.ItemIsDropEnabled
    assert model.flags(seg_idx) & Qt.ItemFlag.ItemIsDropEnabled
    data = model.mimeData([chief_idx])
    assert data.hasFormat("application/x-hezhang-chief-ids")
    # Refused: between rows, outside the chief's village, a move instead of a copy.
    assert not model.canDropMimeData(data, Qt.DropAction.CopyAction, 0, 0, seg_idx.parent())
    other = _index_of(page, "segment", "411171000001", F.V1)
    assert not model.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, other)
    assert not model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, other)
    assert not model.canDropMimeData(data, Qt.DropAction.MoveAction, -1, -1, seg_idx)
    assert assignments.featureCount() == before
    # Accepted on the segment of its own village.
    assert model.canDropMimeData(data, Qt.DropAction.CopyAction, -1, -1, seg_idx)
    assert model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, seg_idx)
    assert assignments.featureCount() == before + 1
    assert assignments.undoStack().count() == 1
    flush(page)
    assert "complete" in page.unit_info(F.V2) and "complete" in page.unit_info(F.DISTRICT)
    assignments.undoStack().undo()
    flush(page)
    assert assignments.featureCount() == before
    assert "missing" in page.unit_info(F.V2)


def test_drag_a_chief_onto_a_unit_node_assigns_all_its_segments(page):
    from qgis.PyQt.QtCore import Qt

    from hezhang_plugin.gui.chiefs_page import layer_rows

    assignments = page.layers["assignments"]
    page.save_chief({"name": "钱镇长", "level": "town", "role": "chief", "position": "镇长",
                     "organisation": None, "unit_code": F.TOWN, "phone": "13900000001"})
    flush(page)
    new_id = next(c for c in page.hierarchy.chiefs.values() if c["name"] == "钱镇长")["chief_id"]
    chief_idx = _index_of(page, "chief", new_id, F.TOWN)
    data = page.model.mimeData([chief_idx])
    # A town chief dropped on the district node covers only its own town's segments,
    # here both; dropped on a village, that village's one segment.
    assert page.drop_targets(new_id, "unit", F.DISTRICT) == ["411171000001", "411171000002"]
    assert page.drop_targets(new_id, "unit", F.V1) == ["411171000001"]
    district_idx = page.unit_item(F.DISTRICT).index()
    assert page.model.dropMimeData(data, Qt.DropAction.CopyAction, -1, -1, district_idx)
    assert assignments.undoStack().count() == 1  # one edit command for both segments
    rows = [a for a in layer_rows(assignments, ("seg_code", "chief_id", "valid_from", "valid_to"))
            if a["chief_id"] == new_id]
    assert sorted(a["seg_code"] for a in rows) == ["411171000001", "411171000002"]
    assert all(a["valid_from"] == "2024-06-01" and a["valid_to"] is None for a in rows)
    # The previous town chief's appointments end the day before.
    ended = [a for a in layer_rows(assignments, ("chief_id", "valid_to")) if a["chief_id"] == "CT1"]
    assert [a["valid_to"] for a in ended] == ["2024-05-31", "2024-05-31"]
    flush(page)
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "钱镇长" in seg and "赵镇长" not in seg
    assignments.undoStack().undo()
    flush(page)
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "赵镇长" in seg and "钱镇长" not in seg


def _drag_and_drop(widget, pos, data) -> bool:
    """Offscreen drag enter, move and drop at ``pos`` of a view's viewport, as a user's
    drag delivers them (Qt sends the drop to the widget that accepted the drag enter)."""
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
    from qgis.PyQt.QtWidgets import QApplication

    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    move = QDragMoveEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, move)
    drop = QDropEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_drop_event_on_the_view(page):
    """Drag events sent to the tree's viewport go through the model's canDropMimeData and
    dropMimeData."""
    from qgis.PyQt.QtWidgets import QApplication

    page.resize(700, 600)
    page.show()
    tree = page.tree
    QApplication.processEvents()
    seg_idx = _index_of(page, "segment", "411171000002", F.V2)
    other_idx = _index_of(page, "segment", "411171000001", F.V1)
    tree.expand(seg_idx.parent())
    tree.expand(other_idx.parent())
    tree.scrollTo(seg_idx)
    QApplication.processEvents()
    data = page.model.mimeData([_index_of(page, "chief", "CV2", F.V2)])
    assignments = page.layers["assignments"]
    before = assignments.featureCount()
    # Onto the other village's segment: refused, nothing written.
    rect = tree.visualRect(other_idx)
    assert rect.isValid()
    assert not _drag_and_drop(tree.viewport(), rect.center(), data)
    assert assignments.featureCount() == before
    # Onto its own village's segment: assigned.
    rect = tree.visualRect(seg_idx)
    assert rect.isValid()
    assert _drag_and_drop(tree.viewport(), rect.center(), data)
    assert assignments.featureCount() == before + 1
    flush(page)
    assert "complete" in page.unit_info(F.V2)
    page.hide()


# ------------------------------------------------------------------ deactivation: one undo step


def _state(page, chief_id):
    from hezhang_plugin.gui.chiefs_page import layer_rows

    chief = [c for c in layer_rows(page.layers["chiefs"], ("chief_id", "active")) if c["chief_id"] == chief_id]
    ends = sorted(a["valid_to"] or "" for a in layer_rows(page.layers["assignments"], ("chief_id", "valid_to"))
                  if a["chief_id"] == chief_id)
    return chief[0]["active"], ends


@pytest.mark.parametrize("undo_on", ["chiefs", "assignments"])
def test_deactivation_is_one_undo_step(page, undo_on):
    assert _state(page, "CT1") == (True, ["", ""])
    assert page.deactivate_chief("CT1", "2024-05-31") == 2
    assert _state(page, "CT1") == (False, ["2024-05-31", "2024-05-31"])
    flush(page)
    assert "CT1" not in [k[1] for k in page.child_rows(F.TOWN)]
    # One Ctrl+Z, on either layer, restores both the chief and its appointments.
    page.layers[undo_on].undoStack().undo()
    assert _state(page, "CT1") == (True, ["", ""])
    assert page.layers["chiefs"].undoStack().index() == 0
    assert page.layers["assignments"].undoStack().index() == 0
    flush(page)
    assert "CT1" in [k[1] for k in page.child_rows(F.TOWN)]
    assert "complete" in page.unit_info(F.V1)
    # ... and one redo re-applies both.
    page.layers[undo_on].undoStack().redo()
    assert _state(page, "CT1") == (False, ["2024-05-31", "2024-05-31"])
    flush(page)
    assert "missing" in page.unit_info(F.V1)


def test_deactivation_saved_writes_both_layers(page, workspace_path):
    from hezhang_plugin.data.io import read_rows

    page.deactivate_chief("CT1", "2024-05-31")
    page.save_edits()
    chiefs = {c["chief_id"]: c for c in read_rows(workspace_path, "chiefs")}
    assert chiefs["CT1"]["active"] is False
    ends = [a["valid_to"] for a in read_rows(workspace_path, "assignments") if a["chief_id"] == "CT1"]
    assert ends == ["2024-05-31", "2024-05-31"]
    assert page._applier._links == []  # saving clears the undo stacks, and the links with them


# ------------------------------------------------------------------ messages in Chinese


@pytest.fixture
def zh_ui():
    """The QGIS user interface switched to Simplified Chinese for one test."""
    from qgis.core import QgsSettings

    s = QgsSettings()
    old = (s.value("locale/overrideFlag", None), s.value("locale/userLocale", None))
    s.setValue("locale/overrideFlag", True)
    s.setValue("locale/userLocale", "zh_CN")
    yield
    for key, value in zip(("locale/overrideFlag", "locale/userLocale"), old):
        if value is None:
            s.remove(key)
        else:
            s.setValue(key, value)


def test_roster_rejections_in_chinese(workspace_path, tmp_path, zh_ui):
    from hezhang_plugin.services.roster import import_roster

    F.fill(workspace_path, chiefs=[], assignments=[])
    src = tmp_path / "bad.csv"
    src.write_text(
        "姓名,级别,职务,河长类型,行政区划代码,联系电话,河段编码,任职日期\n"
        "王区长,区级,区长,河长,411171000000,13800000001,411171000001,2024-01-01\n"
        "孙主任,村级,主任,河长,411171100001,1380000,411171000001,2024-01-01\n"
        "钱主任,村级,主任,河长,411171100009,13800000009,411171000099,2024-13-01\n"
        "王区长,区级,区长,河长,411171000000,13800000001,411171000001,2024-01-01\n",
        encoding="utf-8",
    )
    report = import_roster(workspace_path, str(src))
    assert [r.row for r in report.rejected] == [3, 4, 5]
    r3, r4, r5 = report.rejected
    assert "mobile number has 11 digits" in r3.reason_en
    # core does not read the UI language (issue 11): the caller passes it
    assert r3.text("zh") == r3.reason_zh and "手机号码应为11位" in r3.text("zh") and r3.reason == r3.reason_en
    assert "未知的行政区划代码411171100009" in r4.reason_zh
    assert "未知的河段编码411171000099" in r4.reason_zh and "不是有效日期" in r4.reason_zh
    assert r5.reason_zh == "与第2行重复"
    text = report.to_text("zh")
    assert "第3行：" in text and "拒绝3行" in text and "未写入任何数据" in text
    assert "row 3:" in report.to_text("en") and "3 rejected" in report.to_text("en")
    report.write_csv(str(tmp_path / "report.csv"), "zh")
    written = (tmp_path / "report.csv").read_text(encoding="utf-8-sig")
    assert written.startswith("行号,原因") and "与第2行重复" in written


def test_importroster_report_follows_the_ui_language(workspace_path, tmp_path, zh_ui, processing_ready):
    """The algorithm, not core, knows the UI language: in the Chinese UI its report is Chinese."""
    from qgis import processing
    from qgis.core import QgsProcessingException

    F.fill(workspace_path, chiefs=[], assignments=[])
    src = tmp_path / "bad.csv"
    src.write_text("姓名,级别,职务,河长类型,行政区划代码,联系电话,河段编码,任职日期\n"
                   "孙主任,村级,主任,河长,411171100001,1380000,411171000001,2024-01-01\n", encoding="utf-8")
    report = tmp_path / "report.csv"
    with pytest.raises(QgsProcessingException):
        processing.run("hezhang:importroster", {"WORKSPACE": workspace_path, "INPUT": str(src), "MODE": 0,
                                                "OUTPUT_REPORT": str(report)})
    written = report.read_text(encoding="utf-8-sig")
    assert written.startswith("行号,原因") and "手机号码应为11位" in written and "digits" not in written


def test_r7_format_problems_in_chinese(workspace_path):
    from hezhang_plugin.services.coverage import check_coverage

    chiefs = F.chiefs()
    chiefs[3] = dict(chiefs[3], phone="1380000")
    segments = F.segments()
    segments[1] = dict(segments[1], name="")
    F.fill(workspace_path, chiefs=chiefs, segments=segments)
    findings, _summary = check_coverage(workspace_path, "2024-06-01")
    r7 = [f for f in findings if f.rule == "R7"]
    phone = next(f for f in r7 if f.chief_id == "CV2")
    assert "11 digits" in phone.message_en
    assert "手机号码应为11位" in phone.message_zh and "digits" not in phone.message_zh
    name = next(f for f in r7 if f.seg_code == "411171000002")
    assert name.message_en.endswith("name is empty") and name.message_zh == "河段411171000002：名称为空"
    assert all(not any(w in f.message_zh for w in ("is not", "empty", "digits")) for f in r7)
