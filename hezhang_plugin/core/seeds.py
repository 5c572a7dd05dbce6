"""Default rows written into new and migrated workspaces: the problem workflow, the
severity and deadline rules, the default assessment sheets and the patrol rule profiles. The district edits them
afterwards; they are only written into a table that is being created."""

from __future__ import annotations


def seed_rows(layer_name: str) -> list[dict]:
    """Rows a newly created table ``layer_name`` starts with (empty for most tables)."""
    from hezhang_plugin.core import assessment, patrol_profiles, problems

    seeds = {
        "problem_transitions": problems.DEFAULT_TRANSITIONS,
        "problem_rules": problems.DEFAULT_RULES,
        "assessment_sheets": assessment.DEFAULT_SHEETS,
        "assessment_items": assessment.DEFAULT_ITEMS,
        "patrol_rules": patrol_profiles.SEED_ROWS,
    }
    return [dict(r) for r in seeds.get(layer_name, ())]
