"""Export the coverage map, the town atlas, the notice boards and the patrol map (PDF, PNG, SVG).

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

from hezhang_plugin.core import dates, uris, validity
from hezhang_plugin.data import gpkg as wsgpkg
from hezhang_plugin.data import project as wsproject
from hezhang_plugin.data import workspace as ws
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout import pdftext
from hezhang_plugin.layout.content import read_content
from hezhang_plugin.layout.errors import Canceled, ExportError, tr
from hezhang_plugin.layout.options import ExportOptions, ExportStats
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
    layout_variables,
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
    "ExportOptions", "run_export", "export_products", "export_layout", "open_project", "workspace_of",
    "ensure_layouts", "save_template", "load_template", "atlas_keys", "restrict_atlas", "atlas_filter",
    "set_atlas_filter", "plan_chunks", "key_chunks", "auto_workers", "part_path", "claim_chunk", "render_chunks",
    "worker_python", "worker_env", "export_atlas_parallel", "merge_pdfs", "can_merge", "pdf_settings",
    "image_settings", "svg_settings", "check_result", "export_atlas_pdf", "export_layout_file", "export_atlas_files",
    "resolved_map_themes", "layout_variables", "today",
]


# ---------------------------------------------------------------- products

def _file_stem(product: str, district_code: str) -> str:
    return {"coverage": "coverage", "atlas": "town_atlas", "boards": "notice_boards",
            "patrols": "patrol_map"}[product] + \
        f"_{district_code[:6]}"


def export_layout(options: ExportOptions, product: str, layout, district_code: str, feedback=None,
                  stats: Optional[ExportStats] = None, template: Optional[str] = None, own_styles: bool = False,
                  themes_stored: bool = False, variables: Optional[dict] = None) -> list[str]:
    """Files written for one product's layout, as ``options`` (checked) ask.

    ``template``: the layout's .qpt, from which worker processes load it; ``own_styles``:
    the project is this export's own (not the one open in QGIS desktop), so map themes may
    be applied to its layers once for the whole export; ``themes_stored``: the workspace's
    stored project holds the map themes; ``variables``: layout variables of this export
    (already set on ``layout``), handed to the workers.
    """
    stem = _file_stem(product, district_code)
    fmt, dpi, out_folder = options.fmt, options.dpi, options.folder
    if product == "coverage":
        path = export_layout_file(layout, os.path.join(out_folder, f"{stem}.{fmt}"), fmt, dpi)
        if stats is not None:
            stats.pages[product] = 1
        return [path]
    atlas = layout.atlas()
    if fmt == "pdf" and not options.one_file_per_page:
        path = os.path.join(out_folder, f"{stem}.pdf")
        workers = options.workers if options.workers is not None else auto_workers(atlas.updateFeatures())
        python = worker_python() if workers > 1 else None
        if workers > 1 and template and python and can_merge():
            n = export_atlas_parallel(options.workspace, layout, template, path, dpi, workers, python, feedback,
                                      stats, themes_stored=themes_stored, own_styles=own_styles,
                                      imagery=options.imagery, variables=variables)
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


def export_products(workspace_path: str, products: Sequence[str] = c.DEFAULT_PRODUCTS, fmt: str = "pdf",
                    out_folder: Optional[str] = None, feedback=None, dpi: int = 300,
                    page_size: str = c.DEFAULT_PAGE, one_file_per_page: bool = False,
                    parallel: Optional[int] = None, rebuild: bool = False, imagery: bool = False,
                    save_project: bool = True, stats: Optional[ExportStats] = None,
                    isolated: bool = False, as_of: Optional[str] = None, patrol_start: Optional[str] = None,
                    patrol_end: Optional[str] = None, patrol_profile: Optional[str] = None) -> list[str]:
    """:func:`run_export` with the options given one by one (``parallel`` is
    :attr:`ExportOptions.workers`); returns the files written."""
    options = ExportOptions(workspace_path, tuple(products), fmt, out_folder, dpi, page_size, one_file_per_page,
                            imagery, as_of, parallel, rebuild, save_project, isolated, patrol_start, patrol_end,
                            patrol_profile)
    return run_export(options, feedback, stats)


def run_export(options: ExportOptions, feedback=None, stats: Optional[ExportStats] = None) -> list[str]:
    """Export what ``options`` ask (checked here); returns the files written.

    PDF: one multi-page file per product (or one file per town / segment with
    ``one_file_per_page``); PNG and SVG: one file per page, named by code. The layouts are
    stored in the workspace's project (unless ``save_project`` is False, or the workspace
    is the project open in QGIS, which the user saves) and written as .qpt templates into
    ``folder/templates``; parallel workers render from those templates. ``as_of`` is set as
    the layout variable ``hezhang_as_of`` of every layout for the export only, and the patrol
    map's period, profile and compliance (:func:`patrolmap.patrol_variables`) likewise. Raises
    :class:`ExportError` (bad options, a product that cannot be made), :class:`Canceled`,
    and ``WorkspaceError`` for a workspace that cannot be read.
    """
    options = options.checked()
    out_folder = options.prepare_folder()
    workspace_path = options.workspace
    c.check_cjk_font(feedback)
    stats = stats if stats is not None else ExportStats()
    info = ws.check_workspace(workspace_path)
    variables = {validity.AS_OF_VARIABLE: options.as_of} if options.as_of else {}
    if "patrols" in options.products:
        # Before any layout is built or stored: an unknown profile stops the export here.
        from hezhang_plugin.layout.patrolmap import has_patrols, patrol_variables

        if feedback is not None:
            feedback.pushInfo(tr("Checking patrols from {0} to {1}…").format(options.patrol_start, options.patrol_end))
        variables.update(patrol_variables(workspace_path, options.patrol_start, options.patrol_end,
                                          options.patrol_profile))
        if feedback is not None and not has_patrols(workspace_path):
            feedback.reportError(tr("The workspace holds no patrol record yet: on the patrol map every segment "
                                    "that owes patrols shows as not patrolled. Import the chiefs' tracks first "
                                    "(Patrols tab or hezhang:importpatrols)."), False)
    project, owned = open_project(workspace_path, options.isolated)
    try:
        on = dates.to_date(options.as_of) if options.as_of else None
        content = read_content(workspace_path, on)
        layouts, content, changed = ensure_layouts(project, workspace_path, options.products, options.page_size,
                                                   options.rebuild, options.imagery, content)
        stored = bool(options.save_project and changed and owned)
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
        with layout_variables(layouts.values(), variables):
            for i, product in enumerate(options.products):
                if feedback is not None:
                    if feedback.isCanceled():
                        raise Canceled()
                    feedback.pushInfo(tr("Exporting {0}…").format(layouts[product].name()))
                sub = _SubFeedback(feedback, i, len(options.products)) if feedback is not None else None
                written = export_layout(options, product, layouts[product], info.district_code, sub, stats,
                                        template=templates[product], own_styles=owned, themes_stored=stored,
                                        variables=variables)
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
