"""The Chinese translation: complete, compiled, loaded for zh locales, removed on unload."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

import pytest
from qgis.PyQt.QtCore import QCoreApplication

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TS = os.path.join(ROOT, "i18n", "hezhang_plugin_zh_CN.ts")


def test_ts_is_complete():
    tree = ET.parse(TS)
    messages = list(tree.getroot().iter("message"))
    assert len(messages) > 40
    unfinished = [m.find("source").text for m in messages
                  if m.find("translation").get("type") == "unfinished" or not m.find("translation").text]
    assert unfinished == []


@pytest.mark.parametrize("locale", ["zh_CN", "zh-Hans", "zh", "zh_Hans_CN"])
def test_chinese_locales_get_the_translation(qgis_app, locale):
    from hezhang_plugin import i18n

    path = i18n.translation_for(locale)
    assert path and path.endswith("hezhang_plugin_zh_CN.qm") and os.path.exists(path)


@pytest.mark.parametrize("locale", ["en_US", "de", "zh_TW", ""])
def test_other_locales_stay_english(qgis_app, locale):
    from hezhang_plugin import i18n

    assert i18n.translation_for(locale) is None


def test_translator_translates_and_is_removed(qgis_app):
    from hezhang_plugin import i18n

    source = "Open workspace…"
    assert QCoreApplication.translate("HezhangPlugin", source) == source
    translator = i18n.install_translator("zh_CN")
    try:
        assert translator is not None
        assert QCoreApplication.translate("HezhangPlugin", source) == "打开工作空间…"
        assert QCoreApplication.translate("CreateWorkspaceAlgorithm", "Create workspace") == "新建工作空间"
    finally:
        i18n.remove_translator(translator)
    assert QCoreApplication.translate("HezhangPlugin", source) == source


def test_plugin_follows_qgis_locale(qgis_app, qgis_processing):
    from qgis.core import QgsSettings

    import hezhang_plugin
    from test.ifaces import RecordingIface

    settings = QgsSettings()
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "zh_CN")
    iface = RecordingIface()
    plugin = hezhang_plugin.classFactory(iface)
    try:
        plugin.initGui()
        assert plugin.translator is not None
        assert plugin.toggle_action.text() == "河长制面板"
        assert plugin.dock.workspace_page.open_button.text() == "打开工作空间…"
    finally:
        plugin.unload()
        settings.setValue("locale/overrideFlag", False)
        settings.remove("locale/userLocale")
        iface.window.deleteLater()
    assert QCoreApplication.translate("HezhangPlugin", "River Chiefs panel") == "River Chiefs panel"


@pytest.fixture
def qgis_language():
    """Sets the language QGIS runs in as its main() does, and restores it afterwards."""
    from qgis.core import QgsApplication, QgsSettings

    settings = QgsSettings()
    keys = ("locale/overrideFlag", "locale/userLocale")
    saved = {k: settings.value(k) for k in keys}
    from hezhang_plugin import compat

    translation = compat.qgis_translation()

    def set_language(translation_code, override=None, user_locale=None):
        QgsApplication.setTranslation(translation_code)
        for key, value in zip(keys, (override, user_locale)):
            if value is None:
                settings.remove(key)
            else:
                settings.setValue(key, value)

    yield set_language
    QgsApplication.setTranslation(translation)
    for key, value in saved.items():
        if value is None:
            settings.remove(key)
        else:
            settings.setValue(key, value)


def _plugin_texts():
    import hezhang_plugin
    from test.ifaces import RecordingIface

    iface = RecordingIface()
    plugin = hezhang_plugin.classFactory(iface)
    try:
        plugin.initGui()
        return plugin.toggle_action.text(), plugin.dock.workspace_page.open_button.text()
    finally:
        plugin.unload()
        iface.window.deleteLater()


def test_plugin_follows_qgis_lang_option(qgis_app, qgis_processing, qgis_language):
    """``qgis --lang zh-Hans``: QGIS installs that translation and leaves the locale
    settings as they were (no override, an English user locale)."""
    qgis_language("zh-Hans", override=False, user_locale="en_US")
    assert _plugin_texts() == ("河长制面板", "打开工作空间…")


def test_plugin_follows_stored_locale_without_override(qgis_app, qgis_processing, qgis_language):
    """No translation set by QGIS (a script's QgsApplication), override flag off: the locale
    QGIS stored on its last start speaks Chinese."""
    qgis_language("", override=False, user_locale="zh_CN")
    assert _plugin_texts() == ("河长制面板", "打开工作空间…")


def test_plugin_stays_english_when_qgis_runs_in_english(qgis_app, qgis_processing, qgis_language):
    qgis_language("en_US", override=False, user_locale="zh_CN")
    assert _plugin_texts() == ("River Chiefs panel", "Open workspace…")
