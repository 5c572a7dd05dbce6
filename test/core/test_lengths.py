"""core.lengths: single-bank kilometres, hand-computed on straight lines in a metric CRS."""

from __future__ import annotations

import pytest
from shapely.geometry import LineString, MultiLineString

from hezhang_plugin.core import lengths

CRS = "EPSG:4547"  # CGCS2000 GK CM 114E: coordinates in metres
X0, Y0 = 500000.0, 3760000.0


def seg(code, river, bank, x_a, x_b, unit="411171100001"):
    """A segment along y = Y0 from x_a to x_b metres (length_km = (x_b - x_a) / 1000)."""
    return {"seg_code": code, "river_code": river, "bank": bank, "unit_code": unit,
            "length_km": (x_b - x_a) / 1000.0,
            "geom": MultiLineString([LineString([(X0 + x_a, Y0), (X0 + x_b, Y0)])])}


def test_pair_that_lines_up_counts_once_and_both_bank_fully():
    """The issue's case: 1 km left + 1 km right over one stretch + a 2 km both-bank segment = 3 km."""
    segs = [seg("1", "R", "left", 0, 1000), seg("2", "R", "right", 0, 1000), seg("3", "R", "both", 1000, 3000)]
    assert list(lengths.counted_km(segs, CRS)) == pytest.approx([0.5, 0.5, 2.0])
    assert lengths.total_km(segs, CRS) == pytest.approx(3.0)


def test_pair_that_does_not_line_up_counts_the_union():
    """Left 0–1000 m, right 500–1500 m: half of each is shared, the union is 1.5 km."""
    segs = [seg("1", "R", "left", 0, 1000), seg("2", "R", "right", 500, 1500)]
    # within the 0.1 m bank-match tolerance (lengths.BANK_MATCH_M) at each end of the overlap
    assert list(lengths.counted_km(segs, CRS)) == pytest.approx([0.75, 0.75], abs=1e-4)
    assert lengths.total_km(segs, CRS) == pytest.approx(1.5, abs=1e-4)


def test_single_bank_without_opposite_and_other_rivers():
    segs = [seg("1", "R", "left", 0, 1000),           # edge of the district: inside bank only
            seg("2", "S", "right", 0, 1000)]          # another river on the same line: no pair
    assert list(lengths.counted_km(segs, CRS)) == pytest.approx([1.0, 1.0])


def test_two_banks_split_differently():
    """Left in two villages (0–600, 600–1000), right in one (0–1000): still 1 km of river."""
    segs = [seg("1", "R", "left", 0, 600, "V1"), seg("2", "R", "left", 600, 1000, "V2"),
            seg("3", "R", "right", 0, 1000, "V3")]
    km = lengths.counted_km(segs, CRS)
    assert list(km) == pytest.approx([0.3, 0.2, 0.5], abs=1e-4)
    assert lengths.km_per_unit(segs, CRS) == pytest.approx({"V1": 0.3, "V2": 0.2, "V3": 0.5}, abs=1e-4)


def test_bank_segment_without_geometry_counts_fully():
    segs = [dict(seg("1", "R", "left", 0, 1000), geom=None), seg("2", "R", "right", 0, 1000)]
    assert list(lengths.counted_km(segs, CRS)) == pytest.approx([1.0, 1.0])
    assert lengths.needs_geometry(segs[0]) and not lengths.needs_geometry({"bank": "both"})


def test_groupings():
    units = {"411171100001": {"level": "village", "parent_code": "411171100000"},
             "411171100000": {"level": "town", "parent_code": "411171000000"},
             "411171000000": {"level": "district"}}
    segs = [seg("1", "R", "left", 0, 1000, "411171100001"), seg("2", "R", "right", 0, 1000, "411171100000"),
            seg("3", "S", "both", 0, 2000, "411171000000")]
    assert lengths.km_per_river(segs, CRS) == pytest.approx({"R": 1.0, "S": 2.0})
    assert lengths.km_per_town(segs, units, CRS) == pytest.approx({"411171100000": 1.0, "411171000000": 2.0})
    apps = [{"seg_code": "1", "chief_id": "A", "level": "village", "role": "chief", "valid_from": "2024-01-01"},
            {"seg_code": "2", "chief_id": "A", "level": "village", "role": "chief", "valid_from": "2024-01-01"},
            {"seg_code": "1", "chief_id": "V", "level": "village", "role": "volunteer",
             "valid_from": "2024-01-01"},
            {"seg_code": "3", "chief_id": "D", "level": "district", "role": "chief", "valid_from": "2024-01-01",
             "valid_to": "2024-06-30"}]
    assert lengths.km_per_chief(segs, apps, CRS, "2024-06-30") == pytest.approx({"A": 1.0, "V": 0.5, "D": 2.0})
    assert lengths.km_per_chief(segs, apps, CRS, "2024-07-01") == pytest.approx({"A": 1.0, "V": 0.5})
    assert lengths.km_per_level(segs, apps, CRS, "2024-06-30", roles=("chief",)) == pytest.approx(
        {"village": 1.0, "district": 2.0})
    km = dict(zip("123", lengths.counted_km(segs, CRS)))
    assert lengths.segments_km(["1", "1", "3"], km) == pytest.approx(2.5)


