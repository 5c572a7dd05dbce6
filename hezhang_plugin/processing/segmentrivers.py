"""hezhang:segmentrivers — cut rivers into segments by admin units, with banks, codes and lengths."""

from __future__ import annotations

from qgis.core import (
    QgsFeatureSink,
    QgsFields,
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterDistance,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QDate

from hezhang_plugin import compat
from hezhang_plugin.core import schema
from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm

LEVELS = ("village", "town")


def segment_fields() -> QgsFields:
    fields = QgsFields()
    for f in schema.layer("segments").fields:
        fld = compat.make_field(f.name, f.type, length=f.length if f.type in ("text", "uuid") else 0)
        fields.append(fld)
    return fields


def _crs_text(crs) -> str:
    return crs.authid() or crs.toWkt()


class SegmentRiversAlgorithm(HezhangAlgorithm):
    ALG_ID = "segmentrivers"
    DISPLAY = QT_TRANSLATE_NOOP("SegmentRiversAlgorithm", "Segment rivers")
    GROUP = "Segments"
    GROUP_ID = "segments"
    HELP = QT_TRANSLATE_NOOP(
        "SegmentRiversAlgorithm",
        "Cuts every river into segments (河段) by administrative units: one segment per river "
        "per unit, separate segments where the river leaves and re-enters a unit, pieces "
        "shorter than MIN_LENGTH joined to a neighbour. Where a river runs along the boundary "
        "between two units (within BOUNDARY_TOLERANCE) it becomes two single-bank segments, "
        "the left bank (facing downstream, i.e. in digitising direction) to the unit on the "
        "left; along the district's outer edge it becomes one single-bank segment of the "
        "inside unit. Segment codes (county code + 6-digit sequence), names, start and end "
        "names and ellipsoidal CGCS2000 lengths are filled.\n\n"
        "RIVERS needs the fields river_code and name; UNITS needs code and name (and, when it "
        "has a level field, only units of UNIT_LEVEL are used). Give EXISTING (the current "
        "segments) to keep the codes of segments that did not materially change: the output "
        "is then the complete new segments table, with retired segments kept and given an "
        "end date. Invalid geometries are repaired and reported per feature, null and empty "
        "ones reported.\n\n"
        "What is repaired, with a note: gaps and overlaps between neighbouring units narrower "
        "than BOUNDARY_TOLERANCE (not boundaries: the piece goes to the units either side); "
        "parts of a multi-part river digitised against the flow (reversed); a tributary "
        "(parent_river_code) digitised from its mouth to its source (reversed when its start, "
        "not its end, meets its parent river); curves (arcs) replaced by straight segments at "
        "most 0.1 m away. What is refused: a layer without a CRS or whose coordinates do not fit "
        "its CRS, and names read with the wrong text encoding (set the layer's Data source "
        "encoding). Segments are two-dimensional: Z and M values are not carried over.")

    def initAlgorithm(self, config=None):
        from hezhang_plugin.core import segmentation as seg  # the defaults, shared with the dock

        self.addParameter(QgsProcessingParameterFeatureSource(
            "RIVERS", self.tr("Rivers"), [QgsProcessing.TypeVectorLine]))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "UNITS", self.tr("Administrative units"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterEnum(
            "UNIT_LEVEL", self.tr("Unit level"), [self.tr("Village"), self.tr("Town")],
            defaultValue=LEVELS.index(seg.DEFAULT_UNIT_LEVEL)))
        self.addParameter(QgsProcessingParameterDistance(
            "BOUNDARY_TOLERANCE", self.tr("Boundary tolerance (m)"), seg.DEFAULT_BOUNDARY_TOLERANCE, minValue=0.0))
        self.addParameter(QgsProcessingParameterDistance(
            "MIN_LENGTH", self.tr("Minimum segment length (m)"), seg.DEFAULT_MIN_LENGTH, minValue=0.0))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "EXISTING", self.tr("Existing segments (keep their codes)"),
            [QgsProcessing.TypeVectorLine], optional=True))
        self.addParameter(QgsProcessingParameterString(
            "DISTRICT_CODE", self.tr("District code (6 or 12 digits; default: from the unit codes)"),
            optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Segments"), QgsProcessing.TypeVectorLine))
        for key, title in (("SEGMENTS", "Current segments"), ("ADDED", "Added segments"),
                           ("CHANGED", "Changed segments"), ("UNCHANGED", "Unchanged segments"),
                           ("RETIRED", "Retired segments"), ("SINGLE_BANK", "Single-bank segments"),
                           ("REPAIRED", "Repaired features"), ("INVALID", "Invalid features")):
            self.addOutput(QgsProcessingOutputNumber(key, self.tr(title)))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.core import segmentation as seg
        from hezhang_plugin.data.gpkg import WorkspaceError, check_destination_writable
        from hezhang_plugin.data.qgsio import source_to_arrays
        from hezhang_plugin.i18n import ui_language
        from hezhang_plugin.processing.inputs import (
            check_text,
            curves_linearised,
            layer_label,
            text_columns,
            zm_dropped,
        )

        try:  # refused before the work: segments written into a read-only workspace
            check_destination_writable(self.parameterAsOutputLayer(parameters, "OUTPUT", context))
        except WorkspaceError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        rivers = self.parameterAsSource(parameters, "RIVERS", context)
        units = self.parameterAsSource(parameters, "UNITS", context)
        if rivers is None or units is None:
            raise QgsProcessingException(self.tr("RIVERS and UNITS are required"))
        level = LEVELS[self.parameterAsEnum(parameters, "UNIT_LEVEL", context)]
        tolerance = self.parameterAsDouble(parameters, "BOUNDARY_TOLERANCE", context)
        min_length = self.parameterAsDouble(parameters, "MIN_LENGTH", context)
        district = self.parameterAsString(parameters, "DISTRICT_CODE", context) or None
        existing_src = self.parameterAsSource(parameters, "EXISTING", context)
        for src, need, title in ((rivers, ("river_code", "name"), "RIVERS"), (units, ("code", "name"), "UNITS")):
            missing = [n for n in need if src.fields().lookupField(n) < 0]
            if missing:
                raise QgsProcessingException(self.tr("{0} has no field {1}").format(title, ", ".join(missing)))
        rivers_crs = _crs_text(rivers.sourceCrs())
        feedback.pushInfo(self.tr("Reading rivers and units…"))
        labels = {key: layer_label(key, lyr.name() if lyr is not None else "")
                  for key, lyr in ((k, self.parameterAsVectorLayer(parameters, k, context))
                                   for k in ("RIVERS", "UNITS", "EXISTING"))}
        rfields = ["river_code", "name"] + (["parent_river_code"] if rivers.fields().lookupField(
            "parent_river_code") >= 0 else [])
        info: dict = {}
        fids, attrs, geoms = source_to_arrays(rivers, rfields, feedback, info=info)
        check_text(labels["RIVERS"], fids, attrs)
        curves_linearised(feedback, labels["RIVERS"], info)
        zm_dropped(feedback, labels["RIVERS"], rivers.wkbType(), "segments")
        parents = attrs.get("parent_river_code") or [None] * len(fids)
        river_rows = [{"fid": f, "river_code": c, "name": n, "parent_river_code": pc, "geom": g}
                      for f, c, n, pc, g in zip(fids, attrs["river_code"], attrs["name"], parents, geoms)]
        ufields = ["code", "name"] + (["level"] if units.fields().lookupField("level") >= 0 else [])
        fids, attrs, geoms = source_to_arrays(units, ufields, feedback, info=info)
        check_text(labels["UNITS"], fids, attrs)
        curves_linearised(feedback, labels["UNITS"], info)
        unit_rows = [{"fid": f, "code": c, "name": n, "geom": g}
                     for f, c, n, g in zip(fids, attrs["code"], attrs["name"], geoms)]
        if "level" in attrs:
            unit_rows = [u for u, lv in zip(unit_rows, attrs["level"]) if lv in (None, "", level)]
        existing = []
        if existing_src is not None:
            import shapely

            names = [f.name() for f in existing_src.fields() if f.name() in schema.layer("segments").field_names]
            fids, attrs, geoms = source_to_arrays(existing_src, names, feedback, info=info)
            check_text(labels["EXISTING"], fids, {n: attrs[n] for n in text_columns(existing_src.fields(), names)})
            curves_linearised(feedback, labels["EXISTING"], info)
            zm_dropped(feedback, labels["EXISTING"], existing_src.wkbType(), "segments")
            geoms = shapely.force_2d(geoms)
            ex_crs = _crs_text(existing_src.sourceCrs())
            if ex_crs != rivers_crs:
                geoms = seg.transform_geoms(geoms, ex_crs, rivers_crs)
            for i, fid in enumerate(fids):
                row = {n: _plain(attrs[n][i]) for n in names}
                row["fid"], row["geom"] = fid, geoms[i]
                existing.append(row)
        if feedback.isCanceled():
            return {}
        try:
            run = seg.prepare_run(river_rows, unit_rows, rivers_crs=rivers_crs,
                                  units_crs=_crs_text(units.sourceCrs()),
                                  boundary_tolerance=tolerance, min_length=min_length,
                                  district_code=district, existing=existing, feedback=feedback)
        except seg.SegmentationCancelled:
            return {}
        except seg.SegmentationError as exc:
            raise QgsProcessingException(exc.text(ui_language())) from exc
        # the run keeps what it needs: the inputs read go before the output arrives
        river_rows = unit_rows = fids = attrs = geoms = parents = None
        fields = segment_fields()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields,
                                          QgsWkbTypes.MultiLineString, rivers.sourceCrs())
        if sink is None:
            raise QgsProcessingException(self.invalidSinkError(parameters, "OUTPUT"))
        # segments are written chunk by chunk while the next chunk is cut
        touched = set()
        try:
            for table in run.tables():
                _write_segments(sink, fields, table)
                touched.update(f for f in table.columns["fid"] if f is not None)
                del table
        except seg.SegmentationCancelled:
            return {}
        except seg.SegmentationError as exc:
            raise QgsProcessingException(exc.text(ui_language())) from exc
        if existing:
            # the output is the whole table: unchanged history and retired rows stay
            retired = {r["fid"]: r for r in run.retired}
            _write_rows(sink, fields, [retired.get(row["fid"], row) for row in existing if row["fid"] not in touched])
        rep = run.report
        for text in rep["repaired"]:
            feedback.pushWarning(self.tr("Repaired: {0}").format(text))
        for text in rep["invalid"]:
            feedback.reportError(self.tr("Not used: {0}").format(text))
        lang = ui_language()
        for note in rep.get("notes", []):
            feedback.pushWarning(note.text(lang))
        feedback.pushInfo(self.tr("{0} segments ({1} single-bank): {2} added, {3} changed, "
                                  "{4} unchanged, {5} retired").format(
            rep.get("segments", 0), rep.get("single_bank", 0), len(rep["added"]), len(rep["changed"]),
            len(rep["unchanged"]), len(rep["retired"])))
        return {"OUTPUT": dest, "SEGMENTS": rep.get("segments", 0), "ADDED": len(rep["added"]),
                "CHANGED": len(rep["changed"]), "UNCHANGED": len(rep["unchanged"]),
                "RETIRED": len(rep["retired"]), "SINGLE_BANK": rep.get("single_bank", 0),
                "REPAIRED": len(rep["repaired"]), "INVALID": len(rep["invalid"])}


#: date fields (ISO text in the table, QDate in the sink)
_DATES = ("valid_from", "valid_to")
#: text fields whose values repeat from segment to segment (a river's code, the unit's code and
#: name, the bank): one QVariant per distinct value, shared by the features holding it (Qt's
#: implicit sharing: one string in memory, not one per feature; 38 MB less at 228,000 segments)
_SHARED = ("river_code", "bank", "unit_code", "start_name", "end_name")


def _write_segments(sink, fields, table) -> None:
    """Add the rows of a segment table to the sink."""
    from qgis.core import QgsFeature, QgsGeometry
    from qgis.PyQt.QtCore import QVariant

    n = len(table)
    if not n:
        return
    columns = []
    for name in (f.name() for f in fields):
        col = table.columns.get(name)
        if col is None:
            col = [None] * n
        elif name in _DATES or name in _SHARED:
            # few distinct values: each converted once (dates to QDate, texts to a QVariant);
            # the unique ones (code, name) go as plain Python values, which the sink converts
            # faster than a QVariant made for each
            distinct = {v: (_qvalue(name, v) if name in _DATES else v if v is None else QVariant(v)) for v in set(col)}
            col = [distinct[v] for v in col]
        columns.append(col)
    # one feature and one geometry, refilled per segment: the sink copies what it is given
    # (a list of features per addFeatures call costs more)
    add = sink.addFeature
    flag = QgsFeatureSink.Flag.FastInsert
    feat = QgsFeature()
    geom = QgsGeometry()
    set_attributes, set_geometry, from_wkb = feat.setAttributes, feat.setGeometry, geom.fromWkb
    for attrs, wkb in zip(zip(*columns), table.wkb()):
        set_attributes(list(attrs))
        from_wkb(wkb)
        set_geometry(geom)
        if not add(feat, flag):
            raise QgsProcessingException(f"could not write segment {attrs[0]}")


def _write_rows(sink, fields, rows) -> None:
    """Add whole segment rows (existing segments kept as they were, or retired) to the sink."""
    from hezhang_plugin.data.qgsio import feature_from

    flag = QgsFeatureSink.Flag.FastInsert
    for row in rows:
        values = {k: _qvalue(k, v) for k, v in row.items() if k not in ("fid", "geom")}
        sink.addFeature(feature_from(fields, values, row.get("geom")), flag)


def _plain(value):
    if isinstance(value, QDate):
        return value.toString("yyyy-MM-dd") if value.isValid() else None
    return value


def _qvalue(name, value):
    if value is None:
        return None
    if name in ("valid_from", "valid_to") and isinstance(value, str):
        return QDate.fromString(value, "yyyy-MM-dd")
    return value
