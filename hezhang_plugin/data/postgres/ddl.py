"""The PostgreSQL/PostGIS workspace generated from ``core.schema``: schemas, tables, value
lists, group roles and grants, and the triggers that enforce scopes, versions and history.

Layout (after the water-network models TEKSI Wastewater and QWAT, which split schemas by
purpose):

- ``hz_data``: one table per data layer of the schema, plus ``fid`` (serial key) and
  ``geom`` (typed PostGIS geometry in the workspace CRS, GiST-indexed);
- ``hz_values``: one table per value list (value, English and Chinese label), referenced by
  the data columns that use it;
- ``hz_sys``: ``hz_meta``, ``change_log``, ``users`` (login → role and unit-code scope),
  ``qgis_projects`` (the QGIS project, QGIS's own storage table).

Triggers on every tracked data table fire in name order:

1. ``hz_a_scope`` BEFORE INSERT/UPDATE/DELETE: a login that is not an admin edits only rows
   whose unit code starts with its scope prefix (``hz_sys.users``); anything else is
   refused with a message naming the unit, in Chinese and English (SQLSTATE 42501), which
   QGIS shows on save. (Row-level security is not used: a USING filter on UPDATE drops
   edits silently in QGIS.)
2. ``hz_b_version`` BEFORE UPDATE OF row_version: the client named the version it started
   from (``-v``, QGIS's default on update, or ``v + 1``): refused unless the stored version
   is ``v`` (SQLSTATE 40001, naming the row and who changed it when).
3. ``hz_c_stamp`` BEFORE INSERT/UPDATE: sets uid, version, created/updated at/by (from
   ``session_user``); counts the version for clients that did not send one.
4. ``hz_z_log`` AFTER INSERT/UPDATE/DELETE (SECURITY DEFINER): the change log.

Every identifier here comes from the schema declaration and is quoted by
``psycopg2.sql.Identifier``; no user text is formatted into SQL.
"""

from __future__ import annotations

from typing import Optional

from psycopg2 import sql

from hezhang_plugin.core import schema, scope

DATA = "hz_data"
VALUES = "hz_values"
SYS = "hz_sys"
SCHEMAS = (DATA, VALUES, SYS)
PROJECT_TABLE = "qgis_projects"
#: Layers kept in the system schema.
SYSTEM_LAYERS = ("hz_meta", "change_log")

_TYPES = {
    "integer": "integer",
    "real": "double precision",
    "date": "date",
    # Milliseconds, as a GeoPackage stores them: times move both ways unchanged.
    "datetime": "timestamptz(3)",
    "boolean": "boolean",
    "uuid": "uuid",
    "json": "jsonb",
}


def table_schema(layer_name: str) -> str:
    return SYS if layer_name in SYSTEM_LAYERS else DATA


def qualified(layer_name: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(table_schema(layer_name)), sql.Identifier(layer_name))


def column_type(f: schema.Field) -> str:
    if f.type == "text":
        return f"varchar({f.length})" if f.length else "text"
    return _TYPES[f.type]


def geometry_type(lyr: schema.Layer, srid: int) -> str:
    return f"geometry({lyr.geometry}, {int(srid)})"


def _column(lyr: schema.Layer, f: schema.Field) -> sql.Composed:
    parts = [sql.Identifier(f.name), sql.SQL(column_type(f))]
    if f.name == "uid":
        parts.append(sql.SQL("NOT NULL DEFAULT gen_random_uuid() UNIQUE"))
    elif f.name == "row_version":
        parts.append(sql.SQL("NOT NULL DEFAULT 1"))
    else:
        if f.not_null:
            parts.append(sql.SQL("NOT NULL"))
        if f.unique:
            parts.append(sql.SQL("UNIQUE"))
        if f.value_list is not None:
            parts.append(sql.SQL("REFERENCES {}.{} (value) ON UPDATE CASCADE").format(
                sql.Identifier(VALUES), sql.Identifier(f.value_list.key)))
        if f.type == "date" and f.default == "now()":
            parts.append(sql.SQL("DEFAULT CURRENT_DATE"))
        elif f.type == "boolean" and f.default == "true":
            parts.append(sql.SQL("DEFAULT true"))
        elif f.type == "text" and f.default and f.default.startswith("'") and "||" not in f.default:
            parts.append(sql.SQL("DEFAULT {}").format(sql.Literal(f.default.strip("'"))))
    return sql.SQL(" ").join(parts)


