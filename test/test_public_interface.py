"""The public interface, frozen: models, scripts and districts' own tools depend on these
names. Written out literally (not read from the code under test): changing one is a
deliberate interface change and this file changes with it (and the change is announced)."""

from __future__ import annotations

import pytest
from osgeo import ogr

#: Every algorithm of the provider: parameter names in order (name, optional), output names.
ALGORITHMS = {
    "hezhang:adduser": ([("WORKSPACE", False), ("LOGIN", False), ("ROLE", False), ("UNIT_CODE", True),
                         ("FULL_NAME", True)], ["LOGIN"]),
    "hezhang:assess": ([("WORKSPACE", False), ("SHEET", True), ("PERIOD", False), ("OUTPUT", False)],
                       ["OUTPUT", "SUBJECTS", "TOTALS"]),
    "hezhang:checkcoverage": ([("WORKSPACE", True), ("SEGMENTS", True), ("CHIEFS", True), ("ASSIGNMENTS", True),
                               ("UNITS", True), ("RIVERS", True), ("NOTICE_BOARDS", True), ("DATE", True),
                               ("TOLERANCE", True), ("OUTPUT", False)],
                              ["OUTPUT", "FINDINGS", "COVERED_SHARE", "SUMMARY"]),
    "hezhang:checkpatrols": ([("WORKSPACE", False), ("START", False), ("END", False), ("PROFILE", True),
                              ("OUTPUT", False)],
                             ["OUTPUT", "OK", "SHORT", "NONE", "PROFILE_USED", "SUMMARY"]),
    "hezhang:createworkspace": ([("DISTRICT_CODE", False), ("DISTRICT_NAME", False), ("CRS", True), ("OUTPUT", False)],
                                ["OUTPUT"]),
    "hezhang:exportmaps": ([("WORKSPACE", False), ("PRODUCTS", False), ("FORMAT", False), ("OUTPUT_FOLDER", False),
                            ("DPI", True), ("PAGE_SIZE", True), ("ONE_FILE_PER_PAGE", True), ("IMAGERY", True),
                            ("DATE", True), ("PATROL_START", True), ("PATROL_END", True), ("PATROL_PROFILE", True)],
                           ["OUTPUT_FOLDER", "FILES"]),
    "hezhang:gcj02convert": ([("INPUT", False), ("DIRECTION", False), ("OUTPUT", False)], ["OUTPUT"]),
    "hezhang:importroster": ([("WORKSPACE", False), ("INPUT", False), ("MODE", False), ("VALID_ROWS_ONLY", True),
                              ("OUTPUT_REPORT", True)],
                             ["OUTPUT_REPORT", "REJECTED", "CHIEFS_ADDED", "ASSIGNMENTS_ADDED"]),
    "hezhang:history": ([("WORKSPACE", False), ("START", True), ("END", True), ("LAYER", True), ("KEY", True),
                         ("OUTPUT", False)], ["OUTPUT"]),
    "hezhang:importpatrols": ([("WORKSPACE", False), ("INPUT", False), ("CHIEF", True), ("COORDINATES", False),
                               ("BUFFER", True), ("VALID_FILES_ONLY", True), ("OUTPUT_REPORT", True)],
                              ["OUTPUT_REPORT", "PATROLS_ADDED", "REJECTED", "DUPLICATES", "SUMMARY"]),
    "hezhang:migrateworkspace": ([("INPUT", False), ("OUTPUT", False)], ["SUMMARY"]),
    "hezhang:placeboards": ([("WORKSPACE", False), ("KM_PER_BOARD", True), ("HOTLINE", True), ("REFRESH_DATES", True),
                             ("DATE", True)],
                            ["PLACED", "STALE", "STALE_CODES"]),
    "hezhang:segmentrivers": ([("RIVERS", False), ("UNITS", False), ("UNIT_LEVEL", False),
                               ("BOUNDARY_TOLERANCE", False), ("MIN_LENGTH", False), ("EXISTING", True),
                               ("DISTRICT_CODE", True), ("OUTPUT", False)],
                              ["OUTPUT", "SEGMENTS", "ADDED", "CHANGED", "UNCHANGED", "RETIRED", "SINGLE_BANK",
                               "REPAIRED", "INVALID"]),
    "hezhang:waterchange": ([("BEFORE", False), ("BEFORE_DATE", True), ("AFTER", False), ("AFTER_DATE", True),
                             ("GREEN_BAND", False), ("NIR_BAND", False), ("THRESHOLD", False), ("SEGMENTS", False),
                             ("BUFFER", False), ("MIN_AREA", True), ("WORKSPACE", True), ("OUTPUT", False)],
                            ["OUTPUT"]),
    "hezhang:workreport": ([("WORKSPACE", False), ("START", False), ("END", False), ("OUTPUT", False)],
                           ["OUTPUT", "PDF", "PAGES"]),
}

