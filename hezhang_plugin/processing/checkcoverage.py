"""hezhang:checkcoverage — coverage rules R1-R7 on a date, one problem feature per finding."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterNumber,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin import compat
from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter

LAYER_PARAMS = (
    ("SEGMENTS", "segments"),
    ("CHIEFS", "chiefs"),
    ("ASSIGNMENTS", "assignments"),
    ("UNITS", "admin_units"),
    ("RIVERS", "rivers"),
    ("NOTICE_BOARDS", "notice_boards"),
)


def output_fields() -> QgsFields:
    fields = QgsFields()
    for name, length in (
        ("rule", 8),
        ("severity", 10),
        ("message", 254),
        ("seg_code", 12),
        ("chief_id", 32),
        ("unit_code", 12),
    ):
        fields.append(compat.make_field(name, "text", "string", length))
    return fields


class CheckCoverageAlgorithm(HezhangAlgorithm):
    ALG_ID = "checkcoverage"
    DISPLAY = QT_TRANSLATE_NOOP("CheckCoverageAlgorithm", "Check coverage")
    GROUP = "Chiefs and coverage"
    GROUP_ID = "chiefs"
    HELP = QT_TRANSLATE_NOOP(
        "CheckCoverageAlgorithm",
        "Checks the river-chief coverage on a date (default today): R1 every current segment has "
        "district-, town- and (in a village) village-level chiefs; R2 chiefs belong to the segment's "
        "unit or its ancestor; R3 each river is covered on each bank by segments without gaps or "
        "overlaps; R4 every village a river crosses has a segment; R5 every segment has a notice "
        "board; R6 no two chiefs of the same level and role on one segment; R7 formats of codes, "
        "phones and names. Give a WORKSPACE, or the SEGMENTS, CHIEFS, ASSIGNMENTS and UNITS layers "
        "(RIVERS and NOTICE_BOARDS enable R3/R4 and R5). OUTPUT holds one feature per finding with "
        "rule, severity and a message in the UI language; the geometry is the gap, the overlap, "
        "the river part or the segment concerned."
    )

    def initAlgorithm(self, config=None):
        self.addParameter(
            WorkspaceParameter("WORKSPACE", self.tr("Workspace (GeoPackage or service=NAME)"), optional=True)
        )
        titles = {
            "SEGMENTS": self.tr("Segments"),
            "CHIEFS": self.tr("Chiefs"),
            "ASSIGNMENTS": self.tr("Assignments"),
            "UNITS": self.tr("Administrative units"),
            "RIVERS": self.tr("Rivers"),
            "NOTICE_BOARDS": self.tr("Notice boards"),
        }
        types = {
            "SEGMENTS": [QgsProcessing.TypeVectorLine],
            "CHIEFS": [QgsProcessing.TypeVector],
            "ASSIGNMENTS": [QgsProcessing.TypeVector],
            "UNITS": [QgsProcessing.TypeVectorPolygon],
            "RIVERS": [QgsProcessing.TypeVectorLine],
            "NOTICE_BOARDS": [QgsProcessing.TypeVectorAnyGeometry],
        }
        for key, _layer in LAYER_PARAMS:
            self.addParameter(
                QgsProcessingParameterFeatureSource(key, titles[key], types[key], optional=True)
            )
        self.addParameter(
            QgsProcessingParameterDateTime(
                "DATE",
                self.tr("Check date (empty: today)"),
                QgsProcessingParameterDateTime.Date,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "TOLERANCE",
                self.tr("Gap/overlap tolerance (m)"),
                QgsProcessingParameterNumber.Double,
                defaultValue=5.0,
                minValue=0.0,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSink(
                "OUTPUT", self.tr("Coverage problems"), QgsProcessing.TypeVectorLine
            )
        )
        self.addOutput(QgsProcessingOutputNumber("FINDINGS", self.tr("Findings")))
        self.addOutput(QgsProcessingOutputNumber("COVERED_SHARE", self.tr("Share of river km fully covered")))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.tr("Summary")))

    def _data_from_layers(self, parameters, context, feedback):
        from hezhang_plugin.core import schema
        from hezhang_plugin.core.coverage import CoverageData
        from hezhang_plugin.data.qgsio import source_to_arrays
        from hezhang_plugin.processing.inputs import check_text, layer_label, text_columns, zm_dropped

        tables, crs = {}, None
        for key, layer in LAYER_PARAMS:
            src = self.parameterAsSource(parameters, key, context)
            if src is None:
                tables[layer] = []
                continue
            names = [f.name for f in schema.layer(layer).fields if src.fields().lookupField(f.name) >= 0]
            fids, attrs, geoms = source_to_arrays(src, names, feedback)
            if crs is not None and src.wkbType() != QgsWkbTypes.NoGeometry and src.sourceCrs() != crs:
                # The rules compare geometries (and express tolerances) in the segments' CRS.
                from hezhang_plugin.core.segmentation import transform_geoms

                geoms = transform_geoms(geoms, src.sourceCrs().authid() or src.sourceCrs().toWkt(),
                                        crs.authid() or crs.toWkt())
            # names and codes end up in the findings: refuse text read with the wrong encoding
            lyr = self.parameterAsVectorLayer(parameters, key, context)
            label = layer_label(key, lyr.name() if lyr is not None else "")
            check_text(label, fids, {n: attrs[n] for n in text_columns(src.fields(), names)})
            zm_dropped(feedback, label, src.wkbType(), "findings")
            rows = []
            for i, fid in enumerate(fids):
                row = {"fid": fid}
                for n in names:
                    v = attrs[n][i]
                    if hasattr(v, "toString") and not isinstance(v, str) and hasattr(v, "toPyDate"):
                        v = v.toPyDate().isoformat()
                    row[n] = v
                if src.wkbType() != QgsWkbTypes.NoGeometry:
                    row["geom"] = geoms[i]
                rows.append(row)
            tables[layer] = rows
            if key == "SEGMENTS":
                crs = src.sourceCrs()
        missing = [
            k for k in ("SEGMENTS", "CHIEFS", "ASSIGNMENTS", "UNITS") if parameters.get(k) in (None, "")
        ]
        if missing:
            raise QgsProcessingException(
                self.tr("Give a WORKSPACE or the layers {0}").format(", ".join(missing))
            )
        district = next((u["code"] for u in tables["admin_units"] if u.get("level") == "district"), None)
        return CoverageData(
            tables["admin_units"],
            tables["rivers"],
            tables["segments"],
            tables["chiefs"],
            tables["assignments"],
            tables["notice_boards"],
            district,
            crs.authid() if crs is not None and crs.authid() else schema.DEFAULT_CRS,
        )

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core import coverage
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.qgsio import shapely_to_qgs
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.services import coverage as coverage_service

        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        date = None
        if parameters.get("DATE") not in (None, ""):
            qdate = (
                self.parameterAsDate(parameters, "DATE", context)
                if hasattr(self, "parameterAsDate")
                else self.parameterAsDateTime(parameters, "DATE", context).date()
            )
            if qdate.isValid():
                date = qdate.toString("yyyy-MM-dd")
        tol = (
            self.parameterAsDouble(parameters, "TOLERANCE", context)
            if parameters.get("TOLERANCE") not in (None, "")
            else 5.0
        )
        feedback.setProgressText(self.tr("Reading the workspace"))
        try:
            data = (
                coverage_service.load(workspace)
                if workspace
                else self._data_from_layers(parameters, context, feedback)
            )
        except WorkspaceError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        rules = list(coverage.RULES)
        if not workspace:
            if not data.rivers:
                rules = [r for r in rules if r not in ("R3", "R4")]
            if parameters.get("NOTICE_BOARDS") in (None, ""):
                rules.remove("R5")
        feedback.setProgress(20)
        feedback.setProgressText(self.tr("Checking rules {0}").format(", ".join(rules)))
        findings, summary = coverage.check(data, date, tolerance_m=tol, rules=tuple(rules))
        feedback.setProgress(70)
        crs = QgsCoordinateReferenceSystem(data.crs)
        sink, dest = self.parameterAsSink(
            parameters, "OUTPUT", context, output_fields(), QgsWkbTypes.MultiLineString, crs
        )
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        lang = ui_language()
        fields = output_fields()
        for n, f in enumerate(findings):
            if feedback.isCanceled():
                break
            feat = QgsFeature(fields)
            feat.setAttributes(
                [f.rule, f.severity, f.message(lang)[:254], f.seg_code, f.chief_id, f.unit_code]
            )
            g = f.geometry
            if g is not None and not g.is_empty and g.geom_type in ("LineString", "MultiLineString"):
                qg = shapely_to_qgs(g)
                qg.convertToMultiType()
                feat.setGeometry(qg)
            elif g is not None and not g.is_empty and g.geom_type == "GeometryCollection":
                lines = [p for p in g.geoms if p.geom_type in ("LineString", "MultiLineString")]
                if lines:
                    from shapely.ops import linemerge

                    qg = shapely_to_qgs(linemerge(lines))
                    qg.convertToMultiType()
                    feat.setGeometry(qg)
            sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert)
            if n % 1000 == 0:
                feedback.setProgress(70 + 30 * n / max(1, len(findings)))
        feedback.pushInfo(summary.text(lang))
        return {
            "OUTPUT": dest,
            "FINDINGS": len(findings),
            "COVERED_SHARE": summary.covered_share,
            "SUMMARY": summary.text(lang),
        }
