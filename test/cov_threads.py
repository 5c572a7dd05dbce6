"""Coverage of code that runs in QgsTask threads (``make coverage``).

coverage.py follows threads started by Python's ``threading`` (it installs its tracer with
``threading.settrace``); a QgsTask runs on a thread of QGIS's own pool (a QThread), which
Python never starts, so nothing would be traced there. Under ``make coverage`` every QgsTask
added to the task manager has its class's ``run`` wrapped once: the wrapper hands the thread
coverage's installation hook (``sys.settrace(threading.gettrace())``), which puts the real
tracer in place at the next Python call — ``run`` itself and everything it calls.

Tasks of QGIS's own C++ classes (QgsProcessingAlgRunnerTask running a Processing algorithm
from a page) are left alone, so their Python work in the thread is not counted; the same
algorithms run through ``processing.run`` in the tests are.

Python 3.12+ with coverage's ``sysmon`` core sees every thread without this; then the
wrapper finds a tracer already set, or none to give, and does nothing.
"""

from __future__ import annotations

import functools
import inspect
import sys
import threading

_WRAPPED = "_hezhang_coverage_wrapped"


def _thread_hook():
    getter = getattr(threading, "gettrace", None)  # Python 3.10+
    return getter() if getter is not None else getattr(threading, "_trace_hook", None)


def trace_this_thread() -> None:
    """Give the calling (foreign) thread coverage's tracer, when coverage is tracing."""
    hook = _thread_hook()
    if hook is not None and sys.gettrace() is None:
        sys.settrace(hook)


def _wrap_run(cls) -> None:
    run = cls.__dict__.get("run")
    # Python-defined tasks only: replacing the run of a class QGIS defines in C++
    # (QgsProcessingAlgRunnerTask) by a Python function aborted the process when the task ran
    if not inspect.isfunction(run) or getattr(run, _WRAPPED, False):
        return

    @functools.wraps(run)
    def traced_run(self, *args, **kwargs):
        trace_this_thread()
        return run(self, *args, **kwargs)

    setattr(traced_run, _WRAPPED, True)
    cls.run = traced_run


def install() -> None:
    """Wrap ``run`` of every QgsTask subclass (and its Python bases) when a task of it is
    added to the task manager."""
    from qgis.core import QgsTask, QgsTaskManager

    add = QgsTaskManager.addTask
    if getattr(add, _WRAPPED, False):
        return

    @functools.wraps(add)
    def add_task(self, task, *args, **kwargs):
        for cls in type(task).__mro__:
            if cls is QgsTask:
                break
            _wrap_run(cls)
        return add(self, task, *args, **kwargs)

    setattr(add_task, _WRAPPED, True)
    QgsTaskManager.addTask = add_task
