"""PostgreSQL/PostGIS beside GeoPackage on a city-scale workspace, and a contention run.

Scale: the generator of bench_coverage (200 towns × 100 villages × 5 rivers: 100,000
segments, about 51,000 chiefs and 396,000 appointments). Rows measured on both backends:
moving the workspace (GeoPackage → PostgreSQL → GeoPackage, verified), the coverage check
(reading the tables and running every rule) and the chiefs tree (reading the four tables
and building the hierarchy the Chiefs page shows).

Contention: 20 clients (threads, one connection and one login each) make 10,000 updates of
50 hot segments between them, half through the plugin's batch write path
(data.postgres.rows.write_rows, which claims the version it read) and half as QGIS's edit
buffer sends them (``UPDATE … SET "length_km" = …, "row_version" = -v WHERE fid = …``). Each
update is a read-modify-write (+1 on the segment's counter): with no lost update, each
row's counter grows by exactly the number of updates its clients were told succeeded, and
every refused update was reported to its client as an error.

Runs a throwaway PostgreSQL server of its own (test/pgserver.py): Unix socket only.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
for p in (ROOT, HERE):
    if p not in sys.path:
        sys.path.insert(0, p)

DATE = "2024-06-01"


def scale(quick: bool) -> dict:
    return {"towns": 8, "villages": 10, "rivers": 2} if quick else {"towns": 200, "villages": 100, "rivers": 5}


#: the load average (1 min) before → after each timed step, by the step's function and first argument
LOADS: dict = {}


def _timed(fn, *args, **kwargs):
    before = os.getloadavg()[0]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    seconds = time.perf_counter() - t0
    LOADS[(fn.__name__, args[0] if args else None)] = f"{before:.1f} → {os.getloadavg()[0]:.1f}"
    return seconds, out


# ------------------------------------------------------------------ reads on both backends

def _coverage(workspace):
    """The coverage check through the services layer: the same code on either backend."""
    from hezhang_plugin.services.coverage import check_coverage

    findings, summary = check_coverage(workspace, DATE)
    return len(findings), summary.segments


def _tree(workspace):
    """What the Chiefs page builds: the four tables through the backend, then the hierarchy."""
    from hezhang_plugin.core import assignments as amod
    from hezhang_plugin.data.backend import open_workspace

    ws = open_workspace(workspace)
    h = amod.Hierarchy(*(ws.read_attributes(n) for n in ("admin_units", "segments", "chiefs", "assignments")),
                       DATE)
    return len(h.children.get("411171000000", []))


# ------------------------------------------------------------------ contention

HOT_ROWS = 50
CLIENTS = 20


def contention(server, dbname: str, uri: str, updates: int, claim: bool = True) -> dict:
    """One contention run; ``claim=False`` is the control: the same updates without the row
    version (stock QGIS without Hezhang's default value, a client that reads and writes back),
    where lost updates are expected — the measure can see them."""
    import psycopg2

    from hezhang_plugin.data.postgres import connection, rows, users

    with connection.transaction(uri) as con, con.cursor() as cur:
        cur.execute("SELECT fid FROM hz_data.segments ORDER BY fid LIMIT %s", (HOT_ROWS,))
        hot = [r[0] for r in cur.fetchall()]
        cur.execute("UPDATE hz_data.segments SET length_km = 0 WHERE fid = ANY(%s)", (hot,))
        cur.execute("SELECT coalesce(max(fid), 0) FROM hz_sys.change_log")
        log_start = cur.fetchone()[0]
    logins = []
    for i in range(CLIENTS):
        login = f"bench{i:02d}"
        users.add_user(uri, login, "district_manager", "411171000000")
        logins.append((login, server.add_service(f"{dbname}_{login}", dbname, login)))

    per_client = updates // CLIENTS
    results = [dict(accepted=0, rejected=0, other=0, silent=0, accepted_by_fid={}) for _ in range(CLIENTS)]
    import random

    def plugin_client(i: int, svc: str) -> None:
        from psycopg2 import sql

        rng = random.Random(i)
        res = results[i]
        con = connection.connect(svc)
        for _ in range(per_client):
            fid = rng.choice(hot)
            row = rows.read_rows(svc, "segments", with_geometry=False, con=con, where=sql.SQL("fid = %s"),
                                 params=(fid,))[0]
            con.commit()
            try:
                # rows.write_rows on a kept connection: the same statements and triggers.
                change = {"fid": fid, "length_km": row["length_km"] + 1}
                if claim:
                    change["row_version"] = row["row_version"]
                rows.write_to(con, "segments", [change], update_by_fid=True)
                con.commit()
                res["accepted"] += 1
                res["accepted_by_fid"][fid] = res["accepted_by_fid"].get(fid, 0) + 1
            except psycopg2.Error as exc:
                con.rollback()
                err = connection.translate(exc)
                if isinstance(err, connection.ConflictError):
                    res["rejected"] += 1
                else:
                    res["other"] += 1
        con.close()

    def qgis_client(i: int, svc: str) -> None:
        rng = random.Random(i)
        res = results[i]
        con = psycopg2.connect(svc)
        cur = con.cursor()
        for _ in range(per_client):
            fid = rng.choice(hot)
            cur.execute('SELECT "row_version", "length_km" FROM hz_data.segments WHERE fid = %s', (fid,))
            version, km = cur.fetchone()
            con.commit()
            try:
                # What QGIS's edit buffer sends: the changed column and the default on update.
                if claim:
                    cur.execute('UPDATE "hz_data"."segments" SET "length_km"=%s,"row_version"=%s WHERE "fid"=%s',
                                (km + 1, -version, fid))
                else:
                    cur.execute('UPDATE "hz_data"."segments" SET "length_km"=%s WHERE "fid"=%s', (km + 1, fid))
                if cur.rowcount != 1:
                    res["silent"] += 1
                con.commit()
                res["accepted"] += 1
                res["accepted_by_fid"][fid] = res["accepted_by_fid"].get(fid, 0) + 1
            except psycopg2.Error as exc:
                con.rollback()
                if exc.pgcode == connection.CONFLICT:
                    res["rejected"] += 1
                else:
                    res["other"] += 1
        con.close()

    threads = [threading.Thread(target=plugin_client if i % 2 == 0 else qgis_client, args=(i, svc))
               for i, (_login, svc) in enumerate(logins)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - t0
    with connection.transaction(uri) as con, con.cursor() as cur:
        cur.execute("SELECT fid, length_km FROM hz_data.segments WHERE fid = ANY(%s)", (hot,))
        final = {fid: km for fid, km in cur.fetchall()}
        cur.execute("SELECT count(*) FROM hz_sys.change_log WHERE fid > %s AND action = 'update' "
                    "AND layer = 'segments'", (log_start,))
        logged = cur.fetchone()[0]
    accepted = sum(r["accepted"] for r in results)
    rejected = sum(r["rejected"] for r in results)
    other = sum(r["other"] for r in results)
    silent = sum(r["silent"] for r in results)
    applied = int(round(sum(final.values())))
    return {"attempts": per_client * CLIENTS, "accepted": accepted, "rejected": rejected, "other": other,
            "silent": silent, "applied": applied, "lost": accepted - applied, "logged": logged,
            "seconds": seconds}


# ------------------------------------------------------------------ main

def main(quick: bool = False) -> str:
    from bench_coverage import generate

    from hezhang_plugin.data.postgres import transfer
    from test import pgserver

    sc = scale(quick)
    work = tempfile.mkdtemp(prefix="hezhang-bench-pg-")
    gpkg_path = os.path.join(work, "city.gpkg")
    t_gen, counts = _timed(generate, gpkg_path, **sc)
    print(f"  generated {counts} in {t_gen:.0f} s", flush=True)
    server = pgserver.start({"max_connections": "80", "shared_buffers": "512MB", "work_mem": "64MB"})
    old = os.environ.get("PGSERVICEFILE")
    os.environ["PGSERVICEFILE"] = server.service_file
    lines = []
    try:
        server.create_database("city", postgis=True)
        uri = server.add_service("city", "city")
        t_to_pg, _ = _timed(transfer.migrate_workspace, gpkg_path, uri)
        print(f"  GeoPackage → PostgreSQL {t_to_pg:.1f} s", flush=True)
        back = os.path.join(work, "back.gpkg")
        t_to_gpkg, _ = _timed(transfer.migrate_workspace, uri, back)
        print(f"  PostgreSQL → GeoPackage {t_to_gpkg:.1f} s", flush=True)
        t_cov_g, cov_g = _timed(_coverage, gpkg_path)
        t_cov_p, cov_p = _timed(_coverage, uri)
        t_tree_g, tree_g = _timed(_tree, gpkg_path)
        t_tree_p, tree_p = _timed(_tree, uri)
        print(f"  coverage {t_cov_g:.1f}/{t_cov_p:.1f} s, tree {t_tree_g:.1f}/{t_tree_p:.1f} s", flush=True)
        updates = 1000 if quick else 10000
        before = os.getloadavg()[0]
        c = contention(server, "city", uri, updates)
        c["load"] = f"{before:.1f} → {os.getloadavg()[0]:.1f}"
        print(f"  contention {c}", flush=True)
        before = os.getloadavg()[0]
        control = contention(server, "city", uri, updates, claim=False)
        control["load"] = f"{before:.1f} → {os.getloadavg()[0]:.1f}"
        print(f"  control without the version claim {control}", flush=True)
    finally:
        if old is None:
            os.environ.pop("PGSERVICEFILE", None)
        else:
            os.environ["PGSERVICEFILE"] = old
        server.stop()
    size_mb = os.path.getsize(gpkg_path) / 1e6
    lines += [
        "## PostgreSQL/PostGIS beside GeoPackage (city scale)",
        "",
        f"A generated city-scale workspace: {counts['segments']:,} segments, {counts['chiefs']:,} chiefs, "
        f"{counts['assignments']:,} appointments, {counts['units']:,} units ({size_mb:.0f} MB as GeoPackage, "
        "change log included). PostgreSQL runs on this machine (Unix socket, default settings but "
        "`shared_buffers=512MB`, `fsync=off` as in the tests). Findings must agree between the backends.",
        "",
        "| step | GeoPackage | PostgreSQL | ratio PostgreSQL / GeoPackage | agree | load GeoPackage | "
        "load PostgreSQL |",
        "|---|---|---|---:|---|---|---|",
        f"| coverage check (read + every rule, {DATE}) | {t_cov_g:.2f} s | {t_cov_p:.2f} s | "
        f"{t_cov_p / t_cov_g:.2f} | "
        f"{'yes' if cov_g == cov_p else 'NO'} ({cov_g[0]:,} findings, {cov_g[1]:,} current segments) | "
        f"{LOADS[('_coverage', gpkg_path)]} | {LOADS[('_coverage', uri)]} |",
        f"| chiefs tree (read 4 tables + hierarchy) | {t_tree_g:.2f} s | {t_tree_p:.2f} s | "
        f"{t_tree_p / t_tree_g:.2f} | "
        f"{'yes' if tree_g == tree_p else 'NO'} ({tree_g} towns) | {LOADS[('_tree', gpkg_path)]} | "
        f"{LOADS[('_tree', uri)]} |",
        "",
        "| move (hezhang:migrateworkspace, verified row by row) | time | load before → after |",
        "|---|---|---|",
        f"| GeoPackage → PostgreSQL | {t_to_pg:.1f} s | {LOADS[('migrate_workspace', gpkg_path)]} |",
        f"| PostgreSQL → GeoPackage | {t_to_gpkg:.1f} s | {LOADS[('migrate_workspace', uri)]} |",
        "",
        "### Contention: no lost update",
        "",
        f"{CLIENTS} clients (one login each, half through the plugin's batch write path, half sending "
        f"QGIS edit-buffer UPDATEs) made {c['attempts']:,} read-modify-write updates of {HOT_ROWS} hot "
        "segments at once.",
        "",
        "| run | attempts | accepted | refused as conflicts (reported to the client) | other errors | "
        "silently dropped | increments in the data | lost updates | updates in the change log | time | "
        "load before → after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        f"| Hezhang (version check) | {c['attempts']:,} | {c['accepted']:,} | {c['rejected']:,} | "
        f"{c['other']} | {c['silent']} | "
        f"{c['applied']:,} | **{c['lost']}** | {c['logged']:,} | {c['seconds']:.1f} s | {c['load']} |",
        f"| control: no version claim | {control['attempts']:,} | {control['accepted']:,} | {control['rejected']:,} | "
        f"{control['other']} | {control['silent']} | {control['applied']:,} | {control['lost']:,} | "
        f"{control['logged']:,} | {control['seconds']:.1f} s | {control['load']} |",
        "",
        "The control row is what a database without Hezhang's version check does with the same clients "
        "(last save wins): every update is accepted and the lost ones vanish without a message.",
    ]
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    os.rmdir(work)
    return "\n".join(lines)


if __name__ == "__main__":
    from qgis.core import QgsApplication

    app = QgsApplication([], False)
    app.initQgis()
    print(main("--quick" in sys.argv))
