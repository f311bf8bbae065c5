"""Emails go through the queue: each person gets each email once, failures are listed by person, and the
web request never talks to the mail server."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.forms import InvitationForm, parse_invitations_csv
from assessments.models import Invitation, Level
from assessments.tests.factories import InvitationFactory, RoundFactory
from outbox import services
from outbox.models import EmailStatus, OutboundEmail
from outbox.selectors import round_email_progress
from outbox.tests.backends import FlakyBackend, ForbiddenBackend

pytestmark = pytest.mark.django_db

FLAKY = "outbox.tests.backends.FlakyBackend"


@pytest.fixture
def queue(settings, monkeypatch):
    """The production queue: tasks stored in PostgreSQL, run by `manage.py db_worker`.

    The worker closes "old" connections between tasks, which would end the test's transaction; here the
    worker shares the test's connection, so that is switched off.
    """
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.reset()
    return settings


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def _round_of(size, *, bounce=0, busy=0):
    round_ = RoundFactory(anonymous=False)
    rows = []
    for n in range(size):
        kind = "bounce" if n < bounce else "busy" if n < bounce + busy else "person"
        rows.append(assessment_services.InvitationRow(f"Person {n:03d}", f"{kind}{n}@partner.example", "Org", "board"))
    assessment_services.invitations_import(round_, rows)
    return round_


def test_a_500_person_round_each_gets_one_email_failures_by_person_and_no_smtp_in_the_request(client, queue):
    round_ = _round_of(500, bounce=3, busy=5)
    client.force_login(round_.facilitator)
    queue.EMAIL_BACKEND = "outbox.tests.backends.ForbiddenBackend"
    ForbiddenBackend.calls = 0
    response = client.post(reverse("assessments:invitations_send", args=[round_.pk]), follow=True)
    assert response.status_code == 200
    assert ForbiddenBackend.calls == 0
    assert "Invitations to 500 people are on their way." in response.content.decode()
    assert "0 of 500 sent; 500 still on their way" in response.content.decode()
    assert OutboundEmail.objects.filter(round=round_, status=EmailStatus.QUEUED).count() == 500

    queue.EMAIL_BACKEND = FLAKY
    run_worker()
    # A second worker run (or a task run twice) sends nothing more.
    for email_id in OutboundEmail.objects.values_list("pk", flat=True)[:20]:
        assert services.email_deliver(email_id) is None
    run_worker()

    addresses = set(Invitation.objects.filter(round=round_).values_list("email", flat=True))
    delivered = FlakyBackend.delivered
    assert set(delivered) == {a for a in addresses if "bounce" not in a}
    assert set(delivered.values()) == {1}, "someone got the same invitation twice"
    # The mail server's temporary refusals were retried: one more attempt each, then delivered.
    assert all(FlakyBackend.attempts[a] == 2 for a in addresses if a.startswith("busy"))

    progress = round_email_progress(round_)
    assert (progress.sent, progress.waiting) == (497, 0)
    assert [p.name for p in progress.problems] == ["Person 000", "Person 001", "Person 002"]
    assert all("No such mailbox" in p.reason for p in progress.problems)
    page = client.get(reverse("assessments:invitations", args=[round_.pk])).content.decode()
    assert "497 of 500 sent" in page
    assert "3 could not be sent" in page and "bounce1@partner.example" in page


def test_a_crash_between_claim_and_outcome_is_not_known_and_resent_only_by_hand(client, queue):
    round_ = RoundFactory(anonymous=False)
    invitation = InvitationFactory(round=round_, name="Ann Lee", email="ann@partner.example")
    assessment_services.invitations_send(round_)
    queue.EMAIL_BACKEND = "outbox.tests.backends.CrashingBackend"
    run_worker()
    email = OutboundEmail.objects.get(invitation=invitation)
    assert email.status == EmailStatus.UNKNOWN
    # A worker killed after claiming leaves "sending"; after a while it reads as "not known" too.
    other = InvitationFactory(round=round_, name="Bob Ray", email="bob@partner.example")
    assessment_services.invitations_send(round_)
    OutboundEmail.objects.filter(invitation=other).update(
        status=EmailStatus.SENDING, claimed_at=timezone.now() - datetime.timedelta(hours=1)
    )
    queue.EMAIL_BACKEND = FLAKY
    run_worker()
    assert FlakyBackend.delivered == {}, "an email whose fate is not known was sent again by itself"
    problems = round_email_progress(round_).problems
    assert [(p.name, p.status) for p in problems] == [("Ann Lee", "Not known whether it was sent")] * 1 + [
        ("Bob Ray", "Not known whether it was sent")
    ]

    # The facilitator sends it again by hand: once, however often the button is pressed.
    client.force_login(round_.facilitator)
    url = reverse("outbox:email_resend", args=[round_.pk, email.pk])
    client.post(url)
    client.post(url)
    run_worker()
    assert FlakyBackend.delivered == {"ann@partner.example": 1}
    assert [p.name for p in round_email_progress(round_).problems] == ["Bob Ray"]


def test_an_address_the_sender_cannot_use_is_refused_at_the_form():
    round_ = RoundFactory()
    bad = "user@ex\ue000ample.org"
    form = InvitationForm({"name": "X", "email": bad, "organisation": "O", "level": Level.BOARD}, round_=round_)
    assert not form.is_valid()
    assert "not a valid internet name" in str(form.errors["email"])
    preview = parse_invitations_csv(f"X,{bad},Org,board\nY,y@partner.example,Org,board")
    assert [row.email for _, row in preview.good] == ["y@partner.example"]
    assert len(preview.bad) == 1


def test_password_reset_goes_through_the_queue_and_the_request_does_not_look_the_address_up(
    client, queue, django_user_model
):
    django_user_model.objects.create_user("pat", email="pat@council.example", password="a-long-password-1")
    queue.EMAIL_BACKEND = "outbox.tests.backends.ForbiddenBackend"
    for address in ("pat@council.example", "nobody@council.example"):
        with CaptureQueriesContext(connection) as captured:
            assert client.post("/accounts/password_reset/", {"email": address}).status_code == 302
        # The same work whether or not the address has an account: nobody is looked up in the request.
        assert not any("auth_user" in q["sql"] for q in captured.captured_queries)
    queue.EMAIL_BACKEND = FLAKY
    run_worker()
    assert FlakyBackend.delivered == {"pat@council.example": 1}
