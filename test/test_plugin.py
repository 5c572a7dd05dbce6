"""Plugin lifecycle as QGIS runs it: classFactory, initGui, unload — twice, nothing left."""

from __future__ import annotations

import logging
import os

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtCore import QCoreApplication, QEvent
from qgis.PyQt.QtWidgets import QDockWidget, QToolBar

from test.ifaces import RecordingIface


def _flush():
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def _hezhang_widgets(window):
    docks = [d for d in window.findChildren(QDockWidget) if d.objectName() == "HezhangDock"]
    bars = [t for t in window.findChildren(QToolBar) if t.objectName() == "HezhangToolbar"]
    return docks, bars


@pytest.fixture
def iface(qgis_app, qgis_processing):
    rec = RecordingIface()
    rec.window.show()
    yield rec
    rec.window.deleteLater()
    _flush()


def test_load_and_unload_twice_leaves_nothing(iface):
    import hezhang_plugin

    registry = QgsApplication.processingRegistry()
    had_provider = registry.providerById("hezhang") is not None
    for _ in range(2):
        plugin = hezhang_plugin.classFactory(iface)
        plugin.initGui()
        docks, bars = _hezhang_widgets(iface.window)
        assert len(docks) == 1 and len(bars) == 1
        assert docks[0].isHidden(), "the dock stays hidden until toggled"
        assert registry.providerById("hezhang") is not None
        menu = iface._submenu("河长制 / River Chiefs", False)
        assert menu is not None
        assert [a.text() for a in menu.actions()] == ["River Chiefs panel", "New workspace…", "Open workspace…"]
        assert [a.objectName() for a in plugin.toolbar.actions()] == ["HezhangToggleDock"]
        plugin.toggle_action.trigger()
        assert docks[0].isVisible()
        assert plugin.toggle_action.isChecked()
        try:
            plugin.unload()
        finally:
            _flush()
        docks, bars = _hezhang_widgets(iface.window)
        assert docks == [] and bars == []
        assert iface._submenu("河长制 / River Chiefs", False) is None
        assert (registry.providerById("hezhang") is not None) == had_provider
        assert logging.getLogger("hezhang_plugin").handlers == []
        from hezhang_plugin.overlays import sources

        assert sources._injector_id is None, "the Tianditu key preprocessor is removed"
        assert iface.canvas.mapTool() is None or not type(iface.canvas.mapTool()).__module__.startswith(
            "hezhang_plugin"), "no Hezhang map tool stays on the canvas"


def test_provider_registers_algorithms(iface):
    import hezhang_plugin

    plugin = hezhang_plugin.classFactory(iface)
    plugin.initGui()
    try:
        registry = QgsApplication.processingRegistry()
        ids = {a.id() for a in registry.providerById("hezhang").algorithms()}
        # Every algorithm, written out (their parameters: test_public_interface.py).
        assert ids == {"hezhang:adduser", "hezhang:assess", "hezhang:checkcoverage", "hezhang:checkpatrols",
                       "hezhang:createworkspace", "hezhang:exportmaps", "hezhang:gcj02convert", "hezhang:history",
                       "hezhang:importpatrols", "hezhang:importroster", "hezhang:migrateworkspace",
                       "hezhang:placeboards",
                       "hezhang:segmentrivers", "hezhang:waterchange", "hezhang:workreport"}
        alg = registry.algorithmById("hezhang:createworkspace")
        assert [p.name() for p in alg.parameterDefinitions()] == ["DISTRICT_CODE", "DISTRICT_NAME", "CRS", "OUTPUT"]
    finally:
        plugin.unload()
        _flush()


def test_createworkspace_through_processing(tmp_path, processing_ready):
    from qgis import processing

    out = str(tmp_path / "district.gpkg")
    res = processing.run("hezhang:createworkspace", {
        "DISTRICT_CODE": "411171", "DISTRICT_NAME": "示范区", "CRS": "EPSG:4545", "OUTPUT": out})
    assert res["OUTPUT"] == out
    from hezhang_plugin.data.workspace import check_workspace

    assert check_workspace(out).crs == "EPSG:4545"


def test_createworkspace_bad_code_message(tmp_path, processing_ready):
    from qgis import processing
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException, match="district code"):
        processing.run("hezhang:createworkspace", {
            "DISTRICT_CODE": "4111", "DISTRICT_NAME": "示范区", "OUTPUT": str(tmp_path / "x.gpkg")})
    assert not list(tmp_path.iterdir())


