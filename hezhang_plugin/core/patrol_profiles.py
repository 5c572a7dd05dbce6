"""The patrol rule profiles seeded into every workspace's ``patrol_rules`` table (data only:
the schema declares them as the table's seed rows, core.patrol_rules reads them).

Sources (see PATROLS.md of the project): Henan provincial rule of 2018 (county chiefs at
least quarterly, township monthly, village weekly; no minimum per patrol) is the default;
Akqi county, Xinjiang (2022): county quarterly, town monthly and village weekly from March
to December, at least 30 minutes, town and village at least 2 km, a self-started patrol at
least 96 h after the previous one; a town of Sixian county, Anhui: town at least once a
month per river, village twice a month, at least 5 minutes and 300 m; Guangzhou (2021):
village at least once every 10 days (旬), at least 10 minutes and 1 km. None of these sets
a minimum share of the segment covered: ``DEFAULT_MIN_COVERAGE`` (half of the segment) is
this plugin's default, so that a patrol counts for a segment only when it walked a real
part of it; it is a value in the table like any other.
"""

from __future__ import annotations

#: Share of a segment a patrol must cover to count for it where a rule sets none.
DEFAULT_MIN_COVERAGE = 0.5
DEFAULT_PROFILE = "henan_2018"

#: Period kinds in the order of their length.
PERIOD_KINDS = ("week", "dekad", "month", "quarter", "year")

_ALL = ""


def _row(profile, name, name_en, level, period, min_count, months=_ALL, min_minutes=None, min_km=None,
         min_coverage=DEFAULT_MIN_COVERAGE, min_gap_hours=None, is_default=False, source=""):
    return {
        "profile": profile, "name": name, "name_en": name_en, "level": level, "period": period,
        "min_count": min_count, "months": months or None, "min_minutes": min_minutes, "min_km": min_km,
        "min_coverage": min_coverage, "min_gap_hours": min_gap_hours, "is_default": is_default,
        "source": source,
    }


_HENAN = ("henan_2018", "河南省（2018）", "Henan (2018)")
_HENAN_SRC = "河南省全面推行河长制工作方案（2018）：县级每季度、乡级每月、村级每周至少巡河一次"
_AKQI = ("akqi_2022", "阿合奇县（2022）", "Akqi county (2022)")
_AKQI_SRC = ("阿合奇县河湖长巡河制度（2022）：县级每季度、乡级每月、村级每周（3—12月）；每次不少于30分钟，"
             "乡村两级不少于2公里；自主巡河距上次不少于96小时")
_SIXIAN = ("sixian_town", "泗县某镇（安徽）", "A town of Sixian (Anhui)")
_SIXIAN_SRC = "泗县某镇巡河制度：镇级每月每条河至少1次，村级每月至少2次；每次不少于5分钟、300米"
_GZ = ("guangzhou_2021", "广州市（2021）", "Guangzhou (2021)")
_GZ_SRC = "广州市河湖长巡查制度（2021）：村级每旬至少1次（无预警时），每次不少于10分钟、1公里"

#: The profiles seeded into new workspaces and by migration 3 (rows of ``patrol_rules``).
SEED_ROWS: tuple[dict, ...] = (
    _row(*_HENAN, "district", "quarter", 1, is_default=True, source=_HENAN_SRC),
    _row(*_HENAN, "town", "month", 1, is_default=True, source=_HENAN_SRC),
    _row(*_HENAN, "village", "week", 1, is_default=True, source=_HENAN_SRC),
    _row(*_AKQI, "district", "quarter", 1, min_minutes=30, min_gap_hours=96, source=_AKQI_SRC),
    _row(*_AKQI, "town", "month", 1, "3-12", min_minutes=30, min_km=2, min_gap_hours=96, source=_AKQI_SRC),
    _row(*_AKQI, "village", "week", 1, "3-12", min_minutes=30, min_km=2, min_gap_hours=96, source=_AKQI_SRC),
    _row(*_SIXIAN, "town", "month", 1, min_minutes=5, min_km=0.3, source=_SIXIAN_SRC),
    _row(*_SIXIAN, "village", "month", 2, min_minutes=5, min_km=0.3, source=_SIXIAN_SRC),
    _row(*_GZ, "village", "dekad", 1, min_minutes=10, min_km=1, source=_GZ_SRC),
)
