"""Shared fixtures. Plugin modules are imported inside fixtures, after pytest-qgis has
started QGIS, never at conftest import time."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
os.environ.setdefault("PROJ_DATA", "/usr/share/proj")


def pytest_configure(config):
    # `make coverage`: follow QgsTasks into QGIS's worker threads (see test/cov_threads.py).
    if os.environ.get("HEZHANG_COVERAGE") and not config.pluginmanager.is_blocked("qgis"):
        from test import cov_threads

        cov_threads.install()


def pytest_unconfigure(config):
    # pytest-qgis starts QGIS with a profile in a new temporary folder in every process (its
    # pytest_configure) but exits QGIS and removes the folder only in the teardown of its
    # session fixture `qgis_app`, which never runs in a process without tests: pytest-xdist's
    # controller, and a worker left without tests (`make test` of a single test id). Each
    # such process left its 1 MB profile folder and QGIS's temporary files in the temp dir.
    # Such a process (its folder still there) does here what that teardown would: exit QGIS
    # and remove the folder pytest-qgis named for it (only a pytest-qgis* folder in the temp
    # dir). A process whose teardown ran has no folder left, and QGIS is not exited twice.
    import tempfile

    path = os.environ.get("QGIS_CUSTOM_CONFIG_PATH", "")
    if config.pluginmanager.is_blocked("qgis") or not path or not os.path.isdir(path) \
            or os.path.dirname(os.path.abspath(path)) != os.path.abspath(tempfile.gettempdir()) \
            or not os.path.basename(path).startswith("pytest-qgis"):
        return
    from qgis.core import QgsApplication

    app = QgsApplication.instance()
    if app is not None:
        app.exitQgis()
    shutil.rmtree(path, ignore_errors=True)


def pytest_addoption(parser, pluginmanager):
    # test/core runs without QGIS (-p no:qgis): keep pytest-qgis's ini key known then.
    if pluginmanager.is_blocked("qgis"):
        parser.addini("qgis_qui_enabled", "pytest-qgis GUI switch (unused without pytest-qgis)", type="bool")


# ---------------------------------------------------------------- the suite without QGIS
# `pytest test -p no:qgis` (what `make mutate` runs) keeps the tests that need no QGIS: the
# whole of test/core and the QGIS-free tests of the other files. A file importing QGIS, GDAL,
# Qt or the plugin's outer layers at module level is not collected; a test using a QGIS
# fixture, directly or through another fixture, is deselected.

#: Top-level imports that need QGIS (or load its libraries) when the module is collected.
_NEEDS_QGIS_IMPORTS = ("qgis", "osgeo", "PyQt5", "PyQt6", "hezhang_plugin.data", "hezhang_plugin.gui",
                       "hezhang_plugin.services", "hezhang_plugin.layout", "hezhang_plugin.processing",
                       "hezhang_plugin.overlays", "hezhang_plugin.plugin", "test.ifaces", "test.gui_driver")
#: Fixtures of pytest-qgis; every fixture that starts QGIS depends on one of them.
_QGIS_FIXTURES = {"qgis_app", "qgis_processing", "qgis_iface", "qgis_canvas", "qgis_parent", "qgis_new_project",
                  "qgis_bot", "qgis_show_map", "qgis_countries_layer", "qgis_world_map_geopackage"}


def _imports_qgis_at_top(path) -> bool:
    import ast

    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError):
        return False
    for node in tree.body:
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        if any(n == m or n.startswith(m + ".") for n in names for m in _NEEDS_QGIS_IMPORTS):
            return True
    return False


def pytest_ignore_collect(collection_path, config):
    if config.pluginmanager.is_blocked("qgis") and collection_path.suffix == ".py" \
            and collection_path.name.startswith("test_") and _imports_qgis_at_top(collection_path):
        return True
    return None


#: Session fixtures that cost many seconds to build; tests using them (or marked ``uses_demo``,
#: for a ``request.getfixturevalue("demo_run")``) run first (below).
_COSTLY_SESSION_FIXTURES = ("demo_run",)


def _costly_first(items) -> None:
    """Tests using a costly session fixture first, the rest in collection order.

    ``make test`` runs on one process more than the cores (pytest-xdist ``--dist
    worksteal``): each starts with a contiguous part of this order and takes work from the
    end of another's queue when idle. With the costly fixture's users at the head of the
    first part, one process builds it (the demo district: about 15 s) and the others never
    need it. The same order is used without xdist, so a serial run sees the order the
    parallel run does.
    """
    def costly(item) -> bool:
        return item.get_closest_marker("uses_demo") is not None \
            or any(name in getattr(item, "fixturenames", ()) for name in _COSTLY_SESSION_FIXTURES)

    items[:] = [i for i in items if costly(i)] + [i for i in items if not costly(i)]


def pytest_collection_modifyitems(config, items):
    if not config.pluginmanager.is_blocked("qgis"):
        _costly_first(items)
        return
    keep, drop = [], []
    for item in items:
        (drop if _QGIS_FIXTURES & set(getattr(item, "fixturenames", ())) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def empty_workspace_template(tmp_path_factory, qgis_app):
    """One new empty workspace for the session (district 411171 测试区, EPSG:4490), made once:
    creating a workspace builds its whole project, which costs seconds per test."""
    from hezhang_plugin.data.workspace import create_workspace

    path = tmp_path_factory.mktemp("template") / "ws.gpkg"
    create_workspace(str(path), "411171", "测试区", None)
    return str(path)


@pytest.fixture(scope="session")
def make_workspace(tmp_path_factory, qgis_app):
    """``make_workspace(path, code, name, crs=None, version=None)``: a new workspace at ``path``,
    copied from one made once per session for those arguments (what ``create_workspace``
    would write; a workspace's project follows the file it is opened from)."""
    from hezhang_plugin.data.workspace import create_workspace

    made: dict = {}

    def make(path, code="411171", name="测试区", crs=None, version=None) -> str:
        key = (code, name, crs, version)
        if key not in made:
            template = tmp_path_factory.mktemp("templates") / "ws.gpkg"
            kwargs = {"version": version} if version is not None else {}
            create_workspace(str(template), code, name, crs, **kwargs)
            made[key] = str(template)
        shutil.copyfile(made[key], path)
        return str(path)

    return make


@pytest.fixture
def workspace_path(tmp_path, empty_workspace_template):
    """A new empty workspace GeoPackage for the demo district code: a copy of the session's
    template (a workspace's project points its layers at whatever file it is opened from)."""
    path = tmp_path / "ws.gpkg"
    shutil.copyfile(empty_workspace_template, path)
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
def pg_server():
    """A throwaway PostgreSQL/PostGIS server for the session (see test/pgserver.py), with a
    template database that has PostGIS. ``PGSERVICEFILE`` points at its service file.

    Skips when PostgreSQL/PostGIS are not installed, except under CI (``CI=true``), where
    the PostgreSQL tests must run: there the fixture fails with the reason.
    """
    from test import pgserver

    try:
        server = pgserver.start()
    except pgserver.ServerUnavailable as exc:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"PostgreSQL tests cannot run under CI: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    old = os.environ.get("PGSERVICEFILE")
    os.environ["PGSERVICEFILE"] = server.service_file
    try:
        server.create_database("hz_template", postgis=True)
        yield server
    finally:
        if old is None:
            os.environ.pop("PGSERVICEFILE", None)
        else:
            os.environ["PGSERVICEFILE"] = old
        server.stop()


@pytest.fixture
def pg_database(pg_server, request):
    """A fresh database with PostGIS and a service ``hz_<n>`` naming it (as the superuser
    ``postgres``); dropped after the test. Returns ``(server, "service=hz_<n>", dbname)``."""
    import psycopg2
    from psycopg2 import sql

    pg_database.counter = getattr(pg_database, "counter", 0) + 1
    dbname = f"hz_{pg_database.counter}"
    con = psycopg2.connect(pg_server.conninfo())
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {} TEMPLATE hz_template").format(sql.Identifier(dbname)))
    con.close()
    uri = pg_server.add_service(dbname, dbname)
    yield pg_server, uri, dbname
    pg_server.drop_database(dbname)


@pytest.fixture
def pg_workspace(pg_database, qgis_app):
    """A new empty PostgreSQL workspace for the demo district code: (server, uri, dbname)."""
    from hezhang_plugin.data.postgres import workspace as pgws

    server, uri, dbname = pg_database
    pgws.create_workspace(uri, "411171", "测试区", None)
    return server, uri, dbname


@pytest.fixture
def shared_segment(pg_workspace):
    from hezhang_plugin.data.postgres import users
    from test.pg_helpers import TOWN_A, TOWN_B, _seed

    server, uri, dbname = pg_workspace
    _seed(uri)
    users.add_user(uri, "wang", "town_editor", TOWN_A, "王工")
    users.add_user(uri, "li", "town_editor", TOWN_A, "李工")
    users.add_user(uri, "zhao", "town_editor", TOWN_B, "赵工")
    return server, uri, dbname


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
