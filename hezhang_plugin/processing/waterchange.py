"""hezhang:waterchange — water lost / gained between two dates, near the river segments."""

from __future__ import annotations

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin import compat
from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter


class WaterChangeAlgorithm(HezhangAlgorithm):
    ALG_ID = "waterchange"
    DISPLAY = QT_TRANSLATE_NOOP("WaterChangeAlgorithm", "Water changes between two dates")
    GROUP = "Imagery"
    GROUP_ID = "imagery"
    HELP = QT_TRANSLATE_NOOP(
        "WaterChangeAlgorithm",
        "Builds a water mask per date (NDWI = (green - NIR) / (green + NIR) above THRESHOLD) "
        "inside a buffer of BUFFER metres around the segments, and outputs the areas where "
        "water was lost or gained as polygons with their ellipsoidal area (m²), the date "
        "pair, the nearest segment and, when WORKSPACE is given, the chiefs responsible for "
        "it on the after date. The AFTER raster is resampled onto the BEFORE grid when they "
        "differ. Use the polygons as clues for '四乱' inspections (occupation, dumping, "
        "building, sand mining).")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterRasterLayer("BEFORE", self.tr("Imagery, before")))
        self.addParameter(QgsProcessingParameterString(
            "BEFORE_DATE", self.tr("Date of the before image (YYYY-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer("AFTER", self.tr("Imagery, after")))
        self.addParameter(QgsProcessingParameterString(
            "AFTER_DATE", self.tr("Date of the after image (YYYY-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterNumber("GREEN_BAND", self.tr("Green band number"),
                                                       QgsProcessingParameterNumber.Integer, 2, minValue=1))
        self.addParameter(QgsProcessingParameterNumber("NIR_BAND", self.tr("Near-infrared band number"),
                                                       QgsProcessingParameterNumber.Integer, 4, minValue=1))
        self.addParameter(QgsProcessingParameterNumber("THRESHOLD", self.tr("NDWI water threshold"),
                                                       QgsProcessingParameterNumber.Double, 0.0,
                                                       minValue=-1.0, maxValue=1.0))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "SEGMENTS", self.tr("Segments"), [QgsProcessing.TypeVectorLine]))
        self.addParameter(QgsProcessingParameterNumber("BUFFER", self.tr("Buffer around the segments (m)"),
                                                       QgsProcessingParameterNumber.Double, 200.0,
                                                       minValue=0.0))
        self.addParameter(QgsProcessingParameterNumber("MIN_AREA", self.tr("Smallest change kept (m²)"),
                                                       QgsProcessingParameterNumber.Double, 0.0,
                                                       minValue=0.0, optional=True))
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("Workspace (for the chiefs concerned)"),
                                             optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", self.tr("Water changes"),
                                                            QgsProcessing.TypeVectorPolygon))

    @staticmethod
    def output_fields() -> QgsFields:
        fields = QgsFields()
        fields.append(compat.make_field("change", "text", length=16))
        fields.append(compat.make_field("change_zh", "text", length=16))
        fields.append(compat.make_field("area_m2", "real"))
        fields.append(compat.make_field("date_before", "text", length=10))
        fields.append(compat.make_field("date_after", "text", length=10))
        fields.append(compat.make_field("seg_code", "text", length=12))
        fields.append(compat.make_field("chiefs", "text", length=254))
        return fields

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core import waterchange as wc
        from hezhang_plugin.data.qgsio import shapely_to_qgs, source_to_arrays
        from hezhang_plugin.overlays.placement import check_date
        from hezhang_plugin.processing.inputs import check_text, layer_label, zm_dropped
        from hezhang_plugin.services.waterchange import chiefs_by_segment

        before = self.parameterAsRasterLayer(parameters, "BEFORE", context)
        after = self.parameterAsRasterLayer(parameters, "AFTER", context)
        if before is None or after is None:
            raise QgsProcessingException(self.tr("Both the before and the after imagery are needed."))
        try:
            d_before = check_date(self.parameterAsString(parameters, "BEFORE_DATE", context))
            d_after = check_date(self.parameterAsString(parameters, "AFTER_DATE", context))
        except ValueError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        if d_before and d_after and d_before >= d_after:
            raise QgsProcessingException(self.tr(
                "The before date {0} is not earlier than the after date {1}.").format(d_before, d_after))
        source = self.parameterAsSource(parameters, "SEGMENTS", context)
        if source is None:
            raise QgsProcessingException(self.tr("No segments layer."))
        code_field = "seg_code" if source.fields().lookupField("seg_code") >= 0 else None
        fids, attrs, geoms = source_to_arrays(source, [code_field] if code_field else [], feedback)
        lyr = self.parameterAsVectorLayer(parameters, "SEGMENTS", context)
        label = layer_label("SEGMENTS", lyr.name() if lyr is not None else "")
        check_text(label, fids, attrs)
        zm_dropped(feedback, label, source.wkbType(), "water_changes")
        seg_codes = attrs[code_field] if code_field else [str(f) for f in fids]
        crs = source.sourceCrs()
        crs_text = crs.authid() or crs.toWkt()
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        try:
            changes = wc.detect_changes(
                before.source(), after.source(),
                self.parameterAsInt(parameters, "GREEN_BAND", context),
                self.parameterAsInt(parameters, "NIR_BAND", context),
                self.parameterAsDouble(parameters, "THRESHOLD", context),
                geoms, seg_codes, crs_text,
                self.parameterAsDouble(parameters, "BUFFER", context),
                self.parameterAsDouble(parameters, "MIN_AREA", context) or 0.0, feedback)
            chiefs = chiefs_by_segment(workspace, d_after) if workspace else {}
        except wc.WaterChangeError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        fields = self.output_fields()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields,
                                          QgsWkbTypes.Polygon, crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        lost = gained = 0
        for ch in changes:
            feat = QgsFeature(fields)
            feat.setAttributes([ch.change, wc.CHANGE_LABELS[ch.change][1], round(ch.area_m2, 2),
                                d_before, d_after, ch.seg_code, chiefs.get(ch.seg_code, "")])
            feat.setGeometry(shapely_to_qgs(ch.geom))
            if not sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert):
                raise QgsProcessingException(self.tr("Could not write a change polygon: {0}").format(
                    sink.lastError()))
            if ch.change == wc.LOST:
                lost += ch.area_m2
            else:
                gained += ch.area_m2
        feedback.pushInfo(self.tr("{0} change polygons: water lost {1:.0f} m², water gained {2:.0f} m².")
                          .format(len(changes), lost, gained))
        return {"OUTPUT": dest}