def create_table(lyr: schema.Layer, srid: int) -> list[sql.Composable]:
    cols = [sql.SQL("fid serial PRIMARY KEY")]
    cols += [_column(lyr, f) for f in lyr.fields]
    if lyr.geometry:
        cols.append(sql.SQL("geom {}").format(sql.SQL(geometry_type(lyr, srid))))
    out: list[sql.Composable] = [
        sql.SQL("CREATE TABLE {} ({})").format(qualified(lyr.name), sql.SQL(", ").join(cols)),
        sql.SQL("COMMENT ON TABLE {} IS {}").format(qualified(lyr.name), sql.Literal(f"{lyr.zh} {lyr.en}")),
    ]
    if lyr.geometry:
        out.append(sql.SQL("CREATE INDEX {} ON {} USING gist (geom)").format(
            sql.Identifier(f"{lyr.name}_geom_idx"), qualified(lyr.name)))
    for f in lyr.fields:
        if (f.ref is not None or f.name == "unit_code") and not f.unique:
            out.append(sql.SQL("CREATE INDEX {} ON {} ({})").format(
                sql.Identifier(f"{lyr.name}_{f.name}_idx"), qualified(lyr.name), sql.Identifier(f.name)))
        out.append(sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
            qualified(lyr.name), sql.Identifier(f.name), sql.Literal(f"{f.zh} {f.en}")))
    return out


def value_list_tables() -> list[sql.Composable]:
    out: list[sql.Composable] = []
    for vl in schema.VALUE_LISTS.values():
        t = sql.SQL("{}.{}").format(sql.Identifier(VALUES), sql.Identifier(vl.key))
        out.append(sql.SQL("CREATE TABLE {} (value text PRIMARY KEY, en text NOT NULL, zh text NOT NULL, "
                           "sort integer NOT NULL)").format(t))
        for i, c in enumerate(vl.choices):
            out.append(sql.SQL("INSERT INTO {} VALUES ({}, {}, {}, {})").format(
                t, sql.Literal(c.value), sql.Literal(c.en), sql.Literal(c.zh), sql.Literal(i)))
    return out


def system_tables() -> list[sql.Composable]:
    roles = sql.SQL(", ").join(sql.Literal(r.key) for r in scope.ROLES)
    return [
        sql.SQL("CREATE TABLE {}.users (login name PRIMARY KEY, role text NOT NULL CHECK (role IN ({})), "
                "unit_code varchar(12), unit_prefix varchar(12), full_name text, "
                "created_at timestamptz NOT NULL DEFAULT now(), created_by name NOT NULL DEFAULT session_user)"
                ).format(sql.Identifier(SYS), roles),
        sql.SQL("COMMENT ON TABLE {}.users IS {}").format(
            sql.Identifier(SYS), sql.Literal("工作人员 Logins: role and unit-code scope of each person")),
        sql.SQL("CREATE TABLE {}.{} (name text PRIMARY KEY, metadata jsonb, content bytea)").format(
            sql.Identifier(SYS), sql.Identifier(PROJECT_TABLE)),
        sql.SQL("CREATE INDEX change_log_row_idx ON {}.change_log (layer, row_key, changed_at)").format(
            sql.Identifier(SYS)),
        sql.SQL("CREATE INDEX change_log_uid_idx ON {}.change_log (row_uid)").format(sql.Identifier(SYS)),
    ]


# ------------------------------------------------------------------ functions

