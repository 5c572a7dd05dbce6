"""A small district for problem and assessment tests: two towns with a village each, three
segments, their chiefs, boards, problems with known histories and hand-computed scores.

Town A (柳营镇 411171101000) and town B (河湾乡 411171201000); segment S1 in village A1,
S2 and S3 in village B1; S3 has no village chief (rule R1). Village B1's chief changes on
2024-04-05, and the board of S2 still shows the old one at the end of April (25 days
after the change, 10 past the 15-day limit).
"""

from __future__ import annotations

DISTRICT = "411171000000"
TOWN_A, TOWN_B = "411171101000", "411171201000"
VIL_A, VIL_B = "411171101201", "411171201201"

UNITS = [
    {"code": DISTRICT, "name": "测试区", "level": "district", "parent_code": None},
    {"code": TOWN_A, "name": "柳营镇", "level": "town", "parent_code": DISTRICT},
    {"code": TOWN_B, "name": "河湾乡", "level": "town", "parent_code": DISTRICT},
    {"code": VIL_A, "name": "周庄村", "level": "village", "parent_code": TOWN_A},
    {"code": VIL_B, "name": "李楼村", "level": "village", "parent_code": TOWN_B},
]

SEGMENTS = [
    {"seg_code": "411171000001", "river_code": "R1", "name": "沙河周庄村段", "bank": "both", "unit_code": VIL_A,
     "length_km": 2.0, "valid_from": "2024-01-01", "valid_to": None},
    {"seg_code": "411171000002", "river_code": "R1", "name": "沙河李楼村段", "bank": "both", "unit_code": VIL_B,
     "length_km": 3.0, "valid_from": "2024-01-01", "valid_to": None},
    {"seg_code": "411171000003", "river_code": "R2", "name": "澧河李楼村段", "bank": "both", "unit_code": VIL_B,
     "length_km": 1.5, "valid_from": "2024-01-01", "valid_to": None},
]
S1, S2, S3 = (s["seg_code"] for s in SEGMENTS)


def _chief(cid, name, level, unit, position):
    return {"chief_id": cid, "name": name, "level": level, "role": "chief", "position": position,
            "organisation": "", "unit_code": unit, "phone": "13800000000", "active": True}


CHIEFS = [
    _chief("D", "区河长", "district", DISTRICT, "副主任"),
    _chief("TA", "镇河长甲", "town", TOWN_A, "镇长"),
    _chief("VA", "村河长甲", "village", VIL_A, "村支书"),
    _chief("TB", "乡河长乙", "town", TOWN_B, "乡长"),
    _chief("VB", "村河长乙", "village", VIL_B, "村支书"),
    _chief("VB2", "村河长丙", "village", VIL_B, "村主任"),
]


def _app(seg, cid, level, start="2024-01-01", end=None):
    return {"seg_code": seg, "chief_id": cid, "level": level, "role": "chief", "duty": None,
            "valid_from": start, "valid_to": end}


ASSIGNMENTS = [
    _app(S1, "D", "district"), _app(S1, "TA", "town"), _app(S1, "VA", "village"),
    _app(S2, "D", "district"), _app(S2, "TB", "town"), _app(S2, "VB", "village", end="2024-04-04"),
    _app(S2, "VB2", "village", start="2024-04-05"),
    _app(S3, "D", "district"), _app(S3, "TB", "town"),
]

BOARDS = [
    {"board_code": f"{S1}-01", "seg_code": S1, "hotline": "12345", "installed_on": "2024-01-01",
     "content_date": "2024-01-01"},
    {"board_code": f"{S2}-01", "seg_code": S2, "hotline": "12345", "installed_on": "2024-01-01",
     "content_date": "2024-01-01"},
    {"board_code": f"{S3}-01", "seg_code": S3, "hotline": "12345", "installed_on": "2024-01-01",
     "content_date": "2024-01-01"},
]


