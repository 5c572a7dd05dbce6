"""hezhang:migrateworkspace — move a workspace between GeoPackage and PostgreSQL, verified."""

from __future__ import annotations

from qgis.core import QgsProcessingException, QgsProcessingOutputString, QgsProcessingParameterString
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter


class MigrateWorkspaceAlgorithm(HezhangAlgorithm):
    ALG_ID = "migrateworkspace"
    DISPLAY = QT_TRANSLATE_NOOP("MigrateWorkspaceAlgorithm", "Move workspace (GeoPackage ⇄ PostgreSQL)")
    HELP = QT_TRANSLATE_NOOP(
        "MigrateWorkspaceAlgorithm",
        "Moves a workspace between a GeoPackage and a PostgreSQL/PostGIS database, in either "
        "direction: INPUT and OUTPUT are a .gpkg file and a PostgreSQL service written service=NAME "
        "(a service of pg_service.conf; the password comes from pgpass or a QGIS authentication "
        "configuration, never from here). Every row is copied with its attribute values, its "
        "geometry to the coordinate, its edit history fields and the change log; the QGIS project "
        "(styles, forms, layouts) moves with its layers pointed at the target. The target is read "
        "back and compared with the source before success is reported; on any failure the target "
        "is left as it was. A PostgreSQL target must be an empty database with PostGIS available."
    )

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("INPUT", self.tr("Workspace to move")))
        self.addParameter(QgsProcessingParameterString(
            "OUTPUT", self.tr("Target: a .gpkg file or service=NAME")))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.tr("Rows moved")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.postgres.transfer import migrate_workspace

        source = self.parameterAsFile(parameters, "INPUT", context)
        target = self.parameterAsString(parameters, "OUTPUT", context).strip()

        def progress(pct: float, text: str) -> None:
            feedback.setProgress(pct)
            feedback.setProgressText(text)

        try:
            report = migrate_workspace(source, target, progress, feedback.isCanceled)
        except WorkspaceError as exc:
            raise QgsProcessingException(self.tr("The workspace was not moved: {0}").format(exc)) from exc
        for name, n in report.counts.items():
            feedback.pushInfo(self.tr("{0}: {1} rows").format(name, n))
        feedback.pushInfo(self.tr("Verified: every row and the project are identical in the target."))
        return {"OUTPUT": target, "SUMMARY": report.summary()}
