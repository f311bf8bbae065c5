"""Issue 16, point 3: wording that said something untrue, and money shown one way everywhere."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Invitation
from assessments.tests.factories import RoundFactory, add_responses, make_round, uniform
from config.roles import MANAGER
from partnerships.models import GatewayStatus
from partnerships.money import pounds
from partnerships.tests.factories import (
    GatewayReviewFactory,
    MembershipFactory,
    PartnershipFactory,
    UserFactory,
)
from reports import selectors

pytestmark = pytest.mark.django_db


def _with_council(round_):
    from partnerships.tests.factories import MembershipFactory, OrganisationFactory

    MembershipFactory(partnership=round_.partnership, organisation=OrganisationFactory(name="Council"))
    return round_


def test_importing_one_person_says_this_person(client) -> None:
    round_ = _with_council(RoundFactory())
    client.force_login(round_.facilitator)
    one = "name,email,organisation,level\nAnn Lee,ann@example.org,Council,board\n"
    body = client.post(reverse("assessments:invitations_import", args=[round_.pk]), {"csv_text": one}).content
    assert b"Add this person" in body and b"Add these 1" not in body
    two = one + "Bob Ray,bob@example.org,Council,board\n"
    body = client.post(reverse("assessments:invitations_import", args=[round_.pk]), {"csv_text": two}).content
    assert b"Add these 2 people" in body


def test_an_anonymous_round_with_nobody_invited_does_not_say_everyone_responded(client) -> None:
    round_ = RoundFactory.create(anonymous=True)
    client.force_login(round_.facilitator)
    body = client.get(reverse("assessments:invitations", args=[round_.pk])).content.decode()
    assert "No one has been invited yet." in body
    assert "Everyone invited has responded" not in body


def test_adding_a_person_does_not_say_they_are_invited(client) -> None:
    round_ = _with_council(RoundFactory())
    client.force_login(round_.facilitator)
    response = client.post(
        reverse("assessments:invitation_add", args=[round_.pk]),
        {"name": "Alice Morgan", "email": "alice@example.org", "organisation": "Council", "level": "board"},
        follow=True,
    )
    body = response.content.decode()
    assert "Alice Morgan is added. No email has gone yet" in body
    assert "Alice Morgan is invited" not in body
    assert Invitation.objects.get().invited_at is None


def test_the_workshop_counts_people_not_partners(client) -> None:
    round_ = make_round(anonymous=False)
    add_responses(round_, [uniform(3)] * 4)
    client.force_login(round_.facilitator)
    body = client.get(reverse("results:workshop", args=[round_.pk])).content.decode()
    assert "4 of 4 invited people responded." in body
    assert "invited partners" not in body


def test_the_portfolio_separates_gateways_awaiting_approval_from_those_not_submitted() -> None:
    submitted = PartnershipFactory(name="Submitted one")
    GatewayReviewFactory(partnership=submitted, status=GatewayStatus.SUBMITTED, submitted_at=timezone.now())
    returned = PartnershipFactory(name="Returned one")
    GatewayReviewFactory(partnership=returned, status=GatewayStatus.DRAFT)
    PartnershipFactory(name="Not started one")
    report = selectors.portfolio_report(2026)
    assert [p.name for p, _ in report.gateways_awaiting_approval] == ["Submitted one"]
    assert sorted(p.name for p, _ in report.gateways_in_preparation) == ["Not started one", "Returned one"]
    assert "Not started" in dict((p.name, s) for p, s in report.gateways_in_preparation).values()


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("25000.00"), "£25,000"), (Decimal("25000.50"), "£25,001"), (0, "£0"), (None, "—"), ("1200", "£1,200")],
)
def test_pounds_are_whole_with_thousands_separators(value, shown) -> None:
    assert pounds(value) == shown


def test_a_contribution_reads_the_same_on_the_page_and_in_its_history(client) -> None:
    membership = MembershipFactory.create(financial_contribution=Decimal("20000.00"))
    membership.financial_contribution = Decimal("25000.00")
    membership.save()
    client.force_login(UserFactory(roles=[MANAGER]))
    body = client.get(reverse("partnerships:detail", args=[membership.partnership.pk])).content.decode()
    assert "£25,000" in body and "£20,000" in body
    assert "25000.00" not in body and "25,000.00" not in body
