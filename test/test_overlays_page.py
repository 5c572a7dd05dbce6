"""The dock's Overlays tab, built offscreen against the real QGIS project."""

from __future__ import annotations

import socket
import time

import pytest

# Shared fixtures of the overlay tests (pytest finds fixtures imported into a module).
from test.test_overlays import (  # noqa: F401
    KEY,
    _scenes,
    _segments_layer,
    auth_ready,
    tile_png,
    tile_server,
)


def _wait(cond, seconds=30.0):
    """Let queued task signals reach the main thread (tests only); bounded, never a hang."""
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)
    return cond()


@pytest.fixture
def page(qgis_iface, qgis_new_project):
    from hezhang_plugin.gui.overlays_page import OverlaysPage

    w = OverlaysPage(qgis_iface)
    yield w
    w.deleteLater()


def _imagery_names():
    from qgis.core import QgsProject

    from hezhang_plugin.overlays import placement

    return [lyr.name() for lyr in placement.overlay_layers(QgsProject.instance())]


def test_page_adds_url_source_and_reports_dead_ones(page, tile_server):  # noqa: F811
    base, seen = tile_server
    page.url_name.setText("Local")
    page.url_edit.setText(base + "/tiles/{z}/{x}/{y}.png")
    page.date_edit.setText("2024-03-01")
    page.add_url_button.click()
    assert _wait(lambda: _imagery_names() == ["Local [2024-03-01]"]), page.last_message
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    page.url_name.setText("Dead")
    page.url_edit.setText(f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png")
    page.last_message = ""
    page.add_url_button.click()
    assert _wait(lambda: "cannot be reached" in page.last_message), page.last_message
    assert _imagery_names() == ["Local [2024-03-01]"]
    page.date_edit.setText("March 2024")
    page.add_url_button.click()
    assert "YYYY-MM-DD" in page.last_message


def test_page_saves_key_and_presets(page, auth_ready):  # noqa: F811
    from hezhang_plugin.overlays import sources

    page.key_edit.setText(KEY)
    page.key_button.click()
    cid = sources.tianditu_authcfg()
    assert cid and sources.tianditu_key(cid) == KEY
    assert page.key_edit.text() == "" and cid in page.key_status.text()
    sources.reset_presets()
    page.reload_presets()
    n = page.preset_list.count()
    assert any(page.preset_list.item(i).text().startswith("⚠") for i in range(n))
    page.url_name.setText("River WMS")
    page.url_kind.setCurrentIndex(page.url_kind.findData("wms"))
    page.url_edit.setText("https://example.com/wms")
    page.url_layers.setText("rivers")
    page.save_preset_button.click()
    assert page.preset_list.count() == n + 1
    page.preset_list.setCurrentRow(n)
    assert page.url_layers.text() == "rivers"
    page.remove_preset_button.click()
    assert page.preset_list.count() == n
    sources.reset_presets()


def test_page_local_rasters_compare_and_waterchange(page, tmp_path, processing_ready):
    from qgis.core import QgsProject

    before, after = _scenes(tmp_path)
    page.raster_path.setText(before)
    page.band_preset.setCurrentIndex(page.band_preset.findData("false_colour"))
    page.date_edit.setText("2023-06-01")
    page.add_raster_button.click()
    page.raster_path.setText(after)
    page.date_edit.setText("2024-06-01")
    page.add_raster_button.click()
    page.band_preset.setCurrentIndex(page.band_preset.findData("ndwi"))
    page.date_edit.setText("2024-06-01")
    page.add_local_raster()
    assert _wait(lambda: len(_imagery_names()) == 3), page.last_message
    assert _imagery_names() == ["after NDWI [2024-06-01]", "after [2024-06-01]", "before [2023-06-01]"]
    prj = QgsProject.instance()
    layers = {lyr.name(): lyr for lyr in prj.mapLayers().values()}
    old, new = layers["before [2023-06-01]"], layers["after [2024-06-01]"]
    page.opacity_layer.setLayer(old)
    page.opacity_slider.setValue(40)
    assert old.opacity() == pytest.approx(0.4)
    page.compare_a.setLayer(old)
    page.compare_b.setLayer(new)
    root = prj.layerTreeRoot()
    page.swap_button.click()
    assert root.findLayer(old.id()).itemVisibilityChecked() != root.findLayer(new.id()).itemVisibilityChecked()
    first = root.findLayer(old.id()).itemVisibilityChecked()
    page.swap_button.click()
    assert root.findLayer(old.id()).itemVisibilityChecked() is (not first)

    seg = _segments_layer()
    prj.addMapLayer(seg)
    page.wc_segments.setLayer(seg)
    page.wc_buffer.setValue(300)
    page.run_waterchange()
    assert _wait(lambda: "polygon" in page.last_message or "failed" in page.last_message), page.last_message
    out = [lyr for lyr in prj.mapLayers().values() if lyr.name() == "Water changes"]
    assert out and sorted(f["change"] for f in out[0].getFeatures()) == ["water_gained", "water_lost"]
    assert root.children()[-1].name() == "遥感影像"
