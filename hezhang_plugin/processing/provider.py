"""Processing provider ``hezhang``: one algorithm per module, listed here."""

from __future__ import annotations

import importlib

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from hezhang_plugin.processing.base import ICON

#: (module, class) of every algorithm; modules are imported when the provider loads.
ALGORITHMS = [
    ("hezhang_plugin.processing.createworkspace", "CreateWorkspaceAlgorithm"),
]


class HezhangProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "hezhang"

    def name(self) -> str:
        return "Hezhang 河长制"

    def longName(self) -> str:
        return "Hezhang river-chief system (河长制)"

    def icon(self) -> QIcon:
        return QIcon(ICON)

    def loadAlgorithms(self):
        for module, cls in ALGORITHMS:
            self.addAlgorithm(getattr(importlib.import_module(module), cls)())
