"""core.changes: the one change-set type."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from hezhang_plugin.core import changes
from hezhang_plugin.core.changes import ChangeSet, RowChange


def test_building_and_reading_a_change_set():
    cs = ChangeSet("Assign chief")
    cs.insert("assignments", {"seg_code": "S1", "chief_id": "C1", "valid_from": "2024-07-01", "fid": 9})
    cs.end("assignments", 4, valid_to="2024-06-30", expected_version=3)
    cs.update("notice_boards", changes.by_key("notice_boards", "B1"), {"content_date": "2024-07-01"})
    cs.end("chiefs", changes.by_key("chiefs", "C0"), active=False)
    cs.insert("notice_boards", {"board_code": "B2", "geom": Point(1, 2)})
    assert len(cs) == 5 and bool(cs) and cs.layers == ["assignments", "notice_boards", "chiefs"]
    ins = cs.changes[0]
    assert ins.values == {"seg_code": "S1", "chief_id": "C1", "valid_from": "2024-07-01"} and ins.key is None
    end = cs.changes[1]
    assert end.fid == 4 and end.row() == {"valid_to": "2024-06-30", "fid": 4} and end.expected_version == 3
    assert cs.changes[2].business_key == ("board_code", "B1") and cs.changes[2].fid is None
    assert cs.changes[4].geometry.equals(Point(1, 2)) and "geom" not in cs.changes[4].values
    assert cs.count("assignments") == 2 and cs.count(operation="end") == 2
    assert [c.operation for c in cs.of("notice_boards")] == ["update", "insert"]
    assert str(cs.description) == "Assign chief" and not ChangeSet("nothing")


def test_malformed_changes_are_refused():
    with pytest.raises(ValueError):
        RowChange("segments", "delete", 1)
    with pytest.raises(ValueError):
        RowChange("segments", "update", None, {"name": "x"})
    with pytest.raises(ValueError):
        RowChange("segments", "insert", 3, {"name": "x"})
    with pytest.raises(ValueError):
        RowChange("segments", "update", {"seg_code": "1", "name": "x"}, {})
    with pytest.raises(ValueError):
        ChangeSet("x").end("segments", 1)


def test_updates_ends_and_their_rows():
    g = Point(3, 4)
    cs = ChangeSet(changes.Message("change.add_chief"), [RowChange("chiefs", "insert", None, {"name": "甲"})])
    cs.update("segments", 7, {"name": "新名", "fid": 7, "geom": g}, expected_version=2)
    cs.update("segments", 8, {"name": "x"}, geometry=Point(9, 9))
    cs.end("assignments", 5, "2024-06-30", 4, duty=None)
    up = cs.changes[1]
    assert (up.layer, up.operation, up.key, dict(up.values), up.expected_version) == (
        "segments", "update", 7, {"name": "新名"}, 2)
    assert up.geometry is g and up.row() == {"name": "新名", "fid": 7, "geom": g}
    assert cs.changes[2].geometry.equals(Point(9, 9)) and cs.changes[2].expected_version is None
    end = cs.changes[3]
    assert (end.operation, dict(end.values), end.expected_version, end.geometry) == (
        "end", {"duty": None, "valid_to": "2024-06-30"}, 4, None)
    assert cs.description.text("zh") == "添加河长" and len(cs) == 4
    assert repr(cs) == "ChangeSet('Add chief', 4 changes)"
    assert cs.of("segments", "update") == cs.changes[1:3] and cs.of("segments", "insert") == []
    assert cs.count("segments", "update") == 2 and cs.count() == 4
    other = ChangeSet("more").insert("rivers", {"river_code": "R9"})
    assert cs.extend(other) is cs and cs.layers == ["chiefs", "segments", "assignments", "rivers"]
    assert list(cs)[-1].values == {"river_code": "R9"}
    assert RowChange("chiefs", "insert", None, {"name": "乙"}).row() == {"name": "乙"}
    assert RowChange("chiefs", "end", {"chief_id": "C1"}, {"active": False}).business_key == ("chief_id", "C1")
    assert RowChange("chiefs", "end", 3, {"active": False}).business_key is None
    assert changes.by_fid("12") == 12 and changes.by_key("segments", "S") == {"seg_code": "S"}


def test_the_refusals_say_why():
    with pytest.raises(ValueError, match="^operation 'delete' is not one of insert, update, end$"):
        RowChange("segments", "delete", 1)
    with pytest.raises(ValueError, match="^an update needs the key of its row$"):
        RowChange("segments", "update", None)
    with pytest.raises(ValueError, match="^an end needs the key of its row$"):
        RowChange("segments", "end")
    with pytest.raises(ValueError, match="^an insert has no key$"):
        RowChange("segments", "insert", 3)
    with pytest.raises(ValueError, match=r"^key \{\} is neither a fid nor one business-key field$"):
        RowChange("segments", "update", {})
    with pytest.raises(ValueError, match="^key '7' is neither a fid nor one business-key field$"):
        RowChange("segments", "update", "7")
    with pytest.raises(ValueError, match="^an end needs valid_to or the fields that end the row$"):
        ChangeSet("x").end("segments", 1)
    assert RowChange("segments", "update", {"seg_code": "1"}).key == {"seg_code": "1"}
