"""Whether the database can do trigram matching (pg_trgm), which the register's search uses for names.

pg_trgm ships with PostgreSQL's contrib packages, which every managed PostgreSQL offers; the embedded
development server (pgserver) does not include it. Without it the search still does full-text search and
finds part of a name, but not a mistyped one.
"""

from __future__ import annotations

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models.lookups import GreaterThanOrEqual

TRIGRAM_INDEXES: tuple[tuple[str, str, str], ...] = (
    # (index name, table, column): the names a person types into the register's search.
    ("partnership_name_trgm", "partnerships_partnership", "name"),
    ("partnership_lead_trgm", "partnerships_partnership", "lead_officer"),
    ("partnership_sponsor_trgm", "partnerships_partnership", "senior_sponsor"),
    ("organisation_name_trgm", "partnerships_organisation", "name"),
)

# How close a typed word must be to part of a name: pg_trgm's own default for %> (0.6) misses one dropped or
# swapped letter in a short name ("Polce" for Police scores 0.5, "Morgn Blak" 0.57), so the search asks for 0.5.
# Shorter searches than TYPO_MIN_LENGTH characters match too much by trigrams ("Sam" shares half of "Safety's").
TYPO_SIMILARITY = 0.5
TYPO_MIN_LENGTH = 4

_installed: dict[str, bool] = {}


def typo_of(value: str, field: str) -> GreaterThanOrEqual:
    """Return the condition "``value`` is, give or take a typing slip, a word or words of ``field``" (pg_trgm's
    word similarity of at least TYPO_SIMILARITY); use it only when ``trigram_installed()``."""
    return GreaterThanOrEqual(TrigramWordSimilarity(value, field), TYPO_SIMILARITY)


def trigram_installed() -> bool:
    """Return True when pg_trgm is installed in the current database (asked once per database and process)."""
    key = str(connection.settings_dict["NAME"])
    if key not in _installed:
        with connection.cursor() as cursor:
            cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
            _installed[key] = bool(cursor.fetchone()[0])
    return _installed[key]
