"""Child processes on QGIS's own Python whatever PATH says (issue 9, item 4)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from test import layout_fixture as fx


def test_candidates_follow_each_platforms_qgis_layout():
    from hezhang_plugin.runtime import python_candidates

    linux = python_candidates("Linux", "/usr", (3, 11), executable="/home/u/.pyenv/shims/python3",
                              app_dir="/usr/bin", path_python="/home/u/.pyenv/shims/python3")
    assert linux[:2] == ["/usr/bin/python3.11", "/usr/bin/python3"]
    assert linux[-1] == "/home/u/.pyenv/shims/python3" and linux.count("/home/u/.pyenv/shims/python3") == 1

    # OSGeo4W / standalone installer: QGIS runs apps\Python312; sys.executable is qgis-bin.exe
    win = python_candidates("Windows", r"C:\OSGeo4W\apps\Python312", (3, 12),
                            executable=r"C:\OSGeo4W\bin\qgis-bin.exe", app_dir=r"C:\OSGeo4W\bin",
                            env={"OSGEO4W_ROOT": r"C:\OSGeo4W"})
    assert win[0] == os.path.join(r"C:\OSGeo4W\apps\Python312", "python.exe")
    assert os.path.join(r"C:\OSGeo4W", "bin", "python3.exe") in win
    assert win.index(r"C:\OSGeo4W\bin\qgis-bin.exe") == len(win) - 1

    # QGIS.app: the interpreter sits in Contents/MacOS/bin beside the program
    mac = python_candidates("Darwin", "/Applications/QGIS.app/Contents/Frameworks/Python.framework/Versions/3.12",
                            (3, 12), executable="/Applications/QGIS.app/Contents/MacOS/QGIS",
                            app_dir="/Applications/QGIS.app/Contents/MacOS")
    assert mac[0] == "/Applications/QGIS.app/Contents/MacOS/bin/python3.12"
    assert "/Applications/QGIS.app/Contents/Frameworks/Python.framework/Versions/3.12/bin/python3.12" in mac


@pytest.fixture
def foreign_python(tmp_path, monkeypatch):
    """A python3 that cannot import QGIS whatever its environment (like pyenv's or conda's:
    here the same interpreter started isolated and without site packages), first on PATH
    and as sys.executable."""
    from hezhang_plugin import runtime

    folder = tmp_path / "foreign" / "bin"
    folder.mkdir(parents=True)
    base = os.path.join(sys.base_prefix, "bin", f"python{sys.version_info[0]}.{sys.version_info[1]}")
    python = folder / "python3"
    python.write_text(f'#!/bin/sh\nexec "{base}" -I -S "$@"\n', encoding="utf-8")
    python.chmod(0o755)
    res = subprocess.run([str(python), "-c", "import qgis.core"], capture_output=True, text=True)
    assert res.returncode != 0 and "qgis" in res.stderr  # foreign indeed
    monkeypatch.setenv("PATH", str(folder) + os.pathsep + os.environ["PATH"])
    monkeypatch.delenv(runtime.ENV_PYTHON, raising=False)
    monkeypatch.setattr(sys, "executable", str(python))
    runtime.forget()
    yield str(python)
    runtime.forget()


def _filled(tmp_path):
    from hezhang_plugin.data.workspace import create_workspace

    path = str(tmp_path / "ws.gpkg")
    create_workspace(path, "411171", "测试区", None)
    fx.fill_workspace(path)
    return path


def _run_export_tab(iface, workspace, out, products=("coverage", "atlas", "boards"), fmt="pdf"):
    import time

    from qgis.PyQt.QtCore import QCoreApplication

    from hezhang_plugin.gui.export_page import ExportPage

    page = ExportPage(iface)
    page.set_workspace(workspace)
    page.folder_widget.setFilePath(str(out))
    for key, check in page.product_checks.items():
        check.setChecked(key in products)
    page.format_combo.setCurrentIndex(page.format_combo.findData(fmt))
    page.dpi_spin.setValue(60)
    results = []
    page.export_finished.connect(results.append)
    task = page.start_export()
    end = time.time() + 300
    while page.task is not None and time.time() < end:
        QCoreApplication.processEvents()
        time.sleep(0.05)
    assert page.task is None, "export task did not finish"
    return page, task, results


@pytest.mark.gui
def test_export_tab_with_a_foreign_python_first(qgis_app, tmp_path, foreign_python):
    from hezhang_plugin import runtime
    from test.ifaces import RecordingIface

    ws = _filled(tmp_path)
    chosen = runtime.qgis_python()
    assert chosen and chosen != foreign_python
    iface = RecordingIface()
    page, task, results = _run_export_tab(iface, ws, tmp_path / "maps")
    assert not task.error and not task.notice  # a worker process did the export
    names = sorted(os.path.basename(f) for f in results[0])
    assert names == ["coverage_411171.pdf", "notice_boards_411171.pdf", "town_atlas_411171.pdf"]
    pages = {}
    for f in results[0]:
        info = subprocess.run(["pdfinfo", f], capture_output=True, text=True, check=True).stdout
        pages[os.path.basename(f)] = int(next(x.split()[-1] for x in info.splitlines() if x.startswith("Pages:")))
    assert pages == {"coverage_411171.pdf": 1, "town_atlas_411171.pdf": 2,
                     "notice_boards_411171.pdf": len(fx.SEGMENTS)}
    page.deleteLater()


@pytest.mark.gui
def test_export_runs_inside_qgis_with_a_message_when_no_worker_python(qgis_app, tmp_path, monkeypatch):
    from hezhang_plugin import runtime
    from test.ifaces import RecordingIface

    ws = _filled(tmp_path)
    monkeypatch.setattr(runtime, "qgis_python", lambda candidates=None: None)
    iface = RecordingIface()
    page, task, results = _run_export_tab(iface, ws, tmp_path / "maps", products=("coverage",), fmt="png")
    assert [os.path.basename(f) for f in results[0]] == ["coverage_411171.png"]
    assert "No Python interpreter of QGIS" in task.notice
    assert any(text == task.notice for _title, text, _level in iface.messages)
    page.deleteLater()


def test_probe_refuses_an_interpreter_without_qgis(qgis_app, foreign_python):
    from qgis.core import Qgis

    from hezhang_plugin import runtime

    assert not runtime.probe(foreign_python, Qgis.QGIS_VERSION_INT)
    assert runtime.qgis_python([foreign_python]) is None


def test_child_sees_packages_in_this_process_order(qgis_app, tmp_path, monkeypatch):
    """QGIS desktop started with PYTHONPATH=VENV_SITE (make run): the child keeps the
    virtualenv's shapely 2 before the system's shapely 1.8, as this process does."""
    from hezhang_plugin import runtime

    venv_site, system_site = tmp_path / "venv-site", tmp_path / "dist-packages"
    venv_site.mkdir()
    system_site.mkdir()
    monkeypatch.setattr(sys, "path", [str(venv_site), str(system_site)])
    monkeypatch.setenv("PYTHONPATH", str(venv_site))
    order = runtime.child_env(proj_data="")["PYTHONPATH"].split(os.pathsep)
    assert order.index(str(venv_site)) < order.index(str(system_site))
