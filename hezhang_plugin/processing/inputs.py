"""Checks every hezhang algorithm applies to the layers it is given, before it reads them.

* CRS sanity (every layer and raster parameter, and the spatial layers of a WORKSPACE): a
  layer without a CRS is refused ("RIVERS has no CRS; set it first"); a layer labelled with a
  geographic CRS whose coordinates leave ±180/±90 holds metres, not degrees, and is refused;
  a projected layer whose coordinates lie far outside its CRS's area of use (degrees stored
  in a Gauss–Krüger layer) is refused too. Called from ``HezhangAlgorithm`` for every
  algorithm (``checkParameterValues`` and ``prepareAlgorithm``).
* Text encoding: attribute text that shows signs of a wrong encoding (see
  :mod:`hezhang_plugin.core.textcheck`) is refused with the setting to change, before
  anything is written.
* Z/M: algorithms that do not carry a layer's Z or M values into their output say so.

Messages come from the bilingual table (``core.messages``: ``crs.*``, ``input.*``) in the UI
language.
"""

from __future__ import annotations

from typing import Optional, Sequence

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsMapLayer,
    QgsProcessingException,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFile,
    QgsProcessingParameterMapLayer,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterVectorLayer,
    QgsProject,
    QgsRectangle,
    QgsWkbTypes,
)

from hezhang_plugin.core.gdalerrors import gdal_exceptions

#: a projected layer is refused when its extent lies this many degrees outside the CRS's area
#: of use (a neighbouring Gauss–Krüger zone is still accepted; degrees in metres are not)
AREA_OF_USE_MARGIN_DEG = 5.0
#: workspace tables that hold geometries
_WORKSPACE_LAYERS = ("admin_units", "rivers", "segments", "notice_boards")


def _text(key: str, **fields) -> str:
    from hezhang_plugin.core.messages import Message
    from hezhang_plugin.i18n import ui_language

    return Message(key, **fields).text(ui_language())


def layer_label(parameter: str, layer_name: str = ""):
    """How messages name an input: the parameter, and the layer's name when known (a Message,
    worded in the language of the message it fills)."""
    from hezhang_plugin.core.messages import Message

    if layer_name and layer_name != parameter:
        return Message("input.layer", param=parameter, name=layer_name)
    return parameter


def _refuse(key: str, **fields) -> None:
    raise QgsProcessingException(_text(key, **fields) + " " + _text("crs.how_to_set"))


def check_crs(label, crs: QgsCoordinateReferenceSystem, extent: Optional[QgsRectangle]) -> None:
    """Raise QgsProcessingException when ``crs`` is missing or cannot describe ``extent``:
    no CRS (``crs.missing``), a geographic CRS with coordinates beyond ±180/±90
    (``crs.not_degrees``, by :func:`hezhang_plugin.core.crs.check_coordinates`), a projected
    CRS whose area of use (grown by AREA_OF_USE_MARGIN_DEG) the extent misses entirely
    (``crs.outside_area``)."""
    from hezhang_plugin.core import crs as crsmod

    if crs is None or not crs.isValid():
        _refuse("crs.missing", layer=label)
    name = crs.authid() or crs.toWkt()
    if extent is None or extent.isNull():
        return
    bounds = (extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum())
    try:
        crsmod.check_coordinates(name, bounds, layer=label)
    except crsmod.CrsError as exc:
        from hezhang_plugin.i18n import ui_language

        raise QgsProcessingException(exc.text(ui_language()) + " " + _text("crs.how_to_set")) from None
    if crs.isGeographic():
        return
    area = crs.bounds() if hasattr(crs, "bounds") else QgsRectangle()
    if area.isNull() or area.isEmpty():
        return
    try:
        to_lonlat = QgsCoordinateTransform(crs, QgsCoordinateReferenceSystem("EPSG:4326"), QgsProject.instance())
        ll = to_lonlat.transformBoundingBox(extent)
    except Exception:  # a failed transform: the coordinates make no sense in this CRS
        ll = None
    grown = QgsRectangle(area.xMinimum() - AREA_OF_USE_MARGIN_DEG, area.yMinimum() - AREA_OF_USE_MARGIN_DEG,
                         area.xMaximum() + AREA_OF_USE_MARGIN_DEG, area.yMaximum() + AREA_OF_USE_MARGIN_DEG)
    finite = ll is not None and all(abs(v) < 1e30 for v in (ll.xMinimum(), ll.yMinimum(), ll.xMaximum(),
                                                             ll.yMaximum()))
    if not finite or not grown.intersects(ll):
        _refuse("crs.outside_area", layer=label, crs=name, x0=bounds[0], x1=bounds[2], y0=bounds[1], y1=bounds[3])


def _layer_of(alg, parameters, name, context) -> Optional[QgsMapLayer]:
    layer = alg.parameterAsLayer(parameters, name, context)
    return layer if isinstance(layer, QgsMapLayer) else None