_FUNCTIONS = r"""
CREATE FUNCTION hz_sys.unrestricted(login name) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hz_sys AS $f$
  SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = login AND r.rolsuper)
      OR pg_has_role(login, 'hezhang_admin', 'MEMBER')
      OR login = (SELECT n.nspowner::regrole::name FROM pg_namespace n WHERE n.nspname = 'hz_data')
$f$;

CREATE FUNCTION hz_sys.unit_name(code text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hz_data AS $f$
  SELECT coalesce((SELECT u.name FROM hz_data.admin_units u WHERE u.code = unit_name.code LIMIT 1), '')
$f$;

-- TG_ARGV: [0] the table's unit field; or [0] a reference field, [1] the referenced table,
-- [2] its key field, [3] its unit field (assignments and boards belong to their segment's unit).
CREATE FUNCTION hz_sys.row_unit(rec jsonb, args text[]) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $f$
DECLARE unit text;
BEGIN
  IF rec IS NULL THEN RETURN NULL; END IF;
  IF array_length(args, 1) = 1 THEN RETURN rec ->> args[1]; END IF;
  EXECUTE format('SELECT %I::text FROM hz_data.%I WHERE %I = $1 LIMIT 1', args[4], args[2], args[3])
    INTO unit USING rec ->> args[1];
  RETURN unit;
END $f$;

CREATE FUNCTION hz_sys.check_scope() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hz_sys AS $f$
DECLARE
  prefix text;
  units text[] := ARRAY[]::text[];
  unit text;
  args text[] := ARRAY(SELECT unnest(TG_ARGV));  -- 1-based (TG_ARGV counts from 0)
BEGIN
  IF hz_sys.unrestricted(session_user) THEN
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
  END IF;
  SELECT u.unit_prefix INTO prefix FROM hz_sys.users u WHERE u.login = session_user;
  IF prefix IS NULL THEN
    RAISE EXCEPTION USING ERRCODE = '42501',
      MESSAGE = format('登录名 %s 没有分配管辖范围，不能修改数据 / login %s has no area assigned and cannot edit',
                       session_user, session_user);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN units := units || hz_sys.row_unit(to_jsonb(NEW), args); END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN units := units || hz_sys.row_unit(to_jsonb(OLD), args); END IF;
  FOREACH unit IN ARRAY units LOOP
    IF unit IS NULL OR left(unit, length(prefix)) <> prefix THEN
      RAISE EXCEPTION USING ERRCODE = '42501',
        MESSAGE = format('%s 不在您的管辖范围内（单位 %s %s；您的范围 %s） / '
                         'not in your area: %s belongs to unit %s %s, your area is %s',
                         TG_TABLE_NAME || coalesce(' ' || hz_sys.row_label(TG_TABLE_NAME, coalesce(NEW, OLD)), ''),
                         coalesce(unit, '-'), hz_sys.unit_name(unit), prefix,
                         TG_TABLE_NAME || coalesce(' ' || hz_sys.row_label(TG_TABLE_NAME, coalesce(NEW, OLD)), ''),
                         coalesce(unit, '-'), hz_sys.unit_name(unit), prefix);
    END IF;
  END LOOP;
  IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
  RETURN NEW;
END $f$;

CREATE FUNCTION hz_sys.check_version() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, hz_sys AS $f$
DECLARE claimed integer;
BEGIN
  -- -v: "I started from version v" (QGIS default -abs("row_version")); v + 1: the same claim
  -- written as the next version.
  claimed := CASE WHEN NEW.row_version < 0 THEN -NEW.row_version ELSE NEW.row_version - 1 END;
  IF claimed IS DISTINCT FROM OLD.row_version THEN
    RAISE EXCEPTION USING ERRCODE = '40001',
      MESSAGE = format('%s 已于 %s 被 %s 修改（当前版本 %s，您编辑的是版本 %s），请重新加载该要素后再修改 / '
                       '%s was changed by %s at %s (now version %s, you edited version %s); '
                       'reload it and apply your edit again',
                       TG_TABLE_NAME || coalesce(' ' || hz_sys.row_label(TG_TABLE_NAME, OLD), ''),
                       to_char(OLD.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                       coalesce(OLD.updated_by, '?'), OLD.row_version, coalesce(claimed::text, '?'),
                       TG_TABLE_NAME || coalesce(' ' || hz_sys.row_label(TG_TABLE_NAME, OLD), ''),
                       coalesce(OLD.updated_by, '?'),
                       to_char(OLD.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
                       OLD.row_version, coalesce(claimed::text, '?')),
      HINT = 'hezhang:conflict';
  END IF;
  RETURN NEW;
END $f$;

CREATE FUNCTION hz_sys.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $f$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '42501',
    MESSAGE = format('%s: 办理记录只增不删、不可修改 (history rows are never deleted or changed)', TG_TABLE_NAME);
END $f$;

CREATE FUNCTION hz_sys.stamp() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, hz_sys AS $f$
BEGIN
  IF TG_OP = 'INSERT' THEN
    NEW.uid := coalesce(NEW.uid, gen_random_uuid());
    NEW.row_version := 1;
    NEW.created_at := now();
    NEW.created_by := session_user;
  ELSE
    NEW.uid := OLD.uid;
    NEW.row_version := OLD.row_version + 1;
    NEW.created_at := OLD.created_at;
    NEW.created_by := OLD.created_by;
  END IF;
  NEW.updated_at := now();
  NEW.updated_by := session_user;
  RETURN NEW;
END $f$;

CREATE FUNCTION hz_sys.log_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hz_sys AS $f$
DECLARE
  o jsonb; n jsonb; od jsonb; nd jsonb; act text;
  noise text[] := ARRAY['fid', 'row_version', 'updated_at', 'updated_by'];
BEGIN
  IF TG_OP = 'INSERT' THEN
    n := to_jsonb(NEW) - noise;
    INSERT INTO hz_sys.change_log (changed_at, changed_by, layer, row_uid, row_fid, row_key, action,
                                   old_values, new_values)
    VALUES (now(), session_user, TG_TABLE_NAME, NEW.uid, NEW.fid, n ->> TG_ARGV[0], 'insert', NULL, n);
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    o := to_jsonb(OLD) - noise;
    INSERT INTO hz_sys.change_log (changed_at, changed_by, layer, row_uid, row_fid, row_key, action,
                                   old_values, new_values)
    VALUES (now(), session_user, TG_TABLE_NAME, OLD.uid, OLD.fid, o ->> TG_ARGV[0], 'delete', o, NULL);
    RETURN NULL;
  END IF;
  o := to_jsonb(OLD) - noise;
  n := to_jsonb(NEW) - noise;
  SELECT jsonb_object_agg(e.key, o -> e.key), jsonb_object_agg(e.key, e.value) INTO od, nd
  FROM jsonb_each(n) e WHERE e.value IS DISTINCT FROM o -> e.key;
  IF nd IS NULL THEN RETURN NULL; END IF;
  act := CASE WHEN (o ? 'valid_to' AND o -> 'valid_to' = 'null'::jsonb AND n -> 'valid_to' <> 'null'::jsonb)
                OR (o -> 'active' = 'true'::jsonb AND n -> 'active' = 'false'::jsonb)
              THEN 'end' ELSE 'update' END;
  INSERT INTO hz_sys.change_log (changed_at, changed_by, layer, row_uid, row_fid, row_key, action,
                                   old_values, new_values)
  VALUES (now(), session_user, TG_TABLE_NAME, NEW.uid, NEW.fid, n ->> TG_ARGV[0], act, od, nd);
  RETURN NULL;
END $f$;
"""


