"""Remote-sensing overlays: web tiles over real HTTP, Tianditu key safety, local rasters,
layer-tree placement, GCJ-02 conversion and the two-date water change."""

from __future__ import annotations

import http.server
import math
import os
import socket
import sqlite3
import threading
import uuid
import zipfile

import numpy as np
import pytest

from test.core.test_gcj02 import GCJ_REFERENCES

TILE_RGB = (200, 30, 40)
KEY = "0123456789abcdef0123456789abcdef"  # a fake Tianditu key  # pragma: allowlist secret


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def tile_png(qgis_app):
    from test.images import png_bytes

    return png_bytes(256, 256, TILE_RGB)


@pytest.fixture
def tile_server(tile_png):
    """A real HTTP tile server on 127.0.0.1 serving one colour; records every request (its
    path without the server's prefix).

    Each server's URLs start with a prefix of its own: QGIS caches tiles by URL (its tile
    cache and network cache live as long as the process), and a later server given the same
    port by the OS must not be answered from an earlier one's tiles.
    """
    seen = []
    prefix = f"/s{uuid.uuid4().hex}"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            path = self.path[len(prefix):] if self.path.startswith(prefix + "/") else self.path
            seen.append({"path": path, "auth": self.headers.get("Authorization")})
            if path.startswith("/tiles/"):
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile_png)))
                self.end_headers()
                self.wfile.write(tile_png)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    yield base, seen
    server.shutdown()
    server.server_close()


@pytest.fixture
def auth_ready(qgis_app):
    """A master password on pytest-qgis's temporary profile auth database (never the user's)."""
    from qgis.core import QgsApplication

    am = QgsApplication.authManager()
    auth_db = QgsApplication.qgisAuthDatabaseUri() if hasattr(QgsApplication, "qgisAuthDatabaseUri") \
        else QgsApplication.qgisAuthDatabaseFilePath()  # before 3.40
    assert "pytest-qgis" in auth_db or \
        os.environ.get("QGIS_AUTH_DB_DIR_PATH")
    if not am.masterPasswordIsSet():
        assert am.setMasterPassword("hezhang-test-master", True)
    yield am


def _render(layers, crs, extent, size=128):
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QEventLoop, QSize, QTimer
    from qgis.PyQt.QtGui import QColor

    ms = QgsMapSettings()
    ms.setLayers(layers)
    ms.setDestinationCrs(crs)
    ms.setExtent(extent)
    ms.setOutputSize(QSize(size, size))
    ms.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererParallelJob(ms)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)  # never let a broken render hang the suite
    guard.start(60000)
    job.start()
    loop.exec()
    assert not job.isActive(), "rendering did not finish"
    return job.renderedImage()


def _pixel(img, x, y):
    c = img.pixelColor(x, y)
    return c.red(), c.green(), c.blue()


def _close(rgb, expected, tol=3):
    return all(abs(a - b) <= tol for a, b in zip(rgb, expected))


def _web_mercator_extent():
    from qgis.core import QgsRectangle

    return QgsRectangle(12000000, 3000000, 12400000, 3400000)


# ---------------------------------------------------------------- web sources

def test_xyz_from_local_server_renders_its_tiles(tile_server):
    from qgis.core import QgsCoordinateReferenceSystem

    from hezhang_plugin.overlays import sources

    base, seen = tile_server
    src = sources.Source("local tiles", "xyz", base + "/tiles/{z}/{x}/{y}.png", zmax=12)
    assert sources.probe_source(src) is None
    layer = sources.make_layer(src)
    assert layer.isValid() and layer.providerType() == "wms"
    img = _render([layer], QgsCoordinateReferenceSystem("EPSG:3857"), _web_mercator_extent())
    for x, y in ((5, 5), (64, 64), (120, 100)):
        assert _close(_pixel(img, x, y), TILE_RGB), _pixel(img, x, y)
    assert any(r["path"].startswith("/tiles/") for r in seen)


