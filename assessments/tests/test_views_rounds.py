"""Facilitator pages: rounds, invitations, reopening; permissions; and /my/ for signed-in respondents."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Invitation, Reopening, Response, ResponseStatus, Round, RoundState
from assessments.tests.factories import (
    InvitationFactory,
    ResponseFactory,
    RoundFactory,
    UserFactory,
    instrument,
    submitted_response,
)
from config.roles import FACILITATOR, MANAGER, RESPONDENT

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    from partnerships.tests.factories import MembershipFactory, OrganisationFactory

    round_ = RoundFactory(anonymous=False, title="Health check 2026")
    for name in ("Council", "Demoshire Police"):
        MembershipFactory(partnership=round_.partnership, organisation=OrganisationFactory(name=name))
    return round_


@pytest.fixture
def facilitator_client(client, round_):
    client.force_login(round_.facilitator)
    return client


def page_text(response) -> str:
    return response.content.decode()


# --- Permissions ------------------------------------------------------------------------------------------


def test_signed_out_visitor_is_sent_to_sign_in(client, round_):
    response = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["round_list", "round_create"])
def test_respondent_cannot_reach_facilitator_pages(client, name):
    client.force_login(UserFactory(roles=[RESPONDENT]))
    assert client.get(reverse(f"assessments:{name}")).status_code == 403


def test_respondent_cannot_see_a_round(client, round_):
    client.force_login(UserFactory(roles=[RESPONDENT]))
    assert client.get(round_.get_absolute_url()).status_code == 403


@pytest.mark.parametrize(
    "name,method",
    [
        ("round_detail", "get"),
        ("round_edit", "get"),
        ("invitations", "get"),
        ("invitations_send", "post"),
        ("round_state", "post"),
        ("round_reopen", "post"),
    ],
)
def test_another_facilitators_round_is_forbidden(client, round_, name, method):
    client.force_login(UserFactory(roles=[FACILITATOR]))
    response = getattr(client, method)(reverse(f"assessments:{name}", args=[round_.pk]), {"action": "close"})
    assert response.status_code == 403
    assert Round.objects.get(pk=round_.pk).state == RoundState.OPEN


def test_manager_sees_every_round_but_cannot_change_one(client, round_):
    other = RoundFactory(title="Someone else's round")
    client.force_login(UserFactory(roles=[MANAGER]))
    listing = page_text(client.get(reverse("assessments:round_list")))
    assert "Health check 2026" in listing and "Someone else&#x27;s round" in listing
    assert client.get(other.get_absolute_url()).status_code == 200
    assert client.get(reverse("assessments:round_edit", args=[round_.pk])).status_code == 403
    assert client.post(reverse("assessments:round_state", args=[round_.pk]), {"action": "close"}).status_code == 403
    assert client.get(reverse("assessments:invitations", args=[round_.pk])).status_code == 403


def test_facilitator_lists_only_their_own_rounds(facilitator_client):
    RoundFactory(title="Not mine")
    listing = page_text(facilitator_client.get(reverse("assessments:round_list")))
    assert "Health check 2026" in listing and "Not mine" not in listing


# --- Rounds -----------------------------------------------------------------------------------------------


def test_facilitator_sets_up_a_round_for_a_partnership(client):
    facilitator = UserFactory(roles=[FACILITATOR])
    partnership = RoundFactory().partnership
    client.force_login(facilitator)
    form = client.get(reverse("assessments:round_create") + f"?partnership={partnership.pk}")
    assert form.status_code == 200
    assert f'<option value="{partnership.pk}" selected>' in page_text(form)
    response = client.post(
        reverse("assessments:round_create"),
        {
            "partnership": partnership.pk,
            "instrument": instrument().pk,
            "title": "Health check 2027",
            "purpose": "diagnostic",
            "facilitation": "external",
            "facilitator": facilitator.pk,
            "levels": ["board", "front_line"],
            "feedback_arrangements": "Workshop in March",
            "action_arrangements": "Board agrees an action plan",
            "opens_on": "2027-01-10",
            "closes_on": "2027-02-10",
            "anonymous": "on",
        },
    )
    created = Round.objects.get(title="Health check 2027")
    assert response["Location"] == created.get_absolute_url()
    assert created.state == RoundState.DRAFT
    assert created.levels == ["board", "front_line"] and created.anonymous is True
    detail = page_text(client.get(created.get_absolute_url()))
    assert "Board or elected member, Front-line staff" in detail and "Workshop in March" in detail


def test_open_and_close_by_post_only(facilitator_client):
    draft = RoundFactory(state=RoundState.DRAFT, facilitator=Round.objects.get().facilitator)
    state_url = reverse("assessments:round_state", args=[draft.pk])
    assert facilitator_client.get(state_url).status_code == 405
    facilitator_client.post(state_url, {"action": "open"})
    assert Round.objects.get(pk=draft.pk).state == RoundState.OPEN
    facilitator_client.post(state_url, {"action": "close"})
    assert Round.objects.get(pk=draft.pk).state == RoundState.CLOSED
    response = facilitator_client.post(state_url, {"action": "open"}, follow=True)
    assert "Only a draft round can be opened" in page_text(response)


def test_edit_keeps_anonymity_once_open(facilitator_client):
    round_ = RoundFactory(anonymous=True, facilitator=Round.objects.get().facilitator)
    ResponseFactory(invitation=InvitationFactory(round=round_))
    data = {
        "title": round_.title,
        "purpose": round_.purpose,
        "facilitation": round_.facilitation,
        "facilitator": round_.facilitator_id,
        "levels": round_.levels,
        "opens_on": round_.opens_on.isoformat(),
        "closes_on": round_.closes_on.isoformat(),
    }
    assert "Fixed once the round has opened." in page_text(
        facilitator_client.get(reverse("assessments:round_edit", args=[round_.pk]))
    )
    response = facilitator_client.post(reverse("assessments:round_edit", args=[round_.pk]), data)
    assert response.status_code == 302  # saved, with the anonymity it had
    assert Round.objects.get(pk=round_.pk).anonymous is True


# --- Invitations ------------------------------------------------------------------------------------------


def test_add_one_invitation(facilitator_client, round_):
    response = facilitator_client.post(
        reverse("assessments:invitation_add", args=[round_.pk]),
        {"name": "Ann Lee", "email": "ann@example.org", "organisation": "Council", "level": "board"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(round=round_)
    assert invitation.name == "Ann Lee" and len(invitation.token_hash) == 64 and len(invitation.token_salt) == 32
    again = facilitator_client.post(
        reverse("assessments:invitation_add", args=[round_.pk]),
        {"name": "Ann Again", "email": "ANN@example.org", "organisation": "Council", "level": "board"},
    )
    assert "already invited" in page_text(again)
    assert Invitation.objects.count() == 1


def test_csv_preview_shows_bad_rows_then_confirm_saves_only_the_good(facilitator_client, round_):
    InvitationFactory(round=round_, email="old@example.org")
    text = (
        "name,email,organisation,level\n"
        "Ann Lee,ann@example.org,Council,Board or elected member\n"
        "Bob,bad-email,Council,board\n"
        "Cat,old@example.org,Council,front-line staff\n"
    )
    preview = facilitator_client.post(reverse("assessments:invitations_import", args=[round_.pk]), {"csv_text": text})
    body = page_text(preview)
    assert "1 row can be added; 2 rows cannot" in body
    assert 'data-label="Line">3</th>' in body and "not a valid email address" in body
    assert "old@example.org is already invited to this round" in body
    assert Invitation.objects.count() == 1  # nothing saved yet
    confirm = facilitator_client.post(
        reverse("assessments:invitations_import_confirm", args=[round_.pk]), {"text": text}, follow=True
    )
    assert "1 person added. 2 rows were left out." in page_text(confirm)
    assert set(Invitation.objects.values_list("email", flat=True)) == {"old@example.org", "ann@example.org"}


def test_csv_upload_not_utf8_is_refused_with_a_message(facilitator_client, round_):
    upload = SimpleUploadedFile("people.csv", "Zoë,z@example.org,Café,board\n".encode("utf-16"))
    response = facilitator_client.post(
        reverse("assessments:invitations_import", args=[round_.pk]), {"csv_file": upload}
    )
    assert response.status_code == 200
    assert "not UTF-8 text" in page_text(response)
    assert not Invitation.objects.exists()


def test_csv_upload_too_big_is_refused(facilitator_client, round_, settings):
    settings.MAX_CSV_UPLOAD_BYTES = 50
    upload = SimpleUploadedFile("people.csv", b"Ann,ann@example.org,Council,board\n" * 5)
    response = facilitator_client.post(
        reverse("assessments:invitations_import", args=[round_.pk]), {"csv_file": upload}
    )
    assert "the largest accepted is 50" in page_text(response)


def test_send_invitations_and_reminders_from_the_page(facilitator_client, round_, mailoutbox):
    InvitationFactory(round=round_)
    InvitationFactory(round=round_)
    response = facilitator_client.post(reverse("assessments:invitations_send", args=[round_.pk]), follow=True)
    assert "Invitations to 2 people are on their way." in page_text(response)
    assert len(mailoutbox) == 2
    assert all("http://testserver/respond/" in m.body for m in mailoutbox)
    response = facilitator_client.post(reverse("assessments:reminders_send", args=[round_.pk]), follow=True)
    assert "Reminders to 2 people are on their way." in page_text(response)
    assert len(mailoutbox) == 4


def test_email_texts_are_saved_from_the_page(facilitator_client, round_):
    response = facilitator_client.post(
        reverse("assessments:round_emails", args=[round_.pk]),
        {
            "invitation_subject": "Your say on {{ partnership }}",
            "invitation_body": "{{ link }}",
            "reminder_subject": "",
            "reminder_body": "Hi {% if %}",
        },
    )
    assert response.status_code == 200
    assert "This template cannot be used" in page_text(response)
    assert Round.objects.get(pk=round_.pk).invitation_subject == ""
    facilitator_client.post(
        reverse("assessments:round_emails", args=[round_.pk]),
        {
            "invitation_subject": "Your say on {{ partnership }}",
            "invitation_body": "{{ link }}",
            "reminder_subject": "",
            "reminder_body": "",
        },
    )
    assert Round.objects.get(pk=round_.pk).invitation_subject == "Your say on {{ partnership }}"


def test_named_round_shows_who_started_and_submitted(facilitator_client, round_):
    InvitationFactory(round=round_, name="Waiting Walter")
    ResponseFactory(invitation=InvitationFactory(round=round_, name="Started Stella"))
    submitted_response(round_, [3] * 36, name="Done Dora")
    body = page_text(facilitator_client.get(reverse("assessments:invitations", args=[round_.pk])))
    assert "Waiting Walter" in body and "Started Stella" in body and "Done Dora" in body
    assert "Who has been added (3)" in body


def test_anonymous_round_shows_counts_and_only_who_has_not_responded(client):
    round_ = RoundFactory(anonymous=True)
    client.force_login(round_.facilitator)
    InvitationFactory(round=round_, name="Waiting Walter")
    ResponseFactory(invitation=InvitationFactory(round=round_, name="Started Stella"))
    submitted_response(round_, [3] * 36, name="Done Dora")
    body = page_text(client.get(reverse("assessments:invitations", args=[round_.pk])))
    assert "3 added" in body and "1 started, not submitted" in body and "1 submitted" in body
    assert "Not yet responded (2)" in body
    assert "Waiting Walter" in body and "Started Stella" in body
    assert "Done Dora" not in body
    assert "Started</th>" not in body and "Submitted</th>" not in body


def test_revoke_an_invitation(facilitator_client, round_):
    invitation = InvitationFactory(round=round_, name="Gone Gary")
    facilitator_client.post(reverse("assessments:invitation_revoke", args=[round_.pk, invitation.pk]))
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None
    assert facilitator_client.get(reverse("assessments:respond", args=[invitation.token])).status_code == 410


# --- Reopening --------------------------------------------------------------------------------------------


def test_facilitator_reopens_a_submitted_response_in_a_named_round(facilitator_client, round_):
    response = submitted_response(round_, [4] * 36, name="Dora Done")
    detail = page_text(facilitator_client.get(round_.get_absolute_url()))
    assert "Dora Done" in detail
    result = facilitator_client.post(
        reverse("assessments:round_reopen", args=[round_.pk]),
        {"invitation": response.invitation_id, "reason": "She pressed submit too early"},
        follow=True,
    )
    body = page_text(result)
    assert "response is reopened" in body
    assert "She pressed submit too early" in body
    response.refresh_from_db()
    assert response.status == ResponseStatus.IN_PROGRESS and response.total is None
    reopening = Reopening.objects.get()
    assert reopening.reopened_by == round_.facilitator


def test_a_failed_reopening_shows_its_errors_on_the_round_page_and_keeps_what_was_chosen(facilitator_client, round_):
    response = submitted_response(round_, [4] * 36, name="Dora Done")
    url = reverse("assessments:round_reopen", args=[round_.pk])
    result = facilitator_client.post(url, {"invitation": response.invitation_id, "reason": "  "})
    # Not a redirect with a flash message: the form page with the GOV.UK error summary and the field's error.
    assert result.status_code == 200
    body = page_text(result)
    assert "<title>Error: " in body
    assert 'class="govuk-error-summary"' in body and '<a href="#id_reason">Enter the reason</a>' in body
    assert re.search(rf'<option value="{response.invitation_id}" selected>', body)
    assert not Reopening.objects.exists()
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED


def test_a_reopening_refused_by_the_round_says_why_on_the_form(facilitator_client, round_):
    response = submitted_response(round_, [4] * 36, name="Dora Done")
    not_submitted = InvitationFactory(round=round_, name="Walter Waiting")
    url = reverse("assessments:round_reopen", args=[round_.pk])
    body = page_text(facilitator_client.post(url, {"invitation": not_submitted.pk, "reason": "Asked by phone"}))
    assert "<title>Error: " in body and 'href="#id_invitation"' in body
    assert "Asked by phone" in body  # what was typed is kept
    from assessments.services import round_close

    round_close(round_)
    result = facilitator_client.post(url, {"invitation": response.invitation_id, "reason": "Asked by phone"})
    assert result.status_code == 200
    assert "Only responses in an open round can be reopened." in page_text(result)
    assert not Reopening.objects.exists()


def test_anonymous_round_offers_no_reopening_and_shows_no_reopened_responses(client):
    round_ = RoundFactory(anonymous=True)
    client.force_login(round_.facilitator)
    submitted_response(round_, [4] * 36, name="Dora Done")
    waiting = InvitationFactory(round=round_, name="Walter Waiting")
    page = page_text(client.get(reverse("assessments:round_detail", args=[round_.pk])))
    assert "Reopened responses" not in page and "Reopen the response" not in page
    assert "cannot be reopened or changed" in page
    body = page_text(
        client.post(
            reverse("assessments:round_reopen", args=[round_.pk]),
            {"invitation": waiting.pk, "reason": "Asked by phone"},
            follow=True,
        )
    )
    assert "cannot be reopened: it is not linked to anyone" in body
    assert not Reopening.objects.exists()


# --- My assessments ---------------------------------------------------------------------------------------


def test_my_assessments_lists_open_and_completed_rounds(client):
    user = UserFactory(roles=[RESPONDENT], email="sam@partner.example")
    open_round = RoundFactory(title="Open round")
    linked = InvitationFactory(round=open_round, user=user, email="other@partner.example")
    done_round = RoundFactory(title="Done round")
    done = InvitationFactory(round=done_round, email="SAM@partner.example")
    submitted_response(done_round, [3] * 36, invitation=done)
    InvitationFactory(round=RoundFactory(title="Draft round", state=RoundState.DRAFT), user=user)
    InvitationFactory(round=RoundFactory(title="Someone else's"))
    client.force_login(user)
    body = page_text(client.get(reverse("assessments:my")))
    assert "Open round" in body and "Done round" in body
    assert "Draft round" not in body and "Someone else" not in body
    assert reverse("assessments:respond", args=[linked.token]) in body
    assert reverse("assessments:respond_thanks", args=[done.token]) in body
    assert "View your profile" in body and "Start" in body


def test_my_assessments_needs_sign_in(client):
    assert client.get(reverse("assessments:my")).status_code == 302


def test_admin_pages_load_and_do_not_link_answers_to_people(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "a-long-password-1")
    round_ = RoundFactory(anonymous=True)
    submitted_response(round_, [3] * 36, name="Hidden Hannah")
    response = Response.objects.get(round=round_)
    client.force_login(admin)
    for path in ("/admin/assessments/round/", "/admin/assessments/invitation/", "/admin/assessments/response/"):
        assert client.get(path).status_code == 200
    # An anonymous round's individual responses are not shown at all (issue 13).
    page = client.get(f"/admin/assessments/response/{response.pk}/change/", follow=True)
    assert "Hidden Hannah" not in page_text(page)
    assert f"/admin/assessments/response/{response.pk}/change/" not in page_text(
        client.get("/admin/assessments/response/")
    )


@pytest.mark.django_db
def test_closing_a_round_asks_first(client):
    from assessments.tests.factories import RoundFactory

    round_ = RoundFactory()
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert f'href="/rounds/{round_.pk}/close/"' in page
    confirm = client.get(f"/rounds/{round_.pk}/close/").content.decode()
    assert "cannot be opened again" in confirm
    round_.refresh_from_db()
    assert round_.state == "open"
    client.post(f"/rounds/{round_.pk}/state/", {"action": "close"})
    round_.refresh_from_db()
    assert round_.state == "closed"
    assert round_.risks_reviewed_at is None


@pytest.mark.django_db
def test_closing_a_round_asks_the_facilitator_to_confirm_the_risks_were_reviewed(client):
    from assessments.tests.factories import RoundFactory
    from partnerships.tests.factories import RiskFactory

    round_ = RoundFactory()
    RiskFactory(partnership=round_.partnership, likelihood=4, impact=4)
    client.force_login(round_.facilitator)
    confirm = client.get(f"/rounds/{round_.pk}/close/").content.decode()
    assert "has 1 open risk; its risk rating is" in confirm
    assert 'name="risks_reviewed"' in confirm
    assert f'href="/partnerships/{round_.partnership_id}/risks/"' in confirm
    client.post(f"/rounds/{round_.pk}/state/", {"action": "close", "risks_reviewed": "on"})
    round_.refresh_from_db()
    assert round_.state == "closed" and round_.risks_reviewed_at == round_.closed_at
    detail = client.get(f"/rounds/{round_.pk}/").content.decode()
    assert "Reviewed with this health check" in detail


@pytest.mark.django_db
def test_round_list_counts_and_pages(client):
    from assessments.tests.factories import RoundFactory, add_responses

    first = RoundFactory()
    add_responses(first, [[3] * 36] * 3)
    for _ in range(26):
        RoundFactory(facilitator=first.facilitator)
    client.force_login(first.facilitator)
    page_one = client.get("/rounds/").content.decode()
    assert 'aria-label="Pages of rounds"' in page_one
    both = page_one + client.get("/rounds/?page=2").content.decode()
    assert len(re.findall(r'data-label="(Invited|Submitted)">3</td>', both)) == 2  # first round: 3 invited, 3 submitted


def test_an_invitation_names_a_partner_organisation_or_other(facilitator_client, round_):
    url = reverse("assessments:invitation_add", args=[round_.pk])
    page = page_text(facilitator_client.get(reverse("assessments:invitations", args=[round_.pk])))
    assert '<option value="Demoshire Police">' in page and '<option value="Other">' in page
    typed = {"name": "Pat", "email": "pat@example.org", "organisation": "Police", "level": "board"}
    assert "Choose one of the partner organisations, or Other." in page_text(facilitator_client.post(url, typed))
    assert not Invitation.objects.exists()
    assert facilitator_client.post(url, typed | {"organisation": "Other"}).status_code == 302
    text = "Ann,ann@example.org,demoshire  police,board\nBo,bo@example.org,Police,board\n"
    preview = page_text(
        facilitator_client.post(reverse("assessments:invitations_import", args=[round_.pk]), {"csv_text": text})
    )
    assert "organisation “Police” is not a partner of this partnership" in preview
    facilitator_client.post(reverse("assessments:invitations_import_confirm", args=[round_.pk]), {"text": text})
    assert Invitation.objects.get(email="ann@example.org").organisation == "Demoshire Police"


def test_the_invitations_page_names_groups_too_small_to_compare_before_sending(facilitator_client, round_):
    for n in range(2):
        InvitationFactory(round=round_, organisation="Demoshire Police", level="front_line", email=f"p{n}@x.org")
    for n in range(3):
        InvitationFactory(round=round_, organisation="Council", level="front_line", email=f"c{n}@x.org")
    page = page_text(facilitator_client.get(reverse("assessments:invitations", args=[round_.pk])))
    assert "Groups too small to compare" in page
    assert "Demoshire Police: 2 invited; invite at least 3 to compare their views (1 more)." in page
    warning = page[page.index("Groups too small") : page.index("</ul>", page.index("Groups too small"))]
    assert "Council: 3" not in warning and "Front-line staff" not in warning, warning
