"""A feature's history: who changed which field of it when (from the workspace's change log)."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)


class FeatureHistoryDialog(QDialog):
    """The change log of one row (``layer`` + its key, e.g. segments / a segment code)."""

    def __init__(self, workspace: str, layer: str, key: str, start: Optional[str] = None,
                 end: Optional[str] = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("History of {0}").format(key))
        layout = QVBoxLayout(self)
        self.label = QLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels([self.tr("When"), self.tr("Who"), self.tr("Action"),
                                              self.tr("Field"), self.tr("Old value"), self.tr("New value")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self.load(workspace, layer, key, start, end)

    def _actions(self) -> dict:
        return {"insert": self.tr("created"), "update": self.tr("changed"), "end": self.tr("ended"),
                "delete": self.tr("deleted")}

    def load(self, workspace: str, layer: str, key: str, start: Optional[str], end: Optional[str]) -> None:
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.history import read_changes

        try:
            changes = read_changes(workspace, start, end, layer, key)
        except (ValueError, WorkspaceError) as exc:
            self.label.setText(self.tr("The history could not be read: {0}").format(exc))
            return
        actions = self._actions()
        # Geometries are long: the table shows that one changed; the export gives the WKT.
        self.table.setRowCount(len(changes))
        for i, ch in enumerate(changes):
            old, new = ch.old, ch.new
            if ch.field == "geom":
                old = self.tr("(geometry)") if old else ""
                new = self.tr("(geometry)") if new else ""
            for j, value in enumerate((ch.changed_at, ch.changed_by, actions.get(ch.action, ch.action),
                                       ch.field, old or "", new or "")):
                self.table.setItem(i, j, QTableWidgetItem(value))
        who = sorted({c.changed_by for c in changes if c.changed_by})
        self.label.setText(self.tr("{0} changes of {1} by {2}").format(len(changes), key, ", ".join(who) or "-"))
