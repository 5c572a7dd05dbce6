"""Translation: the plugin speaks the language QGIS runs in (zh_CN, zh-Hans, zh → Simplified Chinese)."""

from __future__ import annotations

import os
from typing import Optional

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QTranslator

I18N_DIR = os.path.dirname(__file__)


def qgis_locale() -> str:
    """The language QGIS itself runs in, as QGIS decides it (src/app/main.cpp): the
    translation QGIS installed (``qgis --lang zh-Hans``, else the override in Options, else
    the system locale: ``QgsApplication.translation()``); where QGIS set none (tests, a
    script's own QgsApplication) the override setting, then the locale QGIS last stored
    (it writes ``locale/userLocale`` on every start without the override flag), then Qt's
    default locale."""
    from qgis.PyQt.QtCore import QLocale

    from hezhang_plugin import compat

    translation = compat.qgis_translation()
    if translation:
        return translation
    settings = QgsSettings()
    user_locale = settings.value("locale/userLocale", "", type=str) or ""
    if settings.value("locale/overrideFlag", False, type=bool):
        return user_locale or "en"
    return user_locale or QLocale().name()


def translation_for(locale: str) -> Optional[str]:
    """The .qm file serving ``locale``, or None for English and unknown locales."""
    loc = (locale or "").replace("-", "_").lower()
    if loc in ("zh", "zh_cn", "zh_hans", "zh_hans_cn", "zh_sg") or loc.startswith("zh_hans"):
        path = os.path.join(I18N_DIR, "hezhang_plugin_zh_CN.qm")
        return path if os.path.exists(path) else None
    return None


def ui_language() -> str:
    """'zh' when the plugin shows Chinese, else 'en' (used for stored project labels)."""
    loc = qgis_locale().replace("-", "_").lower()
    return "zh" if loc.startswith("zh") and not loc.startswith(("zh_tw", "zh_hk", "zh_hant")) else "en"


def install_translator(locale: Optional[str] = None) -> Optional[QTranslator]:
    path = translation_for(locale if locale is not None else qgis_locale())
    if not path:
        return None
    translator = QTranslator()
    if not translator.load(path):
        return None
    QCoreApplication.installTranslator(translator)
    return translator


def remove_translator(translator: Optional[QTranslator]) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


def user_text(value) -> str:
    """What a user reads of ``value`` in the UI language: a Message or a HezhangError (or any
    object with ``text(lang)``) rendered in it, anything else as ``str``."""
    text = getattr(value, "text", None)
    return text(ui_language()) if callable(text) else str(value)
