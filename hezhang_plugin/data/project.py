"""The QGIS project stored inside a workspace GeoPackage, generated from the schema.

Builds layers, the layer tree groups, styles and Chinese labels, attribute forms
(aliases, value maps, value relations, relation editors, constraints, defaults),
relations, snapping and topological editing, then writes the project into the file.
"""

from __future__ import annotations

import os
import re
import tempfile
from typing import Callable, Optional

from qgis.core import (
    QgsAttributeEditorContainer,
    QgsAttributeEditorField,
    QgsAttributeEditorRelation,
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsDefaultValue,
    QgsEditFormConfig,
    QgsEditorWidgetSetup,
    QgsExpressionContextUtils,
    QgsFieldConstraints,
    QgsFillSymbol,
    QgsLineSymbol,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsPathResolver,
    QgsProject,
    QgsRelation,
    QgsRelationContext,
    QgsRendererCategory,
    QgsRuleBasedLabeling,
    QgsRuleBasedRenderer,
    QgsSnappingConfig,
    QgsTextBufferSettings,
    QgsTextFormat,
    QgsUnitTypes,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
)
from qgis.PyQt.QtCore import QCoreApplication, QThread
from qgis.PyQt.QtGui import QColor, QFont

from hezhang_plugin import compat, fonts, runtime
from hezhang_plugin.core import codes, schema, uris
from hezhang_plugin.data import gpkg

PROJECT_NAME = "hezhang"
#: CGCS2000 ellipsoid in QGIS's ellipsoid list.
CGCS2000_ELLIPSOID = "EPSG:1024"

TOWN_COLOURS = ["#e6c39a", "#a9d18e", "#9dc3e6", "#f4b183", "#c9b3e6", "#ffe699", "#b4c7e7"]


def project_uri(gpkg_path: str) -> str:
    """Where the workspace's project is stored: inside the GeoPackage (escaped: see
    core.uris), or in the PostgreSQL workspace's system schema
    (``postgresql:?service=NAME&schema=hz_sys&project=hezhang``)."""
    from hezhang_plugin.data.postgres import connection

    if connection.is_postgres(gpkg_path):
        from hezhang_plugin.data.postgres import qgis_sources

        return qgis_sources.project_uri(gpkg_path)
    return uris.project_uri(gpkg_path, PROJECT_NAME)


def layer_source(gpkg_path: str, name: str) -> str:
    """QGIS source of a workspace layer: ``path|layername=name`` for a GeoPackage (through
    ``runtime.alias_path``: GDAL cannot open a GeoPackage read-only under a path with a
    ``%XX`` sequence), a service-only PostgreSQL source for a ``service=NAME`` workspace."""
    from hezhang_plugin.data.postgres import connection

    if connection.is_postgres(gpkg_path):
        from hezhang_plugin.data.postgres import qgis_sources

        return qgis_sources.layer_source(gpkg_path, name)
    return f"{runtime.alias_path(gpkg_path)}|layername={name}"


def layer_provider(workspace: str) -> str:
    from hezhang_plugin.data.postgres import connection

    return "postgres" if connection.is_postgres(workspace) else "ogr"


def layer_title(lyr: schema.Layer, lang: str) -> str:
    return lyr.zh if lang == "zh" else lyr.en


# ---------------------------------------------------------------- styles

def _text_format(size: float, colour: str, bold: bool = False, italic: bool = False,
                 buffer: float = 0.8) -> QgsTextFormat:
    fmt = QgsTextFormat()
    font = QFont(fonts.cjk_family())
    font.setBold(bold)
    font.setItalic(italic)
    fmt.setFont(font)
    fmt.setSize(size)
    fmt.setColor(QColor(colour))
    buf = QgsTextBufferSettings()
    buf.setEnabled(True)
    buf.setSize(buffer)
    buf.setColor(QColor("white"))
    fmt.setBuffer(buf)
    return fmt


def _label(field_expr: str, size: float, colour: str, *, line: bool = False, bold=False,
           italic=False, is_expression=False) -> QgsPalLayerSettings:
    s = QgsPalLayerSettings()
    s.fieldName = field_expr
    s.isExpression = is_expression
    s.setFormat(_text_format(size, colour, bold, italic))
    if line:
        s.placement = compat.label_placement("Curved")
    return s


def style_units(vl: QgsVectorLayer, lang: str = "zh") -> None:
    cats = []
    specs = {
        "district": {"color": "255,255,255,0", "outline_color": "#303030", "outline_width": "0.9",
                     "outline_style": "solid"},
        "town": {"color": "255,255,255,0", "outline_color": "#8c5a2b", "outline_width": "0.5",
                 "outline_style": "dash"},
        "village": {"color": "246,242,228,160", "outline_color": "#a8a8a8", "outline_width": "0.2",
                    "outline_style": "solid"},
    }
    for choice in schema.LEVELS.choices:
        sym = QgsFillSymbol.createSimple(specs[choice.value])
        cats.append(QgsRendererCategory(choice.value, sym, choice.zh if lang == "zh" else choice.en))
    # Villages first, so town and district outlines draw over them.
    cats.reverse()
    renderer = QgsCategorizedSymbolRenderer("level", cats)
    vl.setRenderer(renderer)
    root = QgsRuleBasedLabeling.Rule(None)
    for level, size, colour, bold in (("village", 7.5, "#5a5a5a", False), ("town", 10, "#6b3f12", True)):
        rule = QgsRuleBasedLabeling.Rule(_label("name", size, colour, bold=bold))
        rule.setFilterExpression(f"\"level\" = '{level}'")
        rule.setDescription(schema.LEVELS.label(level))
        root.appendChild(rule)
    vl.setLabeling(QgsRuleBasedLabeling(root))
    vl.setLabelsEnabled(True)


def style_rivers(vl: QgsVectorLayer) -> None:
    vl.renderer().setSymbol(QgsLineSymbol.createSimple(
        {"line_color": "#8ec5ee", "line_width": "1.2", "capstyle": "round"}))
    vl.setLabeling(QgsVectorLayerSimpleLabeling(_label("name", 9, "#1f5fa8", line=True, italic=True)))
    vl.setLabelsEnabled(True)


# ---------------------------------------------------------------- lead terms (rule R1 on the map)
#
# The segments style flags a segment lacking a level of chiefs (rule R1) on the as-of date.
# That needs the segment's appointments, but an expression in a style must not read another
# layer: QGIS evaluates styles in worker threads (map rendering, labelling, the snapping
# index), and aggregate()/get_feature() there hand the lookup to the main thread and wait.
# On QGIS 3.22 the first mouse move of a digitising tool made the main thread wait for the
# segments' snapping index while the index's thread waited for the main thread: QGIS froze
# for 30 s (QgsTask's wait timeout), then crashed. So the appointments reach the segments as
# a join: a derived layer (a QGIS virtual layer over the assignments and chiefs layers, their
# edit buffers included) gives each segment its lead terms, the join caches them in memory
# in the main thread, and the style judges R1 from the segment's own attributes.