def _problem(code, seg, unit, chief, reported, deadline, status):
    return {"problem_code": code, "title": f"问题{code[-3:]}", "category": "dumping", "quantity": 10.0,
            "quantity_unit": "m3", "severity": "general", "source": "patrol", "reported_on": reported,
            "reported_by": "巡河员", "seg_code": seg, "river_code": "R1", "unit_code": unit, "chief_id": chief,
            "deadline": deadline, "status": status}


def _events(code, *steps):
    """History rows: (date, from, to) each, at 09:00 local time."""
    return [{"problem_code": code, "event_time": f"{d}T09:00:00", "actor": "办理人", "actor_level": "town",
             "from_status": a, "to_status": b, "note": None} for d, a, b in steps]


P = "411171-2024"
PROBLEMS = [
    # town A
    _problem(f"{P}0301-001", S1, VIL_A, "VA", "2024-03-01", "2024-03-20", "in_progress"),  # carried: −10
    _problem(f"{P}0401-001", S1, VIL_A, "VA", "2024-04-01", "2024-04-10", "resolved"),  # late in April: −5
    _problem(f"{P}0410-001", S1, VIL_A, "VA", "2024-04-10", "2024-04-25", "reported"),  # overdue from 04-26: −5
    _problem(f"{P}0413-001", S1, VIL_A, "VA", "2024-04-13", "2024-04-28", "reported"),  # cap reached: 0
    _problem(f"{P}0415-001", S1, VIL_A, "VA", "2024-04-15", "2024-04-30", "reported"),  # deadline = last day
    _problem(f"{P}0402-001", S1, VIL_A, "VA", "2024-04-02", "2024-04-05", "resolved"),  # resolved in time
    # town B
    _problem(f"{P}0311-001", S2, VIL_B, "VB", "2024-03-11", "2024-03-31", "resolved"),  # settled 04-01: −5
    _problem(f"{P}0305-001", S2, VIL_B, "VB", "2024-03-05", "2024-03-15", "closed"),  # late in March only
    _problem(f"{P}0201-001", S3, VIL_B, "TB", "2024-02-01", "2024-02-10", "cancelled"),  # carried to 04-03: −10
]

EVENTS = (
    _events(f"{P}0301-001", ("2024-03-01", None, "reported"), ("2024-03-02", "reported", "accepted"),
            ("2024-03-03", "accepted", "assigned"), ("2024-03-05", "assigned", "in_progress"))
    + _events(f"{P}0401-001", ("2024-04-01", None, "reported"), ("2024-04-02", "reported", "accepted"),
              ("2024-04-02", "accepted", "assigned"), ("2024-04-03", "assigned", "in_progress"),
              ("2024-04-15", "in_progress", "resolved"))
    + _events(f"{P}0410-001", ("2024-04-10", None, "reported"))
    + _events(f"{P}0413-001", ("2024-04-13", None, "reported"))
    + _events(f"{P}0415-001", ("2024-04-15", None, "reported"))
    + _events(f"{P}0402-001", ("2024-04-02", None, "reported"), ("2024-04-02", "reported", "accepted"),
              ("2024-04-03", "accepted", "assigned"), ("2024-04-03", "assigned", "in_progress"),
              ("2024-04-05", "in_progress", "resolved"))
    + _events(f"{P}0311-001", ("2024-03-11", None, "reported"), ("2024-03-12", "reported", "accepted"),
              ("2024-03-12", "accepted", "assigned"), ("2024-03-13", "assigned", "in_progress"),
              ("2024-04-01", "in_progress", "resolved"))
    + _events(f"{P}0305-001", ("2024-03-05", None, "reported"), ("2024-03-06", "reported", "accepted"),
              ("2024-03-06", "accepted", "assigned"), ("2024-03-07", "assigned", "in_progress"),
              ("2024-03-20", "in_progress", "resolved"), ("2024-03-21", "resolved", "closed"))
    + _events(f"{P}0201-001", ("2024-02-01", None, "reported"), ("2024-04-03", "reported", "cancelled"))
)

