"""The River Chiefs dock: the home of the plugin inside QGIS desktop.

The dock owns the :class:`~hezhang_plugin.gui.session.WorkspaceSession` (the open
workspace, its layers and their unsaved edits) and hands it to every page
(:class:`~hezhang_plugin.gui.page.DockPage`). Opening or creating another workspace asks
first when edits are unsaved (Save / Discard / Cancel, as QGIS does for a project) and
then shows the district on the map.
"""

from __future__ import annotations

import importlib
import os
from typing import Optional

from qgis.core import (
    Qgis,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProject,
    QgsRectangle,
)
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
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
from hezhang_plugin.data.postgres.connection import is_postgres
from hezhang_plugin.gui.session import WorkspaceSession
from hezhang_plugin.i18n import user_text

_COUNT_ROWS = (
    ("admin_units", "Administrative units"),
    ("rivers", "Rivers"),
    ("segments", "Segments"),
    ("chiefs", "Chiefs"),
    ("assignments", "Assignments"),
    ("notice_boards", "Notice boards"),
)


def workspace_path_of(project: QgsProject) -> Optional[str]:
    """The workspace a project was read from: the GeoPackage it is stored in, or
    ``service=NAME`` for a project stored in a PostgreSQL workspace."""
    name = project.fileName() or ""
    if name.startswith("postgresql:"):
        from hezhang_plugin.data.postgres import qgis_sources

        return qgis_sources.workspace_of_project(name)
    return uris.project_path(name) or None


def stored_view(doc) -> bool:
    """True when a project document (QDomDocument, as QgsProject.readProject hands it) keeps
    a map view: a ``mapcanvas`` element whose ``extent`` has a positive width and height."""
    canvases = doc.elementsByTagName("mapcanvas")
    for i in range(canvases.count()):
        extent = canvases.at(i).toElement().firstChildElement("extent")
        try:
            xmin, ymin, xmax, ymax = (float(extent.firstChildElement(k).text())
                                      for k in ("xmin", "ymin", "xmax", "ymax"))
        except ValueError:  # no extent, or not numbers
            continue
        if xmax > xmin and ymax > ymin:
            return True
    return False


def _check(workspace: str) -> wsgpkg.WorkspaceInfo:
    """The workspace's metadata (a GeoPackage path or service=NAME); WorkspaceError if none."""
    if is_postgres(workspace):
        from hezhang_plugin.data.postgres.workspace import read_workspace_info

        return read_workspace_info(workspace)
    return ws.check_workspace(workspace)


def _label(info: wsgpkg.WorkspaceInfo) -> str:
    return info.path if is_postgres(info.path) else os.path.basename(info.path)


class WorkspacePage(QWidget):
    new_requested = pyqtSignal()
    open_requested = pyqtSignal()
    open_postgres_requested = pyqtSignal()

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(self.tr("New workspace…"))
        self.new_button.setObjectName("newWorkspaceButton")
        self.open_button = QPushButton(self.tr("Open workspace…"))
        self.open_button.setObjectName("openWorkspaceButton")
        self.open_pg_button = QPushButton(self.tr("Open from PostgreSQL…"))
        self.open_pg_button.setObjectName("openPostgresButton")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self.open_requested)
        self.open_pg_button.clicked.connect(self.open_postgres_requested)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.open_pg_button)
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
        self.read_only_label = QLabel(self.tr(
            "Read-only: this workspace cannot be changed here (the file or its folder cannot be "
            "written). Checking coverage and exporting maps work."))
        self.read_only_label.setObjectName("readOnlyLabel")
        self.read_only_label.setWordWrap(True)
        self.read_only_label.setStyleSheet("color: #9c5700;")
        self.read_only_label.setVisible(False)
        layout.addWidget(self.read_only_label)
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
        self.read_only_label.setVisible(info is not None and wsgpkg.is_read_only(info.path))
        if info is None:
            self.district_label.setText(self.tr("No workspace open."))
            self.path_label.setText("")
            for label in self.count_labels.values():
                label.setText("–")
            return
        self.district_label.setText(f"{info.district_name}  ({info.district_code[:6]})")
        self.path_label.setText(self.tr("{0} · schema version {1} · {2}").format(
            _label(info), info.schema_version, info.crs))
        for name, label in self.count_labels.items():
            label.setText(str(counts.get(name, "–")))


#: Pages of the dock after the workspace page: (module, class, title). Each page class is a
#: DockPage taking (iface, parent); the dock gives it the session with set_workspace.
PAGES = (
    ("hezhang_plugin.gui.chiefs_page", "ChiefsPage", "Chiefs"),
    ("hezhang_plugin.gui.segments_page", "SegmentsPage", "Segments"),
    ("hezhang_plugin.gui.patrols_page", "PatrolsPage", "Patrols"),
    ("hezhang_plugin.gui.problems_page", "ProblemsPage", "Problems"),
    ("hezhang_plugin.gui.overlays_page", "OverlaysPage", "Imagery"),
    ("hezhang_plugin.gui.export_page", "ExportPage", "Export"),
    ("hezhang_plugin.gui.admin_page", "AdminPage", "Users"),
)


