"""The Chiefs page of the dock: hierarchy tree, chief form, assignments, as-of date and
coverage problems.

The tree reads the workspace layers of the current QGIS project (so unsaved edits in the
edit buffers show at once) without geometry, and fills a unit's children only when the
node is expanded, so a province-sized workspace opens quickly. Every edit goes through the
layer edit buffer inside one edit command per user action, so Ctrl+Z undoes it.
"""

from __future__ import annotations

import json
import os
from typing import Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateTransform,
    QgsFeature,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsTask,
    QgsVectorLayer,
    QgsVectorLayerFeatureSource,
)
from qgis.PyQt.QtCore import QDate, QMimeData, Qt, QTimer
from qgis.PyQt.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hezhang_plugin import log
from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import schema
from hezhang_plugin.data.project import layer_source

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
LOADED_ROLE = Qt.ItemDataRole.UserRole + 3
PLACEHOLDER = "placeholder"
#: Mime type of a chief dragged in the tree: JSON list of chief ids.
CHIEF_MIME = "application/x-hezhang-chief-ids"

#: Fields the page reads of each layer: all of the schema's but the free texts it never shows.
_READ_FIELDS = {
    name: tuple(f for f in schema.layer(name).field_names if f not in ("start_name", "end_name", "target"))
    for name in ("admin_units", "segments", "chiefs", "assignments")
}


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


def _plain(value):
    """A QVariant attribute as a plain Python value (dates as ISO text)."""
    if value is None:
        return None
    if hasattr(value, "isNull") and value.isNull():
        return None
    if isinstance(value, QDate):
        return value.toString(Qt.DateFormat.ISODate)
    if hasattr(value, "toPyDate"):
        return value.toPyDate().isoformat()
    return value


def layer_rows(layer: QgsVectorLayer, names) -> list[dict]:
    """Attribute rows of a layer (edit buffer included), without geometry, fid included."""
    return source_rows(layer, layer.fields(), names)


def source_rows(source, fields, names) -> list[dict]:
    """Like :func:`layer_rows` but from a QgsVectorLayerFeatureSource (safe in a worker
    thread); ``fields`` are the layer's fields copied in the main thread."""
    have = [n for n in names if fields.lookupField(n) >= 0]
    idx = [fields.lookupField(n) for n in have]
    req = QgsFeatureRequest().setFlags(QgsFeatureRequest.NoGeometry).setSubsetOfAttributes(idx)
    out = []
    for feat in source.getFeatures(req):
        attrs = feat.attributes()
        row = {"fid": feat.id()}
        for n, i in zip(have, idx):
            row[n] = _plain(attrs[i])
        if "active" in row:
            row["active"] = row["active"] in (True, 1, "1", "true", None)
        out.append(row)
    return out


class LayerSnapshot:
    """What a worker thread needs to read one layer: made in the main thread, it holds the
    file path for a fast SQLite read when the edit buffer is clean, and always a feature
    source (a copy of the provider and edit buffer state) to fall back on."""

    def __init__(self, path: str, name: str, layer: Optional[QgsVectorLayer]):
        self.path, self.name = path, name
        self.fields = None
        self.source = None
        self.from_file = False
        if layer is None or not layer.isValid():
            return
        self.fields = layer.fields()
        self.source = QgsVectorLayerFeatureSource(layer)
        self.from_file = not (layer.isEditable() and layer.isModified()) and not layer.subsetString()

    def rows(self) -> list[dict]:
        if self.source is None:
            return []
        if self.from_file:
            # Nothing pending in the edit buffer: the file is the truth, and SQLite reads
            # a province's appointments many times faster than feature iteration.
            from hezhang_plugin.core.coverage import read_attributes

            try:
                return read_attributes(self.path, self.name)
            except Exception as exc:  # locked or unusual file: fall back to the source
                log.get_logger().info("reading %s through the layer: %s", self.name, exc)
        return source_rows(self.source, self.fields, _READ_FIELDS[self.name])


def build_hierarchy(snapshots: dict, date: str, task: Optional[QgsTask] = None) -> Optional[amod.Hierarchy]:
    """The hierarchy from layer snapshots (no widget, no live layer: runs in a task)."""
    rows = {}
    for n, name in enumerate(("admin_units", "segments", "chiefs", "assignments")):
        if task is not None:
            if task.isCanceled():
                return None
            task.setProgress(20.0 * n)
        rows[name] = snapshots[name].rows()
    if task is not None and task.isCanceled():
        return None
    return amod.Hierarchy(rows["admin_units"], rows["segments"], rows["chiefs"], rows["assignments"], date)


class HierarchyTask(QgsTask):
    """Reads the workspace rows and builds the hierarchy in the background; the page fills
    the tree from :attr:`hierarchy` in :meth:`finished` (main thread)."""

    def __init__(self, description: str, snapshots: dict, date: str, generation: int, on_done):
        super().__init__(description, QgsTask.Flag.CanCancel)
        self.snapshots = snapshots
        self.date = date
        self.generation = generation
        self.on_done = on_done
        self.hierarchy: Optional[amod.Hierarchy] = None
        self.error: Optional[BaseException] = None

    def run(self) -> bool:
        try:
            self.hierarchy = build_hierarchy(self.snapshots, self.date, self)
        except Exception as exc:  # reported in finished() on the main thread
            self.error = exc
            return False
        return self.hierarchy is not None

    def finished(self, ok: bool) -> None:
        self.snapshots = {}
        callback, self.on_done = self.on_done, None
        if callback is not None:
            callback(self, ok)


