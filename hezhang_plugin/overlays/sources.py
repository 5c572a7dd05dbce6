"""Web imagery sources: Tianditu (keyed), XYZ/WMS/WMTS from a URL, and an editable preset list.

The Tianditu key (tk) never appears in a layer source. It is kept in QGIS's authentication
database as a "Basic" configuration whose user name is :data:`TK_USER` and whose password is
the key; layer sources carry only ``authcfg=<id>``. QGIS adds the configuration to every
request of such a layer as an ``Authorization: Basic`` header; :class:`TiandituKeyInjector`,
a network request preprocessor, replaces that header by the ``tk`` query parameter Tianditu
expects. Projects therefore contain the configuration id only, as QGIS recommends for
credentials.

Web sources that do not answer are found by :func:`probe_url` before a layer is added:
a short-timeout request that returns a message instead of hanging the map canvas.
"""

from __future__ import annotations

import base64
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from typing import Optional

from qgis.core import (
    QgsApplication,
    QgsAuthMethodConfig,
    QgsDataSourceUri,
    QgsNetworkAccessManager,
    QgsRasterLayer,
    QgsSettings,
)
from qgis.PyQt.QtCore import QCoreApplication, QUrl, QUrlQuery

from hezhang_plugin import compat, log

SETTINGS_GROUP = "hezhang_plugin/overlays"
PRESETS_KEY = SETTINGS_GROUP + "/presets"
TK_CONFIG_KEY = SETTINGS_GROUP + "/tianditu_authcfg"
#: User name marking an auth configuration whose password is a Tianditu key.
TK_USER = "hezhang-tianditu-tk"
TK_CONFIG_NAME = "Hezhang Tianditu key"

PROBE_TIMEOUT_S = 4.0

#: Tianditu layers: key -> (English title, Chinese title)
TIANDITU_LAYERS = {
    "img": ("Tianditu imagery", "天地图影像"),
    "vec": ("Tianditu vector", "天地图矢量"),
    "cia": ("Tianditu imagery annotation", "天地图影像注记"),
    "cva": ("Tianditu vector annotation", "天地图矢量注记"),
}
#: Tianditu tile matrix sets: "w" Web Mercator, "c" CGCS2000 geographic.
TIANDITU_MATRIX_SETS = {"w": "EPSG:3857", "c": "EPSG:4490"}
TIANDITU_HOST = "https://t{n}.tianditu.gov.cn"

#: Hosts of web maps that publish GCJ-02 ("Mars") coordinates.
GCJ02_HOST_MARKERS = ("autonavi.com", "amap.com", "gtimg.com", "map.qq.com", "google.cn",
                      "googleapis.cn", "gaode.com")


class OverlayError(Exception):
    """A source that cannot be added; the message says why in the user's terms."""



def gcj02_warning() -> str:
    return QCoreApplication.translate(
        "Hezhang",
        "This source uses GCJ-02 coordinates: it appears shifted by up to several hundred "
        "metres against CGCS2000/WGS84 data. Do not digitise on it; convert data digitised "
        "on it with hezhang:gcj02convert.")


def is_gcj02_url(url: str) -> bool:
    host = urllib.parse.urlsplit(url.replace("{", "").replace("}", "")).hostname or ""
    return any(host == m or host.endswith("." + m) for m in GCJ02_HOST_MARKERS)


# ---------------------------------------------------------------- sources and presets

@dataclass
class Source:
    name: str
    kind: str  # xyz | wms | wmts
    url: str
    layers: str = ""  # WMS/WMTS layer name
    crs: str = ""  # WMS/WMTS CRS (e.g. EPSG:4490)
    tile_matrix_set: str = ""  # WMTS
    fmt: str = "image/png"
    zmin: int = 0
    zmax: int = 18
    gcj02: bool = False

    @property
    def warning(self) -> str:
        return gcj02_warning() if (self.gcj02 or is_gcj02_url(self.url)) else ""


