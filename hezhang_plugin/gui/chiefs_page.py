"""The Chiefs page of the dock: hierarchy tree, chief form, assignments, as-of date and
coverage problems.

The tree reads the workspace layers of the current QGIS project (so unsaved edits in the
edit buffers show at once) without geometry, and fills a unit's children only when the
node is expanded, so a province-sized workspace opens quickly. Every edit goes through the
layer edit buffer inside one edit command per user action, so Ctrl+Z undoes it.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    Qgis,
    QgsProject,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QDate, Qt, QTimer
from qgis.PyQt.QtGui import QBrush, QColor, QStandardItem
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTreeView,
    QVBoxLayout,
)

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import schema
from hezhang_plugin.data.gpkg import ReadOnlyWorkspaceError, WorkspaceError
from hezhang_plugin.gui import guards
from hezhang_plugin.gui.chiefs_dialogs import AssignDialog, ChiefDialog  # noqa: F401  (also used by tests)
from hezhang_plugin.gui.chiefs_tree import (  # noqa: F401  (the tree's roles, used by tests too)
    CHIEF_MIME,
    KEY_ROLE,
    KIND_ROLE,
    LOADED_ROLE,
    PLACEHOLDER,
    ChiefsTreeModel,
    build_hierarchy,
)
from hezhang_plugin.gui.coverage_panel import CoveragePanel
from hezhang_plugin.gui.page import DockPage
from hezhang_plugin.gui.snapshots import layer_rows, read_fields, snapshots  # noqa: F401  (layer_rows: tests)

#: Task key of the hierarchy load (a newer load supersedes an older one).
_LOAD = "hierarchy"

#: Fields the page reads of each layer: all of the schema's but the free texts it never shows.
_READ_FIELDS = {name: read_fields(name) for name in ("admin_units", "segments", "chiefs", "assignments")}


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


def _list_sep(lang: str) -> str:
    """Separator of a list of names in running text: 、 in Chinese."""
    return "、" if lang == "zh" else ", "


def _error_text(exc: BaseException) -> str:
    """An error's message in the UI language (bilingual for core's messages)."""
    text = getattr(exc, "text", None)
    return text(_lang()) if callable(text) else str(exc)


class ChiefsPage(DockPage):
    """Dock page: hierarchy tree, chiefs, assignments, as-of date, coverage problems."""


    def message_title(self) -> str:
        return self.tr("River Chiefs")

    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.hierarchy: Optional[amod.Hierarchy] = None
        self._unit_items: dict[str, QStandardItem] = {}
        self._syncing = False
        #: chief id → (text, colour) of its patrol compliance, set by the Patrols page.
        self.patrol_badges: dict = {}

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
        self.date_edit.dateChanged.connect(self._date_changed)
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

        self.coverage = CoveragePanel(self)
        self.coverage.finding_clicked.connect(self._on_finding_clicked)
        # The panel's parts, as the page's (tests and other pages use them)
        self.check_button = self.coverage.check_button
        self.summary_label = self.coverage.summary_label
        self.problems = self.coverage.problems

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.coverage)
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

    @property
    def layers(self) -> dict:
        """The workspace's layers (project layers, or private ones reading the workspace)."""
        return self.session.layers() if self.session is not None else {}

    @property
    def _applier(self):
        return self.session.applier if self.session is not None else None

    def on_workspace(self, session) -> None:
        self.hierarchy = None  # a new workspace: "loading…" until its task finishes
        seg = self.layers.get("segments")
        if seg is not None:
            self.listen(seg, seg.selectionChanged, self._on_map_selection)
        self.problems.clear()
        self.summary_label.clear()
        self.reload()

    def on_changed(self) -> None:
        self._schedule_reload()

    def on_teardown(self) -> None:
        self._reload_timer.stop()
        self._show_date_on_map(None)

    def _date_changed(self, _date=None) -> None:
        self._show_date_on_map(self.as_of())
        self.reload()

    def _show_date_on_map(self, day: Optional[str]) -> None:
        """The map shows the tree's as-of date: the styles and the snapping index read
        ``hezhang_as_of`` (core.validity), set in the map canvas's own variables so the
        project and its printed maps keep theirs; today (or None) removes it."""
        from hezhang_plugin.core import dates
        from hezhang_plugin.core.validity import AS_OF_VARIABLE

        canvas = self.iface.mapCanvas() if self.iface is not None else None
        if canvas is None:
            return
        scope = canvas.expressionContextScope()
        had = scope.hasVariable(AS_OF_VARIABLE)
        if day and day != dates.today():
            scope.setVariable(AS_OF_VARIABLE, day)
        elif had:
            scope.removeVariable(AS_OF_VARIABLE)
        else:
            return
        from qgis.PyQt import sip

        seg = self.layers.get("segments") if self.session is not None else None
        if seg is not None and not sip.isdeleted(seg):
            seg.triggerRepaint()  # its cached image was drawn for the other date
        canvas.refresh()

    def _schedule_reload(self, *args) -> None:
        self._reload_timer.start()

    @property
    def loading(self) -> bool:
        """True while a rebuild of the hierarchy is scheduled or running."""
        pending = self.session is not None and self.session.change_pending
        return pending or self.tasks.busy(_LOAD) or self._reload_timer.isActive()

    @property
    def _load_task(self):
        """The running hierarchy task (None when none runs)."""
        return self.tasks._keys.get(_LOAD)

    def _snapshots(self) -> dict:
        return snapshots(self.session, ("admin_units", "segments", "chiefs", "assignments"))

    def _cancel_load(self) -> None:
        self.tasks.cancel(_LOAD)

    def reload(self) -> None:
        """Rebuild the hierarchy in a background task; the tree keeps showing the previous
        state (or a "loading…" row on first display) until the task finishes."""
        self._reload_timer.stop()
        if self.session is None or not self.session.is_open:
            self._cancel_load()
            self.model.removeRows(0, self.model.rowCount())
            self._unit_items = {}
            self.hierarchy = None
            return
        if self.hierarchy is None:
            self._show_placeholder()
        snaps, date = self._snapshots(), self.as_of()  # copied here, in the main thread
        self.tasks.run(self.tr("Loading the river-chief hierarchy"),
                       lambda ctx: build_hierarchy(snaps, date, ctx), self._on_loaded, key=_LOAD)

    def _show_placeholder(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self._unit_items = {}
        ph = QStandardItem(self.tr("loading…"))
        ph.setData(PLACEHOLDER, KIND_ROLE)
        ph.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.model.appendRow([ph, QStandardItem()])

    def _on_loaded(self, hierarchy: Optional[amod.Hierarchy]) -> None:
        if hierarchy is not None:
            self._apply_hierarchy(hierarchy)

    def reload_now(self) -> None:
        """Rebuild the hierarchy in this thread (used before an edit needs current data)."""
        self._reload_timer.stop()
        self._cancel_load()
        if self.session is None or not self.session.is_open:
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

    def set_patrol_badges(self, badges: dict) -> None:
        """Show each chief's patrol compliance (chief id → (text, colour)) in the tree."""
        self.patrol_badges = dict(badges)
        if self.hierarchy is not None:
            self._apply_hierarchy(self.hierarchy)

    # ------------------------------------------------------------ tree building
    def _badge(self, missing: list[str], count: int) -> str:
        if not count:
            return self.tr("no segments")
        if not missing:
            return self.tr("✔ complete")
        lang = _lang()
        return self.tr("missing: {0}").format(_list_sep(lang).join(schema.LEVELS.label(lv, lang) for lv in missing))

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
        text = "{} · {}{}{}".format(
            c.get("name") or "",
            schema.LEVELS.label(c.get("level"), lang),
            "" if lang == "zh" else " ",  # 村级河长, but "Village Chief"
            schema.ROLES.label(c.get("role"), lang),
        )
        item = QStandardItem(text)
        item.setData("chief", KIND_ROLE)
        item.setData(c["chief_id"], KEY_ROLE)
        badge = self.patrol_badges.get(c["chief_id"])
        info = QStandardItem(" · ".join(x for x in (c.get("position"), c.get("phone"), badge and badge[0]) if x))
        if badge:
            info.setForeground(QBrush(QColor(badge[1])))
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
            text += " · " + _list_sep(_lang()).join(people)
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
        segments = h.segments_of.get(code, [])
        h.prefetch(s["seg_code"] for s in segments)  # their appointments in one read
        for s in segments:
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
                codes_.extend(h.segments_of_chief(key))
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
    def _refused(self) -> bool:
        """True (with the reason shown) when the workspace may not be changed."""
        refusal = guards.write_refusal(self.path)
        if refusal:
            self._message(refusal, Qgis.MessageLevel.Warning)
        return bool(refusal)

    def _editable(self, name: str) -> QgsVectorLayer:
        if self.path and guards.write_refusal(self.path):
            raise ReadOnlyWorkspaceError(self.path)
        lyr = self.layers.get(name)
        if lyr is None:
            raise RuntimeError(f"the workspace has no {name} layer")
        if not lyr.isEditable() and not lyr.startEditing():
            raise RuntimeError(f"{lyr.name()} cannot be edited")
        return lyr

    def assign_segments(
        self, seg_codes, chief_id: str, valid_from: Optional[str] = None, duty: Optional[str] = None
    ) -> int:
        """Assign a chief to segments as ONE undoable edit command on the assignments layer."""
        h = self._ensure_current()
        chief = h.chiefs.get(chief_id)
        if chief is None:
            raise amod.AssignmentError("chief.unknown", chief=chief_id)
        existing = layer_rows(self._editable("assignments"), _READ_FIELDS["assignments"])
        cs = amod.assignment_changes(existing, seg_codes, chief, valid_from or self.as_of(), duty)
        if not cs:
            return 0
        self.session.apply(cs, _lang())
        self._schedule_reload()
        return cs.count("assignments", "insert")

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
        if not segs or self._refused():
            return None
        chief = self.hierarchy.chiefs[chief_id]
        try:
            n = self.assign_segments(segs, chief_id, self.as_of())
        except (amod.AssignmentError, RuntimeError, WorkspaceError) as exc:
            self._message(_error_text(exc), Qgis.MessageLevel.Warning)
            return None
        self._message(
            self.tr("{0} assigned to {1} segment(s) ({2} new appointment(s))").format(
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
            raise amod.AssignmentError("assignment.no_village_chief", code=village_code)
        segs = [s["seg_code"] for s in self.hierarchy.segments_of.get(village_code, [])]
        return self.assign_segments(segs, chief["chief_id"], valid_from)

    def save_chief(self, values: dict, chief_id: Optional[str] = None) -> str:
        """Add (no ``chief_id``) or change a chief as one edit command; returns its id."""
        h = self._ensure_current()
        cs, chief_id = amod.chief_changes(values, h.units, h.chiefs, chief_id)
        self.session.apply(cs, _lang())
        self._schedule_reload()
        return chief_id

    def deactivate_chief(self, chief_id: str, end_date: Optional[str] = None) -> int:
        """Mark a chief inactive and end its open appointments (nothing deleted), as ONE
        undo step: one edit command on each layer, linked so that undoing either undoes
        both (:mod:`hezhang_plugin.gui.edit_buffer`)."""
        h = self._ensure_current()
        if chief_id not in h.chiefs:
            raise amod.AssignmentError("chief.unknown", chief=chief_id)
        assigns = layer_rows(self._editable("assignments"), _READ_FIELDS["assignments"])
        cs = amod.deactivation_changes(h.chiefs[chief_id], assigns, end_date or self.as_of())
        self.session.apply(cs, _lang())
        self._schedule_reload()
        return cs.count("assignments")

    def save_edits(self) -> None:
        dirty = self.session.unsaved_layers(("chiefs", "assignments")) if self.session else []
        names = ", ".join(lyr.name() for lyr in dirty)
        failed = self.session.save(dirty) if dirty else []
        # QGIS keeps the edits when a commit fails: another program's lock can be waited out.
        while failed and any(guards.is_busy(RuntimeError(e)) for e in failed) \
                and guards.ask_retry_busy(self, self.path):
            dirty = self.session.unsaved_layers(("chiefs", "assignments"))
            failed = self.session.save(dirty) if dirty else []
        if failed:
            self._message(self.tr("Saving {0} failed: {1}").format(names, "; ".join(failed)),
                          Qgis.MessageLevel.Critical)
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
        if self.hierarchy is None or self._refused():
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
            self._save_chief_reporting(dialog.values())

    def edit_chief_dialog(self) -> None:
        cid = self._selected_chief()
        if cid is None:
            self._message(self.tr("Select a chief in the tree first"), Qgis.MessageLevel.Info)
            return
        if self._refused():
            return
        dialog = ChiefDialog(self.hierarchy.units, self.hierarchy.chiefs[cid], self)
        if dialog.exec():
            self._save_chief_reporting(dialog.values(), cid)

    def _save_chief_reporting(self, values: dict, chief_id: Optional[str] = None) -> None:
        try:
            self.save_chief(values, chief_id)
        except (amod.AssignmentError, RuntimeError, WorkspaceError) as exc:
            self._message(_error_text(exc), Qgis.MessageLevel.Warning)

    def deactivate_chief_dialog(self) -> None:
        cid = self._selected_chief()
        if cid is None:
            self._message(self.tr("Select a chief in the tree first"), Qgis.MessageLevel.Info)
            return
        if self._refused():
            return
        c = self.hierarchy.chiefs[cid]
        text = self.tr("Deactivate {0} and end the appointments on {1}? History is kept.").format(
            c.get("name"), self.as_of()
        )
        if QMessageBox.question(self, self.tr("Deactivate chief"), text) == QMessageBox.StandardButton.Yes:
            try:
                self.deactivate_chief(cid, self.as_of())
            except (amod.AssignmentError, RuntimeError, WorkspaceError) as exc:
                self._message(_error_text(exc), Qgis.MessageLevel.Warning)

    def assign_dialog(self) -> None:
        segs = self.selected_seg_codes()
        if not segs:
            self._message(self.tr("Select segments in the tree or on the map first"), Qgis.MessageLevel.Info)
            return
        if self._refused():
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
            except (amod.AssignmentError, RuntimeError, WorkspaceError) as exc:
                self._message(_error_text(exc), Qgis.MessageLevel.Warning)
                return
            self._message(self.tr("{0} appointments added").format(n), Qgis.MessageLevel.Success)

    def assign_village_dialog(self) -> None:
        code = self._selected_unit()
        if code is None or (self.hierarchy.units.get(code) or {}).get("level") != "village":
            self._message(self.tr("Select a village in the tree first"), Qgis.MessageLevel.Info)
            return
        if self._refused():
            return
        try:
            n = self.assign_village(code)
        except (amod.AssignmentError, RuntimeError, WorkspaceError) as exc:
            self._message(_error_text(exc), Qgis.MessageLevel.Warning)
            return
        self._message(self.tr("{0} appointments added").format(n), Qgis.MessageLevel.Success)

    def _message(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        self.show_message(text, level, 6)

    # ------------------------------------------------------------ coverage problems
    def run_check(self, sync: bool = False) -> None:
        """Run the coverage rules on the workspace's layers as the tree shows them (unsaved
        edits included), as a task unless ``sync``."""
        if self.session is not None and self.session.is_open:
            self.coverage.run(self.session, self.as_of(), self.tasks, sync)

    def _on_problem_clicked(self, item, _column=0) -> None:
        """As a click on a finding row of the coverage panel."""
        self.coverage._clicked(item, _column)

    def _on_finding_clicked(self, seg_code: str, wkb) -> None:
        if seg_code and self.hierarchy is not None and seg_code in self.hierarchy.seg_by_code:
            self._select_keys([("segment", seg_code, self.hierarchy.unit_of_segment(seg_code))])
        if wkb and self.iface is not None:
            self.coverage.zoom_to(self.iface.mapCanvas(), wkb, self.layers.get("segments"))
