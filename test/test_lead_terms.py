"""No style reads another layer from a worker thread; rule R1 still shows on the map.

On QGIS 3.22 the segments style (aggregate() over the appointments, get_feature() on the
chiefs) froze QGIS desktop at the first mouse move of a digitising tool on a workspace with
intersection snapping: the snapping index of the segments, built in a thread, evaluates the
style, whose lookups wait for the main thread, which waited for the index. The style now
judges R1 from the segment's joined lead terms (data.project.add_lead_terms). These tests
build that index in a thread (in a child process, with a timeout, since a deadlock cannot be
interrupted in-process), check that no style of a workspace looks layers up, and that the
map flags exactly the segments the coverage check reports, edits included.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import truth_fixture as T  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = os.path.join(ROOT, "test", "locator_probe.py")

#: The segments style of workspaces made before the lead terms (rule R1 by aggregate() over
#: the appointments and get_feature() on the chiefs), with the layer ids filled in.
OLD_MISSING = ("aggregate(layer:='{a}', aggregate:='count', expression:=\"fid\", "
               "filter:=\"seg_code\" = attribute(@parent, 'seg_code') AND \"role\" IN ('chief') AND "
               "with_variable('hz_chief', get_feature('{c}', 'chief_id', \"chief_id\"), @hz_chief IS NOT NULL)) = 0")


@pytest.fixture(scope="module")
def truth(tmp_path_factory, qgis_app):
    return T.workspace(tmp_path_factory.mktemp("lead_terms"))


@pytest.fixture
def project(truth):
    from qgis.core import QgsExpressionContextUtils, QgsProject

    from hezhang_plugin.data import workspace as ws

    prj = QgsProject.instance()
    ws.open_workspace(truth, prj)
    yield prj
    for lyr in prj.mapLayers().values():
        if lyr.isEditable():
            lyr.rollBack()
    QgsExpressionContextUtils.removeProjectVariable(prj, "hezhang_as_of")
    prj.clear()


def spin(cond, seconds=30.0):
    from qgis.PyQt.QtCore import QCoreApplication, QEventLoop

    end = time.monotonic() + seconds
    while not cond() and time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.AllEvents, 20)
    return cond()


def probe(workspace: str) -> int:
    """Segments indexed by the snapping index built in a thread (child process)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, PROBE, workspace], capture_output=True, text=True, timeout=120,  # noqa: S603
                         env=env, cwd=ROOT)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("INDEXED ")]
    assert lines, out.stdout + out.stderr[-2000:]
    return int(lines[-1].split()[1])


