"""The demo's work report: its numbers, read back from the .docx (python-docx) and from the
PDF (pdftotext), equal the statistics, the coverage map and the tables they come from."""

from __future__ import annotations

import os
import re
import subprocess

import pytest


@pytest.fixture(scope="module")
def report(demo_run):
    from hezhang_plugin import demo as demo_mod

    out, result = demo_run
    files = result["report"]
    return out, result, files, demo_mod


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _cells(text: str) -> list[str]:
    """Table cells in reading order: pdftotext separates them by blank lines."""
    return [_flat(chunk) for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]


def _has_row(cells: list[str], row: list[str]) -> bool:
    row = [_flat(c) for c in row]
    return any(cells[i:i + len(row)] == row for i in range(len(cells) - len(row) + 1))


def _docx(path):
    import docx

    d = docx.Document(str(path))
    paragraphs = "".join(p.text for p in d.paragraphs)
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in d.tables]
    return paragraphs, tables


def _table(tables, first_header):
    """The first table whose first header cell is ``first_header``."""
    return next(t for t in tables if t[0][0] == first_header)


def test_report_written_beside_the_maps(report):
    out, _result, files, demo_mod = report
    assert files.docx == str(out / "work_report_411171.docx") and files.pdf == str(out / "work_report_411171.pdf")
    fonts = subprocess.run(["pdffonts", files.pdf], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:])
    text = _pdf_text(files.pdf)
    assert "沙澧示范区2024年上半年" in text and "河长制工作情况报告" in text


def test_rivers_and_km_equal_the_statistics_and_the_coverage_map(report):
    from hezhang_plugin.services import stats

    out, result, files, demo_mod = report
    tables = stats.workspace_statistics(result["workspace"], demo_mod.REPORT_END)
    rivers = tables["rivers"].rows
    assert len(rivers) == 2
    villages = [u for u in tables["units"].rows if u["level"] == "村级"]
    total = sum(r["length_km"] for r in rivers)
    expected_rows = []
    for r in rivers:
        single = r["both_km"] == 0 and (r["left_km"] + r["right_km"]) > 0
        expected_rows.append([r["river_name"], r["river_code"], str(r["segments"]), f"{r['both_km']:.2f}",
                              f"{r['left_km'] + r['right_km']:.2f}",
                              f"{r['length_km']:.2f}" + ("（单侧）" if single else ""), str(r["units"])])
    # The Sha River runs along the district's edge: counted on one bank.
    assert [row[0] for row in expected_rows if row[5].endswith("（单侧）")] == ["沙河"]
    # The coverage map's subtitle (the printed map) gives the same segment count and km.
    map_text = _flat(_pdf_text(out / "coverage_411171.pdf"))
    assert f"河段{sum(r['segments'] for r in rivers)}段，总长{total:.2f}公里" in map_text

    paragraphs, docx_tables = _docx(files.docx)
    t1 = _table(docx_tables, "河流")
    got = [[row[0], row[1], row[3], row[4], row[5], row[6], row[7]] for row in t1[1:-1]]
    assert got == expected_rows
    assert t1[-1][6] == f"{total:.2f}" and t1[-1][7] == str(len(villages))
    sentence = (f"全区纳入河长制管理的河流{len(rivers)}条，总长{total:.2f}公里，其中"
                + "、".join(f"{r['river_name']}{r['length_km']:.2f}公里" + ("（单侧计算）" if row[5].endswith("（单侧）")
                                                                          else "")
                           for r, row in zip(rivers, expected_rows)))
    assert sentence in paragraphs
    assert f"{len(villages)}个行政村（社区）" in paragraphs

    pdf = _pdf_text(files.pdf)
    assert _flat(sentence) in _flat(pdf)
    cells = _cells(pdf)
    assert len(expected_rows) == len(rivers) == 2
    for row, r in zip(expected_rows, rivers):
        grade = t1[1 + rivers.index(r)][2]
        assert _has_row(cells, [row[0], row[1], grade, *row[2:]]), row