def _row_label_function() -> str:
    """hz_sys.row_label(table, row): the row's key (seg_code, chief_id, ...) for messages."""
    cases = []
    for lyr in schema.LAYERS:
        key = schema.row_key_field(lyr)
        if key and lyr.tracked:
            cases.append(f"WHEN '{lyr.name}' THEN to_jsonb(r) ->> '{key}'")
    body = " ".join(cases)
    return ("CREATE FUNCTION hz_sys.row_label(tbl name, r anyelement) RETURNS text "
            "LANGUAGE sql STABLE SET search_path = pg_catalog AS $f$ "
            f"SELECT CASE tbl {body} ELSE NULL END $f$;")


def functions() -> list[sql.Composable]:
    # The function bodies are constant text (identifiers of this module and of the schema).
    return [sql.SQL(_row_label_function()), sql.SQL(_FUNCTIONS)]


def _unit_args(lyr: schema.Layer) -> Optional[list[str]]:
    if not lyr.unit:
        return None
    if "." not in lyr.unit:
        return [lyr.unit]
    ref_field, unit_field = lyr.unit.split(".", 1)
    ref = lyr.field(ref_field).ref
    return [ref_field, ref.layer, ref.key, unit_field]


def triggers(lyr: schema.Layer) -> list[sql.Composable]:
    t = qualified(lyr.name)
    key = schema.row_key_field(lyr) or "fid"
    unit = _unit_args(lyr) or []
    # Rows that belong to no unit (rivers) have no area check: only managers and admins are
    # granted to write them.
    out: list[sql.Composable] = []
    if unit:
        out.append(sql.SQL("CREATE TRIGGER hz_a_scope BEFORE INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                           "EXECUTE FUNCTION hz_sys.check_scope({})").format(
            t, sql.SQL(", ").join(sql.Literal(a) for a in unit)))
    out += [
        sql.SQL("CREATE TRIGGER hz_b_version BEFORE UPDATE OF row_version ON {} FOR EACH ROW "
                "EXECUTE FUNCTION hz_sys.check_version()").format(t),
        sql.SQL("CREATE TRIGGER hz_c_stamp BEFORE INSERT OR UPDATE ON {} FOR EACH ROW "
                "EXECUTE FUNCTION hz_sys.stamp()").format(t),
        sql.SQL("CREATE TRIGGER hz_z_log AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW "
                "EXECUTE FUNCTION hz_sys.log_change({})").format(t, sql.Literal(key)),
    ]
    return out


