"""Who is told what, and when: the rules of the notification emails as plain values (no ORM), tested without a
database.

The register and the action plan name people as free text (a partnership's lead officer, an action's owner), so
a person is found by the name, username or email address they are known by; a name that fits nobody, or fits
two people, finds nobody (the action's facilitator is told instead).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# How far ahead each digest looks (issue 18): reviews and actions also list what is already overdue.
REVIEWS_DUE_WITHIN_DAYS = 30
ROUND_CLOSING_WITHIN_DAYS = 3
ACTIONS_DUE_WITHIN_DAYS = 7


@dataclass(frozen=True)
class Kind:
    """One kind of notification a person can turn off on "Your notifications"."""

    purpose: str
    label: str
    who: str


# The outbox purposes (``outbox.models.Purpose``) of the emails a person may turn off, in the page's order. A
# receipt is asked for each time, so it is not here.
KINDS: tuple[Kind, ...] = (
    Kind(
        "gateway_submitted",
        "Gateways submitted for approval",
        "Managers: when a register administrator submits a new partnership's gateway for a decision.",
    ),
    Kind(
        "gateway_decided",
        "Decisions on gateways you submitted",
        "When a manager approves a gateway you submitted, or returns it with the reason.",
    ),
    Kind(
        "reviews_due",
        "Annual reviews due: weekly digest",
        f"Register administrators and lead officers: reviews overdue or due within {REVIEWS_DUE_WITHIN_DAYS} "
        "days, at most once a week.",
    ),
    Kind(
        "round_closing",
        "Rounds closing soon",
        f"Facilitators: {ROUND_CLOSING_WITHIN_DAYS} days before a round closes, with its response rate.",
    ),
    Kind(
        "actions_due",
        "Actions due: weekly digest",
        f"Action owners (or the round's facilitator when the owner has no account here): actions overdue or due "
        f"within {ACTIONS_DUE_WITHIN_DAYS} days, at most once a week.",
    ),
)
KIND_BY_PURPOSE: Mapping[str, Kind] = {kind.purpose: kind for kind in KINDS}


def week_period(day: date) -> str:
    """Return the ISO week of ``day`` as "2026-W49": a weekly digest is sent once per person per week."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


# When the digests go out each morning: `make run`'s scheduler, and the README's cron line and systemd timer.
DAILY_AT = time(7, 15)


def next_daily_run(now: datetime, at: time = DAILY_AT) -> datetime:
    """Return the first moment after ``now`` that is ``at`` o'clock on the wall clock of ``now``'s time zone
    (today's if it is still to come, else tomorrow's; the clock time holds across a change to or from summer
    time)."""
    candidate = datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    if candidate <= now:
        candidate = datetime.combine(now.date() + timedelta(days=1), at, tzinfo=now.tzinfo)
    return candidate


def due_by(today: date, within_days: int) -> date:
    """Return the last day that counts as "due within ``within_days`` days" of ``today``."""
    return today + timedelta(days=within_days)


def response_rate(submitted: int, invited: int) -> str:
    """Return "4 of 10 people have responded (40%)", or that nobody is invited."""
    if not invited:
        return "Nobody is invited yet."
    return f"{submitted} of {invited} people have responded ({round(100 * submitted / invited)}%)."


@dataclass(frozen=True)
class Person:
    """Someone with an account who can be emailed."""

    pk: int
    username: str
    full_name: str
    email: str


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def people_by_name(people: Iterable[Person]) -> dict[str, Person | None]:
    """Return each person under their full name, username and email address (folded to one case and
    spacing); a name two people share maps to None, so it finds nobody."""
    index: dict[str, Person | None] = {}
    for person in people:
        for name in {_name_key(person.full_name), _name_key(person.username), _name_key(person.email)}:
            if not name:
                continue
            index[name] = person if name not in index or index[name] == person else None
    return index


def person_named(text: str, index: Mapping[str, Person | None]) -> Person | None:
    """Return the one person ``text`` names (as typed in the register or the action plan), or None."""
    return index.get(_name_key(text))
