"""Every place where QGIS 3.22 and newer releases (3.40 LTR, 3.44, QGIS 4 on Qt 6) differ.

The rest of the package calls these helpers instead of naming an enum or an API that
only some releases have, so it runs on QGIS 3.22 without the deprecation warnings that
3.40/3.44 raise for the 3.22 spellings, and on Qt 6 where the unscoped spellings are gone.
Each helper tests for the newer API (the release that added it is noted) and falls back
to the 3.22 one.
"""

from __future__ import annotations

from qgis.core import Qgis, QgsField, QgsSnappingConfig, QgsTolerance

QGIS_VERSION_INT = Qgis.QGIS_VERSION_INT


def snapping_vertex_and_segment():
    if hasattr(Qgis, "SnappingType"):  # 3.26+
        return Qgis.SnappingType.Vertex | Qgis.SnappingType.Segment
    return QgsSnappingConfig.VertexFlag | QgsSnappingConfig.SegmentFlag


def snapping_mode_advanced():
    if hasattr(Qgis, "SnappingMode"):  # 3.26+
        return Qgis.SnappingMode.AdvancedConfiguration
    return QgsSnappingConfig.AdvancedConfiguration


def tolerance_pixels():
    if hasattr(Qgis, "MapToolUnit"):  # 3.32+
        return Qgis.MapToolUnit.Pixels
    return QgsTolerance.Pixels


def geometry_type(layer):
    """Point/Line/Polygon of a vector layer as a plain int (0, 1, 2), any version."""
    return int(layer.geometryType())


def scalebar_fit_width():
    """Scale bar segment mode "fit width" (an enum of Qgis from 3.24 on)."""
    if hasattr(Qgis, "ScaleBarSegmentSizeMode"):  # 3.24+
        return Qgis.ScaleBarSegmentSizeMode.FitWidth
    from qgis.core import QgsScaleBarSettings

    return QgsScaleBarSettings.SegmentSizeFitWidth


# ---------------------------------------------------------------- labels

def label_placement(name: str):
    """A label placement mode by name ("OverPoint", "Curved", "Line", "AroundPoint", …):
    ``Qgis.LabelPlacement`` from 3.26 on (3.40 refuses the old member for
    ``QgsPalLayerSettings.placement``), ``QgsPalLayerSettings.Placement`` before."""
    if hasattr(Qgis, "LabelPlacement"):  # 3.26+
        return getattr(Qgis.LabelPlacement, name)
    from qgis.core import QgsPalLayerSettings

    return getattr(QgsPalLayerSettings, name)


# ---------------------------------------------------------------- fields

#: Field kinds of the schema (core.schema) and the Qt type names of each.
_FIELD_TYPES = {"text": "QString", "string": "QString", "real": "Double", "double": "Double",
                "integer": "Int", "int": "Int", "integer64": "LongLong", "date": "QDate",
                "datetime": "QDateTime", "boolean": "Bool", "bool": "Bool",
                # schema kinds stored as text in QGIS layers (PostgreSQL keeps them as uuid/jsonb)
                "uuid": "QString", "json": "QString"}
_QVARIANT_NAMES = {"QString": "String", "Double": "Double", "Int": "Int", "LongLong": "LongLong",
                   "QDate": "Date", "QDateTime": "DateTime", "Bool": "Bool"}


def field_type(kind: str):
    """The type of a field of ``kind`` (text, real, integer, integer64, date, datetime,
    boolean) as QgsField wants it: ``QMetaType.Type`` from QGIS 3.38 on (the ``QVariant.Type``
    constructor is deprecated there and gone in QGIS 4), ``QVariant.Type`` before."""
    name = _FIELD_TYPES[kind]
    if QGIS_VERSION_INT >= 33800:
        from qgis.PyQt.QtCore import QMetaType

        return getattr(QMetaType.Type, name)
    from qgis.PyQt.QtCore import QVariant

    return getattr(QVariant, _QVARIANT_NAMES[name])


def make_field(name: str, kind: str, type_name: str = "", length: int = 0, precision: int = 0) -> QgsField:
    """A QgsField of ``kind`` (see :func:`field_type`), without the deprecated constructor."""
    return QgsField(name, field_type(kind), type_name, length, precision)


# ---------------------------------------------------------------- forms and metadata

def set_container_tab(container) -> None:
    """Show a form container as a tab (``setType`` from 3.32, ``setIsGroupBox`` before)."""
    if hasattr(container, "setType") and hasattr(Qgis, "AttributeEditorContainerType"):  # 3.32+
        container.setType(Qgis.AttributeEditorContainerType.Tab)
    else:
        container.setIsGroupBox(False)


