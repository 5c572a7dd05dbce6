"""Overlays tab of the dock: Tianditu, web sources and presets, local rasters, two dates.

A thin view: sources, placement and rasters (hezhang_plugin.overlays) build and place the
layers, hezhang:waterchange computes. Web sources are probed in a task before they are
added, so a dead server gives a message instead of freezing the map.
"""

from __future__ import annotations

import os
import tempfile
from typing import Callable, Optional

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMapLayerProxyModel,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsTask,
)
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hezhang_plugin import log
from hezhang_plugin.gui.page import DockPage
from hezhang_plugin.gui.tasks import keep_until_done
from hezhang_plugin.overlays import placement, rasters, sources


class ProbeTask(QgsTask):
    """Checks that a web source answers, off the UI thread; reports in finished()."""

    def __init__(self, src: sources.Source, authcfg: Optional[str], done: Callable):
        super().__init__(QCoreApplication.translate("ProbeTask", "Checking {0}").format(src.name),
                         QgsTask.Flag.CanCancel)
        # The URL is resolved here, on the main thread: the auth manager is read once.
        self.url = sources.probe_target(src, authcfg) if not _invalid(src) else ""
        self.src, self.done = src, done
        self.error: Optional[str] = _invalid(src)

    def run(self) -> bool:
        if self.error is None:
            self.error = sources.probe_url(self.url)
        return self.error is None

    def finished(self, result: bool) -> None:
        self.done(self.src, self.error)


def _invalid(src: sources.Source) -> Optional[str]:
    try:
        sources.check_source(src)
    except sources.OverlayError as exc:
        return str(exc)
    return None


