"""The Chiefs tree's model and data: node roles, drag and drop of chiefs, and the hierarchy
built from layer snapshots in a background task (no widget, no live layer)."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Optional

from qgis.PyQt.QtCore import QMimeData, Qt
from qgis.PyQt.QtGui import QStandardItemModel

from hezhang_plugin import log
from hezhang_plugin.core import assignments as amod
from hezhang_plugin.gui.snapshots import segment_columns_with_bank_geometry

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
KEY_ROLE = Qt.ItemDataRole.UserRole + 2
LOADED_ROLE = Qt.ItemDataRole.UserRole + 3
PLACEHOLDER = "placeholder"
#: Mime type of a chief dragged in the tree: JSON list of chief ids.
CHIEF_MIME = "application/x-hezhang-chief-ids"


def build_hierarchy(snapshots: dict, date: str, task=None) -> Optional[amod.Hierarchy]:
    """The hierarchy from layer snapshots (no widget, no live layer: runs in a task).
    ``task`` is anything with setProgress/isCanceled (the task context)."""
    queries = _appointment_queries(snapshots)
    held = None
    if queries is not None:
        # the database aggregates the appointments (SQLite releases the GIL) while this thread
        # reads the other layers
        pool = ThreadPoolExecutor(max_workers=1)
        held = pool.submit(queries.held_levels, amod.parse_date(date) or amod.today())
        pool.shutdown(wait=False)
    rows = {}
    for n, name in enumerate(("admin_units", "chiefs") + (() if queries is not None else ("assignments",))):
        if task is not None:
            if task.isCanceled():
                return None
            task.setProgress(20.0 * n)
        # the appointments (the largest table) as columns: no dict per row
        rows[name] = amod.Columns(snapshots[name].columns()) if name == "assignments" else snapshots[name].rows()
    if task is not None and task.isCanceled():
        return None
    segments = amod.Columns(segment_columns_with_bank_geometry(snapshots["segments"]))
    if held is not None:
        try:
            levels = held.result()
        except Exception as exc:  # locked or unusual file: read the rows instead
            log.get_logger().info("appointments through the layer: %s", exc)
        else:
            return amod.Hierarchy(rows["admin_units"], segments, rows["chiefs"], None, date,
                                  snapshots["segments"].crs, held=levels, reader=queries)
        rows["assignments"] = amod.Columns(snapshots["assignments"].columns())
    return amod.Hierarchy(rows["admin_units"], segments, rows["chiefs"], rows["assignments"], date,
                          snapshots["segments"].crs)


def _appointment_queries(snapshots: dict):
    """The database's appointment queries when appointments and chiefs are read as stored (no
    pending edits in either layer), else None."""
    app, chiefs = snapshots["assignments"], snapshots["chiefs"]
    if not (app.from_backend and chiefs.from_backend) or app.backend is None:
        return None
    return app.backend.appointment_queries()


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