#: Title of the derived lead-terms layer (kept out of the layer tree).
LEAD_TERMS_TITLE = {"zh": "河段河长任期（派生）", "en": "Segment lead terms (derived)"}
#: Custom property marking that layer.
LEAD_TERMS_PROPERTY = "hezhang/derived"
#: Prefix of the joined field, and the segments' field holding the terms.
LEAD_TERMS_PREFIX = "hz_"
SEGMENT_TERMS_FIELD = LEAD_TERMS_PREFIX + "lead_terms"
#: Expression functions that read another layer: a style holding one cannot be drawn safely.
LAYER_LOOKUPS = ("aggregate(", "get_feature(", "get_feature_by_id(", "relation_aggregate(")


def chiefs_missing_expr() -> str:
    """Rule R1 on the as-of date (project or layout variable ``hezhang_as_of``, else today)
    as QGIS expression text over a segment feature: true when a level of chiefs it needs is
    missing. Reads the joined lead terms only (see :func:`add_lead_terms`)."""
    from hezhang_plugin.core import assignments, validity

    return assignments.chiefs_missing_expression(f'"{SEGMENT_TERMS_FIELD}"', validity.AS_OF_EXPR)


def level_missing_expr(level: str) -> str:
    """Like :func:`chiefs_missing_expr` for one chief level (district, town, village)."""
    from hezhang_plugin.core import assignments, validity

    return assignments.level_missing_expression(level, f'"{SEGMENT_TERMS_FIELD}"', validity.AS_OF_EXPR)


def looks_up_layers(text: Optional[str]) -> bool:
    """True when expression (or style XML) text calls a function reading another layer."""
    text = (text or "").replace(" ", "").lower()
    return any(f in text for f in LAYER_LOOKUPS)


def _table_of(layer: QgsVectorLayer) -> Optional[str]:
    """The workspace table a layer reads (GeoPackage ``|layername=``, PostgreSQL ``table=``)."""
    source = layer.source()
    if "|layername=" in source:
        return source.split("|layername=", 1)[1].split("|", 1)[0]
    if layer.providerType() == "postgres":
        from qgis.core import QgsDataSourceUri

        return QgsDataSourceUri(source).table() or None
    return None


def drawn_style_parts(style_xml: str) -> str:
    """The parts of a layer style's XML (QgsMapLayerStyle) QGIS evaluates while drawing, in
    worker threads: renderer, labels and diagrams (forms and defaults run in the main
    thread)."""
    from qgis.PyQt.QtXml import QDomDocument

    doc = QDomDocument()
    if not doc.setContent(style_xml):
        return style_xml
    out = []
    for tag in ("renderer-v2", "labeling", "SingleCategoryDiagramRenderer", "LinearlyInterpolatedDiagramRenderer",
                "DiagramLayerSettings"):
        nodes = doc.elementsByTagName(tag)
        for i in range(nodes.count()):
            part = QDomDocument()
            part.appendChild(part.importNode(nodes.at(i), True))
            out.append(part.toString())
    return "\n".join(out)


def lead_terms_layer(project: QgsProject) -> Optional[QgsVectorLayer]:
    """The project's derived lead-terms layer, when it has one."""
    for lyr in project.mapLayers().values():
        if isinstance(lyr, QgsVectorLayer) and lyr.customProperty(LEAD_TERMS_PROPERTY) == "lead_terms":
            return lyr
    return None


def add_lead_terms(project: QgsProject, assignments: QgsVectorLayer, chiefs: QgsVectorLayer,
                   segments: QgsVectorLayer, lang: str = "zh") -> QgsVectorLayer:
    """Add the derived lead-terms layer and join it to ``segments`` (field
    :data:`SEGMENT_TERMS_FIELD`, cached in memory); returns the derived layer.

    The virtual layer reads the project's assignments and chiefs layers by id
    (:func:`hezhang_plugin.core.assignments.lead_terms_sql`). QGIS 3.22 resolves such
    references in ``QgsProject.instance()`` only: in a private project (while a workspace is
    built) it is stored as is and works once the project is read into QGIS's own. The
    join's memory cache is filled in the main thread whenever a feature source of the
    segments is made and the derived layer was modified (:func:`refresh_lead_terms`), so no
    worker thread ever touches the other layers.
    """
    from qgis.core import QgsMapLayer, QgsVectorLayerJoinInfo, QgsVirtualLayerDefinition, QgsWkbTypes

    from hezhang_plugin.core.assignments import lead_terms_sql

    definition = QgsVirtualLayerDefinition()
    definition.addSource("assignments", assignments.id())
    definition.addSource("chiefs", chiefs.id())
    definition.setQuery(lead_terms_sql())
    definition.setGeometryWkbType(QgsWkbTypes.NoGeometry)
    terms = QgsVectorLayer(definition.toString(), LEAD_TERMS_TITLE.get(lang, LEAD_TERMS_TITLE["en"]), "virtual")
    terms.setCustomProperty(LEAD_TERMS_PROPERTY, "lead_terms")
    terms.setFlags(QgsMapLayer.LayerFlags(QgsMapLayer.Private))
    project.addMapLayer(terms, False)
    join = QgsVectorLayerJoinInfo()
    join.setJoinLayer(terms)
    join.setJoinFieldName("seg_code")
    join.setTargetFieldName("seg_code")
    join.setJoinFieldNamesSubset(["lead_terms"])
    join.setPrefix(LEAD_TERMS_PREFIX)
    join.setUsingMemoryCache(True)
    join.setEditable(False)
    segments.addJoin(join)
    return terms


def refresh_lead_terms(project: QgsProject) -> None:
    """The assignments or chiefs changed (an edit, undo, save, rollback or batch write): the
    segments' joined lead terms are re-read before the map is drawn again. (The derived
    layer itself is not told by QGIS; its ``layerModified`` marks the join cache stale, which
    QGIS refills in the main thread when it next draws or reads the segments.)"""
    terms = lead_terms_layer(project)
    if terms is None:
        return
    terms.layerModified.emit()
    for lyr in project.mapLayers().values():
        if isinstance(lyr, QgsVectorLayer) and any(j.joinLayerId() == terms.id() for j in lyr.vectorJoins()):
            lyr.triggerRepaint()


