"""Export the coverage map, the town atlas and the notice boards (PDF, PNG, SVG).

This module runs an export from start to end; its parts live beside it:

- :mod:`templates`: the layouts in the workspace's project and as .qpt templates;
- :mod:`pages`: the atlas's pages in order, the number of processes, chunks of pages;
- :mod:`render`: QGIS's exporter per format, map themes applied once per export;
- :mod:`parallel`: several processes rendering one atlas, and the worker protocol;
- :mod:`pdfjoin`: the parts joined in page order.

Large atlases export in parallel (:mod:`parallel`); without pypdf or pdfunite, or without
QGIS's own Python interpreter (``runtime.qgis_python``), export runs in this process only.
The names other code imports from here (``export_products``, ``ExportError``,
``worker_env``…) stay importable from this module.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Optional, Sequence

from qgis.core import Qgis, QgsProject

from hezhang_plugin.core import uris
from hezhang_plugin.data import gpkg as wsgpkg
from hezhang_plugin.data import project as wsproject
from hezhang_plugin.data import workspace as ws
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout import pdftext
from hezhang_plugin.layout.errors import Canceled, ExportError, tr
from hezhang_plugin.layout.options import ExportStats
from hezhang_plugin.layout.pages import (
    MAX_CHUNK,
    MIN_CHUNK,
    PARALLEL_MIN_PAGES,
    atlas_filter,
    atlas_keys,
    auto_workers,
    key_chunks,
    plan_chunks,
    restrict_atlas,
    set_atlas_filter,
)
from hezhang_plugin.layout.parallel import (
    claim_chunk,
    export_atlas_parallel,
    part_path,
    render_chunks,
    worker_env,
    worker_python,
)
from hezhang_plugin.layout.pdfjoin import can_merge, merge_pdfs
from hezhang_plugin.layout.render import (
    check_result,
    export_atlas_files,
    export_atlas_pdf,
    export_layout_file,
    image_settings,
    pdf_settings,
    resolved_map_themes,
    svg_settings,
)
from hezhang_plugin.layout.templates import ensure_layouts, load_template, save_template
from hezhang_plugin.log import get_logger

PRODUCTS = c.PRODUCTS
FORMATS = c.FORMATS

__all__ = [
    "PRODUCTS", "FORMATS", "PARALLEL_MIN_PAGES", "MIN_CHUNK", "MAX_CHUNK", "ExportError", "Canceled", "ExportStats",
    "export_products", "export_layout", "open_project", "workspace_of", "ensure_layouts", "save_template",
    "load_template", "atlas_keys", "restrict_atlas", "atlas_filter", "set_atlas_filter", "plan_chunks",
    "key_chunks", "auto_workers", "part_path", "claim_chunk", "render_chunks", "worker_python", "worker_env",
    "export_atlas_parallel", "merge_pdfs", "can_merge", "pdf_settings", "image_settings", "svg_settings",
    "check_result", "export_atlas_pdf", "export_layout_file", "export_atlas_files", "resolved_map_themes",
    "today",
]


# ---------------------------------------------------------------- products

def _file_stem(product: str, district_code: str) -> str:
    return {"coverage": "coverage", "atlas": "town_atlas", "boards": "notice_boards"}[product] + \
        f"_{district_code[:6]}"


def export_layout(workspace_path: str, product: str, layout, fmt: str, out_folder: str, district_code: str,
                  dpi: int = 300, one_file_per_page: bool = False, parallel: Optional[int] = None,
                  feedback=None, stats: Optional[ExportStats] = None,
                  template: Optional[str] = None, own_styles: bool = False,
                  themes_stored: bool = False, imagery: bool = False) -> list[str]:
    """Files written for one product's layout.

    ``own_styles``: the project is this export's own (not the one open in QGIS desktop),
    so map themes may be applied to its layers once for the whole export.
    """
    stem = _file_stem(product, district_code)
    if product == "coverage":
        path = export_layout_file(layout, os.path.join(out_folder, f"{stem}.{fmt}"), fmt, dpi)
        if stats is not None:
            stats.pages[product] = 1
        return [path]
    atlas = layout.atlas()
    if fmt == "pdf" and not one_file_per_page:
        path = os.path.join(out_folder, f"{stem}.pdf")
        workers = parallel if parallel is not None else auto_workers(atlas.updateFeatures())
        python = worker_python() if workers > 1 else None
        if workers > 1 and template and python and can_merge():
            n = export_atlas_parallel(workspace_path, layout, template, path, dpi, workers, python, feedback,
                                      stats, themes_stored=themes_stored, own_styles=own_styles,
                                      imagery=imagery)
        else:
            with resolved_map_themes(layout, own_styles):
                n = export_atlas_pdf(layout, path, dpi,
                                     (lambda k: feedback.setProgress(100.0 * k / max(1, atlas.count())))
                                     if feedback is not None else None)
        if stats is not None:
            stats.pages[product] = n
        return [path]
    with resolved_map_themes(layout, own_styles):
        n, files = export_atlas_files(layout, os.path.join(out_folder, stem), fmt, dpi)
    if stats is not None:
        stats.pages[product] = n
    return files


def workspace_of(project: QgsProject) -> Optional[str]:
    name = project.fileName() or ""
    if name.startswith("postgresql:"):
        from hezhang_plugin.data.postgres.qgis_sources import workspace_of_project

        return workspace_of_project(name)
    path = uris.project_path(name)
    return os.path.abspath(path) if path else None


def _normalise(workspace: str) -> str:
    """An absolute GeoPackage path, or ``service=NAME`` as it is."""
    from hezhang_plugin.data.postgres.connection import is_postgres, normalise

    return normalise(workspace) if is_postgres(workspace) else os.path.abspath(workspace)


def open_project(workspace_path: str, isolated: bool = False):
    """(project, owned) to export from.

    Layout expressions look layers up by id (get_feature, aggregate), and QGIS 3.22
    resolves those in ``QgsProject.instance()`` only. So: the open project when it is
    this workspace (QGIS desktop); else, when the instance is empty (processing from
    qgis_process, workers, tests), the workspace is read into it and cleared afterwards;
    else a private project (texts that look layers up may stay empty on QGIS 3.22).
    """
    inst = QgsProject.instance()
    if isolated:
        prj = QgsProject()
        ws.open_workspace(workspace_path, prj)
        return prj, True
    if workspace_of(inst) == workspace_path:
        return inst, False
    if not inst.mapLayers() and not inst.fileName():
        ws.open_workspace(workspace_path, inst)
        return inst, True
    get_logger().warning("exporting %s beside another open project: QGIS %s looks layers up in the "
                         "open project only", workspace_path, Qgis.QGIS_VERSION)
    prj = QgsProject()
    ws.open_workspace(workspace_path, prj)
    return prj, True


def export_products(workspace_path: str, products: Sequence[str] = PRODUCTS, fmt: str = "pdf",
                    out_folder: Optional[str] = None, feedback=None, dpi: int = 300,
                    page_size: str = c.DEFAULT_PAGE, one_file_per_page: bool = False,
                    parallel: Optional[int] = None, rebuild: bool = False, imagery: bool = False,
                    save_project: bool = True, stats: Optional[ExportStats] = None,
                    isolated: bool = False) -> list[str]:
    """Export ``products`` of a workspace into ``out_folder``; returns the files written.

    PDF: one multi-page file per product (or one file per town / segment with
    ``one_file_per_page``); PNG and SVG: one file per page, named by code. The layouts are
    stored in the workspace's project (unless ``save_project`` is False, or the workspace
    is the project open in QGIS, which the user saves) and written as .qpt templates into
    ``out_folder/templates``; parallel workers render from those templates. ``isolated``
    reads the workspace into a private project (for a background thread).
    """
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ExportError(tr("Unknown format {0}: use PDF, PNG or SVG").format(fmt))
    unknown = [p for p in products if p not in PRODUCTS]
    if unknown:
        raise ExportError(tr("Unknown product {0}: use coverage, atlas or boards").format(unknown[0]))
    if page_size not in c.PAGE_SIZES:
        raise ExportError(tr("Unknown page size {0}: use A4, A3 or A0").format(page_size))
    workspace_path = _normalise(workspace_path)
    if not out_folder and not os.path.isabs(workspace_path):
        raise ExportError(tr("Give an output folder"))
    out_folder = os.path.abspath(out_folder or os.path.join(os.path.dirname(workspace_path), "maps"))
    try:
        os.makedirs(out_folder, exist_ok=True)
    except OSError as exc:
        raise ExportError(tr("The output folder {0} cannot be created: {1}").format(out_folder, exc.strerror)) from exc
    if not os.access(out_folder, os.W_OK):
        raise ExportError(tr("The output folder {0} cannot be written; choose another folder").format(out_folder))
    c.check_cjk_font(feedback)
    stats = stats if stats is not None else ExportStats()
    info = ws.check_workspace(workspace_path)
    project, owned = open_project(workspace_path, isolated)
    try:
        layouts, content, changed = ensure_layouts(project, workspace_path, products, page_size, rebuild, imagery)
        stored = bool(save_project and changed and owned)
        if stored and wsgpkg.is_read_only(workspace_path):
            # Export never needs to write the workspace: workers rebuild the map themes.
            stored = False
            warning = tr("The workspace is read-only: the layouts were not stored in it; the templates "
                          "are in {0}").format(os.path.join(out_folder, "templates"))
            get_logger().warning(warning)
            if feedback is not None and hasattr(feedback, "pushWarning"):
                feedback.pushWarning(warning)
        if stored:
            try:
                with wsproject.NoWalWrites():
                    wsproject.write_project(project, workspace_path)
            except RuntimeError as exc:
                if os.path.isabs(workspace_path):
                    raise
                # A shared workspace whose project this login may not change (editors): the
                # layouts are used for this export and saved as templates only.
                get_logger().info("layouts not stored in %s: %s", workspace_path, exc)
                stored = False
        templates = {p: save_template(lay, os.path.join(out_folder, "templates")) for p, lay in layouts.items()}
        files: list[str] = []
        log = get_logger()
        for i, product in enumerate(products):
            if feedback is not None:
                if feedback.isCanceled():
                    raise Canceled()
                feedback.pushInfo(tr("Exporting {0}…").format(layouts[product].name()))
            sub = _SubFeedback(feedback, i, len(products)) if feedback is not None else None
            written = export_layout(workspace_path, product, layouts[product], fmt, out_folder,
                                    info.district_code, dpi, one_file_per_page, parallel, sub, stats,
                                    template=templates[product], own_styles=owned, themes_stored=stored,
                                    imagery=imagery)
            for f in written:
                if f.lower().endswith(".pdf"):
                    pdftext.repair_text_layer(f)  # radicals Qt wrote for ideographs (Noto Sans CJK…)
            files.extend(written)
            log.info("exported %s: %d file(s), %s page(s)", product, len(written), stats.pages.get(product))
        stats.files = files
        return files
    finally:
        if owned:
            project.clear()


class _SubFeedback:
    """Maps one product's 0-100 progress onto its share of the whole export."""

    def __init__(self, feedback, index: int, count: int):
        self.feedback, self.index, self.count = feedback, index, count

    def isCanceled(self) -> bool:
        return self.feedback.isCanceled()

    def setProgress(self, value: float) -> None:
        self.feedback.setProgress((self.index + value / 100.0) * 100.0 / self.count)

    def pushInfo(self, text: str) -> None:
        self.feedback.pushInfo(text)


def today() -> str:
    return dt.date.today().isoformat()
