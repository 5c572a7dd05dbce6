"""The start-up check: missing packages said once, only the features needing them off."""

from __future__ import annotations

import pytest


@pytest.fixture
def without_shapely_2(monkeypatch):
    """The check as it finds Debian 12's own shapely 1.8."""
    from hezhang_plugin import startup

    deps = dict(startup.check_dependencies())
    deps["shapely"] = ("1.8.5", False)
    monkeypatch.setitem(startup._state, "deps", deps)
    monkeypatch.delitem(startup._state, "started", raising=False)
    yield


def test_versions_are_compared_as_numbers():
    from hezhang_plugin import startup

    assert startup._version("2.0.7") == (2, 0) and startup._version("1.8.5") == (1, 8)
    assert startup._version("2.1.0rc1") == (2, 1) and startup._version("10.2") > (2, 0)


def test_the_check_runs_once(qgis_app):
    from hezhang_plugin import startup

    assert startup.check_dependencies() is startup.check_dependencies()


def test_missing_shapely_one_message_and_only_its_features_off(qgis_app, qgis_processing, without_shapely_2):
    import hezhang_plugin
    from hezhang_plugin import startup
    from test.ifaces import RecordingIface

    message = startup.missing_message()
    assert "shapely 2.0+ (found 1.8.5)" in message and 'shapely>=2.0' in message and "pip install" in message
    iface = RecordingIface()
    plugin = hezhang_plugin.classFactory(iface)
    try:
        plugin.initGui()
        warnings = [m for m in iface.messages if m[1] == message]
        assert len(warnings) == 1
        tabs = plugin.dock.tabs
        enabled = {tabs.tabText(i): tabs.isTabEnabled(i) for i in range(tabs.count())}
        assert enabled == {"Workspace": True, "Chiefs": False, "Segments": False, "Patrols": False,
                           "Problems": False, "Imagery": False, "Export": False, "Users": True}
    finally:
        plugin.unload()
        iface.window.deleteLater()


def test_algorithms_refuse_with_the_message(qgis_app, processing_ready, without_shapely_2):
    from qgis.core import QgsApplication, QgsProcessingContext

    from hezhang_plugin import startup

    registry = QgsApplication.processingRegistry()
    context = QgsProcessingContext()
    ok, text = registry.algorithmById("hezhang:segmentrivers").checkParameterValues({}, context)
    assert not ok and text == startup.missing_message([r for r in startup.REQUIREMENTS if r.package == "shapely"])
    ok, text = registry.algorithmById("hezhang:createworkspace").checkParameterValues(
        {"DISTRICT_CODE": "411171", "DISTRICT_NAME": "区", "OUTPUT": "/tmp/x.gpkg"}, context)
    assert "shapely" not in (text or "")


def test_shapely_on_another_geos_than_qgis_counts_as_missing(qgis_app, monkeypatch):
    """A shapely wheel bundling another GEOS minor release than the one QGIS runs crashes QGIS
    desktop on Linux (Debian 12: GEOS 3.11, shapely 2.1's 3.13): the check disables the
    features needing shapely and names both releases and the wheel series that fits."""
    import shapely
    from qgis.core import Qgis

    from hezhang_plugin import startup

    monkeypatch.setattr(startup, "_state", {})
    assert startup.check_dependencies()["shapely"][1]  # the set-up's shapely fits its QGIS
    assert startup.geos_clash() is None
    qgis = (Qgis.geosVersionMajor(), Qgis.geosVersionMinor())
    monkeypatch.setattr(shapely, "geos_version", (qgis[0], qgis[1] + 2, 0))
    monkeypatch.setattr(startup.sys, "platform", "linux")
    deps = startup.check_dependencies(force=True)
    assert deps["shapely"] == (shapely.__version__, False)
    assert [r.package for r in startup.missing()] == ["shapely"]
    assert startup.missing_for("segments") == ["shapely"] and startup.missing_for("workspace") == []
    message = startup.missing_message()
    assert f"is built on GEOS {qgis[0]}.{qgis[1] + 2}, QGIS runs GEOS {qgis[0]}.{qgis[1]}" in message
    if qgis == (3, 11):
        assert '"shapely>=2.0.6,<2.1"' in message
    monkeypatch.setattr(startup.sys, "platform", "win32")  # separate symbol spaces: no clash
    assert startup.check_dependencies(force=True)["shapely"][1]


def test_a_shapely_2_without_its_version_number_is_accepted(qgis_app, monkeypatch):
    """Debian unstable's python3-shapely 2.2 says its version is "0+unknown": it has shapely
    2's API (shapely.from_wkb) and is accepted; a shapely 1.8 saying so is not."""
    import shapely

    from hezhang_plugin import startup

    monkeypatch.setattr(startup, "_state", {})
    monkeypatch.setattr(shapely, "__version__", "0+unknown")
    assert startup.check_dependencies(force=True)["shapely"] == ("0+unknown", True)
    monkeypatch.delattr(shapely, "from_wkb")
    assert startup.check_dependencies(force=True)["shapely"] == ("0+unknown", False)
