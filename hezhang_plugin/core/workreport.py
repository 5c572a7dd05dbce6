"""The district's work report (河长制工作情况报告) as a document model.

Pure Python: the numbers arrive as :class:`ReportFacts`, gathered by
``services.workreport`` from the same functions the maps, the statistics and the dock use
(core.stats for rivers, km with single-bank counting, towns and chiefs; core.coverage for
the three levels of chiefs and the notice boards; core.boards for stale boards;
core.patrol_compliance for patrols, through the same check as the Patrols page and
hezhang:checkpatrols; services.problems for problems; the stored assessment results). This module only words
them, in Chinese, in the order a bureau's report follows, as blocks that the .docx and
PDF writers (layout.report_docx, layout.report_pdf) render alike.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Optional, Union

from hezhang_plugin.core import schema

CN_NUM = "一二三四五六七八九十"


# ------------------------------------------------------------------ document model

@dataclass
class Heading:
    text: str
    level: int = 1  # 0 title, 1 一、, 2 （一）


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # body | subtitle | signature | note


@dataclass
class Table:
    caption: str
    headers: list
    rows: list
    #: relative column widths
    widths: Optional[list] = None
    #: "l" or "r" per column (numbers right-aligned)
    align: Optional[list] = None
    #: the last row is a total row (bold)
    total_row: bool = False


@dataclass
class Figure:
    """An image with its caption. ``appendix``: printed after the text on a landscape page
    of its own (附图), as large as the page allows — for a map drawn on a larger sheet
    (the coverage map is an A3 landscape layout), which at text width would be too small to
    read and would leave the rest of its page empty; else ``width_mm`` wide in the text."""

    path: str
    caption: str
    width_mm: float = 160.0
    appendix: bool = False


@dataclass
class PageBreak:
    pass


Block = Union[Heading, Paragraph, Table, Figure, PageBreak]


@dataclass
class Document:
    title: str
    blocks: list = field(default_factory=list)

    def add(self, block: Block) -> Block:
        self.blocks.append(block)
        return block

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


# ------------------------------------------------------------------ facts

@dataclass
class RiverFact:
    river_code: str
    name: str
    grade: str
    segments: int
    both_km: float
    left_km: float
    right_km: float
    length_km: float  # single-bank counting (core.stats)
    villages: list  # names of the villages (and towns) its segments lie in

    @property
    def single_bank(self) -> bool:
        return (self.left_km > 0 or self.right_km > 0) and self.both_km == 0


@dataclass
class PatrolReport:
    """Patrols and their compliance in the report period (services.patrol_facts, from the
    rows of core.patrol_compliance under one rule profile).

    A *task* is one chief, one segment, one rule period (what the rule owes: e.g. a village
    chief's week on a segment). ``by_level``: level → {"owed", "ok", "short", "none",
    "counted", "km"}; ``not_met``: the tasks not met, {"chief", "segment", "period",
    "valid", "required", "status", "reasons"} (reasons: why each patrol of the task that
    did not count was refused)."""

    profile: str  # the rule profile's name
    #: the profile's rules: (level, period kind, minimum count, minimum minutes, minimum km)
    rules: list
    records: int  # patrol records dated in the period
    counted: int  # distinct patrols that count for a task
    km: float  # their ellipsoidal distance, km
    owed: int  # tasks
    by_status: dict  # ok | short | none → tasks
    by_level: dict
    not_met: list
    chiefs_short: int  # chiefs with a task not met


@dataclass
class ReportFacts:
    district_name: str
    district_code: str
    start: str
    end: str
    rivers: list  # RiverFact
    towns: list  # {"town_name", "units", "rivers", "segments", "length_km", "town_chiefs", "village_chiefs"}
    segments: int
    villages_touched: list  # village names
    towns_touched: int
    #: level → number of active lead-role chiefs (chief, first/general/deputy general)
    lead_chiefs: dict
    #: level → lead chiefs holding a current segment appointment (core.stats' chief rows)
    chiefs_with_segments: dict
    leaders: dict  # role → [names] (first_chief, general_chief, deputy_general_chief)
    partners: dict  # role → number (police_chief, procurator, volunteer) with current appointments
    segments_complete: int
    missing: list  # (seg_code, seg_name, [levels]) from rule R1
    boards: int
    segments_with_board: int
    stale_boards: list  # (board_code, seg_name, changed_on, content_date, days past the limit)
    update_days: int
    patrols: Optional[PatrolReport]  # None: the workspace holds no patrol record
    problems: object  # services.problems.ProblemSummary
    overdue: list  # {"problem_code", "title", "seg_name", "chief", "deadline", "days"}
    assessment: list  # {"sheet", "period", "subject", "total", "grade", "rank"}
    findings_by_rule: dict
    map_png: Optional[str] = None
    #: (town name, {"found", "settled", "overdue"}) in town-code order
    problem_towns: list = field(default_factory=list)


def _d(iso: str) -> str:
    d = _dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def period_label(start: str, end: str) -> str:
    """年度 / 上半年 / 第N季度 / N月, else the two dates."""
    s, e = _dt.date.fromisoformat(start), _dt.date.fromisoformat(end)
    month_end = (e + _dt.timedelta(days=1)).day == 1
    if s.day == 1 and month_end and s.year == e.year:
        if s.month == 1 and e.month == 12:
            return f"{s.year}年度"
        if s.month == 1 and e.month == 6:
            return f"{s.year}年上半年"
        if s.month == 7 and e.month == 12:
            return f"{s.year}年下半年"
        if s.month == e.month:
            return f"{s.year}年{s.month}月"
        if e.month - s.month == 2 and s.month in (1, 4, 7, 10):
            return f"{s.year}年第{CN_NUM[(s.month - 1) // 3]}季度"
        return f"{s.year}年{s.month}月至{e.month}月"
    return f"{_d(start)}至{_d(end)}"


def km(value: float) -> str:
    return f"{value:.2f}"


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "—"


def _levels_zh(levels) -> str:
    return "、".join(schema.LEVELS.label(lv, "zh") for lv in levels)


# ------------------------------------------------------------------ the report

def build(f: ReportFacts) -> Document:
    """The report as blocks, in Chinese."""
    label = period_label(f.start, f.end)
    doc = Document(f"{f.district_name}{label}河长制工作情况报告")
    # Printed on two lines, as long titles of official documents are.
    doc.add(Heading(f"{f.district_name}{label}\n河长制工作情况报告", 0))
    doc.add(Paragraph(f"（{f.district_name}河长制办公室　{_d(f.end)}）", "subtitle"))
    doc.add(Paragraph(
        f"{label}，{f.district_name}深入落实河长制，以河湖长履职为抓手，扎实推进河湖管理保护各项工作。"
        f"现将有关情况报告如下（数据截至{_d(f.end)}，取自本区河长制工作空间）。"))
    n = iter(CN_NUM)
    _rivers(doc, f, next(n))
    _chiefs(doc, f, next(n))
    _boards(doc, f, next(n))
    _patrols(doc, f, next(n))
    _problems(doc, f, next(n))
    _assessment(doc, f, next(n))
    _next_steps(doc, f, next(n))
    doc.add(Paragraph(f"{f.district_name}河长制办公室", "signature"))
    doc.add(Paragraph(_d(f.end), "signature"))
    if f.map_png:
        doc.add(Figure(f.map_png, f"附图1　{f.district_name}河长制一张图", appendix=True))
    for k, table in enumerate(doc.tables(), start=1):
        table.caption = f"表{k}　{table.caption}"
    return doc


def _rivers(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、河湖基本情况"))
    total = sum(r.length_km for r in f.rivers)
    parts = []
    for r in f.rivers:
        note = "（单侧计算）" if r.single_bank else ""
        parts.append(f"{r.name}{km(r.length_km)}公里{note}")
    doc.add(Paragraph(
        f"全区纳入河长制管理的河流{len(f.rivers)}条，总长{km(total)}公里，其中" + "、".join(parts)
        + f"。全区共划分河段{f.segments}个，涉及{f.towns_touched}个镇（街道）、"
        f"{len(f.villages_touched)}个行政村（社区）。沿区界的河流按单侧计算长度，左、右岸分属不同村的河段"
        "长度只计一次。" + ("全区河长制一张图见附图1。" if f.map_png else "")))
    rows = []
    for r in f.rivers:
        rows.append([r.name, r.river_code, schema.RIVER_GRADES.label(r.grade, "zh") if r.grade else "",
                     str(r.segments), km(r.both_km), km(r.left_km + r.right_km),
                     km(r.length_km) + ("（单侧）" if r.single_bank else ""), str(len(r.villages))])
    rows.append(["合计", "", "", str(sum(r.segments for r in f.rivers)), km(sum(r.both_km for r in f.rivers)),
                 km(sum(r.left_km + r.right_km for r in f.rivers)), km(total), str(len(f.villages_touched))])
    doc.add(Table("河流及河段长度统计", ["河流", "河流编码", "等级", "河段数", "两岸河段（公里）",
                                             "单侧河段（公里）", "计入长度（公里）", "涉及村（社区）数"],
                  rows, [11, 12, 8, 8, 13, 13, 20, 15], ["l", "l", "l", "r", "r", "r", "r", "r"], True))
    village_rows = [[r.name, "、".join(r.villages)] for r in f.rivers]
    doc.add(Table("河流流经的村（社区）", ["河流", "村（社区）"], village_rows, [15, 85], ["l", "l"]))


def _chiefs(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、河长组织体系"))
    leaders = []
    for role in ("first_chief", "general_chief", "deputy_general_chief"):
        names = f.leaders.get(role) or []
        if names:
            leaders.append(f"{schema.ROLES.label(role, 'zh')}{len(names)}名")
    lead = f.lead_chiefs
    text = ("全区建立区、镇、村三级河长体系，" + ("设" + "、".join(leaders) + "，" if leaders else "")
            + f"共有区级河长{lead.get('district', 0)}名、镇级河长{lead.get('town', 0)}名、"
            f"村级河长{lead.get('village', 0)}名。")
    partners = [(role, f.partners.get(role, 0)) for role in ("police_chief", "procurator", "volunteer")]
    words = {"police_chief": "“河长+警长”", "procurator": "“河长+检察长”", "volunteer": "“河长+民间河长”"}
    have = [f"{words[r]}机制（{schema.ROLES.label(r, 'zh')}{k}名）" for r, k in partners if k]
    if have:
        text += "建立" + "、".join(have) + "，协同开展河湖管理保护。"
    if not f.missing:
        text += f"全区{f.segments}个河段的区、镇、村三级河长全部落实到位。"
    else:
        lv = sorted({lv for _c, _n, levels in f.missing for lv in levels}, key=["district", "town", "village"].index)
        text += (f"全区{f.segments}个河段中，{f.segments_complete}个河段三级河长全部落实，"
                 f"{len(f.missing)}个河段缺少{_levels_zh(lv)}河长（"
                 + "、".join(name for _c, name, _l in f.missing) + "），三级河长尚未全部到位。")
    doc.add(Paragraph(text))
    rows = []
    for level in ("district", "town", "village"):
        rows.append([schema.LEVELS.label(level, "zh") + "河长", str(lead.get(level, 0)),
                     str(f.chiefs_with_segments.get(level, 0))])
    rows.append(["合计", str(sum(lead.values())), str(sum(f.chiefs_with_segments.values()))])
    doc.add(Table("河长配备情况", ["级别", "河长（名）", "其中负责河段（名）"], rows, [40, 30, 30],
                  ["l", "r", "r"], True))
    prow = [[schema.ROLES.label(r, "zh"), str(k)] for r, k in partners]
    doc.add(Table("协作机制人员", ["类别", "人数（名）"], prow, [60, 40], ["l", "r"]))
    trows = [[t["town_name"], str(t["town_chiefs"]), str(t["village_chiefs"]), str(t["units"]), str(t["segments"]),
              km(t["length_km"])] for t in f.towns]
    trows.append(["合计", str(sum(t["town_chiefs"] for t in f.towns)),
                  str(sum(t["village_chiefs"] for t in f.towns)), str(sum(t["units"] for t in f.towns)),
                  str(sum(t["segments"] for t in f.towns)), km(sum(t["length_km"] for t in f.towns))])
    doc.add(Table("各镇（街道）河长及河段", ["镇（街道）", "镇级河长", "村级河长", "有河段的村（社区）", "河段数",
                                                 "长度（公里，单侧计算）"], trows, [22, 13, 13, 20, 12, 20],
                  ["l", "r", "r", "r", "r", "r"], True))


def _boards(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、河长公示牌"))
    text = (f"全区设立河长公示牌{f.boards}块，{f.segments_with_board}个河段设有公示牌，"
            f"占河段总数的{_pct(f.segments_with_board, f.segments)}。")
    overdue = [s for s in f.stale_boards if s[4] > 0]
    if overdue:
        text += f"河长调整后超过{f.update_days}日未更新的公示牌{len(overdue)}块，需尽快更新。"
    else:
        text += f"河长调整后的公示牌均在{f.update_days}日内完成更新。"
    doc.add(Paragraph(text))
    if overdue:
        doc.add(Table("未按期更新的公示牌", ["公示牌编号", "河段", "河长调整日期", "公示内容日期", "超期（天）"],
                      [[c, n, str(ch), str(cd or "—"), str(d)] for c, n, ch, cd, d in overdue],
                      [20, 30, 18, 18, 14], ["l", "l", "l", "l", "r"]))


PERIOD_WORDS = {"week": "每周", "dekad": "每旬", "month": "每月", "quarter": "每季度", "year": "每年"}


def rules_text(rules) -> str:
    """区级每季度至少1次、镇级每月至少1次、村级每周至少1次（每次不少于30分钟、2公里）."""
    parts = []
    for level, period, count, minutes, dist in rules:
        text = f"{schema.LEVELS.label(level, 'zh')}{PERIOD_WORDS.get(period, period)}至少{count}次"
        least = [f"{minutes:g}分钟" if minutes else "", f"{dist:g}公里" if dist else ""]
        if any(least):
            text += "，每次不少于" + "、".join(x for x in least if x)
        parts.append(text)
    return "；".join(parts) if any("每次" in x for x in parts) else "、".join(parts)


#: Tasks not met listed by name (the full list is hezhang:checkpatrols's output).
NOT_MET_ROWS = 40


def _patrols(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、巡河履职"))
    p = f.patrols
    if p is None:
        doc.add(Paragraph("本报告期内工作空间尚无巡河记录，巡河次数、里程及达标情况待巡河轨迹导入后统计。"))
        return
    ok, short, none = (p.by_status.get(s, 0) for s in ("ok", "short", "none"))
    text = (f"报告期内各级河长巡河记录{p.records}次，其中计入巡河任务的有效巡河{p.counted}次，有效巡河里程"
            f"{km(p.km)}公里。按{p.profile}巡河规则（{rules_text(p.rules)}），"
            f"全区应完成巡河任务{p.owed}项（每名河长在每个责任河段、每个巡河周期为一项），达标{ok}项，"
            f"次数不足{short}项，未巡河{none}项，达标率{_pct(ok, p.owed)}")
    text += f"；{p.chiefs_short}名河长有未达标的巡河任务。" if p.chiefs_short else "，全部达标。"
    doc.add(Paragraph(text))
    rows = []
    for level in ("district", "town", "village"):
        v = p.by_level.get(level)
        if not v:
            continue
        rows.append([schema.LEVELS.label(level, "zh") + "河长", str(v["owed"]), str(v["ok"]), str(v["short"]),
                     str(v["none"]), _pct(v["ok"], v["owed"]), str(v["counted"]), km(v["km"])])
    rows.append(["合计", str(p.owed), str(ok), str(short), str(none), _pct(ok, p.owed), str(p.counted), km(p.km)])
    doc.add(Table("巡河任务完成情况", ["级别", "巡河任务（项）", "达标", "次数不足", "未巡河", "达标率",
                                         "有效巡河（次）", "里程（公里）"], rows, [13, 15, 9, 12, 10, 11, 15, 15],
                  ["l", "r", "r", "r", "r", "r", "r", "r"], True))
    if p.not_met:
        listed = p.not_met[:NOT_MET_ROWS]
        rows = [[x["chief"], x["segment"], x["period"], f"{x['valid']}/{x['required']}",
                 x["reasons"] or ("无巡河记录" if x["status"] == "none" else "有效巡河次数不足")] for x in listed]
        doc.add(Table("未达标巡河任务", ["河长", "河段", "巡河周期", "有效/应巡", "未计入的巡河及原因"], rows,
                      [9, 24, 19, 13, 35], ["l", "l", "l", "r", "l"]))
        if len(p.not_met) > len(listed):
            more = len(p.not_met) - len(listed)
            doc.add(Paragraph(f"另有{more}项未达标巡河任务未列出，详见巡河达标检查结果。", "note"))


def _problems(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、问题发现与整改"))
    s = f.problems
    if not s.found:
        doc.add(Paragraph("报告期内未发现河湖问题。"))
        return
    four = sum(s.by_category.get(c, {}).get("found", 0) for c in ("occupation", "sand_mining", "dumping", "building"))
    text = (f"报告期内共发现河湖问题{s.found}个，其中“四乱”问题{four}个；已整改办结{s.settled}个"
            f"（其中验收销号{s.closed}个），正在办理{s.open}个，逾期未整改{s.overdue}个，"
            f"整改率{_pct(s.settled, s.found)}。")
    doc.add(Paragraph(text))
    rows = []
    for c in schema.PROBLEM_CATEGORIES.choices:
        k = s.by_category.get(c.value)
        if k:
            rows.append([c.zh, str(k["found"]), str(k["settled"]), str(k["overdue"])])
    rows.append(["合计", str(s.found), str(s.settled), str(s.overdue)])
    doc.add(Table("问题分类统计", ["问题类别", "发现（个）", "办结（个）", "逾期（个）"], rows, [40, 20, 20, 20],
                  ["l", "r", "r", "r"], True))
    trows = [[t, str(v["found"]), str(v["settled"]), str(v["overdue"])] for t, v in f.problem_towns]
    if trows:
        doc.add(Table("各镇（街道）问题整改情况", ["镇（街道）", "发现", "办结", "逾期"], trows, [40, 20, 20, 20],
                      ["l", "r", "r", "r"]))
    if f.overdue:
        doc.add(Table("逾期未整改问题清单", ["问题编号", "问题", "河段", "责任河长", "整改期限", "逾期（天）"],
                      [[o["problem_code"], o["title"], o["seg_name"], o["chief"], o["deadline"], str(o["days"])]
                       for o in f.overdue], [22, 26, 16, 9, 17, 10], ["l", "l", "l", "l", "l", "r"]))


def _assessment(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、考核情况"))
    if not f.assessment:
        doc.add(Paragraph("报告期内尚未开展考核评分。"))
        return
    groups: dict = {}
    for r in f.assessment:
        groups.setdefault((r["sheet"], r["period"]), []).append(r)
    text = []
    for (sheet, period), rows in groups.items():
        counts = {g.value: sum(1 for r in rows if r["grade"] == g.value) for g in schema.GRADES.choices}
        text.append(f"{period}{sheet}共考核{len(rows)}个对象，其中"
                    + "、".join(f"{g.zh}{counts[g.value]}个" for g in schema.GRADES.choices) + "")
    doc.add(Paragraph("；".join(text) + "。考核结果与评分依据逐项留存，可追溯到具体问题、公示牌和河段记录。"))
    for (sheet, period), rows in groups.items():
        doc.add(Table(f"{period}{sheet}结果", ["排名", "考核对象", "得分", "等次"],
                      [[str(r["rank"]), r["subject"], f"{r['total']:.1f}", schema.GRADES.label(r["grade"], "zh")]
                       for r in sorted(rows, key=lambda r: (r["rank"], r["subject"]))],
                      [12, 58, 15, 15], ["r", "l", "r", "l"]))


def _next_steps(doc: Document, f: ReportFacts, num: str) -> None:
    doc.add(Heading(f"{num}、存在问题及下一步工作"))
    items = []
    if f.missing:
        items.append(f"部分河段河长未落实：{len(f.missing)}个河段缺少河长，下一步由相关镇（街道）尽快补齐并报区河长办备案。")
    overdue_boards = [s for s in f.stale_boards if s[4] > 0]
    if overdue_boards or f.boards < f.segments:
        items.append(f"公示牌管理有待加强：{f.segments - f.segments_with_board}个河段未设公示牌，"
                     f"{len(overdue_boards)}块公示牌未按期更新，下一步按“河长调整后{f.update_days}日内更新”的要求落实。")
    if f.problems.overdue:
        items.append(f"问题整改仍有滞后：{f.problems.overdue}个问题逾期未整改，下一步实行挂牌督办，"
                     "逾期问题按月通报并纳入考核。")
    if f.patrols is None:
        items.append("巡河轨迹尚未接入：下一步推广巡河App，巡河记录统一导入工作空间，按巡河规则自动考核。")
    elif f.patrols.chiefs_short:
        items.append(f"巡河履职仍有差距：{f.patrols.chiefs_short}名河长有未达标的巡河任务，下一步按月通报巡河达标情况，"
                     "对巡河时长不足、覆盖河段不足的巡河逐一核实，并纳入考核。")
    if not items:
        items.append("继续巩固河长制工作成效，常态化开展巡河和问题整改，做好公示牌维护与考核评价。")
    for k, text in enumerate(items):
        doc.add(Paragraph(f"（{CN_NUM[k]}）{text}"))
