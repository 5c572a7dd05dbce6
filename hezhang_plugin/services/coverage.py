"""The coverage check (rules R1–R7, P1–P2) of a workspace."""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core import schema
from hezhang_plugin.core.coverage import CoverageData, Finding, Summary, check
from hezhang_plugin.data.backend import as_backend


def load(workspace) -> CoverageData:
    """Everything the rules read, from a workspace (geometries in the workspace CRS)."""
    ws = as_backend(workspace)
    info = ws.info()
    return CoverageData(
        units=ws.read_rows("admin_units"),
        rivers=ws.read_rows("rivers"),
        segments=ws.read_rows("segments"),
        chiefs=ws.read_attributes("chiefs"),
        assignments=ws.read_attributes("assignments"),
        boards=ws.read_attributes("notice_boards"),
        district_code=info.district_code,
        crs=ws.layer_crs("segments") or info.crs or schema.DEFAULT_CRS,
        problems=ws.read_rows("problems"),
        problem_events=ws.read_attributes("problem_events"),
    )


def check_coverage(workspace, date: Optional[str] = None, **kwargs) -> tuple[list[Finding], Summary]:
    """Load a workspace and run every rule on ``date`` (default today): (findings, summary)."""
    return check(load(workspace), date, **kwargs)
