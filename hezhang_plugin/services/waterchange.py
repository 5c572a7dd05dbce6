"""Chiefs concerned by water change: names per segment from a workspace."""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core.waterchange import chief_names_by_segment
from hezhang_plugin.data.backend import as_backend


def chiefs_by_segment(workspace, on_date: Optional[str] = None) -> dict[str, str]:
    """seg_code -> "name(role)、..." of the appointments current on ``on_date`` (default today)."""
    ws = as_backend(workspace)
    return chief_names_by_segment(ws.read_attributes("chiefs"), ws.read_attributes("assignments"), on_date)
