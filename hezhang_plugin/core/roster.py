"""Chief rosters from spreadsheets: read CSV (UTF-8, UTF-8 with BOM, GBK/GB18030) and XLSX,
map Chinese or English headers and labels to the schema, validate every row, write chiefs
and appointments in one transaction, and export the roster back to the same formats.

Row numbers in reports are spreadsheet row numbers: the header is row 1.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from typing import Optional

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import codes, schema, sheets, validity
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.messages import Message, Text, language, render

#: Roster columns in export order (canonical names = chiefs/assignments field names).
COLUMNS = (
    "chief_id",
    "name",
    "level",
    "role",
    "position",
    "organisation",
    "unit_code",
    "phone",
    "seg_code",
    "duty",
    "valid_from",
)

HEADERS_ZH = {
    "chief_id": "河长编号",
    "name": "姓名",
    "level": "级别",
    "role": "河长类型",
    "position": "职务",
    "organisation": "单位",
    "unit_code": "行政区划代码",
    "phone": "联系电话",
    "seg_code": "河段编码",
    "duty": "职责",
    "valid_from": "任职日期",
}
HEADERS_EN = {c: c for c in COLUMNS}

_HEADER_ALIASES = {
    "chief_id": ("河长编号", "编号", "河长id", "chief_id", "chief id", "chiefid", "id"),
    "name": ("姓名", "河长姓名", "名字", "name", "chief name", "chief"),
    "level": ("级别", "河长级别", "层级", "level", "chief level"),
    "role": ("河长类型", "类型", "角色", "河长角色", "role", "type", "chief type"),
    "position": ("职务", "职位", "行政职务", "position", "post", "title"),
    "organisation": ("单位", "工作单位", "所在单位", "organisation", "organization", "org", "unit name"),
    "unit_code": (
        "行政区划代码",
        "区划代码",
        "所属区划",
        "所属区划代码",
        "统计用区划代码",
        "unit_code",
        "unit code",
        "unit",
        "admin code",
        "division code",
    ),
    "phone": ("联系电话", "电话", "手机", "手机号码", "联系方式", "phone", "telephone", "mobile", "tel"),
    # An office line where the sheet has one beside the mobile (手机 / 办公电话): used when
    # the mobile cell is empty.
    "phone_office": ("办公电话", "座机", "固定电话", "办公室电话", "office phone", "landline"),
    "seg_code": ("河段编码", "河段代码", "河段", "seg_code", "segment code", "segment", "seg code"),
    "duty": ("职责", "工作职责", "duty", "duties"),
    "valid_from": (
        "任职日期",
        "任命日期",
        "起始日期",
        "任职时间",
        "valid_from",
        "valid from",
        "start date",
        "appointed",
        "appointed on",
        "from",
    ),
}
_HEADER_LOOKUP = {
    re.sub(r"[\s_]+", "", a.lower()): canon for canon, aliases in _HEADER_ALIASES.items() for a in aliases
}

_LEVEL_EXTRA = {
    "区": "district",
    "县": "district",
    "县级": "district",
    "区县级": "district",
    "镇": "town",
    "乡": "town",
    "乡级": "town",
    "乡镇级": "town",
    "街道": "town",
    "街道级": "town",
    "村": "village",
    "社区": "village",
    "村(社区)级": "village",
}
_ROLE_EXTRA = {
    "河长+警长": "police_chief",
    "河湖警长": "police_chief",
    "河长+检察长": "procurator",
    "志愿者": "volunteer",
    "民间河长": "volunteer",
    "河长+志愿者": "volunteer",
    "河湖长": "chief",
    "第一总河长": "first_chief",
    "副河长": "chief",
}

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with BOM", "gbk": "GBK", "gb18030": "GB18030"}


class RosterError(sheets.SheetError):
    """A roster file that cannot be read at all (format, encoding, headers)."""


@dataclass
class Rejection:
    """A rejected row (its sheet row number) and why, as messages worded in either language."""

    row: int
    reasons: list = field(default_factory=list)

    def text(self, lang: Optional[str] = "en") -> str:
        """The reasons in ``lang`` ('en' or 'zh'; core does not know the UI language, the
        caller that shows the text passes it)."""
        return ("；" if language(lang) == "zh" else "; ").join(m.text(lang) for m in self.reasons)

    @property
    def reason(self) -> str:
        """The reasons in English (``text(lang)`` for the user's language)."""
        return self.text("en")

    @property
    def reason_en(self) -> str:
        return self.text("en")

    @property
    def reason_zh(self) -> str:
        return self.text("zh")


@dataclass
class ImportReport:
    source: str
    file_format: str = ""
    encoding: str = ""
    mode: str = "append"
    rows: int = 0
    accepted_rows: int = 0
    rejected: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)
    chiefs_added: int = 0
    chiefs_updated: int = 0
    chiefs_deactivated: int = 0
    assignments_added: int = 0
    assignments_ended: int = 0
    written: bool = False
    sheet: str = ""
    header_row: int = 1
    skipped: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def summary(self, lang: Optional[str] = "en") -> str:
        """One sentence: the file, its rows, what was written, in ``lang``."""
        label = ENCODING_LABELS.get(self.encoding, self.encoding)
        encoding = Text(f", {label}", f"，{label}") if self.encoding else ""
        if self.written:
            mode = Message("roster.mode_append" if self.mode == "append" else "roster.mode_replace")
            outcome = Message("roster.written", mode=mode, added=self.chiefs_added, updated=self.chiefs_updated,
                              deactivated=self.chiefs_deactivated, appointments=self.assignments_added,
                              ended=self.assignments_ended)
        else:
            outcome = Message("roster.nothing_written")
        return Message("roster.summary", file=os.path.basename(self.source), format=self.file_format,
                       encoding=encoding, rows=self.rows, valid=self.accepted_rows,
                       rejected=len(self.rejected), outcome=outcome).text(lang)

    def lines(self) -> list:
        """The report as messages: summary, header row, ignored columns, skipped and rejected rows."""
        out = []
        if self.header_row > 1:
            out.append(Message("roster.header_row", row=self.header_row))
        if self.ignored_columns:
            out.append(Message("roster.ignored_columns", columns=", ".join(self.ignored_columns)))
        out += [Message("roster.skipped_row", row=row, text=text) for row, text in self.skipped]
        out += [Message("roster.rejected_row", row=rej.row, reason=Text(rej.text("en"), rej.text("zh")))
                for rej in self.rejected]
        return out

    def to_text(self, lang: Optional[str] = "en") -> str:
        """Summary, header row, ignored columns, skipped rows and one line per rejected row,
        in ``lang`` ('en' or 'zh')."""
        return "\n".join([self.summary(lang)] + [m.text(lang) for m in self.lines()]) + "\n"

    def write_csv(self, path: str, lang: Optional[str] = "en") -> None:
        """The rejected rows (row, reason) as a UTF-8 BOM CSV that Excel opens correctly,
        in ``lang`` ('en' or 'zh')."""
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([render("roster.csv_row", lang), render("roster.csv_reason", lang)])
            for rej in self.rejected:
                w.writerow([rej.row, rej.text(lang)])
            w.writerow([])
            w.writerow([render("roster.csv_summary", lang), self.summary(lang)])


