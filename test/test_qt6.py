"""Qt 6 / QGIS 4 readiness of the package's spellings (issue 9), beyond flake8-qgis's list."""

from __future__ import annotations

import configparser
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "hezhang_plugin")
ATTRIBUTE = re.compile(r"(?<![\w.])(Qt|Q[A-Z][A-Za-z]+)\.([A-Za-z_]\w*)\b")


def _sources():
    for base, dirs, files in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(base, name)
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, ROOT), fh.read()


def _qt_classes() -> dict:
    from qgis.PyQt import QtCore, QtGui, QtWidgets, QtXml

    out = {}
    for module in (QtXml, QtCore, QtGui, QtWidgets):
        out.update({k: getattr(module, k) for k in dir(module) if k.startswith("Q")})
    return out


def _is_enum_member(value) -> bool:
    kind = type(value)
    # PyQt5: sip enum types; PyQt6: Python enum.Enum subclasses
    return isinstance(value, int) and (type(kind).__name__ == "enumtype" or hasattr(kind, "__members__")) \
        and kind is not int and kind is not bool


def test_no_unscoped_qt_enums(qgis_app):
    """Qt enum members are named through their enum (``Qt.AlignmentFlag.AlignLeft``), the
    only spelling PyQt6 has; PyQt5 5.15 (QGIS 3.22) has it too."""
    classes = _qt_classes()
    found = []
    for rel, text in _sources():
        for n, line in enumerate(text.splitlines(), 1):
            for m in ATTRIBUTE.finditer(line):
                cls = classes.get(m.group(1))
                value = getattr(cls, m.group(2), None) if cls is not None else None
                if value is not None and _is_enum_member(value) and \
                        getattr(getattr(cls, type(value).__name__, None), m.group(2), None) == value:
                    found.append(f"{rel}:{n} {m.group(0)} -> {m.group(1)}.{type(value).__name__}.{m.group(2)}")
    assert not found, "unscoped Qt enums:\n" + "\n".join(found)


def test_no_qt5_only_api():
    bad = []
    for rel, text in _sources():
        for n, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            if re.search(r"\.exec_\(|\bQRegExp\b|\bQDesktopWidget\b|\bqApp\b|activated\[str\]", code):
                bad.append(f"{rel}:{n} {line.strip()}")
    assert not bad, "\n".join(bad)


def test_metadata_offers_the_plugin_to_qgis_4():
    for path in (os.path.join(ROOT, "metadata.txt"), os.path.join(PACKAGE, "metadata.txt")):
        cp = configparser.ConfigParser()
        cp.read(path, encoding="utf-8")
        meta = cp["general"]
        assert meta["supportsQt6"] == "True"
        major, minor = (int(x) for x in meta["qgisMaximumVersion"].split("."))
        assert (major, minor) >= (4, 99)
