"""What the plugin checks and sets up once, when QGIS loads it (initGui / initProcessing).

- Python packages beyond what QGIS ships everywhere: QGIS for Windows (OSGeo4W) bundles
  numpy, shapely 2, pyproj and openpyxl; the QGIS 3.44 macOS bundle has numpy but neither
  shapely nor pyproj; Debian 12 has shapely 1.8. :func:`check_dependencies` finds what is
  missing once; :func:`missing_message` says it in one message with the command that
  installs it into QGIS's own Python; :func:`missing_for` lets each feature (a dock tab,
  an algorithm) disable only itself.
- shapely's GEOS against QGIS's on Linux (:func:`geos_clash`): a wheel built on another GEOS
  minor release crashes QGIS, so it counts as missing, with the fitting version named.
- PROJ data for pyproj, resolved once (``core.geodesy.configure_proj_data``), from QGIS's
  own PROJ search paths when pyproj finds none of its own.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Optional, Sequence

from qgis.core import QgsApplication


@dataclass(frozen=True)
class Requirement:
    """A Python package a feature needs, with the version it needs."""

    package: str  # import name
    pip_name: str  # name for pip
    minimum: tuple  # (major, minor)
    needed_for: str  # English, translated where shown
    optional: bool = False
    #: a name the minimum version brought, for builds that do not know their version
    #: (Debian unstable's python3-shapely 2.2 says "0+unknown")
    marker: str = ""


REQUIREMENTS = (
    Requirement("numpy", "numpy", (1, 21), "everything"),
    Requirement("shapely", "shapely", (2, 0), "segmentation, coverage checks, maps and imagery analysis",
                marker="from_wkb"),
    Requirement("pyproj", "pyproj", (3, 0), "lengths, map projections and segmentation"),
    Requirement("openpyxl", "openpyxl", (3, 0), "rosters and statistics as Excel (.xlsx) files", optional=True),
)
#: What each feature needs (features missing one of them are disabled, the rest work).
FEATURES = {
    "workspace": ("numpy",),
    "segments": ("numpy", "shapely", "pyproj"),
    "chiefs": ("numpy", "shapely", "pyproj"),
    "export": ("numpy", "shapely", "pyproj"),
    "imagery": ("numpy", "shapely", "pyproj"),
    "patrols": ("numpy", "shapely", "pyproj"),
    "problems": ("numpy", "shapely", "pyproj"),
    "xlsx": ("openpyxl",),
}

_state: dict = {}


def _version(text: str) -> tuple:
    parts = []
    for piece in (text or "").split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (2 - len(parts)))


def check_dependencies(force: bool = False) -> dict:
    """{import name: (found version or None, ok)} for :data:`REQUIREMENTS`; checked once
    per process (``force`` checks again)."""
    if "deps" in _state and not force:
        return _state["deps"]
    import importlib

    out = {}
    for req in REQUIREMENTS:
        try:
            module = importlib.import_module(req.package)
            version = getattr(module, "__version__", "") or "0"
            ok = _version(version) >= req.minimum
            if not ok and version.startswith("0+") and req.marker and hasattr(module, req.marker):
                ok = True  # a build without its version number that has the API needed
            out[req.package] = (version, ok)
        except Exception:  # a broken install fails in many ways; it counts as missing  # noqa: BLE001
            out[req.package] = (None, False)
    _state["geos"] = None
    if out["shapely"][1] and sys.platform.startswith("linux"):
        clash = geos_clash()
        if clash:
            _state["geos"] = clash
            out["shapely"] = (out["shapely"][0], False)
    _state["deps"] = out
    return out


#: shapely wheels whose bundled GEOS is that minor release (PyPI's shapely 2.0.6-2.0.7 carry
#: GEOS 3.11.4); for other releases the OS's own shapely package fits.
SHAPELY_FOR_GEOS = {(3, 11): "shapely>=2.0.6,<2.1"}


def geos_clash() -> Optional[tuple]:
    """((major, minor) of shapely's GEOS, of QGIS's GEOS) when they differ, else None.

    On Linux a shapely wheel carries its own GEOS library, while QGIS desktop has the OS's
    loaded already: with two minor releases in one process some of the wheel's GEOS calls
    reach QGIS's library and QGIS crashes (Debian 12: GEOS 3.11 with shapely 2.1's 3.13
    segfaults in prepared-polygon tests, i.e. in every segmentation). Windows and macOS
    keep each library's symbols apart."""
    try:
        import shapely
        from qgis.core import Qgis

        ours = tuple(shapely.geos_version[:2])
        qgis = (Qgis.geosVersionMajor(), Qgis.geosVersionMinor())
    except (ImportError, AttributeError, TypeError):
        return None
    return (ours, qgis) if ours != qgis else None


