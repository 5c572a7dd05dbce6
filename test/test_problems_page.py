"""The Problems dock page, offscreen on a workspace loaded into QgsProject.instance():
problems by town and status with the overdue ones first, a move along the workflow as
one undoable edit (status and history row together), refusals shown, new problems filled
in from their location."""

from __future__ import annotations

import pytest

from test import problem_fixtures as fx
from test.test_chiefs_page import wait_tasks

pytestmark = pytest.mark.gui


@pytest.fixture
def page(workspace_path):
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QDate
    from shapely.geometry import LineString, MultiLineString, Point

    from hezhang_plugin.data import io
    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.problems_page import ProblemsPage

    line = MultiLineString([LineString([(113.90, 33.60), (113.95, 33.60)])])
    with io.transaction(workspace_path) as ds:
        io.write_to(ds, "admin_units", fx.UNITS)
        io.write_to(ds, "segments", [dict(s, geom=line if s["seg_code"] == fx.S1 else None) for s in fx.SEGMENTS])
        io.write_to(ds, "chiefs", fx.CHIEFS)
        io.write_to(ds, "assignments", fx.ASSIGNMENTS)
        io.write_to(ds, "problems", [dict(p, geom=Point(113.92, 33.6002)) for p in fx.PROBLEMS])
        io.write_to(ds, "problem_events", fx.EVENTS)
    project = QgsProject.instance()
    ws.open_workspace(workspace_path, project)
    p = ProblemsPage(None)
    p.date_edit.setDate(QDate(2024, 4, 30))
    p.actor_edit.setText("镇河长甲")
    p.set_workspace(workspace_path)
    wait_tasks(p)
    yield p
    p.teardown()
    wait_tasks()
    for lyr in p.layers.values():
        if lyr.isEditable():
            lyr.rollBack()
    p.deleteLater()
    project.clear()


def _shown(page):
    out = []
    for i in range(page.tree.topLevelItemCount()):
        top = page.tree.topLevelItem(i)
        out.append((top.text(0), [(top.child(k).data(0, 256), top.child(k).text(3)) for k in range(top.childCount())]))
    return out


def test_problems_by_town_overdue_first(page):
    shown = _shown(page)
    assert [t for t, _ in shown] == ["柳营镇 (6 problems, 3 overdue)", "河湾乡 (3 problems, 0 overdue)"]
    a = shown[0][1]
    # Overdue first, most days first: 03-01 (41 days), 04-10 (5 days), 04-13 (2 days).
    assert a[:3] == [("411171-20240301-001", "41"), ("411171-20240410-001", "5"), ("411171-20240413-001", "2")]
    assert [code for code, days in a[3:]] == ["411171-20240415-001", "411171-20240401-001", "411171-20240402-001"]
    page.overdue_only.setChecked(True)
    assert sum(len(items) for _t, items in _shown(page)) == 3


def test_move_is_one_undoable_edit_with_its_history_row(page):
    problems, events = page.layers["problems"], page.layers["problem_events"]
    code = "411171-20240410-001"
    page.select(code)
    assert [page.next_combo.itemData(i) for i in range(page.next_combo.count())] == [
        "accepted", "not_accepted", "cancelled"]
    page.next_combo.setCurrentIndex(0)
    page.note_edit.setText("立即处理")
    page.move_button.click()

    def state():
        feat = page._feature(code)
        rows = sorted((e for e in page._layer_rows("problem_events") if e["problem_code"] == code),
                      key=lambda e: e["event_time"])
        return feat["status"], [(e["from_status"], e["to_status"], e["actor"], e["note"]) for e in rows]

    assert state() == ("accepted", [(None, "reported", "办理人", None),
                                    ("reported", "accepted", "镇河长甲", "立即处理")])
    # Ctrl+Z on the history layer undoes the status too, and redo on the problems layer redoes both.
    events.undoStack().undo()
    assert state() == ("reported", [(None, "reported", "办理人", None)])
    problems.undoStack().redo()
    assert state()[0] == "accepted" and len(state()[1]) == 2
    assert page.save_edits()
    from hezhang_plugin.data import io

    stored = [e for e in io.read_rows(page.path, "problem_events") if e["problem_code"] == code]
    assert [e["to_status"] for e in stored] == ["reported", "accepted"]


def test_refused_move_changes_nothing_and_says_why(page):
    from hezhang_plugin.core import problems as pm

    code = "411171-20240415-001"
    with pytest.raises(pm.TransitionError) as err:
        page.move(code, "closed", actor="镇河长甲")
    assert "办理流程中没有这一步" in err.value.text("zh")
    assert page._feature(code)["status"] == "reported" and not page.layers["problem_events"].isModified()
    # The district alone cancels.
    page.level_combo.setCurrentIndex(page.level_combo.findData("town"))
    page.select(code)
    page.next_combo.setCurrentIndex(page.next_combo.findData("cancelled"))
    page.note_edit.setText("重复")
    page.move_button.click()
    assert "区级" in page.status_label.text() or "district" in page.status_label.text()
    assert page._feature(code)["status"] == "reported"
    # Someone else moved it meanwhile: the page refuses to act on what it showed.
    page.move(code, "accepted", actor="他人")
    with pytest.raises(pm.TransitionError) as err:
        page.move(code, "not_accepted", note="不属实", actor="镇河长甲", expected_status="reported")
    assert "已被他人修改" in err.value.text("zh")


