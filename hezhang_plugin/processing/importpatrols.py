"""hezhang:importpatrols — GPX/KML/CSV patrol tracks into a workspace, matched to the chiefs'
segments, with a report of every file."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.processing.base import HezhangAlgorithm

COORDINATES = ("auto", "wgs84", "gcj02", "bd09")


class ImportPatrolsAlgorithm(HezhangAlgorithm):
    ALG_ID = "importpatrols"
    DISPLAY = QT_TRANSLATE_NOOP("ImportPatrolsAlgorithm", "Import patrol tracks")
    GROUP = "Patrols"
    GROUP_ID = "patrols"
    HELP = QT_TRANSLATE_NOOP(
        "ImportPatrolsAlgorithm",
        "Imports chiefs' patrol tracks (巡河轨迹) from GPX (with times), KML/KMZ (gx:Track with a time "
        "per point) and CSV files (UTF-8, UTF-8 with BOM or GBK; columns such as 经度/lon, 纬度/lat, "
        "定位时间/time as epoch seconds or milliseconds or Beijing time text, 精度/accuracy), or all "
        "such files in a folder. The chief is CHIEF (an id or a unique name), else a 河长编号/chief_id "
        "column, else the chief whose id or name the file name contains. COORDINATES auto compares "
        "the track as WGS84, GCJ-02 and BD-09 with the chief's segments and says which it chose and "
        "why. Tracks are cleaned (accuracy worse than 50 m, repeated times, spikes above 120 km/h "
        "dropped; split at pauses over 30 minutes), each piece is matched within BUFFER metres to "
        "the segments the chief answered for that day (single-bank segments measured on their "
        "bank) and judged under the default rule profile. A file imported before is skipped. "
        "One rejected file and nothing is written, unless 'valid files only'. OUTPUT_REPORT lists "
        "every file and patrol.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFile("WORKSPACE", self.tr("Workspace"), extension="gpkg"))
        self.addParameter(QgsProcessingParameterMultipleLayers(
            "INPUT", self.tr("Track files or folders (GPX, KML, KMZ, CSV)"), QgsProcessing.TypeFile))
        self.addParameter(QgsProcessingParameterString(
            "CHIEF", self.tr("Chief id or name (empty: from a column or the file name)"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "COORDINATES", self.tr("Coordinates of the files"),
            options=[self.tr("Detect (WGS84, GCJ-02 or BD-09)"), "WGS84", "GCJ-02", "BD-09"], defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "BUFFER", self.tr("Matching distance to a segment (m)"), QgsProcessingParameterNumber.Double,
            60.0, True, 1.0, 2000.0))
        self.addParameter(QgsProcessingParameterBoolean(
            "VALID_FILES_ONLY", self.tr("Import the valid files even when some files are rejected"), False, True))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT_REPORT", self.tr("Import report"), self.tr("CSV files (*.csv)"), optional=True))
        self.addOutput(QgsProcessingOutputNumber("PATROLS_ADDED", self.tr("Patrols added")))
        self.addOutput(QgsProcessingOutputNumber("REJECTED", self.tr("Rejected files")))
        self.addOutput(QgsProcessingOutputNumber("DUPLICATES", self.tr("Files imported before")))
        self.addOutput(QgsProcessingOutputString("SUMMARY", self.tr("Summary")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core.patrol_rules import RuleError
        from hezhang_plugin.data.gpkg import WorkspaceError, read_workspace_info
        from hezhang_plugin.data.io import WriteError
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.services import patrols as sp

        lang = ui_language()
        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        inputs = self.parameterAsFileList(parameters, "INPUT", context)
        chief = self.parameterAsString(parameters, "CHIEF", context) or None
        coords = COORDINATES[self.parameterAsEnum(parameters, "COORDINATES", context)]
        buffer_m = (self.parameterAsDouble(parameters, "BUFFER", context)
                    if parameters.get("BUFFER") not in (None, "") else 60.0)
        valid_only = self.parameterAsBool(parameters, "VALID_FILES_ONLY", context)
        report_path = self.parameterAsFileOutput(parameters, "OUTPUT_REPORT", context)
        try:
            read_workspace_info(workspace)
            report = sp.import_patrols(workspace, inputs, chief=chief, coordinates=coords, buffer_m=buffer_m,
                                       valid_files_only=valid_only, progress=feedback.setProgress,
                                       canceled=feedback.isCanceled, lang=lang)
        except sp.PatrolImportError as exc:
            raise QgsProcessingException(exc.text(lang)) from exc
        except sp.Canceled as exc:
            raise QgsProcessingException(self.tr("Canceled; nothing was imported.")) from exc
        except (WorkspaceError, WriteError, RuleError) as exc:
            raise QgsProcessingException(exc.text(lang) if hasattr(exc, "text") else str(exc)) from exc
        for f in report.files:
            if f.status == "rejected":
                feedback.reportError(f"{f.name}: {f.status_text(lang)}", False)
            else:
                feedback.pushInfo(f"{f.name}: {f.status_text(lang)}")
                if f.crs is not None:
                    feedback.pushInfo("  " + f.crs.text(lang))
                if f.cleaning is not None:
                    feedback.pushInfo("  " + f.cleaning.text(lang))
        if report_path:
            report.write_csv(report_path, lang)
        summary = report.summary(lang)
        feedback.pushInfo(summary)
        if report.rejected and not report.written:
            raise QgsProcessingException(
                self.tr("{0} of {1} files were rejected, nothing was imported (see the report{2}).").format(
                    len(report.rejected), len(report.files), f": {report_path}" if report_path else ""))
        return {
            "OUTPUT_REPORT": report_path,
            "PATROLS_ADDED": report.patrols_added,
            "REJECTED": len(report.rejected),
            "DUPLICATES": len(report.duplicates),
            "SUMMARY": summary,
        }