def test_dead_url_fails_fast_with_a_message(tile_server):
    from hezhang_plugin.overlays import sources

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens on this port now
    result = {}

    def probe():
        result["msg"] = sources.probe_source(
            sources.Source("dead", "xyz", f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"), timeout=3)

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(30)  # a safety net only: the probe must come back by itself
    assert not t.is_alive(), "probing a dead URL hung"
    assert result["msg"] and f"127.0.0.1:{port}" in result["msg"]
    assert "cannot be reached" in result["msg"]
    base, _ = tile_server
    missing = sources.probe_source(sources.Source("404", "xyz", base + "/nothing/{z}/{x}/{y}.png"))
    assert missing and "404" in missing


def test_bad_sources_are_refused_with_a_message(qgis_app):
    from hezhang_plugin.overlays import sources

    with pytest.raises(sources.OverlayError, match="placeholders"):
        sources.make_layer(sources.Source("x", "xyz", "https://example.com/tiles.png"))
    with pytest.raises(sources.OverlayError, match="http"):
        sources.make_layer(sources.Source("x", "xyz", "ftp://example.com/{z}/{x}/{y}"))
    with pytest.raises(sources.OverlayError, match="layer name"):
        sources.source_uri(sources.Source("x", "wms", "https://example.com/wms"))


def test_presets_are_editable_and_gcj02_flagged(qgis_app):
    from hezhang_plugin import compat
    from hezhang_plugin.overlays import sources

    sources.reset_presets()
    presets = sources.load_presets()
    amap = [p for p in presets if "autonavi" in p.url]
    assert amap and all(p.warning and "GCJ-02" in p.warning for p in amap)
    assert not next(p for p in presets if p.name == "OpenStreetMap").warning
    presets.append(sources.Source("My WMS", "wms", "https://example.com/wms", layers="river", crs="EPSG:4490"))
    sources.save_presets(presets)
    again = sources.load_presets()
    assert again[-1].name == "My WMS" and again[-1].layers == "river"
    assert sources.is_gcj02_url("https://rt1.map.gtimg.com/tile?z={z}&x={x}&y={y}")
    layer = sources.make_layer(amap[0])
    assert layer.customProperty("hezhang/gcj02") and "GCJ-02" in compat.layer_abstract(layer)
    sources.reset_presets()
    assert len(sources.load_presets()) == len(sources.DEFAULT_PRESETS)


def test_tianditu_key_reaches_server_but_never_the_project(auth_ready, tile_server, tmp_path,
                                                          workspace_path):
    from qgis.core import QgsCoordinateReferenceSystem, QgsProject

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.overlays import placement, sources

    authcfg = sources.store_tianditu_key(KEY)
    assert sources.tianditu_authcfg() == authcfg
    assert sources.tianditu_key(authcfg) == KEY
    assert sources.store_tianditu_key(KEY) == authcfg  # updated in place, not duplicated

    # Every Tianditu layer and matrix set builds a source without the key in it.
    for lyr in sources.TIANDITU_LAYERS:
        for ms in sources.TIANDITU_MATRIX_SETS:
            uri, _ = sources.source_uri(sources.tianditu_source(lyr, ms), authcfg)
            assert KEY not in uri and f"authcfg={authcfg}" in uri and f"{lyr}_{ms}" in uri
    img = sources.tianditu_layer("img", "w", authcfg)
    cia = sources.tianditu_layer("cia", "w", authcfg)
    assert img.isValid() and cia.isValid()

    # The key is sent as Tianditu's tk parameter (tested against the local server).
    base, seen = tile_server
    local = sources.make_layer(sources.Source("keyed", "xyz", base + "/tiles/{z}/{x}/{y}.png",
                                              zmax=12), authcfg)
    sources.install_key_injector()
    try:
        image = _render([local], QgsCoordinateReferenceSystem("EPSG:3857"), _web_mercator_extent())
    finally:
        sources.remove_key_injector()
    assert _close(_pixel(image, 64, 64), TILE_RGB)
    tiles = [r for r in seen if r["path"].startswith("/tiles/")]
    assert tiles and all(f"tk={KEY}" in r["path"] for r in tiles)
    assert all(not r["auth"] for r in tiles)

    # A plain project file and the workspace project: no key in either.
    prj = QgsProject()
    for layer, date in ((img, "2024-05-01"), (cia, None), (local, None)):
        placement.add_overlay(prj, layer.clone(), date)
    qgs = tmp_path / "p.qgs"
    assert prj.write(str(qgs))
    text = qgs.read_text(encoding="utf-8")
    assert KEY not in text and authcfg in text and "tianditu.gov.cn" in text
    prj.clear()

    wprj = QgsProject()
    ws.open_workspace(workspace_path, wprj)
    placement.add_overlay(wprj, sources.tianditu_layer("vec", "w", authcfg), "2024-05-01")
    wsproject.write_project(wprj, workspace_path)
    wprj.clear()
    con = sqlite3.connect(workspace_path)
    blob = con.execute("SELECT content FROM qgis_projects").fetchone()[0]
    con.close()
    qgz = tmp_path / "ws.qgz"
    qgz.write_bytes(bytes.fromhex(blob) if isinstance(blob, str) else bytes(blob))  # QGIS stores hex text
    with zipfile.ZipFile(qgz) as zf:
        content = b"".join(zf.read(n) for n in zf.namelist() if n.endswith(".qgs")).decode("utf-8")
    assert "vec_w" in content and authcfg in content
    assert KEY not in content


# ---------------------------------------------------------------- local rasters

def _write_scene(path, water, size=100, pixel=10.0, x0=500000.0, y0=3800000.0, epsg=4546):
    """4-band (blue, green, red, NIR) GeoTIFF; ``water`` is a boolean mask."""
    from osgeo import gdal, osr

    drv = gdal.GetDriverByName("GTiff")
    ds = drv.Create(str(path), size, size, 4, gdal.GDT_UInt16)
    ds.SetGeoTransform((x0, pixel, 0, y0, 0, -pixel))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    ds.SetProjection(srs.ExportToWkt())
    land = {1: 40, 2: 60, 3: 70, 4: 160}
    wet = {1: 80, 2: 100, 3: 50, 4: 20}
    for b in range(1, 5):
        arr = np.where(water, wet[b], land[b]).astype("uint16")
        ds.GetRasterBand(b).WriteArray(arr)
    ds = None
    return str(path)


def _scenes(tmp_path):
    before = np.zeros((100, 100), bool)
    before[:, 40:60] = True  # a 200 m wide channel, north to south
    before[10:16, 90:98] = True  # a pond far from the river (outside the buffer)
    after = before.copy()
    after[30:50, 40:60] = False  # 20 rows of the channel filled in
    after[70:80, 65:75] = True  # a new pond dug beside the river
    after[10:16, 90:98] = False  # far pond drained: outside the buffer, must be ignored
    return (_write_scene(tmp_path / "before.tif", before), _write_scene(tmp_path / "after.tif", after))


def test_local_raster_band_presets_and_ndwi(tmp_path, qgis_app):
    from qgis.core import QgsCoordinateReferenceSystem

    from hezhang_plugin.overlays import rasters
    from hezhang_plugin.overlays.sources import OverlayError

    before, _ = _scenes(tmp_path)
    tc = rasters.open_raster(before, "scene", "true_colour")
    r = tc.renderer()
    assert (r.redBand(), r.greenBand(), r.blueBand()) == (3, 2, 1)
    fc = rasters.open_raster(before, "scene", "false_colour")
    assert (fc.renderer().redBand(), fc.renderer().greenBand(), fc.renderer().blueBand()) == (4, 3, 2)
    with pytest.raises(OverlayError, match="band 7"):
        rasters.open_raster(before, "scene", "true_colour", rasters.Bands(blue=7))
    out = rasters.compute_ndwi(before, str(tmp_path / "ndwi.tif"))
    from osgeo import gdal

    arr = gdal.Open(out).ReadAsArray()
    assert arr[50, 50] == pytest.approx((100 - 20) / 120, abs=1e-6)
    assert arr[50, 10] == pytest.approx((60 - 160) / 220, abs=1e-6)
    ndwi = rasters.open_raster(out, "NDWI", "ndwi")
    assert ndwi.renderer().type() == "singlebandpseudocolor"
    img = _render([ndwi], QgsCoordinateReferenceSystem("EPSG:4546"), ndwi.extent(), 100)
    water_px, land_px = _pixel(img, 50, 50), _pixel(img, 10, 50)
    assert water_px[2] > water_px[0] + 40  # blue where the channel is
    assert land_px[0] > land_px[2] + 40  # brown on land


def test_overlays_sit_under_the_vector_layers(workspace_path, tmp_path, tile_server):
    from qgis.core import QgsProject, QgsRasterLayer, QgsVectorLayer

    from hezhang_plugin.core import schema
    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.overlays import placement, rasters, sources

    before, after = _scenes(tmp_path)
    prj = QgsProject()
    ws.open_workspace(workspace_path, prj)
    root = prj.layerTreeRoot()
    # A user dragged the imagery group to the top: adding an overlay puts it back below.
    group = root.findGroup(schema.GROUP_IMAGERY)
    root.insertChildNode(0, group.clone())
    root.removeChildNode(group)
    assert root.children()[0].name() == schema.GROUP_IMAGERY
    base, _ = tile_server
    web = sources.make_layer(sources.Source("local", "xyz", base + "/tiles/{z}/{x}/{y}.png"))
    placement.add_overlay(prj, web, None, opacity=0.5)
    placement.add_overlay(prj, rasters.open_raster(before, "GF2", "true_colour"), "2023-06-01")
    placement.add_overlay(prj, rasters.open_raster(after, "GF2", "true_colour"), "2024-06-01",
                          visible=False)
    order = [n.layer() for n in root.findLayers()]
    kinds = [isinstance(lyr, QgsVectorLayer) for lyr in order]
    assert kinds == sorted(kinds, reverse=True), "a raster sits above a vector layer"
    assert root.children()[-1].name() == schema.GROUP_IMAGERY
    overlays = placement.overlay_layers(prj)
    assert [o.name() for o in overlays] == ["GF2 [2024-06-01]", "GF2 [2023-06-01]", "local"]
    assert all(isinstance(o, QgsRasterLayer) for o in overlays)
    assert overlays[2].opacity() == pytest.approx(0.5)
    assert placement.acquisition_date(overlays[1]) == "2023-06-01"
    new, old = overlays[0], overlays[1]
    assert not root.findLayer(new.id()).itemVisibilityChecked()
    assert placement.swap_visible(prj, old, new) is new
    assert root.findLayer(new.id()).itemVisibilityChecked()
    assert not root.findLayer(old.id()).itemVisibilityChecked()
    assert placement.swap_visible(prj, old, new) is old
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        placement.add_overlay(prj, rasters.open_raster(after), "2024/06/01")
    prj.clear()


# ---------------------------------------------------------------- GCJ-02

# The published reference points (GCJ_REFERENCES), the conversion itself, points north of 50°N
# and the round trip are tested without QGIS in test/core/test_gcj02.py; here the algorithm.


def _metres(lon1, lat1, lon2, lat2):
    from pyproj import Geod

    return np.asarray(Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)[2])


def test_gcj02convert_algorithm_both_ways(processing_ready):
    from qgis import processing
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    layer = QgsVectorLayer("LineString?crs=EPSG:4490&field=name:string", "digitised", "memory")
    feats = []
    for i, (_wlat, _wlon, glat, glon) in enumerate(GCJ_REFERENCES):
        f = QgsFeature(layer.fields())
        f.setAttributes([f"line{i}"])
        f.setGeometry(QgsGeometry.fromPolylineXY([QgsPointXY(glon, glat), QgsPointXY(glon + 0.01, glat)]))
        feats.append(f)
    empty = QgsFeature(layer.fields())
    empty.setAttributes(["no geometry"])
    feats.append(empty)
    layer.dataProvider().addFeatures(feats)
    res = processing.run("hezhang:gcj02convert", {"INPUT": layer, "DIRECTION": 1,
                                                   "OUTPUT": "memory:"})
    out = {f["name"]: f.geometry() for f in res["OUTPUT"].getFeatures()}
    assert out["no geometry"].isNull()
    for i, (wlat, wlon, _glat, _glon) in enumerate(GCJ_REFERENCES):
        p = out[f"line{i}"].asPolyline()[0]
        assert _metres(p.x(), p.y(), wlon, wlat) < 0.05
    back = processing.run("hezhang:gcj02convert", {"INPUT": res["OUTPUT"], "DIRECTION": 0,
                                                    "OUTPUT": "memory:"})
    assert sum(1 for f in back["OUTPUT"].getFeatures() if f["name"].startswith("line")) == len(GCJ_REFERENCES)
    for f in back["OUTPUT"].getFeatures():
        if f["name"].startswith("line"):
            i = int(f["name"][4:])
            p = f.geometry().asPolyline()[0]
            assert _metres(p.x(), p.y(), GCJ_REFERENCES[i][3], GCJ_REFERENCES[i][2]) < 1.0
    assert res["OUTPUT"].crs().authid() == "EPSG:4490"


# ---------------------------------------------------------------- water change

def _segments_layer():
    from pyproj import Transformer
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    t = Transformer.from_crs("EPSG:4546", "EPSG:4490", always_xy=True)
    layer = QgsVectorLayer("MultiLineString?crs=EPSG:4490&field=seg_code:string(12)", "segments", "memory")
    pts = [t.transform(500500.0, 3800000.0 - d) for d in (0.0, 500.0, 1000.0)]
    f = QgsFeature(layer.fields())
    f.setAttributes(["411171000001"])
    f.setGeometry(QgsGeometry.fromMultiPolylineXY([[QgsPointXY(x, y) for x, y in pts]]))
    layer.dataProvider().addFeatures([f])
    return layer


def test_waterchange_finds_the_known_change_within_a_pixel(processing_ready, tmp_path, workspace_path):
    import shapely
    from qgis import processing

    from hezhang_plugin.core.waterchange import reproject
    from hezhang_plugin.data import io

    io.write_rows(workspace_path, "chiefs", [
        {"chief_id": "C1", "name": "张三", "level": "village", "role": "chief",
         "unit_code": "411171100001", "active": True},
        {"chief_id": "C2", "name": "李四", "level": "town", "role": "police_chief",
         "unit_code": "411171100000", "active": True},
        {"chief_id": "C3", "name": "王五", "level": "village", "role": "chief",
         "unit_code": "411171100001", "active": False},
    ])
    io.write_rows(workspace_path, "assignments", [
        {"seg_code": "411171000001", "chief_id": "C1", "level": "village", "role": "chief",
         "valid_from": "2020-01-01"},
        {"seg_code": "411171000001", "chief_id": "C2", "level": "town", "role": "police_chief",
         "valid_from": "2020-01-01"},
        {"seg_code": "411171000001", "chief_id": "C3", "level": "village", "role": "chief",
         "valid_from": "2018-01-01", "valid_to": "2019-12-31"},
    ])
    before, after = _scenes(tmp_path)
    res = processing.run("hezhang:waterchange", {
        "BEFORE": before, "BEFORE_DATE": "2023-06-01", "AFTER": after, "AFTER_DATE": "2024-06-01",
        "GREEN_BAND": 2, "NIR_BAND": 4, "THRESHOLD": 0.0, "SEGMENTS": _segments_layer(),
        "BUFFER": 300, "WORKSPACE": workspace_path, "OUTPUT": "memory:"})
    out = res["OUTPUT"]
    assert out.crs().authid() == "EPSG:4490"
    feats = list(out.getFeatures())
    assert sorted(f["change"] for f in feats) == ["water_gained", "water_lost"]
    x0, y0 = 500000.0, 3800000.0
    expected = {
        "water_lost": shapely.box(x0 + 400, y0 - 500, x0 + 600, y0 - 300),
        "water_gained": shapely.box(x0 + 650, y0 - 800, x0 + 750, y0 - 700),
    }
    for f in feats:
        geom = shapely.from_wkb(bytes(f.geometry().asWkb()))
        local = reproject([geom], "EPSG:4490", "EPSG:4546")[0]
        exp = expected[f["change"]]
        assert shapely.hausdorff_distance(local, exp) <= 10.0  # one pixel
        assert f["area_m2"] == pytest.approx(exp.area, rel=0.01)  # ellipsoidal vs GK plane
        assert f["seg_code"] == "411171000001"
        assert (f["date_before"], f["date_after"]) == ("2023-06-01", "2024-06-01")
        assert "张三(河长)" in f["chiefs"] and "李四(警长)" in f["chiefs"]
        assert "王五" not in f["chiefs"]  # his appointment had ended


def test_waterchange_refuses_bad_input(processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsProcessingException

    before, after = _scenes(tmp_path)
    base = {"BEFORE": before, "AFTER": after, "GREEN_BAND": 2, "NIR_BAND": 4, "THRESHOLD": 0.0,
            "SEGMENTS": _segments_layer(), "BUFFER": 300, "OUTPUT": "memory:"}
    with pytest.raises(QgsProcessingException, match="band 9"):
        processing.run("hezhang:waterchange", dict(base, NIR_BAND=9))
    with pytest.raises(QgsProcessingException, match="not earlier"):
        processing.run("hezhang:waterchange", dict(base, BEFORE_DATE="2024-06-01", AFTER_DATE="2023-01-01"))
    with pytest.raises(QgsProcessingException, match="YYYY-MM-DD"):
        processing.run("hezhang:waterchange", dict(base, BEFORE_DATE="June 2023"))


def test_gcj02convert_projected_layer_goes_through_cgcs2000(processing_ready):
    from pyproj import Transformer
    from qgis import processing
    from qgis.core import QgsFeature, QgsGeometry, QgsPointXY, QgsVectorLayer

    wlat, wlon, glat, glon = GCJ_REFERENCES[0]
    # Shanghai in the CGCS2000 Gauss-Kruger zone with central meridian 120E (EPSG:4549).
    to_gk = Transformer.from_crs("EPSG:4490", "EPSG:4549", always_xy=True)
    layer = QgsVectorLayer("Point?crs=EPSG:4549", "gk", "memory")
    f = QgsFeature()
    f.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(*to_gk.transform(glon, glat))))
    layer.dataProvider().addFeatures([f])
    res = processing.run("hezhang:gcj02convert", {"INPUT": layer, "DIRECTION": 1, "OUTPUT": "memory:"})
    p = next(res["OUTPUT"].getFeatures()).geometry().asPoint()
    ex, ey = to_gk.transform(wlon, wlat)
    assert res["OUTPUT"].crs().authid() == "EPSG:4549"
    assert math.hypot(p.x() - ex, p.y() - ey) < 0.05


