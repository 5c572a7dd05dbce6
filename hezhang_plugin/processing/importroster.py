"""hezhang:importroster — chiefs and appointments from a CSV/XLSX roster, with a report."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter

MODES = ("append", "replace")


class ImportRosterAlgorithm(HezhangAlgorithm):
    ALG_ID = "importroster"
    DISPLAY = QT_TRANSLATE_NOOP("ImportRosterAlgorithm", "Import chief roster")
    GROUP = "Chiefs and coverage"
    GROUP_ID = "chiefs"
    HELP = QT_TRANSLATE_NOOP(
        "ImportRosterAlgorithm",
        "Imports chiefs and their segment appointments from a roster spreadsheet: CSV in UTF-8, "
        "UTF-8 with BOM or GBK/GB18030 (detected), or XLSX. Headers may be Chinese or English "
        "(姓名/name, 级别/level, 职务/position, 河长类型/role, 行政区划代码/unit_code, 联系电话/phone, "
        "河段编码/seg_code, 任职日期/valid_from, 单位/organisation, 职责/duty, 河长编号/chief_id). "
        "Every row is validated (phone, unit code, level against the unit's level, segment code, "
        "duplicates, empty names). By default one invalid row means nothing is written; with "
        "'valid rows only' the valid rows are imported and the others reported. MODE append adds to "
        "the roster; replace treats the file as the whole current roster: appointments and chiefs it "
        "does not list are ended or deactivated (history is kept). OUTPUT_REPORT lists each rejected "
        "row with its reason."
    )

    def initAlgorithm(self, config=None):
        self.addParameter(
            WorkspaceParameter("WORKSPACE", self.tr("Workspace (GeoPackage or service=NAME)"))
        )
        self.addParameter(
            QgsProcessingParameterFile(
                "INPUT", self.tr("Roster (CSV or XLSX)"), fileFilter=self.tr("Rosters (*.csv *.xlsx *.txt)")
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "MODE",
                self.tr("Mode"),
                options=[self.tr("Append"), self.tr("Replace current roster")],
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "VALID_ROWS_ONLY",
                self.tr("Import the valid rows even when some rows are rejected"),
                defaultValue=False,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFileDestination(
                "OUTPUT_REPORT", self.tr("Import report"), self.tr("CSV files (*.csv)"), optional=True
            )
        )
        self.addOutput(QgsProcessingOutputNumber("REJECTED", self.tr("Rejected rows")))
        self.addOutput(QgsProcessingOutputNumber("CHIEFS_ADDED", self.tr("Chiefs added")))
        self.addOutput(QgsProcessingOutputNumber("ASSIGNMENTS_ADDED", self.tr("Appointments added")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core.roster import RosterError
        from hezhang_plugin.data.gpkg import WorkspaceError, check_not_busy, check_writable
        from hezhang_plugin.data.io import WriteError
        from hezhang_plugin.data.postgres.connection import is_postgres
        from hezhang_plugin.data.workspace import check_workspace
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.services.roster import import_roster

        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        source = self.parameterAsFile(parameters, "INPUT", context)
        mode = MODES[self.parameterAsEnum(parameters, "MODE", context)]
        valid_only = self.parameterAsBool(parameters, "VALID_ROWS_ONLY", context)
        report_path = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        try:
            check_workspace(workspace)
            # Refused before the roster is read: a read-only workspace, another program's lock
            # (a GeoPackage's; a PostgreSQL workspace refuses a login without rights itself).
            if not is_postgres(workspace):
                check_writable(workspace)
                check_not_busy(workspace)
            report = import_roster(workspace, source, mode=mode, valid_rows_only=valid_only)
        except (RosterError, WorkspaceError, WriteError) as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        lang = ui_language()
        if report.encoding:
            feedback.pushInfo(self.tr("Encoding detected: {0}").format(report.encoding))
        for rej in report.rejected:
            feedback.reportError(self.tr("Row {0}: {1}").format(rej.row, rej.text(lang)), False)
        if report_path:
            report.write_csv(report_path, lang)
        feedback.pushInfo(report.summary(lang))
        if report.rejected and not report.written:
            raise QgsProcessingException(
                self.tr("{0} of {1} rows were rejected, nothing was imported (see the report{2}).").format(
                    len(report.rejected), report.rows, f": {report_path}" if report_path else ""
                )
            )
        return {
            "OUTPUT_REPORT": report_path,
            "REJECTED": len(report.rejected),
            "CHIEFS_ADDED": report.chiefs_added,
            "ASSIGNMENTS_ADDED": report.assignments_added,
        }
