"""Round state rules, saving and submitting responses, reopening, invitations and emails."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Answer, Invitation, Reopening, Response, ResponseStatus, Round, RoundState
from assessments.tests.factories import (
    InvitationFactory,
    ResponseFactory,
    RoundFactory,
    UserFactory,
    answer_sheets,
    instrument,
    statements_by_principle,
    submitted_response,
)
from config.roles import FACILITATOR

pytestmark = pytest.mark.django_db

WORKED_EXAMPLE = [4, 2, 3, 3, 3, 1] + [3] * 30


# --- Round states -----------------------------------------------------------------------------------------


def test_round_goes_draft_open_closed_and_no_further():
    round_ = RoundFactory(state=RoundState.DRAFT)
    with pytest.raises(services.ServiceError):
        services.round_close(round_)
    services.round_open(round_)
    round_.refresh_from_db()
    assert round_.state == RoundState.OPEN
    with pytest.raises(services.ServiceError):
        services.round_open(round_)
    services.round_close(round_)
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED and round_.closed_at is not None
    with pytest.raises(services.ServiceError):
        services.round_open(round_)


def test_round_create_starts_as_draft():
    facilitator = UserFactory(roles=[FACILITATOR])
    round_ = services.round_create(
        partnership=RoundFactory().partnership,
        instrument=instrument(),
        title="Health check 2027",
        facilitator=facilitator,
        levels=["board"],
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 2, 1),
        anonymous=True,
        state=RoundState.OPEN,
    )
    assert round_.state == RoundState.DRAFT


def test_closed_round_refuses_answers_and_submission():
    round_ = RoundFactory()
    invitation = InvitationFactory(round=round_)
    answer_sheets(invitation, [3] * 36)
    services.round_close(round_)
    invitation = Invitation.objects.select_related("round").get(pk=invitation.pk)
    with pytest.raises(services.RoundNotOpen):
        answer_sheets(invitation, [4] * 36)
    with pytest.raises(services.RoundNotOpen):
        services.response_submit(invitation)
    assert set(Answer.objects.filter(response__invitation=invitation).values_list("value", flat=True)) == {3}


def test_draft_round_refuses_answers():
    invitation = InvitationFactory(round=RoundFactory(state=RoundState.DRAFT))
    with pytest.raises(services.RoundNotOpen):
        services.response_save_success(invitation, 3, "")
    assert not Response.objects.exists()


def test_anonymity_may_change_in_a_draft_round_but_is_fixed_once_it_opens_in_both_directions():
    for anonymous in (True, False):
        round_ = RoundFactory(anonymous=anonymous, state=RoundState.DRAFT)
        services.round_update(round_, anonymous=not anonymous)  # a draft: allowed
        services.round_update(round_, anonymous=anonymous)
        services.round_open(round_)
        with pytest.raises(ValidationError) as caught:
            services.round_update(round_, anonymous=not anonymous)
        assert "fixed once the round has opened" in caught.value.message_dict["anonymous"][0]
        round_.refresh_from_db()
        assert round_.anonymous is anonymous


def test_the_database_refuses_to_change_anonymity_after_opening_even_round_the_services():
    from django.db import IntegrityError, transaction

    round_ = RoundFactory(anonymous=False)  # open
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.filter(pk=round_.pk).update(anonymous=True)
    draft = RoundFactory(anonymous=True, state=RoundState.DRAFT)
    Round.objects.filter(pk=draft.pk).update(anonymous=False)
    assert Round.objects.get(pk=draft.pk).anonymous is False


def test_closed_round_cannot_be_edited():
    round_ = RoundFactory(state=RoundState.CLOSED)
    with pytest.raises(services.ServiceError):
        services.round_update(round_, title="New title")


# --- Saving and submitting --------------------------------------------------------------------------------


def test_partial_answers_are_saved_and_updated_in_place():
    invitation = InvitationFactory()
    statements = statements_by_principle(invitation.round.instrument)[1]
    services.response_save_sheet(
        invitation,
        [services.AnswerInput(statements[0].pk, 4, "Good history"), services.AnswerInput(statements[1].pk, None)],
    )
    services.response_save_sheet(invitation, [services.AnswerInput(statements[0].pk, 2, "Changed my mind")])
    answers = {a.statement_id: a for a in Answer.objects.filter(response__invitation=invitation)}
    assert answers[statements[0].pk].value == 2
    assert answers[statements[0].pk].comment == "Changed my mind"
    assert answers[statements[1].pk].value is None
    assert Answer.objects.count() == 2


def test_value_off_the_scale_is_refused():
    invitation = InvitationFactory()
    statement = statements_by_principle(invitation.round.instrument)[1][0]
    with pytest.raises(ValueError):
        services.response_save_sheet(invitation, [services.AnswerInput(statement.pk, 5)])
    with pytest.raises(ValueError):
        services.response_save_significance(invitation, [6, 1, 1, 1, 1, 1])


def test_submit_needs_every_item_and_names_the_missing_ones():
    invitation = InvitationFactory()
    answers = [3] * 36
    answers[7] = None  # 2B
    answer_sheets(invitation, answers)
    services.response_save_significance(invitation, [5, 4, None, 3, 2, 1])
    with pytest.raises(services.ResponseIncomplete) as caught:
        services.response_submit(invitation)
    labels = [item.label for item in caught.value.missing]
    assert labels[0].startswith("Statement 2B:")
    assert any(label.startswith("Significance of principle 3") for label in labels)
    assert "The success statement" in labels
    assert len(labels) == 3
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_submit_with_nothing_saved_lists_everything():
    invitation = InvitationFactory()
    with pytest.raises(services.ResponseIncomplete) as caught:
        services.response_submit(invitation)
    assert len(caught.value.missing) == 36 + 6 + 1


def test_worked_example_stored_as_a_real_response_scores_16_with_the_seed_band():
    round_ = RoundFactory()
    response = submitted_response(round_, WORKED_EXAMPLE)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.principle_scores == [16, 18, 18, 18, 18, 18]
    assert response.total == 106
    profile = selectors.response_profile(response, round_.instrument)
    assert profile.principles[0].score == 16
    assert profile.principles[0].band.text == "The need for partnership is recognised and accepted"
    assert profile.principles[0].band.label == "13-18"


@pytest.mark.parametrize("anonymous", [False, True])
def test_a_response_saved_sheet_by_sheet_is_stored_on_submit_as_the_factory_stores_it(anonymous):
    """``submitted_response`` saves its answers in bulk: the journey's own saves, then the submit, store the same."""
    round_ = RoundFactory(anonymous=anonymous)
    comments = [f"Comment {i}" if i % 5 == 0 else "" for i in range(36)]
    by_the_saves = InvitationFactory(round=round_, organisation="Council", level="board")
    answer_sheets(by_the_saves, WORKED_EXAMPLE, comments)
    services.response_save_significance(by_the_saves, [5, 4, 3, 3, 2, 1])
    services.response_save_success(by_the_saves, 2, "  Slow to start.  ")
    saved = services.response_submit(by_the_saves).response
    made = submitted_response(
        round_,
        WORKED_EXAMPLE,
        [5, 4, 3, 3, 2, 1],
        2,
        success_comment="  Slow to start.  ",
        comments=comments,
        organisation="Council",
        level="board",
    )
    fields = ["status", "significance", "success", "success_comment", "principle_scores", "total"]
    fields += ["answer_values", "answer_comments"]
    assert saved is not None
    assert [getattr(made, f) for f in fields] == [getattr(saved, f) for f in fields]
    stored = Response.objects.filter(round=round_).order_by("id")
    assert stored.count() == 2
    first, second = ([getattr(r, f) for f in fields] for r in stored)
    assert first == second
    assert all((r.invitation_id is None) == anonymous for r in stored)
    assert Answer.objects.filter(response__round=round_).count() == (0 if anonymous else 2 * len(WORKED_EXAMPLE))


