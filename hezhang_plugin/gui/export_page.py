"""The dock's Export tab: coverage map, town atlas, notice boards and patrol map to PDF, PNG or SVG.

The tab builds one :class:`layout.options.ExportOptions` from its widgets and checks it
before starting (the same checks as ``hezhang:exportmaps`` and the worker's command line).
The export runs as a QgsTask. The task drives a separate QGIS process (``python -m
hezhang_plugin.layout.worker export``), so the project open in QGIS is never touched from
a worker thread and cancel stops the export at once. The worker runs on QGIS's own Python
interpreter (``runtime.qgis_python``), whatever ``python3`` comes first on PATH; when there
is none or it cannot start, the task exports in its thread on a private copy of the
workspace project and says so.
"""

from __future__ import annotations

import os
import subprocess  # nosec B404 - runs the plugin's own export worker, no shell
import traceback
from typing import Optional

from qgis.core import Qgis, QgsApplication, QgsTask
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QDate, Qt, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from hezhang_plugin.gui.page import DockPage
from hezhang_plugin.gui.tasks import keep_until_done
from hezhang_plugin.layout.common import DEFAULT_PRODUCTS, FORMATS, PAGE_CHOICES, PRODUCTS
from hezhang_plugin.layout.options import DEFAULT_DPI, DPI_RANGE, ExportOptions
from hezhang_plugin.log import get_logger


class ExportTask(QgsTask):
    """Exports in a child process (or, without one, in this task's thread)."""

    def __init__(self, options: ExportOptions):
        super().__init__(QgsApplication.translate("ExportTask", "Export river-chief maps"), QgsTask.Flag.CanCancel)
        self.options = options
        self.files: list = []
        self.error = ""
        #: Said to the user when the export ran inside QGIS instead of a worker process.
        self.notice = ""
        self.warnings: list = []
        self.proc: Optional[subprocess.Popen] = None

    def kill(self) -> None:
        """Stop the export child process and its own workers at once (plugin unload)."""
        from hezhang_plugin import runtime

        if self.proc is not None:
            runtime.stop(self.proc, wait=False)

    def run(self) -> bool:
        from hezhang_plugin.layout import export

        try:
            python = export.worker_python()
            if python:
                started = self._run_child(python)
                if started is not None:
                    return started
                reason = QgsApplication.translate(
                    "ExportTask", "The export worker could not start on {0}").format(python)
            else:
                reason = QgsApplication.translate(
                    "ExportTask", "No Python interpreter of QGIS was found for the export worker")
            self.notice = QgsApplication.translate(
                "ExportTask", "{0}: the maps are exported inside QGIS instead, which may slow QGIS down "
                "until the export ends.").format(reason)
            return self._run_here()
        except Exception as exc:  # shown in finished(), on the main thread; the traceback to the log
            from hezhang_plugin.i18n import user_text

            get_logger().error("export failed:\n%s", traceback.format_exc())
            self.error = user_text(exc)
            return False

    def _run_child(self, python: str) -> Optional[bool]:
        """Export in a worker process; None when the worker could not start at all."""
        from hezhang_plugin import runtime
        from hezhang_plugin.layout import export

        cmd = [python, "-m", "hezhang_plugin.layout.worker", "export", *self.options.to_args()]
        try:
            proc = self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # nosec B603 - fixed argument list (our worker module), no shell
                                    encoding="utf-8", env=export.worker_env(), **runtime.popen_kwargs())
        except OSError as exc:
            get_logger().warning("export worker %s could not start: %s", python, exc)
            return None
        with proc:  # closes the pipes, whatever happens
            reported = False
            for line in proc.stdout:
                if self.isCanceled():
                    # The export's own workers share its process group: stop them all.
                    runtime.stop(proc)
                    return False
                kind, _, rest = line.rstrip("\n").partition(" ")
                reported = True
                if kind == "PROGRESS":
                    self.setProgress(float(rest))
                elif kind == "FILE":
                    self.files.append(rest)
                elif kind == "WARNING":
                    self.warnings.append(rest)
            err = proc.stderr.read()
            code = proc.wait()
        if code != 0:
            if not reported and "Traceback" in err:
                # The worker died before exporting anything (its Python lacks what it needs).
                get_logger().warning("export worker on %s failed to start:\n%s", python, err.strip()[-2000:])
                return None
            self.error = (err.strip().splitlines() or ["export failed"])[-1]
            return False
        return True

    def _run_here(self) -> bool:
        from hezhang_plugin.layout.export import Canceled, run_export

        task = self

        class Feedback:
            def isCanceled(self):
                return task.isCanceled()

            def setProgress(self, value):
                task.setProgress(value)

            def pushInfo(self, text):
                get_logger().info(text)

            def reportError(self, text, fatal=False):
                task.warnings.append(text)

        try:
            self.files = run_export(self.options.replace(workers=1, isolated=True), Feedback())
        except Canceled:
            return False
        return True