def set_layer_abstract(layer, text: str) -> None:
    """A layer's abstract (the server properties hold it from 3.38 on)."""
    if hasattr(layer, "serverProperties") and QGIS_VERSION_INT >= 33800:
        layer.serverProperties().setAbstract(text)
    else:
        layer.setAbstract(text)


def layer_abstract(layer) -> str:
    if hasattr(layer, "serverProperties") and QGIS_VERSION_INT >= 33800:
        return layer.serverProperties().abstract()
    return layer.abstract()


# ---------------------------------------------------------------- fonts and text formats

def font_families() -> list:
    """Installed font families (QFontDatabase is static in Qt 6, an instance in Qt 5)."""
    from qgis.PyQt.QtGui import QFontDatabase

    try:
        return list(QFontDatabase.families())
    except TypeError:  # Qt 5: families() is an instance method
        return list(QFontDatabase().families())


def _format_from_font(font, colour=None):
    from qgis.core import QgsTextFormat

    fmt = QgsTextFormat()
    fmt.setFont(font)
    if font.pointSizeF() > 0:
        fmt.setSize(font.pointSizeF())
    if colour is not None:
        fmt.setColor(colour)
    return fmt


def _font_from_format(fmt):
    from qgis.PyQt.QtGui import QFont

    font = QFont(fmt.font())
    font.setPointSizeF(fmt.size())
    return font


def item_text_format(item):
    """Text format of a layout label or scale bar (labels have one from 3.24 on)."""
    if hasattr(item, "textFormat"):
        return item.textFormat()
    return _format_from_font(item.font(), item.fontColor() if hasattr(item, "fontColor") else None)


def set_item_text_format(item, fmt) -> None:
    """Set the text format of a layout label or scale bar (font and colour before 3.24)."""
    if hasattr(item, "setTextFormat"):
        item.setTextFormat(fmt)
        return
    item.setFont(_font_from_format(fmt))
    if hasattr(item, "setFontColor"):
        item.setFontColor(fmt.color())


def legend_styles() -> tuple:
    """The legend text styles the layouts set: title, group, subgroup, symbol label
    (``Qgis.LegendComponent`` from 3.32 on, ``QgsLegendStyle.Style`` before)."""
    if hasattr(Qgis, "LegendComponent"):
        e = Qgis.LegendComponent
    else:
        from qgis.core import QgsLegendStyle

        e = QgsLegendStyle
    return (e.Title, e.Group, e.Subgroup, e.SymbolLabel)


def legend_text_format(legend, style):
    """Text format of one legend style (legend styles hold a text format from 3.30 on)."""
    st = legend.style(style)
    if hasattr(st, "textFormat"):
        return st.textFormat()
    return _format_from_font(st.font())


def set_legend_text_format(legend, style, fmt) -> None:
    st = legend.rstyle(style)
    if hasattr(st, "setTextFormat"):
        st.setTextFormat(fmt)
    else:
        st.setFont(_font_from_format(fmt))


# ---------------------------------------------------------------- language

def qgis_translation() -> str:
    """The translation code QGIS installed ("" when none was set): an instance method of
    QgsApplication in 3.22, static later."""
    from qgis.core import QgsApplication

    try:
        return QgsApplication.translation() or ""
    except TypeError:  # 3.22: const member function
        app = QgsApplication.instance()
        return (app.translation() or "") if app is not None and hasattr(app, "translation") else ""


# ---------------------------------------------------------------- layer styles

def save_style_to_database(layer, name: str, description: str, use_as_default: bool) -> str:
    """Store the layer's style in its data source (``saveStyleToDatabaseV2`` from 3.44 on,
    where the older call is deprecated); returns the error message ("" on success)."""
    if hasattr(layer, "saveStyleToDatabaseV2"):
        _flags, message = layer.saveStyleToDatabaseV2(name, description, use_as_default, "")
        return message or ""
    return layer.saveStyleToDatabase(name, description, use_as_default, "") or ""
def line_geometry_type():
    """The line geometry type (rubber bands, layer checks): an enum of Qgis from 3.30 on."""
    if hasattr(Qgis, "GeometryType"):  # 3.30+
        return Qgis.GeometryType.Line
    from qgis.core import QgsWkbTypes

    return QgsWkbTypes.LineGeometry


def field_is(field, kind: str) -> bool:
    """True when QgsField ``field`` is of ``kind`` (text, date, datetime, …): its type is a
    ``QMetaType.Type`` from QGIS 3.38 on, a ``QVariant.Type`` before."""
    return field.type() == field_type(kind)
