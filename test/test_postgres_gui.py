"""The dock's PostgreSQL widgets, offscreen: the admin page, a feature's history, the
conflict offer after a refused save."""

from __future__ import annotations

import pytest

from test.pg_helpers import SEG, TOWN_A, _feature, _row, _user_layer

pytestmark = pytest.mark.gui


def test_admin_page_adds_and_lists_users(shared_segment, workspace_path):
    import psycopg2

    from hezhang_plugin.gui.admin_page import AdminPage

    server, uri, dbname = shared_segment
    page = AdminPage()
    page.set_workspace(workspace_path)
    assert not page.save_button.isEnabled() and "GeoPackage" in page.note.text()
    page.set_workspace(uri)
    assert page.save_button.isEnabled()
    logins = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert logins == ["li", "wang", "zhao"]
    page.login_edit.setText("zhou")
    page.role_combo.setCurrentIndex(1)  # village editor
    page.unit_edit.setText(TOWN_A)  # a town code: refused for a village editor
    page.save_user()
    assert "village" in page.status.text() and page.table.rowCount() == 3
    page.unit_edit.setText("411171101201")
    page.name_edit.setText("周工")
    page.save_user()
    assert page.table.rowCount() == 4
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT role, unit_prefix, full_name, pg_has_role('zhou', 'hezhang_village_editor', 'MEMBER') "
                    "FROM hz_sys.users WHERE login = 'zhou'")
        assert cur.fetchone() == ("village_editor", "411171101201", "周工", True)
    con.close()
    page.table.selectRow(0)
    assert page.login_edit.text() == "li"
    page.remove_user()
    assert [page.table.item(r, 0).text() for r in range(page.table.rowCount())] == ["wang", "zhao", "zhou"]
    page.teardown()


def test_feature_history_and_conflict_offer(shared_segment):
    from hezhang_plugin.gui.conflict_watch import ConflictWatcher
    from hezhang_plugin.gui.history_dialog import FeatureHistoryDialog

    server, uri, dbname = shared_segment
    wang = _user_layer(server, dbname, "wang")
    li = _user_layer(server, dbname, "li")
    asked = []
    watcher = ConflictWatcher(None, ask=lambda text: asked.append(text) or True)
    watcher.watch([wang, li])
    wang.startEditing()
    li.startEditing()
    wang.changeAttributeValue(_feature(wang).id(), wang.fields().indexOf("name"), "王改名")
    li.changeAttributeValue(_feature(li).id(), li.fields().indexOf("target"), "李定目标")
    assert wang.commitChanges()
    assert watcher.check(wang) == []
    assert not li.commitChanges()
    found = watcher.check(li)
    assert len(found) == 1 and len(asked) == 1
    assert SEG in asked[0] and "wang" in asked[0] and "target" in asked[0]
    assert li.commitChanges(), li.commitErrors()
    assert _row(uri, "name", "target") == ("王改名", "李定目标")
    watcher.clear()

    dialog = FeatureHistoryDialog(uri, "segments", SEG)
    rows = [[dialog.table.item(r, c).text() for c in range(6)] for r in range(dialog.table.rowCount())]
    assert [r[1] for r in rows if r[3] in ("name", "target") and r[2] != "created"] == ["wang", "li"]
    assert ["name", "沙河甲镇段", "王改名"] in [r[3:] for r in rows]
    assert "wang" in dialog.label.text() and "li" in dialog.label.text()


def test_dock_opens_a_postgres_workspace_like_a_file(shared_segment, monkeypatch, qgis_app):
    """'Open from PostgreSQL…' with service=NAME: the district, the counts, every page on the
    session, the conflict offer watching the shared layers; the project names only the service."""
    from qgis.core import QgsProject
    from qgis.PyQt.QtWidgets import QApplication, QInputDialog, QMessageBox

    from hezhang_plugin.gui.dock import HezhangDock
    from test.ifaces import RecordingIface

    server, uri, dbname = shared_segment
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (dbname, True))
    iface = RecordingIface()
    dock = HezhangDock(iface, iface.window)
    try:
        dock.open_postgres_dialog()
        assert warnings == []
        assert dock.info is not None and dock.info.path == uri
        page = dock.workspace_page
        assert "测试区" in page.district_label.text() and uri in page.path_label.text()
        assert page.count_labels["segments"].text() == "1" and page.count_labels["admin_units"].text() == "3"
        for name in ("ChiefsPage", "SegmentsPage", "AdminPage"):
            assert dock.pages[name].uri == uri, name
        assert dock.pages["AdminPage"].save_button.isEnabled()
        layers = QgsProject.instance().mapLayers().values()
        assert {lyr.providerType() for lyr in layers if lyr.name() in ("河段", "河长")} == {"postgres"}
        assert all("password" not in lyr.source() for lyr in layers)
        assert len(dock.conflicts._layers) >= 6
        chiefs = dock.pages["ChiefsPage"]
        for _ in range(200):
            QApplication.processEvents()
            if not chiefs.loading:
                break
            import time

            time.sleep(0.02)
        assert not chiefs.loading and chiefs.hierarchy is not None
        assert set(chiefs.hierarchy.children["411171000000"]) == {TOWN_A, "411171102000"}
    finally:
        dock.teardown()
        QgsProject.instance().clear()
        dock.deleteLater()
        iface.window.deleteLater()
