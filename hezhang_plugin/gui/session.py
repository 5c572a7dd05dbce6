"""The workspace session of the dock: one place that knows the open workspace, its layers
in the QGIS project, their unsaved edits, and routes every change.

- **Reading**: pages read the workspace's *layers* (edit buffers included) through
  :class:`~hezhang_plugin.gui.snapshots.LayerSnapshot`, so every tab shows the same data,
  saved or not.
- **Interactive changes** (assign a chief, edit a chief, deactivate): :meth:`apply` puts a
  core change set into the edit buffers as one undoable step
  (:class:`~hezhang_plugin.gui.edit_buffer.EditBufferApplier`).
- **Batch changes** (segmentation, roster import, boards): they write the workspace through
  its backend in one transaction. Writing underneath layers that hold unsaved edits would
  let a later save overwrite the batch (or the batch the edits), so :meth:`prepare_batch`
  first asks the user to save those edits — or refuses with the reason — and
  :meth:`batch_written` reloads the layers afterwards.
- **One signal**: :attr:`changed` fires (debounced) after any of it — an edit, an undo, a
  save, a rollback, a batch write — and every page follows it, so tabs never disagree.

The same session carries a PostgreSQL workspace (``service=NAME``) once its backend exists:
it only talks to :mod:`hezhang_plugin.data.backend`.
"""

from __future__ import annotations

import os
from typing import Iterable, Optional

from qgis.core import QgsProject, QgsVectorLayer
from qgis.PyQt.QtCore import QObject, QTimer, pyqtSignal
from qgis.PyQt.QtWidgets import QMessageBox

from hezhang_plugin import log
from hezhang_plugin.core import schema
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import HezhangError, Message
from hezhang_plugin.data.backend import Backend, open_workspace
from hezhang_plugin.gui.edit_buffer import EditBufferApplier

#: The layers a session follows (every data layer of the schema).
DATA_LAYERS = tuple(lyr.name for lyr in schema.data_layers())

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


class UnsavedEditsError(HezhangError):
    """A batch operation refused because layers it writes hold unsaved edits."""


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


