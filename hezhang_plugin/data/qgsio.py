"""QGIS features to and from shapely arrays (WKB bridge), for Processing algorithms; the
constraints a feature would break before it is added to a layer."""

from __future__ import annotations

from typing import Iterable, Optional

import numpy as np
from qgis.core import QgsFeature, QgsFeatureRequest, QgsGeometry


def source_to_arrays(source, fields: Optional[Iterable[str]] = None, feedback=None):
    """Read a QgsFeatureSource: returns (fids, attribute dict of lists, shapely geometry array).

    Null or empty geometries come back as None in the geometry array, so callers can
    report them by feature id instead of dropping them.
    """
    import shapely

    names = list(fields) if fields is not None else [f.name() for f in source.fields()]
    request = QgsFeatureRequest()
    fids, wkbs = [], []
    attrs: dict[str, list] = {n: [] for n in names}
    idx = {n: source.fields().lookupField(n) for n in names}
    for feat in source.getFeatures(request):
        if feedback is not None and feedback.isCanceled():
            break
        fids.append(feat.id())
        g = feat.geometry()
        wkbs.append(bytes(g.asWkb()) if g is not None and not g.isNull() and not g.isEmpty() else None)
        for n in names:
            v = feat.attribute(idx[n]) if idx[n] >= 0 else None
            attrs[n].append(None if v is None or (hasattr(v, "isNull") and v.isNull()) else v)
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([], dtype=object)
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


def constraint_problems(layer, feature: QgsFeature) -> list[str]:
    """What keeps ``feature`` from being saved into ``layer``: one text per field whose hard
    constraint it breaks (not null, unique, expression; the provider's own, e.g. a
    GeoPackage NOT NULL column, and the layer's), checked by QGIS as its save would, and
    worded by QGIS in its language. Empty when the feature can be saved."""
    from qgis.core import QgsFieldConstraints, QgsVectorLayerUtils

    out = []
    for i, field in enumerate(layer.fields()):
        ok, errors = QgsVectorLayerUtils.validateAttribute(
            layer, feature, i, QgsFieldConstraints.ConstraintStrengthHard,
            QgsFieldConstraints.ConstraintOriginNotSet)
        if not ok:
            out.append(f"{field.displayName()}: {'; '.join(errors)}")
    return out
