"""The River Chiefs dock: the home of the plugin inside QGIS desktop."""

from __future__ import annotations

import importlib
import os
from typing import Optional

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hezhang_plugin import log
from hezhang_plugin.core import schema, uris
from hezhang_plugin.data import gpkg as wsgpkg
from hezhang_plugin.data import workspace as ws

_COUNT_ROWS = (
    ("admin_units", "Administrative units"),
    ("rivers", "Rivers"),
    ("segments", "Segments"),
    ("chiefs", "Chiefs"),
    ("assignments", "Assignments"),
    ("notice_boards", "Notice boards"),
)


def workspace_path_of(project: QgsProject) -> Optional[str]:
    """The GeoPackage a project was read from, when it is stored in one."""
    return uris.project_path(project.fileName() or "") or None


class WorkspacePage(QWidget):
    new_requested = pyqtSignal()
    open_requested = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New workspace…"))
        self.new_button.setObjectName("newWorkspaceButton")
        self.open_button = QPushButton(self.tr("Open workspace…"))
        self.open_button.setObjectName("openWorkspaceButton")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        layout.addLayout(buttons)
        self.district_label = QLabel(self.tr("No workspace open."))
        self.district_label.setObjectName("districtLabel")
        self.district_label.setWordWrap(True)
        font = self.district_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.district_label.setFont(font)
        layout.addWidget(self.district_label)
        self.path_label = QLabel()
        self.path_label.setObjectName("pathLabel")
        self.path_label.setWordWrap(True)
        layout.addWidget(self.path_label)
        box = QGroupBox(self.tr("Contents"))
        grid = QGridLayout(box)
        self.count_labels: dict[str, QLabel] = {}
        titles = {
            "admin_units": self.tr("Administrative units"),
            "rivers": self.tr("Rivers"),
            "segments": self.tr("Segments"),
            "chiefs": self.tr("Chiefs"),
            "assignments": self.tr("Assignments"),
            "notice_boards": self.tr("Notice boards"),
        }
        for row, (name, _title) in enumerate(_COUNT_ROWS):
            grid.addWidget(QLabel(titles[name]), row, 0)
            value = QLabel("–")
            value.setObjectName(f"count_{name}")
            self.count_labels[name] = value
            grid.addWidget(value, row, 1)
        layout.addWidget(box)
        layout.addStretch(1)

    def show_workspace(self, info: Optional[wsgpkg.WorkspaceInfo], counts: dict[str, int]) -> None:
        if info is None:
            self.district_label.setText(self.tr("No workspace open."))
            self.path_label.setText("")
            for label in self.count_labels.values():
                label.setText("–")
            return
        self.district_label.setText(f"{info.district_name}  ({info.district_code[:6]})")
        self.path_label.setText(self.tr("{0} · schema version {1} · {2}").format(
            os.path.basename(info.path), info.schema_version, info.crs))
        for name, label in self.count_labels.items():
            label.setText(str(counts.get(name, 0)))


#: Pages of the dock after the workspace page: (module, class, title). Each page class takes
#: (iface, parent) and has set_workspace(path or None).
PAGES = (
    ("hezhang_plugin.gui.chiefs_page", "ChiefsPage", "Chiefs"),
    ("hezhang_plugin.gui.segments_page", "SegmentsPage", "Segments"),
    ("hezhang_plugin.gui.overlays_page", "OverlaysPage", "Imagery"),
    ("hezhang_plugin.gui.export_page", "ExportPage", "Export"),
)


