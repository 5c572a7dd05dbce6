"""What an export raises: :class:`ExportError` (a message for the user, naming the product
or the setting and why) and :class:`Canceled` (the user's act, not an error)."""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication


class ExportError(Exception):
    """An export that could not be made; the message says which product and why."""


class Canceled(Exception):  # noqa: N818 - the user's act, not an error
    """The user canceled the export; the files of the product under way are not finished."""


def tr(text: str) -> str:
    # Context "@default": where pylupdate5 files module-level tr("...") calls.
    return QCoreApplication.translate("@default", text)
