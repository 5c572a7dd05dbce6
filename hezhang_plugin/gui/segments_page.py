"""Dock page "Segments": list, filters, map selection sync, segmentation task, length statistics."""

from __future__ import annotations

import os
from typing import Optional

from qgis.core import Qgis, QgsApplication, QgsProject, QgsTask, QgsVectorLayer
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
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
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hezhang_plugin import log
from hezhang_plugin.core import schema

LIST_COLUMNS = ("seg_code", "name", "bank", "unit_code", "length_km")


def _tr(text: str) -> str:
    return QCoreApplication.translate("SegmentsPage", text)


class _TaskFeedback:
    """The small feedback interface core.segmentation expects, backed by a QgsTask."""

    def __init__(self, task: QgsTask):
        self.task = task

    def setProgress(self, value: float) -> None:
        self.task.setProgress(value)

    def isCanceled(self) -> bool:
        return self.task.isCanceled()


class SegmentationTask(QgsTask):
    """Runs core.segmentation.segment_workspace off the UI thread; touches no widget or layer."""

    done = pyqtSignal(object, str)  # report (or None), error text

    def __init__(self, path: str, level: str, tolerance: float, min_length: float):
        super().__init__(_tr("Segmenting rivers"), QgsTask.Flag.CanCancel)
        self.path, self.level, self.tolerance, self.min_length = path, level, tolerance, min_length
        self.report: Optional[dict] = None
        self.error = ""

    def run(self) -> bool:
        from hezhang_plugin.core import segmentation as seg

        try:
            self.report = seg.segment_workspace(self.path, self.level, self.tolerance, self.min_length,
                                                feedback=_TaskFeedback(self))
            return True
        except seg.SegmentationCancelled:
            self.error = _tr("Segmentation cancelled; the workspace was not changed.")
        except Exception as exc:  # reported to the user; the write is one transaction
            self.error = str(exc)
        return False

    def finished(self, result: bool) -> None:
        self.done.emit(self.report if result else None, self.error)


