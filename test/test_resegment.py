"""Re-running segmentation on unchanged inputs changes nothing (issue 10, desktop case c).

On the demo district, segmented once as `make demo` does: the core run, the dock's Segments
page and hezhang:segmentrivers (given the stored segments as EXISTING), each with its own
default parameters and with other ones, add, change and retire nothing and leave every stored
row as it was. The demo's answer itself is checked against independent computations.
"""

from __future__ import annotations

import shutil

import pytest


@pytest.fixture(scope="module")
def demo_segmented(tmp_path_factory, qgis_app):
    """The demo workspace after its first segmentation (with the shared defaults)."""
    from hezhang_plugin import demo
    from hezhang_plugin.services.segmentation import segment_workspace

    path = str(tmp_path_factory.mktemp("reseg") / "demo.gpkg")
    demo.write_base_workspace(path)
    report = segment_workspace(path, today=demo.APPOINTED)
    assert report["added"] and report["notes"] == []
    return path


@pytest.fixture
def demo_copy(demo_segmented, tmp_path):
    path = str(tmp_path / "demo.gpkg")
    shutil.copy(demo_segmented, path)
    return path


def _stored(path):
    from hezhang_plugin.data import io

    return sorted((r["fid"], r["seg_code"], r["name"], r["bank"], r["unit_code"], r["start_name"],
                   r["end_name"], r["length_km"], r["valid_from"], r["valid_to"], r["geom"].wkb)
                  for r in io.read_rows(path, "segments"))


def test_the_defaults_come_from_one_place(qgis_app, processing_ready):
    from qgis.core import QgsApplication

    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.gui.segments_page import SegmentsPage

    alg = QgsApplication.processingRegistry().algorithmById("hezhang:segmentrivers")
    page = SegmentsPage(None)
    assert page.tolerance_spin.value() == alg.parameterDefinition("BOUNDARY_TOLERANCE").defaultValue() \
        == seg.DEFAULT_BOUNDARY_TOLERANCE
    assert page.min_length_spin.value() == alg.parameterDefinition("MIN_LENGTH").defaultValue() \
        == seg.DEFAULT_MIN_LENGTH
    assert page.level_combo.currentData() == seg.DEFAULT_UNIT_LEVEL == \
        ("village", "town")[alg.parameterDefinition("UNIT_LEVEL").defaultValue()]
    page.teardown()


@pytest.mark.parametrize("params", [(10.0, 50.0), (30.0, 200.0), (5.0, 20.0)])
def test_core_rerun_changes_nothing_whatever_the_parameters(demo_copy, params):
    from hezhang_plugin.services.segmentation import segment_workspace

    before = _stored(demo_copy)
    report = segment_workspace(demo_copy, "village", *params, today="2025-06-01")
    assert (report["added"], report["changed"], report["retired"]) == ([], [], [])
    assert len(report["unchanged"]) == report["segments"] == len(before)
    assert _stored(demo_copy) == before


def test_dock_rerun_changes_nothing(demo_copy):
    import time

    from qgis.core import QgsProject
    from qgis.PyQt.QtCore import QCoreApplication

    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.gui.segments_page import SegmentsPage

    before = _stored(demo_copy)
    ws.open_workspace(demo_copy, QgsProject.instance())
    page = SegmentsPage(None)
    page.set_workspace(demo_copy)
    task = page.run_segmentation()
    deadline = time.time() + 120
    while page.task is not None and time.time() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    assert page.task is None, "the segmentation task did not finish"
    assert task.error is None and task.result is not None, task.trace
    report = task.result
    assert (report["added"], report["changed"], report["retired"]) == ([], [], [])
    assert "0 added, 0 changed" in page.result_label.text() and ", 0 retired" in page.result_label.text()
    assert _stored(demo_copy) == before
    page.teardown()
    QgsProject.instance().clear()
    del task


def test_algorithm_rerun_with_existing_changes_nothing(demo_copy, processing_ready):
    from qgis import processing

    before = {r[1]: r for r in _stored(demo_copy)}
    res = processing.run("hezhang:segmentrivers", {
        "RIVERS": f"{demo_copy}|layername=rivers", "UNITS": f"{demo_copy}|layername=admin_units",
        "EXISTING": f"{demo_copy}|layername=segments", "OUTPUT": "memory:"})
    assert (res["ADDED"], res["CHANGED"], res["RETIRED"]) == (0, 0, 0)
    assert res["UNCHANGED"] == res["SEGMENTS"] == len(before)
    import shapely

    out = {f["seg_code"]: f for f in res["OUTPUT"].getFeatures()}
    assert set(out) == set(before)
    for code, f in out.items():
        old = before[code]
        assert (f["name"], f["bank"], f["unit_code"], f["start_name"], f["end_name"]) == old[2:7]
        assert f["length_km"] == old[7]
        assert shapely.from_wkb(bytes(f.geometry().asWkb())).equals_exact(shapely.from_wkb(old[10]), 0.0)


def test_demo_answer_is_what_independent_computations_give(demo_segmented):
    """沙河's right bank: each village's segment is that village's share of the river (the river
    is the district edge), measured here with shapely and pyproj.Geod; the 澧河 runs into the 沙河
    as a both-bank segment ending at 河口 (no single-bank sliver at the confluence)."""
    import shapely
    from pyproj import Geod

    from hezhang_plugin.core import segmentation as seg
    from hezhang_plugin.data import io

    rivers = {r["river_code"]: r for r in io.read_rows(demo_segmented, "rivers")}
    villages = io.read_rows(demo_segmented, "admin_units", where="level = 'village'")
    segments = io.read_rows(demo_segmented, "segments")
    geod = Geod(ellps="GRS80")
    sha = rivers["HZ-SH"]["geom"]
    sha_m = seg.transform_geoms([sha], "EPSG:4490", "EPSG:4547")[0]
    right = {s["unit_code"]: s for s in segments if s["river_code"] == "HZ-SH"}
    assert {s["bank"] for s in right.values()} == {"right"}
    for v in villages:
        vm = seg.transform_geoms([v["geom"]], "EPSG:4490", "EPSG:4547")[0]
        share = shapely.intersection(sha_m, shapely.buffer(vm, 0.01))
        if share.length < 1.0:
            assert v["code"] not in right
            continue
        share_ll = seg.transform_geoms([share], "EPSG:4547", "EPSG:4490")[0]
        km = geod.geometry_length(share_ll) / 1000.0
        assert right[v["code"]]["length_km"] == pytest.approx(km, abs=5e-5), v["name"]
    li = sorted((s for s in segments if s["river_code"] == "HZ-LH"), key=lambda s: s["seg_code"])
    assert {s["bank"] for s in li} == {"both"}
    assert [s["end_name"] for s in li].count("河口") == 1
