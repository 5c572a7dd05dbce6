"""The dock's page of a shared (PostgreSQL) workspace: logins, their roles and areas for the
administrator, and any feature's history for everyone.

A thin view over ``data.postgres.users`` and ``data.history``; for a GeoPackage workspace
(one writer, no logins) the users part says so and stays disabled, the history works.
"""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from hezhang_plugin import log
from hezhang_plugin.core import schema, scope
from hezhang_plugin.gui.page import DockPage
from hezhang_plugin.i18n import user_text


class AdminPage(DockPage):
    """Users, roles and unit-code scopes; a feature's history."""

    COLUMNS = ("login", "role", "area", "name")

    def __init__(self, iface=None, parent=None):
        super().__init__(iface, parent)
        self.workspace: Optional[str] = None
        layout = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("adminNote")
        layout.addWidget(self.note)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("usersTable")
        self.table.setHorizontalHeaderLabels([self.tr("Login"), self.tr("Role"), self.tr("Area"),
                                              self.tr("Name")])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.itemSelectionChanged.connect(self._on_select)
        layout.addWidget(self.table, 1)
        form = QFormLayout()
        self.login_edit = QLineEdit()
        self.login_edit.setObjectName("loginEdit")
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("roleCombo")
        for role, label in zip(scope.ROLES, self._role_labels()):
            self.role_combo.addItem(label, role.key)
        self.role_combo.setCurrentIndex(2)
        self.unit_edit = QLineEdit()
        self.unit_edit.setObjectName("unitEdit")
        self.unit_edit.setPlaceholderText(self.tr("12-digit code of the village, town or district"))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("nameEdit")
        form.addRow(self.tr("Login"), self.login_edit)
        form.addRow(self.tr("Role"), self.role_combo)
        form.addRow(self.tr("Area (unit code)"), self.unit_edit)
        form.addRow(self.tr("Name"), self.name_edit)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Add or update user"))
        self.save_button.setObjectName("saveUserButton")
        self.save_button.clicked.connect(self.save_user)
        self.remove_button = QPushButton(self.tr("Remove rights"))
        self.remove_button.setObjectName("removeUserButton")
        self.remove_button.clicked.connect(self.remove_user)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.status = QLabel()
        self.status.setObjectName("adminStatus")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        box = QGroupBox(self.tr("History of a feature"))
        hist = QHBoxLayout(box)
        self.history_layer = QComboBox()
        self.history_layer.setObjectName("historyLayer")
        for lyr in schema.data_layers():
            if lyr.tracked and schema.row_key_field(lyr):
                self.history_layer.addItem(lyr.zh if self._zh() else lyr.en, lyr.name)
        self.history_key = QLineEdit()
        self.history_key.setObjectName("historyKey")
        self.history_key.setPlaceholderText(self.tr("segment code, chief id, unit code…"))
        self.history_button = QPushButton(self.tr("Show history…"))
        self.history_button.setObjectName("historyButton")
        self.history_button.clicked.connect(self.show_history)
        hist.addWidget(self.history_layer)
        hist.addWidget(self.history_key, 1)
        hist.addWidget(self.history_button)
        layout.addWidget(box)
        self.history_dialog = None
        self.on_workspace(None)

    @staticmethod
    def _zh() -> bool:
        from hezhang_plugin.gui.page import ui_lang

        return ui_lang() == "zh"

    def show_history(self):
        """The history of the row named in the history box (a dialog; returned for tests)."""
        from hezhang_plugin.gui.history_dialog import FeatureHistoryDialog

        key = self.history_key.text().strip()
        if not self.workspace or not key:
            return None
        self.history_dialog = FeatureHistoryDialog(self.workspace, self.history_layer.currentData(), key,
                                                   parent=self)
        self.history_dialog.show()
        return self.history_dialog

    def _role_labels(self) -> list[str]:
        # In the order of core.scope.ROLES.
        return [self.tr("Viewer"), self.tr("Village editor"), self.tr("Town editor"),
                self.tr("District manager"), self.tr("Administrator")]

    def _enable(self, on: bool) -> None:
        for w in (self.table, self.login_edit, self.role_combo, self.unit_edit, self.name_edit,
                  self.save_button, self.remove_button):
            w.setEnabled(on)

    def on_workspace(self, session) -> None:
        from hezhang_plugin.data.postgres.connection import is_postgres

        workspace = session.uri if session is not None else None
        self.workspace = workspace
        self.history_button.setEnabled(bool(workspace))
        self.status.clear()
        self.table.setRowCount(0)
        if not workspace:
            self.note.setText(self.tr("No workspace open."))
            self._enable(False)
            return
        if not is_postgres(workspace):
            self.note.setText(self.tr("A GeoPackage workspace has one writer and no logins. Move it to "
                                      "PostgreSQL (hezhang:migrateworkspace) to give each maintainer a login, "
                                      "a role and an area."))
            self._enable(False)
            return
        self.note.setText(self.tr("Logins of {0}: editors change only rows inside their area; everybody "
                                  "reads the whole workspace. Passwords are set on the server, never here.")
                          .format(workspace))
        self._enable(True)
        self.reload()

    def on_teardown(self) -> None:
        self.workspace = None
        if self.history_dialog is not None:
            self.history_dialog.close()

    def reload(self) -> None:
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.postgres import users

        try:
            rows = users.list_users(self.workspace)
        except WorkspaceError as exc:
            self._say(self.tr("The users could not be read: {0}").format(user_text(exc)), error=True)
            self._enable(False)
            return
        labels = dict(zip((r.key for r in scope.ROLES), self._role_labels()))
        self.table.setRowCount(len(rows))
        for i, u in enumerate(rows):
            for j, value in enumerate((u.login, labels.get(u.role, u.role), u.unit_code or "", u.full_name or "")):
                item = QTableWidgetItem(value)
                if j == 1:
                    item.setData(Qt.ItemDataRole.UserRole, u.role)
                self.table.setItem(i, j, item)

    def _on_select(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        if len(rows) != 1:
            return
        r = rows.pop()
        self.login_edit.setText(self.table.item(r, 0).text())
        key = self.table.item(r, 1).data(256)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(key)))
        self.unit_edit.setText(self.table.item(r, 2).text())
        self.name_edit.setText(self.table.item(r, 3).text())

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020" if error else "")
        log.get_logger().info(text)

    def save_user(self) -> None:
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.postgres import users

        try:
            user = users.add_user(self.workspace, self.login_edit.text(), self.role_combo.currentData(),
                                  self.unit_edit.text() or None, self.name_edit.text() or None)
        except WorkspaceError as exc:
            self._say(self.tr("The user was not saved: {0}").format(user_text(exc)), error=True)
            return
        self._say(self.tr("{0} saved: {1}, area {2}").format(user.login, self.role_combo.currentText(),
                                                              user.unit_prefix or "-"))
        self.reload()

    def remove_user(self) -> None:
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.postgres import users

        login = self.login_edit.text().strip()
        try:
            users.remove_user(self.workspace, login)
        except WorkspaceError as exc:
            self._say(self.tr("The rights were not removed: {0}").format(user_text(exc)), error=True)
            return
        self._say(self.tr("{0} can no longer edit or read the workspace (the login stays for the history).")
                  .format(login))
        self.reload()