class OverlaysPage(DockPage):
    """Constructor ``OverlaysPage(iface, parent=None)``; the dock calls ``set_workspace``."""

    #: emitted with a message and a Qgis message level whenever the page reports something
    message = pyqtSignal(str, int)
    #: emitted when a layer was added (its id)
    layer_added = pyqtSignal(str)


    def message_title(self) -> str:
        return self.tr("Overlays")

    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.last_message = ""
        self._tasks: list = []
        outer = QVBoxLayout(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self._build_common()
        self._build_tianditu()
        self._build_web()
        self._build_local()
        self._build_layer_controls()
        self._build_waterchange()
        self.body_layout.addStretch(1)
        self.reload_presets()
        self._refresh_key_status()

    # ------------------------------------------------------------ building

    def _build_common(self):
        box = QGroupBox(self.tr("New overlays"))
        form = QFormLayout(box)
        self.date_edit = QLineEdit()
        self.date_edit.setObjectName("overlayDate")
        self.date_edit.setPlaceholderText(self.tr("acquisition date, YYYY-MM-DD (optional)"))
        form.addRow(self.tr("Date"), self.date_edit)
        self.visible_check = QCheckBox(self.tr("Visible"))
        self.visible_check.setChecked(True)
        form.addRow("", self.visible_check)
        self.body_layout.addWidget(box)

    def _build_tianditu(self):
        box = QGroupBox(self.tr("Tianditu 天地图"))
        form = QFormLayout(box)
        self.key_edit = QLineEdit()
        self.key_edit.setObjectName("tiandituKey")
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setPlaceholderText(self.tr("key (tk), saved in the QGIS authentication database"))
        self.key_button = QPushButton(self.tr("Save key"))
        self.key_button.setObjectName("saveKeyButton")
        self.key_button.clicked.connect(self.save_key)
        row = QHBoxLayout()
        row.addWidget(self.key_edit)
        row.addWidget(self.key_button)
        form.addRow(self.tr("Key"), row)
        self.key_status = QLabel()
        self.key_status.setObjectName("keyStatus")
        form.addRow("", self.key_status)
        self.td_layer = QComboBox()
        self.td_layer.setObjectName("tiandituLayer")
        for key, (_en, zh) in sources.TIANDITU_LAYERS.items():
            self.td_layer.addItem(f"{zh} ({key})", key)
        self.td_matrix = QComboBox()
        self.td_matrix.setObjectName("tiandituMatrixSet")
        self.td_matrix.addItem(self.tr("Web Mercator (w)"), "w")
        self.td_matrix.addItem(self.tr("CGCS2000 geographic (c)"), "c")
        form.addRow(self.tr("Layer"), self.td_layer)
        form.addRow(self.tr("Tile matrix set"), self.td_matrix)
        self.td_button = QPushButton(self.tr("Add Tianditu layer"))
        self.td_button.setObjectName("addTiandituButton")
        self.td_button.clicked.connect(self.add_tianditu)
        form.addRow("", self.td_button)
        self.body_layout.addWidget(box)

    def _build_web(self):
        box = QGroupBox(self.tr("Web sources (XYZ, WMS, WMTS)"))
        lay = QVBoxLayout(box)
        self.preset_list = QListWidget()
        self.preset_list.setObjectName("presetList")
        self.preset_list.itemSelectionChanged.connect(self._preset_selected)
        lay.addWidget(self.preset_list)
        buttons = QHBoxLayout()
        self.add_preset_button = QPushButton(self.tr("Add selected"))
        self.add_preset_button.setObjectName("addPresetButton")
        self.add_preset_button.clicked.connect(self.add_selected_preset)
        self.remove_preset_button = QPushButton(self.tr("Remove preset"))
        self.remove_preset_button.setObjectName("removePresetButton")
        self.remove_preset_button.clicked.connect(self.remove_selected_preset)
        self.reset_presets_button = QPushButton(self.tr("Reset presets"))
        self.reset_presets_button.clicked.connect(self._reset_presets)
        for b in (self.add_preset_button, self.remove_preset_button, self.reset_presets_button):
            buttons.addWidget(b)
        lay.addLayout(buttons)
        form = QFormLayout()
        self.url_name = QLineEdit()
        self.url_name.setObjectName("urlName")
        self.url_kind = QComboBox()
        self.url_kind.setObjectName("urlKind")
        for kind in ("xyz", "wms", "wmts"):
            self.url_kind.addItem(kind.upper(), kind)
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("urlEdit")
        self.url_edit.setPlaceholderText("https://…/{z}/{x}/{y}.png")
        self.url_layers = QLineEdit()
        self.url_layers.setObjectName("urlLayers")
        self.url_layers.setPlaceholderText(self.tr("WMS/WMTS layer name"))
        self.url_crs = QLineEdit()
        self.url_crs.setPlaceholderText("EPSG:4490")
        self.url_matrix = QLineEdit()
        self.url_matrix.setPlaceholderText(self.tr("WMTS tile matrix set"))
        self.url_gcj = QCheckBox(self.tr("Uses GCJ-02 coordinates"))
        form.addRow(self.tr("Name"), self.url_name)
        form.addRow(self.tr("Type"), self.url_kind)
        form.addRow(self.tr("URL"), self.url_edit)
        form.addRow(self.tr("Layer"), self.url_layers)
        form.addRow(self.tr("CRS"), self.url_crs)
        form.addRow(self.tr("Matrix set"), self.url_matrix)
        form.addRow("", self.url_gcj)
        lay.addLayout(form)
        row = QHBoxLayout()
        self.add_url_button = QPushButton(self.tr("Add URL source"))
        self.add_url_button.setObjectName("addUrlButton")
        self.add_url_button.clicked.connect(self.add_url_source)
        self.save_preset_button = QPushButton(self.tr("Save as preset"))
        self.save_preset_button.setObjectName("savePresetButton")
        self.save_preset_button.clicked.connect(self.save_url_as_preset)
        row.addWidget(self.add_url_button)
        row.addWidget(self.save_preset_button)
        lay.addLayout(row)
        self.body_layout.addWidget(box)

    def _build_local(self):
        box = QGroupBox(self.tr("Local raster (GeoTIFF, COG, VRT)"))
        form = QFormLayout(box)
        self.raster_path = QLineEdit()
        self.raster_path.setObjectName("rasterPath")
        browse = QPushButton("…")
        browse.clicked.connect(self._browse_raster)
        row = QHBoxLayout()
        row.addWidget(self.raster_path)
        row.addWidget(browse)
        form.addRow(self.tr("File"), row)
        self.band_preset = QComboBox()
        self.band_preset.setObjectName("bandPreset")
        for p in rasters.PRESETS:
            self.band_preset.addItem(rasters.preset_label(p), p)
        form.addRow(self.tr("Bands"), self.band_preset)
        bands = QHBoxLayout()
        self.band_spins = {}
        defaults = rasters.Bands()
        for name, label in (("blue", self.tr("B")), ("green", self.tr("G")), ("red", self.tr("R")),
                            ("nir", self.tr("NIR"))):
            spin = QSpinBox()
            spin.setRange(1, 64)
            spin.setValue(getattr(defaults, name))
            spin.setObjectName(f"band_{name}")
            self.band_spins[name] = spin
            bands.addWidget(QLabel(label))
            bands.addWidget(spin)
        form.addRow(self.tr("Band numbers"), bands)
        self.add_raster_button = QPushButton(self.tr("Add raster"))
        self.add_raster_button.setObjectName("addRasterButton")
        self.add_raster_button.clicked.connect(self.add_local_raster)
        form.addRow("", self.add_raster_button)
        self.body_layout.addWidget(box)

    def _raster_combo(self, name: str) -> QgsMapLayerComboBox:
        combo = QgsMapLayerComboBox()
        combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        combo.setAllowEmptyLayer(True)
        combo.setObjectName(name)
        return combo

    def _build_layer_controls(self):
        box = QGroupBox(self.tr("Opacity and two dates"))
        form = QFormLayout(box)
        self.opacity_layer = self._raster_combo("opacityLayer")
        self.opacity_slider = QSlider(Qt.Orientation.Horizontal)
        self.opacity_slider.setObjectName("opacitySlider")
        self.opacity_slider.setRange(0, 100)
        self.opacity_slider.setValue(100)
        self.opacity_layer.layerChanged.connect(self._opacity_layer_changed)
        self.opacity_slider.valueChanged.connect(self._opacity_changed)
        form.addRow(self.tr("Layer"), self.opacity_layer)
        form.addRow(self.tr("Opacity"), self.opacity_slider)
        self.compare_a = self._raster_combo("compareA")
        self.compare_b = self._raster_combo("compareB")
        form.addRow(self.tr("Date A"), self.compare_a)
        form.addRow(self.tr("Date B"), self.compare_b)
        self.swap_button = QPushButton(self.tr("Show the other date"))
        self.swap_button.setObjectName("swapButton")
        self.swap_button.clicked.connect(self.swap_dates)
        form.addRow("", self.swap_button)
        self.body_layout.addWidget(box)

    def _build_waterchange(self):
        box = QGroupBox(self.tr("Water changes (hezhang:waterchange)"))
        form = QFormLayout(box)
        self.wc_segments = QgsMapLayerComboBox()
        self.wc_segments.setObjectName("wcSegments")
        self.wc_segments.setFilters(QgsMapLayerProxyModel.LineLayer)
        form.addRow(self.tr("Segments"), self.wc_segments)
        self.wc_threshold = QDoubleSpinBox()
        self.wc_threshold.setRange(-1.0, 1.0)
        self.wc_threshold.setSingleStep(0.05)
        self.wc_threshold.setValue(0.0)
        self.wc_buffer = QDoubleSpinBox()
        self.wc_buffer.setRange(1.0, 100000.0)
        self.wc_buffer.setValue(200.0)
        self.wc_buffer.setSuffix(" m")
        form.addRow(self.tr("NDWI threshold"), self.wc_threshold)
        form.addRow(self.tr("Buffer"), self.wc_buffer)
        self.wc_button = QPushButton(self.tr("Find water changes between dates A and B"))
        self.wc_button.setObjectName("waterChangeButton")
        self.wc_button.clicked.connect(self.run_waterchange)
        form.addRow("", self.wc_button)
        self.body_layout.addWidget(box)

    # ------------------------------------------------------------ helpers

    @property
    def workspace(self) -> Optional[str]:
        return self.uri

    def on_teardown(self) -> None:
        # Running imagery tasks stay referenced until they end; their results are dropped.
        for task in list(self._tasks):
            keep_until_done(task)
            try:
                task.cancel()
            except RuntimeError:  # already finished and deleted
                pass
        self._tasks = []

    def project(self) -> QgsProject:
        return QgsProject.instance()

    def notify(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 8) -> None:
        if self.torn_down:
            return
        self.last_message = text
        self.message.emit(text, int(level))
        log.get_logger().log(40 if level == Qgis.MessageLevel.Critical else
                             30 if level == Qgis.MessageLevel.Warning else 20, text)
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.tr("Overlays"), text, level, duration)

    def _date(self) -> Optional[str]:
        try:
            return placement.check_date(self.date_edit.text())
        except ValueError as exc:
            self.notify(str(exc), Qgis.MessageLevel.Warning)
            raise

    def _place(self, layer, title: Optional[str] = None) -> None:
        date = self._date()
        placement.add_overlay(self.project(), layer, date, visible=self.visible_check.isChecked(),
                              title=title)
        self.layer_added.emit(layer.id())

    def _start(self, task: QgsTask) -> None:
        self._tasks.append(task)
        task.taskCompleted.connect(lambda t=task: self._forget(t))
        task.taskTerminated.connect(lambda t=task: self._forget(t))
        QgsApplication.taskManager().addTask(task)

    def _forget(self, task) -> None:
        if task in self._tasks:
            self._tasks.remove(task)

    # ------------------------------------------------------------ Tianditu

    def _refresh_key_status(self) -> None:
        cid = sources.tianditu_authcfg()
        self.key_status.setText(self.tr("Key stored (authentication configuration {0}).").format(cid)
                                if cid else self.tr("No key stored yet."))

    def save_key(self) -> None:
        try:
            cid = sources.store_tianditu_key(self.key_edit.text())
        except sources.OverlayError as exc:
            self.notify(str(exc), Qgis.MessageLevel.Warning)
            return
        self.key_edit.clear()
        self._refresh_key_status()
        self.notify(self.tr("Tianditu key saved in the QGIS authentication database ({0}).").format(cid),
                    Qgis.MessageLevel.Success)

    def add_tianditu(self) -> None:
        authcfg = sources.tianditu_authcfg()
        if not authcfg:
            self.notify(self.tr("Enter and save your Tianditu key (tk) first."), Qgis.MessageLevel.Warning)
            return
        src = sources.tianditu_source(self.td_layer.currentData(), self.td_matrix.currentData())
        self._probe_then_add(src, authcfg)

    # ------------------------------------------------------------ web sources

    def reload_presets(self) -> None:
        self.presets = sources.load_presets()
        self.preset_list.clear()
        for p in self.presets:
            item = QListWidgetItem(("⚠ " if p.warning else "") + p.name)
            if p.warning:
                item.setToolTip(p.warning)
            self.preset_list.addItem(item)

    def _preset_selected(self) -> None:
        row = self.preset_list.currentRow()
        if 0 <= row < len(self.presets):
            p = self.presets[row]
            self.url_name.setText(p.name)
            self.url_kind.setCurrentIndex(max(0, self.url_kind.findData(p.kind)))
            self.url_edit.setText(p.url)
            self.url_layers.setText(p.layers)
            self.url_crs.setText(p.crs)
            self.url_matrix.setText(p.tile_matrix_set)
            self.url_gcj.setChecked(p.gcj02)

    def _reset_presets(self) -> None:
        sources.reset_presets()
        self.reload_presets()

    def add_selected_preset(self) -> None:
        row = self.preset_list.currentRow()
        if not 0 <= row < len(self.presets):
            self.notify(self.tr("Select a preset first."), Qgis.MessageLevel.Warning)
            return
        self._probe_then_add(self.presets[row], None)

    def remove_selected_preset(self) -> None:
        row = self.preset_list.currentRow()
        if 0 <= row < len(self.presets):
            del self.presets[row]
            sources.save_presets(self.presets)
            self.reload_presets()

    def url_source(self) -> sources.Source:
        kind = self.url_kind.currentData()
        return sources.Source(self.url_name.text().strip() or self.tr("Web source"), kind,
                              self.url_edit.text().strip(), layers=self.url_layers.text().strip(),
                              crs=self.url_crs.text().strip(), tile_matrix_set=self.url_matrix.text().strip(),
                              gcj02=self.url_gcj.isChecked())

    def save_url_as_preset(self) -> None:
        src = self.url_source()
        try:
            sources.save_presets(self.presets + [src])
        except sources.OverlayError as exc:
            self.notify(str(exc), Qgis.MessageLevel.Warning)
            return
        self.reload_presets()

    def add_url_source(self) -> None:
        self._probe_then_add(self.url_source(), None)

    def _probe_then_add(self, src: sources.Source, authcfg: Optional[str]) -> None:
        try:
            self._date()
        except ValueError:
            return
        self.notify(self.tr("Checking that {0} answers…").format(src.name), Qgis.MessageLevel.Info, 3)
        self._start(ProbeTask(src, authcfg, lambda s, err, a=authcfg: self._probed(s, a, err)))

    def _probed(self, src: sources.Source, authcfg: Optional[str], error: Optional[str]) -> None:
        if self.torn_down:
            return
        if error:
            self.notify(error, Qgis.MessageLevel.Critical)
            return
        try:
            if authcfg:
                sources.install_key_injector()
            layer = sources.make_layer(src, authcfg or "")
            self._place(layer)
        except (sources.OverlayError, ValueError) as exc:
            self.notify(str(exc), Qgis.MessageLevel.Critical)
            return
        if src.warning:
            self.notify(src.warning, Qgis.MessageLevel.Warning, 0)
        else:
            self.notify(self.tr("{0} added to the imagery group.").format(layer.name()), Qgis.MessageLevel.Success, 4)

    # ------------------------------------------------------------ local rasters

    def _browse_raster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Raster"), "", rasters.RASTER_FILTER)
        if path:
            self.raster_path.setText(path)

    def bands(self) -> rasters.Bands:
        return rasters.Bands(**{k: s.value() for k, s in self.band_spins.items()})

    def add_local_raster(self) -> Optional[QgsTask]:
        path = self.raster_path.text().strip()
        preset = self.band_preset.currentData()
        try:
            self._date()
        except ValueError:
            return None
        if preset != "ndwi":
            try:
                self._place(rasters.open_raster(path, None, preset, self.bands()))
            except (sources.OverlayError, ValueError) as exc:
                self.notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        try:
            rasters.band_count(path)
        except sources.OverlayError as exc:
            self.notify(str(exc), Qgis.MessageLevel.Critical)
            return None
        folder = os.path.dirname(path) if os.access(os.path.dirname(path) or ".", os.W_OK) \
            else tempfile.gettempdir()
        out = os.path.join(folder, os.path.splitext(os.path.basename(path))[0] + "_ndwi.tif")
        task = rasters.NdwiTask(path, out, self.bands())
        title = os.path.splitext(os.path.basename(path))[0] + " NDWI"
        task.taskCompleted.connect(lambda: self._ndwi_done(task, title))
        task.taskTerminated.connect(lambda: self.notify(task.error or self.tr("NDWI cancelled."),
                                                        Qgis.MessageLevel.Critical))
        self._start(task)
        return task

    def _ndwi_done(self, task, title: str) -> None:
        if self.torn_down:
            return
        try:
            self._place(rasters.open_raster(task.out_path, title, "ndwi"))
        except (sources.OverlayError, ValueError) as exc:
            self.notify(str(exc), Qgis.MessageLevel.Critical)

    # ------------------------------------------------------------ opacity and compare

    def _opacity_layer_changed(self, layer) -> None:
        if layer is not None:
            self.opacity_slider.blockSignals(True)
            self.opacity_slider.setValue(int(round(layer.opacity() * 100)))
            self.opacity_slider.blockSignals(False)

    def _opacity_changed(self, value: int) -> None:
        layer = self.opacity_layer.currentLayer()
        if layer is not None:
            placement.set_opacity(layer, value / 100.0)

    def swap_dates(self) -> None:
        a, b = self.compare_a.currentLayer(), self.compare_b.currentLayer()
        if a is None or b is None or a is b:
            self.notify(self.tr("Choose two different imagery layers for dates A and B."), Qgis.MessageLevel.Warning)
            return
        shown = placement.swap_visible(self.project(), a, b)
        self.notify(self.tr("Showing {0}.").format(shown.name()), Qgis.MessageLevel.Info, 2)

    # ------------------------------------------------------------ water change

    def run_waterchange(self) -> Optional[QgsTask]:
        a, b = self.compare_a.currentLayer(), self.compare_b.currentLayer()
        seg = self.wc_segments.currentLayer()
        if a is None or b is None or a is b or seg is None:
            self.notify(self.tr("Choose the two dates (A before B) and the segments layer."), Qgis.MessageLevel.Warning)
            return None
        alg = QgsApplication.processingRegistry().algorithmById("hezhang:waterchange")
        if alg is None:
            self.notify(self.tr("The hezhang Processing provider is not loaded."), Qgis.MessageLevel.Critical)
            return None
        params = {
            "BEFORE": a.source(), "BEFORE_DATE": placement.acquisition_date(a) or "",
            "AFTER": b.source(), "AFTER_DATE": placement.acquisition_date(b) or "",
            "GREEN_BAND": self.band_spins["green"].value(), "NIR_BAND": self.band_spins["nir"].value(),
            "THRESHOLD": self.wc_threshold.value(), "SEGMENTS": seg.id(),
            "BUFFER": self.wc_buffer.value(), "WORKSPACE": self.workspace or "",
            "OUTPUT": "memory:" + self.tr("Water changes"),
        }
        self._wc_context = QgsProcessingContext()
        self._wc_context.setProject(self.project())
        self._wc_feedback = QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(alg, params, self._wc_context, self._wc_feedback)
        task.executed.connect(self._waterchange_done)
        self._start(task)
        return task

    def _waterchange_done(self, ok: bool, results: dict) -> None:
        if self.torn_down:
            return
        if not ok:
            lines = self._wc_feedback.textLog().strip().splitlines() or [""]
            self.notify(self.tr("Water change detection failed: {0}").format(lines[-1]), Qgis.MessageLevel.Critical)
            return
        layer = self._wc_context.takeResultLayer(results["OUTPUT"])
        if layer is None:
            self.notify(self.tr("Water change detection gave no layer."), Qgis.MessageLevel.Critical)
            return
        if self.project().addMapLayer(layer, False) is None:
            self.notify(self.tr("The water change layer could not be added."), Qgis.MessageLevel.Critical)
            return
        self.project().layerTreeRoot().insertLayer(0, layer)
        self.notify(self.tr("{0} water change polygon(s) found.").format(layer.featureCount()),
                    Qgis.MessageLevel.Success)
        self.layer_added.emit(layer.id())
