"""Run as a child process by test_lead_terms: build the snapping index of a workspace's
segments layer the way QGIS desktop does when a digitising tool first moves over the map.

``python test/locator_probe.py WORKSPACE.gpkg`` reads the workspace's project into QGIS's
project instance, makes a QgsPointLocator on the segments layer with a render context (so
the index holds only what the style draws, evaluating the style's rules), starts it in the
background (relaxed: a QgsTask in the task manager's thread) and waits for it in the main
thread. Prints ``INDEXED n``. A style whose rules read another layer makes that thread wait
for the main thread, which waits for the thread: QGIS 3.22 gives up after its 30 s task
timeout with an empty index (``INDEXED 0``), where the desktop froze and then crashed.
"""

from __future__ import annotations

import os
import sys


def main(workspace: str) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import QgsApplication, QgsMapSettings, QgsPointLocator, QgsProject, QgsRenderContext
    from qgis.PyQt.QtCore import QSize

    app = QgsApplication([], False)
    app.initQgis()
    try:
        from hezhang_plugin.data import workspace as ws

        project = QgsProject.instance()
        ws.open_workspace(workspace, project, migrate=False)
        segments = next(lyr for lyr in project.mapLayers().values() if "|layername=segments" in lyr.source())
        settings = QgsMapSettings()
        settings.setLayers([segments])
        settings.setDestinationCrs(segments.crs())
        settings.setExtent(segments.extent())
        settings.setOutputSize(QSize(800, 600))
        context = QgsRenderContext.fromMapSettings(settings)
        locator = QgsPointLocator(segments, segments.crs(), project.transformContext())
        locator.setRenderContext(context)
        locator.init(-1, True)
        if locator.isIndexing():
            locator.waitForIndexingFinished()
        sys.stdout.write(f"INDEXED {locator.cachedGeometryCount()}\n")
        sys.stdout.flush()
        del locator
        project.clear()
        return 0
    finally:
        app.exitQgis()


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main(sys.argv[1]))
