"""hezhang:assess — an assessment sheet computed for a period, stored, and printed."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.processing.base import HezhangAlgorithm


class AssessAlgorithm(HezhangAlgorithm):
    ALG_ID = "assess"
    DISPLAY = QT_TRANSLATE_NOOP("AssessAlgorithm", "Assess towns and chiefs")
    GROUP = "Problems and assessment"
    GROUP_ID = "assessment"
    HELP = QT_TRANSLATE_NOOP(
        "AssessAlgorithm",
        "Computes an assessment sheet (考核评分表, kept as data in assessment_sheets and "
        "assessment_items) for a PERIOD: a month (2024-04) or a year (2024, the mean of the "
        "monthly results stored for it plus the year's marks entered by hand). Computed items: "
        "patrol compliance and mileage, problems not fixed in time (−5 each, doubled when carried "
        "into the next month, at most the item's points), notice boards not updated within 15 days "
        "of a chief change, segments lacking a level of chiefs; marks entered by hand keep their "
        "evidence. The results are stored in assessment_results (each point lost linked to the "
        "row behind it); the sheet's computed results stored before for that period are kept, "
        "marked superseded (superseded_at), never deleted. OUTPUT is a printable "
        "PDF: the ranking, then one page per town or chief with grade and rank. SHEET is a sheet "
        "code (TOWN-M, CHIEF-M) or empty for every sheet.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("WORKSPACE", self.tr("Workspace"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterString("SHEET", self.tr("Sheet code (empty: every sheet)"),
                                                       "TOWN-M", optional=True))
        self.addParameter(QgsProcessingParameterString("PERIOD", self.tr("Period (YYYY-MM or YYYY)")))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Printable sheets (PDF)"), self.tr("PDF files (*.pdf)")))
        self.addOutput(QgsProcessingOutputNumber("SUBJECTS", self.tr("Towns or chiefs assessed")))
        self.addOutput(QgsProcessingOutputString("TOTALS", self.tr("Totals")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core import assessment as am
        from hezhang_plugin.core import schema
        from hezhang_plugin.core import workreport as wr
        from hezhang_plugin.core.patrol_rules import RuleError
        from hezhang_plugin.data.backend import as_backend
        from hezhang_plugin.data.workspace import WorkspaceError, check_workspace
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.layout.report_pdf import write_pdf
        from hezhang_plugin.services import assessment as sa

        lang = ui_language()
        path = self.parameterAsFile(parameters, "WORKSPACE", context)
        try:
            check_workspace(path)
        except WorkspaceError as exc:
            raise QgsProcessingException(str(exc)) from exc
        code = (self.parameterAsString(parameters, "SHEET", context) or "").strip()
        period = self.parameterAsString(parameters, "PERIOD", context)
        output = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        try:
            kind = am.parse_period(period).kind
            codes = [code] if code else [s["sheet_code"] for s in as_backend(path).read_attributes("assessment_sheets")
                                         if s.get("period") in (kind, "month")]
            merged = None
            lines = []
            count = 0
            for n, sheet_code in enumerate(codes):
                if feedback.isCanceled():
                    break
                feedback.pushInfo(self.tr("Assessing {0} for {1}").format(sheet_code, period))
                sheet, p, results = sa.assess(path, sheet_code, period, lang=lang)
                _sheet, items = sa.sheet_and_items(path, sheet_code)
                doc = am.sheet_document(sheet, items, p, results)
                if merged is None:
                    merged = doc
                else:
                    merged.add(wr.PageBreak())
                    merged.blocks.extend(doc.blocks)
                for r in results:
                    lines.append(f"{sheet_code} {r.rank}. {r.subject.name} {r.total:.2f} "
                                 f"{schema.GRADES.label(r.grade, lang)}")
                count += len(results)
                feedback.setProgress(100.0 * (n + 1) / max(1, len(codes)))
        except (am.AssessmentError, RuleError) as exc:
            raise QgsProcessingException(exc.text(lang)) from exc
        for line in lines:
            feedback.pushInfo(line)
        if merged is not None:
            write_pdf(merged, output)
        return {"OUTPUT": output, "SUBJECTS": count, "TOTALS": "\n".join(lines)}