# ------------------------------------------------------------------ reading files


detect_encoding = sheets.detect_encoding


def header_score(cells: list[str]) -> int:
    """How many distinct roster columns a row of header cells names."""
    return len(set(map_headers(cells)[0].values()))


def read_table(path: str) -> sheets.Table:
    """The roster table of a CSV or XLSX file (see :mod:`hezhang_plugin.core.sheets` for the
    layouts understood: merged cells, title rows, two-row headers, notes, Excel numbers and
    dates, full-width text). Raises :class:`RosterError` naming the file."""
    try:
        return sheets.read_table(path, header_score)
    except RosterError:
        raise
    except sheets.SheetError as exc:
        raise RosterError(exc.message) from exc


_CJK = "\u3400-\u9fff\uf900-\ufaff"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")


def normal_name(text: str) -> str:
    """A person's name as printed: the spaces Chinese offices put inside two-character names
    to align them (苏　明, 苏 明) removed, other runs of whitespace made one space (Li Jing)."""
    text = sheets.normal_text(text or "")
    return re.sub(r"\s+", " ", _CJK_GAP.sub("", text))


def _phone_text(value) -> str:
    """A phone cell as text. A landline stored as a number lost its leading 0 and its dash
    (37162345678 for 0371-62345678): numbers that do not start with 1 get both back, the area
    code being 3 digits for 010 and 020–029 and 4 digits otherwise (the national numbering
    plan's area codes)."""
    text = sheets.cell_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and text.isdigit():
        if not text.startswith("1") and 9 <= len(text) <= 11:
            full = "0" + text
            area = 3 if full[1] in "12" else 4
            landline = f"{full[:area]}-{full[area:]}"
            if codes.check_phone(landline) is None:
                return landline
    return text