#: Patrol facts for April (the seam the patrols stream fills): compliance per chief and
#: segment, km per valid patrol.
COMPLIANCE = [
    {"chief_id": "VA", "seg_code": S1, "required": 4, "valid": 4, "key": "VA/S1/2024-04"},
    {"chief_id": "TA", "seg_code": S1, "required": 1, "valid": 1, "key": "TA/S1/2024-04"},
    {"chief_id": "VB", "seg_code": S2, "required": 4, "valid": 3, "key": "VB/S2/2024-04"},
    {"chief_id": "TB", "seg_code": S2, "required": 1, "valid": 0, "key": "TB/S2/2024-04"},
    {"chief_id": "TB", "seg_code": S3, "required": 1, "valid": 1, "key": "TB/S3/2024-04"},
]
MILEAGE = [
    {"chief_id": "VA", "km": 6.0, "key": "patrol-1"},
    {"chief_id": "TA", "km": 4.0, "key": "patrol-2"},
    {"chief_id": "VB", "km": 3.0, "key": "patrol-3"},
    {"chief_id": "TB", "km": 2.0, "key": "patrol-4"},
]

#: Marks entered by hand for April (town sheet): item T6 (score, 10) and TB (bonus).
MANUAL = [
    {"sheet_code": "TOWN-M", "period": "2024-04", "subject_code": TOWN_A, "item_code": "T6", "line": 1,
     "points": 9.0, "detail": "台账齐全，信息报送迟一次", "evidence_key": "考核台账2024-04-A", "source": "manual"},
    {"sheet_code": "TOWN-M", "period": "2024-04", "subject_code": TOWN_A, "item_code": "TB", "line": 1,
     "points": 2.0, "detail": "市级表扬", "evidence_key": "市河长办通报〔2024〕12号", "source": "manual"},
    {"sheet_code": "TOWN-M", "period": "2024-04", "subject_code": TOWN_A, "item_code": "TB", "line": 2,
     "points": 2.0, "detail": "创新举措", "evidence_key": "区河长办简报第5期", "source": "manual"},
    {"sheet_code": "TOWN-M", "period": "2024-04", "subject_code": TOWN_B, "item_code": "T6", "line": 1,
     "points": 7.0, "detail": "台账缺两次巡河记录", "evidence_key": "考核台账2024-04-B", "source": "manual"},
    {"sheet_code": "TOWN-M", "period": "2024-04", "subject_code": TOWN_B, "item_code": "TB", "line": 1,
     "points": 1.0, "detail": "志愿者活动", "evidence_key": "活动记录2024-04-20", "source": "manual"},
]

#: Hand-computed April results of the default town sheet (TOWN-M):
#: A: T1 30 (all patrols done) + T2 10 (5 km per chief ≥ 4, rank 1 of 1) + T3 20 − 10 − 5 − 5 − 0 = 0
#:    + T4 10 + T5 20 + T6 9 + bonus min(2 + 2, 3) = 3 → 82, 合格, rank 1;
#: B: T1 30 × (0.75 + 0 + 1) / 3 = 17.5 + T2 0 (2.5 km per chief < 4) + T3 20 − 5 − 10 = 5
#:    + T4 10 − 0.5 = 9.5 + T5 20 − 2 = 18 + T6 7 + bonus 1 → 58, 不合格, rank 2.
EXPECTED_TOWN_APRIL = {
    TOWN_A: {"T1": 30.0, "T2": 10.0, "T3": 0.0, "T4": 10.0, "T5": 20.0, "T6": 9.0, "TB": 3.0, "TOTAL": 82.0,
             "grade": "pass", "rank": 1},
    TOWN_B: {"T1": 17.5, "T2": 0.0, "T3": 5.0, "T4": 9.5, "T5": 18.0, "T6": 7.0, "TB": 1.0, "TOTAL": 58.0,
             "grade": "fail", "rank": 2},
}
