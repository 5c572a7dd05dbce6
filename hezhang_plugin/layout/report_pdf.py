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
import re
from dataclasses import dataclass, field
from typing import Optional

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


@dataclass
class Pagination:
    """Where the text breaks: the blocks (headings, captions, paragraphs: their text, white
    space collapsed) that start a new page, and per table (its number among the document's
    tables) the data rows where it is split; each further part goes on under “续表N” (a
    break before it is named ``("part", table number, first row)``)."""

    breaks: set = field(default_factory=set)
    splits: dict = field(default_factory=dict)


def _words(text: str) -> str:
    """Text with its runs of white space as one space (Qt's rich text collapses the
    ideographic space of “表1　…” captions and the line break of a two-line title so)."""
    return " ".join(text.split())


def continued(caption: str) -> str:
    """The caption of a table's continuation: 续表7 for “表7　…”, else “…（续）”."""
    m = re.match(r"表(\d+)", caption)
    return f"续表{m.group(1)}" if m else f"{caption}（续）"


def _break(key: str, pages: Pagination) -> str:
    return ' style="page-break-before: always;"' if _words(key) in pages.breaks else ""


def _table_html(t: wr.Table, number: int, pages: Pagination) -> str:
    widths = t.widths or [1] * len(t.headers)
    align = t.align or ["l"] * len(t.headers)
    total = float(sum(widths))
    cuts = [0] + sorted(pages.splits.get(number, [])) + [len(t.rows)]
    out = []
    for part, (a, b) in enumerate(zip(cuts, cuts[1:])):
        if part == 0:
            out.append(f'<p class="cap"{_break(t.caption, pages)}>{html.escape(t.caption)}</p>')
        else:
            brk = ' style="page-break-before: always;"' if ("part", number, a) in pages.breaks else ""
            out.append(f'<p class="cap"{brk}>{html.escape(continued(t.caption))}</p>')
        out.append('<table class="grid" width="100%" cellspacing="0" cellpadding="4" border="1"><thead><tr>')
        for h, w in zip(t.headers, widths):
            out.append(f'<th width="{100.0 * w / total:.0f}%">{html.escape(h)}</th>')
        out.append("</tr></thead>")
        for n in range(a, b):
            bold = t.total_row and n == len(t.rows) - 1
            out.append("<tr>")
            for value, al in zip(t.rows[n], align):
                text = html.escape(str(value))
                if bold:
                    text = f"<b>{text}</b>"
                out.append(f'<td align="{"right" if al == "r" else "left"}">{text}</td>')
            out.append("</tr>")
        out.append("</table>")
    out.append('<p class="gap">&nbsp;</p>')
    return "".join(out)


def to_html(doc: wr.Document, text_width_mm: float, pages: Optional[Pagination] = None) -> str:
    """The document as the rich-text HTML that QTextDocument lays out (appendix figures
    are left to :func:`write_pdf`), with the page breaks and table splits of ``pages``."""
    pages = pages or Pagination()
    parts = []
    number = 0
    for b in doc.blocks:
        if isinstance(b, wr.Heading):
            tag = {0: "h1", 1: "h2"}.get(b.level, "h3")
            lines = "<br>".join(html.escape(t) for t in b.text.split(chr(10)))
            parts.append(f"<{tag}{_break(b.text, pages)}>{lines}</{tag}>")
        elif isinstance(b, wr.Paragraph):
            # Two ideographic spaces open a paragraph (Qt's rich text takes text-indent in
            # pixels only, and Chinese documents indent by two characters).
            lead = "\u3000\u3000" if b.style == "body" else ""
            parts.append(f'<p class="{b.style}"{_break(b.text, pages)}>{lead}{html.escape(b.text)}</p>')
        elif isinstance(b, wr.Table):
            parts.append(_table_html(b, number, pages))
            number += 1
        elif isinstance(b, wr.Figure):
            if b.appendix:  # a landscape page of its own after the text (write_pdf)
                continue
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
        "p.note { margin-top: 18pt; white-space: pre-wrap; }"
        "p.gap { font-size: 6pt; margin: 0; }"
        "table.grid { border-collapse: collapse; font-size: 10.5pt; border-color: #000000; }"
        "th { background-color: #e8e8e8; font-weight: bold; text-align: center; }"
    )
    return f"<html><head><style>{css}</style></head><body>{''.join(parts)}</body></html>"


#: A table of at most this many rows (header included) moves to the next page whole rather
#: than being split; a longer one keeps its header and first KEEP_FIRST_ROWS rows with its
#: caption.
KEEP_WHOLE_ROWS = 6
KEEP_FIRST_ROWS = 2
#: A table cell's padding and border below its text (cellpadding 4 and border 1 CSS pixels).
CELL_EDGE_PX = 5 / CSS_DPI * DPI
#: Lines of a paragraph that must follow its heading onto the heading's page.
LINES_WITH_HEADING = 2