def ensure_lead_terms(project: QgsProject, lang: Optional[str] = None) -> bool:
    """Bring a workspace project made before the lead terms up to date: the derived layer
    and its join added, and a segments style that reads other layers (the aggregate()-based
    one, which could freeze QGIS 3.22) replaced, as are named segment styles doing so (the
    export rebuilds its own). Returns True when the project was changed."""
    layers = {}
    for lyr in project.mapLayers().values():
        name = _table_of(lyr) if isinstance(lyr, QgsVectorLayer) else None
        if name:
            layers.setdefault(name, lyr)
    segments = layers.get("segments")
    if segments is None or "assignments" not in layers or "chiefs" not in layers:
        return False
    if lang is None:
        lang = "zh" if segments.name() == schema.layer("segments").zh else "en"
    changed = False
    terms = lead_terms_layer(project)
    if terms is None or not any(j.joinLayerId() == terms.id() for j in segments.vectorJoins()):
        if terms is None:
            terms = add_lead_terms(project, layers["assignments"], layers["chiefs"], segments, lang)
        else:
            project.removeMapLayer(terms)
            terms = add_lead_terms(project, layers["assignments"], layers["chiefs"], segments, lang)
        changed = True
    renderer = segments.renderer()
    if renderer is not None and renderer.type() == "RuleRenderer" and any(
            looks_up_layers(rule.filterExpression()) for rule in renderer.rootRule().descendants()):
        style_segments(segments, lang)
        changed = True
    manager = segments.styleManager()
    for name in list(manager.styles()):
        if name != manager.currentStyle() and looks_up_layers(drawn_style_parts(manager.style(name).xmlData())):
            manager.removeStyle(name)
            changed = True
    return changed


def current_segment_expr() -> str:
    """QGIS expression text: the segment is current on the as-of date (core.validity)."""
    from hezhang_plugin.core import validity

    return validity.expression(validity.AS_OF_EXPR)


def style_segments(vl: QgsVectorLayer, lang: str = "zh", coverage: bool = True) -> None:
    """Segments by bank. With ``coverage`` the style shows the as-of date: segments missing
    a level of chiefs that day (rule R1, :func:`chiefs_missing_expr`) in red dashes, and
    segments not current that day (retired, or not yet valid) thin and grey."""
    root = QgsRuleBasedRenderer.Rule(None)
    missing = chiefs_missing_expr()
    current = current_segment_expr()
    if coverage:
        root.appendChild(QgsRuleBasedRenderer.Rule(
            QgsLineSymbol.createSimple({"line_color": "#a0a0a0", "line_width": "0.4", "line_style": "dot"}),
            0, 0, f"NOT {current}", "非当期河段" if lang == "zh" else "Not current on the as-of date"))
        root.appendChild(QgsRuleBasedRenderer.Rule(
            QgsLineSymbol.createSimple({"line_color": "#e02020", "line_width": "1.0",
                                        "line_style": "dash"}),
            0, 0, missing, "河长未落实" if lang == "zh" else "Chiefs missing"))
    colours = {"both": "#1f4e9c", "left": "#117a65", "right": "#7d3c98"}
    # Single-bank segments are drawn offset towards their own bank: QGIS offsets positive
    # values to the left of the line direction (lines run downstream).
    offsets = {"both": "0", "left": "0.9", "right": "-0.9"}
    for choice in schema.BANKS.choices:
        sym = QgsLineSymbol.createSimple({"line_color": colours[choice.value], "line_width": "0.8",
                                          "offset": offsets[choice.value], "capstyle": "flat"})
        # (Rule.setIsElse(False) would replace the filter by "ELSE" in QGIS 3.22: not called.)
        filt = f"\"bank\" = '{choice.value}'"
        if coverage:
            # The bank rules draw the current segments the chiefs-missing rule did not.
            filt = f"({filt}) AND {current} AND NOT {missing}"
        root.appendChild(QgsRuleBasedRenderer.Rule(sym, 0, 0, filt, choice.zh if lang == "zh" else choice.en))
    vl.setRenderer(QgsRuleBasedRenderer(root))
    vl.setLabeling(QgsVectorLayerSimpleLabeling(_label("name", 8, "#0d3a73", line=True)))
    vl.setLabelsEnabled(True)


def style_boards(vl: QgsVectorLayer) -> None:
    vl.renderer().setSymbol(QgsMarkerSymbol.createSimple(
        {"name": "square", "color": "#f5a623", "outline_color": "#6b4500", "size": "2.6"}))


#: Patrol track colours by validity: counted, not counted, not yet checked.
PATROL_COLOURS = {"valid": "#1b9e4b", "invalid": "#e67e22", "unchecked": "#8c8c8c"}


def style_patrols(vl: QgsVectorLayer, lang: str = "zh") -> None:
    """Patrol tracks by validity: green where the patrol counts under the default rule
    profile, orange dashed where it does not, grey before it was checked."""
    specs = (
        ("valid", '"valid" = 1', {"line_style": "solid"}, "有效巡河", "Valid patrol"),
        ("invalid", '"valid" = 0', {"line_style": "dash"}, "无效巡河", "Patrol not counted"),
        ("unchecked", '"valid" IS NULL', {"line_style": "dot"}, "未核验", "Not checked"),
    )
    root = QgsRuleBasedRenderer.Rule(None)
    for key, expr, extra, zh, en in specs:
        sym = QgsLineSymbol.createSimple({"line_color": PATROL_COLOURS[key], "line_width": "0.6",
                                          "capstyle": "round", "joinstyle": "round", **extra})
        root.appendChild(QgsRuleBasedRenderer.Rule(sym, 0, 0, expr, zh if lang == "zh" else en))
    vl.setRenderer(QgsRuleBasedRenderer(root))
def problems_overdue_expr() -> str:
    """QGIS expression: the problem is overdue today (core.problems' day rule on the
    stored status: deadline passed, status not settled)."""
    from hezhang_plugin.core.problems import SETTLED

    settled = ", ".join(f"'{s}'" for s in SETTLED)
    return f"\"deadline\" IS NOT NULL AND \"deadline\" < to_date(now()) AND \"status\" NOT IN ({settled})"


