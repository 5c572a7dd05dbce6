"""Shared pieces of the print layouts: fonts, page sizes, layer lookup, items, themes."""

from __future__ import annotations

import os
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsLayoutItemLabel,
    QgsLayoutItemPicture,
    QgsLayoutItemScaleBar,
    QgsLayoutItemShape,
    QgsLayoutMeasurement,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsMapLayerStyle,
    QgsMapThemeCollection,
    QgsProject,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtGui import QColor, QFont

from hezhang_plugin import compat, fonts
from hezhang_plugin.log import get_logger

#: Page sizes in mm, landscape (width, height).
PAGE_SIZES = {"A4": (297.0, 210.0), "A3": (420.0, 297.0), "A0": (1189.0, 841.0)}
DEFAULT_PAGE = "A3"
#: The products, formats and page sizes offered, in the order the algorithm and the Export
#: tab list them (the algorithm's enum indexes follow this order).
PRODUCTS = ("coverage", "atlas", "boards", "patrols")
#: The products exported when none are named (the patrol map needs a period: asked for).
DEFAULT_PRODUCTS = ("coverage", "atlas", "boards")
FORMATS = ("pdf", "png", "svg")
PAGE_CHOICES = (DEFAULT_PAGE, "A4", "A0")
#: A notice board is 1.5 m x 1.0 m; its page keeps those proportions at this scale.
BOARD_SIZE_MM = (1500.0, 1000.0)
BOARD_SCALE = 0.3

LAYOUT_COVERAGE = "河长制一张图"
LAYOUT_ATLAS = "河长制分镇图集"
LAYOUT_BOARDS = "河长公示牌"
LAYOUT_PATROLS = "河长巡河情况图"
THEME_COVERAGE = "hezhang_coverage"
THEME_BOARDS = "hezhang_boards"
THEME_PATROLS = "hezhang_patrols"
STYLE_BY_TOWN = "hezhang_by_town"
STYLE_BOARD = "hezhang_board"
STYLE_PATROL = "hezhang_patrol"

#: Segment colours by town on the maps; red is kept for uncovered segments.
TOWN_LINE_COLOURS = ["#1f5fa8", "#2e8b57", "#8e44ad", "#d4810b", "#0f8b8d", "#8c564b", "#c2185b",
                     "#4b6cb7", "#6b8e23"]
UNCOVERED_COLOUR = "#e02020"
BOARD_BLUE = "#0b4ea2"
#: Segment colours of the patrol map by compliance status (core.patrol_compliance.STATUSES),
#: and "free" for a segment that owed no patrol in the period.
PATROL_STATUS_COLOURS = {"ok": "#1a9641", "short": "#f39c12", "none": "#d7191c", "free": "#a6a6a6"}
#: Patrol tracks on the patrol map: counted by the compliance, or not.
PATROL_TRACK_COLOURS = {"counted": "#0b2d8c", "not_counted": "#6a3d9a"}

_FONT_WARNED = False


def tr(text: str) -> str:
    return QCoreApplication.translate("Hezhang", text)


def cjk_font_available() -> bool:
    """True when one of the Chinese fonts of ``fonts.CJK_FONTS`` is installed."""
    return fonts.cjk_font() is not None


def check_cjk_font(feedback=None) -> bool:
    """True when a Chinese font is installed; else a clear warning (once per process)."""
    global _FONT_WARNED
    if cjk_font_available():
        return True
    msg = QCoreApplication.translate(
        "Hezhang", "No Chinese font is installed ({0}): Chinese text in the maps would print as "
        "empty boxes. Install one (Debian: apt install fonts-wqy-zenhei) and export again.").format(
        ", ".join(fonts.FAMILIES[:9]))
    if feedback is not None:
        feedback.reportError(msg, False)
    if not _FONT_WARNED:
        get_logger().warning(msg)
        _FONT_WARNED = True
    return False


def font(size: float, bold: bool = False) -> QFont:
    f = QFont(fonts.cjk_family())
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


def text_format(size: float, colour: str = "#202020", bold: bool = False) -> QgsTextFormat:
    fmt = QgsTextFormat()
    fmt.setFont(font(size, bold))
    fmt.setSize(size)
    fmt.setSizeUnit(QgsUnitTypes.RenderPoints)
    fmt.setColor(QColor(colour))
    return fmt


def mm(x: float, y: float) -> QgsLayoutPoint:
    return QgsLayoutPoint(x, y, QgsUnitTypes.LayoutMillimeters)


def size_mm(w: float, h: float) -> QgsLayoutSize:
    return QgsLayoutSize(w, h, QgsUnitTypes.LayoutMillimeters)


def place(item, x: float, y: float, w: float, h: float) -> None:
    item.attemptMove(mm(x, y))
    item.attemptResize(size_mm(w, h))


def add_label(layout, item_id: str, text: str, x: float, y: float, w: float, h: float, size: float,
              colour: str = "#202020", bold: bool = False, align=Qt.AlignmentFlag.AlignLeft,
              valign=Qt.AlignmentFlag.AlignVCenter) -> QgsLayoutItemLabel:
    label = QgsLayoutItemLabel(layout)
    label.setId(item_id)
    label.setText(text)
    compat.set_item_text_format(label, text_format(size, colour, bold))
    label.setHAlign(align)
    label.setVAlign(valign)
    label.setMargin(0.5)
    layout.addLayoutItem(label)
    place(label, x, y, w, h)
    return label


