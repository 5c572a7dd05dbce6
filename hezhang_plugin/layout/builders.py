"""The print layouts (the patrol map's in :mod:`patrolmap`), built from QGIS layout items in a workspace project.

Every per-page text of the town atlas and of the notice boards is a QGIS expression
evaluated on the atlas feature (labels, attribute tables from relations), so a layout a
district restyles in the layout designer still exports correctly, from QGIS alone too.
Only the coverage map's chief table is a manual table, refilled before each export.
"""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsCoordinateTransform,
    QgsExpression,
    QgsLayoutFrame,
    QgsLayoutItemAttributeTable,
    QgsLayoutItemLegend,
    QgsLayoutItemManualTable,
    QgsLayoutItemMap,
    QgsLayoutItemPage,
    QgsLayoutMultiFrame,
    QgsLayoutTable,
    QgsLayoutTableColumn,
    QgsLayoutTableStyle,
    QgsLineSymbol,
    QgsPalLayerSettings,
    QgsPrintLayout,
    QgsProject,
    QgsProperty,
    QgsRuleBasedRenderer,
    QgsSymbolLayer,
    QgsTableCell,
    QgsUnitTypes,
)
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QColor

from hezhang_plugin import compat
from hezhang_plugin.core import lengths, schema, validity
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout.content import MapContent, coverage_table_rows

BANK_OFFSET_EXPR = "CASE WHEN \"bank\" = 'left' THEN 0.9 WHEN \"bank\" = 'right' THEN -0.9 ELSE 0 END"
#: Current on the as-of date (the project variable hezhang_as_of, else today), by the one
#: validity rule (valid_from ≤ date ≤ valid_to, empty = open).
CURRENT_EXPR = validity.expression(validity.AS_OF_EXPR)
#: The as-of date as printed text.
AS_OF_TEXT = f"format_date({validity.AS_OF_EXPR}, 'yyyy-MM-dd')"

PROHIBITED_ACTS = (
    "河道管理范围内禁止下列行为：\n"
    "1. 围垦河道、非法侵占水域岸线；\n"
    "2. 非法采砂、取土、挖塘；\n"
    "3. 倾倒、堆放垃圾、渣土及其他固体废物；\n"
    "4. 违法违规建设建筑物、构筑物；\n"
    "5. 未经批准设置排污口、向河道排放污水；\n"
    "6. 电鱼、毒鱼、炸鱼及其他破坏水生态行为。"
)
DEFAULT_TARGET = "河畅、水清、岸绿、景美"
DEFAULT_HOTLINE = "12345"


def _case(field: str, vlist: schema.ValueList) -> str:
    whens = " ".join(f"WHEN \"{field}\" = '{ch.value}' THEN '{ch.zh}'" for ch in vlist.choices)
    return f"CASE {whens} ELSE \"{field}\" END"


def _rank(field: str, vlist: schema.ValueList) -> str:
    whens = " ".join(f"WHEN \"{field}\" = '{ch.value}' THEN {i}" for i, ch in enumerate(vlist.choices))
    return f"CASE {whens} ELSE 99 END"


def _uncovered_expr() -> str:
    # The same test as the workspace style and rule R1: a level of chiefs is missing, read
    # from the segment's joined lead terms (no other layer read while the map is drawn).
    from hezhang_plugin.data.project import chiefs_missing_expr

    return chiefs_missing_expr()


def _line(colour: str, width: float, dash: bool = False, casing: Optional[str] = None) -> QgsLineSymbol:
    props = {"line_color": colour, "line_width": str(width), "capstyle": "flat",
             "line_style": "dash" if dash else "solid"}
    sym = QgsLineSymbol.createSimple(props)
    if casing:
        under_symbol = QgsLineSymbol.createSimple({"line_color": casing, "line_width": str(width + 0.8),
                                                   "capstyle": "flat"})
        sym.insertSymbolLayer(0, under_symbol.symbolLayer(0).clone())
    for i in range(sym.symbolLayerCount()):
        sym.symbolLayer(i).setDataDefinedProperty(QgsSymbolLayer.Property.PropertyOffset,
                                                  QgsProperty.fromExpression(BANK_OFFSET_EXPR))
    return sym


