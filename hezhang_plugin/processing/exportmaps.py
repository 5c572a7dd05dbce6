"""hezhang:exportmaps — coverage map, town atlas and notice boards to PDF, PNG or SVG."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputMultipleLayers,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterNumber,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.i18n import user_text
from hezhang_plugin.layout.common import FORMATS as FORMAT_KEYS
from hezhang_plugin.layout.common import PAGE_CHOICES as PAGE_KEYS
from hezhang_plugin.layout.common import PRODUCTS as PRODUCT_KEYS
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
        "so they can be restyled in the layout designer and exported again.")

    def flags(self):
        # Layout expressions resolve layers through the project instance (QGIS 3.22).
        return super().flags() | self.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("Workspace")))
        self.addParameter(QgsProcessingParameterEnum(
            "PRODUCTS", self.tr("Products"),
            options=[self.tr("Coverage map"), self.tr("Town atlas"), self.tr("Notice boards")],
            allowMultiple=True, defaultValue=[0, 1, 2]))
        self.addParameter(QgsProcessingParameterEnum(
            "FORMAT", self.tr("Format"), options=["PDF", "PNG", "SVG"], defaultValue=0))
        self.addParameter(QgsProcessingParameterFolderDestination(
            "OUTPUT_FOLDER", self.tr("Output folder")))
        self.addParameter(QgsProcessingParameterNumber(
            "DPI", self.tr("Resolution (dpi)"), QgsProcessingParameterNumber.Integer, 300, True, 50, 1200))
        self.addParameter(QgsProcessingParameterEnum(
            "PAGE_SIZE", self.tr("Page size of the coverage map and town atlas"), options=list(PAGE_KEYS),
            defaultValue=0, optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "ONE_FILE_PER_PAGE", self.tr("One PDF file per town / segment"), False, True))
        self.addParameter(QgsProcessingParameterBoolean(
            "IMAGERY", self.tr("Imagery background on the coverage map and town atlas (遥感影像 group)"),
            False, True))
        self.addOutput(QgsProcessingOutputMultipleLayers("FILES", self.tr("Files written")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.workspace import WorkspaceError
        from hezhang_plugin.layout.export import Canceled, ExportError, export_products

        path = self.parameterAsFile(parameters, "WORKSPACE", context)
        products = [PRODUCT_KEYS[i] for i in self.parameterAsEnums(parameters, "PRODUCTS", context)]
        if not products:
            raise QgsProcessingException(self.tr("Choose at least one product"))
        fmt = FORMAT_KEYS[self.parameterAsEnum(parameters, "FORMAT", context)]
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        dpi = self.parameterAsInt(parameters, "DPI", context) or 300
        page = PAGE_KEYS[self.parameterAsEnum(parameters, "PAGE_SIZE", context)]
        per_page = self.parameterAsBool(parameters, "ONE_FILE_PER_PAGE", context)
        imagery = self.parameterAsBool(parameters, "IMAGERY", context)
        try:
            files = export_products(path, products, fmt, folder, feedback, dpi=dpi, page_size=page,
                                    one_file_per_page=per_page, imagery=imagery)
        except Canceled as exc:
            raise QgsProcessingException(self.tr("Export canceled")) from exc
        except (ExportError, WorkspaceError) as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        feedback.pushInfo(self.tr("{0} file(s) written to {1}").format(len(files), folder))
        return {"OUTPUT_FOLDER": folder, "FILES": files}
