"""Processing provider ``hezhang``: one algorithm per module, listed here."""

from __future__ import annotations

import importlib

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from hezhang_plugin.processing.base import ICON

#: (module, class) of every algorithm; modules are imported when the provider loads.
ALGORITHMS = [
    ("hezhang_plugin.processing.createworkspace", "CreateWorkspaceAlgorithm"),
    ("hezhang_plugin.processing.importroster", "ImportRosterAlgorithm"),
    ("hezhang_plugin.processing.checkcoverage", "CheckCoverageAlgorithm"),
    ("hezhang_plugin.processing.gcj02convert", "Gcj02ConvertAlgorithm"),
    ("hezhang_plugin.processing.waterchange", "WaterChangeAlgorithm"),
    ("hezhang_plugin.processing.segmentrivers", "SegmentRiversAlgorithm"),
    ("hezhang_plugin.processing.exportmaps", "ExportMapsAlgorithm"),
    ("hezhang_plugin.processing.placeboards", "PlaceBoardsAlgorithm"),
    ("hezhang_plugin.processing.migrateworkspace", "MigrateWorkspaceAlgorithm"),
    ("hezhang_plugin.processing.adduser", "AddUserAlgorithm"),
    ("hezhang_plugin.processing.history", "HistoryAlgorithm"),
    ("hezhang_plugin.processing.importpatrols", "ImportPatrolsAlgorithm"),
    ("hezhang_plugin.processing.checkpatrols", "CheckPatrolsAlgorithm"),
    ("hezhang_plugin.processing.assess", "AssessAlgorithm"),
    ("hezhang_plugin.processing.workreport", "WorkReportAlgorithm"),
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
