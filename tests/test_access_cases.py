"""The cases reproduced in issue 13 (each failed before the rules and state machines), the protected states,
and the exit lifecycle of issue 16 point 4."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_fsm import has_transition_perm

from assessments.models import ActionItem, RoundState
from assessments.services import round_close
from assessments.tests.factories import InvitationFactory, RoundFactory, submitted_response
from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT
from partnerships import gateway as gateway_rules
from partnerships import services
from partnerships.models import ExitRecord, GatewayStatus, Partnership, Status
from partnerships.tests.factories import MembershipFactory, PartnershipFactory, RiskFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def staff(role: str, username: str):
    user = UserFactory.create(username=username, roles=[role])
    user.is_staff = True
    user.save()
    return user


def superuser():
    user = UserFactory(username="root")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def closed_round(partnership=None, facilitator=None, *, anonymous: bool = True, responses: int = 3, **fields):
    round_ = RoundFactory.create(
        partnership=partnership or PartnershipFactory(active=True),
        facilitator=facilitator or UserFactory(roles=[FACILITATOR]),
        anonymous=anonymous,
        **fields,
    )
    for n in range(responses):
        submitted_response(round_, [3] * 36, name=f"Person {n}")
    return round_close(round_)


# --- Case 1: a staff facilitator in /admin/ unticks "anonymous", takes over a round and reopens it ---------


def test_a_staff_facilitator_cannot_change_a_round_in_the_admin():
    round_ = closed_round()
    intruder = staff(FACILITATOR, "staff-facilitator")
    client = signed_in(intruder)
    url = f"/admin/assessments/round/{round_.pk}/change/"
    assert client.get(url).status_code == 302  # to the admin's sign-in: role accounts do not reach the admin
    client.post(url, {"anonymous": "", "facilitator": intruder.pk, "state": "open"})
    round_.refresh_from_db()
    assert round_.anonymous and round_.facilitator_id != intruder.pk and round_.state == RoundState.CLOSED
    assert client.get(f"/rounds/{round_.pk}/responses.csv").status_code == 403


def test_even_a_superuser_cannot_change_a_rounds_state_anonymity_or_facilitator_in_the_admin():
    round_ = closed_round()
    other = UserFactory(roles=[FACILITATOR])
    client = signed_in(superuser())
    page = client.get(f"/admin/assessments/round/{round_.pk}/change/").content.decode()
    for field in ("state", "anonymous", "facilitator"):
        assert f'name="{field}"' not in page  # shown read-only, never as a form field
    client.post(
        f"/admin/assessments/round/{round_.pk}/change/",
        {"anonymous": "", "facilitator": other.pk, "state": "open", "title": round_.title},
    )
    round_.refresh_from_db()
    assert round_.anonymous and round_.facilitator_id != other.pk and round_.state == RoundState.CLOSED


# --- Case 2: pointing someone's invitation at your own account or address ---------------------------------


def test_nobody_can_point_an_invitation_at_another_person_in_the_admin():
    invitation = InvitationFactory(email="alice@partner.example")
    intruder = staff(FACILITATOR, "staff-intruder")
    url = f"/admin/assessments/invitation/{invitation.pk}/change/"
    assert signed_in(intruder).post(url, {"user": intruder.pk, "email": "me@evil.example"}).status_code == 302
    client = signed_in(superuser())
    page = client.get(url).content.decode()
    for field in ("user", "email", "name", "round"):
        assert f'name="{field}"' not in page
    client.post(url, {"user": intruder.pk, "email": "me@evil.example", "name": "Me"})
    invitation.refresh_from_db()
    assert invitation.user_id is None and invitation.email == "alice@partner.example"
    my_page = signed_in(intruder).get("/my/").content.decode()
    assert invitation.round.title not in my_page


# --- Case 3: reading individual responses in the admin ----------------------------------------------------


def test_role_accounts_read_no_response_in_the_admin_and_superusers_none_that_would_name_anyone():
    anonymous = closed_round(anonymous=True)
    small = closed_round(anonymous=False, responses=2)
    named = closed_round(anonymous=False, responses=3)
    for role, name in ((FACILITATOR, "s-fac"), (MANAGER, "s-man")):
        assert signed_in(staff(role, name)).get("/admin/assessments/response/").status_code == 302
    client = signed_in(superuser())
    listing = client.get("/admin/assessments/response/").content.decode()
    for round_ in (anonymous, small):
        for response in round_.responses.all():
            assert f"/admin/assessments/response/{response.pk}/change/" not in listing
            page = client.get(f"/admin/assessments/response/{response.pk}/change/", follow=True)
            assert "Person" not in page.content.decode()
    assert all(f"/admin/assessments/response/{r.pk}/change/" in listing for r in named.responses.all())


# --- Case 4: approving a gateway in the admin, four eyes ---------------------------------------------------


def _submitted_gateway(by):
    partnership = PartnershipFactory()
    RiskFactory(partnership=partnership)  # a gateway is submitted with its initial risk assessment
    answers = {q.code: gateway_rules.AnswerInput("no", "Not yet") for q in gateway_rules.QUESTIONS}
    return services.gateway_save(partnership, answers=answers, by=by, submit=True)


def test_a_register_administrator_cannot_approve_a_gateway_anywhere():
    officer = staff(REGISTER_ADMIN, "staff-officer")
    review = _submitted_gateway(UserFactory(roles=[REGISTER_ADMIN]))
    client = signed_in(officer)
    client.post(f"/admin/partnerships/gatewayreview/{review.pk}/change/", {"status": "approved"})
    client.post(f"/admin/partnerships/partnership/{review.partnership_id}/change/", {"status": "active"})
    assert (
        client.post(f"/partnerships/{review.partnership_id}/gateway/decision/", {"decision": "approve"}).status_code
        == 403
    )
    review.refresh_from_db()
    assert review.status == GatewayStatus.SUBMITTED
    assert Partnership.objects.get(pk=review.partnership_id).status == Status.PROPOSED
    assert not has_transition_perm(review.approve, officer)


def test_the_four_eyes_rule_is_the_gateway_transitions_own():
    submitter = UserFactory(roles=[MANAGER])
    other_manager = UserFactory(roles=[MANAGER])
    review = _submitted_gateway(submitter)
    assert not has_transition_perm(review.approve, submitter)
    assert not has_transition_perm(review.send_back, submitter)
    assert has_transition_perm(review.approve, other_manager)
    with pytest.raises(Exception, match="cannot also decide"):
        services.gateway_approve(review, by=submitter)
    services.gateway_approve(review, by=other_manager)
    assert Partnership.objects.get(pk=review.partnership_id).status == Status.ACTIVE


def test_the_admin_cannot_assign_a_gateway_or_partnership_status():
    review = _submitted_gateway(UserFactory(roles=[REGISTER_ADMIN]))
    client = signed_in(superuser())
    page = client.get(f"/admin/partnerships/gatewayreview/{review.pk}/change/").content.decode()
    assert 'name="status"' not in page
    page = client.get(f"/admin/partnerships/partnership/{review.partnership_id}/change/").content.decode()
    assert 'name="status"' not in page


# --- Case 5: a facilitator's draft round on a partnership shows them nothing of others' rounds -------------


def test_a_draft_round_gives_no_view_of_other_facilitators_rounds_anywhere():
    partnership = PartnershipFactory(active=True, name="Shared Partnership")
    theirs = closed_round(partnership, title="Their health check")
    newcomer = UserFactory(roles=[FACILITATOR])
    draft = RoundFactory(partnership=partnership, facilitator=newcomer, state=RoundState.DRAFT, title="My draft")
    client = signed_in(newcomer)
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert page.count("Their health check") == 0 and f"/rounds/{theirs.pk}/results/" not in page
    assert "108.0" not in page  # the other round's mean total (36 answers of 3)
    register = client.get("/partnerships/").content.decode()
    assert "Shared Partnership" in register and "108.0" not in register
    export = b"".join(client.get("/partnerships/export.csv").streaming_content).decode()
    assert "Shared Partnership" in export and "108.0" not in export
    reports = client.get("/reports/").content.decode()
    assert "108.0" not in reports and f"/rounds/{theirs.pk}/" not in reports
    for url in (
        f"/rounds/{theirs.pk}/results/",
        f"/rounds/{theirs.pk}/results.json",
        f"/rounds/{theirs.pk}/dartboard.svg",
    ):
        assert client.get(url).status_code == 403
    # ... and cannot move the partnership's review date from a round that is not closed.
    before = Partnership.objects.get(pk=partnership.pk).review_due_date
    client.post(f"/rounds/{draft.pk}/actions/", {"save_date": "1", "next-next_health_check": "2099-01-01"})
    assert Partnership.objects.get(pk=partnership.pk).review_due_date == before
    assert client.post(f"/rounds/{theirs.pk}/actions/", {"save_date": "1"}).status_code == 403


def test_the_partnership_report_and_page_agree_for_a_facilitator():
    from reports.selectors import partnership_report

    partnership = PartnershipFactory(active=True)
    theirs = closed_round(partnership)
    newcomer = UserFactory(roles=[FACILITATOR])
    mine = closed_round(partnership, newcomer)
    report = partnership_report(partnership, theirs.closes_on.year, viewer=newcomer)
    assert all(row.round.pk == mine.pk for row in report.trend + ([report.earlier] if report.earlier else []))
    assert report.round is None or report.round.pk == mine.pk


# --- Case 6: a respondent reads nothing of the register or of rounds --------------------------------------


def test_a_respondent_reads_no_register_entry_and_no_results():
    respondent = UserFactory(roles=[RESPONDENT], email="sam@partner.example")
    partnership = PartnershipFactory(active=True, risk="high")
    MembershipFactory(partnership=partnership, financial_contribution=25000)
    round_ = closed_round(partnership)
    InvitationFactory(round=round_, user=respondent, email=respondent.email)
    client = signed_in(respondent)
    for url in (
        "/partnerships/",
        f"/partnerships/{partnership.pk}/",
        "/partnerships/export.csv",
        f"/rounds/{round_.pk}/results/",
        f"/rounds/{round_.pk}/responses.csv",
        f"/rounds/{round_.pk}/dartboard.svg",
        "/reports/",
    ):
        assert client.get(url).status_code == 403, url
    assert client.get("/my/").status_code == 200


# --- Pages offer what their views allow: templates ask the object rules, not Django's model permissions ------


def test_no_template_asks_a_model_permission():
    from pathlib import Path

    from django.conf import settings

    asking = [
        f"{path.relative_to(settings.BASE_DIR)}: {line.strip()}"
        for folder in settings.TEMPLATES[0]["DIRS"]
        for path in Path(folder).rglob("*.html")
        for line in path.read_text().splitlines()
        if "perms." in line
    ]
    assert not asking, "templates must use {% has_perm %} with the rules:\n" + "\n".join(asking)


def test_the_partnership_page_offers_recording_a_risk_exactly_when_the_view_allows_it():
    from django.contrib.auth.models import Permission

    partnership = PartnershipFactory(active=True)
    facilitator = UserFactory(roles=[FACILITATOR])
    RoundFactory(partnership=partnership, facilitator=facilitator)  # so they may read the register entry
    # A model permission given to the account directly (as the admin could) is not the rule: the register
    # administrators keep the risk register.
    facilitator.user_permissions.add(Permission.objects.get(codename="add_risk"))
    client = signed_in(facilitator)
    new_risk = f"/partnerships/{partnership.pk}/risks/new/"
    assert client.get(new_risk).status_code == 403
    assert new_risk not in client.get(f"/partnerships/{partnership.pk}/").content.decode()
    officer = signed_in(UserFactory(roles=[REGISTER_ADMIN]))
    assert officer.get(new_risk).status_code == 200
    assert new_risk in officer.get(f"/partnerships/{partnership.pk}/").content.decode()


def test_the_close_page_links_the_risk_register_whenever_the_rule_lets_the_facilitator_read_it():
    from django.contrib.auth.models import Group, Permission

    round_ = RoundFactory(partnership=PartnershipFactory(active=True))
    # The rule, not the group's model permissions, says who reads a partnership's risks.
    facilitators = Group.objects.get(name=FACILITATOR)
    facilitators.permissions.remove(*Permission.objects.filter(codename__in=["view_risk", "view_riskaction"]))
    client = signed_in(round_.facilitator)
    risks = f"/partnerships/{round_.partnership_id}/risks/"
    assert client.get(risks).status_code == 200
    assert f'href="{risks}"' in client.get(f"/rounds/{round_.pk}/close/").content.decode()


# --- Protected states -------------------------------------------------------------------------------------


def test_no_state_field_can_be_assigned():
    round_ = RoundFactory()
    partnership = PartnershipFactory(active=True)
    review = partnership.gateway
    for obj, field, value in (
        (round_, "state", "closed"),
        (partnership, "status", "closed"),
        (review, "status", "draft"),
    ):
        with pytest.raises(AttributeError, match="Direct .* modification is not allowed"):
            setattr(obj, field, value)


def test_active_only_through_an_approved_gateway_even_for_factories():
    partnership = PartnershipFactory(active=True)
    assert partnership.gateway.status == GatewayStatus.APPROVED
    proposed = PartnershipFactory()
    from django_fsm import can_proceed

    assert not can_proceed(proposed.activate)


def test_round_buttons_come_from_the_available_transitions():
    draft = RoundFactory(state=RoundState.DRAFT)
    opening, closing = 'name="action" value="open"', "/close/"
    page = signed_in(draft.facilitator).get(f"/rounds/{draft.pk}/").content.decode()
    assert opening in page and f"/rounds/{draft.pk}{closing}" not in page
    open_round = RoundFactory(facilitator=draft.facilitator)
    page = signed_in(draft.facilitator).get(f"/rounds/{open_round.pk}/").content.decode()
    assert opening not in page and f"/rounds/{open_round.pk}{closing}" in page
    closed = closed_round(facilitator=draft.facilitator)
    page = signed_in(draft.facilitator).get(f"/rounds/{closed.pk}/").content.decode()
    assert opening not in page and f"/rounds/{closed.pk}{closing}" not in page


# --- Issue 16 point 4: an exit runs to its date, and completing it asks first ------------------------------

EXIT = {
    "reason": "Objectives met",
    "objectives_met": "yes",
    "achievements": "Much",
    "lessons_learned": "Plan early",
    "withdrawal_risks": "Low",
    "handover_and_continuity": "To the CVS",
    "decided_by": "Chief Officer",
    "advice_notes": "",
}


def test_completing_an_exit_asks_first_with_open_actions_and_outstanding_reviews():
    officer = UserFactory(roles=[REGISTER_ADMIN])
    partnership = PartnershipFactory(active=True)
    RiskFactory(partnership=partnership, category="exit")  # the risk analysis of withdrawal
    round_ = closed_round(partnership)
    ActionItem.objects.create(
        round=round_,
        principle=round_.instrument.principles.get(number=2),
        description="Share the risk register",
        owner="Board",
        due_date=timezone.localdate() + timedelta(days=40),
    )
    RoundFactory(partnership=partnership, state=RoundState.OPEN, title="Still running")
    later = (timezone.localdate() + timedelta(days=120)).isoformat()
    client = signed_in(officer)
    response = client.post(f"/partnerships/{partnership.pk}/exit/", {**EXIT, "exit_date": later, "action": "complete"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Share the risk register" in page and "Still running" in page and "Yes, complete the exit" in page
    assert not ExitRecord.objects.filter(partnership=partnership, completed_at__isnull=False).exists()
    assert Partnership.objects.get(pk=partnership.pk).status == Status.ACTIVE


def test_a_completed_exit_stays_exiting_until_its_date_then_closes():
    officer = UserFactory(roles=[REGISTER_ADMIN])
    partnership = PartnershipFactory(active=True)
    RiskFactory(partnership=partnership, category="exit")  # the risk analysis of withdrawal
    later = timezone.localdate() + timedelta(days=120)
    client = signed_in(officer)
    response = client.post(
        f"/partnerships/{partnership.pk}/exit/",
        {**EXIT, "exit_date": later.isoformat(), "action": "complete", "confirmed": "yes"},
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == Status.EXITING and partnership.exit_record.is_complete
    assert services.exits_close_due(today=later - timedelta(days=1)) == 0
    # The daily task on the exit date closes it.
    ExitRecord.objects.filter(partnership=partnership).update(exit_date=timezone.localdate())
    call_command("close_due_exits")
    partnership.refresh_from_db()
    assert partnership.status == Status.CLOSED


def test_the_first_read_after_the_exit_date_closes_the_partnership():
    officer = UserFactory(roles=[REGISTER_ADMIN])
    partnership = PartnershipFactory(active=True)
    RiskFactory(partnership=partnership, category="exit")  # the risk analysis of withdrawal
    later = timezone.localdate() + timedelta(days=30)
    services.exit_save(partnership, values={**EXIT, "exit_date": later}, by=officer, complete=True)
    assert Partnership.objects.get(pk=partnership.pk).status == Status.EXITING
    ExitRecord.objects.filter(partnership=partnership).update(exit_date=timezone.localdate() - timedelta(days=1))
    page = signed_in(officer).get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "This partnership is closed" in page
    assert Partnership.objects.get(pk=partnership.pk).status == Status.CLOSED


def test_closed_only_with_a_completed_exit_record():
    from django_fsm import can_proceed

    partnership = PartnershipFactory(active=True)
    assert not can_proceed(partnership.close)
    services.exit_save(partnership, values={"reason": "Funding ends"}, by=None)
    partnership = Partnership.objects.select_related("exit_record").get(pk=partnership.pk)
    assert partnership.status == Status.EXITING and not can_proceed(partnership.close)
