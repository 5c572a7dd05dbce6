"""The seam to patrols: compliance and mileage rows for assessment and the work report.

The patrols stream builds the ``patrols``/``patrol_segments``/``patrol_rules`` tables and a
pure compliance function in core; until they are in this code base this module answers
None ("no patrol data"), and the assessment and the report say so. Everything downstream
takes :class:`core.assessment.PatrolFacts`, so wiring the real source changes only this
module: call the compliance function for [start, end] and map its rows to
``{"chief_id", "seg_code", "required", "valid", "key"}`` and each valid patrol to
``{"chief_id", "km", "key"}``.
"""

from __future__ import annotations

from typing import Optional

from hezhang_plugin.core.assessment import PatrolFacts


def patrol_facts(workspace, start: str, end: str) -> Optional[PatrolFacts]:
    """Compliance rows (per chief, segment and rule period inside [start, end]) and the km
    of each valid patrol, or None while no patrol source is wired (see the module docstring)."""
    return None
