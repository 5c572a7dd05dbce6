"""Plugin lifecycle as QGIS runs it: classFactory, initGui, unload — twice, nothing left."""

from __future__ import annotations

import logging

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
