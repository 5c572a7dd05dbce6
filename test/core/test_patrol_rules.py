"""Patrol rule profiles, periods and compliance at their edges (core.patrol_rules,
core.patrol_profiles, core.patrol_compliance), without QGIS.

Expected periods are calendar facts written out (ISO weeks, the days of a dekad, the end of
February in a leap year); reasons and sentences are the texts a user reads, written out."""

from __future__ import annotations

import pytest

from hezhang_plugin.core import patrol_compliance as pc
from hezhang_plugin.core import patrol_rules as pr
from hezhang_plugin.core.patrol_profiles import SEED_ROWS


def _rule(**kw):
    row = {"profile": "p", "level": "village", "period": "week", "min_count": 1}
    row.update(kw)
    return pr.Rule.from_row(row)


# ------------------------------------------------------------------ rules and profiles


def test_a_rule_row_read_with_its_minimums_and_months():
    r = _rule(period=" month ", min_count="2", months="3-5", min_minutes="30", min_km=2, min_coverage="0.4",
              min_gap_hours=96)
    assert r == pr.Rule("p", "village", "month", 2, frozenset({3, 4, 5}), 30.0, 2.0, 0.4, 96.0)
    assert isinstance(r.min_minutes, float) and isinstance(r.min_km, float)
    blank = _rule(min_minutes="", min_km=None)
    assert (blank.min_minutes, blank.min_km, blank.min_coverage, blank.min_gap_hours) == (None, None, None, None)
    assert blank.months == frozenset(range(1, 13))
    assert _rule(min_minutes=0).min_minutes == 0.0  # a zero minimum is a value, not "none"


@pytest.mark.parametrize("row, en, zh", [
    ({"period": "fortnight"}, "rule p/village: period 'fortnight' is not one of week, dekad, month, quarter, year",
     "规则p/village：周期“fortnight”不是week, dekad, month, quarter, year之一"),
    ({"period": None}, "rule p/village: period '' is not one of week, dekad, month, quarter, year", None),
    ({"min_count": 0}, "rule p/village: minimum count must be at least 1", "规则p/village：每周期最少次数至少为1"),
    ({"min_count": None}, "rule p/village: minimum count must be at least 1", None),
    ({"months": "0-3"}, "months '0-3' are not months 1 to 12 (e.g. 3-12)", "适用月份“0-3”不是1至12月（如3-12）"),
])
def test_a_bad_rule_row_is_refused_with_what_is_wrong(row, en, zh):
    with pytest.raises(pr.RuleError) as err:
        _rule(**row)
    assert err.value.message.text("en") == en
    if zh:
        assert err.value.message.text("zh") == zh


@pytest.mark.parametrize("text, months", [
    (None, set(range(1, 13))), ("", set(range(1, 13))), ("  ", set(range(1, 13))),
    ("3-12", set(range(3, 13))), ("3—12", set(range(3, 13))), ("3–12", set(range(3, 13))),
    ("3,4,5", {3, 4, 5}), ("3，4", {3, 4}), ("3月-5月", {3, 4, 5}), ("6月", {6}), (" 7 ", {7}),
    ("11-2", {11, 12, 1, 2}), ("12-12", {12}), ("12-0", {12}), ("1-1,12", {1, 12}), ("5,", {5}), (7, {7}),
])
def test_months_in_force_as_people_write_them(text, months):
    assert pr.parse_months(text) == frozenset(months)


@pytest.mark.parametrize("text", ["13", "0", "3-13", ",", "0-0"])
def test_months_outside_the_year_are_refused(text):
    with pytest.raises(pr.RuleError) as err:
        pr.parse_months(text)
    assert err.value.message.key == "patrol.rule.bad_months"


