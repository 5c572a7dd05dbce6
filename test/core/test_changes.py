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
