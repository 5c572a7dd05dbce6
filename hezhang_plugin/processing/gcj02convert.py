"""hezhang:gcj02convert — vector layers between GCJ-02 and WGS84/CGCS2000, both ways."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeatureSink,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.core.projthreads import proj_safe
from hezhang_plugin.processing.base import HezhangAlgorithm

DIRECTIONS = ("to_gcj02", "from_gcj02")


class Gcj02ConvertAlgorithm(HezhangAlgorithm):
    ALG_ID = "gcj02convert"
    DISPLAY = QT_TRANSLATE_NOOP("Gcj02ConvertAlgorithm", "Convert between GCJ-02 and WGS84/CGCS2000")
    GROUP = "Imagery"
    GROUP_ID = "imagery"
    HELP = QT_TRANSLATE_NOOP(
        "Gcj02ConvertAlgorithm",
        "Moves every vertex by the GCJ-02 offset used by Chinese web maps (AMap/Gaode, "
        "Tencent): from_gcj02 corrects data digitised on such maps back to WGS84/CGCS2000 "
        "(exact inverse by iteration, sub-millimetre), to_gcj02 shifts true coordinates onto "
        "them. The layer keeps its CRS; projected layers are converted through CGCS2000 "
        "longitudes and latitudes. Points outside China are left unchanged. Only X and Y move: "
        "Z and M values and curves are kept as they are.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", self.tr("Input layer")))
        self.addParameter(QgsProcessingParameterEnum(
            "DIRECTION", self.tr("Direction"),
            [self.tr("WGS84/CGCS2000 → GCJ-02 (to_gcj02)"),
             self.tr("GCJ-02 → WGS84/CGCS2000 (from_gcj02)")], defaultValue=1))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", self.tr("Converted")))

    def processAlgorithm(self, parameters, context, feedback):
        import numpy as np

        from hezhang_plugin.core import gcj02
        from hezhang_plugin.data.qgsio import move_xy
        from hezhang_plugin.processing.inputs import check_text, layer_label, text_columns

        source = self.parameterAsSource(parameters, "INPUT", context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, "INPUT"))
        direction = DIRECTIONS[self.parameterAsEnum(parameters, "DIRECTION", context)]
        crs = source.sourceCrs()
        if not crs.isValid():
            raise QgsProcessingException(self.tr("The input layer has no CRS; set it first."))
        layer = self.parameterAsVectorLayer(parameters, "INPUT", context)
        label = layer_label("INPUT", layer.name() if layer is not None else "")
        feats = list(source.getFeatures())
        # attributes are copied as read: text read with the wrong encoding would be written garbled
        names = text_columns(source.fields())
        check_text(label, [f.id() for f in feats], {n: [f[n] for f in feats] for n in names})
        for f in feats:
            g = f.geometry()
            if g is None or g.isNull() or g.isEmpty():
                feedback.pushWarning(self.tr("Feature {0} has no geometry; copied unchanged.").format(f.id()))
        if crs.isGeographic():
            def fn(xy):
                return np.column_stack(gcj02.convert(xy[:, 0], xy[:, 1], direction))

            # only X and Y move: Z, M and curves are kept as they are
            converted = move_xy([f.geometry() for f in feats], fn)
        else:
            converted = _convert_projected([f.geometry() for f in feats], crs.authid() or crs.toWkt(), direction)
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, source.fields(),
                                          source.wkbType(), crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        n = len(feats)
        for i, (f, g) in enumerate(zip(feats, converted)):
            if feedback.isCanceled():
                break
            if not g.isNull():
                f.setGeometry(g)
            if not sink.addFeature(f, QgsFeatureSink.Flag.FastInsert):
                raise QgsProcessingException(self.tr("Could not write feature {0}: {1}").format(
                    f.id(), sink.lastError()))
            if n:
                feedback.setProgress(100.0 * (i + 1) / n)
        if not crs.isGeographic() and crs != QgsCoordinateReferenceSystem("EPSG:4490"):
            feedback.pushInfo(self.tr("Converted through CGCS2000 longitudes and latitudes."))
        return {"OUTPUT": dest}


@proj_safe
def _convert_projected(geoms: list, crs_text: str, direction: str) -> list:
    """``geoms`` (QgsGeometry in ``crs_text``) moved between GCJ-02 and CGCS2000 through
    CGCS2000 longitudes and latitudes; only X and Y move (Z, M and curves are kept)."""
    import numpy as np
    from pyproj import Transformer

    from hezhang_plugin.core import crs as crsmod
    from hezhang_plugin.core import gcj02
    from hezhang_plugin.data.qgsio import move_xy

    layer_crs, lonlat = crsmod.crs_object(crs_text), crsmod.crs_object(crsmod.CGCS2000)
    to_ll = Transformer.from_crs(layer_crs, lonlat, always_xy=True)
    from_ll = Transformer.from_crs(lonlat, layer_crs, always_xy=True)

    def fn(xy):
        lon, lat = to_ll.transform(xy[:, 0], xy[:, 1])
        lon, lat = gcj02.convert(lon, lat, direction)
        return np.column_stack(from_ll.transform(lon, lat))

    return move_xy(geoms, fn)