def test_second_submit_changes_nothing_and_says_already_submitted():
    invitation = InvitationFactory(round=RoundFactory(anonymous=False))
    first = submitted_response(invitation.round, [4] * 36, invitation=invitation)
    result = services.response_submit(invitation)
    assert result.already_submitted is True
    again = Response.objects.get(pk=first.pk)
    assert again.submitted_at == first.submitted_at
    assert again.total == 144


def test_second_submit_in_an_anonymous_round_changes_nothing():
    invitation = InvitationFactory()
    submitted_response(invitation.round, [4] * 36, invitation=invitation)
    before = list(Response.objects.values_list("id", "total"))
    result = services.response_submit(invitation)
    assert result.already_submitted is True and result.response is None
    assert result.submitted_on == timezone.localdate()
    assert list(Response.objects.values_list("id", "total")) == before


def test_anonymous_response_is_read_only_and_a_save_after_submitting_starts_no_new_draft():
    invitation = InvitationFactory()
    submitted_response(invitation.round, [4] * 36, invitation=invitation)
    with pytest.raises(services.ResponseAlreadySubmitted):
        answer_sheets(invitation, [1] * 36)
    with pytest.raises(services.ResponseAlreadySubmitted):
        services.response_save_significance(invitation, [1] * 6)
    assert Response.objects.count() == 1 and not Answer.objects.exists()
    assert Response.objects.get().answer_values == [4] * 36


