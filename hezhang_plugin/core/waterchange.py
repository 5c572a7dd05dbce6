"""Water lost and gained between two multispectral scenes, near the river segments.

Per date a water mask is NDWI = (green - NIR) / (green + NIR) above a threshold. The after
scene is resampled (nearest) onto the before scene's grid when they differ. Only pixels
inside a buffer around the segments count. Changed pixels are polygonised (GDAL), their
areas are ellipsoidal (CGCS2000/GRS80 geodesic), and each polygon gets the nearest segment
and, when a workspace is given, the chiefs responsible for it on the after date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.core.messages import HezhangError
from hezhang_plugin.core.projthreads import proj_safe

LOST = "water_lost"
GAINED = "water_gained"
CHANGE_LABELS = {LOST: ("Water lost", "水面减少"), GAINED: ("Water gained", "水面增加")}


class WaterChangeError(HezhangError):
    """Inputs the water-change analysis cannot use; ``text(lang)`` says which and why."""


@dataclass
class Change:
    geom: object  # shapely polygon in the output CRS
    change: str
    area_m2: float
    seg_code: Optional[str]
    chiefs: str = ""


def _gdal():
    from osgeo import gdal, ogr, osr

    return gdal, ogr, osr


def _ndwi_mask(ds, green: int, nir: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """(water, valid) boolean arrays of one dataset."""
    n = ds.RasterCount
    for b in (green, nir):
        if b < 1 or b > n:
            raise WaterChangeError("waterchange.band_missing", raster=ds.GetDescription(), band=b, count=n)
    gb, nb = ds.GetRasterBand(green), ds.GetRasterBand(nir)
    g = gb.ReadAsArray().astype("float64")
    r = nb.ReadAsArray().astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        ndwi = (g - r) / (g + r)
    valid = np.isfinite(ndwi)
    for band, arr in ((gb, g), (nb, r)):
        nd = band.GetNoDataValue()
        if nd is not None:
            valid &= arr != nd
    water = valid & (ndwi > threshold)
    return water, valid


def _same_grid(a, b) -> bool:
    from osgeo import osr

    sa, sb = osr.SpatialReference(a.GetProjection()), osr.SpatialReference(b.GetProjection())
    return (a.RasterXSize == b.RasterXSize and a.RasterYSize == b.RasterYSize
            and np.allclose(a.GetGeoTransform(), b.GetGeoTransform()) and bool(sa.IsSame(sb)))


def _resample_to(src, like):
    gdal, _, _ = _gdal()
    gt = like.GetGeoTransform()
    xs, ys = like.RasterXSize, like.RasterYSize
    bounds = (gt[0], gt[3] + gt[5] * ys, gt[0] + gt[1] * xs, gt[3])
    return gdal.Warp("", src, format="MEM", outputBounds=bounds, width=xs, height=ys,
                     dstSRS=like.GetProjection(), resampleAlg="near")


def _pyproj_crs(crs):
    from pyproj import CRS

    from hezhang_plugin.core.geodesy import ensure_proj_data

    ensure_proj_data()
    return CRS.from_user_input(crs)


def _transformer(src, dst):
    from pyproj import Transformer

    return Transformer.from_crs(_pyproj_crs(src), _pyproj_crs(dst), always_xy=True)


@proj_safe
def reproject(geoms, src, dst):
    """Shapely geometries from CRS ``src`` to ``dst`` (any pyproj input), x/y order."""
    import shapely

    if _pyproj_crs(src) == _pyproj_crs(dst):
        return np.asarray(geoms, dtype=object)
    t = _transformer(src, dst)

    def fn(xy):
        x, y = t.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(np.asarray(geoms, dtype=object), fn)


def _metric_crs(geoms_lonlat) -> str:
    """A transverse Mercator centred on the data (GRS80), for buffers in metres."""
    import shapely

    c = shapely.centroid(shapely.union_all(geoms_lonlat))
    return (f"+proj=tmerc +lat_0=0 +lon_0={c.x:.6f} +k=1 +x_0=500000 +y_0=0 "
            "+ellps=GRS80 +units=m +no_defs")


def _rasterize(polys, like) -> np.ndarray:
    """Boolean mask of ``polys`` (in the raster CRS) on the grid of ``like``."""
    import shapely

    gdal, ogr, osr = _gdal()
    mem = gdal.GetDriverByName("MEM").Create("", like.RasterXSize, like.RasterYSize, 1, gdal.GDT_Byte)
    mem.SetGeoTransform(like.GetGeoTransform())
    mem.SetProjection(like.GetProjection())
    vds = ogr.GetDriverByName("Memory").CreateDataSource("buf")
    srs = osr.SpatialReference(like.GetProjection())
    lyr = vds.CreateLayer("buf", srs, ogr.wkbPolygon)
    for wkb in shapely.to_wkb(np.asarray(polys, dtype=object)):
        feat = ogr.Feature(lyr.GetLayerDefn())
        feat.SetGeometry(ogr.CreateGeometryFromWkb(bytes(wkb)))
        lyr.CreateFeature(feat)
    gdal.RasterizeLayer(mem, [1], lyr, burn_values=[1])
    return mem.GetRasterBand(1).ReadAsArray().astype(bool)


def _polygonize(codes: np.ndarray, like) -> tuple[list, list]:
    """Shapely polygons (raster CRS) and codes of the connected non-zero regions of ``codes``."""
    import shapely

    gdal, ogr, _ = _gdal()
    mem = gdal.GetDriverByName("MEM").Create("", codes.shape[1], codes.shape[0], 1, gdal.GDT_Byte)
    mem.SetGeoTransform(like.GetGeoTransform())
    mem.SetProjection(like.GetProjection())
    band = mem.GetRasterBand(1)
    band.WriteArray(codes.astype("uint8"))
    vds = ogr.GetDriverByName("Memory").CreateDataSource("out")
    lyr = vds.CreateLayer("out", None, ogr.wkbPolygon)
    lyr.CreateField(ogr.FieldDefn("code", ogr.OFTInteger))
    gdal.Polygonize(band, band, lyr, 0, ["8CONNECTED=8"])
    wkbs, out_codes = [], []
    for feat in lyr:
        wkbs.append(bytes(feat.GetGeometryRef().ExportToIsoWkb()))
        out_codes.append(feat.GetField(0))
    geoms = list(shapely.from_wkb(np.array(wkbs, dtype=object))) if wkbs else []
    return geoms, out_codes


def geodesic_areas_m2(geoms_lonlat) -> np.ndarray:
    """Ellipsoidal areas (GRS80 = CGCS2000 ellipsoid) of lon/lat polygons, in m²."""
    from pyproj import Geod

    geod = Geod(a=6378137.0, rf=298.257222101)
    return np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in geoms_lonlat], dtype="float64")


@proj_safe
@gdal_exceptions
def detect_changes(before: str, after: str, green_band: int, nir_band: int, threshold: float,
                   segments: Sequence, seg_codes: Sequence[Optional[str]], segments_crs: str,
                   buffer_m: float, min_area_m2: float = 0.0, feedback=None) -> list[Change]:
    """Water lost/gained polygons (in ``segments_crs``) within ``buffer_m`` of the segments."""
    import shapely

    gdal, _, _ = _gdal()
    if buffer_m <= 0:
        raise WaterChangeError("waterchange.buffer")
    try:
        ds_b = gdal.Open(before)
        ds_a = gdal.Open(after)
    except RuntimeError as exc:
        raise WaterChangeError("waterchange.unreadable", reason=str(exc)) from exc
    if not ds_b.GetProjection():
        raise WaterChangeError("waterchange.no_crs", raster=before)
    if not ds_a.GetProjection():
        raise WaterChangeError("waterchange.no_crs", raster=after)
    seg = np.asarray(segments, dtype=object)
    keep = ~shapely.is_missing(seg) & ~shapely.is_empty(seg) if len(seg) else np.zeros(0, bool)
    if not keep.any():
        raise WaterChangeError("waterchange.no_segments")
    seg = seg[keep]
    codes = [c for c, k in zip(seg_codes, keep) if k]
    if not _same_grid(ds_a, ds_b):
        ds_a = _resample_to(ds_a, ds_b)
    if feedback is not None:
        feedback.setProgress(10)
    water_b, valid_b = _ndwi_mask(ds_b, green_band, nir_band, threshold)
    water_a, valid_a = _ndwi_mask(ds_a, green_band, nir_band, threshold)
    if feedback is not None:
        feedback.setProgress(40)

    raster_crs = ds_b.GetProjection()
    seg_ll = reproject(seg, segments_crs, "EPSG:4490")
    metric = _metric_crs(seg_ll)
    seg_m = reproject(seg_ll, "EPSG:4490", metric)
    buffers_m = shapely.buffer(seg_m, buffer_m)
    buffer_raster = reproject([shapely.union_all(buffers_m)], metric, raster_crs)
    inside = _rasterize(buffer_raster, ds_b)
    ok = inside & valid_b & valid_a
    change = np.zeros(water_b.shape, dtype="uint8")
    change[ok & water_b & ~water_a] = 1
    change[ok & ~water_b & water_a] = 2
    if feedback is not None:
        feedback.setProgress(60)
    polys, pcodes = _polygonize(change, ds_b)
    if not polys:
        return []
    polys = np.asarray(polys, dtype=object)
    polys_ll = reproject(polys, raster_crs, "EPSG:4490")
    areas = geodesic_areas_m2(polys_ll)
    big = areas >= min_area_m2
    polys, polys_ll, areas = polys[big], polys_ll[big], areas[big]
    pcodes = [c for c, b in zip(pcodes, big) if b]
    if not len(polys):
        return []
    tree = shapely.STRtree(seg_m)
    polys_m = reproject(polys_ll, "EPSG:4490", metric)
    pairs = tree.query_nearest(polys_m, all_matches=False)
    nearest = np.full(len(polys_m), -1)
    nearest[pairs[0]] = pairs[1]
    out_geoms = reproject(polys, raster_crs, segments_crs)
    if feedback is not None:
        feedback.setProgress(90)
    return [Change(g, LOST if c == 1 else GAINED, float(a), codes[n] if n >= 0 else None)
            for g, c, a, n in zip(out_geoms, pcodes, areas, nearest)]


def _role_label(role: str) -> str:
    from hezhang_plugin.core import schema

    return schema.ROLES.label(role, "zh")


def chief_names_by_segment(chiefs: Sequence[dict], assignments: Sequence[dict],
                           on_date: Optional[str] = None) -> dict[str, str]:
    """seg_code -> "name(role)、..." of the appointments current on ``on_date`` (default today)."""
    from hezhang_plugin.core import dates, validity

    day = dates.parse_date(on_date) or dates.today()
    chiefs = {r["chief_id"]: r for r in chiefs}
    out: dict[str, list[str]] = {}
    for r in sorted(assignments, key=lambda r: (r.get("seg_code") or "", r.get("level") or "")):
        if not validity.is_current(r, day):
            continue
        chief = chiefs.get(r.get("chief_id"))
        name = chief["name"] if chief else r.get("chief_id")
        out.setdefault(r["seg_code"], []).append(f"{name}({_role_label(r.get('role') or 'chief')})")
    return {k: "、".join(v) for k, v in out.items()}