def test_ndwi_in_float32_equals_the_float64_formula_and_qgis_raster_calculator(tmp_path, qgis_app):
    """compute_ndwi works in float32 blocks; its pixels must be exactly what the float64
    formula stored as float32 gives (numpy, independently) and what QGIS's raster calculator
    writes for the same expression — including 0/0 (nodata) and band nodata."""
    import numpy as np
    from osgeo import gdal, osr
    from qgis.analysis import QgsRasterCalculator, QgsRasterCalculatorEntry
    from qgis.core import QgsRasterLayer

    from hezhang_plugin.overlays import rasters

    rng = np.random.default_rng(5)
    h, w = 300, 257  # several blocks of rows, a ragged last block
    bands = rng.integers(0, 65535, (4, h, w), dtype="uint16")
    bands[1, :3, :3] = 0  # 0 / 0
    bands[3, :3, :3] = 0
    path = str(tmp_path / "scene.tif")
    ds = gdal.GetDriverByName("GTiff").Create(path, w, h, 4, gdal.GDT_UInt16)
    ds.SetGeoTransform((500000, 10, 0, 3800000, 0, -10))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4546)
    ds.SetProjection(srs.ExportToWkt())
    for b in range(4):
        ds.GetRasterBand(b + 1).WriteArray(bands[b])
    ds = None
    out = gdal.Open(rasters.compute_ndwi(path, str(tmp_path / "hz.tif"), block_rows=64)).ReadAsArray()
    g, n = bands[1].astype("float64"), bands[3].astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = ((g - n) / (g + n)).astype("float32")
    assert out.dtype == np.float32
    assert np.array_equal(np.isnan(out), np.isnan(expected)) and np.isnan(out[:3, :3]).all()
    assert np.array_equal(out[~np.isnan(out)], expected[~np.isnan(expected)])

    layer = QgsRasterLayer(path, "scene", "gdal")
    entries = []
    for ref, band in (("s@2", 2), ("s@4", 4)):
        e = QgsRasterCalculatorEntry()
        e.ref, e.raster, e.bandNumber = ref, layer, band
        entries.append(e)
    calc = QgsRasterCalculator('("s@2" - "s@4") / ("s@2" + "s@4")', str(tmp_path / "qgis.tif"), "GTiff",
                               layer.extent(), layer.width(), layer.height(), entries)
    assert calc.processCalculation() == 0
    qds = gdal.Open(str(tmp_path / "qgis.tif"))
    qgis = qds.ReadAsArray()
    ok = ~np.isnan(out)
    assert np.array_equal(out[ok], qgis[ok])
    assert (qgis[~ok] == qds.GetRasterBand(1).GetNoDataValue()).all()  # QGIS's nodata where we have NaN


