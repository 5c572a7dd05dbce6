"""shapely works inside QGIS desktop, where QGIS's own GEOS is loaded first.

The qgis binary links libqgis_core and through it the OS's GEOS at start-up, so that GEOS's
C++ symbols are in the process's global scope before the plugin imports shapely; a shapely
wheel carrying another GEOS minor release then runs part of its GEOS calls in the OS's
library. On Debian 12 (GEOS 3.11) with shapely 2.1 (GEOS 3.13) a prepared polygon's point
test segfaulted, and *Segment rivers* in the dock killed QGIS. The tests run Python with
qgis loaded under RTLD_LOCAL, which hides this, so the check loads qgis._core globally in a
child process as the qgis binary does, then runs the calls the segmentation engine makes.
"""

from __future__ import annotations

import subprocess  # nosec B404 - runs this test's own interpreter on a fixed script
import sys

PROBE = r"""
import os, sys
sys.setdlopenflags(os.RTLD_GLOBAL | os.RTLD_NOW)
import qgis._core  # noqa: F401  (QGIS's GEOS into the global scope, as in qgis.bin)
sys.setdlopenflags(os.RTLD_LOCAL | os.RTLD_NOW)
import numpy as np
import shapely

# a pentagon: (5, 5) inside, (20, 5) outside, (0, 0) a vertex (on the boundary: not contained)
polys = np.array([shapely.Polygon([(0, 0), (10, 0), (10, 10), (5, 12), (0, 10)])])
shapely.prepare(polys)
inside = shapely.contains_xy(polys[[0, 0, 0]], np.array([5.0, 20.0, 0.0]), np.array([5.0, 5.0, 0.0]))
river = shapely.LineString([(-5, 5), (15, 5)])
cut = shapely.intersection(river, polys[0])
print(inside.tolist(), round(cut.length, 9))
"""


def test_prepared_polygons_with_qgis_geos_loaded_first():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,  # nosec B603
                          timeout=120, check=False)
    # a crash shows as a negative return code (-11: SIGSEGV) and no output
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    # hand-computed: only (5, 5) lies inside; the line y = 5 crosses the pentagon from x 0 to 10
    assert done.stdout.split("\n")[-2] == "[True, False, False] 10.0"