class HezhangDock(QgsDockWidget):
    """Dock with one tab per task; later capabilities add their own pages."""

    workspace_changed = pyqtSignal(str)

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setWindowTitle(self.tr("河长制 / River Chiefs"))
        self.info: Optional[wsgpkg.WorkspaceInfo] = None
        self.tabs = QTabWidget()
        self.tabs.setObjectName("hezhangTabs")
        self.workspace_page = WorkspacePage()
        self.workspace_page.setObjectName("workspacePage")
        self.workspace_page.new_requested.connect(self.new_workspace)
        self.workspace_page.open_requested.connect(self.open_workspace_dialog)
        self.tabs.addTab(self.workspace_page, self.tr("Workspace"))
        self.pages: dict[str, QWidget] = {}
        titles = {"Chiefs": self.tr("Chiefs"), "Segments": self.tr("Segments"),
                  "Imagery": self.tr("Imagery"), "Export": self.tr("Export")}
        for module, cls, title in PAGES:
            page = getattr(importlib.import_module(module), cls)(iface, self)
            page.setObjectName(f"{cls[0].lower()}{cls[1:]}")
            self.pages[cls] = page
            self.tabs.addTab(page, titles[title])
        self.setWidget(self.tabs)
        self._project = QgsProject.instance()
        self._project.readProject.connect(self._on_project_read)
        self._project.cleared.connect(self._on_project_cleared)
        self._on_project_read()

    # -- pages and actions added by other parts of the plugin
    def add_page(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def toolbar_actions(self) -> list:
        actions = []
        for page in self.pages.values():
            actions += getattr(page, "toolbar_actions", lambda: [])()
        return actions

    def teardown(self) -> None:
        for page in self.pages.values():
            if hasattr(page, "teardown"):
                page.teardown()
        try:
            self._project.readProject.disconnect(self._on_project_read)
            self._project.cleared.disconnect(self._on_project_cleared)
        except TypeError:
            pass

    # -- workspace
    def message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 6) -> None:
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.tr("River Chiefs"), text, level, duration)
        log.get_logger().info(text)

    def refresh(self) -> None:
        counts = wsgpkg.table_counts(self.info.path) if self.info else {}
        self.workspace_page.show_workspace(self.info, counts)
        for page in self.pages.values():
            page.set_workspace(self.info.path if self.info else None)

    def _on_project_read(self, *args) -> None:
        path = workspace_path_of(self._project)
        self.info = None
        if path and os.path.exists(path):
            try:
                self.info = ws.check_workspace(path)
            except ws.WorkspaceError:
                self.info = None
        self.refresh()
        if self.info:
            self.workspace_changed.emit(self.info.path)

    def _on_project_cleared(self) -> None:
        self.info = None
        self.refresh()

    def new_workspace(self) -> None:
        from hezhang_plugin.gui.workspace_dialog import NewWorkspaceDialog

        dialog = NewWorkspaceDialog(self)
        if not dialog.exec():
            return
        values = dialog.values()
        try:
            info = ws.create_workspace(values["OUTPUT"], values["DISTRICT_CODE"], values["DISTRICT_NAME"],
                                       values["CRS"], overwrite=True, lang=_lang())
        except ws.WorkspaceError as exc:
            QMessageBox.warning(self, self.tr("New workspace"), str(exc))
            return
        self.open_workspace(info.path)

    def open_workspace_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open river-chief workspace"), "",
                                              self.tr("GeoPackage (*.gpkg)"))
        if path:
            self.open_workspace(path)

    def open_workspace(self, path: str, ask: bool = True) -> bool:
        """Check, migrate (after asking) and load the workspace's project."""
        from hezhang_plugin.data import migrations
        from hezhang_plugin.data import project as wsproject

        try:
            info = ws.check_workspace(path)
        except ws.WorkspaceError as exc:
            self._refuse(str(exc))
            return False
        if info.schema_version < schema.SCHEMA_VERSION:
            steps = migrations.pending(info.schema_version)
            text = self.tr("{0} has schema version {1}. Migrate it to version {2}?\n\n{3}").format(
                os.path.basename(path), info.schema_version, schema.SCHEMA_VERSION,
                "\n".join(f"• {s.description}" for s in steps))
            if ask and QMessageBox.question(self, self.tr("Migrate workspace"), text) != QMessageBox.StandardButton.Yes:
                return False
            try:
                migrations.migrate(path, ws._update_project_fields)
            except Exception as exc:  # report any failure; the file is left as it was
                self._refuse(self.tr("Migration failed, the workspace was not changed: {0}").format(exc))
                return False
        with wsproject.WorkspacePathFixer(os.path.abspath(path)):
            uri = wsproject.project_uri(os.path.abspath(path))
            add_project = getattr(self.iface, "addProject", None)
            ok = add_project(uri) if add_project is not None else QgsProject.instance().read(uri)
            opened = workspace_path_of(QgsProject.instance()) == os.path.abspath(path)
            if ok is None or (ok is False and not opened):
                ok = QgsProject.instance().read(uri)
        if not ok:
            self._refuse(self.tr("{0}: the project stored in the workspace could not be read.").format(
                os.path.basename(path)))
            return False
        self._on_project_read()
        self.message(self.tr("Opened workspace {0}").format(os.path.basename(path)), Qgis.MessageLevel.Success)
        return True

    def _refuse(self, text: str) -> None:
        self.message(text, Qgis.MessageLevel.Critical, 10)
        QMessageBox.warning(self, self.tr("Open workspace"), text)


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()
