"""pyproj in QGIS's task threads (pyproj 3.7+ crashed QGIS there: see core.projthreads)."""

from __future__ import annotations

import ast
import os

import pytest

ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "hezhang_plugin")
PYPROJ_OBJECTS = {"CRS", "Transformer", "Proj"}


def _functions(tree, covered=False):
    """(function, whether it or a function enclosing it is decorated with proj_safe)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = covered or _decorated(node)
            yield node, inner
            yield from _functions(node, inner)
        else:
            yield from _functions(node, covered)


def _creates_pyproj_objects(fn) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.ImportFrom) and node.module == "pyproj" and \
                any(a.name in PYPROJ_OBJECTS for a in node.names):
            return True
        if isinstance(node, ast.Attribute) and node.attr in PYPROJ_OBJECTS and \
                isinstance(node.value, ast.Name) and node.value.id == "pyproj":
            return True
    return False


def _decorated(fn) -> bool:
    return any((isinstance(d, ast.Name) and d.id == "proj_safe") or
               (isinstance(d, ast.Attribute) and d.attr == "proj_safe") for d in fn.decorator_list)


def _called_names(fn) -> set:
    out = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            out.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return out


def _modules():
    """(path relative to the package, parsed module) of every module of the plugin."""
    for base, _dirs, files in os.walk(ROOT):
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(base, name)
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, ROOT), ast.parse(fh.read())


def test_every_pyproj_user_is_thread_safe():
    """A function making pyproj CRS/Transformer objects is decorated with proj_safe, or is
    called only from functions that are (or that make such objects themselves)."""
    functions = [(path, fn, covered) for path, tree in _modules() for fn, covered in _functions(tree)]
    creators = {fn.name for _p, fn, covered in functions if _creates_pyproj_objects(fn) and not covered}
    assert {"_transformer", "transformer_to_lonlat"} <= creators  # the check sees them
    unsafe = [f"{path}:{fn.lineno} {fn.name}" for path, fn, covered in functions
              if not covered and fn.name not in creators and _called_names(fn) & creators]
    # QGIS calls these in its task threads: they hand pyproj work to @proj_safe helpers
    unsafe += [f"{path}:{fn.lineno} {fn.name}" for path, fn, covered in functions
               if fn.name in ("processAlgorithm", "run") and not covered and _creates_pyproj_objects(fn)]
    assert not unsafe, "call pyproj object makers only from @proj_safe functions: " + ", ".join(unsafe)


def _pyproj_attribute_calls(fn, attrs) -> bool:
    """``fn`` calls a method of ``self.<attr>`` for one of ``attrs``."""
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and owner.attr in attrs and \
                    isinstance(owner.value, ast.Name) and owner.value.id == "self":
                return True
    return False


def test_classes_keeping_pyproj_objects_make_and_use_them_safely():
    """A class whose methods make pyproj CRS/Transformer objects (patrol matching's
    LocalFrame, made and used in the patrol import's QgsTask: a crash on Debian 13 before)
    is made thread-safe in its methods, since its callers only name the class: the methods
    that make them, and every method calling a method of an attribute they set, are
    decorated with proj_safe."""
    classes = [(path, node) for path, tree in _modules() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    checked, unsafe = [], []
    for path, cls in classes:
        methods = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        makers = [m for m in methods if _creates_pyproj_objects(m)]
        if not makers:
            continue
        checked.append(cls.name)
        attrs = {t.attr for m in makers for node in ast.walk(m) if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                 and t.value.id == "self"}
        for m in methods:
            if (m in makers or _pyproj_attribute_calls(m, attrs)) and not _decorated(m):
                unsafe.append(f"{path}:{m.lineno} {cls.name}.{m.name}")
    assert "LocalFrame" in checked  # the check sees it
    assert not unsafe, "decorate with proj_safe: " + ", ".join(unsafe)


def _in_consecutive_tasks(work, n: int) -> list:
    """``work`` run in ``n`` QgsTasks one after another (each on the task pool's threads):
    [(exception, value)] in order."""
    from qgis.core import QgsApplication, QgsTask

    results: list = []
    for _ in range(n):
        task = QgsTask.fromFunction("pyproj", work, on_finished=lambda exc, value=None: results.append((exc, value)))
        QgsApplication.taskManager().addTask(task)
        wanted = len(results) + 1
        while len(results) < wanted:
            QgsApplication.processEvents()
    return results


def test_local_frame_made_and_used_in_consecutive_tasks(qgis_app):
    """Patrol matching's frame made and used in QgsTasks one after another (as each patrol
    import does): the frame's centre maps to (0, 0) and back, in every task."""
    from hezhang_plugin.core.patrol_match import LocalFrame

    def work(_task):
        frame = LocalFrame(114.0, 34.0)
        x, y = frame.xy([114.0], [34.0])
        lon, lat = frame.lonlat(x, y)
        return float(x[0]), float(y[0]), float(lon[0]), float(lat[0])

    for exc, value in _in_consecutive_tasks(work, 6):
        assert exc is None
        assert value == pytest.approx((0.0, 0.0, 114.0, 34.0), abs=1e-6)


def test_transform_in_consecutive_tasks(qgis_app):
    """Two QgsTasks in a row transform coordinates on the task pool's threads; each runs
    pyproj in a thread of its own and both give the transverse-Mercator coordinates
    (EPSG:4547, CGCS2000 3-degree Gauss-Kruger CM 114E: the central meridian maps to x = 500 km)."""
    import shapely

    from hezhang_plugin.core.segmentation import transform_geoms

    def work(_task):
        geoms = transform_geoms([shapely.Point(114.0, 0.0)], "EPSG:4490", "EPSG:4547")
        return (geoms[0].x, geoms[0].y)

    for exc, value in _in_consecutive_tasks(work, 4):
        assert exc is None
        assert value == pytest.approx((500_000.0, 0.0), abs=1e-3)


def test_gdal_exceptions_stay_inside_the_plugins_calls(workspace_path):
    """Importing the plugin and reading a workspace leaves GDAL's exception mode of the
    process as it was (no gdal/ogr/osr.UseExceptions() for all of QGIS)."""
    import importlib
    import pkgutil

    from osgeo import gdal, ogr, osr

    import hezhang_plugin

    before = (gdal.GetUseExceptions(), ogr.GetUseExceptions(), osr.GetUseExceptions())
    for mod in pkgutil.walk_packages(hezhang_plugin.__path__, "hezhang_plugin."):
        if not mod.name.endswith((".demo", ".worker")):
            importlib.import_module(mod.name)
    from hezhang_plugin.data import io

    assert io.read_rows(workspace_path, "chiefs") == []
    with pytest.raises((RuntimeError, OSError)):
        io.read_rows(workspace_path + ".missing", "chiefs")
    assert (gdal.GetUseExceptions(), ogr.GetUseExceptions(), osr.GetUseExceptions()) == before
