"""Driving real widgets as a user does, offscreen: click buttons and tree rows with QTest,
fill the modal dialogs a click opens (from inside the dialog's own event loop), wait for
QgsTasks through the task manager."""

from __future__ import annotations

import time
from typing import Callable

from qgis.PyQt.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from qgis.PyQt.QtTest import QTest
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QMessageBox


def spin(cond: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Process events until ``cond()`` holds (bounded); returns ``cond()``."""
    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.AllEvents, 20)
    return cond()


def no_tasks() -> bool:
    from qgis.core import QgsApplication

    return QgsApplication.taskManager().countActiveTasks() == 0


class Answer:
    """What happened to a dialog answered by :func:`when_shown`."""

    def __init__(self):
        self.seen = None
        self.error: BaseException | None = None

    def check(self) -> None:
        if self.error is not None:
            raise self.error
        assert self.seen is not None, "the dialog was never shown"


def when_shown(cls, act: Callable, seconds: float = 30.0) -> Answer:
    """Call ``act(dialog)`` on the first visible top-level widget of type ``cls`` — the modal
    dialog the next click opens with exec(). ``act`` runs inside that dialog's event loop and
    must close it (clicking OK or Cancel); an exception in ``act`` rejects the dialog and is
    raised again by ``Answer.check()``."""
    answer = Answer()
    end = time.monotonic() + seconds

    def poll():
        for w in QApplication.topLevelWidgets():
            if isinstance(w, cls) and w.isVisible():
                answer.seen = w
                try:
                    act(w)
                except BaseException as exc:  # reported by check(), not lost in the event loop
                    answer.error = exc
                    if w.isVisible():
                        w.reject() if hasattr(w, "reject") else w.close()
                return
        if time.monotonic() < end:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return answer


def click(widget) -> None:
    QTest.mouseClick(widget, Qt.LeftButton)


def press_ok(dialog) -> None:
    """Click the OK button of a dialog's button box."""
    box = dialog.findChild(QDialogButtonBox)
    click(box.button(QDialogButtonBox.Ok))


def press_cancel(dialog) -> None:
    box = dialog.findChild(QDialogButtonBox)
    click(box.button(QDialogButtonBox.Cancel))


def answer_question(button=QMessageBox.StandardButton.Yes) -> Answer:
    """Answer the next QMessageBox (e.g. QMessageBox.question) with ``button``; the box's text
    is kept in ``Answer.text``."""
    answer = Answer()

    def act(box):
        answer.text = box.text()
        click(box.button(button))

    inner = when_shown(QMessageBox, act)
    answer.check = inner.check  # type: ignore[method-assign]
    return answer


def type_into(line_edit, text: str) -> None:
    """Select all and type ``text`` (replacing what was there): ASCII key by key, Chinese as an
    input method commits it (QTest has no keys for it)."""
    from qgis.PyQt.QtGui import QInputMethodEvent

    line_edit.setFocus()
    line_edit.selectAll()
    QTest.keyClick(line_edit, Qt.Key_Backspace)
    for run in _runs(text):
        if run.isascii():
            QTest.keyClicks(line_edit, run)
        else:
            event = QInputMethodEvent()
            event.setCommitString(run)
            QApplication.sendEvent(line_edit, event)


def _runs(text: str) -> list[str]:
    """``text`` cut into runs of ASCII and of other characters."""
    out: list[str] = []
    for ch in text:
        if out and out[-1][-1].isascii() == ch.isascii():
            out[-1] += ch
        else:
            out.append(ch)
    return out


def click_row(view, index, modifier=Qt.NoModifier) -> None:
    """Click the row of ``index`` in a tree or list view (scrolled into view first)."""
    parent = index.parent()
    while parent.isValid():
        view.expand(parent)
        parent = parent.parent()
    view.scrollTo(index)
    QCoreApplication.processEvents()
    rect = view.visualRect(index)
    assert rect.isValid(), "the row is not visible"
    QTest.mouseClick(view.viewport(), Qt.LeftButton, modifier, rect.center())
