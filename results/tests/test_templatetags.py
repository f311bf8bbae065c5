"""The register's pages get their health checks from the results app's template tags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.tests.factories import add_responses, make_round, uniform

pytestmark = pytest.mark.django_db


def scored_partnership():
    """A partnership with an earlier round (mean total 72) and a later one (108): the later one is "latest"."""
    earlier = make_round(closes_on=date(2024, 3, 31), title="Health check 2024")
    add_responses(earlier, [uniform(2)] * 3)
    later = make_round(partnership=earlier.partnership, closes_on=date(2025, 3, 31), title="Health check 2025")
    add_responses(later, [uniform(3)] * 3)
    return earlier.partnership


def test_register_shows_each_partnerships_latest_health_check(officer, as_user):
    partnership = scored_partnership()
    page = as_user(officer).get("/partnerships/").content.decode()
    row = page[page.index(partnership.name) :]
    row = row[: row.index("</tr>")]
    assert "108.0" in row and "72.0" not in row


def test_reviews_page_shows_the_latest_health_check(manager, as_user):
    partnership = scored_partnership()
    partnership.review_due_date = timezone.localdate() - timedelta(days=1)
    partnership.save()
    page = as_user(manager).get("/partnerships/reviews/").content.decode()
    row = page[page.index(partnership.name) :]
    assert "108.0" in row[: row.index("</tr>")]


def test_partnership_page_shows_its_health_checks_and_latest_total(manager, as_user):
    partnership = scored_partnership()
    page = as_user(manager).get(f"/partnerships/{partnership.pk}/").content.decode()
    latest = page[page.index("Latest health check") :]
    assert "108.0" in latest[: latest.index("</dd>")]
    assert "Health check 2024" in page and "Health check 2025" in page


def test_partnership_without_rounds_says_none_yet(manager, as_user):
    from partnerships.tests.factories import PartnershipFactory

    partnership = PartnershipFactory()
    page = as_user(manager).get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "No health check has been run for this partnership yet." in page and "None yet" in page
