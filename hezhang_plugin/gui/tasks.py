"""Background work for the dock: QgsTasks that stay referenced, cancel on teardown and
report failures properly.

QGIS runs a QgsTask in a worker thread, but the Python object must stay alive until the
task ends — a task whose last Python reference goes away while it runs crashes or loses
its result. :class:`TaskRunner` holds every task it started until ``finished`` has run,
cancels them all in :meth:`TaskRunner.cancel_all` (a page's teardown), logs the full
traceback of a failure to the plugin log and shows the user one short line.

The work function runs in the worker thread and must not touch widgets or live layers: it
gets a :class:`TaskContext` (progress, cancel) and returns a value, which the ``done``
callback receives in the main thread.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsTask
from qgis.PyQt.QtCore import QObject

from hezhang_plugin import log


class CancelledError(Exception):
    """Raised by :meth:`TaskContext.check` when the user (or a teardown) cancelled."""


class TaskContext:
    """What a work function may do with its task: report progress, look for cancel. Also
    the small feedback interface core's long functions accept (setProgress, isCanceled,
    pushInfo)."""

    def __init__(self, task: QgsTask):
        self._task = task

    def setProgress(self, value: float) -> None:
        self._task.setProgress(float(value))

    def isCanceled(self) -> bool:
        return self._task.isCanceled()

    def check(self) -> None:
        if self._task.isCanceled():
            raise CancelledError()

    def pushInfo(self, text: str) -> None:
        log.get_logger().info(text)


class FunctionTask(QgsTask):
    """A QgsTask running ``work(context)``; result, error and traceback kept for finished()."""

    def __init__(self, description: str, work: Callable[[TaskContext], Any], flags=QgsTask.Flag.CanCancel):
        super().__init__(description, flags)
        self.work = work
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.trace = ""
        self.on_finished: Optional[Callable[[FunctionTask, bool], None]] = None

    def run(self) -> bool:
        try:
            self.result = self.work(TaskContext(self))
        except CancelledError:
            return False
        except Exception as exc:  # reported in finished(), on the main thread
            self.error = exc
            self.trace = traceback.format_exc()
            return False
        return not self.isCanceled()

    def finished(self, ok: bool) -> None:
        callback, self.on_finished = self.on_finished, None
        self.work = None
        if callback is not None:
            callback(self, ok)


def error_text(exc: BaseException, lang: str) -> str:
    """A short text for the user: a bilingual message in ``lang``, else the error's own text."""
    text = getattr(exc, "text", None)
    if callable(text):
        try:
            return text(lang)
        except TypeError:
            pass
    return str(exc) or type(exc).__name__


#: Tasks cancelled by a runner that may be gone before they end: referenced here until then.
_ORPHANS: dict[int, FunctionTask] = {}


def _orphan_finished(task: FunctionTask, ok: bool) -> None:
    _ORPHANS.pop(id(task), None)


def _orphan(task: FunctionTask) -> None:
    task.on_finished = _orphan_finished
    _ORPHANS[id(task)] = task
    task.cancel()


def drain(timeout_s: float = 30.0) -> bool:
    """Wait until every cancelled or orphaned task has stopped running (main thread).

    Tasks read feature sources of the project's layers; QGIS must not close those layers'
    data sets under a running reader (clearing or replacing the project, unloading the
    plugin), so callers cancel their tasks and drain them first. True when all stopped.
    """
    import time

    end = time.monotonic() + timeout_s
    for task in list(_ORPHANS.values()):
        left_ms = max(0, int((end - time.monotonic()) * 1000))
        if task.status() in (QgsTask.TaskStatus.Running, QgsTask.TaskStatus.OnHold, QgsTask.TaskStatus.Queued):
            task.waitForFinished(left_ms)
    return all(t.status() not in (QgsTask.TaskStatus.Running, QgsTask.TaskStatus.Queued) for t in _ORPHANS.values())


def keep_until_done(task: QgsTask) -> None:
    """Keep any QgsTask referenced until it completes or terminates (its owner may go first)."""
    _ORPHANS[id(task)] = task

    def release(*_args) -> None:
        _ORPHANS.pop(id(task), None)

    task.taskCompleted.connect(release)
    task.taskTerminated.connect(release)


