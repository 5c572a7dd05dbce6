"""Chief appointments over time: assign chiefs to segments, end assignments, deactivate
chiefs, and answer "who was responsible for this segment on date D".

Dates are ISO ``YYYY-MM-DD`` strings (:mod:`hezhang_plugin.core.dates`); "current on D"
is :mod:`hezhang_plugin.core.validity`'s rule: ``valid_to`` is the last day an appointment
holds (inclusive) and an empty ``valid_to`` means current; an appointment replaced by a
successor starting on S ends on S − 1 day. History is never deleted: ending an appointment
writes its ``valid_to``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, Optional

from hezhang_plugin.core import codes, lengths, schema, validity
from hezhang_plugin.core.changes import ChangeSet
from hezhang_plugin.core.dates import day_before, parse_date, today  # noqa: F401  (re-exported)
from hezhang_plugin.core.messages import HezhangError, Message, Text
from hezhang_plugin.core.validity import current_rows, is_current  # noqa: F401  (re-exported)

#: Roles that make a segment "covered" at their level (partner roles sit beside them).
LEAD_ROLES = ("chief", "first_chief", "general_chief", "deputy_general_chief")
LEVEL_ORDER = ("district", "town", "village")


class AssignmentError(HezhangError, ValueError):
    """An assignment that cannot be made; the message (``text(lang)``) says which segment or chief."""


def responsible_on(
    assignments: Iterable[dict], seg_code: str, date: Optional[str] = None, chiefs: Optional[dict] = None
) -> list[dict]:
    """The appointments holding on ``seg_code`` on ``date`` (with the chief row merged in
    under ``chief`` when a chief_id → row dict is given), sorted by level then role."""
    date = date or today()
    out = []
    for a in assignments:
        if a.get("seg_code") == seg_code and is_current(a, date):
            item = dict(a)
            if chiefs is not None:
                item["chief"] = chiefs.get(a.get("chief_id"))
            out.append(item)
    order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    return sorted(out, key=lambda a: (order.get(a.get("level"), 9), a.get("role") or ""))


def by_segment(assignments: Iterable[dict], date: Optional[str] = None) -> dict[str, list[dict]]:
    """Current appointments grouped by segment code."""
    date = date or today()
    out: dict[str, list[dict]] = defaultdict(list)
    for a in assignments:
        if is_current(a, date):
            out[a.get("seg_code")].append(a)
    return out


def required_levels(unit_level: Optional[str]) -> tuple[str, ...]:
    """Chief levels a segment of a unit at ``unit_level`` must have (R1)."""
    if unit_level == "village":
        return ("district", "town", "village")
    if unit_level == "town":
        return ("district", "town")
    return ("district",)


def chief_active(chief: Optional[dict]) -> bool:
    """A chief row counts as active unless ``active`` is explicitly false (empty = active,
    the schema's default)."""
    if chief is None:
        return False
    active = chief.get("active")
    return True if active is None else bool(active)


def holds(appointment: dict, chiefs: dict) -> bool:
    """Whether an appointment current on the date answers for its segment (R1, the tree, the
    maps): its chief (``chiefs``: chief_id → row) exists and is active, or the appointment
    has an end date — a deactivated chief answers through the last day of each appointment
    its deactivation ended; an open appointment of an inactive or unknown chief holds for
    nobody."""
    chief = chiefs.get(appointment.get("chief_id"))
    if chief is None:
        return False
    return chief_active(chief) or bool(appointment.get("valid_to"))


#: One letter per chief level in the lead terms (:func:`lead_terms_sql`).
LEVEL_LETTERS = {"district": "d", "town": "t", "village": "v"}
#: Open bounds of a term: no ``valid_from`` holds since always, no ``valid_to`` still holds.
OPEN_START, OPEN_END = "0000-01-01", "9999-12-31"


def lead_terms_sql() -> str:
    """SQLite text (a QGIS virtual layer over the tables ``assignments`` and ``chiefs``)
    giving one row per ``seg_code`` with ``lead_terms``: every lead-role appointment
    (:data:`LEAD_ROLES`) that answers for the segment by :func:`holds` — its chief exists
    and is active, or the appointment has an end date — written ``Lyyyy-mm-dd/yyyy-mm-dd``
    (L the level's letter in :data:`LEVEL_LETTERS`, then ``valid_from``/``valid_to`` with
    open bounds :data:`OPEN_START`/:data:`OPEN_END`), joined by ``;``.

    The terms carry no date: :func:`chiefs_missing_expression` applies the as-of date to
    them, so one derived row per segment serves every date (rule R1 on D, with
    :mod:`~hezhang_plugin.core.validity`'s inclusive bounds). Dates are ISO text (as the
    GeoPackage stores them and QGIS hands them to SQLite); ``active`` is 0/1 or empty
    (empty = active, as :func:`chief_active`).
    """
    letter = "CASE level " + " ".join(f"WHEN '{lv}' THEN '{ch}'" for lv, ch in LEVEL_LETTERS.items()) + " END"
    roles = ", ".join(f"'{r}'" for r in LEAD_ROLES)
    levels = ", ".join(f"'{lv}'" for lv in LEVEL_LETTERS)
    # Built from this module's constants only (no user text).
    return (
        f"SELECT seg_code, group_concat({letter} || coalesce(nullif(valid_from, ''), '{OPEN_START}') || '/' || "  # noqa: S608  # nosec B608
        f"coalesce(nullif(valid_to, ''), '{OPEN_END}'), ';') AS lead_terms "
        f"FROM assignments WHERE role IN ({roles}) AND level IN ({levels}) AND ("
        f"chief_id IN (SELECT chief_id FROM chiefs WHERE active IS NULL OR active <> 0) OR "
        f"(nullif(valid_to, '') IS NOT NULL AND chief_id IN (SELECT chief_id FROM chiefs))) "
        f"GROUP BY seg_code")


def level_held_expression(level: str, terms: str, day: str) -> str:
    """QGIS expression text: true when the lead terms ``terms`` (an expression giving the
    text of :func:`lead_terms_sql`, e.g. a joined field) hold a term of ``level`` on ``day``
    (an expression giving ``YYYY-MM-DD`` text): valid_from ≤ day ≤ valid_to."""
    letter = LEVEL_LETTERS[level]
    return (f"(array_length(array_filter(string_to_array(coalesce({terms}, ''), ';'), "
            f"left(@element, 1) = '{letter}' AND substr(@element, 2, 10) <= {day} AND "
            f"right(@element, 10) >= {day})) > 0)")


def level_required_expression(level: str, unit_code: str = '"unit_code"') -> str:
    """QGIS expression text: true when rule R1 asks for ``level`` on a segment whose unit
    code is ``unit_code`` (:func:`required_levels` of the level the 12-digit code implies,
    :func:`hezhang_plugin.core.codes.unit_level`; no valid code: district only)."""
    if level == "district":
        return "TRUE"
    tail = 6 if level == "town" else 3
    code = f"coalesce({unit_code}, '')"
    return (f"(regexp_match({code}, '^[0-9]{{12}}$') > 0 AND right({code}, {tail}) <> '{'0' * tail}')")


def level_missing_expression(level: str, terms: str, date_expr: str, unit_code: str = '"unit_code"') -> str:
    """QGIS expression text: true when the segment lacks the ``level`` of chiefs R1 asks for
    on ``date_expr`` (an expression giving a date), judged from its lead terms ``terms``."""
    day = f"format_date({date_expr}, 'yyyy-MM-dd')"
    return (f"({level_required_expression(level, unit_code)} AND NOT "
            f"{level_held_expression(level, terms, day)})")


def chiefs_missing_expression(terms: str, date_expr: str, unit_code: str = '"unit_code"') -> str:
    """Rule R1 as QGIS expression text over a segment feature: true when the segment is
    current on ``date_expr`` (an expression giving a date; :mod:`validity`) and a level of
    chiefs it needs is not held that day (:func:`missing_levels` with :func:`holds`),
    judged from its lead terms ``terms`` alone — no other layer is read, so styles using it
    can be evaluated in any thread (rendering, labelling, the snapping index)."""
    day = "@hz_r1_day"
    parts = [f"({level_required_expression(lv, unit_code)} AND NOT {level_held_expression(lv, terms, day)})"
             for lv in LEVEL_LETTERS]
    return (f"({validity.expression(date_expr)} AND with_variable('hz_r1_day', "
            f"format_date({date_expr}, 'yyyy-MM-dd'), {' OR '.join(parts)}))")


def holds_sqlite(appointment: str = "a", chief: str = "c") -> str:
    """:func:`holds` as SQLite text over an appointment row joined (inner join: the chief
    exists) to its chief's row: the chief is active (empty ``active`` is active) or the
    appointment has an end date."""
    a, c = appointment, chief
    return f"({c}.active IS NULL OR {c}.active <> 0 OR ({a}.valid_to IS NOT NULL AND {a}.valid_to <> ''))"


def held_levels_sqlite() -> str:
    """SQLite query giving, per segment, the levels (bits of :data:`LEVEL_BITS`) that a
    lead-role appointment current on ``:day`` holds (:func:`holds`) — what
    :func:`missing_levels` compares with the required levels; the roles are bound to
    ``:r0``..``:r3`` (:data:`LEAD_ROLES`). Table and column names are the schema's."""
    bits = " ".join(f"WHEN '{lv}' THEN {b}" for lv, b in LEVEL_BITS.items())
    roles = ", ".join(f":r{i}" for i in range(len(LEAD_ROLES)))
    # constants of this module only: no user text in the query
    return (f"SELECT a.seg_code, SUM(DISTINCT CASE a.level {bits} ELSE 0 END) "  # noqa: S608  # nosec B608
            "FROM assignments a JOIN chiefs c ON c.chief_id = a.chief_id "
            f"WHERE a.role IN ({roles}) AND {validity.sqlite_condition(':day', 'a')} AND {holds_sqlite()} "
            "GROUP BY a.seg_code")


def missing_levels(
    seg_unit_level: Optional[str], seg_assignments: Iterable[dict], active_chiefs: Optional[set] = None
) -> list[str]:
    """Levels of R1 not held by a current lead-role appointment of an active chief."""
    have = {
        a.get("level")
        for a in seg_assignments
        if a.get("role") in LEAD_ROLES and (active_chiefs is None or a.get("chief_id") in active_chiefs)
    }
    return levels_missing(seg_unit_level, have)


def levels_missing(seg_unit_level: Optional[str], have: set) -> list[str]:
    """The levels of R1 for a segment of a unit at ``seg_unit_level`` that are not in ``have``
    (the levels its lead-role appointments hold), in the order of :func:`required_levels`."""
    return [lv for lv in required_levels(seg_unit_level) if lv not in have]


def unit_ancestor(unit_code: str, level: str, units: dict) -> Optional[str]:
    """The unit at ``level`` containing ``unit_code``: by parent codes when known, else
    by the statistical code prefix (district 6 digits + 000000, town 9 digits + 000)."""
    code = unit_code
    seen = set()
    while code and code not in seen:
        seen.add(code)
        row = units.get(code)
        lv = row.get("level") if row else codes.unit_level(code)
        if lv == level:
            return code
        if row is None or not row.get("parent_code"):
            break
        code = row.get("parent_code")
    if codes.check_unit_code(unit_code):
        return None
    if level == "district":
        return unit_code[:6] + "000000"
    if level == "town" and codes.unit_level(unit_code) in ("town", "village"):
        return unit_code[:9] + "000"
    if level == "village" and codes.unit_level(unit_code) == "village":
        return unit_code
    return None


def chief_problems(row: dict, units: dict) -> list[Message]:
    """Reasons why a chief record is not acceptable (Messages, ``text(lang)`` in either
    language); empty when fine. ``units`` maps unit code → admin unit row (with ``level``)."""
    out: list[Message] = []
    if codes.check_name(row.get("name")):
        out.append(Message("chief.name_empty"))
    level = row.get("level")
    if level not in schema.LEVELS.values:
        out.append(Message("chief.level_invalid", level=level, choices=Text(
            ", ".join(schema.LEVELS.values), "、".join(c.zh for c in schema.LEVELS.choices))))
    role = row.get("role")
    if role not in schema.ROLES.values:
        out.append(Message("chief.role_invalid", role=role, choices=Text(
            ", ".join(schema.ROLES.values), "、".join(c.zh for c in schema.ROLES.choices))))
    unit = row.get("unit_code")
    err = codes.check_unit_code(unit)
    if err:
        out.append(err)
    elif units is not None and unit not in units:
        out.append(Message("chief.unit_unknown", unit=unit))
    elif level in schema.LEVELS.values:
        unit_lv = (units.get(unit) or {}).get("level") if units else None
        unit_lv = unit_lv or codes.unit_level(unit)
        if unit_lv != level:
            out.append(Message("chief.unit_level", level=level, unit=unit, unit_level=unit_lv))
    phone = row.get("phone")
    if phone:
        err = codes.check_phone(phone)
        if err:
            out.append(err)
    return out


def validate_chief(row: dict, units: dict, lang: str = "en") -> list[str]:
    """Reasons why a chief record is not acceptable, in ``lang`` ('en' or 'zh'); empty when
    it is fine. ``units`` maps unit code → admin unit row (with ``level``)."""
    return [m.text(lang) for m in chief_problems(row, units)]


def new_chief_id(unit_code: str, taken: set) -> str:
    """A stable new chief id: C + unit code + 3-digit sequence not in ``taken`` (added to it)."""
    n = 1
    while True:
        cid = f"C{unit_code}{n:03d}"
        if cid not in taken:
            taken.add(cid)
            return cid
        n += 1


def plan_assignment(
    existing: Iterable[dict],
    seg_codes: Iterable[str],
    chief: dict,
    valid_from: str,
    duty: Optional[str] = None,
    replace_current: bool = True,
    level: Optional[str] = None,
    role: Optional[str] = None,
):
    """Rows to insert and (fid, valid_to) ends to apply for assigning ``chief`` to segments.

    An appointment of another chief at the same level and role still open on
    ``valid_from`` is ended the day before (when ``replace_current``), so the segment
    has one answer per level and role on every date. A segment already held by this
    chief at that level and role is left as it is.
    """
    level = level or chief.get("level")
    role = role or chief.get("role") or "chief"
    if not parse_date(valid_from):
        raise AssignmentError("assignment.bad_start", value=valid_from)
    valid_from = parse_date(valid_from)
    by_seg: dict[str, list[dict]] = defaultdict(list)
    for a in existing:
        if (
            a.get("level") == level
            and a.get("role") == role
            and validity.open_on(a, valid_from)
        ):
            by_seg[a.get("seg_code")].append(a)
    inserts, ends = [], []
    for seg in dict.fromkeys(seg_codes):
        held = by_seg.get(seg, [])
        if any(
            a.get("chief_id") == chief["chief_id"] and (a.get("valid_from") or "") <= valid_from for a in held
        ):
            continue
        if replace_current:
            for a in held:
                if a.get("chief_id") == chief["chief_id"]:
                    continue
                ends.append((a.get("fid"), validity.end_date(a.get("valid_from"), valid_from)))
        inserts.append(
            {
                "seg_code": seg,
                "chief_id": chief["chief_id"],
                "level": level,
                "role": role,
                "duty": duty or None,
                "valid_from": valid_from,
                "valid_to": None,
            }
        )
    return inserts, ends


def plan_deactivation(assignments: Iterable[dict], chief_id: str, end_date: str) -> list[tuple]:
    """(fid, valid_to) for every appointment of ``chief_id`` still open on ``end_date``."""
    end_date = parse_date(end_date)
    if not end_date:
        raise AssignmentError("assignment.no_end_deactivate")
    out = []
    for a in assignments:
        if a.get("chief_id") == chief_id and (not a.get("valid_to") or a.get("valid_to") > end_date):
            start = a.get("valid_from") or end_date
            out.append((a.get("fid"), max(start, end_date)))
    return out


# ------------------------------------------------------------------ change sets


def assignment_changes(
    existing: Iterable[dict],
    seg_codes: Iterable[str],
    chief: dict,
    valid_from: str,
    duty: Optional[str] = None,
    replace_current: bool = True,
) -> ChangeSet:
    """The change set assigning ``chief`` to segments (:func:`plan_assignment`): ends of the
    appointments it replaces (by fid), then the new appointments. Raises AssignmentError
    for an inactive chief or a bad date."""
    if not chief.get("active", True):
        raise AssignmentError("chief.inactive", chief=chief.get("chief_id"), name=chief.get("name") or "")
    inserts, ends = plan_assignment(existing, seg_codes, chief, valid_from, duty, replace_current)
    cs = ChangeSet(Message("change.assign", name=chief.get("name") or chief.get("chief_id"), count=len(inserts)))
    for fid, end in ends:
        cs.end("assignments", fid, valid_to=end)
    for row in inserts:
        cs.insert("assignments", row)
    return cs


def end_changes(fids: Iterable[int], end_date: str) -> ChangeSet:
    """The change set ending appointments (by fid) on ``end_date`` (their last day)."""
    end_date = parse_date(end_date)
    if not end_date:
        raise AssignmentError("assignment.no_end")
    fids = list(fids)
    cs = ChangeSet(Message("change.end_assignments", count=len(fids), date=end_date))
    for fid in fids:
        cs.end("assignments", fid, valid_to=end_date)
    return cs


def deactivation_changes(chief: dict, assignments: Iterable[dict], end_date: str) -> ChangeSet:
    """The change set deactivating ``chief`` (a chiefs row with fid): ``active`` false and
    its appointments open on ``end_date`` ended that day (:func:`plan_deactivation`)."""
    ends = plan_deactivation(assignments, chief["chief_id"], end_date)
    cs = ChangeSet(Message("change.deactivate", name=chief.get("name") or chief["chief_id"]))
    cs.end("chiefs", chief["fid"], active=False)
    for fid, end in ends:
        cs.end("assignments", fid, valid_to=end)
    return cs


def chief_changes(values: dict, units: dict, chiefs: dict, chief_id: Optional[str] = None) -> tuple:
    """(change set, chief id) adding a chief (no ``chief_id``: a new id is made) or changing
    the fields ``values`` names of chief ``chief_id``. ``chiefs``: chief_id → row (with fid).
    Raises AssignmentError with every reason the record is not acceptable."""
    problems = chief_problems(values, units)
    if problems:
        raise AssignmentError(Message.literal("; ".join(m.en for m in problems),
                                              "；".join(m.zh for m in problems)))
    if chief_id:
        if chief_id not in chiefs:
            raise AssignmentError("chief.unknown", chief=chief_id)
        cs = ChangeSet(Message("change.edit_chief"))
        cs.update("chiefs", chiefs[chief_id]["fid"], values)
        return cs, chief_id
    chief_id = new_chief_id(values["unit_code"], set(chiefs))
    cs = ChangeSet(Message("change.add_chief"))
    cs.insert("chiefs", dict(values, chief_id=chief_id, active=True))
    return cs, chief_id


# ------------------------------------------------------------------ hierarchy for the dock


class Columns(dict):
    """A table as columns: field name → list of values, all of one length (``len(cols)`` is the
    number of rows). What :meth:`Backend.read_columns` returns; much cheaper than a dict per row
    for the large tables (appointments, segments)."""

    def __len__(self) -> int:
        return len(next(iter(self.values()))) if dict.__len__(self) else 0

    @classmethod
    def of(cls, rows_or_columns, names: Iterable[str] = ()) -> Columns:
        """Columns from a list of row dicts (every key found, plus ``names``) or as they are."""
        if isinstance(rows_or_columns, dict):
            cols = rows_or_columns if isinstance(rows_or_columns, Columns) else cls(rows_or_columns)
            n = len(cols)
            for name in names:
                if name not in cols:
                    cols[name] = [None] * n
            return cols
        rows = list(rows_or_columns)
        keys = list(dict.fromkeys([k for r in rows[:1] for k in r] + list(names)))
        for r in rows[1:]:
            for k in r:
                if k not in keys:
                    keys.append(k)
        return cls({k: [r.get(k) for r in rows] for k in keys})

    def row(self, i: int) -> dict:
        return {k: v[i] for k, v in self.items()}


#: Each chief level as a bit (levels held on a segment as one integer)
LEVEL_BITS = {lv: 1 << i for i, lv in enumerate(LEVEL_ORDER)}
_LEVEL_BIT = LEVEL_BITS


def current_flags(cols: Columns, day: str) -> list:
    """``is_current`` of every row, evaluated once per distinct (valid_from, valid_to)."""
    n = len(cols)
    vf = cols.get("valid_from") or [None] * n
    vt = cols.get("valid_to") or [None] * n
    memo: dict = {}
    out = []
    for pair in zip(vf, vt):
        flag = memo.get(pair)
        if flag is None:
            flag = memo[pair] = is_current({"valid_from": pair[0], "valid_to": pair[1]}, day)
        out.append(flag)
    return out


class _Grouped:
    """A read-only mapping key → list of rows, each list made when first asked for (the tree
    asks for the units and segments it shows, not for a province at once)."""

    def __init__(self, keys: list, make, order: Optional[list] = None):
        import numpy as np

        # keys numbered, one stable argsort (``order`` kept within a key), a slice per key
        number: dict = {}
        ids = np.fromiter((number.setdefault(k, len(number)) for k in keys), dtype=np.int64, count=len(keys))
        base = np.asarray(order if order is not None else np.arange(len(keys)), dtype=np.int64)
        self._order = base[np.argsort(ids[base], kind="stable")] if len(base) else base
        sorted_ids = ids[self._order]
        starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]]) if len(base) else base
        ends = np.r_[starts[1:], len(base)] if len(base) else base
        key_of = list(number)
        self._index: dict = {key_of[i]: (a, b) for i, a, b in zip(sorted_ids[starts].tolist(), starts.tolist(),
                                                                   ends.tolist())}
        self._make = make
        self._done: dict = {}

    def get(self, key, default=None):
        if key not in self._index:
            return default
        got = self._done.get(key)
        if got is None:
            a, b = self._index[key]
            got = self._done[key] = self._make(key, self._order[a:b].tolist())
        return got

    def __getitem__(self, key):
        # an empty list for a key without rows, as the defaultdict(list) this replaces gave
        return self.get(key, [])

    def __contains__(self, key) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def keys(self):
        return self._index.keys()

    def values(self):
        return [self.get(k) for k in self._index]

    def items(self):
        return [(k, self.get(k)) for k in self._index]