def style_problems(vl: QgsVectorLayer, lang: str = "zh") -> None:
    """Problems: red when overdue, orange while open, grey once settled."""
    from hezhang_plugin.core.problems import SETTLED

    settled = ", ".join(f"'{s}'" for s in SETTLED)
    root = QgsRuleBasedRenderer.Rule(None)
    specs = (
        (problems_overdue_expr(), "#d7191c", "4.2", "逾期" if lang == "zh" else "Overdue"),
        (f"\"status\" NOT IN ({settled}) AND NOT ({problems_overdue_expr()})", "#f28e2b", "3.4",
         "办理中" if lang == "zh" else "Open"),
        (f"\"status\" IN ({settled})", "#8c8c8c", "2.8", "已办结" if lang == "zh" else "Settled"),
    )
    for expr, colour, size, label in specs:
        sym = QgsMarkerSymbol.createSimple({"name": "circle", "color": colour, "outline_color": "#ffffff",
                                            "outline_width": "0.4", "size": size})
        rule = QgsRuleBasedRenderer.Rule(sym, 0, 0, expr, label)
        root.appendChild(rule)
    vl.setRenderer(QgsRuleBasedRenderer(root))


#: Layers of round 2 that get their relations, forms, styles and titles from finish_layers.
ROUND2_DISPLAY = {
    "problems": '"problem_code" || \' \' || "title"',
    "problem_events": '"problem_code" || \' \' || "to_status"',
    "problem_transitions": '"from_status" || \' → \' || "to_status"',
    "problem_rules": '"category"',
    "assessment_items": '"sheet_code" || \' \' || "item_code" || \' \' || "name"',
    "assessment_results": '"sheet_code" || \' \' || "period" || \' \' || "subject_code" || \' \' || "item_code"',
    "patrols": '"chief_id" || \' \' || format_date("start_time", \'yyyy-MM-dd HH:mm\')',
    "patrol_segments": '"patrol_id" || \' \' || "seg_code"',
    "patrol_rules": '"name" || \' \' || "level"',
}


def finish_layers(project: QgsProject, layers: dict, lang: str, names) -> None:
    """Relations, relation forms, styles and display expressions of the layers ``names``
    (added at creation or by a migration), for the round-2 problem, assessment and patrol layers."""
    names = set(names)
    manager = project.relationManager()
    for r in schema.RELATIONS:
        if (r.child in names or r.parent in names) and r.child in layers and r.parent in layers \
                and not manager.relation(r.id).isValid():
            rel = QgsRelation(QgsRelationContext(project))
            rel.setId(r.id)
            rel.setName(r.zh if lang == "zh" else r.en)
            rel.setReferencingLayer(layers[r.child].id())
            rel.setReferencedLayer(layers[r.parent].id())
            rel.addFieldPair(r.child_field, r.parent_field)
            if rel.isValid():
                manager.addRelation(rel)
    if "problems" in names and "problems" in layers:
        style_problems(layers["problems"], lang)
        rel = manager.relation("problem_history")
        if rel.isValid():
            _relation_form(layers["problems"], schema.layer("problems"), [rel], lang)
    if "assessment_sheets" in names and "assessment_sheets" in layers:
        rel = manager.relation("sheet_items")
        if rel.isValid():
            _relation_form(layers["assessment_sheets"], schema.layer("assessment_sheets"), [rel], lang)
    if "patrols" in names and "patrols" in layers:
        style_patrols(layers["patrols"], lang)
        rel = manager.relation("patrol_segment_rows")
        if rel.isValid():
            _relation_form(layers["patrols"], schema.layer("patrols"), [rel], lang)
    for name, expr in ROUND2_DISPLAY.items():
        if name in names and name in layers:
            layers[name].setDisplayExpression(expr)


# ---------------------------------------------------------------- forms

def _value_map(vlist: schema.ValueList, lang: str, allow_null: bool) -> QgsEditorWidgetSetup:
    entries = [{(c.zh if lang == "zh" else c.en): c.value} for c in vlist.choices]
    if allow_null:
        entries.insert(0, {"<NULL>": "{2839923C-8B7D-419E-B84B-CA2FE9B80EC7}"})
    return QgsEditorWidgetSetup("ValueMap", {"map": entries})


def configure_fields(vl: QgsVectorLayer, lyr: schema.Layer, layers: dict, lang: str,
                     only: Optional[set] = None) -> None:
    """Aliases, widgets, defaults and constraints of one layer from the schema."""
    vl_fields = vl.fields()
    fid = vl_fields.indexFromName("fid")
    if fid >= 0 and only is None:
        vl.setEditorWidgetSetup(fid, QgsEditorWidgetSetup("Hidden", {}))
    for f in lyr.fields:
        if only is not None and f.name not in only:
            continue
        idx = vl_fields.indexFromName(f.name)
        if idx < 0:
            continue
        vl.setFieldAlias(idx, f.zh if lang == "zh" else f.en)
        if f.value_list:
            vl.setEditorWidgetSetup(idx, _value_map(f.value_list, lang, not f.not_null))
        elif f.ref and f.ref.layer in layers and f.ref.layer != lyr.name:
            target = layers[f.ref.layer]
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueRelation", {
                "Layer": target.id(), "LayerName": target.name(), "LayerSource": target.source(),
                "LayerProviderName": target.providerType(), "Key": f.ref.key, "Value": f.ref.display,
                "AllowNull": not f.not_null, "OrderByValue": True, "UseCompleter": True,
                "AllowMulti": False, "FilterExpression": "",
            }))
        elif f.ref and f.ref.layer == lyr.name:
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("ValueRelation", {
                "Layer": vl.id(), "LayerName": vl.name(), "Key": f.ref.key, "Value": f.ref.display,
                "AllowNull": True, "OrderByValue": True, "UseCompleter": True, "AllowMulti": False,
                "FilterExpression": "",
            }))
        elif f.widget == "attachment":
            vl.setEditorWidgetSetup(idx, attachment_widget())
        elif f.type == "date":
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("DateTime", {
                "field_format": "yyyy-MM-dd", "display_format": "yyyy-MM-dd",
                "calendar_popup": True, "allow_null": not f.not_null}))
        elif f.type == "datetime":
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("DateTime", {
                "field_format": "yyyy-MM-ddTHH:mm:ss", "display_format": "yyyy-MM-dd HH:mm:ss",
                "calendar_popup": True, "allow_null": not f.not_null}))
        elif f.type == "boolean":
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("CheckBox", {}))
        if f.name in schema.TRACKING_NAMES[:2]:
            # uid and the row version are bookkeeping (the version holds a negative claim
            # while a feature is edited); who and when stay visible, read-only.
            vl.setEditorWidgetSetup(idx, QgsEditorWidgetSetup("Hidden", {}))
        if f.default:
            apply_on_update = f.on_update or f.name == "length_km"
            vl.setDefaultValueDefinition(idx, QgsDefaultValue(f.default, apply_on_update))
        if f.not_null:
            vl.setFieldConstraint(idx, QgsFieldConstraints.Constraint.ConstraintNotNull,
                                  QgsFieldConstraints.ConstraintStrength.ConstraintStrengthHard)
        if f.unique:
            vl.setFieldConstraint(idx, QgsFieldConstraints.Constraint.ConstraintUnique,
                                  QgsFieldConstraints.ConstraintStrength.ConstraintStrengthHard)
        if f.check:
            expr = codes.FORMAT_EXPRESSIONS[f.check].format(f=f.name)
            if not f.not_null and f.check != "phone":
                expr = f"\"{f.name}\" IS NULL OR ({expr})"
            vl.setConstraintExpression(idx, expr, constraint_message(f.check, lang))
            vl.setFieldConstraint(idx, QgsFieldConstraints.Constraint.ConstraintExpression,
                                  QgsFieldConstraints.ConstraintStrength.ConstraintStrengthHard)
    if lyr.name == "admin_units" and (only is None):
        idx = vl_fields.indexFromName("code")
        expr = ("CASE WHEN \"level\" = 'district' THEN right(\"code\", 6) = '000000' "
                "WHEN \"level\" = 'town' THEN right(\"code\", 3) = '000' AND right(\"code\", 6) <> '000000' "
                "AND left(\"code\", 6) = left(\"parent_code\", 6) "
                "ELSE right(\"code\", 3) <> '000' AND left(\"code\", 9) = left(\"parent_code\", 9) END "
                "AND regexp_match(\"code\", '^[0-9]{12}$')")
        vl.setConstraintExpression(idx, expr, constraint_message("unit_hierarchy", lang))
    readonly = [n for n in schema.TRACKING_NAMES[2:] if only is None or n in only]
    if lyr.name in ("segments", "rivers") and only is None:
        readonly.append("length_km")
    if readonly:
        vl.setEditFormConfig(_readonly(vl, readonly))