def test_profiles_group_rows_by_key_with_names_and_default():
    rows = [
        {"profile": "a", "name": "甲", "name_en": "A", "level": "town", "period": "month", "min_count": 1},
        {"profile": "a", "level": "village", "period": "week", "min_count": 1, "is_default": 1},
        {"profile": "b", "level": "village", "period": "dekad", "min_count": 1, "is_default": 0},
        {"profile": "", "level": "village", "period": "nonsense", "min_count": 0},  # no key: skipped
    ]
    profs = pr.profiles(rows)
    assert sorted(profs) == ["a", "b"]
    assert (profs["a"]["name"], profs["a"]["name_en"], profs["a"]["is_default"]) == ("甲", "A", True)
    assert (profs["b"]["name"], profs["b"]["name_en"], profs["b"]["is_default"]) == ("b", "b", False)
    assert {lv: r.period for lv, r in profs["a"]["rules"].items()} == {"town": "month", "village": "week"}


def test_choose_profile_by_key_or_name_in_any_case_or_the_default():
    rows = list(SEED_ROWS)
    assert pr.choose_profile(rows)[0] == "henan_2018"
    assert pr.choose_profile(rows, "  ")[0] == "henan_2018"
    assert pr.choose_profile(rows, "AKQI_2022")[0] == "akqi_2022"
    assert pr.choose_profile(rows, "广州市（2021）")[0] == "guangzhou_2021"
    assert pr.choose_profile(rows, "a town of sixian (anhui)")[0] == "sixian_town"
    key, prof = pr.choose_profile(rows, "Akqi county (2022)")
    assert key == "akqi_2022" and prof["rules"]["village"] == pr.Rule(
        "akqi_2022", "village", "week", 1, frozenset(range(3, 13)), 30.0, 2.0, 0.5, 96.0)
    # Without a row marked default: henan_2018 when present, else the first key.
    plain = [dict(r, is_default=False) for r in rows]
    assert pr.choose_profile(plain)[0] == "henan_2018"
    others = [r for r in plain if r["profile"] != "henan_2018"]
    assert pr.choose_profile(others)[0] == "akqi_2022"
    marked = [dict(r, is_default=r["profile"] == "sixian_town") for r in rows]
    assert pr.choose_profile(marked)[0] == "sixian_town"


def test_choose_profile_refusals_name_the_known_profiles():
    with pytest.raises(pr.RuleError) as err:
        pr.choose_profile(list(SEED_ROWS), "beijing")
    assert err.value.message.text("en") == (
        "no patrol rule profile 'beijing'; known: akqi_2022 (阿合奇县（2022）), guangzhou_2021 (广州市（2021）), "
        "henan_2018 (河南省（2018）), sixian_town (泗县某镇（安徽）)")
    with pytest.raises(pr.RuleError) as err:
        pr.choose_profile([])
    assert err.value.message.text("zh") == "工作空间中没有巡河规则方案（patrol_rules表为空）"


def test_the_seeded_profiles_as_their_sources_state_them():
    profs = pr.profiles(SEED_ROWS)
    table = sorted((k, lv, r.period, r.min_count, min(r.months), max(r.months), r.min_minutes, r.min_km,
                    r.min_coverage, r.min_gap_hours) for k, p in profs.items() for lv, r in p["rules"].items())
    assert table == [
        ("akqi_2022", "district", "quarter", 1, 1, 12, 30.0, None, 0.5, 96.0),
        ("akqi_2022", "town", "month", 1, 3, 12, 30.0, 2.0, 0.5, 96.0),
        ("akqi_2022", "village", "week", 1, 3, 12, 30.0, 2.0, 0.5, 96.0),
        ("guangzhou_2021", "village", "dekad", 1, 1, 12, 10.0, 1.0, 0.5, None),
        ("henan_2018", "district", "quarter", 1, 1, 12, None, None, 0.5, None),
        ("henan_2018", "town", "month", 1, 1, 12, None, None, 0.5, None),
        ("henan_2018", "village", "week", 1, 1, 12, None, None, 0.5, None),
        ("sixian_town", "town", "month", 1, 1, 12, 5.0, 0.3, 0.5, None),
        ("sixian_town", "village", "month", 2, 1, 12, 5.0, 0.3, 0.5, None),
    ]
    assert [k for k, p in profs.items() if p["is_default"]] == ["henan_2018"]


