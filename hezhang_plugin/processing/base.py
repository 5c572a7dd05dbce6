"""Common base of the hezhang Processing algorithms: naming, help, translation, icon."""

from __future__ import annotations

import os

from qgis.core import QgsProcessingAlgorithm
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QIcon

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "icons", "hezhang.svg")


class HezhangAlgorithm(QgsProcessingAlgorithm):
    """Subclasses set ``ALG_ID``, ``DISPLAY``, ``GROUP`` and implement the algorithm."""

    ALG_ID = ""
    DISPLAY = ""
    GROUP = "Workspace"
    GROUP_ID = "workspace"
    HELP = ""
    #: The feature of startup.FEATURES whose packages the algorithm needs.
    FEATURE = "segments"

    def tr(self, text: str) -> str:
        # pylupdate5 files self.tr() strings under the class name, so look them up there.
        return QCoreApplication.translate(type(self).__name__, text)

    def name(self) -> str:
        return self.ALG_ID

    def displayName(self) -> str:
        return self.tr(self.DISPLAY)

    def group(self) -> str:
        return QCoreApplication.translate("HezhangAlgorithm", self.GROUP)

    def groupId(self) -> str:
        return self.GROUP_ID

    def shortHelpString(self) -> str:
        return self.tr(self.HELP)

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def createInstance(self):
        return type(self)()

    def checkParameterValues(self, parameters, context):
        """Refuse to run, with the start-up check's message, when a package it needs is missing."""
        from hezhang_plugin import startup

        if startup.missing_for(self.FEATURE):
            lacking = [r for r in startup.REQUIREMENTS if r.package in startup.missing_for(self.FEATURE)]
            return False, startup.missing_message(lacking)
        return super().checkParameterValues(parameters, context)


def _group_names():
    # Listed so pylupdate5 collects the group names under HezhangAlgorithm.
    return (
        QCoreApplication.translate("HezhangAlgorithm", "Workspace"),
        QCoreApplication.translate("HezhangAlgorithm", "Segments"),
        QCoreApplication.translate("HezhangAlgorithm", "Chiefs and coverage"),
        QCoreApplication.translate("HezhangAlgorithm", "Imagery"),
        QCoreApplication.translate("HezhangAlgorithm", "Maps"),
    )
