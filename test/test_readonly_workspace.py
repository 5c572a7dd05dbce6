"""A workspace the user may read but not write (issue 10 case 8), and one another program
holds a lock on (case 9): reading, checking and exporting work; every writer refuses with
one clear message; nothing is changed and nothing is created beside the file."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cov_fixtures as F  # noqa: E402
import readonly as RO  # noqa: E402

ROSTER = "姓名,级别,行政区划代码,联系电话,河段编码,任职日期\r\n孙主任,村级,411171100001,13900000009,411171000001,2024-03-01\r\n"


@pytest.fixture
def shared(tmp_path, empty_workspace_template):
    """A filled workspace alone in its folder (as on a shared drive); (folder, path)."""
    folder = tmp_path / "share"
    folder.mkdir()
    path = str(folder / "district.gpkg")
    shutil.copyfile(empty_workspace_template, path)
    F.fill(path)
    return str(folder), path


def _state(folder, path):
    return sorted(os.listdir(folder)), Path(path).read_bytes()


def _zh():
    """The plugin's UI language set to Chinese (QGIS locale override), undone afterwards."""
    from qgis.core import QgsSettings

    class Zh:
        def __enter__(self):
            s = QgsSettings()
            self.old = (s.value("locale/overrideFlag"), s.value("locale/userLocale"))
            s.setValue("locale/overrideFlag", True)
            s.setValue("locale/userLocale", "zh_CN")

        def __exit__(self, *exc):
            s = QgsSettings()
            for key, value in zip(("locale/overrideFlag", "locale/userLocale"), self.old):
                if value is None:
                    s.remove(key)
                else:
                    s.setValue(key, value)

    return Zh()


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_checking_and_reading_work_and_write_nothing(shared, wal):
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.services.coverage import check_coverage

    folder, path = shared
    RO.set_wal(path, wal)
    expected = check_coverage(path, "2024-06-01")
    before = _state(folder, path)
    assert before[0] == ["district.gpkg"] and RO.journal_mode(path) == ("wal" if wal else "delete")
    with RO.read_only(path, folder):
        assert gpkg.is_read_only(path)
        info = gpkg.read_workspace_info(path)
        assert info.district_code == F.DISTRICT
        assert gpkg.table_counts(path)["segments"] == 2
        findings, summary = check_coverage(path, "2024-06-01")
        assert [(f.rule, f.seg_code) for f in findings] == [(f.rule, f.seg_code) for f in expected[0]]
        assert summary.river_km == pytest.approx(expected[1].river_km)
        assert _state(folder, path) == before


