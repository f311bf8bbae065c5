"""Issue 16, point 1: a closed round is dated by the day it actually closed, everywhere it is dated."""

from __future__ import annotations

import datetime
import importlib
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from assessments.models import Round, RoundState
from assessments.tests.factories import add_responses, make_round, partnership, uniform
from partnerships.tests.factories import UserFactory
from reports import pdf, selectors
from reports.tests.factories import pdf_text

pytestmark = pytest.mark.django_db

PLANNED_CLOSE = datetime.date(2025, 12, 29)
ACTUAL_CLOSE = datetime.date(2025, 12, 1)


def _closed_early(**kwargs) -> Round:
    """A round planned for 1-29 December 2025 and closed on 1 December."""
    round_ = make_round(closes_on=PLANNED_CLOSE, **kwargs)
    round_.opens_on = datetime.date(2025, 12, 1)
    round_.closed_at = timezone.make_aware(datetime.datetime.combine(ACTUAL_CLOSE, datetime.time(15, 30)))
    round_.save()
    add_responses(round_, [uniform(3)] * 3)
    return round_


def test_the_model_dates_a_closed_round_by_its_actual_close() -> None:
    round_ = _closed_early()
    assert round_.closed_on == ACTUAL_CLOSE
    assert round_.ends_on == ACTUAL_CLOSE
    # The state is protected (it changes only through transitions): an unsaved draft with the same dates.
    not_closed = Round(closes_on=PLANNED_CLOSE, closed_at=round_.closed_at)
    assert not_closed.state == RoundState.DRAFT
    assert not_closed.closed_on is None
    assert not_closed.ends_on == PLANNED_CLOSE


def test_partnership_page_and_rounds_list_show_the_actual_close(client) -> None:
    round_ = _closed_early(title="Health check December")
    client.force_login(UserFactory(roles=["Manager"]))
    page = client.get(reverse("partnerships:detail", args=[round_.partnership.pk])).content.decode()
    assert "1 Dec 2025" in page
    assert "29 Dec 2025" not in page

    facilitator_client = client.__class__()
    facilitator_client.force_login(round_.facilitator)
    rounds = facilitator_client.get(reverse("assessments:round_list")).content.decode()
    assert "closed 1 Dec 2025" in rounds
    assert "29 Dec 2025" not in rounds


def test_results_json_carries_the_actual_close(client) -> None:
    round_ = _closed_early(anonymous=False)
    client.force_login(round_.facilitator)
    data = json.loads(client.get(reverse("results:results_json", args=[round_.pk])).content)
    assert data["round"]["closed_on"] == "2025-12-01"
    assert data["round"]["closes_on"] == "2025-12-29"


def test_the_annual_pdf_dates_the_round_and_its_trend_by_the_actual_close() -> None:
    p = partnership()
    earlier = make_round(partnership=p, closes_on=datetime.date(2025, 3, 31), title="Health check spring")
    earlier.closed_at = datetime.datetime(2025, 2, 14, 12, tzinfo=datetime.UTC)
    earlier.save()
    add_responses(earlier, [uniform(2)] * 3)
    _closed_early(partnership=p, title="Health check December")
    report = selectors.partnership_report(p, 2025)
    assert report.trend_labels == ["Feb 2025", "Dec 2025"]
    _, text = pdf_text(pdf.partnership_report_pdf(report))
    words = " ".join(text.split())
    assert "closed 1 December 2025" in words
    assert "29 December 2025" in words  # the planned dates are still given, as planned
    assert "closed 29 December 2025" not in words
    assert "14 Feb 2025" in words and "31 Mar 2025" not in words


def test_the_data_migration_dates_old_closed_rounds_from_the_best_date_available() -> None:
    migration = importlib.import_module("assessments.migrations.0004_round_closed_at_for_closed_rounds")
    from_history = _closed_early()
    from_history.closed_at = None
    from_history.save()  # its history shows it closed now
    no_history = _closed_early(anonymous=False)  # an anonymous response keeps no time of submission
    Round.objects.filter(pk=no_history.pk).update(closed_at=None)
    no_history.history.all().delete()
    open_round = make_round(state=RoundState.OPEN, closes_on=PLANNED_CLOSE)

    migration.set_closed_at(apps, None)

    from_history.refresh_from_db()
    no_history.refresh_from_db()
    open_round.refresh_from_db()
    assert from_history.closed_at is not None
    assert timezone.localdate(from_history.closed_at) == timezone.localdate()
    # Without history: the last submitted response (made today by the builder).
    assert timezone.localdate(no_history.closed_at) == timezone.localdate()
    assert open_round.closed_at is None
