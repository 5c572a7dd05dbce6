"""The base of every dock page: workspace in, teardown out, tasks kept and cancelled.

The dock hands each page its :class:`~hezhang_plugin.gui.session.WorkspaceSession` with
:meth:`DockPage.set_workspace` and calls :meth:`DockPage.teardown` when the plugin unloads.
Both are final: a subclass cannot override them (``__init_subclass__`` refuses), so the
common work always happens — signals the page connected through :meth:`DockPage.listen`
are disconnected, the page's tasks (:attr:`DockPage.tasks`) are cancelled and stay
referenced until they end — and the page adds its own through the hooks
:meth:`on_workspace`, :meth:`on_changed` and :meth:`on_teardown`.

``set_workspace`` also takes a workspace URI (or None): the page then makes a session of
its own (tests, a page used outside the dock).
"""

from __future__ import annotations

import logging
from typing import Optional

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QWidget

from hezhang_plugin import log
from hezhang_plugin.gui.session import WorkspaceSession
from hezhang_plugin.gui.tasks import TaskRunner

_FINAL = ("set_workspace", "teardown")


def ui_lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


class DockPage(QWidget):
    """A page of the River Chiefs dock; see the module docstring."""


    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in _FINAL:
            if name in cls.__dict__:
                raise TypeError(f"{cls.__name__} must not override DockPage.{name}; "
                                f"implement on_workspace / on_teardown instead")

    def __init__(self, iface=None, parent=None):
        super().__init__(parent)
        self.iface = iface
        self.session: Optional[WorkspaceSession] = None
        self._own_session: Optional[WorkspaceSession] = None
        self._listening: list = []
        self._follows: list = []
        self._followed: dict = {}
        self.torn_down = False
        self.tasks = TaskRunner(self, notify=self.show_message, lang=ui_lang)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate(type(self).__name__, text)

    # ------------------------------------------------------------ final lifecycle
    def set_workspace(self, workspace) -> None:
        """Follow ``workspace``: the dock's session, a workspace URI, or None."""
        self._stop_listening()
        self.tasks.cancel_all()
        if self._own_session is not None:
            self._own_session.dispose()
            self._own_session = None
        if isinstance(workspace, WorkspaceSession):
            session = workspace
        elif workspace:
            session = self._own_session = WorkspaceSession(parent=self)
            session.open(str(workspace))
        else:
            session = None
        self.session = session
        if session is not None:
            self.listen(session, session.changed, self._changed)
        self._bind_followed()
        self.on_workspace(session)

    def teardown(self) -> None:
        """Stop everything the page started; it is unusable afterwards."""
        if self.torn_down:
            return
        self.torn_down = True
        self.tasks.cancel_all(close=True)
        self._stop_listening()
        try:
            self.on_teardown()
        finally:
            if self._own_session is not None:
                self._own_session.dispose()
                self._own_session = None
            self.session = None

    # ------------------------------------------------------------ helpers
    @property
    def path(self) -> Optional[str]:
        """The GeoPackage of the page's workspace (None without one)."""
        return self.session.path if self.session is not None else None

    @property
    def uri(self) -> Optional[str]:
        return self.session.uri if self.session is not None else None

    def listen(self, owner, signal, slot) -> None:
        """Connect ``signal`` of ``owner`` (a QObject: a layer, the session) to ``slot`` until
        the next workspace or the teardown; a deleted owner is skipped then."""
        signal.connect(slot)
        self._listening.append((owner, signal, slot))

    def follow_layer(self, name: str, signal: str, slot) -> None:
        """Keep ``slot`` connected to the signal named ``signal`` of the session's layer
        ``name`` (e.g. ``("segments", "selectionChanged")``): bound on every workspace,
        re-bound when the session's layers change (the project's layer replaced or added),
        released with the workspace and at teardown. Call it once, in ``__init__``."""
        self._follows.append((name, signal, slot))

    def _bind_followed(self) -> None:
        layers = self.session.layers() if self.session is not None and self.session.is_open else {}
        for name, signal, slot in self._follows:
            layer = layers.get(name)
            if self._followed.get((name, signal)) is layer:
                continue
            self._unbind((name, signal), slot)
            if layer is not None:
                getattr(layer, signal).connect(slot)
                self._followed[(name, signal)] = layer

    def _unbind(self, key: tuple, slot) -> None:
        from qgis.PyQt import sip

        layer = self._followed.pop(key, None)
        if layer is not None and not sip.isdeleted(layer):
            try:
                getattr(layer, key[1]).disconnect(slot)
            except (TypeError, RuntimeError):
                pass

    def _stop_listening(self) -> None:
        from qgis.PyQt import sip

        for name, signal, slot in self._follows:
            self._unbind((name, signal), slot)
        for owner, signal, slot in self._listening:
            if owner is not None and sip.isdeleted(owner):
                continue
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
        self._listening = []

    def _changed(self) -> None:
        if not self.torn_down:
            self._bind_followed()
            self.on_changed()

    def show_message(self, text: str, level=Qgis.MessageLevel.Info, duration: int = 6) -> None:
        """A short message in the QGIS message bar (and the plugin log, at the same level)."""
        bar = self.iface.messageBar() if self.iface is not None else None
        if bar is not None:
            bar.pushMessage(self.message_title(), text, level, duration)
        logged = {Qgis.MessageLevel.Warning: logging.WARNING, Qgis.MessageLevel.Critical: logging.ERROR}
        log.get_logger().log(logged.get(level, logging.INFO), "%s", text)

    # ------------------------------------------------------------ hooks
    def message_title(self) -> str:
        """Title of the page's messages in the message bar."""
        return QCoreApplication.translate("HezhangDock", "River Chiefs")

    def on_workspace(self, session: Optional[WorkspaceSession]) -> None:
        """The page now shows ``session`` (None: no workspace); load in a task."""

    def on_changed(self) -> None:
        """Data of the workspace changed (edit, undo, save, batch write)."""

    def on_teardown(self) -> None:
        """Release what the page holds beyond listened signals and tasks."""
