"""Segmentation report notes and errors as text in the UI language.

Core segmentation reports what it repaired or could not check as notes — a ``key`` and its
values (see ``hezhang_plugin.core.segmentation``) — and raises ``SegmentationError`` with a key
for the refusals it adds. This module turns both into sentences for the Processing log and the
dock (context ``SegmentationNotes`` in the translation file).
"""

from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication


def _river(note: dict) -> str:
    name, code = note.get("name") or "", note.get("river_code") or ""
    return f"{name} ({code})" if name and code else (name or code)


def note_text(note: dict) -> str:
    """One report note as a sentence."""
    key = note.get("key")
    river = _river(note)
    if key == "parts_reversed":
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0}: part(s) {1} were digitised against the flow of the rest and were reversed.").format(
            river, ", ".join(str(p) for p in note.get("parts", ())))
    if key == "river_reversed":
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0} was digitised from mouth to source (its start meets its parent river {1}); it was "
            "reversed.").format(river, note.get("parent", ""))
    if key == "flow_unchecked" and note.get("reason") == "parent_missing":
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0}: its parent river {1} is not among the rivers, so its flow direction could not be "
            "checked; it is taken as digitised.").format(river, note.get("parent", ""))
    if key == "flow_unchecked":
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0}: neither end meets its parent river {1} (nearest {2} m), so its flow direction could "
            "not be checked; it is taken as digitised.").format(
            river, note.get("parent", ""), note.get("distance_m", ""))
    if key == "topology_noise":
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0}: {1} place(s), {2} m in all, lie in gaps or overlaps between units narrower than the "
            "boundary tolerance; they were given to the units on either side (correct the unit "
            "boundaries to be exact).").format(river, note.get("pieces", 0), note.get("length_m", 0))
    return QCoreApplication.translate("SegmentationNotes", "{0}: {1}").format(river, key)


def error_text(exc) -> str:
    """A SegmentationError as a sentence (its English message when it has no key)."""
    key = getattr(exc, "key", None)
    values = getattr(exc, "values", {}) or {}
    if key == "garbled_text":
        layer = {"rivers": QCoreApplication.translate("SegmentationNotes", "Rivers"),
                 "units": QCoreApplication.translate("SegmentationNotes", "Units")}.get(
            values.get("layer"), values.get("layer", ""))
        return QCoreApplication.translate(
            "SegmentationNotes",
            "{0}: {1} text value(s) look garbled (e.g. feature {2}, field {3}: “{4}”): the data was read "
            "with the wrong text encoding. Set the layer's encoding (Layer Properties › Source › Data "
            "source encoding, GBK for most Chinese shapefiles without a .cpg file), load it again and "
            "run again; nothing was written.").format(
            layer, values.get("count", 0), values.get("fid"), values.get("field"), values.get("value"))
    return str(exc)
