"""A throwaway PostgreSQL/PostGIS server for tests and benchmarks.

``initdb`` and ``pg_ctl`` refuse to run as root (and CI runs as root), so when started as
root the server runs as the ``postgres`` OS user, in a temporary folder owned by it. The
server listens on a Unix socket in that folder only (``listen_addresses=''``): no TCP, no
network traffic. A temporary ``pg_service.conf`` names it; ``PGSERVICEFILE`` points libpq,
psycopg2 and QGIS at it. Logins use ``trust`` authentication inside that folder: no
password exists anywhere.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from typing import Optional

PORT = 5432


class ServerUnavailable(RuntimeError):
    """PostgreSQL or PostGIS is not installed, or the server did not start."""


def server_bindir() -> str:
    """Folder of initdb/pg_ctl: ``pg_config --bindir`` when it has them, else the newest
    ``/usr/lib/postgresql/*/bin`` (Debian 12 ships 15, Debian 13 ships 17)."""
    candidates = []
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        candidates.append(out.stdout.strip())
    except (OSError, subprocess.CalledProcessError):
        pass

    def version(path: str) -> float:
        try:
            return float(path.split("/")[-2])
        except ValueError:
            return 0.0

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    for folder in candidates:
        if os.path.exists(os.path.join(folder, "initdb")) and os.path.exists(os.path.join(folder, "pg_ctl")):
            return folder
    raise ServerUnavailable("PostgreSQL server binaries (initdb, pg_ctl) not found: run `make deps`")


def _has_postgis(bindir: str) -> bool:
    try:
        share = subprocess.run([os.path.join(bindir, "pg_config"), "--sharedir"], capture_output=True,
                               text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        share = ""
    if not share:
        major = bindir.rstrip("/").split("/")[-2]
        share = f"/usr/share/postgresql/{major}"
    return os.path.exists(os.path.join(share, "extension", "postgis.control"))


class Server:
    """One running cluster; :meth:`stop` ends it and removes its folder."""

    def __init__(self, folder: str, bindir: str, as_user: Optional[str]):
        self.folder = folder
        self.bindir = bindir
        self.as_user = as_user
        self.data = os.path.join(folder, "data")
        self.service_file = os.path.join(folder, "pg_service.conf")
        self.services: dict[str, dict] = {}

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, cwd=self.folder)

    def conninfo(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"host={self.folder} port={PORT} dbname={dbname} user={user}"

    def add_service(self, name: str, dbname: str, user: str = "postgres") -> str:
        """Write a ``[name]`` entry into the service file; returns ``service=name``."""
        self.services[name] = {"host": self.folder, "port": str(PORT), "dbname": dbname, "user": user}
        with open(self.service_file, "w", encoding="utf-8") as fh:
            for sname, opts in self.services.items():
                fh.write(f"[{sname}]\n")
                for k, v in opts.items():
                    fh.write(f"{k}={v}\n")
                fh.write("\n")
        return f"service={name}"

    def create_database(self, dbname: str, postgis: bool = True) -> None:
        import psycopg2

        con = psycopg2.connect(self.conninfo())
        con.autocommit = True
        with con.cursor() as cur:
            from psycopg2 import sql

            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))
        con.close()
        if postgis:
            con = psycopg2.connect(self.conninfo(dbname))
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            con.close()

    def drop_database(self, dbname: str) -> None:
        import psycopg2
        from psycopg2 import sql

        con = psycopg2.connect(self.conninfo())
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        con.close()

    def stop(self) -> None:
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m", "immediate", "-w",
                      "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_orphans(bindir: str) -> list[str]:
    """Stop the servers of earlier runs whose test process died without stopping them (a
    crash skips fixture teardown): each folder names its creator's pid in ``owner.pid``."""
    stopped = []
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), "hezhang-pg-*")):
        try:
            with open(os.path.join(folder, OWNER_FILE), encoding="ascii") as fh:
                owner = int(fh.read().strip() or 0)
        except (OSError, ValueError):
            continue
        if owner and not _alive(owner):
            as_user = "postgres" if os.geteuid() == 0 else None
            Server(folder, bindir, as_user).stop()
            stopped.append(folder)
    return stopped


def start(extra_settings: Optional[dict] = None) -> Server:
    """Start a fresh cluster in a new temporary folder (about a second).

    Raises :class:`ServerUnavailable` with the reason when it cannot.
    """
    bindir = server_bindir()
    stop_orphans(bindir)
    if not _has_postgis(bindir):
        raise ServerUnavailable("PostGIS is not installed for this PostgreSQL: run `make deps`")
    as_user = None
    folder = tempfile.mkdtemp(prefix="hezhang-pg-")
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise ServerUnavailable("running as root but there is no `postgres` OS user") from exc
        os.chown(folder, pw.pw_uid, pw.pw_gid)
        os.chmod(folder, 0o755)
        as_user = "postgres"
    server = Server(folder, bindir, as_user)
    with open(os.path.join(folder, OWNER_FILE), "w", encoding="ascii") as fh:
        fh.write(str(os.getpid()))
    settings = {"listen_addresses": "''", "unix_socket_directories": f"'{folder}'", "port": str(PORT),
                "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                "max_connections": "60", "shared_buffers": "128MB"}
    settings.update(extra_settings or {})
    try:
        server._run(os.path.join(bindir, "initdb"), "-D", server.data, "-A", "trust", "-U", "postgres",
                    "-E", "UTF8", "--locale=C.UTF-8")
        with open(os.path.join(server.data, "postgresql.conf"), "a", encoding="utf-8") as fh:
            for k, v in settings.items():
                fh.write(f"{k} = {v}\n")
        server._run(os.path.join(bindir, "pg_ctl"), "-D", server.data, "-l",
                    os.path.join(folder, "server.log"), "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as exc:
        log = ""
        try:
            with open(os.path.join(folder, "server.log"), encoding="utf-8") as fh:
                log = fh.read()[-2000:]
        except OSError:
            pass
        server.stop()
        raise ServerUnavailable(f"PostgreSQL did not start: {exc.stderr or exc.stdout}\n{log}") from exc
    return server
