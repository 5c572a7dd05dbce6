"""Rendering a layout with QGIS's exporter: the export settings of each format, one layout
to one file, an atlas to one PDF or to one file per page, and the map themes' styles
applied once per export.

Per page, QGIS re-applies a map theme's layer styles by parsing their XML (for every map
item, every page); when the project is ours, the themes' styles are applied once for the
whole export instead (:func:`resolved_map_themes`): the pages are the same, rendered
about twice as fast.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Optional

from qgis.core import QgsLayoutExporter, QgsLayoutItemLegend, QgsLayoutItemMap, QgsLayoutObject

from hezhang_plugin.core import gdalerrors
from hezhang_plugin.layout.errors import ExportError, tr

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


def check_result(result, what: str, exporter=None) -> None:
    if isinstance(result, tuple):
        result, message = result[0], result[1]
    else:
        message = exporter.errorFile() if exporter is not None else ""
    if result != QgsLayoutExporter.ExportResult.Success:
        raise ExportError(tr("Export of {0} failed (code {1}) {2}").format(what, int(result), message or ""))


# ---------------------------------------------------------------- layouts and atlases to files

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
    check_result(result, layout.name())
    return count


def export_layout_file(layout, path: str, fmt: str, dpi: int) -> str:
    """One page layout (the coverage map) to ``path`` as ``fmt`` ("pdf", "png", "svg")."""
    exporter = QgsLayoutExporter(layout)
    if fmt == "pdf":
        check_result(exporter.exportToPdf(path, pdf_settings(dpi)), layout.name(), exporter)
    elif fmt == "png":
        with gdalerrors.quiet():  # QGIS tries to georeference the PNG; its driver cannot update
            check_result(exporter.exportToImage(path, image_settings(dpi)), layout.name(), exporter)
    else:
        check_result(exporter.exportToSvg(path, svg_settings(dpi)), layout.name(), exporter)
    return path


def export_atlas_files(layout, folder: str, fmt: str, dpi: int) -> tuple[int, list[str]]:
    """Every atlas page to its own file in ``folder`` (named by the atlas's file name
    expression); returns (pages, files sorted by name)."""
    atlas = layout.atlas()
    os.makedirs(folder, exist_ok=True)
    n = atlas.updateFeatures()
    if n == 0:
        raise ExportError(tr("{0}: no pages to export").format(layout.name()))
    base = os.path.join(folder, "page")
    if fmt == "pdf":
        result = QgsLayoutExporter.exportToPdfs(atlas, base, pdf_settings(dpi))
    elif fmt == "png":
        with gdalerrors.quiet():
            result = QgsLayoutExporter.exportToImage(atlas, base, "png", image_settings(dpi))
    else:
        result = QgsLayoutExporter.exportToSvg(atlas, base, svg_settings(dpi))
    check_result(result, layout.name())
    return n, sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith("." + fmt))


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
        _refresh_legends(layout)
        yield True
    finally:
        for item, follow, name, layers, keep in saved:
            item.setLayers(layers)
            item.setKeepLayerStyles(keep)
            item.setFollowVisibilityPresetName(name)
            item.setFollowVisibilityPreset(follow)
        for layer in applied:
            layer.styleManager().restoreOverrideStyle()
        _refresh_legends(layout)


def _refresh_legends(layout) -> None:
    """Legend entries built again from the layers' styles as they are now. A legend keeps
    the entries it built from a layer's style; QGIS 3.40 and later do not rebuild them when
    the style is overridden (3.22 did, when its map's theme changed), so a legend would list
    the workspace style's classes instead of the map's."""
    for item in layout.items():
        if isinstance(item, QgsLayoutItemLegend):
            model = item.model()
            for node in model.rootGroup().findLayers():
                model.refreshLayerLegend(node)
            item.adjustBoxSize()


# ---------------------------------------------------------------- variables of one export

@contextmanager
def layout_variables(layouts, values: dict):
    """Set the layout variables ``values`` (name → text) on each of ``layouts`` for the
    export (e.g. ``hezhang_as_of``, which the layouts' filters and texts read), and put the
    layouts' own variables back afterwards. Layout variables reach every expression of the
    layout: items, tables, the atlas filter and the layers' styles drawn in its maps."""
    from qgis.core import QgsExpressionContextUtils

    values = {k: v for k, v in (values or {}).items() if v not in (None, "")}
    saved = []
    try:
        for layout in layouts:
            if not values:
                break
            names, vals = layout.customProperty("variableNames"), layout.customProperty("variableValues")
            saved.append((layout, names, vals))
            for name, value in values.items():
                QgsExpressionContextUtils.setLayoutVariable(layout, name, value)
        yield
    finally:
        for layout, names, vals in saved:
            for key, value in (("variableNames", names), ("variableValues", vals)):
                if value is None:
                    layout.removeCustomProperty(key)
                else:
                    layout.setCustomProperty(key, value)
