"""Write a report document (core.workreport) as a Word .docx with python-docx.

Laid out as Chinese official documents are (GB/T 9704): A4, margins 37/35/28/26 mm,
title in 小标宋 22 pt, body in 仿宋 16 pt with a 28 pt line pitch and a two-character
indent, first-level headings in 黑体 and second-level in 楷体. Word's own structures: the
Title style, Heading 1/2 (the navigation pane lists them), Caption-styled captions kept
with their tables, real tables a planner can edit whose rows never break across pages and
whose header row repeats; a map drawn on a larger sheet goes on a landscape page of its
own at the end (附图).

python-docx is optional: :func:`available` says whether it is installed, and
:class:`DocxUnavailableError` carries the message to show when it is not.
"""

from __future__ import annotations

from hezhang_plugin.core import workreport as wr
from hezhang_plugin.core.messages import HezhangError

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
HEADING_FONT = "黑体"
HEADING2_FONT = "楷体"
LATIN_FONT = "Times New Roman"

class DocxUnavailableError(HezhangError, RuntimeError):
    """python-docx is missing; the message (``report.docx_missing``) says what to install."""

    def __init__(self):
        super().__init__("report.docx_missing")


def available() -> bool:
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def _fonts(run_or_style, name: str, size_pt=None, bold=None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = LATIN_FONT
    el = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)
    if size_pt is not None:
        font.size = Pt(size_pt)
    if bold is not None:
        font.bold = bold


def _page_number_footer(section) -> None:
    """A centred “— N —” page number in the footer (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = run._element.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._element.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            el.text = text
        run._element.append(el)
    p.add_run(" —")
    for r in p.runs:
        _fonts(r, BODY_FONT, 14)


def _plain_style(style, font: str, size_pt: float) -> None:
    """A built-in style (Title, Caption) in our fonts, black, upright, without the default
    template's rule under the title."""
    from docx.oxml.ns import qn

    _fonts(style, font, size_pt, True if style.name == "Caption" else False)
    style.font.color.rgb = None
    style.font.italic = False
    ppr = style.element.pPr
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)


def _rows_stay_whole(table) -> None:
    """Every row is kept on one page (w:cantSplit) and the header row is repeated on each
    page the table runs onto (w:tblHeader), as Word's Table Properties › Row set them."""
    from docx.oxml.ns import qn

    for n, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(trpr.makeelement(qn("w:cantSplit"), {}))
        if n == 0:
            trpr.append(trpr.makeelement(qn("w:tblHeader"), {}))


def _column_widths(table, widths: list) -> None:
    """Fixed column widths (EMU) as Word and LibreOffice read them: the table grid, each
    cell, and the table's own width with a fixed layout (no autofit to the contents)."""
    from docx.oxml.ns import qn
    from docx.shared import Emu

    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Emu(w)
        for row in table.rows:
            row.cells[i].width = Emu(w)
    tblpr = table._tbl.tblPr
    tblw = tblpr.find(qn("w:tblW"))
    if tblw is None:
        tblw = tblpr.makeelement(qn("w:tblW"), {})
        tblpr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(Emu(sum(widths)).twips)))