@pytest.mark.parametrize("wal", [False, True], ids=["rollback-journal", "wal"])
def test_processing_on_a_read_only_workspace(shared, wal, processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsProcessing, QgsProcessingException, QgsProcessingFeedback, QgsProject

    folder, path = shared
    RO.set_wal(path, wal)
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    out = tmp_path / "maps"
    before = _state(folder, path)
    QgsProject.instance().clear()

    class Feedback(QgsProcessingFeedback):
        warnings: list = []

        def pushWarning(self, text):
            self.warnings.append(text)
            super().pushWarning(text)

    with RO.read_only(path, folder):
        res = processing.run("hezhang:checkcoverage", {"WORKSPACE": path, "DATE": "2024-06-01",
                                                        "OUTPUT": QgsProcessing.TEMPORARY_OUTPUT})
        assert res["FINDINGS"] == 0 and res["COVERED_SHARE"] == pytest.approx(1.0)
        feedback = Feedback()
        res = processing.run("hezhang:exportmaps", {"WORKSPACE": path, "PRODUCTS": [2], "FORMAT": 1,
                                                     "DPI": 50, "OUTPUT_FOLDER": str(out)}, feedback=feedback)
        assert sorted(os.path.basename(f) for f in res["FILES"]) == [
            "board_411171000001.png", "board_411171000002.png"]
        assert all(os.path.getsize(f) > 0 for f in res["FILES"])
        assert any("read-only" in w and "not stored" in w for w in feedback.warnings), feedback.warnings
        QgsProject.instance().clear()
        for alg, params in (
            ("hezhang:importroster", {"WORKSPACE": path, "INPUT": str(roster), "MODE": 0}),
            ("hezhang:placeboards", {"WORKSPACE": path}),
            ("hezhang:segmentrivers", {"RIVERS": f"{path}|layername=rivers", "UNITS": f"{path}|layername=admin_units",
                                       "OUTPUT": f"ogr:dbname='{path}' table=\"segments_new\" (geom)"}),
        ):
            with pytest.raises(QgsProcessingException, match="the workspace is read-only"):
                processing.run(alg, params)
        assert _state(folder, path) == before


def test_refusal_follows_the_ui_language(shared, processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsProcessingException

    folder, path = shared
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    with RO.read_only(path, folder), _zh():
        with pytest.raises(QgsProcessingException, match="工作空间为只读"):
            processing.run("hezhang:importroster", {"WORKSPACE": path, "INPUT": str(roster), "MODE": 0})


def test_open_a_read_only_wal_workspace(shared):
    """QGIS cannot read a project stored in a WAL GeoPackage in a read-only folder; the
    workspace opens all the same, named after the file, its layers valid and not editable."""
    from qgis.core import QgsProject, QgsVectorDataProvider

    from hezhang_plugin.data import project as wsproject
    from hezhang_plugin.data import workspace as ws

    folder, path = shared
    RO.set_wal(path, True)
    before = _state(folder, path)
    with RO.read_only(path, folder):
        prj = QgsProject()
        info = ws.open_workspace(path, prj)
        assert info.district_code == F.DISTRICT
        assert prj.fileName() == wsproject.project_uri(os.path.abspath(path))
        layers = {lyr.name(): lyr for lyr in prj.mapLayers().values()}
        segments = next(lyr for lyr in layers.values() if lyr.source().endswith("layername=segments"))
        assert segments.isValid() and segments.featureCount() == 2
        caps = segments.dataProvider().capabilities()
        assert not caps & QgsVectorDataProvider.AddFeatures
        prj.clear()
        assert _state(folder, path) == before


def test_migration_and_creation_refused_in_a_read_only_folder(shared, tmp_path, qgis_app):
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data import workspace as ws

    folder, path = shared
    before = _state(folder, path)
    with RO.read_only(path, folder):
        with pytest.raises(gpkg.ReadOnlyWorkspaceError):
            gpkg.check_writable(path)
        with pytest.raises(ws.WorkspaceError, match="cannot be written"):
            ws.create_workspace(os.path.join(folder, "new.gpkg"), "411171", "测试区", None)
        with pytest.raises(gpkg.ReadOnlyWorkspaceError):
            from hezhang_plugin.data.io import write_rows

            write_rows(path, "chiefs", [dict(F.chiefs()[0], chief_id="X1")])
        assert _state(folder, path) == before


# ---------------------------------------------------------------- case 9: another program's lock

def test_import_with_another_program_holding_a_read_lock(workspace_path, processing_ready, tmp_path):
    from qgis import processing
    from qgis.core import QgsProcessingException

    path = F.fill(workspace_path)
    assert RO.journal_mode(path) == "delete"
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    before = Path(path).read_bytes()
    with RO.lock_held(path, "read"):
        with pytest.raises(QgsProcessingException) as err:
            processing.run("hezhang:importroster", {"WORKSPACE": path, "INPUT": str(roster), "MODE": 0})
        text = str(err.value)
        assert "in use by another program" in text and "retry" in text
        assert "Transaction" not in text
    assert Path(path).read_bytes() == before
    # Released: the same import now goes through.
    res = processing.run("hezhang:importroster", {"WORKSPACE": path, "INPUT": str(roster), "MODE": 0})
    assert res["ASSIGNMENTS_ADDED"] == 1


@pytest.mark.parametrize("kind", ["read", "write"])
def test_a_lock_taken_during_the_write_is_one_message_and_no_change(workspace_path, kind):
    """The lock arrives after the checks, between reading and committing (GDAL then waits
    its busy timeout): one WorkspaceBusyError, no 'Transaction not established', nothing written."""
    from hezhang_plugin.data import gpkg
    from hezhang_plugin.data.io import read_rows
    from hezhang_plugin.services.roster import import_roster

    path = F.fill(workspace_path, chiefs=[], assignments=[])
    src = os.path.join(os.path.dirname(path), "r.csv")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(ROSTER)
    before = Path(path).read_bytes()
    with RO.lock_held(path, kind):
        with pytest.raises(gpkg.WorkspaceBusyError) as err:
            import_roster(path, src)
        assert "Transaction not established" not in repr(err.value.__cause__)
    assert Path(path).read_bytes() == before
    assert read_rows(path, "chiefs") == []
