"""Fail when .venv holds a package that must come from the OS (QGIS's own Python packages).

Run with .venv's interpreter after `pip install`: qgis, PyQt, GDAL's osgeo and numpy must
be imported from the system's site-packages, never from the virtual environment.
"""

from __future__ import annotations

import importlib
import os
import sys

MUST_BE_SYSTEM = ("qgis.core", "qgis.PyQt.QtCore", "osgeo.gdal_array", "numpy")


def main() -> int:
    venv = os.path.realpath(sys.prefix)
    for name in MUST_BE_SYSTEM:
        importlib.import_module(name)
    bad = []
    for name in ("qgis", "PyQt5", "PyQt6", "sip", "osgeo", "numpy"):
        module = sys.modules.get(name)
        path = os.path.realpath(getattr(module, "__file__", None) or "") if module else ""
        if path.startswith(venv + os.sep):
            bad.append(f"{name} ({path})")
    if bad:
        sys.stderr.write("error: these must come from the OS packages, not from .venv: " + ", ".join(bad) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
