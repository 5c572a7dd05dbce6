<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1">
<context>
    <name>AssignDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="212" />
        <source>Assign chief to {0} segments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="230" />
        <source>Chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="231" />
        <source>Start date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="232" />
        <source>Duty</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CheckCoverageAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="69" />
        <source>Workspace GeoPackage</source>
        <translation>工作空间 GeoPackage</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="75" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="76" />
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="77" />
        <source>Assignments</source>
        <translation>河长任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="78" />
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="79" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="80" />
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="94" />
        <source>Check date (empty: today)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="102" />
        <source>Gap/overlap tolerance (m)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="112" />
        <source>Coverage problems</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="117" />
        <source>Findings</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="118" />
        <source>Share of river km fully covered</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="119" />
        <source>Summary</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="152" />
        <source>Give a WORKSPACE or the layers {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="188" />
        <source>Reading the workspace</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="204" />
        <source>Checking rules {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="52" />
        <source>Check coverage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/checkcoverage.py" line="55" />
        <source>Checks the river-chief coverage on a date (default today): R1 every current segment has district-, town- and (in a village) village-level chiefs; R2 chiefs belong to the segment's unit or its ancestor; R3 each river is covered on each bank by segments without gaps or overlaps; R4 every village a river crosses has a segment; R5 every segment has a notice board; R6 no two chiefs of the same level and role on one segment; R7 formats of codes, phones and names. Give a WORKSPACE, or the SEGMENTS, CHIEFS, ASSIGNMENTS and UNITS layers (RIVERS and NOTICE_BOARDS enable R3/R4 and R5). OUTPUT holds one feature per finding with rule, severity and a message in the UI language; the geometry is the gap, the overlap, the river part or the segment concerned.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ChiefDialog</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="141" />
        <source>Edit chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="141" />
        <source>Add chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="157" />
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="158" />
        <source>Level</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="159" />
        <source>Role</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="160" />
        <source>Position</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="161" />
        <source>Organisation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="162" />
        <source>Unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="163" />
        <source>Phone</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ChiefsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="258" />
        <source>Search unit, chief, phone or segment…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="261" />
        <source>As of</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="271" />
        <source>Unit / chief / segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="271" />
        <source>River km · segments · chiefs</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="284" />
        <source>Add chief…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="285" />
        <source>Edit…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="286" />
        <source>Deactivate…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="287" />
        <source>Assign segments…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="288" />
        <source>Village → its chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="289" />
        <source>Assign every segment in this village to its village chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="290" />
        <source>Save</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="306" />
        <source>Check coverage</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="316" />
        <source>Rule</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="316" />
        <source>Severity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="316" />
        <source>Problem</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="431" />
        <source>no segments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="433" />
        <source>✔ complete</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="435" />
        <source>missing: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="445" />
        <source>{0:.2f} km · {1} segments · {2}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="455" />
        <source>loading…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="493" />
        <source>{0:.2f} km · {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="706" />
        <source>Assign {0} to {1} segments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="746" />
        <source>Edit chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="746" />
        <source>Add chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="842" />
        <source>Deactivate chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="777" />
        <source>End appointments</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="789" />
        <source>Saving {0} failed: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="794" />
        <source>Chiefs and appointments saved</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="836" />
        <source>Select a chief in the tree first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="839" />
        <source>Deactivate {0} and end the appointments on {1}? History is kept.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="848" />
        <source>Select segments in the tree or on the map first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="882" />
        <source>{0} appointments added</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="875" />
        <source>Select a village in the tree first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="887" />
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="896" />
        <source>Unsaved edits are not checked: save them first</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="913" />
        <source>Coverage check failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/chiefs_page.py" line="917" />
        <source>Checking river-chief coverage</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>CreateWorkspaceAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="32" />
        <source>District code</source>
        <translation>区县代码</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="33" />
        <source>District name</source>
        <translation>区县名称</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="34" />
        <source>Workspace CRS</source>
        <translation>工作空间坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="36" />
        <source>Workspace GeoPackage</source>
        <translation>工作空间 GeoPackage</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="36" />
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="52" />
        <source>Workspace for {0} ({1}) written to {2}</source>
        <translation>{0}（{1}）的工作空间已写入 {2}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="18" />
        <source>Create workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/createworkspace.py" line="19" />
        <source>Creates a river-chief workspace: one GeoPackage holding administrative units, rivers, segments, chiefs, assignments and notice boards, with the QGIS project (styles, forms, relations, snapping) stored inside it. DISTRICT_CODE is the 6-digit GB/T 2260 code or the 12-digit statistical code of the district. CRS is CGCS2000 (EPSG:4490) or a CGCS2000 3-degree Gauss-Kruger zone (EPSG:4534-4554).</source>
        <translation>新建河长制工作空间：一个 GeoPackage 文件，包含行政区划、河流、河段、河长、河长任命和公示牌，并在其中保存 QGIS 工程（样式、表单、关系、捕捉设置）。DISTRICT_CODE 为区县的6位 GB/T 2260 代码或12位统计用区划代码。CRS 为 CGCS2000（EPSG:4490）或 CGCS2000 3度带高斯-克吕格投影（EPSG:4534–4554）。</translation>
    </message>
</context>
<context>
    <name>DrawSegmentTool</name>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="94" />
        <source>Click a river.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="125" />
        <source>Click the start of the segment on the river.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="129" />
        <source>Click the end of the segment on the river.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="133" />
        <source>Start and end are the same place; click another end.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="157" />
        <source>No river here; click on a river line.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="203" />
        <source>The district code is unknown (project variable hz_district_code).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="232" />
        <source>The segments layer cannot be edited.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="234" />
        <source>Draw segment {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="238" />
        <source>The segment could not be added.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segment_tool.py" line="242" />
        <source>Segment {0} ({1:.3f} km) added.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ExportMapsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="40" />
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="42" />
        <source>Products</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="42" />
        <source>Coverage map</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="42" />
        <source>Town atlas</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="42" />
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="46" />
        <source>Format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="48" />
        <source>Output folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="50" />
        <source>Resolution (dpi)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="52" />
        <source>Page size of the coverage map and town atlas</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="55" />
        <source>One PDF file per town / segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="57" />
        <source>Files written</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="66" />
        <source>Choose at least one product</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="76" />
        <source>Export canceled</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="79" />
        <source>{0} file(s) written to {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="25" />
        <source>Export maps and notice boards</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/exportmaps.py" line="28" />
        <source>Exports the district coverage map (河长制一张图), the town atlas (one page per town) and the notice boards (one page per current segment, in the 1.5 m x 1.0 m board proportions) of a workspace. PDF gives one multi-page file per product, or one file per town / segment named by code; PNG and SVG give one file per page. The layouts are stored in the workspace's project and as .qpt templates in OUTPUT_FOLDER/templates, so they can be restyled in the layout designer and exported again.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ExportPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="133" />
        <source>Products</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="136" />
        <source>Coverage map (河长制一张图)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="137" />
        <source>Town atlas (one page per town)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="138" />
        <source>Notice boards (one page per segment)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="153" />
        <source>Format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="159" />
        <source>Resolution</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="164" />
        <source>Map page size</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="165" />
        <source>One PDF per town / segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="172" />
        <source>Output folder</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="255" />
        <source>Export</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="178" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="226" />
        <source>Exporting…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="245" />
        <source>{0} file(s) written to {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="251" />
        <source>Export canceled</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ExportTask</name>
    <message>
        <location filename="../hezhang_plugin/gui/export_page.py" line="45" />
        <source>Export river-chief maps</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Gcj02ConvertAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="32" />
        <source>Input layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="33" />
        <source>Direction</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="33" />
        <source>WGS84/CGCS2000 → GCJ-02 (to_gcj02)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="33" />
        <source>GCJ-02 → WGS84/CGCS2000 (from_gcj02)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="37" />
        <source>Converted</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="53" />
        <source>The input layer has no CRS; set it first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="59" />
        <source>Feature {0} has no geometry; copied unchanged.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="81" />
        <source>Could not write feature {0}: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="86" />
        <source>Converted through CGCS2000 longitudes and latitudes.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="22" />
        <source>Convert between GCJ-02 and WGS84/CGCS2000</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/gcj02convert.py" line="25" />
        <source>Moves every vertex by the GCJ-02 offset used by Chinese web maps (AMap/Gaode, Tencent): from_gcj02 corrects data digitised on such maps back to WGS84/CGCS2000 (exact inverse by iteration, sub-millimetre), to_gcj02 shifts true coordinates onto them. The layer keeps its CRS; projected layers are converted through CGCS2000 longitudes and latitudes. Points outside China are left unchanged.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>Hezhang</name>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="69" />
        <source>This source uses GCJ-02 coordinates: it appears shifted by up to several hundred metres against CGCS2000/WGS84 data. Do not digitise on it; convert data digitised on it with hezhang:gcj02convert.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/layout/common.py" line="74" />
        <source>The font "{0}" is not installed: Chinese text in the maps would print as empty boxes. Install it (Debian: apt install fonts-wqy-zenhei) and export again.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/placement.py" line="34" />
        <source>{0} is not a date in the form YYYY-MM-DD</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/placement.py" line="69" />
        <source>{0} could not be added to the project.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="45" />
        <source>True colour (R-G-B)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="46" />
        <source>False colour (NIR-R-G)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="47" />
        <source>NDWI water index</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="48" />
        <source>As stored</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="72" />
        <source>{0} is not a readable raster: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="83" />
        <source>{0} has {1} band(s); band {2} does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="93" />
        <source>Unknown band preset {0}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="95" />
        <source>{0} does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="101" />
        <source>{0} could not be opened as a raster.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="111" />
        <source>Compute the NDWI raster first (compute_ndwi).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="171" />
        <source>NDWI computation cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/rasters.py" line="194" />
        <source>NDWI of {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="144" />
        <source>A source needs a name.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="146" />
        <source>Unknown source type {0} (xyz, wms or wmts).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="150" />
        <source>{0}: the address must start with http:// or https://</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="154" />
        <source>{0}: an XYZ address needs the {{x}}, {{y}} and {{z}} placeholders</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="158" />
        <source>{0}: give the layer name of the WMS/WMTS service</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="191" />
        <source>{0} could not be opened: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="210" />
        <source>The Tianditu key is empty or contains spaces.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="226" />
        <source>The key could not be saved in the QGIS authentication database (is the master password set?).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="256" />
        <source>Unknown Tianditu layer {0} (img, vec, cia or cva).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="259" />
        <source>Unknown Tianditu tile matrix set {0} (w or c).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="275" />
        <source>Enter your Tianditu key (tk) first; it is kept in the QGIS authentication database.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="352" />
        <source>{0}: only http:// and https:// addresses are supported.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="361" />
        <source>{0} answered with HTTP error {1} ({2}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="369" />
        <source>{0} did not answer within {1} s.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="373" />
        <source>{0} cannot be reached: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="375" />
        <source>{0} answered with HTTP status {1}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/overlays/sources.py" line="378" />
        <source>{0} answered with a web page instead of map data (check the address or the key).</source>
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
        <location filename="../hezhang_plugin/gui/dock.py" line="129" />
        <source>河长制 / River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="137" />
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="176" />
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="212" />
        <source>New workspace</source>
        <translation>新建工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="217" />
        <source>Open river-chief workspace</source>
        <translation>打开河长制工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="217" />
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="234" />
        <source>{0} has schema version {1}. Migrate it to version {2}?

{3}</source>
        <translation>{0} 的数据结构版本为 {1}。是否升级到版本 {2}？

{3}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="237" />
        <source>Migrate workspace</source>
        <translation>升级工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="242" />
        <source>Migration failed, the workspace was not changed: {0}</source>
        <translation>升级失败，工作空间未作任何修改：{0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="252" />
        <source>{0}: the project stored in the workspace could not be read.</source>
        <translation>{0}：无法读取工作空间中保存的工程。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="256" />
        <source>Opened workspace {0}</source>
        <translation>已打开工作空间 {0}</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="261" />
        <source>Open workspace</source>
        <translation>打开工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="139" />
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="139" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="140" />
        <source>Imagery</source>
        <translation>遥感影像</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="140" />
        <source>Export</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>HezhangPlugin</name>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="62" />
        <source>River Chiefs</source>
        <translation>河长制</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="65" />
        <source>River Chiefs panel</source>
        <translation>河长制面板</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="72" />
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/plugin.py" line="76" />
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
</context>
<context>
    <name>ImportRosterAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="40" />
        <source>Workspace GeoPackage</source>
        <translation>工作空间 GeoPackage</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="43" />
        <source>Roster (CSV or XLSX)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="43" />
        <source>Rosters (*.csv *.xlsx *.txt)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="48" />
        <source>Mode</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="48" />
        <source>Append</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="48" />
        <source>Replace current roster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="56" />
        <source>Import the valid rows even when some rows are rejected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="64" />
        <source>Import report</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="64" />
        <source>CSV files (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="69" />
        <source>Rejected rows</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="70" />
        <source>Chiefs added</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="71" />
        <source>Appointments added</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="89" />
        <source>Encoding detected: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="91" />
        <source>Row {0}: {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="96" />
        <source>{0} of {1} rows were rejected, nothing was imported (see the report{2}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="22" />
        <source>Import chief roster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/importroster.py" line="25" />
        <source>Imports chiefs and their segment appointments from a roster spreadsheet: CSV in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected), or XLSX. Headers may be Chinese or English (姓名/name, 级别/level, 职务/position, 河长类型/role, 行政区划代码/unit_code, 联系电话/phone, 河段编码/seg_code, 任职日期/valid_from, 单位/organisation, 职责/duty, 河长编号/chief_id). Every row is validated (phone, unit code, level against the unit's level, segment code, duplicates, empty names). By default one invalid row means nothing is written; with 'valid rows only' the valid rows are imported and the others reported. MODE append adds to the roster; replace treats the file as the whole current roster: appointments and chiefs it does not list are ended or deactivated (history is kept). OUTPUT_REPORT lists each rejected row with its reason.</source>
        <translation type="unfinished" />
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
    <name>OverlaysPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="112" />
        <source>New overlays</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="116" />
        <source>acquisition date, YYYY-MM-DD (optional)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="117" />
        <source>Date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="118" />
        <source>Visible</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="124" />
        <source>Tianditu 天地图</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="129" />
        <source>key (tk), saved in the QGIS authentication database</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="130" />
        <source>Save key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="136" />
        <source>Key</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="146" />
        <source>Web Mercator (w)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="147" />
        <source>CGCS2000 geographic (c)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="265" />
        <source>Layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="149" />
        <source>Tile matrix set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="150" />
        <source>Add Tianditu layer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="157" />
        <source>Web sources (XYZ, WMS, WMTS)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="164" />
        <source>Add selected</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="167" />
        <source>Remove preset</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="170" />
        <source>Reset presets</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="187" />
        <source>WMS/WMTS layer name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="191" />
        <source>WMTS tile matrix set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="192" />
        <source>Uses GCJ-02 coordinates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="193" />
        <source>Name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="194" />
        <source>Type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="195" />
        <source>URL</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="197" />
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="198" />
        <source>Matrix set</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="202" />
        <source>Add URL source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="205" />
        <source>Save as preset</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="214" />
        <source>Local raster (GeoTIFF, COG, VRT)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="223" />
        <source>File</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="228" />
        <source>Bands</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="232" />
        <source>B</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="232" />
        <source>G</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="232" />
        <source>R</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="232" />
        <source>NIR</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="241" />
        <source>Band numbers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="242" />
        <source>Add raster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="256" />
        <source>Opacity and two dates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="266" />
        <source>Opacity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="269" />
        <source>Date A</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="270" />
        <source>Date B</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="271" />
        <source>Show the other date</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="278" />
        <source>Water changes (hezhang:waterchange)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="283" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="292" />
        <source>NDWI threshold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="293" />
        <source>Buffer</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="294" />
        <source>Find water changes between dates A and B</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="314" />
        <source>Overlays</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="343" />
        <source>Key stored (authentication configuration {0}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="343" />
        <source>No key stored yet.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="354" />
        <source>Tianditu key saved in the QGIS authentication database ({0}).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="360" />
        <source>Enter and save your Tianditu key (tk) first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="395" />
        <source>Select a preset first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="408" />
        <source>Web source</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="430" />
        <source>Checking that {0} answers…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="448" />
        <source>{0} added to the imagery group.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="453" />
        <source>Raster</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="484" />
        <source>NDWI cancelled.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="511" />
        <source>Choose two different imagery layers for dates A and B.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="514" />
        <source>Showing {0}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="522" />
        <source>Choose the two dates (A before B) and the segments layer.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="526" />
        <source>The hezhang Processing provider is not loaded.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="534" />
        <source>Water changes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="547" />
        <source>Water change detection failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="551" />
        <source>Water change detection gave no layer.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="554" />
        <source>The water change layer could not be added.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="557" />
        <source>{0} water change polygon(s) found.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>PlaceBoardsAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="35" />
        <source>Workspace</source>
        <translation>工作空间</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="36" />
        <source>One more board per (km)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="39" />
        <source>Supervision hotline for new boards</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="41" />
        <source>Refresh content dates of stale boards</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="43" />
        <source>Date (default today)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="45" />
        <source>Boards placed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="46" />
        <source>Stale boards</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="47" />
        <source>Stale board codes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="63" />
        <source>Hotline: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="77" />
        <source>{0} notice board(s) placed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="81" />
        <source>Stale board {0} (segment {1}): content {2}, chiefs changed {3}{4}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="81" />
        <source>, {0} days past the update deadline</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="88" />
        <source>{0} board content date(s) refreshed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="24" />
        <source>Place notice boards</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/placeboards.py" line="27" />
        <source>Places a notice board (公示牌) on every current segment lacking one, following the common provincial rule: one board per river per village, plus one for each further KM_PER_BOARD km (default 8) of the segment. Boards are put at evenly spaced points on the segment and can be moved afterwards. With REFRESH_DATES, boards whose chiefs changed after their content date get today's content date (they are to be reprinted). Lists stale boards: boards older than their chiefs' current appointments.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ProbeTask</name>
    <message>
        <location filename="../hezhang_plugin/gui/overlays_page.py" line="54" />
        <source>Checking {0}</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SegmentRiversAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="64" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="66" />
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="68" />
        <source>Unit level</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="68" />
        <source>Village</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="68" />
        <source>Town</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="70" />
        <source>Boundary tolerance (m)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="72" />
        <source>Minimum segment length (m)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="74" />
        <source>Existing segments (keep their codes)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="77" />
        <source>District code (6 or 12 digits; default: from the unit codes)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="80" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="95" />
        <source>RIVERS and UNITS are required</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="104" />
        <source>{0} has no field {1}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="106" />
        <source>Reading rivers and units…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="153" />
        <source>Repaired: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="155" />
        <source>Not used: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="156" />
        <source>{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="45" />
        <source>Segment rivers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/segmentrivers.py" line="48" />
        <source>Cuts every river into segments (河段) by administrative units: one segment per river per unit, separate segments where the river leaves and re-enters a unit, pieces shorter than MIN_LENGTH joined to a neighbour. Where a river runs along the boundary between two units (within BOUNDARY_TOLERANCE) it becomes two single-bank segments, the left bank (facing downstream, i.e. in digitising direction) to the unit on the left; along the district's outer edge it becomes one single-bank segment of the inside unit. Segment codes (county code + 6-digit sequence), names, start and end names and ellipsoidal CGCS2000 lengths are filled.

RIVERS needs the fields river_code and name; UNITS needs code and name (and, when it has a level field, only units of UNIT_LEVEL are used). Give EXISTING (the current segments) to keep the codes of segments that did not materially change: the output is then the complete new segments table, with retired segments kept and given an end date. Invalid geometries are repaired and reported per feature, null and empty ones reported.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SegmentsPage</name>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="101" />
        <source>River</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="103" />
        <source>Unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="115" />
        <source>Zoom to segment</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="117" />
        <source>Draw segment on river</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="128" />
        <source>Automatic segmentation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="131" />
        <source>Village</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="132" />
        <source>Town</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="141" />
        <source>Unit level</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="142" />
        <source>Boundary tolerance</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="143" />
        <source>Minimum length</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="145" />
        <source>Segment rivers</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="147" />
        <source>Cancel</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="161" />
        <source>Lengths (single-bank counting)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="166" />
        <source>Per river</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="166" />
        <source>Per unit</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="166" />
        <source>Per town</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="166" />
        <source>Per chief</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="169" />
        <source>Export…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="232" />
        <source>All</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="309" />
        <source>Open a workspace with rivers and segments first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="325" />
        <source>Open a workspace first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="328" />
        <source>Save or discard the edits of the segments layer first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="352" />
        <source>{0} segments ({1} single-bank): {2} added, {3} changed, {4} unchanged, {5} retired; {6} geometries repaired, {7} features not used.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="398" />
        <source>Export lengths</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="398" />
        <source>Excel workbook (*.xlsx);;CSV (*.csv)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="405" />
        <source>Export failed: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="407" />
        <source>Lengths exported to {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/segments_page.py" line="412" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
</context>
<context>
    <name>WaterChangeAlgorithm</name>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="39" />
        <source>Imagery, before</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="40" />
        <source>Date of the before image (YYYY-MM-DD)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="42" />
        <source>Imagery, after</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="43" />
        <source>Date of the after image (YYYY-MM-DD)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="45" />
        <source>Green band number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="47" />
        <source>Near-infrared band number</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="49" />
        <source>NDWI water threshold</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="52" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="54" />
        <source>Buffer around the segments (m)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="57" />
        <source>Smallest change kept (m²)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="60" />
        <source>Workspace (for the chiefs concerned)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="63" />
        <source>Water changes</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="86" />
        <source>Both the before and the after imagery are needed.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="93" />
        <source>The before date {0} is not earlier than the after date {1}.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="97" />
        <source>No segments layer.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="128" />
        <source>Could not write a change polygon: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="134" />
        <source>{0} change polygons: water lost {1:.0f} m², water gained {2:.0f} m².</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="27" />
        <source>Water changes between two dates</source>
        <translation type="unfinished" />
    </message>
    <message>
        <location filename="../hezhang_plugin/processing/waterchange.py" line="30" />
        <source>Builds a water mask per date (NDWI = (green - NIR) / (green + NIR) above THRESHOLD) inside a buffer of BUFFER metres around the segments, and outputs the areas where water was lost or gained as polygons with their ellipsoidal area (m²), the date pair, the nearest segment and, when WORKSPACE is given, the chiefs responsible for it on the after date. The AFTER raster is resampled onto the BEFORE grid when they differ. Use the polygons as clues for '四乱' inspections (occupation, dumping, building, sand mining).</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>WorkspacePage</name>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="56" />
        <source>New workspace…</source>
        <translation>新建工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="58" />
        <source>Open workspace…</source>
        <translation>打开工作空间…</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="99" />
        <source>No workspace open.</source>
        <translation>尚未打开工作空间。</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="77" />
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="81" />
        <source>Administrative units</source>
        <translation>行政区划</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="82" />
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="83" />
        <source>Segments</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="84" />
        <source>Chiefs</source>
        <translation>河长</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="85" />
        <source>Assignments</source>
        <translation>河长任命</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="86" />
        <source>Notice boards</source>
        <translation>公示牌</translation>
    </message>
    <message>
        <location filename="../hezhang_plugin/gui/dock.py" line="105" />
        <source>{0} · schema version {1} · {2}</source>
        <translation>{0} · 数据结构版本 {1} · {2}</translation>
    </message>
</context>
</TS>