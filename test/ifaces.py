"""A QgisInterface for tests that records what a plugin adds to a real QMainWindow.

pytest-qgis's stub cannot remove menus or docks, and the point of the lifecycle tests is
to prove that everything added is removed again.
"""

from __future__ import annotations

from qgis.core import QgsProject
from qgis.gui import QgsMapCanvas, QgsMessageBar
from qgis.PyQt.QtWidgets import QMainWindow, QMenu, QToolBar


class RecordingMessageBar(QgsMessageBar):
    """A real message bar that also keeps (title, text, level) of every message pushed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.messages: list[tuple] = []

    def pushMessage(self, title, text=None, level=0, duration=-1):
        self.messages.append((title, text, level))


class RecordingIface:
    def __init__(self):
        self.window = QMainWindow()
        self.canvas = QgsMapCanvas(self.window)
        self.window.setCentralWidget(self.canvas)
        self.bar = RecordingMessageBar(self.window)
        self.plugin_menu = QMenu("Plugins", self.window)
        self.window.menuBar().addMenu(self.plugin_menu)
        self.messages = self.bar.messages

    def mainWindow(self):
        return self.window

    def mapCanvas(self):
        return self.canvas

    def messageBar(self):
        return self.bar

    def addToolBar(self, name):
        tb = QToolBar(name, self.window)
        self.window.addToolBar(tb)
        return tb

    def addDockWidget(self, area, dock):
        self.window.addDockWidget(area, dock)

    def removeDockWidget(self, dock):
        self.window.removeDockWidget(dock)

    def _submenu(self, name, create):
        for action in self.plugin_menu.actions():
            if action.menu() is not None and action.text() == name:
                return action.menu()
        return self.plugin_menu.addMenu(name) if create else None

    def addPluginToMenu(self, name, action):
        self._submenu(name, True).addAction(action)

    def removePluginMenu(self, name, action):
        menu = self._submenu(name, False)
        if menu is None:
            return
        menu.removeAction(action)
        if not menu.actions():
            self.plugin_menu.removeAction(menu.menuAction())
            menu.deleteLater()

    def addProject(self, uri):
        return QgsProject.instance().read(uri)

    def activeLayer(self):
        return None
