"""Small input files as districts send them, built by code, with the right answer for each.

Every file is a few kilobytes of vector data (GeoPackage, Shapefile) or a tiny GeoTIFF,
written with GDAL/OGR exactly as another program would write it (no Hezhang code involved),
so the tests read them the way a user's QGIS does. Coordinates are EPSG:4547 (CGCS2000
3-degree Gauss–Krüger, central meridian 114°E, no zone prefix) around 114°E 34°N, given as
local metres plus the offsets X0, Y0; near the central meridian, grid metres equal ellipsoidal
metres to better than 1e-6, so the expected lengths below are plain geometry, and the tests
also check them against pyproj.Geod.

The cases (issue 10) and their right values:

1. ``gap``: 甲 = box(0, 0, 999.75, 1000), 乙 = box(1000.25, 0, 2000, 1000), river
   (100, 500) → (1900, 500); BOUNDARY_TOLERANCE 10 m, MIN_LENGTH 50 m. A 0.5 m gap between
   neighbours is not a boundary: 沙河甲村段 源头 → 乙村界 and 沙河乙村段 甲村界 → 河口,
   0.900 km each, 1.800 km in all. Variants of the same kind: ``overlap`` (the two villages
   overlap by 0.5 m: the same answer), ``oblique`` (the gap crossed at 30 degrees: two
   segments of 0.7 km / cos 30° = 0.8083 km, meeting in the gap) and ``source_in_gap`` (the
   river rises inside the gap: one segment 沙河乙村段 源头 → 河口, 0.900 km).
2. ``direction``: 甲 = box(0, 0, 3000, 1000), 乙 = box(0, 1000, 3000, 2000); a MultiLineString
   river, part 1 x 100 → 1500, part 2 digitised x 2900 → 1500 (mouth to source), both
   wandering ±3 m about y = 1000: 沙河乙村段（左岸） and 沙河甲村段（右岸）, 2.805 km each
   (the river's length), 源头 → 河口, and a note that part 2 was reversed.
   ``tributary``: a main river 大河 along y = 1900 and a tributary 小河 (parent_river_code
   DH) digitised from its mouth on 大河 to its source: reversed with a note; its segments
   run 乙村 → 甲村 from 源头 to 河口. A tributary whose parent is not in the layer keeps its
   digitised direction with a note.
3. ``curves``: rivers as MultiCurve (a CompoundCurve holding a CircularString: the half circle
   of radius 1000 m centred on (1000, 0), from (0, 0) over (1000, 1000) to (2000, 0), then
   straight on to (2000, -500)), villages as MultiSurface (CurvePolygons) 甲 = x < 1000,
   乙 = x > 1000 (y -600 … 1200): the arc is cut at x = 1000 into two quarter circles of
   π/2 km = 1.5708 km each (the straight 0.5 km tail belongs to 乙: 2.0708 km), within the
   stated 0.1 m linearisation tolerance.
4. ``no_prj``: a rivers shapefile without its .prj → "RIVERS … has no CRS; set it first".
   ``metres_as_degrees``: a rivers layer labelled EPSG:4326 holding x ≈ 500000 → refused,
   naming the layer. ``degrees_as_metres``: a layer labelled EPSG:4547 holding 114°/34° →
   refused. ``raster_no_crs``: a GeoTIFF without a CRS → refused as an imagery input.
5. ``gbk_no_cpg``: rivers shapefile with GBK names (沙河) and no .cpg, language byte 0: QGIS
   reads ``ɳ��``; refused with the encoding setting to change, nothing written; with the
   layer's encoding set to GBK the segment is 沙河甲村段. ``latin1``: the same bytes read
   as Windows-1252 (``É³ºÓ``) are refused too.
7. ``zm``: a PointZ (114.0213 33.5812 62.5) and a LineStringZM in EPSG:4490, as digitised on a
   GCJ-02 map: hezhang:gcj02convert moves X/Y only, Z 62.5 and the line's Z/M stay.
"""

from __future__ import annotations

import math
import os

X0, Y0 = 500000.0, 3760000.0
GK = 4547


def _ogr():
    from osgeo import ogr, osr

    ogr.UseExceptions()
    return ogr, osr


