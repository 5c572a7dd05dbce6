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