def _copied_workspace(src, folder):
    """``src`` copied under another name into ``folder`` (the original stays)."""
    import shutil

    folder.mkdir(exist_ok=True)
    copy = folder / "区 副本.gpkg"
    shutil.copyfile(src, copy)
    return str(copy)


def _stored_file_parts(gpkg_path):
    """The file parts of the stored project's GeoPackage sources, read with sqlite3/zipfile."""
    import io
    import re
    import sqlite3
    import zipfile

    con = sqlite3.connect(gpkg_path)
    try:
        content = con.execute("SELECT content FROM qgis_projects WHERE name = 'hezhang'").fetchone()[0]
    finally:
        con.close()
    text = content.decode() if isinstance(content, bytes) else content
    with zipfile.ZipFile(io.BytesIO(bytes.fromhex(text))) as zf:
        qgs = zf.read(next(n for n in zf.namelist() if n.endswith(".qgs"))).decode("utf-8")
    return set(re.findall(r"<datasource>([^<|]*)\|layername=", qgs))


@pytest.mark.parametrize("which", [pytest.param("demo", marks=pytest.mark.uses_demo), "same-folder"])
def test_workspace_read_by_qgis_itself_follows_its_copy(iface, which, request, tmp_path):
    """Issue 10: a copied or renamed workspace opened from QGIS's Recent Projects (not the
    dock) finds every layer in the copy while the plugin is loaded, and opens on the district.
    demo: copied into another folder, where the stored "./hezhang_demo.gpkg" does not exist;
    same-folder: copied next to the original, which the stored "./ws.gpkg" still names."""
    from osgeo import ogr
    from qgis.core import QgsProject, QgsVectorLayer

    import hezhang_plugin
    from hezhang_plugin.core import uris
    from hezhang_plugin.data import project as wsproject

    if which == "demo":
        out, _ = request.getfixturevalue("demo_run")
        src = str(out / "hezhang_demo.gpkg")
        assert _stored_file_parts(src) == {"./hezhang_demo.gpkg"}
        copy = _copied_workspace(src, tmp_path / "elsewhere")
        assert not os.path.exists(os.path.join(os.path.dirname(copy), "hezhang_demo.gpkg"))
    else:
        src = request.getfixturevalue("workspace_path")
        assert _stored_file_parts(src) == {"./ws.gpkg"}
        copy = _copied_workspace(src, tmp_path)
        assert os.path.dirname(copy) == os.path.dirname(src)
    uri = uris.project_uri(copy, "hezhang")
    project = QgsProject.instance()
    plugin = hezhang_plugin.classFactory(iface)
    plugin.initGui()
    try:
        assert project.read(uri)
        _flush()  # the dock's deferred readProject handler
        tables = [lyr for lyr in project.mapLayers().values() if lyr.providerType() == "ogr"]
        assert len(tables) >= 10
        assert all(lyr.isValid() for lyr in tables), [lyr.source() for lyr in tables if not lyr.isValid()]
        assert {lyr.source().split("|")[0] for lyr in tables} == {copy}
        if which == "demo":
            ds = ogr.Open(copy)
            xmin, xmax, ymin, ymax = ds.GetLayerByName("admin_units").GetExtent()
            ds = None
            shown = iface.canvas.extent()
            # zoom_to_district: the units' extent grown by 5 %, fitted to the canvas's shape
            assert shown.xMinimum() <= xmin and shown.xMaximum() >= xmax
            assert shown.yMinimum() <= ymin and shown.yMaximum() >= ymax
            assert (shown.width() == pytest.approx((xmax - xmin) * 1.05, rel=1e-3)
                    or shown.height() == pytest.approx((ymax - ymin) * 1.05, rel=1e-3))
        # the dock's own open, with its own path fixer, while this preprocessor is installed
        assert plugin.dock.open_workspace(copy, ask=False, confirmed=True)
        _flush()
        tables = [lyr for lyr in project.mapLayers().values() if lyr.providerType() == "ogr"]
        assert all(lyr.isValid() for lyr in tables)
        assert {lyr.source().split("|")[0] for lyr in tables} == {copy}
    finally:
        plugin.unload()
        _flush()
    assert wsproject._opened_paths is None, "the workspace path preprocessor is removed"
    try:
        assert project.read(uri)
        layers = [lyr for lyr in project.mapLayers().values() if isinstance(lyr, QgsVectorLayer)
                  and lyr.providerType() == "ogr"]
        # without the plugin, QGIS itself reads the stored paths: nothing points at the copy
        assert layers and not any(lyr.source().startswith(copy) for lyr in layers)
    finally:
        project.clear()