def add_rect(layout, item_id: str, x: float, y: float, w: float, h: float, fill: str,
             outline: str = "", outline_width: float = 0.0) -> QgsLayoutItemShape:
    from qgis.core import QgsFillSymbol

    shape = QgsLayoutItemShape(layout)
    shape.setShapeType(QgsLayoutItemShape.Shape.Rectangle)
    shape.setId(item_id)
    props = {"color": fill, "outline_style": "no" if not outline else "solid"}
    if outline:
        props.update({"outline_color": outline, "outline_width": str(outline_width),
                      "outline_width_unit": "MM"})
    shape.setSymbol(QgsFillSymbol.createSimple(props))
    layout.addLayoutItem(shape)
    place(shape, x, y, w, h)
    return shape


def north_arrow_svg() -> str:
    """QGIS's own north arrow SVG (first found on the SVG search paths)."""
    for base in QgsApplication.svgPaths():
        for name in ("arrows/NorthArrow_02.svg", "arrows/NorthArrow_01.svg"):
            path = os.path.join(base, name)
            if os.path.exists(path):
                return path
    return ""


def add_north_arrow(layout, map_item, x: float, y: float, w: float, h: float) -> QgsLayoutItemPicture:
    pic = QgsLayoutItemPicture(layout)
    pic.setId("north_arrow")
    pic.setPicturePath(north_arrow_svg())
    pic.setLinkedMap(map_item)
    pic.setNorthMode(QgsLayoutItemPicture.NorthMode.GridNorth)
    pic.setResizeMode(QgsLayoutItemPicture.ResizeMode.Zoom)
    pic.setSvgFillColor(QColor("#202020"))
    layout.addLayoutItem(pic)
    place(pic, x, y, w, h)
    return pic


def add_scale_bar(layout, map_item, x: float, y: float, size: float, width_mm: float) -> QgsLayoutItemScaleBar:
    bar = QgsLayoutItemScaleBar(layout)
    bar.setId("scale_bar")
    bar.setStyle("Single Box")
    bar.setLinkedMap(map_item)
    bar.setUnits(QgsUnitTypes.DistanceKilometers)
    bar.setUnitLabel("km")
    bar.setNumberOfSegmentsLeft(0)
    bar.setNumberOfSegments(4)
    bar.setHeight(size * 0.35)
    compat.set_item_text_format(bar, text_format(size, "#202020"))
    bar.setSegmentSizeMode(compat.scalebar_fit_width())
    bar.setMinimumBarWidth(width_mm * 0.6)
    bar.setMaximumBarWidth(width_mm)
    bar.setBackgroundEnabled(True)
    bar.setBackgroundColor(QColor(255, 255, 255, 210))
    layout.addLayoutItem(bar)
    bar.attemptMove(mm(x, y))
    bar.update()
    return bar


def map_frame(item, width: float = 0.3) -> None:
    item.setFrameEnabled(True)
    item.setFrameStrokeColor(QColor("#303030"))
    item.setFrameStrokeWidth(QgsLayoutMeasurement(width, QgsUnitTypes.LayoutMillimeters))


# ---------------------------------------------------------------- project helpers

def workspace_layers(project: QgsProject) -> dict[str, QgsVectorLayer]:
    """Workspace layers of a project by table name (admin_units, segments, ...)."""
    from hezhang_plugin.data.postgres.qgis_sources import table_of

    out = {}
    for lyr in project.mapLayers().values():
        src = lyr.source()
        if "|layername=" in src:
            out[src.split("|layername=")[1].split("|")[0]] = lyr
        elif lyr.providerType() == "postgres" and table_of(src):
            out[table_of(src)] = lyr  # a PostgreSQL workspace's table
    return out


def imagery_layers(project: QgsProject) -> list:
    from hezhang_plugin.core import schema

    group = project.layerTreeRoot().findGroup(schema.GROUP_IMAGERY)
    return [n.layer() for n in group.findLayers() if n.layer() is not None] if group else []


def gk_crs_for(lon: float) -> QgsCoordinateReferenceSystem:
    """The CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554) around ``lon``: maps print
    in a conformal projection, not stretched lon/lat."""
    from hezhang_plugin.core.crs import gk_zone_crs

    return QgsCoordinateReferenceSystem(gk_zone_crs(lon))


def add_named_style(layer: QgsVectorLayer, name: str, renderer, labeling=None) -> None:
    """Store ``renderer`` as the named style ``name`` of ``layer`` (replacing it), leaving
    the layer's current style as it is."""
    clone = layer.clone()
    clone.setRenderer(renderer)
    if labeling is not None:
        clone.setLabeling(labeling)
        clone.setLabelsEnabled(True)
    style = QgsMapLayerStyle()
    style.readFromLayer(clone)
    sm = layer.styleManager()
    if name in sm.styles():
        sm.removeStyle(name)
    sm.addStyle(name, style)
    del clone


def set_theme(project: QgsProject, name: str, layers: list, styles: Optional[dict] = None) -> None:
    """A map theme showing ``layers`` (top first), each with its named style or current one."""
    rec = QgsMapThemeCollection.MapThemeRecord()
    records = []
    styles = styles or {}
    for lyr in layers:
        r = QgsMapThemeCollection.MapThemeLayerRecord(lyr)
        r.usingCurrentStyle = True
        r.currentStyle = styles.get(lyr.id(), lyr.styleManager().currentStyle())
        records.append(r)
    rec.setLayerRecords(records)
    themes = project.mapThemeCollection()
    if themes.hasMapTheme(name):
        themes.update(name, rec)
    else:
        themes.insert(name, rec)
