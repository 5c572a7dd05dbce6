"""The PostgreSQL workspace behind the backend interface (``hezhang_plugin.data.backend``).

``service=NAME`` names it. Reads give the rows ``data.io`` gives for a GeoPackage; ``apply``
writes a change set in one transaction through the same triggers as QGIS's edits: the area
check (refusals name the unit), the version check (a change's ``expected_version`` is claimed
as ``row_version = -v`` and refused, with who changed the row and when, once someone else has
saved it), the server's stamps and the change log.
"""

from __future__ import annotations

from typing import Optional

from psycopg2 import sql

from hezhang_plugin.core import schema
from hezhang_plugin.core.changes import BUSINESS_KEYS, INSERT, ChangeSet, RowChange
from hezhang_plugin.data import io
from hezhang_plugin.data.backend import ApplyResult, Backend, ConflictError, ReadOnlyError
from hezhang_plugin.data.gpkg import WorkspaceInfo
from hezhang_plugin.data.postgres import connection, ddl, qgis_sources, rows


class NotInAreaError(io.WriteError):
    """A change outside the login's area (or by a login without one); nothing was written."""


class PostgresBackend(Backend):
    kind = "postgres"

    def __init__(self, uri: str):
        super().__init__(connection.normalise(uri))
        self.service = connection.service_name(self.uri)
        self._info: Optional[WorkspaceInfo] = None
        self._read_only: Optional[bool] = None
        self._srid: dict[str, int] = {}

    # -- reading
    def info(self) -> WorkspaceInfo:
        from hezhang_plugin.data.postgres.workspace import read_workspace_info

        self._info = read_workspace_info(self.uri)
        return self._info

    @property
    def read_only(self) -> bool:
        """True when the login may change none of the workspace's data tables."""
        if self._read_only is None:
            tables = [f"{ddl.DATA}.{lyr.name}" for lyr in ddl.tracked_layers() if not lyr.system]
            with connection.transaction(self.uri) as con, con.cursor() as cur:
                cur.execute("SELECT bool_or(has_table_privilege(t, 'UPDATE') OR has_table_privilege(t, 'INSERT')) "
                            "FROM unnest(%s::text[]) AS t", (tables,))
                self._read_only = not cur.fetchone()[0]
        return self._read_only

    def read_rows(self, layer: str, where: Optional[str] = None, with_geometry: bool = True) -> list[dict]:
        # ``where`` is written by the caller from constants (the interface's contract), in
        # the SQL both OGR and PostgreSQL understand (``level = 'village'``).
        cond = sql.SQL(where) if where else None
        try:
            return rows.read_rows(self.uri, layer, with_geometry=with_geometry, where=cond)
        except connection.WorkspaceError:
            raise
        except Exception as exc:  # psycopg2 errors outside a transaction block
            raise connection.translate(exc, self.service) from exc

    def read_attributes(self, layer: str) -> list[dict]:
        return self.read_rows(layer, with_geometry=False)

    def layer_crs(self, layer: str) -> Optional[str]:
        if not schema.layer(layer).geometry:
            return None
        if layer not in self._srid:
            with connection.transaction(self.uri) as con, con.cursor() as cur:
                cur.execute("SELECT Find_SRID(%s, %s, 'geom')", (ddl.table_schema(layer), layer))
                self._srid[layer] = int(cur.fetchone()[0])
        return f"EPSG:{self._srid[layer]}"

    # -- writing
    def apply(self, changeset: ChangeSet) -> ApplyResult:
        """The change set in one transaction, in order; nothing is written when any change is
        refused: ConflictError (someone saved the row since it was read), NotInAreaError,
        WriteError naming the row otherwise."""
        import psycopg2

        result = ApplyResult()
        if not changeset:
            return result
        con = connection.connect(self.uri)
        current: Optional[RowChange] = None
        try:
            with con.cursor() as cur:
                for current in changeset:
                    fid = self._write(cur, current)
                    result.counts[(current.layer, current.operation)] += 1
                    if current.operation == INSERT:
                        result.inserted_fids[current.layer].append(fid)
            con.commit()
        except psycopg2.Error as exc:
            con.rollback()
            raise self._error(exc, current) from exc
        except BaseException:
            con.rollback()
            raise
        finally:
            con.close()
        return result

    def _error(self, exc, change: Optional[RowChange]) -> Exception:
        text = connection.message(exc)
        code = getattr(exc, "pgcode", None)
        if code == connection.CONFLICT:
            return ConflictError(f"{text}; nothing was changed")
        if code == connection.NOT_IN_AREA:
            if "permission denied" in text and self.read_only:
                return ReadOnlyError(f"service {self.service}: your login may only read this workspace; "
                                     "nothing was changed")
            return NotInAreaError(f"{text}; nothing was changed")
        where = ""
        if change is not None:
            key = change.business_key or (("fid", change.fid) if change.fid is not None else None)
            where = f"{change.layer} {key[1]}: " if key else f"{change.layer}: "
        return io.WriteError(f"{where}{text}; nothing was changed")

    def _srid_of(self, cur, layer: str) -> int:
        if layer not in self._srid:
            cur.execute("SELECT Find_SRID(%s, %s, 'geom')", (ddl.table_schema(layer), layer))
            self._srid[layer] = int(cur.fetchone()[0])
        return self._srid[layer]

    def _write(self, cur, change: RowChange) -> int:
        import shapely

        lyr = schema.layer(change.layer)
        names = set(lyr.field_names)
        values = {k: v for k, v in change.values.items() if k in names and k != "row_version"}
        unknown = [k for k in change.values if k not in names]
        if unknown:
            raise io.WriteError(f"{change.layer} has no field {', '.join(unknown)}")
        if change.expected_version is not None:
            values["row_version"] = -abs(int(change.expected_version))
        cols = [sql.Identifier(k) for k in values]
        vals: list[sql.Composable] = [sql.Placeholder()] * len(values)
        params = list(values.values())
        if change.geometry is not None and lyr.geometry:
            cols.append(sql.Identifier("geom"))
            vals.append(sql.SQL("ST_Multi(ST_GeomFromWKB(%s, %s))") if lyr.geometry.startswith("Multi")
                        else sql.SQL("ST_GeomFromWKB(%s, %s)"))
            wkb = change.geometry if isinstance(change.geometry, (bytes, bytearray)) else \
                shapely.to_wkb(change.geometry)
            params += [bytes(wkb), self._srid_of(cur, change.layer)]
        t = ddl.qualified(change.layer)
        if change.operation == INSERT:
            cur.execute(sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING fid").format(
                t, sql.SQL(", ").join(cols), sql.SQL(", ").join(vals)), params)
            return int(cur.fetchone()[0])
        if change.fid is not None:
            cond, key = sql.SQL("fid = %s"), change.fid
        else:
            field, key = change.business_key
            if BUSINESS_KEYS.get(change.layer) != field:
                raise io.WriteError(f"{change.layer}: {field} is not the key of the layer")
            cond = sql.SQL("{} = %s").format(sql.Identifier(field))
        if not cols:
            return -1
        assigns = sql.SQL(", ").join(sql.SQL("{} = {}").format(c, v) for c, v in zip(cols, vals))
        cur.execute(sql.SQL("UPDATE {} SET {} WHERE {} RETURNING fid").format(t, assigns, cond), [*params, key])
        found = cur.fetchall()
        if len(found) != 1:
            raise io.WriteError(f"{change.layer}: {'no row' if not found else 'more than one row'} with "
                                f"{'fid' if change.fid is not None else change.business_key[0]} {key}; "
                                "nothing was changed")
        return int(found[0][0])

    # -- the QGIS project
    def project_uri(self) -> str:
        return qgis_sources.project_uri(self.uri)

    def layer_source(self, layer: str) -> tuple[str, str]:
        return qgis_sources.layer_source(self.uri, layer), "postgres"

    def layer_name(self, source: str) -> Optional[str]:
        from qgis.core import QgsDataSourceUri

        ds = QgsDataSourceUri(source or "")
        if ds.service() != self.service:
            return None
        return qgis_sources.table_of(source) or None