def segments_by_town_renderer(content: MapContent) -> QgsRuleBasedRenderer:
    """Segments current on the as-of date coloured by responsible town, single-bank ones
    offset onto their bank, uncovered ones (a level of current chiefs missing) in red
    dashes; segments not current that day are not drawn."""
    root = QgsRuleBasedRenderer.Rule(None)
    uncovered = _uncovered_expr()
    groups = [(content.district_code[:6] + "000", content.district_name + "（区级）")] + [
        (code[:9], name) for code, name in content.towns]
    for i, (prefix, name) in enumerate(groups):
        colour = "#505050" if i == 0 else c.TOWN_LINE_COLOURS[(i - 1) % len(c.TOWN_LINE_COLOURS)]
        town = f"left(\"unit_code\", 9) = '{prefix}'"
        rule = QgsRuleBasedRenderer.Rule(_line(colour, 1.1), 0, 0, f"{town} AND {CURRENT_EXPR} AND NOT ({uncovered})",
                                         name)
        root.appendChild(rule)
    root.appendChild(QgsRuleBasedRenderer.Rule(_line(c.UNCOVERED_COLOUR, 1.1, dash=True, casing="white"),
                                               0, 0, uncovered, "未落实河长的河段"))
    return QgsRuleBasedRenderer(root)


def board_segments_renderer() -> QgsRuleBasedRenderer:
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(_line("#e8590c", 1.6, casing="white"), 0, 0,
                                               "$id = @atlas_featureid", "本河段"))
    root.appendChild(QgsRuleBasedRenderer.Rule(_line("#5b8fd6", 0.6), 0, 0,
                                               "$id <> @atlas_featureid", "其他河段"))
    return QgsRuleBasedRenderer(root)


def prepare_themes(project: QgsProject, content: MapContent, imagery: bool = False) -> None:
    """Named segment styles and the map themes the layouts follow."""
    lyr = c.workspace_layers(project)
    seg = lyr["segments"]
    c.add_named_style(seg, c.STYLE_BY_TOWN, segments_by_town_renderer(content))
    c.add_named_style(seg, c.STYLE_BOARD, board_segments_renderer())
    # Named styles keep the layer's labels; the maps label rivers and villages instead.
    for name in (c.STYLE_BY_TOWN, c.STYLE_BOARD):
        _disable_labels(seg, name)
    units = lyr["admin_units"]
    _add_centroid_label_style(units, c.STYLE_BOARD)
    shown = [lyr["notice_boards"], seg, lyr["rivers"], units]
    rasters = c.imagery_layers(project) if imagery else []
    c.set_theme(project, c.THEME_COVERAGE, shown + rasters, {seg.id(): c.STYLE_BY_TOWN})
    c.set_theme(project, c.THEME_BOARDS, shown, {seg.id(): c.STYLE_BOARD, units.id(): c.STYLE_BOARD})
    from hezhang_plugin.layout import patrolmap

    patrolmap.prepare_theme(project, lyr)


def _add_centroid_label_style(units, name: str) -> None:
    """Village labels only, one candidate each (over the centroid): a board's inset map
    prints the same labels in every run and every worker process."""
    labeling = units.labeling().clone() if units.labeling() is not None else None
    if labeling is not None and hasattr(labeling, "rootRule"):
        root = labeling.rootRule()
        for rule in list(root.children()):
            if "'village'" not in (rule.filterExpression() or ""):
                # Town names would compete with village names for the same spot, and which
                # one wins is not stable from run to run.
                rule.setActive(False)
                continue
            settings = QgsPalLayerSettings(rule.settings())
            settings.placement = compat.label_placement("OverPoint")
            rule.setSettings(settings)
    c.add_named_style(units, name, units.renderer().clone(), labeling)


def _disable_labels(layer, style_name: str) -> None:
    sm = layer.styleManager()
    current = sm.currentStyle()
    sm.setCurrentStyle(style_name)
    layer.setLabelsEnabled(False)
    sm.setCurrentStyle(current)


def _new_layout(project: QgsProject, name: str, width: float, height: float) -> QgsPrintLayout:
    layout = QgsPrintLayout(project)
    layout.initializeDefaults()
    layout.setName(name)
    page = layout.pageCollection().page(0)
    page.setPageSize(c.size_mm(width, height))
    layout.setUnits(QgsUnitTypes.LayoutMillimeters)
    return layout


