"""Storing a segmentation run: inserts, updates and retirements in one GeoPackage transaction."""

from __future__ import annotations

from typing import Sequence

from hezhang_plugin.data import io


def apply(path: str, rows: Sequence[dict], retired: Sequence[dict], layer: str = "segments") -> int:
    """Write segment rows (update when a row has a ``fid``, insert otherwise) and set
    ``valid_to`` on retired rows (``fid`` + ``valid_to``), all or nothing.

    Raises :class:`hezhang_plugin.data.io.WriteError` naming the segment that failed; the
    workspace is then unchanged. Returns the number of rows written.
    """
    return io.write_rows(path, layer, [*retired, *rows], update_by_fid=True)
