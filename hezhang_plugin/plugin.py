"""Plugin wiring: what initGui adds, unload removes, in reverse order."""

from __future__ import annotations

import os

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from hezhang_plugin import i18n, log

ICON = os.path.join(os.path.dirname(__file__), "icons", "hezhang.svg")
MENU = "河长制 / River Chiefs"
DOCK_OBJECT_NAME = "HezhangDock"
#: The start-up check's feature (startup.FEATURES) each dock page needs.
PAGE_FEATURES = {"ChiefsPage": "chiefs", "SegmentsPage": "segments", "PatrolsPage": "patrols",
                 "ProblemsPage": "problems", "OverlaysPage": "imagery", "ExportPage": "export"}
TOOLBAR_OBJECT_NAME = "HezhangToolbar"


class HezhangPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.translator = None
        self.log_handler = None
        self.provider = None
        self.key_injector = False
        self.workspace_paths = False
        self.dock = None
        self.toolbar = None
        self.actions: list[QAction] = []
        self.toggle_action = None

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("HezhangPlugin", text)

    def initProcessing(self):
        from hezhang_plugin import startup
        from hezhang_plugin.processing.provider import HezhangProvider

        startup.start()  # once: dependencies checked, PROJ data resolved

        registry = QgsApplication.processingRegistry()
        if self.provider is None and registry.providerById("hezhang") is None:
            provider = HezhangProvider()
            # addProvider deletes a provider it refuses, so keep it only when accepted.
            if registry.addProvider(provider):
                self.provider = provider

    def initGui(self):
        from hezhang_plugin import startup

        self.translator = i18n.install_translator()
        self.log_handler = log.install_handler()
        missing = startup.start()
        self.initProcessing()
        from hezhang_plugin.overlays import sources

        # Tianditu layers carry only an auth config id; the key is added to their requests.
        sources.install_key_injector()
        self.key_injector = True
        from hezhang_plugin.data import project as wsproject

        # A workspace QGIS opens itself (Recent Projects, Open Project) after it was copied or
        # renamed: its layers are found in the file it is opened from.
        wsproject.install_opened_workspace_paths()
        self.workspace_paths = True

        from hezhang_plugin.gui.dock import HezhangDock

        self.dock = HezhangDock(self.iface, self.iface.mainWindow())
        self.dock.setObjectName(DOCK_OBJECT_NAME)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        self.toolbar = self.iface.addToolBar(self.tr("River Chiefs"))
        self.toolbar.setObjectName(TOOLBAR_OBJECT_NAME)

        self.toggle_action = QAction(QIcon(ICON), self.tr("River Chiefs panel"), self.iface.mainWindow())
        self.toggle_action.setObjectName("HezhangToggleDock")
        self.toggle_action.setCheckable(True)
        self.toggle_action.toggled.connect(self.dock.setUserVisible)
        self.dock.visibilityChanged.connect(self.toggle_action.setChecked)
        self._add_action(self.toggle_action)

        new_ws = QAction(self.tr("New workspace…"), self.iface.mainWindow())
        new_ws.setObjectName("HezhangNewWorkspace")
        new_ws.triggered.connect(self.dock.new_workspace)
        self._add_action(new_ws, toolbar=False)
        open_ws = QAction(self.tr("Open workspace…"), self.iface.mainWindow())
        open_ws.setObjectName("HezhangOpenWorkspace")
        open_ws.triggered.connect(self.dock.open_workspace_dialog)
        self._add_action(open_ws, toolbar=False)
        for action in self.dock.toolbar_actions():
            self._add_action(action)
        if missing:
            self._disable_missing(missing)

    def _disable_missing(self, message: str) -> None:
        """One message about missing packages; only the dock tabs that need them are off."""
        from hezhang_plugin import startup

        for name, page in self.dock.pages.items():
            if startup.missing_for(PAGE_FEATURES.get(name, "")):
                index = self.dock.tabs.indexOf(page)
                self.dock.tabs.setTabEnabled(index, False)
                self.dock.tabs.setTabToolTip(index, message)
        self.iface.messageBar().pushMessage(self.tr("River Chiefs"), message, Qgis.MessageLevel.Warning, 0)

    def _add_action(self, action: QAction, toolbar: bool = True) -> None:
        self.iface.addPluginToMenu(MENU, action)
        if toolbar:
            self.toolbar.addAction(action)
        self.actions.append(action)

    def unload(self):
        for action in reversed(self.actions):
            self.iface.removePluginMenu(MENU, action)
            if self.toolbar is not None:
                self.toolbar.removeAction(action)
        self.actions.clear()
        if self.toggle_action is not None:
            self.toggle_action.deleteLater()
            self.toggle_action = None
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.dock is not None:
            self.dock.teardown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.workspace_paths:
            from hezhang_plugin.data import project as wsproject

            wsproject.remove_opened_workspace_paths()
            self.workspace_paths = False
        if self.key_injector:
            from hezhang_plugin.overlays import sources

            sources.remove_key_injector()
            self.key_injector = False
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.log_handler is not None:
            log.remove_handler(self.log_handler)
            self.log_handler = None
        i18n.remove_translator(self.translator)
        self.translator = None