class ChiefsTreeModel(QStandardItemModel):
    """The tree's model: chiefs drag, units and segments accept a dropped chief."""

    def __init__(self, page: ChiefsPage):
        super().__init__(0, 2, page)
        self._page = page

    def supportedDragActions(self):
        return Qt.DropAction.CopyAction

    def supportedDropActions(self):
        return Qt.DropAction.CopyAction

    def mimeTypes(self):
        return [CHIEF_MIME]

    def mimeData(self, indexes):
        ids = []
        for idx in indexes:
            if idx.data(KIND_ROLE) == "chief" and idx.data(KEY_ROLE) not in ids:
                ids.append(idx.data(KEY_ROLE))
        if not ids:
            return None
        data = QMimeData()
        data.setData(CHIEF_MIME, json.dumps(ids[:1]).encode("utf-8"))
        return data

    @staticmethod
    def chief_ids(data) -> list[str]:
        if data is None or not data.hasFormat(CHIEF_MIME):
            return []
        try:
            ids = json.loads(bytes(data.data(CHIEF_MIME)).decode("utf-8"))
        except ValueError:
            return []
        return [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []

    @staticmethod
    def _target(row: int, parent):
        # Only a drop ON an item (row == -1) means "this unit / this segment".
        if row != -1 or not parent.isValid():
            return None
        kind = parent.data(KIND_ROLE)
        return (kind, parent.data(KEY_ROLE)) if kind in ("unit", "segment") else None

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        target = self._target(row, parent)
        ids = self.chief_ids(data)
        if target is None or not ids or action != Qt.DropAction.CopyAction:
            return False
        return bool(self._page.drop_targets(ids[0], *target))

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        kind, key = self._target(row, parent)
        return self._page.drop_chief(self.chief_ids(data)[0], kind, key) is not None


def _same(a, b) -> bool:
    """True when two Python wrappers hold the same C++ object."""
    from qgis.PyQt import sip

    try:
        return a is b or (b is not None and sip.unwrapinstance(a) == sip.unwrapinstance(b))
    except TypeError:
        return False


def workspace_layers(path: str, project: Optional[QgsProject] = None) -> dict[str, QgsVectorLayer]:
    """The project's layers that read ``path`` (by schema layer name)."""
    project = project or QgsProject.instance()
    want = os.path.normcase(os.path.realpath(path))
    out = {}
    for lyr in project.mapLayers().values():
        if not isinstance(lyr, QgsVectorLayer) or "|layername=" not in lyr.source():
            continue
        file_part, _, rest = lyr.source().partition("|layername=")
        if os.path.normcase(os.path.realpath(file_part)) == want:
            out.setdefault(rest.split("|", 1)[0], lyr)
    return out


class ChiefDialog(QDialog):
    """Add or edit a chief; refuses to close while the record is invalid."""

    def __init__(self, units: dict, chief: Optional[dict] = None, parent=None):
        super().__init__(parent)
        self.units = units
        self.setWindowTitle(self.tr("Edit chief") if chief else self.tr("Add chief"))
        lang = _lang()
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.level_combo = QComboBox()
        for c in schema.LEVELS.choices:
            self.level_combo.addItem(c.zh if lang == "zh" else c.en, c.value)
        self.role_combo = QComboBox()
        for c in schema.ROLES.choices:
            self.role_combo.addItem(c.zh if lang == "zh" else c.en, c.value)
        self.position_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.unit_combo = QComboBox()
        for code, u in sorted(units.items()):
            self.unit_combo.addItem(f"{u.get('name') or ''} ({code})", code)
        self.phone_edit = QLineEdit()
        form.addRow(self.tr("Name"), self.name_edit)
        form.addRow(self.tr("Level"), self.level_combo)
        form.addRow(self.tr("Role"), self.role_combo)
        form.addRow(self.tr("Position"), self.position_edit)
        form.addRow(self.tr("Organisation"), self.organisation_edit)
        form.addRow(self.tr("Unit"), self.unit_combo)
        form.addRow(self.tr("Phone"), self.phone_edit)
        self.error_label = QLabel()
        self.error_label.setObjectName("chiefErrors")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        chief = chief or {"role": "chief"}
        self.name_edit.setText(chief.get("name") or "")
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(chief.get("level") or "village")))
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(chief.get("role") or "chief")))
        self.position_edit.setText(chief.get("position") or "")
        self.organisation_edit.setText(chief.get("organisation") or "")
        if chief.get("unit_code"):
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(chief["unit_code"])))
        self.phone_edit.setText(chief.get("phone") or "")

    def values(self) -> dict:
        from hezhang_plugin.core.codes import normalise_phone

        return {
            "name": self.name_edit.text().strip(),
            "level": self.level_combo.currentData(),
            "role": self.role_combo.currentData(),
            "position": self.position_edit.text().strip() or None,
            "organisation": self.organisation_edit.text().strip() or None,
            "unit_code": self.unit_combo.currentData(),
            "phone": normalise_phone(self.phone_edit.text()) or None,
        }

    def errors(self) -> list[str]:
        return amod.validate_chief(self.values(), self.units, _lang())

    def accept(self) -> None:
        errors = self.errors()
        if errors:
            self.error_label.setText("\n".join(errors))
            return
        super().accept()


