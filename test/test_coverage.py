"""Coverage rules R1-R7: each with a case that must raise it and one that must not."""

from __future__ import annotations

import os
import sys

import pytest
from shapely.geometry import LineString, MultiLineString

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cov_fixtures as F  # noqa: E402

DATE = "2024-06-01"


def run(path, date=DATE):
    from hezhang_plugin.services.coverage import check_coverage

    return check_coverage(path, date)


def rules_of(findings, rule):
    return [f for f in findings if f.rule == rule]


@pytest.fixture
def clean(workspace_path):
    return F.fill(workspace_path)


def test_clean_district_has_no_findings_and_full_coverage(clean):
    findings, summary = run(clean)
    assert findings == [], [f.message_en for f in findings]
    assert summary.segments == 2 and summary.segments_complete == 2
    assert summary.river_km == pytest.approx(1.846, abs=0.01)  # 0.02 deg of longitude at 34N
    assert summary.covered_share == pytest.approx(1.0, abs=1e-6)


# ---- R1
def test_r1_missing_village_chief(workspace_path):
    rows = [a for a in F.assignments() if not (a["seg_code"] == "411171000002" and a["level"] == "village")]
    findings, summary = run(F.fill(workspace_path, assignments=rows))
    r1 = rules_of(findings, "R1")
    assert [(f.seg_code, f.severity) for f in r1] == [("411171000002", "error")]
    assert "village" in r1[0].message_en and "村级" in r1[0].message_zh
    assert r1[0].geometry.equals(F.segments()[1]["geom"])
    assert summary.covered_share == pytest.approx(0.5, abs=0.01)


def test_r1_ended_appointment_counts_only_before_its_end(workspace_path):
    rows = F.assignments()
    rows[0]["valid_to"] = "2023-12-31"  # district chief of segment 1 ended
    F.fill(workspace_path, assignments=rows)
    assert [f.seg_code for f in rules_of(run(workspace_path)[0], "R1")] == ["411171000001"]
    assert rules_of(run(workspace_path, "2023-06-01")[0], "R1") == []


def test_r1_town_segment_needs_no_village_chief(workspace_path):
    segs = F.segments()
    segs[1]["unit_code"] = F.TOWN
    rows = [a for a in F.assignments() if not (a["seg_code"] == "411171000002" and a["level"] == "village")]
    findings, _ = run(F.fill(workspace_path, segments=segs, assignments=rows))
    assert rules_of(findings, "R1") == []


def test_r1_partner_role_does_not_cover(workspace_path):
    rows = F.assignments()
    rows[5]["role"] = "volunteer"  # village chief of segment 2 is only a volunteer
    findings, _ = run(F.fill(workspace_path, assignments=rows))
    assert [f.seg_code for f in rules_of(findings, "R1")] == ["411171000002"]


# ---- R2
def test_r2_chief_of_another_village(workspace_path):
    rows = F.assignments()
    rows[5]["chief_id"] = "CV1"  # village chief of village 1 on the segment of village 2
    findings, _ = run(F.fill(workspace_path, assignments=rows))
    r2 = rules_of(findings, "R2")
    assert len(r2) == 1 and r2[0].seg_code == "411171000002" and r2[0].chief_id == "CV1"
    assert F.V2 in r2[0].message_en


def test_r2_ancestor_town_and_district_chiefs_pass(clean):
    assert rules_of(run(clean)[0], "R2") == []


# ---- R3
def test_r3_gap_between_segments(workspace_path):
    segs = F.segments()
    segs[1]["geom"] = F.line(F.X1 + 0.002, F.X2)
    findings, summary = run(F.fill(workspace_path, segments=segs))
    gaps = [f for f in rules_of(findings, "R3") if "without a segment" in f.message_en]
    assert len(gaps) == 2  # one per bank, as the segments cover both banks
    xs = sorted(gaps[0].geometry.xy[0])
    assert xs == pytest.approx([F.X1, F.X1 + 0.002])
    assert summary.covered_share < 0.95


