"""The patrol map (河长巡河情况图): one page per town, the patrol tracks of a period over the
segments coloured by patrol compliance.

The compliance is the one of ``hezhang:checkpatrols`` and the Patrols page
(:func:`services.patrols.check_patrols`, rows of :func:`core.patrol_compliance.compliance`),
summed per segment by :func:`services.patrols.segment_statuses`: 达标 when every chief met
every period owed on it, 未巡河 when no valid patrol counted for it, 次数不足 in between;
grey when it owed no patrol in the period.

The layout reads everything of the period from layout variables set for the export only
(:func:`patrol_variables`), as the as-of date is read: the period, the rule profile's name,
each segment's status (``,seg_code:status:valid:required,``…) and the patrols counted
(``,patrol_id,``…). So the layout stays a plain QGIS layout (restyle it in the designer),
and worker processes rendering part of the atlas get the same values through the plan.

Which segments and towns: a segment is drawn when it has a status in the period or is
current on the period's last day (:mod:`core.validity`'s rule); a town gets a page when it
holds a drawn segment (unit code prefix, as the town atlas counts a town's segments).
Tracks drawn: patrols dated in the period, and any other patrol the compliance counted
(a week straddling the range belongs to it by its middle day).
"""

from __future__ import annotations

from typing import Optional

from qgis.core import (
    QgsLayoutItemAttributeTable,
    QgsLayoutItemMap,
    QgsLayoutMultiFrame,
    QgsLayoutTable,
    QgsLineSymbol,
    QgsPrintLayout,
    QgsProject,
    QgsRuleBasedRenderer,
)
from qgis.PyQt.QtCore import Qt

from hezhang_plugin.core import patrol_compliance as pc
from hezhang_plugin.core import validity
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout.content import MapContent
from hezhang_plugin.layout.errors import ExportError, tr

START_VARIABLE = "hezhang_patrol_start"
END_VARIABLE = "hezhang_patrol_end"
PROFILE_VARIABLE = "hezhang_patrol_profile"
STATUS_VARIABLE = "hezhang_patrol_status"
COUNTED_VARIABLE = "hezhang_patrol_counted"
VARIABLES = (START_VARIABLE, END_VARIABLE, PROFILE_VARIABLE, STATUS_VARIABLE, COUNTED_VARIABLE)

#: Legend labels of the segment colours (statuses as core.messages words them) and tracks.
FREE_LABEL = "无巡河任务"
TRACK_LABELS = {"counted": "计入达标的巡河轨迹", "not_counted": "未计入达标的巡河轨迹"}

_STATUS = f"coalesce(@{STATUS_VARIABLE}, '')"
#: The period's last day (today when the variable is missing: a layout exported by hand).
END_DATE_EXPR = f"coalesce(to_date(@{END_VARIABLE}), to_date(now()))"
#: Segments current on the period's last day.
CURRENT_AT_END = validity.expression(END_DATE_EXPR)


def has_status_expr(status: Optional[str] = None, code: str = '"seg_code"') -> str:
    """True for a segment with an entry (of ``status``, or any) in the status variable."""
    tail = f"':{status}:'" if status else "':'"
    return f"strpos({_STATUS}, ',' || {code} || {tail}) > 0"


#: The segment's entry "status:valid:required" (NULL without one).
ENTRY_EXPR = (f"with_variable('hz_k', ',' || \"seg_code\" || ':', with_variable('hz_p', strpos({_STATUS}, @hz_k), "
              f"if(@hz_p > 0, regexp_substr(substr({_STATUS}, @hz_p + length(@hz_k)), '^([^,]*)'), NULL)))")
#: Drawn on the map and counted on its town's page.
DRAWN_EXPR = f"({has_status_expr()} OR {CURRENT_AT_END})"


def status_label(status: str) -> str:
    return pc.status_text(status, "zh") if status in pc.STATUSES else FREE_LABEL


def status_text_expr() -> str:
    """Chinese status of a segment (达标 / 次数不足 / 未巡河 / 无巡河任务)."""
    whens = " ".join(f"WHEN {has_status_expr(s)} THEN '{status_label(s)}'" for s in pc.STATUSES)
    return f"CASE {whens} ELSE '{FREE_LABEL}' END"


