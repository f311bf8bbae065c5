"""Each notification goes to the right person, says why and links to the thing, once per period (locmem mail)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from assessments.models import ActionItem, RoundState
from assessments.tests.factories import InvitationFactory, RoundFactory
from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN
from notifications import services
from notifications.models import NotificationSetting
from outbox.models import EmailStatus, OutboundEmail, Purpose
from partnerships import gateway as gateway_rules
from partnerships import services as register
from partnerships.models import Partnership
from partnerships.tests.factories import PartnershipFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db


def _sent_to(address: str) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if m.to == [address]]


def _submit(partnership, officer):
    RiskFactory(partnership=partnership)
    answers = {q.code: gateway_rules.AnswerInput("yes", "Cabinet report") for q in gateway_rules.QUESTIONS}
    return register.gateway_save(partnership, answers=answers, by=officer, submit=True)


def _turn_off(user, purpose: str) -> None:
    NotificationSetting.objects.create(user=user, purpose=purpose, wanted=False)


# --- Gateway events -------------------------------------------------------------------------------------


def test_a_submitted_gateway_tells_each_manager_once_with_a_link(officer, manager, second_manager, mailoutbox):
    quiet = UserFactory(username="quiet", roles=[MANAGER])
    _turn_off(quiet, Purpose.GATEWAY_SUBMITTED)
    partnership = PartnershipFactory(name="Safer Streets")
    _submit(partnership, officer)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, second_manager.email])
    message = _sent_to(manager.email)[0]
    assert "Gateway to decide: Safer Streets" in message.subject
    assert f"http://testserver/partnerships/{partnership.pk}/gateway/" in message.body
    assert "Why you get this email: you are a manager" in message.body
    assert "http://testserver/accounts/notifications/" in message.body
    assert "Priya Shah has submitted" in message.body
    assert OutboundEmail.objects.filter(purpose=Purpose.GATEWAY_SUBMITTED, status=EmailStatus.SENT).count() == 2


def test_returning_and_approving_tell_the_submitter_with_the_reason(officer, manager, mailoutbox):
    partnership = PartnershipFactory(name="Safer Streets")
    review = _submit(partnership, officer)
    mailoutbox.clear()
    register.gateway_return(review, by=manager, reason="Say who funds year two.")
    (returned,) = mailoutbox
    assert returned.to == [officer.email]
    assert returned.subject == "Gateway returned: Safer Streets (" + partnership.reference + ")"
    assert "Say who funds year two." in returned.body
    assert "Why you get this email: you submitted this gateway" in returned.body

    # Submitted again, and approved: news again, each once.
    mailoutbox.clear()
    review = register.gateway_save(partnership, answers=_answers(), by=officer, submit=True)
    assert [m.to for m in mailoutbox] == [[manager.email]]
    register.gateway_approve(review, by=manager)
    approved = mailoutbox[-1]
    assert approved.to == [officer.email]
    assert approved.subject.startswith("Gateway approved: Safer Streets")
    assert "the partnership is now active" in approved.body
    assert OutboundEmail.objects.filter(purpose=Purpose.GATEWAY_DECIDED).count() == 2


def _answers():
    return {q.code: gateway_rules.AnswerInput("yes", "Cabinet report") for q in gateway_rules.QUESTIONS}


def test_a_submitter_who_turned_decisions_off_is_not_told(officer, manager, mailoutbox):
    _turn_off(officer, Purpose.GATEWAY_DECIDED)
    review = _submit(PartnershipFactory(), officer)
    register.gateway_approve(review, by=manager)
    assert _sent_to(officer.email) == []


# --- Receipts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymous", [True, False])
def test_a_receipt_confirms_the_invitation_was_answered_and_holds_no_answers(anonymous, mailoutbox):
    from assessments import services as assessments_services
    from assessments.tests.factories import answer_sheets

    round_ = RoundFactory(anonymous=anonymous, title="Annual health check 2026")
    invitation = InvitationFactory(round=round_, name="Ann Lee", email="ann@partner.example")
    answer_sheets(invitation, [4] * 36, ["My private comment"] * 36)
    assessments_services.response_save_significance(invitation, [5, 4, 3, 2, 1, 5])
    assessments_services.response_save_success(invitation, 2, "Slow to start")
    assessments_services.response_submit(invitation, receipt=True)
    assessments_services.response_submit(invitation, receipt=True)  # a double click: one receipt

    (receipt,) = mailoutbox
    assert receipt.to == ["ann@partner.example"]
    assert receipt.subject.startswith("Receipt: your assessment of")
    assert "Annual health check 2026" in receipt.body
    assert "My private comment" not in receipt.body and "Slow to start" not in receipt.body
    assert "Strongly agree" not in receipt.body
    assert ("no longer linked to you" in receipt.body) is anonymous
    row = OutboundEmail.objects.get(purpose=Purpose.RECEIPT)
    # The outbox row names the invitation only: no response, and no round counted among its invitations' emails.
    assert row.invitation_id == invitation.pk and row.round_id is None


def test_no_receipt_unless_asked(mailoutbox):
    from assessments.tests.factories import submitted_response

    submitted_response(RoundFactory(), [3] * 36)
    assert mailoutbox == []


# --- Digests ----------------------------------------------------------------------------------------------


@pytest.fixture
def today():
    return timezone.localdate()


def _partnership_due(days: int, **fields):
    partnership = PartnershipFactory.create(active=True, **fields)
    Partnership.objects.filter(pk=partnership.pk).update(review_due_date=timezone.localdate() + timedelta(days=days))
    return partnership


def test_review_digest_goes_to_administrators_and_the_lead_officer_once_a_week(officer, today, mailoutbox):
    lead = UserFactory(username="jo", first_name="Jo", last_name="Bloggs", roles=[FACILITATOR])
    overdue = _partnership_due(-5, name="Late Partnership", lead_officer="Jo Bloggs")
    soon = _partnership_due(20, name="Soon Partnership", lead_officer="Someone Else")
    _partnership_due(45, name="Later Partnership")

    sent = services.notifications_send(today)
    assert sent.reviews_due == 2
    (admin_digest,) = _sent_to(officer.email)
    assert "1 overdue, 1 due within 30 days" in admin_digest.subject
    assert "Late Partnership" in admin_digest.body and "Soon Partnership" in admin_digest.body
    assert "Later Partnership" not in admin_digest.body
    assert f"http://testserver/partnerships/{overdue.pk}/" in admin_digest.body
    assert "you are a register administrator" in admin_digest.body
    (lead_digest,) = _sent_to(lead.email)
    assert "Late Partnership" in lead_digest.body and "Soon Partnership" not in lead_digest.body
    assert "you are the lead officer" in lead_digest.body
    assert soon.pk

    # Later the same week: nothing again.
    assert services.notifications_send(today + timedelta(days=0)).reviews_due == 0
    assert len(_sent_to(officer.email)) == 1


def test_a_round_closing_in_three_days_tells_its_facilitator_with_the_response_rate(today, mailoutbox):
    facilitator = UserFactory(username="fran", roles=[FACILITATOR])
    round_ = RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=3), title="Health check 2026")
    InvitationFactory.create_batch(4, round=round_)
    later = RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=4))  # not yet
    RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=1), state=RoundState.DRAFT)

    assert services.notifications_send(today).rounds_closing == 1
    (message,) = mailoutbox
    assert message.to == [facilitator.email]
    assert message.subject == f"Health check 2026 closes in 3 days: {round_.partnership.name}"
    assert "0 of 4 people have responded (0%)." in message.body
    assert f"http://testserver/rounds/{round_.pk}/invitations/" in message.body
    assert "you facilitate this round" in message.body
    # The next day it still closes within 3 days: not told twice; only the later round is news now.
    assert services.notifications_send(today + timedelta(days=1)).rounds_closing == 1
    assert len(mailoutbox) == 2 and later.title in mailoutbox[1].subject


def test_actions_due_go_to_an_owner_with_an_account_else_the_facilitator(today, mailoutbox):
    facilitator = UserFactory(username="fran", roles=[FACILITATOR])
    owner = UserFactory(username="sam", first_name="Sam", last_name="Patel", email="sam@council.example")
    round_ = RoundFactory(facilitator=facilitator, state=RoundState.CLOSED)
    principle = round_.instrument.principles.get(number=1)

    def action(description: str, owner_name: str, days: int, status: str = "not_started") -> ActionItem:
        return ActionItem.objects.create(
            round=round_,
            principle=principle,
            description=description,
            owner=owner_name,
            due_date=today + timedelta(days=days),
            status=status,
        )

    action("Agree a data-sharing protocol", "Sam Patel", -2)
    action("Hold a joint away day", "sam@council.example", 5)
    action("Refresh the terms of reference", "The Board", 3)
    action("Publish the annual report", "Sam Patel", 30)  # not due yet
    action("Recruit a chair", "Sam Patel", -10, status="done")  # done

    assert services.notifications_send(today).actions_due == 2
    (mine,) = _sent_to(owner.email)
    assert "1 overdue, 1 due within 7 days" in mine.subject
    assert "Agree a data-sharing protocol" in mine.body and "Hold a joint away day" in mine.body
    assert "Refresh the terms of reference" not in mine.body
    assert "Publish the annual report" not in mine.body and "Recruit a chair" not in mine.body
    assert f"http://testserver/rounds/{round_.pk}/actions/" in mine.body
    assert "you own these actions" in mine.body
    (facilitators,) = _sent_to(facilitator.email)
    assert "Refresh the terms of reference" in facilitators.body
    assert "owners named in the plans have no account here" in facilitators.body


def test_the_command_run_twice_sends_each_digest_once(officer, today, mailoutbox):
    facilitator = UserFactory(username="fran", roles=[FACILITATOR])
    _partnership_due(-1)
    RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=2))
    round_ = RoundFactory(facilitator=facilitator, state=RoundState.CLOSED)
    ActionItem.objects.create(
        round=round_,
        principle=round_.instrument.principles.get(number=2),
        description="Agree the plan",
        owner="Nobody Here",
        due_date=today,
    )
    call_command("send_notifications", stdout=open("/dev/null", "w"))
    first = sorted((m.to[0], m.subject) for m in mailoutbox)
    call_command("send_notifications", stdout=open("/dev/null", "w"))
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == first
    assert len(first) == 3  # the administrator's reviews, the facilitator's round and actions
    assert OutboundEmail.objects.filter(status=EmailStatus.SENT).count() == 3


def test_a_person_who_turned_a_digest_off_gets_none(officer, today, mailoutbox):
    second = UserFactory(username="officer2", roles=[REGISTER_ADMIN])
    _turn_off(officer, Purpose.REVIEWS_DUE)
    facilitator = UserFactory(username="fran", roles=[FACILITATOR])
    _turn_off(facilitator, Purpose.ROUND_CLOSING)
    _turn_off(facilitator, Purpose.ACTIONS_DUE)
    _partnership_due(3)
    round_ = RoundFactory(facilitator=facilitator, closes_on=today + timedelta(days=1))
    ActionItem.objects.create(
        round=round_,
        principle=round_.instrument.principles.get(number=2),
        description="Agree the plan",
        owner="Nobody Here",
        due_date=today,
    )
    services.notifications_send(today)
    assert [m.to for m in mailoutbox] == [[second.email]]
