"""Migration 0008 unlinks the responses already submitted in anonymous rounds: every aggregate, breakdown,
distribution, comment and profile of every demo round stays the same (issue 14)."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from assessments import demo, scoring, services, unlinking
from assessments.models import (
    Answer,
    GroupTally,
    Level,
    Response,
    ResponseStatus,
    Round,
    RoundState,
)
from config.roles import FACILITATOR, RESPONDENT
from partnerships.models import Membership, Organisation
from partnerships.tests.factories import PartnershipFactory, UserFactory
from results.selectors import compute_round_results

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return {
        "facilitator": UserFactory(username="facilitator", roles=[FACILITATOR]),
        "respondent": UserFactory(username="respondent", email="sam.patel@demo.example", roles=[RESPONDENT]),
    }


@pytest.fixture
def partnerships():
    organisations = [Organisation.objects.create(name=n, sector="public") for n in ("Council", "Police", "NHS Trust")]
    result = []
    for _ in range(12):
        partnership = PartnershipFactory(active=True)
        for organisation in organisations:
            Membership.objects.create(partnership=partnership, organisation=organisation)
        result.append(partnership)
    return result


def _legacy_results(round_: Round) -> dict:
    """What the results of a round stored the old way (linked rows, answer rows) are, worked out from scratch."""

    rows = list(Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).select_related("invitation"))
    labels = dict(Level.choices)
    grouped = [
        scoring.RespondentScores(
            "", r.invitation.organisation, labels[r.invitation.level], tuple(r.principle_scores or ())
        )
        for r in rows
        if r.invitation is not None
    ]
    answers = Answer.objects.filter(response__in=rows)
    return {
        "profiles": sorted((tuple(r.principle_scores or ()), r.total, tuple(r.significance), r.success) for r in rows),
        "by_organisation": scoring.group_breakdown(grouped, "organisation", settings.PHC_MIN_GROUP_SIZE),
        "by_level": scoring.group_breakdown(grouped, "level", settings.PHC_MIN_GROUP_SIZE),
        "distribution": Counter((a.statement_id, a.value) for a in answers),
        "comments": Counter((a.statement_id, a.comment) for a in answers if a.comment),
        "success_comments": Counter(r.success_comment for r in rows if r.success_comment),
    }


def _results_now(round_: Round) -> dict:

    results = compute_round_results(round_)
    assert results.enough
    strip = [  # the breakdowns without the bands (the legacy side worked them out without)
        [(g.name, g.n, g.principle_means, g.total_mean, g.withheld) for g in groups]
        for groups in (results.by_organisation, results.by_level)
    ]
    return {
        "profiles": sorted((r.principle_scores, r.total, r.significance, r.success) for r in results.respondents),
        "by_organisation": strip[0],
        "by_level": strip[1],
        "distribution": Counter(
            {(s.info.id, value): n for s in results.statements for value, n in s.distribution.items() if n}
        ),
        "comments": Counter((s.info.id, text) for s in results.statements for text, _ in s.comments),
        "success_comments": Counter(text for text, _ in results.success_comments),
    }


def test_the_migration_keeps_every_aggregate_and_profile_of_every_demo_round(users, partnerships, monkeypatch):
    """Demo rounds stored the old way (linked), results worked out; unlinked as migration 0008 does; the same."""

    monkeypatch.setattr(unlinking, "unlink_submitted", lambda *args, **kwargs: 0)  # the demo as it was
    demo.create_demo(users, io.StringIO())
    monkeypatch.undo()
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED, invitation__isnull=True).count() == 0
    rounds = list(Round.objects.order_by("pk"))
    before = {}
    for round_ in rounds:
        legacy = _legacy_results(round_)
        legacy["by_organisation"] = [
            (g.name, g.n, g.principle_means, g.total_mean, g.withheld) for g in legacy["by_organisation"]
        ]
        legacy["by_level"] = [(g.name, g.n, g.principle_means, g.total_mean, g.withheld) for g in legacy["by_level"]]
        before[round_.pk] = legacy

    unlinking.unlink_submitted(django_apps)  # what migration 0008 runs

    anonymous = [r for r in rounds if r.anonymous]
    assert anonymous and all(
        not Response.objects.filter(round=r, status=ResponseStatus.SUBMITTED, invitation__isnull=False).exists()
        for r in anonymous
    )
    assert GroupTally.objects.filter(final=True).exists()
    for round_ in rounds:
        if round_.state == RoundState.OPEN:
            services.round_close(round_)  # its results are shown once closed: the tallies are made final here
            round_.refresh_from_db()
        assert _results_now(round_) == before[round_.pk], round_.title
