"""QGIS features to and from shapely arrays (WKB bridge), for Processing algorithms; the
constraints a feature would break before it is added to a layer."""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
from qgis.core import QgsFeature, QgsFeatureRequest, QgsGeometry

#: largest distance (metres) between a curve and the straight segments replacing it
CURVE_TOLERANCE_M = 0.1


def curve_tolerance(crs) -> float:
    """:data:`CURVE_TOLERANCE_M` in the units of ``crs`` (degrees for a geographic CRS; the
    metres-per-degree figure of core.crs)."""
    from hezhang_plugin.core.crs import METRES_PER_DEGREE

    if crs is not None and crs.isValid() and crs.isGeographic():
        return CURVE_TOLERANCE_M / METRES_PER_DEGREE
    return CURVE_TOLERANCE_M


def linearised(geom, tolerance: float):
    """A QgsGeometry with its curves (CircularString, CompoundCurve, CurvePolygon, MultiCurve,
    MultiSurface) replaced by straight segments no farther than ``tolerance`` (layer units) from
    them; other geometries are returned as they are."""
    from qgis.core import QgsAbstractGeometry, QgsWkbTypes

    if geom is None or geom.isNull() or not QgsWkbTypes.isCurvedType(geom.wkbType()):
        return geom
    maximum_difference = QgsAbstractGeometry.SegmentationToleranceType.MaximumDifference
    return QgsGeometry(geom.constGet().segmentize(tolerance, maximum_difference))


def source_to_arrays(source, fields: Optional[Iterable[str]] = None, feedback=None, info: Optional[dict] = None):
    """Read a QgsFeatureSource: returns (fids, attribute dict of lists, shapely geometry array).

    Null or empty geometries come back as None in the geometry array, so callers can
    report them by feature id instead of dropping them. Curved geometries are linearised to
    within :data:`CURVE_TOLERANCE_M` metres (shapely has no curves); ``info``, when given,
    receives ``curved`` (how many were) and ``curve_tolerance_m``.
    """
    import shapely

    names = list(fields) if fields is not None else [f.name() for f in source.fields()]
    request = QgsFeatureRequest()
    fids, wkbs = [], []
    attrs: dict[str, list] = {n: [] for n in names}
    idx = {n: source.fields().lookupField(n) for n in names}
    tolerance = curve_tolerance(source.sourceCrs())
    curved = 0
    for feat in source.getFeatures(request):
        if feedback is not None and feedback.isCanceled():
            break
        fids.append(feat.id())
        g = feat.geometry()
        if g is not None and not g.isNull() and not g.isEmpty():
            flat = linearised(g, tolerance)
            curved += flat is not g
            wkbs.append(bytes(flat.asWkb()))
        else:
            wkbs.append(None)
        for n in names:
            v = feat.attribute(idx[n]) if idx[n] >= 0 else None
            attrs[n].append(None if v is None or (hasattr(v, "isNull") and v.isNull()) else v)
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([], dtype=object)
    if info is not None:
        info["curved"] = curved
        info["curve_tolerance_m"] = CURVE_TOLERANCE_M
    return fids, attrs, geoms


def shapely_to_qgs(geom) -> QgsGeometry:
    import shapely

    g = QgsGeometry()
    if geom is not None:
        g.fromWkb(shapely.to_wkb(geom))
    return g


def feature_from(fields, values: dict, geom=None) -> QgsFeature:
    feat = QgsFeature(fields)
    for k, v in values.items():
        i = fields.lookupField(k)
        if i >= 0:
            feat.setAttribute(i, v)
    if geom is not None:
        feat.setGeometry(shapely_to_qgs(geom))
    return feat


class _VertexReader:
    """Collects the x/y of every vertex of a geometry, in the order QGIS stores them."""

    def __init__(self):
        from qgis.core import QgsAbstractGeometryTransformer

        class Reader(QgsAbstractGeometryTransformer):
            def __init__(self, sink):
                super().__init__()
                self.sink = sink

            def transformPoint(self, x, y, z, m):
                self.sink.append((x, y))
                return True, x, y, z, m

        self.xy: list = []
        self.transformer = Reader(self.xy)


def move_xy(geoms, fn) -> list:
    """QgsGeometries with every vertex's x/y replaced by ``fn(xy)`` (an (n, 2) array of all the
    vertices at once, returning the same shape), keeping Z, M and curves as they are.

    Null geometries stay null. QGIS visits the vertices itself (QgsAbstractGeometryTransformer),
    so any geometry type QGIS can hold works, curves and M values included.
    """
    from qgis.core import QgsAbstractGeometryTransformer

    reader = _VertexReader()
    clones = []
    for g in geoms:
        if g is None or g.isNull():
            clones.append(None)
            continue
        c = g.constGet().clone()
        c.transform(reader.transformer)
        clones.append(c)
    if not reader.xy:
        return [QgsGeometry(c) if c is not None else QgsGeometry() for c in clones]
    moved = np.asarray(fn(np.asarray(reader.xy, dtype=float)), dtype=float)
    values = iter(moved.tolist())

    class Writer(QgsAbstractGeometryTransformer):
        def transformPoint(self, x, y, z, m):
            nx, ny = next(values)
            return True, nx, ny, z, m

    writer = Writer()
    out = []
    for c in clones:
        if c is None:
            out.append(QgsGeometry())
            continue
        c.transform(writer)
        out.append(QgsGeometry(c))
    return out


def constraint_problems(layer, feature: QgsFeature) -> list[str]:
    """What keeps ``feature`` from being saved into ``layer``: one text per field whose hard
    constraint it breaks (not null, unique, expression; the provider's own, e.g. a
    GeoPackage NOT NULL column, and the layer's), checked by QGIS as its save would, and
    worded by QGIS in its language. Empty when the feature can be saved."""
    from qgis.core import QgsFieldConstraints, QgsVectorLayerUtils

    out = []
    for i, field in enumerate(layer.fields()):
        ok, errors = QgsVectorLayerUtils.validateAttribute(
            layer, feature, i, QgsFieldConstraints.ConstraintStrength.ConstraintStrengthHard,
            QgsFieldConstraints.ConstraintOrigin.ConstraintOriginNotSet)
        if not ok:
            out.append(f"{field.displayName()}: {'; '.join(errors)}")
    return out
