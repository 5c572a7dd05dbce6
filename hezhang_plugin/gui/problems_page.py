"""Dock page "Problems": problems by town and status, overdue first, moved along the
workflow as one undoable edit (the status and its history row together).

A :class:`~hezhang_plugin.gui.page.DockPage`: it shows the dock's workspace session. Rows
are read in a task (:class:`~hezhang_plugin.gui.tasks.TaskRunner`) from snapshots of the
session's layers (:mod:`hezhang_plugin.gui.snapshots`: edit buffers included, so the list
shows what the user sees, saved or not); every edit goes through the session's one
interactive applier (linked undo across the problem and its history row); the page reloads
on the session's ``changed`` signal like every other tab.
"""

from __future__ import annotations

import datetime as _dt
from typing import Optional

from qgis.core import Qgis, QgsExpression, QgsFeature, QgsFeatureRequest, QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QDate, QSettings, Qt, QTimer
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from hezhang_plugin import log
from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import problems as pmod
from hezhang_plugin.core import schema
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import Message
from hezhang_plugin.gui.edit_buffer import EditError
from hezhang_plugin.gui.page import DockPage, ui_lang
from hezhang_plugin.gui.snapshots import layer_rows, plain, snapshots

LAYERS = ("problems", "problem_events", "problem_transitions")
#: What the list reads (the problem layers, and units, chiefs, segments for names and towns).
READS = LAYERS + ("admin_units", "chiefs", "segments")
SETTINGS_ACTOR = "hezhang_plugin/problems/actor"
SETTINGS_LEVEL = "hezhang_plugin/problems/actor_level"
CODE_ROLE = Qt.ItemDataRole.UserRole
STATUS_ORDER = {c.value: i for i, c in enumerate(schema.PROBLEM_STATUSES.choices)}
_LOAD = "load"


def load_problems(snaps: dict, ctx=None) -> dict:
    """What the page shows, read from layer snapshots (runs in a task): table name → rows."""
    out = {}
    for n, name in enumerate(READS):
        if ctx is not None:
            ctx.check()
            ctx.setProgress(100.0 * n / len(READS))
        out[name] = snaps[name].rows()
    return out


