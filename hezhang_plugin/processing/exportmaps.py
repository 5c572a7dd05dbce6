"""hezhang:exportmaps — coverage map, town atlas, notice boards and patrol map to PDF, PNG or SVG."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.i18n import user_text
from hezhang_plugin.layout.common import FORMATS as FORMAT_KEYS
from hezhang_plugin.layout.common import PAGE_CHOICES as PAGE_KEYS
from hezhang_plugin.layout.common import PRODUCTS as PRODUCT_KEYS
from hezhang_plugin.layout.options import DEFAULT_DPI, DPI_RANGE
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter


class ExportMapsAlgorithm(HezhangAlgorithm):
    ALG_ID = "exportmaps"
    DISPLAY = QT_TRANSLATE_NOOP("ExportMapsAlgorithm", "Export maps and notice boards")
    GROUP = "Maps"
    GROUP_ID = "maps"
    HELP = QT_TRANSLATE_NOOP(
        "ExportMapsAlgorithm",
        "Exports the district coverage map (河长制一张图), the town atlas (one page per town) "
        "and the notice boards (one page per current segment, in the 1.5 m x 1.0 m board "
        "proportions) of a workspace. PDF gives one multi-page file per product, or one file "
        "per town / segment named by code; PNG and SVG give one file per page. The layouts are "
        "stored in the workspace's project and as .qpt templates in OUTPUT_FOLDER/templates, "
        "so they can be restyled in the layout designer and exported again. DATE: the day the maps "
        "show (current segments and appointments on that day; empty: today). The patrol map "
        "(one page per town with segments) draws the patrol tracks of PATROL_START to PATROL_END "
        "over the segments coloured by patrol compliance under PATROL_PROFILE (as "
        "hezhang:checkpatrols finds it: met, too few, no valid patrol, no patrol owed); without a "
        "period, the month before the as-of date; without a profile, the workspace's default.")

    def flags(self):
        # Layout expressions resolve layers through the project instance (QGIS 3.22).
        return super().flags() | self.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("Workspace")))
        self.addParameter(QgsProcessingParameterEnum(
            "PRODUCTS", self.tr("Products"),
            options=[self.tr("Coverage map"), self.tr("Town atlas"), self.tr("Notice boards"),
                     self.tr("Patrol map")],
            allowMultiple=True, defaultValue=[0, 1, 2]))
        self.addParameter(QgsProcessingParameterEnum(
            "FORMAT", self.tr("Format"), options=["PDF", "PNG", "SVG"], defaultValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination(
            "OUTPUT_FOLDER", self.tr("Output folder")))
        self.addParameter(QgsProcessingParameterNumber(
            "DPI", self.tr("Resolution (dpi)"), QgsProcessingParameterNumber.Integer, DEFAULT_DPI, True, *DPI_RANGE))
        self.addParameter(QgsProcessingParameterEnum(
            "PAGE_SIZE", self.tr("Page size of the coverage map and town atlas"), options=list(PAGE_KEYS),
            defaultValue=0, optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "ONE_FILE_PER_PAGE", self.tr("One PDF file per town / segment"), False, True))
        self.addParameter(QgsProcessingParameterBoolean(
            "IMAGERY", self.tr("Imagery background on the coverage map and town atlas (遥感影像 group)"),
            False, True))
        self.addParameter(QgsProcessingParameterDateTime(
            "DATE", self.tr("As-of date of the maps (empty: today)"), QgsProcessingParameterDateTime.Date,
            optional=True))
        self.addParameter(QgsProcessingParameterDateTime(
            "PATROL_START", self.tr("Patrol map: first day of the period (empty: the month before the as-of date)"),
            QgsProcessingParameterDateTime.Date, optional=True))
        self.addParameter(QgsProcessingParameterDateTime(
            "PATROL_END", self.tr("Patrol map: last day of the period"), QgsProcessingParameterDateTime.Date,
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            "PATROL_PROFILE", self.tr("Patrol map: rule profile (empty: the default)"), optional=True))
        self.addOutput(QgsProcessingOutputMultipleLayers("FILES", self.tr("Files written")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.workspace import WorkspaceError
        from hezhang_plugin.layout.export import Canceled, ExportError, run_export
        from hezhang_plugin.layout.options import ExportOptions

        options = ExportOptions(
            workspace=self.parameterAsFile(parameters, "WORKSPACE", context),
            products=tuple(PRODUCT_KEYS[i] for i in self.parameterAsEnums(parameters, "PRODUCTS", context)),
            fmt=FORMAT_KEYS[self.parameterAsEnum(parameters, "FORMAT", context)],
            folder=self.parameterAsString(parameters, "OUTPUT_FOLDER", context),
            dpi=self.parameterAsInt(parameters, "DPI", context) or DEFAULT_DPI,
            page_size=PAGE_KEYS[self.parameterAsEnum(parameters, "PAGE_SIZE", context)],
            one_file_per_page=self.parameterAsBool(parameters, "ONE_FILE_PER_PAGE", context),
            imagery=self.parameterAsBool(parameters, "IMAGERY", context),
            as_of=self._date(parameters, "DATE", context),
            patrol_start=self._date(parameters, "PATROL_START", context),
            patrol_end=self._date(parameters, "PATROL_END", context),
            patrol_profile=self.parameterAsString(parameters, "PATROL_PROFILE", context) or None)
        try:
            files = run_export(options, feedback)
        except Canceled as exc:
            raise QgsProcessingException(self.tr("Export canceled")) from exc
        except (ExportError, WorkspaceError) as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        feedback.pushInfo(self.tr("{0} file(s) written to {1}").format(len(files), options.folder))
        return {"OUTPUT_FOLDER": options.folder, "FILES": files}

    def _date(self, parameters, name, context):
        """ISO text of an optional date parameter (None when empty)."""
        if parameters.get(name) in (None, ""):
            return None
        qdate = (self.parameterAsDate(parameters, name, context) if hasattr(self, "parameterAsDate")
                 else self.parameterAsDateTime(parameters, name, context).date())
        return qdate.toString("yyyy-MM-dd") if qdate.isValid() else None
