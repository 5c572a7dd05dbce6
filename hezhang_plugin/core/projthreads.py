"""pyproj work runs in threads that Python created, never in one of QGIS's task threads.

pyproj 3.7 and later keep one PROJ context per thread: the pointer in a thread-specific
slot, its owner in a ``threading.local``. A thread that Python did not create — the
QThreads of QGIS's task manager, where QgsTasks and Processing's background runs execute —
gets a fresh Python thread state for each call into Python; when that state goes, the
owner frees the context while the slot keeps the pointer, and the next pyproj call in
that thread uses freed memory and QGIS crashes (pyproj issue 1509; on Debian 13 a
segmentation fault inside the segmentation task).

Every function that creates or uses pyproj ``CRS``/``Transformer``/``Proj`` objects is
decorated with :func:`proj_safe`: called from such a thread, it runs in a short-lived
Python thread (its own thread state for the whole call) and the caller waits for it; from
the main thread or any Python thread it runs directly. A test checks the decoration.
"""

from __future__ import annotations

import functools
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


def in_foreign_thread() -> bool:
    """True in a thread that Python did not create (a QThread of QGIS's task pool)."""
    return isinstance(threading.current_thread(), threading._DummyThread)  # noqa: SLF001


def proj_safe(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator: run ``fn`` in a Python-created thread when called from a foreign thread.

    Return values and exceptions pass through unchanged; progress and cancel callbacks
    given to ``fn`` are called from the helper thread (QgsTask.setProgress and
    isCanceled are thread-safe).
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not in_foreign_thread():
            return fn(*args, **kwargs)
        outcome: dict = {}

        def target() -> None:
            try:
                outcome["value"] = fn(*args, **kwargs)
            except BaseException as exc:  # re-raised in the caller's thread  # noqa: BLE001
                outcome["error"] = exc

        helper = threading.Thread(target=target, name=f"hezhang-{fn.__name__}", daemon=True)
        helper.start()
        helper.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    wrapper.proj_safe = True  # type: ignore[attr-defined]
    return wrapper