def test_geographic_crs_tolerance():
    """In degrees the bank match tolerance is 0.1 m expressed in degrees, not 0.1 degrees."""
    a = {"seg_code": "1", "river_code": "R", "bank": "left", "length_km": 1.0,
         "geom": LineString([(113.50, 34.0), (113.51, 34.0)])}
    near = dict(a, seg_code="2", bank="right", geom=LineString([(113.50, 34.0000005), (113.51, 34.0000005)]))
    far = dict(a, seg_code="3", bank="right", geom=LineString([(113.50, 34.001), (113.51, 34.001)]))
    assert list(lengths.counted_km([a, near], "EPSG:4490")) == pytest.approx([0.5, 0.5])
    assert list(lengths.counted_km([a, far], "EPSG:4490")) == pytest.approx([1.0, 1.0])


def test_precomputed_counted_km_are_used_as_given():
    """``counted`` hands in km already computed over the same rows (the tree and the tables
    compute them once): the groupings add those, not their own."""
    segs = [seg("1", "R", "left", 0, 1000, "V1"), seg("2", "S", "both", 0, 2000, "V2")]
    given = [7.0, 11.0]
    units = {"V1": {"level": "village", "parent_code": "T1"}, "V2": {"level": "village", "parent_code": "T1"}}
    assert lengths.km_per_river(segs, CRS, given) == {"R": 7.0, "S": 11.0}
    assert lengths.km_per_unit(segs, CRS, given) == {"V1": 7.0, "V2": 11.0}
    assert lengths.km_per_town(segs, units, CRS, given) == {"T1": 18.0}
    apps = [{"seg_code": "1", "chief_id": "A", "level": "village", "role": "chief", "valid_from": "2020-01-01"},
            {"seg_code": "2", "chief_id": "A", "level": "village", "role": "volunteer", "valid_from": "2020-01-01"}]
    assert lengths.km_per_chief(segs, apps, CRS, counted=given) == {"A": 18.0}
    assert lengths.km_per_chief(segs, apps, CRS, counted=given, roles=("chief",)) == {"A": 7.0}
    assert lengths.km_per_level(segs, apps, CRS, counted=given, roles=["volunteer"]) == {"village": 11.0}


def test_held_km_use_the_layers_crs_for_the_bank_match():
    """Banks 5 cm apart in a metric CRS are one stretch (within BANK_MATCH_M = 0.1 m); taken
    as degrees they would not be."""
    left = seg("1", "R", "left", 0, 1000)
    right = dict(seg("2", "R", "right", 0, 1000), geom=MultiLineString([LineString([(X0, Y0 + 0.05),
                                                                                      (X0 + 1000, Y0 + 0.05)])]))
    apps = [{"seg_code": c, "chief_id": "A", "level": "village", "role": "chief", "valid_from": "2020-01-01"}
            for c in ("1", "2")]
    assert lengths.km_per_chief([left, right], apps, CRS) == pytest.approx({"A": 1.0})
    assert lengths.km_per_level([left, right], apps, CRS, "2024-01-01") == pytest.approx({"village": 1.0})
    assert lengths.km_per_chief([left, right], apps, "EPSG:4490") == pytest.approx({"A": 2.0})


def test_totals_and_groupings_use_the_layers_crs_and_the_date():
    """Banks 5 cm apart in EPSG:4547 are one 1 km stretch; an empty list is 0 km; a code with
    no counted km adds nothing; km per level count only appointments current on the date."""
    import numpy as np

    from hezhang_plugin.core import stats

    left = seg("1", "R", "left", 0, 1000)
    right = dict(seg("2", "R", "right", 0, 1000), geom=MultiLineString([LineString([(X0, Y0 + 0.05),
                                                                                      (X0 + 1000, Y0 + 0.05)])]))
    assert lengths.total_km([left, right], CRS) == pytest.approx(1.0)
    assert lengths.km_per_river([left, right], CRS) == pytest.approx({"R": 1.0})
    assert list(stats.counted_lengths([left, right], CRS)) == pytest.approx([0.5, 0.5])
    assert lengths.total_km([], CRS) == 0.0
    assert isinstance(lengths.counted_km([], CRS), np.ndarray) and len(lengths.counted_km([], CRS)) == 0
    assert lengths.segments_km(["1", "9"], {"1": 0.5}) == 0.5  # "9": no counted km
    apps = [{"seg_code": "1", "chief_id": "A", "level": "village", "role": "chief", "valid_from": "2024-01-01"},
            {"seg_code": "2", "chief_id": "T", "level": "town", "role": "chief", "valid_from": "2024-07-01"}]
    assert lengths.km_per_level([left, right], apps, CRS, "2024-06-30") == pytest.approx({"village": 0.5})
    assert lengths.km_per_level([left, right], apps, CRS, "2024-07-01") == pytest.approx(
        {"village": 0.5, "town": 0.5})


def test_a_point_like_bank_geometry_and_a_missing_length():
    """A left bank whose geometry has no length (one point twice) shares nothing with the right
    bank: it keeps its 1 km; a segment without length_km counts 0 km."""
    point_like = dict(seg("1", "R", "left", 0, 1000), geom=MultiLineString([LineString([(X0, Y0), (X0, Y0)])]))
    km = lengths.counted_km([point_like, seg("2", "R", "right", 0, 1000)], CRS)
    assert list(km) == [1.0, 1.0]
    assert list(lengths.counted_km([dict(seg("3", "S", "both", 0, 500), length_km=None)], CRS)) == [0.0]
