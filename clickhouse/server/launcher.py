"""Run chDB (PyPI chdb-core 26.9) as a ClickHouse network server.

    python launcher.py HOME FILES HTTP_PORT

HOME holds config.xml (listen_host, http_port, tcp_port, path, users_config) and users.xml, as
written by clickhouse/server/server.ts. FILES becomes the working directory once the server
listens, so a relative path given to file() resolves against it (chDB does not confine file() to
user_files_path: the grants decide who may use file() at all).

chDB serves HTTP and native TCP while one in-process query runs: SYSTEM START LISTEN for both
protocols, then a query that sleeps forever. Stop the server by signalling this process (its PID is
what server.ts records); it also stops when the process that started it is gone, so a test run
killed hard leaves no server behind. Nothing secret passes through the command line or the output.
"""
import os
import socket
import sys
import threading
import time

home, files = (os.path.abspath(p) for p in sys.argv[1:3])
http_port = int(sys.argv[3])

# `import chdb` opens an in-memory session from the current directory; a config.xml there would be
# read with it, so import from a folder that has none.
os.chdir(os.path.dirname(os.path.abspath(__file__)))
import chdb._chdb as engine  # noqa: E402

SERVE = (
    "SYSTEM START LISTEN TCP; SYSTEM START LISTEN HTTP; "
    "SELECT sleepEachRow(1) FROM numbers(9223372036854775807) "
    "SETTINGS max_block_size = 1, function_sleep_max_microseconds_per_block = 0"
)
stopped = []


def serve():
    try:
        # The engine reads config.xml from the working directory when the query starts.
        result = engine.query(SERVE, "CSV", path=os.path.join(home, "data"))
        error = result.error_message() if hasattr(result, "error_message") else ""
        stopped.append(error.strip().split("\n")[0] if error else "the serving query ended")
    except Exception as error:  # noqa: BLE001 - reported below, whatever it is
        stopped.append(str(error).strip().split("\n")[0])


def watch_parent(parent):
    while True:
        time.sleep(1)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(0)


threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
os.chdir(home)
thread = threading.Thread(target=serve, daemon=True)
thread.start()
while not stopped:
    try:
        socket.create_connection(("127.0.0.1", http_port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.02)
if not stopped:
    os.chdir(files)
thread.join()
print(f"chDB server stopped: {stopped[0]}", file=sys.stderr)
sys.exit(1)
