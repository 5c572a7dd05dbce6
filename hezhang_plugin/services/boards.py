"""Notice boards of a workspace: place the boards the rule asks for, find stale ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from hezhang_plugin.core import boards as bmod
from hezhang_plugin.data.backend import as_backend


@dataclass
class BoardsResult:
    placed: list = field(default_factory=list)  # PlannedBoard
    stale: list = field(default_factory=list)  # StaleBoard
    refreshed: int = 0


def place_boards(workspace, km_per_board: float = bmod.KM_PER_BOARD, hotline: Optional[str] = None,
                 on: Optional[dt.date] = None, refresh: bool = False) -> BoardsResult:
    """Place a board on every current segment lacking one (:func:`core.boards.board_changes`)
    and, with ``refresh``, give stale boards today's content date — one transaction."""
    ws = as_backend(workspace)
    cs, plan, stale = bmod.board_changes(ws.read_rows("segments"), ws.read_rows("notice_boards"),
                                         ws.read_attributes("assignments"), on, km_per_board, hotline, refresh)
    if cs:
        ws.apply(cs)
    refreshed = sum(1 for c in cs if c.values.get("content_date")) if refresh else 0
    return BoardsResult(plan, stale, refreshed)
