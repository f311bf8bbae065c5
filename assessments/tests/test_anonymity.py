"""Issue 14's reproduced cases: anonymity that holds by construction (each failed on the code before)."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.forms import parse_invitations_csv
from assessments.mailboxes import mailbox_key
from assessments.models import Invitation, Response, Round
from assessments.tests.concurrency import racing
from assessments.tests.factories import (
    InvitationFactory,
    RoundFactory,
    UserFactory,
    add_responses,
    answer_sheets,
    make_round,
    statements_by_principle,
    uniform,
)

# --- 1. A lone respondent is not singled out by a blank organisation or level ------------------------------


@pytest.mark.django_db
def test_a_lone_respondent_has_no_blank_marker_in_csv_json_or_profiles(client):
    round_ = make_round(anonymous=True)
    organisations = ["Org A"] * 3 + ["Org B"] * 3 + ["Org X"]
    levels = ["management"] * 6 + ["board"]  # one board member among six managers, too
    add_responses(round_, [uniform(3)] * 6 + [uniform(1)], organisations=organisations, levels=levels)
    client.force_login(round_.facilitator)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/rounds/{round_.pk}/responses.csv").content.decode())))
    assert len(rows) == 7
    assert {(r["organisation"], r["level"]) for r in rows} == {("", "")}  # nothing tells any row apart
    data = client.get(f"/rounds/{round_.pk}/results.json").json()
    assert {(r["organisation"], r["level"]) for r in data["respondents"]} == {(None, None)}
    for number in range(1, 8):
        page = client.get(reverse("results:profile", args=[round_.pk, number])).content.decode()
        assert "Org X" not in page and "Org A" not in page and "Board" not in page
    # The comparison by organisation is still there, as group aggregates with suppression.
    results = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "Org A" in results and "Org X" not in results


# --- 2. Anonymity is fixed once the round opens, and every respondent page says which it is ----------------


@pytest.mark.django_db
@pytest.mark.parametrize("anonymous", [True, False])
def test_every_respondent_page_states_the_rounds_mode(client, anonymous):
    round_ = RoundFactory(anonymous=anonymous)
    invitation = InvitationFactory(round=round_)
    InvitationFactory(round=round_)
    token = invitation.token
    mode = 'data-round-mode="anonymous"' if anonymous else 'data-round-mode="named"'
    pages = [
        reverse("assessments:respond_welcome", args=[token]),
        reverse("assessments:respond_principle", args=[token, 1]),
        reverse("assessments:respond_significance", args=[token]),
        reverse("assessments:respond_success", args=[token]),
        reverse("assessments:respond_review", args=[token]),
    ]
    for page in pages:
        assert mode in client.get(page).content.decode(), page
    welcome = client.get(pages[0]).content.decode()
    if anonymous:
        assert "once you submit, your answers cannot be traced back to you, not even by us" in welcome.lower()
        assert "so they cannot be changed" in welcome
    assert "2 people were invited" in welcome
    assert "Results are shown only when at least 3 have answered" in welcome or "at least 3 have answered" in welcome
    answer_sheets(invitation, [3] * 36)
    services.response_save_significance(invitation, [3] * 6)
    services.response_save_success(invitation, 3, "")
    thanks = client.post(pages[-1], follow=True).content.decode()
    assert "Thank you: your response has been received" in thanks and mode in thanks


@pytest.mark.django_db
def test_a_named_round_cannot_turn_anonymous_once_open_nor_the_other_way():
    named, anonymous = RoundFactory(anonymous=False), RoundFactory(anonymous=True)
    for round_ in (named, anonymous):
        with pytest.raises(ValidationError):
            services.round_update(round_, anonymous=not round_.anonymous)
    assert Round.objects.get(pk=named.pk).anonymous is False and Round.objects.get(pk=anonymous.pk).anonymous


# --- 3. The minimum counts people: one mailbox, one invitation; no facilitator in an anonymous round -------


def test_mailbox_key_folds_case_tags_and_gmail_dots():
    assert mailbox_key("Ann.Lee+a@GoogleMail.com") == mailbox_key("annlee@gmail.com") == "annlee@gmail.com"
    assert mailbox_key("Name+a@Council.gov.uk") == mailbox_key("name+b@council.gov.uk") == "name@council.gov.uk"
    assert mailbox_key("ann.lee@council.gov.uk") != mailbox_key("annlee@council.gov.uk")  # dots matter elsewhere


@pytest.mark.django_db
def test_the_facilitators_own_mailbox_cannot_make_up_the_minimum():
    facilitator = UserFactory(email="name@council.example")
    round_ = RoundFactory(anonymous=True, facilitator=facilitator)
    for address in ("name+a@council.example", "Name+b@Council.example"):
        with pytest.raises(ValidationError) as caught:
            services.invitation_create(round_, services.InvitationRow("Me again", address, "Council", "board"))
        assert "facilitator" in str(caught.value)
    services.invitation_create(round_, services.InvitationRow("Real", "real@partner.example", "Police", "board"))
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(round_, services.InvitationRow("Twin", "REAL+2@partner.example", "Police", "board"))
    assert "already invited" in str(caught.value) and "same mailbox" in str(caught.value)
    assert Invitation.objects.filter(round=round_).count() == 1
    # The import refuses the same, with a reason per line, and the service skips them if they get through.
    preview = parse_invitations_csv(
        "A,a.b@gmail.com,Council,board\nB,ab+x@googlemail.com,Council,board\nC,name+c@council.example,Council,board",
        existing_emails=["real@partner.example"],
        refused_email=facilitator.email,
    )
    assert [row.email for row in preview.rows] == ["a.b@gmail.com"]
    assert "same mailbox" in preview.bad[0].reasons[0] and "facilitator" in preview.bad[1].reasons[0]
    rows = [services.InvitationRow("C", "name+c@council.example", "Council", "board")]
    assert services.invitations_import(round_, rows) == 0
    # A named round may invite its facilitator (they see the answers by name anyway).
    named = RoundFactory(anonymous=False, facilitator=facilitator)
    services.invitation_create(named, services.InvitationRow("Me", "name@council.example", "Council", "board"))


# --- 5. Differencing: a submit racing the close, a save racing a withdrawn link ---------------------------


@pytest.mark.django_db(transaction=True)
def test_a_submit_racing_the_close_is_refused_and_the_results_do_not_change():
    round_ = RoundFactory(anonymous=True)
    invitation = InvitationFactory(round=round_)
    answer_sheets(invitation, [3] * 36)
    services.response_save_significance(invitation, [3] * 6)
    services.response_save_success(invitation, 3, "")

    def close() -> None:
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        locked.close()  # the protected state changes only through its transition
        locked.save()

    error = racing(close, lambda: services.response_submit(Invitation.objects.get(pk=invitation.pk)))
    assert isinstance(error, services.RoundNotOpen)
    assert not Response.objects.filter(round=round_, status="submitted").exists()
    assert Invitation.objects.get(pk=invitation.pk).submitted_on is None


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_withdrawn_link_is_refused():
    invitation = InvitationFactory(round=RoundFactory(anonymous=True))
    statement = statements_by_principle(invitation.round.instrument)[1][0]

    def revoke() -> None:
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])

    stale = Invitation.objects.get(pk=invitation.pk)  # read before the revoke, as a request would have
    error = racing(revoke, lambda: services.response_save_sheet(stale, [services.AnswerInput(statement.pk, 4, "late")]))
    assert isinstance(error, services.InvitationRevoked)
    assert not Response.objects.exists()
