"""The district's work report end to end: the coverage map as its figure (the same
layout export as the Export tab), the facts, the .docx and the PDF."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Optional

from hezhang_plugin.core import workreport as wr
from hezhang_plugin.layout import report_docx, report_pdf
from hezhang_plugin.log import get_logger
from hezhang_plugin.services import workreport as sw

#: Resolution of the coverage map figure (A3 page → about 2,500 px wide).
MAP_DPI = 150


@dataclass
class ReportFiles:
    docx: Optional[str]
    pdf: str
    pages: int
    facts: wr.ReportFacts
    document: wr.Document
    warnings: list = field(default_factory=list)


def coverage_map_png(workspace: str, folder: str, feedback=None) -> Optional[str]:
    """The coverage map exported as PNG into ``folder`` (None when it cannot be drawn)."""
    from hezhang_plugin.layout.export import ExportError, export_products

    try:
        files = export_products(workspace, ["coverage"], "png", folder, feedback, dpi=MAP_DPI,
                                save_project=False)
    except ExportError as exc:
        get_logger().warning("coverage map for the work report: %s", exc)
        return None
    return files[0] if files else None


def output_paths(output: str) -> tuple[str, str]:
    """(.docx, .pdf) paths for OUTPUT: a .docx or .pdf file name, or a stem."""
    stem, ext = os.path.splitext(os.path.abspath(output))
    if ext.lower() not in (".docx", ".pdf"):
        stem = stem + ext
    return stem + ".docx", stem + ".pdf"


def write_workreport(workspace: str, start, end, output: str, feedback=None, with_map: bool = True,
                     profile=None, lang: str = "zh") -> ReportFiles:
    """Write the report for [start, end] as OUTPUT's .docx and .pdf.

    Patrols are checked under the rule ``profile`` (default: the workspace's default).
    Raises :class:`services.workreport.ReportError` on bad dates. Without python-docx the
    PDF is still written and the warning says what to install.
    """
    start, end = sw.check_dates(start, end)
    docx_path, pdf_path = output_paths(output)
    os.makedirs(os.path.dirname(pdf_path), exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="hezhang-report-")
    try:
        map_png = coverage_map_png(workspace, tmp, feedback) if with_map else None
        if feedback is not None:
            feedback.setProgress(50)
        facts = sw.gather(workspace, start, end, map_png, profile)
        doc = wr.build(facts)
        warnings = []
        written_docx = None
        try:
            written_docx = report_docx.write_docx(doc, docx_path)
        except report_docx.DocxUnavailableError as exc:
            warnings.append(exc.text(lang))
        pages = report_pdf.write_pdf(doc, pdf_path)
        return ReportFiles(written_docx, pdf_path, pages, facts, doc, warnings)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
