"""The coverage panel of the Chiefs page: Check coverage, the summary, one row per finding;
a click on a finding selects its segment and zooms the map to it."""

from __future__ import annotations

from qgis.core import QgsCoordinateTransform, QgsGeometry, QgsProject
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from hezhang_plugin.gui.snapshots import snapshots

#: Layers the coverage rules read (the problems for P1 overdue and P2 no "after" photo).
CHECKED_LAYERS = ("admin_units", "rivers", "segments", "chiefs", "assignments", "notice_boards",
                  "problems", "problem_events")


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


def check_snapshots(snaps: dict, district_code, date: str):
    """(findings, summary) of the coverage rules on layer snapshots (runs in a task)."""
    from hezhang_plugin.core.coverage import CoverageData, check

    spatial = ("admin_units", "rivers", "segments", "problems")
    rows = {n: snap.rows(with_geometry=n in spatial) for n, snap in snaps.items()}
    data = CoverageData(rows["admin_units"], rows["rivers"], rows["segments"], rows["chiefs"],
                        rows["assignments"], rows["notice_boards"], district_code, snaps["segments"].crs,
                        problems=rows.get("problems", []), problem_events=rows.get("problem_events", []))
    return check(data, date)


class CoveragePanel(QWidget):
    """Findings of the coverage check; ``finding_clicked(seg_code, wkb)`` on a click."""

    finding_clicked = pyqtSignal(object, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.check_button = QPushButton(self.tr("Check coverage"))
        self.check_button.setObjectName("checkCoverageButton")
        self.check_button.clicked.connect(lambda: parent.run_check() if parent is not None else None)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        row.addWidget(self.check_button)
        row.addWidget(self.summary_label, 1)
        layout.addLayout(row)
        self.problems = QTreeWidget()
        self.problems.setObjectName("coverageProblems")
        self.problems.setHeaderLabels([self.tr("Rule"), self.tr("Severity"), self.tr("Problem")])
        self.problems.setRootIsDecorated(False)
        self.problems.itemClicked.connect(self._clicked)
        layout.addWidget(self.problems)

    def clear(self) -> None:
        self.problems.clear()
        self.summary_label.clear()

    def run(self, session, date: str, tasks, sync: bool = False) -> None:
        """Check the session's layers (edit buffers included) on ``date``, in a task of
        ``tasks`` (a TaskRunner) unless ``sync``."""
        snaps = snapshots(session, CHECKED_LAYERS)
        district = session.info.district_code if session.info is not None else None
        if sync:
            self.show_findings(*check_snapshots(snaps, district, date))
            return
        self.check_button.setEnabled(False)

        def done(result):
            self.check_button.setEnabled(True)
            self.show_findings(*result)

        tasks.run(self.tr("Checking river-chief coverage"), lambda ctx: check_snapshots(snaps, district, date),
                  done, key="check", failed=lambda exc: self.check_button.setEnabled(True),
                  cancelled=lambda: self.check_button.setEnabled(True))

    def show_findings(self, findings, summary) -> None:
        lang = _lang()
        self.problems.clear()
        self.summary_label.setText(summary.text(lang))
        severity = {"error": self.tr("Error"), "warning": self.tr("Warning")}
        for f in findings:
            item = QTreeWidgetItem([f.rule, severity.get(f.severity, f.severity), f.message(lang)])
            if f.geometry is not None and not f.geometry.is_empty:
                import shapely

                item.setData(0, Qt.ItemDataRole.UserRole, bytes(shapely.to_wkb(f.geometry)))
            item.setData(1, Qt.ItemDataRole.UserRole, f.seg_code)
            if f.severity == "error":
                item.setForeground(1, QBrush(QColor("#b00020")))
            self.problems.addTopLevelItem(item)

    def _clicked(self, item, _column=0) -> None:
        self.finding_clicked.emit(item.data(1, Qt.ItemDataRole.UserRole), item.data(0, Qt.ItemDataRole.UserRole))

    @staticmethod
    def zoom_to(canvas, wkb, layer=None) -> None:
        """Zoom ``canvas`` to a finding's geometry (WKB in ``layer``'s CRS)."""
        geom = QgsGeometry()
        geom.fromWkb(wkb)
        if layer is not None:
            geom.transform(QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(),
                                                  QgsProject.instance()))
        rect = geom.boundingBox()
        rect.scale(1.5)
        if rect.width() == 0 and rect.height() == 0:
            rect.grow(100.0 if not canvas.mapSettings().destinationCrs().isGeographic() else 0.001)
        canvas.setExtent(rect)
        canvas.refresh()