def _cell_text(cell, text: str, align: str, bold: bool = False, size: float = 12) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if align == "r" else (
        WD_ALIGN_PARAGRAPH.CENTER if align == "c" else WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.space_after = 0
    run = p.add_run(text)
    _fonts(run, BODY_FONT, size, bold)


def write_docx(doc: wr.Document, path: str) -> str:
    """Write ``doc`` to ``path`` (.docx); raises :class:`DocxUnavailableError` without python-docx."""
    if not available():
        raise DocxUnavailableError()
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    d = Document()
    d.core_properties.title = doc.title
    d.core_properties.language = "zh-CN"
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)
    normal = d.styles["Normal"]
    _fonts(normal, BODY_FONT, 16)
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28)
    pf.space_after = Pt(0)
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", HEADING2_FONT)):
        st = d.styles[name]
        _fonts(st, font, 16, False)
        st.font.color.rgb = None
        st.paragraph_format.space_before = Pt(6)
        st.paragraph_format.space_after = Pt(0)
        st.paragraph_format.first_line_indent = Pt(32)
        st.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        st.paragraph_format.line_spacing = Pt(28)
    _plain_style(d.styles["Title"], TITLE_FONT, 22)
    caption = d.styles["Caption"]
    _plain_style(caption, HEADING_FONT, 14)
    caption.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(0)
    caption.paragraph_format.keep_with_next = True
    text_width = section.page_width - section.left_margin - section.right_margin
    for block in doc.blocks:
        if isinstance(block, wr.Heading):
            if block.level == 0:
                p = d.add_paragraph(style="Title")
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.line_spacing = Pt(36)
                p.paragraph_format.space_after = Pt(12)
                for k, line in enumerate(block.text.split("\n")):
                    run = p.add_run(line)
                    _fonts(run, TITLE_FONT, 22)
                    if k < len(block.text.split("\n")) - 1:
                        run.add_break()
            else:
                p = d.add_heading(level=block.level)
                _fonts(p.add_run(block.text), HEADING_FONT if block.level == 1 else HEADING2_FONT, 16, False)
        elif isinstance(block, wr.Paragraph):
            p = d.add_paragraph()
            if block.style == "subtitle":
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.space_after = Pt(12)
                _fonts(p.add_run(block.text), HEADING2_FONT, 16)
            elif block.style == "note":
                p.paragraph_format.space_before = Pt(18)
                _fonts(p.add_run(block.text), BODY_FONT, 14)
            elif block.style == "signature":
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                p.paragraph_format.right_indent = Pt(32)
                _fonts(p.add_run(block.text), BODY_FONT, 16)
            else:
                p.paragraph_format.first_line_indent = Pt(32)
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                _fonts(p.add_run(block.text), BODY_FONT, 16)
        elif isinstance(block, wr.Table):
            cap = d.add_paragraph(style="Caption")
            _fonts(cap.add_run(block.caption), HEADING_FONT, 14)
            table = d.add_table(rows=1 + len(block.rows), cols=len(block.headers))
            _rows_stay_whole(table)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            widths = block.widths or [1] * len(block.headers)
            align = block.align or ["l"] * len(block.headers)
            for i, h in enumerate(block.headers):
                _cell_text(table.rows[0].cells[i], h, "c", True)
            for r, row in enumerate(block.rows, start=1):
                bold = block.total_row and r == len(block.rows)
                for i, value in enumerate(row):
                    _cell_text(table.rows[r].cells[i], str(value), align[i], bold)
            _column_widths(table, [int(text_width * w / sum(widths)) for w in widths])
            d.add_paragraph().paragraph_format.line_spacing = Pt(10)
        elif isinstance(block, wr.Figure) and block.appendix:
            _appendix_figure(d, block)
        elif isinstance(block, wr.Figure):
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.first_line_indent = None
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.add_run().add_picture(block.path, width=min(Mm(block.width_mm), text_width))
            cap = d.add_paragraph(style="Caption")
            cap.paragraph_format.keep_with_next = False
            _fonts(cap.add_run(block.caption), HEADING_FONT, 14)
        elif isinstance(block, wr.PageBreak):
            d.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    d.save(path)
    return path


def _appendix_figure(d, block: wr.Figure) -> None:
    """A new landscape A4 section holding the image as large as it fits and its caption
    (the page numbers run on: the footer is linked to the previous section's)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm

    section = d.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.top_margin = section.bottom_margin = section.left_margin = section.right_margin = Mm(20)
    width = section.page_width - section.left_margin - section.right_margin
    # Room for the caption line and the footer below the picture.
    height = section.page_height - section.top_margin - section.bottom_margin - Mm(22)
    p = d.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.first_line_indent = None
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    run = p.add_run()
    try:
        from qgis.PyQt.QtGui import QImage

        image = QImage(block.path)
        aspect = image.width() / image.height() if not image.isNull() and image.height() else 297 / 210
    except ImportError:
        aspect = 297 / 210
    if width / aspect <= height:
        run.add_picture(block.path, width=width)
    else:
        run.add_picture(block.path, height=height)
    cap = d.add_paragraph(style="Caption")
    cap.paragraph_format.keep_with_next = False
    _fonts(cap.add_run(block.caption), HEADING_FONT, 14)