DEFAULT_PRESETS = (
    Source("OpenStreetMap", "xyz", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", zmax=19),
    Source("Esri World Imagery", "xyz",
           "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
           zmax=19),
    Source("高德影像 AMap imagery (GCJ-02)", "xyz",
           "https://webst01.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}", zmin=3,
           zmax=18, gcj02=True),
    Source("高德地图 AMap (GCJ-02)", "xyz",
           "https://webrd01.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
           zmin=3, zmax=18, gcj02=True),
    Source("腾讯地图 Tencent (GCJ-02)", "xyz",
           "https://rt0.map.gtimg.com/realtimerender?z={z}&x={x}&y={-y}&type=vector&style=0",
           zmin=3, zmax=18, gcj02=True),
)


def load_presets() -> list[Source]:
    raw = QgsSettings().value(PRESETS_KEY, "", type=str)
    if not raw:
        return [Source(**asdict(s)) for s in DEFAULT_PRESETS]
    try:
        items = json.loads(raw)
        known = set(Source.__dataclass_fields__)
        return [Source(**{k: v for k, v in item.items() if k in known}) for item in items]
    except (ValueError, TypeError) as exc:
        log.get_logger().warning("overlay presets in the settings are unreadable (%s); "
                                 "using the defaults", exc)
        return [Source(**asdict(s)) for s in DEFAULT_PRESETS]


def save_presets(presets: list[Source]) -> None:
    for p in presets:
        check_source(p)
    QgsSettings().setValue(PRESETS_KEY, json.dumps([asdict(p) for p in presets], ensure_ascii=False))


def reset_presets() -> None:
    QgsSettings().remove(PRESETS_KEY)


def check_source(src: Source) -> None:
    if not src.name.strip():
        raise OverlayError(QCoreApplication.translate("Hezhang", "A source needs a name."))
    if src.kind not in ("xyz", "wms", "wmts"):
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "Unknown source type {0} (xyz, wms or wmts).").format(src.kind))
    parts = urllib.parse.urlsplit(src.url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0}: the address must start with http:// or https://").format(src.name))
    has_xyz = all(t in src.url for t in ("{x}", "{z}")) and ("{y}" in src.url or "{-y}" in src.url)
    if src.kind == "xyz" and not has_xyz:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0}: an XYZ address needs the {{x}}, {{y}} and {{z}} placeholders")
                           .format(src.name))
    if src.kind in ("wms", "wmts") and not src.layers:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0}: give the layer name of the WMS/WMTS service").format(src.name))


def source_uri(src: Source, authcfg: str = "") -> tuple[str, str]:
    """(data source URI, provider key) of a source."""
    check_source(src)
    uri = QgsDataSourceUri()
    if src.kind == "xyz":
        uri.setParam("type", "xyz")
        uri.setParam("url", src.url)
        uri.setParam("zmin", str(src.zmin))
        uri.setParam("zmax", str(src.zmax))
    else:
        uri.setParam("url", src.url)
        uri.setParam("layers", src.layers)
        uri.setParam("styles", "default" if src.kind == "wmts" else "")
        uri.setParam("format", src.fmt)
        uri.setParam("crs", src.crs or "EPSG:3857")
        uri.setParam("dpiMode", "7")
        uri.setParam("contextualWMSLegend", "0")
        if src.kind == "wmts":
            uri.setParam("tileMatrixSet", src.tile_matrix_set)
    if authcfg:
        uri.setAuthConfigId(authcfg)
    return bytes(uri.encodedUri()).decode(), "wms"


def make_layer(src: Source, authcfg: str = "") -> QgsRasterLayer:
    uri, provider = source_uri(src, authcfg)
    layer = QgsRasterLayer(uri, src.name, provider)
    if not layer.isValid():
        err = layer.error().summary() if layer.error() else ""
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0} could not be opened: {1}").format(src.name, err or src.url))
    layer.setCustomProperty("hezhang/overlay", src.kind)
    if src.gcj02 or is_gcj02_url(src.url):
        layer.setCustomProperty("hezhang/gcj02", True)
        compat.set_layer_abstract(layer, gcj02_warning())
    return layer


# ---------------------------------------------------------------- Tianditu key

