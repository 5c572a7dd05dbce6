"""README's `qgis_process` example, run as written with the QGIS command-line tool of this
machine (issue 9): enable the plugin once, then create a workspace. Debian 12's
`qgis_process` wrapper passes a desktop option the tool refuses, so there (QGIS before 3.28,
as README says) the example is run with `qgis_process.bin`.

The tool runs in a fresh home folder (its own QGIS profile) and finds the plugin through
QGIS_PLUGINPATH, as a deployed plugin is found in the profile's plugin folder."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # nosec B404 - QGIS's own command-line tool with fixed arguments

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool() -> str:
    from qgis.core import Qgis

    name = "qgis_process.bin" if Qgis.QGIS_VERSION_INT < 32800 else "qgis_process"
    path = shutil.which(name)
    assert path, f"{name} is not installed (make deps installs QGIS)"
    return path


@pytest.fixture
def cli_env(tmp_path):
    home = tmp_path / "home"
    plugins = tmp_path / "plugins"
    home.mkdir()
    plugins.mkdir()
    os.symlink(os.path.join(ROOT, "hezhang_plugin"), plugins / "hezhang_plugin")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QGIS_", "PYTHON"))}
    env.update(HOME=str(home), QGIS_PLUGINPATH=str(plugins), QT_QPA_PLATFORM="offscreen",
               XDG_RUNTIME_DIR=str(tmp_path))
    return env


def _run(args, env, cwd):
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)  # nosec B603


def test_readme_qgis_process_example_creates_a_workspace(cli_env, tmp_path):
    tool = _tool()
    enabled = _run([tool, "plugins", "enable", "hezhang_plugin"], cli_env, tmp_path)
    assert enabled.returncode == 0, enabled.stdout + enabled.stderr
    done = _run([tool, "run", "hezhang:createworkspace", "--", "DISTRICT_CODE=411171", "DISTRICT_NAME=示范区",
                 "OUTPUT=district.gpkg"], cli_env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not known" not in done.stderr
    path = tmp_path / "district.gpkg"
    con = sqlite3.connect(str(path))
    try:
        code, name = con.execute("SELECT district_code, district_name FROM hz_meta").fetchone()
        projects = con.execute("SELECT count(*) FROM qgis_projects").fetchone()[0]
    finally:
        con.close()
    assert (code, name) == ("411171000000", "示范区")
    assert projects == 1
