"""The one declaration of the workspace data model.

Every backend table, QGIS form, style category and schema test is generated from or
checked against the objects in this module. Stored values are stable English keys;
labels in both languages live beside them so the UI can show either.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

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

# Problems (事件) and assessment (考核), round 2. Categories are the Ministry of Water
# Resources' "四乱" (2018) and the other kinds districts track (PATROLS.md).
PROBLEM_CATEGORIES = ValueList(
    "problem_category",
    (
        Choice("occupation", "Illegal occupation", "乱占"),
        Choice("sand_mining", "Illegal sand mining or earth taking", "乱采"),
        Choice("dumping", "Illegal dumping", "乱堆"),
        Choice("building", "Illegal building", "乱建"),
        Choice("pollution", "Pollution or outfall", "污染及排污口"),
        Choice("debris", "Floating debris", "水面漂浮物"),
        Choice("facility", "Damaged facility", "设施损毁"),
        Choice("board", "Notice-board defect", "公示牌缺陷"),
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

PROBLEM_SEVERITIES = ValueList(
    "problem_severity",
    (
        Choice("general", "General", "一般"),
        Choice("serious", "Serious", "较严重"),
        Choice("major", "Major", "重大"),
    ),
)

PROBLEM_SOURCES = ValueList(
    "problem_source",
    (
        Choice("patrol", "Patrol", "巡河发现"),
        Choice("public", "Public report", "群众举报"),
        Choice("inspection", "Inspection", "督查检查"),
        Choice("waterchange", "Water-change clue", "遥感水面变化线索"),
    ),
)

PROBLEM_STATUSES = ValueList(
    "problem_status",
    (
        Choice("reported", "Reported", "已上报"),
        Choice("accepted", "Accepted", "已受理"),
        Choice("not_accepted", "Not accepted", "不予受理"),
        Choice("assigned", "Assigned", "已交办"),
        Choice("escalated", "Escalated", "已提级"),
        Choice("in_progress", "In progress", "整改中"),
        Choice("resolved", "Resolved", "已整改待验收"),
        Choice("returned", "Returned for rework", "退回整改"),
        Choice("closed", "Closed", "已销号"),
        Choice("cancelled", "Cancelled", "已撤销"),
    ),
)

QUANTITY_UNITS = ValueList(
    "quantity_unit",
    (
        Choice("m2", "m²", "平方米"),
        Choice("m3", "m³", "立方米"),
        Choice("m", "m", "米"),
        Choice("t", "t", "吨"),
        Choice("item", "item(s)", "处"),
    ),
)

ASSESSMENT_SCOPES = ValueList(
    "assessment_scope",
    (
        Choice("town", "Town", "镇街"),
        Choice("chief", "Chief", "河长"),
    ),
)

ASSESSMENT_PERIODS = ValueList(
    "assessment_period",
    (
        Choice("month", "Monthly", "月度"),
        Choice("year", "Yearly", "年度"),
    ),
)

ASSESSMENT_KINDS = ValueList(
    "assessment_kind",
    (
        Choice("score", "Score item", "得分项"),
        Choice("deduction", "Deduction item", "扣分项"),
        Choice("bonus", "Bonus item", "加分项"),
    ),
)

ASSESSMENT_METRICS = ValueList(
    "assessment_metric",
    (
        Choice("patrol_compliance", "Patrol compliance", "巡河达标率"),
        Choice("patrol_mileage", "Patrol mileage", "巡河里程"),
        Choice("problems_in_time", "Problems fixed in time", "问题按期整改"),
        Choice("boards_updated", "Notice boards updated in time", "公示牌及时更新"),
        Choice("chiefs_complete", "Chiefs at every level", "河长体系完整"),
        Choice("manual", "Entered by hand", "人工评分"),
    ),
)

ASSESSMENT_SOURCES = ValueList(
    "assessment_source",
    (
        Choice("computed", "Computed", "系统计算"),
        Choice("manual", "Entered by hand", "人工录入"),
    ),
)

GRADES = ValueList(
    "grade",
    (
        Choice("excellent", "Excellent", "优秀"),
        Choice("pass", "Pass", "合格"),
        Choice("basic", "Basic pass", "基本合格"),
        Choice("fail", "Fail", "不合格"),
    ),
)

VALUE_LISTS = {vl.key: vl for vl in (LEVELS, BANKS, ROLES, RIVER_GRADES, PROBLEM_CATEGORIES, PROBLEM_SEVERITIES,
                                     PROBLEM_SOURCES, PROBLEM_STATUSES, QUANTITY_UNITS, ASSESSMENT_SCOPES,
                                     ASSESSMENT_PERIODS, ASSESSMENT_KINDS, ASSESSMENT_METRICS,
                                     ASSESSMENT_SOURCES, GRADES, PERIODS, PATROL_MODES, TRACK_CRS)}


@dataclass(frozen=True)
class Reference:
    """A field whose values are keys of another layer (a value relation in forms)."""

    layer: str
    key: str
    display: str


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # text | integer | real | date | datetime | boolean | uuid | json
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
    #: the QGIS default is evaluated again whenever the feature is edited ("apply on update")
    on_update: bool = False
    #: editor widget beyond what the type implies: "attachment" (a file path kept relative
    #: to the workspace folder, shown with QGIS's ExternalResource widget)
    widget: Optional[str] = None

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
    #: How a row names the administrative unit it belongs to (editors' scopes are unit-code
    #: prefixes): a field holding a unit code, or ``"<field>.<field>"`` following the first
    #: field's reference to the referenced row's unit field. None: the row belongs to no unit
    #: (only district managers and admins edit it).
    unit: Optional[str] = None
    #: Carries the edit-tracking fields and is audited in the change log.
    tracked: bool = True
    #: System table: not shown in the project's layer tree.
    system: bool = False
    #: rows are history: the backend refuses to delete or change them (GeoPackage triggers)
    append_only: bool = False

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
GROUP_PROBLEMS = "问题与考核"
GROUP_PATROLS = "巡河"
GROUPS = (GROUP_PROBLEMS, GROUP_PATROLS, GROUP_RIVERS, GROUP_UNITS, GROUP_CHIEFS, GROUP_IMAGERY)

_UNIT_REF = Reference("admin_units", "code", "name")


def _containing(level: str) -> str:
    """QGIS expression: code of the unit of ``level`` holding the new polygon."""
    return ("aggregate(layer:=@layer, aggregate:='max', expression:=\"code\", "
            f"filter:=\"level\" = '{level}' AND "
            "contains($geometry, point_on_surface(geometry(@parent))))")


# Form defaults of a unit drawn with QGIS's digitising tools: the level and parent follow
# from the unit the new polygon lies in, the code is the parent's next free code (a town
# block counts from 100, a village from 001 under a street (街道) or 201 under a town); a
# polygon in no unit is the district, coded after the workspace's district (6 digits + 000000).
UNIT_LEVEL_DEFAULT = (f"CASE WHEN {_containing('town')} IS NOT NULL THEN 'village' "
                      f"WHEN {_containing('district')} IS NOT NULL THEN 'town' ELSE 'district' END")
UNIT_PARENT_DEFAULT = f"coalesce({_containing('town')}, {_containing('district')})"
UNIT_CODE_DEFAULT = (
    f"with_variable('p', {UNIT_PARENT_DEFAULT}, "
    "CASE WHEN @p IS NULL THEN left(@hz_district_code, 6) || '000000' "
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

_PROBLEM_REF = Reference("problems", "problem_code", "title")
_SHEET_REF = Reference("assessment_sheets", "sheet_code", "name")

#: Layers of round 2's problems (事件) and assessment (考核); rules in core.problems and
#: core.assessment, default rows in core.seeds.
PROBLEM_LAYERS: tuple[Layer, ...] = (
    Layer(
        "problems", "Point", "Problems", "河湖问题", GROUP_PROBLEMS,
        (
            Field("problem_code", "text", "Problem code", "问题编号", 20, True, True,
                  default=("left(@hz_district_code, 6) || '-' || format_date(now(), 'yyyyMMdd') || '-' || "
                           "lpad(to_string(coalesce(aggregate(layer:=@layer, aggregate:='max', "
                           "expression:=to_int(right(\"problem_code\", 3)), filter:=substr(\"problem_code\", 8, 8)"
                           " = format_date(now(), 'yyyyMMdd')), 0) + 1), 3, '0')")),
            Field("title", "text", "Description", "问题描述", 120, True, check="name"),
            Field("category", "text", "Category", "问题类别", 16, True, values="problem_category"),
            Field("quantity", "real", "Quantity", "数量"),
            Field("quantity_unit", "text", "Unit of quantity", "计量单位", 8, values="quantity_unit"),
            Field("severity", "text", "Severity", "严重程度", 10, values="problem_severity"),
            Field("source", "text", "Source", "问题来源", 16, True, default="'patrol'", values="problem_source"),
            Field("source_ref", "text", "Source reference", "来源编号", 80),
            Field("reported_on", "date", "Reported on", "发现日期", not_null=True, default="now()"),
            Field("reported_by", "text", "Reported by", "报告人", 30),
            Field("seg_code", "text", "Segment", "所在河段", 12, ref=_SEG_REF),
            Field("river_code", "text", "River", "所在河流", 30, ref=_RIVER_REF),
            Field("unit_code", "text", "Responsible unit", "责任区划", 12, ref=_UNIT_REF),
            Field("chief_id", "text", "Responsible chief", "责任河长", 32, ref=_CHIEF_REF),
            Field("deadline", "date", "Deadline", "整改期限"),
            Field("status", "text", "Status", "办理状态", 16, True, default="'reported'", values="problem_status"),
            Field("status_at", "datetime", "Status since", "状态时间"),
            Field("photo_before", "text", "Photo before", "整改前照片", 254, widget="attachment"),
            Field("photo_after", "text", "Photo after", "整改后照片", 254, widget="attachment"),
        ),
        since=3,
        unit="unit_code",
    ),
    Layer(
        "problem_events", None, "Problem history", "问题办理记录", GROUP_PROBLEMS,
        (
            Field("problem_code", "text", "Problem", "问题编号", 20, True, ref=_PROBLEM_REF),
            Field("event_time", "datetime", "Time", "办理时间", not_null=True, default="now()"),
            Field("actor", "text", "Actor", "办理人", 30, True),
            Field("actor_level", "text", "Actor level", "办理层级", 10, values="level"),
            Field("from_status", "text", "From status", "原状态", 16, values="problem_status"),
            Field("to_status", "text", "To status", "新状态", 16, True, values="problem_status"),
            Field("note", "text", "Note", "办理意见", 254),
        ),
        since=3,
        append_only=True,
    ),
    Layer(
        "problem_transitions", None, "Problem workflow", "问题办理流程", GROUP_PROBLEMS,
        (
            Field("from_status", "text", "From status", "原状态", 16, True, values="problem_status"),
            Field("to_status", "text", "To status", "新状态", 16, True, values="problem_status"),
            Field("by_level", "text", "Only by level", "限定层级", 10, values="level"),
            Field("note_required", "boolean", "Note required", "须填写意见", not_null=True, default="false"),
        ),
        since=3,
    ),
    Layer(
        "problem_rules", None, "Problem severity and deadlines", "问题分级与期限", GROUP_PROBLEMS,
        (
            Field("category", "text", "Category", "问题类别", 16, True, values="problem_category"),
            Field("quantity_unit", "text", "Unit of quantity", "计量单位", 8, values="quantity_unit"),
            Field("serious_from", "real", "Serious from (quantity ≥)", "较严重起点(数量≥)"),
            Field("major_above", "real", "Major above (quantity >)", "重大起点(数量>)"),
            Field("general_days", "integer", "Days to fix, general", "一般问题整改天数"),
            Field("serious_days", "integer", "Days to fix, serious", "较严重问题整改天数"),
            Field("major_days", "integer", "Days to fix, major", "重大问题整改天数"),
        ),
        since=3,
    ),
    Layer(
        "assessment_sheets", None, "Assessment sheets", "考核评分表", GROUP_PROBLEMS,
        (
            Field("sheet_code", "text", "Sheet code", "评分表编号", 20, True, True),
            Field("name", "text", "Name", "名称", 80, True, check="name"),
            Field("scope", "text", "Assessed", "考核对象", 10, True, values="assessment_scope"),
            Field("period", "text", "Period", "考核周期", 10, True, default="'month'", values="assessment_period"),
            Field("full_marks", "real", "Full marks", "满分", not_null=True, default="100"),
            Field("bonus_cap", "real", "Bonus cap", "加分上限", default="3"),
            Field("excellent_from", "real", "Excellent from", "优秀分数线", default="90"),
            Field("qualified_from", "real", "Pass from", "合格分数线", default="80"),
            Field("basic_from", "real", "Basic pass from", "基本合格分数线", default="70"),
        ),
        since=3,
    ),
    Layer(
        "assessment_items", None, "Assessment items", "考核评分项", GROUP_PROBLEMS,
        (
            Field("sheet_code", "text", "Sheet", "评分表", 20, True, ref=_SHEET_REF),
            Field("item_code", "text", "Item code", "评分项编号", 20, True),
            Field("seq", "integer", "Order", "序号"),
            Field("name", "text", "Name", "评分项", 80, True, check="name"),
            Field("kind", "text", "Kind", "类型", 10, True, values="assessment_kind"),
            Field("metric", "text", "Computed from", "计算依据", 20, True, default="'manual'",
                  values="assessment_metric"),
            Field("points", "real", "Points (score: full points; deduction or bonus: cap)", "分值(扣分、加分项为上限)"),
            Field("per_unit", "real", "Points per occurrence", "每项扣(加)分"),
            Field("carry_factor", "real", "Factor when carried into the next period", "跨期累计倍数"),
            Field("threshold", "real", "Threshold", "标准值"),
            Field("evidence_hint", "text", "Evidence", "评分依据", 254),
        ),
        since=3,
    ),
    Layer(
        "assessment_results", None, "Assessment results", "考核结果", GROUP_PROBLEMS,
        (
            Field("sheet_code", "text", "Sheet", "评分表", 20, True, ref=_SHEET_REF),
            Field("period", "text", "Period", "考核期", 7, True),
            Field("subject_code", "text", "Assessed", "考核对象编号", 32, True),
            Field("subject_name", "text", "Assessed (name)", "考核对象", 80),
            Field("item_code", "text", "Item", "评分项", 20, True),
            Field("line", "integer", "Line (0: item total)", "明细序号(0为小计)", not_null=True, default="0"),
            Field("points", "real", "Points", "得分(扣分为负)"),
            Field("value", "real", "Measured value", "实测值"),
            Field("detail", "text", "Detail", "说明", 254),
            Field("evidence_layer", "text", "Evidence table", "依据数据表", 30),
            Field("evidence_key", "text", "Evidence row", "依据记录", 80),
            Field("source", "text", "Source", "来源", 10, True, default="'manual'", values="assessment_source"),
            Field("grade", "text", "Grade", "等次", 10, values="grade"),
            Field("rank", "integer", "Rank", "排名"),
            Field("entered_by", "text", "Entered by", "录入人", 30),
            Field("computed_at", "datetime", "Written at", "写入时间"),
            # A computed row replaced by a later run of its sheet and period keeps its points
            # and gets the time of that run here (services.assessment.assess): never deleted.
            Field("superseded_at", "datetime", "Superseded at (recomputed)", "被重算替代时间", since=3),
        ),
        since=3,
    ),
)

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
        unit="code",
    ),
    Layer(
        "rivers", "MultiLineString", "Rivers", "河流", GROUP_RIVERS,
        (
            Field("river_code", "text", "River code", "河流编码", 30, True, True),
            Field("name", "text", "Name", "河流名称", 50, True, check="name"),
            Field("grade", "text", "Grade", "河流等级", 10, values="river_grade"),
            Field("parent_river_code", "text", "Parent river", "上级河流", 30, ref=_RIVER_REF),
            # $length is ellipsoidal in the project's distance unit, which a workspace
            # project sets to kilometres (data.project.build_project).
            Field("length_km", "real", "Length (km)", "长度(公里)",
                  default="round($length, 3)"),
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
        unit="unit_code",
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
        unit="unit_code",
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
        unit="seg_code.unit_code",
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
        unit="seg_code.unit_code",
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
    # Rule profiles as data, seeded (core.seeds) with core.patrol_profiles, whose sources it names.
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
        tracked=False, system=True,
    ),
    Layer(
        "change_log", None, "Change log", "变更记录", GROUP_CHIEFS,
        (
            Field("changed_at", "datetime", "Changed at", "变更时间", not_null=True),
            Field("changed_by", "text", "Changed by", "变更人", 64),
            Field("layer", "text", "Layer", "图层", 40, True),
            Field("row_uid", "uuid", "Row uid", "记录标识", 36),
            Field("row_fid", "integer", "Row fid", "记录号"),
            Field("row_key", "text", "Row key", "记录编码", 40),
            Field("action", "text", "Action", "操作", 10, True),
            Field("old_values", "json", "Old values", "原值"),
            Field("new_values", "json", "New values", "新值"),
        ),
        since=3, tracked=False, system=True,
    ),
    *PROBLEM_LAYERS,
)

#: Edit tracking (schema version 3), added to every tracked layer: a stable identifier, the
#: row version used for optimistic locking, and who created and last changed the row when.
#: PostgreSQL triggers fill them from the login (``session_user``) and the server clock;
#: GeoPackage triggers fill uid, version and times, and QGIS defaults the user names.
#: Row-version protocol (both backends): an UPDATE that sets ``row_version`` to ``-v``
#: claims "I started from version v" and is refused unless the stored version is v; an
#: UPDATE that does not set it is simply counted. The stored version then becomes v + 1.
#: QGIS's default ``-abs("row_version")`` (applied on update) makes that claim from the
#: version the feature was loaded with, however many times it is edited before saving
#: (``"row_version" + 1`` would add one per edit and refuse a twice-edited feature).
TRACKING_FIELDS: tuple[Field, ...] = (
    Field("uid", "uuid", "Identifier", "唯一标识", 36, default="uuid('WithoutBraces')", since=3),
    Field("row_version", "integer", "Row version", "版本号", default='-abs("row_version")',
          on_update=True, since=3),
    Field("created_at", "datetime", "Created at", "创建时间", default="now()", since=3),
    Field("created_by", "text", "Created by", "创建人", 64, default="@user_account_name", since=3),
    Field("updated_at", "datetime", "Updated at", "修改时间", default="now()", on_update=True, since=3),
    Field("updated_by", "text", "Updated by", "修改人", 64, default="@user_account_name",
          on_update=True, since=3),
)
TRACKING_NAMES = tuple(f.name for f in TRACKING_FIELDS)


def _with_tracking(lyr: Layer) -> Layer:
    # History tables (append_only) are their own record: rows are never changed.
    if not lyr.tracked or lyr.append_only or any(f.name == "uid" for f in lyr.fields):
        return lyr
    return replace(lyr, fields=(*lyr.fields, *TRACKING_FIELDS))


LAYERS = tuple(_with_tracking(lyr) for lyr in LAYERS)

#: Fields that name a row to a person (in messages and the change log), in order of preference.
ROW_KEYS = ("problem_code", "patrol_id", "board_code", "seg_code", "chief_id", "code", "river_code", "sheet_code")


def row_key_field(lyr: Layer) -> Optional[str]:
    """The field that names a row of ``lyr`` to a person (seg_code, chief_id, ...), if any."""
    names = lyr.field_names
    return next((k for k in ROW_KEYS if k in names), None)

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
    Relation("problem_history", "Problem history", "问题办理记录", "problem_events", "problem_code",
             "problems", "problem_code"),
    Relation("sheet_items", "Sheet items", "评分项", "assessment_items", "sheet_code",
             "assessment_sheets", "sheet_code"),
)

LAYER_BY_NAME = {layer.name: layer for layer in LAYERS}


def layer(name: str) -> Layer:
    return LAYER_BY_NAME[name]


def data_layers() -> tuple[Layer, ...]:
    """Layers a user sees in the project (system tables such as hz_meta and the change log
    stay out of the layer tree)."""
    return tuple(lyr for lyr in LAYERS if not lyr.system)
