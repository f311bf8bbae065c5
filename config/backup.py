"""Backups of the database with PostgreSQL's own tools (pg_dump's custom format, restored by pg_restore)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connection


def _major_version(binary: str) -> int:
    """Return the major version of a PostgreSQL client program ("pg_dump (PostgreSQL) 16.2" -> 16)."""
    output = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    return int(output.split()[-1].split(".")[0].split("-")[0])


def server_major_version() -> int:
    """Return the major version of the database server in use."""
    connection.ensure_connection()
    return connection.pg_version // 10000  # type: ignore[attr-defined]


def _candidates(program: str) -> list[str]:
    found = []
    folder = os.environ.get("PHC_PG_BIN", "").strip()
    if folder:
        found.append(str(Path(folder) / program))
    try:
        import pgserver  # noqa: PLC0415 (optional: it brings the embedded server's binaries)
    except ImportError:
        pass
    else:
        bundled = Path(pgserver.__file__).parent / "pginstall" / "bin" / program
        if bundled.exists():
            found.append(str(bundled))
    on_path = shutil.which(program)
    if on_path:
        found.append(on_path)
    return found


def pg_bin(program: str) -> str:
    """Return the path of ``program`` (pg_dump, pg_restore) that can work with the server in use.

    pg_dump refuses a server newer than itself, so the first of PHC_PG_BIN (a folder), the embedded
    server's own binaries (pgserver) and the ones on PATH whose major version is at least the server's.
    """
    server = server_major_version()
    candidates = _candidates(program)
    for binary in candidates:
        if _major_version(binary) >= server:
            return binary
    raise FileNotFoundError(
        f"No {program} of PostgreSQL {server} or newer was found (looked at: {', '.join(candidates) or 'none'}): "
        "install the client tools of the server's version or set PHC_PG_BIN to their folder."
    )


def connection_env(alias: str = "default") -> dict[str, str]:
    """Return the environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) for the database ``alias``."""
    db = settings.DATABASES[alias]
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        # The embedded server's socket folder comes as OPTIONS["host"] (DATABASE_URL's ?host=).
        value = db.get(key) or db.get("OPTIONS", {}).get(key.lower())
        if value:
            env[variable] = str(value)
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return env


def dump_command(path: Path) -> list[str]:
    """Return the pg_dump command writing the whole database to ``path`` (custom format, compressed)."""
    return [pg_bin("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"]


def restore_command(path: Path) -> list[str]:
    """Return the pg_restore command replacing the database's contents with the backup at ``path``."""
    return [
        pg_bin("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={settings.DATABASES['default']['NAME']}",
        str(path),
    ]


def list_command(path: Path) -> list[str]:
    """Return the pg_restore command that lists a backup's contents without restoring it (a check)."""
    return [pg_bin("pg_restore"), "--list", str(path)]
