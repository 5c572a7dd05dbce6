"""Shared fixtures. Plugin modules are imported inside fixtures, after pytest-qgis has
started QGIS, never at conftest import time."""

from __future__ import annotations

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("PROJ_DATA", "/usr/share/proj")


def pytest_addoption(parser, pluginmanager):
    # test/core runs without QGIS (-p no:qgis): keep pytest-qgis's ini key known then.
    if pluginmanager.is_blocked("qgis"):
        parser.addini("qgis_qui_enabled", "pytest-qgis GUI switch (unused without pytest-qgis)", type="bool")


@pytest.fixture
def workspace_path(tmp_path, qgis_app):
    """A new empty workspace GeoPackage for the demo district code."""
    from hezhang_plugin.data.workspace import create_workspace

    path = tmp_path / "ws.gpkg"
    create_workspace(str(path), "411171", "测试区", None)
    return str(path)


@pytest.fixture(scope="session")
def processing_ready(qgis_app, qgis_processing):
    """Processing initialised with the hezhang provider registered once."""
    from qgis.core import QgsApplication

    from hezhang_plugin.processing.provider import HezhangProvider

    reg = QgsApplication.processingRegistry()
    if reg.providerById("hezhang") is None:
        provider = HezhangProvider()
        reg.addProvider(provider)
    yield reg


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, qgis_app, qgis_processing):
    """`make demo` run once for the whole session: (output folder, result of demo.run)."""
    from qgis.core import QgsApplication, QgsProject

    from hezhang_plugin import demo as demo_mod
    from hezhang_plugin.processing.provider import HezhangProvider

    registry = QgsApplication.processingRegistry()
    provider = None
    if registry.providerById("hezhang") is None:
        provider = HezhangProvider()
        registry.addProvider(provider)
    QgsProject.instance().clear()
    out = tmp_path_factory.mktemp("demo")
    result = demo_mod.run(str(out))
    yield out, result
    if provider is not None:
        registry.removeProvider(provider)