def test_r3_overlap(workspace_path):
    segs = F.segments()
    segs[1]["geom"] = F.line(F.X1 - 0.002, F.X2)
    findings, _ = run(F.fill(workspace_path, segments=segs))
    over = [f for f in rules_of(findings, "R3") if "overlap" in f.message_en]
    assert len(over) == 2 and {over[0].seg_code} <= {"411171000001", "411171000002"}
    assert over[0].geometry.length == pytest.approx(0.002)


def test_r3_one_bank_missing(workspace_path):
    segs = F.segments()
    segs[1]["bank"] = "left"
    findings, _ = run(F.fill(workspace_path, segments=segs))
    gaps = rules_of(findings, "R3")
    assert len(gaps) == 1 and "right" in gaps[0].message_en and "右岸" in gaps[0].message_zh


def test_r3_left_and_right_segments_cover_both_banks(workspace_path):
    segs = F.segments()
    right = dict(segs[1], seg_code="411171000003", bank="right", name="沙河李庄村右岸段")
    segs[1]["bank"] = "left"
    rows = F.assignments() + [dict(a, seg_code="411171000003") for a in F.assignments()[3:]]
    boards = F.boards() + [dict(F.boards()[1], board_code="B3", seg_code="411171000003")]
    findings, summary = run(F.fill(workspace_path, segments=segs + [right], assignments=rows,
                                   notice_boards=boards))
    assert findings == [], [f.message_en for f in findings]
    assert summary.covered_share == pytest.approx(1.0, abs=1e-6)


def test_r3_within_tolerance_is_no_gap(workspace_path):
    segs = F.segments()
    segs[1]["geom"] = F.line(F.X1 + 0.00002, F.X2)  # about 2 m
    findings, _ = run(F.fill(workspace_path, segments=segs))
    assert rules_of(findings, "R3") == []


def test_r3_counts_only_the_river_inside_the_district(workspace_path):
    """A river running on beyond the district: the outside stretches need no segment."""
    rivers = F.rivers()
    rivers[0]["geom"] = F.line(F.X0 - 0.03, F.X2 + 0.03)
    findings, summary = run(F.fill(workspace_path, rivers=rivers))
    assert rules_of(findings, "R3") == []
    assert summary.river_km == pytest.approx(1.85, abs=0.02)  # the 0.02 deg inside, not 0.08 deg


def _edge_river(bank):
    """The district's northern edge is the river (flowing east): the district lies on its right."""
    edge = F.Y + 0.02
    rivers = [{"river_code": "R1", "name": "沙河", "grade": "county", "geom": F.line(F.X0, F.X2, edge)}]
    segs = [dict(s, bank=bank, geom=F.line(x0, x1, edge)) for s, (x0, x1) in
            zip(F.segments(), ((F.X0, F.X1), (F.X1, F.X2)))]
    return rivers, segs


def test_r3_boundary_river_needs_only_the_district_bank(workspace_path):
    rivers, segs = _edge_river("right")
    findings, summary = run(F.fill(workspace_path, rivers=rivers, segments=segs))
    assert [f.message_en for f in rules_of(findings, "R3")] == []
    assert summary.covered_share == pytest.approx(1.0, abs=1e-6)


def test_r3_boundary_river_with_the_wrong_bank_is_a_gap(workspace_path):
    rivers, segs = _edge_river("left")
    findings, _ = run(F.fill(workspace_path, rivers=rivers, segments=segs))
    gaps = rules_of(findings, "R3")
    assert gaps and all("right" in f.message_en for f in gaps if "without a segment" in f.message_en)


# ---- R4
def test_r4_village_crossed_without_segment(workspace_path):
    segs = F.segments()
    segs[1]["unit_code"] = F.V1  # both segments said to be in village 1
    findings, _ = run(F.fill(workspace_path, segments=segs))
    r4 = rules_of(findings, "R4")
    assert [f.unit_code for f in r4] == [F.V2]
    assert r4[0].geometry.length == pytest.approx(0.01)


