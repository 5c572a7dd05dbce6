"""Print pip constraints pinning the Python packages QGIS and GDAL were built against.

`make deps` installs the development requirements into .venv (made with
--system-site-packages) with these constraints, so pip may add packages but never puts a
second numpy, GDAL, PyQt or sip in front of the ones the OS built QGIS and GDAL against
(a numpy 2 from PyPI in front of Debian 12's numpy 1.24 breaks GDAL's gdal_array).

shapely's PyPI wheels carry a GEOS of their own. In QGIS desktop the GEOS that QGIS links
is loaded first, into the global symbol scope, and answers for C++ symbols of the wheel's
GEOS; a wheel built on another GEOS minor release then crashes (Debian 12: GEOS 3.11 with
shapely 2.1's GEOS 3.13 segfaults in prepared-polygon point tests, so Segment rivers killed
QGIS). The shapely wheels are therefore limited to the series whose GEOS matches the OS's.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata

#: Distributions that QGIS's or GDAL's Python bindings are compiled against.
BUILT_AGAINST = ("numpy", "GDAL", "PyQt5", "PyQt5-sip", "PyQt6", "PyQt6-sip", "sip")

#: GEOS minor release of the OS → shapely wheels bundling the same minor release
#: (shapely 2.0.6–2.0.7 wheels: GEOS 3.11.4). Not listed: no constraint (the OS's shapely
#: is used where it is 2.x, as on Debian 13 and later).
SHAPELY_FOR_GEOS = {(3, 11): "shapely>=2.0.6,<2.1"}


def os_geos_version():
    """(major, minor) of the GEOS C library the OS provides (the one QGIS links), or None."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("geos_c")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.GEOSversion.restype = ctypes.c_char_p
    major, minor = lib.GEOSversion().decode().split("-")[0].split(".")[:2]
    return int(major), int(minor)


def os_shapely_fits() -> bool:
    """True when the OS's own shapely is a shapely 2 on the OS's GEOS: pip need not add one.
    Debian unstable's python3-shapely 2.2 calls itself "0+unknown", which pip takes for a
    missing shapely and replaces by a wheel carrying another GEOS than QGIS's."""
    try:
        import shapely
    except ImportError:
        return False
    if os.path.realpath(shapely.__file__).startswith(os.path.realpath(sys.prefix) + os.sep):
        return False  # .venv's own, installed by an earlier run
    return hasattr(shapely, "from_wkb") and tuple(shapely.geos_version[:2]) == os_geos_version()


def main() -> int:
    if sys.argv[1:] == ["--groups"]:
        # the pip dependency groups besides dev: shapely unless the OS's fits
        sys.stdout.write("" if os_shapely_fits() else "--group shapely\n")
        return 0
    for name in BUILT_AGAINST:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        sys.stdout.write(f"{name}=={version}\n")
    shapely = SHAPELY_FOR_GEOS.get(os_geos_version())
    if shapely:
        sys.stdout.write(shapely + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
