"""`make run` and `make stop`: the demo site, its task worker and the embedded database, started and stopped
together.

Plain Python without Django at import: `stop` must not start the embedded database just to stop it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HOST, PORT = "127.0.0.1", 8000
PIDS = BASE_DIR / "var" / "run.pids"
PGDATA = BASE_DIR / "var" / "pgdata"


def what_is_on_the_port(host: str = HOST, port: int = PORT) -> str:
    """Return "free", "ours" (a Partnership Health Check answers /healthz) or "other" (another program)."""
    with socket.socket() as s:
        s.settimeout(1)
        if s.connect_ex((host, port)) != 0:
            return "free"
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=3) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
    except (OSError, ValueError):
        return "other"
    try:
        answer = json.loads(body)
    except ValueError:
        return "other"
    return "ours" if isinstance(answer, dict) and answer.get("status") in ("ok", "unavailable") else "other"


def _manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def _stop_database() -> None:
    """Stop the embedded PostgreSQL under var/pgdata (nothing to do with DATABASE_URL or when it is down).

    SIGINT to the postmaster is PostgreSQL's documented "fast shutdown": sessions are ended, data is safe.
    (pg_ctl would do the same, but refuses to run as root, as the embedded server's owner may be another.)
    """
    pidfile = PGDATA / "postmaster.pid"
    if os.environ.get("DATABASE_URL", "").strip() or not pidfile.exists():
        return
    try:
        pid = int(pidfile.read_text().split()[0])
        os.kill(pid, signal.SIGINT)
    except (ValueError, IndexError, ProcessLookupError, PermissionError):
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print("Stopped the embedded database.")
            return
        time.sleep(0.2)
    print(f"The embedded database (process {pid}) is still stopping.")


def _terminate(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def run() -> int:
    """Migrate, load the demo, then serve with one task worker until Ctrl+C; stop all of it on the way out."""
    on_port = what_is_on_the_port()
    if on_port == "ours":
        print(
            f"Partnership Health Check is already running at http://{HOST}:{PORT}: open it in your browser, or "
            "stop it first with `make stop`."
        )
        return 1
    if on_port == "other":
        print(f"Another program is using port {PORT}: stop it first (Partnership Health Check needs that port).")
        return 1
    os.environ["DJANGO_DEBUG"] = "true"
    subprocess.run(_manage("migrate", "--no-input"), check=True)  # noqa: S603
    subprocess.run(_manage("seed_demo"), check=True)  # noqa: S603
    print(
        f"Serving on http://{HOST}:{PORT} with a task worker and the daily notification digests "
        "(stop with Ctrl+C, or `make stop`)",
        flush=True,
    )
    if not os.environ.get("DATABASE_URL", "").strip():
        # The embedded server has no contrib extensions, so a mistyped name finds nothing: say so, not silently.
        print("Register search without typo tolerance: the embedded database has no pg_trgm (docs/running.md)")
    worker = subprocess.Popen(_manage("db_worker", "--no-reload"))  # noqa: S603
    # The task queue has no scheduler: this queues today's digests now and every morning (production: cron).
    digests = subprocess.Popen(_manage("send_notifications", "--daily"))  # noqa: S603
    server = subprocess.Popen(_manage("runserver", f"{HOST}:{PORT}"))  # noqa: S603
    PIDS.write_text(f"{os.getpid()}\n{worker.pid}\n{digests.pid}\n{server.pid}\n")
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and server.poll() is None and worker.poll() is None and digests.poll() is None:
            try:
                server.wait(timeout=1)
            except subprocess.TimeoutExpired:
                pass
    finally:
        _terminate([server, digests, worker])
        PIDS.unlink(missing_ok=True)
        _stop_database()
    return 0


def stop() -> int:
    """Stop what `make run` started (site, worker, embedded database), from another terminal."""
    if PIDS.exists():
        first = PIDS.read_text().split()[0]
        try:
            # The launcher stops its server and worker and then the database, as on Ctrl+C.
            os.kill(int(first), signal.SIGTERM)
            print("Asked the running site to stop.")
            return 0
        except (ProcessLookupError, ValueError):
            PIDS.unlink(missing_ok=True)
    _stop_database()
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    sys.exit({"run": run, "stop": stop}[command]())
