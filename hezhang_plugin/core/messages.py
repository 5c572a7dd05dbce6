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
    "crs.outside_area": (
        "{layer} is in {crs}, but its coordinates (x {x0:.3f} … {x1:.3f}, y {y0:.3f} … {y1:.3f}) lie far outside "
        "the area that CRS is made for: the layer's CRS is probably wrong (degrees stored under a projected "
        "CRS?); set the layer's real CRS",
        "{layer}的坐标参考系为{crs}，但其坐标（x {x0:.3f} … {x1:.3f}，y {y0:.3f} … {y1:.3f}）远在该坐标参考系的"
        "适用范围之外：图层的坐标参考系可能有误（投影坐标系下存的是经纬度？）；请设置图层的实际坐标参考系",
    ),
    "crs.how_to_set": (
        "(Layer Properties › Source › Assigned coordinate reference system, or Layer › Set CRS of Layer), then "
        "run again.",
        "（图层属性 › 源 › 指定的坐标参考系，或 图层 › 设置图层坐标参考系），然后重新运行。",
    ),
    # ---- what algorithms read from user layers (processing.inputs)
    "input.layer": ("{param} (layer “{name}”)", "{param}（图层“{name}”）"),
    "input.garbled_text": (
        "{layer}: {count} text value(s) look garbled (e.g. feature {fid}, field {field}: “{value}”): the layer "
        "is read with the wrong text encoding. Set it in Layer Properties › Source › Data source encoding "
        "(GBK or GB18030 for most Chinese shapefiles without a .cpg file) and run again; nothing was written.",
        "{layer}：有{count}个文本值像是乱码（例如要素{fid}，字段{field}：“{value}”）：图层的文本编码设置有误。请在"
        "图层属性 › 源 › 数据源编码中设置（没有 .cpg 文件的中文 Shapefile 大多为 GBK 或 GB18030），然后重新运行；"
        "未写入任何数据。",
    ),
    "input.curves_linearised": (
        "{layer}: {count} curved geometries (arcs) were replaced by straight segments at most {tolerance} m "
        "from the curve.",
        "{layer}：{count}个曲线几何（圆弧）已替换为直线段，与曲线的偏差不超过{tolerance}米。",
    ),
    "input.zm_dropped": (
        "{layer} has {dims} values; {output} are two-dimensional, so they are not carried over.",
        "{layer}带有{dims}值；{output}为二维，因此这些值不会保留。",
    ),
    "input.output_segments": ("segments", "河段"),
    "input.output_findings": ("the findings' geometries", "检查结果的几何"),
    "input.output_water_changes": ("the water-change polygons", "水体变化多边形"),
    # ---- segmentation notes and refusals (core.segmentation)
    "segmentation.parts_reversed": (
        "{river} ({code}): part(s) {parts} were digitised against the flow of the rest and were reversed.",
        "{river}（{code}）：第{parts}部分的数字化方向与其余部分的水流方向相反，已反转。",
    ),
    "segmentation.river_reversed": (
        "{river} ({code}) was digitised from mouth to source (its start meets its parent river {parent}); "
        "it was reversed.",
        "{river}（{code}）是从河口向源头数字化的（其起点与上级河流{parent}相接），已反转。",
    ),
    "segmentation.parent_missing": (
        "{river} ({code}): its parent river {parent} is not among the rivers, so its flow direction could not "
        "be checked; it is taken as digitised.",
        "{river}（{code}）：其上级河流{parent}不在河流图层中，无法核对流向；按数字化方向处理。",
    ),
    "segmentation.mouth_not_on_parent": (
        "{river} ({code}): neither end meets its parent river {parent} (nearest {distance_m} m), so its flow "
        "direction could not be checked; it is taken as digitised.",
        "{river}（{code}）：两端都不与上级河流{parent}相接（最近{distance_m}米），无法核对流向；按数字化方向处理。",
    ),
    "segmentation.topology_noise": (
        "{river} ({code}): {pieces} place(s), {length_m} m in all, lie in gaps or overlaps between units "
        "narrower than the boundary tolerance; they were given to the units on either side (correct the unit "
        "boundaries to be exact).",
        "{river}（{code}）：有{pieces}处、共{length_m}米位于相邻区划之间窄于边界容差的缝隙或重叠中，已分给两侧的"
        "区划（请修正区划边界使其严密相接）。",
    ),
    "segmentation.layer_rivers": ("Rivers", "河流"),
    "segmentation.layer_units": ("Units", "行政区划"),
    "segmentation.garbled_text": (
        "{layer}: {count} text value(s) look garbled (e.g. feature {fid}, field {field}: “{value}”): the data "
        "was read with the wrong text encoding. Set the layer's encoding (Layer Properties › Source › Data "
        "source encoding, GBK for most Chinese shapefiles without a .cpg file), load it again and run again; "
        "nothing was written.",
        "{layer}：有{count}个文本值像是乱码（例如要素{fid}，字段{field}：“{value}”）：数据读取时使用了错误的文本"
        "编码。请设置图层编码（图层属性 › 源 › 数据源编码，没有 .cpg 文件的中文 Shapefile 大多为 GBK），重新加载后"
        "再运行；未写入任何数据。",
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
    "coverage.P1": (
        "Problem {code} ({title}) is {days} day(s) overdue on {date}: deadline {deadline}, status {status}",
        "问题{code}（{title}）在{date}已逾期{days}天：整改期限{deadline}，当前状态为{status:problem_status}",
    ),
    "coverage.P2": ("Problem {code} ({title}) is closed without a photo after the work",
                    "问题{code}（{title}）已销号，但没有整改后照片"),
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
    "change.move_problem": ("Problem {code}: {src:problem_status} → {dst:problem_status}",
                            "问题{code}：{src:problem_status} → {dst:problem_status}"),
    "change.add_problems": ("Add {count} problem(s)", "登记{count}个问题"),
    "change.fill_problems": ("Fill in {count} problem(s) from their location", "按位置补全{count}个问题"),
    "change.water_clues": ("Add {count} water-change clue(s)", "登记{count}条遥感变化线索"),
    # ---- problems (core.problems)
    "problems.no_step": (
        "A problem cannot go from {src:problem_status} to {dst:problem_status}: the workflow has no such step. "
        "Next steps from {src:problem_status}: {options}.",
        "问题不能从“{src:problem_status}”转为“{dst:problem_status}”：办理流程中没有这一步。"
        "“{src:problem_status}”之后可以：{options}。",
    ),
    "problems.level": (
        "Only a {level} actor may move a problem from {src:problem_status} to {dst:problem_status}.",
        "只有{level:level}可以将问题从“{src:problem_status}”转为“{dst:problem_status}”。",
    ),
    "problems.note": (
        "Moving a problem from {src:problem_status} to {dst:problem_status} needs a note (the reason).",
        "将问题从“{src:problem_status}”转为“{dst:problem_status}”须填写办理意见（理由）。",
    ),
    "problems.actor": ("Say who makes the change (the actor is empty).", "请填写办理人（办理人为空）。"),
    "problems.time": (
        "The change is dated {when}, before the problem's last recorded change ({last}).",
        "办理时间{when}早于该问题最近一次办理记录（{last}）。",
    ),
    "problems.stale": (
        "Problem {code} is now {now:problem_status}, not {src:problem_status}: someone changed it meanwhile; "
        "reload and try again.",
        "问题{code}当前状态为“{now:problem_status}”而不是“{src:problem_status}”：已被他人修改，请刷新后重试。",
    ),
    "problems.unknown_status": ("{dst!r} is not a problem status.", "“{dst}”不是问题状态。"),
    "problems.unknown": ("There is no problem {code}.", "没有编号为{code}的问题。"),
    "problems.none": ("none", "无"),
    # ---- assessment (core.assessment)
    "assessment.period": ("Period {p!r} is neither a month (YYYY-MM) nor a year (YYYY)",
                          "考核期“{p}”既不是月份（YYYY-MM）也不是年度（YYYY）"),
    "assessment.sheet": ("No assessment sheet {s}", "没有评分表{s}"),
    "assessment.item": ("Sheet {s} has no item {i}", "评分表{s}没有评分项{i}"),
    "assessment.no_items": ("Sheet {s} has no items", "评分表{s}没有评分项"),
    "assessment.no_months": ("No monthly results of sheet {s} are stored for {y}: assess each month first",
                             "评分表{s}尚无{y}年的月度考核结果，请先逐月考核"),
    "assessment.evidence": ("Hand-entered line {n} of item {i} ({who}) has no evidence",
                            "人工录入的{who}“{i}”第{n}条缺少评分依据"),
    "assessment.short": ("{who}{period}: required {r}, valid {v}", "{who}{period}：应巡{r}次，有效{v}次"),
    "assessment.not_counted": ("; not counted: {reasons}", "；未计入：{reasons}"),
    "assessment.no_patrols": ("no patrol records in the workspace", "工作空间中尚无巡河记录"),
    "assessment.km_low": ("{km:.1f} km per chief, below the {t:g} km standard", "人均{km:.1f}公里，低于标准{t:g}公里"),
    "assessment.km_rank": ("{km:.1f} km per chief, rank {r} of {n}", "人均{km:.1f}公里，第{r}名（共{n}个）"),
    "assessment.late": ("{code} ({title}): {days} day(s) overdue", "{title}（{code}）：逾期{days}天"),
    "assessment.late_settled": ("{code} ({title}): settled {d}, after the deadline {dl}",
                                "{title}（{code}）：{d}办结，超过期限{dl}"),
    "assessment.carried": ("; carried over from the previous month, doubled", "；上月结转，加倍扣分"),
    "assessment.cap": ("; cap reached, not deducted", "；已达扣分上限，不再扣分"),
    "assessment.bonus_cap": ("; bonus cap reached", "；已达加分上限"),
    "assessment.board": ("{code}: chiefs changed {c}, board content {b}, {d} day(s) past the {t:g}-day limit",
                         "{code}：河长于{c}调整，公示牌内容日期{b}，超过{t:g}日期限{d}天"),
    "assessment.r1": ("{seg}: no {levels} chief on {date}", "{seg}：{date}缺少{levels}河长"),
    "assessment.manual_missing": ("not entered", "未录入"),
    "assessment.month": ("monthly total {m}", "{m}月度得分"),
    # ---- work report (layout.workreport, services.workreport)
    "report.dates": ("START and END must be dates (got {start!r}, {end!r})",
                     "起止日期须为日期（收到“{start}”“{end}”）"),
    "report.order": ("START {start} is after END {end}", "开始日期{start}晚于结束日期{end}"),
    "report.docx_missing": (
        "python-docx is not installed, so the Word document (.docx) was not written; the PDF was. "
        "Install it (Debian/Ubuntu: apt install python3-docx; elsewhere: pip install python-docx) "
        "and run the report again.",
        "未安装 python-docx，未生成 Word 文档（.docx），已生成 PDF。请安装后重新生成"
        "（Debian/Ubuntu：apt install python3-docx；其他系统：pip install python-docx）。",
    ),
    # ---- batch writes (services, data)
    "write.unsaved_edits": (
        "{layers} have unsaved edits; save or discard them before {operation}",
        "{layers}有未保存的编辑；请先保存或放弃这些编辑，再{operation}",
    ),
    # ---- patrols (core.tracks, core.patrol_match, core.patrol_rules, core.patrol_compliance,
    # ---- data.trackfiles, services.patrols)
    "patrol.file.missing": ("{path} does not exist", "{path}不存在"),
    "patrol.file.unreadable": ("{name}: cannot be read ({reason})", "{name}：无法读取（{reason}）"),
    "patrol.file.not_text": ("{name}: the file is neither UTF-8 nor GBK/GB18030 text",
                             "{name}：文件既不是UTF-8也不是GBK/GB18030文本"),
    "patrol.file.empty": ("{name}: the file is empty", "{name}：文件为空"),
    "patrol.file.header": ("{name}: the header lacks the column(s) {missing} (found: {found})",
                           "{name}：表头缺少{missing}列（现有：{found}）"),
    "patrol.file.kmz_no_kml": ("{name}: the KMZ archive holds no .kml file", "{name}：KMZ压缩包中没有.kml文件"),
    "patrol.file.kmz_damaged": ("{name}: damaged KMZ archive", "{name}：KMZ压缩包已损坏"),
    "patrol.file.kml_dtd": ("{name}: KML with a DTD or entities is not accepted",
                            "{name}：不接受带DTD或实体声明的KML文件"),
    "patrol.file.kml_unreadable": ("{name}: not readable as KML ({reason})", "{name}：无法按KML读取（{reason}）"),
    "patrol.file.kml_no_times": (
        "{name}: the KML has lines but no gx:Track with per-point times; export the track with times",
        "{name}：KML中只有线而没有带逐点时间的gx:Track，请导出带时间的轨迹"),
    "patrol.file.kml_no_track": ("{name}: the KML holds no track", "{name}：KML中没有轨迹"),
    "patrol.file.gpx_unreadable": ("{name}: not readable as GPX{reason}", "{name}：无法按GPX读取{reason}"),
    "patrol.file.gpx_route": ("{name}: the GPX holds a planned route, not a recorded track",
                              "{name}：GPX中是规划路线而不是记录的轨迹"),
    "patrol.file.gpx_no_points": ("{name}: the GPX holds no track points", "{name}：GPX中没有轨迹点"),
    "patrol.file.unknown_format": ("{name}: not a GPX, KML or CSV track file", "{name}：不是GPX、KML或CSV轨迹文件"),
    "patrol.file.no_chief": (
        "{name}: no chief{hint}: give CHIEF, a chief column (河长编号/chief_id) or put the chief's id or name "
        "in the file name",
        "{name}：无法确定河长{hint}：请指定河长、在文件中加“河长编号”列，或在文件名中写明河长编号或姓名"),
    "patrol.file.chief_hint": (" (column value {value!r} is no known chief)",
                               "（文件中的河长“{value}”不在工作空间中）"),
    "patrol.file.nothing_left": ("{name}: no usable track left after cleaning ({cleaning})",
                                 "{name}：清洗后没有可用的轨迹（{cleaning}）"),
    "patrol.import.coordinates": ("coordinates {value!r} is not one of {choices}", "坐标系“{value}”不是{choices}之一"),
    "patrol.import.buffer": ("the matching distance must be more than 0 m", "匹配距离必须大于0米"),
    "patrol.import.no_files": ("no track file (.gpx, .kml, .kmz, .csv) was given or found in the folder(s)",
                               "没有提供轨迹文件（.gpx、.kml、.kmz、.csv），或文件夹中没有轨迹文件"),
    "patrol.import.chief_unknown": ("no chief with id or unique name {chief!r} in the workspace",
                                    "工作空间中没有编号或姓名为“{chief}”的唯一河长"),
    "patrol.import.duplicate": ("already imported on {date}, skipped", "已于{date}导入过，跳过"),
    "patrol.import.rejected": ("rejected: {reason}", "拒绝：{reason}"),
    "patrol.import.imported": ("imported", "已导入"),
    "patrol.import.summary": (
        "{files} track file(s): {importable} importable, {duplicates} already imported, {rejected} rejected. ",
        "轨迹文件{files}个：可导入{importable}个，重复{duplicates}个，拒绝{rejected}个。"),
    "patrol.import.nothing_written": ("Nothing was written.", "未写入任何数据。"),
    "patrol.import.no_new": ("No new patrols.", "没有新的巡河。"),
    "patrol.import.written": ("{patrols} patrol(s) written, {valid} valid under the default rules.",
                              "已写入巡河{patrols}次，其中按默认规则有效{valid}次。"),
    "patrol.import.valid": ("valid", "有效"),
    "patrol.import.not_valid": ("not valid", "无效"),
    "patrol.clean.read": ("{read} points read, {kept} kept", "读取{read}点，保留{kept}点"),
    "patrol.clean.dropped": ("; dropped: {items}", "，剔除：{items}"),
    "patrol.clean.bad_coordinates": ("{n} bad coordinates", "坐标无效{n}点"),
    "patrol.clean.no_time": ("{n} no time", "无时间{n}点"),
    "patrol.clean.poor_accuracy": ("{n} accuracy worse than limit", "精度差{n}点"),
    "patrol.clean.duplicate_time": ("{n} repeated time", "时间重复{n}点"),
    "patrol.clean.spikes": ("{n} spikes", "跳点{n}点"),
    "patrol.clean.fragments": ("{n} in pieces too short", "过短片段{n}点"),
    "patrol.clean.splits": ("; split at {gaps} long pause(s) and {jumps} impossible jump(s)",
                            "；在长时间中断处断开{gaps}次，在不可能的跳跃处断开{jumps}次"),
    "patrol.crs.as_given": ("{crs} as given", "按指定的{crs}"),
    "patrol.crs.no_reference": ("WGS84: no segment to compare the track with", "WGS84：没有可与轨迹比较的河段"),
    "patrol.crs.as_given_distances": ("{crs} as given (median distance to {ref}: {distances})",
                                      "按指定的{crs}（与{ref}的中位距离：{distances}）"),
    "patrol.crs.on_segments": ("WGS84: the track lies {metres:,.0f} m (median) from {ref}",
                               "WGS84：轨迹距{ref}中位{metres:,.0f}米"),
    "patrol.crs.offset": ("{crs}: as {crs} the track lies {metres:,.0f} m (median) from {ref}, as WGS84 "
                          "{wgs84:,.0f} m ({distances})",
                          "{crs}：按{crs}轨迹距{ref}中位{metres:,.0f}米，按WGS84为{wgs84:,.0f}米（{distances}）"),
    "patrol.crs.no_better": ("WGS84: no offset system brings the track nearer to {ref} ({distances})",
                             "WGS84：换算为其他坐标系并不能使轨迹更接近{ref}（{distances}）"),
    "patrol.crs.distance": ("{crs} {metres:,.0f} m", "按{crs}为{metres:,.0f}米"),
    "patrol.crs.chiefs_segments": ("the chief's segments", "该河长的河段"),
    "patrol.crs.all_segments": ("the workspace's segments", "工作空间的河段"),
    "patrol.reason.min_minutes": ("duration {value:.0f} min < {limit:g} min", "时长 {value:.0f} 分钟 < {limit:g} 分钟"),
    "patrol.reason.min_km": ("distance {value:.2f} km < {limit:g} km", "里程 {value:.2f} 公里 < {limit:g} 公里"),
    "patrol.reason.min_coverage": ("coverage {value:.0%} < {limit:.0%}", "覆盖 {value:.0%} < {limit:.0%}"),
    "patrol.reason.min_gap_hours": ("{value:.0f} h after the previous patrol < {limit:g} h",
                                    "距上次巡河 {value:.0f} 小时 < {limit:g} 小时"),
    "patrol.reason.no_segment": ("the chief answered for no segment on {day}", "该河长{day}无责任河段"),
    "patrol.rule.bad_period": ("rule {profile}/{level}: period {period!r} is not one of {choices}",
                               "规则{profile}/{level}：周期“{period}”不是{choices}之一"),
    "patrol.rule.bad_count": ("rule {profile}/{level}: minimum count must be at least 1",
                              "规则{profile}/{level}：每周期最少次数至少为1"),
    "patrol.rule.bad_months": ("months {value!r} are not months 1 to 12 (e.g. 3-12)",
                               "适用月份“{value}”不是1至12月（如3-12）"),
    "patrol.rule.no_profiles": ("the workspace has no patrol rule profile (table patrol_rules is empty)",
                                "工作空间中没有巡河规则方案（patrol_rules表为空）"),
    "patrol.rule.unknown_profile": ("no patrol rule profile {profile!r}; known: {known}",
                                    "没有巡河规则方案“{profile}”；现有：{known}"),
    "patrol.rule.range": ("the end {end} is before the start {start}", "截止日期{end}早于起始日期{start}"),
    "patrol.rule.bad_date": ("the {which} date {value!r} is not an ISO date (2024-06-01)",
                             "{which}“{value}”不是ISO日期（如2024-06-01）"),
    "patrol.status.ok": ("met", "达标"),
    "patrol.status.short": ("too few", "次数不足"),
    "patrol.status.none": ("no valid patrol", "未巡河"),
    "patrol.compliance.row": (
        "{who} ({chief}), {period}, segment {seg}: {valid} valid of {required} required, {status}",
        "{who}（{chief}）{period}巡河{seg}：有效{valid}次/应巡{required}次，{status}"),
    "patrol.compliance.not_counted": ("; not counted: {reasons}", "；未计入：{reasons}"),
    "patrol.compliance.summary": (
        "{total} chief-segment-periods owed: {ok} met, {short} with too few patrols, {none} without a valid patrol",
        "应巡河{total}项（河长×河段×周期）：达标{ok}项，次数不足{short}项，未巡河{none}项"),
    "write.row_failed": ("{layer} row {n}{label}: {error}", "{layer}第{n}行{label}：{error}"),
    "edit.not_added": ("{layer}: not added: {problems}", "{layer}：未添加：{problems}"),
    # ---- workspace files (data.gpkg, data.workspace, data.migrations)
    "workspace.missing": ("{path} does not exist", "{path}不存在"),
    "workspace.is_folder": ("{path} is a folder, not a GeoPackage file", "{path}是文件夹，不是GeoPackage文件"),
    "workspace.not_sqlite": (
        "{name} is not a GeoPackage (not an SQLite database)",
        "{name}不是GeoPackage（不是SQLite数据库）",
    ),
    "workspace.truncated": (
        "{name} is damaged: it is shorter than its header says (truncated copy or download?)",
        "{name}已损坏：文件比其文件头所声明的短（复制或下载不完整？）",
    ),
    "workspace.not_gpkg": (
        "{name} is an SQLite database but not a GeoPackage",
        "{name}是SQLite数据库，但不是GeoPackage",
    ),
    "workspace.not_hezhang": (
        "{name} is a GeoPackage but not a Hezhang workspace (it has no hz_meta table)",
        "{name}是GeoPackage，但不是河长制工作空间（没有hz_meta表）",
    ),
    "workspace.unreadable": (
        "{name} cannot be read as a GeoPackage: {reason}",
        "{name}无法作为GeoPackage读取：{reason}",
    ),
    "workspace.no_version": ("{name}: hz_meta has no schema version row", "{name}：hz_meta中没有数据结构版本记录"),
    "workspace.newer": (
        "{name} was written by a newer Hezhang (schema version {version}; this plugin reads up to "
        "version {supported}). Update the plugin to open it.",
        "{name}由较新版本的河长制插件写入（数据结构版本{version}；本插件最高支持版本{supported}）。"
        "请更新插件后再打开。",
    ),
    "workspace.needs_migration": (
        "{name} has schema version {version}; it must be migrated to version {current} first",
        "{name}的数据结构版本为{version}，须先升级到版本{current}",
    ),
    "workspace.no_project": (
        "{name} has no readable Hezhang project ({reason})",
        "{name}中没有可读取的河长制工程（{reason}）",
    ),
    "workspace.crs_not_epsg": ("CRS {crs!r} is not an EPSG code", "坐标参考系“{crs}”不是EPSG代码"),
    "workspace.crs_not_cgcs2000": (
        "CRS {crs} is not CGCS2000: use EPSG:4490 or a Gauss-Kruger 3-degree zone EPSG:4534 to EPSG:4554",
        "坐标参考系{crs}不是CGCS2000：请使用EPSG:4490或高斯-克吕格3度带EPSG:4534至EPSG:4554",
    ),
    "workspace.cannot_create": ("cannot create {path}", "无法创建{path}"),
    "workspace.file_name": ("{name}: a workspace file name ends in .gpkg", "{name}：工作空间文件名应以.gpkg结尾"),
    "workspace.no_folder": ("folder {folder} does not exist", "文件夹{folder}不存在"),
    "workspace.folder_read_only": (
        "folder {folder} cannot be written (read-only); choose another folder",
        "文件夹{folder}不可写入（只读），请选择其他文件夹",
    ),
    "workspace.exists": (
        "{path} exists already; choose another name or allow overwriting",
        "{path}已存在；请换一个名称或允许覆盖",
    ),
    "workspace.district_name_empty": ("district name is empty", "区县名称为空"),
    "workspace.none_given": ("no workspace given", "未指定工作空间"),
    "workspace.read_only": (
        "{name}: the workspace is read-only (the file or its folder cannot be written, as on a shared "
        "drive); nothing was changed. Copy it to a folder you may write to, or ask for write access.",
        "{name}：工作空间为只读（文件或其所在文件夹不可写入，例如共享盘），未作任何更改。"
        "请将其复制到可写入的文件夹，或申请写入权限。",
    ),
    "workspace.busy": (
        "{name}: the workspace is in use by another program, which holds a lock on the file; nothing "
        "was changed. Close it there (or finish its edits), then retry, or cancel.",
        "{name}：工作空间正被其他程序使用（该程序锁定了文件），未作任何更改。"
        "请在该程序中关闭文件（或结束其编辑）后重试，或取消。",
    ),
    # ---- PostgreSQL workspaces (data.postgres)
    "postgres.not_a_service": (
        "{uri} is not a PostgreSQL workspace: write service=NAME (a service of pg_service.conf)",
        "{uri}不是PostgreSQL工作空间：请写作 service=服务名（pg_service.conf中的服务）",
    ),
    "postgres.cannot_connect": (
        "cannot connect to PostgreSQL service {service}: {reason}",
        "无法连接PostgreSQL服务{service}：{reason}",
    ),
    "postgres.no_workspace": (
        "service {service}: the database holds no Hezhang workspace (no hz_sys.hz_meta table)",
        "服务{service}：该数据库中没有河长制工作空间（缺少hz_sys.hz_meta表）",
    ),
    "postgres.no_postgis": (
        "service {service}: PostGIS is not installed on the server",
        "服务{service}：服务器未安装PostGIS",
    ),
    "postgres.newer": (
        "service {service} was written by a newer Hezhang (schema version {version}; this plugin reads up "
        "to version {supported}). Update the plugin to open it.",
        "服务{service}由更新版本的河长制插件写入（数据结构版本{version}；本插件最多支持版本{supported}），"
        "请更新插件后再打开。",
    ),
    "postgres.older": (
        "service {service} has schema version {version}; this plugin needs version {supported}",
        "服务{service}的数据结构版本为{version}；本插件需要版本{supported}",
    ),
    # ---- water change (core.waterchange)
    "waterchange.band_missing": (
        "{raster}: band {band} does not exist ({count} band(s))",
        "{raster}：波段{band}不存在（共{count}个波段）",
    ),
    "waterchange.buffer": ("the buffer must be a positive distance in metres", "缓冲距离必须为正数（米）"),
    "waterchange.unreadable": ("cannot read the rasters: {reason}", "无法读取栅格：{reason}"),
    "waterchange.no_crs": ("{raster} has no coordinate reference system", "{raster}没有坐标参考系"),
    "waterchange.no_segments": ("there are no segments with a geometry", "没有带几何图形的河段"),
    # ---- assignments in the dock
    "assignment.no_village_chief": (
        "village {code} has no active village chief",
        "村{code}没有在任的村级河长",
    ),
    # ---- spreadsheets (core.sheets)
    "sheet.missing": ("{path} does not exist", "{path}不存在"),
    "sheet.encoding": (
        "the file is neither UTF-8 nor GBK/GB18030 text; save it as CSV UTF-8 or as XLSX",
        "文件既不是UTF-8也不是GBK/GB18030编码的文本；请另存为CSV UTF-8或XLSX",
    ),
    "sheet.xls": (
        "{name} is an old Excel 97 .xls file; save it as .xlsx or CSV",
        "{name}是旧版Excel 97 .xls文件；请另存为.xlsx或CSV",
    ),
    "sheet.bad_xlsx": ("{name} cannot be read as an XLSX workbook: {reason}", "{name}无法作为XLSX工作簿读取：{reason}"),
    "sheet.empty": ("{name} is empty", "{name}是空文件"),
    # ---- chief rosters (core.roster)
    "roster.mode": ("mode {mode!r} is not 'append' or 'replace'", "模式“{mode}”不是追加（append）或替换（replace）"),
    "roster.missing_columns": (
        "the header row lacks the column(s) {columns}; found: {found}",
        "表头缺少列：{columns}；现有列：{found}",
    ),
    "roster.unit_unknown": (
        "unknown unit code {code} (not an administrative unit of the workspace)",
        "未知的行政区划代码{code}（不是本工作空间的行政区划）",
    ),
    "roster.level_invalid": (
        "level {text!r} is not district/town/village (区级/镇级/村级)",
        "级别“{text}”不是区级、镇级或村级",
    ),
    "roster.level_unit": (
        "a {level} chief cannot belong to {code}, which is a {unit_level} unit",
        "{level:level}河长不能属于{code}，该单位是{unit_level:level}单位",
    ),
    "roster.role_invalid": (
        "role {text!r} is not a chief role (e.g. 河长, 警长, 检察长, 民间河长)",
        "河长类型“{text}”无法识别（例如：河长、警长、检察长、民间河长）",
    ),
    "roster.segment_unknown": ("unknown segment code {code}", "未知的河段编码{code}"),
    "roster.date_invalid": (
        "appointment date {text!r} is not a date (use 2024-03-01)",
        "任职日期“{text}”不是有效日期（请写作2024-03-01）",
    ),
    "roster.chief_id_long": ("chief id {chief!r} is longer than 32 characters", "河长编号“{chief}”超过32个字符"),
    "roster.chief_id_twice": (
        "chief id {chief} is used for two different people in this file",
        "河长编号{chief}在本文件中用于两个不同的人",
    ),
    "roster.chief_id_taken": (
        "chief id {chief} belongs to {name} of unit {unit} in the workspace",
        "河长编号{chief}在工作空间中属于{unit}的{name}",
    ),
    "roster.duplicate": ("duplicate of row {row}", "与第{row}行重复"),
    "roster.seat_taken": (
        "segment {seg} already gets a {level} {role} in row {row}",
        "河段{seg}已在第{row}行指定了{level:level}{role:role}",
    ),
    "roster.shortened": (
        "{column} {value!r} is a number Excel shortened to scientific notation; the digits are lost: "
        "format the column as text in Excel and type the values again",
        "{column}“{value}”是被Excel缩写成科学计数法的数字，位数已丢失：请在Excel中将该列设为文本格式并重新填写",
    ),
    "roster.summary": (
        "{file} ({format}{encoding}): {rows} rows, {valid} valid, {rejected} rejected. {outcome}",
        "{file}（{format}{encoding}）：共{rows}行，有效{valid}行，拒绝{rejected}行。{outcome}",
    ),
    "roster.nothing_written": ("Nothing was written.", "未写入任何数据。"),
    "roster.written": (
        "Written ({mode}): {added} chiefs added, {updated} updated, {deactivated} deactivated; "
        "{appointments} appointments added, {ended} ended.",
        "已写入（{mode}）：新增河长{added}名，更新{updated}名，停用{deactivated}名；新增任命{appointments}条，"
        "终止{ended}条。",
    ),
    "roster.mode_append": ("append", "追加"),
    "roster.mode_replace": ("replace", "替换"),
    "roster.header_row": ("Header found in row {row}", "表头在第{row}行"),
    "roster.ignored_columns": ("Ignored columns: {columns}", "忽略的列：{columns}"),
    "roster.skipped_row": ("row {row} (section or note, skipped): {text}", "第{row}行（标题或备注，已跳过）：{text}"),
    "roster.rejected_row": ("row {row}: {reason}", "第{row}行：{reason}"),
    "roster.csv_row": ("row", "行号"),
    "roster.csv_reason": ("reason", "原因"),
    "roster.csv_summary": ("summary", "汇总"),
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