class AssignDialog(QDialog):
    """Choose a chief, start date and duty for the selected segments."""

    def __init__(self, chiefs: list, seg_count: int, date: QDate, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign chief to {0} segments").format(seg_count))
        lang = _lang()
        form = QFormLayout(self)
        self.chief_combo = QComboBox()
        for c in chiefs:
            self.chief_combo.addItem(
                "{} · {} {} · {}".format(
                    c.get("name"),
                    schema.LEVELS.label(c.get("level"), lang),
                    schema.ROLES.label(c.get("role"), lang),
                    c.get("position") or "",
                ),
                c["chief_id"],
            )
        self.date_edit = QDateEdit(date)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.duty_edit = QLineEdit()
        form.addRow(self.tr("Chief"), self.chief_combo)
        form.addRow(self.tr("Start date"), self.date_edit)
        form.addRow(self.tr("Duty"), self.duty_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class ChiefsPage(QWidget):
    """Dock page: hierarchy tree, chiefs, assignments, as-of date, coverage problems."""

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.path: Optional[str] = None
        self.layers: dict[str, QgsVectorLayer] = {}
        self._own_layers: list = []
        self.hierarchy: Optional[amod.Hierarchy] = None
        self._unit_items: dict[str, QStandardItem] = {}
        self._syncing = False
        self._task = None
        self._load_task: Optional[HierarchyTask] = None
        self._generation = 0
        self._torn_down = False
        self._links: list[dict] = []
        self._link_serial = 0
        self._linking = False
        self._connected: list = []

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("chiefsSearch")
        self.search_edit.setPlaceholderText(self.tr("Search unit, chief, phone or segment…"))
        self.search_edit.returnPressed.connect(self.search)
        top.addWidget(self.search_edit, 1)
        top.addWidget(QLabel(self.tr("As of")))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setObjectName("asOfDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(lambda _d: self.reload())
        top.addWidget(self.date_edit)
        layout.addLayout(top)

        self.model = ChiefsTreeModel(self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("Unit / chief / segment"), self.tr("River km · segments · chiefs")]
        )
        self.tree = QTreeView()
        self.tree.setObjectName("chiefsTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        # Drag a chief onto a segment or a unit node to assign it there.
        self.tree.setDragEnabled(True)
        self.tree.setAcceptDrops(True)
        self.tree.setDropIndicatorShown(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.tree.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.tree.expanded.connect(self._on_expanded)
        self.tree.selectionModel().selectionChanged.connect(self._on_tree_selection)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add chief…"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.deactivate_button = QPushButton(self.tr("Deactivate…"))
        self.assign_button = QPushButton(self.tr("Assign segments…"))
        self.village_button = QPushButton(self.tr("Village → its chief"))
        self.village_button.setToolTip(self.tr("Assign every segment in this village to its village chief"))
        self.save_button = QPushButton(self.tr("Save"))
        for b, slot in (
            (self.add_button, self.add_chief_dialog),
            (self.edit_button, self.edit_chief_dialog),
            (self.deactivate_button, self.deactivate_chief_dialog),
            (self.assign_button, self.assign_dialog),
            (self.village_button, self.assign_village_dialog),
            (self.save_button, self.save_edits),
        ):
            b.clicked.connect(slot)
            buttons.addWidget(b)

        problems = QWidget()
        pl = QVBoxLayout(problems)
        pl.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check coverage"))
        self.check_button.setObjectName("checkCoverageButton")
        self.check_button.clicked.connect(lambda: self.run_check())
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        row.addWidget(self.check_button)
        row.addWidget(self.summary_label, 1)
        pl.addLayout(row)
        self.problems = QTreeWidget()
        self.problems.setObjectName("coverageProblems")
        self.problems.setHeaderLabels([self.tr("Rule"), self.tr("Severity"), self.tr("Problem")])
        self.problems.setRootIsDecorated(False)
        self.problems.itemClicked.connect(self._on_problem_clicked)
        pl.addWidget(self.problems)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(problems)
        split.setStretchFactor(0, 3)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(0)
        self._reload_timer.timeout.connect(self.reload)

    # ------------------------------------------------------------ workspace and data
    def as_of(self) -> str:
        return self.date_edit.date().toString(Qt.DateFormat.ISODate)

    def set_workspace(self, path: Optional[str]) -> None:
        self._disconnect()
        self._links = []
        self.hierarchy = None  # a new workspace: "loading…" until its task finishes
        self.path = os.path.abspath(path) if path else None
        self.layers = workspace_layers(self.path) if self.path else {}
        if self.path:
            for name in ("admin_units", "segments", "chiefs", "assignments"):
                if name not in self.layers:
                    # Not in the project: read the file through private layers.
                    lyr = QgsVectorLayer(layer_source(self.path, name), name, "ogr")
                    self._own_layers.append(lyr)
                    self.layers[name] = lyr
        self._connect()
        self.problems.clear()
        self.summary_label.clear()
        self.reload()

    def _connect(self) -> None:
        for name in ("chiefs", "assignments", "segments", "admin_units"):
            lyr = self.layers.get(name)
            if lyr is None:
                continue
            for signal in (lyr.layerModified, lyr.afterRollBack, lyr.afterCommitChanges):
                signal.connect(self._schedule_reload)
                self._connected.append((lyr, signal, self._schedule_reload))
            stack = lyr.undoStack()
            if stack is not None:
                stack.indexChanged.connect(self._schedule_reload)
                self._connected.append((stack, stack.indexChanged, self._schedule_reload))
                if name in ("chiefs", "assignments"):
                    stack.indexChanged.connect(self._sync_links)
                    self._connected.append((stack, stack.indexChanged, self._sync_links))
            if name in ("chiefs", "assignments"):
                for signal in (lyr.afterRollBack, lyr.afterCommitChanges, lyr.editingStopped):
                    signal.connect(self._drop_links)
                    self._connected.append((lyr, signal, self._drop_links))
        seg = self.layers.get("segments")
        if seg is not None:
            seg.selectionChanged.connect(self._on_map_selection)
            self._connected.append((seg, seg.selectionChanged, self._on_map_selection))

    def _disconnect(self) -> None:
        from qgis.PyQt import sip

        for owner, signal, slot in self._connected:
            # A layer removed with the project is already deleted: its signals are gone too.
            if sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connected = []
        self._own_layers = []

    def teardown(self) -> None:
        self._torn_down = True
        self._disconnect()
        self._reload_timer.stop()
        self._cancel_load()
        self._links = []

    def _schedule_reload(self, *args) -> None:
        self._reload_timer.start()

    @property
    def loading(self) -> bool:
        """True while a rebuild of the hierarchy is scheduled or running."""
        return self._load_task is not None or self._reload_timer.isActive()

    def _snapshots(self) -> dict:
        return {
            name: LayerSnapshot(self.path, name, self.layers.get(name))
            for name in ("admin_units", "segments", "chiefs", "assignments")
        }

    def _cancel_load(self) -> None:
        task, self._load_task = self._load_task, None
        if task is not None:
            task.on_done = None
            try:
                task.cancel()
            except RuntimeError:  # already finished and deleted by the task manager
                pass

    def reload(self) -> None:
        """Rebuild the hierarchy in a background task; the tree keeps showing the previous
        state (or a "loading…" row on first display) until the task finishes."""
        self._reload_timer.stop()
        self._cancel_load()
        self._generation += 1
        if not self.path:
            self.model.removeRows(0, self.model.rowCount())
            self._unit_items = {}
            self.hierarchy = None
            return
        if self.hierarchy is None:
            self._show_placeholder()
        task = HierarchyTask(
            self.tr("Loading the river-chief hierarchy"),
            self._snapshots(),  # copied here, in the main thread
            self.as_of(),
            self._generation,
            self._on_loaded,
        )
        self._load_task = task
        QgsApplication.taskManager().addTask(task)

    def _show_placeholder(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self._unit_items = {}
        ph = QStandardItem(self.tr("loading…"))
        ph.setData(PLACEHOLDER, KIND_ROLE)
        ph.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.model.appendRow([ph, QStandardItem()])

    def _on_loaded(self, task: HierarchyTask, ok: bool) -> None:
        if self._torn_down or task.generation != self._generation:
            return  # superseded by a newer reload, or the page is gone
        self._load_task = None
        if not ok or task.hierarchy is None:
            if task.error is not None:
                log.get_logger().warning("loading the hierarchy failed: %s", task.error)
                self._message(self.tr("Loading the chiefs failed: {0}").format(task.error), Qgis.MessageLevel.Critical)
            return
        self._apply_hierarchy(task.hierarchy)

    def reload_now(self) -> None:
        """Rebuild the hierarchy in this thread (used before an edit needs current data)."""
        self._reload_timer.stop()
        self._cancel_load()
        self._generation += 1
        if not self.path:
            self.hierarchy = None
            return
        self._apply_hierarchy(build_hierarchy(self._snapshots(), self.as_of()))

    def _ensure_current(self) -> amod.Hierarchy:
        """The hierarchy of the layers as they are now (rebuilt at once if a load is pending)."""
        if self.hierarchy is None or self.loading:
            self.reload_now()
        if self.hierarchy is None:
            raise RuntimeError("no workspace is open")
        return self.hierarchy

    def _apply_hierarchy(self, hierarchy: amod.Hierarchy) -> None:
        """Fill the tree's top level from a built hierarchy, keeping expansion and selection."""
        expanded = self._expanded_units() if self.hierarchy is not None else set()
        selected = self._selected_keys() if self.hierarchy is not None else []
        self.model.removeRows(0, self.model.rowCount())
        self._unit_items = {}
        self.hierarchy = hierarchy
        for code in self.hierarchy.roots:
            self.model.appendRow(self._unit_row(code))
        if not expanded and len(self.hierarchy.roots) == 1:
            expanded = {self.hierarchy.roots[0]}
        for code in sorted(expanded, key=lambda c: len(self.hierarchy.path_to(c))):
            item = self._unit_items.get(code)
            if item is not None:
                self.tree.expand(item.index())
        if selected:
            self._select_keys(selected)
        # Names and codes first: wide enough for the top levels, within reason.
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, min(max(self.tree.columnWidth(0), 220), 360))

    # ------------------------------------------------------------ tree building
    def _badge(self, missing: list[str], count: int) -> str:
        if not count:
            return self.tr("no segments")
        if not missing:
            return self.tr("✔ complete")
        lang = _lang()
        return self.tr("missing: {0}").format(", ".join(schema.LEVELS.label(lv, lang) for lv in missing))

    def _unit_row(self, code: str) -> list[QStandardItem]:
        h = self.hierarchy
        u = h.units[code]
        km, count, missing = h.stats(code)
        item = QStandardItem(f"{u.get('name') or code}  ({code})")
        item.setData("unit", KIND_ROLE)
        item.setData(code, KEY_ROLE)
        item.setData(False, LOADED_ROLE)
        info = QStandardItem(
            self.tr("{0:.2f} km · {1} segments · {2}").format(km, count, self._badge(missing, count))
        )
        info.setData("unit", KIND_ROLE)
        info.setData(code, KEY_ROLE)
        for it in (item, info):  # a chief can be dropped on a unit
            it.setDragEnabled(False)
            it.setDropEnabled(True)
        if count and missing:
            info.setForeground(QBrush(QColor("#b00020")))
        elif count:
            info.setForeground(QBrush(QColor("#1b7a1b")))
        if h.children.get(code) or h.segments_of.get(code) or h.chiefs_of.get(code):
            ph = QStandardItem(self.tr("loading…"))
            ph.setData(PLACEHOLDER, KIND_ROLE)
            ph.setFlags(Qt.ItemFlag.ItemIsEnabled)
            item.appendRow([ph, QStandardItem()])
        self._unit_items[code] = item
        return [item, info]

    def _chief_row(self, c: dict) -> list[QStandardItem]:
        lang = _lang()
        text = "{} · {}{}".format(
            c.get("name") or "",
            schema.LEVELS.label(c.get("level"), lang),
            schema.ROLES.label(c.get("role"), lang),
        )
        item = QStandardItem(text)
        item.setData("chief", KIND_ROLE)
        item.setData(c["chief_id"], KEY_ROLE)
        info = QStandardItem(" · ".join(x for x in (c.get("position"), c.get("phone")) if x))
        info.setData("chief", KIND_ROLE)
        info.setData(c["chief_id"], KEY_ROLE)
        for it in (item, info):  # a chief is dragged onto units and segments
            it.setDragEnabled(True)
            it.setDropEnabled(False)
        return [item, info]

    def _segment_row(self, s: dict) -> list[QStandardItem]:
        h = self.hierarchy
        lang = _lang()
        item = QStandardItem(f"{s['seg_code']} {s.get('name') or ''}")
        item.setData("segment", KIND_ROLE)
        item.setData(s["seg_code"], KEY_ROLE)
        people = []
        for a in amod.responsible_on(h.current.get(s["seg_code"], []), s["seg_code"], h.date):
            c = h.chiefs.get(a["chief_id"])
            people.append(
                "{}{} {}".format(
                    schema.LEVELS.label(a.get("level"), lang),
                    schema.ROLES.label(a.get("role"), lang),
                    c.get("name") if c else a["chief_id"],
                )
            )
        missing = h.missing.get(s["seg_code"], [])
        text = self.tr("{0:.2f} km · {1}").format(float(s.get("length_km") or 0.0), self._badge(missing, 1))
        if people:
            text += " · " + ", ".join(people)
        info = QStandardItem(text)
        info.setData("segment", KIND_ROLE)
        info.setData(s["seg_code"], KEY_ROLE)
        for it in (item, info):  # a chief can be dropped on a segment
            it.setDragEnabled(False)
            it.setDropEnabled(True)
        if missing:
            info.setForeground(QBrush(QColor("#b00020")))
        return [item, info]

    def _fill(self, item: QStandardItem) -> None:
        if item.data(LOADED_ROLE):
            return
        item.setData(True, LOADED_ROLE)
        item.removeRows(0, item.rowCount())
        h = self.hierarchy
        code = item.data(KEY_ROLE)
        for c in h.chiefs_of.get(code, []):
            item.appendRow(self._chief_row(c))
        for s in h.segments_of.get(code, []):
            item.appendRow(self._segment_row(s))
        for child in h.children.get(code, []):
            item.appendRow(self._unit_row(child))

    def _on_expanded(self, index) -> None:
        item = self.model.itemFromIndex(index.siblingAtColumn(0))
        if item is not None and item.data(KIND_ROLE) == "unit":
            self._fill(item)

    def unit_item(self, code: str, load: bool = True) -> Optional[QStandardItem]:
        """The tree item of a unit, filling its ancestors first."""
        if self.hierarchy is None:
            return None
        for c in self.hierarchy.path_to(code)[:-1] if load else []:
            anc = self._unit_items.get(c)
            if anc is not None:
                self._fill(anc)
        return self._unit_items.get(code)

    def unit_info(self, code: str) -> str:
        item = self.unit_item(code)
        if item is None:
            return ""
        parent = item.parent() or self.model.invisibleRootItem()
        return parent.child(item.row(), 1).text()

    def child_rows(self, code: str) -> list[tuple[str, str, str, str]]:
        """(kind, key, text, info) of a unit's children, filling it if needed."""
        item = self.unit_item(code)
        if item is None:
            return []
        self._fill(item)
        return [
            (
                item.child(r, 0).data(KIND_ROLE),
                item.child(r, 0).data(KEY_ROLE),
                item.child(r, 0).text(),
                item.child(r, 1).text(),
            )
            for r in range(item.rowCount())
        ]

    def _expanded_units(self) -> set:
        return {code for code, item in self._unit_items.items() if self.tree.isExpanded(item.index())}

    def _selected_keys(self) -> list[tuple]:
        out = []
        for idx in self.tree.selectionModel().selectedRows(0):
            out.append((idx.data(KIND_ROLE), idx.data(KEY_ROLE), idx.parent().data(KEY_ROLE)))
        return out

    def _select_keys(self, keys: list[tuple]) -> None:
        sel = self.tree.selectionModel()
        self._syncing = True
        try:
            sel.clearSelection()
            for kind, key, parent_code in keys:
                item = None
                if kind == "unit":
                    item = self.unit_item(key)
                elif parent_code:
                    parent = self.unit_item(parent_code)
                    if parent is not None:
                        self._fill(parent)
                        item = next(
                            (
                                parent.child(r)
                                for r in range(parent.rowCount())
                                if parent.child(r).data(KEY_ROLE) == key
                                and parent.child(r).data(KIND_ROLE) == kind
                            ),
                            None,
                        )
                if item is not None:
                    sel.select(item.index(), sel.Select | sel.Rows)
        finally:
            self._syncing = False

    # ------------------------------------------------------------ search and selection sync
    def search(self) -> None:
        if self.hierarchy is None:
            return
        hits = self.hierarchy.search(self.search_edit.text())
        keys = []
        for kind, key in hits[:50]:
            if kind == "unit":
                keys.append(("unit", key, None))
            elif kind == "chief":
                keys.append(("chief", key, self.hierarchy.chiefs[key].get("unit_code")))
            else:
                keys.append(("segment", key, self.hierarchy.unit_of_segment(key)))
        for _kind, key, parent in keys:
            target = key if _kind == "unit" else parent
            for code in (
                self.hierarchy.path_to(target or "")[:-1]
                if _kind == "unit"
                else self.hierarchy.path_to(target or "")
            ):
                item = self._unit_items.get(code) or self.unit_item(code)
                if item is not None:
                    self.tree.expand(item.index())
        self._select_keys(keys)
        if keys:
            first = self.tree.selectionModel().selectedRows(0)
            if first:
                self.tree.scrollTo(first[0])

    def _seg_fids(self, seg_codes) -> list[int]:
        h = self.hierarchy
        return [h.seg_by_code[c]["fid"] for c in seg_codes if c in h.seg_by_code]

    def selected_seg_codes(self) -> list[str]:
        """Segments of the tree selection (units give all their segments); else of the map."""
        h = self.hierarchy
        if h is None:
            return []
        codes_ = []
        for kind, key, _parent in self._selected_keys():
            if kind == "segment":
                codes_.append(key)
            elif kind == "unit":
                codes_.extend(s["seg_code"] for s in h.segments_under(key))
            elif kind == "chief":
                codes_.extend(
                    a["seg_code"] for apps in h.current.values() for a in apps if a["chief_id"] == key
                )
        if not codes_:
            seg = self.layers.get("segments")
            if seg is not None:
                by_fid = {s["fid"]: s["seg_code"] for s in h.segments}
                codes_ = [by_fid[f] for f in seg.selectedFeatureIds() if f in by_fid]
        return list(dict.fromkeys(codes_))

    def _on_tree_selection(self, *args) -> None:
        if self._syncing or self.hierarchy is None:
            return
        seg = self.layers.get("segments")
        if seg is None:
            return
        fids = self._seg_fids(self.selected_seg_codes() if self._selected_keys() else [])
        self._syncing = True
        try:
            seg.selectByIds(fids)
        finally:
            self._syncing = False
        if fids and self.iface is not None and seg in QgsProject.instance().mapLayers().values():
            self.iface.mapCanvas().zoomToSelected(seg)

    def _on_map_selection(self, selected, *args) -> None:
        if self._syncing or self.hierarchy is None:
            return
        seg = self.layers.get("segments")
        by_fid = {s["fid"]: s for s in self.hierarchy.segments}
        keys = [
            ("segment", by_fid[f]["seg_code"], by_fid[f].get("unit_code"))
            for f in list(seg.selectedFeatureIds())[:100]
            if f in by_fid
        ]
        for _k, _key, unit in keys:
            for code in self.hierarchy.path_to(unit or ""):
                item = self.unit_item(code)
                if item is not None:
                    self.tree.expand(item.index())
        self._select_keys(keys)

    # ------------------------------------------------------------ edits through the edit buffer
    def _editable(self, name: str) -> QgsVectorLayer:
        lyr = self.layers.get(name)
        if lyr is None:
            raise RuntimeError(f"the workspace has no {name} layer")
        if not lyr.isEditable() and not lyr.startEditing():
            raise RuntimeError(f"{lyr.name()} cannot be edited")
        return lyr

    @staticmethod
    def _qdate(iso: Optional[str]):
        return QDate.fromString(iso, Qt.DateFormat.ISODate) if iso else None

    def assign_segments(
        self, seg_codes, chief_id: str, valid_from: Optional[str] = None, duty: Optional[str] = None
    ) -> int:
        """Assign a chief to segments as ONE undoable edit command on the assignments layer."""
        h = self._ensure_current()
        chief = h.chiefs.get(chief_id)
        if chief is None or not chief.get("active", True):
            raise amod.AssignmentError(f"chief {chief_id} is unknown or inactive")
        layer = self._editable("assignments")
        existing = layer_rows(layer, _READ_FIELDS["assignments"])
        inserts, ends = amod.plan_assignment(existing, seg_codes, chief, valid_from or self.as_of(), duty)
        if not inserts and not ends:
            return 0
        fields = layer.fields()
        i_to = fields.lookupField("valid_to")
        layer.beginEditCommand(self.tr("Assign {0} to {1} segments").format(chief.get("name"), len(inserts)))
        try:
            for fid, end in ends:
                layer.changeAttributeValue(fid, i_to, self._qdate(end))
            for row in inserts:
                feat = QgsFeature(fields)
                for k, v in row.items():
                    i = fields.lookupField(k)
                    if i >= 0:
                        feat.setAttribute(i, self._qdate(v) if k.startswith("valid_") else v)
                if not layer.addFeature(feat):
                    raise RuntimeError(f"could not add the appointment of segment {row['seg_code']}")
        except Exception:
            layer.destroyEditCommand()
            raise
        layer.endEditCommand()
        self._schedule_reload()
        return len(inserts)

    # ------------------------------------------------------------ drag and drop
    def drop_targets(self, chief_id: str, kind: str, key: str) -> list[str]:
        """Segments a chief dropped on a tree node would be assigned: the segment, or every
        current segment under the unit, kept to those inside the chief's own unit (R2)."""
        h = self.hierarchy
        if h is None or not key:
            return []
        chief = h.chiefs.get(chief_id)
        if chief is None or not chief.get("active", True) or chief.get("level") not in amod.LEVEL_ORDER:
            return []
        if kind == "segment":
            segs = [h.seg_by_code[key]] if key in h.seg_by_code else []
        elif kind == "unit":
            segs = h.segments_under(key)
        else:
            return []
        level, unit = chief["level"], chief.get("unit_code")
        return sorted(
            s["seg_code"]
            for s in segs
            if amod.unit_ancestor(s.get("unit_code") or "", level, h.units) == unit
        )

    def drop_chief(self, chief_id: str, kind: str, key: str) -> Optional[int]:
        """A chief dropped on a segment or unit node: assign it there (one edit command).
        Returns the number of new appointments, or None when nothing could be assigned."""
        segs = self.drop_targets(chief_id, kind, key)
        if not segs:
            return None
        chief = self.hierarchy.chiefs[chief_id]
        try:
            n = self.assign_segments(segs, chief_id, self.as_of())
        except (amod.AssignmentError, RuntimeError) as exc:
            self._message(str(exc), Qgis.MessageLevel.Warning)
            return None
        self._message(
            self.tr("{0} assigned to {1} segments ({2} new appointments)").format(
                chief.get("name"), len(segs), n
            ),
            Qgis.MessageLevel.Success,
        )
        return n

    def village_chief(self, village_code: str) -> Optional[dict]:
        for c in self._ensure_current().chiefs_of.get(village_code, []):
            if c.get("level") == "village" and c.get("role") == "chief":
                return c
        return None

    def assign_village(self, village_code: str, valid_from: Optional[str] = None) -> int:
        """Assign every segment in a village to its village chief (one edit command)."""
        chief = self.village_chief(village_code)
        if chief is None:
            raise amod.AssignmentError(f"village {village_code} has no active village chief")
        segs = [s["seg_code"] for s in self.hierarchy.segments_of.get(village_code, [])]
        return self.assign_segments(segs, chief["chief_id"], valid_from)

    def save_chief(self, values: dict, chief_id: Optional[str] = None) -> str:
        """Add (no ``chief_id``) or change a chief as one edit command; returns its id."""
        h = self._ensure_current()
        errors = amod.validate_chief(values, h.units, _lang())
        if errors:
            raise amod.AssignmentError("; ".join(errors))
        layer = self._editable("chiefs")
        fields = layer.fields()
        layer.beginEditCommand(self.tr("Edit chief") if chief_id else self.tr("Add chief"))
        try:
            if chief_id:
                fid = h.chiefs[chief_id]["fid"]
                for k, v in values.items():
                    layer.changeAttributeValue(fid, fields.lookupField(k), v)
            else:
                chief_id = amod.new_chief_id(values["unit_code"], set(h.chiefs))
                feat = QgsFeature(fields)
                for k, v in dict(values, chief_id=chief_id, active=True).items():
                    feat.setAttribute(fields.lookupField(k), v)
                if not layer.addFeature(feat):
                    raise RuntimeError("could not add the chief")
        except Exception:
            layer.destroyEditCommand()
            raise
        layer.endEditCommand()
        self._schedule_reload()
        return chief_id

    def deactivate_chief(self, chief_id: str, end_date: Optional[str] = None) -> int:
        """Mark a chief inactive and end its open appointments (nothing deleted), as ONE
        undo step.

        QGIS keeps one undo stack per layer and no command can span two layers' edit
        buffers, so the change is one edit command on each layer and the two are linked:
        undoing (or redoing) either one undoes (or redoes) the other, whichever layer's
        Ctrl+Z the user presses.
        """
        h = self._ensure_current()
        end_date = end_date or self.as_of()
        if chief_id not in h.chiefs:
            raise amod.AssignmentError(f"no chief with id {chief_id}")
        chiefs = self._editable("chiefs")
        assigns = self._editable("assignments")
        ends = amod.plan_deactivation(layer_rows(assigns, _READ_FIELDS["assignments"]), chief_id, end_date)
        fid = h.chiefs[chief_id]["fid"]
        self._link_serial += 1
        text = self.tr("Deactivate {0}").format(h.chiefs[chief_id].get("name") or chief_id)
        text = f"{text} [#{self._link_serial}]"
        self._linking = True
        try:
            chiefs.beginEditCommand(text)
            chiefs.changeAttributeValue(fid, chiefs.fields().lookupField("active"), False)
            chiefs.endEditCommand()
            link = {"chiefs": (chiefs.undoStack(), chiefs.undoStack().index(), text)}
            if ends:
                i_to = assigns.fields().lookupField("valid_to")
                assigns.beginEditCommand(text)
                try:
                    for afid, end in ends:
                        assigns.changeAttributeValue(afid, i_to, self._qdate(end))
                except Exception:
                    assigns.destroyEditCommand()
                    chiefs.undoStack().undo()
                    raise
                assigns.endEditCommand()
                link["assignments"] = (assigns.undoStack(), assigns.undoStack().index(), text)
                self._links.append(link)
        finally:
            self._linking = False
        self._schedule_reload()
        return len(ends)

    # ------------------------------------------------------------ linked undo (two layers)
    @staticmethod
    def _link_state(entry) -> Optional[bool]:
        """Whether a linked command is applied on its stack, None when it is gone."""
        stack, index, text = entry
        if stack.count() < index or stack.text(index - 1) != text:
            return None
        return stack.index() >= index

    def _sync_links(self, *args) -> None:
        """Keep the two halves of each linked edit in step after an undo or redo."""
        if self._linking or not self._links:
            return
        sender_stack = self.sender()
        self._linking = True
        try:
            for link in list(self._links):
                states = {name: self._link_state(entry) for name, entry in link.items()}
                if None in states.values():
                    self._links.remove(link)  # discarded by a newer edit after an undo
                    continue
                if len(set(states.values())) == 1:
                    continue
                # The stack that moved leads; the other follows.
                lead = next((n for n, e in link.items() if _same(e[0], sender_stack)), None)
                if lead is None:
                    continue
                applied = states[lead]
                for name, (stack, index, _text) in link.items():
                    if name != lead and states[name] != applied:
                        stack.setIndex(index if applied else index - 1)
        finally:
            self._linking = False

    def _drop_links(self, *args) -> None:
        self._links = []

    def save_edits(self) -> None:
        for name in ("chiefs", "assignments"):
            lyr = self.layers.get(name)
            if lyr is not None and lyr.isEditable() and lyr.isModified():
                if not lyr.commitChanges():
                    self._message(
                        self.tr("Saving {0} failed: {1}").format(lyr.name(), "; ".join(lyr.commitErrors())),
                        Qgis.MessageLevel.Critical,
                    )
                    return
        self._message(self.tr("Chiefs and appointments saved"), Qgis.MessageLevel.Success)

    # ------------------------------------------------------------ dialogs
    def _selected_chief(self) -> Optional[str]:
        for kind, key, _p in self._selected_keys():
            if kind == "chief":
                return key
        return None

    def _selected_unit(self) -> Optional[str]:
        for kind, key, _p in self._selected_keys():
            if kind == "unit":
                return key
        return None

    def add_chief_dialog(self) -> None:
        if self.hierarchy is None:
            return
        dialog = ChiefDialog(
            self.hierarchy.units,
            {
                "unit_code": self._selected_unit(),
                "role": "chief",
                "level": (self.hierarchy.units.get(self._selected_unit()) or {}).get("level"),
            },
            self,
        )
        if dialog.exec():
            self.save_chief(dialog.values())

    def edit_chief_dialog(self) -> None:
        cid = self._selected_chief()
        if cid is None:
            self._message(self.tr("Select a chief in the tree first"), Qgis.MessageLevel.Info)
            return
        dialog = ChiefDialog(self.hierarchy.units, self.hierarchy.chiefs[cid], self)
        if dialog.exec():
            self.save_chief(dialog.values(), cid)

    def deactivate_chief_dialog(self) -> None:
        cid = self._selected_chief()
        if cid is None:
            self._message(self.tr("Select a chief in the tree first"), Qgis.MessageLevel.Info)
            return
        c = self.hierarchy.chiefs[cid]
        text = self.tr("Deactivate {0} and end the appointments on {1}? History is kept.").format(
            c.get("name"), self.as_of()
        )
        if QMessageBox.question(self, self.tr("Deactivate chief"), text) == QMessageBox.StandardButton.Yes:
            self.deactivate_chief(cid, self.as_of())

    def assign_dialog(self) -> None:
        segs = self.selected_seg_codes()
        if not segs:
            self._message(self.tr("Select segments in the tree or on the map first"), Qgis.MessageLevel.Info)
            return
        chiefs = sorted(
            (c for c in self.hierarchy.chiefs.values() if c.get("active", True)),
            key=lambda c: (
                amod.LEVEL_ORDER.index(c["level"]) if c.get("level") in amod.LEVEL_ORDER else 9,
                c.get("unit_code") or "",
                c.get("name") or "",
            ),
        )
        dialog = AssignDialog(chiefs, len(segs), self.date_edit.date(), self)
        if dialog.exec():
            try:
                n = self.assign_segments(
                    segs,
                    dialog.chief_combo.currentData(),
                    dialog.date_edit.date().toString(Qt.DateFormat.ISODate),
                    dialog.duty_edit.text().strip() or None,
                )
            except (amod.AssignmentError, RuntimeError) as exc:
                self._message(str(exc), Qgis.MessageLevel.Warning)
                return
            self._message(self.tr("{0} appointments added").format(n), Qgis.MessageLevel.Success)

    def assign_village_dialog(self) -> None:
        code = self._selected_unit()
        if code is None or (self.hierarchy.units.get(code) or {}).get("level") != "village":
            self._message(self.tr("Select a village in the tree first"), Qgis.MessageLevel.Info)
            return
        try:
            n = self.assign_village(code)
        except (amod.AssignmentError, RuntimeError) as exc:
            self._message(str(exc), Qgis.MessageLevel.Warning)
            return
        self._message(self.tr("{0} appointments added").format(n), Qgis.MessageLevel.Success)

    def _message(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.tr("River Chiefs"), text, level, 6)
        log.get_logger().info(text)

    # ------------------------------------------------------------ coverage problems
    def run_check(self, sync: bool = False) -> None:
        """Run the coverage rules on the saved workspace (as a task unless ``sync``)."""
        if not self.path:
            return
        if any(lyr.isModified() for lyr in self.layers.values() if lyr.isEditable()):
            self._message(self.tr("Unsaved edits are not checked: save them first"), Qgis.MessageLevel.Warning)
        path, date = self.path, self.as_of()

        def work(task=None):
            from hezhang_plugin.core.coverage import check_coverage

            return check_coverage(path, date)

        if sync:
            self._show_findings(*work())
            return
        self.check_button.setEnabled(False)

        def done(exception, result=None):
            self.check_button.setEnabled(True)
            self._task = None
            if exception is not None or result is None:
                self._message(self.tr("Coverage check failed: {0}").format(exception), Qgis.MessageLevel.Critical)
                return
            self._show_findings(*result)

        self._task = QgsTask.fromFunction(self.tr("Checking river-chief coverage"), work, on_finished=done)
        QgsApplication.taskManager().addTask(self._task)

    def _show_findings(self, findings, summary) -> None:
        lang = _lang()
        self.problems.clear()
        self.summary_label.setText(summary.text(lang))
        for f in findings:
            item = QTreeWidgetItem([f.rule, f.severity, f.message(lang)])
            if f.geometry is not None and not f.geometry.is_empty:
                import shapely

                item.setData(0, Qt.ItemDataRole.UserRole, bytes(shapely.to_wkb(f.geometry)))
            item.setData(1, Qt.ItemDataRole.UserRole, f.seg_code)
            if f.severity == "error":
                item.setForeground(1, QBrush(QColor("#b00020")))
            self.problems.addTopLevelItem(item)

    def _on_problem_clicked(self, item, _column=0) -> None:
        wkb = item.data(0, Qt.ItemDataRole.UserRole)
        seg_code = item.data(1, Qt.ItemDataRole.UserRole)
        if seg_code and self.hierarchy is not None and seg_code in self.hierarchy.seg_by_code:
            self._select_keys([("segment", seg_code, self.hierarchy.unit_of_segment(seg_code))])
        if not wkb or self.iface is None:
            return
        geom = QgsGeometry()
        geom.fromWkb(wkb)
        canvas = self.iface.mapCanvas()
        seg = self.layers.get("segments")
        if seg is not None:
            xform = QgsCoordinateTransform(
                seg.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance()
            )
            geom.transform(xform)
        rect = geom.boundingBox()
        rect.scale(1.5)
        if rect.width() == 0 and rect.height() == 0:
            rect.grow(100.0 if not canvas.mapSettings().destinationCrs().isGeographic() else 0.001)
        canvas.setExtent(rect)
        canvas.refresh()
