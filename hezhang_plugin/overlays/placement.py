"""Where overlays go in a project: the 遥感影像 group, below every vector group.

Imagery drawn above the rivers would hide them, so the group is kept the last child of the
layer tree root (drawn first). Each overlay carries its acquisition date in its name and in
a custom property, so two dates can be told apart and compared.
"""

from __future__ import annotations

import re
from typing import Optional

from qgis.core import QgsLayerTreeGroup, QgsLayerTreeLayer, QgsMapLayer, QgsProject
from qgis.PyQt.QtCore import QCoreApplication

from hezhang_plugin.core import schema

DATE_PROPERTY = "hezhang/acquired"
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_date(date: Optional[str]) -> Optional[str]:
    """An ISO date (YYYY-MM-DD), None for empty; raises ValueError with a message otherwise."""
    date = (date or "").strip()
    if not date:
        return None
    import datetime as dt

    try:
        if not _DATE_RE.match(date):
            raise ValueError(date)
        dt.date.fromisoformat(date)
    except ValueError:
        raise ValueError(QCoreApplication.translate(
            "Hezhang", "{0} is not a date in the form YYYY-MM-DD").format(date)) from None
    return date


def overlay_name(title: str, date: Optional[str]) -> str:
    return f"{title} [{date}]" if date else title


def imagery_group(project: QgsProject) -> QgsLayerTreeGroup:
    """The imagery group, created if needed and moved to the bottom of the layer tree."""
    root = project.layerTreeRoot()
    group = root.findGroup(schema.GROUP_IMAGERY)
    if group is None:
        group = root.addGroup(schema.GROUP_IMAGERY)
    children = root.children()
    if children and children[-1] is not group:
        clone = group.clone()
        root.addChildNode(clone)
        root.removeChildNode(group)
        group = clone
    return group


def add_overlay(project: QgsProject, layer: QgsMapLayer, date: Optional[str] = None,
                opacity: float = 1.0, visible: bool = True, title: Optional[str] = None
                ) -> QgsLayerTreeLayer:
    """Add ``layer`` at the top of the imagery group, named with its acquisition date."""
    date = check_date(date)
    layer.setName(overlay_name(title or layer.name(), date))
    if date:
        layer.setCustomProperty(DATE_PROPERTY, date)
    layer.setOpacity(max(0.0, min(1.0, float(opacity))))
    group = imagery_group(project)
    if project.addMapLayer(layer, False) is None:
        raise ValueError(QCoreApplication.translate(
            "Hezhang", "{0} could not be added to the project.").format(layer.name()))
    node = group.insertLayer(0, layer)
    node.setItemVisibilityChecked(visible)
    return node


def overlay_layers(project: QgsProject) -> list[QgsMapLayer]:
    group = project.layerTreeRoot().findGroup(schema.GROUP_IMAGERY)
    return [n.layer() for n in group.findLayers() if n.layer() is not None] if group else []


def acquisition_date(layer: QgsMapLayer) -> Optional[str]:
    value = layer.customProperty(DATE_PROPERTY)
    return str(value) if value else None


def set_opacity(layer: QgsMapLayer, opacity: float) -> None:
    layer.setOpacity(max(0.0, min(1.0, float(opacity))))
    layer.triggerRepaint()


def show_one_of(project: QgsProject, shown: QgsMapLayer, hidden: QgsMapLayer) -> None:
    """Two-date comparison: show ``shown`` and hide ``hidden``; the map extent is untouched."""
    root = project.layerTreeRoot()
    for layer, state in ((shown, True), (hidden, False)):
        node = root.findLayer(layer.id())
        if node is not None:
            node.setItemVisibilityChecked(state)


def swap_visible(project: QgsProject, first: QgsMapLayer, second: QgsMapLayer) -> QgsMapLayer:
    """Toggle which of two overlays is visible; returns the one now shown."""
    node = project.layerTreeRoot().findLayer(first.id())
    if node is not None and node.itemVisibilityChecked():
        show_one_of(project, second, first)
        return second
    show_one_of(project, first, second)
    return first
