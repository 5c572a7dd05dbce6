"""One user action across several layers' edit buffers, undone and redone as one.

QGIS keeps one undo stack per layer and no edit command spans two layers. A linked edit
makes one command on each layer (same text, numbered) and keeps them in step: undoing or
redoing either one undoes or redoes the others, whichever layer's Ctrl+Z the user presses.
A link is dropped when a layer's edits are committed or rolled back, or when a newer edit
discards a command after an undo.
"""

from __future__ import annotations

from typing import Callable, Optional, Sequence

from qgis.core import QgsVectorLayer
from qgis.PyQt.QtCore import QObject


def _same(a, b) -> bool:
    try:
        return a is b or (a is not None and b is not None and a == b)
    except TypeError:
        return False


class LinkedEdits(QObject):
    def __init__(self, parent=None):
        super().__init__(parent)
        self._links: list[dict] = []
        self._linking = False
        self._serial = 0
        self._connected: list = []

    # -- layers
    def watch(self, layers: Sequence[QgsVectorLayer]) -> None:
        self.unwatch()
        for lyr in layers:
            stack = lyr.undoStack()
            if stack is not None:
                stack.indexChanged.connect(self._sync)
                self._connected.append((stack, stack.indexChanged, self._sync))
            for signal in (lyr.afterRollBack, lyr.afterCommitChanges, lyr.editingStopped):
                signal.connect(self.clear)
                self._connected.append((lyr, signal, self.clear))

    def unwatch(self) -> None:
        from qgis.PyQt import sip

        for owner, signal, slot in self._connected:
            if sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._connected = []
        self._links = []

    def clear(self, *args) -> None:
        self._links = []

    # -- edits
    def apply(self, text: str, steps: Sequence[tuple[QgsVectorLayer, Callable[[QgsVectorLayer], None]]]) -> str:
        """Run each step's edits inside one edit command on its layer, linked as one
        action; when a step raises, every step already made is undone and the error passes
        on. Returns the command text (numbered, so equal texts stay apart)."""
        self._serial += 1
        label = f"{text} [#{self._serial}]"
        done: list[QgsVectorLayer] = []
        link: dict = {}
        self._linking = True
        try:
            for layer, edit in steps:
                if not layer.isEditable() and not layer.startEditing():
                    raise RuntimeError(f"{layer.name()} cannot be edited")
                layer.beginEditCommand(label)
                try:
                    edit(layer)
                except Exception:
                    layer.destroyEditCommand()
                    for earlier in reversed(done):
                        earlier.undoStack().undo()
                    raise
                layer.endEditCommand()
                done.append(layer)
                stack = layer.undoStack()
                link[layer.id()] = (stack, stack.index(), label)
            if len(link) > 1:
                self._links.append(link)
        finally:
            self._linking = False
        return label

    @staticmethod
    def _state(entry) -> Optional[bool]:
        """Whether a linked command is applied on its stack, None when it is gone."""
        stack, index, text = entry
        if stack.count() < index or stack.text(index - 1) != text:
            return None
        return stack.index() >= index

    def _sync(self, *args) -> None:
        if self._linking or not self._links:
            return
        sender = self.sender()
        self._linking = True
        try:
            for link in list(self._links):
                states = {k: self._state(e) for k, e in link.items()}
                if None in states.values():
                    self._links.remove(link)
                    continue
                if len(set(states.values())) == 1:
                    continue
                lead = next((k for k, e in link.items() if _same(e[0], sender)), None)
                if lead is None:
                    continue
                applied = states[lead]
                for k, (stack, index, _text) in link.items():
                    if k != lead and states[k] != applied:
                        stack.setIndex(index if applied else index - 1)
        finally:
            self._linking = False
