"""Coverage rules R1–R7 evaluated by core.coverage.check on plain rows (no workspace): each
finding written out in full (rule, severity, segment, chief, unit, English and Chinese text).
The district is test/cov_fixtures.py's: one town, two villages, a 0.02° river at 34°N cut in
two both-bank segments of 0.92 km."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import coverage
from test import cov_fixtures as F

DATE = "2024-06-01"
S1, S2 = "411171000001", "411171000002"


def data(**overrides) -> coverage.CoverageData:
    tables = {"units": F.units(), "rivers": F.rivers(), "segments": F.segments(), "chiefs": F.chiefs(),
              "assignments": F.assignments(), "boards": F.boards()}
    tables.update(overrides)
    return coverage.CoverageData(district_code="411171", crs="EPSG:4490", **tables)


def rows(findings, *rules):
    return [(f.rule, f.severity, f.seg_code, f.chief_id, f.unit_code, f.message_en) for f in findings
            if not rules or f.rule in rules]


def test_a_clean_district():
    findings, summary = coverage.check(data(), DATE)
    assert findings == []
    assert (summary.date, summary.rivers, summary.segments, summary.segments_complete) == (DATE, 1, 2, 2)
    assert summary.river_km == pytest.approx(1.84) and summary.covered_km == pytest.approx(1.84)
    assert summary.gap_km == 0.0 and summary.covered_share == pytest.approx(1.0)
    assert summary.findings_by_rule == {}
    assert summary.text("en") == (f"{DATE}: 1 rivers, 1.84 km of segments (one bank), covered 1.84 km (100.0%); "
                                  "2 segments, 2 with complete chiefs; findings -")
    assert summary.text("zh") == (f"{DATE}：河流1条，河段共1.84公里（单侧计算），其中河长齐全1.84公里（100.0%）；"
                                  "河段2个，河长齐全2个；问题 -")


def test_r1_a_segment_in_a_town_unit_needs_a_town_chief():
    segs = F.segments()
    segs[1]["unit_code"] = F.TOWN
    apps = [a for a in F.assignments() if not (a["seg_code"] == S2 and a["level"] in ("town", "village"))]
    findings, summary = coverage.check(data(segments=segs, assignments=apps), DATE)
    assert rows(findings, "R1") == [("R1", "error", S2, None, F.TOWN,
                                     f"Segment {S2} (沙河李庄村段) has no town chief on {DATE}")]
    assert findings[0].message_zh == f"河段{S2}（沙河李庄村段）在{DATE}缺少镇级河长" and findings[0].level == "town"
    assert summary.segments_complete == 1 and summary.covered_km == pytest.approx(0.92)


def test_an_inactive_chiefs_open_appointment_is_not_coverage():
    """CV2 was made inactive but its appointment on S2 was left open: S2 has no village chief
    (R1) and the appointment is reported (R2a); S2's km are not covered."""
    chiefs = F.chiefs()
    chiefs[3]["active"] = False
    findings, summary = coverage.check(data(chiefs=chiefs), DATE)
    assert rows(findings) == [
        ("R1", "error", S2, None, F.V2, f"Segment {S2} (沙河李庄村段) has no village chief on {DATE}"),
        ("R2", "error", S2, "CV2", F.V2, f"Appointment of CV2 on segment {S2} refers to an unknown or inactive chief"),
    ]
    assert findings[1].message_zh == f"河段{S2}的任命引用了不存在或已离任的河长CV2"
    assert summary.covered_km == pytest.approx(0.92) and summary.covered_share == pytest.approx(0.5)
    # Ended on its last day (as deactivation does), the appointment still holds that day.
    apps = F.assignments()
    apps[5]["valid_to"] = DATE
    assert coverage.check(data(chiefs=chiefs, assignments=apps), DATE)[0] == []
    assert rows(coverage.check(data(chiefs=chiefs, assignments=apps), "2024-06-02")[0], "R1") == [
        ("R1", "error", S2, None, F.V2, f"Segment {S2} (沙河李庄村段) has no village chief on 2024-06-02")]


def test_r2b_an_appointment_at_another_level_than_its_chief():
    """The town chief CT1 appointed on S1 at village level: R2b; S1 then has two village
    chiefs (R6) and no town chief (R1)."""
    apps = F.assignments()
    apps[1]["level"] = "village"
    findings, _ = coverage.check(data(assignments=apps), DATE)
    assert rows(findings) == [
        ("R1", "error", S1, None, F.V1, f"Segment {S1} (沙河周庄村段) has no town chief on {DATE}"),
        ("R2", "error", S1, "CT1", F.TOWN, f"Appointment of CT1 on segment {S1} is at level village, the chief is town"),
        ("R6", "error", S1, "CT1", F.V1, f"Segment {S1} has 2 village chiefs of role chief on {DATE}: CT1, CV1"),
    ]
    assert findings[1].message_zh == f"河段{S1}上CT1的任命级别为村级，河长级别为镇级"
    assert findings[2].message_zh == f"河段{S1}在{DATE}有2名村级河长：CT1, CV1"


