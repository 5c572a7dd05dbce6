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
        # Every input layer's CRS is checked before the run (Processing dialog, processing.run,
        # qgis_process) so that a layer without a CRS or with a wrong one is refused up front.
        from qgis.core import QgsProcessingException

        from hezhang_plugin import startup
        from hezhang_plugin.processing.inputs import check_inputs

        missing = startup.missing_for(self.FEATURE)
        if missing:  # the start-up check's message, only for what this algorithm needs
            return False, startup.missing_message([r for r in startup.REQUIREMENTS if r.package in missing])
        ok, message = super().checkParameterValues(parameters, context)
        if not ok:
            return ok, message
        try:
            check_inputs(self, parameters, context)
        except QgsProcessingException as exc:
            return False, str(exc)
        return True, ""

    def prepareAlgorithm(self, parameters, context, feedback):
        # Also on paths that skip checkParameterValues (QgsProcessingAlgRunnerTask, alg.run()).
        # The refusal is reported, not raised: an exception leaving this virtual through SIP keeps
        # its frames (and the layers they hold) alive past QGIS's exit.
        from qgis.core import QgsProcessingException

        from hezhang_plugin.processing.inputs import check_inputs

        try:
            check_inputs(self, parameters, context)
        except QgsProcessingException as exc:
            message = str(exc)
        else:
            return True
        if feedback is not None:
            feedback.reportError(message, True)
        return False


def _group_names():
    # Listed so pylupdate5 collects the group names under HezhangAlgorithm.
    return (
        QCoreApplication.translate("HezhangAlgorithm", "Workspace"),
        QCoreApplication.translate("HezhangAlgorithm", "Segments"),
        QCoreApplication.translate("HezhangAlgorithm", "Chiefs and coverage"),
        QCoreApplication.translate("HezhangAlgorithm", "Imagery"),
        QCoreApplication.translate("HezhangAlgorithm", "Maps"),
        QCoreApplication.translate("HezhangAlgorithm", "Patrols"),
        QCoreApplication.translate("HezhangAlgorithm", "Problems and assessment"),
    )