def test_chiefs_per_level_boards_patrols(report):
    from hezhang_plugin.core.assignments import LEAD_ROLES
    from hezhang_plugin.data import io
    from hezhang_plugin.services import stats

    out, result, files, demo_mod = report
    path = result["workspace"]
    chiefs = [c for c in io.read_rows(path, "chiefs", with_geometry=False) if c["active"]]
    lead = {lv: sum(1 for c in chiefs if c["level"] == lv and c["role"] in LEAD_ROLES)
            for lv in ("district", "town", "village")}
    rows = stats.workspace_statistics(path, demo_mod.REPORT_END)["chiefs"].rows
    lead_zh = {"河长", "第一河长", "总河长", "副总河长"}
    with_segments = {lv: sum(1 for r in rows if r["level"] == zh and r["role"] in lead_zh)
                     for lv, zh in (("district", "区级"), ("town", "镇级"), ("village", "村级"))}
    partners = {role: sum(1 for r in rows if r["role"] == role) for role in ("警长", "检察长", "民间河长")}
    assert lead == {"district": 6, "town": 6, "village": 28} and partners == {"警长": 1, "检察长": 1, "民间河长": 2}

    paragraphs, tables = _docx(files.docx)
    t3 = _table(tables, "级别")
    assert [row[1:] for row in t3[1:4]] == [[str(lead[lv]), str(with_segments[lv])]
                                           for lv in ("district", "town", "village")]
    t4 = _table(tables, "类别")
    assert {row[0]: int(row[1]) for row in t4[1:]} == partners
    # The one deliberate gap of the demo: the three levels are not all in place.
    gap_name = next(s["name"] for s in io.read_rows(path, "segments", with_geometry=False)
                    if s["seg_code"] == result["gap"])
    assert f"1个河段缺少村级河长（{gap_name}）" in paragraphs
    boards = len(io.read_rows(path, "notice_boards", with_geometry=False))
    assert f"全区设立河长公示牌{boards}块" in paragraphs

    pdf = _pdf_text(files.pdf)
    cells = _cells(pdf)
    for lv, zh in (("district", "区级河长"), ("town", "镇级河长"), ("village", "村级河长")):
        assert _has_row(cells, [zh, str(lead[lv]), str(with_segments[lv])])
    assert f"全区设立河长公示牌{boards}块" in _flat(pdf)
    assert f"1个河段缺少村级河长（{gap_name}）" in _flat(pdf)


def test_patrols_equal_the_generated_season(report):
    """The patrols section from the season's plan (demo.generate_patrols): every task owed
    from the chiefs' appointment to the end of June (a task: one chief, one segment, one rule
    period under Henan 2018), met unless its patrol was left out or walked only 30 % of the
    segment; patrols counted = tracks written less those 30 % walks."""
    from collections import Counter

    from hezhang_plugin.data import io

    out, result, files, demo_mod = report
    plan, path = result["patrol_plan"], result["workspace"]
    missed = set(plan.missing) | set(plan.partial)
    assert all(demo_mod.REPORT_START <= start and end <= demo_mod.REPORT_END
               for *_x, start, end, _label in plan.slots)
    owed = Counter(level for _c, _s, level, *_x in plan.slots)
    met = Counter(level for c, s, level, _k, _a, _b, label in plan.slots if (c, s, label) not in missed)
    patrols = io.read_rows(path, "patrols", with_geometry=False)
    window = {(c, s, label): (a, b) for c, s, _lv, _k, a, b, label in plan.slots}

    def partial(p):
        # The generator names each track file after its chief (but for the GCJ-02 app's
        # CSV), date and segment.
        stem = os.path.splitext(p["source_file"])[0].split("_")
        return any(p["chief_id"] == c and stem[-1] == s
                   and window[(c, s, lb)][0] <= stem[-2] <= window[(c, s, lb)][1] for c, s, lb in plan.partial)

    counted = [p for p in patrols if not partial(p)]
    assert len(patrols) == plan.files and len(counted) == plan.files - len(plan.partial)
    km = sum(p["distance_km"] for p in counted)
    ok, none = plan.expected["ok"], plan.expected["none"]
    sentence = (f"报告期内各级河长巡河记录{plan.files}次，其中计入巡河任务的有效巡河{len(counted)}次，有效巡河里程"
                f"{km:.2f}公里")
    tasks = (f"全区应完成巡河任务{plan.owed}项（每名河长在每个责任河段、每个巡河周期为一项），达标{ok}项，"
             f"次数不足0项，未巡河{none}项，达标率{100.0 * ok / plan.owed:.1f}%")
    paragraphs, tables = _docx(files.docx)
    assert sentence in paragraphs and tasks in paragraphs
    assert "区级每季度至少1次、镇级每月至少1次、村级每周至少1次" in paragraphs
    table = next(t for t in tables if t[0][:2] == ["级别", "巡河任务（项）"])
    rows = {row[0]: row[1:6] for row in table[1:]}
    for level, zh in (("district", "区级河长"), ("town", "镇级河长"), ("village", "村级河长")):
        assert rows[zh] == [str(owed[level]), str(met[level]), "0", str(owed[level] - met[level]),
                            f"{100.0 * met[level] / owed[level]:.1f}%"]
    assert rows["合计"][:4] == [str(plan.owed), str(ok), "0", str(none)]
    listed = next(t for t in tables if t[0][0] == "河长" and t[0][1] == "河段")
    names = {c["chief_id"]: c["name"] for c in io.read_rows(path, "chiefs", with_geometry=False)}
    assert sorted(row[0] for row in listed[1:]) == sorted(names[c] for c, _s, _l in missed)
    # The 30 % walks say why they did not count; the tasks left out say there was no patrol.
    assert sum("覆盖" in row[4] and "< 50%" in row[4] for row in listed[1:]) == len(plan.partial)
    assert sum(row[4] == "无巡河记录" for row in listed[1:]) == len(plan.missing)
    pdf = _flat(_pdf_text(files.pdf))
    assert _flat(sentence) in pdf and _flat(tasks) in pdf


