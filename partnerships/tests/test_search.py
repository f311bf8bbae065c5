"""Typo-tolerant register search with pg_trgm (issue 16 point 9).

The embedded server the suite runs on (pgserver) ships no contrib extensions, so pg_trgm is missing there. The
last test below runs the other two again on a throw-away cluster of Debian's PostgreSQL, which has pg_trgm
(``make system-packages`` installs it), so the typo search is tested in every ``make test``. On a PostgreSQL
that offers pg_trgm (DATABASE_URL to a managed server or Debian's) the first two run directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from partnerships.search import TRIGRAM_INDEXES, trigram_installed
from partnerships.tests import debian_postgres
from partnerships.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

# Set in the inner run on Debian's PostgreSQL: there pg_trgm must be offered, and a skip would hide a failure.
ON_DEBIAN_CLUSTER = "PHC_SEARCH_ON_DEBIAN_CLUSTER"


def _offered() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm')")
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db
def test_the_migrations_install_pg_trgm_and_its_indexes_wherever_the_server_offers_it():
    offered = _offered()
    if os.environ.get(ON_DEBIAN_CLUSTER):
        assert offered, "Debian's PostgreSQL should offer pg_trgm"
    assert trigram_installed() == offered
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname = ANY(%s)", [[n for n, _, _ in TRIGRAM_INDEXES]]
        )
        indexes = {row[0] for row in cursor.fetchall()}
    assert indexes == ({name for name, _, _ in TRIGRAM_INDEXES} if offered else set())


@pytest.mark.django_db
def test_a_mistyped_name_finds_the_partnership(as_user, officer):
    if not _offered():
        assert not os.environ.get(ON_DEBIAN_CLUSTER), "Debian's PostgreSQL should offer pg_trgm"
        pytest.skip("no pg_trgm on this PostgreSQL: test_typo_search_on_debian_postgresql runs this on one with it")
    safety = PartnershipFactory(
        name="Community Safety Partnership", lead_officer="Morgan Blake", senior_sponsor="Dana Whitfield"
    )
    MembershipFactory(partnership=safety, organisation=OrganisationFactory(name="Thames Valley Police"))
    other = PartnershipFactory(name="Health and Wellbeing Board", lead_officer="Sam Reed")
    client = as_user(officer)
    for typo in ("Polise", "Comunity Saftey", "Morgn Blak", "Whitfeild", "Thames Valey Polce"):
        page = client.get("/partnerships/", {"q": typo}).content.decode()
        assert safety.name in page and other.name not in page, typo
    page = client.get("/partnerships/", {"q": "Helth and Welbeing"}).content.decode()
    assert other.name in page and safety.name not in page


def test_typo_search_on_debian_postgresql():
    """The two tests above, in a pytest of their own on a throw-away cluster of Debian's PostgreSQL."""
    if os.environ.get(ON_DEBIAN_CLUSTER):
        pytest.skip("this is the run on Debian's PostgreSQL")
    bin_dir = debian_postgres.debian_bin_dir()
    if bin_dir is None:
        message = (
            "Debian's PostgreSQL (with pg_trgm) is not installed, so the typo search is not tested: "
            "run `make system-packages` (or apt-get install postgresql)"
        )
        if debian_postgres.required():
            pytest.fail(message)
        pytest.skip(message)
    root = Path(__file__).resolve().parent.parent.parent
    with debian_postgres.debian_cluster(bin_dir) as url:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST_", "PHC_TEST_"))}
        env.update({"DATABASE_URL": url, ON_DEBIAN_CLUSTER: "1"})
        inner = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:xdist", "-q", "--no-header", "-rA", f"{__file__}"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    report = inner.stdout + inner.stderr
    assert inner.returncode == 0, report
    for name in ("test_the_migrations_install", "test_a_mistyped_name_finds_the_partnership"):
        assert f"PASSED partnerships/tests/test_search.py::{name}" in report, report
