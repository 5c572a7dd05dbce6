"""Map tool "Draw segment on river": click a river, then the segment's start and end on it.

The segment is the river's own line between the two points, in flow direction, whatever
the order of the clicks and whatever the project CRS. The geometry and attributes come from
core.segmentation; this tool only collects clicks, previews and stores the feature inside
one undoable edit command.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpressionContextUtils,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsVectorLayerUtils,
    QgsWkbTypes,
)
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor

from hezhang_plugin import log

PICK_RIVER, PICK_START, PICK_END = 0, 1, 2


def _crs_text(crs) -> str:
    return crs.authid() or crs.toWkt()


def _to_shapely(geom: QgsGeometry):
    import shapely

    if geom is None or geom.isNull() or geom.isEmpty():
        return None
    return shapely.from_wkb(bytes(geom.asWkb()))


def _value(feature: QgsFeature, name: str):
    """An attribute as a plain value (None for NULL or a missing field)."""
    i = feature.fields().lookupField(name)
    v = feature.attribute(i) if i >= 0 else None
    return None if v is None or (hasattr(v, "isNull") and v.isNull()) else v


def _level_label(level: str) -> str:
    labels = {"village": QCoreApplication.translate("DrawSegmentTool", "village"),
              "town": QCoreApplication.translate("DrawSegmentTool", "town"),
              "district": QCoreApplication.translate("DrawSegmentTool", "district")}
    return labels.get(level, level)


class DrawSegmentTool(QgsMapTool):
    """Three clicks: the river, the start, the end. Esc or right click cancels."""

    segment_added = pyqtSignal(int)
    status = pyqtSignal(str)
    #: A segment that was not added, and why (a warning for the user, not a step hint).
    refused = pyqtSignal(str)

    def __init__(self, canvas, rivers: QgsVectorLayer, segments: QgsVectorLayer,
                 units: Optional[QgsVectorLayer] = None, district_code: Optional[str] = None,
                 unit_level: str = "village"):
        super().__init__(canvas)
        self.rivers = rivers
        self.segments = segments
        self.units = units
        self.district_code = district_code
        self.unit_level = unit_level
        self.bank = "both"
        self.state = PICK_RIVER
        self.river_feature: Optional[QgsFeature] = None
        self.river_geom = None  # shapely, rivers CRS
        self.start_point = None
        self.river_band = QgsRubberBand(canvas, QgsWkbTypes.LineGeometry)
        self.river_band.setColor(QColor(0, 160, 255, 120))
        self.river_band.setWidth(6)
        self.preview = QgsRubberBand(canvas, QgsWkbTypes.LineGeometry)
        self.preview.setColor(QColor(230, 40, 40, 220))
        self.preview.setWidth(3)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    # -- settings
    def set_bank(self, bank: str) -> None:
        if bank not in ("both", "left", "right"):
            raise ValueError(bank)
        self.bank = bank

    # -- lifecycle
    def deactivate(self) -> None:
        self.reset(announce=False)
        super().deactivate()

    def reset(self, announce: bool = True) -> None:
        """Back to picking a river; ``announce`` says so in the status (not after a refusal,
        whose reason must stay in sight)."""
        self.state = PICK_RIVER
        self.river_feature = None
        self.river_geom = None
        self.start_point = None
        self.river_band.reset(QgsWkbTypes.LineGeometry)
        self.preview.reset(QgsWkbTypes.LineGeometry)
        if announce:
            self.status.emit(self.tr("Click a river."))

    def remove_bands(self) -> None:
        for band in (self.river_band, self.preview):
            self.canvas().scene().removeItem(band)

    # -- events
    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.reset()
            event.accept()

    def canvasMoveEvent(self, event) -> None:
        if self.state != PICK_END or self.start_point is None or self._layers_gone():
            return
        seg = self._substring(self._layer_point(event))
        if seg is not None:
            from hezhang_plugin.data.qgsio import shapely_to_qgs

            self.preview.setToGeometry(shapely_to_qgs(seg), self.rivers)

    def _layers_gone(self) -> bool:
        """True (and the tool ends) when the workspace it drew on was closed under it."""
        from qgis.PyQt import sip

        if not any(lyr is not None and sip.isdeleted(lyr) for lyr in (self.rivers, self.segments, self.units)):
            return False
        self.river_feature = None
        self.canvas().unsetMapTool(self)
        return True

    def canvasReleaseEvent(self, event) -> None:
        if self._layers_gone():
            return
        if event.button() == Qt.MouseButton.RightButton:
            self.reset()
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self._layer_point(event)
        if self.state == PICK_RIVER:
            if self._pick_river(event, point):
                self.state = PICK_START
                self.status.emit(self.tr("Click the start of the segment on the river."))
        elif self.state == PICK_START:
            self.start_point = point
            self.state = PICK_END
            self.status.emit(self.tr("Click the end of the segment on the river."))
        else:
            seg = self._substring(point)
            if seg is None:
                self.status.emit(self.tr("Start and end are the same place; click another end."))
                return
            fid = self._store(seg)
            self.reset(announce=fid is not None)
            if fid is not None:
                self.segment_added.emit(fid)

    # -- helpers (no geometry computed here: core.segmentation does it)
    def _layer_point(self, event):
        import shapely

        # The click is projected onto the river line, so QGIS snapping adds nothing here, and
        # asking for it can hang QGIS 3.22: with intersection snapping on, snapToMap waits for
        # the snapping index of the segments layer, whose style (aggregate() over appointments)
        # needs this very thread to build it (qgis/QGIS#59259 fixed that wait in later releases).
        lp = self.toLayerCoordinates(self.rivers, event.mapPoint())
        return shapely.Point(lp.x(), lp.y())

    def _pick_river(self, event, point) -> bool:
        from hezhang_plugin.core import segmentation as seg

        radius = QgsMapTool.searchRadiusMU(self.canvas())
        mp = event.mapPoint()
        rect = QgsRectangle(mp.x() - radius, mp.y() - radius, mp.x() + radius, mp.y() + radius)
        rect = self.toLayerCoordinates(self.rivers, rect)
        feats = list(self.rivers.getFeatures(QgsFeatureRequest().setFilterRect(rect)))
        if not feats:
            self.status.emit(self.tr("No river here; click on a river line."))
            return False
        geoms = [_to_shapely(f.geometry()) for f in feats]
        k = seg.nearest_index(geoms, point)
        if k < 0:
            return False
        self.river_feature, self.river_geom = feats[k], geoms[k]
        self.river_band.setToGeometry(feats[k].geometry(), self.rivers)
        return True

    def _substring(self, end_point):
        from hezhang_plugin.core import segmentation as seg

        if self.river_geom is None or self.start_point is None:
            return None
        return seg.substring_between(self.river_geom, self.start_point, end_point,
                                     _crs_text(self.rivers.crs()))

    def _units(self, seg_geom):
        """Units of the chosen level near the segment, in the rivers CRS."""
        if self.units is None:
            return []
        import shapely

        request = QgsFeatureRequest()
        ctx = QgsProject.instance().transformContext()
        request.setDestinationCrs(self.rivers.crs(), ctx)
        x0, y0, x1, y1 = shapely.bounds(seg_geom)
        request.setFilterRect(QgsRectangle(x0, y0, x1, y1))
        names = self.units.fields().names()
        out = []
        for f in self.units.getFeatures(request):
            if "level" in names and f["level"] not in (None, "", self.unit_level):
                continue
            out.append({"code": f["code"], "name": f["name"], "geom": _to_shapely(f.geometry())})
        return out

    def _district(self, units) -> str:
        if self.district_code:
            return self.district_code
        scope = QgsExpressionContextUtils.projectScope(QgsProject.instance())
        code = scope.variable("hz_district_code")
        if code:
            return str(code)
        if units and units[0].get("code"):
            return str(units[0]["code"])[:6] + "000000"
        raise ValueError(self.tr("The district code is unknown (project variable hz_district_code)."))

    def _store(self, seg_geom) -> Optional[int]:
        import shapely

        from hezhang_plugin.core import segmentation as seg
        from hezhang_plugin.data.qgsio import constraint_problems, shapely_to_qgs

        units = self._units(seg_geom)
        try:
            district = self._district(units)
        except ValueError as exc:
            self.status.emit(str(exc))
            return None
        idx = self.segments.fields().lookupField("seg_code")
        existing = [str(v) for v in self.segments.uniqueValues(idx)] if idx >= 0 else []
        river = {"river_code": _value(self.river_feature, "river_code"), "name": _value(self.river_feature, "name")}
        if not river["river_code"]:
            self.refused.emit(self.tr("The river {0} has no river code, so the segment was not added. Give the "
                                      "river its code in the rivers layer first.").format(river["name"] or ""))
            return None
        attrs = seg.drawn_segment_attributes(seg_geom, _crs_text(self.rivers.crs()), river, units,
                                             existing, district, self.bank)
        if not attrs.get("unit_code"):
            self.refused.emit(self.tr(
                "The segment lies outside every {0} unit, so no unit would be responsible for it; it was "
                "not added. Draw the unit's boundary there first, or draw the segment inside a unit.").format(
                    _level_label(self.unit_level)))
            return None
        geom = shapely_to_qgs(shapely.multilinestrings([seg_geom]))
        if self.segments.crs() != self.rivers.crs():
            geom.transform(QgsCoordinateTransform(self.rivers.crs(), self.segments.crs(), QgsProject.instance()))
        # As QGIS digitising does: the provider's defaults (the fid) and the layer's fill the rest.
        fields = self.segments.fields()
        values = {fields.lookupField(k): v for k, v in attrs.items() if fields.lookupField(k) >= 0}
        feat = QgsVectorLayerUtils.createFeature(self.segments, geom, values, self.segments.createExpressionContext())
        # Whatever else the save would refuse (a NOT NULL column, a unique code) is refused now.
        problems = constraint_problems(self.segments, feat)
        if problems:
            self.refused.emit(self.tr("The segment was not added: {0}").format("; ".join(problems)))
            return None
        if not self.segments.isEditable() and not self.segments.startEditing():
            self.status.emit(self.tr("The segments layer cannot be edited."))
            return None
        self.segments.beginEditCommand(self.tr("Draw segment {0}").format(attrs["name"]))
        ok = self.segments.addFeature(feat)
        if not ok:
            self.segments.destroyEditCommand()
            self.status.emit(self.tr("The segment could not be added."))
            return None
        self.segments.endEditCommand()
        log.get_logger().info("segment %s drawn on river %s", attrs["seg_code"], river["river_code"])
        self.status.emit(self.tr("Segment {0} ({1:.3f} km) added.").format(attrs["name"], attrs["length_km"]))
        return feat.id()