# ------------------------------------------------------------------ periods


def _spans(kind, start, end):
    return [(p.start, p.end, p.label) for p in pr.periods(kind, start, end)]


def test_weeks_across_a_new_year_take_the_iso_week_and_year():
    assert _spans("week", "2024-12-23", "2025-01-12") == [
        ("2024-12-23", "2024-12-29", "2024-W52"), ("2024-12-30", "2025-01-05", "2025-W01"),
        ("2025-01-06", "2025-01-12", "2025-W02")]
    # One day: the week whose Thursday it is, and none for a Wednesday.
    assert _spans("week", "2024-06-06", "2024-06-06") == [("2024-06-03", "2024-06-09", "2024-W23")]
    assert _spans("week", "2024-06-05", "2024-06-05") == []


def test_dekads_end_on_the_10th_20th_and_last_day():
    assert _spans("dekad", "2023-02-01", "2023-03-10") == [
        ("2023-02-01", "2023-02-10", "2023-02-A"), ("2023-02-11", "2023-02-20", "2023-02-B"),
        ("2023-02-21", "2023-02-28", "2023-02-C"), ("2023-03-01", "2023-03-10", "2023-03-A")]
    assert _spans("dekad", "2024-12-21", "2024-12-31") == [("2024-12-21", "2024-12-31", "2024-12-C")]
    # A 31st belongs to the third dekad; the middle of 21..31 is the 26th.
    assert _spans("dekad", "2024-07-26", "2024-07-26") == [("2024-07-21", "2024-07-31", "2024-07-C")]
    assert _spans("dekad", "2024-07-25", "2024-07-25") == []


def test_months_quarters_and_years():
    assert _spans("month", "2024-01-15", "2024-03-16") == [
        ("2024-01-01", "2024-01-31", "2024-01"), ("2024-02-01", "2024-02-29", "2024-02"),
        ("2024-03-01", "2024-03-31", "2024-03")]
    assert _spans("month", "2024-01-17", "2024-03-15") == [("2024-02-01", "2024-02-29", "2024-02")]
    assert _spans("quarter", "2024-01-01", "2024-12-31") == [
        ("2024-01-01", "2024-03-31", "2024-Q1"), ("2024-04-01", "2024-06-30", "2024-Q2"),
        ("2024-07-01", "2024-09-30", "2024-Q3"), ("2024-10-01", "2024-12-31", "2024-Q4")]
    assert _spans("year", "2023-06-01", "2025-07-02") == [
        ("2023-01-01", "2023-12-31", "2023"), ("2024-01-01", "2024-12-31", "2024"),
        ("2025-01-01", "2025-12-31", "2025")]
    assert _spans("year", "2024-07-03", "2024-12-31") == []  # the middle of 2024 is 1 July


def test_period_midpoints_and_consecutive_ranges_never_count_a_period_twice():
    assert pr.periods("month", "2024-02-01", "2024-02-29")[0].midpoint == "2024-02-15"
    assert pr.periods("week", "2024-06-03", "2024-06-09")[0].midpoint == "2024-06-06"
    first = pr.periods("week", "2024-01-01", "2024-03-31")
    second = pr.periods("week", "2024-04-01", "2024-06-30")
    whole = pr.periods("week", "2024-01-01", "2024-06-30")
    assert [p.start for p in first + second] == [p.start for p in whole]
    assert len(whole) == 26


def test_periods_refuse_a_reversed_range_and_an_unknown_kind():
    with pytest.raises(pr.RuleError) as err:
        pr.periods("week", "2024-06-30", "2024-06-01")
    assert err.value.message.text("en") == "the end 2024-06-01 is before the start 2024-06-30"
    assert err.value.message.text("zh") == "截止日期2024-06-01早于起始日期2024-06-30"
    with pytest.raises(pr.RuleError) as err:
        pr.periods("fortnight", "2024-06-01", "2024-06-30")
    assert err.value.message.text("en") == (
        "rule /: period 'fortnight' is not one of week, dekad, month, quarter, year")


