"""Schema migrations of workspace GeoPackages.

Each migration brings a workspace from version N-1 to N. Migrating works on a copy
beside the file and replaces the original only when every step succeeded, so a failing
migration leaves the workspace as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import Callable

from osgeo import ogr

from hezhang_plugin.core import schema
from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.data import gpkg


@dataclass(frozen=True)
class Migration:
    to_version: int
    description: str
    apply: Callable[[ogr.DataSource], list[str]]


def _to_2(ds: ogr.DataSource) -> list[str]:
    # Version 2 added the governance target of segments (治理目标, printed on boards)
    # and the supervision hotline of notice boards.
    return gpkg.add_fields_since(ds, 2)


def _workspace_crs(ds: ogr.DataSource) -> str:
    meta = ds.GetLayerByName("hz_meta")
    meta.ResetReading()
    feat = meta.GetNextFeature()
    return (feat.GetField("crs") if feat is not None else None) or schema.DEFAULT_CRS


def _added_in(version: int) -> Callable[[ogr.DataSource], list[str]]:
    """A migration that adds the layers and fields the schema declares ``since=version``."""
    def apply(ds: ogr.DataSource) -> list[str]:
        return gpkg.add_layers_since(ds, version, _workspace_crs(ds)) + gpkg.add_fields_since(ds, version)
    return apply


def _to_3(ds: ogr.DataSource) -> list[str]:
    from hezhang_plugin.data import gpkg_tracking

    changes = _added_in(3)(ds)
    # Existing rows get a uid, version 1 and their creation time (unknown: the migration's),
    # then the triggers that keep the tracking fields and the change log from now on.
    gpkg_tracking.backfill(ds)
    gpkg_tracking.install(ds)
    return changes


MIGRATIONS: dict[int, Migration] = {
    2: Migration(2, "add segments.target and notice_boards.hotline", _to_2),
    # Round 2: the layers and fields declared since=3 in core.schema (edit tracking,
    # patrols, problems, assessment); each declaration documents itself there.
    3: Migration(3, "add the round-2 layers and fields (schema version 3), edit tracking and the change log",
                 _to_3),
}


def pending(version: int) -> list[Migration]:
    return [MIGRATIONS[v] for v in range(version + 1, schema.SCHEMA_VERSION + 1)]


@gdal_exceptions
def migrate(path: str, update_project: Callable[[str, list[str], str], None] | None = None) -> list[str]:
    """Migrate ``path`` to the current schema version; returns what was changed."""
    info = gpkg.read_workspace_info(path)
    steps = pending(info.schema_version)
    if not steps:
        return []
    # The migrated copy is written beside the file and renamed over it.
    gpkg.check_writable(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".hezhang-migrate-", suffix=".gpkg", dir=folder)
    os.close(fd)
    changes: list[str] = []
    try:
        shutil.copyfile(path, tmp)
        ds = ogr.Open(tmp, 1)
        try:
            for step in steps:
                changes += step.apply(ds)
                gpkg.touch_updated(ds, step.to_version)
        finally:
            ds = None
        if update_project is not None:
            update_project(tmp, changes, os.path.abspath(path))
        os.replace(tmp, path)
    except BaseException:
        gpkg.remove_with_sidecars(tmp)
        raise
    return changes
