"""Joining the part PDFs of a parallel export in page order: with pypdf (pure Python, on
every platform), else with poppler's ``pdfunite`` where it is installed."""

from __future__ import annotations

import os
import shutil
import subprocess  # nosec B404 - runs poppler's pdfunite, no shell

from hezhang_plugin import runtime
from hezhang_plugin.layout.errors import ExportError, tr


def merge_pdfs(parts: list[str], out: str) -> None:
    """Join PDF ``parts`` in order into ``out``: with pypdf (pure Python, on every
    platform), else with poppler's ``pdfunite`` where it is installed."""
    try:
        from pypdf import PdfWriter
    except ImportError:
        PdfWriter = None  # noqa: N806
    if PdfWriter is not None:
        writer = PdfWriter()
        for p in parts:
            try:
                writer.append(p)
            except Exception as exc:  # pypdf's own errors for a damaged or missing part
                raise ExportError(tr("Joining the PDF parts failed at {0}: {1}").format(
                    os.path.basename(p), exc)) from exc
        with open(out, "wb") as fh:
            writer.write(fh)
        return
    tool = shutil.which("pdfunite")
    if tool is None:
        raise ExportError(tr("Joining PDF parts needs the Python package pypdf"))
    res = subprocess.run([tool, *parts, out], capture_output=True, text=True,  # nosec B603 - fixed argument list, no shell
                         **runtime.popen_kwargs(new_group=False))
    if res.returncode != 0:
        raise ExportError(tr("pdfunite failed: {0}").format(res.stderr.strip()))


def can_merge() -> bool:
    """True when PDF parts can be joined (pypdf, or pdfunite); else exports stay in one process."""
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return shutil.which("pdfunite") is not None
    return True