def test_submitted_response_is_read_only():
    invitation = InvitationFactory(round=RoundFactory(anonymous=False))
    submitted_response(invitation.round, [4] * 36, invitation=invitation)
    with pytest.raises(services.ResponseAlreadySubmitted):
        answer_sheets(invitation, [1] * 36)
    with pytest.raises(services.ResponseAlreadySubmitted):
        services.response_save_success(invitation, 1, "changed")
    assert set(Answer.objects.values_list("value", flat=True)) == {4}
    assert Response.objects.get().success == 3


def test_profile_scores_leaves_incomplete_principles_empty():
    structure = selectors.instrument_structure(RoundFactory().instrument)
    scores, total = services.profile_scores({1: [4, 2, 3, 3, 3, 1], 2: [1, 1, 1, 1, 1, None]}, structure)
    assert scores[0] == 16 and scores[1] is None
    assert total is None


# --- Reopening --------------------------------------------------------------------------------------------


def test_reopen_records_who_why_and_clears_the_scores():
    invitation = InvitationFactory(round=RoundFactory(anonymous=False))
    response = submitted_response(invitation.round, [4] * 36, invitation=invitation)
    facilitator = invitation.round.facilitator
    reopening = services.response_reopen(response, by=facilitator, reason="Asked to correct principle 2")
    response.refresh_from_db()
    assert response.status == ResponseStatus.IN_PROGRESS
    assert response.total is None and response.principle_scores is None and response.submitted_at is None
    assert reopening.reopened_by == facilitator and reopening.reason == "Asked to correct principle 2"
    # The respondent can now change and submit again.
    invitation = Invitation.objects.select_related("round__instrument").get(pk=invitation.pk)
    assert invitation.submitted_on is None
    answer_sheets(invitation, [3] * 36)
    result = services.response_submit(invitation)
    assert result.response is not None and result.response.total == 108


def test_reopen_needs_a_reason_and_a_submitted_response_in_an_open_round():
    invitation = InvitationFactory()
    response = ResponseFactory(invitation=invitation)
    with pytest.raises(ValidationError):
        services.response_reopen(response, by=invitation.round.facilitator, reason="  ")
    with pytest.raises(services.ServiceError):
        services.response_reopen(response, by=invitation.round.facilitator, reason="why")
    assert not Reopening.objects.exists()


def test_an_anonymous_response_cannot_be_reopened():
    round_ = RoundFactory(anonymous=True)
    submitted_response(round_, [4] * 36)
    unlinked = Response.objects.get(round=round_)
    with pytest.raises(services.ServiceError) as caught:
        services.response_reopen(unlinked, by=round_.facilitator, reason="asked")
    assert "cannot be reopened" in caught.value.message
    assert not Reopening.objects.exists() and Response.objects.get(round=round_).is_submitted
    assert not hasattr(services, "invitation_reopen")


# --- Invitations and emails -------------------------------------------------------------------------------


def test_invitation_create_refuses_duplicate_email_and_closed_round():
    round_ = RoundFactory()
    row = services.InvitationRow("Ann Lee", "ann@example.org", "Council", "board")
    invitation, token = services.invitation_create(round_, row)
    assert selectors.invitation_for_token(token) == invitation
    with pytest.raises(ValidationError):
        services.invitation_create(round_, row)
    closed = RoundFactory(state=RoundState.CLOSED)
    with pytest.raises(services.RoundNotOpen):
        services.invitation_create(closed, row)


def test_invitations_import_skips_emails_invited_meanwhile():
    round_ = RoundFactory()
    InvitationFactory(round=round_, email="b@example.org")
    rows = [
        services.InvitationRow("A", "a@example.org", "Council", "board"),
        services.InvitationRow("B", "b@example.org", "Council", "board"),
    ]
    assert services.invitations_import(round_, rows) == 1
    assert Invitation.objects.filter(round=round_).count() == 2
    assert len(set(Invitation.objects.values_list("token_hash", flat=True))) == 2


def test_invitations_send_emails_each_person_their_own_working_link(mailoutbox, settings):
    settings.SITE_URL = "https://phc.example"  # links come from SITE_URL, never from the request's host
    round_ = RoundFactory()
    first = InvitationFactory(round=round_, name="Ann Lee")
    second = InvitationFactory(round=round_)
    revoked = InvitationFactory(round=round_)
    services.invitation_revoke(revoked)
    sent = services.invitations_send(round_, base_url="https://phc.example/")
    assert sent == 2
    assert len(mailoutbox) == 2
    message = next(m for m in mailoutbox if m.to == [first.email])
    assert f"https://phc.example/respond/{first.token}/" in message.body
    assert second.token not in message.body
    assert "Dear Ann Lee" in message.body
    assert round_.partnership.name in message.subject
    assert message.reply_to == [round_.facilitator.email]
    # Sending again sends nothing: everyone has been emailed.
    assert services.invitations_send(round_, base_url="https://phc.example/") == 0
    assert Invitation.objects.filter(invited_at__isnull=False).count() == 2