class Hierarchy:
    """District → towns → villages with their chiefs, segments and per-node statistics.

    Built from plain rows or from columns (:class:`Columns`, what ``Backend.read_columns``
    gives) so the dock can show a province at once: the statistics of every unit are
    aggregated over arrays when the hierarchy is built (one pass over the appointments, the
    validity rule evaluated once per distinct pair of dates), while the rows of a unit's
    chiefs and segments and of a segment's appointments are made when the tree first shows
    them. Only single-bank segments need their geometry (``geom`` in ``crs``, see
    :func:`hezhang_plugin.core.lengths.needs_geometry`). River km per node are the
    single-bank km of :mod:`hezhang_plugin.core.lengths`, summed over the segments under the
    node.
    """

    def __init__(
        self, units: list, segments, chiefs: list, assignments, date: Optional[str] = None,
        crs: str = schema.DEFAULT_CRS, held: Optional[dict] = None, reader=None,
    ):
        """``assignments`` are rows or :class:`Columns`; or, with ``held`` (seg_code → levels held
        on the date as bits of :data:`LEVEL_BITS`, e.g. by :func:`held_levels_sqlite`), a
        ``reader`` with ``current_of(seg_codes, date)`` and ``current_of_chief(chief_id, date)``
        giving appointment rows current on the date, asked when the tree shows them."""
        self.date = parse_date(date) or today()
        self._reader = None
        self.crs = crs
        self.units = {u["code"]: u for u in units if u.get("code")}
        self.children: dict[str, list[str]] = defaultdict(list)
        self.roots: list[str] = []
        for code, u in self.units.items():
            parent = u.get("parent_code")
            if parent and parent in self.units and parent != code:
                self.children[parent].append(code)
            else:
                self.roots.append(code)
        for kids in self.children.values():
            kids.sort()
        self.roots.sort()
        # segments current on the date, in the order given
        seg = Columns.of(segments, ("seg_code", "unit_code", "bank", "length_km"))
        flags = current_flags(seg, self.date)
        if all(flags):
            self._seg = seg
        else:
            keep = [i for i, ok in enumerate(flags) if ok]
            self._seg = Columns({k: [v[i] for i in keep] for k, v in seg.items()})
        self._seg_rows: Optional[list] = None
        self._all_segments: Optional[list] = None
        self._by_code: Optional[dict] = None
        codes_ = self._seg["seg_code"]
        self._seg_index = {c: i for i, c in enumerate(codes_)}
        self.segments_of = _Grouped(self._seg["unit_code"], self._segment_rows_of,
                                    order=sorted(range(len(codes_)), key=codes_.__getitem__))
        self.chiefs = {c["chief_id"]: c for c in chiefs}
        order = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
        roles = {r: i for i, r in enumerate(schema.ROLES.values)}
        active = [c for c in chiefs if c.get("active", True)]
        self.chiefs_of = _Grouped(
            [c.get("unit_code") for c in active],
            lambda _unit, idx: sorted((active[i] for i in idx), key=lambda c: (
                order.get(c.get("level"), 9), roles.get(c.get("role"), 99), c.get("name") or "")))
        if held is None:
            have = self._held_from_rows(assignments, codes_)
        else:  # computed where the appointments are (a database query), rows fetched when shown
            have = [int(held.get(c) or 0) for c in codes_]
            self.current = _Fetched(lambda segs: reader.current_of(segs, self.date))
            self._reader = reader
        # missing levels of each segment: the unit level's required levels not held
        unit_level: dict = {}
        miss_memo: dict = {}
        self._missing_bits = []
        for unit, bits in zip(self._seg["unit_code"], have):
            lv = unit_level.get(unit, "?")
            if lv == "?":
                lv = unit_level[unit] = (self.units.get(unit) or {}).get("level") or codes.unit_level(unit or "")
            key = (lv, bits)
            m = miss_memo.get(key)
            if m is None:
                m = miss_memo[key] = levels_missing(lv, {v for v, b in _LEVEL_BIT.items() if bits & b})
            self._missing_bits.append(m)
        self.missing = dict(zip(codes_, self._missing_bits))
        self._stats: dict[str, tuple] = {}
        self._aggregate()

    def _held_from_rows(self, assignments, codes_: list) -> list:
        """Levels held on each segment (bits of LEVEL_BITS) from appointment rows or columns,
        and ``current``: the appointments current on the date, by segment."""
        app = Columns.of(assignments, ("seg_code", "chief_id", "level", "role", "valid_from", "valid_to"))
        cur = [i for i, ok in enumerate(current_flags(app, self.date)) if ok]
        app_seg = app["seg_code"]
        self.current = _Grouped([app_seg[i] for i in cur], lambda _seg, idx: [app.row(cur[k]) for k in idx])
        # lead-role appointments that hold (holds(), once per chief and open/closed end)
        have = [0] * len(codes_)
        holding: dict = {}
        chief_col, role_col, level_col, vt_col = app["chief_id"], app["role"], app["level"], app["valid_to"]
        for i in cur:
            if role_col[i] not in LEAD_ROLES:
                continue
            k = self._seg_index.get(app_seg[i])
            bit = LEVEL_BITS.get(level_col[i], 0)
            if k is None or not bit:
                continue
            key = (chief_col[i], bool(vt_col[i]))
            ok = holding.get(key)
            if ok is None:
                ok = holding[key] = holds({"chief_id": key[0], "valid_to": key[1]}, self.chiefs)
            if ok:
                have[k] |= bit
        return have

    def segments_of_chief(self, chief_id: str) -> list[str]:
        """Codes of the segments a chief has an appointment on, current on the date."""
        if self._reader is not None:
            return [a["seg_code"] for a in self._reader.current_of_chief(chief_id, self.date)]
        return [a["seg_code"] for apps in self.current.values() for a in apps if a["chief_id"] == chief_id]

    def prefetch(self, seg_codes) -> None:
        """Make the current appointments of these segments ready at once (one query when they
        come from a database; nothing to do otherwise)."""
        if isinstance(self.current, _Fetched):
            self.current.prefetch(seg_codes)

    # ------------------------------------------------------------------ rows made on demand
    def _segment_row(self, i: int) -> dict:
        if self._seg_rows is None:
            self._seg_rows = [None] * len(self._seg)
        row = self._seg_rows[i]
        if row is None:
            row = self._seg_rows[i] = self._seg.row(i)
        return row

    def _segment_rows_of(self, _unit, idx) -> list:
        return [self._segment_row(i) for i in idx]

    @property
    def segments(self) -> list[dict]:
        """The segments current on the date (row dicts, in the order given)."""
        if self._all_segments is None:
            self._all_segments = [self._segment_row(i) for i in range(len(self._seg))]
        return self._all_segments

    @property
    def seg_by_code(self) -> dict[str, dict]:
        """seg_code → row of the current segments."""
        if self._by_code is None:
            self._by_code = {c: self._segment_row(i) for c, i in self._seg_index.items()}
        return self._by_code

    def _ancestors(self, code: str) -> list[str]:
        out, seen = [], set()
        while code and code in self.units and code not in seen:
            seen.add(code)
            out.append(code)
            code = self.units[code].get("parent_code")
        return out

    def _aggregate(self) -> None:
        # Each segment adds its counted km (single-bank rule) to its unit and every ancestor,
        # in segment order (one bincount over the (segment, ancestor) pairs)
        import numpy as np

        seg = self._seg
        n = len(seg)
        km = np.array([float(v or 0.0) for v in seg.get("length_km") or [0.0] * n], dtype="float64")
        single = [i for i, b in enumerate(seg.get("bank") or []) if b in lengths.SINGLE_BANKS]
        if single:
            rows = [self._segment_row(i) for i in single]
            km[single] = lengths.counted_km(rows, self.crs)
        self.seg_km = dict(zip(seg["seg_code"], km.tolist()))
        unit_ids = {code: k for k, code in enumerate(self.units)}
        # the chain (unit, its ancestors) of every distinct unit of a segment, as a padded matrix
        distinct = {u: k for k, u in enumerate(dict.fromkeys(seg["unit_code"]))}
        chains = [[unit_ids[c] for c in self._ancestors(u)] for u in distinct]
        depth = max((len(c) for c in chains), default=0)
        table = np.full((len(chains), max(depth, 1)), -1, dtype=np.int64)
        for k, c in enumerate(chains):
            table[k, :len(c)] = c
        per_seg = table[np.fromiter((distinct[u] for u in seg["unit_code"]), dtype=np.int64, count=n)]
        # (segment, ancestor) pairs in segment order, then chain order: each unit sums its
        # segments' km in segment order
        ps, k = np.nonzero(per_seg >= 0)
        pu = per_seg[ps, k]
        total = np.bincount(pu, weights=km[ps], minlength=len(unit_ids))
        count = np.bincount(pu, minlength=len(unit_ids))
        miss_bits = np.array([sum(_LEVEL_BIT[lv] for lv in m) for m in self._missing_bits], dtype=np.int64)
        missing = np.zeros(len(unit_ids), dtype=np.int64)
        if len(ps):
            np.bitwise_or.at(missing, pu, miss_bits[ps])
        for code, k in unit_ids.items():
            self._stats[code] = (float(total[k]), int(count[k]),
                                 [lv for lv in LEVEL_ORDER if missing[k] & _LEVEL_BIT[lv]])

    def stats(self, code: str) -> tuple[float, int, list[str]]:
        """(river km on one bank, segment count, missing chief levels) under a unit."""
        return self._stats.get(code, (0.0, 0, []))

    def unit_of_segment(self, seg_code: str) -> Optional[str]:
        i = self._seg_index.get(seg_code)
        return self._seg["unit_code"][i] if i is not None else None

    def path_to(self, code: str) -> list[str]:
        """Unit codes from the root down to ``code``."""
        return list(reversed(self._ancestors(code)))

    def segments_under(self, code: str) -> list[dict]:
        out, stack = [], [code]
        while stack:
            c = stack.pop()
            out.extend(self.segments_of.get(c, []))
            stack.extend(self.children.get(c, []))
        return out

    def search(self, text: str, limit: int = 200) -> list[tuple[str, str]]:
        """(kind, key) of units, chiefs and segments whose name, code or phone contains ``text``."""
        t = (text or "").strip().lower()
        if not t:
            return []
        out = []
        for code, u in self.units.items():
            if t in code or t in (u.get("name") or "").lower():
                out.append(("unit", code))
        for cid, c in self.chiefs.items():
            if c.get("active", True) and (
                t in (c.get("name") or "").lower() or t in (c.get("phone") or "") or t in cid.lower()
            ):
                out.append(("chief", cid))
        names = self._seg.get("name") or [None] * len(self._seg)
        for code, name in zip(self._seg["seg_code"], names):
            if t in code or t in (name or "").lower():
                out.append(("segment", code))
            if len(out) >= limit:
                break
        return out[:limit]


class _Fetched:
    """seg_code → current appointment rows, fetched (and kept) when first asked for."""

    def __init__(self, fetch):
        self._fetch = fetch
        self._done: dict = {}

    def prefetch(self, seg_codes) -> None:
        want = [c for c in dict.fromkeys(seg_codes) if c not in self._done]
        if not want:
            return
        for c in want:
            self._done[c] = []
        for row in self._fetch(want):
            self._done.setdefault(row.get("seg_code"), []).append(row)

    def get(self, code, default=None):
        self.prefetch([code])
        return self._done.get(code) or default

    def __getitem__(self, code):
        return self.get(code, [])
