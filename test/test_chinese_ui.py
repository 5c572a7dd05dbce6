"""What a user of the Chinese UI reads (issue 10 desktop case e): dialogs, labels, the
severity column, refusals, network errors and Qt's own buttons are Chinese."""

from __future__ import annotations

import os
import shutil
import sys

import pytest
from qgis.core import Qgis, QgsProject
from qgis.PyQt.QtWidgets import QMessageBox

from test.ifaces import RecordingIface

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import cov_fixtures as F  # noqa: E402
import readonly as RO  # noqa: E402

#: QgsProject.instance()'s Python wrapper, kept alive: if it were collected between tests,
#: pytest-qgis could not disconnect the slot it connected through it at the end of the session.
_PROJECT = []


@pytest.fixture
def zh(qgis_app):
    """QGIS set to Chinese as a user does (Settings › Options › override locale), with the
    plugin's translation installed; both undone afterwards."""
    from qgis.core import QgsSettings

    from hezhang_plugin import i18n

    _PROJECT[:] = [QgsProject.instance()]
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
    _settle()
    QgsProject.instance().clear()
    d.deleteLater()
    iface.window.deleteLater()
    _settle()


def _settle(timeout_s: float = 10.0) -> None:
    """Let the dock's background tasks end before its widgets and layers go."""
    import time

    from qgis.core import QgsApplication
    from qgis.PyQt.QtCore import QCoreApplication

    deadline = time.time() + timeout_s
    while QgsApplication.taskManager().countActiveTasks() and time.time() < deadline:
        QCoreApplication.processEvents()
        time.sleep(0.01)
    QCoreApplication.processEvents()


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


def test_severity_column_and_read_only_refusal(dock, tmp_path, empty_workspace_template):
    folder = tmp_path / "share"
    folder.mkdir()
    path = str(folder / "district.gpkg")
    shutil.copyfile(empty_workspace_template, path)
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
        warnings = [text for _t, text, level in dock.iface_.messages if level == Qgis.MessageLevel.Warning]
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


def test_refusals_of_bad_files_are_chinese(dock, tmp_path, monkeypatch, processing_ready, workspace_path):
    """The dock's refusal of a file that is not a workspace, and the roster import's refusal
    of an old .xls and of a header without the needed columns, in Chinese."""
    from qgis import processing
    from qgis.core import QgsProcessingException

    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    bad = tmp_path / "名单.gpkg"
    bad.write_text("姓名,电话\n", encoding="gbk")
    assert not dock.open_workspace(str(bad))
    assert warnings == ["名单.gpkg不是GeoPackage（不是SQLite数据库）"]
    ws = workspace_path  # a new empty workspace
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    from hezhang_plugin.core.roster import RosterError, read_table
    from hezhang_plugin.i18n import user_text

    with pytest.raises(RosterError) as err:
        read_table(str(xls))
    assert user_text(err.value) == "old.xls是旧版Excel 97 .xls文件；请另存为.xlsx或CSV"
    csv = tmp_path / "x.csv"
    csv.write_text("姓名,电话\n张三,13800000000\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="表头缺少列：行政区划代码/unit_code；现有列：姓名, 电话"):
        processing.run("hezhang:importroster", {"WORKSPACE": str(ws), "INPUT": str(csv), "MODE": 0})


def test_roster_report_and_write_errors_in_both_languages(tmp_path):
    from hezhang_plugin.core.messages import Message
    from hezhang_plugin.core.roster import ImportReport, Rejection
    from hezhang_plugin.data.io import WriteError, _row_failed

    report = ImportReport(source=str(tmp_path / "名单.xlsx"), file_format="XLSX", rows=3, accepted_rows=2,
                          header_row=3, skipped=[(9, "注:以上为现任河长")],
                          rejected=[Rejection(5, [Message("roster.duplicate", row=4)])])
    assert report.to_text("zh").splitlines() == [
        "名单.xlsx（XLSX）：共3行，有效2行，拒绝1行。未写入任何数据。",
        "表头在第3行",
        "第9行（标题或备注，已跳过）：注:以上为现任河长",
        "第5行：与第4行重复",
    ]
    assert report.to_text("en").splitlines()[3] == "row 5: duplicate of row 4"
    err = _row_failed("chiefs", 2, {"chief_id": "C1"}, "UNIQUE constraint failed: chiefs.chief_id")
    assert isinstance(err, WriteError)
    assert err.text("zh") == "河长第2行 (C1)：UNIQUE constraint failed: chiefs.chief_id"
    assert str(err) == "chiefs row 2 (C1): UNIQUE constraint failed: chiefs.chief_id"
