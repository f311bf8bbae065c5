"""Queueing the notification emails. Nothing here talks to the mail server: each email is a row of the outbox
with a key that names the person, the thing and the period, sent by a task, at most once.

Events (a gateway submitted or decided, a receipt) are queued in the transaction that made them happen, by the
signals connected in ``NotificationsConfig.ready``. Digests are queued by ``manage.py send_notifications``, run
daily: each key holds the period (the ISO week, or the round's close date), so a second run, or two at once,
sends nothing more.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications import emails, selectors
from notifications.models import NotificationSetting
from notifications.schedule import (
    ACTIONS_DUE_WITHIN_DAYS,
    KINDS,
    REVIEWS_DUE_WITHIN_DAYS,
    ROUND_CLOSING_WITHIN_DAYS,
    Person,
    people_by_name,
    person_named,
    response_rate,
    week_period,
)
from outbox.models import OutboundEmail, Purpose
from outbox.services import notification_queue


def _stamp(moment: datetime | None) -> str:
    # Each submission and each decision is its own email: a gateway returned and submitted again is news again.
    return moment.strftime("%Y%m%dT%H%M%S%f") if moment else "-"


def _tell(person: Person, purpose: Purpose, key: str, context: Mapping[str, object]) -> OutboundEmail | None:
    written = emails.write(purpose, {"name": person.full_name or person.username, **context})
    return notification_queue(
        key=key, purpose=purpose, to=person.email, subject=written.subject, body=written.body, user_id=person.pk
    )


def _person(user) -> Person | None:
    """The user as someone to email, or None when they have no active account with an address."""
    if user is None or not user.is_active or not user.email:
        return None
    return Person(user.pk, user.get_username(), user.get_full_name(), user.email)


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user is not None else "Someone"


# --- Events (in the transaction that made them) -----------------------------------------------------------


def gateway_submitted_notify(sender: object, review, **kwargs: object) -> int:
    """Tell each manager (but the submitter, and those who turned it off) that a gateway awaits their decision;
    return how many were queued."""
    partnership = review.partnership
    off = selectors.turned_off(Purpose.GATEWAY_SUBMITTED)
    context = {
        "partnership": partnership.name,
        "reference": partnership.reference,
        "submitted_by": _name(review.submitted_by),
        "link": emails.absolute(reverse("partnerships:gateway", args=[partnership.pk])),
    }
    queued = 0
    for person in selectors.managers():
        if person.pk == review.submitted_by_id or person.pk in off:
            continue
        key = f"{Purpose.GATEWAY_SUBMITTED}:{review.pk}:{_stamp(review.submitted_at)}:{person.pk}"
        queued += _tell(person, Purpose.GATEWAY_SUBMITTED, key, context) is not None
    return queued


def gateway_decided_notify(sender: object, review, **kwargs: object) -> int:
    """Tell whoever submitted the gateway that it was approved, or returned (with the reason); return 1 when
    queued, 0 when there is nobody to tell or they turned it off."""
    person = _person(review.submitted_by)
    if person is None or person.pk in selectors.turned_off(Purpose.GATEWAY_DECIDED, [person.pk]):
        return 0
    partnership = review.partnership
    context = {
        "partnership": partnership.name,
        "reference": partnership.reference,
        "approved": review.status == "approved",
        "reason": review.return_reason,
        "decided_by": _name(review.decided_by),
        "link": emails.absolute(reverse("partnerships:gateway", args=[partnership.pk])),
    }
    key = f"{Purpose.GATEWAY_DECIDED}:{review.pk}:{_stamp(review.decided_at)}"
    return int(_tell(person, Purpose.GATEWAY_DECIDED, key, context) is not None)


def receipt_send(sender: object, invitation, **kwargs: object) -> OutboundEmail | None:
    """Queue the receipt a respondent asked for: it confirms that their invitation was answered, on which day,
    and nothing else (no answers, no link to the response: in an anonymous round nothing may lead from the
    person to it)."""
    round_ = invitation.round
    written = emails.write(
        Purpose.RECEIPT,
        {
            "name": invitation.name,
            "partnership": round_.partnership.name,
            "round": round_.title,
            "submitted_on": invitation.submitted_on or timezone.localdate(),
            "anonymous": round_.anonymous,
        },
    )
    return notification_queue(
        key=f"{Purpose.RECEIPT}:{invitation.pk}",
        purpose=Purpose.RECEIPT,
        to=invitation.email,
        subject=written.subject,
        body=written.body,
        invitation=invitation,
    )


# --- Digests (manage.py send_notifications) ---------------------------------------------------------------


@dataclass(frozen=True)
class DigestsSent:
    """How many emails one run queued, by kind (0 for a person already told in the period)."""

    reviews_due: int = 0
    rounds_closing: int = 0
    actions_due: int = 0

    @property
    def total(self) -> int:
        return self.reviews_due + self.rounds_closing + self.actions_due


@dataclass
class _Digest:
    person: Person
    why: str
    overdue: list = field(default_factory=list)
    due_soon: list = field(default_factory=list)


def _sorted_into(digest: _Digest, item: object, due: date | None, today: date) -> None:
    (digest.overdue if due is not None and due < today else digest.due_soon).append(item)


def reviews_due_send(today: date) -> int:
    """Send this week's digest of annual reviews overdue or due within 30 days: each register administrator
    gets every one, each lead officer with an account their own. Return how many were queued."""
    due = selectors.reviews_due(today)
    if not due:
        return 0
    admins = {
        person.pk: _Digest(person, "you are a register administrator, who keeps the review dates")
        for person in selectors.register_administrators()
    }
    digests: dict[int, _Digest] = dict(admins)
    index = people_by_name(selectors.people())
    for partnership in due:
        row = {
            "name": partnership.name,
            "reference": partnership.reference,
            "due": partnership.review_due_date,
            "link": emails.absolute(partnership.get_absolute_url()),
        }
        readers = list(admins.values())
        officer = person_named(partnership.lead_officer, index)
        if officer is not None and officer.pk not in admins:
            readers.append(
                digests.setdefault(officer.pk, _Digest(officer, "you are the lead officer of these partnerships"))
            )
        for digest in readers:
            _sorted_into(digest, row, partnership.review_due_date, today)
    return _send_digests(
        Purpose.REVIEWS_DUE,
        digests,
        week_period(today),
        {"within": REVIEWS_DUE_WITHIN_DAYS, "reviews_link": emails.absolute(reverse("partnerships:reviews"))},
    )


def rounds_closing_send(today: date) -> int:
    """Tell each facilitator, once per round and close date, that their round closes within 3 days, with its
    response rate. Return how many were queued."""
    closing = selectors.rounds_closing(today)
    off = selectors.turned_off(Purpose.ROUND_CLOSING, [c.round.facilitator_id for c in closing])
    queued = 0
    for row in closing:
        round_ = row.round
        person = _person(round_.facilitator)
        if person is None or person.pk in off:
            continue
        days = (round_.closes_on - today).days
        context = {
            "round": round_.title,
            "partnership": round_.partnership.name,
            "closes_on": round_.closes_on,
            "when": "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days",
            "rate": response_rate(row.submitted, row.invited),
            "within": ROUND_CLOSING_WITHIN_DAYS,
            "link": emails.absolute(reverse("assessments:invitations", args=[round_.pk])),
        }
        key = f"{Purpose.ROUND_CLOSING}:{round_.pk}:{round_.closes_on.isoformat()}"
        queued += _tell(person, Purpose.ROUND_CLOSING, key, context) is not None
    return queued


def actions_due_send(today: date) -> int:
    """Send this week's digest of open actions overdue or due within 7 days: to the action's owner when the
    owner is someone with an account, otherwise to the round's facilitator. Return how many were queued."""
    actions = selectors.actions_due(today)
    if not actions:
        return 0
    index = people_by_name(selectors.people())
    digests: dict[int, _Digest] = {}
    for action in actions:
        owner = person_named(action.owner, index)
        person = owner or _person(action.round.facilitator)
        if person is None:
            continue
        digest = digests.setdefault(person.pk, _Digest(person, ""))
        row = {
            "description": action.description,
            "owner": action.owner,
            "yours": owner is not None,
            "partnership": action.round.partnership.name,
            "round": action.round.title,
            "due": action.due_date,
            "link": emails.absolute(reverse("results:actions", args=[action.round_id])),
        }
        _sorted_into(digest, row, action.due_date, today)
    for digest in digests.values():
        rows = digest.overdue + digest.due_soon
        mine = sum(row["yours"] for row in rows)
        digest.why = (
            "you own these actions"
            if mine == len(rows)
            else "you facilitate these actions' rounds, and the owners named in the plans have no account here"
            if mine == 0
            else "you own some of these actions, and facilitate the rounds of the others, whose owners have no "
            "account here"
        )
    return _send_digests(Purpose.ACTIONS_DUE, digests, week_period(today), {"within": ACTIONS_DUE_WITHIN_DAYS})


