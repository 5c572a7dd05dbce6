"""core/ imports nothing from data/, gui/, i18n or QGIS/Qt — not at module level, not inside
functions. The test reads every import statement of every core module (ast), so an import
hidden in a function body counts too."""

from __future__ import annotations

import ast
import os

CORE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                    "hezhang_plugin", "core")

#: Packages core must not import (the plugin's outer layers, QGIS and Qt).
FORBIDDEN = ("hezhang_plugin.data", "hezhang_plugin.gui", "hezhang_plugin.i18n", "hezhang_plugin.processing",
             "hezhang_plugin.layout", "hezhang_plugin.overlays", "hezhang_plugin.services",
             "hezhang_plugin.plugin", "hezhang_plugin.compat", "hezhang_plugin.log", "hezhang_plugin.demo",
             "qgis", "PyQt5", "PyQt6", "sip")


def imported_modules(path: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a Python file (relative ones resolved
    against ``package``); ``from X import a`` yields X and X.a."""
    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((node.lineno, mod))
            out.extend((node.lineno, f"{mod}.{a.name}") for a in node.names)
    return out


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_core_imports_nothing_from_outer_layers():
    bad = []
    files = sorted(os.path.relpath(os.path.join(d, f), CORE) for d, _, names in os.walk(CORE)
                   for f in names if f.endswith(".py"))  # subpackages (core/segmentation/) too
    assert "validity.py" in files and "assignments.py" in files
    assert os.path.join("segmentation", "engine.py") in files
    for f in files:
        package = ".".join(["hezhang_plugin", "core", *os.path.dirname(f).split(os.sep)]).rstrip(".")
        for line, name in imported_modules(os.path.join(CORE, f), package):
            if _forbidden(name):
                bad.append(f"core/{f}:{line} imports {name}")
    assert bad == []


def test_the_walker_sees_imports_inside_functions(tmp_path):
    """The check itself: a lazy import in a function body and a relative import are found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from hezhang_plugin.data import io\n    return io\n"
                     "from ..gui import dock\nimport qgis.core\n", encoding="utf-8")
    names = [n for _, n in imported_modules(str(probe), "hezhang_plugin.core") if _forbidden(n)]
    assert "hezhang_plugin.data" in names and "hezhang_plugin.gui.dock" in names and "qgis.core" in names
