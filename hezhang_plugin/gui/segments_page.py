"""Dock page "Segments": list, filters, map selection sync, segmentation task, length statistics.

Everything the page shows is read in a background task from the workspace's layers as the
other tabs read them (edit buffers included, :mod:`hezhang_plugin.gui.snapshots`); the UI
thread only swaps the results into lazy models, so the page answers at once even with
100,000 segments (``make bench`` measures it). Segmentation is a batch write through the
workspace session (unsaved edits are saved first, or the run is refused).
"""

from __future__ import annotations

from typing import Optional

from qgis.core import Qgis, QgsVectorLayer
from qgis.PyQt.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QCoreApplication,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
)
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from hezhang_plugin import log
from hezhang_plugin.core import schema
from hezhang_plugin.core.messages import Message
from hezhang_plugin.gui import guards
from hezhang_plugin.gui.page import DockPage, ui_lang
from hezhang_plugin.gui.snapshots import segments_with_bank_geometry, snapshots

LIST_COLUMNS = ("seg_code", "name", "bank", "unit_code", "length_km")
_LOAD, _SEGMENT = "load", "segment"


def tr(text: str) -> str:
    # Context "@default": where pylupdate5 files module-level tr("...") calls.
    return QCoreApplication.translate("@default", text)


# ---------------------------------------------------------------------------- models


class _Cell:
    """One cell of a table view, read like a QTableWidgetItem (text, data)."""

    def __init__(self, index: QModelIndex):
        self.index = index

    def text(self) -> str:
        value = self.index.data(Qt.ItemDataRole.DisplayRole)
        return "" if value is None else str(value)

    def data(self, role: int):
        return self.index.data(role)


class TableView(QTableView):
    """A QTableView answering ``rowCount()`` and ``item(row, column)`` like QTableWidget."""

    def rowCount(self) -> int:
        return self.model().rowCount() if self.model() is not None else 0

    def item(self, row: int, column: int) -> Optional[_Cell]:
        index = self.model().index(row, column)
        return _Cell(index) if index.isValid() else None


