"""The workspace backend (data.backend) and the two change-set appliers."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402


def _changeset():
    from hezhang_plugin.core.changes import ChangeSet, by_key

    cs = ChangeSet("test")
    cs.end("assignments", 1, valid_to="2024-06-30")
    cs.update("segments", by_key("segments", "411171000002"), {"name": "改名段"})
    cs.insert("assignments", {"seg_code": "411171000001", "chief_id": "CV2", "level": "village",
                              "role": "chief", "valid_from": "2024-07-01"})
    return cs


def test_gpkg_backend_reads_and_applies_in_order(workspace_path):
    from hezhang_plugin.data.backend import GeoPackageBackend, open_workspace

    F.fill(workspace_path)
    ws = open_workspace(workspace_path)
    assert isinstance(ws, GeoPackageBackend) and ws.kind == "gpkg" and not ws.read_only
    assert ws.info().district_code == "411171000000"
    assert ws.layer_crs("segments") == "EPSG:4490" and ws.layer_crs("chiefs") is None
    before = ws.read_attributes("assignments")
    result = ws.apply(_changeset())
    after = {a["fid"]: a for a in ws.read_attributes("assignments")}
    assert after[1]["valid_to"] == "2024-06-30" and after[1]["valid_from"] == before[0]["valid_from"]
    new = [a for f, a in after.items() if f not in {b["fid"] for b in before}]
    assert [(a["seg_code"], a["chief_id"], a["valid_from"]) for a in new] == [("411171000001", "CV2", "2024-07-01")]
    assert result.inserted_fids["assignments"] == [new[0]["fid"]]
    assert result.count("assignments") == 2 and result.count(operation="update") == 1
    names = {s["seg_code"]: s["name"] for s in ws.read_rows("segments", with_geometry=False)}
    assert names["411171000002"] == "改名段" and names["411171000001"] == "沙河周庄村段"


def test_gpkg_backend_is_all_or_nothing(workspace_path):
    from hezhang_plugin.core.changes import by_key
    from hezhang_plugin.data import io
    from hezhang_plugin.data.backend import open_workspace

    F.fill(workspace_path)
    ws = open_workspace(workspace_path)
    before = (ws.read_attributes("assignments"), ws.read_attributes("segments"))
    cs = _changeset()
    cs.update("segments", by_key("segments", "411171999999"), {"name": "x"})  # no such segment, last
    with pytest.raises(io.WriteError, match="411171999999"):
        ws.apply(cs)
    assert (ws.read_attributes("assignments"), ws.read_attributes("segments")) == before


def test_open_workspace_refuses_what_is_not_one(tmp_path, qgis_app):
    from hezhang_plugin.data.backend import WorkspaceError, is_postgres_uri, open_workspace

    text = tmp_path / "notes.gpkg"
    text.write_text("not a database", encoding="utf-8")
    with pytest.raises(WorkspaceError):
        open_workspace(str(text))
    with pytest.raises(WorkspaceError):
        open_workspace("")
    assert is_postgres_uri("service=district") and not is_postgres_uri(str(text))


def test_layer_sources_belong_to_the_workspace(workspace_path, tmp_path):
    from hezhang_plugin.data.backend import open_workspace

    ws = open_workspace(workspace_path)
    source, provider = ws.layer_source("segments")
    assert provider == "ogr" and ws.layer_name(source) == "segments"
    assert ws.layer_name(f"{tmp_path / 'other.gpkg'}|layername=segments") is None
    assert ws.project_uri().startswith("geopackage:")


def test_edit_buffer_applier_one_undo_step_over_two_layers(workspace_path):
    from qgis.core import QgsVectorLayer

    from hezhang_plugin.core.changes import ChangeSet
    from hezhang_plugin.gui.edit_buffer import EditBufferApplier

    F.fill(workspace_path)
    layers = {n: QgsVectorLayer(f"{workspace_path}|layername={n}", n, "ogr") for n in ("chiefs", "assignments")}
    applier = EditBufferApplier(lambda: layers)
    applier.watch(layers)
    cs = ChangeSet("deactivate")
    cs.end("chiefs", 2, active=False)
    cs.end("assignments", 2, valid_to="2024-05-31")
    cs.insert("assignments", {"seg_code": "411171000001", "chief_id": "CT1", "level": "town", "role": "chief",
                              "valid_from": "2024-06-01"})
    inserted = applier.apply(cs)
    assert len(inserted["assignments"]) == 1
    ch, asg = layers["chiefs"], layers["assignments"]
    assert ch.getFeature(2)["active"] in (False, 0)
    assert asg.getFeature(2)["valid_to"].toString("yyyy-MM-dd") == "2024-05-31"
    assert asg.featureCount() == len(F.assignments()) + 1
    ch.undoStack().undo()  # Ctrl+Z on the chiefs layer undoes the appointments too
    assert ch.getFeature(2)["active"] in (True, 1)
    assert asg.getFeature(2)["valid_to"] is None or asg.getFeature(2)["valid_to"].isNull()
    assert asg.featureCount() == len(F.assignments())
    asg.undoStack().redo()  # and redo on the other layer brings both back
    assert ch.getFeature(2)["active"] in (False, 0)
    applier.unwatch()
    for lyr in layers.values():
        lyr.rollBack()


def test_edit_buffer_applier_leaves_nothing_when_a_change_fails(workspace_path):
    from qgis.core import QgsVectorLayer

    from hezhang_plugin.core.changes import ChangeSet, by_key
    from hezhang_plugin.gui.edit_buffer import EditBufferApplier, EditError

    F.fill(workspace_path)
    layers = {n: QgsVectorLayer(f"{workspace_path}|layername={n}", n, "ogr") for n in ("chiefs", "assignments")}
    applier = EditBufferApplier(lambda: layers)
    cs = ChangeSet("bad")
    cs.end("assignments", 1, valid_to="2024-05-31")
    cs.end("chiefs", by_key("chiefs", "NOBODY"), active=False)
    with pytest.raises(EditError, match="NOBODY"):
        applier.apply(cs)
    asg = layers["assignments"]
    assert asg.getFeature(1)["valid_to"] is None or asg.getFeature(1)["valid_to"].isNull()
    assert not layers["chiefs"].isModified()
    for lyr in layers.values():
        lyr.rollBack()