def segment_count(path: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT count(*) FROM segments").fetchone()[0]


def layer_by_table(project, name):
    return next(lyr for lyr in project.mapLayers().values() if f"|layername={name}" in lyr.source())


def flagged(project, day: str) -> set:
    """seg_codes the workspace style draws as "chiefs missing" on ``day``."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils, QgsRenderContext

    from hezhang_plugin.data.project import chiefs_missing_expr

    QgsExpressionContextUtils.setProjectVariable(project, "hezhang_as_of", day)
    segs = layer_by_table(project, "segments")
    renderer = segs.renderer().clone()
    ctx = QgsRenderContext()
    ctx.setExpressionContext(QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(segs)))
    renderer.startRender(ctx, segs.fields())
    expr = QgsExpression(chiefs_missing_expr())
    out, by_rule = set(), set()
    for feat in segs.getFeatures():
        ctx.expressionContext().setFeature(feat)
        value = expr.evaluate(ctx.expressionContext())
        assert not expr.hasEvalError(), expr.evalErrorString()
        if value:
            out.add(feat["seg_code"])
        keys = renderer.legendKeysForFeature(feat, ctx)
        labels = {r.label() for r in renderer.rootRule().descendants() if r.ruleKey() in keys}
        if "河长未落实" in labels:
            by_rule.add(feat["seg_code"])
    renderer.stopRender(ctx)
    assert by_rule == out  # the style's own rule agrees with the expression
    return out


def r1_codes(findings) -> set:
    return {f.seg_code for f in findings if f.rule == "R1"}


# ------------------------------------------------------------------ the freeze

def test_snapping_index_builds_in_a_thread(truth):
    # Every segment is drawn by some rule (chiefs missing, by bank, or not current), so the
    # index built in a thread holds them all; the old style left it empty after 30 s.
    assert probe(truth) == segment_count(truth) == 7


@pytest.fixture
def old_workspace(truth, tmp_path):
    """A copy of the fixture whose stored project has the segments style of before the lead
    terms (and a named style like it, and a harmless one)."""
    import shutil

    from qgis.core import QgsLineSymbol, QgsProject, QgsRuleBasedRenderer

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data import workspace as ws
    from hezhang_plugin.layout import common

    old = str(tmp_path / "old.gpkg")
    shutil.copyfile(truth, old)
    prj = QgsProject.instance()
    ws.open_workspace(old, prj)
    segs, terms = layer_by_table(prj, "segments"), wsproject.lead_terms_layer(prj)
    segs.removeJoin(terms.id())
    prj.removeMapLayer(terms.id())
    missing = OLD_MISSING.format(a=layer_by_table(prj, "assignments").id(), c=layer_by_table(prj, "chiefs").id())
    root = QgsRuleBasedRenderer.Rule(None)
    root.appendChild(QgsRuleBasedRenderer.Rule(QgsLineSymbol.createSimple({}), 0, 0, missing, "old"))
    segs.setRenderer(QgsRuleBasedRenderer(root))
    common.add_named_style(segs, "old_by_town", segs.renderer().clone())
    common.add_named_style(segs, "by_bank", QgsRuleBasedRenderer(QgsRuleBasedRenderer.Rule(None)))
    wsproject.write_project(prj, old)
    prj.clear()
    return old


def assert_up_to_date(prj):
    from hezhang_plugin.data import project as wsproject

    segs = layer_by_table(prj, "segments")
    assert wsproject.lead_terms_layer(prj) is not None
    assert wsproject.SEGMENT_TERMS_FIELD in segs.fields().names()
    filters = [r.filterExpression() for r in segs.renderer().rootRule().descendants()]
    assert filters and not any(wsproject.looks_up_layers(f) for f in filters)
    names = segs.styleManager().styles()
    assert "by_bank" in names and "old_by_town" not in names  # the export rebuilds its own
    assert not prj.isDirty()  # brought up to date in memory; saved when the user saves


def test_a_workspace_with_the_old_style_is_brought_up_to_date(old_workspace):
    from qgis.core import QgsProject

    from hezhang_plugin.data import workspace as ws

    prj = QgsProject.instance()
    ws.open_workspace(old_workspace, prj)
    try:
        assert_up_to_date(prj)
    finally:
        prj.clear()
    assert probe(old_workspace) == 7


def test_opened_with_qgis_own_open_project_too(old_workspace, monkeypatch):
    from qgis.core import QgsProject
    from qgis.PyQt.QtWidgets import QMessageBox

    from hezhang_plugin.data.project import project_uri
    from hezhang_plugin.gui.dock import HezhangDock
    from test.ifaces import RecordingIface

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    iface = RecordingIface()
    dock = HezhangDock(iface, iface.window)
    prj = QgsProject.instance()
    try:
        assert prj.read(project_uri(old_workspace))  # Project › Open From › GeoPackage
        assert spin(lambda: dock.info is not None)
        assert_up_to_date(prj)
    finally:
        dock.teardown()
        prj.clear()
        dock.deleteLater()
        iface.window.deleteLater()


def test_no_workspace_style_reads_another_layer(truth, project):
    from qgis.core import QgsMapLayerStyle, QgsVectorLayer

    from hezhang_plugin.data.project import drawn_style_parts, looks_up_layers
    from hezhang_plugin.layout import builders
    from hezhang_plugin.layout.content import read_content

    builders.prepare_themes(project, read_content(truth))  # the layouts' named styles too
    checked = 0
    for lyr in project.mapLayers().values():
        if not isinstance(lyr, QgsVectorLayer):
            continue
        manager = lyr.styleManager()
        for name in manager.styles():
            style = manager.style(name)
            if name == manager.currentStyle():
                style = QgsMapLayerStyle()
                style.readFromLayer(lyr)
            assert not looks_up_layers(drawn_style_parts(style.xmlData())), (lyr.name(), name)
            checked += 1
    assert checked >= 10


def test_looks_up_layers():
    from hezhang_plugin.data.project import looks_up_layers

    assert looks_up_layers(OLD_MISSING)
    assert looks_up_layers("get_feature ('x', 'a', 1)")
    assert not looks_up_layers('"bank" = \'left\' AND "hz_lead_terms" IS NULL')


# ------------------------------------------------------------------ R1 on the map

@pytest.mark.parametrize("day", ("2019-12-31",) + T.DAYS + ("2024-07-02",))
def test_style_flags_what_the_coverage_check_reports(truth, project, day):
    from hezhang_plugin.services.coverage import check_coverage

    findings, _ = check_coverage(truth, day)
    assert flagged(project, day) == r1_codes(findings) == set()  # CX answers for S4 on its last day


def test_style_follows_edits_undo_and_the_as_of_date(truth, project):
    from hezhang_plugin.data.project import SEGMENT_TERMS_FIELD
    from hezhang_plugin.gui.coverage_panel import CHECKED_LAYERS, check_snapshots
    from hezhang_plugin.gui.session import WorkspaceSession
    from hezhang_plugin.gui.snapshots import snapshots

    session = WorkspaceSession(project)
    session.open(truth)
    try:
        chiefs = layer_by_table(project, "chiefs")
        segs = layer_by_table(project, "segments")
        cv2 = next(f for f in chiefs.getFeatures() if f["chief_id"] == "CV2")
        # Deactivated without ending its appointments: CV2's open appointments on S1 and S5
        # hold for nobody (core.assignments.holds), so both lack their village chief.
        chiefs.startEditing()
        chiefs.beginEditCommand("deactivate")  # one undoable step, as the attribute table makes it
        chiefs.changeAttributeValue(cv2.id(), chiefs.fields().indexOf("active"), False)
        chiefs.endEditCommand()
        expected = {T.code(1), T.code(5)}
        assert spin(lambda: flagged(project, "2024-07-01") == expected)
        findings, _ = check_snapshots(snapshots(session, CHECKED_LAYERS), T.DISTRICT, "2024-07-01")
        assert r1_codes(findings) == expected
        # Before the segments existed nothing is current, so nothing is flagged.
        assert flagged(project, "2019-12-31") == set()
        chiefs.undoStack().undo()
        assert spin(lambda: flagged(project, "2024-07-01") == set())
        chiefs.rollBack()

        # An appointment ended in the edit buffer: S3 has no village chief after 2024-09-30.
        assign = layer_by_table(project, "assignments")
        cv1 = next(f for f in assign.getFeatures() if f["chief_id"] == "CV1" and f["seg_code"] == T.code(3))
        assign.startEditing()
        assign.changeAttributeValue(cv1.id(), assign.fields().indexOf("valid_to"), "2024-09-30")
        assert spin(lambda: flagged(project, "2024-10-01") == {T.code(3)})
        assert flagged(project, "2024-09-30") == set()  # its last day is inclusive
        terms = next(f for f in segs.getFeatures() if f["seg_code"] == T.code(3))[SEGMENT_TERMS_FIELD]
        assert "v2020-01-01/2024-09-30" in terms.split(";")
        assign.rollBack()
        assert spin(lambda: flagged(project, "2024-10-01") == set())
    finally:
        session.dispose()