def test_r2_a_chief_of_another_unit():
    apps = F.assignments()
    apps[5]["chief_id"] = "CV1"  # 周庄村's chief on 李庄村's segment
    findings, _ = coverage.check(data(assignments=apps), DATE)
    assert rows(findings) == [
        ("R2", "error", S2, "CV1", F.V1,
         f"Chief CV1 (周书记, village) belongs to unit {F.V1}, but segment {S2} needs a chief of unit {F.V2}")]
    assert findings[0].message_zh == f"河段{S2}的村级河长周书记（CV1）属于{F.V1}，应属于{F.V2}"


def test_r2a_an_unknown_chief():
    apps = F.assignments() + [{"seg_code": S1, "chief_id": "GHOST", "level": "village", "role": "volunteer",
                               "valid_from": "2020-01-01"}]
    findings, _ = coverage.check(data(assignments=apps), DATE)
    assert rows(findings) == [
        ("R2", "error", S1, "GHOST", F.V1, f"Appointment of GHOST on segment {S1} refers to an unknown or inactive chief")]


def test_r7_formats_named_one_by_one():
    units = F.units()
    units[3]["code"] = "411172100002"  # village under another county's prefix
    chiefs = F.chiefs()
    chiefs[2]["phone"] = "1380000"
    segs = F.segments()
    segs[0]["name"] = " "
    segs[1]["bank"] = "middle"
    rivers = F.rivers() + [{"fid": 9, "river_code": " ", "name": "无名", "geom": None}]
    boards = F.boards() + [{"board_code": "B9", "seg_code": S1, "hotline": "123"}]
    findings, _ = coverage.check(data(units=units, chiefs=chiefs, segments=segs, rivers=rivers, boards=boards),
                                 DATE, rules=("R7",))
    assert [(f.rule, f.severity, f.seg_code, f.chief_id, f.unit_code, f.message_en) for f in findings] == [
        ("R7", "error", None, None, "411172100002",
         "unit 411172100002: unit code 411172100002 does not start with its parent's prefix 411171100"),
        ("R7", "error", None, None, None, "river fid 9: river code is empty"),
        ("R7", "warning", S1, None, None, f"segment {S1}: name is empty"),
        ("R7", "error", S2, None, F.V2, f"segment {S2}: unit '{F.V2}' is not an administrative unit of the workspace"),
        ("R7", "warning", S2, None, None, f"segment {S2}: bank 'middle' is not both/left/right"),
        ("R7", "warning", None, "CV1", F.V1, "chief CV1 (周书记): phone '1380000': a mobile number has 11 digits, this has 7"),
        ("R7", "warning", None, "CV2", F.V2,
         "chief CV2 (李书记): unit code 411171100002 is not an administrative unit of the workspace"),
        ("R7", "warning", S1, None, None, "notice board B9: phone '123': a mobile number has 11 digits, this has 3"),
    ]
    assert findings[0].message_zh == "行政区划411172100002：行政区划代码411172100002不以上级代码前缀411171100开头"
    assert findings[5].message_zh == "河长周书记（CV1）：电话“1380000”：手机号码应为11位，此号码为7位"


def test_r5_and_r6_and_the_rule_filter():
    boards = F.boards()[:1]
    chiefs = F.chiefs() + [dict(F.chiefs()[3], chief_id="CV3", name="孙主任", phone="13900000000")]
    apps = F.assignments() + [dict(F.assignments()[5], chief_id="CV3", valid_from="2024-01-01")]
    findings, summary = coverage.check(data(boards=boards, chiefs=chiefs, assignments=apps), DATE)
    assert rows(findings) == [
        ("R6", "error", S2, "CV2", F.V2, f"Segment {S2} has 2 village chiefs of role chief on {DATE}: CV2, CV3"),
        ("R5", "warning", S2, None, F.V2, f"Segment {S2} (沙河李庄村段) has no notice board"),
    ]
    assert summary.findings_by_rule == {"R5": 1, "R6": 1}
    only = coverage.check(data(boards=boards, chiefs=chiefs, assignments=apps), DATE, rules=("R5",))[0]
    assert [f.rule for f in only] == ["R5"]
