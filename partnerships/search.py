"""Whether the database can do trigram matching (pg_trgm), which the register's search uses for names.

pg_trgm ships with PostgreSQL's contrib packages, which every managed PostgreSQL offers; the embedded
development server (pgserver) does not include it. Without it the search still does full-text search and
finds part of a name, but not a mistyped one.
"""

from __future__ import annotations

from django.db import connection

TRIGRAM_INDEXES: tuple[tuple[str, str, str], ...] = (
    # (index name, table, column): the names a person types into the register's search.
    ("partnership_name_trgm", "partnerships_partnership", "name"),
    ("partnership_lead_trgm", "partnerships_partnership", "lead_officer"),
    ("partnership_sponsor_trgm", "partnerships_partnership", "senior_sponsor"),
    ("organisation_name_trgm", "partnerships_organisation", "name"),
)

_installed: dict[str, bool] = {}


def trigram_installed() -> bool:
    """Return True when pg_trgm is installed in the current database (asked once per database and process)."""
    key = str(connection.settings_dict["NAME"])
    if key not in _installed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            _installed[key] = bool(cursor.fetchone()[0])
    return _installed[key]
