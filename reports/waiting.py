"""What waits for each role on the home page: one selector per role, each a fixed number of queries whatever the
size of the register (counts by aggregation in SQL, and at most a few of the oldest items to link to)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.urls import reverse

from assessments.models import ActionItem, Invitation, Round, RoundState
from assessments.selectors import invitations_for_user
from partnerships.models import ExitRecord, GatewayReview, GatewayStatus, Partnership, Status

DUE_SOON_DAYS = 60  # reviews, for managers
CLOSING_SOON_DAYS = 7  # rounds, for facilitators
SHOWN = 5  # items listed under a count; the count and its link lead to the rest


@dataclass(frozen=True)
class WaitingItem:
    label: str
    url: str
    note: str = ""


@dataclass(frozen=True)
class Waiting:
    """One line of "waiting for you": how many, a link to all of them, and the first few."""

    label: str
    count: int
    url: str
    items: tuple[WaitingItem, ...] = field(default_factory=tuple)


def _rounds_without_plan(rounds: QuerySet[Round]) -> QuerySet[Round]:
    return rounds.filter(state=RoundState.CLOSED).exclude(Exists(ActionItem.objects.filter(round=OuterRef("pk"))))


def manager_waiting(today: date) -> list[Waiting]:
    """Gateways to decide (oldest first), reviews overdue and due within 60 days, closed rounds without an action
    plan, and overdue actions across the portfolio (four queries)."""
    gateways = list(
        GatewayReview.objects.filter(status=GatewayStatus.SUBMITTED)
        .select_related("partnership")
        .order_by("submitted_at", "pk")[:SHOWN]
    )
    gateway_count = GatewayReview.objects.filter(status=GatewayStatus.SUBMITTED).count() if gateways else 0
    reviews = Partnership.objects.filter(status__in=(Status.ACTIVE, Status.EXITING)).aggregate(
        overdue=Count("pk", filter=Q(review_due_date__lt=today)),
        soon=Count("pk", filter=Q(review_due_date__gte=today, review_due_date__lte=today + timedelta(DUE_SOON_DAYS))),
    )
    rounds = _rounds_without_plan(Round.objects.all()).aggregate(n=Count("pk"))["n"]
    actions = ActionItem.objects.overdue(today).count()
    return [
        Waiting(
            "Gateways to decide",
            gateway_count,
            reverse("partnerships:reviews"),
            tuple(
                WaitingItem(g.partnership.name, g.get_absolute_url(), f"submitted {g.submitted_at:%-d %b %Y}")
                for g in gateways
            ),
        ),
        Waiting("Annual reviews overdue", reviews["overdue"], reverse("partnerships:reviews")),
        Waiting(f"Annual reviews due within {DUE_SOON_DAYS} days", reviews["soon"], reverse("partnerships:reviews")),
        Waiting("Closed rounds without an action plan", rounds, reverse("assessments:round_list")),
        Waiting("Overdue actions across the portfolio", actions, reverse("reports:index") + "#actions-title"),
    ]


def register_administrator_waiting(user) -> list[Waiting]:
    """Gateways returned for more work (those the user submitted first), partnerships without a review date, and
    exits in progress (three queries)."""
    returned = list(
        GatewayReview.objects.filter(status=GatewayStatus.RETURNED)
        .select_related("partnership")
        .annotate(theirs=Case(When(submitted_by=user, then=Value(0)), default=Value(1)))
        .order_by("theirs", "decided_at", "pk")[:SHOWN]
    )
    returned_count = GatewayReview.objects.filter(status=GatewayStatus.RETURNED).count() if returned else 0
    no_review = (
        Partnership.objects.exclude(status=Status.CLOSED).filter(review_due_date__isnull=True).aggregate(n=Count("pk"))
    )["n"]
    exits = list(
        ExitRecord.objects.filter(completed_at__isnull=True).select_related("partnership").order_by("created_at")
    )
    return [
        Waiting(
            "Gateways returned for more work",
            returned_count,
            reverse("partnerships:list") + "?status=proposed",
            tuple(WaitingItem(g.partnership.name, g.get_absolute_url(), g.return_reason[:80]) for g in returned),
        ),
        Waiting("Partnerships without a review date", no_review, reverse("partnerships:list")),
        Waiting(
            "Exits in progress",
            len(exits),
            reverse("partnerships:list") + "?status=exiting",
            tuple(WaitingItem(e.partnership.name, e.get_absolute_url()) for e in exits[:SHOWN]),
        ),
    ]


def facilitator_waiting(user, today: date) -> list[Waiting]:
    """The user's rounds to open, rounds closing within 7 days with their response rate, closed rounds without
    an action plan, and overdue actions of their rounds (four queries)."""
    mine = Round.objects.filter(facilitator=user)
    to_open = list(mine.filter(state=RoundState.DRAFT).select_related("partnership").order_by("opens_on", "pk"))
    closing = list(
        mine.filter(state=RoundState.OPEN, closes_on__lte=today + timedelta(CLOSING_SOON_DAYS))
        .select_related("partnership")
        .with_response_counts()
        .order_by("closes_on", "pk")
    )
    no_plan = _rounds_without_plan(mine).aggregate(n=Count("pk"))["n"]
    actions = ActionItem.objects.overdue(today).filter(round__facilitator=user).count()

    def rate(r) -> str:
        share = f"{round(100 * r.submitted / r.invited)}%" if r.invited else "no one invited"
        return f"closes {r.closes_on:%-d %b}; {r.submitted} of {r.invited} responded ({share})"

    return [
        Waiting(
            "Rounds to open",
            len(to_open),
            reverse("assessments:round_list"),
            tuple(WaitingItem(f"{r.title}: {r.partnership.name}", r.get_absolute_url()) for r in to_open[:SHOWN]),
        ),
        Waiting(
            f"Rounds closing within {CLOSING_SOON_DAYS} days",
            len(closing),
            reverse("assessments:round_list"),
            tuple(
                WaitingItem(f"{r.title}: {r.partnership.name}", r.get_absolute_url(), rate(r)) for r in closing[:SHOWN]
            ),
        ),
        Waiting("Closed rounds without an action plan", no_plan, reverse("assessments:round_list")),
        Waiting("Your rounds' overdue actions", actions, reverse("reports:index") + "#actions-title"),
    ]


def respondent_waiting(user) -> list[Waiting]:
    """The user's assessments in open rounds not yet submitted (one query)."""
    unfinished = list(invitations_for_user(user).filter(round__state=RoundState.OPEN).filter(submitted_on__isnull=True))
    return [
        Waiting(
            "Assessments to finish",
            len(unfinished),
            reverse("assessments:my"),
            tuple(
                WaitingItem(f"{i.round.partnership.name}: {i.round.title}", reverse("assessments:my"), _closes(i))
                for i in unfinished[:SHOWN]
            ),
        )
    ]


def _closes(invitation: Invitation) -> str:
    return f"closes {invitation.round.closes_on:%-d %b %Y}"