def _items(text: QTextDocument) -> list:
    """The blocks and tables of the root frame, in order."""
    out = []
    it = text.rootFrame().begin()
    while not it.atEnd():
        frame, block = it.currentFrame(), it.currentBlock()
        if frame is not None:
            out.append(frame)
        elif block.isValid():
            out.append(block)
        it += 1
    return out


def _cell_span(layout, table, row: int) -> tuple[float, float]:
    """(top, bottom) of a table row as laid out: its cells' blocks."""
    top, bottom = float("inf"), 0.0
    for col in range(table.columns()):
        cell = table.cellAt(row, col)
        block = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().position()
        while block.isValid() and block.position() <= last:
            r = layout.blockBoundingRect(block)
            top, bottom = min(top, r.top()), max(bottom, r.bottom())
            block = block.next()
    return top, bottom


def _lines_bottom(layout, block, lines: int) -> float:
    rect = layout.blockBoundingRect(block)
    lay = block.layout()
    n = min(lines, lay.lineCount()) if lay is not None else 0
    if not n:
        return rect.bottom()
    line = lay.lineAt(n - 1)
    return rect.top() + line.y() + line.height()


def _page(y: float, page_height: float) -> int:
    # Positions are rounded to layout units: half a pixel of slack.
    return int((y + 0.5) // page_height)


def keep_with_next(doc: wr.Document) -> set:
    """Texts (white space collapsed) of the blocks that must not end a page: headings,
    table captions, and the signature with the paragraph before it (a signature never
    stands alone on a page, nor its date apart from its office: GB/T 9704)."""
    keys = {_words(b.text) for b in doc.blocks if isinstance(b, wr.Heading) and b.level > 0}
    keys |= {_words(t.caption) for t in doc.tables()}
    blocks = doc.blocks
    for a, b in zip(blocks, blocks[1:]):
        if isinstance(b, wr.Paragraph) and b.style == "signature" and isinstance(a, wr.Paragraph):
            keys.add(_words(a.text if a.style != "body" else "\u3000\u3000" + a.text))
    return keys


def _next_break(text: QTextDocument, page_height: float, doc: wr.Document, pages: Pagination) -> bool:
    """Find the first place where the laid-out text breaks badly and add a break or a
    split to ``pages``; False when there is none.

    Bad: a heading or table caption whose next item does not reach its page far enough (a
    paragraph's first LINES_WITH_HEADING lines; a table's header and first rows, or a
    short table entirely) — the heading or caption starts the next page; a table running
    over a page end — it is split before the first row that does not fit (Qt would cut a
    row in two, or carry it on without the 续表 caption), or moved whole when short."""
    from qgis.PyQt.QtGui import QTextTable

    layout = text.documentLayout()
    keys = keep_with_next(doc)
    tables = doc.tables()
    parts = []  # (table number, first data row, caption key) of each table part, in order
    for n, t in enumerate(tables):
        cuts = [0] + sorted(pages.splits.get(n, []))
        parts += [(n, a, _words(t.caption) if k == 0 else None) for k, a in enumerate(cuts)]
    items = _items(text)
    part_no = -1
    for i, item in enumerate(items):
        if isinstance(item, QTextTable):
            part_no += 1
            n, first, caption = parts[part_no]
            rows = item.rows()
            top0 = _cell_span(layout, item, 0)[0]
            end = (_page(top0, page_height) + 1) * page_height
            for r in range(1, rows):
                top, bottom = _cell_span(layout, item, r)
                # Below the text of a row: its cell padding and border (the last row's reach
                # the frame's foot), which must fit on the page too.
                bottom = layout.frameBoundingRect(item).bottom() if r == rows - 1 else bottom + CELL_EDGE_PX
                if bottom <= end + 0.5 and _page(top, page_height) == _page(top0, page_height):
                    continue
                short = len(tables[n].rows) + 1 <= KEEP_WHOLE_ROWS
                few = r <= min(KEEP_FIRST_ROWS, rows - 1)  # not even its first rows fit
                at_top = i > 0 and (layout.blockBoundingRect(items[i - 1]).top() + 0.5) % page_height < 1.0
                if caption is not None and caption not in pages.breaks and not at_top and (short or few):
                    pages.breaks.add(caption)  # the whole table moves to the next page
                    return True
                split = first + max(r - 1, 1)  # at least one row a part: a row taller than a page stays cut
                cuts = pages.splits.setdefault(n, [])
                if split < len(tables[n].rows) and split not in cuts:
                    # The rows after it join the next part: its old start gives way.
                    cuts[:] = [c for c in cuts if not first < c < first + rows] + [split]
                    return True
                break
            continue
        if not hasattr(item, "text") or i + 1 >= len(items):
            continue
        key = _words(item.text())
        nxt = items[i + 1]
        if isinstance(nxt, QTextTable) and parts[part_no + 1][2] is None:
            n, first, _caption = parts[part_no + 1]
            if key != _words(continued(tables[n].caption)):
                continue
            key = ("part", n, first)  # the caption of a table's continuation
        elif key not in keys:
            continue
        if key in pages.breaks:
            continue
        top = layout.blockBoundingRect(item).top()
        if (top + 0.5) % page_height < 1.0:
            continue  # already at the top of a page
        end = (_page(top, page_height) + 1) * page_height
        if isinstance(nxt, QTextTable):
            n = parts[part_no + 1][0]
            last = nxt.rows() - 1 if len(tables[n].rows) + 1 <= KEEP_WHOLE_ROWS else min(KEEP_FIRST_ROWS,
                                                                                         nxt.rows() - 1)
            need = _cell_span(layout, nxt, last)[1]
        else:
            need = _lines_bottom(layout, nxt, LINES_WITH_HEADING)
        if need > end + 0.5:
            pages.breaks.add(key)
            if hasattr(nxt, "text"):
                pages.breaks.discard(_words(nxt.text()))  # the heading takes its caption along
            return True
    return False


def layout_text(doc: wr.Document, device, width: float, body: float, text_width_mm: float,
                max_steps: int = 300) -> QTextDocument:
    """The document laid out on pages of ``width`` × ``body`` device pixels, with the breaks
    and splits :func:`_next_break` finds, added one at a time on a freshly laid-out text
    (each moves only what follows it, so no page is left short by a guess)."""
    pages = Pagination()
    for _ in range(max_steps):
        text = QTextDocument()
        text.documentLayout().setPaintDevice(device)
        text.setDefaultFont(QFont(fonts.cjk_family(), 14))
        text.setPageSize(QSizeF(width, body))
        text.setDocumentMargin(0)
        text.setHtml(to_html(doc, text_width_mm, pages))
        text.documentLayout().documentSize()
        if not _next_break(text, body, doc, pages):
            break
    return text


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
    # Whole device pixels: pages then begin exactly where Qt's layout (in 1/64 pixel)
    # starts a new page, and nothing of one page is drawn, clipped, into the next.
    body = float(int(height - _px(FOOTER_MM)))
    text = layout_text(doc, writer, width, body, 210.0 - left - right)
    pages = max(1, text.pageCount())
    appendix = [b for b in doc.blocks if isinstance(b, wr.Figure) and b.appendix]
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(f"cannot write {path}")
    try:
        for page in range(pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * body)
            # One pixel off both edges: a line that begins exactly on the next page's first
            # pixel row (or ends on this page's last) is drawn on its own page only, so the
            # text layer (pdftotext, copy and paste, search) holds each line once.
            text.drawContents(painter, QRectF(0, page * body + 1, width, body - 2))
            painter.restore()
            _page_number(painter, width, height, page + 1)
        for n, figure in enumerate(appendix, start=pages + 1):
            _appendix_page(writer, painter, figure, n)
    finally:
        painter.end()
    pdftext.repair_text_layer(path)  # radicals Qt wrote for ideographs (Noto Sans CJK…)
    return pages + len(appendix)


#: Margins of an appendix figure's landscape page (left, top, right, bottom), mm.
APPENDIX_MARGINS_MM = (20.0, 20.0, 20.0, 20.0)


def _page_number(painter: QPainter, width: float, height: float, number: int) -> None:
    """The centred “— N —” at the foot of a page of ``width`` × ``height`` device pixels."""
    font = QFont(fonts.cjk_family())
    font.setPointSizeF(11)
    painter.setFont(font)
    painter.drawText(QRectF(0, height - _px(FOOTER_MM) + _px(4), width, _px(FOOTER_MM) - _px(4)),
                     int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), f"— {number} —")


