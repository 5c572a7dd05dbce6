"""Where a workspace lives: the backend interface every use case reads and writes through.

A workspace is named by a URI:

- a GeoPackage path (``…/district.gpkg``) — :class:`GeoPackageBackend`, here;
- ``service=NAME`` (a libpq service from pg_service.conf) — the PostgreSQL backend
  (``hezhang_plugin.data.postgres.backend.PostgresBackend``, issue 12), found through
  :func:`register` so that callers never name a backend class.

Callers (``hezhang_plugin.services``, the workspace session of the dock, Processing
algorithms) do only this::

    ws = backend.open_workspace(uri)          # WorkspaceError when it is not a workspace
    rows = ws.read_rows("segments")           # dicts, ``geom`` as shapely in ws.layer_crs(...)
    ws.apply(changeset)                       # one transaction: all rows or none

The interface (:class:`Backend`) — what a second implementation must provide:

``uri``                 the URI it was opened with (normalised: absolute path for a file)
``kind``                ``"gpkg"`` or ``"postgres"``
``info()``              :class:`~hezhang_plugin.data.gpkg.WorkspaceInfo` (schema version, district, CRS)
``read_only``           True when nothing may be written (file or folder not writable, a
                        database role without write rights); ``apply`` then raises
                        :class:`ReadOnlyError`
``read_rows(layer, where=None, with_geometry=True)``
                        every row as a dict: ``fid``, the fields, ``geom`` (shapely, in the
                        layer's CRS) for spatial layers; ``where`` is a filter written by
                        the caller from constants, never from user text
``read_attributes(layer)``
                        like ``read_rows(layer, with_geometry=False)``, the fastest way the
                        backend has (large non-spatial tables: appointments)
``read_columns(layer, names=None)`` the same as columns (field name → list; a default from
                        ``read_attributes`` in the base class)
``appointment_queries()`` the appointments asked for by date in the database (levels held
                        per segment, rows of some segments or one chief), or None
``layer_crs(layer)``    ``EPSG:n`` (or WKT) of a spatial layer, None for a table
``apply(changeset)``    write a :class:`~hezhang_plugin.core.changes.ChangeSet` in ONE
                        transaction, in order; rolled back on any failure, raising
                        :class:`~hezhang_plugin.data.io.WriteError` (naming the row) or
                        :class:`ConflictError` (a change's ``expected_version`` is not the
                        stored ``row_version``). Returns an :class:`ApplyResult`.
``apply_all(changesets)`` several change sets (an iterable, made while the earlier ones are
                        written: a long run streamed) in ONE transaction, as ``apply``
                        (a default in the base class gathers them first)
``project_uri()``       what ``QgsProject.read`` takes to open the workspace's project
``layer_source(layer)`` (data source, provider key) of a workspace layer in a QGIS project
``owns_source(source)`` True when a QGIS layer data source belongs to this workspace
``layer_name(source)``  the workspace layer name of such a source (None otherwise)

Backends are cheap to open (no connection is held between calls for a GeoPackage).
"""

from __future__ import annotations

import itertools
import os
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional

from hezhang_plugin.core.changes import BUSINESS_KEYS, INSERT, ChangeSet, RowChange
from hezhang_plugin.data import io
from hezhang_plugin.data.gpkg import (
    ReadOnlyWorkspaceError,
    WorkspaceError,
    WorkspaceInfo,
    is_read_only,
    read_workspace_info,
)

#: A write to a workspace that may only be read; the message names it (one class for every
#: backend and for the checks before a write, data.gpkg.check_writable).
ReadOnlyError = ReadOnlyWorkspaceError


class ConflictError(io.WriteError):
    """A change whose row was changed by someone else since it was read (optimistic locking)."""


@dataclass
class ApplyResult:
    """What :meth:`Backend.apply` wrote: counts per (layer, operation) and new fids per layer."""

    counts: dict = field(default_factory=lambda: defaultdict(int))
    inserted_fids: dict = field(default_factory=lambda: defaultdict(list))

    def count(self, layer: Optional[str] = None, operation: Optional[str] = None) -> int:
        return sum(n for (lyr, op), n in self.counts.items()
                   if (layer is None or lyr == layer) and (operation is None or op == operation))