def attachment_widget() -> QgsEditorWidgetSetup:
    """A photo kept as a file path relative to the workspace's folder (the project home of
    a project stored in a GeoPackage), picked with a file button and shown as an image."""
    return QgsEditorWidgetSetup("ExternalResource", {
        "FileWidget": True, "FileWidgetButton": True, "UseLink": True, "FullUrl": True,
        "DocumentViewer": 1,  # image
        "DocumentViewerHeight": 0, "DocumentViewerWidth": 0,
        "RelativeStorage": 1,  # relative to the project (the workspace's folder)
        "StorageMode": 0,  # a file
        "FileWidgetFilter": "Images (*.jpg *.jpeg *.png *.tif *.tiff);;All files (*)",
    })


def _readonly(vl: QgsVectorLayer, names: list[str]) -> QgsEditFormConfig:
    cfg = vl.editFormConfig()
    for n in names:
        idx = vl.fields().indexFromName(n)
        if idx >= 0:
            cfg.setReadOnly(idx, True)
    return cfg


_MESSAGES = {
    "unit_code": ("12-digit statistical division code", "须为12位统计用区划代码"),
    "seg_code": ("12 digits: county code + 6-digit sequence", "须为12位：区县代码+6位顺序号"),
    "phone": ("mobile 1[3-9]xxxxxxxxx or landline 0xxx-xxxxxxxx", "手机号(1[3-9]开头11位)或带区号的固定电话"),
    "name": ("must not be empty", "不能为空"),
    "unit_hierarchy": ("the code must match the level and start with the parent's prefix",
                       "代码须与级别一致，并以上级区划代码前缀开头"),
}


def constraint_message(rule: str, lang: str) -> str:
    en, zh = _MESSAGES[rule]
    return zh if lang == "zh" else en


def _relation_form(vl: QgsVectorLayer, lyr: schema.Layer, relations: list[QgsRelation], lang: str) -> None:
    cfg = vl.editFormConfig()
    cfg.setLayout(QgsEditFormConfig.TabLayout)
    cfg.clearTabs()
    main = QgsAttributeEditorContainer(lyr.zh if lang == "zh" else lyr.en, None)
    compat.set_container_tab(main)
    for f in lyr.fields:
        idx = vl.fields().indexFromName(f.name)
        if idx >= 0:
            main.addChildElement(QgsAttributeEditorField(f.name, idx, main))
    cfg.addTab(main)
    for rel in relations:
        tab = QgsAttributeEditorContainer(rel.name(), None)
        compat.set_container_tab(tab)
        tab.addChildElement(QgsAttributeEditorRelation(rel, tab))
        cfg.addTab(tab)
    vl.setEditFormConfig(cfg)


# ---------------------------------------------------------------- project

#: Draw order (top first) of the round-1 layers; layers declared later follow in schema order.
_FIRST_LAYERS = ("notice_boards", "segments", "rivers", "admin_units", "chiefs", "assignments")


def project_layer_order(version: int = schema.SCHEMA_VERSION) -> list[str]:
    """Names of the layers a workspace project shows, top to bottom within their groups."""
    later = [lyr.name for lyr in schema.data_layers() if lyr.name not in _FIRST_LAYERS]
    return [n for n in (*_FIRST_LAYERS, *later) if schema.layer(n).since <= version]


def add_workspace_layer(project: QgsProject, gpkg_path: str, lyr: schema.Layer, lang: str,
                        groups: Optional[dict] = None) -> QgsVectorLayer:
    """Add one workspace table as a layer at the bottom of its layer tree group."""
    vl = QgsVectorLayer(layer_source(gpkg_path, lyr.name), layer_title(lyr, lang), layer_provider(gpkg_path))
    if not vl.isValid():
        raise RuntimeError(f"layer {lyr.name} of {gpkg_path} is not valid")
    project.addMapLayer(vl, False)
    root = project.layerTreeRoot()
    group = (groups or {}).get(lyr.group) or root.findGroup(lyr.group) or _insert_group(root, lyr.group)
    group.addLayer(vl)
    return vl


def _insert_group(root, name: str):
    """A new top-level group placed where schema.GROUPS puts it among the groups there."""
    rank = schema.GROUPS.index(name) if name in schema.GROUPS else len(schema.GROUPS)
    for i, child in enumerate(root.children()):
        other = child.name() if hasattr(child, "addLayer") else None
        if other in schema.GROUPS and schema.GROUPS.index(other) > rank:
            return root.insertGroup(i, name)
    return root.addGroup(name)


