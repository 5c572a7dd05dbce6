"""Print pip constraints pinning the Python packages QGIS and GDAL were built against.

`make deps` installs the development requirements into .venv (made with
--system-site-packages) with these constraints, so pip may add packages but never puts a
second numpy, GDAL, PyQt or sip in front of the ones the OS built QGIS and GDAL against
(a numpy 2 from PyPI in front of Debian 12's numpy 1.24 breaks GDAL's gdal_array).
"""

from __future__ import annotations

import sys
from importlib import metadata

#: Distributions that QGIS's or GDAL's Python bindings are compiled against.
BUILT_AGAINST = ("numpy", "GDAL", "PyQt5", "PyQt5-sip", "PyQt6", "PyQt6-sip", "sip")


def main() -> int:
    for name in BUILT_AGAINST:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        sys.stdout.write(f"{name}=={version}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