class ChoiceModel(QAbstractListModel):
    """(label, value) choices for a combo box, swapped in at once (no item per choice)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.choices: list = []

    def set_choices(self, choices: list) -> None:
        self.beginResetModel()
        self.choices = list(choices)
        self.endResetModel()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.choices)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        label, value = self.choices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return label
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None


class SegmentTableModel(QAbstractTableModel):
    """The current segments, filtered by river and unit; cells made only when shown."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.visible: list = []
        self.unit_names: dict = {}
        zh = ui_lang() == "zh"
        self._banks = {c.value: (c.zh if zh else c.en) for c in schema.BANKS.choices}
        self._headers = [getattr(schema.layer("segments").field(c), "zh" if zh else "en") for c in LIST_COLUMNS]

    def set_rows(self, rows: list, unit_names: dict) -> None:
        self.beginResetModel()
        self.rows, self.unit_names = rows, unit_names
        self.visible = rows
        self.endResetModel()

    def set_filter(self, river: Optional[str], unit: Optional[str]) -> None:
        self.beginResetModel()
        if river is None and unit is None:
            self.visible = self.rows
        else:
            self.visible = [r for r in self.rows if (river is None or r["river_code"] == river)
                            and (unit is None or r["unit_code"] == unit)]
        self.endResetModel()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.visible)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(LIST_COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.visible[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return r["fid"]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        col = LIST_COLUMNS[index.column()]
        if col == "bank":
            return self._banks.get(r.get("bank"), r.get("bank"))
        if col == "unit_code":
            return self.unit_names.get(r.get("unit_code"), r.get("unit_code"))
        if col == "length_km":
            return f"{r.get('length_km') or 0:.3f}"
        return r.get(col)

    def fid(self, row: int):
        return self.visible[row]["fid"]


class StatsTableModel(QAbstractTableModel):
    """One statistics table (core.stats.Table) in the UI language."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.table = None
        self.values: list = []
        self.headers: list = []

    def set_table(self, table, lang: str = "zh") -> None:
        self.beginResetModel()
        self.table = table
        self.values = table.values() if table is not None else []
        self.headers = table.headers(lang) if table is not None else []
        self.endResetModel()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.values)

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and \
                section < len(self.headers):
            return self.headers[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        v = self.values[index.row()][index.column()]
        return "" if v is None else str(v)


# ---------------------------------------------------------------------------- loading


def load_segments(snaps: dict, date: Optional[str] = None, ctx=None) -> dict:
    """What the page shows, from layer snapshots (runs in a task): current segment rows
    (no geometry) sorted by code, unit and river names, filter choices, length statistics."""
    from hezhang_plugin.core import assignments as amod
    from hezhang_plugin.core import dates, stats, validity

    day = date or dates.today()
    segments = validity.current_rows(segments_with_bank_geometry(snaps["segments"]), day)
    if ctx is not None:
        ctx.setProgress(40)
        ctx.check()
    units = snaps["admin_units"].rows()
    rivers = snaps["rivers"].rows()
    chiefs = snaps["chiefs"].rows()
    assignments = amod.Columns(snaps["assignments"].columns())  # the largest table: no dict per row
    if ctx is not None:
        ctx.setProgress(70)
        ctx.check()
    tables = stats.length_statistics(segments, units, rivers, chiefs, assignments, snaps["segments"].crs, day)
    rows = sorted(({k: v for k, v in s.items() if k != "geom"} for s in segments),
                  key=lambda r: r.get("seg_code") or "")
    unit_names = {u["code"]: u.get("name") or "" for u in units}
    river_names = {r["river_code"]: r.get("name") or "" for r in rivers}
    return {
        "rows": rows,
        "unit_names": unit_names,
        "rivers": [(f"{river_names.get(v, '')} ({v})", v) for v in sorted({r["river_code"] for r in rows if r.get(
            "river_code")})],
        "units": [(f"{unit_names.get(v, '')} ({v})", v) for v in sorted({r["unit_code"] for r in rows if r.get(
            "unit_code")})],
        "tables": tables,
    }


class SegmentsPage(DockPage):
    """Segments of the open workspace."""


    def message_title(self) -> str:
        return self.tr("Segments")

    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.task = None
        self.tool = None
        self._syncing = False
        self._rows: list = []
        self.tables = {}
        self.follow_layer("segments", "selectionChanged", self._layer_selection_changed)
        layout = QVBoxLayout(self)
        # filters
        filters = QHBoxLayout()
        self.river_filter = QComboBox()
        self.river_filter.setObjectName("riverFilter")
        self.river_filter.setModel(ChoiceModel(self.river_filter))
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("unitFilter")
        self.unit_filter.setModel(ChoiceModel(self.unit_filter))
        filters.addWidget(QLabel(self.tr("River")))
        filters.addWidget(self.river_filter, 1)
        filters.addWidget(QLabel(self.tr("Unit")))
        filters.addWidget(self.unit_filter, 1)
        layout.addLayout(filters)
        self.model = SegmentTableModel(self)
        self.list = TableView()
        self.list.setObjectName("segmentList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Fixed row heights: the view never measures 100,000 rows.
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.list.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.list, 2)
        buttons = QHBoxLayout()
        self.zoom_button = QPushButton(self.tr("Zoom to segment"))
        self.zoom_button.setObjectName("zoomSegmentButton")
        self.draw_button = QPushButton(self.tr("Draw segment on river"))
        self.draw_button.setObjectName("drawSegmentButton")
        self.draw_button.setCheckable(True)
        self.bank_combo = QComboBox()
        for choice in schema.BANKS.choices:
            self.bank_combo.addItem(choice.zh if ui_lang() == "zh" else choice.en, choice.value)
        buttons.addWidget(self.zoom_button)
        buttons.addWidget(self.draw_button)
        buttons.addWidget(self.bank_combo)
        layout.addLayout(buttons)
        # segmentation
        box = QGroupBox(self.tr("Automatic segmentation"))
        form = QFormLayout(box)
        self.level_combo = QComboBox()
        self.level_combo.addItem(self.tr("Village"), "village")
        self.level_combo.addItem(self.tr("Town"), "town")
        from hezhang_plugin.core import segmentation as seg  # the defaults the algorithm has too

        self.level_combo.setCurrentIndex(max(self.level_combo.findData(seg.DEFAULT_UNIT_LEVEL), 0))
        self.tolerance_spin = QDoubleSpinBox()
        self.tolerance_spin.setRange(0, 1000)
        self.tolerance_spin.setValue(seg.DEFAULT_BOUNDARY_TOLERANCE)
        self.tolerance_spin.setSuffix(" m")
        self.min_length_spin = QDoubleSpinBox()
        self.min_length_spin.setRange(0, 100000)
        self.min_length_spin.setValue(seg.DEFAULT_MIN_LENGTH)
        self.min_length_spin.setSuffix(" m")
        form.addRow(self.tr("Unit level"), self.level_combo)
        form.addRow(self.tr("Boundary tolerance"), self.tolerance_spin)
        form.addRow(self.tr("Minimum length"), self.min_length_spin)
        run_row = QHBoxLayout()
        self.run_button = QPushButton(self.tr("Segment rivers"))
        self.run_button.setObjectName("segmentRiversButton")
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        run_row.addWidget(self.run_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 1)
        form.addRow(run_row)
        self.result_label = QLabel()
        self.result_label.setObjectName("segmentationResult")
        self.result_label.setWordWrap(True)
        form.addRow(self.result_label)
        layout.addWidget(box)
        # statistics
        stats_box = QGroupBox(self.tr("Lengths (single-bank counting)"))
        sl = QVBoxLayout(stats_box)
        top = QHBoxLayout()
        self.stats_combo = QComboBox()
        self.stats_combo.setObjectName("statsKind")
        for key, title in (("rivers", self.tr("Per river")), ("units", self.tr("Per unit")),
                           ("towns", self.tr("Per town")), ("chiefs", self.tr("Per chief"))):
            self.stats_combo.addItem(title, key)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("exportStatsButton")
        top.addWidget(self.stats_combo, 1)
        top.addWidget(self.export_button)
        sl.addLayout(top)
        self.stats_model = StatsTableModel(self)
        self.stats_table = TableView()
        self.stats_table.setObjectName("statsTable")
        self.stats_table.setModel(self.stats_model)
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        sl.addWidget(self.stats_table)
        layout.addWidget(stats_box, 1)
        # wiring
        self.river_filter.currentIndexChanged.connect(self._fill_list)
        self.unit_filter.currentIndexChanged.connect(self._fill_list)
        self.list.selectionModel().selectionChanged.connect(self._list_selection_changed)
        self.zoom_button.clicked.connect(self.zoom_to_selected)
        self.draw_button.toggled.connect(self._toggle_tool)
        self.bank_combo.currentIndexChanged.connect(self._bank_changed)
        self.run_button.clicked.connect(self.run_segmentation)
        self.cancel_button.clicked.connect(self.cancel_segmentation)
        self.stats_combo.currentIndexChanged.connect(self._fill_stats)
        self.export_button.clicked.connect(self.export_dialog)

    # -- workspace and layers
    @property
    def layer(self) -> Optional[QgsVectorLayer]:
        """The workspace's segments layer (None without a workspace)."""
        return self.session.layer("segments") if self.session is not None and self.session.is_open else None

    def _project_layer(self, name: str) -> Optional[QgsVectorLayer]:
        return self.session.layers().get(name) if self.session is not None and self.session.is_open else None

    def on_workspace(self, session) -> None:
        self._drop_tool()  # it drew on the previous workspace's layers
        self.refresh()

    def _drop_tool(self) -> None:
        if self.tool is not None and self.iface is not None and self.iface.mapCanvas().mapTool() is self.tool:
            self.iface.mapCanvas().unsetMapTool(self.tool)
        self.tool = None
        if getattr(self, "draw_button", None) is not None:
            self.draw_button.setChecked(False)

    def on_changed(self) -> None:
        self.refresh()

    def on_teardown(self) -> None:
        self._drop_tool()
        self.task = None

    @property
    def loading(self) -> bool:
        return self.tasks.busy(_LOAD) or (self.session is not None and self.session.change_pending)

    def refresh(self) -> None:
        """Reload segments, filters and statistics in a background task."""
        if self.session is None or not self.session.is_open:
            self.tasks.cancel(_LOAD)
            self._apply({"rows": [], "unit_names": {}, "rivers": [], "units": [], "tables": {}})
            return
        snaps = snapshots(self.session, ("segments", "admin_units", "rivers", "chiefs", "assignments"))
        self.tasks.run(self.tr("Loading segments"), lambda ctx: load_segments(snaps, None, ctx), self._apply,
                       key=_LOAD)

    def _apply(self, result: dict) -> None:
        """Swap a load's result into the models (main thread; no per-row work)."""
        self._rows = result["rows"]
        self.tables = result["tables"]
        for combo, choices in ((self.river_filter, result["rivers"]), (self.unit_filter, result["units"])):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.model().set_choices([(self.tr("All"), None)] + choices)
            i = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        self.model.set_rows(self._rows, result["unit_names"])
        self._fill_list()
        self._fill_stats()

    def visible_rows(self) -> list:
        return list(self.model.visible)

    def _fill_list(self) -> None:
        self.model.set_filter(self.river_filter.currentData(), self.unit_filter.currentData())
        self._layer_selection_changed()

    # -- selection both ways
    def selected_fids(self) -> list:
        rows = sorted({i.row() for i in self.list.selectionModel().selectedRows()})
        return [self.model.fid(r) for r in rows]

    def _list_selection_changed(self, *args) -> None:
        if self._syncing or self.layer is None:
            return
        self._syncing = True
        try:
            self.layer.selectByIds(self.selected_fids())
        finally:
            self._syncing = False

    def _layer_selection_changed(self, *args) -> None:
        if self._syncing or self.layer is None:
            return
        chosen = set(self.layer.selectedFeatureIds())
        selection = QItemSelection()
        if chosen:
            last = self.model.columnCount() - 1
            for row, r in enumerate(self.model.visible):
                if r["fid"] in chosen:
                    selection.select(self.model.index(row, 0), self.model.index(row, last))
        self._syncing = True
        try:
            self.list.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        finally:
            self._syncing = False

    def zoom_to_selected(self) -> None:
        fids = self.selected_fids()
        if self.iface is None or self.layer is None or not fids:
            return
        self.iface.mapCanvas().zoomToFeatureIds(self.layer, fids)
        self.iface.mapCanvas().flashFeatureIds(self.layer, fids)

    # -- drawing
    def _toggle_tool(self, on: bool) -> None:
        if self.iface is None:
            return
        canvas = self.iface.mapCanvas()
        if not on:
            if self.tool is not None and canvas.mapTool() is self.tool:
                canvas.unsetMapTool(self.tool)
            return
        from hezhang_plugin.gui.segment_tool import DrawSegmentTool

        refusal = guards.write_refusal(self.session.path if self.session is not None else None)
        if refusal:
            self._message(refusal, Qgis.MessageLevel.Warning, 10)
            self.draw_button.setChecked(False)
            return
        rivers, units = self._project_layer("rivers"), self._project_layer("admin_units")
        if rivers is None or self.layer is None:
            self._message(self.tr("Open a workspace with rivers and segments first."), Qgis.MessageLevel.Warning)
            self.draw_button.setChecked(False)
            return
        self.tool = DrawSegmentTool(canvas, rivers, self.layer, units, unit_level=self.level_combo.currentData())
        self.tool.set_bank(self.bank_combo.currentData())
        self.tool.status.connect(lambda text: self._message(text, Qgis.MessageLevel.Info, 3))
        self.tool.refused.connect(lambda text: self._message(text, Qgis.MessageLevel.Warning, 10))
        self.tool.deactivated.connect(lambda: self.draw_button.setChecked(False))
        canvas.setMapTool(self.tool)

    def _bank_changed(self) -> None:
        if self.tool is not None:
            self.tool.set_bank(self.bank_combo.currentData())

    # -- segmentation task
    def run_segmentation(self):
        """Segment the workspace's rivers in a background task (a batch write)."""
        if self.session is None or not self.session.is_open:
            self._message(self.tr("Open a workspace first."), Qgis.MessageLevel.Warning)
            return None
        refusal = guards.write_refusal(self.session.path)
        if refusal:
            self._message(refusal, Qgis.MessageLevel.Warning, 10)
            return None
        if self.session.path and not guards.wait_until_free(self, self.session.path):
            return None
        level = self.level_combo.currentData()
        if not self.session.prepare_batch(Message("change.segment_rivers", level=level), ("segments",), self):
            return None
        uri, tolerance, min_length = self.session.uri, self.tolerance_spin.value(), self.min_length_spin.value()

        def work(ctx):
            from hezhang_plugin.services.segmentation import segment_workspace

            return segment_workspace(uri, level, tolerance, min_length, feedback=ctx)

        self.task = self.tasks.run(tr("Segmenting rivers"), work, self._segmentation_done, key=_SEGMENT,
                                   failed=self._segmentation_failed, cancelled=self._segmentation_cancelled,
                                   start=False)
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        from qgis.core import QgsApplication

        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel_segmentation(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _segmentation_ended(self) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.task = None

    def _segmentation_failed(self, exc: BaseException) -> None:
        from hezhang_plugin.gui.tasks import error_text

        self._segmentation_ended()
        self.result_label.setText(error_text(exc, ui_lang()))
        # Another program locked the file while the segments were written; nothing changed.
        if guards.is_busy(exc) and guards.ask_retry_busy(self, self.session.path):
            self.run_segmentation()

    def _segmentation_cancelled(self) -> None:
        self._segmentation_ended()
        text = tr("Segmentation cancelled; the workspace was not changed.")
        self.result_label.setText(text)
        self._message(text, Qgis.MessageLevel.Warning, 10)

    def _segmentation_done(self, report: dict) -> None:
        self._segmentation_ended()
        text = self.tr("{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired; "
                       "{6} geometries repaired, {7} features not used.").format(
            report.get("segments", 0), report.get("single_bank", 0), len(report["added"]),
            len(report["changed"]), len(report["unchanged"]), len(report["retired"]),
            len(report["repaired"]), len(report["invalid"]))
        # what the run repaired or could not check (reversed rivers, gaps between units…)
        notes = [n.text(ui_lang()) for n in report.get("notes", [])]
        self.result_label.setText("\n".join([text] + notes))
        for line in report["repaired"] + report["invalid"] + notes:
            log.get_logger().warning(line)
        self._message(text, Qgis.MessageLevel.Success)
        self.session.batch_written(("segments",))
        self.refresh()

    # -- statistics
    def _fill_stats(self) -> None:
        self.stats_model.set_table(self.tables.get(self.stats_combo.currentData()), ui_lang())

    def export_stats(self, path: str) -> list:
        from hezhang_plugin.core import stats

        if path.lower().endswith(".xlsx"):
            return [stats.export_xlsx(self.tables, path)]
        return stats.export_csv(self.tables, path)

    def export_dialog(self) -> None:
        if not self.tables:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export lengths"), "",
                                              self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"))
        if not path:
            return
        try:
            files = self.export_stats(path)
        except OSError as exc:
            self._message(self.tr("Export failed: {0}").format(exc), Qgis.MessageLevel.Critical, 10)
            return
        self._message(self.tr("Lengths exported to {0}").format(", ".join(files)), Qgis.MessageLevel.Success)

    def _message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 6) -> None:
        self.show_message(text, level, duration)
