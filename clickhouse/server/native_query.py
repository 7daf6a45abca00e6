"""A native-protocol client (PyPI clickhouse-driver, TCP): runs one statement and prints the result
as tab-separated lines with a header. Used by test/server/server.test.ts.

    python native_query.py HOST PORT USER DATABASE < statement.sql

The password comes from the environment (CLICKHOUSE_PASSWORD), never the command line.
"""
import os
import sys

from clickhouse_driver import Client

host, port, user, database = sys.argv[1:5]
sql = sys.stdin.read().strip().rstrip(";")
client = Client(host, port=int(port), user=user, password=os.environ.get("CLICKHOUSE_PASSWORD", ""), database=database)
rows, columns = client.execute(sql, with_column_types=True)
print("\t".join(name for name, _ in columns))
for row in rows:
    print("\t".join(str(value) for value in row))