def ask_save_discard_cancel(parent, title: str, text: str) -> str:
    """Save / Discard / Cancel, as QGIS asks about a modified project; returns SAVE, DISCARD
    or CANCEL."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text,
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, parent)
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    return {QMessageBox.StandardButton.Save: SAVE, QMessageBox.StandardButton.Discard: DISCARD}.get(
        QMessageBox.StandardButton(answer), CANCEL)


def ask_save_or_cancel(parent, title: str, text: str) -> bool:
    """Save / Cancel before a batch operation; True to save."""
    answer = QMessageBox.question(parent, title, text,
                                  QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Save)
    return answer == QMessageBox.StandardButton.Save


class WorkspaceSession(QObject):
    """The open workspace (or none) with its project layers; see the module docstring."""

    #: Data of the workspace changed (debounced): edits, undo/redo, saves, rollbacks, batch writes.
    changed = pyqtSignal()
    #: Another workspace (or none) is open.
    workspace_changed = pyqtSignal()

    #: Replaced in tests: how the session asks (parent, title, text) → SAVE/DISCARD/CANCEL, and
    #: (parent, title, text) → bool for "save first?".
    ask_unsaved = staticmethod(ask_save_discard_cancel)
    ask_save_first = staticmethod(ask_save_or_cancel)

    def __init__(self, project: Optional[QgsProject] = None, parent: Optional[QObject] = None,
                 follow_project: bool = True):
        super().__init__(parent)
        self.project = project or QgsProject.instance()
        self.backend: Optional[Backend] = None
        self.info = None
        self._layers: Optional[dict] = None
        self._private: dict[str, QgsVectorLayer] = {}
        self._watched: list = []
        self.applier = EditBufferApplier(self.layers, self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.changed)
        # The segments' joined lead terms (data.project.refresh_lead_terms) follow the
        # assignments and chiefs at once, edits included, before the map is drawn again.
        self._terms_timer = QTimer(self)
        self._terms_timer.setSingleShot(True)
        self._terms_timer.setInterval(0)
        self._terms_timer.timeout.connect(self._refresh_lead_terms)
        self._project_signals = []
        if follow_project:
            for signal in (self.project.layersAdded, self.project.layersRemoved):
                signal.connect(self._layers_changed)
                self._project_signals.append(signal)

    # ------------------------------------------------------------ the workspace
    @property
    def uri(self) -> Optional[str]:
        return self.backend.uri if self.backend is not None else None

    @property
    def path(self) -> Optional[str]:
        """The GeoPackage file of a GeoPackage workspace (None otherwise)."""
        return getattr(self.backend, "path", None)

    @property
    def is_open(self) -> bool:
        return self.backend is not None

    def open(self, uri: Optional[str]) -> None:
        """Follow the workspace at ``uri`` (None: no workspace). Raises WorkspaceError when
        ``uri`` is not a workspace; the session is then closed."""
        self._unwatch()
        self.backend, self.info = None, None
        self._layers = None
        self._drop_private()
        try:
            if uri:
                self.backend = open_workspace(os.path.abspath(uri) if os.path.exists(uri) else uri)
                self.info = self.backend.info()
        finally:
            self._watch()
            self.workspace_changed.emit()
            self.changed.emit()

    def close(self) -> None:
        self.open(None)

    def dispose(self) -> None:
        """Stop following the project (the owner is going away)."""
        self._timer.stop()
        self._terms_timer.stop()
        self._unwatch()
        for signal in self._project_signals:
            try:
                signal.disconnect(self._layers_changed)
            except (TypeError, RuntimeError):
                pass
        self._project_signals = []
        self._drop_private()
        self.backend = None

    def _drop_private(self) -> None:
        for lyr in self._private.values():
            lyr.deleteLater()
        self._private = {}

    # ------------------------------------------------------------ layers
    def project_layers(self) -> dict:
        """name → the QGIS project's layer of this workspace (only those in the project)."""
        if self.backend is None:
            return {}
        if self._layers is None:
            out = {}
            for lyr in self.project.mapLayers().values():
                if isinstance(lyr, QgsVectorLayer):
                    name = self.backend.layer_name(lyr.source())
                    if name:
                        out.setdefault(name, lyr)
            self._layers = out
        return dict(self._layers)

    def layers(self) -> dict:
        """name → layer of every data layer: the project's, or a private one reading the
        workspace when the project does not hold it."""
        out = self.project_layers()
        if self.backend is None:
            return out
        for name in DATA_LAYERS:
            if name in out:
                continue
            if name not in self._private:
                source, provider = self.backend.layer_source(name)
                lyr = QgsVectorLayer(source, name, provider)
                if not lyr.isValid():
                    continue
                lyr.setParent(self)  # goes with the session, never outlives QGIS
                self._private[name] = lyr
            out[name] = self._private[name]
        return out

    def layer(self, name: str) -> Optional[QgsVectorLayer]:
        return self.layers().get(name)

    def unsaved_layers(self, names: Optional[Iterable[str]] = None) -> list:
        """Layers of the workspace (among ``names``) with edits not yet saved."""
        wanted = set(names) if names is not None else None
        return [lyr for name, lyr in self.layers().items()
                if (wanted is None or name in wanted) and lyr.isEditable() and lyr.isModified()]

    def has_unsaved_edits(self, names: Optional[Iterable[str]] = None) -> bool:
        return bool(self.unsaved_layers(names))

    def _layers_changed(self, *args) -> None:
        if self.backend is None:
            return
        self._unwatch()
        self._layers = None
        self._watch()
        self.notify_changed()

    def _watch(self) -> None:
        layers = self.layers()
        for lyr in layers.values():
            for signal in (lyr.layerModified, lyr.afterCommitChanges, lyr.afterRollBack, lyr.editingStopped):
                signal.connect(self.notify_changed)
                self._watched.append((lyr, signal))
            stack = lyr.undoStack()
            if stack is not None:
                stack.indexChanged.connect(self.notify_changed)
                self._watched.append((stack, stack.indexChanged))
        for name in ("assignments", "chiefs"):
            lyr = self.project_layers().get(name)
            if lyr is None:
                continue
            for signal in (lyr.layerModified, lyr.afterCommitChanges, lyr.afterRollBack, lyr.dataChanged):
                signal.connect(self._terms_timer.start)
                self._watched.append((lyr, signal, self._terms_timer.start))
        self.applier.watch(layers)

    def _unwatch(self) -> None:
        from qgis.PyQt import sip

        for owner, signal, *slot in self._watched:
            if sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot[0] if slot else self.notify_changed)
            except (TypeError, RuntimeError):
                pass
        self._watched = []
        self.applier.unwatch()

    def _refresh_lead_terms(self) -> None:
        from hezhang_plugin.data.project import refresh_lead_terms

        refresh_lead_terms(self.project)

    @property
    def change_pending(self) -> bool:
        """True while a :attr:`changed` signal is about to fire."""
        return self._timer.isActive()

    def notify_changed(self, *args) -> None:
        """Fire :attr:`changed` soon (several edits in a row give one signal)."""
        self._timer.start()

    # ------------------------------------------------------------ changes
    def apply(self, changeset: ChangeSet, lang: Optional[str] = None) -> dict:
        """An interactive change: into the edit buffers as one undoable step (layer → new ids)."""
        inserted = self.applier.apply(changeset, lang or _lang())
        self.notify_changed()
        return inserted

    def prepare_batch(self, operation: Message, names: Optional[Iterable[str]] = None, parent=None,
                      ask: bool = True) -> bool:
        """Before a batch write of ``names`` (default: every layer): True when it may run.

        Layers with unsaved edits are saved first when the user agrees (``ask``); without
        asking, or when the user cancels, or when saving fails, the operation must not run:
        with ``ask=False`` an :class:`UnsavedEditsError` says why, else False is returned
        (the user saw the question).
        """
        dirty = self.unsaved_layers(names)
        if not dirty:
            return True
        lang = _lang()
        reason = Message("write.unsaved_edits", layers="、".join(lyr.name() for lyr in dirty),
                         operation=operation)
        if not ask:
            raise UnsavedEditsError(reason)
        title = operation.text(lang)
        if not type(self).ask_save_first(parent, title, reason.text(lang)):
            return False
        failed = self.save(dirty)
        if failed:
            QMessageBox.warning(parent, title, "\n".join(failed))
            return False
        return True

    def batch_written(self, names: Optional[Iterable[str]] = None) -> None:
        """After a batch write: layers re-read from the workspace, pages told."""
        for name, lyr in self.layers().items():
            if names is None or name in names:
                lyr.reload()
                lyr.triggerRepaint()
        self.notify_changed()

    def save(self, layers: Optional[Iterable] = None) -> list:
        """Save the edits of ``layers`` (default: all with unsaved edits); returns error lines."""
        errors = []
        for lyr in list(layers) if layers is not None else self.unsaved_layers():
            if not lyr.commitChanges():
                errors.append(f"{lyr.name()}: {'; '.join(lyr.commitErrors())}")
                log.get_logger().warning("saving %s failed: %s", lyr.name(), lyr.commitErrors())
        self.notify_changed()
        return errors

    def discard(self) -> None:
        for lyr in self.unsaved_layers():
            lyr.rollBack()
        self.notify_changed()

    def confirm_leave(self, parent=None, title: str = "") -> bool:
        """Before another workspace replaces this one: with unsaved edits ask Save / Discard /
        Cancel, as QGIS does for a modified project. True when the switch may go on."""
        dirty = self.unsaved_layers()
        if not dirty:
            return True
        lang = _lang()
        names = "、".join(lyr.name() for lyr in dirty)
        text = Message.literal(
            f"The workspace has unsaved edits in {names}. Save them before closing it?",
            f"工作空间中{names}有未保存的编辑。关闭前是否保存？").text(lang)
        answer = type(self).ask_unsaved(parent, title, text)
        if answer == CANCEL:
            return False
        if answer == SAVE:
            failed = self.save(dirty)
            if failed:
                QMessageBox.warning(parent, title, "\n".join(failed))
                return False
            return True
        for lyr in dirty:
            lyr.rollBack()
        return True