class ExportPage(DockPage):
    """Products, format, resolution, page size, as-of date, the patrol map's period and rule
    profile, output folder; Export and Cancel."""

    export_finished = pyqtSignal(list)

    def message_title(self) -> str:
        return self.tr("Export")

    def __init__(self, iface, parent=None):
        super().__init__(iface, parent)
        self.task: Optional[ExportTask] = None
        #: The output folder this page proposed for the open workspace (its "maps" folder).
        self._auto_folder: Optional[str] = None
        layout = QVBoxLayout(self)
        box = QGroupBox(self.tr("Products"))
        vbox = QVBoxLayout(box)
        self.product_checks = {}
        labels = {"coverage": self.tr("Coverage map (河长制一张图)"),
                  "atlas": self.tr("Town atlas (one page per town)"),
                  "boards": self.tr("Notice boards (one page per segment)"),
                  "patrols": self.tr("Patrol map (one page per town: tracks over segments by compliance)")}
        for key in PRODUCTS:
            check = QCheckBox(labels[key])
            check.setObjectName(f"product_{key}")
            check.setChecked(key in DEFAULT_PRODUCTS)
            self.product_checks[key] = check
            vbox.addWidget(check)
        layout.addWidget(box)
        form = QFormLayout()
        # The patrol map's period (default: last month) and rule profile.
        today = QDate.currentDate()
        last_month = QDate(today.year(), today.month(), 1).addMonths(-1)
        self.patrol_start_edit = QDateEdit(last_month)
        self.patrol_start_edit.setObjectName("patrolMapStart")
        self.patrol_end_edit = QDateEdit(last_month.addDays(last_month.daysInMonth() - 1))
        self.patrol_end_edit.setObjectName("patrolMapEnd")
        period = QHBoxLayout()
        for edit in (self.patrol_start_edit, self.patrol_end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        period.addWidget(self.patrol_start_edit)
        period.addWidget(QLabel("–"))
        period.addWidget(self.patrol_end_edit)
        self.patrol_profile_combo = QComboBox()
        self.patrol_profile_combo.setObjectName("patrolMapProfile")
        self.patrol_profile_combo.setToolTip(self.tr("The patrol rules the patrol map's compliance is judged by"))
        for check in self.product_checks.values():
            check.toggled.connect(self._update_buttons)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("formatCombo")
        for fmt in FORMATS:
            self.format_combo.addItem(fmt.upper(), fmt)
        self.format_combo.currentIndexChanged.connect(self._update_buttons)
        form.addRow(self.tr("Format"), self.format_combo)
        self.dpi_spin = QSpinBox()
        self.dpi_spin.setObjectName("dpiSpin")
        self.dpi_spin.setRange(*DPI_RANGE)
        self.dpi_spin.setValue(DEFAULT_DPI)
        self.dpi_spin.setSuffix(" dpi")
        form.addRow(self.tr("Resolution"), self.dpi_spin)
        self.page_combo = QComboBox()
        self.page_combo.setObjectName("pageCombo")
        for size in PAGE_CHOICES:
            self.page_combo.addItem(size, size)
        form.addRow(self.tr("Map page size"), self.page_combo)
        self.as_of_edit = QDateEdit(QDate.currentDate())
        self.as_of_edit.setObjectName("asOfEdit")
        self.as_of_edit.setCalendarPopup(True)
        self.as_of_edit.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setToolTip(self.tr("The maps show the segments and chiefs current on this day"))
        form.addRow(self.tr("As of"), self.as_of_edit)
        form.addRow(self.tr("Patrol period"), period)
        form.addRow(self.tr("Patrol rules"), self.patrol_profile_combo)
        self.per_page_check = QCheckBox(self.tr("One PDF per town / segment"))
        self.per_page_check.setObjectName("perPageCheck")
        form.addRow("", self.per_page_check)
        self.imagery_check = QCheckBox(self.tr("Imagery background (遥感影像 group)"))
        self.imagery_check.setObjectName("imageryCheck")
        form.addRow("", self.imagery_check)
        self.folder_widget = QgsFileWidget()
        self.folder_widget.setObjectName("folderWidget")
        self.folder_widget.setStorageMode(QgsFileWidget.StorageMode.GetDirectory)
        self.folder_widget.fileChanged.connect(self._update_buttons)
        form.addRow(self.tr("Output folder"), self.folder_widget)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setObjectName("exportButton")
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelButton")
        self.cancel_button.clicked.connect(self.cancel_export)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 100)
        layout.addWidget(self.progress)
        self.status_label = QLabel()
        self.status_label.setObjectName("exportStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        layout.addStretch(1)
        self._update_buttons()

    # ------------------------------------------------------------ state

    @property
    def workspace(self) -> Optional[str]:
        return self.uri

    def on_workspace(self, session) -> None:
        # The maps go beside the workspace ("maps"), unless the user chose a folder: another
        # workspace's default folder is replaced by this one's.
        current = self.folder_widget.filePath()
        if self.workspace and self.path and (not current or current == self._auto_folder):
            self._auto_folder = os.path.join(os.path.dirname(self.path), "maps")
            self.folder_widget.setFilePath(self._auto_folder)
        self._fill_profiles()
        self._update_buttons()

    def on_changed(self) -> None:
        self._fill_profiles()  # rule profiles may have been edited

    def _fill_profiles(self) -> None:
        """The workspace's patrol rule profiles, the default first; the choice is kept."""
        from hezhang_plugin.core import patrol_rules as pr
        from hezhang_plugin.data.backend import open_workspace
        from hezhang_plugin.i18n import ui_language

        chosen = self.patrol_profile_combo.currentData()
        self.patrol_profile_combo.clear()
        if not self.workspace:
            return
        try:
            profiles = pr.profiles(open_workspace(self.workspace).read_attributes("patrol_rules"))
        except Exception as exc:  # an unreadable workspace or no rules: the dock says so elsewhere
            get_logger().info("export page: no patrol rule profiles: %s", exc)
            return
        zh = ui_language() == "zh"
        for key, p in sorted(profiles.items(), key=lambda kv: (not kv[1]["is_default"], kv[0])):
            self.patrol_profile_combo.addItem((p["name"] if zh else p["name_en"]) or key, key)
        if chosen is not None and self.patrol_profile_combo.findData(chosen) >= 0:
            self.patrol_profile_combo.setCurrentIndex(self.patrol_profile_combo.findData(chosen))

    def on_teardown(self) -> None:
        task, self.task = self.task, None
        if task is not None:
            task.kill()
            keep_until_done(task)
            task.cancel()

    def selected_products(self) -> list:
        return [k for k, check in self.product_checks.items() if check.isChecked()]

    def _update_buttons(self, *_args) -> None:
        running = self.task is not None
        ready = bool(self.workspace and self.selected_products() and self.folder_widget.filePath())
        patrols = self.product_checks["patrols"].isChecked()
        for widget in (self.patrol_start_edit, self.patrol_end_edit, self.patrol_profile_combo):
            widget.setEnabled(patrols)
        self.export_button.setEnabled(ready and not running)
        self.cancel_button.setEnabled(running)

    # ------------------------------------------------------------ run

    def options(self) -> ExportOptions:
        """What the widgets ask for (not yet checked)."""
        return ExportOptions(
            workspace=self.workspace or "", products=tuple(self.selected_products()),
            fmt=self.format_combo.currentData(), folder=self.folder_widget.filePath(), dpi=self.dpi_spin.value(),
            page_size=self.page_combo.currentData(), one_file_per_page=self.per_page_check.isChecked(),
            imagery=self.imagery_check.isChecked(),
            as_of=self.as_of_edit.date().toString(Qt.DateFormat.ISODate),
            patrol_start=self.patrol_start_edit.date().toString(Qt.DateFormat.ISODate),
            patrol_end=self.patrol_end_edit.date().toString(Qt.DateFormat.ISODate),
            patrol_profile=self.patrol_profile_combo.currentData())

    def start_export(self) -> Optional[ExportTask]:
        """Check the options and start the export task (None when nothing was started: no
        workspace, an export under way, or options refused, said in the status line)."""
        if not self.workspace or self.task is not None:
            return None
        from hezhang_plugin.layout.errors import ExportError

        try:
            options = self.options().checked()
            options.prepare_folder()
        except ExportError as exc:
            self.status_label.setText(str(exc))
            return None
        task = ExportTask(options)
        task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        task.taskCompleted.connect(lambda: self._finished(task, True))
        task.taskTerminated.connect(lambda: self._finished(task, False))
        self.task = task
        self.progress.setValue(0)
        self.status_label.setText(self.tr("Exporting…"))
        self._update_buttons()
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_export(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished(self, task: ExportTask, ok: bool) -> None:
        if self.torn_down:
            return
        self.task = None
        self._update_buttons()
        bar = self.iface.messageBar() if self.iface is not None else None
        if task.notice:
            get_logger().warning(task.notice)
            if bar is not None:
                bar.pushMessage(self.tr("Export"), task.notice, Qgis.MessageLevel.Info, 10)
        for warning in task.warnings:
            get_logger().warning(warning)
            if bar is not None:
                bar.pushMessage(self.tr("Export"), warning, Qgis.MessageLevel.Warning, 10)
        if ok:
            self.progress.setValue(100)
            msg = self.tr("{0} file(s) written to {1}").format(len(task.files), task.options.folder)
            self.status_label.setText(msg)
            get_logger().info(msg)
            if bar is not None:
                bar.pushMessage(self.tr("Export"), msg, Qgis.MessageLevel.Success, 8)
        else:
            msg = task.error or self.tr("Export canceled")
            self.status_label.setText(msg)
            get_logger().warning(msg)
            if bar is not None:
                level = Qgis.MessageLevel.Critical if task.error else Qgis.MessageLevel.Info
                bar.pushMessage(self.tr("Export"), msg, level, 10)
        self.export_finished.emit(list(task.files))
