"""What a new user met in QGIS desktop (Xvfb sweep of every dock tab, English and Chinese),
each fixed here with its test: the dock's coverage check without the problem rules, the
map not following the Chiefs tab's as-of date, wrong form defaults, Chinese table headers
and list separators in the wrong language, the export folder of the previous workspace,
a raw database error in the workspace counts."""

from __future__ import annotations

import os
import sqlite3
import sys

import pytest
from qgis.core import QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth_fixture as T  # noqa: E402

from test import problem_fixtures as fx  # noqa: E402
from test.ifaces import RecordingIface  # noqa: E402
from test.test_problems import _add, district  # noqa: E402,F401  (fixture)


@pytest.fixture
def opened():
    """Read a workspace into QGIS's project; cleared afterwards."""
    from hezhang_plugin.data import workspace as ws

    prj = QgsProject.instance()

    def open_(path):
        ws.open_workspace(path, prj)
        return prj

    yield open_
    for lyr in prj.mapLayers().values():
        if lyr.isEditable():
            lyr.rollBack()
    prj.clear()


def layer(project, table):
    return next(lyr for lyr in project.mapLayers().values() if f"|layername={table}" in lyr.source())


# ------------------------------------------------------------------ coverage check in the dock

def test_dock_coverage_check_reports_overdue_problems_like_the_algorithm(district, opened):  # noqa: F811
    from hezhang_plugin.gui.coverage_panel import CHECKED_LAYERS, check_snapshots
    from hezhang_plugin.gui.session import WorkspaceSession
    from hezhang_plugin.gui.snapshots import snapshots
    from hezhang_plugin.services import problems as sp
    from hezhang_plugin.services.coverage import check_coverage

    late = _add(district, category="debris", quantity=10, quantity_unit="m2")  # deadline 2024-04-16
    done = _add(district, title="护栏损坏", category="facility", quantity=None, quantity_unit=None,
                reported_on="2024-04-02")
    for n, status in enumerate(("accepted", "assigned", "in_progress", "resolved", "closed"), start=3):
        sp.change_status(district, done["problem_code"], status, "镇河长甲", when=f"2024-04-{n:02d}T10:00:00")
    opened(district)
    session = WorkspaceSession()
    session.open(district)
    try:
        dock_findings, summary = check_snapshots(snapshots(session, CHECKED_LAYERS), fx.DISTRICT, "2024-04-17")
    finally:
        session.dispose()
    algorithm, _ = check_coverage(district, "2024-04-17")
    p_rules = [(f.rule, f.seg_code) for f in dock_findings if f.rule in ("P1", "P2")]
    # the late problem is overdue one day, the closed one has no "after" photo (hand-counted)
    assert p_rules == [("P1", fx.S1), ("P2", fx.S1)]
    assert late["problem_code"] in dock_findings[[f.rule for f in dock_findings].index("P1")].message("en")
    assert sorted((f.rule, f.seg_code) for f in dock_findings) == sorted((f.rule, f.seg_code) for f in algorithm)
    assert summary.findings_by_rule.get("P1") == 1


# ------------------------------------------------------------------ the map follows the tree's date

def test_chiefs_tab_date_is_the_maps_date(tmp_path_factory, qgis_app, opened):
    from qgis.core import (
        QgsExpression,
        QgsExpressionContext,
        QgsExpressionContextScope,
        QgsExpressionContextUtils,
    )
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.data.project import current_segment_expr
    from hezhang_plugin.gui.chiefs_page import ChiefsPage

    path = T.workspace(tmp_path_factory.mktemp("asof"))
    prj = opened(path)
    iface = RecordingIface()
    page = ChiefsPage(iface)
    page.set_workspace(path)
    canvas = iface.mapCanvas()
    segs = layer(prj, "segments")
    s6 = next(f for f in segs.getFeatures() if f["seg_code"] == T.code(6))  # retired after 2024-06-30

    def s6_current() -> bool:
        # the expression context QGIS gives the canvas's layers: project, then the canvas's own
        ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(segs))
        ctx.appendScope(QgsExpressionContextScope(canvas.expressionContextScope()))
        ctx.setFeature(s6)
        return bool(QgsExpression(current_segment_expr()).evaluate(ctx))

    try:
        assert not canvas.expressionContextScope().hasVariable("hezhang_as_of")  # today
        page.date_edit.setDate(QDate(2024, 6, 30))
        assert canvas.expressionContextScope().variable("hezhang_as_of") == "2024-06-30"
        assert s6_current()  # its last day, as the tree shows it
        page.date_edit.setDate(QDate(2024, 7, 2))
        assert not s6_current()
        page.date_edit.setDate(QDate.currentDate())
        assert not canvas.expressionContextScope().hasVariable("hezhang_as_of")
        page.date_edit.setDate(QDate(2024, 7, 2))
    finally:
        page.teardown()
    assert not canvas.expressionContextScope().hasVariable("hezhang_as_of")  # the next workspace starts today
    assert QgsExpressionContextUtils.projectScope(prj).variable("hezhang_as_of") is None  # the print maps' own
    page.deleteLater()
    iface.window.deleteLater()


# ------------------------------------------------------------------ form defaults

