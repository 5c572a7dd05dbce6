"""Hezhang (河长制): river-chief system plugin for QGIS."""


def classFactory(iface):  # noqa: N802 - QGIS plugin entry point name
    from hezhang_plugin.plugin import HezhangPlugin

    return HezhangPlugin(iface)