def build_project(gpkg_path: str, district_code: str, district_name: str, crs: str,
                  lang: str = "zh", version: int = schema.SCHEMA_VERSION) -> QgsProject:
    project = QgsProject()
    project.setCrs(QgsCoordinateReferenceSystem(crs))
    project.setEllipsoid(CGCS2000_ELLIPSOID)
    project.setDistanceUnits(QgsUnitTypes.DistanceKilometers)
    project.setTitle(f"{district_name} 河长制" if lang == "zh" else f"{district_name} river chiefs")
    QgsExpressionContextUtils.setProjectVariable(project, "hz_district_code", district_code)
    QgsExpressionContextUtils.setProjectVariable(project, "hz_district_name", district_name)
    project.writeEntry("hezhang", "district_code", district_code)
    project.writeEntry("hezhang", "schema_version", version)

    root = project.layerTreeRoot()
    groups = {g: root.addGroup(g) for g in schema.GROUPS}
    layers: dict[str, QgsVectorLayer] = {}
    for name in project_layer_order(version):
        layers[name] = add_workspace_layer(project, gpkg_path, schema.layer(name), lang, groups)

    rel_objs: dict[str, QgsRelation] = {}
    for r in schema.RELATIONS:
        if r.child not in layers or r.parent not in layers:  # an older schema version
            continue
        rel = QgsRelation(QgsRelationContext(project))
        rel.setId(r.id)
        rel.setName(r.zh if lang == "zh" else r.en)
        rel.setReferencingLayer(layers[r.child].id())
        rel.setReferencedLayer(layers[r.parent].id())
        rel.addFieldPair(r.child_field, r.parent_field)
        if not rel.isValid():
            raise RuntimeError(f"relation {r.id} is not valid")
        project.relationManager().addRelation(rel)
        rel_objs[r.id] = rel

    for name, vl in layers.items():
        configure_fields(vl, schema.layer(name), layers, lang)
    _relation_form(layers["segments"], schema.layer("segments"),
                   [rel_objs["segment_assignments"], rel_objs["segment_boards"]], lang)
    _relation_form(layers["chiefs"], schema.layer("chiefs"), [rel_objs["chief_assignments"]], lang)
    _relation_form(layers["rivers"], schema.layer("rivers"), [rel_objs["river_segments"]], lang)

    style_units(layers["admin_units"], lang)
    style_rivers(layers["rivers"])
    add_lead_terms(project, layers["assignments"], layers["chiefs"], layers["segments"], lang)
    style_segments(layers["segments"], lang)
    style_boards(layers["notice_boards"])
    for vl in layers.values():
        vl.setDisplayExpression('"name"' if vl.fields().indexFromName("name") >= 0 else '"fid"')
    layers["assignments"].setDisplayExpression('"seg_code" || \' - \' || "chief_id"')
    layers["notice_boards"].setDisplayExpression('"board_code"')
    finish_layers(project, layers, lang, [n for n in layers if schema.layer(n).since >= 3])

    snap = QgsSnappingConfig(project)
    snap.setEnabled(True)
    snap.setMode(compat.snapping_mode_advanced())
    for name in ("admin_units", "rivers", "segments"):
        snap.setIndividualLayerSettings(layers[name], QgsSnappingConfig.IndividualLayerSettings(
            True, compat.snapping_vertex_and_segment(), 12, compat.tolerance_pixels(), 0.0, 0.0))
    for name in ("notice_boards",):
        snap.setIndividualLayerSettings(layers[name], QgsSnappingConfig.IndividualLayerSettings(
            False, compat.snapping_vertex_and_segment(), 12, compat.tolerance_pixels(), 0.0, 0.0))
    snap.setIntersectionSnapping(True)
    project.setSnappingConfig(snap)
    project.setTopologicalEditing(True)
    return project


def save_styles_to_gpkg(project: QgsProject) -> None:
    """Store each layer's style as the default in the GeoPackage's layer_styles table.

    A layer loaded on its own (from the browser, without the project) has no joins: the
    segments' default style there is the bank style without the chiefs-missing rule, which
    needs the project's lead terms."""
    for vl in project.mapLayers().values():
        if not isinstance(vl, QgsVectorLayer) or vl.providerType() != "ogr":
            continue
        if _table_of(vl) == "segments":
            renderer = vl.renderer().clone()
            style_segments(vl, "zh" if vl.name() == schema.layer("segments").zh else "en", coverage=False)
            compat.save_style_to_database(vl, vl.name(), "Hezhang default style", True)
            vl.setRenderer(renderer)
            continue
        compat.save_style_to_database(vl, vl.name(), "Hezhang default style", True)


def write_project(project: QgsProject, gpkg_path: str, final_path: Optional[str] = None) -> None:
    """Write ``project`` into ``gpkg_path``; layer paths name ``final_path`` when given.

    A workspace is written under a temporary name and renamed at the end, so the layer
    sources written into the project must already carry the final file name.
    """
    writer_id = None
    if final_path and os.path.basename(final_path) != os.path.basename(gpkg_path):
        tmp_name, final_name = os.path.basename(gpkg_path), os.path.basename(final_path)

        def rename(path: str) -> str:
            return path.replace(tmp_name, final_name)

        writer_id = QgsPathResolver.setPathWriter(rename)
    try:
        if storage_can_write(gpkg_path):
            ok = project.write(project_uri(gpkg_path))
            error = project.error() if not ok else ""
        else:
            ok, error = _write_project_row(project, gpkg_path)
    finally:
        if writer_id is not None:
            QgsPathResolver.removePathWriter(writer_id)
    if not ok:
        raise RuntimeError(f"could not write the project into {gpkg_path}: {error}")


def storage_can_write(gpkg_path: str) -> bool:
    """False for a path QGIS's GeoPackage project storage cannot write to: it decodes the
    file path it already decoded from the ``geopackage:`` URI a second time as a URI
    (QgsGeoPackageProjectStorage::writeProject → _executeSql, every release so far), so
    ``#``, ``?`` or a ``%XX`` sequence in the path cut or change it."""
    return re.search(r"[#?]|%[0-9A-Fa-f]{2}", gpkg_path) is None


