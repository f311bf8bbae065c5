"""Typo-tolerant register search with pg_trgm (issue 16 point 9).

The embedded development server (pgserver) ships no contrib extensions, so pg_trgm is missing there and the
typo test is skipped; on a PostgreSQL that offers pg_trgm (every managed PostgreSQL, Debian's postgresql-contrib:
run with DATABASE_URL) the migrations install it and its indexes, and a mistyped name is found.
"""

from __future__ import annotations

import pytest
from django.db import connection

from partnerships.search import TRIGRAM_INDEXES, trigram_installed
from partnerships.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _offered() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')")
        return bool(cursor.fetchone()[0])


def test_the_migrations_install_pg_trgm_and_its_indexes_wherever_the_server_offers_it():
    offered = _offered()
    assert trigram_installed() == offered
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [[n for n, _, _ in TRIGRAM_INDEXES]]
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert indexes == ({name for name, _, _ in TRIGRAM_INDEXES} if offered else set())


def test_a_mistyped_name_finds_the_partnership(as_user, officer):
    if not _offered():
        pytest.skip("this PostgreSQL offers no pg_trgm (the embedded pgserver has no contrib extensions)")
    safety = PartnershipFactory(
        name="Community Safety Partnership", lead_officer="Morgan Blake", senior_sponsor="Dana Whitfield"
    )
    MembershipFactory(partnership=safety, organisation=OrganisationFactory(name="Thames Valley Police"))
    other = PartnershipFactory(name="Health and Wellbeing Board", lead_officer="Sam Reed")
    client = as_user(officer)
    for typo in ("Comunity Saftey", "Morgn Blak", "Whitfeild", "Thames Valey Polce"):
        page = client.get("/partnerships/", {"q": typo}).content.decode()
        assert safety.name in page and other.name not in page, typo
    page = client.get("/partnerships/", {"q": "Helth and Welbeing"}).content.decode()
    assert other.name in page and safety.name not in page
