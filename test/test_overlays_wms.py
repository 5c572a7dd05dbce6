"""A WMS source from a real HTTP server on 127.0.0.1: capabilities read, map rendered."""

from __future__ import annotations

import http.server
import threading
import urllib.parse

import pytest

CAPABILITIES = """<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"
  xmlns:xlink="http://www.w3.org/1999/xlink">
 <Service><Name>WMS</Name><Title>Bureau imagery</Title>
  <OnlineResource xlink:href="{base}/wms"/></Service>
 <Capability>
  <Request>
   <GetCapabilities><Format>text/xml</Format><DCPType><HTTP><Get>
     <OnlineResource xlink:href="{base}/wms?"/></Get></HTTP></DCPType></GetCapabilities>
   <GetMap><Format>image/png</Format><DCPType><HTTP><Get>
     <OnlineResource xlink:href="{base}/wms?"/></Get></HTTP></DCPType></GetMap>
  </Request>
  <Exception><Format>XML</Format></Exception>
  <Layer><Title>Bureau imagery</Title><CRS>EPSG:3857</CRS><CRS>EPSG:4490</CRS>
   <EX_GeographicBoundingBox><westBoundLongitude>110</westBoundLongitude>
    <eastBoundLongitude>118</eastBoundLongitude><southBoundLatitude>30</southBoundLatitude>
    <northBoundLatitude>36</northBoundLatitude></EX_GeographicBoundingBox>
   <Layer queryable="0"><Name>img2024</Name><Title>2024 imagery</Title>
    <CRS>EPSG:3857</CRS><CRS>EPSG:4490</CRS>
    <EX_GeographicBoundingBox><westBoundLongitude>110</westBoundLongitude>
     <eastBoundLongitude>118</eastBoundLongitude><southBoundLatitude>30</southBoundLatitude>
     <northBoundLatitude>36</northBoundLatitude></EX_GeographicBoundingBox>
   </Layer>
  </Layer>
 </Capability>
</WMS_Capabilities>
"""
COLOUR = (30, 160, 90)


def _png(width, height):
    from test.images import png_bytes

    return png_bytes(width, height, COLOUR)


@pytest.fixture
def wms_server(qgis_app):
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            query = {k.upper(): v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).items()}
            requests.append(query)
            if query.get("REQUEST", "").lower() == "getcapabilities":
                body = CAPABILITIES.format(base=base).encode()
                ctype = "text/xml"
            elif query.get("REQUEST", "").lower() == "getmap":
                body = _png(int(query["WIDTH"]), int(query["HEIGHT"]))
                ctype = "image/png"
            else:
                self.send_error(400)
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base, requests
    server.shutdown()
    server.server_close()


def test_wms_source_from_url_loads_and_renders(wms_server):
    from qgis.core import QgsCoordinateReferenceSystem, QgsRectangle

    from hezhang_plugin.overlays import sources
    from test.test_overlays import _close, _pixel, _render

    base, requests = wms_server
    src = sources.Source("局影像 2024", "wms", f"{base}/wms", layers="img2024", crs="EPSG:4490")
    assert sources.probe_source(src) is None
    layer = sources.make_layer(src)
    assert layer.isValid() and layer.providerType() == "wms"
    assert any(r.get("REQUEST", "").lower() == "getcapabilities" for r in requests)
    img = _render([layer], QgsCoordinateReferenceSystem("EPSG:4490"), QgsRectangle(113.9, 33.5, 114.1, 33.7))
    assert _close(_pixel(img, 64, 64), COLOUR)
    maps = [r for r in requests if r.get("REQUEST", "").lower() == "getmap"]
    assert maps and maps[-1]["LAYERS"] == "img2024" and maps[-1]["CRS"] == "EPSG:4490"


def test_wms_layer_missing_from_capabilities_is_refused(wms_server):
    from hezhang_plugin.overlays import sources

    base, _ = wms_server
    with pytest.raises(sources.OverlayError, match="could not be opened"):
        sources.make_layer(sources.Source("无此图层", "wms", f"{base}/wms", layers="nope", crs="EPSG:4490"))
