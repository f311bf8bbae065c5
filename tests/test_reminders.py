"""Issue 16, point 5: reminders ask first, say when the last went and to whom, refuse a second round within
the set interval (saying when the next is possible), and each person's link can be resent on its own."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import reminders, services
from assessments.models import Invitation
from assessments.tests.factories import InvitationFactory, RoundFactory, submitted_response

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_the_rule_allows_reminders_once_per_interval() -> None:
    sent = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    day = datetime.timedelta(hours=24)
    assert reminders.reminder_allowed(None, sent, day)
    assert not reminders.reminder_allowed(sent, sent + 23 * HOUR, day)
    assert reminders.reminder_allowed(sent, sent + day, day)
    assert reminders.next_reminder_at(sent, day) == sent + day
    assert reminders.next_reminder_at(None, day) is None


@pytest.fixture
def round_():
    return RoundFactory(anonymous=False)


@pytest.fixture
def client_(client, round_):
    client.force_login(round_.facilitator)
    return client


def test_reminders_ask_first_and_send_nothing_until_confirmed(client_, round_, mailoutbox):
    InvitationFactory(round=round_, name="Ann Lee")
    InvitationFactory(round=round_, name="Bob Ray")
    services.invitations_send(round_, base_url="http://testserver")
    mailoutbox.clear()
    page = client_.get(reverse("assessments:reminders_send", args=[round_.pk])).content.decode()
    assert "Send reminders?" in page and "Ann Lee" in page and "Bob Ray" in page
    assert "Send 2 reminders" in page
    assert mailoutbox == []
    client_.post(reverse("assessments:reminders_send", args=[round_.pk]))
    assert len(mailoutbox) == 2


def test_a_second_round_within_the_interval_is_refused_saying_when(client_, round_, mailoutbox, settings):
    settings.PHC_REMINDER_INTERVAL_HOURS = 24
    InvitationFactory(round=round_, name="Ann Lee")
    services.invitations_send(round_, base_url="http://testserver")
    url = reverse("assessments:reminders_send", args=[round_.pk])
    client_.post(url)
    mailoutbox.clear()
    page = client_.post(url, follow=True).content.decode()
    assert mailoutbox == []
    sent = Invitation.objects.get().reminded_at
    next_time = timezone.localtime(sent + 24 * HOUR)
    assert f"the next reminders can be sent from {next_time:%-d %B %Y} at {next_time:%H:%M}" in page
    assert "There is no one to remind" not in page
    # The page says when the last reminders went and to whom; the confirmation offers no button.
    listing = client_.get(reverse("assessments:invitations", args=[round_.pk])).content.decode()
    assert (
        f"The last reminders went on {timezone.localtime(sent):%-d %B %Y}" in listing
        and "to 1 person: Ann Lee" in listing
    )
    confirm = client_.get(url).content.decode()
    assert "the next reminders can be sent from" in confirm and "Send 1 reminder" not in confirm


def test_after_the_interval_reminders_go_again(client_, round_, mailoutbox):
    InvitationFactory(round=round_)
    services.invitations_send(round_, base_url="http://testserver")
    services.reminders_send(round_, base_url="http://testserver")
    Invitation.objects.update(reminded_at=timezone.now() - 25 * HOUR)
    assert services.reminders_send(round_, base_url="http://testserver") == 1


def test_no_reminder_says_why_when_people_were_never_emailed(client_, round_, mailoutbox):
    InvitationFactory.create_batch(3, round=round_)
    page = client_.post(reverse("assessments:reminders_send", args=[round_.pk]), follow=True).content.decode()
    assert "have not been emailed yet. Send the invitations first." in page
    assert mailoutbox == []


def test_each_person_not_yet_responded_has_a_resend_link(client_, round_, mailoutbox):
    waiting = InvitationFactory(round=round_, name="Ann Lee")
    done = InvitationFactory(round=round_, name="Dora Done")
    services.invitations_send(round_, base_url="http://testserver")
    submitted_response(round_, [3] * 36, invitation=done)
    page = client_.get(reverse("assessments:invitations", args=[round_.pk])).content.decode()
    assert 'Resend link<span class="govuk-visually-hidden"> to Ann Lee' in page
    assert "to Dora Done" not in page
    Invitation.objects.filter(pk=waiting.pk).update(invited_at=timezone.now() - HOUR)
    mailoutbox.clear()
    response = client_.post(reverse("assessments:invitation_resend", args=[round_.pk, waiting.pk]), follow=True)
    assert "Ann Lee&#x27;s link is on its way again" in response.content.decode()
    assert [m.to for m in mailoutbox] == [[waiting.email]] and f"/respond/{waiting.token}/" in mailoutbox[0].body
    # A double click does not send it twice; a submitted person's link is refused.
    client_.post(reverse("assessments:invitation_resend", args=[round_.pk, waiting.pk]))
    assert len(mailoutbox) == 1
    refused = client_.post(reverse("assessments:invitation_resend", args=[round_.pk, done.pk]), follow=True)
    assert "has already responded" in refused.content.decode() and len(mailoutbox) == 1


def test_send_invitations_is_no_longer_the_main_button_once_everyone_is_emailed(client_, round_):
    InvitationFactory(round=round_)
    url = reverse("assessments:invitations", args=[round_.pk])
    assert 'class="govuk-button" data-module="govuk-button" data-prevent-double-click="true">Send invitations' in (
        client_.get(url).content.decode()
    )
    services.invitations_send(round_, base_url="http://testserver")
    page = client_.get(url).content.decode()
    secondary = (
        'class="govuk-button govuk-button--secondary" data-module="govuk-button" data-prevent-double-click="true">'
    )
    assert secondary + "Send invitations" in page
    assert 'class="govuk-button" data-module="govuk-button" href="/rounds/' in page  # reminders are now the main action
