"""hezhang:history — the change log of a workspace between two dates, one row per changed field."""

from __future__ import annotations

from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin import compat
from hezhang_plugin.core import schema
from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter

COLUMNS = ("changed_at", "changed_by", "layer", "row_key", "action", "field", "old_value", "new_value")


def history_layers() -> list[str]:
    return [lyr.name for lyr in schema.LAYERS if lyr.tracked]


class HistoryAlgorithm(HezhangAlgorithm):
    ALG_ID = "history"
    DISPLAY = QT_TRANSLATE_NOOP("HistoryAlgorithm", "Change history")
    HELP = QT_TRANSLATE_NOOP(
        "HistoryAlgorithm",
        "Exports the change log of a workspace (GeoPackage or PostgreSQL service=NAME): who "
        "inserted, changed, ended or deleted which row, when, and each changed field's old and new "
        "value (geometries as WKT), between START and END (dates YYYY-MM-DD, both days included, "
        "China Standard Time). LAYER and KEY narrow it to one layer and one row, e.g. segments and "
        "a segment code: who changed segment X between D1 and D2."
    )

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("Workspace")))
        self.addParameter(QgsProcessingParameterString("START", self.tr("From (YYYY-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterString("END", self.tr("To (YYYY-MM-DD)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "LAYER", self.tr("Layer"), options=history_layers(), optional=True, allowMultiple=False))
        self.addParameter(QgsProcessingParameterString(
            "KEY", self.tr("Row key (segment code, chief id, unit code…)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Change history"), QgsProcessing.TypeVector))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.history import read_changes

        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        layer = None
        if parameters.get("LAYER") is not None:
            layer = history_layers()[self.parameterAsEnum(parameters, "LAYER", context)]
        key = self.parameterAsString(parameters, "KEY", context).strip() or None
        try:
            changes = read_changes(workspace, self.parameterAsString(parameters, "START", context) or None,
                                   self.parameterAsString(parameters, "END", context) or None, layer, key)
        except (ValueError, WorkspaceError) as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        fields = QgsFields()
        for c in COLUMNS:
            fields.append(compat.make_field(c, "text"))
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields, QgsWkbTypes.NoGeometry)
        if sink is None:
            raise QgsProcessingException(self.tr("Cannot write the output table"))
        for i, ch in enumerate(changes):
            if feedback.isCanceled():
                break
            f = QgsFeature(fields)
            f.setAttributes([ch.changed_at, ch.changed_by, ch.layer, ch.row_key, ch.action, ch.field,
                             ch.old, ch.new])
            sink.addFeature(f, QgsFeatureSink.FastInsert)
            feedback.setProgress(100.0 * (i + 1) / max(1, len(changes)))
        who = sorted({c.changed_by for c in changes if c.changed_by})
        feedback.pushInfo(self.tr("{0} changed fields by {1}").format(len(changes), ", ".join(who) or "-"))
        return {"OUTPUT": dest}
