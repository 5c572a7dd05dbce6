"""The Chinese font of print layouts and map labels: the first installed of a list that
covers Windows, macOS and Linux, also for layouts and labels saved on another machine.

Order: WenQuanYi first (its PDF text layer reads back as the characters printed), then
the fonts Windows and macOS ship, then Noto Sans CJK / Source Han Sans, whose glyphs for
ideographs such as 长 and 一 also serve radicals (⻓ U+2ED3, ⼀ U+2F00): Qt names the
lowest of those code points in the PDF's text layer, so those PDFs are repaired after
export (``layout.pdftext``). "SC" variants: simplified Chinese glyph shapes (a Japanese
variant draws 门, 骨, 直 differently).
"""

from __future__ import annotations

from typing import Optional

#: Candidate families, best first: (family, platform where it ships).
CJK_FONTS = (
    ("WenQuanYi Zen Hei", "Linux"),
    ("WenQuanYi Micro Hei", "Linux"),
    ("Microsoft YaHei", "Windows"),
    ("DengXian", "Windows"),
    ("SimHei", "Windows"),
    ("SimSun", "Windows"),
    ("PingFang SC", "macOS"),
    ("Heiti SC", "macOS"),
    ("Songti SC", "macOS"),
    ("Noto Sans CJK SC", "Linux"),
    ("Source Han Sans SC", "Linux"),
    ("Source Han Sans CN", "Linux"),
    ("Noto Sans SC", "any"),
)
FAMILIES = tuple(name for name, _where in CJK_FONTS)

_cache: dict = {}


def installed_families() -> set:
    """Font families Qt can use in this process (needs a QGuiApplication)."""
    from hezhang_plugin import compat

    if "families" not in _cache:
        _cache["families"] = set(compat.font_families())
    return _cache["families"]


def is_installed(family: str) -> bool:
    return bool(family) and family in installed_families()


def cjk_font() -> Optional[str]:
    """The first installed family of :data:`CJK_FONTS`, or None when none is installed."""
    if "cjk" not in _cache:
        _cache["cjk"] = next((f for f in FAMILIES if is_installed(f)), None)
    return _cache["cjk"]


def cjk_family() -> str:
    """The family to write into layouts and label styles: :func:`cjk_font`, or the first of
    the list when none is installed (the export then warns that Chinese would not print)."""
    return cjk_font() or FAMILIES[0]


def forget() -> None:
    """Read the installed fonts again (tests; after fonts were installed)."""
    _cache.clear()


def replacement(family: str) -> Optional[str]:
    """The family to use instead of ``family`` when it is not installed here (a layout or
    label style saved on another machine), else None."""
    if not family or is_installed(family):
        return None
    return cjk_font()


def fixed_text_format(fmt):
    """``fmt`` (a QgsTextFormat) with its font replaced when that font is missing here,
    or None when nothing needs changing."""
    from qgis.core import QgsTextFormat

    new = replacement(fmt.font().family())
    if new is None:
        return None
    out = QgsTextFormat(fmt)
    font = out.font()
    font.setFamily(new)
    font.setStyleName("")  # a named style ("Regular", "W3") of the missing family
    out.setFont(font)
    out.setNamedStyle("")
    return out


def fix_layer_labels(layer) -> int:
    """Replace missing label fonts of a vector layer (simple or rule-based labeling);
    returns how many label settings changed."""
    labeling = layer.labeling() if hasattr(layer, "labeling") else None
    if labeling is None:
        return 0
    labeling = labeling.clone()
    changed = 0
    if hasattr(labeling, "rootRule"):
        rules = labeling.rootRule().descendants()
        for rule in rules:
            settings = rule.settings()
            if settings is None:
                continue
            fmt = fixed_text_format(settings.format())
            if fmt is not None:
                from qgis.core import QgsPalLayerSettings

                settings = QgsPalLayerSettings(settings)
                settings.setFormat(fmt)
                rule.setSettings(settings)
                changed += 1
    elif hasattr(labeling, "settings"):
        settings = labeling.settings()
        fmt = fixed_text_format(settings.format())
        if fmt is not None:
            settings.setFormat(fmt)
            labeling.setSettings(settings)
            changed += 1
    if changed:
        layer.setLabeling(labeling)
    return changed


def fix_project_labels(project) -> int:
    """Replace missing label fonts of every vector layer of ``project``."""
    from qgis.core import QgsVectorLayer

    return sum(fix_layer_labels(lyr) for lyr in project.mapLayers().values() if isinstance(lyr, QgsVectorLayer))


def fix_layout(layout) -> int:
    """Replace missing fonts in a print layout's labels, scale bars, legends and tables
    (a template or project saved where another font was installed); returns the count."""
    from qgis.core import (
        QgsLayoutItemLabel,
        QgsLayoutItemLegend,
        QgsLayoutItemScaleBar,
        QgsLayoutTable,
    )

    from hezhang_plugin import compat

    changed = 0
    for item in layout.items():
        if isinstance(item, (QgsLayoutItemLabel, QgsLayoutItemScaleBar)):
            fmt = fixed_text_format(compat.item_text_format(item))
            if fmt is not None:
                compat.set_item_text_format(item, fmt)
                changed += 1
        elif isinstance(item, QgsLayoutItemLegend):
            for style in compat.legend_styles():
                fmt = fixed_text_format(compat.legend_text_format(item, style))
                if fmt is not None:
                    compat.set_legend_text_format(item, style, fmt)
                    changed += 1
    for frame in layout.multiFrames():
        if isinstance(frame, QgsLayoutTable):
            for getter, setter in (("headerTextFormat", "setHeaderTextFormat"),
                                   ("contentTextFormat", "setContentTextFormat")):
                fmt = fixed_text_format(getattr(frame, getter)())
                if fmt is not None:
                    getattr(frame, setter)(fmt)
                    changed += 1
    return changed