#: Enum options whose indexes models store (index → meaning, in order).
ENUM_OPTIONS = {
    ("hezhang:exportmaps", "PRODUCTS"): 4,  # coverage, atlas, boards, patrol map (appended)
    ("hezhang:exportmaps", "FORMAT"): 3,  # PDF, PNG, SVG
    ("hezhang:exportmaps", "PAGE_SIZE"): 3,  # A3, A4, A0
    ("hezhang:importroster", "MODE"): 2,  # append, replace
    ("hezhang:segmentrivers", "UNIT_LEVEL"): 2,  # village, town
    ("hezhang:gcj02convert", "DIRECTION"): 2,
    ("hezhang:importpatrols", "COORDINATES"): 4,  # detect, WGS84, GCJ-02, BD-09
    ("hezhang:adduser", "ROLE"): 5,  # viewer, village editor, town editor, district manager, administrator
}

#: The fields every editable layer ends with (who changed a row when, its version, its id
#: across backends).
AUDIT = ["uid", "row_version", "created_at", "created_by", "updated_at", "updated_by"]
#: Layers of a workspace: geometry type as OGR names it (None: a table) and fields in order.
LAYERS = {
    "admin_units": ("MultiPolygon", ["code", "name", "level", "parent_code"] + AUDIT),
    "rivers": ("MultiLineString", ["river_code", "name", "grade", "parent_river_code", "length_km"] + AUDIT),
    "segments": ("MultiLineString", ["seg_code", "river_code", "name", "bank", "unit_code", "start_name", "end_name",
                                     "length_km", "target", "valid_from", "valid_to"] + AUDIT),
    "chiefs": (None, ["chief_id", "name", "level", "role", "position", "organisation", "unit_code", "phone",
                      "active"] + AUDIT),
    "assignments": (None, ["seg_code", "chief_id", "level", "role", "duty", "valid_from", "valid_to"] + AUDIT),
    "notice_boards": ("Point", ["board_code", "seg_code", "hotline", "installed_on", "content_date"] + AUDIT),
    "hz_meta": (None, ["schema_version", "district_code", "district_name", "crs", "created", "updated"]),
    "patrols": ("MeasuredLineString", ["patrol_id", "chief_id", "start_time", "end_time", "patrol_date", "duration_min",
                                "distance_km", "points", "dropped_points", "source_file", "source_hash",
                                "source_part", "coords_found", "coords_note", "mode", "buffer_m", "own_share",
                                "valid", "reasons", "imported_at"] + AUDIT),
    "patrol_segments": (None, ["patrol_id", "seg_code", "chief_id", "level", "coverage", "km_covered",
                               "minutes_near", "counts"] + AUDIT),
    "patrol_rules": (None, ["profile", "name", "name_en", "level", "period", "min_count", "months", "min_minutes",
                            "min_km", "min_coverage", "min_gap_hours", "is_default", "source"] + AUDIT),
    "problems": ("Point", ["problem_code", "title", "category", "quantity", "quantity_unit", "severity", "source",
                           "source_ref", "reported_on", "reported_by", "seg_code", "river_code", "unit_code",
                           "chief_id", "deadline", "status", "status_at", "photo_before", "photo_after"] + AUDIT),
    "change_log": (None, ["changed_at", "changed_by", "layer", "row_uid", "row_fid", "row_key", "action", "old_values",
                          "new_values"]),
    "problem_events": (None, ["problem_code", "event_time", "actor", "actor_level", "from_status", "to_status",
                              "note"]),
    "problem_transitions": (None, ["from_status", "to_status", "by_level", "note_required"] + AUDIT),
    "problem_rules": (None, ["category", "quantity_unit", "serious_from", "major_above", "general_days",
                             "serious_days", "major_days"] + AUDIT),
    "assessment_sheets": (None, ["sheet_code", "name", "scope", "period", "full_marks", "bonus_cap",
                                 "excellent_from", "qualified_from", "basic_from"] + AUDIT),
    "assessment_items": (None, ["sheet_code", "item_code", "seq", "name", "kind", "metric", "points", "per_unit",
                                "carry_factor", "threshold", "evidence_hint"] + AUDIT),
    "assessment_results": (None, ["sheet_code", "period", "subject_code", "subject_name", "item_code", "line",
                                  "points", "value", "detail", "evidence_layer", "evidence_key", "source", "grade",
                                  "rank", "entered_by", "computed_at", "superseded_at"] + AUDIT),
}

