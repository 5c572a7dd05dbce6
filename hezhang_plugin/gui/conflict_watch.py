"""On a refused save of a shared (PostgreSQL) layer: offer to reload the conflicting features
and apply the user's edits again (``data.postgres.conflicts``)."""

from __future__ import annotations

import weakref
from typing import Callable, Optional

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QTimer
from qgis.PyQt.QtWidgets import QMessageBox

from hezhang_plugin.data.postgres import conflicts


class ConflictWatcher(QObject):
    """Watches the postgres layers of a project; after a save that left conflicts in the edit
    buffer, asks (``ask(text) -> bool``) whether to reapply the edits on the stored versions."""

    def __init__(self, parent_widget=None, ask: Optional[Callable[[str], bool]] = None):
        # Neither a Qt parent nor a strong reference to the widget: a cycle dock → watcher →
        # dock kept the deleted dock's wrapper alive until after QGIS exited (a crash at exit).
        super().__init__()
        self._parent = weakref.ref(parent_widget) if parent_widget is not None else (lambda: None)
        self.ask = ask or self._ask
        self._layers: list[QgsVectorLayer] = []
        self.last: list[conflicts.Conflict] = []

    def watch(self, layers) -> None:
        self.clear()
        for lyr in layers:
            if isinstance(lyr, QgsVectorLayer) and lyr.providerType() == "postgres" \
                    and lyr.fields().indexOf("row_version") >= 0:
                lyr.beforeCommitChanges.connect(self._schedule)
                self._layers.append(lyr)

    def clear(self) -> None:
        from qgis.PyQt import sip

        for lyr in self._layers:
            if not sip.isdeleted(lyr):
                try:
                    lyr.beforeCommitChanges.disconnect(self._schedule)
                except TypeError:
                    pass
        self._layers = []

    def _schedule(self, *args) -> None:
        layer = self.sender()
        QTimer.singleShot(0, lambda: self.check(layer))

    def check(self, layer: QgsVectorLayer) -> list:
        """Look for conflicts in ``layer``'s buffer; offer and reapply. Returns those found."""
        if layer is None or not layer.isEditable() or not layer.isModified():
            self.last = []
            return []
        found = conflicts.conflicts(layer)
        self.last = found
        if not found:
            return []
        key_field = next((k for k in ("seg_code", "chief_id", "board_code", "code", "river_code")
                          if layer.fields().indexOf(k) >= 0), None)
        lines = []
        for c in found:
            key = layer.getFeature(c.fid)[key_field] if key_field else c.fid
            lines.append(self.tr("{0}: changed by {1} at {2} (version {3}); your changes: {4}").format(
                key, c.updated_by or "?", c.updated_at, c.stored, ", ".join(c.fields)))
        text = self.tr("Someone saved these features after you started editing them:\n\n{0}\n\n"
                       "Reload them and apply your changes again? Their other changes are kept; the "
                       "fields you changed take your values. Then save again.").format("\n".join(lines))
        if self.ask(text):
            for c in found:
                conflicts.reapply(layer, c.fid, c.stored)
        return found

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self._parent(), self.tr("Edit conflict"), text)
        return answer == QMessageBox.StandardButton.Yes
