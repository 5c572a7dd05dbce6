"""Texts a user reads, in English and Simplified Chinese, from one table.

Every message the domain layer produces is a :class:`Message`: a key into :data:`MESSAGES`
plus named fields. It *is* its English text (``Message`` subclasses ``str``, so logs, tests
and older callers keep working) and renders in either language with :meth:`Message.text`.
Core never decides the language: the caller that shows the text passes it (gui and
processing ask ``hezhang_plugin.i18n.ui_language()``).

Adding a message: add ``"area.what": (english, chinese)`` to :data:`MESSAGES` with the same
named fields in both templates; ``{field!r}`` quotes a value in English;
``{field:level}`` / ``{field:role}`` / ``{field:bank}`` / ``{field:river_grade}`` shows a
stored value-list key (``town``) as its label in the language (English keeps the key);
a field holding a :class:`Message` or :class:`Text` is rendered in the same language.

    >>> m = Message("unit_code.prefix", code="411171101001", prefix="411171102")
    >>> m.text("zh")
    '行政区划代码411171101001不以上级代码前缀411171102开头'
    >>> raise HezhangError("unit_code.prefix", code="1", prefix="2")  # str(exc) is English
"""

from __future__ import annotations

import string
from typing import Any, Mapping, Optional

from hezhang_plugin.core import schema

