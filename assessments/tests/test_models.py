"""The QuerySet vocabulary of rounds, invitations, responses and actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import ActionItem, ActionStatus, Invitation, Principle, Response, Round, RoundState
from assessments.tests.factories import InvitationFactory, RoundFactory, submitted_response

pytestmark = pytest.mark.django_db


def test_live_and_revoked_invitations():
    round_ = RoundFactory()
    kept, withdrawn = InvitationFactory(round=round_), InvitationFactory(round=round_)
    services.invitation_revoke(withdrawn)
    assert list(Invitation.objects.live().filter(round=round_)) == [kept]
    assert list(Invitation.objects.revoked().filter(round=round_)) == [withdrawn]


def test_submitted_and_in_progress_responses():
    round_ = RoundFactory(anonymous=False)
    done = submitted_response(round_, [3] * 36)
    started = Response.objects.create(invitation=InvitationFactory(round=round_), round=round_)
    assert list(Response.objects.submitted().filter(round=round_)) == [done]
    assert list(Response.objects.in_progress().filter(round=round_)) == [started]


def test_with_results_needs_a_closed_round_and_the_minimum_of_submitted_responses(settings):
    settings.PHC_MIN_RESPONSES = 2
    enough, too_few, still_open = RoundFactory(), RoundFactory(), RoundFactory()
    for round_, count in ((enough, 2), (too_few, 1), (still_open, 2)):
        for _ in range(count):
            submitted_response(round_, [3] * 36)
    Round.objects.filter(pk__in=[enough.pk, too_few.pk]).update(state=RoundState.CLOSED)
    assert list(Round.objects.with_results()) == [enough]
    assert set(Round.objects.closed()) == {enough, too_few}


def test_overdue_actions_are_open_and_past_their_date():
    round_ = RoundFactory()
    principle = Principle.objects.get(instrument=round_.instrument, number=1)
    today = timezone.localdate()

    def action(status: str, days: int) -> ActionItem:
        return ActionItem.objects.create(
            round=round_,
            principle=principle,
            description="x",
            owner="y",
            due_date=today + timedelta(days=days),
            status=status,
        )

    late = action(ActionStatus.IN_PROGRESS, -1)
    done_late = action(ActionStatus.DONE, -1)
    on_time = action(ActionStatus.NOT_STARTED, 1)
    assert list(ActionItem.objects.overdue(today)) == [late]
    assert set(ActionItem.objects.still_open()) == {late, on_time}
    flags = {a.pk: a.is_overdue for a in ActionItem.objects.with_overdue(today)}
    assert flags == {late.pk: True, done_late.pk: False, on_time.pk: False}
