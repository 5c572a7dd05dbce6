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
        "longitudes and latitudes. Points outside China are left unchanged.")

    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterFeatureSource("INPUT", self.tr("Input layer")))
        self.addParameter(QgsProcessingParameterEnum(
            "DIRECTION", self.tr("Direction"),
            [self.tr("WGS84/CGCS2000 → GCJ-02 (to_gcj02)"),
             self.tr("GCJ-02 → WGS84/CGCS2000 (from_gcj02)")], defaultValue=1))
        self.addParameter(QgsProcessingParameterFeatureSink("OUTPUT", self.tr("Converted")))

    def processAlgorithm(self, parameters, context, feedback):
        import numpy as np
        import shapely

        from hezhang_plugin.core import gcj02
        from hezhang_plugin.core.waterchange import reproject
        from hezhang_plugin.data.qgsio import shapely_to_qgs

        source = self.parameterAsSource(parameters, "INPUT", context)
        if source is None:
            raise QgsProcessingException(self.invalidSourceError(parameters, "INPUT"))
        direction = DIRECTIONS[self.parameterAsEnum(parameters, "DIRECTION", context)]
        crs = source.sourceCrs()
        if not crs.isValid():
            raise QgsProcessingException(self.tr("The input layer has no CRS; set it first."))
        feats = list(source.getFeatures())
        wkbs = []
        for f in feats:
            g = f.geometry()
            if g is None or g.isNull() or g.isEmpty():
                feedback.pushWarning(self.tr("Feature {0} has no geometry; copied unchanged.").format(f.id()))
                wkbs.append(None)
            else:
                wkbs.append(bytes(g.asWkb()))
        geoms = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([], dtype=object)
        if crs.isGeographic():
            converted = gcj02.convert_geometries(geoms, direction)
        else:
            text = crs.authid() or crs.toWkt()
            lonlat = reproject(geoms, text, "EPSG:4490")
            converted = reproject(gcj02.convert_geometries(lonlat, direction), "EPSG:4490", text)
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, source.fields(),
                                          source.wkbType(), crs)
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        n = len(feats)
        for i, (f, g) in enumerate(zip(feats, converted)):
            if feedback.isCanceled():
                break
            if g is not None:
                f.setGeometry(shapely_to_qgs(g))
            if not sink.addFeature(f, QgsFeatureSink.Flag.FastInsert):
                raise QgsProcessingException(self.tr("Could not write feature {0}: {1}").format(
                    f.id(), sink.lastError()))
            if n:
                feedback.setProgress(100.0 * (i + 1) / n)
        if not crs.isGeographic() and crs != QgsCoordinateReferenceSystem("EPSG:4490"):
            feedback.pushInfo(self.tr("Converted through CGCS2000 longitudes and latitudes."))
        return {"OUTPUT": dest}