def _add_map(layout, project, x, y, w, h, theme: str, crs, extent) -> QgsLayoutItemMap:
    m = QgsLayoutItemMap(layout)
    m.setId("map")
    m.setCrs(crs)
    # Size first, then extent, then into the layout: a map resized while its extent is
    # still null ends up with a NaN scale.
    m.attemptResize(c.size_mm(w, h))
    m.zoomToExtent(extent)
    layout.addLayoutItem(m)
    m.attemptMove(c.mm(x, y))
    m.setFollowVisibilityPreset(True)
    m.setFollowVisibilityPresetName(theme)
    m.setBackgroundColor(QColor("#ffffff"))
    c.map_frame(m, 0.4)
    return m


def _extent_in(layer, crs, project):
    ext = layer.extent()
    tr = QgsCoordinateTransform(layer.crs(), crs, project)
    out = tr.transformBoundingBox(ext)
    out.scale(1.06)
    return out


def _style_legend(legend, size: float) -> None:
    title, group, subgroup, symbol_label = compat.legend_styles()
    for style, s, bold in ((title, size * 1.35, True), (group, size * 1.1, True), (subgroup, size * 1.05, True),
                           (symbol_label, size, False)):
        compat.set_legend_text_format(legend, style, c.text_format(s, "#202020", bold))


def _add_legend(layout, map_item, project, layers, x, y, w, h, size) -> QgsLayoutItemLegend:
    legend = QgsLayoutItemLegend(layout)
    legend.setId("legend")
    legend.setTitle("图　例")
    legend.setLinkedMap(map_item)
    legend.setAutoUpdateModel(False)
    root = legend.model().rootGroup()
    root.removeAllChildren()
    for lyr in layers:
        root.addLayer(lyr)
    _style_legend(legend, size)
    legend.setSymbolWidth(8 * size / 8.0)
    legend.setSymbolHeight(4 * size / 8.0)
    legend.setBackgroundEnabled(True)
    legend.setFrameEnabled(True)
    legend.setFrameStrokeColor(QColor("#909090"))
    legend.setResizeToContents(False)
    layout.addLayoutItem(legend)
    c.place(legend, x, y, w, h)
    return legend


def _style_table(table, size: float, header_fill: str) -> None:
    table.setContentTextFormat(c.text_format(size, "#202020"))  # text formats: QGIS 3.16+
    table.setHeaderTextFormat(c.text_format(size, "#ffffff", True))
    table.setShowGrid(True)
    table.setGridColor(QColor("#8a8a8a"))
    table.setGridStrokeWidth(0.2)
    table.setCellMargin(size * 0.18)
    table.setHeaderHAlignment(QgsLayoutTable.HeaderHAlignment.FollowColumn)
    table.setWrapBehavior(QgsLayoutTable.WrapBehavior.WrapText)
    style = QgsLayoutTableStyle()
    style.enabled = True
    style.cellBackgroundColor = QColor(header_fill)
    table.setCellStyle(QgsLayoutTable.CellStyleGroup.HeaderRow, style)
    even = QgsLayoutTableStyle()
    even.enabled = True
    even.cellBackgroundColor = QColor("#eef3fa")
    table.setCellStyle(QgsLayoutTable.CellStyleGroup.EvenRows, even)


def _frame(layout, table, x, y, w, h) -> QgsLayoutFrame:
    frame = QgsLayoutFrame(layout, table)
    frame.setId(f"{table.__class__.__name__}_frame")
    c.place(frame, x, y, w, h)
    table.addFrame(frame)
    return frame


def _wrap_cjk(expr: str, width_mm: float, size_pt: float) -> str:
    """Break ``expr`` into lines that fit a cell: QGIS wraps table text at spaces only, and
    Chinese has none. A CJK glyph is about 1 em wide (1 pt = 0.3528 mm)."""
    per_line = max(int(width_mm / (size_pt * 0.3528)) - 1, 2)
    return f"regexp_replace({expr}, '(.{{{per_line}}})(?=.)', '\\\\1\\n')"


def _column(heading: str, expr: str, width: float, align=Qt.AlignmentFlag.AlignLeft) -> QgsLayoutTableColumn:
    col = QgsLayoutTableColumn(heading)
    col.setAttribute(expr)
    col.setWidth(width)
    col.setHAlignment(align)
    return col