def row_texts(cells: list, mapping: dict[int, str], date_1904: bool = False) -> dict[str, str]:
    """Canonical field → cell text of one table row (dates as ISO text, numbers without '.0')."""
    out = {}
    for i, canon in mapping.items():
        value = cells[i] if i < len(cells) else None
        if canon == "valid_from":
            out[canon] = sheets.date_text(value, date_1904)
        elif canon in ("phone", "phone_office"):
            out[canon] = _phone_text(value)
        else:
            out[canon] = sheets.cell_text(value)
    return out


def map_headers(header: list[str]) -> tuple[dict[int, str], list[str]]:
    """Column index → canonical field, and the header cells that were not recognised."""
    mapping, ignored, seen = {}, [], set()
    for i, cell in enumerate(header):
        key = re.sub(r"[\s_]+", "", (cell or "").strip().lower().replace("\ufeff", ""))
        key = re.sub(r"[（(].*?[)）]", "", key) or key
        canon = _HEADER_LOOKUP.get(key)
        if canon and canon not in seen:
            mapping[i] = canon
            seen.add(canon)
        elif cell:
            ignored.append(cell)
    return mapping, ignored


def lookup_level(text: str) -> Optional[str]:
    t = (text or "").strip()
    return schema.LEVELS.lookup(t) or _LEVEL_EXTRA.get(t)


def lookup_role(text: str) -> Optional[str]:
    t = (text or "").strip()
    return schema.ROLES.lookup(t) or _ROLE_EXTRA.get(t)


# ------------------------------------------------------------------ validation


@dataclass
class _Plan:
    chiefs_new: list = field(default_factory=list)
    chiefs_update: list = field(default_factory=list)
    assignments_new: list = field(default_factory=list)
    assignments_end: list = field(default_factory=list)
    deactivate: list = field(default_factory=list)

    def changeset(self, source: str = "") -> ChangeSet:
        """The plan as one change set: chief updates and deactivations, appointment ends
        (all by fid), then new chiefs and new appointments."""
        cs = ChangeSet(Message("change.import_roster", file=os.path.basename(source or "")))
        for fid, values in self.chiefs_update:
            cs.update("chiefs", fid, values)
        for fid, values in self.deactivate:
            cs.end("chiefs", fid, **values)
        for fid, end in self.assignments_end:
            cs.end("assignments", fid, valid_to=end)
        for row in self.chiefs_new:
            cs.insert("chiefs", row)
        for row in self.assignments_new:
            cs.insert("assignments", row)
        return cs


def _chief_key(r: dict) -> tuple:
    return (r.get("name"), r.get("unit_code"), r.get("level"), r.get("role"))


def _shortened(field_name: str, text: str) -> Message:
    return Message("roster.shortened", column=Text(field_name, HEADERS_ZH[field_name]), value=text)


