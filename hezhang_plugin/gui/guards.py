"""Refusing changes a workspace cannot take, at the action that would make them.

A workspace on a share the user may only read refuses every change when the user asks for
it (not when QGIS fails to save later); another program's lock on the file is one message
that offers to retry.
"""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QMessageBox

from hezhang_plugin.data import gpkg
from hezhang_plugin.i18n import user_text


def tr(text: str) -> str:
    # Context "@default": where pylupdate5 files module-level tr("...") calls.
    return QCoreApplication.translate("@default", text)


def write_refusal(path: Optional[str]) -> Optional[str]:
    """The message refusing a change to the workspace at ``path`` (in the UI language), or
    None when it may be written."""
    if path and gpkg.is_read_only(path):
        return user_text(gpkg.ReadOnlyWorkspaceError(path))
    return None


def is_busy(exc: BaseException) -> bool:
    """True for an error that means another program holds a lock on the workspace."""
    return isinstance(exc, gpkg.WorkspaceBusyError) or (
        not isinstance(exc, gpkg.WorkspaceError) and gpkg.is_busy_error(exc))


def ask_retry_busy(parent, path: str) -> bool:
    """Tell the user another program holds the workspace; True when they choose Retry."""
    answer = QMessageBox.warning(
        parent, tr("Workspace in use"), user_text(gpkg.WorkspaceBusyError(path)),
        QMessageBox.StandardButton.Retry | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Retry)
    return answer == QMessageBox.StandardButton.Retry


def wait_until_free(parent, path: str) -> bool:
    """Before a batch write: True when no other program holds a lock on ``path`` (asking
    to retry while one does), False when the user cancels."""
    while True:
        try:
            gpkg.check_not_busy(path, timeout_s=0.5)
            return True
        except gpkg.WorkspaceBusyError:
            if not ask_retry_busy(parent, path):
                return False
