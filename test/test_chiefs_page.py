"""The Chiefs dock page built offscreen on a workspace loaded into QgsProject.instance()."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402


@pytest.fixture
def page(workspace_path):
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
    for lyr in p.layers.values():
        if lyr.isEditable():
            lyr.rollBack()
    p.deleteLater()
    project.clear()


def flush():
    from qgis.PyQt.QtCore import QCoreApplication

    for _ in range(5):
        QCoreApplication.processEvents()


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
    assert assignments.isEditable() and assignments.featureCount() == before + 1
    assert "complete" in page.unit_info(F.V2)
    assert "complete" in page.unit_info(F.DISTRICT)
    seg_info = [k for k in page.child_rows(F.V2) if k[0] == "segment"][0][3]
    assert "李书记" in seg_info
    assert assignments.undoStack().count() == 1  # one undoable edit command
    assignments.undoStack().undo()
    flush()
    assert assignments.featureCount() == before
    assert "missing" in page.unit_info(F.V2)
    assert "missing" in page.unit_info(F.DISTRICT)
    assert "李书记" not in [k for k in page.child_rows(F.V2) if k[0] == "segment"][0][3]


def test_assigning_replaces_the_previous_chief_in_one_command(page):
    assignments = page.layers["assignments"]
    page.save_chief({"name": "孙主任", "level": "village", "role": "chief", "position": "村委会主任",
                     "organisation": None, "unit_code": F.V1, "phone": "13900000000"})
    new_id = next(c for c in page.hierarchy.chiefs.values() if c["name"] == "孙主任")["chief_id"]
    assert new_id == f"C{F.V1}001"
    page.assign_segments(["411171000001"], new_id, "2024-05-01")
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "孙主任" in seg and "周书记" not in seg
    # the as-of date shows who was responsible before the change
    from qgis.PyQt.QtCore import QDate

    page.date_edit.setDate(QDate(2024, 4, 30))
    seg = [k for k in page.child_rows(F.V1) if k[0] == "segment"][0][3]
    assert "周书记" in seg and "孙主任" not in seg
    assignments.undoStack().undo()
    flush()
    page.date_edit.setDate(QDate(2024, 6, 1))
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
