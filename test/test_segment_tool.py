"""The "Draw segment on river" map tool, driven by simulated canvas clicks."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def scene(qgis_app):
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsFeature,
        QgsGeometry,
        QgsPointXY,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.gui import QgsMapCanvas

    from hezhang_plugin.compat import make_field
    from hezhang_plugin.processing.segmentrivers import segment_fields

    # river in CGCS2000 lon/lat, flowing east then north then east
    pts = [(113.50, 34.50), (113.51, 34.50), (113.51, 34.51), (113.53, 34.51)]
    rivers = QgsVectorLayer("MultiLineString?crs=EPSG:4490", "rivers", "memory")
    rivers.dataProvider().addAttributes([make_field("river_code", "text"), make_field("name", "text")])
    rivers.updateFields()
    f = QgsFeature(rivers.fields())
    f["river_code"], f["name"] = "R1", "沙河"
    f.setGeometry(QgsGeometry.fromMultiPolylineXY([[QgsPointXY(x, y) for x, y in pts]]))
    rivers.dataProvider().addFeature(f)
    units = QgsVectorLayer("MultiPolygon?crs=EPSG:4490", "units", "memory")
    units.dataProvider().addAttributes([make_field("code", "text"), make_field("name", "text"),
                                        make_field("level", "text")])
    units.updateFields()
    for code, name, rect in (("411171100001", "周庄村", (113.49, 34.49, 113.515, 34.52)),
                             ("411171100002", "李庄村", (113.515, 34.49, 113.54, 34.52))):
        u = QgsFeature(units.fields())
        u["code"], u["name"], u["level"] = code, name, "village"
        u.setGeometry(QgsGeometry.fromRect(QgsRectangle(*rect)))
        units.dataProvider().addFeature(u)
    segments = QgsVectorLayer("MultiLineString?crs=EPSG:4546", "segments", "memory")
    segments.dataProvider().addAttributes(segment_fields().toList())
    segments.updateFields()
    canvas = QgsMapCanvas()
    canvas.resize(800, 600)
    canvas.show()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4546"))  # project CRS differs
    canvas.setLayers([rivers, units])
    tr = canvas.mapSettings().layerTransform(rivers)
    canvas.setExtent(tr.transformBoundingBox(QgsRectangle(113.495, 34.495, 113.535, 34.515)))
    canvas.refresh()
    yield canvas, rivers, units, segments, pts
    canvas.hide()
    canvas.deleteLater()


def _click(canvas, tool, lonlat, layer, kind="release"):
    from qgis.core import QgsPointXY
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    tr = canvas.mapSettings().layerTransform(layer)
    mp = tr.transform(QgsPointXY(*lonlat))
    px = canvas.getCoordinateTransform().transform(mp)
    pos = QPoint(int(round(px.x())), int(round(px.y())))
    etype = QEvent.Type.MouseButtonRelease if kind == "release" else QEvent.Type.MouseMove
    ev = QgsMapMouseEvent(canvas, etype, pos, Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    if kind == "release":
        tool.canvasReleaseEvent(ev)
    else:
        tool.canvasMoveEvent(ev)
    # the point the tool really received, in the rivers' CRS
    back = tr.transform(ev.mapPoint(), tr.ReverseTransform)
    return back


def test_draw_segment_gives_exact_substring_and_undo_removes_it(scene):
    from qgis.core import QgsGeometry, QgsPointXY

    from hezhang_plugin.gui.segment_tool import DrawSegmentTool

    canvas, rivers, units, segments, pts = scene
    tool = DrawSegmentTool(canvas, rivers, segments, units, district_code="411171")
    canvas.setMapTool(tool)
    _click(canvas, tool, (113.505, 34.50), rivers)  # pick the river
    assert tool.river_feature is not None and tool.river_feature["river_code"] == "R1"
    # clicked from downstream to upstream: the segment still follows the flow
    first_click = _click(canvas, tool, (113.52, 34.51), rivers)
    assert tool.preview.numberOfVertices() == 0  # no preview before the first point is known
    _click(canvas, tool, (113.515, 34.5101), rivers, kind="move")
    assert tool.preview.numberOfVertices() == 2  # rubber band along the river to the cursor
    second_click = _click(canvas, tool, (113.505, 34.50), rivers, kind="release")
    assert segments.featureCount() == 1
    feat = next(segments.getFeatures())
    # expected substring computed independently with QGIS on the river geometry
    river = next(rivers.getFeatures()).geometry()
    line = river.constGet().geometryN(0)
    a = river.lineLocatePoint(QgsGeometry.fromPointXY(QgsPointXY(first_click)))
    b = river.lineLocatePoint(QgsGeometry.fromPointXY(QgsPointXY(second_click)))
    expected = QgsGeometry(line.curveSubstring(min(a, b), max(a, b)))
    got = QgsGeometry(feat.geometry())
    from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsProject

    got.transform(QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4546"),
                                         QgsCoordinateReferenceSystem("EPSG:4490"), QgsProject.instance()))
    gv = [QgsPointXY(v) for v in got.vertices()]
    ev = [QgsPointXY(v) for v in expected.vertices()]
    assert len(gv) == len(ev) == 4
    for p, q in zip(gv, ev):
        assert p.distance(q) < 2e-7  # about 2 cm
    # the interior vertices are the river's own (through a GK projection round trip)
    assert gv[1].distance(QgsPointXY(*pts[1])) < 1e-9 and gv[2].distance(QgsPointXY(*pts[2])) < 1e-9
    assert gv[0].x() < gv[-1].x()  # in flow direction
    assert feat["seg_code"] == "411171000001"
    assert feat["river_code"] == "R1" and feat["bank"] == "both"
    assert feat["unit_code"] == "411171100001"  # 周庄村 holds most of it
    assert feat["name"] == "沙河周庄村段"
    assert feat["start_name"] == "" and feat["end_name"] == "李庄村界"
    from pyproj import Geod

    geod_km = Geod(ellps="GRS80").line_length([p.x() for p in gv], [p.y() for p in gv]) / 1000
    assert feat["length_km"] == pytest.approx(geod_km, rel=1e-4)
    assert segments.undoStack().count() == 1
    segments.undoStack().undo()
    assert segments.featureCount() == 0
    tool.remove_bands()


def test_preview_escape_and_left_bank(scene):
    from qgis.PyQt.QtCore import QEvent, Qt
    from qgis.PyQt.QtGui import QKeyEvent

    from hezhang_plugin.gui.segment_tool import PICK_END, PICK_RIVER, DrawSegmentTool

    canvas, rivers, units, segments, pts = scene
    tool = DrawSegmentTool(canvas, rivers, segments, units, district_code="411171")
    tool.set_bank("left")
    _click(canvas, tool, (113.51, 34.505), rivers)
    _click(canvas, tool, (113.51, 34.503), rivers)
    assert tool.state == PICK_END
    _click(canvas, tool, (113.52, 34.51), rivers, kind="move")
    assert tool.preview.numberOfVertices() >= 3  # follows the bend
    tool.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier))
    assert tool.state == PICK_RIVER and tool.preview.numberOfVertices() == 0
    assert segments.featureCount() == 0
    _click(canvas, tool, (113.51, 34.505), rivers)
    _click(canvas, tool, (113.51, 34.503), rivers)
    _click(canvas, tool, (113.529, 34.51), rivers)
    feat = next(segments.getFeatures())
    assert feat["bank"] == "left" and feat["name"].endswith("（左岸）")
    assert feat["unit_code"] == "411171100002"  # 李庄村 holds 1.28 km of it, 周庄村 1.24 km
    tool.remove_bands()


def test_segments_page_runs_segmentation_filters_and_syncs_selection(workspace_path, tmp_path):
    import time

    import shapely
    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QCoreApplication
    from shapely.geometry import LineString, box

    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.data import io
    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.segments_page import SegmentsPage

    def geo(g):
        return seg.transform_geoms([shapely.affinity.translate(g, 500000, 3760000)], "EPSG:4546", "EPSG:4490")[0]

    io.write_rows(workspace_path, "admin_units", [
        {"code": "411171100001", "name": "甲村", "level": "village", "parent_code": "411171100000",
         "geom": geo(box(0, 0, 1000, 1000))},
        {"code": "411171100002", "name": "乙村", "level": "village", "parent_code": "411171100000",
         "geom": geo(box(1000, 0, 2000, 1000))}])
    io.write_rows(workspace_path, "rivers", [
        {"river_code": "R1", "name": "沙河", "geom": geo(LineString([(100, 500), (1900, 500)]))},
        {"river_code": "R2", "name": "泥河", "geom": geo(LineString([(100, 200), (900, 200)]))}])
    ws.open_workspace(workspace_path, QgsProject.instance())
    page = SegmentsPage(None)
    page.set_workspace(workspace_path)
    assert page.list.rowCount() == 0 and page.layer is not None
    task = page.run_segmentation()
    deadline = time.time() + 60
    while (page.task is not None or page.loading) and time.time() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert page.task is None and not page.loading, "segmentation or loading task did not finish"
    assert "3 segments" in page.result_label.text()
    assert page.list.rowCount() == 3
    page.river_filter.setCurrentIndex(page.river_filter.findData("R1"))
    assert page.list.rowCount() == 2
    page.unit_filter.setCurrentIndex(page.unit_filter.findData("411171100002"))
    assert page.list.rowCount() == 1 and page.list.item(0, 1).text() == "沙河乙村段"
    # list -> map
    page.list.selectRow(0)
    fid = page.list.item(0, 0).data(0x0100)
    assert page.layer.selectedFeatureIds() == [fid]
    # map -> list
    page.river_filter.setCurrentIndex(0)
    page.unit_filter.setCurrentIndex(0)
    other = [f.id() for f in page.layer.getFeatures() if f.id() != fid][0]
    page.layer.selectByIds([other])
    assert page.selected_fids() == [other]
    # statistics and export
    page.stats_combo.setCurrentIndex(page.stats_combo.findData("rivers"))
    assert page.stats_table.rowCount() == 2
    files = page.export_stats(str(tmp_path / "len.xlsx"))
    assert os.path.exists(files[0])
    page.teardown()
    QgsProject.instance().clear()
    del task


@pytest.fixture
def workspace_scene(workspace_path, qgis_app):
    """The demo-like small workspace opened as the project: units and rivers from the file,
    the segments layer with the GeoPackage's NOT NULL and unique columns; a second river
    (R2) runs north of every unit."""
    import sys

    from qgis.core import QgsCoordinateReferenceSystem, QgsProject, QgsRectangle
    from qgis.gui import QgsMapCanvas

    from hezhang_plugin.data import workspace as ws

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import cov_fixtures as F

    rivers = F.rivers() + [{"river_code": "R2", "name": "清水河", "grade": "county",
                            "geom": F.line(F.X0, F.X2, F.Y + 0.05)}]
    F.fill(workspace_path, rivers=rivers, segments=[], assignments=[], notice_boards=[])
    project = QgsProject.instance()
    ws.open_workspace(workspace_path, project)
    layers = {lyr.source().split("|layername=")[-1]: lyr for lyr in project.mapLayers().values()}
    canvas = QgsMapCanvas()
    canvas.resize(800, 600)
    canvas.show()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4490"))
    canvas.setLayers([layers["rivers"], layers["admin_units"]])
    canvas.setExtent(QgsRectangle(F.X0 - 0.005, F.Y - 0.03, F.X2 + 0.005, F.Y + 0.06))
    canvas.refresh()
    yield canvas, layers, F
    canvas.hide()
    canvas.deleteLater()
    from qgis.PyQt import sip

    for lyr in layers.values():
        if not sip.isdeleted(lyr) and lyr.isEditable():
            lyr.rollBack()
    project.clear()


def _draw(canvas, tool, rivers, points):
    for p in points:
        _click(canvas, tool, p, rivers)


def test_segment_outside_every_unit_is_refused_when_drawn(workspace_scene):
    """Issue 10 desktop case b: no 'NOT NULL constraint failed' at save time; the refusal
    comes at the third click, with the reason, and nothing enters the edit buffer."""
    from hezhang_plugin.gui.segment_tool import DrawSegmentTool

    canvas, layers, F = workspace_scene
    segments, rivers = layers["segments"], layers["rivers"]
    tool = DrawSegmentTool(canvas, rivers, segments, layers["admin_units"], district_code="411171")
    refused, added, status = [], [], []
    tool.refused.connect(refused.append)
    tool.status.connect(status.append)
    tool.segment_added.connect(added.append)
    canvas.setMapTool(tool)
    y2 = F.Y + 0.05
    _draw(canvas, tool, rivers, [(F.X0 + 0.004, y2), (F.X0 + 0.002, y2), (F.X1 + 0.004, y2)])
    assert added == [] and len(refused) == 1
    assert "outside every village unit" in refused[0]
    assert not segments.isModified() and segments.featureCount() == 0
    # On the river inside the units the same tool adds a segment the file accepts.
    _draw(canvas, tool, rivers, [(F.X0 + 0.004, F.Y), (F.X0 + 0.002, F.Y), (F.X1 - 0.002, F.Y)])
    assert len(added) == 1 and len(refused) == 1, (refused, status)
    assert segments.commitChanges(), segments.commitErrors()
    feat = next(segments.getFeatures())
    assert feat["unit_code"] == F.V1 and feat["river_code"] == "R1"
    tool.remove_bands()


def test_any_constraint_the_save_would_break_is_refused_when_drawn(workspace_scene):
    """The kind: a river without a code, or a value the file's NOT NULL columns refuse."""
    from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayerUtils

    from hezhang_plugin.data.qgsio import constraint_problems
    from hezhang_plugin.gui.segment_tool import DrawSegmentTool

    canvas, layers, F = workspace_scene
    segments, rivers = layers["segments"], layers["rivers"]
    fields = segments.fields()
    values = {fields.lookupField("seg_code"): "411171000009", fields.lookupField("river_code"): "R1",
              fields.lookupField("name"): "沙河段"}
    feat = QgsVectorLayerUtils.createFeature(segments, QgsGeometry(), values, segments.createExpressionContext())
    problems = constraint_problems(segments, feat)
    # unit_code is NOT NULL in the file; the fid, bank and valid_from get their defaults
    assert len(problems) == 1 and problems[0].startswith(fields.field("unit_code").displayName()), problems
    feat["unit_code"] = F.V1
    assert constraint_problems(segments, feat) == []
    # a code already used breaks the unique constraint
    segments.startEditing()
    assert segments.addFeature(QgsFeature(feat))
    twin = QgsFeature(feat)
    assert len(constraint_problems(segments, twin)) == 1
    segments.rollBack()
    # a river whose code is empty
    rivers.startEditing()
    r1 = next(f for f in rivers.getFeatures() if f["river_code"] == "R1")
    rivers.changeAttributeValue(r1.id(), rivers.fields().lookupField("river_code"), None)
    tool = DrawSegmentTool(canvas, rivers, segments, layers["admin_units"], district_code="411171")
    refused = []
    tool.refused.connect(refused.append)
    canvas.setMapTool(tool)
    _draw(canvas, tool, rivers, [(F.X0 + 0.004, F.Y), (F.X0 + 0.002, F.Y), (F.X1 - 0.002, F.Y)])
    assert len(refused) == 1 and "has no river code" in refused[0]
    assert not segments.isModified() and list(segments.getFeatures()) == []
    tool.remove_bands()


def test_closing_the_workspace_under_the_tool_ends_it(workspace_scene):
    """The workspace is closed (or another opened) while the tool is active: the next click
    ends the tool instead of raising 'wrapped C/C++ object has been deleted'."""
    from qgis.core import QgsProject

    from hezhang_plugin.gui.segment_tool import DrawSegmentTool

    canvas, layers, F = workspace_scene
    tool = DrawSegmentTool(canvas, layers["rivers"], layers["segments"], layers["admin_units"],
                           district_code="411171")
    canvas.setMapTool(tool)
    _click(canvas, tool, (F.X0 + 0.004, F.Y), layers["rivers"])
    assert tool.state == 1
    QgsProject.instance().clear()  # the layers are deleted with the project
    from qgis.gui import QgsMapMouseEvent
    from qgis.PyQt.QtCore import QEvent, QPoint, Qt

    event = QgsMapMouseEvent(canvas, QEvent.MouseButtonRelease, QPoint(400, 300), Qt.LeftButton,
                             Qt.LeftButton, Qt.NoModifier)
    tool.canvasReleaseEvent(event)  # raised RuntimeError before
    assert canvas.mapTool() is not tool and tool.river_feature is None