def check_inputs(alg, parameters: dict, context) -> None:
    """CRS sanity of every layer-like parameter of ``alg`` and of a WORKSPACE file's layers.

    Raises QgsProcessingException naming the parameter and layer.
    """
    for definition in alg.parameterDefinitions():
        name = definition.name()
        if parameters.get(name) in (None, ""):
            continue
        if isinstance(definition, QgsProcessingParameterFeatureSource):
            source = alg.parameterAsSource(parameters, name, context)
            if source is None or source.wkbType() == QgsWkbTypes.NoGeometry:
                continue
            layer = _layer_of(alg, parameters, name, context)
            check_crs(layer_label(name, layer.name() if layer else ""), source.sourceCrs(), source.sourceExtent())
        elif isinstance(definition, (QgsProcessingParameterVectorLayer, QgsProcessingParameterRasterLayer,
                                     QgsProcessingParameterMapLayer)):
            layer = _layer_of(alg, parameters, name, context)
            if layer is None or (layer.type() == QgsMapLayer.VectorLayer and not layer.isSpatial()):
                continue
            check_crs(layer_label(name, layer.name()), layer.crs(), layer.extent())
        elif isinstance(definition, QgsProcessingParameterMultipleLayers):
            for layer in alg.parameterAsLayerList(parameters, name, context):
                if layer.type() == QgsMapLayer.VectorLayer and not layer.isSpatial():
                    continue
                check_crs(layer_label(name, layer.name()), layer.crs(), layer.extent())
        elif isinstance(definition, QgsProcessingParameterFile) and name == "WORKSPACE":
            path = alg.parameterAsFile(parameters, name, context)
            if path and path.lower().endswith(".gpkg"):
                check_workspace_crs(name, path)


@gdal_exceptions
def check_workspace_crs(label: str, path: str) -> None:
    """CRS sanity of the spatial layers of a workspace GeoPackage (missing layers are left to the
    algorithm's own workspace check)."""
    import os

    if not os.path.isfile(path):
        return
    from osgeo import ogr

    ds = ogr.Open(path, 0)
    if ds is None:
        return
    try:
        for table in _WORKSPACE_LAYERS:
            lyr = ds.GetLayerByName(table)
            extent = ogr_extent(lyr) if lyr is not None else None
            if extent is None:  # no row has a geometry: nothing to check
                continue
            srs = lyr.GetSpatialRef()
            crs = QgsCoordinateReferenceSystem.fromWkt(srs.ExportToWkt()) if srs is not None else None
            check_crs(layer_label(label, table), crs, extent)
    finally:
        ds = None


def ogr_extent(lyr) -> Optional[QgsRectangle]:
    """The extent of an OGR layer, or None when it has no geometry to measure (no rows, or
    rows without geometries: a workspace whose units were entered as a table).

    Asked without ``can_return_null``, GDAL's Python binding returns the four doubles it was
    handed uninitialised when the driver finds no extent: whatever the stack held, usually
    tiny denormals, sometimes 1e300 (the "coordinates reach x 9.7e303" refusal that came and
    went with the tests run before)."""
    try:
        bounds = lyr.GetExtent(force=1, can_return_null=True)
    except RuntimeError:  # GDAL's exception mode reports the missing extent as an error
        return None
    if bounds is None:
        return None
    x0, x1, y0, y1 = bounds
    return QgsRectangle(x0, y0, x1, y1)


def check_text(label, fids: Sequence, columns: dict) -> None:
    """Refuse text that was read with the wrong encoding: ``columns`` maps field names to
    value lists (one value per feature id in ``fids``). Raises QgsProcessingException naming
    the layer, a feature, the field and the value, and the setting to change."""
    from hezhang_plugin.core.textcheck import garbled_values

    bad = []
    for field, values in columns.items():
        bad += [(fids[i], field, value) for i, value, _ in garbled_values(values)]
    if not bad:
        return
    fid, field, value = bad[0]
    raise QgsProcessingException(_text("input.garbled_text", layer=label, count=len(bad), fid=fid, field=field,
                                       value=value))


def text_columns(fields, names: Optional[Sequence[str]] = None) -> list:
    """Names of the text fields among ``fields`` (all of them, or those in ``names``)."""
    from hezhang_plugin import compat

    out = []
    for f in fields:
        if compat.field_is(f, "text") and (names is None or f.name() in names):
            out.append(f.name())
    return out


def zm_dropped(feedback, label, wkb_type, output: str) -> None:
    """Tell the user that the Z/M values of ``label`` are not carried into the output;
    ``output`` names what is two-dimensional: ``segments``, ``findings`` or ``water_changes``."""
    from hezhang_plugin.core.messages import Message

    has_z, has_m = QgsWkbTypes.hasZ(wkb_type), QgsWkbTypes.hasM(wkb_type)
    if not (has_z or has_m):
        return
    dims = "Z/M" if has_z and has_m else ("Z" if has_z else "M")
    feedback.pushWarning(_text("input.zm_dropped", layer=label, dims=dims, output=Message(f"input.output_{output}")))


def curves_linearised(feedback, label, info: dict) -> None:
    """Tell the user how many curved geometries of ``label`` were linearised (``info`` from
    :func:`hezhang_plugin.data.qgsio.source_to_arrays`)."""
    if info.get("curved"):
        feedback.pushWarning(_text("input.curves_linearised", layer=label, count=info["curved"],
                                   tolerance=info["curve_tolerance_m"]))