def validate_rows(
    table: sheets.Table,
    units: dict,
    segments: dict,
    existing_chiefs: list[dict],
    default_date: str,
) -> tuple[list[tuple[int, dict]], list[Rejection], list[str]]:
    """Each data row of ``table`` as (sheet row number, normalised dict) when valid, else a
    rejection naming the row."""
    header = table.header
    mapping, ignored = map_headers(header)
    have = set(mapping.values())
    missing = [c for c in ("name", "unit_code") if c not in have]
    if missing:
        raise RosterError("roster.missing_columns", columns=", ".join(f"{HEADERS_ZH[c]}/{c}" for c in missing),
                          found=", ".join(h for h in header if h))
    by_id = {c["chief_id"]: c for c in existing_chiefs}
    good: list[tuple[int, dict]] = []
    rejected: list[Rejection] = []
    seen_rows: dict[tuple, int] = {}
    seen_ids: dict[str, tuple] = {}
    seat: dict[tuple, tuple] = {}
    for n, cells in table.rows:
        raw = row_texts(cells, mapping, table.date_1904)
        if not any(raw.values()):
            continue
        r: dict = {}
        errors = []
        r["name"] = normal_name(raw.get("name", ""))
        if codes.check_name(r["name"]):
            errors.append(Message("chief.name_empty"))
        r["unit_code"] = re.sub(r"\s", "", raw.get("unit_code", ""))
        if len(r["unit_code"]) == 6 and r["unit_code"].isdigit():
            r["unit_code"] += "000000"
        err = codes.check_unit_code(r["unit_code"])
        if err and sheets.is_scientific(r["unit_code"]):
            errors.append(_shortened("unit_code", r["unit_code"]))
        elif err:
            errors.append(err)
        elif r["unit_code"] not in units:
            errors.append(Message("roster.unit_unknown", code=r["unit_code"]))
        unit_level = (units.get(r["unit_code"]) or {}).get("level") or codes.unit_level(r["unit_code"])
        lv_text = raw.get("level", "").strip()
        r["level"] = lookup_level(lv_text) if lv_text else unit_level
        if lv_text and r["level"] is None:
            errors.append(Message("roster.level_invalid", text=lv_text))
        elif r["level"] and unit_level and r["level"] != unit_level and not err:
            errors.append(Message("roster.level_unit", level=r["level"], code=r["unit_code"],
                                  unit_level=unit_level))
        role_text = raw.get("role", "").strip()
        r["role"] = lookup_role(role_text) if role_text else "chief"
        if r["role"] is None:
            errors.append(Message("roster.role_invalid", text=role_text))
        r["phone"] = codes.normalise_phone(raw.get("phone") or raw.get("phone_office", ""))
        if r["phone"]:
            perr = codes.check_phone(r["phone"])
            if perr and sheets.is_scientific(r["phone"]):
                errors.append(_shortened("phone", r["phone"]))
            elif perr:
                errors.append(perr)
        r["position"] = raw.get("position", "").strip() or None
        r["organisation"] = raw.get("organisation", "").strip() or None
        r["duty"] = raw.get("duty", "").strip() or None
        r["seg_code"] = re.sub(r"\s", "", raw.get("seg_code", "")) or None
        if r["seg_code"] and sheets.is_scientific(r["seg_code"]):
            errors.append(_shortened("seg_code", r["seg_code"]))
        elif r["seg_code"] and r["seg_code"] not in segments:
            errors.append(Message("roster.segment_unknown", code=r["seg_code"]))
        date_text = raw.get("valid_from", "").strip()
        r["valid_from"] = amod.parse_date(date_text) if date_text else default_date
        if r["valid_from"] is None:
            errors.append(Message("roster.date_invalid", text=date_text))
        r["chief_id"] = raw.get("chief_id", "").strip() or None
        if r["chief_id"] and len(r["chief_id"]) > 32:
            errors.append(Message("roster.chief_id_long", chief=r["chief_id"]))
        if not errors:
            key = _chief_key(r)
            if r["chief_id"]:
                prev = seen_ids.get(r["chief_id"])
                if prev is not None and prev != key:
                    errors.append(Message("roster.chief_id_twice", chief=r["chief_id"]))
                old = by_id.get(r["chief_id"])
                if old is not None and (old.get("unit_code"), old.get("level")) != (
                    r["unit_code"],
                    r["level"],
                ):
                    errors.append(Message("roster.chief_id_taken", chief=r["chief_id"], name=old.get("name"),
                                          unit=old.get("unit_code")))
            full = key + (r["phone"], r["seg_code"], r["chief_id"])
            if full in seen_rows:
                errors.append(Message("roster.duplicate", row=seen_rows[full]))
            if r["seg_code"] and not errors:
                s = (r["seg_code"], r["level"], r["role"])
                if s in seat and seat[s][1] != key and r["role"] != "volunteer":
                    errors.append(Message("roster.seat_taken", seg=r["seg_code"], level=r["level"],
                                          role=r["role"], row=seat[s][0]))
                seat.setdefault(s, (n, key))
        if errors:
            rejected.append(Rejection(n, errors))
            continue
        seen_rows[_chief_key(r) + (r["phone"], r["seg_code"], r["chief_id"])] = n
        if r["chief_id"]:
            seen_ids[r["chief_id"]] = _chief_key(r)
        good.append((n, r))
    return good, rejected, ignored


