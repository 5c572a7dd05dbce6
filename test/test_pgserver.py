"""The throwaway PostgreSQL server itself: PostGIS works, no TCP port is open."""


def test_server_has_postgis_and_no_tcp(pg_database):
    import psycopg2

    server, uri, dbname = pg_database
    con = psycopg2.connect(uri)
    with con.cursor() as cur:
        cur.execute("SELECT ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint(113, 33), 4490), 4547))")
        wkt = cur.fetchone()[0]
        cur.execute("SHOW listen_addresses")
        listen = cur.fetchone()[0]
        cur.execute("SELECT current_database()")
        current = cur.fetchone()[0]
    con.close()
    assert wkt.startswith("POINT(406")  # CM 114E zone: 113E lies west of it, easting < 500 km
    assert listen == ""
    assert current == dbname


def _running(pid: int) -> bool:
    """The process exists and has not exited (a zombie waiting for its parent has)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_crashed_run_leaves_no_server_behind(pg_server):
    """A test process that dies without its teardown leaves its server running; the next
    start stops it (its creator's pid is gone)."""
    import os
    import subprocess
    import sys
    import time

    from test import pgserver

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    code = "import os; from test import pgserver; s = pgserver.start(); print(s.folder, flush=True); os._exit(0)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    folder = out.stdout.strip().splitlines()[-1]
    with open(os.path.join(folder, "data", "postmaster.pid"), encoding="ascii") as fh:
        postmaster = int(fh.readline())
    assert _running(postmaster)
    stopped = pgserver.stop_orphans(pgserver.server_bindir())
    # make test runs two pytest processes: the other one's start() may stop this orphan first
    # (its folder is gone then); either way its postmaster no longer runs
    assert folder in stopped or not os.path.exists(folder)
    assert not os.path.exists(folder)
    deadline = time.monotonic() + 10  # pg_ctl -w returns once the pid file is gone
    while _running(postmaster) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(postmaster)
    # the session's own server (its creator alive) is left alone
    assert os.path.exists(os.path.join(pg_server.data, "postmaster.pid"))