def store_tianditu_key(key: str, authcfg: Optional[str] = None) -> str:
    """Save ``key`` in the QGIS authentication database; returns the configuration id.

    Updates the existing configuration when ``authcfg`` (or the remembered one) exists.
    QGIS asks for the master password the first time, as for any stored credential.
    """
    key = (key or "").strip()
    if not key or any(c.isspace() for c in key):
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "The Tianditu key is empty or contains spaces."))
    am = QgsApplication.authManager()
    authcfg = authcfg or tianditu_authcfg()
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName(TK_CONFIG_NAME)
    cfg.setConfig("username", TK_USER)
    cfg.setConfig("password", key)
    cfg.setConfig("realm", "")
    if authcfg and authcfg in am.configIds():
        cfg.setId(authcfg)
        ok = am.updateAuthenticationConfig(cfg)
    else:
        ok = am.storeAuthenticationConfig(cfg)
        authcfg = cfg.id()
    if not ok or not authcfg:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "The key could not be saved in the QGIS authentication database "
                               "(is the master password set?)."))
    QgsSettings().setValue(TK_CONFIG_KEY, authcfg)
    return authcfg


def tianditu_authcfg() -> Optional[str]:
    """Id of the stored Tianditu key configuration, if any."""
    am = QgsApplication.authManager()
    cid = QgsSettings().value(TK_CONFIG_KEY, "", type=str)
    if cid and cid in am.configIds():
        return cid
    for cid, cfg in am.availableAuthMethodConfigs().items():
        if cfg.name() == TK_CONFIG_NAME:
            return cid
    return None


def tianditu_key(authcfg: str) -> Optional[str]:
    cfg = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(authcfg, cfg, True):
        return None
    if cfg.config("username") != TK_USER:
        return None
    return cfg.config("password") or None


def tianditu_source(layer: str, matrix_set: str = "w", server: int = 0) -> Source:
    if layer not in TIANDITU_LAYERS:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "Unknown Tianditu layer {0} (img, vec, cia or cva).").format(layer))
    if matrix_set not in TIANDITU_MATRIX_SETS:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "Unknown Tianditu tile matrix set {0} (w or c).").format(matrix_set))
    en, zh = TIANDITU_LAYERS[layer]
    base = f"{TIANDITU_HOST.format(n=server % 8)}/{layer}_{matrix_set}/wmts"
    name = f"{zh} {en} ({matrix_set})"
    if matrix_set == "w":
        url = (base + f"?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default"
               "&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}")
        return Source(name, "xyz", url, zmin=1, zmax=18)
    return Source(name, "wmts", base + "?SERVICE=WMTS&REQUEST=GetCapabilities", layers=layer,
                  crs="EPSG:4490", tile_matrix_set="c", fmt="tiles")


def tianditu_layer(layer: str, matrix_set: str = "w", authcfg: Optional[str] = None) -> QgsRasterLayer:
    authcfg = authcfg or tianditu_authcfg()
    if not authcfg:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "Enter your Tianditu key (tk) first; it is kept in the QGIS "
                               "authentication database."))
    install_key_injector()
    return make_layer(tianditu_source(layer, matrix_set), authcfg)


class TiandituKeyInjector:
    """Network request preprocessor: Basic header of a Tianditu-key config -> ``tk`` parameter."""

    def __call__(self, request) -> None:
        header = bytes(request.rawHeader(b"Authorization"))
        if not header.startswith(b"Basic "):
            return
        try:
            user, _, key = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return
        if user != TK_USER or not key:
            return
        url = QUrl(request.url())
        query = QUrlQuery(url)
        query.removeAllQueryItems("tk")
        query.addQueryItem("tk", key)
        url.setQuery(query)
        request.setUrl(url)
        request.setRawHeader(b"Authorization", b"")


_injector_id: Optional[str] = None


def install_key_injector() -> None:
    """Register the key preprocessor once (idempotent); the plugin removes it on unload."""
    global _injector_id
    if _injector_id is None:
        _injector_id = QgsNetworkAccessManager.setRequestPreprocessor(TiandituKeyInjector())


def remove_key_injector() -> None:
    global _injector_id
    if _injector_id is not None:
        QgsNetworkAccessManager.removeRequestPreprocessor(_injector_id)
        _injector_id = None


# ---------------------------------------------------------------- probing