def _write_project_row(project: QgsProject, gpkg_path: str) -> tuple:
    """Write ``project`` as QGIS's project storage does (a row of ``qgis_projects``: the
    zipped project, hex-encoded, and its metadata), without going through the storage's
    URI handling. Layer paths are stored absolute (a relative path would be relative to the
    temporary file written here); the workspace's own layers are found again on reading
    wherever the file is (:class:`WorkspacePathFixer`). Returns (ok, error text)."""
    import datetime as dt
    import json
    import shutil
    import sqlite3
    import tempfile

    from qgis.core import Qgis, QgsApplication

    folder = tempfile.mkdtemp(prefix="hezhang-project-")
    name, storage = project.fileName(), project.filePathStorage()
    try:
        project.setFilePathStorage(Qgis.FilePathType.Absolute)
        qgz = os.path.join(folder, f"{PROJECT_NAME}.qgz")
        if not project.write(qgz):
            return False, project.error()
        with open(qgz, "rb") as fh:
            content = fh.read().hex()
        try:
            login = QgsApplication.userLoginName()
        except TypeError:  # 3.22: an instance method
            login = QgsApplication.instance().userLoginName()
        metadata = json.dumps({"last_modified_time": dt.datetime.now().replace(microsecond=0).isoformat(),
                               "last_modified_user": login})
        con = sqlite3.connect(uris.sqlite_uri(gpkg_path, mode="rw"), uri=True)
        try:
            with con:
                con.execute("CREATE TABLE IF NOT EXISTS qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, "
                            "content BLOB)")
                con.execute("INSERT OR REPLACE INTO qgis_projects (name, metadata, content) VALUES (?, ?, ?)",
                            (PROJECT_NAME, metadata, content))
        finally:
            con.close()
        return True, ""
    except sqlite3.Error as exc:
        return False, str(exc)
    finally:
        project.setFilePathStorage(storage)
        project.setFileName(name)
        shutil.rmtree(folder, ignore_errors=True)


class WorkspacePathFixer:
    """Rewrites layer sources of a workspace project to the file being opened.

    Projects keep the path their layers had when written (a temporary name during
    creation or migration, or wherever the file was before it was copied or moved); every
    GeoPackage source whose layer is one of the schema's is pointed at the workspace being
    read. QGIS 3.22 hands the preprocessor whole sources (``FILE|layername=NAME``); newer
    releases hand it the file part only, so the file parts that the stored project uses
    for schema layers are looked up in the stored project first (:func:`stored_layer_files`).
    """

    def __init__(self, gpkg_path: str):
        self.gpkg_path = gpkg_path
        self.layer_path = runtime.alias_path(gpkg_path)
        self.names = {lyr.name for lyr in schema.LAYERS}
        self.own_files = stored_layer_files(gpkg_path, self.names)
        self._id = None

    def __call__(self, path: str) -> str:
        if "|layername=" not in path:
            return self.layer_path if path in self.own_files else path
        file_part, _, rest = path.partition("|layername=")
        layer_name = rest.split("|", 1)[0]
        if layer_name in self.names and file_part.lower().endswith(".gpkg"):
            return f"{self.layer_path}|layername={rest}"
        return path

    #: How many fixers are installed: while one is, :class:`OpenedWorkspacePaths` leaves
    #: every path to it (the dock's own open), so no source is rewritten twice.
    active = 0

    def __enter__(self):
        self._id = QgsPathResolver.setPathPreprocessor(self)
        WorkspacePathFixer.active += 1
        return self

    def __exit__(self, *exc):
        QgsPathResolver.removePathPreprocessor(self._id)
        WorkspacePathFixer.active -= 1
        return False


class OpenedWorkspacePaths:
    """While the plugin is loaded: a workspace project that QGIS itself reads (its Recent
    Projects, Open Project, ``qgis --project "geopackage:PATH?projectName=hezhang"``) finds
    its layers in the file it is read from, even when that file was copied or renamed.

    A QGIS path preprocessor acts only while ``project`` (QGIS's project) is being read:
    from its ``cleared`` signal, which QgsProject.read() emits before it reads any layer
    (the project's file name, the ``geopackage:`` URI, is set again right after), to its
    ``readProject`` signal. During that time it rewrites a source only when the project
    read is a ``geopackage:`` URI naming project :data:`PROJECT_NAME` stored in an existing
    file, and the source's file part is the one the stored project uses for most schema
    layers (:func:`own_layer_file`) and does not name the file being read (a name that
    does not exist, or another file). Whole sources (QGIS 3.22: ``FILE|layername=NAME``)
    must also name a schema layer; newer releases hand over the file part alone. Other
    projects, other files and non-schema layers keep their sources; while a
    :class:`WorkspacePathFixer` is installed (the dock's own open) every path is left to it.
    """

    def __init__(self, project: Optional[QgsProject] = None):
        self.project = project if project is not None else QgsProject.instance()
        self.names = {lyr.name for lyr in schema.LAYERS}
        self.reading = False
        self._uri: Optional[str] = None
        self._target: Optional[str] = None
        self._own: Optional[str] = None
        self._id: Optional[str] = None

    def install(self) -> None:
        self.project.cleared.connect(self._read_starts)
        self.project.readProject.connect(self._read_ends)
        self._id = QgsPathResolver.setPathPreprocessor(self)

    def remove(self) -> None:
        if self._id is not None:
            QgsPathResolver.removePathPreprocessor(self._id)
            self._id = None
        for signal, slot in ((self.project.cleared, self._read_starts), (self.project.readProject, self._read_ends)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):  # not connected, or the project already gone
                pass
        self._read_ends()

    def _read_starts(self) -> None:
        self.reading = True
        self._uri = None

    def _read_ends(self, *args) -> None:
        self.reading = False
        self._uri = self._target = self._own = None

    def _workspace(self) -> Optional[str]:
        """The GeoPackage the project being read is stored in, when it is a workspace's."""
        uri = self.project.fileName()
        if uri != self._uri:
            self._uri, self._target, self._own = uri, None, None
            path = uris.project_path(uri)
            if path and uris.project_name(uri) == PROJECT_NAME and os.path.isfile(path):
                own = own_layer_file(path, self.names)
                if own is not None:
                    self._target, self._own = os.path.abspath(path), own
        return self._target

    def __call__(self, path: str) -> str:
        if not self.reading or WorkspacePathFixer.active:
            return path
        app = QCoreApplication.instance()
        if app is None or QThread.currentThread() != app.thread():
            return path  # QgsProject.read() runs on the main thread; a task's read is another project's
        target = self._workspace()
        if target is None:
            return path
        file_part, sep, rest = path.partition("|layername=")
        if sep and rest.split("|", 1)[0] not in self.names:
            return path
        if file_part != self._own or _names_file(file_part, target):
            return path
        return f"{runtime.alias_path(target)}{sep}{rest}"


def _names_file(file_part: str, gpkg_path: str) -> bool:
    """True when ``file_part`` (absolute, or relative to the GeoPackage's folder as QGIS
    resolves it) is the file ``gpkg_path``."""
    candidate = file_part if os.path.isabs(file_part) else os.path.join(os.path.dirname(gpkg_path), file_part)
    try:
        return os.path.samefile(candidate, gpkg_path)
    except OSError:
        return False


_opened_paths: Optional[OpenedWorkspacePaths] = None


def install_opened_workspace_paths() -> None:
    """Install the :class:`OpenedWorkspacePaths` preprocessor for QGIS's project (once)."""
    global _opened_paths
    if _opened_paths is None:
        _opened_paths = OpenedWorkspacePaths()
        _opened_paths.install()


