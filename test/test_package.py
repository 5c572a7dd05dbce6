"""The plugin zip and its metadata follow the QGIS plugin repository's rules."""

from __future__ import annotations

import configparser
import importlib.util
import os
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _module(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, ".ci", f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def plugin_zip(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist") / "hezhang_plugin.zip"
    subprocess.run([sys.executable, os.path.join(ROOT, ".ci", "package.py"), "--version", "0", "--out", str(out)],
                   check=True, cwd=ROOT, capture_output=True)
    return str(out)


def test_metadata_is_complete_with_real_urls():
    cp = configparser.ConfigParser()
    cp.read(os.path.join(ROOT, "hezhang_plugin", "metadata.txt"), encoding="utf-8")
    meta = cp["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
                "repository", "tracker", "homepage", "icon", "license"):
        assert meta.get(key, "").strip(), key
    assert meta["qgisMinimumVersion"] == "3.22"
    assert meta["hasProcessingProvider"] == "yes"
    for key in ("repository", "tracker", "homepage"):
        assert meta[key].startswith("https://") and "example" not in meta[key]
    assert os.path.exists(os.path.join(ROOT, "hezhang_plugin", meta["icon"]))


def test_zip_is_valid_for_the_plugin_repository(plugin_zip):
    validate = _module("validate_zip")
    assert validate.problems(plugin_zip) == []
    with zipfile.ZipFile(plugin_zip) as zf:
        names = zf.namelist()
        assert "hezhang_plugin/LICENSE" in names and "hezhang_plugin/metadata.txt" in names
        assert "GNU GENERAL PUBLIC LICENSE" in zf.read("hezhang_plugin/LICENSE").decode()
        assert not [n for n in names if n.endswith((".pyc", ".so", ".ts")) or "__pycache__" in n]
        assert not [n for n in names if n.startswith("hezhang_plugin/test")]


def test_validator_rejects_bytecode_and_missing_license(tmp_path):
    validate = _module("validate_zip")
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("hezhang_plugin/__init__.py", "")
        zf.writestr("hezhang_plugin/metadata.txt", "[general]\nname=x\nversion=1.0\nrepository=http://localhost/x\n")
        zf.writestr("hezhang_plugin/__pycache__/plugin.cpython-311.pyc", b"\0")
    found = " | ".join(validate.problems(str(bad)))
    assert "LICENSE is missing" in found
    assert "forbidden file" in found
    assert "placeholder URL" in found
    assert "lacks author" in found
