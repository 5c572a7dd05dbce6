"""The Chiefs tree's model and data: node roles, drag and drop of chiefs, and the hierarchy
built from layer snapshots in a background task (no widget, no live layer)."""

from __future__ import annotations

import json
from typing import Optional

from qgis.PyQt.QtCore import QMimeData, Qt
from qgis.PyQt.QtGui import QStandardItemModel

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.gui.snapshots import segments_with_bank_geometry

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
LOADED_ROLE = Qt.ItemDataRole.UserRole + 3
PLACEHOLDER = "placeholder"
#: Mime type of a chief dragged in the tree: JSON list of chief ids.
CHIEF_MIME = "application/x-hezhang-chief-ids"


def build_hierarchy(snapshots: dict, date: str, task=None) -> Optional[amod.Hierarchy]:
    """The hierarchy from layer snapshots (no widget, no live layer: runs in a task).
    ``task`` is anything with setProgress/isCanceled (the task context)."""
    rows = {}
    for n, name in enumerate(("admin_units", "chiefs", "assignments")):
        if task is not None:
            if task.isCanceled():
                return None
            task.setProgress(20.0 * n)
        rows[name] = snapshots[name].rows()
    if task is not None and task.isCanceled():
        return None
    segments = segments_with_bank_geometry(snapshots["segments"])
    return amod.Hierarchy(rows["admin_units"], segments, rows["chiefs"], rows["assignments"], date,
                          snapshots["segments"].crs)


class ChiefsTreeModel(QStandardItemModel):
    """The tree's model: chiefs drag, units and segments accept a dropped chief."""

    def __init__(self, page):
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