def remove_opened_workspace_paths() -> None:
    global _opened_paths
    if _opened_paths is not None:
        _opened_paths.remove()
        _opened_paths = None


class NoWalWrites:
    """Keep QGIS from switching a file it opens for writing to SQLite WAL mode.

    Workspaces are written under a temporary name and renamed at the end; a WAL file
    held by QGIS's connection pool would keep part of the data under the old name.
    """

    KEY = "qgis/walForSqlite3"

    def __enter__(self):
        from qgis.core import QgsSettings

        settings = QgsSettings()
        self._had = settings.contains(self.KEY)
        self._old = settings.value(self.KEY, True, type=bool)
        settings.setValue(self.KEY, False)
        return self

    def __exit__(self, *exc):
        from qgis.core import QgsSettings

        settings = QgsSettings()
        if self._had:
            settings.setValue(self.KEY, self._old)
        else:
            settings.remove(self.KEY)
        return False


def stored_layer_files(gpkg_path: str, layer_names: set) -> set:
    """File parts of the stored project's layer sources that name one of ``layer_names``
    (as written: "./ws.gpkg", or an absolute path); empty when there is no stored project."""
    return set(stored_layer_counts(gpkg_path, layer_names))


def stored_layer_counts(gpkg_path: str, layer_names: set) -> dict:
    """{file part as written: how many distinct ``layer_names`` the stored project's layer
    sources read from it}; empty when there is no stored project."""
    import io
    import sqlite3
    import xml.etree.ElementTree as ET  # nosec B405 - the workspace's own project, written by QGIS
    import zipfile

    try:
        # read as every read of the workspace is (gpkg.connect_readonly): a WAL file in a
        # folder the user may not write cannot be opened mode=ro (no -shm can be made)
        data = gpkg.read_project_archive(gpkg_path, PROJECT_NAME)
        if not data:
            return {}
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            name = next((n for n in zf.namelist() if n.lower().endswith(".qgs")), None)
            if name is None:
                return {}
            root = ET.fromstring(zf.read(name))  # noqa: S314  # nosec B314
    except (sqlite3.Error, OSError, ValueError, zipfile.BadZipFile, ET.ParseError):
        return {}
    tables: dict = {}
    for ds in root.iter("datasource"):
        file_part, sep, rest = (ds.text or "").partition("|layername=")
        table = rest.split("|", 1)[0]
        if sep and table in layer_names:
            tables.setdefault(file_part, set()).add(table)
    return {f: len(t) for f, t in tables.items()}


def own_layer_file(gpkg_path: str, layer_names: set) -> Optional[str]:
    """The file part (as written) that the stored project's sources use for the most
    distinct ``layer_names``: the workspace's own file when it was written (a layer the user
    added from another workspace shares its table names but not its file); None when there
    is no stored project or none of its sources names one of ``layer_names``."""
    counts = stored_layer_counts(gpkg_path, layer_names)
    if not counts:
        return None
    return max(sorted(counts), key=lambda f: counts[f])


def read_project(project: QgsProject, gpkg_path: str,
                 reader: Optional[Callable[[str], Optional[bool]]] = None) -> bool:
    """Read the project stored in a workspace into ``project`` (with ``reader``, e.g. QGIS
    desktop's ``iface.addProject``, when given); True when it was read.

    QGIS reads a stored project through an SQLite connection that needs the WAL index
    (-shm) of a WAL-mode file; in a folder the user may not write it cannot be made. For a
    read-only workspace the stored .qgz is then read from a private copy, and the project
    is named after the workspace again (saving it there fails, as it must). Label fonts
    missing on this machine (a workspace made where another Chinese font was installed)
    become this machine's.
    """
    path = os.path.abspath(gpkg_path)
    uri = project_uri(path)

    def read(source: str) -> bool:
        ok = reader(source) if reader is not None else project.read(source)
        # iface.addProject answers None on some versions: the project's name tells.
        return bool(ok) or (ok is None and project.fileName() in (source, uri))

    read_only = gpkg.is_read_only(path)
    with WorkspacePathFixer(path):
        # A read-only WAL workspace goes straight to the copy: QGIS desktop would first show
        # its own "cannot open" error for the stored project.
        if not (read_only and gpkg.is_wal(path)) and read(uri):
            fonts.fix_project_labels(project)
            _brought_up_to_date(project)
            return True
        if not read_only:
            return False
        archive = gpkg.read_project_archive(path, PROJECT_NAME)
        if archive is None:
            return False
        with tempfile.TemporaryDirectory(prefix="hezhang-") as tmp:
            copy = os.path.join(tmp, os.path.splitext(os.path.basename(path))[0] + ".qgz")
            with open(copy, "wb") as fh:
                fh.write(archive)
            if not read(copy):
                return False
    project.setFileName(uri)
    project.setDirty(False)
    fonts.fix_project_labels(project)
    _brought_up_to_date(project)
    return True


#: Form defaults of earlier workspace projects, replaced by the schema's: (table, field) →
#: the old expression (a river's length_km divided $length, already in km, by 1000; the
#: first unit drawn, the district, got no code).
OLD_DEFAULTS = {
    ("rivers", "length_km"): "round($length / 1000.0, 3)",
    ("admin_units", "code"): schema.UNIT_CODE_DEFAULT.replace(
        "WHEN @p IS NULL THEN left(@hz_district_code, 6) || '000000' ", "WHEN @p IS NULL THEN NULL ", 1),
}


def _fix_old_defaults(project: QgsProject) -> bool:
    """Replace the form defaults in :data:`OLD_DEFAULTS` by the schema's; True when any was."""
    changed = False
    for lyr in project.mapLayers().values():
        table = _table_of(lyr) if isinstance(lyr, QgsVectorLayer) else None
        for (name, field), old in OLD_DEFAULTS.items():
            idx = lyr.fields().indexOf(field) if table == name else -1
            if idx >= 0 and lyr.defaultValueDefinition(idx).expression() == old:
                new = next(f for f in schema.layer(name).fields if f.name == field).default
                on_update = lyr.defaultValueDefinition(idx).applyOnUpdate()
                lyr.setDefaultValueDefinition(idx, QgsDefaultValue(new, on_update))
                changed = True
    return changed


def _brought_up_to_date(project: QgsProject) -> None:
    """A project just read: styles that read other layers replaced (:func:`ensure_lead_terms`)
    and wrong form defaults corrected, in memory; the stored project changes only when the
    user saves it."""
    dirty = project.isDirty()
    changed = ensure_lead_terms(project)
    changed = _fix_old_defaults(project) or changed
    if changed and not dirty:
        project.setDirty(False)