def _draw_problem(layer, code: str, day: int, quantity: float) -> None:
    """A dumping problem reported in April 2024 drawn on the map beside S1, as a user adds a
    feature to the problems layer (editing started, the form's values, a point)."""
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY
    from qgis.PyQt.QtCore import QDate

    assert layer.isEditable() or layer.startEditing()
    feat = QgsFeature(layer.fields())
    for k, v in {"problem_code": code, "title": "河边倾倒垃圾", "category": "dumping", "quantity": quantity,
                 "quantity_unit": "m3", "source": "public", "status": "reported"}.items():
        feat.setAttribute(layer.fields().indexOf(k), v)
    feat.setAttribute(layer.fields().indexOf("reported_on"), QDate(2024, 4, day))
    feat.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(113.93, 33.6004)))
    assert layer.addFeature(feat)


def test_a_problem_drawn_on_the_map_is_filled_in(page):
    from qgis.PyQt.QtCore import QDate

    _draw_problem(page.layers["problems"], "411171-20240420-001", 20, 120.0)
    wait_tasks(page)
    got = page._feature("411171-20240420-001")
    assert (got["seg_code"], got["unit_code"], got["chief_id"], got["severity"]) == (fx.S1, fx.VIL_A, "VA", "serious")
    assert got["deadline"] == QDate(2024, 5, 20)
    first = [e for e in page._layer_rows("problem_events") if e["problem_code"] == "411171-20240420-001"]
    assert [(e["from_status"], e["to_status"], e["actor"]) for e in first] == [(None, "reported", "镇河长甲")]


def test_dock_has_the_problems_page(workspace_path, qgis_iface):
    from hezhang_plugin.gui.dock import HezhangDock

    dock = HezhangDock(qgis_iface)
    try:
        titles = [dock.tabs.tabText(i) for i in range(dock.tabs.count())]
        assert "ProblemsPage" in dock.pages and ("Problems" in titles or "问题" in titles)
    finally:
        dock.teardown()
        dock.deleteLater()


def test_water_change_polygons_become_problems(page):
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.core import problems as pm

    clues = QgsVectorLayer("Polygon?crs=EPSG:4490&field=change:string&field=area_m2:double&field=date_before:string"
                           "&field=date_after:string&field=seg_code:string", "water", "memory")
    feat = QgsFeature(clues.fields())
    feat.setAttributes(["water_lost", 1200.0, "2024-03-01", "2024-04-18", None])
    feat.setGeometry(QgsGeometry.fromWkt("POLYGON((113.930 33.6003, 113.931 33.6003, 113.931 33.6008, "
                                         "113.930 33.6008, 113.930 33.6003))"))
    clues.dataProvider().addFeatures([feat])
    assert page.add_water_change_clues(clues) == 1
    wait_tasks(page)
    got = page._feature("411171-20240418-001")
    assert (got["source"], got["category"], got["quantity"], got["seg_code"], got["severity"]) == (
        "waterchange", "occupation", 1200.0, fx.S1, "serious")
    assert got["reported_on"] == QDate(2024, 4, 18) and got["source_ref"].startswith("waterchange:water_lost:")
    assert pm.clues_from_water_change([{"change": "water_gained", "area_m2": 50.0, "geom": None}]) == []
    with pytest.raises(ValueError):
        page.add_water_change_clues(page.layers["problem_rules"])


def test_the_page_follows_a_replaced_problems_layer(page):
    """The page binds to the session's layers: when the project's problems layer is replaced
    (removed and added again), a problem drawn on the new layer is still filled in, and the
    list follows the new layer's edits."""
    from qgis.core import QgsProject, QgsVectorLayer

    project = QgsProject.instance()
    old = page.layers["problems"]
    source = old.source()
    project.removeMapLayer(old.id())
    new = QgsVectorLayer(source, "问题", "ogr")
    assert new.isValid()
    project.addMapLayer(new)
    wait_tasks(page)
    assert page.layers["problems"] is new
    _draw_problem(new, "411171-20240421-001", 21, 20.0)
    wait_tasks(page)
    got = page._feature("411171-20240421-001")
    assert (got["seg_code"], got["chief_id"], got["severity"]) == (fx.S1, "VA", "general")
    shown = [code for _t, items in _shown(page) for code, _days in items]
    assert "411171-20240421-001" in shown
