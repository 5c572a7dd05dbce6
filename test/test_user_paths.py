"""User paths driven as a user drives them, offscreen: the New workspace dialog from the dock,
the Chiefs tab's Add / Edit / Deactivate / Assign dialogs opened by their buttons and filled
key by key, Check coverage run asynchronously through the task manager, and Save."""

from __future__ import annotations

import os

import pytest
from qgis.core import QgsProject

from test import cov_fixtures as F
from test import gui_driver as G
from test.ifaces import RecordingIface

S1, S2 = "411171000001", "411171000002"


@pytest.fixture
def dock(qgis_app):
    from hezhang_plugin.gui.dock import HezhangDock

    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    iface.window.resize(1200, 900)
    iface.window.show()
    yield d
    for lyr in QgsProject.instance().mapLayers().values():
        if lyr.isEditable():
            lyr.rollBack()
    d.teardown()
    G.spin(G.no_tasks)
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.close()
    iface.window.deleteLater()


# ------------------------------------------------------------------ New workspace


def test_new_workspace_dialog_refuses_bad_input_then_creates_and_opens(dock, tmp_path):
    from hezhang_plugin.data.workspace import check_workspace
    from hezhang_plugin.gui.workspace_dialog import NewWorkspaceDialog

    target = tmp_path / "新区"  # the file name is given without .gpkg
    seen_errors = []

    def fill(dialog):
        G.type_into(dialog.code_edit, "4111")
        G.press_ok(dialog)
        seen_errors.append(dialog.error_label.text())
        G.type_into(dialog.code_edit, "411171")
        G.press_ok(dialog)  # no name yet
        seen_errors.append(dialog.error_label.text())
        G.type_into(dialog.name_edit, "示范区")
        G.press_ok(dialog)  # no file yet
        seen_errors.append(dialog.error_label.text())
        assert dialog.isVisible()
        from qgis.core import QgsCoordinateReferenceSystem

        dialog.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:4547"))  # the projection selector's choice
        dialog.file_widget.setFilePath(str(target))
        G.press_ok(dialog)

    answer = G.when_shown(NewWorkspaceDialog, fill)
    G.click(dock.workspace_page.new_button)
    answer.check()
    assert seen_errors == ["District code must be the 6-digit or 12-digit code of the district.",
                           "District name is empty.", "Choose where to save the workspace."]
    path = str(target) + ".gpkg"
    info = check_workspace(path)
    assert (info.district_code, info.district_name, info.crs) == ("411171000000", "示范区", "EPSG:4547")
    assert G.spin(lambda: "示范区" in dock.workspace_page.district_label.text())
    prj = QgsProject.instance()
    assert prj.crs().authid() == "EPSG:4547"
    assert {lyr.name() for lyr in prj.mapLayers().values()} >= {"Segments", "Chiefs", "Administrative units"}  # UI: English
    assert dock.pages["ChiefsPage"].path == os.path.abspath(path)


def test_new_workspace_cancelled_writes_nothing(dock, tmp_path):
    from hezhang_plugin.gui.workspace_dialog import NewWorkspaceDialog

    def fill(dialog):
        G.type_into(dialog.code_edit, "411171")
        G.type_into(dialog.name_edit, "示范区")
        dialog.file_widget.setFilePath(str(tmp_path / "x.gpkg"))
        G.press_cancel(dialog)

    answer = G.when_shown(NewWorkspaceDialog, fill)
    G.click(dock.workspace_page.new_button)
    answer.check()
    assert list(tmp_path.iterdir()) == [] and QgsProject.instance().mapLayers() == {}


# ------------------------------------------------------------------ the Chiefs tab


@pytest.fixture
def chiefs(dock, workspace_path):
    """The dock on the coverage fixture's district; the Chiefs tab shown and loaded (as of
    2024-06-01): 李庄村's segment S2 has no village chief."""
    from qgis.PyQt.QtCore import QDate

    rows = [a for a in F.assignments() if not (a["seg_code"] == S2 and a["level"] == "village")]
    F.fill(workspace_path, assignments=rows)
    page = dock.pages["ChiefsPage"]
    page.date_edit.setDate(QDate(2024, 6, 1))
    assert dock.open_workspace(workspace_path)
    dock.tabs.setCurrentWidget(page)
    assert G.spin(lambda: page.hierarchy is not None and not page.loading and G.no_tasks())
    return page


