"""Where the database is: DATABASE_URL when set, otherwise an embedded PostgreSQL (pgserver).

The product runs on PostgreSQL only. There is deliberately no SQLite fallback.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)


def embedded_database_url(pgdata: Path, *, cleanup_mode: str | None = None, database: str = "postgres") -> str:
    """Start (or attach to) an embedded PostgreSQL server in ``pgdata`` and return its URL.

    pgserver keeps one postmaster per data directory and lets several processes (runserver and its
    autoreloader, a management command) share it under an inter-process lock, so a second start never
    initialises or writes the same data directory twice. ``cleanup_mode=None`` leaves the server running
    when the process exits, so the data survives restarts; ``"delete"`` removes a throw-away directory.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (CI); the fallback it uses is fine.
        warnings.simplefilter("ignore")
        import pgserver  # noqa: PLC0415 (only when no DATABASE_URL is set; it warns on import)

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(pgdata, cleanup_mode=cleanup_mode)
    uri = server.get_uri(database)
    logger.debug("embedded PostgreSQL at %s", uri)
    return uri


def database_url(base_dir: Path, *, pgdata_name: str = "pgdata") -> str:
    """Return DATABASE_URL when it is set, else the URL of the embedded server under ``var/``."""
    url = os.environ.get("DATABASE_URL", "").strip()
    if url:
        return url
    return embedded_database_url(base_dir / "var" / pgdata_name)