class Backend:
    """Base class of workspace backends; see the module docstring for the contract."""

    kind = ""

    def __init__(self, uri: str):
        self.uri = uri

    # -- reading
    def info(self) -> WorkspaceInfo:
        raise NotImplementedError

    @property
    def read_only(self) -> bool:
        raise NotImplementedError

    def read_rows(self, layer: str, where: Optional[str] = None, with_geometry: bool = True) -> list[dict]:
        raise NotImplementedError

    def read_attributes(self, layer: str) -> list[dict]:
        return self.read_rows(layer, with_geometry=False)

    def read_columns(self, layer: str, names=None) -> dict:
        """Like ``read_attributes(layer)``, as columns (field name → list of values, ``fid``
        included; only the fields in ``names`` when given); backends with a faster way
        override it."""
        rows = self.read_attributes(layer)
        keys = [k for k in dict.fromkeys(k for r in rows[:1] for k in r) if names is None or k == "fid" or k in names]
        return {n: [r.get(n) for r in rows] for n in keys}

    def appointment_queries(self):
        """An object answering ``held_levels(day)``, ``current_of(seg_codes, day)`` and
        ``current_of_chief(chief_id, day)`` in the database (see io.AppointmentQueries), or
        None when the backend has none (the appointments are then read as rows)."""
        return None

    def layer_crs(self, layer: str) -> Optional[str]:
        raise NotImplementedError

    # -- writing
    def apply(self, changeset: ChangeSet) -> ApplyResult:
        raise NotImplementedError

    def apply_all(self, changesets: Iterable[ChangeSet]) -> ApplyResult:
        """Change sets made one after another (a long run's parts, produced while the earlier
        ones are written) in ONE transaction, as :meth:`apply` writes one; nothing is written
        when iterating them raises. Backends that can write while the parts are made override
        this; here they are gathered first."""
        merged: Optional[ChangeSet] = None
        for cs in changesets:
            merged = cs if merged is None else merged.extend(cs)
        return self.apply(merged) if merged else ApplyResult()

    # -- the QGIS project
    def project_uri(self) -> str:
        raise NotImplementedError

    def layer_source(self, layer: str) -> tuple[str, str]:
        raise NotImplementedError

    def owns_source(self, source: str) -> bool:
        return self.layer_name(source) is not None

    def layer_name(self, source: str) -> Optional[str]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.uri!r})"


# --------------------------------------------------------------------------- GeoPackage


class GeoPackageBackend(Backend):
    """A workspace in one GeoPackage file, read and written through OGR."""

    kind = "gpkg"

    def __init__(self, uri: str):
        super().__init__(os.path.abspath(uri))
        self.path = self.uri

    def info(self) -> WorkspaceInfo:
        return read_workspace_info(self.path)

    @property
    def read_only(self) -> bool:
        return is_read_only(self.path)

    def read_rows(self, layer: str, where: Optional[str] = None, with_geometry: bool = True) -> list[dict]:
        return io.read_rows(self.path, layer, where=where, with_geometry=with_geometry)

    def read_attributes(self, layer: str) -> list[dict]:
        return io.read_attributes(self.path, layer)

    def read_columns(self, layer: str, names=None) -> dict:
        return io.read_columns(self.path, layer, names)

    def appointment_queries(self):
        return io.AppointmentQueries(self.path)

    def layer_crs(self, layer: str) -> Optional[str]:
        return io.layer_crs(self.path, layer)

    def apply(self, changeset: ChangeSet) -> ApplyResult:
        return self.apply_all([changeset])

    def apply_all(self, changesets: Iterable[ChangeSet]) -> ApplyResult:
        """See :meth:`Backend.apply_all`: each change set is written as it comes, in one
        GeoPackage transaction, opened with the first change (a stream without changes leaves
        the file untouched)."""
        if self.read_only:
            raise ReadOnlyError(self.path)
        result = ApplyResult()
        changesets = iter(changesets)
        first = next((cs for cs in changesets if cs), None)
        if first is None:
            return result
        with io.transaction(self.path) as ds:
            fids = _FidLookup(ds)
            for changeset in itertools.chain([first], changesets):
                self._write(ds, fids, changeset, result)
        return result

    @staticmethod
    def _write(ds, fids: _FidLookup, changeset: ChangeSet, result: ApplyResult) -> None:
        for group in _runs(changeset.changes):
            layer = group[0].layer
            rows = []
            for change in group:
                row = change.row()
                if change.operation != INSERT:
                    row["fid"] = fids.resolve(layer, change)
                    if change.expected_version is not None:
                        _check_version(ds, layer, row["fid"], change.expected_version)
                rows.append(row)
                result.counts[(layer, change.operation)] += 1
            io.write_to(ds, layer, rows, update_by_fid=True, new_fids=result.inserted_fids[layer])

    def project_uri(self) -> str:
        from hezhang_plugin.data.project import project_uri

        return project_uri(self.path)

    def layer_source(self, layer: str) -> tuple[str, str]:
        from hezhang_plugin.data.project import layer_source

        return layer_source(self.path, layer), "ogr"

    def layer_name(self, source: str) -> Optional[str]:
        parts = (source or "").split("|")
        if not parts or not parts[0]:
            return None
        try:
            same = os.path.abspath(parts[0]) == self.path or os.path.samefile(parts[0], self.path)
        except OSError:
            same = False
        if not same:
            return None
        for p in parts[1:]:
            if p.startswith("layername="):
                return p[len("layername="):]
        return None


