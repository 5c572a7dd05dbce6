"""Workspace reading and writing in bulk (data.io): rows read through GDAL's Arrow interface are
the rows read feature by feature; a long run of inserts written with the tracking trigger
suspended gets the tracking fields and change-log entries the trigger gives row by row; a
stream of change sets (Backend.apply_all) is one transaction."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3

import pytest
from shapely.geometry import LineString, MultiLineString

ROW = {"river_code": "R1", "name": "沙河周庄村段", "bank": "both", "unit_code": "411171100001",
       "start_name": "源头", "end_name": "乙村界", "length_km": 1.25, "valid_from": "2024-01-01"}


def _segments(n, first=1):
    out = []
    for k in range(first, first + n):
        row = dict(ROW, seg_code=f"411171{k:06d}", name=f"沙河{k}段")
        row["geom"] = MultiLineString([[(113.0 + k * 1e-4, 34.0), (113.0 + k * 1e-4, 34.001)]])
        out.append(row)
    return out


def _log(path, fids):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT row_fid, changed_by, layer, row_uid, row_key, action, old_values, new_values "
            f"FROM change_log WHERE layer = 'segments' AND row_fid IN ({', '.join(map(str, fids))})")}


def _tracking(path, fids):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return {r[0]: r[1:] for r in con.execute(
            "SELECT fid, uid, row_version, created_at, created_by, updated_at, updated_by FROM segments "
            f"WHERE fid IN ({', '.join(map(str, fids))})")}


def test_bulk_inserts_get_what_the_trigger_gives_row_by_row(workspace_path, monkeypatch):
    from hezhang_plugin.data import io

    rows = _segments(io.BULK_INSERT_ROWS + 20)
    few = _segments(3, first=5000)
    io.write_rows(workspace_path, "segments", few)  # 3 rows: the trigger, row by row
    bulk: list = []
    with io.transaction(workspace_path) as ds:
        io.write_to(ds, "segments", rows, new_fids=bulk)
    assert len(bulk) == len(rows) and bulk == sorted(bulk)
    with contextlib.closing(sqlite3.connect(workspace_path)) as con:
        by_trigger = [r[0] for r in con.execute("SELECT fid FROM segments WHERE seg_code >= '411171005000'")]
        # the trigger is back, with its own text
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'hz_segments_insert'").fetchone() == (1,)
    log_bulk, log_trigger = _log(workspace_path, bulk), _log(workspace_path, by_trigger)
    assert set(log_bulk) == set(bulk) and set(log_trigger) == set(by_trigger)
    track_bulk, track_trigger = _tracking(workspace_path, bulk), _tracking(workspace_path, by_trigger)
    uids = set()
    for fid in bulk:
        uid, version, created_at, created_by, updated_at, updated_by = track_bulk[fid]
        assert len(uid) == 36 and uid[14] == "4" and uid[19] in "89ab" and version == 1
        assert created_at == updated_at and created_at.endswith("Z") and len(created_at) == 24
        assert created_by is None and updated_by is None
        uids.add(uid)
        changed_by, layer, row_uid, key, action, old, new = log_bulk[fid]
        assert (layer, row_uid, action, old) == ("segments", uid, "insert", None)
        new = json.loads(new)
        assert key == new["seg_code"] and new["uid"] == uid and new["created_at"] == created_at
    assert len(uids) == len(bulk)
    # the same entry, but for uid and times, as the trigger writes for a row inserted alone
    t_uid, _, t_created, *_ = track_trigger[by_trigger[0]]
    t_new = json.loads(log_trigger[by_trigger[0]][-1])
    b_new = json.loads(log_bulk[bulk[0]][-1])
    assert len(t_uid) == 36 and len(t_created) == 24
    assert list(t_new) == list(b_new)
    for k in ("uid", "created_at", "seg_code", "name", "geom"):
        t_new.pop(k), b_new.pop(k)
    assert t_new == b_new


def test_a_failed_bulk_insert_leaves_nothing_and_the_trigger_in_place(workspace_path):
    from hezhang_plugin.data import io

    rows = _segments(io.BULK_INSERT_ROWS + 5)
    rows[-1]["seg_code"] = rows[0]["seg_code"]  # seg_code is unique: the last insert fails
    with pytest.raises(io.WriteError, match=rows[0]["seg_code"]):
        io.write_rows(workspace_path, "segments", rows)
    with contextlib.closing(sqlite3.connect(workspace_path)) as con:
        assert con.execute("SELECT count(*) FROM segments").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM change_log WHERE layer = 'segments'").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'hz_segments_insert'").fetchone() == (1,)


def test_arrow_reading_gives_the_rows_read_feature_by_feature(workspace_path, monkeypatch):
    import shapely

    from hezhang_plugin.data import io

    rows = _segments(4)
    rows[1]["geom"] = None  # null geometry
    rows[2]["geom"] = MultiLineString()  # empty: read as None, like a null one
    rows[3].update(valid_to="2024-12-31", target="水质达标", length_km=None, geom=LineString([(113, 34), (113.1, 34)]))
    io.write_rows(workspace_path, "segments", rows)
    assert io._ARROW_READ  # GDAL 3.6 and later
    arrow = io.read_rows(workspace_path, "segments")
    monkeypatch.setattr(io, "_ARROW_READ", False)
    plain = io.read_rows(workspace_path, "segments")
    assert [list(r) for r in arrow] == [list(r) for r in plain]
    for a, b in zip(arrow, plain):
        ga, gb = a.pop("geom"), b.pop("geom")
        assert (ga is None and gb is None) or shapely.equals_exact(ga, gb, 0)
        assert a == b and [type(v) for v in a.values()] == [type(v) for v in b.values()]
    assert arrow[1]["valid_to"] is None and arrow[3]["valid_to"] == "2024-12-31"
    assert arrow[3]["length_km"] is None and arrow[0]["length_km"] == 1.25
    assert arrow[3]["target"] == "水质达标" and len(arrow[0]["created_at"]) == 19  # YYYY-MM-DDTHH:MM:SS
    # a filter, and a layer with a boolean field (read feature by feature)
    monkeypatch.setattr(io, "_ARROW_READ", True)
    assert [r["seg_code"] for r in io.read_rows(workspace_path, "segments", where="valid_to IS NOT NULL")] == \
        [rows[3]["seg_code"]]
    assert io.read_rows(workspace_path, "chiefs") == []


def test_a_stream_of_change_sets_is_one_transaction(workspace_path):
    from hezhang_plugin.core.changes import ChangeSet
    from hezhang_plugin.data import io
    from hezhang_plugin.data.backend import open_workspace

    ws = open_workspace(workspace_path)

    def stream(fail):
        for k in range(3):
            cs = ChangeSet("test")
            for row in _segments(300, first=1 + 300 * k):
                cs.insert("segments", row)
            yield cs
            if fail and k == 1:
                raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        ws.apply_all(stream(True))
    assert ws.read_attributes("segments") == []
    stamp = os.stat(workspace_path).st_mtime_ns
    assert ws.apply_all(iter([ChangeSet("nothing"), ChangeSet("nothing")])).count() == 0
    assert os.stat(workspace_path).st_mtime_ns == stamp  # not even opened for writing
    result = ws.apply_all(stream(False))
    assert result.count("segments", "insert") == 900 and len(ws.read_attributes("segments")) == 900
    assert io.read_rows(workspace_path, "segments", with_geometry=False)[-1]["seg_code"] == "411171000900"
