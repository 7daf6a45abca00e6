#!/bin/sh
# Creates the loader and analyst users with the roles migration 0006 made. clickhouse-client takes
# the admin's credentials from CLICKHOUSE_USER / CLICKHOUSE_PASSWORD and the statements from stdin,
# so no password appears in a process list. Re-running it changes passwords to the current ones.
set -eu
clickhouse-client --host "$CLICKHOUSE_HOST" --multiquery <<SQL
CREATE USER IF NOT EXISTS loader IDENTIFIED WITH sha256_password BY '${LOADER_PASSWORD}';
ALTER USER loader IDENTIFIED WITH sha256_password BY '${LOADER_PASSWORD}';
GRANT cartwheel_loader TO loader;
ALTER USER loader DEFAULT ROLE cartwheel_loader;
CREATE USER IF NOT EXISTS analyst IDENTIFIED WITH sha256_password BY '${ANALYST_PASSWORD}';
ALTER USER analyst IDENTIFIED WITH sha256_password BY '${ANALYST_PASSWORD}';
GRANT cartwheel_analyst TO analyst;
ALTER USER analyst DEFAULT ROLE cartwheel_analyst SETTINGS readonly = 2;
SQL
echo "users loader and analyst are ready"