def status_rank_expr() -> str:
    whens = " ".join(f"WHEN {has_status_expr(s)} THEN {i}" for i, s in enumerate(("none", "short", "ok")))
    return f"CASE {whens} ELSE 3 END"


def counts_text_expr() -> str:
    """'valid/required' of a segment ('—' without patrols owed)."""
    return (f"with_variable('hz_e', {ENTRY_EXPR}, if(@hz_e IS NULL, '—', "
            f"regexp_substr(@hz_e, ':([0-9]+):') || '/' || regexp_substr(@hz_e, ':([0-9]+)$')))")


# ---------------------------------------------------------------- the period's values

def patrol_variables(workspace, start: str, end: str, profile: Optional[str] = None) -> dict:
    """Layout variables of the patrol map for ``start``..``end`` (ISO dates) under ``profile``
    (a key or name of the workspace's patrol_rules; empty: the default profile), from
    :func:`services.patrols.check_patrols`. Raises :class:`ExportError` with the reason in
    the UI language for an unknown profile or a bad period."""
    from hezhang_plugin.core.patrol_rules import RuleError
    from hezhang_plugin.i18n import user_text
    from hezhang_plugin.services import patrols as sp

    try:
        result = sp.check_patrols(workspace, start, end, profile)
    except RuleError as exc:
        raise ExportError(tr("Patrol map: {0}").format(user_text(exc))) from exc
    statuses = sp.segment_statuses(result)
    status = "".join(f",{code}:{s.status}:{s.valid}:{s.required}" for code, s in sorted(statuses.items()))
    counted = sorted({pid for r in result.rows for pid in r.valid_ids})
    name = result.profile.get("name") or result.profile_key
    return {START_VARIABLE: result.start, END_VARIABLE: result.end, PROFILE_VARIABLE: name,
            STATUS_VARIABLE: status + "," if status else ",",
            COUNTED_VARIABLE: "," + ",".join(counted) + "," if counted else ","}


def has_patrols(workspace) -> bool:
    """True when the workspace holds at least one patrol record (else every segment owing
    patrols shows as 未巡河, which the export says)."""
    from hezhang_plugin.data.backend import as_backend

    return bool(as_backend(workspace).read_attributes("patrols"))


# ---------------------------------------------------------------- styles and theme

def _segment_line(colour: str, width: float) -> QgsLineSymbol:
    from hezhang_plugin.layout.builders import _line

    return _line(colour, width, casing="white")


def segments_by_compliance_renderer() -> QgsRuleBasedRenderer:
    """Segments by status, worst last (drawn on top); segments owing nothing in grey."""
    root = QgsRuleBasedRenderer.Rule(None)
    colours = c.PATROL_STATUS_COLOURS
    root.appendChild(QgsRuleBasedRenderer.Rule(
        _segment_line(colours["free"], 1.2), 0, 0, f"NOT {has_status_expr()} AND {CURRENT_AT_END}", FREE_LABEL))
    for status in ("ok", "short", "none"):
        root.appendChild(QgsRuleBasedRenderer.Rule(_segment_line(colours[status], 2.2), 0, 0,
                                                   has_status_expr(status), status_label(status)))
    return QgsRuleBasedRenderer(root)


def tracks_renderer() -> QgsRuleBasedRenderer:
    """Tracks of the period, thin and slightly transparent so that the status colour of the
    segment under a week's overlapping tracks still shows: counted ones solid, the others
    dashed."""
    counted = f"strpos(coalesce(@{COUNTED_VARIABLE}, ''), ',' || \"patrol_id\" || ',') > 0"
    in_period = (f"to_date(\"patrol_date\") >= to_date(@{START_VARIABLE}) AND "
                 f"to_date(\"patrol_date\") <= to_date(@{END_VARIABLE})")
    root = QgsRuleBasedRenderer.Rule(None)
    for key, expr, style in (("counted", counted, "solid"),
                             ("not_counted", f"NOT ({counted}) AND {in_period}", "dash")):
        sym = QgsLineSymbol.createSimple({"line_color": c.PATROL_TRACK_COLOURS[key], "line_width": "0.2",
                                          "capstyle": "round", "joinstyle": "round", "line_style": style})
        sym.setOpacity(0.8)
        root.appendChild(QgsRuleBasedRenderer.Rule(sym, 0, 0, expr, TRACK_LABELS[key]))
    return QgsRuleBasedRenderer(root)


