"""The one declaration of the workspace data model.

Every backend table, QGIS form, style category and schema test is generated from or
checked against the objects in this module. Stored values are stable English keys;
labels in both languages live beside them so the UI can show either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from hezhang_plugin.core import patrol_profiles as _patrol_profiles

#: Version written into ``hz_meta.schema_version`` by this code. A workspace with a
#: higher version was written by a newer plugin and is refused, a lower one is migrated.
SCHEMA_VERSION = 3

#: Default workspace CRS: CGCS2000 geographic.
DEFAULT_CRS = "EPSG:4490"
#: CGCS2000 3-degree Gauss-Kruger zones without zone prefix (CM 75E ... 135E).
GK3_CRS_RANGE = range(4534, 4555)


@dataclass(frozen=True)
class Choice:
    value: str
    en: str
    zh: str


@dataclass(frozen=True)
class ValueList:
    key: str
    choices: tuple[Choice, ...]

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def label(self, value: str, lang: str = "zh") -> str:
        for c in self.choices:
            if c.value == value:
                return c.zh if lang == "zh" else c.en
        return value

    def lookup(self, text: str) -> Optional[str]:
        """Stored value for a key, an English or a Chinese label (case-insensitive)."""
        t = (text or "").strip().lower()
        for c in self.choices:
            if t in (c.value.lower(), c.en.lower(), c.zh):
                return c.value
        return None


LEVELS = ValueList(
    "level",
    (
        Choice("district", "District", "区级"),
        Choice("town", "Town", "镇级"),
        Choice("village", "Village", "村级"),
    ),
)

BANKS = ValueList(
    "bank",
    (
        Choice("both", "Both banks", "两岸"),
        Choice("left", "Left bank", "左岸"),
        Choice("right", "Right bank", "右岸"),
    ),
)

ROLES = ValueList(
    "role",
    (
        Choice("first_chief", "First chief", "第一河长"),
        Choice("general_chief", "General chief", "总河长"),
        Choice("deputy_general_chief", "Deputy general chief", "副总河长"),
        Choice("chief", "Chief", "河长"),
        Choice("police_chief", "Police chief", "警长"),
        Choice("procurator", "Procurator", "检察长"),
        Choice("volunteer", "Volunteer chief", "民间河长"),
    ),
)

RIVER_GRADES = ValueList(
    "river_grade",
    (
        Choice("province", "Provincial", "省级"),
        Choice("city", "City", "市级"),
        Choice("county", "County", "县级"),
        Choice("town", "Town", "乡级"),
        Choice("village", "Village", "村级"),
    ),
)

PERIODS = ValueList(
    "period",
    (
        Choice("week", "Weekly", "每周"),
        Choice("dekad", "Every 10 days (dekad)", "每旬"),
        Choice("month", "Monthly", "每月"),
        Choice("quarter", "Quarterly", "每季度"),
        Choice("year", "Yearly", "每年"),
    ),
)

PATROL_MODES = ValueList(
    "patrol_mode",
    (
        Choice("self", "Self-started", "自主巡河"),
        Choice("assigned", "Assigned", "交办巡河"),
        Choice("drone", "Drone", "无人机巡河"),
        Choice("other", "Other", "其他"),
    ),
)

#: Coordinate systems a track file was found to be in (GPX is WGS84 by its standard;
#: files from domestic map apps are often GCJ-02 or BD-09).
TRACK_CRS = ValueList(
    "track_crs",
    (
        Choice("wgs84", "WGS84", "WGS84"),
        Choice("gcj02", "GCJ-02", "GCJ-02（火星坐标）"),
        Choice("bd09", "BD-09", "BD-09（百度坐标）"),
    ),
)

VALUE_LISTS = {vl.key: vl for vl in (LEVELS, BANKS, ROLES, RIVER_GRADES, PERIODS, PATROL_MODES, TRACK_CRS)}


@dataclass(frozen=True)
class Reference:
    """A field whose values are keys of another layer (a value relation in forms)."""

    layer: str
    key: str
    display: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | integer | real | date | datetime | boolean
    en: str
    zh: str
    length: int = 0
    not_null: bool = False
    unique: bool = False
    #: QGIS expression evaluated for new features in forms (None: no default).
    default: Optional[str] = None
    values: Optional[str] = None  # key into VALUE_LISTS
    ref: Optional[Reference] = None
    #: name of a format rule in core.codes.FORMAT_RULES checked in forms and by R7
    check: Optional[str] = None
    since: int = 1

    @property
    def value_list(self) -> Optional[ValueList]:
        return VALUE_LISTS[self.values] if self.values else None


@dataclass(frozen=True)
class Layer:
    name: str
    #: MultiPolygon | MultiLineString | Point | LineStringM (a line whose vertices carry a
    #: measure: patrol tracks keep each point's time there) | None
    geometry: Optional[str]
    en: str
    zh: str
    group: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    since: int = 1
    #: Rows written when the table is created (in a new workspace or by a migration).
    seed: tuple = ()

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def fields_at(self, version: int) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.since <= version)


@dataclass(frozen=True)
class Relation:
    id: str
    en: str
    zh: str
    child: str
    child_field: str
    parent: str
    parent_field: str


# Layer tree groups of the workspace project, top to bottom: rivers and segments draw
# over the unit polygons, and imagery lies below every vector layer.
GROUP_UNITS = "行政区划"
GROUP_RIVERS = "河流与河段"
GROUP_CHIEFS = "河长"
GROUP_IMAGERY = "遥感影像"
GROUP_PATROLS = "巡河"
GROUPS = (GROUP_PATROLS, GROUP_RIVERS, GROUP_UNITS, GROUP_CHIEFS, GROUP_IMAGERY)

_UNIT_REF = Reference("admin_units", "code", "name")


def _containing(level: str) -> str:
    """QGIS expression: code of the unit of ``level`` holding the new polygon."""
    return ("aggregate(layer:=@layer, aggregate:='max', expression:=\"code\", "
            f"filter:=\"level\" = '{level}' AND "
            "contains($geometry, point_on_surface(geometry(@parent))))")


# Form defaults of a unit drawn with QGIS's digitising tools: the level and parent follow
# from the unit the new polygon lies in, the code is the parent's next free code (a town
# block counts from 100, a village from 001 under a street (街道) or 201 under a town).
UNIT_LEVEL_DEFAULT = (f"CASE WHEN {_containing('town')} IS NOT NULL THEN 'village' "
                      f"WHEN {_containing('district')} IS NOT NULL THEN 'town' ELSE 'district' END")
UNIT_PARENT_DEFAULT = f"coalesce({_containing('town')}, {_containing('district')})"
UNIT_CODE_DEFAULT = (
    f"with_variable('p', {UNIT_PARENT_DEFAULT}, "
    "CASE WHEN @p IS NULL THEN NULL "
    "WHEN right(@p, 6) = '000000' THEN left(@p, 6) || lpad(to_string(coalesce(aggregate("
    "layer:=@layer, aggregate:='max', expression:=to_int(substr(\"code\", 7, 3)), "
    "filter:=\"parent_code\" = @p), 99) + 1), 3, '0') || '000' "
    "ELSE left(@p, 9) || lpad(to_string(coalesce(aggregate("
    "layer:=@layer, aggregate:='max', expression:=to_int(right(\"code\", 3)), "
    "filter:=\"parent_code\" = @p), CASE WHEN to_int(substr(@p, 7, 3)) < 100 THEN 0 ELSE 200 END) + 1), "
    "3, '0') END)")
_SEG_REF = Reference("segments", "seg_code", "name")
_CHIEF_REF = Reference("chiefs", "chief_id", "name")
_RIVER_REF = Reference("rivers", "river_code", "name")
_VALID_FROM = Field("valid_from", "date", "Valid from", "起始日期", not_null=True, default="now()")
_VALID_TO = Field("valid_to", "date", "Valid to", "终止日期")
_PATROL_REF = Reference("patrols", "patrol_id", "patrol_id")

LAYERS: tuple[Layer, ...] = (
    Layer(
        "admin_units", "MultiPolygon", "Administrative units", "行政区划", GROUP_UNITS,
        (
            Field("code", "text", "Statistical code", "统计用区划代码", 12, True, True, check="unit_code",
                  default=UNIT_CODE_DEFAULT),
            Field("name", "text", "Name", "名称", 50, True, check="name"),
            Field("level", "text", "Level", "级别", 10, True, values="level", default=UNIT_LEVEL_DEFAULT),
            Field("parent_code", "text", "Parent code", "上级区划代码", 12, ref=_UNIT_REF,
                  default=UNIT_PARENT_DEFAULT),
        ),
    ),
    Layer(
        "rivers", "MultiLineString", "Rivers", "河流", GROUP_RIVERS,
        (
            Field("river_code", "text", "River code", "河流编码", 30, True, True),
            Field("name", "text", "Name", "河流名称", 50, True, check="name"),
            Field("grade", "text", "Grade", "河流等级", 10, values="river_grade"),
            Field("parent_river_code", "text", "Parent river", "上级河流", 30, ref=_RIVER_REF),
            Field("length_km", "real", "Length (km)", "长度(公里)",
                  default="round($length / 1000.0, 3)"),
        ),
    ),
    Layer(
        "segments", "MultiLineString", "Segments", "河段", GROUP_RIVERS,
        (
            Field("seg_code", "text", "Segment code", "河段编码", 12, True, True,
                  default=("left(@hz_district_code, 6) || lpad(to_string(coalesce(aggregate("
                           "layer:=@layer, aggregate:='max', expression:=to_int(right(\"seg_code\", 6))"
                           "), 0) + 1), 6, '0')"),
                  check="seg_code"),
            Field("river_code", "text", "River", "所属河流", 30, True, ref=_RIVER_REF),
            Field("name", "text", "Name", "河段名称", 80, True, check="name"),
            Field("bank", "text", "Bank", "岸别", 5, True, default="'both'", values="bank"),
            Field("unit_code", "text", "Responsible unit", "责任区划", 12, True, ref=_UNIT_REF,
                  check="unit_code"),
            Field("start_name", "text", "Start", "起点", 80),
            Field("end_name", "text", "End", "终点", 80),
            Field("length_km", "real", "Length (km)", "长度(公里)"),
            Field("target", "text", "Governance target", "治理目标", 254, since=2),
            _VALID_FROM,
            _VALID_TO,
        ),
    ),
    Layer(
        "chiefs", None, "Chiefs", "河长", GROUP_CHIEFS,
        (
            Field("chief_id", "text", "Chief id", "河长编号", 32, True, True,
                  default="'C' || format_date(now(), 'yyyyMMddhhmmsszzz')"),
            Field("name", "text", "Name", "姓名", 30, True, check="name"),
            Field("level", "text", "Level", "级别", 10, True, values="level"),
            Field("role", "text", "Role", "河长类型", 24, True, default="'chief'", values="role"),
            Field("position", "text", "Position", "职务", 60),
            Field("organisation", "text", "Organisation", "单位", 80),
            Field("unit_code", "text", "Unit", "所属区划", 12, True, ref=_UNIT_REF, check="unit_code"),
            Field("phone", "text", "Phone", "联系电话", 20, check="phone"),
            Field("active", "boolean", "Active", "在任", not_null=True, default="true"),
        ),
    ),
    Layer(
        "assignments", None, "Assignments", "河长任命", GROUP_CHIEFS,
        (
            Field("seg_code", "text", "Segment", "河段", 12, True, ref=_SEG_REF),
            Field("chief_id", "text", "Chief", "河长", 32, True, ref=_CHIEF_REF),
            Field("level", "text", "Level", "级别", 10, True, values="level"),
            Field("role", "text", "Role", "河长类型", 24, True, default="'chief'", values="role"),
            Field("duty", "text", "Duty", "职责", 254),
            _VALID_FROM,
            _VALID_TO,
        ),
    ),
    Layer(
        "notice_boards", "Point", "Notice boards", "公示牌", GROUP_RIVERS,
        (
            Field("board_code", "text", "Board code", "公示牌编号", 20, True, True),
            Field("seg_code", "text", "Segment", "河段", 12, True, ref=_SEG_REF),
            Field("hotline", "text", "Supervision hotline", "监督电话", 20, check="phone", since=2),
            Field("installed_on", "date", "Installed on", "设立日期"),
            Field("content_date", "date", "Content date", "内容日期"),
        ),
    ),
    # Patrols (巡河): one row per patrol track, times as the measure (M) of each vertex in
    # seconds since 1970-01-01 UTC (as QField's tracker writes them); start/end in Beijing
    # time (UTC+8, no daylight saving since 1991). Length ellipsoidal (CGCS2000).
    Layer(
        "patrols", "LineStringM", "Patrols", "巡河轨迹", GROUP_PATROLS,
        (
            Field("patrol_id", "text", "Patrol id", "巡河编号", 40, True, True),
            Field("chief_id", "text", "Chief", "河长", 32, True, ref=_CHIEF_REF),
            Field("start_time", "datetime", "Start (Beijing time)", "开始时间", not_null=True),
            Field("end_time", "datetime", "End (Beijing time)", "结束时间", not_null=True),
            Field("patrol_date", "date", "Date", "巡河日期", not_null=True),
            Field("duration_min", "real", "Duration (min)", "时长(分钟)"),
            Field("distance_km", "real", "Distance (km)", "里程(公里)"),
            Field("points", "integer", "Track points", "轨迹点数"),
            Field("dropped_points", "integer", "Points dropped in cleaning", "清洗剔除点数"),
            Field("source_file", "text", "Source file", "来源文件", 254),
            Field("source_hash", "text", "Source file SHA-256", "来源文件校验值", 64),
            Field("source_part", "integer", "Part of the source track", "来源轨迹分段"),
            Field("coords_found", "text", "Coordinates found", "识别的坐标系", 10, values="track_crs"),
            Field("coords_note", "text", "Why these coordinates", "坐标系识别依据", 254),
            Field("mode", "text", "Mode", "巡河方式", 10, True, default="'self'", values="patrol_mode"),
            Field("buffer_m", "real", "Matching distance (m)", "匹配距离(米)"),
            Field("own_share", "real", "Share of track on own segments", "本人河段轨迹占比"),
            Field("valid", "boolean", "Valid", "有效"),
            Field("reasons", "text", "Why not valid", "无效原因", 254),
            Field("imported_at", "datetime", "Imported", "导入时间"),
        ),
        since=3,
    ),
    # Per patrol and segment the chief answered for that day: the share of the segment
    # covered (stations every 10 m within the matching distance of the track), km covered
    # (share x ellipsoidal length), minutes spent near it, and whether it counts under the
    # default rule profile.
    Layer(
        "patrol_segments", None, "Patrolled segments", "巡河河段", GROUP_PATROLS,
        (
            Field("patrol_id", "text", "Patrol", "巡河编号", 40, True, ref=_PATROL_REF),
            Field("seg_code", "text", "Segment", "河段", 12, True, ref=_SEG_REF),
            Field("chief_id", "text", "Chief", "河长", 32, True, ref=_CHIEF_REF),
            Field("level", "text", "Level", "级别", 10, values="level"),
            Field("coverage", "real", "Share covered", "覆盖比例"),
            Field("km_covered", "real", "Km covered", "覆盖长度(公里)"),
            Field("minutes_near", "real", "Minutes near", "沿河时长(分钟)"),
            Field("counts", "boolean", "Counts", "计入"),
        ),
        since=3,
    ),
    # Rule profiles as data (see core.patrol_profiles for the sources of the seeded ones).
    Layer(
        "patrol_rules", None, "Patrol rules", "巡河规则", GROUP_PATROLS,
        (
            Field("profile", "text", "Profile", "规则方案", 32, True),
            Field("name", "text", "Name", "方案名称", 60, True),
            Field("name_en", "text", "Name (English)", "方案英文名称", 60),
            Field("level", "text", "Level", "河长级别", 10, True, values="level"),
            Field("period", "text", "Period", "周期", 10, True, values="period"),
            Field("min_count", "integer", "Minimum patrols per period", "每周期最少次数", not_null=True),
            Field("months", "text", "Months in force (e.g. 3-12)", "适用月份", 40),
            Field("min_minutes", "real", "Minimum minutes", "最短时长(分钟)"),
            Field("min_km", "real", "Minimum km", "最短里程(公里)"),
            Field("min_coverage", "real", "Minimum share of segment", "最低覆盖比例"),
            Field("min_gap_hours", "real", "Minimum hours between self-started patrols", "自主巡河最短间隔(小时)"),
            Field("is_default", "boolean", "Default profile", "默认方案", not_null=True, default="false"),
            Field("source", "text", "Source", "依据", 254),
        ),
        since=3,
        seed=_patrol_profiles.SEED_ROWS,
    ),
    Layer(
        "hz_meta", None, "Workspace metadata", "工作空间信息", GROUP_CHIEFS,
        (
            Field("schema_version", "integer", "Schema version", "数据结构版本", not_null=True),
            Field("district_code", "text", "District code", "区县代码", 12, True, check="unit_code"),
            Field("district_name", "text", "District name", "区县名称", 50, True),
            Field("crs", "text", "Workspace CRS", "坐标系", 20, True),
            Field("created", "datetime", "Created", "创建时间", not_null=True),
            Field("updated", "datetime", "Updated", "更新时间", not_null=True),
        ),
    ),
)

RELATIONS: tuple[Relation, ...] = (
    Relation("segment_assignments", "Segment assignments", "河段河长", "assignments", "seg_code",
             "segments", "seg_code"),
    Relation("chief_assignments", "Chief assignments", "河长任命", "assignments", "chief_id",
             "chiefs", "chief_id"),
    Relation("segment_boards", "Segment notice boards", "河段公示牌", "notice_boards", "seg_code",
             "segments", "seg_code"),
    Relation("river_segments", "River segments", "河流河段", "segments", "river_code",
             "rivers", "river_code"),
    Relation("unit_children", "Child units", "下级区划", "admin_units", "parent_code",
             "admin_units", "code"),
    Relation("chief_patrols", "Chief patrols", "河长巡河", "patrols", "chief_id", "chiefs", "chief_id"),
    Relation("patrol_segment_rows", "Patrolled segments", "巡河河段", "patrol_segments", "patrol_id",
             "patrols", "patrol_id"),
)

LAYER_BY_NAME = {layer.name: layer for layer in LAYERS}


def layer(name: str) -> Layer:
    return LAYER_BY_NAME[name]


def data_layers() -> tuple[Layer, ...]:
    """Layers a user sees in the project (hz_meta stays out of the layer tree)."""
    return tuple(lyr for lyr in LAYERS if lyr.name != "hz_meta")
