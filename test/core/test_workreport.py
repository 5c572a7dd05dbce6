"""The work report's wording (core.workreport.build) from facts written here: every paragraph
and table the numbers reach, compared with the text a bureau would print."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hezhang_plugin.core import workreport as wr


@pytest.mark.parametrize("start,end,label", [
    ("2024-01-01", "2024-12-31", "2024年度"),
    ("2024-01-01", "2024-06-30", "2024年上半年"),
    ("2024-07-01", "2024-12-31", "2024年下半年"),
    ("2024-05-01", "2024-05-31", "2024年5月"),
    ("2024-02-01", "2024-02-29", "2024年2月"),
    ("2024-04-01", "2024-06-30", "2024年第二季度"),
    ("2024-10-01", "2024-12-31", "2024年第四季度"),
    ("2024-02-01", "2024-04-30", "2024年2月至4月"),
    ("2024-03-05", "2024-04-30", "2024年3月5日至2024年4月30日"),
    ("2024-03-01", "2024-04-29", "2024年3月1日至2024年4月29日"),
    ("2023-12-01", "2024-01-31", "2023年12月1日至2024年1月31日"),
])
def test_period_labels(start, end, label):
    assert wr.period_label(start, end) == label


def _problems(found=0, **kw):
    base = dict(found=found, settled=0, closed=0, open=0, overdue=0, by_category={})
    base.update(kw)
    return SimpleNamespace(**base)


HENAN = [("district", "quarter", 1, None, None), ("town", "month", 1, None, None), ("village", "week", 1, None, None)]


def patrol_report(**over):
    base = dict(
        profile="河南省（2018）", rules=HENAN, records=44, counted=40, km=123.456, owed=50,
        by_status={"ok": 45, "short": 1, "none": 4},
        by_level={"district": {"owed": 2, "ok": 2, "short": 0, "none": 0, "counted": 2, "km": 10.0},
                  "village": {"owed": 48, "ok": 43, "short": 1, "none": 4, "counted": 38, "km": 113.456}},
        not_met=[{"chief": "张三", "segment": "沙河甲村段", "period": "2024年第19周", "valid": 0, "required": 1,
                  "status": "none", "reasons": "5月8日巡河：覆盖 30% < 50%"},
                 {"chief": "李四", "segment": "清水河乙村段", "period": "2024年5月", "valid": 1, "required": 2,
                  "status": "short", "reasons": ""},
                 {"chief": "王五", "segment": "清水河甲村段", "period": "2024年第20周", "valid": 0, "required": 1,
                  "status": "none", "reasons": ""}],
        chiefs_short=2)
    base.update(over)
    return wr.PatrolReport(**base)


def facts(**over):
    rivers = [wr.RiverFact("R1", "沙河", "province", 4, 0.0, 3.0, 3.0, 3.0, ["甲村", "乙村"]),
              wr.RiverFact("R2", "清水河", "county", 2, 5.5, 0.0, 0.0, 5.5, ["甲村"])]
    base = dict(
        district_name="测试区", district_code="411171", start="2024-01-01", end="2024-06-30", rivers=rivers,
        towns=[{"town_name": "甲镇", "units": 2, "rivers": 2, "segments": 6, "length_km": 8.5, "town_chiefs": 1,
                "village_chiefs": 2}],
        segments=6, villages_touched=["甲村", "乙村"], towns_touched=1,
        lead_chiefs={"district": 3, "town": 1, "village": 2}, chiefs_with_segments={"district": 1, "town": 1,
                                                                                    "village": 2},
        leaders={"first_chief": ["甲"], "general_chief": ["乙"], "deputy_general_chief": []},
        partners={"police_chief": 1, "procurator": 0, "volunteer": 2},
        segments_complete=5, missing=[("411171000006", "清水河乙村段", ["town", "village"])],
        boards=7, segments_with_board=5,
        stale_boards=[("B1", "沙河甲村段", "2024-03-01", "2023-06-01", 20), ("B2", "沙河乙村段", "2024-06-20", None, -5)],
        update_days=15,
        patrols=patrol_report(),
        problems=_problems(10, settled=6, closed=4, open=3, overdue=1,
                           by_category={"occupation": {"found": 3, "settled": 2, "overdue": 1},
                                        "dumping": {"found": 2, "settled": 2, "overdue": 0},
                                        "pollution": {"found": 5, "settled": 2, "overdue": 0}}),
        overdue=[{"problem_code": "P1", "title": "占用河道", "seg_name": "沙河甲村段", "chief": "张三",
                  "deadline": "2024-05-01", "days": 60}],
        assessment=[{"sheet": "镇街月度考核", "period": "2024年5月", "subject": "甲镇", "total": 91.25,
                     "grade": "excellent", "rank": 1},
                    {"sheet": "镇街月度考核", "period": "2024年5月", "subject": "乙镇", "total": 69.0,
                     "grade": "fail", "rank": 2}],
        findings_by_rule={"R1": 1}, map_png="/maps/coverage.png",
        problem_towns=[("甲镇", {"found": 10, "settled": 6, "overdue": 1})])
    base.update(over)
    return wr.ReportFacts(**base)


def _paragraphs(doc):
    return [b.text for b in doc.blocks if isinstance(b, wr.Paragraph)]


def _table(doc, caption):
    return next(t for t in doc.tables() if t.caption.endswith(caption))


def test_the_full_report():
    doc = wr.build(facts())
    assert doc.title == "测试区2024年上半年河长制工作情况报告"
    heads = [(b.text, b.level) for b in doc.blocks if isinstance(b, wr.Heading)]
    assert heads == [("测试区2024年上半年\n河长制工作情况报告", 0), ("一、河湖基本情况", 1), ("二、河长组织体系", 1),
                     ("三、河长公示牌", 1), ("四、巡河履职", 1), ("五、问题发现与整改", 1), ("六、考核情况", 1),
                     ("七、存在问题及下一步工作", 1)]
    p = _paragraphs(doc)
    assert p[0] == "（测试区河长制办公室　2024年6月30日）"
    assert p[2] == ("全区纳入河长制管理的河流2条，总长8.50公里，其中沙河3.00公里（单侧计算）、清水河5.50公里。"
                    "全区共划分河段6个，涉及1个镇（街道）、2个行政村（社区）。沿区界的河流按单侧计算长度，左、右岸分属"
                    "不同村的河段长度只计一次。全区河长制一张图见附图1。")
    assert p[3] == ("全区建立区、镇、村三级河长体系，设第一河长1名、总河长1名，共有区级河长3名、镇级河长1名、村级河长2名。"
                    "建立“河长+警长”机制（警长1名）、“河长+民间河长”机制（民间河长2名），协同开展河湖管理保护。"
                    "全区6个河段中，5个河段三级河长全部落实，1个河段缺少镇级、村级河长（清水河乙村段），三级河长尚未全部到位。")
    assert p[4] == ("全区设立河长公示牌7块，5个河段设有公示牌，占河段总数的83.3%。"
                    "河长调整后超过15日未更新的公示牌1块，需尽快更新。")
    assert p[5] == ("报告期内各级河长巡河记录44次，其中计入巡河任务的有效巡河40次，有效巡河里程123.46公里。"
                    "按河南省（2018）巡河规则（区级每季度至少1次、镇级每月至少1次、村级每周至少1次），全区应完成巡河任务"
                    "50项（每名河长在每个责任河段、每个巡河周期为一项），达标45项，次数不足1项，未巡河4项，达标率90.0%；"
                    "2名河长有未达标的巡河任务。")
    assert p[6] == ("报告期内共发现河湖问题10个，其中“四乱”问题5个；已整改办结6个（其中验收销号4个），正在办理3个，"
                    "逾期未整改1个，整改率60.0%。")
    assert p[7] == ("2024年5月镇街月度考核共考核2个对象，其中优秀1个、合格0个、基本合格0个、不合格1个。"
                    "考核结果与评分依据逐项留存，可追溯到具体问题、公示牌和河段记录。")
    assert p[8:12] == [
        "（一）部分河段河长未落实：1个河段缺少河长，下一步由相关镇（街道）尽快补齐并报区河长办备案。",
        "（二）公示牌管理有待加强：1个河段未设公示牌，1块公示牌未按期更新，下一步按“河长调整后15日内更新”的要求落实。",
        "（三）问题整改仍有滞后：1个问题逾期未整改，下一步实行挂牌督办，逾期问题按月通报并纳入考核。",
        "（四）巡河履职仍有差距：2名河长有未达标的巡河任务，下一步按月通报巡河达标情况，对巡河时长不足、覆盖河段不足的"
        "巡河逐一核实，并纳入考核。"]
    assert p[12:] == ["测试区河长制办公室", "2024年6月30日"]
    assert [b.style for b in doc.blocks if isinstance(b, wr.Paragraph)][-2:] == ["signature", "signature"]
    # The map: an appendix figure after the signature (a landscape page of its own in print).
    fig = doc.blocks[-1]
    assert isinstance(fig, wr.Figure) and fig.appendix
    assert (fig.path, fig.caption) == ("/maps/coverage.png", "附图1　测试区河长制一张图")


def test_the_full_reports_tables():
    doc = wr.build(facts())
    assert [t.caption for t in doc.tables()] == [
        "表1　河流及河段长度统计", "表2　河流流经的村（社区）", "表3　河长配备情况", "表4　协作机制人员",
        "表5　各镇（街道）河长及河段", "表6　未按期更新的公示牌", "表7　巡河任务完成情况", "表8　未达标巡河任务",
        "表9　问题分类统计", "表10　各镇（街道）问题整改情况", "表11　逾期未整改问题清单", "表12　2024年5月镇街月度考核结果"]
    t1 = _table(doc, "河流及河段长度统计")
    assert t1.rows == [["沙河", "R1", "省级", "4", "0.00", "6.00", "3.00（单侧）", "2"],
                       ["清水河", "R2", "县级", "2", "5.50", "0.00", "5.50", "1"],
                       ["合计", "", "", "6", "5.50", "6.00", "8.50", "2"]]
    assert t1.total_row and t1.align == ["l", "l", "l", "r", "r", "r", "r", "r"]
    assert _table(doc, "河流流经的村（社区）").rows == [["沙河", "甲村、乙村"], ["清水河", "甲村"]]
    assert _table(doc, "河长配备情况").rows == [["区级河长", "3", "1"], ["镇级河长", "1", "1"], ["村级河长", "2", "2"],
                                          ["合计", "6", "4"]]
    assert _table(doc, "协作机制人员").rows == [["警长", "1"], ["检察长", "0"], ["民间河长", "2"]]
    assert _table(doc, "各镇（街道）河长及河段").rows == [["甲镇", "1", "2", "2", "6", "8.50"],
                                                ["合计", "1", "2", "2", "6", "8.50"]]
    assert _table(doc, "未按期更新的公示牌").rows == [["B1", "沙河甲村段", "2024-03-01", "2023-06-01", "20"]]
    # Tasks per level (levels without any left out), with the total; the tasks not met and why.
    assert _table(doc, "巡河任务完成情况").rows == [
        ["区级河长", "2", "2", "0", "0", "100.0%", "2", "10.00"],
        ["村级河长", "48", "43", "1", "4", "89.6%", "38", "113.46"],
        ["合计", "50", "45", "1", "4", "90.0%", "40", "123.46"]]
    assert _table(doc, "未达标巡河任务").rows == [
        ["张三", "沙河甲村段", "2024年第19周", "0/1", "5月8日巡河：覆盖 30% < 50%"],
        ["李四", "清水河乙村段", "2024年5月", "1/2", "有效巡河次数不足"],
        ["王五", "清水河甲村段", "2024年第20周", "0/1", "无巡河记录"]]
    assert _table(doc, "问题分类统计").rows == [["乱占", "3", "2", "1"], ["乱堆", "2", "2", "0"],
                                          ["污染及排污口", "5", "2", "0"], ["合计", "10", "6", "1"]]
    assert _table(doc, "各镇（街道）问题整改情况").rows == [["甲镇", "10", "6", "1"]]
    assert _table(doc, "逾期未整改问题清单").rows == [["P1", "占用河道", "沙河甲村段", "张三", "2024-05-01", "60"]]
    assert _table(doc, "2024年5月镇街月度考核结果").rows == [["1", "甲镇", "91.2", "优秀"], ["2", "乙镇", "69.0", "不合格"]]


def test_a_report_with_everything_in_order():
    doc = wr.build(facts(
        missing=[], segments_complete=6, boards=6, segments_with_board=6, stale_boards=[], patrols=None,
        problems=_problems(0), overdue=[], assessment=[], map_png=None, problem_towns=[],
        leaders={}, partners={"police_chief": 0, "procurator": 0, "volunteer": 0},
        rivers=[wr.RiverFact("R2", "清水河", None, 2, 5.5, 0.0, 0.0, 5.5, ["甲村"])]))
    p = _paragraphs(doc)
    assert p[2].startswith("全区纳入河长制管理的河流1条，总长5.50公里，其中清水河5.50公里。")
    assert p[3] == ("全区建立区、镇、村三级河长体系，共有区级河长3名、镇级河长1名、村级河长2名。"
                    "全区6个河段的区、镇、村三级河长全部落实到位。")
    assert p[4] == "全区设立河长公示牌6块，6个河段设有公示牌，占河段总数的100.0%。河长调整后的公示牌均在15日内完成更新。"
    assert p[5] == "本报告期内工作空间尚无巡河记录，巡河次数、里程及达标情况待巡河轨迹导入后统计。"
    assert p[6] == "报告期内未发现河湖问题。"
    assert p[7] == "报告期内尚未开展考核评分。"
    assert p[8:9] == ["（一）巡河轨迹尚未接入：下一步推广巡河App，巡河记录统一导入工作空间，按巡河规则自动考核。"]
    assert not any(isinstance(b, wr.Figure) for b in doc.blocks)
    assert _table(doc, "河流及河段长度统计").rows[0][2] == ""
    assert [t.caption for t in doc.tables()][-1] == "表5　各镇（街道）河长及河段"


def test_all_patrols_done_and_nothing_left_to_do():
    doc = wr.build(facts(
        missing=[], segments_complete=6, boards=6, segments_with_board=6, stale_boards=[],
        patrols=patrol_report(records=55, counted=55, km=10.0, by_status={"ok": 50, "short": 0, "none": 0},
                              by_level={"village": {"owed": 50, "ok": 50, "short": 0, "none": 0, "counted": 55,
                                                    "km": 10.0}}, not_met=[], chiefs_short=0),
        problems=_problems(2, settled=2, closed=2, by_category={"other": {"found": 2, "settled": 2, "overdue": 0}}),
        overdue=[], problem_towns=[], segments=0))
    p = _paragraphs(doc)
    assert p[4] == "全区设立河长公示牌6块，6个河段设有公示牌，占河段总数的—。河长调整后的公示牌均在15日内完成更新。"
    assert p[5].endswith("达标50项，次数不足0项，未巡河0项，达标率100.0%，全部达标。")
    assert "未达标巡河任务" not in " ".join(t.caption for t in doc.tables())
    assert p[6].startswith("报告期内共发现河湖问题2个，其中“四乱”问题0个；")
    assert p[-3] == "（一）继续巩固河长制工作成效，常态化开展巡河和问题整改，做好公示牌维护与考核评价。"
    assert "各镇（街道）问题整改情况" not in " ".join(t.caption for t in doc.tables())


def test_document_helpers():
    doc = wr.Document("x")
    t = doc.add(wr.Table("c", ["a"], [["1"]]))
    doc.add(wr.PageBreak())
    assert doc.tables() == [t] and len(doc.blocks) == 2
    assert (wr.km(1.004), wr.km(1.006)) == ("1.00", "1.01")
    assert wr.km(2.0) == "2.00"
    assert wr.RiverFact("R", "n", "", 1, 1.0, 1.0, 0.0, 1.5, []).single_bank is False
    assert wr.RiverFact("R", "n", "", 1, 0.0, 0.0, 1.0, 1.0, []).single_bank is True
    assert wr.RiverFact("R", "n", "", 1, 0.0, 0.0, 0.0, 0.0, []).single_bank is False


def test_patrol_rules_worded_from_the_profile_and_long_lists_cut():
    """The rules come from the profile's rows (minimums included); at most NOT_MET_ROWS
    tasks are listed by name, the rest counted."""
    akqi = [("district", "quarter", 1, 30.0, None), ("town", "month", 1, 30.0, 2.0), ("village", "week", 1, 30.0, 2.0)]
    assert wr.rules_text(akqi) == ("区级每季度至少1次，每次不少于30分钟；镇级每月至少1次，每次不少于30分钟、2公里；"
                                   "村级每周至少1次，每次不少于30分钟、2公里")
    assert wr.rules_text([("village", "dekad", 1, None, 1.0)]) == "村级每旬至少1次，每次不少于1公里"
    many = [{"chief": f"河长{n}", "segment": "沙河甲村段", "period": "2024年5月", "valid": 0, "required": 1,
             "status": "none", "reasons": ""} for n in range(wr.NOT_MET_ROWS + 5)]
    doc = wr.build(facts(patrols=patrol_report(not_met=many, rules=akqi)))
    assert len(_table(doc, "未达标巡河任务").rows) == wr.NOT_MET_ROWS
    assert "另有5项未达标巡河任务未列出，详见巡河达标检查结果。" in _paragraphs(doc)
    assert "按河南省（2018）巡河规则（区级每季度至少1次，每次不少于30分钟；" in _paragraphs(doc)[5]
