"""Cutting rivers into segments (河段) by administrative units, with single-bank handling.

The algorithm works on a one-dimensional axis: every river part is laid end to end on a
global measure axis (metres in a local Gauss-Kruger zone), and everything else — where the
river is inside a unit, where it is near a unit boundary, which unit lies left and right of
it — becomes intervals on that axis. Intervals are labelled, merged and turned back into exact
sub-lines of the original geometry (original vertices, in flow direction), so output segments
follow the river exactly whatever CRS it is stored in. Lengths are ellipsoidal (CGCS2000) per
river edge, pro-rated within the cut edges.

The package, along its seams:

* :mod:`.common` — defaults of a run, errors, progress, report notes;
* :mod:`.geometry` — metric CRS, transforms, input cleaning;
* :mod:`.flow` — flow direction (parts, tributaries against their parent rivers);
* :mod:`.axis` — the measure axis and exact sub-lines with ellipsoidal lengths;
* :mod:`.engine` — cutting: crossings, bank stretches, topology noise, slivers;
* :mod:`.names` — segment and end names;
* :mod:`.table` — the segment table (columns, WKB);
* :mod:`.reconcile` — matching stored segments, stable codes, unchanged, retirement;
* :mod:`.run` — a whole run (:func:`segment_rivers`), or one cut chunk by chunk
  (:func:`prepare_run`);
* :mod:`.drawing` — helpers of the draw-segment map tool.

Segmenting a workspace (reading and storing) is ``hezhang_plugin.services.segmentation``.

No Qt here: the functions take plain rows (dicts with a shapely ``geom``) and a duck-typed
``feedback`` (``setProgress``, ``isCanceled``, ``pushInfo``), so they run in Processing, in a
QgsTask and in tests alike. The names below are the package's public interface.
"""

from hezhang_plugin.core.segmentation.axis import edge_lengths_m, substring_coords, substrings_on_axis
from hezhang_plugin.core.segmentation.common import (
    DEFAULT_BOUNDARY_TOLERANCE,
    DEFAULT_MIN_LENGTH,
    DEFAULT_UNIT_LEVEL,
    SegmentationCancelled,
    SegmentationError,
)
from hezhang_plugin.core.segmentation.drawing import (
    drawn_segment_attributes,
    nearest_index,
    substring_between,
    unit_with_most_length,
)
from hezhang_plugin.core.segmentation.engine import label_axis
from hezhang_plugin.core.segmentation.flow import orient_rivers
from hezhang_plugin.core.segmentation.geometry import (
    choose_metric_crs,
    clean_geometries,
    metric_crs_for,
    transform_geoms,
)
from hezhang_plugin.core.segmentation.names import (
    BANK_SUFFIX,
    NAME_BOUNDARY,
    NAME_DISTRICT_EDGE,
    NAME_MOUTH,
    NAME_SEGMENT,
    NAME_SEGMENT_NUMBERED,
    NAME_SOURCE,
)
from hezhang_plugin.core.segmentation.reconcile import SAME_EXTENT_M, match_existing, reconcile
from hezhang_plugin.core.segmentation.run import (
    CHUNK_VERTICES,
    SegmentationResult,
    SegmentationRun,
    prepare_run,
    segment_rivers,
)
from hezhang_plugin.core.segmentation.table import SegmentTable, multilinestring_wkb

__all__ = [
    "BANK_SUFFIX", "CHUNK_VERTICES", "DEFAULT_BOUNDARY_TOLERANCE", "DEFAULT_MIN_LENGTH", "DEFAULT_UNIT_LEVEL",
    "NAME_BOUNDARY", "NAME_DISTRICT_EDGE", "NAME_MOUTH", "NAME_SEGMENT", "NAME_SEGMENT_NUMBERED",
    "NAME_SOURCE", "SAME_EXTENT_M", "SegmentTable", "SegmentationCancelled", "SegmentationError",
    "SegmentationResult", "SegmentationRun", "choose_metric_crs", "clean_geometries", "drawn_segment_attributes",
    "edge_lengths_m", "label_axis", "match_existing", "metric_crs_for", "multilinestring_wkb",
    "nearest_index", "orient_rivers", "prepare_run", "reconcile", "segment_rivers",
    "substring_between", "substring_coords", "substrings_on_axis", "transform_geoms",
    "unit_with_most_length",
]