def _send_digests(purpose: Purpose, digests: Mapping[int, _Digest], period: str, context: Mapping) -> int:
    off = selectors.turned_off(purpose, digests)
    queued = 0
    # In the order of the people's ids: two runs at once wait for each other's keys in the same order.
    for pk in sorted(digests):
        digest = digests[pk]
        if pk in off or not (digest.overdue or digest.due_soon):
            continue
        key = f"{purpose}:{pk}:{period}"
        if OutboundEmail.objects.filter(key=key).exists():
            continue  # told already this period: not even written again
        values = {**context, "why": digest.why, "overdue": digest.overdue, "due_soon": digest.due_soon}
        queued += _tell(digest.person, purpose, key, values) is not None
    return queued


def notifications_send(today: date | None = None) -> DigestsSent:
    """Queue every digest due ``today`` (by default, today); return how many emails of each kind."""
    today = today or timezone.localdate()
    return DigestsSent(
        reviews_due=reviews_due_send(today),
        rounds_closing=rounds_closing_send(today),
        actions_due=actions_due_send(today),
    )


# --- Choices ---------------------------------------------------------------------------------------------


@transaction.atomic
def notification_settings_save(user, *, wanted: set[str]) -> None:
    """Record which kinds of email ``user`` wants (every kind of ``KINDS`` not in ``wanted`` is turned off)."""
    for kind in KINDS:
        NotificationSetting.objects.update_or_create(
            user=user, purpose=kind.purpose, defaults={"wanted": kind.purpose in wanted}
        )