def test_problems_equal_their_rule(report):
    from hezhang_plugin.core import problems as pm
    from hezhang_plugin.data import io

    out, result, files, demo_mod = report
    path = result["workspace"]
    problems = io.read_rows(path, "problems")
    events = io.read_rows(path, "problem_events")
    end = demo_mod.REPORT_END
    status = {p["problem_code"]: pm.status_on(p, events, end) for p in problems}
    overdue = sorted(p["problem_code"] for p in problems if pm.is_overdue(p, events, end))
    # The demo's known answer: 10 found; settled 6 (4 closed, 1 not accepted, 1 cancelled); 4 overdue.
    assert len(problems) == 10
    assert sum(1 for s in status.values() if s in pm.SETTLED) == 6
    assert sum(1 for s in status.values() if s == "closed") == 4
    assert overdue == ["411171-20240320-001", "411171-20240506-001", "411171-20240520-001", "411171-20240528-001"]
    sentence = "报告期内共发现河湖问题10个，其中“四乱”问题5个；已整改办结6个（其中验收销号4个），正在办理4个，逾期未整改4个"
    paragraphs, tables = _docx(files.docx)
    assert sentence in paragraphs
    listed = _table(tables, "问题编号")
    assert [row[0] for row in listed[1:]] == overdue
    assert [int(row[5]) for row in listed[1:]] == [pm.days_overdue(p, events, end) for p in
                                                   sorted(problems, key=lambda p: p["problem_code"])
                                                   if p["problem_code"] in overdue]
    assert sentence in _flat(_pdf_text(files.pdf))