def _index(page, kind, key):
    """The tree row of a unit, chief or segment (units along the way filled as when expanded)."""
    from hezhang_plugin.gui.chiefs_tree import KEY_ROLE, KIND_ROLE

    h = page.hierarchy
    if kind == "unit":
        chain = h.path_to(key)
    else:
        unit = h.unit_of_segment(key) if kind == "segment" else h.chiefs[key]["unit_code"]
        chain = h.path_to(unit)
    item = None
    for code in chain:
        item = page.unit_item(code)
        page._fill(item)
        page.tree.expand(item.index())
    if kind == "unit":
        return item.index()
    for r in range(item.rowCount()):
        child = item.child(r)
        if child.data(KIND_ROLE) == kind and child.data(KEY_ROLE) == key:
            return child.index()
    raise AssertionError(f"no {kind} {key} in the tree")


def _iso(value) -> str:
    """A date attribute as ISO text (QGIS gives QDate for GeoPackage dates)."""
    return value.toString("yyyy-MM-dd") if hasattr(value, "toString") else str(value)


def _chief_rows(page, unit):
    """(chief id, row text, info text) of the chiefs under a unit node."""
    return [(k[1], k[2], k[3]) for k in page.child_rows(unit) if k[0] == "chief"]


def test_add_chief_dialog_refuses_then_adds_and_save_writes(chiefs, workspace_path):
    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.gui.chiefs_dialogs import ChiefDialog

    page = chiefs
    G.click_row(page.tree, _index(page, "unit", F.V2))
    errors = []

    def fill(dialog):
        assert dialog.unit_combo.currentData() == F.V2 and dialog.level_combo.currentData() == "village"
        G.type_into(dialog.name_edit, "吴书记")
        G.type_into(dialog.phone_edit, "1390000")
        G.press_ok(dialog)
        errors.append(dialog.error_label.text())
        G.type_into(dialog.phone_edit, "139 0000 1111")
        G.type_into(dialog.position_edit, "村党支部书记")
        G.press_ok(dialog)

    answer = G.when_shown(ChiefDialog, fill)
    G.click(page.add_button)
    answer.check()
    assert errors == ["phone '1390000': a mobile number has 11 digits, this has 7"]
    assert G.spin(lambda: not page.loading and G.no_tasks())
    new_id = f"C{F.V2}001"
    assert _chief_rows(page, F.V2) == [(new_id, "吴书记 · Village Chief", "村党支部书记 · 13900001111"),
                                       ("CV2", "李书记 · Village Chief", "村党支部书记 · 0371-66668888")]
    assert new_id not in {c["chief_id"] for c in read_rows(workspace_path, "chiefs")}  # not saved yet
    G.click(page.save_button)
    saved = {c["chief_id"]: c for c in read_rows(workspace_path, "chiefs")}
    assert {k: saved[new_id][k] for k in ("name", "level", "role", "unit_code", "phone", "position", "active")} == {
        "name": "吴书记", "level": "village", "role": "chief", "unit_code": F.V2, "phone": "13900001111",
        "position": "村党支部书记", "active": True}


def test_edit_chief_dialog_changes_the_phone(chiefs):
    from hezhang_plugin.gui.chiefs_dialogs import ChiefDialog

    page = chiefs
    G.click_row(page.tree, _index(page, "chief", "CV1"))

    def fill(dialog):
        assert dialog.windowTitle() == "Edit chief" and dialog.name_edit.text() == "周书记"
        G.type_into(dialog.phone_edit, "0371-66667777")
        G.press_ok(dialog)

    answer = G.when_shown(ChiefDialog, fill)
    G.click(page.edit_button)
    answer.check()
    chiefs_layer = page.layers["chiefs"]
    phones = {f["chief_id"]: f["phone"] for f in chiefs_layer.getFeatures()}
    assert phones["CV1"] == "0371-66667777" and phones["CV2"] == "0371-66668888"
    assert chiefs_layer.isModified()


def test_deactivate_asks_and_ends_the_appointments_the_day_shown(chiefs):
    page = chiefs
    G.click_row(page.tree, _index(page, "chief", "CT1"))
    answer = G.answer_question()
    G.click(page.deactivate_button)
    answer.check()
    assert answer.text == "Deactivate 赵镇长 and end the appointments on 2024-06-01? History is kept."
    assert G.spin(lambda: not page.loading and G.no_tasks())
    active = {f["chief_id"]: f["active"] for f in page.layers["chiefs"].getFeatures()}
    assert active == {"CD1": True, "CT1": False, "CV1": True, "CV2": True}
    ends = sorted(_iso(f["valid_to"]) for f in page.layers["assignments"].getFeatures() if f["chief_id"] == "CT1")
    assert ends == ["2024-06-01", "2024-06-01"]  # both of its appointments, history kept
    assert "CT1" not in [c for c, _t, _i in _chief_rows(page, F.TOWN)]


