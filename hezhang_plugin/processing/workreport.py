"""hezhang:workreport — the district's work report (.docx and PDF) written from the data."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.processing.base import HezhangAlgorithm


class WorkReportAlgorithm(HezhangAlgorithm):
    ALG_ID = "workreport"
    DISPLAY = QT_TRANSLATE_NOOP("WorkReportAlgorithm", "Write the work report")
    GROUP = "Problems and assessment"
    GROUP_ID = "assessment"
    HELP = QT_TRANSLATE_NOOP(
        "WorkReportAlgorithm",
        "Writes the district's river-chief work report (河长制工作情况报告) for START to END, in "
        "Chinese, as a Word document (OUTPUT, .docx, to edit) and a PDF beside it (to print): rivers "
        "and kilometres per river with single-bank counting and the villages they touch, the chiefs "
        "by level with the partner roles and whether all three levels are in place, notice boards, "
        "patrols and compliance, problems found, settled and overdue, assessment results, and the "
        "coverage map as a figure. Every number comes from the functions the maps, the statistics "
        "and the dock use. The Word document needs python-docx (apt install python3-docx or pip "
        "install python-docx); without it only the PDF is written, with a warning.")

    def flags(self):
        # The coverage map figure is a layout export: layout expressions resolve layers
        # through the project instance (QGIS 3.22).
        return super().flags() | self.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("WORKSPACE", self.tr("Workspace"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterString("START", self.tr("Start date (YYYY-MM-DD)")))
        self.addParameter(QgsProcessingParameterString("END", self.tr("End date (YYYY-MM-DD)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Report (Word document)"), self.tr("Word documents (*.docx)")))
        self.addOutput(QgsProcessingOutputFile("PDF", self.tr("Report (PDF)")))
        self.addOutput(QgsProcessingOutputNumber("PAGES", self.tr("PDF pages")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core.patrol_rules import RuleError
        from hezhang_plugin.data.workspace import WorkspaceError, check_workspace
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.layout.workreport import write_workreport
        from hezhang_plugin.services.workreport import ReportError

        lang = ui_language()
        path = self.parameterAsFile(parameters, "WORKSPACE", context)
        try:
            check_workspace(path)
        except WorkspaceError as exc:
            raise QgsProcessingException(str(exc)) from exc
        start = self.parameterAsString(parameters, "START", context)
        end = self.parameterAsString(parameters, "END", context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        try:
            files = write_workreport(path, start, end, output, feedback, lang=lang)
        except (ReportError, RuleError) as exc:
            raise QgsProcessingException(exc.text(lang)) from exc
        for warning in files.warnings:
            feedback.reportError(warning, False)
        feedback.pushInfo(self.tr("Report written: {0}").format(", ".join(f for f in (files.docx, files.pdf) if f)))
        return {"OUTPUT": files.docx or "", "PDF": files.pdf, "PAGES": files.pages}
