"""Length statistics (single-bank km per river, unit, town and chief) of a workspace."""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core import schema
from hezhang_plugin.core.stats import Table, length_statistics
from hezhang_plugin.data.backend import as_backend


def workspace_statistics(workspace, date: Optional[str] = None) -> dict[str, Table]:
    """Tables ``rivers``, ``units``, ``towns`` and ``chiefs`` of the segments current on
    ``date`` (default today)."""
    ws = as_backend(workspace)
    crs = ws.layer_crs("segments") or schema.DEFAULT_CRS
    return length_statistics(ws.read_rows("segments"), ws.read_attributes("admin_units"),
                             ws.read_attributes("rivers"), ws.read_attributes("chiefs"),
                             ws.read_attributes("assignments"), crs, date)
