"""The export's layouts: built into the workspace's project on first export (then reused as
the district restyled them), and written as .qpt templates beside the outputs, from which
worker processes (and a district's own design) load them."""

from __future__ import annotations

import os
from typing import Sequence

from qgis.core import QgsProject, QgsReadWriteContext
from qgis.PyQt.QtXml import QDomDocument

from hezhang_plugin import fonts
from hezhang_plugin.layout import builders
from hezhang_plugin.layout.content import read_content
from hezhang_plugin.layout.errors import ExportError, tr


def ensure_layouts(project: QgsProject, workspace_path: str, products: Sequence[str], page: str,
                   rebuild: bool = False, imagery: bool = False, content=None):
    """The layouts of ``products`` in ``project`` (built when missing or ``rebuild``).

    Returns (layouts by product, content, changed) where changed says the project needs
    writing back into the workspace.
    """
    content = content or read_content(workspace_path)
    builders.prepare_themes(project, content, imagery)
    manager = project.layoutManager()
    out = {}
    for product in products:
        name = builders.layout_name(product, page)
        layout = manager.layoutByName(name)
        if layout is not None and rebuild:
            manager.removeLayout(layout)
            layout = None
        if layout is None:
            if product == "boards":
                layout = builders.build_boards(project, content)
            else:
                layout = builders.BUILDERS[product](project, content, page)
            manager.addLayout(layout)
        else:
            # A layout saved where another Chinese font was installed prints with this one.
            fonts.fix_layout(layout)
            if product == "coverage":
                builders.fill_coverage(layout, content)
        out[product] = layout
    return out, content, True


def save_template(layout, folder: str) -> str:
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{layout.name()}.qpt")
    if not layout.saveAsTemplate(path, QgsReadWriteContext()):
        raise ExportError(tr("Could not write the template {0}").format(path))
    return path


def load_template(project: QgsProject, path: str):
    """A print layout from a .qpt template, in ``project`` (for a district's own design)."""
    from qgis.core import QgsPrintLayout

    doc = QDomDocument()
    with open(path, encoding="utf-8") as fh:
        doc.setContent(fh.read())
    layout = QgsPrintLayout(project)
    root = doc.documentElement()
    if root.isNull() or not layout.readLayoutXml(root, doc, QgsReadWriteContext()):
        raise ExportError(tr("{0} is not a layout template").format(path))
    fonts.fix_layout(layout)
    return layout
