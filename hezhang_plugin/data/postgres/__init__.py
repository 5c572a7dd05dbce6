"""The PostgreSQL/PostGIS workspace backend: a workspace named by a libpq service
(``service=NAME`` in pg_service.conf), shared by many editors with roles, area scopes,
optimistic locking and a change log. psycopg2 comes with QGIS's Python on Debian."""