def test_r4_river_touching_a_village_corner_is_not_a_crossing(workspace_path):
    rivers = F.rivers()
    # the river ends 1 m inside village 2: under the crossing threshold
    rivers[0]["geom"] = MultiLineString([LineString([(F.X0, F.Y), (F.X1 + 0.00001, F.Y)])])
    segs = F.segments()[:1]
    findings, _ = run(F.fill(workspace_path, rivers=rivers, segments=segs,
                             assignments=F.assignments()[:3], notice_boards=F.boards()[:1]))
    assert rules_of(findings, "R4") == []


# ---- R5
def test_r5_segment_without_notice_board(workspace_path):
    findings, _ = run(F.fill(workspace_path, notice_boards=F.boards()[:1]))
    r5 = rules_of(findings, "R5")
    assert [(f.seg_code, f.severity) for f in r5] == [("411171000002", "warning")]


def test_r5_ended_segment_needs_no_board(workspace_path):
    segs = F.segments()
    segs[1]["valid_to"] = "2023-01-01"
    findings, _ = run(F.fill(workspace_path, segments=segs, notice_boards=F.boards()[:1]))
    assert rules_of(findings, "R5") == []


# ---- R6
def test_r6_two_village_chiefs_on_one_date(workspace_path):
    chiefs = F.chiefs() + [dict(F.chiefs()[3], chief_id="CV3", name="孙主任", phone="13900000000")]
    rows = F.assignments() + [dict(F.assignments()[5], chief_id="CV3", valid_from="2024-01-01")]
    findings, _ = run(F.fill(workspace_path, chiefs=chiefs, assignments=rows))
    r6 = rules_of(findings, "R6")
    assert len(r6) == 1 and r6[0].seg_code == "411171000002" and "CV2" in r6[0].message_en


def test_r6_successive_chiefs_do_not_clash(workspace_path):
    chiefs = F.chiefs() + [dict(F.chiefs()[3], chief_id="CV3", name="孙主任", phone="13900000000")]
    rows = F.assignments()
    rows[5]["valid_to"] = "2023-12-31"
    rows.append(dict(F.assignments()[5], chief_id="CV3", valid_from="2024-01-01"))
    findings, _ = run(F.fill(workspace_path, chiefs=chiefs, assignments=rows))
    assert rules_of(findings, "R6") == [] and rules_of(findings, "R1") == []
    # and on a date in 2023 the old chief answers, still without a clash
    assert rules_of(run(workspace_path, "2023-06-01")[0], "R6") == []


# ---- R7
def test_r7_bad_phone_and_empty_name(workspace_path):
    chiefs = F.chiefs()
    chiefs[2]["phone"] = "1380000"
    segs = F.segments()
    segs[0]["name"] = " "
    findings, _ = run(F.fill(workspace_path, chiefs=chiefs, segments=segs))
    r7 = rules_of(findings, "R7")
    assert {(f.chief_id, f.seg_code) for f in r7} == {("CV1", None), (None, "411171000001")}
    assert any("11 digits" in f.message_en for f in r7)


def test_r7_bad_unit_code_prefix(workspace_path):
    units = F.units()
    units[3]["code"] = "411172100002"  # village under the wrong county prefix
    findings, _ = run(F.fill(workspace_path, admin_units=units))
    assert any(f.rule == "R7" and f.unit_code == "411172100002" and f.severity == "error" for f in findings)


def test_r7_formats_fine(clean):
    assert rules_of(run(clean)[0], "R7") == []


