<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>@default</name>
    <message>
        <location filename="../hezhang_plugin/gui/guards.py" line="40"/>
        <source>Workspace in use</source>
        <translation>工作空间正被占用</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="517"/>
        <source>Segmenting rivers</source>
        <translation>正在划分河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="549"/>
        <source>Segmentation cancelled; the workspace was not changed.</source>
        <translation>河段划分已取消，工作空间未作更改。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/render.py" line="61"/>
        <source>Export of {0} failed (code {1}) {2}</source>
        <translation>{0}导出失败（代码{1}）{2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/templates.py" line="55"/>
        <source>Could not write the template {0}</source>
        <translation>无法写入模板{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/templates.py" line="69"/>
        <source>{0} is not a layout template</source>
        <translation>{0}不是布局模板</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/render.py" line="105"/>
        <source>{0}: no pages to export</source>
        <translation>{0}：没有可导出的页面</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/render.py" line="181"/>
        <source>Could not apply the map style of layer {0}</source>
        <translation>无法应用图层{0}的地图样式</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/pdfjoin.py" line="38"/>
        <source>pdfunite failed: {0}</source>
        <translation>pdfunite执行失败：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/parallel.py" line="184"/>
        <source>Export of {0}: pages missing after the workers ended</source>
        <translation>{0}导出：子进程结束后仍缺少页面</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="85"/>
        <source>Unknown format {0}: use PDF, PNG or SVG</source>
        <translation>未知格式{0}：请使用PDF、PNG或SVG</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="93"/>
        <source>Unknown page size {0}: use A4, A3 or A0</source>
        <translation>未知纸张大小{0}：请使用A4、A3或A0</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="145"/>
        <source>The output folder {0} cannot be created: {1}</source>
        <translation>无法创建输出文件夹{0}：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="148"/>
        <source>The output folder {0} cannot be written; choose another folder</source>
        <translation>输出文件夹{0}不可写入，请选择其他文件夹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/export.py" line="226"/>
        <source>The workspace is read-only: the layouts were not stored in it; the templates are in {0}</source>
        <translation>工作空间为只读：布局未保存到工作空间中；模板位于{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/export.py" line="250"/>
        <source>Exporting {0}…</source>
        <translation>正在导出{0}…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="108"/>
        <source>Give an output folder</source>
        <translation>请指定输出文件夹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/pdfjoin.py" line="34"/>
        <source>Joining PDF parts needs the Python package pypdf</source>
        <translation>合并 PDF 分段需要 Python 包 pypdf</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/pdfjoin.py" line="27"/>
        <source>Joining the PDF parts failed at {0}: {1}</source>
        <translation>合并 PDF 分段时在 {0} 处失败：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/export.py" line="209"/>
        <source>Checking patrols from {0} to {1}…</source>
        <translation>正在核查 {0} 至 {1} 的巡河…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="88"/>
        <source>Choose at least one product</source>
        <translation>请至少选择一种产品</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="91"/>
        <source>Unknown product {0}: use coverage, atlas, boards or patrols</source>
        <translation>未知产品 {0}：请使用 coverage（一张图）、atlas（分镇图集）、boards（公示牌）或 patrols（巡河情况图）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="95"/>
        <source>Resolution {0} dpi: use {1} to {2} dpi</source>
        <translation>分辨率 {0} dpi 不可用：请使用 {1} 至 {2} dpi</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="100"/>
        <source>{0} is not a date: give the as-of date as YYYY-MM-DD</source>
        <translation>{0} 不是日期：请按 YYYY-MM-DD 填写截至日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="103"/>
        <source>Processes {0}: use 1 or more</source>
        <translation>进程数 {0} 不可用：请使用 1 或更多</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="105"/>
        <source>Choose a workspace</source>
        <translation>请选择工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="125"/>
        <source>Give both the first and the last day of the patrol period</source>
        <translation>请同时填写巡河时段的起始日期和截止日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="128"/>
        <source>{0} is not a date: give the first day of the patrol period as YYYY-MM-DD</source>
        <translation>{0} 不是日期：请按 YYYY-MM-DD 填写巡河时段的起始日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="131"/>
        <source>{0} is not a date: give the last day of the patrol period as YYYY-MM-DD</source>
        <translation>{0} 不是日期：请按 YYYY-MM-DD 填写巡河时段的截止日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/options.py" line="134"/>
        <source>The patrol period ends on {1}, before it starts on {0}: give a last day on or after the first</source>
        <translation>巡河时段的截止日期 {1} 早于起始日期 {0}：截止日期不得早于起始日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/patrolmap.py" line="111"/>
        <source>Patrol map: {0}</source>
        <translation>河长巡河情况图：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/patrolmap.py" line="193"/>
        <source>Patrol map: the workspace has no patrols layer; open it in QGIS once to update it</source>
        <translation>河长巡河情况图：工作空间中没有巡河轨迹图层；请先在 QGIS 中打开一次该工作空间以完成升级</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/export.py" line="213"/>
        <source>The workspace holds no patrol record yet: on the patrol map every segment that owes patrols shows as not patrolled. Import the chiefs&apos; tracks first (Patrols tab or hezhang:importpatrols).</source>
        <translation>工作空间中尚无巡河记录：河长巡河情况图上凡有巡河任务的河段都将显示为未巡河。请先导入河长的巡河轨迹（巡河选项卡或 hezhang:importpatrols）。</translation>
    </message>
</context>
<context>
    <name>AddUserAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="20"/>
        <source>Add user (PostgreSQL workspace)</source>
        <translation>添加用户（PostgreSQL 工作空间）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="21"/>
        <source>Creates (or updates) the database login of one person in a PostgreSQL workspace (service=NAME) with one role — viewer, village editor, town editor, district manager or administrator — and the unit code of the area they edit: a village code for a village editor, a town code for a town editor, a district (or city) code for a district manager. Editors change only rows of units whose code starts with their area's prefix; the database refuses anything else with a message naming the unit. Everyone reads the whole workspace. No password is set here: the server's administrator gives the login its password or another authentication method. Run it with an administrator's login that may create roles.</source>
        <translation>在 PostgreSQL 工作空间（service=NAME）中为一名人员创建（或更新）数据库登录名，指定一个角色——查看者、村级编辑、镇级编辑、区级管理员或系统管理员——以及其负责区域的区划代码：村级编辑填村代码，镇级编辑填镇代码，区级管理员填区县（或市）代码。编辑人员只能修改区划代码以其区域前缀开头的记录；其他修改会被数据库拒绝，并提示所涉及的区划。所有人均可查看整个工作空间。此处不设置密码：由服务器管理员为登录名设置密码或其他认证方式。请使用有权创建角色的管理员登录名运行。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="34"/>
        <source>PostgreSQL workspace (service=NAME)</source>
        <translation>PostgreSQL 工作空间（service=NAME）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="45"/>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="37"/>
        <source>Viewer</source>
        <translation>查看者</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="37"/>
        <source>Village editor</source>
        <translation>村级编辑</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="37"/>
        <source>Town editor</source>
        <translation>镇级编辑</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="38"/>
        <source>District manager</source>
        <translation>区级管理员</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="38"/>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="41"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="42"/>
        <source>Unit code of the area (12 digits)</source>
        <translation>负责区域的区划代码（12位）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="44"/>
        <source>Full name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="53"/>
        <source>Users exist only in a PostgreSQL workspace (service=NAME); a GeoPackage has one writer.</source>
        <translation>用户仅存在于 PostgreSQL 工作空间（service=NAME）中；GeoPackage 只有一个写入者。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="61"/>
        <source>The user was not added: {0}</source>
        <translation>未添加用户：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/adduser.py" line="62"/>
        <source>{0}: {1}, area {2}</source>
        <translation>{0}：{1}，区域 {2}</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="67"/>
        <source>Login</source>
        <translation>登录名</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="68"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="47"/>
        <source>Area</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="70"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="64"/>
        <source>12-digit code of the village, town or district</source>
        <translation>村、镇或区县的12位代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="69"/>
        <source>Area (unit code)</source>
        <translation>区域（区划代码）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="73"/>
        <source>Add or update user</source>
        <translation>添加或更新用户</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="76"/>
        <source>Remove rights</source>
        <translation>撤销权限</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="87"/>
        <source>History of a feature</source>
        <translation>要素变更历史</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="96"/>
        <source>segment code, chief id, unit code…</source>
        <translation>河段编码、河长编号、区划代码…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="97"/>
        <source>Show history…</source>
        <translation>查看历史…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="127"/>
        <source>Viewer</source>
        <translation>查看者</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="127"/>
        <source>Village editor</source>
        <translation>村级编辑</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="127"/>
        <source>Town editor</source>
        <translation>镇级编辑</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="128"/>
        <source>District manager</source>
        <translation>区级管理员</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="128"/>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="144"/>
        <source>No workspace open.</source>
        <translation>未打开工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="148"/>
        <source>A GeoPackage workspace has one writer and no logins. Move it to PostgreSQL (hezhang:migrateworkspace) to give each maintainer a login, a role and an area.</source>
        <translation>GeoPackage 工作空间只有一个写入者，没有登录名。将其迁移到 PostgreSQL（hezhang:migrateworkspace）后，可为每位维护人员分配登录名、角色和区域。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="153"/>
        <source>Logins of {0}: editors change only rows inside their area; everybody reads the whole workspace. Passwords are set on the server, never here.</source>
        <translation>{0} 的登录名：编辑人员只能修改其区域内的记录；所有人均可查看整个工作空间。密码在服务器上设置，不在此处设置。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="171"/>
        <source>The users could not be read: {0}</source>
        <translation>无法读取用户：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="207"/>
        <source>The user was not saved: {0}</source>
        <translation>用户未保存：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="209"/>
        <source>{0} saved: {1}, area {2}</source>
        <translation>已保存 {0}：{1}，区域 {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="221"/>
        <source>The rights were not removed: {0}</source>
        <translation>权限未撤销：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/admin_page.py" line="223"/>
        <source>{0} can no longer edit or read the workspace (the login stays for the history).</source>
        <translation>{0} 已不能再编辑或查看工作空间（登录名保留，用于历史记录）。</translation>
    </message>
</context>
<context>
    <name>AssessAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="20"/>
        <source>Assess towns and chiefs</source>
        <translation>河长制考核评分</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="38"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="39"/>
        <source>Sheet code (empty: every sheet)</source>
        <translation>评分表编号（留空：全部评分表）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="41"/>
        <source>Period (YYYY-MM or YYYY)</source>
        <translation>考核期（YYYY-MM 或 YYYY）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="42"/>
        <source>Printable sheets (PDF)</source>
        <translation>考核评分表（PDF）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="42"/>
        <source>PDF files (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="44"/>
        <source>Towns or chiefs assessed</source>
        <translation>考核的镇街或河长数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="45"/>
        <source>Totals</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="77"/>
        <source>Assessing {0} for {1}</source>
        <translation>正在按{0}考核{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/assess.py" line="23"/>
        <source>Computes an assessment sheet (考核评分表, kept as data in assessment_sheets and assessment_items) for a PERIOD: a month (2024-04) or a year (2024, the mean of the monthly results stored for it plus the year's marks entered by hand). Computed items: patrol compliance and mileage, problems not fixed in time (−5 each, doubled when carried into the next month, at most the item's points), notice boards not updated within 15 days of a chief change, segments lacking a level of chiefs; marks entered by hand keep their evidence. The results are stored in assessment_results (each point lost linked to the row behind it); the sheet's computed results stored before for that period are kept, marked superseded (superseded_at), never deleted. OUTPUT is a printable PDF: the ranking, then one page per town or chief with grade and rank. SHEET is a sheet code (TOWN-M, CHIEF-M) or empty for every sheet.</source>
        <translation>按考核评分表（考核评分表与评分项以数据形式保存在 assessment_sheets 和 assessment_items 中）计算一个考核期（PERIOD）的得分：月度（如 2024-04）或年度（如 2024，取该年已保存的月度得分平均值，加上年度人工评分）。系统计算的评分项：巡河达标率和巡河里程；问题未按期整改（每件扣5分，跨月结转的加倍，扣完该项分值为止）；河长调整后15日内未更新的公示牌；缺少某一级河长的河段。人工评分须注明依据。计算结果保存在 assessment_results 中（每一处失分都链接到对应的数据记录）；该评分表该考核期此前保存的计算结果予以保留，标记为已被替代（superseded_at），不删除。OUTPUT 为可打印的 PDF：先是排名，然后每个镇街或河长一页，注明等次和排名。SHEET 为评分表编号（TOWN-M、CHIEF-M），留空则计算全部评分表。</translation>
    </message>
</context>
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="124"/>
        <source>Assign chief to {0} segments</source>
        <translation>为 {0} 个河段任命河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="142"/>
        <source>Chief</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="143"/>
        <source>Start date</source>
        <translation>任职日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="144"/>
        <source>Duty</source>
        <translation>职责</translation>
    </message>
</context>
<context>
    <name>CheckCoverageAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="74"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="75"/>
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="76"/>
        <source>Assignments</source>
        <translation>河长任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="77"/>
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="78"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="79"/>
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="93"/>
        <source>Check date (empty: today)</source>
        <translation>检查日期（留空：今天）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="101"/>
        <source>Gap/overlap tolerance (m)</source>
        <translation>缺口/重叠容差（m）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="111"/>
        <source>Coverage problems</source>
        <translation>覆盖问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="116"/>
        <source>Findings</source>
        <translation>检查结果数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="117"/>
        <source>Share of river km fully covered</source>
        <translation>完全覆盖的河流公里数占比</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="118"/>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="163"/>
        <source>Give a WORKSPACE or the layers {0}</source>
        <translation>请提供 WORKSPACE 或图层 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="200"/>
        <source>Reading the workspace</source>
        <translation>正在读取工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="216"/>
        <source>Checking rules {0}</source>
        <translation>正在检查规则 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="53"/>
        <source>Check coverage</source>
        <translation>检查覆盖</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="56"/>
        <source>Checks the river-chief coverage on a date (default today): R1 every current segment has district-, town- and (in a village) village-level chiefs; R2 chiefs belong to the segment&apos;s unit or its ancestor; R3 each river is covered on each bank by segments without gaps or overlaps; R4 every village a river crosses has a segment; R5 every segment has a notice board; R6 no two chiefs of the same level and role on one segment; R7 formats of codes, phones and names. Give a WORKSPACE, or the SEGMENTS, CHIEFS, ASSIGNMENTS and UNITS layers (RIVERS and NOTICE_BOARDS enable R3/R4 and R5). OUTPUT holds one feature per finding with rule, severity and a message in the UI language; the geometry is the gap, the overlap, the river part or the segment concerned.</source>
        <translation>检查指定日期（默认今天）的河长覆盖情况：R1 每个现行河段都有区级、镇级和（位于村内时）村级河长；R2 河长属于河段所在行政区划或其上级区划；R3 每条河流的每一岸均由河段覆盖，无缺口、无重叠；R4 河流流经的每个村（社区）都有河段；R5 每个河段都有公示牌；R6 同一河段上没有两名级别和河长类型均相同的河长；R7 代码、电话和姓名格式正确。请提供 WORKSPACE，或 SEGMENTS、CHIEFS、ASSIGNMENTS 和 UNITS 图层（提供 RIVERS 和 NOTICE_BOARDS 时分别启用 R3/R4 和 R5）。OUTPUT 中每条检查结果对应一个要素，包含规则、严重程度和以界面语言给出的说明；几何为相关的缺口、重叠、河流部分或河段。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="70"/>
        <source>Workspace (GeoPackage or service=NAME)</source>
        <translation>工作空间（GeoPackage 或 service=NAME）</translation>
    </message>
</context>
<context>
    <name>CheckPatrolsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="52"/>
        <source>Check patrols</source>
        <translation>巡河核查</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="55"/>
        <source>Patrol compliance between START and END under a rule profile (PROFILE: a key or name of the workspace's patrol_rules, e.g. henan_2018, akqi_2022, sixian_town, guangzhou_2021; empty: the default profile). For every chief appointed to a segment, and every period of the rule for the chief's level (week, 10 days, month, quarter, year; a period belongs to the range when its middle day does), OUTPUT holds one feature on the segment with the patrols required, the valid ones, a status (ok, short: too few, none) and why each other patrol of that chief on that segment did not count (e.g. 时长 12 分钟 &lt; 30 分钟; 覆盖 35% &lt; 50%), in the UI language.</source>
        <translation>按巡河规则方案核查START至END期间的巡河达标情况（PROFILE：工作空间patrol_rules中的方案编号或名称，如henan_2018、akqi_2022、sixian_town、guangzhou_2021；空：默认方案）。对每名任命到河段的河长，按其级别规则的每个周期（周、旬、月、季度、年；周期的中间日落在期间内即属于该期间），OUTPUT在河段上输出一个要素：应巡次数、有效次数、状态（ok达标、short次数不足、none未巡河），以及该河长在该河段上其他巡河未计入的原因（如“时长 12 分钟 &lt; 30 分钟；覆盖 35% &lt; 50%”），使用界面语言。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="67"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="68"/>
        <source>First day</source>
        <translation>起始日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="70"/>
        <source>Last day</source>
        <translation>截止日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="72"/>
        <source>Rule profile (empty: the default)</source>
        <translation>巡河规则方案（空：默认方案）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="74"/>
        <source>Patrol compliance</source>
        <translation>巡河达标情况</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="76"/>
        <source>Met</source>
        <translation>达标</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="77"/>
        <source>Too few patrols</source>
        <translation>次数不足</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="78"/>
        <source>No valid patrol</source>
        <translation>未巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="79"/>
        <source>Rule profile used</source>
        <translation>所用规则方案</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="80"/>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="94"/>
        <source>Give the first and the last day of the period.</source>
        <translation>请给出期间的起始日期和截止日期。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkpatrols.py" line="96"/>
        <source>Reading patrols and appointments</source>
        <translation>正在读取巡河记录和任命</translation>
    </message>
</context>
<context>
    <name>ChiefDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="35"/>
        <source>Edit chief</source>
        <translation>编辑河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_dialogs.py" line="35"/>
        <source>Add chief</source>
        <translation>添加河长</translation>
    </message>
</context>
<context>
    <name>ChiefsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="95"/>
        <source>Search unit, chief, phone or segment…</source>
        <translation>搜索行政区划、河长、电话或河段…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="98"/>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="108"/>
        <source>Unit / chief / segment</source>
        <translation>行政区划 / 河长 / 河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="108"/>
        <source>River km · segments · chiefs</source>
        <translation>河流 km · 河段 · 河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="127"/>
        <source>Add chief…</source>
        <translation>添加河长…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="128"/>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="129"/>
        <source>Deactivate…</source>
        <translation>停用…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="130"/>
        <source>Assign segments…</source>
        <translation>任命河段…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="131"/>
        <source>Village → its chief</source>
        <translation>村（社区）→ 村级河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="132"/>
        <source>Assign every segment in this village to its village chief</source>
        <translation>将本村（社区）的所有河段任命给村级河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="133"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="317"/>
        <source>no segments</source>
        <translation>无河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="319"/>
        <source>✔ complete</source>
        <translation>✔ 完整</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="321"/>
        <source>missing: {0}</source>
        <translation>缺少：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="331"/>
        <source>{0:.2f} km · {1} segments · {2}</source>
        <translation>{0:.2f} km · {1} 个河段 · {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="344"/>
        <source>loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="390"/>
        <source>{0:.2f} km · {1}</source>
        <translation>{0:.2f} km · {1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="761"/>
        <source>Deactivate chief</source>
        <translation>停用河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="700"/>
        <source>Saving {0} failed: {1}</source>
        <translation>保存 {0} 失败：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="703"/>
        <source>Chiefs and appointments saved</source>
        <translation>河长及任命已保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="753"/>
        <source>Select a chief in the tree first</source>
        <translation>请先在树中选择一名河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="758"/>
        <source>Deactivate {0} and end the appointments on {1}? History is kept.</source>
        <translation>是否停用 {0} 并于 {1} 终止其任命？历史记录将保留。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="770"/>
        <source>Select segments in the tree or on the map first</source>
        <translation>请先在树中或地图上选择河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="808"/>
        <source>{0} appointments added</source>
        <translation>已新增 {0} 项任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="799"/>
        <source>Select a village in the tree first</source>
        <translation>请先在树中选择一个村（社区）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="81"/>
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="255"/>
        <source>Loading the river-chief hierarchy</source>
        <translation>正在加载河长制层级</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="647"/>
        <source>{0} assigned to {1} segment(s) ({2} new appointment(s))</source>
        <translation>已将 {0} 任命到 {1} 个河段（新增 {2} 项任命）</translation>
    </message>
</context>
<context>
    <name>ConflictWatcher</name>
    <message>
        <location filename="../hezhang_plugin/gui/conflict_watch.py" line="66"/>
        <source>{0}: changed by {1} at {2} (version {3}); your changes: {4}</source>
        <translation>{0}：已于 {2} 被 {1} 修改（版本 {3}）；您的修改：{4}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/conflict_watch.py" line="68"/>
        <source>Someone saved these features after you started editing them:

{0}

Reload them and apply your changes again? Their other changes are kept; the fields you changed take your values. Then save again.</source>
        <translation>在您开始编辑后，其他人已保存了以下要素：

{0}

是否重新加载这些要素并再次应用您的修改？他人的其他修改将保留；您修改过的字段取您的值。然后请再次保存。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/conflict_watch.py" line="77"/>
        <source>Edit conflict</source>
        <translation>编辑冲突</translation>
    </message>
</context>
<context>
    <name>CoveragePanel</name>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="46"/>
        <source>Check coverage</source>
        <translation>检查覆盖</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="56"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="56"/>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="56"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="79"/>
        <source>Checking river-chief coverage</source>
        <translation>正在检查河长覆盖情况</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="87"/>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/coverage_panel.py" line="87"/>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
</context>
<context>
    <name>CreateWorkspaceAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="34"/>
        <source>District code</source>
        <translation>区县代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="35"/>
        <source>District name</source>
        <translation>区县名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="36"/>
        <source>Workspace CRS</source>
        <translation>工作空间坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="38"/>
        <source>Workspace GeoPackage</source>
        <translation>工作空间 GeoPackage</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="38"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="54"/>
        <source>Workspace for {0} ({1}) written to {2}</source>
        <translation>{0}（{1}）的工作空间已写入 {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="20"/>
        <source>Create workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="21"/>
        <source>Creates a river-chief workspace: one GeoPackage holding administrative units, rivers, segments, chiefs, assignments and notice boards, with the QGIS project (styles, forms, relations, snapping) stored inside it. DISTRICT_CODE is the 6-digit GB/T 2260 code or the 12-digit statistical code of the district. CRS is CGCS2000 (EPSG:4490) or a CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554).</source>
        <translation>新建河长制工作空间：一个 GeoPackage 文件，包含行政区划、河流、河段、河长、河长任命和公示牌，并在其中保存 QGIS 工程（样式、表单、关系、捕捉设置）。DISTRICT_CODE 为区县的6位 GB/T 2260 代码或12位统计用区划代码。CRS 为 CGCS2000（EPSG:4490）或 CGCS2000 3度带高斯-克吕格投影（EPSG:4534–4554）。</translation>
    </message>
</context>
<context>
    <name>DrawSegmentTool</name>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="114"/>
        <source>Click a river.</source>
        <translation>请点击一条河流。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="157"/>
        <source>Click the start of the segment on the river.</source>
        <translation>请在河流上点击河段起点。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="161"/>
        <source>Click the end of the segment on the river.</source>
        <translation>请在河流上点击河段终点。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="165"/>
        <source>Start and end are the same place; click another end.</source>
        <translation>起点和终点位置相同，请点击另一个终点。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="192"/>
        <source>No river here; click on a river line.</source>
        <translation>此处没有河流，请点击河流线。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="238"/>
        <source>The district code is unknown (project variable hz_district_code).</source>
        <translation>区县代码未知（工程变量 hz_district_code）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="280"/>
        <source>The segments layer cannot be edited.</source>
        <translation>河段图层不可编辑。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="282"/>
        <source>Draw segment {0}</source>
        <translation>绘制河段 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="286"/>
        <source>The segment could not be added.</source>
        <translation>无法添加该河段。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="290"/>
        <source>Segment {0} ({1:.3f} km) added.</source>
        <translation>已添加河段 {0}（{1:.3f} km）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="54"/>
        <source>village</source>
        <translation>村</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="55"/>
        <source>town</source>
        <translation>镇</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="56"/>
        <source>district</source>
        <translation>区</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="256"/>
        <source>The river {0} has no river code, so the segment was not added. Give the river its code in the rivers layer first.</source>
        <translation>河流{0}没有河流编码，未添加河段。请先在河流图层中填写该河流的编码。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="262"/>
        <source>The segment lies outside every {0} unit, so no unit would be responsible for it; it was not added. Draw the unit&apos;s boundary there first, or draw the segment inside a unit.</source>
        <translation>该河段不在任何{0}级行政区划内，没有责任单位，未予添加。请先在该处绘制区划边界，或在区划范围内绘制河段。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="277"/>
        <source>The segment was not added: {0}</source>
        <translation>未添加河段：{0}</translation>
    </message>
</context>
<context>
    <name>ExportMapsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="50"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="51"/>
        <source>Products</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="51"/>
        <source>Coverage map</source>
        <translation>河长制一张图</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="51"/>
        <source>Town atlas</source>
        <translation>镇（乡、街道）图集</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="51"/>
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="56"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="58"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="60"/>
        <source>Resolution (dpi)</source>
        <translation>分辨率（dpi）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="62"/>
        <source>Page size of the coverage map and town atlas</source>
        <translation>河长制一张图和镇（乡、街道）图集的页面尺寸</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="65"/>
        <source>One PDF file per town / segment</source>
        <translation>每个镇/河段一个 PDF 文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="81"/>
        <source>Files written</source>
        <translation>已写入的文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="104"/>
        <source>Export canceled</source>
        <translation>导出已取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="107"/>
        <source>{0} file(s) written to {1}</source>
        <translation>已向 {1} 写入 {0} 个文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="28"/>
        <source>Export maps and notice boards</source>
        <translation>导出地图和公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="67"/>
        <source>Imagery background on the coverage map and town atlas (遥感影像 group)</source>
        <translation>河长制一张图和乡镇图集加遥感影像底图（遥感影像组）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="31"/>
        <source>Exports the district coverage map (河长制一张图), the town atlas (one page per town) and the notice boards (one page per current segment, in the 1.5 m x 1.0 m board proportions) of a workspace. PDF gives one multi-page file per product, or one file per town / segment named by code; PNG and SVG give one file per page. The layouts are stored in the workspace's project and as .qpt templates in OUTPUT_FOLDER/templates, so they can be restyled in the layout designer and exported again. DATE: the day the maps show (current segments and appointments on that day; empty: today). The patrol map (one page per town with segments) draws the patrol tracks of PATROL_START to PATROL_END over the segments coloured by patrol compliance under PATROL_PROFILE (as hezhang:checkpatrols finds it: met, too few, no valid patrol, no patrol owed); without a period, the month before the as-of date; without a profile, the workspace's default.</source>
        <translation>导出工作空间的河长制一张图、镇（乡、街道）图集（每个镇一页）、公示牌（每个现行河段一页，按 1.5 m x 1.0 m 的公示牌比例）和河长巡河情况图。PDF 格式每种产品输出一个多页文件，或按编码命名、每个镇/河段输出一个文件；PNG 和 SVG 格式每页输出一个文件。版式保存在工作空间的工程中，并以 .qpt 模板保存在 OUTPUT_FOLDER/templates 中，可在布局设计器中调整样式后再次导出。DATE：地图所示日期（当日现行的河段和任命；留空：今天）。河长巡河情况图（每个有河段的镇一页）在按巡河达标情况着色的河段上绘出 PATROL_START 至 PATROL_END 的巡河轨迹，达标情况按 PATROL_PROFILE 规则方案判定（与 hezhang:checkpatrols 的结果一致：达标、次数不足、未巡河、无巡河任务）；未填时段时为截至日期的上一个月，未填规则方案时为工作空间的默认方案。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="51"/>
        <source>Patrol map</source>
        <translation>河长巡河情况图</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="70"/>
        <source>As-of date of the maps (empty: today)</source>
        <translation>地图的截至日期（留空：今天）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="73"/>
        <source>Patrol map: first day of the period (empty: the month before the as-of date)</source>
        <translation>巡河情况图：时段起始日期（留空：截至日期的上一个月）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="76"/>
        <source>Patrol map: last day of the period</source>
        <translation>巡河情况图：时段截止日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="79"/>
        <source>Patrol map: rule profile (empty: the default)</source>
        <translation>巡河情况图：巡河规则方案（留空：默认方案）</translation>
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="167"/>
        <source>Products</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="170"/>
        <source>Coverage map (河长制一张图)</source>
        <translation>河长制一张图</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="171"/>
        <source>Town atlas (one page per town)</source>
        <translation>镇（乡、街道）图集（每个镇一页）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="172"/>
        <source>Notice boards (one page per segment)</source>
        <translation>公示牌（每个河段一页）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="206"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="212"/>
        <source>Resolution</source>
        <translation>分辨率</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="217"/>
        <source>Map page size</source>
        <translation>地图页面尺寸</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="226"/>
        <source>One PDF per town / segment</source>
        <translation>每个镇/河段一个 PDF</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="236"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="387"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="242"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="351"/>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="376"/>
        <source>{0} file(s) written to {1}</source>
        <translation>已向 {1} 写入 {0} 个文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="382"/>
        <source>Export canceled</source>
        <translation>导出已取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="229"/>
        <source>Imagery background (遥感影像 group)</source>
        <translation>遥感影像底图（遥感影像组）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="173"/>
        <source>Patrol map (one page per town: tracks over segments by compliance)</source>
        <translation>河长巡河情况图（每镇一页：巡河轨迹与按达标情况着色的河段）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="198"/>
        <source>The patrol rules the patrol map&apos;s compliance is judged by</source>
        <translation>判定巡河情况图达标情况所依据的巡河规则方案</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="222"/>
        <source>The maps show the segments and chiefs current on this day</source>
        <translation>地图显示当日现行的河段和河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="223"/>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="224"/>
        <source>Patrol period</source>
        <translation>巡河时段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="225"/>
        <source>Patrol rules</source>
        <translation>巡河规则</translation>
    </message>
</context>
<context>
    <name>ExportTask</name>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="48"/>
        <source>Export river-chief maps</source>
        <translation>导出河长制地图</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="73"/>
        <source>The export worker could not start on {0}</source>
        <translation>导出进程无法在 {0} 上启动</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="76"/>
        <source>No Python interpreter of QGIS was found for the export worker</source>
        <translation>未找到 QGIS 自带的 Python 解释器来运行导出进程</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="78"/>
        <source>{0}: the maps are exported inside QGIS instead, which may slow QGIS down until the export ends.</source>
        <translation>{0}：改为在 QGIS 内部导出地图，导出结束前 QGIS 可能变慢。</translation>
    </message>
</context>
<context>
    <name>FeatureHistoryDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="24"/>
        <source>History of {0}</source>
        <translation>{0} 的变更历史</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>Who</source>
        <translation>修改人</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>Field</source>
        <translation>字段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>Old value</source>
        <translation>原值</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="31"/>
        <source>New value</source>
        <translation>新值</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="43"/>
        <source>created</source>
        <translation>新增</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="43"/>
        <source>changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="43"/>
        <source>ended</source>
        <translation>终止</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="44"/>
        <source>deleted</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="53"/>
        <source>The history could not be read: {0}</source>
        <translation>无法读取变更历史：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="62"/>
        <source>(geometry)</source>
        <translation>（几何）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/history_dialog.py" line="67"/>
        <source>{0} changes of {1} by {2}</source>
        <translation>{1} 共 {0} 处变更，修改人：{2}</translation>
    </message>
</context>
<context>
    <name>Gcj02ConvertAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="36"/>
        <source>Input layer</source>
        <translation>输入图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="37"/>
        <source>Direction</source>
        <translation>转换方向</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="37"/>
        <source>WGS84/CGCS2000 → GCJ-02 (to_gcj02)</source>
        <translation>WGS84/CGCS2000 → GCJ-02（to_gcj02）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="37"/>
        <source>GCJ-02 → WGS84/CGCS2000 (from_gcj02)</source>
        <translation>GCJ-02 → WGS84/CGCS2000（from_gcj02）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="41"/>
        <source>Converted</source>
        <translation>转换结果</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="56"/>
        <source>The input layer has no CRS; set it first.</source>
        <translation>输入图层没有坐标系，请先设置。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="66"/>
        <source>Feature {0} has no geometry; copied unchanged.</source>
        <translation>要素 {0} 没有几何，已原样复制。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="86"/>
        <source>Could not write feature {0}: {1}</source>
        <translation>无法写入要素 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="91"/>
        <source>Converted through CGCS2000 longitudes and latitudes.</source>
        <translation>已通过 CGCS2000 经纬度进行转换。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="23"/>
        <source>Convert between GCJ-02 and WGS84/CGCS2000</source>
        <translation>GCJ-02 与 WGS84/CGCS2000 坐标互转</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="26"/>
        <source>Moves every vertex by the GCJ-02 offset used by Chinese web maps (AMap/Gaode, Tencent): from_gcj02 corrects data digitised on such maps back to WGS84/CGCS2000 (exact inverse by iteration, sub-millimetre), to_gcj02 shifts true coordinates onto them. The layer keeps its CRS; projected layers are converted through CGCS2000 longitudes and latitudes. Points outside China are left unchanged. Only X and Y move: Z and M values and curves are kept as they are.</source>
        <translation>按中国网络地图（高德、腾讯）使用的 GCJ-02 偏移量移动每个节点：from_gcj02 将在此类地图上数字化的数据纠正回 WGS84/CGCS2000（迭代精确反算，误差小于 1 毫米），to_gcj02 将真实坐标偏移到此类地图上。图层保持原坐标系；投影坐标图层通过 CGCS2000 经纬度进行转换。中国境外的点保持不变。只移动 X 和 Y：Z、M 值和曲线保持不变。</translation>
    </message>
</context>
<context>
    <name>Hezhang</name>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="69"/>
        <source>This source uses GCJ-02 coordinates: it appears shifted by up to several hundred metres against CGCS2000/WGS84 data. Do not digitise on it; convert data digitised on it with hezhang:gcj02convert.</source>
        <translation>此数据源使用 GCJ-02 坐标：与 CGCS2000/WGS84 数据相比，最多偏移数百米。请勿在其上数字化；在其上数字化的数据请使用 hezhang:gcj02convert 转换。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/placement.py" line="34"/>
        <source>{0} is not a date in the form YYYY-MM-DD</source>
        <translation>{0} 不是 YYYY-MM-DD 格式的日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/placement.py" line="69"/>
        <source>{0} could not be added to the project.</source>
        <translation>无法将 {0} 添加到工程。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="45"/>
        <source>True colour (R-G-B)</source>
        <translation>真彩色（R-G-B）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="46"/>
        <source>False colour (NIR-R-G)</source>
        <translation>假彩色（NIR-R-G）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="47"/>
        <source>NDWI water index</source>
        <translation>NDWI 水体指数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="48"/>
        <source>As stored</source>
        <translation>按原始波段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="73"/>
        <source>{0} is not a readable raster: {1}</source>
        <translation>{0} 不是可读取的栅格：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="84"/>
        <source>{0} has {1} band(s); band {2} does not exist.</source>
        <translation>{0} 有 {1} 个波段；波段 {2} 不存在。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="94"/>
        <source>Unknown band preset {0}.</source>
        <translation>未知的波段预设 {0}。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="96"/>
        <source>{0} does not exist.</source>
        <translation>{0} 不存在。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="102"/>
        <source>{0} could not be opened as a raster.</source>
        <translation>无法将 {0} 作为栅格打开。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="112"/>
        <source>Compute the NDWI raster first (compute_ndwi).</source>
        <translation>请先计算 NDWI 栅格（compute_ndwi）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="198"/>
        <source>NDWI computation cancelled.</source>
        <translation>NDWI 计算已取消。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="223"/>
        <source>NDWI of {0}</source>
        <translation>{0} 的 NDWI</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="144"/>
        <source>A source needs a name.</source>
        <translation>数据源需要名称。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="146"/>
        <source>Unknown source type {0} (xyz, wms or wmts).</source>
        <translation>未知的数据源类型 {0}（xyz、wms 或 wmts）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="150"/>
        <source>{0}: the address must start with http:// or https://</source>
        <translation>{0}：地址必须以 http:// 或 https:// 开头</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="154"/>
        <source>{0}: an XYZ address needs the {{x}}, {{y}} and {{z}} placeholders</source>
        <translation>{0}：XYZ 地址需要包含 {{x}}、{{y}} 和 {{z}} 占位符</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="158"/>
        <source>{0}: give the layer name of the WMS/WMTS service</source>
        <translation>{0}：请提供 WMS/WMTS 服务的图层名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="191"/>
        <source>{0} could not be opened: {1}</source>
        <translation>无法打开 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="210"/>
        <source>The Tianditu key is empty or contains spaces.</source>
        <translation>天地图密钥为空或包含空格。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="226"/>
        <source>The key could not be saved in the QGIS authentication database (is the master password set?).</source>
        <translation>无法将密钥保存到 QGIS 认证数据库（是否已设置主密码？）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="256"/>
        <source>Unknown Tianditu layer {0} (img, vec, cia or cva).</source>
        <translation>未知的天地图图层 {0}（img、vec、cia 或 cva）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="259"/>
        <source>Unknown Tianditu tile matrix set {0} (w or c).</source>
        <translation>未知的天地图瓦片矩阵集 {0}（w 或 c）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="275"/>
        <source>Enter your Tianditu key (tk) first; it is kept in the QGIS authentication database.</source>
        <translation>请先输入天地图密钥（tk）；密钥将保存在 QGIS 认证数据库中。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="388"/>
        <source>{0}: only http:// and https:// addresses are supported.</source>
        <translation>{0}：仅支持 http:// 和 https:// 地址。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="397"/>
        <source>{0} answered with HTTP error {1} ({2}).</source>
        <translation>{0} 返回 HTTP 错误 {1}（{2}）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="405"/>
        <source>{0} did not answer within {1} s.</source>
        <translation>{0} 在 {1} s 内未响应。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="410"/>
        <source>{0} cannot be reached: {1}</source>
        <translation>无法访问 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="413"/>
        <source>{0} answered with HTTP status {1}.</source>
        <translation>{0} 返回 HTTP 状态 {1}。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="416"/>
        <source>{0} answered with a web page instead of map data (check the address or the key).</source>
        <translation>{0} 返回的是网页而不是地图数据（请检查地址或密钥）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="352"/>
        <source>the server name cannot be resolved (no network, or a wrong address)</source>
        <translation>无法解析服务器名称（无网络连接或地址有误）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="355"/>
        <source>the server refused the connection (nothing answers there)</source>
        <translation>服务器拒绝连接（该地址无服务响应）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="357"/>
        <source>the connection was broken off</source>
        <translation>连接中断</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="359"/>
        <source>its security certificate is not trusted</source>
        <translation>其安全证书不受信任</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="361"/>
        <source>the secure (https) connection failed</source>
        <translation>安全（https）连接失败</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="363"/>
        <source>the network or the server cannot be reached (no route)</source>
        <translation>无法访问网络或服务器（无路由）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="364"/>
        <source>network error ({0})</source>
        <translation>网络错误（{0}）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="370"/>
        <source>access refused: check the key or the account</source>
        <translation>拒绝访问：请检查密钥或账户</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="372"/>
        <source>not found: check the address</source>
        <translation>未找到：请检查地址</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="374"/>
        <source>too many requests: try again later</source>
        <translation>请求过多：请稍后重试</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="376"/>
        <source>the server failed: try again later</source>
        <translation>服务器出错：请稍后重试</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="377"/>
        <source>refused by the server</source>
        <translation>被服务器拒绝</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/common.py" line="84"/>
        <source>No Chinese font is installed ({0}): Chinese text in the maps would print as empty boxes. Install one (Debian: apt install fonts-wqy-zenhei) and export again.</source>
        <translation>未安装中文字体（{0}）：地图中的中文将显示为空白方框。请安装其中一种（Debian：apt install fonts-wqy-zenhei）后重新导出。</translation>
    </message>
</context>
<context>
    <name>HezhangAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Chiefs and coverage</source>
        <translation>河长与覆盖检查</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Imagery</source>
        <translation>遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Maps</source>
        <translation>地图输出</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Problems and assessment</source>
        <translation>问题与考核</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="91"/>
        <source>Patrols</source>
        <translation>巡河</translation>
    </message>
</context>
<context>
    <name>HezhangDock</name>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="179"/>
        <source>河长制 / River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="190"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/page.py" line="170"/>
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="386"/>
        <source>New workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="393"/>
        <source>Open river-chief workspace</source>
        <translation>打开河长制工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="393"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="436"/>
        <source>{0} has schema version {1}. Migrate it to version {2}?

{3}</source>
        <translation>{0} 的数据结构版本为 {1}。是否升级到版本 {2}？

{3}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="439"/>
        <source>Migrate workspace</source>
        <translation>升级工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="444"/>
        <source>Migration failed, the workspace was not changed: {0}</source>
        <translation>升级失败，工作空间未作任何修改：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="477"/>
        <source>{0}: the project stored in the workspace could not be read.</source>
        <translation>{0}：无法读取工作空间中保存的工程。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="481"/>
        <source>Opened workspace {0}</source>
        <translation>已打开工作空间 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="486"/>
        <source>Open workspace</source>
        <translation>打开工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="192"/>
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="192"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="194"/>
        <source>Imagery</source>
        <translation>遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="194"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="193"/>
        <source>Problems</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="430"/>
        <source>{0} has schema version {1} and must be migrated to version {2} before use, but it is read-only. Copy it to a folder you may write to and open the copy.</source>
        <translation>{0}的数据结构版本为{1}，需升级到版本{2}后才能使用，但该文件为只读。请将其复制到可写入的文件夹后打开副本。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="192"/>
        <source>Patrols</source>
        <translation>巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="194"/>
        <source>Users</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="405"/>
        <source>Open PostgreSQL workspace</source>
        <translation>打开 PostgreSQL 工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="405"/>
        <source>Service (pg_service.conf; the password comes from pgpass or a QGIS authentication configuration):</source>
        <translation>服务（pg_service.conf；密码来自 pgpass 或 QGIS 认证配置）：</translation>
    </message>
</context>
<context>
    <name>HezhangPlugin</name>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="103"/>
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="74"/>
        <source>River Chiefs panel</source>
        <translation>河长制面板</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="81"/>
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="85"/>
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
</context>
<context>
    <name>HezhangStartup</name>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="163"/>
        <source>{0} (found {1}): {2}</source>
        <translation>{0}（现有 {1}）：用于{2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="165"/>
        <source>{0} (not installed): {1}</source>
        <translation>{0}（未安装）：用于{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="166"/>
        <source>Hezhang needs Python packages that this QGIS lacks; the features using them are disabled until they are installed: {0}. Install them into QGIS&apos;s Python with: {1}</source>
        <translation>河长制插件需要本 QGIS 缺少的 Python 包，在安装之前相关功能已停用：{0}。请用以下命令安装到 QGIS 的 Python 中：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="209"/>
        <source>everything</source>
        <translation>全部功能</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="209"/>
        <source>segmentation, coverage checks, maps and imagery analysis</source>
        <translation>河流分段、覆盖检查、地图输出和影像分析</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="209"/>
        <source>lengths, map projections and segmentation</source>
        <translation>长度计算、地图投影和河流分段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="209"/>
        <source>rosters and statistics as Excel (.xlsx) files</source>
        <translation>以 Excel（.xlsx）文件导入导出名录和统计</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/startup.py" line="156"/>
        <source>shapely {0} is built on GEOS {1}, QGIS runs GEOS {2}; together they crash QGIS: {3}</source>
        <translation>shapely {0} 基于 GEOS {1}，而 QGIS 使用 GEOS {2}，两者同时加载会使 QGIS 崩溃：{3}</translation>
    </message>
</context>
<context>
    <name>HistoryAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="51"/>
        <source>Change history</source>
        <translation>变更历史</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="34"/>
        <source>Exports the change log of a workspace (GeoPackage or PostgreSQL service=NAME): who inserted, changed, ended or deleted which row, when, and each changed field&apos;s old and new value (geometries as WKT), between START and END (dates YYYY-MM-DD, both days included, China Standard Time). LAYER and KEY narrow it to one layer and one row, e.g. segments and a segment code: who changed segment X between D1 and D2.</source>
        <translation>导出工作空间（GeoPackage 或 PostgreSQL service=NAME）的变更记录：在 START 与 END 之间（日期格式 YYYY-MM-DD，含首尾两天，北京时间），谁在何时新增、修改、终止或删除了哪条记录，以及每个被修改字段的原值和新值（几何以 WKT 表示）。LAYER 和 KEY 可限定到某一图层和某一条记录，例如河段和河段编码：谁在 D1 到 D2 之间修改了河段 X。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="44"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="45"/>
        <source>From (YYYY-MM-DD)</source>
        <translation>起始日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="46"/>
        <source>To (YYYY-MM-DD)</source>
        <translation>截止日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="47"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="49"/>
        <source>Row key (segment code, chief id, unit code…)</source>
        <translation>记录编码（河段编码、河长编号、区划代码…）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="73"/>
        <source>Cannot write the output table</source>
        <translation>无法写入输出表</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/history.py" line="83"/>
        <source>{0} changed fields by {1}</source>
        <translation>共 {0} 处字段变更，变更人：{1}</translation>
    </message>
</context>
<context>
    <name>ImportPatrolsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="28"/>
        <source>Import patrol tracks</source>
        <translation>导入巡河轨迹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="31"/>
        <source>Imports chiefs' patrol tracks (巡河轨迹) from GPX (with times), KML/KMZ (gx:Track with a time per point) and CSV files (UTF-8, UTF-8 with BOM or GBK; columns such as 经度/lon, 纬度/lat, 定位时间/time as epoch seconds or milliseconds or Beijing time text, 精度/accuracy), or all such files in a folder. The chief is CHIEF (an id or a unique name), else a 河长编号/chief_id column, else the chief whose id or name the file name contains. COORDINATES auto compares the track as WGS84, GCJ-02 and BD-09 with the chief's segments and says which it chose and why. Tracks are cleaned (accuracy worse than 50 m, repeated times, spikes above 120 km/h dropped; split at pauses over 30 minutes), each piece is matched within BUFFER metres to the segments the chief answered for that day (single-bank segments measured on their bank) and judged under the default rule profile. A file imported before is skipped. One rejected file and nothing is written, unless 'valid files only'. OUTPUT_REPORT lists every file and patrol.</source>
        <translation>导入河长巡河轨迹：GPX（带时间）、KML/KMZ（逐点带时间的gx:Track）和CSV文件（UTF-8、带BOM的UTF-8或GBK；经度/lon、纬度/lat、定位时间/time等列，时间可为秒或毫秒时间戳或北京时间文本，精度/accuracy），或文件夹中的所有此类文件。河长取CHIEF（编号或唯一姓名），否则取“河长编号/chief_id”列，否则取文件名中包含的河长编号或姓名。COORDINATES为自动时，分别按WGS84、GCJ-02和BD-09与该河长的河段比较，并说明所选坐标系及其依据。轨迹经过清洗（剔除精度差于50米的点、重复时间和超过120公里/小时的跳点；在超过30分钟的中断处断开），每段轨迹在BUFFER米内与河长当日负责的河段匹配（单侧河段按其所在岸计算），并按默认规则判定是否有效。已导入过的文件将跳过。任一文件被拒绝则不写入任何数据，除非选择“仅导入有效文件”。OUTPUT_REPORT列出每个文件和每次巡河。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="47"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="48"/>
        <source>Track files or folders (GPX, KML, KMZ, CSV)</source>
        <translation>轨迹文件或文件夹（GPX、KML、KMZ、CSV）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="50"/>
        <source>Chief id or name (empty: from a column or the file name)</source>
        <translation>河长编号或姓名（空：取自文件列或文件名）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="52"/>
        <source>Coordinates of the files</source>
        <translation>文件坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="52"/>
        <source>Detect (WGS84, GCJ-02 or BD-09)</source>
        <translation>自动识别（WGS84、GCJ-02或BD-09）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="55"/>
        <source>Matching distance to a segment (m)</source>
        <translation>与河段的匹配距离（米）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="58"/>
        <source>Import the valid files even when some files are rejected</source>
        <translation>即使部分文件被拒绝，也导入有效文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="60"/>
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="60"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="62"/>
        <source>Patrols added</source>
        <translation>新增巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="63"/>
        <source>Rejected files</source>
        <translation>被拒绝的文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="64"/>
        <source>Files imported before</source>
        <translation>此前已导入的文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="65"/>
        <source>Summary</source>
        <translation>汇总</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="91"/>
        <source>Canceled; nothing was imported.</source>
        <translation>已取消，未导入任何数据。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importpatrols.py" line="108"/>
        <source>{0} of {1} files were rejected, nothing was imported (see the report{2}).</source>
        <translation>{1}个文件中有{0}个被拒绝，未导入任何数据（见报告{2}）。</translation>
    </message>
</context>
<context>
    <name>ImportRosterAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="45"/>
        <source>Roster (CSV or XLSX)</source>
        <translation>河长名录（CSV 或 XLSX）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="45"/>
        <source>Rosters (*.csv *.xlsx *.txt)</source>
        <translation>河长名录 (*.csv *.xlsx *.txt)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="50"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="50"/>
        <source>Append</source>
        <translation>追加</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="50"/>
        <source>Replace current roster</source>
        <translation>替换现行名录</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="58"/>
        <source>Import the valid rows even when some rows are rejected</source>
        <translation>即使部分行被拒绝，仍导入有效行</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="66"/>
        <source>Import report</source>
        <translation>导入报告</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="66"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="71"/>
        <source>Rejected rows</source>
        <translation>被拒绝行数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="72"/>
        <source>Chiefs added</source>
        <translation>新增河长数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="73"/>
        <source>Appointments added</source>
        <translation>新增任命数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="101"/>
        <source>Encoding detected: {0}</source>
        <translation>检测到编码：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="103"/>
        <source>Row {0}: {1}</source>
        <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="108"/>
        <source>{0} of {1} rows were rejected, nothing was imported (see the report{2}).</source>
        <translation>{1} 行中有 {0} 行被拒绝，未导入任何数据（详见报告{2}）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="24"/>
        <source>Import chief roster</source>
        <translation>导入河长名录</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="27"/>
        <source>Imports chiefs and their segment appointments from a roster spreadsheet: CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected), or XLSX. Headers may be Chinese or English (姓名/name, 级别/level, 职务/position, 河长类型/role, 行政区划代码/unit_code, 联系电话/phone, 河段编码/seg_code, 任职日期/valid_from, 单位/organisation, 职责/duty, 河长编号/chief_id). Every row is validated (phone, unit code, level against the unit's level, segment code, duplicates, empty names). By default one invalid row means nothing is written; with 'valid rows only' the valid rows are imported and the others reported. MODE append adds to the roster; replace treats the file as the whole current roster: appointments and chiefs it does not list are ended or deactivated (history is kept). OUTPUT_REPORT lists each rejected row with its reason.</source>
        <translation>从河长名录表格导入河长及其河段任命：支持 UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030 编码的 CSV（自动识别编码），以及 XLSX。表头可为中文或英文（姓名/name、级别/level、职务/position、河长类型/role、行政区划代码/unit_code、联系电话/phone、河段编码/seg_code、任职日期/valid_from、单位/organisation、职责/duty、河长编号/chief_id）。逐行校验（电话、行政区划代码、级别与区划级别是否相符、河段编码、重复项、空姓名）。默认情况下，只要有一行无效就不写入任何数据；选择“仅导入有效行”时，导入有效行并报告其他行。MODE 为 append 时追加到名录；为 replace 时将文件视为完整的现行名录：文件中未列出的任命将被终止、河长将被停用（保留历史记录）。OUTPUT_REPORT 列出每个被拒绝的行及其原因。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="42"/>
        <source>Workspace (GeoPackage or service=NAME)</source>
        <translation>工作空间（GeoPackage 或 service=NAME）</translation>
    </message>
</context>
<context>
    <name>MigrateWorkspaceAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="14"/>
        <source>Move workspace (GeoPackage ⇄ PostgreSQL)</source>
        <translation>迁移工作空间（GeoPackage ⇄ PostgreSQL）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="15"/>
        <source>Moves a workspace between a GeoPackage and a PostgreSQL/PostGIS database, in either direction: INPUT and OUTPUT are a .gpkg file and a PostgreSQL service written service=NAME (a service of pg_service.conf; the password comes from pgpass or a QGIS authentication configuration, never from here). Every row is copied with its attribute values, its geometry to the coordinate, its edit history fields and the change log; the QGIS project (styles, forms, layouts) moves with its layers pointed at the target. The target is read back and compared with the source before success is reported; on any failure the target is left as it was. A PostgreSQL target must be an empty database with PostGIS available.</source>
        <translation>在 GeoPackage 与 PostgreSQL/PostGIS 数据库之间双向迁移工作空间：INPUT 和 OUTPUT 分别为 .gpkg 文件和写作 service=NAME 的 PostgreSQL 服务（pg_service.conf 中的服务；密码来自 pgpass 或 QGIS 认证配置，绝不在此填写）。每条记录连同属性值、精确到坐标的几何、编辑记录字段和变更记录一并复制；QGIS 工程（样式、表单、版式）随之迁移，其图层指向目标。在报告成功之前会读回目标并与源逐条比较；任何失败都不会改动目标。PostgreSQL 目标须为可使用 PostGIS 的空数据库。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="28"/>
        <source>Workspace to move</source>
        <translation>要迁移的工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="29"/>
        <source>Target: a .gpkg file or service=NAME</source>
        <translation>目标：.gpkg 文件或 service=NAME</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="31"/>
        <source>Rows moved</source>
        <translation>迁移的记录数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="47"/>
        <source>The workspace was not moved: {0}</source>
        <translation>工作空间未迁移：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="49"/>
        <source>{0}: {1} rows</source>
        <translation>{0}：{1} 条记录</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/migrateworkspace.py" line="50"/>
        <source>Verified: every row and the project are identical in the target.</source>
        <translation>已校验：目标中的每条记录和工程均与源一致。</translation>
    </message>
</context>
<context>
    <name>NewWorkspaceDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="15"/>
        <source>New river-chief workspace</source>
        <translation>新建河长制工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="20"/>
        <source>6-digit GB/T 2260 code, e.g. 411171</source>
        <translation>6位 GB/T 2260 代码，例如 411171</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="27"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="31"/>
        <source>District code</source>
        <translation>区县代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="32"/>
        <source>District name</source>
        <translation>区县名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="33"/>
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="34"/>
        <source>Workspace file</source>
        <translation>工作空间文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="59"/>
        <source>District code must be the 6-digit or 12-digit code of the district.</source>
        <translation>区县代码须为6位或12位代码。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="58"/>
        <source>District code must end in 000000 (a county-level unit).</source>
        <translation>区县代码须以 000000 结尾（县级单位）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="61"/>
        <source>District name is empty.</source>
        <translation>区县名称不能为空。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="63"/>
        <source>Choose where to save the workspace.</source>
        <translation>请选择工作空间的保存位置。</translation>
    </message>
</context>
<context>
    <name>OverlaysPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="116"/>
        <source>New overlays</source>
        <translation>新增叠加图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="120"/>
        <source>acquisition date, YYYY-MM-DD (optional)</source>
        <translation>采集日期，YYYY-MM-DD（可选）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="121"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="122"/>
        <source>Visible</source>
        <translation>可见</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="128"/>
        <source>Tianditu 天地图</source>
        <translation>天地图</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="133"/>
        <source>key (tk), saved in the QGIS authentication database</source>
        <translation>密钥（tk），保存在 QGIS 认证数据库中</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="134"/>
        <source>Save key</source>
        <translation>保存密钥</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="140"/>
        <source>Key</source>
        <translation>密钥</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="150"/>
        <source>Web Mercator (w)</source>
        <translation>Web 墨卡托（w）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="151"/>
        <source>CGCS2000 geographic (c)</source>
        <translation>CGCS2000 经纬度（c）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="269"/>
        <source>Layer</source>
        <translation>图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="153"/>
        <source>Tile matrix set</source>
        <translation>瓦片矩阵集</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="154"/>
        <source>Add Tianditu layer</source>
        <translation>添加天地图图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="161"/>
        <source>Web sources (XYZ, WMS, WMTS)</source>
        <translation>网络数据源（XYZ、WMS、WMTS）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="168"/>
        <source>Add selected</source>
        <translation>添加所选</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="171"/>
        <source>Remove preset</source>
        <translation>移除预设</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="174"/>
        <source>Reset presets</source>
        <translation>重置预设</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="191"/>
        <source>WMS/WMTS layer name</source>
        <translation>WMS/WMTS 图层名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="195"/>
        <source>WMTS tile matrix set</source>
        <translation>WMTS 瓦片矩阵集</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="196"/>
        <source>Uses GCJ-02 coordinates</source>
        <translation>使用 GCJ-02 坐标</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="197"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="198"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="199"/>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="201"/>
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="202"/>
        <source>Matrix set</source>
        <translation>瓦片矩阵集</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="206"/>
        <source>Add URL source</source>
        <translation>添加 URL 数据源</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="209"/>
        <source>Save as preset</source>
        <translation>保存为预设</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="218"/>
        <source>Local raster (GeoTIFF, COG, VRT)</source>
        <translation>本地栅格（GeoTIFF、COG、VRT）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="227"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="232"/>
        <source>Bands</source>
        <translation>波段组合</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="236"/>
        <source>B</source>
        <translation>B</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="236"/>
        <source>G</source>
        <translation>G</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="236"/>
        <source>R</source>
        <translation>R</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="236"/>
        <source>NIR</source>
        <translation>NIR</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="245"/>
        <source>Band numbers</source>
        <translation>波段号</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="246"/>
        <source>Add raster</source>
        <translation>添加栅格</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="260"/>
        <source>Opacity and two dates</source>
        <translation>不透明度与两期对比</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="270"/>
        <source>Opacity</source>
        <translation>不透明度</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="273"/>
        <source>Date A</source>
        <translation>日期 A</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="274"/>
        <source>Date B</source>
        <translation>日期 B</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="275"/>
        <source>Show the other date</source>
        <translation>显示另一期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="282"/>
        <source>Water changes (hezhang:waterchange)</source>
        <translation>水体变化（hezhang:waterchange）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="287"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="296"/>
        <source>NDWI threshold</source>
        <translation>NDWI 阈值</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="297"/>
        <source>Buffer</source>
        <translation>缓冲区</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="298"/>
        <source>Find water changes between dates A and B</source>
        <translation>查找日期 A 与 B 之间的水体变化</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="332"/>
        <source>Overlays</source>
        <translation>叠加图层</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="361"/>
        <source>Key stored (authentication configuration {0}).</source>
        <translation>密钥已保存（认证配置 {0}）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="361"/>
        <source>No key stored yet.</source>
        <translation>尚未保存密钥。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="372"/>
        <source>Tianditu key saved in the QGIS authentication database ({0}).</source>
        <translation>天地图密钥已保存到 QGIS 认证数据库（{0}）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="378"/>
        <source>Enter and save your Tianditu key (tk) first.</source>
        <translation>请先输入并保存天地图密钥（tk）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="413"/>
        <source>Select a preset first.</source>
        <translation>请先选择一个预设。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="426"/>
        <source>Web source</source>
        <translation>网络数据源</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="448"/>
        <source>Checking that {0} answers…</source>
        <translation>正在检查 {0} 是否响应…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="468"/>
        <source>{0} added to the imagery group.</source>
        <translation>{0} 已添加到遥感影像组。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="473"/>
        <source>Raster</source>
        <translation>栅格</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="504"/>
        <source>NDWI cancelled.</source>
        <translation>NDWI 已取消。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="533"/>
        <source>Choose two different imagery layers for dates A and B.</source>
        <translation>请为日期 A 和 B 选择两个不同的遥感影像图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="536"/>
        <source>Showing {0}.</source>
        <translation>正在显示 {0}。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="544"/>
        <source>Choose the two dates (A before B) and the segments layer.</source>
        <translation>请选择两个日期（A 早于 B）和河段图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="548"/>
        <source>The hezhang Processing provider is not loaded.</source>
        <translation>hezhang 处理工具提供程序未加载。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="556"/>
        <source>Water changes</source>
        <translation>水体变化</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="571"/>
        <source>Water change detection failed: {0}</source>
        <translation>水体变化检测失败：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="575"/>
        <source>Water change detection gave no layer.</source>
        <translation>水体变化检测未生成图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="578"/>
        <source>The water change layer could not be added.</source>
        <translation>无法添加水体变化图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="581"/>
        <source>{0} water change polygon(s) found.</source>
        <translation>发现 {0} 个水体变化多边形。</translation>
    </message>
</context>
<context>
    <name>PatrolsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="76"/>
        <source>Import tracks (GPX, KML, CSV)</source>
        <translation>导入轨迹（GPX、KML、CSV）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="81"/>
        <source>Chief</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="84"/>
        <source>Detect (WGS84, GCJ-02 or BD-09)</source>
        <translation>自动识别（WGS84、GCJ-02或BD-09）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="86"/>
        <source>Coordinates</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="88"/>
        <source>Import files…</source>
        <translation>导入文件…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="91"/>
        <source>Import folder…</source>
        <translation>导入文件夹…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="94"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="122"/>
        <source>Check patrols</source>
        <translation>巡河核查</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="138"/>
        <source>Town / village / chief / segment</source>
        <translation>乡镇 / 村 / 河长 / 河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="138"/>
        <source>Valid / required</source>
        <translation>有效 / 应巡</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="138"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="153"/>
        <source>Patrols</source>
        <translation>巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="173"/>
        <source>From the file (column or file name)</source>
        <translation>取自文件（文件列或文件名）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="218"/>
        <source>Patrol track files</source>
        <translation>巡河轨迹文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="218"/>
        <source>Tracks (*.gpx *.kml *.kmz *.csv *.txt)</source>
        <translation>轨迹 (*.gpx *.kml *.kmz *.csv *.txt)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="224"/>
        <source>Folder of patrol tracks</source>
        <translation>巡河轨迹文件夹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="250"/>
        <source>Importing patrol tracks</source>
        <translation>正在导入巡河轨迹</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="257"/>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="271"/>
        <source>Import canceled; nothing was imported.</source>
        <translation>导入已取消，未导入任何数据。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="320"/>
        <source>Checking patrols</source>
        <translation>正在核查巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="334"/>
        <source>canceled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="335"/>
        <source>Patrol check failed: {0}</source>
        <translation>巡河核查失败：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="344"/>
        <source>met</source>
        <translation>达标</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="344"/>
        <source>too few</source>
        <translation>次数不足</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="344"/>
        <source>no valid patrol</source>
        <translation>未巡河</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="352"/>
        <source>patrols ✔</source>
        <translation>巡河 ✔</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="352"/>
        <source>patrols: too few</source>
        <translation>巡河：次数不足</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="353"/>
        <source>patrols: missing</source>
        <translation>巡河：缺失</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="386"/>
        <source>counted</source>
        <translation>计入</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="430"/>
        <source>Cannot show patrol {0}: {1}</source>
        <translation>无法显示巡河{0}：{1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="435"/>
        <source>counts</source>
        <translation>计入</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/patrols_page.py" line="436"/>
        <source>{0}: {1} – {2}, {3:.0f} min, {4:.2f} km, {5} · segments: {6} · {7}</source>
        <translation>{0}：{1}—{2}，{3:.0f}分钟，{4:.2f}公里，{5} · 河段：{6} · {7}</translation>
    </message>
</context>
<context>
    <name>PlaceBoardsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="38"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="39"/>
        <source>One more board per (km)</source>
        <translation>每增设一块公示牌的河段长度（km）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="42"/>
        <source>Supervision hotline for new boards</source>
        <translation>新公示牌的监督电话</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="44"/>
        <source>Refresh content dates of stale boards</source>
        <translation>更新过期公示牌的内容日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="46"/>
        <source>Date (default today)</source>
        <translation>日期（默认今天）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="48"/>
        <source>Boards placed</source>
        <translation>已放置公示牌数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="49"/>
        <source>Stale boards</source>
        <translation>过期公示牌数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="50"/>
        <source>Stale board codes</source>
        <translation>过期公示牌编码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="79"/>
        <source>Hotline: {0}</source>
        <translation>监督电话：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="86"/>
        <source>{0} notice board(s) placed</source>
        <translation>已放置 {0} 块公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="88"/>
        <source>Stale board {0} (segment {1}): content {2}, chiefs changed {3}{4}</source>
        <translation>过期公示牌 {0}（河段 {1}）：内容日期 {2}，河长变更日期 {3}{4}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="88"/>
        <source>, {0} days past the update deadline</source>
        <translation>，已超过更新期限 {0} 天</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="92"/>
        <source>{0} board content date(s) refreshed</source>
        <translation>已更新 {0} 块公示牌的内容日期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="25"/>
        <source>Place notice boards</source>
        <translation>放置公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="28"/>
        <source>Places a notice board (公示牌) on every current segment lacking one, following the common provincial rule: one board per river per village, plus one for each further KM_PER_BOARD km (default 8) of the segment. Boards are put at evenly spaced points on the segment and can be moved afterwards. With REFRESH_DATES, boards whose chiefs changed after their content date get today's content date (they are to be reprinted). Lists stale boards: boards older than their chiefs' current appointments.</source>
        <translation>在每个缺少公示牌的现行河段上放置公示牌，遵循常见的省级规定：每条河流在每个村（社区）设一块，河段每多出 KM_PER_BOARD km（默认 8）再增设一块。公示牌放置在河段上等间距的点位，之后可以移动。启用 REFRESH_DATES 时，河长在内容日期之后发生变更的公示牌，其内容日期将更新为今天（需重新制作）。列出过期公示牌：早于河长现行任命的公示牌。</translation>
    </message>
</context>
<context>
    <name>ProbeTask</name>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="56"/>
        <source>Checking {0}</source>
        <translation>正在检查 {0}</translation>
    </message>
</context>
<context>
    <name>ProblemsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="210"/>
        <source>Reading problems</source>
        <translation>正在读取河湖问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="88"/>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="91"/>
        <source>Overdue only</source>
        <translation>仅逾期</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="93"/>
        <source>As of</source>
        <translation>截至</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="102"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="102"/>
        <source>Status</source>
        <translation>办理状态</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="102"/>
        <source>Deadline</source>
        <translation>整改期限</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="102"/>
        <source>Days overdue</source>
        <translation>逾期天数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="102"/>
        <source>Responsible chief</source>
        <translation>责任河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="109"/>
        <source>Time</source>
        <translation>办理时间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="136"/>
        <source>Actor</source>
        <translation>办理人</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="109"/>
        <source>Change</source>
        <translation>状态变化</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="135"/>
        <source>Note</source>
        <translation>办理意见</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="115"/>
        <source>Move along the workflow</source>
        <translation>办理流转</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="129"/>
        <source>Move</source>
        <translation>流转</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="134"/>
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="137"/>
        <source>Acting for</source>
        <translation>办理层级</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="140"/>
        <source>Fill in from location</source>
        <translation>按位置补全</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="142"/>
        <source>Segment, river, responsible unit and chief from the problem&apos;s location; severity from its quantity; deadline from its severity (fields already filled are kept)</source>
        <translation>按问题位置补全所在河段、河流、责任区划和责任河长，按数量建议严重程度，按严重程度确定整改期限（已填写的字段保持不变）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="145"/>
        <source>Water-change clues</source>
        <translation>遥感变化线索</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="147"/>
        <source>Add a problem for each polygon of the active hezhang:waterchange result layer (water lost: suspected occupation; water gained: suspected sand mining)</source>
        <translation>将当前选中的 hezhang:waterchange 结果图层中的每个变化图斑登记为问题（水面减少：疑似乱占；水面增加：疑似乱采）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="150"/>
        <source>Zoom to</source>
        <translation>缩放至</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="152"/>
        <source>Save edits</source>
        <translation>保存修改</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="207"/>
        <source>This workspace has no problem layers.</source>
        <translation>该工作空间没有河湖问题图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="219"/>
        <source>The problems could not be read: {0}</source>
        <translation>无法读取河湖问题：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="238"/>
        <source>All towns</source>
        <translation>全部镇（街道）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="282"/>
        <source>No town</source>
        <translation>未定镇街</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="283"/>
        <source>{0} ({1} problems, {2} overdue)</source>
        <translation>{0}（问题{1}个，逾期{2}个）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="300"/>
        <source>{0} problem(s), {1} overdue on {2}</source>
        <translation>问题{0}个，{2}逾期{1}个</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="448"/>
        <source>{0} problem(s) filled in</source>
        <translation>已补全{0}个问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="459"/>
        <source>{0} is not a water-change result (it has no change and area_m2 fields)</source>
        <translation>{0}不是水面变化结果图层（没有 change 和 area_m2 字段）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="498"/>
        <source>Select the layer written by hezhang:waterchange in the Layers panel first.</source>
        <translation>请先在图层面板中选中 hezhang:waterchange 输出的图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="509"/>
        <source>{0} water-change clue(s) added as problems</source>
        <translation>已将{0}条遥感变化线索登记为问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="521"/>
        <source>Problems saved</source>
        <translation>河湖问题已保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="179"/>
        <source>Problems</source>
        <translation>河湖问题</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/problems_page.py" line="519"/>
        <source>Saving failed: {0}</source>
        <translation>保存失败：{0}</translation>
    </message>
</context>
<context>
    <name>QPlatformTheme</name>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>&amp;Yes</source>
        <translation>是(&amp;Y)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>&amp;No</source>
        <translation>否(&amp;N)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Yes to &amp;All</source>
        <translation>全部是(&amp;A)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>N&amp;o to All</source>
        <translation>全部否(&amp;O)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Ignore</source>
        <translation>忽略</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Abort</source>
        <translation>中止</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Save All</source>
        <translation>全部保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Don&apos;t Save</source>
        <translation>不保存</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Restore Defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/qt_texts.py" line="18"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
</context>
<context>
    <name>SegmentRiversAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="73"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="75"/>
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="77"/>
        <source>Unit level</source>
        <translation>区划级别</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="77"/>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="77"/>
        <source>Town</source>
        <translation>镇（乡、街道）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="80"/>
        <source>Boundary tolerance (m)</source>
        <translation>边界容差（m）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="82"/>
        <source>Minimum segment length (m)</source>
        <translation>最小河段长度（m）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="84"/>
        <source>Existing segments (keep their codes)</source>
        <translation>现有河段（保留其编码）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="87"/>
        <source>District code (6 or 12 digits; default: from the unit codes)</source>
        <translation>区县代码（6位或12位；默认：取自行政区划代码）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="90"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="118"/>
        <source>RIVERS and UNITS are required</source>
        <translation>必须提供 RIVERS 和 UNITS</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="127"/>
        <source>{0} has no field {1}</source>
        <translation>{0} 没有字段 {1}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="129"/>
        <source>Reading rivers and units…</source>
        <translation>正在读取河流和行政区划…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="196"/>
        <source>Repaired: {0}</source>
        <translation>已修复：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="198"/>
        <source>Not used: {0}</source>
        <translation>未使用：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="202"/>
        <source>{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired</source>
        <translation>{0} 个河段（其中单侧河段 {1} 个）：新增 {2} 个，变更 {3} 个，未变 {4} 个，撤销 {5} 个</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="42"/>
        <source>Segment rivers</source>
        <translation>划分河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="45"/>
        <source>Cuts every river into segments (河段) by administrative units: one segment per river per unit, separate segments where the river leaves and re-enters a unit, pieces shorter than MIN_LENGTH joined to a neighbour. Where a river runs along the boundary between two units (within BOUNDARY_TOLERANCE) it becomes two single-bank segments, the left bank (facing downstream, i.e. in digitising direction) to the unit on the left; along the district's outer edge it becomes one single-bank segment of the inside unit. Segment codes (county code + 6-digit sequence), names, start and end names and ellipsoidal CGCS2000 lengths are filled.

RIVERS needs the fields river_code and name; UNITS needs code and name (and, when it has a level field, only units of UNIT_LEVEL are used). Give EXISTING (the current segments) to keep the codes of segments that did not materially change: the output is then the complete new segments table, with retired segments kept and given an end date. Invalid geometries are repaired and reported per feature, null and empty ones reported.

What is repaired, with a note: gaps and overlaps between neighbouring units narrower than BOUNDARY_TOLERANCE (not boundaries: the piece goes to the units either side); parts of a multi-part river digitised against the flow (reversed); a tributary (parent_river_code) digitised from its mouth to its source (reversed when its start, not its end, meets its parent river); curves (arcs) replaced by straight segments at most 0.1 m away. What is refused: a layer without a CRS or whose coordinates do not fit its CRS, and names read with the wrong text encoding (set the layer's Data source encoding). Segments are two-dimensional: Z and M values are not carried over.</source>
        <translation>按行政区划将每条河流划分为河段：每条河流在每个行政区划内为一个河段，河流离开某区划后再次进入时分为不同河段，短于 MIN_LENGTH 的片段并入相邻河段。河流沿两个区划的边界流经（在 BOUNDARY_TOLERANCE 范围内）时，划分为两个单侧河段，左岸（面向下游，即数字化方向）归左侧区划；沿区的外边界流经时，划为内侧区划的一个单侧河段。自动填写河段编码（区县代码 + 6位序号）、名称、起止点名称及 CGCS2000 椭球长度。

RIVERS 须包含字段 river_code 和 name；UNITS 须包含 code 和 name（如有 level 字段，则仅使用 UNIT_LEVEL 级别的区划）。提供 EXISTING（现有河段）可保留未发生实质变化的河段编码：此时输出为完整的新河段表，已撤销的河段予以保留并填写终止日期。无效几何将被修复并逐要素报告，空几何和 null 几何也会报告。

会修复并说明的情况：相邻区划之间窄于 BOUNDARY_TOLERANCE 的缝隙和重叠（不视为边界，其中的河段片归两侧区划）；多段河流中与水流方向相反数字化的部分（予以反转）；从河口向源头数字化的支流（parent_river_code，其起点而非终点与上级河流相接时予以反转）；曲线（圆弧）替换为偏差不超过 0.1 米的直线段。会拒绝的情况：没有坐标参照系或坐标与坐标参照系不符的图层，以及文本编码错误的名称（请设置图层的数据源编码）。河段为二维：Z 和 M 值不会保留。</translation>
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="265"/>
        <source>River</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="267"/>
        <source>Unit</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="282"/>
        <source>Zoom to segment</source>
        <translation>缩放至河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="284"/>
        <source>Draw segment on river</source>
        <translation>在河流上绘制河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="295"/>
        <source>Automatic segmentation</source>
        <translation>自动划分河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="298"/>
        <source>Village</source>
        <translation>村（社区）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="299"/>
        <source>Town</source>
        <translation>镇（乡、街道）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="311"/>
        <source>Unit level</source>
        <translation>区划级别</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="312"/>
        <source>Boundary tolerance</source>
        <translation>边界容差</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="313"/>
        <source>Minimum length</source>
        <translation>最小长度</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="315"/>
        <source>Segment rivers</source>
        <translation>划分河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="317"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="331"/>
        <source>Lengths (single-bank counting)</source>
        <translation>长度（单侧计算）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="336"/>
        <source>Per river</source>
        <translation>按河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="336"/>
        <source>Per unit</source>
        <translation>按行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="336"/>
        <source>Per town</source>
        <translation>按镇（乡、街道）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="336"/>
        <source>Per chief</source>
        <translation>按河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="339"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="411"/>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="481"/>
        <source>Open a workspace with rivers and segments first.</source>
        <translation>请先打开包含河流和河段的工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="499"/>
        <source>Open a workspace first.</source>
        <translation>请先打开工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="555"/>
        <source>{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired; {6} geometries repaired, {7} features not used.</source>
        <translation>{0} 个河段（其中单侧河段 {1} 个）：新增 {2} 个，变更 {3} 个，未变 {4} 个，撤销 {5} 个；修复几何 {6} 个，未使用要素 {7} 个。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="583"/>
        <source>Export lengths</source>
        <translation>导出长度统计</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="583"/>
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation>Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="590"/>
        <source>Export failed: {0}</source>
        <translation>导出失败：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="592"/>
        <source>Lengths exported to {0}</source>
        <translation>长度统计已导出至 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="246"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="401"/>
        <source>Loading segments</source>
        <translation>正在加载河段</translation>
    </message>
</context>
<context>
    <name>WaterChangeAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="42"/>
        <source>Imagery, before</source>
        <translation>前期遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="43"/>
        <source>Date of the before image (YYYY-MM-DD)</source>
        <translation>前期影像日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="45"/>
        <source>Imagery, after</source>
        <translation>后期遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="46"/>
        <source>Date of the after image (YYYY-MM-DD)</source>
        <translation>后期影像日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="48"/>
        <source>Green band number</source>
        <translation>绿波段号</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="50"/>
        <source>Near-infrared band number</source>
        <translation>近红外波段号</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="52"/>
        <source>NDWI water threshold</source>
        <translation>NDWI 水体阈值</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="55"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="57"/>
        <source>Buffer around the segments (m)</source>
        <translation>河段周围缓冲距离（m）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="60"/>
        <source>Smallest change kept (m²)</source>
        <translation>保留的最小变化面积（m²）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="63"/>
        <source>Workspace (for the chiefs concerned)</source>
        <translation>工作空间（用于查找相关河长）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="65"/>
        <source>Water changes</source>
        <translation>水体变化</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="90"/>
        <source>Both the before and the after imagery are needed.</source>
        <translation>需要前后两期遥感影像。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="97"/>
        <source>The before date {0} is not earlier than the after date {1}.</source>
        <translation>前期日期 {0} 不早于后期日期 {1}。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="101"/>
        <source>No segments layer.</source>
        <translation>没有河段图层。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="136"/>
        <source>Could not write a change polygon: {0}</source>
        <translation>无法写入变化多边形：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="142"/>
        <source>{0} change polygons: water lost {1:.0f} m², water gained {2:.0f} m².</source>
        <translation>{0} 个变化多边形：水体减少 {1:.0f} m²，水体增加 {2:.0f} m²。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="28"/>
        <source>Water changes between two dates</source>
        <translation>两期之间的水体变化</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="31"/>
        <source>Builds a water mask per date (NDWI = (green - NIR) / (green + NIR) above THRESHOLD) inside a buffer of BUFFER metres around the segments, and outputs the areas where water was lost or gained as polygons with their ellipsoidal area (m²), the date pair, the nearest segment and, when WORKSPACE is given, the chiefs responsible for it on the after date. The AFTER raster is resampled onto the BEFORE grid when they differ. Use the polygons as clues for '四乱' inspections (occupation, dumping, building, sand mining).</source>
        <translation>在河段周围 BUFFER 米的缓冲区内，逐日期生成水体掩膜（NDWI = (green - NIR) / (green + NIR) 大于 THRESHOLD），并将水体减少或增加的区域输出为多边形，附带椭球面积（m²）、日期对、最近的河段，以及（提供 WORKSPACE 时）后期日期该河段的责任河长。两期栅格网格不一致时，AFTER 栅格将重采样到 BEFORE 网格。可将这些多边形作为“四乱”排查（乱占、乱堆、乱建、乱采）的线索。</translation>
    </message>
</context>
<context>
    <name>WorkReportAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="20"/>
        <source>Write the work report</source>
        <translation>生成河长制工作情况报告</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="23"/>
        <source>Writes the district's river-chief work report (河长制工作情况报告) for START to END, in Chinese, as a Word document (OUTPUT, .docx, to edit) and a PDF beside it (to print): rivers and kilometres per river with single-bank counting and the villages they touch, the chiefs by level with the partner roles and whether all three levels are in place, notice boards, patrols and compliance, problems found, settled and overdue, assessment results, and the coverage map as a figure. Every number comes from the functions the maps, the statistics and the dock use. The Word document needs python-docx (apt install python3-docx or pip install python-docx); without it only the PDF is written, with a warning.</source>
        <translation>生成START至END期间本区河长制工作情况报告（中文），输出为 Word 文档（OUTPUT，.docx，便于修改）及同名 PDF（便于打印）：河流及各河流长度（单侧计算）与流经的村，各级河长及警长、检察长、民间河长等协作机制、三级河长是否全部到位，公示牌，巡河与达标情况，问题发现、办结和逾期情况，考核结果，并以河长制一张图作为插图。所有数字与地图、统计表和面板使用同一套计算函数。生成 Word 文档需要 python-docx（apt install python3-docx 或 pip install python-docx）；未安装时只生成 PDF，并给出提示。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="40"/>
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="41"/>
        <source>Start date (YYYY-MM-DD)</source>
        <translation>开始日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="42"/>
        <source>End date (YYYY-MM-DD)</source>
        <translation>结束日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="43"/>
        <source>Report (Word document)</source>
        <translation>报告（Word 文档）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="43"/>
        <source>Word documents (*.docx)</source>
        <translation>Word 文档 (*.docx)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="45"/>
        <source>Report (PDF)</source>
        <translation>报告（PDF）</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="46"/>
        <source>PDF pages</source>
        <translation>PDF 页数</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/workreport.py" line="70"/>
        <source>Report written: {0}</source>
        <translation>报告已生成：{0}</translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="90"/>
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="92"/>
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="146"/>
        <source>No workspace open.</source>
        <translation>尚未打开工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="123"/>
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="127"/>
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="128"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="129"/>
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="130"/>
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="131"/>
        <source>Assignments</source>
        <translation>河长任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="132"/>
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="152"/>
        <source>{0} · schema version {1} · {2}</source>
        <translation>{0} · 数据结构版本 {1} · {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="115"/>
        <source>Read-only: this workspace cannot be changed here (the file or its folder cannot be written). Checking coverage and exporting maps work.</source>
        <translation>只读：此工作空间在此不能修改（文件或其所在文件夹不可写入）。检查覆盖和导出地图仍可使用。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="94"/>
        <source>Open from PostgreSQL…</source>
        <translation>从 PostgreSQL 打开…</translation>
    </message>
</context>
</TS>
