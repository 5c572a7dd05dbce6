"""A run cut chunk by chunk (core.segmentation.prepare_run, what hezhang:segmentrivers and the
dock stream) gives exactly the segments of a run cut in one piece: same rows, codes, names,
lengths and coordinates, bit for bit, first run and re-run alike. The fixture mixes what the
cutting treats specially: rivers along a village boundary (two banks) and along the district
edge (one bank), a tributary running into its parent, a two-part river, short slivers."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, box

from hezhang_plugin.core import segmentation as seg

GK = "EPSG:4546"
X0, Y0 = 500000.0, 3760000.0


def _lonlat(g):
    return seg.transform_geoms([shapely.affinity.translate(g, X0, Y0)], GK, "EPSG:4490")[0]


def villages():
    """A 4 x 3 grid of 1 km villages."""
    return [{"code": f"411171100{3 * i + j + 1:03d}", "name": f"村{3 * i + j + 1}",
             "geom": _lonlat(box(1000 * i, 1000 * j, 1000 * (i + 1), 1000 * (j + 1)))}
            for i in range(4) for j in range(3)]


def rivers():
    lines = {
        "R1": LineString([(50, 500), (1500, 520), (2500, 480), (3950, 510)]),  # across
        "R2": LineString([(100, 1003), (1900, 1004), (3800, 1002)]),  # along a boundary row
        "R3": LineString([(3, 100), (4, 2900)]),  # along the district edge
        "R4": LineString([(1500, 2800), (1520, 1800), (1510, 520)]),  # tributary of R1
        "R5": MultiLineString([[(200, 2500), (1200, 2600)], [(1200, 2600), (2600, 2400)]]),
        "R6": LineString([(2990, 1500), (3010, 1520), (2995, 1600), (3800, 2600)]),  # sliver at 3000
    }
    out = [{"river_code": code, "name": f"河{code}", "geom": _lonlat(g)} for code, g in lines.items()]
    out[3]["parent_river_code"] = "R1"
    return out


def run(chunk_vertices, existing=None, today="2024-01-01", units=None):
    return seg.segment_rivers(rivers(), units or villages(), rivers_crs="EPSG:4490", district_code="411171",
                              boundary_tolerance=10.0, min_length=30.0, existing=existing, today=today,
                              chunk_vertices=chunk_vertices)


def same(a, b):
    assert a.table.columns == b.table.columns
    assert a.table.wkb() == b.table.wkb()
    assert a.report == b.report
    assert [r["seg_code"] for r in a.retired] == [r["seg_code"] for r in b.retired]
    assert [r["seg_code"] for r in a.unchanged] == [r["seg_code"] for r in b.unchanged]


def test_chunks_are_whole_rivers_and_give_the_one_piece_run_bit_for_bit():
    run_ = seg.prepare_run(rivers(), villages(), rivers_crs="EPSG:4490", district_code="411171",
                           boundary_tolerance=10.0, min_length=30.0, today="2024-01-01", chunk_vertices=3)
    tables = list(run_.tables())
    assert len(tables) >= 4  # every river (3 or more vertices) closes a chunk
    per_chunk = [set(t.columns["river_code"]) for t in tables]
    assert sum(len(c) for c in per_chunk) == len(set().union(*per_chunk))  # no river in two chunks
    codes = [c for t in tables for c in t.columns["river_code"]]
    assert codes == sorted(codes)  # chunks come in river order
    whole = run(10 ** 9)
    same(run(3), whole)
    same(run(7), whole)
    banks = {(r["river_code"], r["bank"]) for r in whole.segments}
    assert {("R2", "left"), ("R2", "right"), ("R3", "right")} <= banks  # the fixture has banks


def test_a_rerun_over_stored_segments_is_the_same_in_chunks():
    first = run(10 ** 9).segments
    for k, r in enumerate(first):
        r["fid"] = k + 1
    moved = villages()
    moved[4]["geom"] = _lonlat(box(1000, 1000, 2200, 2000))  # 村5 grows east: some segments move
    whole = run(10 ** 9, first, "2025-01-01", moved)
    chunked = run(3, first, "2025-01-01", moved)
    assert whole.report["changed"] and whole.report["added"]  # the re-run changes something
    same(chunked, whole)


def walks(n=40, seed=3):
    """``n`` random-walk rivers of 13 vertices over the villages (a fixed seed)."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(200, 2800, (n, 2)) * [1.3, 1]
    heading = rng.uniform(0, 2 * np.pi, n)[:, None] + np.cumsum(rng.normal(0, 0.3, (n, 12)), 1)
    steps = np.stack([np.cos(heading), np.sin(heading)], -1) * 150
    pts = np.clip(np.concatenate([start[:, None], start[:, None] + np.cumsum(steps, 1)], 1), 5, [3995, 2995])
    return [{"river_code": f"W{k:02d}", "name": f"河W{k}", "geom": _lonlat(LineString(p))} for k, p in enumerate(pts)]


def test_random_walks_in_chunks_are_the_one_piece_run():
    def cut(chunk_vertices):
        return seg.segment_rivers(walks(), villages(), rivers_crs="EPSG:4490", district_code="411171",
                                  boundary_tolerance=10.0, min_length=30.0, today="2024-01-01",
                                  chunk_vertices=chunk_vertices)

    whole = cut(10 ** 9)
    same(cut(50), whole)
    same(cut(200), whole)


def test_segments_end_exactly_on_the_rivers_vertices_without_repeated_vertices():
    # Sub-lines ending at a river's mouth once ended a rounding error past its last vertex: on
    # 13 of these 140 segments a repeated last vertex, or one an ulp away from the river's own.
    rows = walks()
    res = seg.segment_rivers(rows, villages(), rivers_crs="EPSG:4490", district_code="411171",
                             boundary_tolerance=10.0, min_length=30.0, today="2024-01-01")
    assert len(res.segments) == 140
    first = {r["river_code"]: tuple(shapely.get_coordinates(r["geom"])[0]) for r in rows}
    last = {r["river_code"]: tuple(shapely.get_coordinates(r["geom"])[-1]) for r in rows}
    for r in res.segments:
        c = shapely.get_coordinates(r["geom"])
        if r["start_name"] == seg.NAME_SOURCE:
            assert tuple(c[0]) == first[r["river_code"]], r["seg_code"]
        if r["end_name"] == seg.NAME_MOUTH:
            assert tuple(c[-1]) == last[r["river_code"]], r["seg_code"]
        assert not np.any(np.all(c[1:] == c[:-1], axis=1)), r["seg_code"]