# ---------------------------------------------------------------- coverage map

COVERAGE_HEADINGS = ("区划", "河长类型", "姓名", "职务", "联系电话", "河段数", "长度(km)")
COVERAGE_WIDTHS = (16, 14, 12, 22, 21, 9, 11)


def build_coverage(project: QgsProject, content: MapContent, page: str = c.DEFAULT_PAGE) -> QgsPrintLayout:
    """District coverage map (河长制一张图): landscape, A3 by default (A4 and A0 scale)."""
    W, H = c.PAGE_SIZES[page]
    s = W / 420.0
    name = c.LAYOUT_COVERAGE if page == c.DEFAULT_PAGE else f"{c.LAYOUT_COVERAGE} {page}"
    layout = _new_layout(project, name, W, H)
    lyr = c.workspace_layers(project)
    crs = c.gk_crs_for(content.centre_lon or 114.0)
    M = 10 * s
    right_w = 128 * s
    c.add_label(layout, "title", f"{content.district_name}河长制一张图", M, M - 2 * s, W - 2 * M, 14 * s,
                24 * s, "#0b2d5c", True, Qt.AlignmentFlag.AlignHCenter)
    c.add_label(layout, "subtitle", "", M, M + 12 * s, W - 2 * M, 7 * s, 10.5 * s, "#404040",
                align=Qt.AlignmentFlag.AlignHCenter)
    top = M + 22 * s
    map_w = W - 2 * M - right_w - 6 * s
    map_h = H - top - M
    m = _add_map(layout, project, M, top, map_w, map_h, c.THEME_COVERAGE, crs,
                 _extent_in(lyr["admin_units"], crs, project))
    c.add_north_arrow(layout, m, M + map_w - 17 * s, top + 4 * s, 12 * s, 17 * s)
    c.add_scale_bar(layout, m, M + 4 * s, top + map_h - 13 * s, 8 * s, 55 * s)
    rx = W - M - right_w
    _add_legend(layout, m, project, [lyr["segments"], lyr["rivers"], lyr["notice_boards"], lyr["admin_units"]],
                rx, top, right_w, 88 * s, 8 * s)
    c.add_label(layout, "table_title", "河长名录（按乡镇）", rx, top + 91 * s, right_w, 7 * s, 10 * s,
                "#0b2d5c", True)
    table = QgsLayoutItemManualTable.create(layout)
    layout.addMultiFrame(table)
    _style_table(table, 6.5 * s, "#0b4ea2")
    table.setIncludeTableHeader(True)
    table.setHeaders([QgsLayoutTableColumn(h) for h in COVERAGE_HEADINGS])
    table.setColumnWidths([w * s for w in COVERAGE_WIDTHS])
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    frame = _frame(layout, table, rx, top + 99 * s, right_w, map_h - 99 * s - 20 * s)
    frame.setId("chief_table")
    c.add_label(layout, "footer", "", rx, top + map_h - 18 * s, right_w, 18 * s, 6.5 * s, "#404040",
                valign=Qt.AlignmentFlag.AlignBottom)
    fill_coverage(layout, content)
    return layout


def _table_of(layout, cls):
    for mf in layout.multiFrames():
        if isinstance(mf, cls):
            return mf
    return None


def fill_coverage(layout: QgsPrintLayout, content: MapContent) -> None:
    """Refresh the coverage map's texts and chief table from the current data."""
    s = layout.pageCollection().page(0).pageSize().width() / 420.0
    sub = layout.itemById("subtitle")
    if sub is not None:
        km = f"{content.total_km:.2f}"
        sub.setText(f"河段 {content.segment_count} 段，总长 {km} 公里；未落实河长 {len(content.uncovered)} 段"
                    f"　·　截至 {content.on.isoformat()}")
    foot = layout.itemById("footer")
    if foot is not None:
        foot.setText(f"坐标系：CGCS2000 / 3° 高斯-克吕格投影（[% @map_crs %]）\n"
                     f"数据日期：{content.data_date}　制图日期：[% format_date(now(), 'yyyy-MM-dd') %]\n"
                     f"制图单位：{content.district_name}河长制办公室")
    table = _table_of(layout, QgsLayoutItemManualTable)
    if table is not None:
        frame = table.frame(0) if table.frameCount() else None
        height = frame.rect().height() if frame is not None else 100
        max_rows = max(3, int(height / (6.5 * s * 0.55 + 1.6 * s)) - 1)
        rows = coverage_table_rows(content, max_rows)
        cells = [[QgsTableCell(v) for v in row] for row in rows] or [[QgsTableCell("—")] * 7]
        table.setTableContents(cells)
    # The map's CRS expression in the footer needs the map scope.
    if foot is not None:
        m = layout.itemById("map")
        if m is not None:
            foot.setText(foot.text().replace("[% @map_crs %]", m.crs().authid()))