class HezhangDock(QgsDockWidget):
    """Dock with one tab per task; later capabilities add their own pages."""

    workspace_changed = pyqtSignal(str)

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.setWindowTitle(self.tr("河长制 / River Chiefs"))
        self.info: Optional[wsgpkg.WorkspaceInfo] = None
        self.session = WorkspaceSession(QgsProject.instance(), self)
        self.session.changed.connect(self._session_changed)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("hezhangTabs")
        self.workspace_page = WorkspacePage()
        self.workspace_page.setObjectName("workspacePage")
        self.workspace_page.new_requested.connect(self.new_workspace)
        self.workspace_page.open_requested.connect(self.open_workspace_dialog)
        self.workspace_page.open_postgres_requested.connect(self.open_postgres_dialog)
        self.tabs.addTab(self.workspace_page, self.tr("Workspace"))
        self.pages: dict[str, QWidget] = {}
        titles = {"Chiefs": self.tr("Chiefs"), "Segments": self.tr("Segments"), "Patrols": self.tr("Patrols"),
                  "Problems": self.tr("Problems"),
                  "Imagery": self.tr("Imagery"), "Export": self.tr("Export"), "Users": self.tr("Users")}
        for module, cls, title in PAGES:
            page = getattr(importlib.import_module(module), cls)(iface, self)
            page.setObjectName(f"{cls[0].lower()}{cls[1:]}")
            self.pages[cls] = page
            self.tabs.addTab(page, titles[title])
        if "PatrolsPage" in self.pages and hasattr(self.pages.get("ChiefsPage"), "set_patrol_badges"):
            self.pages["PatrolsPage"].badges_changed.connect(self.pages["ChiefsPage"].set_patrol_badges)
        self.setWidget(self.tabs)
        from hezhang_plugin.gui.conflict_watch import ConflictWatcher

        # Shared (PostgreSQL) layers: after a save refused for a conflict, offer to reapply.
        self.conflicts = ConflictWatcher(self)
        self._project = QgsProject.instance()
        #: QGIS read a project itself (readProject, not the dock's own open) ...
        self._read_by_qgis = False
        #: ... that keeps no map view of its own: show the district.
        self._zoom_after_read = False
        self._project.readProject.connect(self._project_was_read)
        self._project.cleared.connect(self._on_project_cleared)
        # Clearing or replacing the project removes the layers the page tasks are reading.
        self._project.layersWillBeRemoved.connect(self._layers_going)
        self._on_project_read()

    # -- pages and actions added by other parts of the plugin
    def add_page(self, widget: QWidget, title: str) -> None:
        self.tabs.addTab(widget, title)

    def toolbar_actions(self) -> list:
        actions = []
        for page in self.pages.values():
            actions += getattr(page, "toolbar_actions", lambda: [])()
        return actions

    def stop_tasks(self) -> None:
        """Cancel every page's tasks and wait until none is still reading a layer: the
        project's layers are about to go (another project, New/Open workspace, unload)."""
        from hezhang_plugin.gui import tasks

        for page in self.pages.values():
            runner = getattr(page, "tasks", None)
            if runner is not None:
                runner.cancel_all()
        tasks.drain()

    def _layers_going(self, layer_ids) -> None:
        ours = {lyr.id() for lyr in self.session.layers().values() if lyr is not None}
        if ours.intersection(layer_ids):
            self.stop_tasks()

    def teardown(self) -> None:
        self.stop_tasks()
        for page in self.pages.values():
            if hasattr(page, "teardown"):
                page.teardown()
        try:
            self._project.readProject.disconnect(self._project_was_read)
            self._project.cleared.disconnect(self._on_project_cleared)
            self._project.layersWillBeRemoved.disconnect(self._layers_going)
        except TypeError:
            pass
        try:
            self.session.changed.disconnect(self._session_changed)
        except TypeError:
            pass
        self.conflicts.clear()
        self.session.dispose()

    # -- workspace
    def message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 6) -> None:
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.tr("River Chiefs"), text, level, duration)
        log.get_logger().info(text)

    def refresh(self) -> None:
        self._show_counts()
        from hezhang_plugin.gui.page import DockPage

        for page in self.pages.values():
            if isinstance(page, DockPage):
                page.set_workspace(self.session if self.session.is_open else None)
            else:  # a page not (yet) on the session takes the workspace file
                page.set_workspace(self.session.path if self.session.is_open else None)

    def _show_counts(self) -> None:
        counts = {}
        if self.info is not None:
            if is_postgres(self.info.path):
                from hezhang_plugin.data.postgres.workspace import table_counts

                try:
                    counts = table_counts(self.info.path)
                except ws.WorkspaceError as exc:
                    log.get_logger().info("%s", exc)
            else:
                import sqlite3

                try:
                    counts = wsgpkg.table_counts(self.info.path)
                except (sqlite3.Error, OSError, ws.WorkspaceError) as exc:
                    # e.g. "database is locked" while another program writes: shown as "–"
                    log.get_logger().warning("counting the rows of %s: %s", self.info.path, exc)
        self.workspace_page.show_workspace(self.info, counts)

    def _session_changed(self) -> None:
        if self.info is not None:
            self._show_counts()

    def _project_was_read(self, *args) -> None:
        # readProject is emitted while QgsProject.read() is still resolving the project; the
        # pages' loading tasks must not read the layers' files before it has returned.
        self._read_by_qgis = True
        self._zoom_after_read = not args or not stored_view(args[0])
        QTimer.singleShot(0, self._on_project_read)

    def _on_project_read(self, *args) -> None:
        from hezhang_plugin.data import project as wsproject

        path = workspace_path_of(self._project)
        self.info = None
        if path and (is_postgres(path) or os.path.exists(path)):
            try:
                self.info = _check(path)
            except ws.WorkspaceError:
                self.info = None
        if self.info is not None:
            # Opened with QGIS's own Open Project too: an older workspace project's segments
            # style read other layers and could freeze QGIS (data.project.ensure_lead_terms).
            dirty = self._project.isDirty()
            if wsproject.ensure_lead_terms(self._project) and not dirty:
                self._project.setDirty(False)
        try:
            self.session.open(self.info.path if self.info else None)
        except ws.WorkspaceError:
            self.info = None
            self.session.open(None)
        self.refresh()
        self.conflicts.watch(self.session.project_layers().values() if self.info else [])
        if self.info:
            # Read by QGIS itself (Recent Projects, Open Project): a workspace project keeps no
            # map view, so the map would stay wherever it was (1:1 after start-up).
            canvas = self.iface.mapCanvas() if self.iface is not None else None
            if self._read_by_qgis and (self._zoom_after_read or (canvas is not None and canvas.extent().isEmpty())):
                self.zoom_to_district()
            self.workspace_changed.emit(self.info.path)
        self._read_by_qgis = self._zoom_after_read = False

    def _on_project_cleared(self) -> None:
        self.info = None
        self.conflicts.clear()
        self.session.open(None)
        self.refresh()

    def zoom_to_district(self) -> bool:
        """Show the district on the map: the extent of its units (else of its rivers or
        segments; a new, empty workspace: the area of use of its CRS). True when zoomed."""
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is None or not self.session.is_open:
            return False
        dest = canvas.mapSettings().destinationCrs()
        if not dest.isValid():
            dest = self._project.crs()
            canvas.setDestinationCrs(dest)
        extent = None
        for name in ("admin_units", "rivers", "segments"):
            lyr = self.session.layer(name)
            if lyr is None:
                continue
            lyr.updateExtents()
            if lyr.featureCount() > 0 and not lyr.extent().isEmpty():
                extent = QgsCoordinateTransform(lyr.crs(), dest, self._project).transformBoundingBox(lyr.extent())
                break
        if extent is None and self.info is not None:
            crs = QgsCoordinateReferenceSystem(self.info.crs)
            bounds = crs.bounds()  # area of use, in WGS 84 lon/lat
            if not bounds.isEmpty():
                wgs84 = QgsCoordinateReferenceSystem("EPSG:4326")
                extent = QgsCoordinateTransform(wgs84, dest, self._project).transformBoundingBox(bounds)
        if extent is None or extent.isEmpty() or not extent.isFinite():
            return False
        extent = QgsRectangle(extent)
        extent.scale(1.05)
        canvas.setExtent(extent)
        canvas.refresh()
        return True

    def confirm_leave(self, title: str) -> bool:
        """Before another workspace replaces the open one (see WorkspaceSession.confirm_leave)."""
        return self.session.confirm_leave(self, title)

    def new_workspace(self) -> None:
        from hezhang_plugin.gui.workspace_dialog import NewWorkspaceDialog

        if not self.confirm_leave(self.tr("New workspace")):
            return
        dialog = NewWorkspaceDialog(self)
        if not dialog.exec():
            return
        values = dialog.values()
        try:
            info = ws.create_workspace(values["OUTPUT"], values["DISTRICT_CODE"], values["DISTRICT_NAME"],
                                       values["CRS"], overwrite=True, lang=_lang())
        except ws.WorkspaceError as exc:
            QMessageBox.warning(self, self.tr("New workspace"), user_text(exc))
            return
        self.open_workspace(info.path, confirmed=True)

    def open_workspace_dialog(self) -> None:
        if not self.confirm_leave(self.tr("Open workspace")):
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open river-chief workspace"), "",
                                              self.tr("GeoPackage (*.gpkg)"))
        if path:
            self.open_workspace(path, confirmed=True)

    def open_postgres_dialog(self) -> None:
        """Open a PostgreSQL workspace by its service (from the service file, or typed)."""
        from hezhang_plugin.data.postgres.connection import services

        if not self.confirm_leave(self.tr("Open workspace")):
            return
        names = services()
        name, ok = QInputDialog.getItem(
            self, self.tr("Open PostgreSQL workspace"),
            self.tr("Service (pg_service.conf; the password comes from pgpass or a QGIS authentication "
                    "configuration):"), names, 0, True)
        if ok and name.strip():
            self.open_workspace(f"service={name.strip()}", confirmed=True)

    def open_workspace(self, path: str, ask: bool = True, confirmed: bool = False) -> bool:
        """Check, migrate (after asking) and load the workspace's project, then show the
        district. Unsaved edits of the open workspace are asked about first (unless the
        caller did, ``confirmed``); cancelling keeps everything as it was."""
        from hezhang_plugin.data import migrations
        from hezhang_plugin.data import project as wsproject

        try:
            info = _check(path)
        except ws.WorkspaceError as exc:
            self._refuse(user_text(exc))
            return False
        if not confirmed and not self.confirm_leave(self.tr("Open workspace")):
            return False
        if is_postgres(path):
            return self._open_postgres(info)
        if info.schema_version < schema.SCHEMA_VERSION:
            if wsgpkg.is_read_only(path):
                self._refuse(self.tr("{0} has schema version {1} and must be migrated to version {2} before "
                                     "use, but it is read-only. Copy it to a folder you may write to and open "
                                     "the copy.").format(os.path.basename(path), info.schema_version,
                                                         schema.SCHEMA_VERSION))
                return False
            steps = migrations.pending(info.schema_version)
            text = self.tr("{0} has schema version {1}. Migrate it to version {2}?\n\n{3}").format(
                os.path.basename(path), info.schema_version, schema.SCHEMA_VERSION,
                "\n".join(f"• {s.description}" for s in steps))
            if ask and QMessageBox.question(self, self.tr("Migrate workspace"), text) != QMessageBox.StandardButton.Yes:
                return False
            try:
                migrations.migrate(path, ws._update_project_fields)
            except Exception as exc:  # report any failure; the file is left as it was
                self._refuse(self.tr("Migration failed, the workspace was not changed: {0}").format(user_text(exc)))
                return False
        project = QgsProject.instance()
        add_project = getattr(self.iface, "addProject", None)

        def read(uri: str) -> bool:
            ok = add_project(uri) if add_project is not None else project.read(uri)
            if ok is None or (ok is False and project.fileName() != uri):
                ok = project.read(uri)  # an iface without addProject's answer
            return bool(ok)

        # A read-only WAL workspace's project is read from a copy (see data.project.read_project).
        ok = wsproject.read_project(project, path, reader=read)
        if not ok:
            self._refuse(self.tr("{0}: the project stored in the workspace could not be read.").format(
                os.path.basename(path)))
            return False
        self._read_by_qgis = self._zoom_after_read = False  # zoomed here, once
        self._on_project_read()
        self.zoom_to_district()
        self.message(self.tr("Opened workspace {0}").format(os.path.basename(path)), Qgis.MessageLevel.Success)
        return True

    def _open_postgres(self, info: wsgpkg.WorkspaceInfo) -> bool:
        """Read the project stored in the PostgreSQL workspace (no migration: a shared
        workspace is upgraded by its administrator, not by whoever opens it first)."""
        from hezhang_plugin.data import project as wsproject

        uri = wsproject.project_uri(info.path)
        add_project = getattr(self.iface, "addProject", None)
        ok = add_project(uri) if add_project is not None else QgsProject.instance().read(uri)
        if ok is None or (ok is False and workspace_path_of(QgsProject.instance()) != info.path):
            ok = QgsProject.instance().read(uri)
        if not ok:
            self._refuse(self.tr("{0}: the project stored in the workspace could not be read.").format(info.path))
            return False
        self._read_by_qgis = self._zoom_after_read = False  # zoomed here, once
        self._on_project_read()
        self.zoom_to_district()
        self.message(self.tr("Opened workspace {0}").format(info.path), Qgis.Success)
        return True

    def _refuse(self, text: str) -> None:
        self.message(text, Qgis.MessageLevel.Critical, 10)
        QMessageBox.warning(self, self.tr("Open workspace"), text)


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()
