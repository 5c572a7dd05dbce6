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

Messages are in the UI language (context ``HezhangInputs`` in the translation file).
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
from qgis.PyQt.QtCore import QCoreApplication

#: a projected layer is refused when its extent lies this many degrees outside the CRS's area
#: of use (a neighbouring Gauss–Krüger zone is still accepted; degrees in metres are not)
AREA_OF_USE_MARGIN_DEG = 5.0
#: workspace tables that hold geometries
_WORKSPACE_LAYERS = ("admin_units", "rivers", "segments", "notice_boards")


def _tr(text: str) -> str:
    return QCoreApplication.translate("HezhangInputs", text)


def layer_label(parameter: str, layer_name: str = "") -> str:
    """How messages name an input: the parameter, and the layer's name when known."""
    if layer_name and layer_name != parameter:
        return QCoreApplication.translate("HezhangInputs", "{0} (layer “{1}”)").format(parameter, layer_name)
    return parameter


def check_crs(label: str, crs: QgsCoordinateReferenceSystem, extent: Optional[QgsRectangle]) -> None:
    """Raise QgsProcessingException when ``crs`` is missing or cannot describe ``extent``."""
    if crs is None or not crs.isValid():
        raise QgsProcessingException(QCoreApplication.translate(
            "HezhangInputs",
            "{0} has no CRS; set it first (Layer Properties › Source › Assigned coordinate reference "
            "system, or Layer › Set CRS of Layer).").format(label))
    if extent is None or extent.isNull():
        return
    name = crs.authid() or crs.description()
    if crs.isGeographic():
        if extent.xMinimum() < -180.0 - 1e-9 or extent.xMaximum() > 180.0 + 1e-9 or \
                extent.yMinimum() < -90.0 - 1e-9 or extent.yMaximum() > 90.0 + 1e-9:
            raise QgsProcessingException(QCoreApplication.translate(
                "HezhangInputs",
                "{0} is labelled {1}, a geographic CRS in degrees, but its coordinates reach x {2:.0f} … "
                "{3:.0f}, y {4:.0f} … {5:.0f}: degrees lie within ±180/±90, so these are not degrees. "
                "Set the layer's real CRS (for metres in China usually a CGCS2000 Gauss–Krüger zone, "
                "EPSG:4534–4554) in Layer Properties › Source and run again.").format(
                label, name, extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum()))
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
        raise QgsProcessingException(QCoreApplication.translate(
            "HezhangInputs",
            "{0} is labelled {1}, but its coordinates (x {2:.3f} … {3:.3f}, y {4:.3f} … {5:.3f}) lie far "
            "outside the area that CRS is made for. The layer's CRS is probably wrong (degrees stored "
            "under a projected CRS?): set the real one in Layer Properties › Source and run again.").format(
            label, name, extent.xMinimum(), extent.xMaximum(), extent.yMinimum(), extent.yMaximum()))


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
            if lyr is None or lyr.GetFeatureCount() == 0:
                continue
            srs = lyr.GetSpatialRef()
            crs = QgsCoordinateReferenceSystem.fromWkt(srs.ExportToWkt()) if srs is not None else None
            x0, x1, y0, y1 = lyr.GetExtent()
            check_crs(layer_label(label, table), crs, QgsRectangle(x0, y0, x1, y1))
    finally:
        ds = None


def check_text(label: str, fids: Sequence, columns: dict) -> None:
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
    raise QgsProcessingException(QCoreApplication.translate(
        "HezhangInputs",
        "{0}: {1} text value(s) look garbled (e.g. feature {2}, field {3}: “{4}”): the layer is read with "
        "the wrong text encoding. Set it in Layer Properties › Source › Data source encoding (GBK or "
        "GB18030 for most Chinese shapefiles without a .cpg file) and run again; nothing was written.").format(
        label, len(bad), fid, field, value))


def text_columns(fields, names: Optional[Sequence[str]] = None) -> list:
    """Names of the text fields among ``fields`` (all of them, or those in ``names``)."""
    from qgis.PyQt.QtCore import QVariant

    out = []
    for f in fields:
        if f.type() == QVariant.String and (names is None or f.name() in names):
            out.append(f.name())
    return out


def zm_dropped(feedback, label: str, wkb_type, what: str) -> None:
    """Tell the user that the Z/M values of ``label`` are not carried into the output."""
    has_z, has_m = QgsWkbTypes.hasZ(wkb_type), QgsWkbTypes.hasM(wkb_type)
    if not (has_z or has_m):
        return
    dims = "Z/M" if has_z and has_m else ("Z" if has_z else "M")
    feedback.pushWarning(QCoreApplication.translate(
        "HezhangInputs", "{0} has {1} values; {2} are two-dimensional, so they are not carried over.").format(
        label, dims, what))