def _appendix_page(writer: QPdfWriter, painter: QPainter, figure: wr.Figure, number: int) -> None:
    """A landscape A4 page: the image as large as it fits (aspect kept), its caption below."""
    from qgis.PyQt.QtGui import QImage

    left, top, right, bottom = APPENDIX_MARGINS_MM
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(left, top, right, bottom), QPageLayout.Unit.Millimeter))
    writer.newPage()
    width, height = _px(297.0 - left - right), _px(210.0 - top - bottom)
    caption_h = _px(10.0)
    image = QImage(figure.path)
    room = QRectF(0, 0, width, height - _px(FOOTER_MM) - caption_h)
    if not image.isNull() and image.width() and image.height():
        scale = min(room.width() / image.width(), room.height() / image.height())
        w, h = image.width() * scale, image.height() * scale
        target = QRectF((width - w) / 2, 0, w, h)
        painter.drawImage(target, image)
        below = target.bottom()
    else:
        below = room.bottom()
    font = QFont(fonts.cjk_family())
    font.setPointSizeF(12)
    font.setBold(True)
    painter.setFont(font)
    painter.drawText(QRectF(0, below + _px(2), width, caption_h), int(Qt.AlignmentFlag.AlignHCenter
                                                                       | Qt.AlignmentFlag.AlignTop), figure.caption)
    _page_number(painter, width, height, number)