def write_layer(path: str, name: str, epsg, gtype, fields, rows, driver="GPKG", options=()):
    """Write ``rows`` ((attribute dict, WKT in local metres or absolute), …) with OGR.

    WKT coordinates are taken as they are; ``epsg`` None writes no CRS.
    """
    ogr, osr = _ogr()
    drv = ogr.GetDriverByName(driver)
    exists = os.path.exists(path)
    ds = drv.Open(path, 1) if exists and driver == "GPKG" else drv.CreateDataSource(path)
    srs = None
    if epsg is not None:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    lyr = ds.CreateLayer(name, srs, gtype, options=list(options))
    for fname, ftype in fields:
        lyr.CreateField(ogr.FieldDefn(fname, ftype))
    for attrs, wkt in rows:
        feat = ogr.Feature(lyr.GetLayerDefn())
        for k, v in attrs.items():
            feat.SetField(k, v)
        feat.SetGeometry(ogr.CreateGeometryFromWkt(wkt))
        lyr.CreateFeature(feat)
    ds = None
    return path


def _box(x0, y0, x1, y1):
    return (f"MULTIPOLYGON ((({X0 + x0} {Y0 + y0}, {X0 + x1} {Y0 + y0}, {X0 + x1} {Y0 + y1}, "
            f"{X0 + x0} {Y0 + y1}, {X0 + x0} {Y0 + y0})))")


def _line(points):
    return "MULTILINESTRING ((" + ", ".join(f"{X0 + x} {Y0 + y}" for x, y in points) + "))"


def _multi(parts):
    return "MULTILINESTRING (" + ", ".join(
        "(" + ", ".join(f"{X0 + x} {Y0 + y}" for x, y in part) + ")" for part in parts) + ")"


def _villages(path, boxes):
    ogr, _ = _ogr()
    rows = [({"code": code, "name": name, "level": "village"}, _box(*b)) for code, name, b in boxes]
    return write_layer(path, "villages", GK, ogr.wkbMultiPolygon,
                       [("code", ogr.OFTString), ("name", ogr.OFTString), ("level", ogr.OFTString)], rows)


def _rivers(path, rivers, layer="rivers"):
    ogr, _ = _ogr()
    rows = [({"river_code": code, "name": name, "parent_river_code": parent}, wkt)
            for code, name, parent, wkt in rivers]
    return write_layer(path, layer, GK, ogr.wkbMultiLineString,
                       [("river_code", ogr.OFTString), ("name", ogr.OFTString),
                        ("parent_river_code", ogr.OFTString)], rows)


JIA, YI = ("411171100001", "甲村"), ("411171100002", "乙村")

#: case 1, per variant: the villages (with their topology noise), the river, and the right
#: segments as (name, start_name, end_name, km)
_T30 = math.tan(math.radians(30))
GAP_CASES = {
    "gap": ([(*JIA, (0, 0, 999.75, 1000)), (*YI, (1000.25, 0, 2000, 1000))], [(100, 500), (1900, 500)],
            [("沙河甲村段", "源头", "乙村界", 0.9), ("沙河乙村段", "甲村界", "河口", 0.9)]),
    "overlap": ([(*JIA, (0, 0, 1000.25, 1000)), (*YI, (999.75, 0, 2000, 1000))], [(100, 500), (1900, 500)],
                [("沙河甲村段", "源头", "乙村界", 0.9), ("沙河乙村段", "甲村界", "河口", 0.9)]),
    # the gap crossed at 30 degrees: each half is 0.7 km / cos 30°
    "oblique": ([(*JIA, (0, 0, 999.75, 1000)), (*YI, (1000.25, 0, 2000, 1000))],
                [(300, 500 - 700 * _T30), (1700, 500 + 700 * _T30)],
                [("沙河甲村段", "源头", "乙村界", 0.7 / math.cos(math.radians(30))),
                 ("沙河乙村段", "甲村界", "河口", 0.7 / math.cos(math.radians(30)))]),
    # the river rises inside the gap
    "source_in_gap": ([(*JIA, (0, 0, 999.75, 1000)), (*YI, (1000.25, 0, 2000, 1000))],
                      [(1000.0, 500), (1900, 500)], [("沙河乙村段", "源头", "河口", 0.9)]),
}


