"""Tables as district bureaus send them: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX
(read with openpyxl), laid out for people rather than programs.

What a bureau's sheet holds, and what :func:`read_table` makes of it:

- cells merged down over several rows (one chief, several segments): the merged value fills
  every cell the merge spans, as Excel shows it;
- title rows above the header (区河长名单, 填报单位, 日期) and header rows split over two rows
  (联系方式 over 手机 / 办公电话): the header is the row whose cells name the most known
  columns (a second row below it supplies sub-headers);
- blank rows, section rows merged across the table (一、城关镇) and trailing notes
  (注：…, 填表人：…): skipped, and listed in :attr:`Table.skipped`;
- numbers stored as numbers (codes 4.11171001E+11, phones as floats), dates as Excel dates or
  as serial numbers: returned as the typed values, for the caller to turn into text per column
  (:func:`cell_text`, :func:`date_text`);
- full-width characters and spaces (１３９…, 村（社区）级, 苏　明): text is NFKC-normalised.

Row numbers are the sheet's own row numbers (1-based), so a report can say "row 7" and the
user finds row 7 in Excel. No QGIS here: plain Python and openpyxl.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

from hezhang_plugin.core.messages import HezhangError

#: How many rows from the top are searched for the header row.
HEADER_SEARCH_ROWS = 30

#: Words that open a note row under a table (notes, signatures, dates of filling in).
NOTE_PREFIXES = (
    "注", "备注", "说明", "填表", "制表", "填报", "审核", "审批", "联系人", "负责人", "签字", "盖章",
    "note", "notes", "remark", "remarks",
)
_NOTE = re.compile("^(" + "|".join(NOTE_PREFIXES) + ")[^:：]{0,8}[:：]", re.IGNORECASE)
# Excel serial day numbers: 1900-03-01 (61) to 9999-12-31 (2958465); 1900 system epoch.
_EXCEL_EPOCH_1900 = _dt.date(1899, 12, 30)
_EXCEL_EPOCH_1904 = _dt.date(1904, 1, 1)
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")


class SheetError(HezhangError, ValueError):
    """A file that cannot be read as a table at all (format, encoding, empty); the message
    names the file (keys ``sheet.*`` of the message table)."""


@dataclass
class Table:
    """A table read from a file.

    ``header`` is the header cells as text; ``rows`` holds ``(sheet row number, cells)``
    for every data row that has a value of its own, cells typed as the file stores them
    (str, int, float, datetime, or None for an empty cell); ``skipped`` lists
    ``(row number, text)`` of section and note rows left out.
    """

    header: list
    rows: list
    file_format: str
    encoding: str = ""
    sheet: str = ""
    header_row: int = 1
    skipped: list = field(default_factory=list)
    date_1904: bool = False


def detect_encoding(data: bytes) -> str:
    """'utf-8-sig', 'utf-8', 'gbk' or 'gb18030': the first that decodes the bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for enc in ("utf-8", "gbk", "gb18030"):
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise SheetError("sheet.encoding")


def normal_text(value: str) -> str:
    """Text as typed in Chinese offices, normalised: NFKC (full-width digits, letters,
    brackets and spaces become their ASCII forms), a BOM or zero-width space removed,
    surrounding whitespace stripped."""
    text = unicodedata.normalize("NFKC", value)
    return text.replace("\ufeff", "").replace("\u200b", "").strip()


def cell_text(value: Any) -> str:
    """A cell as text: integral numbers without '.0' (codes and phones stored as numbers),
    dates as ISO dates, text normalised by :func:`normal_text`; '' for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return normal_text(str(value))


def date_text(value: Any, date_1904: bool = False) -> str:
    """A cell meant to hold a date as text: Excel dates and Excel serial day numbers (a date
    column formatted as a number, e.g. 45352) become ISO dates; anything else as
    :func:`cell_text`. Serial numbers count from 1899-12-30 (1904 system: 1904-01-01)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        days = float(value)
        if days.is_integer() and 61 <= days <= 2958465:
            epoch = _EXCEL_EPOCH_1904 if date_1904 else _EXCEL_EPOCH_1900
            return (epoch + _dt.timedelta(days=int(days))).isoformat()
    return cell_text(value)


def is_scientific(text: str) -> bool:
    """True for text like '4.11171E+11': a long number Excel shortened when the file was
    saved (the digits are lost; the column must be formatted as text in Excel)."""
    return bool(_SCIENTIFIC.match(text or ""))


# ------------------------------------------------------------------ reading


def _read_csv(data: bytes) -> tuple[list[list], str]:
    enc = detect_encoding(data)
    text = data.decode(enc)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        # Lines without a separator (a title, a note under the table) defeat the sniffer:
        # the separator is then the one the sample uses most.
        dialect, delimiter = csv.excel, max(",;\t", key=sample.count)
    grid = [[c if c.strip() else None for c in row]
            for row in csv.reader(io.StringIO(text), dialect, delimiter=delimiter)]
    return grid, enc


def _sheet_grid(ws) -> tuple[list[list], list[list[bool]], list[tuple[int, int, int, int]]]:
    """(values, own-value flags, merged ranges) of a worksheet. Merged values fill every
    cell of their range; a filled cell other than the range's top-left is not 'own'."""
    grid = [list(row) for row in ws.iter_rows(values_only=True)]
    own = [[v is not None for v in row] for row in grid]
    merges = []
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
        merges.append((r0, c0, r1, c1))
        while len(grid) < r1:
            grid.append([])
            own.append([])
        value = grid[r0 - 1][c0 - 1] if c0 - 1 < len(grid[r0 - 1]) else None
        for r in range(r0, r1 + 1):
            row, flags = grid[r - 1], own[r - 1]
            if len(row) < c1:
                row.extend([None] * (c1 - len(row)))
                flags.extend([False] * (c1 - len(flags)))
            for c in range(c0, c1 + 1):
                row[c - 1] = value
                flags[c - 1] = (r, c) == (r0, c0) and value is not None
    return grid, own, merges