# ------------------------------------------------------------------ roles and grants

def roles() -> list[sql.Composable]:
    """Group roles (NOLOGIN), created when missing, each a member of the previous one."""
    out: list[sql.Composable] = []
    previous = None
    for r in scope.ROLES:
        name = scope.db_role(r.key)
        out.append(sql.SQL("DO $r$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = {}) THEN "
                           "CREATE ROLE {} NOLOGIN; END IF; END $r$").format(sql.Literal(name), sql.Identifier(name)))
        if previous:
            out.append(sql.SQL("GRANT {} TO {}").format(sql.Identifier(previous), sql.Identifier(name)))
        previous = name
    return out


def grants(tracked: list[schema.Layer]) -> list[sql.Composable]:
    ident = sql.Identifier
    viewer, village, town, manager, admin = (ident(scope.db_role(r.key)) for r in scope.ROLES)
    out: list[sql.Composable] = [
        sql.SQL("REVOKE ALL ON SCHEMA {}, {}, {} FROM PUBLIC").format(*(ident(s) for s in SCHEMAS)),
        sql.SQL("GRANT USAGE ON SCHEMA {}, {}, {} TO {}").format(*(ident(s) for s in SCHEMAS), viewer),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(ident(DATA), viewer),
        sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(ident(VALUES), viewer),
        sql.SQL("GRANT SELECT ON {}.hz_meta, {}.change_log, {}.{} TO {}").format(
            ident(SYS), ident(SYS), ident(SYS), ident(PROJECT_TABLE), viewer),
        sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(ident(DATA), village),
        sql.SQL("GRANT SELECT ON {}.users TO {}").format(ident(SYS), manager),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.{} TO {}").format(ident(SYS), ident(PROJECT_TABLE), manager),
        sql.SQL("GRANT INSERT, UPDATE, DELETE ON {}.users TO {}").format(ident(SYS), admin),
        sql.SQL("GRANT UPDATE ON {}.hz_meta TO {}").format(ident(SYS), manager),
        # Helpers of the SECURITY DEFINER scope check, not for calling directly.
        sql.SQL("REVOKE EXECUTE ON FUNCTION {}.row_unit(jsonb, text[]), {}.unit_name(text), "
                "{}.unrestricted(name) FROM PUBLIC").format(ident(SYS), ident(SYS), ident(SYS)),
    ]
    for lyr in tracked:
        t = qualified(lyr.name)
        if lyr.unit:
            # Editors write inside their scope (the scope trigger) and never delete: ending is
            # by valid_to (or active), so history stays.
            out.append(sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(t, village))
        else:
            out.append(sql.SQL("GRANT INSERT, UPDATE ON {} TO {}").format(t, manager))
        out.append(sql.SQL("GRANT DELETE ON {} TO {}").format(t, manager))
    return out


def workspace_ddl(srid: int, layers: Optional[list[schema.Layer]] = None) -> list[sql.Composable]:
    """Statements creating an empty workspace (no triggers: see :func:`trigger_ddl`)."""
    layers = layers if layers is not None else [lyr for lyr in schema.LAYERS]
    out: list[sql.Composable] = [sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(s)) for s in SCHEMAS]
    out += value_list_tables()
    for lyr in layers:
        out += create_table(lyr, srid)
    out += system_tables()
    out += functions()
    return out


def tracked_layers() -> list[schema.Layer]:
    return [lyr for lyr in schema.LAYERS if lyr.tracked and "uid" in lyr.field_names]


def append_only_layers() -> list[schema.Layer]:
    return [lyr for lyr in schema.LAYERS if lyr.append_only]


def trigger_ddl() -> list[sql.Composable]:
    out: list[sql.Composable] = []
    for lyr in tracked_layers():
        out += triggers(lyr)
    for lyr in append_only_layers():
        # History rows are only ever added (as the GeoPackage's triggers have it).
        out.append(sql.SQL("CREATE TRIGGER hz_a_history BEFORE UPDATE OR DELETE ON {} FOR EACH ROW "
                           "EXECUTE FUNCTION hz_sys.refuse_change()").format(qualified(lyr.name)))
    return out


def access_ddl() -> list[sql.Composable]:
    village = sql.Identifier(scope.db_role("village_editor"))
    history = [sql.SQL("GRANT INSERT ON {} TO {}").format(qualified(lyr.name), village)
               for lyr in append_only_layers()]
    return roles() + grants(tracked_layers()) + history