class SegmentsPage(QWidget):
    """Segments of the open workspace. ``set_workspace(path)`` points it at a workspace."""

    def __init__(self, iface, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.path: Optional[str] = None
        self.layer: Optional[QgsVectorLayer] = None
        self.task: Optional[SegmentationTask] = None
        self.tool = None
        self._syncing = False
        self._rows: list = []
        self._units: dict = {}
        self._rivers: dict = {}
        self.tables = {}
        layout = QVBoxLayout(self)
        # filters
        filters = QHBoxLayout()
        self.river_filter = QComboBox()
        self.river_filter.setObjectName("riverFilter")
        self.unit_filter = QComboBox()
        self.unit_filter.setObjectName("unitFilter")
        filters.addWidget(QLabel(self.tr("River")))
        filters.addWidget(self.river_filter, 1)
        filters.addWidget(QLabel(self.tr("Unit")))
        filters.addWidget(self.unit_filter, 1)
        layout.addLayout(filters)
        self.list = QTableWidget(0, len(LIST_COLUMNS))
        self.list.setObjectName("segmentList")
        seg_layer = schema.layer("segments")
        self.list.setHorizontalHeaderLabels([seg_layer.field(c).zh for c in LIST_COLUMNS])
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
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
            self.bank_combo.addItem(choice.zh, choice.value)
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
        self.tolerance_spin = QDoubleSpinBox()
        self.tolerance_spin.setRange(0, 1000)
        self.tolerance_spin.setValue(10)
        self.tolerance_spin.setSuffix(" m")
        self.min_length_spin = QDoubleSpinBox()
        self.min_length_spin.setRange(0, 100000)
        self.min_length_spin.setValue(50)
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
        self.stats_table = QTableWidget(0, 0)
        self.stats_table.setObjectName("statsTable")
        self.stats_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        sl.addWidget(self.stats_table)
        layout.addWidget(stats_box, 1)
        # wiring
        self.river_filter.currentIndexChanged.connect(self._fill_list)
        self.unit_filter.currentIndexChanged.connect(self._fill_list)
        self.list.itemSelectionChanged.connect(self._list_selection_changed)
        self.zoom_button.clicked.connect(self.zoom_to_selected)
        self.draw_button.toggled.connect(self._toggle_tool)
        self.bank_combo.currentIndexChanged.connect(self._bank_changed)
        self.run_button.clicked.connect(self.run_segmentation)
        self.cancel_button.clicked.connect(self.cancel_segmentation)
        self.stats_combo.currentIndexChanged.connect(self._fill_stats)
        self.export_button.clicked.connect(self.export_dialog)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    # -- workspace and layers
    def set_workspace(self, path: Optional[str]) -> None:
        self.path = os.path.abspath(path) if path else None
        self._bind_layer(self._project_layer("segments"))
        self.refresh()

    def _project_layer(self, name: str) -> Optional[QgsVectorLayer]:
        for lyr in QgsProject.instance().mapLayers().values():
            if isinstance(lyr, QgsVectorLayer) and lyr.source().split("|layername=")[-1].split("|")[0] == name:
                if self.path is None or os.path.realpath(lyr.source().split("|")[0]) == os.path.realpath(self.path):
                    return lyr
        return None

    def _bind_layer(self, layer: Optional[QgsVectorLayer]) -> None:
        if self.layer is not None:
            try:
                self.layer.selectionChanged.disconnect(self._layer_selection_changed)
            except (TypeError, RuntimeError):
                pass
        self.layer = layer
        if layer is not None:
            layer.selectionChanged.connect(self._layer_selection_changed)

    def refresh(self) -> None:
        """Reload segments, filters and statistics from the workspace."""
        from hezhang_plugin.data import io

        self._rows, self._units, self._rivers = [], {}, {}
        if self.path and os.path.exists(self.path):
            self._rows = [r for r in io.read_rows(self.path, "segments", with_geometry=False)
                          if not r.get("valid_to")]
            self._units = {u["code"]: u["name"] for u in io.read_rows(self.path, "admin_units", with_geometry=False)}
            self._rivers = {r["river_code"]: r["name"] for r in io.read_rows(self.path, "rivers", with_geometry=False)}
        for combo, values, names in ((self.river_filter, sorted({r["river_code"] for r in self._rows}), self._rivers),
                                     (self.unit_filter, sorted({r["unit_code"] for r in self._rows}), self._units)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("All"), None)
            for v in values:
                combo.addItem(f"{names.get(v, '')} ({v})", v)
            i = combo.findData(current)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        self._fill_list()
        self._compute_stats()

    def visible_rows(self) -> list:
        river, unit = self.river_filter.currentData(), self.unit_filter.currentData()
        return [r for r in self._rows if (river is None or r["river_code"] == river)
                and (unit is None or r["unit_code"] == unit)]

    def _fill_list(self) -> None:
        rows = self.visible_rows()
        self.list.setRowCount(len(rows))
        bank = {c.value: c.zh for c in schema.BANKS.choices}
        for i, r in enumerate(rows):
            values = (r["seg_code"], r["name"], bank.get(r["bank"], r["bank"]),
                      self._units.get(r["unit_code"], r["unit_code"]), f"{r.get('length_km') or 0:.3f}")
            for j, v in enumerate(values):
                item = QTableWidgetItem(str(v))
                item.setData(Qt.ItemDataRole.UserRole, r["fid"])
                self.list.setItem(i, j, item)
        self._layer_selection_changed()

    # -- selection both ways
    def selected_fids(self) -> list:
        rows = sorted({i.row() for i in self.list.selectedIndexes()})
        return [self.list.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in rows]

    def _list_selection_changed(self) -> None:
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
        self._syncing = True
        try:
            self.list.clearSelection()
            mode = self.list.selectionMode()
            self.list.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
            for i in range(self.list.rowCount()):
                if self.list.item(i, 0).data(Qt.ItemDataRole.UserRole) in chosen:
                    self.list.selectRow(i)
            self.list.setSelectionMode(mode)
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

        rivers, units = self._project_layer("rivers"), self._project_layer("admin_units")
        if rivers is None or self.layer is None:
            self._message(self.tr("Open a workspace with rivers and segments first."), Qgis.MessageLevel.Warning)
            self.draw_button.setChecked(False)
            return
        self.tool = DrawSegmentTool(canvas, rivers, self.layer, units, unit_level=self.level_combo.currentData())
        self.tool.set_bank(self.bank_combo.currentData())
        self.tool.status.connect(lambda text: self._message(text, Qgis.MessageLevel.Info, 3))
        self.tool.deactivated.connect(lambda: self.draw_button.setChecked(False))
        canvas.setMapTool(self.tool)

    def _bank_changed(self) -> None:
        if self.tool is not None:
            self.tool.set_bank(self.bank_combo.currentData())

    # -- segmentation task
    def run_segmentation(self) -> Optional[SegmentationTask]:
        if not self.path:
            self._message(self.tr("Open a workspace first."), Qgis.MessageLevel.Warning)
            return None
        if self.layer is not None and self.layer.isEditable() and self.layer.isModified():
            self._message(self.tr("Save or discard the edits of the segments layer first."), Qgis.MessageLevel.Warning)
            return None
        self.task = SegmentationTask(self.path, self.level_combo.currentData(), self.tolerance_spin.value(),
                                     self.min_length_spin.value())
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.task.done.connect(self._segmentation_done)
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setValue(0)
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel_segmentation(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _segmentation_done(self, report, error: str) -> None:
        self.run_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.task = None
        if report is None:
            self.result_label.setText(error)
            self._message(error, Qgis.MessageLevel.Warning if "cancel" in error.lower() else Qgis.MessageLevel.Critical,
                          10)
            return
        text = self.tr("{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired; "
                       "{6} geometries repaired, {7} features not used.").format(
            report.get("segments", 0), report.get("single_bank", 0), len(report["added"]),
            len(report["changed"]), len(report["unchanged"]), len(report["retired"]),
            len(report["repaired"]), len(report["invalid"]))
        self.result_label.setText(text)
        for line in report["repaired"] + report["invalid"]:
            log.get_logger().warning(line)
        self._message(text, Qgis.MessageLevel.Success)
        if self.layer is not None:
            self.layer.reload()
            self.layer.triggerRepaint()
        self.refresh()

    # -- statistics
    def _compute_stats(self) -> None:
        from hezhang_plugin.core import stats

        self.tables = stats.workspace_statistics(self.path) if self.path and os.path.exists(self.path) else {}
        self._fill_stats()

    def _fill_stats(self) -> None:
        table = self.tables.get(self.stats_combo.currentData())
        self.stats_table.clear()
        if table is None:
            self.stats_table.setRowCount(0)
            self.stats_table.setColumnCount(0)
            return
        self.stats_table.setColumnCount(len(table.columns))
        self.stats_table.setHorizontalHeaderLabels(table.headers("zh"))
        values = table.values()
        self.stats_table.setRowCount(len(values))
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                self.stats_table.setItem(i, j, QTableWidgetItem("" if v is None else str(v)))

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
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.tr("Segments"), text, level, duration)
        log.get_logger().info(text)

    def teardown(self) -> None:
        self.cancel_segmentation()
        self._bind_layer(None)
        if self.tool is not None and self.iface is not None and self.iface.mapCanvas().mapTool() is self.tool:
            self.iface.mapCanvas().unsetMapTool(self.tool)
