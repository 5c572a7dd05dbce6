"""Planning the pages of an atlas: which pages (the atlas's own filter and sort, in page
order), how many processes, and the contiguous chunks of pages each process renders into
one part PDF.

Chunks are big at both ends and small in the middle: the exporting process takes them from
the front, the worker processes from the back, and they meet in the small ones, so nobody
waits long for the last chunk. Pages sharing a sort value stay in one chunk (a chunk is
selected by the range of sort values it holds).
"""

from __future__ import annotations

import math
import os
from typing import Optional

from qgis.core import QgsExpression, QgsExpressionContextUtils, QgsFeatureRequest

#: Below this many pages a second process costs more than it saves.
PARALLEL_MIN_PAGES = 24
#: Smallest chunk of pages handed to one process (each chunk is one part PDF).
MIN_CHUNK = 8
#: Largest chunk: cancelling takes effect between chunks.
MAX_CHUNK = 100


def atlas_keys(layout) -> list:
    """Sort values of the atlas pages in page order (the atlas's own filter and sort,
    evaluated as the atlas does: with the layout's variables, e.g. ``hezhang_as_of``)."""
    atlas = layout.atlas()
    layer = atlas.coverageLayer()
    ctx = layout.createExpressionContext()
    ctx.appendScope(QgsExpressionContextUtils.layerScope(layer))
    flt = QgsExpression(atlas.filterExpression()) if atlas.filterFeatures() and atlas.filterExpression() else None
    key = QgsExpression(atlas.sortExpression() or "$id")
    keys = []
    for feat in layer.getFeatures(QgsFeatureRequest()):
        ctx.setFeature(feat)
        if flt is not None and not flt.evaluate(ctx):
            continue
        keys.append(key.evaluate(ctx))
    keys.sort(reverse=not atlas.sortAscending())
    return keys


def restrict_atlas(layout, first, last, base: Optional[str] = None) -> None:
    """Keep only the pages whose sort value lies in [first, last] (of the atlas's own filter,
    or of ``base`` when given: the filter before an earlier restriction)."""
    atlas = layout.atlas()
    key = atlas.sortExpression() or "$id"
    if base is None:
        base = atlas.filterExpression() if atlas.filterFeatures() and atlas.filterExpression() else "TRUE"
    atlas.setFilterFeatures(True)
    atlas.setFilterExpression(f"({base}) AND ({key}) >= {QgsExpression.quotedValue(first)} "
                              f"AND ({key}) <= {QgsExpression.quotedValue(last)}")


def atlas_filter(layout) -> tuple:
    """(filter on, filter expression) of a layout's atlas, to restore after restricting."""
    atlas = layout.atlas()
    return atlas.filterFeatures(), atlas.filterExpression()


def set_atlas_filter(layout, state: tuple) -> None:
    layout.atlas().setFilterFeatures(state[0])
    layout.atlas().setFilterExpression(state[1])


def plan_chunks(n: int, processes: int, min_chunk: int = MIN_CHUNK, max_chunk: int = MAX_CHUNK) -> list:
    """Contiguous [start, end) page ranges: big at both ends, small in the middle, where
    this process (taking chunks from the front) and the workers (from the back) meet."""
    lo, hi, front, back, turn = 0, n, [], [], 0
    while lo < hi:
        r = hi - lo
        size = min(r, max_chunk, max(min_chunk, math.ceil(r / (2 * max(1, processes)))))
        if turn == 0:
            front.append((lo, lo + size))
            lo += size
        else:
            back.append((hi - size, hi))
            hi -= size
        turn ^= 1
    return front + back[::-1]


def key_chunks(keys: list, processes: int, min_chunk: int = MIN_CHUNK) -> list:
    """[first key, last key, pages] per chunk; pages sharing a sort value stay in one chunk."""
    out = []
    start = 0
    for _lo, hi in plan_chunks(len(keys), processes, min_chunk):
        if hi <= start:
            continue
        while hi < len(keys) and keys[hi] == keys[hi - 1]:
            hi += 1
        out.append([keys[start], keys[hi - 1], hi - start])
        start = hi
    return out


def auto_workers(pages: int) -> int:
    """Processes to render ``pages`` atlas pages with (this one included)."""
    if pages < PARALLEL_MIN_PAGES:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))
