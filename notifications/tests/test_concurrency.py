"""Two runs of the digests at the same moment (two cron hosts, a retry overlapping a slow run) send each once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from assessments.tests.factories import RoundFactory
from config.roles import FACILITATOR, REGISTER_ADMIN
from notifications import services
from outbox.models import EmailStatus, OutboundEmail
from partnerships.models import Partnership
from partnerships.tests.factories import PartnershipFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_digest_once():
    today = timezone.localdate()
    officers = [UserFactory.create(username=f"officer{n}", roles=[REGISTER_ADMIN]) for n in range(3)]
    partnership = PartnershipFactory.create(active=True)
    Partnership.objects.filter(pk=partnership.pk).update(review_due_date=today + timedelta(days=2))
    facilitator = UserFactory.create(username="fran", roles=[FACILITATOR])
    for _ in range(3):
        RoundFactory.create(facilitator=facilitator, closes_on=today + timedelta(days=1))
    mail.outbox = []
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            services.notifications_send(today)
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # Three administrators' review digests and three rounds closing: six emails, each sent once.
    assert OutboundEmail.objects.count() == 6
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted([o.email for o in officers] + [facilitator.email] * 3)
