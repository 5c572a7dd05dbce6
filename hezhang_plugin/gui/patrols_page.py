"""The dock's Patrols page: import track files (a background task with progress and cancel),
patrol compliance by town, village and chief for a period under a rule profile, and a
patrol's track, the part of its segment it covered and why it does not count, on the map.

The page is a thin view over ``hezhang_plugin.services.patrols``; the work runs in QgsTasks
that read and write the workspace file, never live layers; results are applied in the
main thread.
"""

from __future__ import annotations

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsGeometry,
    QgsProject,
)
from qgis.gui import QgsRubberBand
from qgis.PyQt.QtCore import QDate, Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from hezhang_plugin import compat, log
from hezhang_plugin.gui.page import DockPage

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_COLOURS = {"ok": "#1b7a1b", "short": "#b36b00", "none": "#b00020"}
COORDINATES = ("auto", "wgs84", "gcj02", "bd09")


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


_IMPORT, _CHECK = "import", "check"


class PatrolsPage(DockPage):
    """Import tracks, compliance tree, patrol detail on the map."""

    #: chief id → (badge text, colour) after each compliance check, for the Chiefs tree.
    badges_changed = pyqtSignal(dict)
    import_finished = pyqtSignal(object)
    check_finished = pyqtSignal(object)

    def __init__(self, iface=None, parent=None):
        super().__init__(iface, parent)
        self.import_task = None
        self.check_task = None
        self.last_report = None
        self.result = None
        self.detail = None
        self._bands: list = []
        layout = QVBoxLayout(self)

        box = QGroupBox(self.tr("Import tracks (GPX, KML, CSV)"))
        form = QFormLayout(box)
        self.chief_combo = QComboBox()
        self.chief_combo.setObjectName("patrolChief")
        self.chief_combo.setEditable(False)
        form.addRow(self.tr("Chief"), self.chief_combo)
        self.coords_combo = QComboBox()
        self.coords_combo.setObjectName("patrolCoordinates")
        for key, text in zip(COORDINATES, (self.tr("Detect (WGS84, GCJ-02 or BD-09)"), "WGS84", "GCJ-02", "BD-09")):
            self.coords_combo.addItem(text, key)
        form.addRow(self.tr("Coordinates"), self.coords_combo)
        row = QHBoxLayout()
        self.files_button = QPushButton(self.tr("Import files…"))
        self.files_button.setObjectName("importFilesButton")
        self.files_button.clicked.connect(self.choose_files)
        self.folder_button = QPushButton(self.tr("Import folder…"))
        self.folder_button.setObjectName("importFolderButton")
        self.folder_button.clicked.connect(self.choose_folder)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelImportButton")
        self.cancel_button.clicked.connect(self.cancel_import)
        for b in (self.files_button, self.folder_button, self.cancel_button):
            row.addWidget(b)
        form.addRow(row)
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setRange(0, 100)
        form.addRow(self.progress)
        self.report_text = QPlainTextEdit()
        self.report_text.setObjectName("importReport")
        self.report_text.setReadOnly(True)
        self.report_text.setMaximumHeight(110)
        form.addRow(self.report_text)
        layout.addWidget(box)

        check = QHBoxLayout()
        today = QDate.currentDate()
        self.start_edit = QDateEdit(QDate(today.year(), today.month(), 1))
        self.start_edit.setObjectName("patrolStart")
        self.end_edit = QDateEdit(QDate(today.year(), today.month(), today.daysInMonth()))
        self.end_edit.setObjectName("patrolEnd")
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("patrolProfile")
        self.check_button = QPushButton(self.tr("Check patrols"))
        self.check_button.setObjectName("checkPatrolsButton")
        self.check_button.clicked.connect(lambda: self.run_check())
        check.addWidget(self.start_edit)
        check.addWidget(QLabel("–"))
        check.addWidget(self.end_edit)
        check.addWidget(self.profile_combo, 1)
        check.addWidget(self.check_button)
        layout.addLayout(check)
        self.summary_label = QLabel()
        self.summary_label.setObjectName("patrolSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.tree = QTreeWidget()
        self.tree.setObjectName("patrolTree")
        self.tree.setHeaderLabels([self.tr("Town / village / chief / segment"), self.tr("Valid / required"),
                                   self.tr("Status")])
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("patrolDetail")
        self.detail_label.setWordWrap(True)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.detail_label)
        split.setStretchFactor(0, 4)
        layout.addWidget(split, 1)
        self._update_buttons()

    # ------------------------------------------------------------ workspace
    def message_title(self) -> str:
        return self.tr("Patrols")

    def on_workspace(self, session) -> None:
        self.import_task = self.check_task = None
        self.tree.clear()
        self.summary_label.clear()
        self.detail_label.clear()
        self.result = None
        self.clear_map()
        self.chief_combo.clear()
        self.chief_combo.addItem(self.tr("From the file (column or file name)"), None)
        self.profile_combo.clear()
        if self.uri:
            self._fill_choices()
        self._update_buttons()

    def on_changed(self) -> None:
        # Chiefs or rule profiles may have changed: keep the choices current.
        chief, profile = self.chief_combo.currentData(), self.profile_combo.currentData()
        self.chief_combo.clear()
        self.chief_combo.addItem(self.tr("From the file (column or file name)"), None)
        self.profile_combo.clear()
        if self.uri:
            self._fill_choices()
        self.chief_combo.setCurrentIndex(max(0, self.chief_combo.findData(chief)))
        if profile is not None and self.profile_combo.findData(profile) >= 0:
            self.profile_combo.setCurrentIndex(self.profile_combo.findData(profile))

    def _fill_choices(self) -> None:
        from hezhang_plugin.core import patrol_rules as pr
        from hezhang_plugin.data.backend import open_workspace

        lang = _lang()
        try:
            backend = open_workspace(self.uri)
            chiefs = backend.read_attributes("chiefs")
            profiles = pr.profiles(backend.read_attributes("patrol_rules"))
        except Exception as exc:  # an unreadable file: the dock reports it elsewhere
            log.get_logger().info("patrols page: %s", exc)
            return
        for c in sorted(chiefs, key=lambda c: (c.get("unit_code") or "", c["chief_id"])):
            if c.get("active", True):
                self.chief_combo.addItem(f"{c.get('name') or ''} ({c['chief_id']})", c["chief_id"])
        default = 0
        for i, (key, p) in enumerate(sorted(profiles.items(), key=lambda kv: (not kv[1]["is_default"], kv[0]))):
            self.profile_combo.addItem(p["name"] if lang == "zh" else p["name_en"], key)
            if p["is_default"] and default == 0:
                default = i
        self.profile_combo.setCurrentIndex(default)

    def on_teardown(self) -> None:
        self.clear_map()

    def _update_buttons(self) -> None:
        running = self.import_task is not None
        for b in (self.files_button, self.folder_button):
            b.setEnabled(bool(self.uri) and not running)
        self.cancel_button.setEnabled(running)
        self.check_button.setEnabled(bool(self.uri) and self.check_task is None)

    def _message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 8) -> None:
        self.show_message(text, level, duration)

    # ------------------------------------------------------------ import
    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Patrol track files"), "",
                                                self.tr("Tracks (*.gpx *.kml *.kmz *.csv *.txt)"))
        if paths:
            self.start_import(paths)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder of patrol tracks"))
        if folder:
            self.start_import([folder])

    def start_import(self, paths: list):
        """Import ``paths`` (files or folders) in a background task (the task, or None when
        an import runs already or unsaved edits of the patrol layers stand in the way)."""
        from hezhang_plugin.core.messages import Message

        if not self.uri or self.import_task is not None:
            return None
        if not self.session.prepare_batch(Message.literal("Import patrol tracks", "导入巡河轨迹"),
                                          ("patrols", "patrol_segments"), self):
            return None
        uri, chief, coords, lang = self.uri, self.chief_combo.currentData(), self.coords_combo.currentData(), _lang()

        def work(ctx):
            from hezhang_plugin.gui.tasks import CancelledError
            from hezhang_plugin.services import patrols as sp

            try:
                return sp.import_patrols(uri, paths, chief=chief, coordinates=coords, progress=ctx.setProgress,
                                         canceled=ctx.isCanceled, lang=lang)
            except sp.Canceled as exc:
                raise CancelledError() from exc

        task = self.tasks.run(self.tr("Importing patrol tracks"), work, self._import_done, key=_IMPORT,
                              failed=self._import_failed, cancelled=self._import_cancelled, start=False)
        if task is None:
            return None
        task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        self.import_task = task
        self.progress.setValue(0)
        self.report_text.setPlainText(self.tr("Importing…"))
        self._update_buttons()
        QgsApplication.taskManager().addTask(task)
        return task

    def cancel_import(self) -> None:
        """Cancel the running import: nothing of it is written (its transaction rolls back)."""
        if self.import_task is not None:
            self.tasks.cancel(_IMPORT)
            self._import_cancelled()

    def _import_cancelled(self) -> None:
        self.import_task = None
        self._update_buttons()
        text = self.tr("Import canceled; nothing was imported.")
        self.report_text.setPlainText(text)
        self._message(text)
        self.import_finished.emit(None)

    def _import_failed(self, error) -> None:
        from hezhang_plugin.gui.tasks import error_text

        self.import_task = None
        self._update_buttons()
        self.report_text.setPlainText(error_text(error, _lang()))
        self.import_finished.emit(None)

    def _import_done(self, report) -> None:
        self.import_task = None
        self.last_report = report
        self._update_buttons()
        lang = _lang()
        self.progress.setValue(100)
        self.report_text.setPlainText(report.to_text(lang))
        ok = report.written or (report.ok and not report.rejected)
        level = Qgis.MessageLevel.Success if report.written else (
            Qgis.MessageLevel.Info if ok else Qgis.MessageLevel.Warning)
        self._message(report.summary(lang), level)
        if report.written:
            self.session.batch_written(("patrols", "patrol_segments"))
        self.import_finished.emit(report)

    def _project_layers(self) -> dict:
        return self.session.project_layers() if self.session is not None else {}

    # ------------------------------------------------------------ compliance
    def run_check(self, sync: bool = False) -> None:
        """Compliance for the chosen period and profile (a background task unless ``sync``)."""
        if not self.uri:
            return
        uri = self.uri
        start = self.start_edit.date().toString("yyyy-MM-dd")
        end = self.end_edit.date().toString("yyyy-MM-dd")
        profile = self.profile_combo.currentData()

        def work(ctx=None):
            from hezhang_plugin.services.patrols import check_patrols

            return check_patrols(uri, start, end, profile)

        if sync:
            self._show_result(work())
            return
        self.check_task = self.tasks.run(self.tr("Checking patrols"), work, self._check_done, key=_CHECK,
                                         failed=self._check_failed, cancelled=self._check_failed)
        self._update_buttons()

    def _check_done(self, result) -> None:
        self.check_task = None
        self._update_buttons()
        self._show_result(result)

    def _check_failed(self, error=None) -> None:
        from hezhang_plugin.gui.tasks import error_text

        self.check_task = None
        self._update_buttons()
        why = error_text(error, _lang()) if error is not None else self.tr("canceled")
        self.summary_label.setText(self.tr("Patrol check failed: {0}").format(why))

    def _show_result(self, result) -> None:
        self.result = result
        self._fill_tree()
        self.badges_changed.emit(self.badges())
        self.check_finished.emit(self.result)

    def status_text(self, status: str) -> str:
        return {"ok": self.tr("met"), "short": self.tr("too few"), "none": self.tr("no valid patrol")}[status]

    def badges(self) -> dict:
        """Chief id → (badge text, colour) of the last check: the chief's worst status."""
        from hezhang_plugin.services.patrols import chiefs_badges

        if self.result is None:
            return {}
        text = {"ok": self.tr("patrols ✔"), "short": self.tr("patrols: too few"),
                "none": self.tr("patrols: missing")}
        return {cid: (text[s], STATUS_COLOURS[s]) for cid, s in chiefs_badges(self.result).items()}

    def _fill_tree(self) -> None:
        from hezhang_plugin.core.patrol_rules import period_label, reasons_text
        from hezhang_plugin.services.patrols import group_rows

        lang = _lang()
        r = self.result
        self.tree.clear()
        name = r.profile["name"] if lang == "zh" else r.profile["name_en"]
        self.summary_label.setText(f"{name} · {r.start} – {r.end}: {r.summary.text(lang)}")
        units = r.units
        for town, villages in sorted(group_rows(r).items()):
            t_item = self._node(None, units.get(town, {}).get("name") or town, "unit", town,
                                [row for v in villages.values() for rows in v.values() for row in rows])
            for village, chiefs in sorted(villages.items()):
                parent = t_item
                if village != town:
                    parent = self._node(t_item, units.get(village, {}).get("name") or village, "unit", village,
                                        [row for rows in chiefs.values() for row in rows])
                for chief_id, rows in sorted(chiefs.items()):
                    c_item = self._node(parent, f"{r.chiefs.get(chief_id, {}).get('name') or ''} ({chief_id})",
                                        "chief", chief_id, rows)
                    for row in rows:
                        seg = r.segments.get(row.seg_code, {})
                        item = QTreeWidgetItem(c_item, [
                            f"{row.seg_code} {seg.get('name') or ''} · {period_label(row.period, lang)}",
                            f"{row.valid} / {row.required}", self.status_text(row.status)])
                        item.setData(0, KIND_ROLE, "row")
                        item.setData(0, KEY_ROLE, row.seg_code)
                        item.setForeground(2, QBrush(QColor(STATUS_COLOURS[row.status])))
                        for pid in row.valid_ids:
                            p = QTreeWidgetItem(item, [pid, "", self.tr("counted")])
                            p.setData(0, KIND_ROLE, "patrol")
                            p.setData(0, KEY_ROLE, pid)
                        for pid, reasons in row.invalid:
                            p = QTreeWidgetItem(item, [pid, "", reasons_text(reasons, lang)])
                            p.setData(0, KIND_ROLE, "patrol")
                            p.setData(0, KEY_ROLE, pid)
                            p.setForeground(2, QBrush(QColor(STATUS_COLOURS["none"])))
        self.tree.expandToDepth(0)
        self.tree.resizeColumnToContents(0)

    def _node(self, parent, text, kind, key, rows) -> QTreeWidgetItem:
        ok = sum(1 for r in rows if r.status == "ok")
        item = QTreeWidgetItem([text, f"{ok} / {len(rows)}", ""])
        worst = "none" if any(r.status == "none" for r in rows) else (
            "short" if any(r.status == "short" for r in rows) else "ok")
        item.setText(2, self.status_text(worst))
        item.setForeground(2, QBrush(QColor(STATUS_COLOURS[worst])))
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, KEY_ROLE, key)
        if parent is None:
            self.tree.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    # ------------------------------------------------------------ one patrol on the map
    def _on_item_clicked(self, item, _column=0) -> None:
        if item.data(0, KIND_ROLE) == "patrol":
            self.show_patrol(item.data(0, KEY_ROLE))

    def show_patrol(self, patrol_id: str) -> None:
        """Draw a patrol's track and the covered part of its segments, say why it does not
        count, select it in the patrols layer and zoom to it."""
        from hezhang_plugin.core.patrol_rules import reasons_text
        from hezhang_plugin.services.patrols import patrol_detail

        if not self.uri:
            return
        lang = _lang()
        profile = self.profile_combo.currentData()
        try:
            d = patrol_detail(self.uri, patrol_id, profile)
        except Exception as exc:  # a patrol removed meanwhile, an unreadable file
            self._message(self.tr("Cannot show patrol {0}: {1}").format(patrol_id, exc), Qgis.MessageLevel.Warning)
            return
        self.detail = d
        p = d.patrol
        covered = ", ".join(f"{code} {cov:.0%} ({minutes:.0f} min)" for code, cov, minutes, _g in d.segments)
        verdict = reasons_text(d.reasons, lang) if d.reasons else self.tr("counts")
        self.detail_label.setText(self.tr(
            "{0}: {1} – {2}, {3:.0f} min, {4:.2f} km, {5} · segments: {6} · {7}").format(
            patrol_id, (p.get("start_time") or "").replace("T", " "), (p.get("end_time") or "")[11:16],
            float(p.get("duration_min") or 0), float(p.get("distance_km") or 0),
            p.get("coords_found") or "", covered or "–", verdict))
        layer = self._project_layers().get("patrols")
        if layer is not None:
            layer.selectByExpression(f"\"patrol_id\" = '{patrol_id.replace(chr(39), '')}'")
        self._draw(d)

    def _draw(self, d) -> None:
        from hezhang_plugin.data.qgsio import shapely_to_qgs

        self.clear_map()
        if self.iface is None:
            return
        canvas = self.iface.mapCanvas()
        xform = QgsCoordinateTransform(QgsCoordinateReferenceSystem(d.crs), canvas.mapSettings().destinationCrs(),
                                       QgsProject.instance())
        track = shapely_to_qgs(d.track)
        track.transform(xform)
        self._band(canvas, track, "#1f6fd1", 2)
        extent = track.boundingBox()
        for _code, _cov, _m, part in d.segments:
            if part is None or part.is_empty:
                continue
            g = shapely_to_qgs(part)
            g.transform(xform)
            self._band(canvas, g, "#15a04a", 5)
        extent.scale(1.3)
        canvas.setExtent(extent)
        canvas.refresh()

    def _band(self, canvas, geom: QgsGeometry, colour: str, width: int) -> None:
        band = QgsRubberBand(canvas, compat.line_geometry_type())
        band.setColor(QColor(colour))
        band.setWidth(width)
        band.setToGeometry(geom, None)
        self._bands.append(band)

    def clear_map(self) -> None:
        for band in self._bands:
            try:
                band.reset(compat.line_geometry_type())
                scene = band.scene()
                if scene is not None:
                    scene.removeItem(band)
            except RuntimeError:  # the canvas is gone already
                pass
        self._bands = []
