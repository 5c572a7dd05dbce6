"""The Chiefs tree's data (core.assignments.Hierarchy): km per node with single-bank counting,
segment counts, the chief levels each node lacks (R1), and who holds on a deactivated chief's
last day. Every expected figure is hand-computed from the rows below."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import assignments as amod
from test.core import rows as R

DAY = "2024-06-01"  # CX's last day on S1; CV2 takes S1 over the next day


def segments():
    return [
        # R1 runs east along the V1/V2 boundary for 920 m: left bank in V2 (north), right bank in V1.
        R.segment(1, "R1", "left", R.V2, R.line((0, 1000), (920, 1000)), 0.92),
        R.segment(2, "R1", "right", R.V1, R.line((0, 1000), (920, 1000)), 0.92),
        R.segment(3, "R2", "both", R.V1, R.line((0, 500), (2000, 500)), 2.0),
        R.segment(4, "R3", "both", R.W1, R.line((3500, 500), (5000, 500)), 1.5),
        R.segment(5, "R4", "both", R.T, R.line((2500, 1500), (2900, 1500)), 0.4),  # in the town itself
        R.segment(6, "R2", "both", R.V2, R.line((0, 1500), (900, 1500)), 0.9, valid_to="2023-12-31"),  # retired
    ]


def chiefs():
    return [R.chief("CD", "district", R.DISTRICT), R.chief("CT", "town", R.T), R.chief("CT2", "town", R.T2),
            R.chief("CV1", "village", R.V1), R.chief("CV2", "village", R.V2),
            R.chief("CW", "village", R.W1, active=False),  # inactive, appointment left open
            R.chief("CX", "village", R.V2, active=False),  # deactivated: its appointment ended on DAY
            R.chief("VOL", "village", R.V1, role="volunteer")]


def appointments():
    out = []
    for n in (1, 2, 3, 4, 5):
        out.append(R.appointment(len(out) + 1, R.code(n), "CD", "district"))
    for n in (1, 2, 3):
        out.append(R.appointment(len(out) + 1, R.code(n), "CT", "town"))
    out.append(R.appointment(len(out) + 1, R.code(4), "CT2", "town"))
    out.append(R.appointment(len(out) + 1, R.code(2), "CV1", "village"))
    out.append(R.appointment(len(out) + 1, R.code(3), "CV1", "village"))
    out.append(R.appointment(len(out) + 1, R.code(4), "CW", "village"))
    out.append(R.appointment(len(out) + 1, R.code(1), "CX", "village", valid_to=DAY))
    out.append(R.appointment(len(out) + 1, R.code(1), "CV2", "village", valid_from="2024-06-02"))
    out.append(R.appointment(len(out) + 1, R.code(3), "VOL", "village", role="volunteer"))
    return out


def tree(date=DAY, segs=None):
    return amod.Hierarchy(R.units(), segs if segs is not None else segments(), chiefs(), appointments(), date,
                          R.CRS)


def test_a_boundary_river_counts_once_in_the_tree():
    """The 0.92 km pair S1 (left, V2) + S2 (right, V1) is 0.92 km of river, not 1.84."""
    h = tree()
    km = {code: round(h.stats(code)[0], 6) for code in (R.DISTRICT, R.T, R.V1, R.V2, R.T2, R.W1)}
    assert km == {R.DISTRICT: 4.82,  # 0.46 + 0.46 + 2.0 + 1.5 + 0.4
                  R.T: 3.32,  # V1 2.46 + V2 0.46 + S5 0.4
                  R.V1: 2.46,  # S2 0.46 + S3 2.0
                  R.V2: 0.46,  # S1 0.46 (the retired S6 does not count)
                  R.T2: 1.5, R.W1: 1.5}
    assert h.seg_km == pytest.approx({R.code(1): 0.46, R.code(2): 0.46, R.code(3): 2.0, R.code(4): 1.5,
                                      R.code(5): 0.4})


def test_segment_counts_per_node():
    h = tree()
    counts = {code: h.stats(code)[1] for code in (R.DISTRICT, R.T, R.V1, R.V2, R.T2, R.W1)}
    assert counts == {R.DISTRICT: 5, R.T: 4, R.V1: 2, R.V2: 1, R.T2: 1, R.W1: 1}
    assert h.stats("411171999999") == (0.0, 0, [])


def test_missing_levels_r1_town_unit_and_inactive_chief():
    """S5 lies in the town itself: district and town chiefs are required, it has only the
    district's. S4's village chief CW is inactive with an open appointment: it holds for nobody."""
    h = tree()
    assert h.missing == {R.code(1): [], R.code(2): [], R.code(3): [], R.code(4): ["village"], R.code(5): ["town"]}
    assert h.stats(R.DISTRICT)[2] == ["town", "village"]
    assert h.stats(R.T)[2] == ["town"] and h.stats(R.T2)[2] == ["village"]
    assert h.stats(R.V1)[2] == [] and h.stats(R.V2)[2] == []


def test_a_deactivated_chief_holds_through_the_last_day_of_its_appointment():
    assert tree(DAY).missing[R.code(1)] == []  # CX, valid_to = DAY
    assert tree("2024-06-02").missing[R.code(1)] == []  # CV2 from the next day
    gap = [a for a in appointments() if a["chief_id"] != "CV2"]
    later = amod.Hierarchy(R.units(), segments(), chiefs(), gap, "2024-06-02", R.CRS)
    assert later.missing[R.code(1)] == ["village"]


def test_required_levels_and_holds():
    assert amod.required_levels("village") == ("district", "town", "village")
    assert amod.required_levels("town") == ("district", "town")
    assert amod.required_levels("district") == ("district",)
    assert amod.required_levels(None) == ("district",)
    chiefs_by_id = {c["chief_id"]: c for c in chiefs()}
    assert amod.holds({"chief_id": "CV1"}, chiefs_by_id)
    assert not amod.holds({"chief_id": "CW"}, chiefs_by_id)  # inactive, open
    assert amod.holds({"chief_id": "CW", "valid_to": "2024-01-01"}, chiefs_by_id)  # inactive, ended
    assert not amod.holds({"chief_id": "NOBODY", "valid_to": "2024-01-01"}, chiefs_by_id)
    assert amod.chief_active({"active": None}) and not amod.chief_active({"active": False})
    assert not amod.chief_active(None)


def test_missing_levels_counts_lead_roles_of_active_chiefs_only():
    apps = [{"chief_id": "A", "level": "district", "role": "general_chief"},
            {"chief_id": "B", "level": "town", "role": "police_chief"},
            {"chief_id": "C", "level": "village", "role": "chief"}]
    assert amod.missing_levels("village", apps) == ["town"]
    assert amod.missing_levels("village", apps, active_chiefs={"A"}) == ["town", "village"]


def test_tree_navigation_and_chiefs_of_units():
    h = tree()
    assert h.roots == [R.DISTRICT]
    assert h.children[R.DISTRICT] == [R.T, R.T2] and h.children[R.T] == [R.V1, R.V2]
    assert h.path_to(R.V2) == [R.DISTRICT, R.T, R.V2]
    assert sorted(s["seg_code"] for s in h.segments_under(R.T)) == [R.code(n) for n in (1, 2, 3, 5)]
    assert h.unit_of_segment(R.code(4)) == R.W1 and h.unit_of_segment(R.code(6)) is None
    assert [c["chief_id"] for c in h.chiefs_of[R.V1]] == ["CV1", "VOL"]  # chief before volunteer
    assert "CW" not in [c["chief_id"] for c in h.chiefs_of[R.W1]]  # inactive chiefs are not listed
    assert h.search("北村") == [("unit", R.V2)]
    assert ("chief", "CV1") in h.search("cv1") and ("chief", "CW") not in h.search("CW")
    assert h.search(R.code(3)) == [("segment", R.code(3))]
    assert h.search("  ") == []


def test_responsible_on_sorts_by_level_and_merges_the_chief():
    out = amod.responsible_on(appointments(), R.code(3), DAY, {c["chief_id"]: c for c in chiefs()})
    assert [(a["level"], a["role"], a["chief_id"]) for a in out] == [
        ("district", "chief", "CD"), ("town", "chief", "CT"), ("village", "chief", "CV1"),
        ("village", "volunteer", "VOL")]
    assert out[2]["chief"]["unit_code"] == R.V1
    assert [a["chief_id"] for a in amod.responsible_on(appointments(), R.code(1), "2024-06-02")] == ["CD", "CT", "CV2"]