def prepare_theme(project: QgsProject, layers: dict) -> None:
    """The named styles and map theme of the patrol map (tracks over segments by status,
    rivers and units), when the workspace has a patrols layer."""
    tracks, seg = layers.get("patrols"), layers["segments"]
    if tracks is None:
        return
    c.add_named_style(seg, c.STYLE_PATROL, segments_by_compliance_renderer())
    c.add_named_style(tracks, c.STYLE_PATROL, tracks_renderer())
    from hezhang_plugin.layout.builders import _disable_labels

    for layer in (seg, tracks):
        _disable_labels(layer, c.STYLE_PATROL)
    c.set_theme(project, c.THEME_PATROLS, [tracks, seg, layers["rivers"], layers["admin_units"]],
                {seg.id(): c.STYLE_PATROL, tracks.id(): c.STYLE_PATROL})


# ---------------------------------------------------------------- the layout

def build_patrol_map(project: QgsProject, content: MapContent, page: str = c.DEFAULT_PAGE) -> QgsPrintLayout:
    """The patrol map atlas: landscape, A3 by default (A4 and A0 scale)."""
    from hezhang_plugin.layout import builders as b

    page_w, page_h = c.PAGE_SIZES[page]
    s = page_w / 420.0
    name = c.LAYOUT_PATROLS if page == c.DEFAULT_PAGE else f"{c.LAYOUT_PATROLS} {page}"
    lyr = c.workspace_layers(project)
    if "patrols" not in lyr:
        raise ExportError(tr("Patrol map: the workspace has no patrols layer; open it in QGIS once to update it"))
    units, segs, tracks = lyr["admin_units"], lyr["segments"], lyr["patrols"]
    layout = b._new_layout(project, name, page_w, page_h)
    in_town = "left(\"unit_code\", 9) = left(attribute(@parent, 'code'), 9)"
    atlas = layout.atlas()
    atlas.setCoverageLayer(units)
    atlas.setEnabled(True)
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(
        f"\"level\" = 'town' AND aggregate(layer:='{segs.id()}', aggregate:='count', expression:=\"seg_code\", "
        f"filter:={in_town} AND {DRAWN_EXPR}) > 0")
    atlas.setSortFeatures(True)
    atlas.setSortExpression("\"code\"")
    atlas.setPageNameExpression("\"name\"")
    atlas.setFilenameExpression("'patrols_' || \"code\"")
    crs = c.gk_crs_for(content.centre_lon or 114.0)
    margin = 10 * s
    right_w = 150 * s
    c.add_label(layout, "title", f"{content.district_name} [% \"name\" %] 河长巡河情况图", margin, margin - 2 * s,
                page_w - 2 * margin, 14 * s, 22 * s, "#0b2d5c", True, Qt.AlignmentFlag.AlignHCenter)
    c.add_label(layout, "subtitle",
                f"[% \"code\" %]　·　巡河时段 [% @{START_VARIABLE} %] 至 [% @{END_VARIABLE} %]"
                f"　·　考核规则：[% @{PROFILE_VARIABLE} %]",
                margin, margin + 12 * s, page_w - 2 * margin, 7 * s, 10.5 * s, "#404040",
                align=Qt.AlignmentFlag.AlignHCenter)
    top = margin + 22 * s
    map_w = page_w - 2 * margin - right_w - 6 * s
    map_h = page_h - top - margin
    m = b._add_map(layout, project, margin, top, map_w, map_h, c.THEME_PATROLS, crs, b._extent_in(units, crs, project))
    m.setAtlasDriven(True)
    m.setAtlasScalingMode(QgsLayoutItemMap.AtlasScalingMode.Auto)
    m.setAtlasMargin(0.12)
    clip = m.atlasClippingSettings()  # the page's villages alone, as on the town atlas
    clip.setEnabled(True)
    clip.setRestrictToLayers(True)
    clip.setLayersToClip([units])
    c.add_north_arrow(layout, m, margin + map_w - 17 * s, top + 4 * s, 12 * s, 17 * s)
    c.add_scale_bar(layout, m, margin + 4 * s, top + map_h - 13 * s, 8 * s, 55 * s)
    rx = page_w - margin - right_w
    legend = b._add_legend(layout, m, project, [tracks, segs, lyr["rivers"], units], rx, top, right_w, 72 * s, 8 * s)
    legend.setColumnCount(2)  # tracks and segments, then rivers and units: all of it in the box
    legend.setSplitLayer(False)
    legend.setEqualColumnWidth(True)
    # The town's segments by status, counted as the map draws them.
    town_segs = (f"left(\"unit_code\", 9) = left(attribute(@atlas_feature, 'code'), 9) AND {DRAWN_EXPR}")

    def count(cond: str) -> str:
        return (f"[% aggregate(layer:='{segs.id()}', aggregate:='count', expression:=\"seg_code\", "
                f"filter:={town_segs} AND {cond}) %]")

    free = f"NOT {has_status_expr()}"
    c.add_label(layout, "summary_title", "本乡镇河段巡河情况", rx, top + 75 * s, right_w, 7 * s, 10 * s,
                "#0b2d5c", True)
    c.add_label(layout, "summary",
                f"河段 {count('TRUE')} 段：{status_label('ok')} {count(has_status_expr('ok'))} 段，"
                f"{status_label('short')} {count(has_status_expr('short'))} 段，"
                f"{status_label('none')} {count(has_status_expr('none'))} 段，{FREE_LABEL} {count(free)} 段",
                rx, top + 82 * s, right_w, 8 * s, 8 * s, "#202020", valign=Qt.AlignmentFlag.AlignTop)
    table = QgsLayoutItemAttributeTable(layout)
    layout.addMultiFrame(table)
    table.setVectorLayer(segs)
    table.setFilterFeatures(True)
    table.setFeatureFilter(town_segs)
    table.setColumns([
        b._column("河段编码", "\"seg_code\"", 24 * s),
        b._column("河段名称", b._wrap_cjk("coalesce(\"name\", '')", 62 * s, 6.5 * s), 62 * s),
        b._column("有效/应巡(次)", counts_text_expr(), 26 * s, Qt.AlignmentFlag.AlignHCenter),
        b._column("状态", status_text_expr(), 22 * s, Qt.AlignmentFlag.AlignHCenter),
    ])
    if hasattr(table, "setSortColumns"):
        table.setSortColumns([b._column("", status_rank_expr(), 0), b._column("", "\"seg_code\"", 0)])
    b._style_table(table, 6.5 * s, "#0b4ea2")
    table.setMaximumNumberOfFeatures(80)
    table.setEmptyTableBehavior(QgsLayoutTable.EmptyTableMode.ShowMessage)
    table.setEmptyTableMessage("本乡镇无河段")
    table.setResizeMode(QgsLayoutMultiFrame.ResizeMode.UseExistingFrames)
    b._frame(layout, table, rx, top + 92 * s, right_w, map_h - 92 * s - 20 * s).setId("segment_table")
    c.add_label(layout, "footer",
                "河段颜色：时段内该河段各级河长应巡次数均达标为“达标”，部分达标为“次数不足”，"
                "无一次有效巡河为“未巡河”；轨迹为时段内的巡河记录。\n"
                f"坐标系：CGCS2000 / 3° 高斯-克吕格投影（{crs.authid()}）　"
                "制图日期：[% format_date(now(), 'yyyy-MM-dd') %]\n"
                f"制图单位：{content.district_name}河长制办公室",
                rx, top + map_h - 18 * s, right_w, 18 * s, 6.5 * s, "#404040", valign=Qt.AlignmentFlag.AlignBottom)
    return layout
