"""The demo rounds added by seed_demo."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from assessments import demo
from assessments.models import ActionItem, Invitation, Response, ResponseStatus, Round, RoundState
from config.roles import FACILITATOR, RESPONDENT
from partnerships.models import Membership, Organisation
from partnerships.tests.factories import PartnershipFactory, UserFactory
from reports.waiting import manager_waiting

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return {
        "facilitator": UserFactory(username="facilitator", first_name="Tom", last_name="Okafor", roles=[FACILITATOR]),
        "respondent": UserFactory(
            username="respondent",
            first_name="Sam",
            last_name="Patel",
            email="sam.patel@demo.example",
            roles=[RESPONDENT],
        ),
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


def test_demo_rounds_are_varied_realistic_and_consistent(users, partnerships, client):
    out = io.StringIO()
    demo.create_demo(users, out)
    closed = Round.objects.filter(state=RoundState.CLOSED)
    assert Round.objects.values("partnership").distinct().count() == 10
    per_partnership = {r["partnership"] for r in closed.values("partnership")}
    assert len(per_partnership) == 10
    counts = sorted(closed.filter(partnership=p).count() for p in per_partnership)
    assert min(counts) == 1 and max(counts) == 3
    assert closed.filter(anonymous=False).exists() and closed.filter(anonymous=True).count() > closed.count() / 2
    for round_ in closed:
        submitted = Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED)
        assert 8 <= submitted.count() <= 21  # 8 to 20, plus the demo respondent in one round
        levels = set(
            Invitation.objects.filter(round=round_, submitted_on__isnull=False).values_list("level", flat=True)
        )
        assert levels == {"board", "management", "front_line"}
        assert submitted.filter(invitation__isnull=True).count() == (submitted.count() if round_.anonymous else 0)
        organisations = set(Invitation.objects.filter(round=round_).values_list("organisation", flat=True))
        assert organisations == {"Council", "Police", "NHS Trust"}
    # Scores are those of the answers, worked out like a real submission.
    for response in Response.objects.filter(status=ResponseStatus.SUBMITTED)[:40]:
        values = response.answer_values
        assert response.principle_scores == [sum(values[i : i + 6]) for i in range(0, 36, 6)]
        assert response.total == sum(values)
        assert len(response.significance) == 6 and response.success in (1, 2, 3, 4)
    assert Response.objects.exclude(answer_comments__contains=[""]).exists() or any(
        any(c for c in r.answer_comments) for r in Response.objects.filter(status=ResponseStatus.SUBMITTED)
    )
    assert Response.objects.exclude(success_comment="").exists()
    # Some rounds agree, some are split: the spread of totals differs between rounds.
    spreads = []
    for round_ in closed:
        totals = list(Response.objects.filter(round=round_).values_list("total", flat=True))
        spreads.append(max(totals) - min(totals))
    assert max(spreads) - min(spreads) >= 15
    # The open round: some submitted, some in progress, the demo respondent invited, a working link printed.
    open_round = Round.objects.get(state=RoundState.OPEN)
    statuses = set(Response.objects.filter(round=open_round).values_list("status", flat=True))
    assert statuses == {ResponseStatus.SUBMITTED, ResponseStatus.IN_PROGRESS}
    assert Invitation.objects.filter(round=open_round, user=users["respondent"]).exists()
    link = re.search(r"http://127\.0\.0\.1:8000(/respond/[\w-]+/)", out.getvalue()).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Start" in page.content.decode()
    # /my/ shows the demo respondent something to do and something done.
    client.force_login(users["respondent"])
    body = client.get("/my/").content.decode()
    assert "Start" in body
    assert "View your profile" in body


def test_demo_is_idempotent_and_deterministic(users, partnerships):
    demo.create_demo(users, io.StringIO())
    first = sorted(Response.objects.filter(status="submitted").values_list("total", flat=True))
    rounds = Round.objects.count()
    demo.create_demo(users, io.StringIO())
    assert Round.objects.count() == rounds
    assert sorted(Response.objects.filter(status="submitted").values_list("total", flat=True)) == first


def test_demo_needs_ten_active_partnerships(users):
    PartnershipFactory(active=True)
    out = io.StringIO()
    demo.create_demo(users, out)
    assert not Round.objects.exists()
    assert "no demo rounds created" in out.getvalue()


def test_seed_demo_command_adds_rounds_after_the_register(demo_council):
    # demo_council: what seed_demo made and printed (seeded once per worker).
    if "Assessment rounds: only" in demo_council:
        pytest.skip("the demo register has fewer than ten active partnerships")
    assert Round.objects.filter(state=RoundState.CLOSED).count() >= 10
    assert "/respond/" in demo_council
    # The manager's portfolio: a council that follows the method, with a few plans still to agree.
    waiting = {w.label: w.count for w in manager_waiting(timezone.localdate())}
    assert waiting["Closed rounds without an action plan"] == len(demo.ROUNDS_WITHOUT_PLAN) + 1
    assert waiting["Overdue actions across the portfolio"] == 0


def test_most_closed_demo_rounds_have_an_action_plan_and_a_few_show_the_warning(users, partnerships):
    demo.create_demo(users, io.StringIO())
    today = timezone.localdate()
    closed = Round.objects.filter(state=RoundState.CLOSED)
    without = closed.exclude(Exists(ActionItem.objects.filter(round=OuterRef("pk"))))
    assert without.count() == len(demo.ROUNDS_WITHOUT_PLAN) < closed.count() / 4
    # The plan is on the round's two weakest principles, carried out in earlier years, in hand and not yet due
    # in recent ones: nothing overdue that would change the demo's compliance.
    assert not ActionItem.objects.overdue(today).exists()
    for round_ in closed.exclude(pk__in=without).prefetch_related("actions"):
        actions = list(round_.actions.all())
        assert len(actions) == 4 and len({a.principle_id for a in actions}) == 2
        earlier_year = round_.closes_on < today - datetime.timedelta(days=365)
        assert all((a.status in ("done", "dropped")) == earlier_year for a in actions)
    assert ActionItem.history.count() == ActionItem.objects.count()  # each with its history, as the pages show
