"""The interactive applier: a ChangeSet into the QGIS edit buffers as ONE undoable step.

Batch work goes through ``backend.apply`` (one transaction); what the user does in the dock
goes into the edit buffers of the workspace's project layers, so it shows at once, is
undone with Ctrl+Z and is saved (or discarded) with the layers like any QGIS edit.

QGIS keeps one undo stack per layer and no command can span two layers' edit buffers, so a
change set touching several layers becomes one edit command on each, with the same text,
and the commands are *linked*: undoing (or redoing) any of them undoes (or redoes) the
others, whichever layer's Ctrl+Z the user presses. A change that fails leaves every buffer
as it was (the commands made so far are destroyed or undone).
"""

from __future__ import annotations

from typing import Callable, Optional

from qgis.core import QgsExpression, QgsFeature, QgsFeatureRequest, QgsGeometry, QgsVectorLayer, QgsVectorLayerUtils
from qgis.PyQt.QtCore import QDate, QDateTime, QObject, Qt

from hezhang_plugin import compat
from hezhang_plugin.core.changes import BUSINESS_KEYS, INSERT, ChangeSet, RowChange
from hezhang_plugin.core.messages import HezhangError, Message


class EditError(HezhangError, RuntimeError):
    """A change set the edit buffers refused; nothing of it stays in them."""


class EditConflictError(EditError):
    """A change whose row moved on since it was read (``expected_version``)."""


def _same(a, b) -> bool:
    """True when two Python wrappers hold the same C++ object."""
    from qgis.PyQt import sip

    try:
        return a is b or (b is not None and sip.unwrapinstance(a) == sip.unwrapinstance(b))
    except TypeError:
        return False


class EditBufferApplier(QObject):
    """Applies change sets to workspace layers (``layers()``: name → QgsVectorLayer)."""

    def __init__(self, layers: Callable[[], dict], parent: Optional[QObject] = None):
        super().__init__(parent)
        self._layers = layers
        self._links: list[dict] = []
        self._linking = False
        self._serial = 0
        self._watched: list = []

    # ------------------------------------------------------------ applying
    def apply(self, changeset: ChangeSet, lang: str = "en") -> dict:
        """Write ``changeset`` into the edit buffers (editing is started where needed) as one
        edit command per layer, linked for undo. Returns layer → list of the feature ids
        inserted (temporary ids until saved). Raises EditError (nothing applied)."""
        if not changeset:
            return {}
        layers = self._layers()
        names = changeset.layers
        for name in names:
            lyr = layers.get(name)
            if lyr is None:
                raise EditError(Message.literal(f"the workspace has no {name} layer", f"工作空间没有{name}图层"))
            if not lyr.isEditable() and not lyr.startEditing():
                raise EditError(Message.literal(f"{lyr.name()} cannot be edited", f"{lyr.name()}无法编辑"))
        text = changeset.description.text(lang)
        if len(names) > 1:
            self._serial += 1
            text = f"{text} [#{self._serial}]"
        done: list[tuple[QgsVectorLayer, int]] = []
        inserted: dict = {}
        self._linking = True
        try:
            for name in names:
                lyr = layers[name]
                lyr.beginEditCommand(text)
                try:
                    inserted[name] = self._apply_layer(lyr, changeset.of(name))
                except Exception:
                    lyr.destroyEditCommand()
                    raise
                lyr.endEditCommand()
                done.append((lyr, lyr.undoStack().index()))
        except Exception as exc:
            for lyr, _ in reversed(done):
                lyr.undoStack().undo()
            if isinstance(exc, HezhangError):
                raise
            raise EditError(Message.literal(str(exc))) from exc
        finally:
            self._linking = False
        if len(done) > 1:
            self._links.append({id(lyr): (lyr.undoStack(), index, text) for lyr, index in done})
        return inserted

    def _apply_layer(self, layer: QgsVectorLayer, changes: list) -> list:
        fields = layer.fields()
        new_ids = []
        keys = _KeyLookup(layer)
        for change in changes:
            if change.operation == INSERT:
                values = {fields.lookupField(k): _qvalue(fields.at(fields.lookupField(k)), v)
                          for k, v in change.values.items() if fields.lookupField(k) >= 0}
                geom = _qgs_geometry(change.geometry) if change.geometry is not None else QgsGeometry()
                # As QGIS digitising does: provider defaults (the fid) fill what the change leaves out.
                feat = QgsVectorLayerUtils.createFeature(layer, geom, values, layer.createExpressionContext())
                _refuse_broken_constraints(layer, feat)
                if not layer.addFeature(feat):
                    raise EditError(Message.literal(f"{layer.name()}: a row could not be added",
                                                    f"{layer.name()}：无法添加记录"))
                new_ids.append(feat.id())
                continue
            fid = keys.fid(change)
            if change.expected_version is not None:
                _check_version(layer, fid, change)
            for k, v in change.values.items():
                i = fields.lookupField(k)
                if i < 0:
                    continue
                if not layer.changeAttributeValue(fid, i, _qvalue(fields.at(i), v)):
                    raise EditError(Message.literal(f"{layer.name()} feature {fid}: {k} could not be changed",
                                                    f"{layer.name()}要素{fid}：无法修改{k}"))
            if change.geometry is not None and not layer.changeGeometry(fid, _qgs_geometry(change.geometry)):
                raise EditError(Message.literal(f"{layer.name()} feature {fid}: the geometry could not be changed",
                                                f"{layer.name()}要素{fid}：无法修改几何"))
        return new_ids

    # ------------------------------------------------------------ linked undo
    def watch(self, layers: dict) -> None:
        """Follow the undo stacks of ``layers`` so linked commands move together."""
        self.unwatch()
        for lyr in layers.values():
            if lyr is None:
                continue
            stack = lyr.undoStack()
            if stack is not None:
                stack.indexChanged.connect(self._sync_links)
                self._watched.append((stack, stack.indexChanged, self._sync_links))
            for signal in (lyr.afterRollBack, lyr.afterCommitChanges, lyr.editingStopped):
                signal.connect(self.drop_links)
                self._watched.append((lyr, signal, self.drop_links))

    def unwatch(self) -> None:
        from qgis.PyQt import sip

        for owner, signal, slot in self._watched:
            if sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._watched = []
        self._links = []

    def drop_links(self, *args) -> None:
        self._links = []

    @staticmethod
    def _state(entry) -> Optional[bool]:
        """Whether a linked command is applied on its stack, None when it is gone."""
        stack, index, text = entry
        if stack.count() < index or stack.text(index - 1) != text:
            return None
        return stack.index() >= index

    def _sync_links(self, *args) -> None:
        if self._linking or not self._links:
            return
        sender = self.sender()
        self._linking = True
        try:
            for link in list(self._links):
                states = {key: self._state(entry) for key, entry in link.items()}
                if None in states.values():
                    self._links.remove(link)  # discarded by a newer edit after an undo
                    continue
                if len(set(states.values())) == 1:
                    continue
                lead = next((k for k, e in link.items() if _same(e[0], sender)), None)
                if lead is None:
                    continue
                applied = states[lead]
                for key, (stack, index, _text) in link.items():
                    if key != lead and states[key] != applied:
                        stack.setIndex(index if applied else index - 1)
        finally:
            self._linking = False