def test_deactivate_answered_no_changes_nothing(chiefs):
    from qgis.PyQt.QtWidgets import QMessageBox

    page = chiefs
    G.click_row(page.tree, _index(page, "chief", "CT1"))
    answer = G.answer_question(QMessageBox.StandardButton.No)
    G.click(page.deactivate_button)
    answer.check()
    assert not page.layers["chiefs"].isModified() and not page.layers["assignments"].isModified()


def test_assign_dialog_appoints_the_chosen_chief_from_the_date_given(chiefs):
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.gui.chiefs_dialogs import AssignDialog

    page = chiefs
    G.click_row(page.tree, _index(page, "segment", S2))
    offered = []

    def fill(dialog):
        offered.extend(dialog.chief_combo.itemData(i) for i in range(dialog.chief_combo.count()))
        dialog.chief_combo.setCurrentIndex(dialog.chief_combo.findData("CV2"))
        dialog.date_edit.setDate(QDate(2024, 5, 20))
        G.type_into(dialog.duty_edit, "每周巡河")
        G.press_ok(dialog)

    answer = G.when_shown(AssignDialog, fill)
    G.click(page.assign_button)
    answer.check()
    assert offered == ["CD1", "CT1", "CV1", "CV2"]  # active chiefs, district first
    new = [f for f in page.layers["assignments"].getFeatures() if f["chief_id"] == "CV2" and f["seg_code"] == S2]
    assert len(new) == 1
    got = {k: new[0][k] for k in ("level", "role", "duty")}
    assert got == {"level": "village", "role": "chief", "duty": "每周巡河"}
    assert _iso(new[0]["valid_from"]) == "2024-05-20"
    assert G.spin(lambda: not page.loading and G.no_tasks())
    assert page.hierarchy.missing[S2] == []


def test_check_coverage_runs_in_a_task_and_lists_findings(chiefs):
    from qgis.core import QgsApplication

    page = chiefs
    started = []
    QgsApplication.taskManager().taskAdded.connect(lambda tid: started.append(
        QgsApplication.taskManager().task(tid).description()))
    G.click(page.check_button)
    assert not page.check_button.isEnabled()  # running, not done on the click
    assert G.spin(lambda: page.check_button.isEnabled() and page.problems.topLevelItemCount() > 0)
    assert started == ["Checking river-chief coverage"]
    rows = [[page.problems.topLevelItem(i).text(c) for c in range(3)]
            for i in range(page.problems.topLevelItemCount())]
    assert rows == [["R1", "Error", f"Segment {S2} (沙河李庄村段) has no village chief on 2024-06-01"]]
    assert page.summary_label.text() == ("2024-06-01: 1 rivers, 1.84 km of segments (one bank), covered 0.92 km "
                                         "(50.0%); 2 segments, 1 with complete chiefs; findings R1: 1")
    G.click_row(page.problems, page.problems.model().index(0, 0))
    assert page._selected_keys() == [("segment", S2, F.V2)]


def test_new_chiefs_level_follows_the_unit_until_one_is_picked(chiefs):
    """Add chief with no unit selected showed the district with 村级 (refused at once): a new
    chief's level is the level of the unit shown, until the user picks a level."""
    from hezhang_plugin.gui.chiefs_dialogs import ChiefDialog

    units = chiefs.hierarchy.units
    dialog = ChiefDialog(units, {"role": "chief"})
    first = dialog.unit_combo.currentData()
    assert dialog.level_combo.currentData() == units[first]["level"] == "district"
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(F.TOWN))
    assert dialog.level_combo.currentData() == "town"
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(F.V2))
    assert dialog.level_combo.currentData() == "village"
    picked = dialog.level_combo.findData("town")
    dialog.level_combo.setCurrentIndex(picked)
    dialog.level_combo.activated.emit(picked)  # what a user's pick in the list emits
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(F.TOWN))
    dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findData(F.V2))
    assert dialog.level_combo.currentData() == "town"
    edit = ChiefDialog(units, dict(chiefs.hierarchy.chiefs["CV1"]))
    edit.unit_combo.setCurrentIndex(edit.unit_combo.findData(F.TOWN))
    assert edit.level_combo.currentData() == "village"  # an existing chief's level is never changed
    dialog.deleteLater()
    edit.deleteLater()
