"""hezhang:checkpatrols — patrol compliance per chief, segment and period under a rule profile."""

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
    QgsProcessingParameterFile,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin import compat
from hezhang_plugin.processing.base import HezhangAlgorithm

#: Severity of each status, as hezhang:checkcoverage's problem features have one.
SEVERITY = {"ok": "ok", "short": "warning", "none": "error"}


def output_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind, length in (
        ("chief_id", "text", 32), ("chief_name", "text", 30), ("level", "text", 10),
        ("seg_code", "text", 12), ("seg_name", "text", 80), ("unit_code", "text", 12),
        ("period", "text", 20), ("period_start", "text", 10), ("period_end", "text", 10),
        ("required", "integer", 0), ("valid", "integer", 0), ("status", "text", 8),
        ("severity", "text", 10), ("message", "text", 254), ("reasons", "text", 254),
    ):
        fields.append(compat.make_field(name, kind, "string" if kind == "text" else "integer", length))
    return fields


def _date(alg, parameters, name, context):
    if parameters.get(name) in (None, ""):
        return None
    qdate = (alg.parameterAsDate(parameters, name, context) if hasattr(alg, "parameterAsDate")
             else alg.parameterAsDateTime(parameters, name, context).date())
    return qdate.toString("yyyy-MM-dd") if qdate.isValid() else None


class CheckPatrolsAlgorithm(HezhangAlgorithm):
    ALG_ID = "checkpatrols"
    DISPLAY = QT_TRANSLATE_NOOP("CheckPatrolsAlgorithm", "Check patrols")
    GROUP = "Patrols"
    GROUP_ID = "patrols"
    HELP = QT_TRANSLATE_NOOP(
        "CheckPatrolsAlgorithm",
        "Patrol compliance between START and END under a rule profile (PROFILE: a key or name of "
        "the workspace's patrol_rules, e.g. henan_2018, akqi_2022, sixian_town, guangzhou_2021; "
        "empty: the default profile). For every chief appointed to a segment, and every period of "
        "the rule for the chief's level (week, 10 days, month, quarter, year; a period belongs to "
        "the range when its middle day does), OUTPUT holds one feature on the segment with the "
        "patrols required, the valid ones, a status (ok, short: too few, none) and why each other "
        "patrol of that chief on that segment did not count (e.g. 时长 12 分钟 < 30 分钟; "
        "覆盖 35% < 50%), in the UI language.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("WORKSPACE", self.tr("Workspace"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterDateTime(
            "START", self.tr("First day"), QgsProcessingParameterDateTime.Date))
        self.addParameter(QgsProcessingParameterDateTime(
            "END", self.tr("Last day"), QgsProcessingParameterDateTime.Date))
        self.addParameter(QgsProcessingParameterString(
            "PROFILE", self.tr("Rule profile (empty: the default)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Patrol compliance"), QgsProcessing.TypeVectorLine))
        self.addOutput(QgsProcessingOutputNumber("OK", self.tr("Met")))
        self.addOutput(QgsProcessingOutputNumber("SHORT", self.tr("Too few patrols")))
        self.addOutput(QgsProcessingOutputNumber("NONE", self.tr("No valid patrol")))
        self.addOutput(QgsProcessingOutputString("PROFILE_USED", self.tr("Rule profile used")))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core.patrol_rules import RuleError
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.qgsio import shapely_to_qgs
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.services import patrols as sp

        lang = ui_language()
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        start = _date(self, parameters, "START", context)
        end = _date(self, parameters, "END", context)
        if not start or not end:
            raise QgsProcessingException(self.tr("Give the first and the last day of the period."))
        profile = self.parameterAsString(parameters, "PROFILE", context) or None
        feedback.setProgressText(self.tr("Reading patrols and appointments"))
        try:
            result = sp.check_patrols(workspace, start, end, profile)
        except (RuleError, WorkspaceError) as exc:
            raise QgsProcessingException(exc.text(lang) if hasattr(exc, "text") else str(exc)) from exc
        feedback.setProgress(60)
        fields = output_fields()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.MultiLineString,
                                          QgsCoordinateReferenceSystem(result.crs))
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        from hezhang_plugin.core.patrol_rules import period_label

        for n, r in enumerate(result.rows):
            if feedback.isCanceled():
                break
            chief = result.chiefs.get(r.chief_id) or {}
            seg = result.segments.get(r.seg_code) or {}
            feat = QgsFeature(fields)
            feat.setAttributes([
                r.chief_id, chief.get("name") or "", r.level, r.seg_code, seg.get("name") or "", r.unit_code,
                period_label(r.period, lang), r.period.start, r.period.end, r.required, r.valid, r.status,
                SEVERITY[r.status], r.message(lang, chief.get("name") or "", seg.get("name") or "")[:254],
                r.reasons_text(lang)[:254],
            ])
            geom = seg.get("geom")
            if geom is not None and not geom.is_empty:
                g = shapely_to_qgs(geom)
                g.convertToMultiType()
                feat.setGeometry(g)
            sink.addFeature(feat, QgsFeatureSink.Flag.FastInsert)
            if n % 500 == 0:
                feedback.setProgress(60 + 40 * n / max(1, len(result.rows)))
        summary = result.summary.text(lang)
        name = result.profile["name"] if lang == "zh" else result.profile["name_en"]
        feedback.pushInfo(f"{name}: {summary}")
        counts = result.summary.by_status
        return {"OUTPUT": dest, "OK": counts.get("ok", 0), "SHORT": counts.get("short", 0),
                "NONE": counts.get("none", 0), "PROFILE_USED": result.profile_key, "SUMMARY": summary}
