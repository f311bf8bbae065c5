"""`make run`'s digest scheduler: ``send_notifications --daily`` queues the digests now and then every morning,
each once (issue 18's rules), and the moment of the next run is worked out on the wall clock."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments.models import RoundState
from assessments.tests.factories import RoundFactory
from config.roles import FACILITATOR
from notifications.schedule import DAILY_AT, next_daily_run
from partnerships.models import Partnership
from partnerships.tests.factories import PartnershipFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def test_the_next_run_is_today_when_still_to_come_else_tomorrow():
    early = datetime(2026, 12, 2, 6, 0, tzinfo=LONDON)
    assert next_daily_run(early, time(7, 15)) == datetime(2026, 12, 2, 7, 15, tzinfo=LONDON)
    on_time = datetime(2026, 12, 2, 7, 15, tzinfo=LONDON)
    assert next_daily_run(on_time, time(7, 15)) == datetime(2026, 12, 3, 7, 15, tzinfo=LONDON)
    # Across the clocks going forward (29 March 2026): still 07:15 on the wall clock, 23 hours later.
    before = datetime(2026, 3, 28, 7, 15, tzinfo=LONDON)
    after = next_daily_run(before, time(7, 15))
    assert after.hour == 7 and after.minute == 15 and after.utcoffset() == timedelta(hours=1)
    assert after.astimezone(ZoneInfo("UTC")) - before.astimezone(ZoneInfo("UTC")) == timedelta(hours=23)


class _Stop(Exception):
    pass


@pytest.mark.django_db
def test_the_daily_scheduler_queues_each_digest_once_however_often_it_wakes(officer, mailoutbox):
    today = timezone.localdate()
    facilitator = UserFactory(username="fran", roles=[FACILITATOR])
    partnership = PartnershipFactory.create(active=True)
    Partnership.objects.filter(pk=partnership.pk).update(review_due_date=today - timedelta(days=1))
    RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=2), state=RoundState.OPEN)
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            raise _Stop  # the third morning never comes in a test

    out = io.StringIO()
    command = "notifications.management.commands.send_notifications"
    # The test's transaction holds the connection the scheduler would close before its night's sleep.
    with mock.patch(f"{command}.time.sleep", sleep), mock.patch(f"{command}.connections.close_all") as close_all:
        with pytest.raises(_Stop):
            call_command("send_notifications", "--daily", stdout=out)
    assert close_all.call_count == 2
    # Woken twice the same day (the sleep returned at once): the second run queued nothing more.
    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, facilitator.email])
    assert out.getvalue().count("Queued 2 emails") == 1 and "Queued 0 emails" in out.getvalue()
    assert all(0 < s <= 24 * 3600 for s in sleeps)
    assert "Next digests at" in out.getvalue() and f"{DAILY_AT:%H:%M}" in out.getvalue()


@pytest.mark.django_db
def test_daily_refuses_a_made_up_date():
    with pytest.raises(CommandError, match="leave out --date"):
        call_command("send_notifications", "--daily", "--date", "2026-01-05", stdout=io.StringIO())
