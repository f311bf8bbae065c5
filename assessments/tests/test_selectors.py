"""Reads for rounds and responses."""

from __future__ import annotations

import pytest

from assessments import selectors, services
from assessments.tests.factories import (
    InvitationFactory,
    ResponseFactory,
    RoundFactory,
    answer_sheets,
    submitted_response,
)

pytestmark = pytest.mark.django_db


def test_round_submitted_responses_returns_only_submitted_with_scores():
    round_ = RoundFactory(anonymous=False)
    done = submitted_response(round_, [3] * 36, organisation="Police", level="board")
    ResponseFactory(invitation=InvitationFactory(round=round_))
    submitted_response(RoundFactory(), [4] * 36)  # another round
    responses = list(selectors.round_submitted_responses(round_))
    assert responses == [done]
    assert responses[0].principle_scores == [18] * 6 and responses[0].total == 108
    assert responses[0].invitation.organisation == "Police"


def test_revoked_after_submitting_still_counts():
    round_ = RoundFactory(anonymous=False)
    done = submitted_response(round_, [3] * 36)
    services.invitation_revoke(done.invitation)
    assert list(selectors.round_submitted_responses(round_)) == [done]
    counts = selectors.round_counts(round_)
    assert counts.submitted == 1 and counts.invited == 0 and counts.revoked == 1
    assert selectors.round_invited(round_) == counts.invited


def test_revoked_after_submitting_anonymously_still_counts():
    round_ = RoundFactory(anonymous=True)
    invitation = InvitationFactory(round=round_)
    submitted_response(round_, [3] * 36, invitation=invitation)
    services.invitation_revoke(invitation)
    assert selectors.round_submitted_responses(round_).get().invitation is None
    counts = selectors.round_counts(round_)
    assert counts.submitted == 1 and counts.invited == 0 and counts.revoked == 1


def test_round_counts_and_not_responded():
    round_ = RoundFactory()
    waiting = InvitationFactory(round=round_)
    started = InvitationFactory(round=round_)
    ResponseFactory(invitation=started)
    submitted_response(round_, [3] * 36)
    services.invitations_send(round_, base_url="http://x/")
    counts = selectors.round_counts(round_)
    assert (counts.invited, counts.emailed, counts.in_progress, counts.submitted) == (3, 3, 1, 1)
    assert selectors.round_invited(round_) == 3
    assert set(selectors.round_not_responded(round_)) == {waiting, started}


def test_progress_finds_the_first_incomplete_step():
    invitation = InvitationFactory()
    instrument = invitation.round.instrument
    assert selectors.response_progress(None, instrument).first_incomplete_step() == 1
    answers = [3] * 36
    answers[20] = None  # 4C
    response = answer_sheets(invitation, answers)
    progress = selectors.response_progress(response, instrument)
    assert progress.first_incomplete_step() == 4
    assert progress.complete_steps == frozenset({1, 2, 3, 5, 6})
    services.response_save_significance(invitation, [3] * 6)
    services.response_save_success(invitation, 3, "")
    answer_sheets(invitation, [3] * 36)
    response.refresh_from_db()
    assert selectors.response_progress(response, instrument).first_incomplete_step() is None


def test_the_read_model_comes_from_the_database_with_the_pat_shape(django_assert_num_queries):
    round_ = RoundFactory()
    selectors._instrument_structure.cache_clear()
    with django_assert_num_queries(6):  # instrument, scale, principles, statements, bands, scenarios
        structure = selectors.instrument_structure(round_.instrument)
    with django_assert_num_queries(0):  # then kept for the process, the same frozen object
        assert selectors.instrument_structure(round_.instrument) is structure
    assert structure.principle_numbers == (1, 2, 3, 4, 5, 6)
    assert len(structure.statements) == 36 and structure.statements[0].code == "1A"
    assert structure.statements[0].element.letter == "A"
    assert [b.label for b in structure.total_bands] == ["36", "37-72", "73-108", "109-144"]
    assert [b.label for b in structure.principle(1).bands] == ["6", "7-12", "13-18", "19-24"]
    assert (structure.principle_min, structure.principle_max, structure.total_min, structure.total_max) == (
        6,
        24,
        36,
        144,
    )
    assert structure.ring_limits == (6, 12, 18, 24) and structure.total_limits == (36, 72, 108, 144)
    assert structure.answer_scale.values == (1, 2, 3, 4)
    assert [o.label for o in structure.scale_options] == ["Strongly agree", "Agree", "Disagree", "Strongly disagree"]
    assert structure.significance_values == (1, 2, 3, 4, 5)
    assert structure.scenario_rules.total_c_max == 72 and structure.scenario_rules.strong_min == 13
    assert selectors.journey_steps(structure).count == 8