def probe_target(src: Source, authcfg: Optional[str] = None) -> str:
    """The URL requested to check a source answers: one tile, or the capabilities."""
    url = src.url
    if src.kind == "xyz":
        for token, value in (("{z}", "1"), ("{x}", "0"), ("{y}", "0"), ("{-y}", "0"),
                             ("{q}", "0")):
            url = url.replace(token, value)
    else:
        parts = urllib.parse.urlsplit(url)
        query = dict(urllib.parse.parse_qsl(parts.query))
        lower = {k.lower() for k in query}
        if "request" not in lower:
            query.update({"SERVICE": src.kind.upper(), "REQUEST": "GetCapabilities"})
        url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    key = tianditu_key(authcfg) if authcfg else None
    if key:
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}tk={urllib.parse.quote(key)}"
    return url


def network_reason(reason) -> str:
    """Why a connection failed, in the user interface language. The operating system words
    it in English ("[Errno 111] Connection refused"); those words go to the log."""
    import errno
    import ssl

    log.get_logger().info("network error: %r", reason)
    if isinstance(reason, socket.gaierror):
        return QCoreApplication.translate(
            "Hezhang", "the server name cannot be resolved (no network, or a wrong address)")
    if isinstance(reason, ConnectionRefusedError):
        return QCoreApplication.translate("Hezhang", "the server refused the connection (nothing answers there)")
    if isinstance(reason, (ConnectionResetError, ConnectionAbortedError)):
        return QCoreApplication.translate("Hezhang", "the connection was broken off")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return QCoreApplication.translate("Hezhang", "its security certificate is not trusted")
    if isinstance(reason, ssl.SSLError):
        return QCoreApplication.translate("Hezhang", "the secure (https) connection failed")
    if isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return QCoreApplication.translate("Hezhang", "the network or the server cannot be reached (no route)")
    return QCoreApplication.translate("Hezhang", "network error ({0})").format(reason)


def http_reason(code: int) -> str:
    """What an HTTP error status means for a map source, in the user interface language."""
    if code in (401, 403):
        return QCoreApplication.translate("Hezhang", "access refused: check the key or the account")
    if code == 404:
        return QCoreApplication.translate("Hezhang", "not found: check the address")
    if code == 429:
        return QCoreApplication.translate("Hezhang", "too many requests: try again later")
    if code >= 500:
        return QCoreApplication.translate("Hezhang", "the server failed: try again later")
    return QCoreApplication.translate("Hezhang", "refused by the server")


def probe_url(url: str, timeout: float = PROBE_TIMEOUT_S) -> Optional[str]:
    """None when ``url`` answers with data, else a message saying what went wrong.

    Never takes much longer than ``timeout`` seconds: a dead host gives a message, not a
    frozen map. Run it in a task from the GUI.
    """
    shown = url.split("tk=")[0].rstrip("?&")  # never show a key in a message
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        return QCoreApplication.translate(
            "Hezhang", "{0}: only http:// and https:// addresses are supported.").format(shown)
    request = urllib.request.Request(url, headers={"User-Agent": "QGIS Hezhang plugin"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310  # nosec B310 - http(s) checked above
            status = reply.status
            ctype = reply.headers.get("Content-Type", "")
            reply.read(1024)
    except urllib.error.HTTPError as exc:
        return QCoreApplication.translate(
            "Hezhang", "{0} answered with HTTP error {1} ({2}).").format(shown, exc.code, http_reason(exc.code))
    except (socket.timeout, TimeoutError):
        return QCoreApplication.translate(
            "Hezhang", "{0} did not answer within {1} s.").format(shown, int(timeout))
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return QCoreApplication.translate(
                "Hezhang", "{0} did not answer within {1} s.").format(shown, int(timeout))
        return QCoreApplication.translate("Hezhang", "{0} cannot be reached: {1}").format(
            shown, network_reason(reason))
    except (OSError, ValueError) as exc:
        return QCoreApplication.translate("Hezhang", "{0} cannot be reached: {1}").format(
            shown, network_reason(exc))
    if status >= 400:
        return QCoreApplication.translate(
            "Hezhang", "{0} answered with HTTP status {1}.").format(shown, status)
    if "html" in ctype.lower():
        return QCoreApplication.translate(
            "Hezhang", "{0} answered with a web page instead of map data (check the address "
                   "or the key).").format(shown)
    return None


def probe_source(src: Source, authcfg: Optional[str] = None,
                 timeout: float = PROBE_TIMEOUT_S) -> Optional[str]:
    try:
        check_source(src)
    except OverlayError as exc:
        return str(exc)
    return probe_url(probe_target(src, authcfg), timeout)
