"""core imports nothing of QGIS, Qt or GDAL: importing every core module in a fresh
interpreter loads none of them."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_core_modules_load_without_qgis():
    import hezhang_plugin.core as core

    names = [f"hezhang_plugin.core.{m.name}" for m in pkgutil.iter_modules(core.__path__)]
    assert len(names) >= 15
    code = ("import importlib, sys\n"
            f"for n in {names!r}: importlib.import_module(n)\n"
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('qgis', 'PyQt5', 'PyQt6', 'osgeo'))\n"
            "print(','.join(bad))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
