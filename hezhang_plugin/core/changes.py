"""The one change-set type: what a use case wants written, before anything is written.

Core's planners take rows and return a :class:`ChangeSet`; an applier writes it — in one
backend transaction (batch, all or nothing) or into the QGIS edit buffers inside one
undoable edit command (interactive). A ChangeSet is plain data: no QGIS, no database.

A change is one row of one layer:

- ``insert``: ``values`` (and ``geometry``) of a new row; ``key`` is empty;
- ``update``: the row named by ``key`` gets ``values`` (only the fields named) and, when
  given, ``geometry``;
- ``end``: the row named by ``key`` ends — ``values`` holds ``valid_to`` (or, for chiefs,
  ``active = False``); history is never deleted (DESIGN.md §3 "History"), so there is no
  delete operation.

``key`` names the row either by ``fid`` (an ``int``, the row's id in this backend) or by
the layer's business key (``{"seg_code": "411171000012"}``; :data:`BUSINESS_KEYS`), which
stays valid across backends. ``expected_version`` is the ``row_version`` the planner read,
for optimistic locking (PostgreSQL backend): an applier that supports it refuses the change
when the stored row has moved on. Geometries are shapely geometries in the layer's CRS (or
their ISO WKB, as bulk writers such as the segmentation give them).
Changes apply in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional, Union

from hezhang_plugin.core.messages import Message, as_message

INSERT, UPDATE, END = "insert", "update", "end"
OPERATIONS = (INSERT, UPDATE, END)

#: The field naming a row of each layer independently of the backend's fids.
BUSINESS_KEYS = {
    "admin_units": "code",
    "rivers": "river_code",
    "segments": "seg_code",
    "chiefs": "chief_id",
    "notice_boards": "board_code",
    "problems": "problem_code",
    "assessment_sheets": "sheet_code",
}

Key = Union[int, Mapping[str, Any], None]


@dataclass(frozen=True)
class RowChange:
    """One row change; see the module docstring."""

    layer: str
    operation: str
    key: Key = None
    values: Mapping[str, Any] = field(default_factory=dict)
    geometry: Any = None
    expected_version: Optional[int] = None

    def __post_init__(self):
        if self.operation not in OPERATIONS:
            raise ValueError(f"operation {self.operation!r} is not one of {', '.join(OPERATIONS)}")
        if self.operation == INSERT and self.key is not None:
            raise ValueError("an insert has no key")
        if self.operation != INSERT:
            if self.key is None:
                raise ValueError(f"an {self.operation} needs the key of its row")
            if not isinstance(self.key, int) and not (isinstance(self.key, Mapping) and len(self.key) == 1):
                raise ValueError(f"key {self.key!r} is neither a fid nor one business-key field")

    @property
    def fid(self) -> Optional[int]:
        """The fid this change names, when it names the row by fid."""
        return self.key if isinstance(self.key, int) else None

    @property
    def business_key(self) -> Optional[tuple]:
        """(field, value) when the change names its row by business key."""
        if isinstance(self.key, Mapping):
            return next(iter(self.key.items()))
        return None

    def row(self) -> dict:
        """``values`` plus ``fid`` (when keyed by fid) and ``geom`` (when given): the row dict
        the GeoPackage writer takes."""
        out = dict(self.values)
        if self.fid is not None:
            out["fid"] = self.fid
        if self.geometry is not None:
            out["geom"] = self.geometry
        return out


def by_fid(fid: int) -> int:
    return int(fid)


def by_key(layer: str, value: Any) -> dict:
    """The business key of ``layer`` with ``value`` (``by_key("segments", "4111…")``)."""
    return {BUSINESS_KEYS[layer]: value}


class ChangeSet:
    """A description (what the user did, a :class:`Message` in both languages) and ordered
    row changes (:class:`RowChange`)."""

    def __init__(self, description: Any = "", changes=None):
        self.description: Message = as_message(description)
        self.changes: list = list(changes or [])

    def __repr__(self) -> str:
        return f"ChangeSet({str(self.description)!r}, {len(self.changes)} changes)"

    # -- building
    def insert(self, layer: str, values: Mapping[str, Any], geometry: Any = None) -> ChangeSet:
        vals = {k: v for k, v in values.items() if k not in ("fid", "geom")}
        geom = geometry if geometry is not None else values.get("geom")
        self.changes.append(RowChange(layer, INSERT, None, vals, geom))
        return self

    def update(self, layer: str, key: Key, values: Mapping[str, Any], geometry: Any = None,
               expected_version: Optional[int] = None) -> ChangeSet:
        vals = {k: v for k, v in values.items() if k not in ("fid", "geom")}
        geom = geometry if geometry is not None else values.get("geom")
        self.changes.append(RowChange(layer, UPDATE, key, vals, geom, expected_version))
        return self

    def end(self, layer: str, key: Key, valid_to: Optional[str] = None,
            expected_version: Optional[int] = None, **values: Any) -> ChangeSet:
        """End a row: ``valid_to`` for dated rows, or other fields (``active=False``)."""
        vals = dict(values)
        if valid_to is not None:
            vals["valid_to"] = valid_to
        if not vals:
            raise ValueError("an end needs valid_to or the fields that end the row")
        self.changes.append(RowChange(layer, END, key, vals, None, expected_version))
        return self

    def extend(self, other: ChangeSet) -> ChangeSet:
        self.changes.extend(other.changes)
        return self

    # -- reading
    def __iter__(self) -> Iterator[RowChange]:
        return iter(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __bool__(self) -> bool:
        return bool(self.changes)

    @property
    def layers(self) -> list:
        """Layers touched, in order of first change."""
        return list(dict.fromkeys(c.layer for c in self.changes))

    def of(self, layer: str, operation: Optional[str] = None) -> list:
        """The changes of ``layer`` (of one ``operation`` when given), in order."""
        return [c for c in self.changes if c.layer == layer and (operation is None or c.operation == operation)]

    def count(self, layer: Optional[str] = None, operation: Optional[str] = None) -> int:
        return sum(1 for c in self.changes
                   if (layer is None or c.layer == layer) and (operation is None or c.operation == operation))
