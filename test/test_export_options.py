"""One ExportOptions for the Export tab, hezhang:exportmaps and the export worker's command
line: the same checks and messages everywhere, the same options from all three, and the
as-of date reaching every page (this process and the worker processes alike)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from test import layout_fixture as fx


def _pdf_pages(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


@pytest.mark.parametrize("changes,message", [
    ({"fmt": "bmp"}, "Unknown format bmp: use PDF, PNG or SVG"),
    ({"products": ()}, "Choose at least one product"),
    ({"products": ("coverage", "posters")}, "Unknown product posters: use coverage, atlas, boards or patrols"),
    ({"page_size": "B5"}, "Unknown page size B5: use A4, A3 or A0"),
    ({"dpi": 2400}, "Resolution 2400 dpi: use 30 to 1200 dpi"),
    ({"dpi": 10}, "Resolution 10 dpi: use 30 to 1200 dpi"),
    ({"as_of": "2024-02-30"}, "2024-02-30 is not a date: give the as-of date as YYYY-MM-DD"),
    ({"workers": 0}, "Processes 0: use 1 or more"),
    ({"workspace": "service=hz_city", "folder": None}, "Give an output folder"),
])
def test_checked_refuses_with_the_setting_named(qgis_app, tmp_path, changes, message):
    from hezhang_plugin.layout.errors import ExportError
    from hezhang_plugin.layout.options import ExportOptions

    options = ExportOptions(str(tmp_path / "ws.gpkg"), folder=str(tmp_path / "out")).replace(**changes)
    with pytest.raises(ExportError) as err:
        options.checked()
    assert str(err.value) == message


def test_checked_normalises(qgis_app, tmp_path, monkeypatch):
    from hezhang_plugin.layout.options import ExportOptions

    monkeypatch.chdir(tmp_path)
    got = ExportOptions("ws.gpkg", products=["boards", "coverage"], fmt="PNG", as_of="2024/5/1", dpi=72).checked()
    assert got.workspace == str(tmp_path / "ws.gpkg")
    assert got.folder == str(tmp_path / "maps")  # beside the workspace
    assert got.products == ("boards", "coverage") and got.fmt == "png" and got.as_of == "2024-05-01"
    assert got.checked() == got
    assert not (tmp_path / "maps").exists()  # checking touches no file
    assert got.prepare_folder() == str(tmp_path / "maps") and (tmp_path / "maps").is_dir()


def test_output_folder_that_cannot_be_made_is_named(qgis_app, tmp_path):
    from hezhang_plugin.layout.errors import ExportError
    from hezhang_plugin.layout.options import ExportOptions

    blocker = tmp_path / "file"
    blocker.write_text("x")
    options = ExportOptions(str(tmp_path / "ws.gpkg"), folder=str(blocker / "maps")).checked()
    with pytest.raises(ExportError, match="The output folder .*file/maps cannot be created"):
        options.prepare_folder()


def test_worker_command_line_round_trip(qgis_app):
    from hezhang_plugin.layout.options import ExportOptions

    full = ExportOptions("/data/ws.gpkg", ("atlas", "boards", "patrols"), "svg", "/data/out", 150, "A0", True, True,
                         "2024-05-01", 3, True, False, False, "2024-04-01", "2024-04-30", "akqi_2022")
    assert ExportOptions.from_args(full.to_args()) == full
    plain = ExportOptions("service=hz_city", folder="/data/out")
    assert ExportOptions.from_args(plain.to_args()) == plain


@pytest.mark.gui
def test_tab_algorithm_and_worker_build_the_same_options(processing_ready, tmp_path, monkeypatch):
    """The same choices in the Export tab, as hezhang:exportmaps parameters and on the worker's
    command line give equal options."""
    from qgis import processing
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.gui.export_page import ExportPage
    from hezhang_plugin.layout import export
    from hezhang_plugin.layout.options import ExportOptions

    ws = str(tmp_path / "ws.gpkg")
    out = str(tmp_path / "out")
    want = ExportOptions(ws, ("coverage", "boards", "patrols"), "png", out, 150, "A4", True, True, "2024-05-01",
                         patrol_start="2024-04-01", patrol_end="2024-04-15", patrol_profile="akqi_2022").checked()

    page = ExportPage(None)
    monkeypatch.setattr(type(page), "workspace", property(lambda self: ws))
    page.product_checks["atlas"].setChecked(False)
    page.format_combo.setCurrentIndex(page.format_combo.findData("png"))
    page.dpi_spin.setValue(150)
    page.page_combo.setCurrentIndex(page.page_combo.findData("A4"))
    page.per_page_check.setChecked(True)
    page.imagery_check.setChecked(True)
    page.as_of_edit.setDate(QDate(2024, 5, 1))
    page.product_checks["patrols"].setChecked(True)
    page.patrol_start_edit.setDate(QDate(2024, 4, 1))
    page.patrol_end_edit.setDate(QDate(2024, 4, 15))
    page.patrol_profile_combo.addItem("阿合奇县（2022）", "akqi_2022")
    page.folder_widget.setFilePath(out)
    from_tab = page.options().checked()
    page.deleteLater()

    seen = []
    monkeypatch.setattr(export, "run_export", lambda options, feedback=None, stats=None: seen.append(options) or [])
    processing.run("hezhang:exportmaps", {"WORKSPACE": ws, "PRODUCTS": [0, 2, 3], "FORMAT": 1, "OUTPUT_FOLDER": out,
                                          "DPI": 150, "PAGE_SIZE": 1, "ONE_FILE_PER_PAGE": True, "IMAGERY": True,
                                          "DATE": "2024-05-01", "PATROL_START": "2024-04-01",
                                          "PATROL_END": "2024-04-15", "PATROL_PROFILE": "akqi_2022"})
    from_algorithm = seen[0].checked()
    from_worker = ExportOptions.from_args(from_tab.to_args()).checked()
    assert from_tab == from_algorithm == from_worker == want


@pytest.mark.gui
def test_tab_refuses_a_patrol_period_ending_before_it_starts(qgis_app, tmp_path, monkeypatch):
    """The Export tab starts nothing and says which days are wrong; the patrol period and
    rules are enabled only while the patrol map is chosen."""
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.gui.export_page import ExportPage

    ws = str(tmp_path / "ws.gpkg")
    page = ExportPage(None)
    monkeypatch.setattr(type(page), "workspace", property(lambda self: ws))
    assert not page.product_checks["patrols"].isChecked() and not page.patrol_start_edit.isEnabled()
    page.product_checks["patrols"].setChecked(True)
    assert page.patrol_start_edit.isEnabled() and page.patrol_profile_combo.isEnabled()
    page.patrol_start_edit.setDate(QDate(2024, 6, 30))
    page.patrol_end_edit.setDate(QDate(2024, 6, 1))
    page.folder_widget.setFilePath(str(tmp_path / "out"))
    assert page.start_export() is None and page.task is None
    assert page.status_label.text() == ("The patrol period ends on 2024-06-01, before it starts on 2024-06-30: "
                                        "give a last day on or after the first")
    assert not (tmp_path / "out").exists()
    page.deleteLater()


@pytest.fixture(scope="module")
def as_of_export(qgis_app, tmp_path_factory):
    """The filled workspace exported as of 2024-02-01: its segments are current (from
    2024-01-01) but every appointment starts on 2024-03-01 and the old one on 411171000005
    ended 2023-12-31, so no segment has a chief on that day."""
    from qgis.core import QgsProject

    from hezhang_plugin.layout.export import export_products

    QgsProject.instance().clear()
    ws = fx.filled_copy(tmp_path_factory, "as_of")
    out = tmp_path_factory.mktemp("as_of_out")
    files = export_products(ws, ("coverage", "atlas", "boards"), "pdf", str(out), dpi=60, parallel=1,
                            as_of="2024-02-01")
    today = export_products(ws, ("boards",), "pdf", str(tmp_path_factory.mktemp("today_out")), dpi=60,
                            parallel=1)[0]
    return ws, out, files, today


def test_as_of_date_on_every_product(as_of_export):
    _ws, _out, (coverage, atlas, boards), today = as_of_export
    cov = _pdf_pages(coverage)[0].replace(" ", "")
    assert "截至2024-02-01" in cov and "未落实河长5段" in cov
    towns = _pdf_pages(atlas)
    assert len(towns) == 2 and all("截至2024-02-01" in t.replace(" ", "") for t in towns)
    pages = _pdf_pages(boards)
    assert len(pages) == len(fx.SEGMENTS)
    for text in pages:
        flat = text.replace(" ", "").replace("\n", "")
        assert "区级河长待落实" in flat and "镇级河长待落实" in flat, flat
        assert "陈刚" not in flat and "王建国" not in flat
    now = _pdf_pages(today)
    assert "陈刚" in now[0] and "区级河长待落实" not in now[0].replace(" ", "")  # today: chiefs appointed


def test_worker_renders_the_as_of_date_of_the_plan(as_of_export, tmp_path):
    """A worker process sets the plan's layout variables: its pages equal this process's."""
    from hezhang_plugin.layout import common
    from hezhang_plugin.layout.parallel import part_path, worker_env

    ws, out, (_c, _a, boards), _today = as_of_export
    keys = sorted(fx.SEGMENTS)
    plan = {"chunks": [[keys[0], keys[-1], len(keys)]], "dir": str(tmp_path), "dpi": 60,
            "variables": {"hezhang_as_of": "2024-02-01"}}
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    template = os.path.join(str(out), "templates", f"{common.LAYOUT_BOARDS}.qpt")
    res = subprocess.run([sys.executable, "-m", "hezhang_plugin.layout.worker", "--workspace", ws,
                          "--template", template, "--plan", str(tmp_path / "plan.json"), "--themes-stored"],
                         capture_output=True, text=True, env=worker_env(), timeout=300)
    assert res.returncode == 0, res.stderr
    assert _pdf_pages(part_path(str(tmp_path), 0)) == _pdf_pages(boards)