def missing() -> list:
    """Requirements not met (required and optional)."""
    deps = check_dependencies()
    return [req for req in REQUIREMENTS if not deps[req.package][1]]


def missing_for(feature: str) -> list:
    """Packages ``feature`` (a key of :data:`FEATURES`) needs and lacks here."""
    deps = check_dependencies()
    return [name for name in FEATURES.get(feature, ()) if not deps[name][1]]


def install_command(packages: Sequence[str]) -> str:
    """The command that installs ``packages`` into QGIS's own Python on this platform."""
    spec = " ".join(f'"{p}"' for p in packages)
    if sys.platform == "win32":
        return f"OSGeo4W Shell: python -m pip install --user {spec}"
    if sys.platform == "darwin":
        app = QgsApplication.applicationDirPath() if QgsApplication.instance() is not None else ""
        python = os.path.join(app, "bin", "python3") if app else "python3"
        return f"{python} -m pip install --user {spec}"
    # Debian 13 and later ship these as python3-shapely, python3-pyproj, python3-openpyxl;
    # on Debian 12 (shapely 1.8) pip must be told that it may add to the system's Python.
    return f"{sys.base_prefix}/bin/python3 -m pip install --user --break-system-packages {spec}"


def missing_message(reqs: Optional[Sequence[Requirement]] = None) -> str:
    """One message naming every missing package, what it is for, and how to install it;
    "" when nothing is missing."""
    reqs = list(missing() if reqs is None else reqs)
    if not reqs:
        return ""
    deps = check_dependencies()
    lines = []
    specs = []
    for req in reqs:
        found = deps[req.package][0]
        need = f"{req.pip_name} {req.minimum[0]}.{req.minimum[1]}+"
        what = QgsApplication.translate("HezhangStartup", req.needed_for)
        clash = _state.get("geos") if req.package == "shapely" else None
        if found and clash:
            (a, b), (c, d) = clash
            lines.append(QgsApplication.translate(
                "HezhangStartup", "shapely {0} is built on GEOS {1}, QGIS runs GEOS {2}; together they crash "
                "QGIS: {3}").format(found, f"{a}.{b}", f"{c}.{d}", what))
            specs.append(SHAPELY_FOR_GEOS.get((c, d), "shapely"))
            continue
        specs.append(f"{req.pip_name}>={req.minimum[0]}.{req.minimum[1]}")
        if found:
            lines.append(QgsApplication.translate("HezhangStartup", "{0} (found {1}): {2}").format(need, found, what))
        else:
            lines.append(QgsApplication.translate("HezhangStartup", "{0} (not installed): {1}").format(need, what))
    return QgsApplication.translate(
        "HezhangStartup", "Hezhang needs Python packages that this QGIS lacks; the features using them are "
        "disabled until they are installed: {0}. Install them into QGIS's Python with: {1}").format(
        "; ".join(lines), install_command(specs))


def configure_proj() -> str:
    """PROJ data for pyproj, resolved once (see ``core.geodesy.configure_proj_data``);
    "" when pyproj finds its own or pyproj is missing."""
    if "proj" in _state:
        return _state["proj"]
    folder = ""
    if check_dependencies()["pyproj"][1]:
        from hezhang_plugin.core import geodesy

        try:
            from qgis.core import QgsProjUtils

            candidates = list(QgsProjUtils.searchPaths())
        except (ImportError, AttributeError):
            candidates = []
        folder = geodesy.configure_proj_data(candidates)
    _state["proj"] = folder
    return folder


def start() -> str:
    """Everything the plugin sets up once (dependencies checked, PROJ data resolved);
    returns the message about missing packages ("" when none)."""
    if "started" not in _state:
        check_dependencies()
        configure_proj()
        _state["started"] = True
        message = missing_message()
        if message:
            from hezhang_plugin.log import get_logger

            get_logger().warning(message)
    return missing_message()


def _translations():
    # Listed so pylupdate5 collects the requirement texts under HezhangStartup.
    return (QgsApplication.translate("HezhangStartup", "everything"),
            QgsApplication.translate("HezhangStartup", "segmentation, coverage checks, maps and imagery analysis"),
            QgsApplication.translate("HezhangStartup", "lengths, map projections and segmentation"),
            QgsApplication.translate("HezhangStartup", "rosters and statistics as Excel (.xlsx) files"))
