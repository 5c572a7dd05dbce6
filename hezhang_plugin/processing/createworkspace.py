"""hezhang:createworkspace — a new GeoPackage workspace with every layer and its project."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm


class CreateWorkspaceAlgorithm(HezhangAlgorithm):
    FEATURE = "workspace"
    ALG_ID = "createworkspace"
    DISPLAY = QT_TRANSLATE_NOOP("CreateWorkspaceAlgorithm", "Create workspace")
    HELP = QT_TRANSLATE_NOOP(
        "CreateWorkspaceAlgorithm",
        "Creates a river-chief workspace: one GeoPackage holding administrative units, "
        "rivers, segments, chiefs, assignments and notice boards, with the QGIS project "
        "(styles, forms, relations, snapping) stored inside it. DISTRICT_CODE is the "
        "6-digit GB/T 2260 code or the 12-digit statistical code of the district. CRS is "
        "CGCS2000 (EPSG:4490) or a CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554).")

    def flags(self):
        # Builds a QgsProject; keep it on the thread that owns the QGIS objects it creates.
        return super().flags() | self.FlagNoThreading

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterString("DISTRICT_CODE", self.tr("District code")))
        self.addParameter(QgsProcessingParameterString("DISTRICT_NAME", self.tr("District name")))
        self.addParameter(QgsProcessingParameterCrs("CRS", self.tr("Workspace CRS"),
                                                    defaultValue="EPSG:4490", optional=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Workspace GeoPackage"), self.tr("GeoPackage (*.gpkg)")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.workspace import WorkspaceError, create_workspace
        from hezhang_plugin.i18n import ui_language

        code = self.parameterAsString(parameters, "DISTRICT_CODE", context)
        name = self.parameterAsString(parameters, "DISTRICT_NAME", context)
        crs = self.parameterAsCrs(parameters, "CRS", context)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        authid = crs.authid() if crs.isValid() else None
        try:
            info = create_workspace(out, code, name, authid, lang=ui_language(), overwrite=True)
        except WorkspaceError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        feedback.pushInfo(self.tr("Workspace for {0} ({1}) written to {2}").format(
            info.district_name, info.district_code, info.path))
        return {"OUTPUT": info.path}