#: key -> (English template, Chinese template); both name the same fields.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- codes and formats (core.codes)
    "phone.mobile_digits": (
        "phone {phone!r}: a mobile number has 11 digits, this has {digits}",
        "电话“{phone}”：手机号码应为11位，此号码为{digits}位",
    ),
    "phone.invalid": (
        "phone {phone!r} is neither a mainland mobile number (11 digits, 13x-19x) "
        "nor a landline with area code (0xx-xxxxxxxx)",
        "电话“{phone}”既不是大陆手机号码（11位，13x–19x），也不是带区号的固定电话（0xx-xxxxxxxx）",
    ),
    "unit_code.not_12_digits": (
        "unit code {code!r} is not a 12-digit statistical division code",
        "行政区划代码“{code}”不是12位统计用区划代码",
    ),
    "unit_code.wrong_level": (
        "unit code {code} is the code of a {implied} unit, not of a {level} unit",
        "行政区划代码{code}是{implied:level}单位的代码，不是{level:level}单位的代码",
    ),
    "unit_code.no_parent": ("{level} unit {code} has no parent code", "{level:level}单位{code}没有上级代码"),
    "unit_code.parent_level": (
        "parent {parent} of {level} unit {code} is not a {want} unit",
        "{level:level}单位{code}的上级{parent}不是{want:level}单位",
    ),
    "unit_code.prefix": (
        "unit code {code} does not start with its parent's prefix {prefix}",
        "行政区划代码{code}不以上级代码前缀{prefix}开头",
    ),
    "district_code.invalid": (
        "district code {code!r} is neither the 6-digit GB/T 2260 code nor the 12-digit statistical code "
        "of a district",
        "区县代码“{code}”既不是6位GB/T 2260代码，也不是区县的12位统计用区划代码",
    ),
    "district_code.not_county": (
        "district code {code} is not a county-level code (it must end in 000000)",
        "区县代码{code}不是县级代码（应以000000结尾）",
    ),
    "seg_code.not_12_digits": (
        "segment code {code!r} is not 12 digits (county code + 6-digit sequence)",
        "河段编码“{code}”不是12位（县级代码+6位序号）",
    ),
    "seg_code.county": (
        "segment code {code} does not start with the county code {county}",
        "河段编码{code}不以县级代码{county}开头",
    ),
    "seg_code.exhausted": ("segment codes of county {county} are exhausted", "县级代码{county}的河段编码已用尽"),
    "name.empty": ("name is empty", "名称为空"),
    # ---- chief records (core.assignments)
    "chief.name_empty": ("name is empty", "姓名为空"),
    "chief.level_invalid": ("level {level!r} is not one of {choices}", "级别“{level}”不是{choices}之一"),
    "chief.role_invalid": ("role {role!r} is not one of {choices}", "河长类型“{role}”不是{choices}之一"),
    "chief.unit_unknown": (
        "unit code {unit} is not an administrative unit of the workspace",
        "行政区划代码{unit}不是本工作空间的行政区划",
    ),
    "chief.unit_level": (
        "a {level} chief must belong to a {level} unit; {unit} is a {unit_level} unit",
        "{level:level}河长必须属于{level:level}单位；{unit}是{unit_level:level}单位",
    ),
    "chief.unknown": ("no chief with id {chief}", "没有编号为{chief}的河长"),
    "chief.inactive": ("chief {chief} ({name}) is not active", "河长{name}（{chief}）已离任"),
    "assignment.bad_start": ("start date {value!r} is not a date", "开始日期“{value}”不是有效日期"),
    "assignment.no_end": ("an end date is needed", "需要结束日期"),
    "assignment.no_end_deactivate": ("an end date is needed to deactivate a chief", "停用河长需要结束日期"),
    "assignment.unknown_segments": ("unknown segment code(s): {codes}", "未知的河段编码：{codes}"),
    # ---- dates (core.dates)
    "date.invalid": ("{value!r} is not a date (use 2024-03-01)", "“{value}”不是有效日期（请写作2024-03-01）"),
    # ---- CRS facts (core.crs)
    "crs.missing": ("{layer} has no CRS; set it first", "{layer}没有坐标参考系，请先设置"),
    "crs.unknown": ("{layer}: {crs!r} is not a coordinate reference system", "{layer}：“{crs}”不是坐标参考系"),
    "crs.not_degrees": (
        "{layer} is in {crs}, a geographic CRS, but its coordinates reach x {x:.0f}, y {y:.0f}: "
        "outside ±180/±90 they cannot be degrees; set the layer's real CRS",
        "{layer}的坐标参考系为地理坐标系{crs}，但其坐标达到 x {x:.0f}、y {y:.0f}：超出±180/±90，不可能是经纬度；"
        "请设置图层的实际坐标参考系",
    ),
    # ---- coverage rules (core.coverage)
    "coverage.R1": (
        "Segment {seg} ({name}) has no {level} chief on {date}",
        "河段{seg}（{name}）在{date}缺少{level:level}河长",
    ),
    "coverage.R2": (
        "Chief {chief} ({cname}, {level}) belongs to unit {cunit}, but segment {seg} needs a chief "
        "of unit {want}",
        "河段{seg}的{level:level}河长{cname}（{chief}）属于{cunit}，应属于{want}",
    ),
    "coverage.R2a": (
        "Appointment of {chief} on segment {seg} refers to an unknown or inactive chief",
        "河段{seg}的任命引用了不存在或已离任的河长{chief}",
    ),
    "coverage.R2b": (
        "Appointment of {chief} on segment {seg} is at level {alevel}, the chief is {level}",
        "河段{seg}上{chief}的任命级别为{alevel:level}，河长级别为{level:level}",
    ),
    "coverage.R3gap": (
        "River {river} ({rname}), {bank}: {km:.3f} km without a segment",
        "河流{rname}（{river}）{bank:bank}有{km:.3f}公里未划分河段",
    ),
    "coverage.R3overlap": (
        "River {river} ({rname}), {bank}: segments {seg} and {seg2} overlap for {km:.3f} km",
        "河流{rname}（{river}）{bank:bank}河段{seg}与{seg2}重叠{km:.3f}公里",
    ),
    "coverage.R3river": ("Segment {seg} refers to unknown river {river}", "河段{seg}所属河流{river}不存在"),
    "coverage.R4": (
        "River {river} ({rname}) crosses village {unit} ({uname}) for {km:.3f} km without a segment there",
        "河流{rname}（{river}）流经{uname}（{unit}）{km:.3f}公里，但该村没有河段",
    ),
    "coverage.R5": ("Segment {seg} ({name}) has no notice board", "河段{seg}（{name}）没有公示牌"),
    "coverage.R6": (
        "Segment {seg} has {n} {level} chiefs of role {role} on {date}: {chiefs}",
        "河段{seg}在{date}有{n}名{level:level}{role:role}：{chiefs}",
    ),
    "coverage.R7": ("{what}: {problem}", "{what}：{problem}"),
    "coverage.what_unit": ("unit {code}", "行政区划{code}"),
    "coverage.what_river_fid": ("river fid {fid}", "河流fid {fid}"),
    "coverage.what_river": ("river {code}", "河流{code}"),
    "coverage.what_segment": ("segment {code}", "河段{code}"),
    "coverage.what_chief": ("chief {chief} ({name})", "河长{name}（{chief}）"),
    "coverage.what_board": ("notice board {code}", "公示牌{code}"),
    "coverage.level_invalid": (
        "level {level!r} is not district/town/village",
        "级别“{level}”不是区级、镇级或村级",
    ),
    "coverage.river_code_empty": ("river code is empty", "河流编码为空"),
    "coverage.segment_unit_unknown": (
        "unit {unit!r} is not an administrative unit of the workspace",
        "所属行政区划“{unit}”不是本工作空间的行政区划",
    ),
    "coverage.bank_invalid": ("bank {bank!r} is not both/left/right", "岸别“{bank}”不是两岸、左岸或右岸"),
    # ---- change-set descriptions (what a user action does; the undo text)
    "change.assign": ("Assign {name} to {count} segments", "任命{name}负责{count}个河段"),
    "change.end_assignments": ("End {count} appointments on {date}", "于{date}终止{count}项任命"),
    "change.deactivate": ("Deactivate {name}", "停用{name}"),
    "change.add_chief": ("Add chief", "添加河长"),
    "change.edit_chief": ("Edit chief", "编辑河长"),
    "change.import_roster": ("Import roster {file}", "导入河长名单{file}"),
    "change.segment_rivers": ("Segment rivers by {level} units", "按{level:level}区划划分河段"),
    "change.place_boards": ("Place {count} notice boards", "设置{count}块公示牌"),
    "change.refresh_boards": ("Refresh the content date of {count} notice boards", "更新{count}块公示牌的内容日期"),
    # ---- batch writes (services, data)
    "write.unsaved_edits": (
        "{layers} have unsaved edits; save or discard them before {operation}",
        "{layers}有未保存的编辑；请先保存或放弃这些编辑，再{operation}",
    ),
}

