"""Qt's own texts on the standard buttons of our dialogs and message boxes (OK, Cancel, Yes,
No, Retry…), listed so that the plugin's translation carries them.

Qt looks them up in the context ``QPlatformTheme``. QGIS on Linux loads Qt's translation
as ``qt_zh-Hans``, a file Qt does not ship (its Chinese file is ``qt_zh_CN``), so without
these entries a Chinese user meets English buttons in every Hezhang dialog. The plugin's
translator is installed only when QGIS shows Chinese, and it gives the same words Qt's own
Chinese translation uses.
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication


def standard_button_texts() -> tuple[str, ...]:
    # Never needs calling: pylupdate5 collects the strings from here into the .ts file.
    return (
        QCoreApplication.translate("QPlatformTheme", "OK"),
        QCoreApplication.translate("QPlatformTheme", "Cancel"),
        QCoreApplication.translate("QPlatformTheme", "&Yes"),
        QCoreApplication.translate("QPlatformTheme", "&No"),
        QCoreApplication.translate("QPlatformTheme", "Yes to &All"),
        QCoreApplication.translate("QPlatformTheme", "N&o to All"),
        QCoreApplication.translate("QPlatformTheme", "Retry"),
        QCoreApplication.translate("QPlatformTheme", "Ignore"),
        QCoreApplication.translate("QPlatformTheme", "Abort"),
        QCoreApplication.translate("QPlatformTheme", "Save"),
        QCoreApplication.translate("QPlatformTheme", "Save All"),
        QCoreApplication.translate("QPlatformTheme", "Discard"),
        QCoreApplication.translate("QPlatformTheme", "Don't Save"),
        QCoreApplication.translate("QPlatformTheme", "Close"),
        QCoreApplication.translate("QPlatformTheme", "Apply"),
        QCoreApplication.translate("QPlatformTheme", "Reset"),
        QCoreApplication.translate("QPlatformTheme", "Restore Defaults"),
        QCoreApplication.translate("QPlatformTheme", "Help"),
        QCoreApplication.translate("QPlatformTheme", "Open"),
    )
