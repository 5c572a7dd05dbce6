"""The seam to patrols: compliance and mileage rows for assessment and the work report.

The patrols stream builds the ``patrols``/``patrol_segments``/``patrol_rules`` tables and a
pure compliance function in core; until they are in this workspace's code base, this
module answers None ("no patrol data") and the assessment and report say so. Everything
downstream takes :class:`core.assessment.PatrolFacts`, so wiring the real source changes
only this module.
"""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core.assessment import PatrolFacts


def patrol_facts(path: str, start: str, end: str) -> Optional[PatrolFacts]:
    """Compliance rows (per chief, segment and rule period inside [start, end]) and the
    km of each valid patrol, or None when the workspace has no patrol records."""
    from hezhang_plugin.core.coverage import _tables

    if "patrols" not in _tables(path):
        return None
    return None
