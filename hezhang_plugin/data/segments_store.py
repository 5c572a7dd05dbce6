"""Storing a segmentation run: inserts, updates and retirements in one GeoPackage transaction."""

from __future__ import annotations

from typing import Sequence

from osgeo import ogr

from hezhang_plugin.data import io

ogr.UseExceptions()


def apply(path: str, rows: Sequence[dict], retired: Sequence[dict], layer: str = "segments") -> int:
    """Write segment rows (update when a row has a ``fid``, insert otherwise) and set
    ``valid_to`` on retired rows (``fid`` + ``valid_to``), all or nothing.

    Raises :class:`hezhang_plugin.data.io.WriteError` naming the segment that failed; the
    workspace is then unchanged. Returns the number of rows written.
    """
    import shapely

    count = 0
    with io.open_gpkg(path, update=True) as ds:
        lyr = ds.GetLayerByName(layer)
        if lyr is None:
            raise KeyError(f"{path} has no layer {layer}")
        defn = lyr.GetLayerDefn()
        names = {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())}
        ds.StartTransaction()
        try:
            for row in retired:
                feat = lyr.GetFeature(int(row["fid"]))
                if feat is None:
                    raise io.WriteError(f"{layer}: no feature with fid {row['fid']} to retire")
                feat.SetField("valid_to", row["valid_to"])
                lyr.SetFeature(feat)
                count += 1
            for row in rows:
                fid = row.get("fid")
                if fid is not None:
                    feat = lyr.GetFeature(int(fid))
                    if feat is None:
                        raise io.WriteError(f"{layer}: no feature with fid {fid} ({row.get('seg_code')})")
                else:
                    feat = ogr.Feature(defn)
                io._set_fields(feat, row, names)
                geom = row.get("geom")
                if geom is not None:
                    g = ogr.CreateGeometryFromWkb(shapely.to_wkb(geom))
                    feat.SetGeometry(ogr.ForceTo(g, lyr.GetGeomType()))
                try:
                    if fid is not None:
                        lyr.SetFeature(feat)
                    else:
                        lyr.CreateFeature(feat)
                except RuntimeError as exc:
                    raise io.WriteError(f"{layer} segment {row.get('seg_code')}: {exc}") from exc
                count += 1
            ds.CommitTransaction()
        except BaseException:
            ds.RollbackTransaction()
            raise
    return count