def _wide_merge_rows(merges: list, min_cols: int = 2) -> set:
    """Rows covered by a merge spanning at least ``min_cols`` columns (banner rows)."""
    rows = set()
    for r0, c0, r1, c1 in merges:
        if c1 - c0 + 1 >= min_cols:
            rows.update(range(r0, r1 + 1))
    return rows


def _find_header(grid: list, score: Callable[[list[str]], int],
                 merges: list) -> tuple[int, list[str], int]:
    """(0-based first header row, header cells, 0-based first data row).

    The header is the row among the first :data:`HEADER_SEARCH_ROWS` naming the most known
    columns; a header split over two rows (cells merged down over both, group titles over
    sub-headers) is read as one, each column named by its lower cell when it has one.
    """
    best, best_score = None, 0
    for i, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        s = score([cell_text(v) for v in row])
        if s > best_score:
            best, best_score = i, s
    if best is None:
        first = next((i for i, row in enumerate(grid) if any(v is not None for v in row)), 0)
        return first, [cell_text(v) for v in grid[first]] if grid else [], first + 1

    def merged_down(top: int) -> bool:  # 0-based row ``top`` has cells merged into the next
        return any(r0 == top + 1 and r1 >= top + 2 for r0, _c0, r1, _c1 in merges)

    def pair(top: int) -> list[str]:
        upper = [cell_text(v) for v in grid[top]]
        lower = [cell_text(v) for v in grid[top + 1]]
        width = max(len(upper), len(lower))
        upper += [""] * (width - len(upper))
        lower += [""] * (width - len(lower))
        # A sub-header row holds only header words (or cells merged down from above), or
        # lies under cells merged down into it; a first data row holds names and codes.
        if merged_down(top) or all(not b or b == t or score([b]) for b, t in zip(lower, upper)):
            return [b or t for b, t in zip(lower, upper)]
        return []

    if best > 0 and merged_down(best - 1):
        combined = pair(best - 1)
        if combined and score(combined) >= best_score:
            return best - 1, combined, best + 1
    if best + 1 < len(grid):
        combined = pair(best)
        if combined and score(combined) > best_score:
            return best, combined, best + 2
    return best, [cell_text(v) for v in grid[best]], best + 1


def _is_note(values: list[str]) -> bool:
    return len(values) == 1 and bool(_NOTE.match(values[0]))


def read_table(path: str, header_score: Callable[[list[str]], int]) -> Table:
    """The table in a CSV or XLSX file, its header found with ``header_score`` (how many of a
    row's cells name a known column).

    XLSX: the first visible worksheet whose header scores best. Raises :class:`SheetError`
    naming the file when it does not exist, is an old .xls, is not a readable workbook, is
    neither UTF-8 nor GBK text, or holds no rows.
    """
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise SheetError("sheet.missing", path=path)
    ext = os.path.splitext(path)[1].lower()
    with open(path, "rb") as fh:
        data = fh.read()
    if ext == ".xls" or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise SheetError("sheet.xls", name=name)
    candidates = []  # (grid, own, merges, format, encoding, sheet title, 1904)
    if ext in (".xlsx", ".xlsm") or data[:2] == b"PK":
        try:
            import openpyxl

            # Not read-only: merged ranges are only known to a fully loaded workbook.
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for broken files
            raise SheetError("sheet.bad_xlsx", name=name, reason=str(exc)) from exc
        try:
            date_1904 = bool(getattr(wb, "epoch", None) and wb.epoch.year == 1904)
            sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"] or list(wb.worksheets)
            for ws in sheets:
                grid, own, merges = _sheet_grid(ws)
                candidates.append((grid, own, merges, "XLSX", "", ws.title, date_1904))
        finally:
            wb.close()
    else:
        grid, enc = _read_csv(data)
        candidates.append((grid, [[v is not None for v in row] for row in grid], [], "CSV", enc, "", False))

    def best_score(cand):
        grid = cand[0]
        return max((header_score([cell_text(v) for v in row]) for row in grid[:HEADER_SEARCH_ROWS]), default=0)

    grid, own, merges, fmt, enc, title, date_1904 = max(candidates, key=best_score)
    if not any(any(v is not None and cell_text(v) for v in row) for row in grid):
        raise SheetError("sheet.empty", name=name)
    h, header, start = _find_header(grid, header_score, merges)
    banners = _wide_merge_rows(merges)
    table = Table(header=header, rows=[], file_format=fmt, encoding=enc, sheet=title,
                  header_row=h + 1, date_1904=date_1904)
    for i in range(start, len(grid)):
        row = grid[i]
        texts = [cell_text(v) for v in row]
        values = [t for t in texts if t]
        if not values:
            continue
        if not any(f and cell_text(v) for f, v in zip(own[i], row)):
            continue  # only values merged down from the rows above: nothing of its own
        if (i + 1 in banners and len(set(values)) == 1) or _is_note(values):
            table.skipped.append((i + 1, values[0]))
            continue
        table.rows.append((i + 1, row))
    return table
