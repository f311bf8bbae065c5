"""Reads for the notification emails: who is told, and what is due. Each a fixed number of queries, whatever
the size of the register."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Value
from django.db.models.functions import Concat, Trim

from assessments.models import ActionItem, Round, RoundState
from config.roles import MANAGER, REGISTER_ADMIN
from notifications.models import NotificationSetting
from notifications.schedule import (
    ACTIONS_DUE_WITHIN_DAYS,
    KINDS,
    REVIEWS_DUE_WITHIN_DAYS,
    ROUND_CLOSING_WITHIN_DAYS,
    Person,
    due_by,
)
from partnerships.models import Partnership, Status


def _reachable_users() -> QuerySet:
    """Active accounts with an email address."""
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def people(users: QuerySet | None = None) -> list[Person]:
    """Return the reachable people (of ``users``, or everyone) with the names they are known by (one query)."""
    rows = (
        (users if users is not None else _reachable_users())
        .annotate(full=Trim(Concat("first_name", Value(" "), "last_name")))
        .values_list("pk", "username", "full", "email")
        .order_by("pk")
    )
    return [Person(pk, username, full, email) for pk, username, full, email in rows]


def people_in_role(role: str) -> list[Person]:
    """Return the reachable members of the role group ``role`` (one query)."""
    return people(_reachable_users().filter(groups__name=role).distinct())


def managers() -> list[Person]:
    return people_in_role(MANAGER)


def register_administrators() -> list[Person]:
    return people_in_role(REGISTER_ADMIN)


def turned_off(purpose: str, user_ids: Iterable[int] | None = None) -> set[int]:
    """Return the ids of the people who turned the emails of ``purpose`` off (one query)."""
    settings = NotificationSetting.objects.turned_off(purpose)
    if user_ids is not None:
        settings = settings.filter(user_id__in=list(user_ids))
    return set(settings.values_list("user_id", flat=True))


@dataclass(frozen=True)
class Choice:
    """One line of "Your notifications": the kind of email and whether the person wants it."""

    purpose: str
    label: str
    who: str
    wanted: bool


def notification_choices(user) -> list[Choice]:
    """Return every kind of email a person may turn off, with their choice (one query)."""
    off = set(NotificationSetting.objects.filter(user=user, wanted=False).values_list("purpose", flat=True))
    return [Choice(kind.purpose, kind.label, kind.who, kind.purpose not in off) for kind in KINDS]


def reviews_due(today: date) -> list[Partnership]:
    """The partnerships under annual review whose review is overdue or due within 30 days, soonest first."""
    return list(
        Partnership.objects.filter(
            status__in=(Status.ACTIVE, Status.EXITING),
            review_due_date__lte=due_by(today, REVIEWS_DUE_WITHIN_DAYS),
        ).order_by("review_due_date", "name", "pk")
    )


@dataclass(frozen=True)
class ClosingRound:
    round: Round
    invited: int
    submitted: int


def rounds_closing(today: date) -> list[ClosingRound]:
    """The open rounds that close within 3 days (today included), with how many are invited and have answered
    (one query)."""
    rounds = (
        Round.objects.filter(
            state=RoundState.OPEN,
            closes_on__gte=today,
            closes_on__lte=due_by(today, ROUND_CLOSING_WITHIN_DAYS),
        )
        .select_related("partnership", "facilitator")
        .with_response_counts()
        .order_by("closes_on", "pk")
    )
    return [ClosingRound(r, r.invited, r.submitted) for r in rounds]


def actions_due(today: date) -> list[ActionItem]:
    """The open actions overdue or due within 7 days, earliest first, with their round and facilitator."""
    return list(
        ActionItem.objects.still_open()
        .filter(due_date__lte=due_by(today, ACTIONS_DUE_WITHIN_DAYS))
        .select_related("round__partnership", "round__facilitator", "principle")
        .order_by("due_date", "pk")
    )