#: Value lists a ``{field:<list>}`` format spec may name.
_VALUE_LISTS = schema.VALUE_LISTS

LANGUAGES = ("en", "zh")


def language(lang: Optional[str]) -> str:
    """'zh' for any Chinese language tag (zh, zh_CN, zh-Hans…), else 'en'."""
    return "zh" if (lang or "").lower().replace("-", "_").startswith("zh") else "en"


class Text:
    """A field value already worded in both languages (e.g. a list of labels)."""

    __slots__ = ("en", "zh")

    def __init__(self, en: str, zh: Optional[str] = None):
        self.en = en
        self.zh = en if zh is None else zh

    def text(self, lang: Optional[str] = "en") -> str:
        return self.zh if language(lang) == "zh" else self.en

    def __str__(self) -> str:
        return self.en

    def __repr__(self) -> str:
        return f"Text({self.en!r}, {self.zh!r})"


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang

    def _plain(self, value: Any) -> Any:
        if isinstance(value, (Message, Text)):
            return value.text(self.lang)
        return value

    def convert_field(self, value: Any, conversion: Optional[str]) -> Any:
        return super().convert_field(self._plain(value), conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in _VALUE_LISTS:
            if value is None or value == "":
                return "" if value == "" else "?"
            return _VALUE_LISTS[format_spec].label(value, "zh") if self.lang == "zh" else str(value)
        return super().format_field(self._plain(value), format_spec)


def render(key: str, lang: Optional[str] = "en", **fields: Any) -> str:
    """The text of message ``key`` in ``lang`` with ``fields`` filled in.

    Raises ``KeyError`` for an unknown key or a field a template names but ``fields`` lacks.
    """
    en, zh = MESSAGES[key]
    lang = language(lang)
    return _Formatter(lang).vformat(zh if lang == "zh" else en, (), fields)


class Message(str):
    """A user-facing message: its English text, plus the key and fields to word it in any
    language (``text('zh')``). Equal to its English text as a ``str``."""

    key: Optional[str]
    fields: Mapping[str, Any]

    def __new__(cls, key: str, **fields: Any) -> Message:
        obj = super().__new__(cls, render(key, "en", **fields))
        obj.key = key
        obj.fields = dict(fields)
        obj._zh = None
        return obj

    @classmethod
    def literal(cls, en: str, zh: Optional[str] = None) -> Message:
        """A message with fixed wording (no table entry), e.g. wrapping a library's error."""
        obj = super().__new__(cls, en)
        obj.key = None
        obj.fields = {}
        obj._zh = en if zh is None else zh
        return obj

    def text(self, lang: Optional[str] = "en") -> str:
        """The message in ``lang`` ('en' or 'zh'; any zh_* tag counts as Chinese)."""
        if language(lang) == "en":
            return str.__str__(self)
        if self.key is None:
            return self._zh
        return render(self.key, "zh", **self.fields)

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def zh(self) -> str:
        return self.text("zh")

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {str.__str__(self)!r})"

    def __reduce__(self):
        return (_rebuild, (self.key, self.fields, str.__str__(self), self._zh))


def _rebuild(key, fields, en, zh):
    return Message(key, **fields) if key else Message.literal(en, zh)


def as_message(value: Any) -> Message:
    """``value`` as a Message: itself when it is one, a literal for any other text."""
    if isinstance(value, Message):
        return value
    if isinstance(value, HezhangError):
        return value.message
    return Message.literal(str(value))


class HezhangError(Exception):
    """An error whose message a user reads, in either language.

    ``HezhangError("chief.unknown", chief="C1")`` or ``HezhangError(message)``; ``str(exc)``
    is the English text, ``exc.text(lang)`` the text in ``lang``, ``exc.message`` the Message.
    Subclass it for errors a caller wants to catch by kind (``AssignmentError``…).
    """

    def __init__(self, message: Any, **fields: Any):
        if isinstance(message, Message):
            msg = message
        elif isinstance(message, str) and message in MESSAGES:
            msg = Message(message, **fields)
        else:
            msg = Message.literal(str(message))
        super().__init__(str.__str__(msg))
        self.message = msg

    def text(self, lang: Optional[str] = "en") -> str:
        return self.message.text(lang)