def test_a_drawn_river_gets_its_ellipsoidal_length_in_km(workspace_path, opened):
    import pyproj
    from qgis.core import QgsExpressionContext, QgsExpressionContextUtils, QgsGeometry, QgsVectorLayerUtils

    prj = opened(workspace_path)
    rivers = layer(prj, "rivers")
    line = [(113.90, 33.60), (113.95, 33.62), (114.00, 33.61)]
    geom = QgsGeometry.fromWkt("MultiLineString((" + ", ".join(f"{x} {y}" for x, y in line) + "))")
    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(rivers))
    feat = QgsVectorLayerUtils.createFeature(rivers, geom, {}, ctx)
    # CGCS2000 is GRS 1980's ellipsoid to 0.1 mm: pyproj's geodesic length. By hand (111.3 km
    # per degree, × cos 33.6° along x): √(4.635² + 2.219²) + √(4.634² + 1.109²) ≈ 9.90 km.
    expected = pyproj.Geod(ellps="GRS80").line_length(*zip(*line)) / 1000.0
    assert 9.85 < expected < 9.95
    assert feat["length_km"] == pytest.approx(expected, abs=0.001)


def test_the_first_unit_drawn_is_the_district_with_its_code(workspace_path, opened):
    from qgis.core import QgsExpressionContext, QgsExpressionContextUtils, QgsGeometry, QgsVectorLayerUtils

    prj = opened(workspace_path)
    units = layer(prj, "admin_units")
    geom = QgsGeometry.fromWkt("MultiPolygon(((113.9 33.5, 114.0 33.5, 114.0 33.6, 113.9 33.6, 113.9 33.5)))")
    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(units))
    feat = QgsVectorLayerUtils.createFeature(units, geom, {}, ctx)
    assert (feat["level"], feat["code"]) == ("district", "411171000000")


def test_old_projects_get_the_corrected_form_defaults(workspace_path):
    from qgis.core import QgsDefaultValue

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data import workspace as ws

    prj = QgsProject.instance()
    ws.open_workspace(workspace_path, prj)
    for (table, field), old in wsproject.OLD_DEFAULTS.items():
        lyr = layer(prj, table)
        lyr.setDefaultValueDefinition(lyr.fields().indexOf(field), QgsDefaultValue(old))
    wsproject.write_project(prj, workspace_path)
    prj.clear()
    ws.open_workspace(workspace_path, prj)
    try:
        assert layer(prj, "rivers").defaultValueDefinition(
            layer(prj, "rivers").fields().indexOf("length_km")).expression() == "round($length, 3)"
        units = layer(prj, "admin_units")
        assert "left(@hz_district_code, 6) || '000000'" in units.defaultValueDefinition(
            units.fields().indexOf("code")).expression()
        assert not prj.isDirty()
    finally:
        prj.clear()


# ------------------------------------------------------------------ the UI language

@pytest.mark.parametrize("lang, header, bank", (("en", "Segment code", "Left bank"), ("zh", "河段编码", "左岸")))
def test_segments_table_and_bank_list_follow_the_ui_language(qgis_app, monkeypatch, lang, header, bank):
    from hezhang_plugin.gui import segments_page

    monkeypatch.setattr(segments_page, "ui_lang", lambda: lang)
    model = segments_page.SegmentTableModel()
    from qgis.PyQt.QtCore import Qt

    assert model.headerData(0, Qt.Orientation.Horizontal) == header
    assert model._banks["left"] == bank
    page = segments_page.SegmentsPage(None)
    try:
        assert bank in [page.bank_combo.itemText(i) for i in range(page.bank_combo.count())]
    finally:
        page.teardown()
        page.deleteLater()


def test_missing_levels_are_listed_with_the_chinese_separator(qgis_app, monkeypatch):
    from hezhang_plugin.gui import chiefs_page

    page = chiefs_page.ChiefsPage(None)
    try:
        monkeypatch.setattr(chiefs_page, "_lang", lambda: "zh")
        assert "区级、镇级" in page._badge(["district", "town"], 1)
        monkeypatch.setattr(chiefs_page, "_lang", lambda: "en")
        assert "District, Town" in page._badge(["district", "town"], 1)
    finally:
        page.teardown()
        page.deleteLater()


# ------------------------------------------------------------------ export folder, counts

def test_export_folder_follows_the_workspace_unless_chosen(tmp_path, qgis_app):
    from hezhang_plugin.data.workspace import create_workspace
    from hezhang_plugin.gui.export_page import ExportPage

    paths = []
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        paths.append(str(tmp_path / name / "ws.gpkg"))
        create_workspace(paths[-1], "411171", "测试区", None)
    page = ExportPage(None)
    try:
        page.set_workspace(paths[0])
        assert page.folder_widget.filePath() == str(tmp_path / "a" / "maps")
        page.set_workspace(paths[1])  # another workspace: its own maps folder, not a's
        assert page.folder_widget.filePath() == str(tmp_path / "b" / "maps")
        chosen = str(tmp_path / "chosen")
        page.folder_widget.setFilePath(chosen)
        page.set_workspace(paths[2])  # a folder the user chose stays
        assert page.folder_widget.filePath() == chosen
    finally:
        page.teardown()
        page.deleteLater()


def test_workspace_counts_say_unknown_when_the_file_is_locked(workspace_path, qgis_app, monkeypatch):
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.gui.dock import HezhangDock

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    iface = RecordingIface()
    dock = HezhangDock(iface, iface.window)
    try:
        assert dock.open_workspace(workspace_path)
        assert dock.workspace_page.count_labels["segments"].text() == "0"

        def locked(path):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(gpkg, "table_counts", locked)
        dock._session_changed()  # was a raw sqlite3 traceback in a QGIS "Python error" dialog
        assert dock.workspace_page.count_labels["segments"].text() == "–"
    finally:
        dock.teardown()
        QgsProject.instance().clear()
        dock.deleteLater()
        iface.window.deleteLater()
