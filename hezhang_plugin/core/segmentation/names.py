"""How segments and their ends are named (data conventions: segment names are data, not UI
text): 沙河周庄村段, 沙河周庄村2段 when a unit holds several segments of a river on one bank,
（左岸）/（右岸） for single-bank segments; ends are 源头, 河口, 区界 or the neighbour's 「…界」."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np

NAME_SEGMENT = "{river}{unit}段"
NAME_SEGMENT_NUMBERED = "{river}{unit}{n}段"
BANK_SUFFIX = {"left": "（左岸）", "right": "（右岸）", "both": ""}
NAME_BOUNDARY = "{unit}界"
NAME_SOURCE = "源头"
NAME_MOUTH = "河口"
NAME_DISTRICT_EDGE = "区界"

#: what lies beyond a segment's end, as the table codes it (a unit index otherwise)
END_SPECIAL = -2  # the river's source or mouth
END_OUTSIDE = -3  # outside the district


def beyond_names(unit_names: Sequence[str]) -> list:
    """Each unit's 「…界」 (NAME_BOUNDARY), the end name of a segment reaching it."""
    return [NAME_BOUNDARY.format(unit=nm) for nm in unit_names]


def end_names(codes: np.ndarray, unit_names: Sequence[str], special: str, beyond: Optional[list] = None) -> list:
    """The start (``special`` = NAME_SOURCE) or end (NAME_MOUTH) name of each segment: the
    neighbouring unit's 「…界」 for a unit index, ``special`` for END_SPECIAL, 区界 for
    END_OUTSIDE. ``beyond`` is :func:`beyond_names` of ``unit_names`` when already made."""
    beyond = beyond if beyond is not None else beyond_names(unit_names)
    return [beyond[c] if c >= 0 else (special if c == END_SPECIAL else NAME_DISTRICT_EDGE)
            for c in np.asarray(codes).tolist()]


def segment_names(river: np.ndarray, unit: np.ndarray, bank: np.ndarray, river_names: Sequence[str],
                  unit_names: Sequence[str], banks: Sequence[str]) -> list:
    """The name of each segment: river + unit, numbered (1, 2, … in axis order) when a unit
    holds several segments of the river on the same bank, + the bank suffix.

    ``river``, ``unit`` and ``bank`` are indices (into ``river_names``, ``unit_names`` and
    ``banks``) per segment, in axis order.
    """
    n = len(river)
    grp_order = np.lexsort((np.arange(n), bank, unit, river))
    key = np.column_stack([river, unit, bank])[grp_order]
    new = np.ones(n, dtype=bool)
    new[1:] = np.any(key[1:] != key[:-1], axis=1)
    gid = np.cumsum(new) - 1
    first = np.flatnonzero(new)
    rank_sorted = np.arange(n) - first[gid]
    size_sorted = np.bincount(gid)[gid] if n else np.zeros(0, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    size = np.empty(n, dtype=np.int64)
    rank[grp_order], size[grp_order] = rank_sorted + 1, size_sorted
    suffix = [BANK_SUFFIX[b] for b in banks]
    return [(NAME_SEGMENT.format(river=river_names[r], unit=unit_names[u]) if sz == 1 else
             NAME_SEGMENT_NUMBERED.format(river=river_names[r], unit=unit_names[u], n=rk)) + suffix[b]
            for r, u, b, rk, sz in zip(np.asarray(river).tolist(), np.asarray(unit).tolist(),
                                       np.asarray(bank).tolist(), rank.tolist(), size.tolist())]
