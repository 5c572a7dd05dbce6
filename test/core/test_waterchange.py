"""Water lost and gained between two scenes (core.waterchange) without QGIS: GeoTIFFs written
here with GDAL, 10 m pixels in EPSG:4546 (CGCS2000 GK, CM 111°E: metres), NDWI from the band
values written. Areas are the pixel blocks' (200 × 200 m = 40 000 m²), compared with the
ellipsoidal areas to 1 %."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Transformer

from hezhang_plugin.core import waterchange as wc

GK = "EPSG:4546"
X0, Y0 = 500000.0, 3800000.0
WET = {"green": 100, "nir": 20}  # NDWI 0.667
DRY = {"green": 60, "nir": 160}  # NDWI -0.455


def scene(path, water, pixel=10.0, size=100, nodata=None, epsg=4546, bands=4):
    """Bands blue, green, red, NIR; ``water`` a boolean mask on the 10 m grid."""
    from osgeo import gdal, osr

    gdal.UseExceptions()
    n = int(size * 10.0 / pixel)
    ds = gdal.GetDriverByName("GTiff").Create(str(path), n, n, bands, gdal.GDT_UInt16)
    ds.SetGeoTransform((X0, pixel, 0, Y0, 0, -pixel))
    if epsg:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        ds.SetProjection(srs.ExportToWkt())
    step = int(pixel / 10.0)
    mask = water[::step, ::step]
    values = {1: (80, 40), 2: (WET["green"], DRY["green"]), 3: (50, 70), 4: (WET["nir"], DRY["nir"])}
    for b in range(1, bands + 1):
        wet, dry = values.get(b, (0, 0))
        arr = np.where(mask, wet, dry).astype("uint16")
        if nodata is not None:
            arr[nodata[::step, ::step]] = 0
            ds.GetRasterBand(b).SetNoDataValue(0)
        ds.GetRasterBand(b).WriteArray(arr)
    ds = None
    return str(path)


def masks():
    before = np.zeros((100, 100), bool)
    before[:, 40:60] = True  # a 200 m wide channel running south
    after = before.copy()
    after[30:50, 40:60] = False  # 20 rows filled in: 200 × 200 m lost
    after[70:80, 65:75] = True  # a 100 × 100 m pond dug beside it
    after[10:16, 90:98] = True  # far from the river: outside a 300 m buffer
    return before, after


def segment_lonlat(x=500500.0, d0=0.0, d1=1000.0):
    t = Transformer.from_crs(GK, "EPSG:4490", always_xy=True)
    return shapely.LineString([t.transform(x, Y0 - d) for d in (d0, (d0 + d1) / 2, d1)])


def run(tmp_path, before, after, **kw):
    b = scene(tmp_path / "b.tif", before) if not isinstance(before, str) else before
    a = scene(tmp_path / "a.tif", after) if not isinstance(after, str) else after
    kw.setdefault("segments", [segment_lonlat()])
    kw.setdefault("seg_codes", ["S1"])
    kw.setdefault("segments_crs", "EPSG:4490")
    kw.setdefault("buffer_m", 300.0)
    return wc.detect_changes(b, a, kw.pop("green", 2), kw.pop("nir", 4), kw.pop("threshold", 0.0), **kw)


def _local(geom):
    return wc.reproject([geom], "EPSG:4490", GK)[0]


def test_lost_and_gained_water_near_the_segment(tmp_path):
    class Progress:
        values: list = []

        def setProgress(self, v):
            self.values.append(v)

    fb = Progress()
    out = run(tmp_path, *masks(), feedback=fb)
    got = {c.change: c for c in out}
    assert set(got) == {wc.LOST, wc.GAINED}  # the far pond is outside the buffer
    lost = shapely.box(X0 + 400, Y0 - 500, X0 + 600, Y0 - 300)
    gained = shapely.box(X0 + 650, Y0 - 800, X0 + 750, Y0 - 700)
    assert shapely.hausdorff_distance(_local(got[wc.LOST].geom), lost) < 1e-3
    assert shapely.hausdorff_distance(_local(got[wc.GAINED].geom), gained) < 1e-3
    assert got[wc.LOST].area_m2 == pytest.approx(40000.0, rel=0.01)
    assert got[wc.GAINED].area_m2 == pytest.approx(10000.0, rel=0.01)
    assert {c.seg_code for c in out} == {"S1"} and all(c.chiefs == "" for c in out)
    assert fb.values == [10, 40, 60, 90]


def test_minimum_area_threshold_and_nearest_segment(tmp_path):
    before, after = masks()
    far = segment_lonlat(x=501500.0)  # 1 km east: nearer to nothing changed
    near_pond = segment_lonlat(x=500800.0, d0=650.0, d1=850.0)
    out = run(tmp_path, before, after, segments=[segment_lonlat(), near_pond, far, None],
              seg_codes=["S1", "S2", "S3", "S4"], min_area_m2=5000.0, buffer_m=300.0)
    got = {c.change: c.seg_code for c in out}
    assert got == {wc.LOST: "S1", wc.GAINED: "S2"}  # the pond is 50 m from S2, 150 m from S1
    assert [c.change for c in run(tmp_path, before, after, min_area_m2=20000.0)] == [wc.LOST]
    assert run(tmp_path, before, after, min_area_m2=1e9) == []
    # a threshold above the water's NDWI (0.667): nothing is water on either date
    assert run(tmp_path, before, after, threshold=0.7) == []


def test_no_change_and_no_data(tmp_path):
    before, after = masks()
    assert run(tmp_path, before, before) == []
    nodata = np.zeros((100, 100), bool)
    nodata[25:55, :] = True  # no data where the channel was filled in
    b = scene(tmp_path / "nb.tif", before, nodata=nodata)
    out = run(tmp_path, b, after)
    assert [c.change for c in out] == [wc.GAINED]


def test_an_after_scene_on_another_grid_is_resampled(tmp_path):
    before, after = masks()
    coarse = scene(tmp_path / "a20.tif", after, pixel=20.0)
    out = run(tmp_path, before, coarse)
    lost = next(c for c in out if c.change == wc.LOST)
    assert lost.area_m2 == pytest.approx(40000.0, rel=0.01)


def test_segments_in_a_projected_crs_and_output_in_it(tmp_path):
    seg_gk = shapely.LineString([(500500.0, Y0), (500500.0, Y0 - 1000.0)])
    out = run(tmp_path, *masks(), segments=[seg_gk], segments_crs=GK)
    lost = next(c for c in out if c.change == wc.LOST)
    assert shapely.hausdorff_distance(lost.geom, shapely.box(X0 + 400, Y0 - 500, X0 + 600, Y0 - 300)) < 1e-6


def test_refusals(tmp_path):
    before, after = masks()
    b = scene(tmp_path / "b.tif", before)
    a = scene(tmp_path / "a.tif", after)
    no_crs = scene(tmp_path / "nocrs.tif", after, epsg=None)
    two = scene(tmp_path / "two.tif", after, bands=2)
    seg = [segment_lonlat()]
    cases = [
        (dict(before=b, after=a, buffer_m=0.0), "the buffer must be a positive distance in metres"),
        (dict(before=b, after=a, segments=[None], seg_codes=["S1"]), "there are no segments with a geometry"),
        (dict(before=b, after=a, segments=[], seg_codes=[]), "there are no segments with a geometry"),
        (dict(before=b, after=no_crs), f"{no_crs} has no coordinate reference system"),
        (dict(before=no_crs, after=a), f"{no_crs} has no coordinate reference system"),
        (dict(before=two, after=two), f"{two}: band 4 does not exist (2 band(s))"),
        (dict(before=b, after=a, green=0), f"{b}: band 0 does not exist (4 band(s))"),
    ]
    for kw, message in cases:
        kw.setdefault("segments", seg)
        with pytest.raises(wc.WaterChangeError) as exc:
            run(tmp_path, kw.pop("before"), kw.pop("after"), **kw)
        assert exc.value.message.text("en") == message
    with pytest.raises(wc.WaterChangeError) as exc:
        run(tmp_path, str(tmp_path / "missing.tif"), a)
    assert exc.value.message.text("en").startswith("cannot read the rasters: ")


def test_geodesic_areas_and_reprojection():
    # a 0.01° × 0.01° cell at the equator: 1113.19 m × 1105.75 m on GRS80
    cell = shapely.box(0.0, 0.0, 0.01, 0.01)
    assert wc.geodesic_areas_m2([cell])[0] == pytest.approx(1113.19 * 1105.75, rel=1e-4)
    same = wc.reproject([cell], "EPSG:4490", "EPSG:4490")
    assert same[0] is cell
    there = wc.reproject([shapely.Point(111.0, 0.0)], "EPSG:4490", GK)[0]
    assert (round(there.x, 3), round(there.y, 3)) == (500000.0, 0.0)  # the zone's central meridian


def test_chief_names_by_segment():
    chiefs = [{"chief_id": "A", "name": "张三"}, {"chief_id": "B", "name": "李四"}]
    apps = [{"seg_code": "S1", "chief_id": "B", "level": "village", "role": "chief", "valid_from": "2020-01-01"},
            {"seg_code": "S1", "chief_id": "A", "level": "town", "role": "police_chief", "valid_from": "2020-01-01"},
            {"seg_code": "S1", "chief_id": "C", "level": "district", "role": None, "valid_from": "2020-01-01"},
            {"seg_code": "S2", "chief_id": "A", "level": "town", "role": "chief", "valid_from": "2020-01-01",
             "valid_to": "2023-12-31"}]
    # by level: the district appointment of an unknown chief (its id), the town police chief, the village chief
    assert wc.chief_names_by_segment(chiefs, apps, "2024-06-01") == {"S1": "C(河长)、张三(警长)、李四(河长)"}
    assert wc.chief_names_by_segment(chiefs, apps, "2023-06-01")["S2"] == "张三(河长)"
    assert wc.CHANGE_LABELS[wc.LOST] == ("Water lost", "水面减少")