def case_gap(folder: str, variant: str = "gap") -> dict:
    boxes, river, segments = GAP_CASES[variant]
    path = os.path.join(folder, f"case1_{variant}.gpkg")
    _villages(path, boxes)
    _rivers(path, [("SH", "沙河", None, _line(river))])
    return {"path": path, "segments": segments}


def wander(x_from, x_to, step=100.0, amplitude=3.0):
    """Points from x_from to x_to every ``step`` m, alternately ``amplitude`` m below/above y = 1000."""
    n = int(round(abs(x_to - x_from) / step))
    sign = 1 if x_to > x_from else -1
    return [(x_from + sign * i * step, 1000 + (amplitude if i % 2 else -amplitude)) for i in range(n + 1)]


def case_direction(folder: str) -> dict:
    path = os.path.join(folder, "case2_direction.gpkg")
    _villages(path, [(*JIA, (0, 0, 3000, 1000)), (*YI, (0, 1000, 3000, 2000))])
    part1, part2 = wander(100, 1500), wander(2900, 1500)
    _rivers(path, [("SH", "沙河", None, _multi([part1, part2]))])
    km = sum(math.dist(a, b) for a, b in zip(part1, part1[1:])) + \
        sum(math.dist(a, b) for a, b in zip(part2, part2[1:]))
    return {"path": path, "km": km / 1000.0}


def case_tributary(folder: str) -> dict:
    path = os.path.join(folder, "case2_tributary.gpkg")
    _villages(path, [(*JIA, (0, 0, 1000, 2000)), (*YI, (1000, 0, 2000, 2000))])
    _rivers(path, [
        ("DH", "大河", None, _line([(0, 1900), (2000, 1900)])),
        # digitised from the mouth on 大河 to the source: 1.4 km in each village
        ("XH", "小河", "DH", _line([(500, 1900), (500, 1000), (1500, 1000), (1500, 100)])),
        # parent not in the layer
        ("QH", "清河", "WH", _line([(300, 100), (300, 1500)])),
    ])
    return {"path": path}


def case_curves(folder: str) -> dict:
    ogr, _ = _ogr()
    path = os.path.join(folder, "case3_curves.gpkg")

    def p(x, y):
        return f"{X0 + x} {Y0 + y}"

    river = (f"MULTICURVE (COMPOUNDCURVE (CIRCULARSTRING ({p(0, 0)}, {p(1000, 1000)}, {p(2000, 0)}), "
             f"({p(2000, 0)}, {p(2000, -500)})))")
    write_layer(path, "rivers", GK, ogr.wkbMultiCurve, [("river_code", ogr.OFTString), ("name", ogr.OFTString)],
                [({"river_code": "SH", "name": "沙河"}, river)])

    def curve_polygon(x0, x1):
        # a straight-sided village stored as a curve type, its far side bulging as an arc
        xm = x0 - 200 if x0 < 1000 else x1 + 200
        far, near = (x0, x1) if x0 < 1000 else (x1, x0)
        ring = (f"COMPOUNDCURVE (({p(near, -600)}, {p(near, 1200)}, {p(far, 1200)}), "
                f"CIRCULARSTRING ({p(far, 1200)}, {p(xm, 300)}, {p(far, -600)}), ({p(far, -600)}, {p(near, -600)}))")
        return f"MULTISURFACE (CURVEPOLYGON ({ring}))"

    write_layer(path, "villages", GK, ogr.wkbMultiSurface,
                [("code", ogr.OFTString), ("name", ogr.OFTString)],
                [({"code": JIA[0], "name": JIA[1]}, curve_polygon(-100, 1000)),
                 ({"code": YI[0], "name": YI[1]}, curve_polygon(1000, 2100))])
    quarter = math.pi / 2.0  # km: a quarter of a circle of radius 1 km
    return {"path": path, "jia_km": quarter, "yi_km": quarter + 0.5}