def test_period_labels_as_people_write_them():
    def label(kind, day, lang="zh"):
        return pr.period_label(pr.periods(kind, day, day)[0], lang)

    assert label("week", "2025-01-02") == "2025年第1周"
    assert label("week", "2025-01-02", "en") == "2025-W01"
    assert label("dekad", "2024-06-05") == "2024年6月上旬"
    assert label("dekad", "2024-06-15") == "2024年6月中旬"
    assert label("dekad", "2024-06-25") == "2024年6月下旬"  # the middle of 21..30 June
    assert label("month", "2024-11-15") == "2024年11月"
    assert label("quarter", "2024-08-15") == "2024年第3季度"
    assert label("quarter", "2024-11-15") == "2024年第4季度"
    assert label("year", "2024-07-01") == "2024年"
    assert label("year", "2024-07-01", "en") == "2024"


# ------------------------------------------------------------------ reasons


def test_patrol_reasons_against_each_minimum_and_the_default_coverage():
    r = _rule(min_minutes=30, min_km=2, min_coverage=0.6)
    assert pr.patrol_reasons(r, 30.0, 2.0, 0.6) == []  # the minimums themselves are reached
    assert pr.patrol_reasons(r, 29.9, 1.99, 0.59) == [
        pr.Reason("min_minutes", 29.9, 30.0), pr.Reason("min_km", 1.99, 2.0), pr.Reason("min_coverage", 0.59, 0.6)]
    assert pr.patrol_reasons(r, 10.0, 0.5, None) == [pr.Reason("min_minutes", 10.0, 30.0),
                                                    pr.Reason("min_km", 0.5, 2.0)]
    plain = _rule()  # no minimums: the default share of the segment
    assert pr.patrol_reasons(plain, 0.0, 0.0, 0.5) == []
    assert pr.patrol_reasons(plain, 0.0, 0.0, 0.49) == [pr.Reason("min_coverage", 0.49, 0.5)]
    assert pr.patrol_reasons(None, 0.0, 0.0, 0.49) == [pr.Reason("min_coverage", 0.49, 0.5)]
    assert pr.patrol_reasons(None, 0.0, 0.0, 0.5) == []
    assert pr.patrol_reasons(None, 0.0, 0.0, None) == []
    assert pr.patrol_reasons(_rule(min_coverage=0.0), 0.0, 0.0, 0.1) == []  # a zero minimum, not the default


def test_reasons_read_in_both_languages():
    reasons = [pr.Reason("min_minutes", 12.4, 30.0), pr.Reason("min_km", 1.234, 2.0),
               pr.Reason("min_coverage", 0.254, 0.5), pr.Reason("min_gap_hours", 50.2, 96.0),
               pr.Reason("no_segment", day="2024-06-03")]
    assert pr.reasons_text(reasons) == (
        "duration 12 min < 30 min; distance 1.23 km < 2 km; coverage 25% < 50%; 50 h after the previous patrol < 96 h; "
        "the chief answered for no segment on 2024-06-03")
    assert pr.reasons_text(reasons, "zh") == (
        "时长 12 分钟 < 30 分钟；里程 1.23 公里 < 2 公里；覆盖 25% < 50%；距上次巡河 50 小时 < 96 小时；该河长2024-06-03无责任河段")
    assert reasons[0].text() == "duration 12 min < 30 min"
    assert pr.reasons_text([]) == ""


# ------------------------------------------------------------------ compliance


SEG = [{"seg_code": "S1", "unit_code": "V1", "valid_from": "2020-01-01", "valid_to": None},
       {"seg_code": "S2", "unit_code": "V1", "valid_from": "2024-06-15", "valid_to": None}]


def _assign(chief, seg, role="chief", level="village", valid_from="2020-01-01", valid_to=None):
    return {"chief_id": chief, "seg_code": seg, "role": role, "level": level, "valid_from": valid_from,
            "valid_to": valid_to}


