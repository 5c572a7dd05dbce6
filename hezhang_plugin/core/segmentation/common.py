"""What every part of the segmentation shares: the defaults of a run, its errors, progress
reporting and report notes.

No Qt here: a run takes a duck-typed ``feedback`` (``setProgress``, ``isCanceled``,
``pushInfo``), so it works in Processing, in a QgsTask and in tests alike.
"""

from __future__ import annotations

from typing import Optional

#: Defaults of a run, the one place the dock, hezhang:segmentrivers and the demo take them from.
DEFAULT_UNIT_LEVEL = "village"
#: metres: how far a river may lie from a unit boundary and still run along it
DEFAULT_BOUNDARY_TOLERANCE = 10.0
#: metres: shorter pieces join a neighbour
DEFAULT_MIN_LENGTH = 50.0


class SegmentationError(Exception):
    """Input that cannot be segmented; the message says which feature and why.

    ``key`` and ``values``, when set, say the same for a translated message (the English
    text stays the exception's message).
    """

    def __init__(self, message: str, key: Optional[str] = None, **values):
        super().__init__(message)
        self.key = key
        self.values = values


class SegmentationCancelled(Exception):
    """The user cancelled the run; nothing was written."""


class _Progress:
    def __init__(self, feedback):
        self.feedback = feedback

    def step(self, pct: float, text: Optional[str] = None) -> None:
        fb = self.feedback
        if fb is None:
            return
        if getattr(fb, "isCanceled", None) and fb.isCanceled():
            raise SegmentationCancelled("segmentation cancelled")
        if getattr(fb, "setProgress", None):
            fb.setProgress(float(pct))
        if text and getattr(fb, "pushInfo", None):
            fb.pushInfo(text)


def _note(key: str, row: dict, **values) -> dict:
    """A report note: a key and its values (the river's code and name, and what happened)."""
    return {"key": key, "river_code": row.get("river_code"), "name": row.get("name") or "", **values}


def _eff_tol(tolerance: float) -> float:
    return max(float(tolerance), 0.01)
