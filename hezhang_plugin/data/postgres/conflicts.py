"""After a refused save: which buffered features conflict, and reapplying the user's edits.

A save is refused (SQLSTATE 40001) when a feature in the edit buffer claims a row version
(``row_version = -v``, QGIS's default on update) that is no longer the stored one: someone
saved the row after this user started editing it. QGIS keeps the whole edit buffer. The dock
then offers, per conflicting feature, to reload it and apply the user's edits again: the
feature's current values are read from the database (so the other person's changes to the
fields this user did not touch stay) and the claim is moved to the current version, so the
user's changed fields win only where they chose to keep them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from qgis.core import QgsFeatureRequest, QgsVectorLayer


@dataclass(frozen=True)
class Conflict:
    fid: int
    claimed: int  # the version this user started from
    stored: int  # the version in the database now
    updated_by: str
    updated_at: str
    fields: tuple[str, ...]  # the fields this user changed


def _stored(layer: QgsVectorLayer, fids: list[int]) -> dict:
    request = QgsFeatureRequest().setFilterFids(fids)
    out = {}
    for f in layer.dataProvider().getFeatures(request):
        out[f.id()] = f
    return out


def conflicts(layer: QgsVectorLayer) -> list[Conflict]:
    """Features of ``layer``'s edit buffer whose claimed version is no longer stored."""
    buf = layer.editBuffer()
    idx = layer.fields().indexOf("row_version")
    if buf is None or idx < 0:
        return []
    changed = dict(buf.changedAttributeValues())
    for fid in buf.changedGeometries():
        changed.setdefault(fid, {})
    fids = [fid for fid in changed if fid >= 0]
    if not fids:
        return []
    stored = _stored(layer, fids)
    out = []
    names = layer.fields().names()
    for fid in fids:
        cur = stored.get(fid)
        if cur is None:
            continue
        claim = changed[fid].get(idx)
        if claim is None:
            continue
        claimed = abs(int(claim)) if int(claim) < 0 else int(claim) - 1
        if claimed != cur["row_version"]:
            fields = tuple(names[i] for i in changed[fid] if names[i] not in (
                "row_version", "updated_at", "updated_by"))
            if fid in buf.changedGeometries():
                fields += ("geometry",)
            out.append(Conflict(fid, claimed, int(cur["row_version"]), str(cur["updated_by"] or ""),
                                str(cur["updated_at"].toString("yyyy-MM-dd HH:mm:ss")
                                    if hasattr(cur["updated_at"], "toString") else cur["updated_at"] or ""),
                                fields))
    return out


def reapply(layer: QgsVectorLayer, fid: int, stored_version: Optional[int] = None) -> bool:
    """Keep this user's buffered edits of ``fid`` on top of the version stored now.

    The fields the user changed keep the user's values; the others show (and keep) what is in
    the database. Returns False when the feature is gone from the database.
    """
    idx = layer.fields().indexOf("row_version")
    if stored_version is None:
        cur = _stored(layer, [fid]).get(fid)
        if cur is None:
            return False
        stored_version = int(cur["row_version"])
    # skipDefaultValues: the default on update would recompute the claim from the buffer.
    return layer.changeAttributeValue(fid, idx, -stored_version, None, True)
