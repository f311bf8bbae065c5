"""The home page's "waiting for you", one test per role: the numbers match the register, and the number of
queries stays the same when the register grows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import ActionItem, Principle, RoundState
from assessments.tests.factories import InvitationFactory, RoundFactory, submitted_response
from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT
from partnerships.models import ExitRecord, GatewayReview
from partnerships.tests.factories import PartnershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def overdue_action(round_) -> ActionItem:
    principle = Principle.objects.filter(instrument=round_.instrument).first()
    assert principle is not None
    return ActionItem.objects.create(
        round=round_, principle=principle, description="Agree", owner="Chair", due_date=today() - timedelta(days=3)
    )


def manager_register(n: int = 1) -> None:
    for i in range(n):
        proposed = PartnershipFactory.create(name=f"Proposed {i}")
        GatewayReview.objects.create(
            partnership=proposed, status="submitted", submitted_at=timezone.now() - timedelta(days=i)
        )
        PartnershipFactory(active=True, review_due_date=today() - timedelta(days=5))
        PartnershipFactory(active=True, review_due_date=today() + timedelta(days=30))
        PartnershipFactory(active=True, review_due_date=today() + timedelta(days=90))
        closed = RoundFactory(state=RoundState.CLOSED)
        overdue_action(RoundFactory(state=RoundState.CLOSED))
        del closed


def home(client, user) -> str:
    client.force_login(user)
    return client.get("/").content.decode()


def test_a_manager_sees_gateways_reviews_rounds_and_actions(client):
    manager = UserFactory(username="boss", roles=[MANAGER])
    manager_register()
    page = home(client, manager)
    assert "Waiting for you" in page
    assert '<strong class="waiting-count">1</strong> gateways to decide' in page and "Proposed 0" in page
    assert '<strong class="waiting-count">1</strong> annual reviews overdue' in page
    assert '<strong class="waiting-count">1</strong> annual reviews due within 60 days' in page
    assert '<strong class="waiting-count">1</strong> closed rounds without an action plan' in page
    assert '<strong class="waiting-count">1</strong> overdue actions across the portfolio' in page


def test_the_managers_home_takes_the_same_queries_for_a_larger_register(client):
    manager = UserFactory(username="boss", roles=[MANAGER])
    manager_register(1)
    client.force_login(manager)
    client.get("/")
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    manager_register(4)
    with CaptureQueriesContext(connection) as large:
        page = client.get("/").content.decode()
    assert len(large) == len(small)
    assert '<strong class="waiting-count">5</strong> gateways to decide' in page


def test_a_register_administrator_sees_returned_gateways_missing_review_dates_and_exits(client):
    officer = UserFactory(username="officer2", roles=[REGISTER_ADMIN])
    returned = PartnershipFactory(name="Returned one")
    GatewayReview.objects.create(
        partnership=returned,
        status="returned",
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
        return_reason="Agree the exit terms",
    )
    PartnershipFactory(name="No date")  # proposed, no review date
    leaving = PartnershipFactory(active=True, status="exiting", name="Leaving one")
    ExitRecord.objects.create(partnership=leaving, reason="Funding ends")
    page = home(client, officer)
    assert '<strong class="waiting-count">1</strong> gateways returned for more work' in page
    assert "Returned one</a>: Agree the exit terms" in page
    assert '<strong class="waiting-count">2</strong> partnerships without a review date' in page
    assert '<strong class="waiting-count">1</strong> exits in progress' in page and "Leaving one" in page


def test_a_facilitator_sees_rounds_to_open_closing_soon_without_a_plan_and_overdue_actions(client):
    facilitator = UserFactory(username="fac", roles=[FACILITATOR])
    RoundFactory(facilitator=facilitator, state=RoundState.DRAFT, title="Draft check")
    closing = RoundFactory(facilitator=facilitator, title="Closing check", closes_on=today() + timedelta(days=3))
    for n in range(4):
        invitation = InvitationFactory(round=closing)
        if n == 0:
            submitted_response(closing, [3] * 36, invitation=invitation)
    RoundFactory(facilitator=facilitator, closes_on=today() + timedelta(days=20))  # not closing soon
    overdue_action(RoundFactory(facilitator=facilitator, state=RoundState.CLOSED))
    RoundFactory(facilitator=facilitator, state=RoundState.CLOSED)
    RoundFactory(state=RoundState.DRAFT)  # someone else's
    page = home(client, facilitator)
    assert '<strong class="waiting-count">1</strong> rounds to open' in page and "Draft check" in page
    assert '<strong class="waiting-count">1</strong> rounds closing within 7 days' in page
    assert "1 of 4 responded (25%)" in page
    assert '<strong class="waiting-count">1</strong> closed rounds without an action plan' in page
    assert '<strong class="waiting-count">1</strong> your rounds&#x27; overdue actions' in page


def test_a_respondent_sees_their_unfinished_assessments(client):
    respondent = UserFactory(username="resp", roles=[RESPONDENT], email="resp@partner.example")
    InvitationFactory(email="resp@partner.example", round=RoundFactory(title="Open one"))
    done = InvitationFactory(email="resp@partner.example", round=RoundFactory(title="Done one"))
    submitted_response(done.round, [3] * 36, invitation=done)
    InvitationFactory(email="resp@partner.example", round=RoundFactory(title="Closed one", state=RoundState.CLOSED))
    page = home(client, respondent)
    assert '<strong class="waiting-count">1</strong> assessments to finish' in page
    assert "Open one" in page and "Done one" not in page and "Closed one" not in page