def _runs(changes: list) -> list[list[RowChange]]:
    """Consecutive changes of one layer, so each layer's rows go to OGR in one call."""
    out: list[list[RowChange]] = []
    for c in changes:
        if out and out[-1][0].layer == c.layer:
            out[-1].append(c)
        else:
            out.append([c])
    return out


class _FidLookup:
    """fid of a row named by its business key, read once per layer inside the transaction."""

    def __init__(self, ds):
        self.ds = ds
        self.maps: dict[tuple, dict] = {}

    def resolve(self, layer: str, change: RowChange) -> int:
        if change.fid is not None:
            return change.fid
        key_field, value = change.business_key
        if BUSINESS_KEYS.get(layer) != key_field:
            raise io.WriteError(f"{layer}: {key_field} is not the key of the layer")
        if (layer, key_field) not in self.maps:
            lyr = self.ds.GetLayerByName(layer)
            if lyr is None:
                raise KeyError(f"the workspace has no layer {layer}")
            lyr.SetAttributeFilter(None)
            lyr.ResetReading()
            index = {}
            for feat in lyr:
                index.setdefault(feat.GetField(key_field), feat.GetFID())
            self.maps[(layer, key_field)] = index
        fid = self.maps[(layer, key_field)].get(value)
        if fid is None:
            raise io.WriteError(f"{layer}: no row with {key_field} {value}")
        return fid


def _check_version(ds, layer: str, fid: int, expected: int) -> None:
    lyr = ds.GetLayerByName(layer)
    if lyr.GetLayerDefn().GetFieldIndex("row_version") < 0:
        return
    feat = lyr.GetFeature(int(fid))
    stored = feat.GetField("row_version") if feat is not None else None
    if stored is not None and abs(int(stored)) != abs(int(expected)):
        raise ConflictError(f"{layer} fid {fid} was changed by someone else since it was read "
                            f"(version {stored}, expected {expected}); nothing was changed")


# --------------------------------------------------------------------------- opening by URI

_REGISTRY: list[tuple[Callable[[str], bool], Callable[[str], Backend]]] = []


def register(matches: Callable[[str], bool], factory: Callable[[str], Backend]) -> None:
    """Make ``open_workspace`` use ``factory(uri)`` for URIs where ``matches(uri)`` is true
    (checked before the built-in kinds). The PostgreSQL backend registers itself so."""
    _REGISTRY.insert(0, (matches, factory))


def is_postgres_uri(uri: str) -> bool:
    """True for a PostgreSQL workspace URI (``service=NAME``, optionally with more keywords)."""
    return (uri or "").strip().lower().startswith(("service=", "postgresql:", "postgres:", "pg:"))


def open_workspace(uri: str) -> Backend:
    """The backend of the workspace at ``uri``; raises WorkspaceError when there is none.

    The workspace is checked (it must be a Hezhang workspace, :func:`read_workspace_info`),
    not migrated: opening the QGIS project (``data.workspace.open_workspace``) migrates.
    """
    text = (uri or "").strip()
    if not text:
        raise WorkspaceError("workspace.none_given")
    for matches, factory in _REGISTRY:
        if matches(text):
            ws = factory(text)
            ws.info()
            return ws
    if is_postgres_uri(text):
        try:
            from hezhang_plugin.data.postgres.backend import PostgresBackend  # issue 12
        except ImportError as exc:
            raise WorkspaceError(f"{text}: PostgreSQL workspaces are not available in this version") from exc
        ws = PostgresBackend(text)
        ws.info()
        return ws
    ws = GeoPackageBackend(text)
    ws.info()
    return ws


def as_backend(workspace) -> Backend:
    """A Backend for a URI, or the Backend itself (so services take either)."""
    return workspace if isinstance(workspace, Backend) else open_workspace(str(workspace))


__all__ = ["ApplyResult", "Backend", "ConflictError", "GeoPackageBackend", "ReadOnlyError", "WorkspaceError",
           "WorkspaceInfo", "as_backend", "is_postgres_uri", "open_workspace", "register"]
