"""Export the coverage map, the town atlas and the notice boards (PDF, PNG, SVG).

Layouts live in the workspace's project (built on first export, then reused as the
district restyled them) and are also written as .qpt templates beside the outputs.
Large atlases export in parallel worker processes (``python -m
hezhang_plugin.layout.worker``), each rendering a contiguous run of pages, and the
parts are joined with ``pdfunite`` (poppler) or pypdf. Without either, or without a
Python that can import QGIS (inside QGIS desktop), export runs in this process.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

from qgis.core import (
    Qgis,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsFeatureRequest,
    QgsLayoutExporter,
    QgsProject,
    QgsReadWriteContext,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtXml import QDomDocument

from hezhang_plugin.data import project as wsproject
from hezhang_plugin.data import workspace as ws
from hezhang_plugin.layout import builders
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout.content import read_content
from hezhang_plugin.log import get_logger

PRODUCTS = ("coverage", "atlas", "boards")
FORMATS = ("pdf", "png", "svg")
#: Below this many pages a second process costs more than it saves.
PARALLEL_MIN_PAGES = 24

_PLUGIN_PARENT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class ExportError(Exception):
    """An export that could not be made; the message says which product and why."""


class Canceled(Exception):
    pass


def _tr(text: str) -> str:
    return QCoreApplication.translate("Hezhang", text)


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
    if result != QgsLayoutExporter.Success:
        raise ExportError(_tr("Export of {0} failed (code {1}) {2}").format(what, int(result), message or ""))


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
        elif product == "coverage":
            builders.fill_coverage(layout, content)
        out[product] = layout
    return out, content, True


def save_template(layout, folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{layout.name()}.qpt")
    if not layout.saveAsTemplate(path, QgsReadWriteContext()):
        raise ExportError(_tr("Could not write the template {0}").format(path))
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
        raise ExportError(_tr("{0} is not a layout template").format(path))
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


def restrict_atlas(layout, first, last) -> None:
    """Keep only the pages whose sort value lies in [first, last]."""
    atlas = layout.atlas()
    key = atlas.sortExpression() or "$id"
    base = atlas.filterExpression() if atlas.filterFeatures() and atlas.filterExpression() else "TRUE"
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(f"({base}) AND ({key}) >= {QgsExpression.quotedValue(first)} "
                              f"AND ({key}) <= {QgsExpression.quotedValue(last)}")


def export_atlas_pdf(layout, path: str, dpi: int, progress: Optional[Callable[[int], None]] = None) -> int:
    """The whole atlas as one PDF in this process; returns the page count."""
    atlas = layout.atlas()
    count = atlas.updateFeatures()
    if count == 0:
        raise ExportError(_tr("{0}: no pages to export").format(layout.name()))
    if progress is not None:
        atlas.featureChanged.connect(lambda _f: progress(atlas.currentFeatureNumber() + 1))
    result = QgsLayoutExporter.exportToPdf(atlas, path, pdf_settings(dpi))
    _check(result, layout.name())
    return count


_PYTHON_CACHE: dict = {}


def worker_python() -> Optional[str]:
    """A Python interpreter that can import QGIS, for worker processes (None: none found).

    When this process is itself a Python interpreter with QGIS loaded (qgis_process
    scripts, tests, the demo) it is the answer; inside QGIS desktop ``sys.executable`` is
    QGIS, so ``python3`` on the PATH is tried once.
    """
    if os.path.basename(sys.executable).lower().startswith("python"):
        return sys.executable
    if "python" in _PYTHON_CACHE:
        return _PYTHON_CACHE["python"]
    found = shutil.which("python3")
    ok = None
    if found:
        try:
            res = subprocess.run([found, "-c", "import qgis.core"], capture_output=True, timeout=60,
                                 env=worker_env())
            ok = found if res.returncode == 0 else None
        except (OSError, subprocess.TimeoutExpired):
            ok = None
    _PYTHON_CACHE["python"] = ok
    return ok


def worker_env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([_PLUGIN_PARENT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                                                             if p])
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("PROJ_DATA", "/usr/share/proj")
    return env


def merge_pdfs(parts: list[str], out: str) -> None:
    tool = shutil.which("pdfunite")
    if tool:
        res = subprocess.run([tool, *parts, out], capture_output=True, text=True)
        if res.returncode != 0:
            raise ExportError(_tr("pdfunite failed: {0}").format(res.stderr.strip()))
        return
    from pypdf import PdfWriter  # optional; checked by can_merge()

    writer = PdfWriter()
    for p in parts:
        writer.append(p)
    with open(out, "wb") as fh:
        writer.write(fh)


def can_merge() -> bool:
    if shutil.which("pdfunite"):
        return True
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def export_atlas_parallel(workspace_path: str, layout, template: str, path: str, dpi: int, workers: int, python: str,
                          feedback=None, stats: Optional[ExportStats] = None) -> int:
    """Split the atlas into ``workers`` runs of pages, render them in worker processes,
    and join the parts in page order."""
    keys = atlas_keys(layout)
    if not keys:
        raise ExportError(_tr("{0}: no pages to export").format(layout.name()))
    n = len(keys)
    workers = max(1, min(workers, n))
    bounds = [(n * i) // workers for i in range(workers + 1)]
    tmpdir = tempfile.mkdtemp(prefix="hezhang-export-", dir=os.path.dirname(os.path.abspath(path)))
    procs, parts = [], []
    done = [0] * workers
    rss = [0] * workers
    try:
        for i in range(workers):
            first, last = keys[bounds[i]], keys[bounds[i + 1] - 1]
            part = os.path.join(tmpdir, f"part{i:02d}.pdf")
            parts.append(part)
            cmd = [python, "-m", "hezhang_plugin.layout.worker", "--workspace", workspace_path,
                   "--template", template, "--first", str(first), "--last", str(last),
                   "--dpi", str(dpi), "--out", part]
            procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          env=worker_env()))
        errors: list[str] = [""] * workers

        def pump(i, proc):
            for line in proc.stdout:
                if line.startswith("PAGE "):
                    done[i] = int(line.split()[1])
                elif line.startswith("RSS "):
                    rss[i] = int(line.split()[1])
            errors[i] = proc.stderr.read()

        threads = [threading.Thread(target=pump, args=(i, p), daemon=True) for i, p in enumerate(procs)]
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            if feedback is not None:
                if feedback.isCanceled():
                    for p in procs:
                        p.terminate()
                    raise Canceled()
                feedback.setProgress(100.0 * sum(done) / n)
            for t in threads:
                t.join(0.2)
        for i, p in enumerate(procs):
            if p.wait() != 0:
                raise ExportError(_tr("Export worker {0} failed: {1}").format(i + 1, errors[i].strip()[-2000:]))
        merge_pdfs(parts, path)
        if stats is not None:
            stats.workers = workers
            stats.worker_rss_kb = rss
        return n
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(tmpdir, ignore_errors=True)


# ---------------------------------------------------------------- products

def _file_stem(product: str, district_code: str) -> str:
    return {"coverage": "coverage", "atlas": "town_atlas", "boards": "notice_boards"}[product] + \
        f"_{district_code[:6]}"


def export_layout(workspace_path: str, product: str, layout, fmt: str, out_folder: str, district_code: str,
                  dpi: int = 300, one_file_per_page: bool = False, parallel: Optional[int] = None,
                  feedback=None, stats: Optional[ExportStats] = None,
                  template: Optional[str] = None) -> list[str]:
    """Files written for one product's layout."""
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
                                      stats)
        else:
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
        raise ExportError(_tr("{0}: no pages to export").format(layout.name()))
    base = os.path.join(folder, "page")
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
    if pages < PARALLEL_MIN_PAGES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def workspace_of(project: QgsProject) -> Optional[str]:
    name = project.fileName() or ""
    if name.startswith("geopackage:"):
        return os.path.abspath(name[len("geopackage:"):].split("?", 1)[0])
    return None


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
        raise ExportError(_tr("Unknown format {0}: use PDF, PNG or SVG").format(fmt))
    unknown = [p for p in products if p not in PRODUCTS]
    if unknown:
        raise ExportError(_tr("Unknown product {0}: use coverage, atlas or boards").format(unknown[0]))
    if page_size not in c.PAGE_SIZES:
        raise ExportError(_tr("Unknown page size {0}: use A4, A3 or A0").format(page_size))
    workspace_path = os.path.abspath(workspace_path)
    out_folder = os.path.abspath(out_folder or os.path.join(os.path.dirname(workspace_path), "maps"))
    os.makedirs(out_folder, exist_ok=True)
    c.check_cjk_font(feedback)
    stats = stats if stats is not None else ExportStats()
    info = ws.check_workspace(workspace_path)
    project, owned = open_project(workspace_path, isolated)
    try:
        layouts, content, changed = ensure_layouts(project, workspace_path, products, page_size, rebuild, imagery)
        if save_project and changed and owned:
            with wsproject.NoWalWrites():
                wsproject.write_project(project, workspace_path)
        templates = {p: save_template(lay, os.path.join(out_folder, "templates")) for p, lay in layouts.items()}
        files: list[str] = []
        log = get_logger()
        for i, product in enumerate(products):
            if feedback is not None:
                if feedback.isCanceled():
                    raise Canceled()
                feedback.pushInfo(_tr("Exporting {0}…").format(layouts[product].name()))
            sub = _SubFeedback(feedback, i, len(products)) if feedback is not None else None
            written = export_layout(workspace_path, product, layouts[product], fmt, out_folder,
                                    info.district_code, dpi, one_file_per_page, parallel, sub, stats,
                                    template=templates[product])
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