def test_water_classes_in_float32_blocks_equal_the_float64_formula():
    """Water change classifies NDWI > threshold in float32 blocks, re-deciding in float64 the
    pixels near the threshold: the classes must be those of the float64 formula, also for
    quotients a float32 rounding would put on the other side."""
    import numpy as np

    from hezhang_plugin.core.waterchange import _water_block

    rng = np.random.default_rng(9)
    g = rng.integers(0, 4000, (200, 300)).astype("uint16")
    r = rng.integers(0, 4000, (200, 300)).astype("uint16")
    # quotients next to the threshold 0.3: (g − r) / (g + r) = 0.3 exactly at g = 13 k, r = 7 k
    k = rng.integers(1, 4000 // 13, 600)
    g.ravel()[:600], r.ravel()[:600] = 13 * k + rng.integers(-1, 2, 600), 7 * k
    g[5, 5] = r[5, 5] = 0  # 0 / 0: not valid
    for threshold in (0.0, 0.3, 0.12345678901):
        water, valid = _water_block(g, r, (None, None), threshold)
        gg, rr = g.astype("float64"), r.astype("float64")
        with np.errstate(invalid="ignore", divide="ignore"):
            ndwi = (gg - rr) / (gg + rr)
        assert np.array_equal(valid, np.isfinite(ndwi))
        assert np.array_equal(water, np.isfinite(ndwi) & (ndwi > threshold))
    water, valid = _water_block(g, r, (0, None), 0.3)
    assert not valid[g == 0].any()