class ProblemsPage(DockPage):
    """Problems by town and status; the workflow; filling in from the location."""

    def __init__(self, iface=None, parent=None):
        super().__init__(iface, parent)
        self.rows: dict = {}
        self._completing = False
        self.follow_layer("problems", "featureAdded", self._on_feature_added)
        layout = QVBoxLayout(self)
        filters = QHBoxLayout()
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setObjectName("problemsAsOf")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.town_filter = QComboBox()
        self.town_filter.setObjectName("problemsTownFilter")
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("problemsStatusFilter")
        self.status_filter.addItem(self.tr("All statuses"), "")
        for c in schema.PROBLEM_STATUSES.choices:
            self.status_filter.addItem(c.zh if ui_lang() == "zh" else c.en, c.value)
        self.overdue_only = QCheckBox(self.tr("Overdue only"))
        self.overdue_only.setObjectName("problemsOverdueOnly")
        filters.addWidget(QLabel(self.tr("As of")))
        filters.addWidget(self.date_edit)
        filters.addWidget(self.town_filter, 1)
        filters.addWidget(self.status_filter, 1)
        filters.addWidget(self.overdue_only)
        layout.addLayout(filters)
        split = QSplitter(Qt.Orientation.Vertical)
        self.tree = QTreeWidget()
        self.tree.setObjectName("problemsTree")
        self.tree.setHeaderLabels([self.tr("Problem"), self.tr("Status"), self.tr("Deadline"),
                                   self.tr("Days overdue"), self.tr("Responsible chief")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        split.addWidget(self.tree)
        self.history = QTableWidget(0, 4)
        self.history.setObjectName("problemsHistory")
        self.history.setHorizontalHeaderLabels([self.tr("Time"), self.tr("Actor"), self.tr("Change"),
                                                self.tr("Note")])
        self.history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        split.addWidget(self.history)
        layout.addWidget(split, 1)
        box = QGroupBox(self.tr("Move along the workflow"))
        form = QFormLayout(box)
        self.next_combo = QComboBox()
        self.next_combo.setObjectName("problemsNextStatus")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("problemsNote")
        self.actor_edit = QLineEdit(QSettings().value(SETTINGS_ACTOR, "", type=str))
        self.actor_edit.setObjectName("problemsActor")
        self.level_combo = QComboBox()
        self.level_combo.setObjectName("problemsActorLevel")
        for c in schema.LEVELS.choices:
            self.level_combo.addItem(c.zh if ui_lang() == "zh" else c.en, c.value)
        level = QSettings().value(SETTINGS_LEVEL, "district", type=str)
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(level)))
        self.move_button = QPushButton(self.tr("Move"))
        self.move_button.setObjectName("problemsMoveButton")
        row = QHBoxLayout()
        row.addWidget(self.next_combo, 1)
        row.addWidget(self.move_button)
        form.addRow(self.tr("Next step"), row)
        form.addRow(self.tr("Note"), self.note_edit)
        form.addRow(self.tr("Actor"), self.actor_edit)
        form.addRow(self.tr("Acting for"), self.level_combo)
        layout.addWidget(box)
        buttons = QHBoxLayout()
        self.complete_button = QPushButton(self.tr("Fill in from location"))
        self.complete_button.setObjectName("problemsCompleteButton")
        self.complete_button.setToolTip(self.tr(
            "Segment, river, responsible unit and chief from the problem's location; severity from its "
            "quantity; deadline from its severity (fields already filled are kept)"))
        self.clues_button = QPushButton(self.tr("Water-change clues"))
        self.clues_button.setObjectName("problemsCluesButton")
        self.clues_button.setToolTip(self.tr(
            "Add a problem for each polygon of the active hezhang:waterchange result layer (water lost: "
            "suspected occupation; water gained: suspected sand mining)"))
        self.zoom_button = QPushButton(self.tr("Zoom to"))
        self.zoom_button.setObjectName("problemsZoomButton")
        self.save_button = QPushButton(self.tr("Save edits"))
        self.save_button.setObjectName("problemsSaveButton")
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.clues_button)
        buttons.addWidget(self.zoom_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self.status_label = QLabel()
        self.status_label.setObjectName("problemsStatusLabel")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.date_edit.dateChanged.connect(self._fill)
        self.town_filter.currentIndexChanged.connect(self._fill)
        self.status_filter.currentIndexChanged.connect(self._fill)
        self.overdue_only.toggled.connect(self._fill)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.tree.itemDoubleClicked.connect(lambda *a: self.zoom_to_selected())
        self.move_button.clicked.connect(self._on_move)
        self.complete_button.clicked.connect(self._on_complete)
        self.zoom_button.clicked.connect(self.zoom_to_selected)
        self.clues_button.clicked.connect(self._on_clues)
        self.save_button.clicked.connect(self.save_edits)

    # ------------------------------------------------------------ workspace
    def message_title(self) -> str:
        return self.tr("Problems")

    def as_of(self) -> str:
        return self.date_edit.date().toString("yyyy-MM-dd")

    @property
    def layers(self) -> dict:
        """name → the session's layer (the project's, or one reading the workspace)."""
        return self.session.layers() if self.session is not None and self.session.is_open else {}

    def on_workspace(self, session) -> None:
        self.rows = {}
        self.tree.clear()
        self.history.setRowCount(0)
        self.refresh()

    def on_changed(self) -> None:
        self.refresh()

    @property
    def loading(self) -> bool:
        return self.tasks.busy(_LOAD) or (self.session is not None and self.session.change_pending)

    def refresh(self) -> None:
        """Read the rows in a background task; the list fills when it ends."""
        layers = self.layers
        if not layers or any(n not in layers for n in LAYERS):
            self.tasks.cancel(_LOAD)
            self.status_label.setText(self.tr("This workspace has no problem layers.") if layers else "")
            return
        snaps = snapshots(self.session, READS)
        self.tasks.run(self.tr("Reading problems"), lambda ctx: load_problems(snaps, ctx), self._loaded, key=_LOAD,
                       failed=self._load_failed)

    #: the name the page had before it was a DockPage
    reload = refresh

    def _load_failed(self, exc: BaseException) -> None:
        from hezhang_plugin.gui.tasks import error_text

        self.status_label.setText(self.tr("The problems could not be read: {0}").format(error_text(exc, ui_lang())))

    def _loaded(self, rows: dict) -> None:
        self.rows = rows
        self._fill_towns()
        self._fill()

    # ------------------------------------------------------------ list
    def _units(self) -> dict:
        return {u["code"]: u for u in self.rows.get("admin_units", []) if u.get("code")}

    def town_of(self, problem: dict) -> Optional[str]:
        unit = problem.get("unit_code")
        return amod.unit_ancestor(unit, "town", self._units()) if unit else None

    def _fill_towns(self) -> None:
        current = self.town_filter.currentData()
        self.town_filter.blockSignals(True)
        self.town_filter.clear()
        self.town_filter.addItem(self.tr("All towns"), "")
        for u in sorted((u for u in self._units().values() if u.get("level") == "town"), key=lambda u: u["code"]):
            self.town_filter.addItem(u.get("name") or u["code"], u["code"])
        self.town_filter.setCurrentIndex(max(0, self.town_filter.findData(current)))
        self.town_filter.blockSignals(False)

    def _events_of(self, code: str) -> list:
        return [e for e in self.rows.get("problem_events", []) if e.get("problem_code") == code]

    def listing(self) -> list[tuple]:
        """(town code, [(problem, status, days overdue)]) as the list shows them: towns in
        code order, within a town overdue first (most days first), then by status, then code."""
        day = self.as_of()
        town_want = self.town_filter.currentData() or ""
        status_want = self.status_filter.currentData() or ""
        groups: dict = {}
        for p in self.rows.get("problems", []):
            history = self._events_of(p.get("problem_code"))
            status = pmod.status_on(p, history, day)
            if status is None:
                continue
            days = pmod.days_overdue(p, history, day)
            town = self.town_of(p) or ""
            if (town_want and town != town_want) or (status_want and status != status_want):
                continue
            if self.overdue_only.isChecked() and not days:
                continue
            groups.setdefault(town, []).append((p, status, days))
        out = []
        for town in sorted(groups, key=lambda t: (t == "", t)):
            items = sorted(groups[town], key=lambda x: (-x[2], STATUS_ORDER.get(x[1], 99),
                                                         str(x[0].get("problem_code"))))
            out.append((town, items))
        return out

    def _fill(self, *args) -> None:
        lang = ui_lang()
        selected = set(self.selected_codes())
        chiefs = {c["chief_id"]: c.get("name") for c in self.rows.get("chiefs", [])}
        units = self._units()
        self.tree.clear()
        total = overdue = 0
        for town, items in self.listing():
            late = sum(1 for _p, _s, d in items if d)
            name = (units.get(town) or {}).get("name") or (town or self.tr("No town"))
            top = QTreeWidgetItem([self.tr("{0} ({1} problems, {2} overdue)").format(name, len(items), late)])
            top.setFirstColumnSpanned(True)
            self.tree.addTopLevelItem(top)
            for p, status, days in items:
                code = p.get("problem_code")
                item = QTreeWidgetItem([f"{code} {p.get('title') or ''}",
                                        schema.PROBLEM_STATUSES.label(status, lang), str(p.get("deadline") or ""),
                                        str(days) if days else "", chiefs.get(p.get("chief_id")) or ""])
                item.setData(0, CODE_ROLE, code)
                if days:
                    for col in range(5):
                        item.setForeground(col, Qt.GlobalColor.red)
                top.addChild(item)
                item.setSelected(code in selected)
            top.setExpanded(True)
            total += len(items)
            overdue += late
        self.status_label.setText(self.tr("{0} problem(s), {1} overdue on {2}").format(total, overdue, self.as_of()))
        self._on_selection()

    def selected_codes(self) -> list[str]:
        return [it.data(0, CODE_ROLE) for it in self.tree.selectedItems() if it.data(0, CODE_ROLE)]

    def select(self, code: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            for k in range(top.childCount()):
                child = top.child(k)
                child.setSelected(child.data(0, CODE_ROLE) == code)

    def _problem(self, code: str) -> Optional[dict]:
        return next((p for p in self.rows.get("problems", []) if p.get("problem_code") == code), None)

    def _on_selection(self) -> None:
        codes = self.selected_codes()
        lang = ui_lang()
        self.history.setRowCount(0)
        self.next_combo.clear()
        if len(codes) != 1:
            return
        p = self._problem(codes[0])
        if p is None:
            return
        history = sorted(self._events_of(codes[0]), key=pmod.event_time)
        self.history.setRowCount(len(history))
        for r, e in enumerate(history):
            change = (f"{schema.PROBLEM_STATUSES.label(e.get('from_status') or '', lang) or '—'} → "
                      f"{schema.PROBLEM_STATUSES.label(e.get('to_status') or '', lang)}")
            for c, text in enumerate((pmod.event_time(e).replace("T", " "), e.get("actor") or "", change,
                                      e.get("note") or "")):
                self.history.setItem(r, c, QTableWidgetItem(text))
        for status in pmod.next_steps(p.get("status") or "reported", self.rows.get("problem_transitions", [])):
            self.next_combo.addItem(schema.PROBLEM_STATUSES.label(status, lang), status)

    # ------------------------------------------------------------ edits
    def _feature(self, code: str) -> Optional[QgsFeature]:
        layer = self.layers["problems"]
        req = QgsFeatureRequest(QgsExpression(QgsExpression.createFieldEqualityExpression("problem_code", code)))
        return next(layer.getFeatures(req), None)

    def _layer_rows(self, name: str) -> list[dict]:
        """Rows of a live layer, edit buffer included (main thread: what an edit plans on)."""
        lyr = self.layers[name]
        return layer_rows(lyr, lyr.fields().names())

    def move(self, code: str, to_status: str, note: str = "", actor: Optional[str] = None,
             actor_level: Optional[str] = None, when: Optional[str] = None,
             expected_status: Optional[str] = None) -> pmod.Transition:
        """Move one problem along the workflow as ONE undoable edit: its status and its
        history row. Raises :class:`core.problems.TransitionError` when the workflow refuses
        (nothing is changed)."""
        problems = self.layers["problems"]
        feat = self._feature(code)
        if feat is None:
            raise KeyError(code)
        fields = problems.fields()
        row = {n: plain(v) for n, v in zip(fields.names(), feat.attributes())}
        if expected_status is not None:
            row["status"] = expected_status
        history = [e for e in self._layer_rows("problem_events") if e.get("problem_code") == code]
        t = pmod.plan_transition(row, to_status, actor=actor if actor is not None else self.actor_edit.text(),
                                 when=when or _dt.datetime.now().replace(microsecond=0).isoformat(), note=note,
                                 actor_level=actor_level if actor_level is not None else self.level_combo.currentData(),
                                 transitions=self._layer_rows("problem_transitions"), events=history)
        pmod.check_unchanged(plain(feat["status"]), t)
        self.session.apply(pmod.transition_changes(t), ui_lang())
        return t

    def _on_move(self) -> None:
        codes = self.selected_codes()
        status = self.next_combo.currentData()
        if len(codes) != 1 or not status:
            return
        QSettings().setValue(SETTINGS_ACTOR, self.actor_edit.text())
        QSettings().setValue(SETTINGS_LEVEL, self.level_combo.currentData())
        shown = self._problem(codes[0]) or {}
        try:
            self.move(codes[0], status, self.note_edit.text(), expected_status=shown.get("status"))
        except (pmod.TransitionError, EditError) as exc:
            self._message(exc.text(ui_lang()), Qgis.MessageLevel.Warning)
            return
        self.note_edit.clear()

    def complete_problems(self, fids=None) -> int:
        """Fill segment, river, unit, chief, severity and deadline of problems (the selected
        ones, or ``fids``) from their location and quantity, and give a problem without
        history its first row, as one undoable edit. Returns how many problems changed."""
        from hezhang_plugin.services import problems as sp

        problems = self.layers["problems"]
        if fids is None:
            fids = [f.id() for f in (self._feature(c) for c in self.selected_codes()) if f is not None]
        if not fids:
            return 0
        data = sp.load(self.session.backend)
        units = {u["code"]: u for u in data.units if u.get("code")}
        active = {c["chief_id"] for c in data.chiefs if c.get("active", True)}
        rules = self._layer_rows("problem_rules") if "problem_rules" in self.layers else data.rules
        have_history = {e.get("problem_code") for e in self._layer_rows("problem_events")}
        fields = problems.fields()
        cs = ChangeSet(Message("change.fill_problems", count=len(fids)))
        changed = 0
        for fid in fids:
            feat = problems.getFeature(fid)
            if not feat.isValid():
                continue
            row = {n: plain(v) for n, v in zip(fields.names(), feat.attributes())}
            g = feat.geometry()
            if g is not None and not g.isEmpty():
                import shapely

                row["geom"] = shapely.from_wkb(bytes(g.asWkb()))
            fill = pmod.complete(row, data.segments, data.assignments, units, rules, data.crs, active)
            if fill:
                cs.update("problems", int(fid), fill)
                changed += 1
            if row.get("problem_code") and row["problem_code"] not in have_history:
                cs.insert("problem_events", pmod.report_event(row, self.actor_edit.text() or row.get("reported_by")
                                                              or ""))
        if not cs:
            return 0
        self._completing = True
        try:
            self.session.apply(cs, ui_lang())
        finally:
            self._completing = False
        return changed

    def _on_feature_added(self, fid) -> None:
        # After the add command has closed: filling in is its own (undoable) step.
        if not self._completing:
            QTimer.singleShot(0, lambda: self._complete_added(fid))

    def _complete_added(self, fid) -> None:
        try:
            self.complete_problems([fid])
        except Exception as exc:  # never lose the user's new feature over a suggestion
            log.get_logger().warning("filling in a new problem: %s", exc)

    def _on_complete(self) -> None:
        try:
            n = self.complete_problems()
        except EditError as exc:
            self._message(exc.text(ui_lang()), Qgis.MessageLevel.Critical)
            return
        self._message(self.tr("{0} problem(s) filled in").format(n), Qgis.MessageLevel.Info)

    def add_water_change_clues(self, layer: QgsVectorLayer) -> int:
        """Problems from a ``hezhang:waterchange`` result layer, added to the edit buffer
        and filled in from their location (one undoable edit each step). Returns how many."""
        import shapely
        from qgis.core import QgsCoordinateTransform, QgsGeometry

        problems = self.layers["problems"]
        names = layer.fields().names()
        if not {"change", "area_m2"} <= set(names):
            raise ValueError(self.tr("{0} is not a water-change result (it has no change and area_m2 fields)")
                             .format(layer.name()))
        xform = QgsCoordinateTransform(layer.crs(), problems.crs(), QgsProject.instance())
        rows = []
        for feat in layer.getFeatures():
            g = QgsGeometry(feat.geometry())
            if g.isEmpty():
                continue
            g.transform(xform)
            row = {n: plain(v) for n, v in zip(names, feat.attributes())}
            row["fid"] = feat.id()
            row["geom"] = shapely.from_wkb(bytes(g.asWkb()))
            rows.append(row)
        clues = pmod.clues_from_water_change(rows)
        if not clues:
            return 0
        taken = {p.get("problem_code") for p in self._layer_rows("problems")}
        district = self._district()
        cs = ChangeSet(Message("change.water_clues", count=len(clues)))
        for c in clues:
            day = c["reported_on"] or _dt.date.today().isoformat()
            code = pmod.next_code(district, day, taken)
            taken.add(code)
            cs.insert("problems", dict(c, problem_code=code, status="reported", reported_on=day))
        self._completing = True
        try:
            inserted = self.session.apply(cs, ui_lang())
        finally:
            self._completing = False
        self.complete_problems(inserted.get("problems", []))
        return len(clues)

    def _district(self) -> str:
        info = self.session.info if self.session is not None else None
        return info.district_code if info is not None else ""

    def _on_clues(self) -> None:
        layer = self.iface.activeLayer() if self.iface is not None else None
        if not isinstance(layer, QgsVectorLayer):
            self._message(self.tr("Select the layer written by hezhang:waterchange in the Layers panel first."),
                          Qgis.MessageLevel.Warning)
            return
        try:
            n = self.add_water_change_clues(layer)
        except EditError as exc:
            self._message(exc.text(ui_lang()), Qgis.MessageLevel.Warning)
            return
        except ValueError as exc:
            self._message(str(exc), Qgis.MessageLevel.Warning)
            return
        self._message(self.tr("{0} water-change clue(s) added as problems").format(n), Qgis.MessageLevel.Info)

    def save_edits(self) -> bool:
        # History first: a status never lands without the row that explains it.
        layers = self.layers
        dirty = [layers[n] for n in ("problem_events", "problems")
                 if n in layers and layers[n].isEditable() and layers[n].isModified()]
        for lyr in dirty:
            failed = self.session.save([lyr])
            if failed:
                self._message(self.tr("Saving failed: {0}").format("; ".join(failed)), Qgis.MessageLevel.Critical)
                return False
        self._message(self.tr("Problems saved"), Qgis.MessageLevel.Success)
        return True

    def zoom_to_selected(self) -> None:
        canvas = self.iface.mapCanvas() if self.iface is not None else None
        layer = self.layers.get("problems")
        if canvas is None or layer is None:
            return
        fids = [f.id() for f in (self._feature(c) for c in self.selected_codes()) if f is not None]
        if fids:
            layer.selectByIds(fids)
            canvas.zoomToSelected(layer)
            canvas.refresh()

    def _message(self, text: str, level=Qgis.MessageLevel.Info) -> None:
        self.status_label.setText(text)
        self.show_message(text, level, 8)
