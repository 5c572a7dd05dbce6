"""Export the coverage map, the town atlas and the notice boards (PDF, PNG, SVG).

Layouts live in the workspace's project (built on first export, then reused as the
district restyled them) and are also written as .qpt templates beside the outputs.
Large atlases export in parallel: the pages are cut into contiguous chunks (big ones at
both ends, small ones in the middle); this process renders chunks from the front while
worker processes (``python -m hezhang_plugin.layout.worker``, started first so their
start-up overlaps this process's work) take chunks from the back; each chunk is claimed by
creating a file, so nobody waits for anybody. The parts are joined in page order with
pypdf (or poppler's ``pdfunite``). Without either, or without QGIS's own Python interpreter
(``runtime.qgis_python``), export runs in this process only.

Per page, QGIS re-applies a map theme's layer styles by parsing their XML (for every map
item, every page); when the project is ours, the themes' styles are applied once for the
whole export instead (:func:`resolved_map_themes`): the pages are the same, rendered
about twice as fast.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import subprocess  # nosec B404 - runs the plugin's own export worker, no shell
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from qgis.core import (
    Qgis,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsLayoutExporter,
    QgsLayoutItemMap,
    QgsLayoutObject,
    QgsProject,
    QgsReadWriteContext,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtXml import QDomDocument

from hezhang_plugin import fonts, runtime
from hezhang_plugin.core import uris
from hezhang_plugin.data import gpkg as wsgpkg
from hezhang_plugin.data import project as wsproject
from hezhang_plugin.data import workspace as ws
from hezhang_plugin.layout import builders, pdftext
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout.content import read_content
from hezhang_plugin.log import get_logger

PRODUCTS = c.PRODUCTS
FORMATS = c.FORMATS
#: Below this many pages a second process costs more than it saves.
PARALLEL_MIN_PAGES = 24
#: Smallest chunk of pages handed to one process (each chunk is one part PDF).
MIN_CHUNK = 8
#: Largest chunk: cancelling takes effect between chunks.
MAX_CHUNK = 100

_PLUGIN_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ExportError(Exception):
    """An export that could not be made; the message says which product and why."""


class Canceled(Exception):
    pass


def tr(text: str) -> str:
    # Context "@default": where pylupdate5 files module-level tr("...") calls.
    return QCoreApplication.translate("@default", text)


@dataclass
class ExportStats:
    files: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)
    workers: int = 1
    worker_rss_kb: list = field(default_factory=list)


# ---------------------------------------------------------------- settings

def pdf_settings(dpi: int) -> QgsLayoutExporter.PdfExportSettings:
    from qgis.core import QgsRenderContext

    st = QgsLayoutExporter.PdfExportSettings()
    st.dpi = dpi
    st.rasterizeWholeImage = False
    st.forceVectorOutput = True
    st.simplifyGeometries = True
    st.exportMetadata = True
    # Map labels as real text, so the PDF stays searchable and the CJK font is embedded.
    st.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
    return st


def image_settings(dpi: int) -> QgsLayoutExporter.ImageExportSettings:
    st = QgsLayoutExporter.ImageExportSettings()
    st.dpi = dpi
    st.generateWorldFile = False
    return st


def svg_settings(dpi: int) -> QgsLayoutExporter.SvgExportSettings:
    from qgis.core import QgsRenderContext

    st = QgsLayoutExporter.SvgExportSettings()
    st.dpi = dpi
    st.forceVectorOutput = True
    st.textRenderFormat = QgsRenderContext.TextFormatAlwaysText
    return st


def _check(result, what: str, exporter=None) -> None:
    if isinstance(result, tuple):
        result, message = result[0], result[1]
    else:
        message = exporter.errorFile() if exporter is not None else ""
    if result != QgsLayoutExporter.ExportResult.Success:
        raise ExportError(tr("Export of {0} failed (code {1}) {2}").format(what, int(result), message or ""))


# ---------------------------------------------------------------- layouts in the project

def ensure_layouts(project: QgsProject, workspace_path: str, products: Sequence[str], page: str,
                   rebuild: bool = False, imagery: bool = False, content=None):
    """The layouts of ``products`` in ``project`` (built when missing or ``rebuild``).

    Returns (layouts by product, content, changed) where changed says the project needs
    writing back into the workspace.
    """
    content = content or read_content(workspace_path)
    builders.prepare_themes(project, content, imagery)
    manager = project.layoutManager()
    out = {}
    for product in products:
        name = builders.layout_name(product, page)
        layout = manager.layoutByName(name)
        if layout is not None and rebuild:
            manager.removeLayout(layout)
            layout = None
        if layout is None:
            if product == "boards":
                layout = builders.build_boards(project, content)
            else:
                layout = builders.BUILDERS[product](project, content, page)
            manager.addLayout(layout)
        else:
            # A layout saved where another Chinese font was installed prints with this one.
            fonts.fix_layout(layout)
            if product == "coverage":
                builders.fill_coverage(layout, content)
        out[product] = layout
    return out, content, True


def save_template(layout, folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{layout.name()}.qpt")
    if not layout.saveAsTemplate(path, QgsReadWriteContext()):
        raise ExportError(tr("Could not write the template {0}").format(path))
    return path


def load_template(project: QgsProject, path: str):
    """A print layout from a .qpt template, in ``project`` (for a district's own design)."""
    from qgis.core import QgsPrintLayout

    doc = QDomDocument()
    with open(path, encoding="utf-8") as fh:
        doc.setContent(fh.read())
    layout = QgsPrintLayout(project)
    root = doc.documentElement()
    if root.isNull() or not layout.readLayoutXml(root, doc, QgsReadWriteContext()):
        raise ExportError(tr("{0} is not a layout template").format(path))
    fonts.fix_layout(layout)
    return layout


# ---------------------------------------------------------------- atlas pages

def atlas_keys(layout) -> list:
    """Sort values of the atlas pages in page order (the atlas's own filter and sort)."""
    atlas = layout.atlas()
    layer = atlas.coverageLayer()
    ctx = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    flt = QgsExpression(atlas.filterExpression()) if atlas.filterFeatures() and atlas.filterExpression() else None
    key = QgsExpression(atlas.sortExpression() or "$id")
    keys = []
    for feat in layer.getFeatures(QgsFeatureRequest()):
        ctx.setFeature(feat)
        if flt is not None and not flt.evaluate(ctx):
            continue
        keys.append(key.evaluate(ctx))
    keys.sort(reverse=not atlas.sortAscending())
    return keys


def restrict_atlas(layout, first, last, base: Optional[str] = None) -> None:
    """Keep only the pages whose sort value lies in [first, last] (of the atlas's own filter,
    or of ``base`` when given: the filter before an earlier restriction)."""
    atlas = layout.atlas()
    key = atlas.sortExpression() or "$id"
    if base is None:
        base = atlas.filterExpression() if atlas.filterFeatures() and atlas.filterExpression() else "TRUE"
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(f"({base}) AND ({key}) >= {QgsExpression.quotedValue(first)} "
                              f"AND ({key}) <= {QgsExpression.quotedValue(last)}")


def atlas_filter(layout) -> tuple:
    """(filter on, filter expression) of a layout's atlas, to restore after restricting."""
    atlas = layout.atlas()
    return atlas.filterFeatures(), atlas.filterExpression()


def set_atlas_filter(layout, state: tuple) -> None:
    layout.atlas().setFilterFeatures(state[0])
    layout.atlas().setFilterExpression(state[1])


def export_atlas_pdf(layout, path: str, dpi: int, progress: Optional[Callable[[int], None]] = None) -> int:
    """The whole atlas as one PDF in this process; returns the page count."""
    atlas = layout.atlas()
    count = atlas.updateFeatures()
    if count == 0:
        raise ExportError(tr("{0}: no pages to export").format(layout.name()))
    slot = None
    if progress is not None:
        slot = lambda _f: progress(atlas.currentFeatureNumber() + 1)  # noqa: E731
        atlas.featureChanged.connect(slot)
    try:
        result = QgsLayoutExporter.exportToPdf(atlas, path, pdf_settings(dpi))
    finally:
        if slot is not None:
            atlas.featureChanged.disconnect(slot)
    _check(result, layout.name())
    return count


# ---------------------------------------------------------------- map themes resolved once

def _map_style_plan(layout):
    """(layer style overrides shared by the layout's maps, [(map, theme layers or None)]),
    or None when the maps' styles cannot be applied once for the whole export (maps
    with different styles for one layer, data-defined themes or layers)."""
    project = layout.project()
    themes = project.mapThemeCollection()
    shared: Optional[dict] = None
    maps, plain = [], []
    for item in layout.items():
        if not isinstance(item, QgsLayoutItemMap):
            continue
        props = item.dataDefinedProperties()
        if props.isActive(QgsLayoutObject.DataDefinedProperty.MapStylePreset) or \
                props.isActive(QgsLayoutObject.DataDefinedProperty.MapLayers):
            return None
        if item.followVisibilityPreset():
            name = item.followVisibilityPresetName()
            if not themes.hasMapTheme(name):
                return None
            overrides = dict(themes.mapThemeStyleOverrides(name))
            maps.append((item, themes.mapThemeVisibleLayers(name)))
        elif item.keepLayerStyles():
            overrides = dict(item.layerStyleOverrides())
            maps.append((item, None))
        else:
            plain.append(item)
            continue
        if shared is None:
            shared = overrides
        elif overrides != shared:
            return None
    if not shared:
        return None
    for item in plain:  # a map drawing an overridden layer in its own style
        layers = item.layers() or list(project.layerTreeRoot().checkedLayers())
        if any(lyr is not None and lyr.id() in shared for lyr in layers):
            return None
    return shared, maps


@contextmanager
def resolved_map_themes(layout, enabled: bool = True):
    """Apply the styles of the layout's map theme(s) to the layers once, for the whole
    export, instead of QGIS re-reading them from XML for every map on every page.

    Only for a project this process owns (a worker's, or a workspace read for the export):
    the layers' styles change until the export ends and are then restored.
    """
    plan = _map_style_plan(layout) if enabled else None
    if plan is None:
        yield False
        return
    overrides, maps = plan
    project = layout.project()
    applied, saved = [], []
    try:
        for layer_id, xml in overrides.items():
            layer = project.mapLayer(layer_id)
            if layer is None:
                continue
            if not layer.styleManager().setOverrideStyle(xml):
                raise ExportError(tr("Could not apply the map style of layer {0}").format(layer.name()))
            applied.append(layer)
        for item, layers in maps:
            saved.append((item, item.followVisibilityPreset(), item.followVisibilityPresetName(), item.layers(),
                          item.keepLayerStyles()))
            if layers is not None:
                item.setFollowVisibilityPreset(False)
                item.setLayers(layers)
            item.setKeepLayerStyles(False)
        yield True
    finally:
        for item, follow, name, layers, keep in saved:
            item.setLayers(layers)
            item.setKeepLayerStyles(keep)
            item.setFollowVisibilityPresetName(name)
            item.setFollowVisibilityPreset(follow)
        for layer in applied:
            layer.styleManager().restoreOverrideStyle()


# ---------------------------------------------------------------- chunks of pages

def plan_chunks(n: int, processes: int, min_chunk: int = MIN_CHUNK, max_chunk: int = MAX_CHUNK) -> list:
    """Contiguous [start, end) page ranges: big at both ends, small in the middle, where
    this process (taking chunks from the front) and the workers (from the back) meet."""
    lo, hi, front, back, turn = 0, n, [], [], 0
    while lo < hi:
        r = hi - lo
        size = min(r, max_chunk, max(min_chunk, math.ceil(r / (2 * max(1, processes)))))
        if turn == 0:
            front.append((lo, lo + size))
            lo += size
        else:
            back.append((hi - size, hi))
            hi -= size
        turn ^= 1
    return front + back[::-1]


def key_chunks(keys: list, processes: int, min_chunk: int = MIN_CHUNK) -> list:
    """[first key, last key, pages] per chunk; pages sharing a sort value stay in one chunk."""
    out = []
    start = 0
    for _lo, hi in plan_chunks(len(keys), processes, min_chunk):
        if hi <= start:
            continue
        while hi < len(keys) and keys[hi] == keys[hi - 1]:
            hi += 1
        out.append([keys[start], keys[hi - 1], hi - start])
        start = hi
    return out


def part_path(folder: str, k: int) -> str:
    return os.path.join(folder, f"part{k:04d}.pdf")


def claim_chunk(folder: str, k: int) -> bool:
    """True for the one process that claims chunk ``k`` first (atomic file creation)."""
    try:
        fd = os.open(os.path.join(folder, f"claim{k:04d}"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def render_chunks(layout, plan: dict, order: Sequence[int], progress: Optional[Callable[[int], None]] = None,
                  stop: Optional[Callable[[], bool]] = None) -> int:
    """Render the chunks of ``plan`` (see :func:`export_atlas_parallel`) that this process
    claims, going through them in ``order``; returns the pages rendered."""
    folder, dpi = plan["dir"], plan["dpi"]
    state = atlas_filter(layout)
    base = state[1] if state[0] and state[1] else "TRUE"
    done = 0
    try:
        for k in order:
            if (stop is not None and stop()) or os.path.exists(os.path.join(folder, "cancel")):
                break
            if not claim_chunk(folder, k):
                continue
            first, last, _pages = plan["chunks"][k]
            restrict_atlas(layout, first, last, base)
            final = part_path(folder, k)
            done += export_atlas_pdf(layout, final + ".tmp", dpi,
                                     (lambda i, offset=done: progress(offset + i)) if progress is not None else None)
            os.replace(final + ".tmp", final)
    finally:
        set_atlas_filter(layout, state)
    return done


def worker_python() -> Optional[str]:
    """QGIS's own Python interpreter for worker processes, None when there is none
    (``runtime.qgis_python``: never a foreign ``python3`` that comes first on PATH)."""
    return runtime.qgis_python()


def worker_env() -> dict:
    """Environment of a worker process (``runtime.child_env``)."""
    return runtime.child_env(worker_python())


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
            writer.append(p)
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


def export_atlas_parallel(workspace_path: str, layout, template: str, path: str, dpi: int, workers: int, python: str,
                          feedback=None, stats: Optional[ExportStats] = None, themes_stored: bool = False,
                          own_styles: bool = False, imagery: bool = False) -> int:
    """The atlas rendered by ``workers`` processes in all (this one and ``workers - 1``
    worker processes), chunk by chunk, and the parts joined in page order.

    ``themes_stored``: the workspace's stored project already holds the layouts' map
    themes (the workers need not rebuild them); ``own_styles``: this process may apply
    the map themes' styles to the project's layers for the export (its own project).
    """
    keys = atlas_keys(layout)
    if not keys:
        raise ExportError(tr("{0}: no pages to export").format(layout.name()))
    n = len(keys)
    workers = max(1, min(workers, n))
    chunks = key_chunks(keys, workers)
    tmpdir = tempfile.mkdtemp(prefix="hezhang-export-", dir=os.path.dirname(os.path.abspath(path)))
    plan = {"chunks": chunks, "dir": tmpdir, "dpi": dpi}
    plan_file = os.path.join(tmpdir, "plan.json")
    with open(plan_file, "w", encoding="utf-8") as fh:
        json.dump(plan, fh, ensure_ascii=False)
    procs: list = []
    helpers = workers - 1
    done = [0] * (helpers + 1)
    rss = [0] * helpers
    errors: list[str] = [""] * helpers

    def pump(i, proc):
        for line in proc.stdout:
            if line.startswith("PAGE "):
                done[i + 1] = int(line.split()[1])
            elif line.startswith("RSS "):
                rss[i] = int(line.split()[1])

    def drain(i, proc):  # read as it comes, so a talkative worker never blocks on a full pipe
        for line in proc.stderr:
            errors[i] = (errors[i] + line)[-4000:]

    def canceled() -> bool:
        return feedback is not None and feedback.isCanceled()

    def report(k: int) -> None:
        done[0] = k
        if feedback is not None:
            feedback.setProgress(100.0 * min(n, sum(done)) / n)

    threads = []
    try:
        # Workers first: their start-up (QGIS, the project) overlaps this process's pages.
        for _ in range(helpers):
            cmd = [python, "-m", "hezhang_plugin.layout.worker", "--workspace", workspace_path,
                   "--template", template, "--plan", plan_file, "--from-back"]
            if themes_stored:
                cmd.append("--themes-stored")
            elif imagery:
                cmd.append("--imagery")
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,  # nosec B603 - fixed argument list (our worker module), no shell
                                          env=worker_env(), **runtime.popen_kwargs(new_group=False)))
        threads = [threading.Thread(target=fn, args=(i, p), daemon=True) for i, p in enumerate(procs)
                   for fn in (pump, drain)]
        for t in threads:
            t.start()
        with resolved_map_themes(layout, own_styles):
            render_chunks(layout, plan, range(len(chunks)), report, canceled)
        while any(t.is_alive() for t in threads):
            if canceled():
                break
            report(done[0])
            for t in threads:
                t.join(0.2)
        if canceled():
            raise Canceled()
        failed = [i for i, p in enumerate(procs) if p.wait() != 0]
        missing = [k for k in range(len(chunks)) if not os.path.exists(part_path(tmpdir, k))]
        if failed and not missing:
            get_logger().warning("export worker %d failed: %s", failed[0] + 1, errors[failed[0]].strip()[-500:])
        if missing:
            if failed:
                get_logger().warning("export worker %d failed (%s); rendering its pages here", failed[0] + 1,
                                     errors[failed[0]].strip()[-500:])
            # Chunks a failed worker claimed but did not finish.
            for k in missing:
                try:
                    os.remove(os.path.join(tmpdir, f"claim{k:04d}"))
                except OSError:
                    pass
            before = done[0]
            with resolved_map_themes(layout, own_styles):
                render_chunks(layout, plan, missing, lambda k: report(before + k), canceled)
            missing = [k for k in range(len(chunks)) if not os.path.exists(part_path(tmpdir, k))]
            if missing:
                if canceled():
                    raise Canceled()
                raise ExportError(tr("Export of {0}: pages missing after the workers ended").format(layout.name()))
        parts = [part_path(tmpdir, k) for k in range(len(chunks))]
        if len(parts) == 1:
            os.replace(parts[0], path)
        else:
            merge_pdfs(parts, path)
        if stats is not None:
            stats.workers = workers
            stats.worker_rss_kb = rss
        return n
    finally:
        try:
            open(os.path.join(tmpdir, "cancel"), "w").close()  # workers claim nothing more
        except OSError:
            pass
        for p in procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for t in threads:
            t.join(1)
        for p in procs:
            for pipe in (p.stdout, p.stderr):
                if pipe is not None:
                    pipe.close()
        shutil.rmtree(tmpdir, ignore_errors=True)


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
    files: list[str] = []
    if product == "coverage":
        exporter = QgsLayoutExporter(layout)
        path = os.path.join(out_folder, f"{stem}.{fmt}")
        if fmt == "pdf":
            _check(exporter.exportToPdf(path, pdf_settings(dpi)), layout.name(), exporter)
        elif fmt == "png":
            _check(exporter.exportToImage(path, image_settings(dpi)), layout.name(), exporter)
        else:
            _check(exporter.exportToSvg(path, svg_settings(dpi)), layout.name(), exporter)
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
    folder = os.path.join(out_folder, stem)
    os.makedirs(folder, exist_ok=True)
    n = atlas.updateFeatures()
    if n == 0:
        raise ExportError(tr("{0}: no pages to export").format(layout.name()))
    base = os.path.join(folder, "page")
    with resolved_map_themes(layout, own_styles):
        if fmt == "pdf":
            result = QgsLayoutExporter.exportToPdfs(atlas, base, pdf_settings(dpi))
        elif fmt == "png":
            result = QgsLayoutExporter.exportToImage(atlas, base, "png", image_settings(dpi))
        else:
            result = QgsLayoutExporter.exportToSvg(atlas, base, svg_settings(dpi))
    _check(result, layout.name())
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith("." + fmt))
    if stats is not None:
        stats.pages[product] = n
    return files


def auto_workers(pages: int) -> int:
    """Processes to render ``pages`` atlas pages with (this one included)."""
    if pages < PARALLEL_MIN_PAGES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


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