def plan_import(
    good: list[tuple[int, dict]], chiefs: list[dict], assignments: list[dict], mode: str, as_of: str
) -> _Plan:
    """What to write for the valid rows: new and updated chiefs, appointments to add and end."""
    plan = _Plan()
    by_id = {c["chief_id"]: c for c in chiefs}
    by_key = {}
    for c in chiefs:
        if c.get("active", True):
            by_key.setdefault(_chief_key(c), c)
    taken = set(by_id)
    roster_ids: dict[tuple, str] = {}
    updated = set()
    open_keys = {
        (a["seg_code"], a["chief_id"], a["level"], a["role"]): a
        for a in assignments
        if validity.open_on(a, as_of)
    }
    keep_open = set()
    planned_assign = set()
    for _n, r in good:
        key = _chief_key(r)
        cid = r["chief_id"] or roster_ids.get(key)
        old = by_id.get(cid) if cid else by_key.get(key)
        if old is not None:
            cid = old["chief_id"]
            values = {
                k: r[k]
                for k in ("name", "level", "role", "position", "organisation", "unit_code", "phone")
                if r.get(k) and r.get(k) != old.get(k)
            }
            if not old.get("active", True):
                values["active"] = True
            if values and cid not in updated:
                plan.chiefs_update.append((old["fid"], values))
                updated.add(cid)
        elif cid is None or cid not in roster_ids.values():
            cid = cid or amod.new_chief_id(r["unit_code"], taken)
            taken.add(cid)
            plan.chiefs_new.append(
                {
                    "chief_id": cid,
                    "name": r["name"],
                    "level": r["level"],
                    "role": r["role"],
                    "position": r["position"],
                    "organisation": r["organisation"],
                    "unit_code": r["unit_code"],
                    "phone": r["phone"] or None,
                    "active": True,
                }
            )
        roster_ids[key] = cid
        if r["seg_code"]:
            akey = (r["seg_code"], cid, r["level"], r["role"])
            if akey in open_keys:
                keep_open.add(akey)
            elif akey not in planned_assign:
                planned_assign.add(akey)
                plan.assignments_new.append(
                    {
                        "seg_code": r["seg_code"],
                        "chief_id": cid,
                        "level": r["level"],
                        "role": r["role"],
                        "duty": r["duty"],
                        "valid_from": r["valid_from"],
                        "valid_to": None,
                    }
                )
    if mode == "replace":
        # The file is the whole current roster: what it does not list ends the day before.
        for akey, a in open_keys.items():
            if akey not in keep_open:
                plan.assignments_end.append((a["fid"], validity.end_date(a.get("valid_from"), as_of)))
        listed = set(roster_ids.values())
        for c in chiefs:
            if c.get("active", True) and c["chief_id"] not in listed:
                plan.deactivate.append((c["fid"], {"active": False}))
    else:
        # A new appointment of another chief in the same seat ends the open one.
        seats = {
            (a["seg_code"], a["level"], a["role"]): a
            for a in plan.assignments_new
            if a["role"] != "volunteer"
        }
        for akey, a in open_keys.items():
            s = (a["seg_code"], a["level"], a["role"])
            new = seats.get(s)
            if new is not None and new["chief_id"] != a["chief_id"] and akey not in keep_open:
                plan.assignments_end.append((a["fid"], validity.end_date(a.get("valid_from"), new["valid_from"])))
    return plan