#: Fields the database keeps unique, and those it refuses empty (the keys of DESIGN.md §3).
UNIQUE = {"admin_units.code", "rivers.river_code", "segments.seg_code", "chiefs.chief_id",
          "notice_boards.board_code", "patrols.patrol_id", "problems.problem_code", "assessment_sheets.sheet_code"}
NOT_NULL = {
    "admin_units": {"code", "name", "level"},
    "rivers": {"river_code", "name"},
    "segments": {"seg_code", "river_code", "name", "bank", "unit_code", "valid_from"},
    "chiefs": {"chief_id", "name", "level", "role", "unit_code", "active"},
    "assignments": {"seg_code", "chief_id", "level", "role", "valid_from"},
    "notice_boards": {"board_code", "seg_code"},
    "hz_meta": {"schema_version", "district_code", "district_name", "crs", "created", "updated"},
    "patrols": {"patrol_id", "chief_id", "start_time", "end_time", "patrol_date", "mode"},
    "patrol_segments": {"patrol_id", "seg_code", "chief_id"},
    "patrol_rules": {"profile", "name", "level", "period", "min_count", "is_default"},
    "problems": {"problem_code", "title", "category", "source", "reported_on", "status"},
    "problem_events": {"problem_code", "event_time", "actor", "to_status"},
    "change_log": {"changed_at", "layer", "action"},
    "problem_transitions": {"from_status", "to_status", "note_required"},
    "problem_rules": {"category"},
    "assessment_sheets": {"sheet_code", "name", "scope", "period", "full_marks"},
    "assessment_items": {"sheet_code", "item_code", "name", "kind", "metric"},
    "assessment_results": {"sheet_code", "period", "subject_code", "item_code", "line", "source"},
}
#: Stored values of the value lists (DESIGN.md §3).
VALUES = {
    "LEVELS": ["district", "town", "village"],
    "BANKS": ["both", "left", "right"],
    "ROLES": ["first_chief", "general_chief", "deputy_general_chief", "chief", "police_chief", "procurator",
              "volunteer"],
}
GROUPS = ["问题与考核", "巡河", "河流与河段", "行政区划", "河长", "遥感影像"]


def test_algorithm_ids_parameters_and_outputs(processing_ready):
    provider = processing_ready.providerById("hezhang")
    got = {}
    for alg in provider.algorithms():
        params = [(p.name(), bool(p.flags() & p.FlagOptional)) for p in alg.parameterDefinitions()]
        got[alg.id()] = (params, [o.name() for o in alg.outputDefinitions()])
    assert got == ALGORITHMS


@pytest.mark.parametrize("alg_id,name", sorted(ENUM_OPTIONS))
def test_enum_options_keep_their_indexes(processing_ready, alg_id, name):
    param = processing_ready.algorithmById(alg_id).parameterDefinition(name)
    assert len(param.options()) == ENUM_OPTIONS[(alg_id, name)]


def test_workspace_layers_and_fields(workspace_path):
    """What a new workspace file holds (read with OGR, not through the schema module)."""
    ds = ogr.Open(workspace_path)
    got, unique, not_null = {}, set(), {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        name = lyr.GetName()
        if name.startswith(("gpkg_", "rtree_", "qgis_", "layer_styles")):
            continue
        defn = lyr.GetLayerDefn()
        gtype = lyr.GetGeomType()
        geom = None if gtype == ogr.wkbNone else ogr.GeometryTypeToName(gtype).replace(" ", "")
        got[name] = (geom.lower() if geom else None,
                     [defn.GetFieldDefn(k).GetName() for k in range(defn.GetFieldCount())])
        fields = [defn.GetFieldDefn(k) for k in range(defn.GetFieldCount())]
        unique |= {f"{name}.{f.GetName()}" for f in fields if f.IsUnique()}
        not_null[name] = {f.GetName() for f in fields if not f.IsNullable()}
    ds = None
    assert unique == UNIQUE
    assert not_null == NOT_NULL
    assert got == {name: (geom.lower() if geom else None, fields) for name, (geom, fields) in LAYERS.items()}


def test_value_lists_and_layer_groups(qgis_app, workspace_path):
    from qgis.core import QgsProject

    from hezhang_plugin.core import schema
    from hezhang_plugin.data import workspace as ws

    assert {k: list(getattr(schema, k).values) for k in VALUES} == VALUES
    prj = QgsProject()
    ws.open_workspace(workspace_path, prj)
    assert [g.name() for g in prj.layerTreeRoot().children()] == GROUPS
    prj.clear()
