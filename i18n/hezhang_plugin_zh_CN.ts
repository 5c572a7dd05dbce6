<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>CreateWorkspaceAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="31" />
        <source>District code</source>
        <translation>区县代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="32" />
        <source>District name</source>
        <translation>区县名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="33" />
        <source>Workspace CRS</source>
        <translation>工作空间坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="35" />
        <source>Workspace GeoPackage</source>
        <translation>工作空间 GeoPackage</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="35" />
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="51" />
        <source>Workspace for {0} ({1}) written to {2}</source>
        <translation>{0}（{1}）的工作空间已写入 {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="19" />
        <source>Create workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="20" />
        <source>Creates a river-chief workspace: one GeoPackage holding administrative units, rivers, segments, chiefs, assignments and notice boards, with the QGIS project (styles, forms, relations, snapping) stored inside it. DISTRICT_CODE is the 6-digit GB/T 2260 code or the 12-digit statistical code of the district. CRS is CGCS2000 (EPSG:4490) or a CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554).</source>
        <translation>新建河长制工作空间：一个 GeoPackage 文件，包含行政区划、河流、河段、河长、河长任命和公示牌，并在其中保存 QGIS 工程（样式、表单、关系、捕捉设置）。DISTRICT_CODE 为区县的6位 GB/T 2260 代码或12位统计用区划代码。CRS 为 CGCS2000（EPSG:4490）或 CGCS2000 3度带高斯-克吕格投影（EPSG:4534–4554）。</translation>
    </message>
</context>
<context>
    <name>Hezhang</name>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="72" />
        <source>This source uses GCJ-02 coordinates: it appears shifted by up to several hundred metres against CGCS2000/WGS84 data. Do not digitise on it; convert data digitised on it with hezhang:gcj02convert.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>HezhangAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="51" />
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="51" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="51" />
        <source>Chiefs and coverage</source>
        <translation>河长与覆盖检查</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="51" />
        <source>Imagery</source>
        <translation>遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/base.py" line="51" />
        <source>Maps</source>
        <translation>地图输出</translation>
    </message>
</context>
<context>
    <name>HezhangDock</name>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="118" />
        <source>河长制 / River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="126" />
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="151" />
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="185" />
        <source>New workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="190" />
        <source>Open river-chief workspace</source>
        <translation>打开河长制工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="190" />
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="207" />
        <source>{0} has schema version {1}. Migrate it to version {2}?

{3}</source>
        <translation>{0} 的数据结构版本为 {1}。是否升级到版本 {2}？

{3}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="210" />
        <source>Migrate workspace</source>
        <translation>升级工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="215" />
        <source>Migration failed, the workspace was not changed: {0}</source>
        <translation>升级失败，工作空间未作任何修改：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="224" />
        <source>{0}: the project stored in the workspace could not be read.</source>
        <translation>{0}：无法读取工作空间中保存的工程。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="228" />
        <source>Opened workspace {0}</source>
        <translation>已打开工作空间 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="233" />
        <source>Open workspace</source>
        <translation>打开工作空间</translation>
    </message>
</context>
<context>
    <name>HezhangPlugin</name>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="56" />
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="59" />
        <source>River Chiefs panel</source>
        <translation>河长制面板</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="66" />
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="70" />
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
</context>
<context>
    <name>NewWorkspaceDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="15" />
        <source>New river-chief workspace</source>
        <translation>新建河长制工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="20" />
        <source>6-digit GB/T 2260 code, e.g. 411171</source>
        <translation>6位 GB/T 2260 代码，例如 411171</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="27" />
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="31" />
        <source>District code</source>
        <translation>区县代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="32" />
        <source>District name</source>
        <translation>区县名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="33" />
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="34" />
        <source>Workspace file</source>
        <translation>工作空间文件</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="59" />
        <source>District code must be the 6-digit or 12-digit code of the district.</source>
        <translation>区县代码须为6位或12位代码。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="61" />
        <source>District code must end in 000000 (a county-level unit).</source>
        <translation>区县代码须以 000000 结尾（县级单位）。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="63" />
        <source>District name is empty.</source>
        <translation>区县名称不能为空。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/workspace_dialog.py" line="65" />
        <source>Choose where to save the workspace.</source>
        <translation>请选择工作空间的保存位置。</translation>
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="55" />
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="57" />
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="98" />
        <source>No workspace open.</source>
        <translation>尚未打开工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="76" />
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="80" />
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="81" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="82" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="83" />
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="84" />
        <source>Assignments</source>
        <translation>河长任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="85" />
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="104" />
        <source>{0} · schema version {1} · {2}</source>
        <translation>{0} · 数据结构版本 {1} · {2}</translation>
    </message>
</context>
</TS>