"""A throw-away PostgreSQL cluster made with Debian's own binaries, for the tests that need contrib extensions.

The embedded server the test suite runs on (pgserver's PostgreSQL wheel) ships no contrib extensions, so
pg_trgm, which the register's typo-tolerant search uses, is missing there. Debian's ``postgresql`` package
(``make system-packages`` installs it) has them. ``debian_cluster()`` starts a cluster from those binaries in a
fresh directory under ``var/``, listening only on a unix socket in that directory (no port to clash with
another engineer's or CI's servers), and stops and deletes it afterwards.

initdb and postgres refuse to run as root; as root (CI) they run as Debian's ``postgres`` user, which the
package creates (pgserver does the same with a user of its own).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

VAR = Path(__file__).resolve().parent.parent.parent / "var"
# Set by whoever requires the typo search to be tested (CI's `make test`), so a missing Debian PostgreSQL is
# a failure there rather than a skip; under make (MAKELEVEL is set in every recipe) it is required as well.
REQUIRED_VARIABLES = ("PHC_REQUIRE_DEBIAN_POSTGRES", "MAKELEVEL")
SOCKET_DIR_LIMIT = 90  # leaves room for "/.s.PGSQL.5432" within the 107 bytes of a unix socket's path


def debian_bin_dir() -> Path | None:
    """Return the bin folder of the newest Debian PostgreSQL (``/usr/lib/postgresql/<version>/bin``) that has
    pg_trgm, or None when Debian's postgresql package is not installed."""
    found: list[tuple[int, Path]] = []
    for initdb in Path("/usr/lib/postgresql").glob("*/bin/initdb"):
        version = initdb.parent.parent.name
        trgm = Path("/usr/share/postgresql") / version / "extension" / "pg_trgm.control"
        if version.isdigit() and trgm.exists():
            found.append((int(version), initdb.parent))
    return max(found)[1] if found else None


def required() -> bool:
    """Return True when a missing Debian PostgreSQL must fail the test rather than skip it."""
    return any(os.environ.get(name) for name in REQUIRED_VARIABLES)


def _run_as() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _run(args: list[str | Path], *, check: bool = True) -> None:
    try:
        subprocess.run(args, check=check, capture_output=True, user=_run_as(), timeout=60)  # noqa: S603
    except subprocess.CalledProcessError as error:
        raise RuntimeError(f"{Path(args[0]).name} failed: {error.stderr.decode()}") from error


@contextmanager
def debian_cluster(bin_dir: Path) -> Iterator[str]:
    """Start a throw-away cluster with the binaries in ``bin_dir`` and yield its DATABASE_URL (database
    ``postgres``, superuser ``postgres``, trust authentication over the unix socket only)."""
    VAR.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="trgm-pg-", dir=VAR))
    data = folder / "data"
    # A unix socket's path must fit in 107 bytes: a checkout deep in a CI runner's folders may not leave room.
    sockets = folder if len(str(folder)) < SOCKET_DIR_LIMIT else Path(tempfile.mkdtemp(prefix="phc-pg-"))
    user = _run_as()
    if user:
        entry = pwd.getpwnam(user)
        for owned in {folder, sockets}:
            os.chown(owned, entry.pw_uid, entry.pw_gid)
        # The postgres user must be able to reach the folder through var/ and the checkout above it.
        for parent in folder.parents:
            if parent != Path("/") and not parent.stat().st_mode & 0o001:
                parent.chmod(parent.stat().st_mode | 0o001)
    try:
        _run(
            [
                bin_dir / "initdb",
                "--pgdata",
                data,
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-sync",
                "--no-instructions",
            ]
        )
        # Durability is not wanted in a cluster that lives for one test.
        options = f"-c listen_addresses='' -k {sockets} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run([bin_dir / "pg_ctl", "--pgdata", data, "--log", folder / "log", "--options", options, "--wait", "start"])
        try:
            yield f"postgresql://postgres@/postgres?host={sockets}"
        finally:
            _run([bin_dir / "pg_ctl", "--pgdata", data, "--mode=immediate", "--wait", "stop"], check=False)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