class _KeyLookup:
    """fid of the feature a change names: its fid, or its business key looked up in the layer
    (edit buffer included)."""

    def __init__(self, layer: QgsVectorLayer):
        self.layer = layer

    def fid(self, change: RowChange) -> int:
        if change.fid is not None:
            return change.fid
        field, value = change.business_key
        if BUSINESS_KEYS.get(change.layer) != field:
            raise EditError(Message.literal(f"{change.layer}: {field} is not the key of the layer"))
        expr = f"{QgsExpression.quotedColumnRef(field)} = {QgsExpression.quotedValue(value)}"
        req = QgsFeatureRequest().setFilterExpression(expr).setNoAttributes()
        req.setFlags(QgsFeatureRequest.NoGeometry)
        for feat in self.layer.getFeatures(req):
            return feat.id()
        raise EditError(Message.literal(f"{self.layer.name()}: no row with {field} {value}",
                                        f"{self.layer.name()}：没有{field}为{value}的记录"))


def _refuse_broken_constraints(layer: QgsVectorLayer, feat: QgsFeature) -> None:
    """EditError naming what a new row would break when the layer is saved (a NOT NULL or
    unique column of the file, a constraint of the form): refused with the action that
    causes it, not later at save time."""
    from hezhang_plugin.data.qgsio import constraint_problems

    problems = constraint_problems(layer, feat)
    if problems:
        raise EditError("edit.not_added", layer=layer.name(), problems="; ".join(problems))


def _check_version(layer: QgsVectorLayer, fid: int, change: RowChange) -> None:
    i = layer.fields().lookupField("row_version")
    if i < 0:
        return
    stored = layer.getFeature(fid).attribute(i)
    if stored is not None and not (hasattr(stored, "isNull") and stored.isNull()) \
            and abs(int(stored)) != abs(int(change.expected_version)):
        raise EditConflictError(Message.literal(
            f"{layer.name()} feature {fid} was changed since it was read; reload it and try again",
            f"{layer.name()}要素{fid}在读取后已被修改；请重新加载后再试"))


def _qvalue(field, value):
    """A Python value as the layer field wants it (ISO text → QDate for date fields)."""
    if value is None:
        return None
    if compat.field_is(field, "date") and isinstance(value, str):
        return QDate.fromString(value[:10], Qt.DateFormat.ISODate)
    if compat.field_is(field, "datetime") and isinstance(value, str):
        return QDateTime.fromString(value[:19], Qt.DateFormat.ISODate)
    return value


def _qgs_geometry(geom):
    from hezhang_plugin.data.qgsio import shapely_to_qgs

    return shapely_to_qgs(geom)
