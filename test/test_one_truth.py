"""Issue 11 acceptance: one shared fixture (test/truth_fixture.py) gives the same km and
counts in every place that prints them — the statistics, the Chiefs tree, the coverage
summary, the coverage map's subtitle and roster table, the town atlas and the notice
boards — on the last day of a retired segment and on the first day of its successor."""

from __future__ import annotations

import datetime as dt
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth_fixture as T  # noqa: E402


@pytest.fixture(scope="module")
def truth(tmp_path_factory, qgis_app):
    return T.workspace(tmp_path_factory.mktemp("truth"))


@pytest.fixture
def project(truth):
    from qgis.core import QgsExpressionContextUtils, QgsProject

    from hezhang_plugin.data import workspace as ws

    prj = QgsProject.instance()
    ws.open_workspace(truth, prj)
    yield prj
    QgsExpressionContextUtils.removeProjectVariable(prj, "hezhang_as_of")
    prj.clear()


def _codes_on(day):
    return {T.code(n) for n in (1, 2, 3, 4, 5)} | {T.code(6 if day < T.RESEG_DAY else 7)}


@pytest.mark.parametrize("day", T.DAYS)
def test_statistics(truth, day):
    from hezhang_plugin.services.stats import workspace_statistics

    tables = workspace_statistics(truth, day)
    towns = {r["town_code"]: r for r in tables["towns"].rows}
    assert towns[T.TOWN]["segments"] == T.SEGMENTS
    assert towns[T.TOWN]["length_km"] == pytest.approx(T.TOTAL_KM, abs=1e-3)
    units = {r["unit_code"]: r["length_km"] for r in tables["units"].rows}
    assert units == pytest.approx(T.VILLAGE_KM, abs=1e-3)
    rivers = {r["river_code"]: r["length_km"] for r in tables["rivers"].rows}
    assert rivers == pytest.approx({"R1": 3.0, "R2": 1.5, "R3": 0.8}, abs=1e-3)
    chiefs = {r["chief_id"]: r["length_km"] for r in tables["chiefs"].rows}
    assert chiefs["CD"] == pytest.approx(T.TOTAL_KM, abs=1e-3) and chiefs["CV2"] == pytest.approx(1.25, abs=1e-3)
    assert chiefs["VOL"] == pytest.approx(2.0, abs=1e-3)
    assert ("CX" in chiefs) is (day < T.RESEG_DAY)  # its appointment holds through its last day


@pytest.mark.parametrize("day", T.DAYS)
def test_chiefs_tree(truth, project, day):
    from qgis.PyQt.QtCore import QDate

    from hezhang_plugin.gui.chiefs_page import ChiefsPage

    page = ChiefsPage(None)
    page.date_edit.setDate(QDate.fromString(day, "yyyy-MM-dd"))
    page.set_workspace(truth)
    page.reload_now()
    h = page.hierarchy
    km, count, missing = h.stats(T.DISTRICT)
    assert (round(km, 2), count, missing) == (T.TOTAL_KM, T.SEGMENTS, [])
    assert {v: round(h.stats(v)[0], 2) for v in (T.V1, T.V2, T.V3)} == T.VILLAGE_KM
    assert set(h.seg_by_code) == _codes_on(day)
    page.teardown()
    page.deleteLater()


@pytest.mark.parametrize("day", T.DAYS)
def test_coverage_summary(truth, day):
    from hezhang_plugin.services.coverage import check_coverage

    findings, summary = check_coverage(truth, day)
    assert summary.segments == T.SEGMENTS and summary.segments_complete == T.SEGMENTS
    assert round(summary.river_km, 2) == T.TOTAL_KM and round(summary.covered_km, 2) == T.TOTAL_KM
    assert summary.gap_km == pytest.approx(0.0, abs=1e-6)
    assert [f for f in findings if f.rule == "R1"] == []  # CX answers for S4 on its last day
    # R2's banks do not line up: each bank has its 0.5 km gap, the river none
    gaps = sorted(round(float(f.message_en.split(": ")[1].split(" km")[0]), 3) for f in findings
                  if f.rule == "R3" and "without a segment" in f.message_en)
    assert gaps == [0.5, 0.5]


@pytest.mark.parametrize("day", T.DAYS)
def test_coverage_map_subtitle_and_roster_table(truth, project, day):
    from hezhang_plugin.layout import builders
    from hezhang_plugin.layout.content import coverage_table_rows, read_content

    content = read_content(truth, dt.date.fromisoformat(day))
    assert content.segment_count == T.SEGMENTS and round(content.total_km, 2) == T.TOTAL_KM
    assert content.uncovered == []
    layout = builders.build_coverage(project, content)
    assert layout.itemById("subtitle").text().startswith(f"河段 6 段，总长 5.30 公里；未落实河长 0 段　·　截至 {day}")
    rows = coverage_table_rows(content, 50)
    by_label = {(r[1], r[2]): r for r in rows}
    assert by_label[("河长", "区河长")][5:] == ["6", "5.30"]
    assert by_label[("河长", "镇河长")][5:] == ["6", "5.30"]
    village = next(r for r in rows if r[1] == "村级河长")
    # The km per level equal the tree's town node: every segment lies in a village.
    people = "4 人" if day < T.RESEG_DAY else "3 人"  # CX still answers on its last day
    assert village[2:] == [people, "", "", "6", "5.30"]
    volunteers = next(r for r in rows if r[1] == "民间河长")  # not counted as a village chief
    assert volunteers[2:] == ["1 人", "", "", "1", "2.00"]


@pytest.mark.parametrize("day", T.DAYS)
def test_town_atlas_and_notice_boards(truth, project, day):
    from qgis.core import QgsExpressionContextUtils, QgsLayoutItemAttributeTable

    from hezhang_plugin.layout import builders
    from hezhang_plugin.layout.content import read_content

    QgsExpressionContextUtils.setProjectVariable(project, "hezhang_as_of", day)
    content = read_content(truth, dt.date.fromisoformat(day))
    atlas_layout = builders.build_town_atlas(project, content)
    atlas = atlas_layout.atlas()
    assert atlas.beginRender() and atlas.first()
    subtitle = atlas_layout.itemById("subtitle")
    subtitle.refresh()
    assert subtitle.currentText() == f"{T.TOWN}　·　河段 6 段，长度 5.30 公里　·　截至 {day}"
    table = next(mf for mf in atlas_layout.multiFrames() if isinstance(mf, QgsLayoutItemAttributeTable))
    table.refreshAttributes()
    km = {row[3]: row[7] for row in table.contents()}  # name -> km, the town's own chiefs
    assert km["镇河长"] == "5.30" and km["乙书记"] == "1.25" and km["志愿者"] == "2.00"
    atlas.endRender()

    boards_layout = builders.build_boards(project, content)
    batlas = boards_layout.atlas()
    assert batlas.beginRender()
    seen = []
    missing = boards_layout.itemById("chiefs_missing")
    for i in range(batlas.count()):
        batlas.seekTo(i)
        seen.append(batlas.currentFilename().replace("board_", ""))
        missing.refresh()
        assert missing.currentText() == ""  # no level of chiefs missing on any board, CX's last day included
    batlas.endRender()
    assert sorted(seen) == sorted(_codes_on(day))
