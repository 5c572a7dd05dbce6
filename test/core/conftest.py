"""Tests of the pure domain layer (hezhang_plugin.core): they run without QGIS.

    python -m pytest test/core -p no:qgis

runs them without starting QGIS; under `make test` they run with the rest.
"""

from __future__ import annotations

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("PROJ_DATA", "/usr/share/proj")