def _patrol(pid, chief, start, minutes=40.0, km=2.5, mode="self"):
    return {"patrol_id": pid, "chief_id": chief, "start_time": start, "patrol_date": start[:10],
            "duration_min": minutes, "distance_km": km, "mode": mode}


def _rows(rows):
    return [(r.chief_id, r.seg_code, r.level, r.unit_code, r.period.label, r.required, r.valid, r.status,
             r.valid_ids, [(pid, [x.code for x in rs]) for pid, rs in r.invalid]) for r in rows]


def test_only_lead_roles_on_current_segments_owe_patrols_while_their_appointment_holds():
    rules = {"village": _rule(period="month"), "town": _rule(level="town", period="month")}
    assigns = [
        _assign("A", "S1"),
        _assign("B", "S1", role="liaison"),  # not a lead role: owes nothing
        _assign("C", "S1", role="deputy_general_chief", level="town"),
        _assign("D", "S1", valid_to="2024-06-14"),  # ended before the middle of June
        _assign("E", "S1", valid_from="2024-06-16"),  # begins after it
        _assign("F", "S2"),  # the segment begins on the 15th: current on the middle day
        _assign("G", "S9"),  # no such segment
        _assign("H", "S1", level="district"),  # no rule for the level
    ]
    rows = pc.compliance([], [], assigns, SEG, rules, "2024-06-01", "2024-06-30")
    assert [(r.chief_id, r.seg_code, r.level, r.unit_code, r.status) for r in rows] == [
        ("A", "S1", "village", "V1", "none"), ("C", "S1", "town", "V1", "none"), ("F", "S2", "village", "V1", "none")]
    later = pc.compliance([], [], [_assign("F", "S2")], SEG, rules, "2024-05-01", "2024-05-31")
    assert later == []  # S2 did not exist in May


def test_gap_rule_applies_to_self_started_patrols_only_and_counts_from_the_last_counted():
    rules = {"village": _rule(period="month", min_minutes=30, min_gap_hours=96)}
    patrols = [
        _patrol("a", "A", "2024-06-01T08:00:00"),
        _patrol("b", "A", "2024-06-02T08:00:00"),  # 24 h after a: too soon
        _patrol("c", "A", "2024-06-04T09:00:00", mode="assigned"),  # assigned: no gap rule
        _patrol("d", "A", "2024-06-05T07:00:00"),  # 22 h after c, which counted
        _patrol("e", "A", "2024-06-10T08:00:00", minutes=10),  # too short: not counted, no clock
        _patrol("f", "A", "2024-06-10T09:00:00"),
    ]
    psegs = [{"patrol_id": p["patrol_id"], "seg_code": "S1", "coverage": 0.9} for p in patrols]
    [row] = pc.compliance(patrols, psegs, [_assign("A", "S1")], SEG, rules, "2024-06-01", "2024-06-30")
    # a counts; b 24 h after a; c assigned counts and becomes the last; d 22 h after c; e too short;
    # f 144 h after c.
    assert _rows([row]) == [("A", "S1", "village", "V1", "2024-06", 1, 3, "ok", ["a", "c", "f"],
                             [("b", ["min_gap_hours"]), ("d", ["min_gap_hours"]), ("e", ["min_minutes"])])]
    assert row.reasons_text() == ("b: 24 h after the previous patrol < 96 h; d: 22 h after the previous patrol < 96 h; "
                                  "e: duration 10 min < 30 min")