# ---- assignments API and the processing algorithm
def test_assign_deactivate_and_history(workspace_path):
    from hezhang_plugin.core import assignments as amod
    from hezhang_plugin.data.io import read_rows, write_rows
    from hezhang_plugin.services import assignments as sa

    rows = [a for a in F.assignments() if a["level"] != "village"]
    F.fill(workspace_path, assignments=rows)
    assert {f.seg_code for f in rules_of(run(workspace_path)[0], "R1")} == {"411171000001", "411171000002"}
    assert sa.assign(workspace_path, ["411171000001"], "CV1", "2024-01-01", duty="巡河") == 1
    assert sa.assign(workspace_path, ["411171000002"], "CV2", "2024-01-01") == 1
    assert rules_of(run(workspace_path)[0], "R1") == []
    with pytest.raises(amod.AssignmentError, match="unknown segment"):
        sa.assign(workspace_path, ["411171000999"], "CV1", "2024-01-01")
    # a successor in the same seat ends the predecessor the day before
    write_rows(workspace_path, "chiefs", [dict(F.chiefs()[3], chief_id="CV3", name="孙主任")])
    sa.assign(workspace_path, ["411171000002"], "CV3", "2024-05-01")
    who = sa.who_was_responsible(workspace_path, "411171000002", "2024-04-30")
    assert [a["chief_id"] for a in who if a["level"] == "village"] == ["CV2"]
    who = sa.who_was_responsible(workspace_path, "411171000002", "2024-05-01")
    assert [a["chief"]["name"] for a in who if a["level"] == "village"] == ["孙主任"]
    assert rules_of(run(workspace_path)[0], "R6") == []
    # deactivation ends appointments, deletes nothing
    count = len(read_rows(workspace_path, "assignments"))
    assert sa.deactivate_chief(workspace_path, "CT1", "2024-05-31") == 2
    assert len(read_rows(workspace_path, "assignments")) == count
    chief = next(c for c in read_rows(workspace_path, "chiefs") if c["chief_id"] == "CT1")
    assert chief["active"] is False
    assert {f.seg_code for f in rules_of(run(workspace_path)[0], "R1")} == {"411171000001", "411171000002"}
    assert rules_of(run(workspace_path, "2024-05-31")[0], "R1") == []


def test_validate_chief():
    from hezhang_plugin.core.assignments import validate_chief

    units = {u["code"]: u for u in F.units()}
    ok = dict(F.chiefs()[2])
    assert validate_chief(ok, units) == []
    assert any("must belong to a town unit" in e for e in validate_chief(dict(ok, level="town"), units))
    assert any("11 digits" in e for e in validate_chief(dict(ok, phone="1390000"), units))
    assert any("role" in e for e in validate_chief(dict(ok, role="boss"), units))


def test_processing_checkcoverage_workspace_and_layers(workspace_path, processing_ready):
    from qgis import processing
    from qgis.core import QgsVectorLayer

    rows = [a for a in F.assignments() if not (a["seg_code"] == "411171000002" and a["level"] == "village")]
    F.fill(workspace_path, assignments=rows, notice_boards=F.boards()[:1])
    res = processing.run("hezhang:checkcoverage", {"WORKSPACE": workspace_path, "DATE": "2024-06-01",
                                                   "OUTPUT": "memory:"})
    out = res["OUTPUT"]
    feats = {f["rule"]: f for f in out.getFeatures()}
    assert set(feats) == {"R1", "R5"} and res["FINDINGS"] == 2
    assert feats["R1"]["seg_code"] == "411171000002" and feats["R1"]["severity"] == "error"
    assert not feats["R1"].geometry().isEmpty()
    assert [f.name() for f in out.fields()] == ["rule", "severity", "message", "seg_code", "chief_id", "unit_code"]
    assert 0.45 < res["COVERED_SHARE"] < 0.55
    layers = {name: QgsVectorLayer(f"{workspace_path}|layername={name}", name, "ogr")
              for name in ("segments", "chiefs", "assignments", "admin_units")}
    res = processing.run("hezhang:checkcoverage", {"SEGMENTS": layers["segments"], "CHIEFS": layers["chiefs"],
                                                   "ASSIGNMENTS": layers["assignments"],
                                                   "UNITS": layers["admin_units"], "DATE": "2024-06-01",
                                                   "OUTPUT": "memory:"})
    assert [f["rule"] for f in res["OUTPUT"].getFeatures()] == ["R1"]