class TaskRunner(QObject):
    """Starts and keeps the tasks of one dock page (or the dock).

    ``notify(text, level)`` shows a short message to the user (the message bar); without it
    failures go to the log only.
    """

    def __init__(self, parent: Optional[QObject] = None, notify: Optional[Callable[[str, int], None]] = None,
                 lang: Callable[[], str] = lambda: "en"):
        super().__init__(parent)
        self._tasks: dict[int, FunctionTask] = {}
        self._keys: dict[str, FunctionTask] = {}
        self._closed = False
        self.notify = notify
        self.lang = lang

    @property
    def running(self) -> list:
        return list(self._tasks.values())

    def busy(self, key: Optional[str] = None) -> bool:
        return key in self._keys if key is not None else bool(self._tasks)

    def run(self, description: str, work: Callable[[TaskContext], Any],
            done: Optional[Callable[[Any], None]] = None, *, key: Optional[str] = None,
            failed: Optional[Callable[[BaseException], None]] = None,
            cancelled: Optional[Callable[[], None]] = None, start: bool = True) -> Optional[FunctionTask]:
        """Run ``work(context)`` in a task; ``done(result)`` in the main thread when it ends well.

        With ``key`` a newer run of the same key supersedes an older one: the older task is
        cancelled and its callbacks dropped. A failure is logged with its traceback, shown in
        one line (``notify``) and passed to ``failed``. Returns the task (None after
        :meth:`cancel_all`). ``start=False`` leaves adding to the task manager to the caller.
        """
        if self._closed:
            return None
        if key is not None and key in self._keys:
            old = self._keys.pop(key)
            self._tasks.pop(id(old), None)
            _orphan(old)
        task = FunctionTask(description, work)
        task.on_finished = lambda t, ok: self._finished(t, ok, key, done, failed, cancelled)
        self._tasks[id(task)] = task
        if key is not None:
            self._keys[key] = task
        if start:
            QgsApplication.taskManager().addTask(task)
        return task

    def _finished(self, task: FunctionTask, ok: bool, key, done, failed, cancelled) -> None:
        self._tasks.pop(id(task), None)
        if key is not None and self._keys.get(key) is task:
            del self._keys[key]
        if self._closed:
            return
        if ok:
            if done is not None:
                self._call(done, task.result, task.description())
            return
        if task.error is not None:
            log.get_logger().error("%s failed:\n%s", task.description(), task.trace or repr(task.error))
            if self.notify is not None:
                self.notify(f"{task.description()}: {error_text(task.error, self.lang())}", Qgis.MessageLevel.Critical)
            if failed is not None:
                self._call(failed, task.error, task.description())
        elif cancelled is not None:
            self._call(cancelled, None, task.description(), with_arg=False)

    def _call(self, fn, arg, what: str, with_arg: bool = True) -> None:
        try:
            fn(arg) if with_arg else fn()
        except Exception as exc:  # a failing callback must not break the task manager's loop
            log.get_logger().error("%s: applying the result failed:\n%s", what, traceback.format_exc())
            if self.notify is not None:
                self.notify(f"{what}: {error_text(exc, self.lang())}", Qgis.MessageLevel.Critical)

    def cancel(self, key: str) -> None:
        task = self._keys.pop(key, None)
        if task is not None:
            self._tasks.pop(id(task), None)
            _orphan(task)

    def cancel_all(self, close: bool = False) -> None:
        """Cancel every task (their callbacks are dropped; the tasks stay referenced until
        they end); with ``close`` no new task starts."""
        self._closed = self._closed or close
        self._keys.clear()
        for task in list(self._tasks.values()):
            _orphan(task)
        self._tasks.clear()

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Process events until every task has finished (tests and benchmarks); True when done."""
        import time

        from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

        end = time.monotonic() + timeout_s
        while (self._tasks or _ORPHANS) and time.monotonic() < end:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        return not self._tasks