def test_invitations_are_not_sent_for_a_draft_round(mailoutbox):
    round_ = RoundFactory(state=RoundState.DRAFT)
    InvitationFactory(round=round_)
    with pytest.raises(services.RoundNotOpen):
        services.invitations_send(round_, base_url="https://phc.example/")
    assert mailoutbox == []


def test_reminders_go_to_those_who_have_not_submitted_with_the_same_link(mailoutbox):
    round_ = RoundFactory()
    waiting = InvitationFactory(round=round_)
    done = InvitationFactory(round=round_)
    services.invitations_send(round_, base_url="https://phc.example/")
    submitted_response(round_, [3] * 36, invitation=done)
    mailoutbox.clear()
    assert services.reminders_send(round_, base_url="https://phc.example/") == 1
    assert [m.to for m in mailoutbox] == [[waiting.email]]
    assert f"/respond/{waiting.token}/" in mailoutbox[0].body
    assert mailoutbox[0].subject.startswith("Reminder")
    waiting.refresh_from_db()
    assert waiting.reminder_count == 1 and waiting.reminded_at is not None


def test_round_own_email_text_is_used_and_plain_text_is_not_escaped(mailoutbox, settings):
    settings.SITE_URL = "http://x"
    round_ = RoundFactory()
    round_.partnership.name = "Health & Wellbeing Board"
    round_.partnership.save()
    services.round_emails_update(
        round_,
        invitation_subject="Have your say: {{ partnership }}",
        invitation_body="Hello {{ name }}, open {{ link }} by {{ closes_on }}. {{ facilitator }}",
    )
    invitation = InvitationFactory(round=round_, name="O'Brien")
    services.invitations_send(Round.objects.get(pk=round_.pk), base_url="http://x/")
    assert mailoutbox[0].subject == "Have your say: Health & Wellbeing Board"
    assert mailoutbox[0].body.startswith("Hello O'Brien, open http://x/respond/")
    assert invitation.token in mailoutbox[0].body


def test_broken_email_template_is_refused():
    round_ = RoundFactory()
    with pytest.raises(ValidationError):
        services.round_emails_update(round_, invitation_body="Hello {% if %}")


@pytest.mark.parametrize(
    "body,message",
    [
        ("Hello {{ nmae }} {{ link }}", "is not a variable you can use"),
        ("{% include 'base.html' %} {{ link }}", "cannot be used here"),
        ("{% debug %} {{ link }}", "cannot be used here"),
        ("Hello {{ name }}", "must contain {{ link }}"),
    ],
)
def test_email_templates_use_only_the_documented_variables_and_keep_the_link(body, message):
    round_ = RoundFactory()
    with pytest.raises(ValidationError) as caught:
        services.round_emails_update(round_, invitation_body=body)
    assert message in str(caught.value)


def test_email_template_may_use_conditions_and_filters():
    round_ = RoundFactory()
    services.round_emails_update(round_, reminder_body="{% if name %}Dear {{ name|upper }},{% endif %} {{ link }}")
    assert round_.reminder_body.startswith("{% if name %}")


def test_default_email_templates_are_usable():
    from assessments import emails

    for kind in emails.KINDS:
        for part in emails.PARTS:
            emails.check_template(emails.default_source(kind, part), needs_link=part == "body")


@pytest.mark.django_db
def test_closing_a_round_with_results_counts_as_the_annual_review():
    from datetime import timedelta

    from django.utils import timezone

    from assessments.tests.factories import add_responses, make_round

    round_ = make_round(state=RoundState.OPEN)
    add_responses(round_, [[3] * 36] * 3)
    services.round_close(round_)
    round_.partnership.refresh_from_db()
    assert round_.partnership.review_due_date == timezone.localdate() + timedelta(days=365)


@pytest.mark.django_db
def test_no_answers_after_the_close_date_even_before_the_round_is_closed_by_hand():
    from datetime import timedelta

    from django.utils import timezone

    invitation = InvitationFactory()
    round_ = invitation.round
    round_.opens_on = timezone.localdate() - timedelta(days=10)
    round_.closes_on = timezone.localdate() - timedelta(days=1)
    round_.save()
    invitation.refresh_from_db()
    statement = invitation.round.instrument.principles.get(number=1).statements.first()
    with pytest.raises(services.RoundNotOpen):
        services.response_save_sheet(invitation, [services.AnswerInput(statement.pk, 3, "")])


@pytest.mark.django_db
def test_a_double_click_on_remind_sends_one_reminder(mailoutbox):
    invitation = InvitationFactory()
    services.invitations_send(invitation.round, base_url="http://testserver")
    assert services.reminders_send(invitation.round, base_url="http://testserver") == 1
    with pytest.raises(services.ReminderTooSoon):
        services.reminders_send(invitation.round, base_url="http://testserver")
    assert len(mailoutbox) == 2  # the invitation and one reminder