# ---------------------------------------------------------------- town atlas

def build_town_atlas(project: QgsProject, content: MapContent, page: str = c.DEFAULT_PAGE) -> QgsPrintLayout:
    W, H = c.PAGE_SIZES[page]
    s = W / 420.0
    name = c.LAYOUT_ATLAS if page == c.DEFAULT_PAGE else f"{c.LAYOUT_ATLAS} {page}"
    layout = _new_layout(project, name, W, H)
    lyr = c.workspace_layers(project)
    units, assign, segs, chiefs = lyr["admin_units"], lyr["assignments"], lyr["segments"], lyr["chiefs"]
    atlas = layout.atlas()
    atlas.setCoverageLayer(units)
    atlas.setEnabled(True)
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression("\"level\" = 'town'")
    atlas.setSortFeatures(True)
    atlas.setSortExpression("\"code\"")
    atlas.setPageNameExpression("\"name\"")
    atlas.setFilenameExpression("'town_' || \"code\"")
    crs = c.gk_crs_for(content.centre_lon or 114.0)
    M = 10 * s
    right_w = 150 * s
    c.add_label(layout, "title", f"{content.district_name} [% \"name\" %] 河长制责任分布图", M, M - 2 * s,
                W - 2 * M, 14 * s, 22 * s, "#0b2d5c", True, Qt.AlignmentFlag.AlignHCenter)
    # Single-bank km (core.lengths) of the town's current segments, as every other view counts.
    counted = lengths.counted_km_expression(segs.id(), segs.crs().authid() or segs.crs().toWkt(), CURRENT_EXPR)
    in_town = "left(\"unit_code\", 9) = left(attribute(@atlas_feature, 'code'), 9) AND " + CURRENT_EXPR
    count_expr = f"aggregate(layer:='{segs.id()}', aggregate:='count', expression:=\"fid\", filter:={in_town})"
    km_expr = (f"format_number(coalesce(aggregate(layer:='{segs.id()}', aggregate:='sum', expression:={counted}, "
               f"filter:={in_town}), 0), 2)")
    c.add_label(layout, "subtitle",
                f"[% \"code\" %]　·　河段 [% {count_expr} %] 段，长度 [% {km_expr} %] 公里　·　截至 [% {AS_OF_TEXT} %]",
                M, M + 12 * s, W - 2 * M, 7 * s, 10.5 * s, "#404040", align=Qt.AlignmentFlag.AlignHCenter)
    top = M + 22 * s
    map_w = W - 2 * M - right_w - 6 * s
    map_h = H - top - M
    m = _add_map(layout, project, M, top, map_w, map_h, c.THEME_COVERAGE, crs, _extent_in(units, crs, project))
    m.setAtlasDriven(True)
    m.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    m.setAtlasMargin(0.12)
    # The page's town stands out: its villages alone are drawn (clipped to the town); rivers,
    # segments and boards run on beyond it for orientation (segments on the town's edge lie
    # on the clip boundary and would be cut away).
    clip = m.atlasClippingSettings()
    clip.setEnabled(True)
    clip.setRestrictToLayers(True)
    clip.setLayersToClip([units])
    c.add_north_arrow(layout, m, M + map_w - 17 * s, top + 4 * s, 12 * s, 17 * s)
    c.add_scale_bar(layout, m, M + 4 * s, top + map_h - 13 * s, 8 * s, 55 * s)
    rx = W - M - right_w
    _add_legend(layout, m, project, [segs, lyr["rivers"], lyr["notice_boards"], units],
                rx, top, right_w, 80 * s, 8 * s)
    c.add_label(layout, "table_title", "本乡镇河长名录", rx, top + 84 * s, right_w, 7 * s, 10 * s,
                "#0b2d5c", True)
    table = QgsLayoutItemAttributeTable(layout)
    layout.addMultiFrame(table)
    table.setVectorLayer(chiefs)
    table.setFilterFeatures(True)
    current = CURRENT_EXPR
    table.setFeatureFilter(
        "\"active\" AND \"level\" <> 'district' AND left(\"unit_code\", 9) = "
        "left(attribute(@atlas_feature, 'code'), 9)")
    seg_names = (f"aggregate(layer:='{assign.id()}', aggregate:='concatenate', "
                 f"expression:=attribute(get_feature('{segs.id()}', 'seg_code', \"seg_code\"), 'name'), "
                 "filter:=\"chief_id\" = attribute(@parent, 'chief_id') "
                 f"AND {current}, concatenator:='、')")
    # The chief's segments (each once) in single-bank km, as the statistics count them.
    seg_km = (f"format_number(with_variable('hz_segs', aggregate(layer:='{assign.id()}', aggregate:='array_agg', "
              f"expression:=\"seg_code\", filter:=\"chief_id\" = attribute(@parent, 'chief_id') AND {current}), "
              f"coalesce(aggregate(layer:='{segs.id()}', aggregate:='sum', expression:={counted}, "
              f"filter:=array_contains(@hz_segs, \"seg_code\") AND {current}), 0)), 2)")
    unit_name = f"attribute(get_feature('{units.id()}', 'code', \"unit_code\"), 'name')"
    cols = [
        _column("区划", unit_name, 16 * s),
        _column("级别", _case("level", schema.LEVELS), 9 * s),
        _column("河长类型", _case("role", schema.ROLES), 12 * s),
        _column("姓名", "\"name\"", 10 * s),
        _column("职务", "\"position\"", 18 * s),
        _column("联系电话", "\"phone\"", 19 * s),
        _column("负责河段", seg_names, 30 * s),
        _column("长度(km)", seg_km, 10 * s, Qt.AlignmentFlag.AlignRight),
    ]
    table.setColumns(cols)
    sort = _column("", f"{_rank('level', schema.LEVELS)} * 100 + {_rank('role', schema.ROLES)}", 0)
    sort2 = _column("", "\"unit_code\"", 0)
    table.setSortColumns([sort2, sort]) if hasattr(table, "setSortColumns") else None
    _style_table(table, 6.5 * s, "#0b4ea2")
    table.setMaximumNumberOfFeatures(60)
    table.setEmptyTableBehavior(QgsLayoutTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage("本乡镇尚未录入河长")
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    _frame(layout, table, rx, top + 92 * s, right_w, map_h - 92 * s).setId("chief_table")
    return layout


# ---------------------------------------------------------------- notice boards

def build_boards(project: QgsProject, content: MapContent) -> QgsPrintLayout:
    """One notice board (公示牌) per current segment, in the board's 1.5 x 1.0 proportions."""
    W, H = (v * c.BOARD_SCALE for v in c.BOARD_SIZE_MM)
    s = W / 450.0
    layout = _new_layout(project, c.LAYOUT_BOARDS, W, H)
    lyr = c.workspace_layers(project)
    units, rivers, segs, chiefs = lyr["admin_units"], lyr["rivers"], lyr["segments"], lyr["chiefs"]
    boards = lyr["notice_boards"]
    atlas = layout.atlas()
    atlas.setCoverageLayer(segs)
    atlas.setEnabled(True)
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(CURRENT_EXPR)
    atlas.setSortFeatures(True)
    atlas.setSortExpression("\"seg_code\"")
    atlas.setPageNameExpression("\"seg_code\"")
    atlas.setFilenameExpression("'board_' || \"seg_code\"")
    river = f"attribute(get_feature('{rivers.id()}', 'river_code', \"river_code\"), 'name')"
    unit = (f"with_variable('u', get_feature('{units.id()}', 'code', \"unit_code\"), "
            f"CASE WHEN attribute(@u, 'level') = 'village' THEN attribute(get_feature('{units.id()}', 'code', "
            f"attribute(@u, 'parent_code')), 'name') || ' ' || attribute(@u, 'name') "
            f"ELSE attribute(@u, 'name') END)")
    on_board = "filter:=\"seg_code\" = attribute(@parent, 'seg_code')"
    hotline = (f"coalesce(aggregate(layer:='{boards.id()}', aggregate:='max', expression:=\"hotline\", "
               f"{on_board}), '{DEFAULT_HOTLINE}')")
    content_date = (f"coalesce(format_date(aggregate(layer:='{boards.id()}', aggregate:='max', "
                    f"expression:=\"content_date\", {on_board}), 'yyyy-MM-dd'), format_date(now(), 'yyyy-MM-dd'))")
    board_code = (f"coalesce(aggregate(layer:='{boards.id()}', aggregate:='concatenate', "
                  f"expression:=\"board_code\", {on_board}, concatenator:='、'), \"seg_code\")")
    # Header band.
    c.add_rect(layout, "header_band", 0, 0, W, 40 * s, c.BOARD_BLUE)
    c.add_label(layout, "title", "河 长 公 示 牌", 0, 3 * s, W, 34 * s, 50 * s, "#ffffff", True,
                Qt.AlignmentFlag.AlignHCenter)
    c.add_label(layout, "segment_title", f"[% {river} %]　[% \"name\" %]", 12 * s, 44 * s, W - 24 * s, 16 * s,
                28 * s, c.BOARD_BLUE, True, Qt.AlignmentFlag.AlignHCenter)
    c.add_rect(layout, "rule", 12 * s, 62 * s, W - 24 * s, 0.8 * s, c.BOARD_BLUE)
    lx, lw = 14 * s, 238 * s
    info = ("河流名称：[% {river} %]　　河段编码：[% \"seg_code\" %]\n"
            "起　　点：[% coalesce(\"start_name\", '—') %]\n"
            "终　　点：[% coalesce(\"end_name\", '—') %]\n"
            "河段长度：[% format_number(\"length_km\", 2) %] 公里　　岸　　别：[% {bank} %]\n"
            "责任区域：[% {unit} %]").format(river=river, bank=_case("bank", schema.BANKS), unit=unit)
    c.add_label(layout, "segment_info", info, lx, 67 * s, lw, 48 * s, 15 * s, "#202020",
                valign=Qt.AlignmentFlag.AlignTop)
    c.add_label(layout, "chiefs_title", "河长及职责", lx, 117 * s, lw, 10 * s, 17 * s, c.BOARD_BLUE, True)
    # A level of chiefs missing (rule R1) is said on the board, not left as a silent gap.
    from hezhang_plugin.data.project import level_missing_expr

    missing = ("trim(" + " || ".join(
        f"CASE WHEN {level_missing_expr(level)} THEN '{label}河长待落实　' ELSE '' END" for level, label in (
            ("district", "区级"), ("town", "镇级"), ("village", "村级"))) + ")")
    table_w = (15 + 22 + 20 + 44 + 34 + 70) * s  # the chief table's columns, below
    c.add_label(layout, "chiefs_missing", f"[% {missing} %]", lx, 117 * s, table_w, 10 * s, 13 * s,
                c.UNCOVERED_COLOUR, True, Qt.AlignmentFlag.AlignRight)
    table = QgsLayoutItemAttributeTable(layout)
    layout.addMultiFrame(table)
    table.setSource(QgsLayoutItemAttributeTable.ContentSource.RelationChildren)
    table.setRelationId("segment_assignments")
    table.setFilterFeatures(True)
    table.setFeatureFilter(CURRENT_EXPR)
    chief = f"attribute(get_feature('{chiefs.id()}', 'chief_id', \"chief_id\"), '{{f}}')"
    table.setColumns([
        _column("级别", _case("level", schema.LEVELS), 15 * s),
        _column("河长类型", _case("role", schema.ROLES), 22 * s),
        _column("姓名", chief.format(f="name"), 20 * s),
        _column("职务", _wrap_cjk(chief.format(f="position"), 44 * s, 12.5 * s), 44 * s),
        _column("联系电话", chief.format(f="phone"), 34 * s),
        _column("职责", _wrap_cjk("coalesce(\"duty\", '')", 70 * s, 12.5 * s), 70 * s),
    ])
    if hasattr(table, "setSortColumns"):
        table.setSortColumns([_column("", f"{_rank('level', schema.LEVELS)} * 100 + {_rank('role', schema.ROLES)}",
                                      0)])
    _style_table(table, 12.5 * s, c.BOARD_BLUE)
    table.setMaximumNumberOfFeatures(10)
    table.setEmptyTableBehavior(QgsLayoutTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage("本河段河长待落实，请拨打监督举报电话反映")
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    _frame(layout, table, lx, 129 * s, lw, 108 * s).setId("chief_table")
    c.add_label(layout, "target_title", "治理目标", lx, 238 * s, lw, 10 * s, 17 * s, c.BOARD_BLUE, True)
    c.add_label(layout, "target", f"[% coalesce(\"target\", '{DEFAULT_TARGET}') %]", lx, 249 * s, lw, 22 * s,
                15 * s, "#202020", valign=Qt.AlignmentFlag.AlignTop)
    # Right column: inset map, prohibited acts, hotline.
    rx, rw = 262 * s, W - 262 * s - 14 * s
    crs = c.gk_crs_for(content.centre_lon or 114.0)
    m = _add_map(layout, project, rx, 67 * s, rw, 118 * s, c.THEME_BOARDS, crs, _extent_in(units, crs, project))
    m.setAtlasDriven(True)
    m.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    m.setAtlasMargin(0.35)
    c.add_north_arrow(layout, m, rx + rw - 11 * s, 70 * s, 8 * s, 12 * s)
    c.add_scale_bar(layout, m, rx + 3 * s, 67 * s + 118 * s - 11 * s, 7 * s, 45 * s)
    c.add_label(layout, "map_caption", "河段示意图（橙色为本河段）", rx, 186 * s, rw, 7 * s, 9 * s, "#505050",
                align=Qt.AlignmentFlag.AlignHCenter)
    c.add_label(layout, "prohibited_title", "禁止行为", rx, 195 * s, rw, 9 * s, 16 * s, "#b22222", True)
    c.add_label(layout, "prohibited", PROHIBITED_ACTS, rx, 205 * s, rw, 46 * s, 11 * s, "#202020",
                valign=Qt.AlignmentFlag.AlignTop)
    c.add_rect(layout, "hotline_box", rx, 252 * s, rw, 18 * s, "#fff4f4", "#b22222", 0.6 * s)
    c.add_label(layout, "hotline", f"监督举报电话：[% {hotline} %]", rx, 252 * s, rw, 18 * s, 20 * s, "#b22222",
                True, Qt.AlignmentFlag.AlignHCenter)
    c.add_rect(layout, "footer_band", 0, H - 24 * s, W, 24 * s, "#e8eef8")
    c.add_label(layout, "footer",
                f"{content.district_name}河长制办公室　　公示牌编号：[% {board_code} %]　　"
                f"内容日期：[% {content_date} %]",
                14 * s, H - 22 * s, W - 28 * s, 20 * s, 12 * s, "#0b2d5c", align=Qt.AlignmentFlag.AlignHCenter)
    return layout


def build_patrol_map(project: QgsProject, content: MapContent, page: str = c.DEFAULT_PAGE) -> QgsPrintLayout:
    """The patrol map (:mod:`layout.patrolmap`): one page per town."""
    from hezhang_plugin.layout import patrolmap

    return patrolmap.build_patrol_map(project, content, page)


BUILDERS = {"coverage": build_coverage, "atlas": build_town_atlas, "boards": build_boards,
            "patrols": build_patrol_map}


def layout_name(product: str, page: str = c.DEFAULT_PAGE) -> str:
    base = {"coverage": c.LAYOUT_COVERAGE, "atlas": c.LAYOUT_ATLAS, "boards": c.LAYOUT_BOARDS,
            "patrols": c.LAYOUT_PATROLS}[product]
    return base if product == "boards" or page == c.DEFAULT_PAGE else f"{base} {page}"


def quoted(value) -> str:
    return QgsExpression.quotedValue(value)


__all__ = ["BUILDERS", "build_coverage", "build_town_atlas", "build_boards", "build_patrol_map", "fill_coverage",
           "prepare_themes", "layout_name", "QgsLayoutItemPage"]
