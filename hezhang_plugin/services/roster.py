"""Chief rosters: import from CSV/XLSX into a workspace, export the current roster."""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core import roster as rmod
from hezhang_plugin.core.roster import ImportReport
from hezhang_plugin.data.backend import as_backend


def import_roster(workspace, roster_path: str, mode: str = "append", valid_rows_only: bool = False,
                  as_of: Optional[str] = None) -> ImportReport:
    """Import chiefs and appointments from a CSV or XLSX roster into a workspace.

    All-or-nothing by default: one rejected row and nothing is written. With
    ``valid_rows_only`` the valid rows are written and the others reported. The write is
    one transaction (``report.written`` says whether it happened).
    """
    ws = as_backend(workspace)
    units = {u["code"]: u for u in ws.read_attributes("admin_units")}
    segments = {s["seg_code"]: s for s in ws.read_attributes("segments")}
    chiefs = ws.read_attributes("chiefs")
    report, good = rmod.read_roster(roster_path, units, segments, chiefs, mode, as_of)
    if (report.rejected and not valid_rows_only) or not good:
        return report
    as_of = rmod.amod.parse_date(as_of) if as_of else rmod.amod.today()
    plan = rmod.plan_import(good, chiefs, ws.read_attributes("assignments"), mode, as_of)
    ws.apply(plan.changeset(roster_path))
    return rmod.record_written(report, plan)


def roster_table(workspace, date: Optional[str] = None, lang: str = "zh") -> list[list[str]]:
    """Header + one row per current appointment of an active chief (:func:`core.roster.roster_rows`)."""
    ws = as_backend(workspace)
    return rmod.roster_rows(ws.read_attributes("chiefs"), ws.read_attributes("assignments"), date, lang)


def export_roster(workspace, out_path: str, encoding: str = "utf-8-sig", lang: str = "zh",
                  date: Optional[str] = None) -> int:
    """Write the current roster to CSV or XLSX (by the extension); returns the data rows."""
    return rmod.write_roster(roster_table(workspace, date, lang), out_path, encoding, lang)
