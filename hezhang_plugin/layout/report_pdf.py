"""Write a report document (core.workreport) as PDF with QGIS's own Qt, no LibreOffice.

Why not LibreOffice: a QGIS desktop on Windows or macOS rarely has ``soffice`` on its path
and the plugin must print there too; converting the .docx would add a 300 MB dependency
to CI and a second renderer whose fonts differ by machine. Both files are written from the
same document model (core.workreport), so their words and numbers are the same; the PDF is
the print version, the .docx the one a planner edits.

The page follows the .docx (A4, GB/T 9704 margins 37/35/28/26 mm, a centred “— N —” page
number). Text is set in the layouts' Chinese font (``fonts.cjk_family()``: the first
installed of a Windows/macOS/Linux list), embedded in the PDF; its text layer is repaired
like the maps' (``layout.pdftext``), so pdftotext reads the Chinese back.
"""

from __future__ import annotations

import html

from qgis.PyQt.QtCore import QMarginsF, QRectF, QSizeF, Qt
from qgis.PyQt.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter, QTextDocument

from hezhang_plugin import fonts
from hezhang_plugin.core import workreport as wr
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout import pdftext

MARGINS_MM = (28.0, 37.0, 26.0, 35.0)  # left, top, right, bottom
FOOTER_MM = 12.0
DPI = 300


def _px(mm: float) -> float:
    return mm / 25.4 * DPI


#: Rich-text image widths are in the 96-dpi pixels of CSS; Qt scales them to the device.
CSS_DPI = 96.0


def _table_html(t: wr.Table) -> str:
    widths = t.widths or [1] * len(t.headers)
    align = t.align or ["l"] * len(t.headers)
    total = float(sum(widths))
    out = [f'<p class="cap">{html.escape(t.caption)}</p>',
           '<table class="grid" width="100%" cellspacing="0" cellpadding="4" border="1">', "<thead><tr>"]
    for h, w in zip(t.headers, widths):
        out.append(f'<th width="{100.0 * w / total:.0f}%">{html.escape(h)}</th>')
    # A header row repeated on every page the table runs onto.
    out.append("</tr></thead>")
    for n, row in enumerate(t.rows, start=1):
        bold = t.total_row and n == len(t.rows)
        out.append("<tr>")
        for value, a in zip(row, align):
            text = html.escape(str(value))
            if bold:
                text = f"<b>{text}</b>"
            out.append(f'<td align="{"right" if a == "r" else "left"}">{text}</td>')
        out.append("</tr>")
    out.append("</table><p class=\"gap\">&nbsp;</p>")
    return "".join(out)


def to_html(doc: wr.Document, text_width_mm: float) -> str:
    """The document as the rich-text HTML that QTextDocument lays out."""
    parts = []
    for b in doc.blocks:
        if isinstance(b, wr.Heading):
            tag = {0: "h1", 1: "h2"}.get(b.level, "h3")
            parts.append(f"<{tag}>{'<br>'.join(html.escape(t) for t in b.text.split(chr(10)))}</{tag}>")
        elif isinstance(b, wr.Paragraph):
            # Two ideographic spaces open a paragraph (Qt's rich text takes text-indent in
            # pixels only, and Chinese documents indent by two characters).
            lead = "\u3000\u3000" if b.style == "body" else ""
            parts.append(f'<p class="{b.style}">{lead}{html.escape(b.text)}</p>')
        elif isinstance(b, wr.Table):
            parts.append(_table_html(b))
        elif isinstance(b, wr.Figure):
            width = min(b.width_mm, text_width_mm) / 25.4 * CSS_DPI
            parts.append(f'<p class="fig"><img src="{html.escape(b.path)}" width="{width:.0f}"></p>'
                         f'<p class="cap">{html.escape(b.caption)}</p>')
        elif isinstance(b, wr.PageBreak):
            parts.append('<p style="page-break-after: always;">&nbsp;</p>')
    css = (
        f"body {{ font-family: '{fonts.cjk_family()}'; font-size: 14pt; }}"
        "h1 { font-size: 20pt; font-weight: bold; text-align: center; margin-bottom: 6pt; }"
        "h2 { font-size: 15pt; font-weight: bold; margin-top: 10pt; margin-bottom: 4pt; }"
        "h3 { font-size: 14pt; font-weight: bold; margin-top: 6pt; }"
        "p.body { line-height: 150%; margin-top: 0; margin-bottom: 2pt; white-space: pre-wrap; }"
        "p.subtitle { text-align: center; font-size: 13pt; margin-bottom: 24pt; }"
        "p.signature { text-align: right; margin-top: 14pt; margin-bottom: 0; }"
        "p.cap { text-align: center; font-weight: bold; font-size: 12pt; margin-top: 8pt; margin-bottom: 4pt; }"
        "p.fig { text-align: center; margin: 0; }"
        "p.note { margin-top: 18pt; }"
        "p.gap { font-size: 6pt; margin: 0; }"
        "table.grid { border-collapse: collapse; font-size: 10.5pt; border-color: #000000; }"
        "th { background-color: #e8e8e8; font-weight: bold; text-align: center; }"
    )
    return f"<html><head><style>{css}</style></head><body>{''.join(parts)}</body></html>"


def keep_with_next(text: QTextDocument, page_height: float, keys: set) -> int:
    """Start a heading or a table caption on a new page when what follows it would begin
    on the next one (Qt's rich text has no keep-with-next). Returns the breaks added."""
    from qgis.PyQt.QtGui import QTextBlockFormat, QTextCursor, QTextFormat

    layout = text.documentLayout()
    added = 0
    block = text.begin()
    while block.isValid():
        nxt = block.next()
        if block.text() in keys and nxt.isValid():
            # Room left on the page below the heading or caption: it needs about three of
            # its own lines (a caption: the header row and a first row of its table).
            here = layout.blockBoundingRect(block)
            left = (int(here.top() // page_height) + 1) * page_height - here.bottom()
            if left < 3.0 * here.height():
                fmt = QTextBlockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(block).mergeBlockFormat(fmt)
                added += 1
        block = nxt
    return added


def write_pdf(doc: wr.Document, path: str) -> int:
    """Write ``doc`` to ``path`` as an A4 PDF; returns the number of pages."""
    c.check_cjk_font()
    writer = QPdfWriter(path)
    writer.setResolution(DPI)
    writer.setTitle(doc.title)
    writer.setCreator("Hezhang 河长制")
    left, top, right, bottom = MARGINS_MM
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter))
    width = float(writer.width())
    height = float(writer.height())
    body = height - _px(FOOTER_MM)
    text = QTextDocument()
    text.documentLayout().setPaintDevice(writer)
    text.setDefaultFont(QFont(fonts.cjk_family(), 14))
    text.setPageSize(QSizeF(width, body))
    text.setDocumentMargin(0)
    text.setHtml(to_html(doc, 210.0 - left - right))
    keep_with_next(text, body, {t.caption for t in doc.tables()} | {
        b.text for b in doc.blocks if isinstance(b, wr.Heading) and b.level > 0})
    pages = max(1, text.pageCount())
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        footer_font = QFont(fonts.cjk_family())
        footer_font.setPointSizeF(11)
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body)
            text.drawContents(painter, QRectF(0, page * body, width, body))
            painter.restore()
            painter.setFont(footer_font)
            painter.drawText(QRectF(0, height - _px(FOOTER_MM) + _px(4), width, _px(FOOTER_MM) - _px(4)),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                             f"— {page + 1} —")
    finally:
        painter.end()
    pdftext.repair_text_layer(path)  # radicals Qt wrote for ideographs (Noto Sans CJK…)
    return pages
