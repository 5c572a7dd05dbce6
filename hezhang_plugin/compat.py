"""The few places where QGIS 3.22 and newer releases differ. Keyed on the QGIS version."""

from __future__ import annotations

from qgis.core import Qgis, QgsSnappingConfig, QgsTolerance

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


def line_geometry_type():
    """The line geometry type (rubber bands, layer checks): an enum of Qgis from 3.30 on."""
    if hasattr(Qgis, "GeometryType"):  # 3.30+
        return Qgis.GeometryType.Line
    from qgis.core import QgsWkbTypes

    return QgsWkbTypes.LineGeometry