def _shapefile_rivers(folder, name, epsg, points, river_name="沙河", encoding="UTF-8"):
    from osgeo import gdal

    ogr, _ = _ogr()
    path = os.path.join(folder, name + ".shp")
    # QGIS sets SHAPE_ENCODING="" process-wide when it opens a shapefile, which makes GDAL
    # ignore the ENCODING creation option: lift it while writing
    before = gdal.GetConfigOption("SHAPE_ENCODING")
    gdal.SetConfigOption("SHAPE_ENCODING", None)
    try:
        write_layer(path, name, epsg, ogr.wkbLineString, [("river_code", ogr.OFTString), ("name", ogr.OFTString)],
                    [({"river_code": "SH", "name": river_name}, "LINESTRING (" + ", ".join(
                        f"{x} {y}" for x, y in points) + ")")],
                    driver="ESRI Shapefile", options=[f"ENCODING={encoding}"])
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", before)
    if encoding.upper() in ("CP936", "GBK"):
        with open(path[:-4] + ".dbf", "rb") as fh:
            assert "沙河".encode("gbk") in fh.read(), "the DBF must hold GBK bytes"
    return path


def case_no_prj(folder: str) -> dict:
    path = _shapefile_rivers(folder, "rivers_no_prj", GK, [(X0 + 100, Y0 + 500), (X0 + 1900, Y0 + 500)])
    os.remove(path[:-4] + ".prj")
    return {"path": path, "villages": _villages(os.path.join(folder, "case4_villages.gpkg"),
                                                [(*JIA, (0, 0, 1000, 1000)), (*YI, (1000, 0, 2000, 1000))])}


def case_metres_as_degrees(folder: str) -> dict:
    ogr, _ = _ogr()
    path = os.path.join(folder, "case4_metres_as_degrees.gpkg")
    _rivers_epsg(path, 4326, [(X0 + 100, Y0 + 500), (X0 + 1900, Y0 + 500)])
    return {"path": path}


def case_degrees_as_metres(folder: str) -> dict:
    path = os.path.join(folder, "case4_degrees_as_metres.gpkg")
    _rivers_epsg(path, GK, [(114.001, 33.97), (114.02, 33.97)])
    return {"path": path}


def _rivers_epsg(path, epsg, points):
    ogr, _ = _ogr()
    return write_layer(path, "rivers", epsg, ogr.wkbMultiLineString,
                       [("river_code", ogr.OFTString), ("name", ogr.OFTString)],
                       [({"river_code": "SH", "name": "沙河"},
                         "MULTILINESTRING ((" + ", ".join(f"{x} {y}" for x, y in points) + "))")])


def raster_no_crs(folder: str) -> str:
    """A 4-band 8 x 8 GeoTIFF with a geotransform but no CRS."""
    import numpy as np
    from osgeo import gdal

    path = os.path.join(folder, "case4_raster_no_crs.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, 8, 8, 4, gdal.GDT_Byte)
    ds.SetGeoTransform((X0, 10.0, 0.0, Y0 + 80, 0.0, -10.0))
    for b in range(1, 5):
        ds.GetRasterBand(b).WriteArray(np.full((8, 8), 10 * b, dtype=np.uint8))
    ds = None
    return path


def case_gbk(folder: str, language_byte: int = 0) -> dict:
    """Rivers shapefile written in GBK, its .cpg removed and the DBF language byte set."""
    path = _shapefile_rivers(folder, f"rivers_gbk_{language_byte:02x}", GK,
                             [(X0 + 100, Y0 + 500), (X0 + 900, Y0 + 500)], encoding="CP936")
    cpg = path[:-4] + ".cpg"
    if os.path.exists(cpg):
        os.remove(cpg)
    dbf = path[:-4] + ".dbf"
    with open(dbf, "r+b") as fh:
        fh.seek(29)
        fh.write(bytes([language_byte]))
    return {"path": path, "villages": _villages(os.path.join(folder, f"case5_villages_{language_byte:02x}.gpkg"),
                                                [(*JIA, (0, 0, 1000, 1000))])}


def case_zm(folder: str) -> dict:
    ogr, _ = _ogr()
    path = os.path.join(folder, "case7_zm.gpkg")
    write_layer(path, "points", 4490, ogr.wkbPoint25D, [("name", ogr.OFTString)],
                [({"name": "测站"}, "POINT Z (114.0213 33.5812 62.5)"),
                 ({"name": "北京"}, "POINT Z (116.38404722455657 39.91334545536069 44.0)")])
    write_layer(path, "lines", 4490, ogr.wkbLineStringZM, [("name", ogr.OFTString)],
                [({"name": "堤线"}, "LINESTRING ZM (114.0 33.5 10 1, 114.1 33.6 20 2)")])
    return {"path": path}