def test_assessment_results_in_the_report_and_the_printed_sheets(report):
    from hezhang_plugin.services import assessment as sa

    out, result, files, demo_mod = report
    stored = [r for r in sa.stored_results(result["workspace"], "TOWN-M", demo_mod.ASSESSED_MONTH)
              if r["item_code"] == "TOTAL"]
    assert len(stored) == 3
    paragraphs, tables = _docx(files.docx)
    town_table = next(t for t in tables if t[0] == ["排名", "考核对象", "得分", "等次"]
                      and any(row[1] == stored[0]["subject_name"] for row in t[1:]))
    assert sorted((row[1], row[2]) for row in town_table[1:]) == sorted(
        (r["subject_name"], f"{r['points']:.1f}") for r in stored)
    sheet_pdf = out / f"assessment_TOWN-M_{demo_mod.ASSESSED_MONTH}.pdf"
    text = _flat(_pdf_text(sheet_pdf))
    for r in stored:
        assert f"排名：第{r['rank']}名（共3个）" in text and r["subject_name"] in text
    info = subprocess.run(["pdfinfo", str(sheet_pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 4  # ranking + one page per town


def test_dates_are_checked():
    from hezhang_plugin.services.workreport import ReportError, check_dates

    assert check_dates("2024年1月1日", "2024/06/30") == ("2024-01-01", "2024-06-30")
    with pytest.raises(ReportError) as err:
        check_dates("2024-07-01", "2024-06-30")
    assert "晚于" in err.value.text("zh")
    with pytest.raises(ReportError):
        check_dates("soon", "2024-06-30")


def test_without_python_docx_the_pdf_is_still_written(tmp_path, demo_run, monkeypatch):
    from hezhang_plugin.layout import report_docx
    from hezhang_plugin.layout.workreport import write_workreport

    _out, result = demo_run
    monkeypatch.setattr(report_docx, "available", lambda: False)
    files = write_workreport(result["workspace"], "2024-05-01", "2024-05-31", str(tmp_path / "may.docx"),
                             with_map=False)
    assert files.docx is None and (tmp_path / "may.pdf").exists() and not (tmp_path / "may.docx").exists()
    assert "python3-docx" in files.warnings[0]
    assert "2024年5月" in _pdf_text(tmp_path / "may.pdf")


def test_workreport_algorithm(report, tmp_path):
    from qgis import processing
    from qgis.core import QgsProcessingException

    _out, result, _files, _demo = report
    out = str(tmp_path / "may_report.docx")
    res = processing.run("hezhang:workreport", {"WORKSPACE": result["workspace"], "START": "2024-05-01",
                                                "END": "2024-05-31", "OUTPUT": out})
    assert res["OUTPUT"] == out and res["PDF"] == str(tmp_path / "may_report.pdf") and res["PAGES"] >= 3
    paragraphs, _tables = _docx(out)
    assert "沙澧示范区2024年5月" in paragraphs
    # May alone: the problems reported in May (5 of the 10).
    assert "报告期内共发现河湖问题5个" in paragraphs
    with pytest.raises(QgsProcessingException, match="晚于|after"):
        processing.run("hezhang:workreport", {"WORKSPACE": result["workspace"], "START": "2024-06-01",
                                              "END": "2024-05-31", "OUTPUT": out})


def _page_texts(path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, pages + 1)]


def _filled(path) -> list[float]:
    """Per page, how far down the body (A4, 37 mm top margin, 35 mm + 12 mm footer at the
    foot) its text reaches: 0 at the top of the body, 1 at its foot (page numbers left out)."""
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    top, foot = 37 / 25.4 * 72, 842 - (35 + 12) / 25.4 * 72
    out = []
    for page in html.split("<page ")[1:]:
        words = re.findall(r'yMax="([\d.]+)">([^<]*)<', page)
        ys = [float(y) for y, w in words if not re.fullmatch(r"—|\d+", w.strip())]
        out.append((max(ys) - top) / (foot - top) if ys else 0.0)
    return out


def test_the_pdf_pages_break_cleanly(report):
    """No heading, caption or signature ends a page; no page but the last of the text is
    left short; every line is printed once (nothing of one page drawn, clipped, into
    another); the coverage map has a landscape page of its own at the end (附图1)."""
    out, _result, files, _demo = report
    pages = _page_texts(files.pdf)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(len(pages)), files.pdf], capture_output=True, text=True,
                          check=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    assert all(float(w) < float(h) for w, h in sizes[:-1]) and float(sizes[-1][0]) > float(sizes[-1][1])
    assert "附图1" in pages[-1] and "附图1" not in "".join(pages[:-1]).replace("见附图1", "")
    text_pages = pages[:-1]
    stranded = re.compile(r"^\s*(表\d+|续表\d+|[一二三四五六七八九十]、|沙澧示范区河长制办公室)")
    for n, page in enumerate(text_pages[:-1], start=1):
        lines = [ln for ln in page.splitlines() if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
        assert not stranded.match(lines[-1]), (n, lines[-1])
    fill = _filled(files.pdf)
    assert all(f >= 0.7 for f in fill[:len(text_pages) - 1]), fill
    whole = _pdf_text(files.pdf)
    for heading in ("一、河湖基本情况", "二、河长组织体系", "三、河长公示牌", "四、巡河履职", "五、问题发现与整改",
                    "六、考核情况", "七、存在问题及下一步工作"):
        assert whole.count(heading) == 1, heading
    # The office and its date close the text together, under its last paragraph.
    assert "沙澧示范区河长制办公室" in text_pages[-1] and "2024年6月30日" in text_pages[-1]


def test_long_tables_split_between_rows_under_a_continued_caption(tmp_path, qgis_app):
    """A table longer than a page is cut between rows, never through one, and goes on under
    “续表1” with its header; a heading is never the last line of a page."""
    from hezhang_plugin.core import workreport as wr
    from hezhang_plugin.layout.report_pdf import write_pdf

    doc = wr.Document("分页测试")
    doc.add(wr.Heading("分页测试", 0))
    doc.add(wr.Paragraph("河长制工作稳步推进。" * 30))
    rows = [[f"R{n:03d}", "河道保洁巡查" * (3 + n % 5) + f"E{n:03d}"] for n in range(70)]
    doc.add(wr.Table("表1　长表", ["编号", "说明"], rows, [15, 85]))
    doc.add(wr.Heading("一、其后", 1))
    doc.add(wr.Paragraph("结束。"))
    path = tmp_path / "split.pdf"
    count = write_pdf(doc, str(path))
    pages = _page_texts(path)
    assert count == len(pages) >= 3
    for n in range(70):
        first = [i for i, t in enumerate(pages) if f"R{n:03d}" in t]
        last = [i for i, t in enumerate(pages) if f"E{n:03d}" in t]
        assert len(first) == 1 and first == last, (n, first, last)
    with_rows = [i for i, t in enumerate(pages) if "R0" in t]
    assert "表1 长表" in _flat(pages[with_rows[0]]) or "表1长表" in _flat(pages[with_rows[0]])
    for i in with_rows[1:]:
        lines = [ln.strip() for ln in pages[i].splitlines() if ln.strip()]
        assert lines[0] == "续表1" and lines[1].split()[:2] == ["编号", "说明"], lines[:2]
    for page in pages[:-1]:
        lines = [ln for ln in page.splitlines() if ln.strip() and not re.fullmatch(r"\s*—\s*\d+\s*—\s*", ln)]
        assert "一、其后" not in lines[-1]


def test_the_docx_is_built_of_word_structures(report):
    """Title and Heading styles (Word's navigation pane lists the sections), Caption-styled
    captions kept with their tables, tables with fixed column widths, a repeated header row
    and rows that do not break across pages; the map in a landscape section of its own."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    _out, _result, files, _demo = report
    d = docx.Document(files.docx)
    styles = [(p.style.name, p.text) for p in d.paragraphs if p.text.strip()]
    assert styles[0] == ("Title", "沙澧示范区2024年上半年\n河长制工作情况报告")
    headings = [t for s, t in styles if s == "Heading 1"]
    assert headings == ["一、河湖基本情况", "二、河长组织体系", "三、河长公示牌", "四、巡河履职", "五、问题发现与整改",
                        "六、考核情况", "七、存在问题及下一步工作"]
    captions = [t for s, t in styles if s == "Caption"]
    assert len(d.tables) == len(captions) - 1 and captions[-1].startswith("附图1")
    assert [c.split("\u3000")[0] for c in captions[:-1]] == [f"表{n}" for n in range(1, len(d.tables) + 1)]
    body = list(d.element.body.iterchildren())
    model = files.document.tables()
    assert len(model) == len(d.tables)
    for table, want in zip(d.tables, model):
        before = body[body.index(table._tbl) - 1]
        assert before.tag == qn("w:p") and "".join(before.itertext()).startswith("表")
        assert d.styles["Caption"].paragraph_format.keep_with_next
        rows = table.rows
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)
        # The model's relative column widths, in the grid Word and LibreOffice lay out by.
        grid = [int(g.get(qn("w:w"))) for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert [g / sum(grid) for g in grid] == pytest.approx([w / sum(want.widths) for w in want.widths], abs=0.01)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert [s.orientation for s in d.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    assert len(d.inline_shapes) == 1