def test_a_patrol_counts_only_inside_its_period_and_lists_only_where_it_covered_most():
    rules = {"village": _rule(period="week", min_count=2)}
    patrols = [_patrol("a", "A", "2024-06-03T08:00:00"), _patrol("b", "A", "2024-06-09T23:00:00"),
               _patrol("c", "A", "2024-06-10T08:00:00"),
               {"patrol_id": "x", "chief_id": "A", "patrol_date": "2024-06-05"}]  # a date without a time
    psegs = [{"patrol_id": "a", "seg_code": "S1", "coverage": 0.8},
             {"patrol_id": "b", "seg_code": "S1", "coverage": 0.2},  # too little of S1 ...
             {"patrol_id": "b", "seg_code": "S3", "coverage": 0.7},  # ... it walked S3 (no appointment)
             {"patrol_id": "c", "seg_code": "S1", "coverage": 0.3},
             {"patrol_id": "x", "seg_code": "S1", "coverage": None},
             {"patrol_id": "zz", "seg_code": "S1", "coverage": 1.0}]  # an unknown patrol: ignored
    seg = SEG + [{"seg_code": "S3", "unit_code": "V1", "valid_from": "2020-01-01"}]
    rows = pc.compliance(patrols, psegs, [_assign("A", "S1")], seg, rules, "2024-06-03", "2024-06-16")
    assert _rows(rows) == [
        ("A", "S1", "village", "V1", "2024-W23", 2, 1, "short", ["a"], [("x", ["min_coverage"])]),
        ("A", "S1", "village", "V1", "2024-W24", 2, 0, "none", [], [("c", ["min_coverage"])]),
    ]
    assert rows[1].message() == "A (A), 2024-W24, segment S1: 0 valid of 2 required, no valid patrol; not counted: " \
                                "c: coverage 30% < 50%"
    assert rows[0].message("zh", "周书记", "清水河1段") == (
        "周书记（A）2024年第23周巡河S1 清水河1段：有效1次/应巡2次，次数不足；未计入：x: 覆盖 0% < 50%")


def test_needed_range_reaches_back_by_the_longest_gap_and_out_to_whole_periods():
    rules = {"village": _rule(period="week", min_gap_hours=96), "town": _rule(level="town", period="month",
                                                                              min_gap_hours=25)}
    # Weeks of June 2024 run 3 June to 30 June; the month is June; 96 h = 4 days.
    assert pc.needed_range(rules, "2024-06-01", "2024-06-30") == ("2024-05-28", "2024-06-30")
    assert pc.needed_range({"v": _rule(period="quarter")}, "2024-05-01", "2024-05-31") == ("2024-04-01", "2024-06-30")
    assert pc.needed_range({"v": _rule(period="month", min_gap_hours=1)}, "2024-06-10", "2024-06-12") == (
        "2024-06-09", "2024-06-12")  # no month's middle in range: the range itself, less one day
    assert pc.needed_range({}, "2024-06-10", "2024-06-12") == ("2024-06-10", "2024-06-12")


def test_summary_counts_by_status_and_level_and_reads_in_both_languages():
    period = pr.periods("month", "2024-06-01", "2024-06-30")[0]
    rows = [pc.ComplianceRow("A", "S1", "village", "V1", period, 1, 1, "ok"),
            pc.ComplianceRow("A", "S2", "village", "V1", period, 2, 1, "short"),
            pc.ComplianceRow("B", "S1", "town", "T", period, 1, 0, "none"),
            pc.ComplianceRow("C", "S1", "town", "T", period, 1, 0, "none")]
    s = pc.summarise(rows)
    assert (s.total, s.by_status, s.by_level) == (4, {"ok": 1, "short": 1, "none": 2},
                                                  {"village": {"ok": 1, "short": 1}, "town": {"none": 2}})
    assert s.text() == "4 chief-segment-periods owed: 1 met, 1 with too few patrols, 2 without a valid patrol"
    assert s.text("zh") == "应巡河4项（河长×河段×周期）：达标1项，次数不足1项，未巡河2项"
    assert pc.summarise([]).text() == "0 chief-segment-periods owed: 0 met, 0 with too few patrols, 0 without a valid patrol"
    assert [pc.status_text(s, "zh") for s in pc.STATUSES] == ["达标", "次数不足", "未巡河"]
    assert [pc.status_text(s) for s in pc.STATUSES] == ["met", "too few", "no valid patrol"]
