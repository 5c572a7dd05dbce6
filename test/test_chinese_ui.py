"""What a user of the Chinese UI reads (issue 10 desktop case e): dialogs, labels, the
severity column, refusals, network errors and Qt's own buttons are Chinese."""

from __future__ import annotations

import os
import sys

import pytest
from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

from test.ifaces import RecordingIface

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cov_fixtures as F  # noqa: E402
import readonly as RO  # noqa: E402


@pytest.fixture
def zh(qgis_app):
    """QGIS set to Chinese as a user does (Settings › Options › override locale), with the
    plugin's translation installed; both undone afterwards."""
    from qgis.core import QgsSettings

    from hezhang_plugin import i18n

    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    translator = i18n.install_translator("zh_CN")
    assert translator is not None
    yield
    i18n.remove_translator(translator)
    settings.setValue("locale/overrideFlag", False)
    settings.remove("locale/userLocale")


@pytest.fixture
def dock(zh, monkeypatch):
    from hezhang_plugin.gui.dock import HezhangDock

    iface = RecordingIface()
    d = HezhangDock(iface, iface.window)
    d.iface_ = iface
    yield d
    d.teardown()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()


def test_chief_dialog_titles_and_labels(dock, workspace_path, monkeypatch):
    from hezhang_plugin.gui import chiefs_page

    assert dock.open_workspace(F.fill(workspace_path))
    page = dock.pages["ChiefsPage"]
    page.reload_now()
    shown = []

    def record(dialog):
        form = dialog.layout()
        labels = [form.itemAt(i, form.LabelRole).widget().text() for i in range(7)]
        shown.append((dialog.windowTitle(), labels))
        return 0

    monkeypatch.setattr(chiefs_page.ChiefDialog, "exec", record)
    page._select_keys([("unit", F.V1, F.TOWN)])
    page.add_chief_dialog()  # comes with the selected unit as a default: still an addition
    page._select_keys([("chief", "CV1", F.V1)])
    page.edit_chief_dialog()
    assert [title for title, _ in shown] == ["添加河长", "编辑河长"]
    assert shown[0][1] == ["姓名", "级别", "河长类型", "职务", "单位", "所属区划", "联系电话"]


def test_severity_column_and_read_only_refusal(dock, tmp_path, qgis_app):
    from hezhang_plugin.data.workspace import create_workspace

    folder = tmp_path / "share"
    folder.mkdir()
    path = str(folder / "district.gpkg")
    create_workspace(path, "411171", "测试区", None)
    # segment 2 lacks its village chief: an R1 error
    F.fill(path, assignments=[a for a in F.assignments()
                              if not (a["seg_code"] == "411171000002" and a["level"] == "village")])
    with RO.read_only(path, str(folder)):
        assert dock.open_workspace(path)
        page = dock.pages["ChiefsPage"]
        page.run_check(sync=True)
        rows = [(page.problems.topLevelItem(i).text(0), page.problems.topLevelItem(i).text(1))
                for i in range(page.problems.topLevelItemCount())]
        assert ("R1", "错误") in rows and all(sev in ("错误", "警告") for _, sev in rows)
        page.reload_now()
        page.add_chief_dialog()
        warnings = [text for _t, text, level in dock.iface_.messages if level == Qgis.Warning]
        assert warnings and "工作空间为只读" in warnings[-1]
        assert "只读" in dock.workspace_page.read_only_label.text()
        QgsProject.instance().clear()


def test_qt_standard_buttons_and_network_errors(zh):
    from hezhang_plugin.overlays import sources

    box = QMessageBox()
    box.setStandardButtons(QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Retry).text() == "重试"
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    box.deleteLater()
    assert sources.network_reason(ConnectionRefusedError(111, "Connection refused")) == \
        "服务器拒绝连接（该地址无服务响应）"
    import socket

    assert "无法解析服务器名称" in sources.network_reason(socket.gaierror(-3, "Temporary failure"))
    assert sources.http_reason(403) == "拒绝访问：请检查密钥或账户"
