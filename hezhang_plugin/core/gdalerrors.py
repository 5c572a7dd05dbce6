"""GDAL, OGR and OSR raise Python exceptions in the plugin's own calls only.

``gdal.UseExceptions()`` at import would switch the whole QGIS process (every other
plugin, the Python console) to exceptions. Instead the functions that call GDAL are
decorated with :func:`gdal_exceptions`: inside them GDAL errors raise ``RuntimeError``;
on return the previous state is back. GDAL 3.7+ keeps that state per thread
(``ExceptionMgr``); with GDAL 3.6 (Debian 12) the module switches are set for the call and
restored after it.
"""

from __future__ import annotations

import functools
from contextlib import ExitStack, contextmanager
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")


@contextmanager
def _switched(module) -> Iterator[None]:
    was_on = bool(module.GetUseExceptions())
    if not was_on:
        module.UseExceptions()
    try:
        yield
    finally:
        if not was_on:
            module.DontUseExceptions()


@contextmanager
def exceptions_on() -> Iterator[None]:
    """GDAL/OGR/OSR errors raise inside the block; the previous state is restored after."""
    from osgeo import gdal, ogr, osr

    with ExitStack() as stack:
        for module in (gdal, ogr, osr):
            if hasattr(module, "ExceptionMgr"):  # GDAL 3.7+
                stack.enter_context(module.ExceptionMgr(useExceptions=True))
            else:
                stack.enter_context(_switched(module))
        yield


def gdal_exceptions(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator: ``fn`` runs with GDAL exceptions on (see :func:`exceptions_on`)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with exceptions_on():
            return fn(*args, **kwargs)

    return wrapper


@contextmanager
def quiet() -> Iterator[None]:
    """GDAL messages of the calls inside the block are not printed (this thread only:
    GDAL keeps a stack of error handlers per thread). For QGIS calls whose GDAL attempts are
    expected to fail, such as writing georeferencing into a PNG (its driver cannot update)."""
    from osgeo import gdal

    gdal.PushErrorHandler("CPLQuietErrorHandler")
    try:
        yield
    finally:
        gdal.PopErrorHandler()


def close_dataset(ds) -> None:
    """Close a GDAL/OGR dataset now: ``Close()`` from GDAL 3.8 on (``Destroy()`` is deprecated
    there), ``Destroy()`` before."""
    close = getattr(ds, "Close", None)
    (close if close is not None else ds.Destroy)()
