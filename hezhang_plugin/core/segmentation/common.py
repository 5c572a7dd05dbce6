"""What every part of the segmentation shares: the defaults of a run, its errors, progress
reporting and report notes (messages of core.messages, keys ``segmentation.*``).

No Qt here: a run takes a duck-typed ``feedback`` (``setProgress``, ``isCanceled``,
``pushInfo``), so it works in Processing, in a QgsTask and in tests alike.
"""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core.messages import HezhangError, Message

#: Defaults of a run, the one place the dock, hezhang:segmentrivers and the demo take them from.
DEFAULT_UNIT_LEVEL = "village"
#: metres: how far a river may lie from a unit boundary and still run along it
DEFAULT_BOUNDARY_TOLERANCE = 10.0
#: metres: shorter pieces join a neighbour
DEFAULT_MIN_LENGTH = 50.0


class SegmentationError(HezhangError):
    """Input that cannot be segmented; the message says which feature and why
    (``str(exc)`` in English, ``exc.text(lang)`` in either language)."""


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


def _note(key: str, row: dict, **values) -> Message:
    """A report note about a river: message ``segmentation.<key>`` with the river's name and
    code and what happened (a Message: English as a str, ``text('zh')`` in Chinese)."""
    return Message(f"segmentation.{key}", river=row.get("name") or "", code=row.get("river_code") or "", **values)


def _eff_tol(tolerance: float) -> float:
    return max(float(tolerance), 0.01)