def read_roster(
    roster_path: str,
    units: dict,
    segments: dict,
    chiefs: list[dict],
    mode: str = "append",
    as_of: Optional[str] = None,
) -> tuple[ImportReport, list[tuple[int, dict]]]:
    """Read a CSV or XLSX roster and check every row against the workspace's rows.

    ``units``: code → admin unit row; ``segments``: seg_code → segment row; ``chiefs``: the
    chief rows. Returns the report (nothing written yet) and the valid rows as (row number,
    normalised dict) for :func:`plan_import`. Raises RosterError for an unreadable file.
    """
    if mode not in ("append", "replace"):
        raise RosterError("roster.mode", mode=mode)
    as_of = amod.parse_date(as_of) if as_of else amod.today()
    report = ImportReport(source=roster_path, mode=mode)
    table = read_table(roster_path)
    report.file_format, report.encoding = table.file_format, table.encoding
    report.sheet, report.header_row, report.skipped = table.sheet, table.header_row, table.skipped
    good, rejected, ignored = validate_rows(table, units, segments, chiefs, as_of)
    report.rejected = rejected
    report.ignored_columns = ignored
    report.accepted_rows = len(good)
    report.rows = len(good) + len(rejected)
    return report, good


def record_written(report: ImportReport, plan: _Plan) -> ImportReport:
    """Fill the report's counts from the plan that was written."""
    report.chiefs_added = len(plan.chiefs_new)
    report.chiefs_updated = len(plan.chiefs_update)
    report.chiefs_deactivated = len(plan.deactivate)
    report.assignments_added = len(plan.assignments_new)
    report.assignments_ended = len(plan.assignments_end)
    report.written = True
    return report


# ------------------------------------------------------------------ export


def roster_rows(chiefs: list[dict], assignments: list[dict], date: Optional[str] = None,
                lang: str = "zh") -> list[list[str]]:
    """Header + one row per appointment current on ``date`` (default today) of an active
    chief (chiefs without any appointment get one row with an empty segment code)."""
    date = date or amod.today()
    headers = HEADERS_ZH if lang == "zh" else HEADERS_EN
    chiefs = [c for c in chiefs if c.get("active", True)]
    per_chief: dict[str, list[dict]] = {}
    for a in validity.current_rows(assignments, date):
        per_chief.setdefault(a["chief_id"], []).append(a)
    out = [[headers[c] for c in COLUMNS]]
    for c in sorted(chiefs, key=lambda c: (c.get("unit_code") or "", c["chief_id"])):
        base = {
            "chief_id": c["chief_id"],
            "name": c.get("name") or "",
            "level": schema.LEVELS.label(c.get("level"), lang) if lang == "zh" else c.get("level") or "",
            "role": schema.ROLES.label(c.get("role"), lang) if lang == "zh" else c.get("role") or "",
            "position": c.get("position") or "",
            "organisation": c.get("organisation") or "",
            "unit_code": c.get("unit_code") or "",
            "phone": c.get("phone") or "",
        }
        apps = sorted(per_chief.get(c["chief_id"], []), key=lambda a: a["seg_code"]) or [None]
        for a in apps:
            row = dict(
                base,
                seg_code=a["seg_code"] if a else "",
                duty=(a.get("duty") or "") if a else "",
                valid_from=(a.get("valid_from") or "") if a else "",
            )
            out.append([row[k] for k in COLUMNS])
    return out


def write_roster(table: list[list[str]], out_path: str, encoding: str = "utf-8-sig", lang: str = "zh") -> int:
    """Write a roster table (:func:`roster_rows`) to CSV (``encoding`` utf-8-sig or gbk) or
    XLSX (by the file extension), complete or not at all. Returns the number of data rows."""
    tmp = out_path + ".part"
    try:
        if out_path.lower().endswith(".xlsx"):
            import openpyxl

            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "河长名单" if lang == "zh" else "Roster"
            for row in table:
                ws.append(row)
            # Codes and phones stay text in Excel (no 4.1117E+11).
            for col in ws.iter_cols(min_row=2):
                for cell in col:
                    cell.number_format = "@"
            wb.save(tmp)
        else:
            with open(tmp, "w", encoding=encoding, newline="") as fh:
                csv.writer(fh).writerows(table)
        os.replace(tmp, out_path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return len(table) - 1
