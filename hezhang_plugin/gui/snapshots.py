"""Reading workspace layers in a worker thread, edit buffers included.

A :class:`LayerSnapshot` is made in the main thread from a layer of the workspace session:
it copies the layer's feature source (provider and edit-buffer state), so a task reads the
rows as the user sees them — saved or not — without touching the live layer. When the
layer has no pending edits it reads the workspace directly through its backend (SQLite for
a GeoPackage), which is many times faster for large non-spatial tables.
"""

from __future__ import annotations

from typing import Iterable, Optional

from qgis.core import QgsFeatureRequest, QgsVectorLayer, QgsVectorLayerFeatureSource
from qgis.PyQt.QtCore import QDate, QDateTime, Qt

from hezhang_plugin import log
from hezhang_plugin.core import lengths, schema

#: Free-text fields the pages never show (left out of their reads).
_FREE_TEXT = ("start_name", "end_name", "target")


def read_fields(name: str) -> tuple:
    """The fields pages read of a layer: all of the schema's but the long free texts."""
    return tuple(f for f in schema.layer(name).field_names if f not in _FREE_TEXT)


def plain(value):
    """A QVariant attribute as a plain Python value (dates and date-times as ISO text)."""
    if value is None:
        return None
    if hasattr(value, "isNull") and value.isNull():
        return None
    if isinstance(value, QDateTime):  # local time, as core.problems reads event times
        return value.toString("yyyy-MM-ddTHH:mm:ss")
    if isinstance(value, QDate):
        return value.toString(Qt.DateFormat.ISODate)
    if hasattr(value, "toPyDate"):
        return value.toPyDate().isoformat()
    return value


def source_rows(source, fields, names, with_geometry: bool = False) -> list[dict]:
    """Attribute rows (fid included) of a layer or a QgsVectorLayerFeatureSource (safe in a
    worker thread); ``fields`` are the layer's fields copied in the main thread. With
    ``with_geometry`` each row has ``geom`` (shapely; None when empty)."""
    import shapely

    have = [n for n in names if fields.lookupField(n) >= 0]
    idx = [fields.lookupField(n) for n in have]
    req = QgsFeatureRequest().setSubsetOfAttributes(idx)
    if not with_geometry:
        req.setFlags(QgsFeatureRequest.NoGeometry)
    out = []
    for feat in source.getFeatures(req):
        attrs = feat.attributes()
        row = {"fid": feat.id()}
        for n, i in zip(have, idx):
            row[n] = plain(attrs[i])
        if "active" in row:
            row["active"] = row["active"] in (True, 1, "1", "true", None)
        if with_geometry:
            g = feat.geometry()
            row["geom"] = shapely.from_wkb(bytes(g.asWkb())) if g is not None and not g.isEmpty() else None
        out.append(row)
    return out


def layer_rows(layer: QgsVectorLayer, names) -> list[dict]:
    """Attribute rows of a live layer (edit buffer included), in the main thread."""
    return source_rows(layer, layer.fields(), names)


class LayerSnapshot:
    """What a worker thread needs to read one layer (see the module docstring)."""

    def __init__(self, backend, name: str, layer: Optional[QgsVectorLayer]):
        self.backend, self.name = backend, name
        self.fields = None
        self.source = None
        self.from_backend = False
        self.crs = schema.DEFAULT_CRS
        if layer is None or not layer.isValid():
            return
        self.fields = layer.fields()
        self.crs = layer.crs().authid() or layer.crs().toWkt() or schema.DEFAULT_CRS
        self.from_backend = (backend is not None and not (layer.isEditable() and layer.isModified())
                             and not layer.subsetString())
        # Read from the backend, the layer's own feature source is only a fallback, and the
        # provider's (the saved rows: there are no pending edits) serves: a whole layer's source
        # copies its joins too, and the segments' join to the derived lead-terms layer runs that
        # layer's query over every appointment the first time (7 s at province scale, in the
        # main thread). The provider's fields are the layer's first ones, same indices.
        self.source = layer.dataProvider().featureSource() if self.from_backend else \
            QgsVectorLayerFeatureSource(layer)

    def rows(self, with_geometry: bool = False) -> list[dict]:
        """The layer's rows (``geom`` as shapely in :attr:`crs` when ``with_geometry``)."""
        if self.source is None:
            return []
        if self.from_backend:
            try:
                if with_geometry:
                    return self.backend.read_rows(self.name)
                return self.backend.read_attributes(self.name)
            except Exception as exc:  # locked or unusual file: fall back to the source
                log.get_logger().info("reading %s through the layer: %s", self.name, exc)
        return source_rows(self.source, self.fields, read_fields(self.name), with_geometry)

    def columns(self) -> dict:
        """The layer's attribute rows as columns (field name → list, ``fid`` included): from
        the backend when the layer has no pending edits, else through the layer."""
        if self.source is None:
            return {}
        if self.from_backend:
            try:
                return self.backend.read_columns(self.name, read_fields(self.name))
            except Exception as exc:  # locked or unusual file: fall back to the source
                log.get_logger().info("reading %s through the layer: %s", self.name, exc)
        rows = source_rows(self.source, self.fields, read_fields(self.name))
        names = ["fid"] + [n for n in read_fields(self.name) if self.fields.lookupField(n) >= 0]
        return {n: [r.get(n) for r in rows] for n in names}

    def single_bank_geometries(self) -> dict:
        """fid → shapely geometry of the left/right-bank segments (the single-bank km rule
        compares them with the opposite bank; other segments need no geometry)."""
        import shapely

        if self.source is None:
            return {}
        banks = ", ".join(f"'{b}'" for b in lengths.SINGLE_BANKS)
        if self.from_backend:  # the filter runs in the database, not per feature in QGIS
            try:
                return {r["fid"]: r["geom"] for r in self.backend.read_rows(self.name, where=f"bank IN ({banks})")
                        if r.get("geom") is not None and not r["geom"].is_empty}
            except Exception as exc:  # locked or unusual file: fall back to the source
                log.get_logger().info("reading %s through the layer: %s", self.name, exc)
        req = QgsFeatureRequest().setFilterExpression(f'"bank" IN ({banks})').setNoAttributes()
        out = {}
        for feat in self.source.getFeatures(req):
            geom = feat.geometry()
            if geom is not None and not geom.isEmpty():
                out[feat.id()] = shapely.from_wkb(bytes(geom.asWkb()))
        return out


def snapshots(session, names: Iterable[str]) -> dict:
    """name → LayerSnapshot of the session's layers (main thread)."""
    layers = session.layers() if session is not None else {}
    backend = session.backend if session is not None else None
    return {name: LayerSnapshot(backend, name, layers.get(name)) for name in names}


def segment_columns_with_bank_geometry(snapshot: LayerSnapshot) -> dict:
    """Segment columns with ``geom`` (None but on the single-bank segments: what
    core.lengths needs)."""
    cols = snapshot.columns()
    geoms = snapshot.single_bank_geometries()
    if cols:
        cols["geom"] = [geoms.get(f) for f in cols["fid"]]
    return cols


def segments_with_bank_geometry(snapshot: LayerSnapshot) -> list[dict]:
    """Segment rows with ``geom`` on the single-bank ones (what core.lengths needs)."""
    rows = snapshot.rows()
    geoms = snapshot.single_bank_geometries()
    for r in rows:
        if r["fid"] in geoms:
            r["geom"] = geoms[r["fid"]]
    return rows
