"""Writes for rounds, invitations and responses: each service is one transaction.

Rounds are locked FOR NO KEY UPDATE (``select_for_update(no_key=True)``): a respondent's first save holds its
invitation's lock and inserts the response, whose foreign key takes a KEY SHARE lock on the round; a FOR UPDATE
on the round, taken by a submit or by reminders before they lock invitations, would deadlock with it. Two
writers of one round still take turns.

Rules enforced here (the forms repeat them for friendly messages, but these are the ones that hold):
- a round goes draft -> open -> closed; only an open round takes answers;
- named or anonymous is fixed once the round opens, in both directions (a database trigger holds it too);
- one invitation per mailbox in a round, and an anonymous round cannot invite its facilitator;
- a submitted response is read-only; in a named round a facilitator may reopen it (recorded as a Reopening);
- a submitted anonymous response is unlinked from its invitation at once (``assessments.unlinking``), so it
  cannot be reopened.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import can_proceed

from assessments import emails, reminders, scoring, signals, unlinking
from assessments.mailboxes import mailbox_key
from assessments.models import (
    Answer,
    Invitation,
    Level,
    Reopening,
    Response,
    ResponseStatus,
    Round,
    RoundState,
)
from assessments.readmodel import InstrumentStructure
from assessments.selectors import (
    MissingItem,
    find_missing,
    instrument_structure,
    response_of,
    round_last_reminders,
    round_reminder_due,
)
from assessments.tokens import issue_token, token_for
from config.prepared import PreparedGet
from outbox import services as outbox
from outbox.models import Purpose

COMMENT_MAX_LENGTH = 4000


# The same request sent again within this time (a double click, a resent form) does not act twice.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


class ServiceError(Exception):
    """A rule of the round refused the action; the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RoundNotOpen(ServiceError):
    pass


class InvitationRevoked(ServiceError):
    pass


class ResponseAlreadySubmitted(ServiceError):
    """The response was submitted; ``response`` is None in an anonymous round, where it is no longer linked."""

    def __init__(self, response: Response | None) -> None:
        super().__init__("Your response has already been received. It can no longer be changed.")
        self.response = response


class ResponseIncomplete(ServiceError):
    def __init__(self, missing: list[MissingItem]) -> None:
        super().__init__(f"{len(missing)} items still need an answer before you can submit.")
        self.missing = missing


# --- Rounds -----------------------------------------------------------------------------------------------

ROUND_FIELDS = (
    "partnership",
    "instrument",
    "title",
    "purpose",
    "facilitation",
    "facilitator",
    "levels",
    "feedback_arrangements",
    "action_arrangements",
    "opens_on",
    "closes_on",
    "anonymous",
)


@transaction.atomic
def round_create(**fields) -> Round:
    """Create a draft round from the set-up fields (see ROUND_FIELDS) and return it."""
    round_ = Round(**{name: fields[name] for name in ROUND_FIELDS if name in fields})  # a draft, by default
    round_.full_clean()
    round_.save()
    return round_


ANONYMITY_FIXED = "Named or anonymous is fixed once the round has opened: respondents were told which it is."


@transaction.atomic
def round_update(round_: Round, **fields) -> Round:
    """Change a round's set-up; refuse to change its anonymity once it has opened, or to edit a closed round."""
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    if locked.state == RoundState.CLOSED:
        raise ServiceError("A closed round cannot be changed.")
    if "anonymous" in fields and fields["anonymous"] != locked.anonymous and locked.state != RoundState.DRAFT:
        raise ValidationError({"anonymous": ANONYMITY_FIXED})
    anonymous = fields.get("anonymous", locked.anonymous)
    facilitator = fields.get("facilitator", locked.facilitator)
    if anonymous and facilitator is not None and getattr(facilitator, "email", ""):
        if Invitation.objects.filter(round=locked, mailbox=mailbox_key(facilitator.email)).exists():
            raise ValidationError({"facilitator": f"This facilitator is invited to the round: {FACILITATOR_REFUSED}"})
    if locked.state != RoundState.DRAFT:
        # Answers already given belong to this partnership and instrument.
        for name in ("partnership", "instrument"):
            if name in fields and getattr(fields[name], "pk", fields[name]) != getattr(locked, f"{name}_id"):
                raise ServiceError(f"The {name} cannot be changed once the round has opened.")
    for name in ROUND_FIELDS:
        if name in fields:
            setattr(locked, name, fields[name])
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def round_open(round_: Round) -> Round:
    """Open a draft round for answers."""
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    if not can_proceed(locked.open):
        raise ServiceError(f"Only a draft round can be opened; this one is {locked.get_state_display().lower()}.")
    locked.open()
    locked.save(update_fields=["state"])
    return locked


@transaction.atomic
def round_close(round_: Round, *, risks_reviewed: bool = False) -> Round:
    """Close an open round: from now on its links take no more answers. ``risks_reviewed`` records the
    facilitator's confirmation that the partnership's risk register was reviewed with it."""
    locked = Round.objects.select_for_update(no_key=True).get(pk=round_.pk)
    if not can_proceed(locked.close):
        raise ServiceError(f"Only an open round can be closed; this one is {locked.get_state_display().lower()}.")
    locked.close()  # the fsm transition: sets closed_at and records the partnership's review
    locked.risks_reviewed_at = locked.closed_at if risks_reviewed else None
    locked.save(update_fields=["state", "closed_at", "risks_reviewed_at"])
    if locked.anonymous:
        # From now on the database keeps only the breakdowns the results show (no group under the minimum).
        unlinking.tallies_finalise(django_apps, locked.pk, settings.PHC_MIN_GROUP_SIZE)
    # Announced once the close is saved: the results app has a worker draw the results and charts, so the
    # first viewer does not wait.
    transaction.on_commit(lambda: signals.round_closed.send(sender=Round, round_id=locked.pk))
    return locked


@transaction.atomic
def round_emails_update(round_: Round, **templates: str) -> Round:
    """Save the round's own email subjects and bodies (blank means the default); refuse broken templates."""
    errors = {}
    for name, source in templates.items():
        try:
            emails.check_template(source, needs_link=name.endswith("_body"))
        except ValueError as exc:
            errors[name] = f"This template cannot be used: {exc}"
    if errors:
        raise ValidationError(errors)
    names = [f"{kind}_{part}" for kind in emails.KINDS for part in emails.PARTS]
    for name in names:
        if name in templates:
            setattr(round_, name, templates[name])
    round_.save(update_fields=[n for n in names if n in templates])
    return round_


# --- Invitations ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRow:
    """One respondent to invite, as typed or imported."""

    name: str
    email: str
    organisation: str
    level: str

    @property
    def level_label(self) -> str:
        return Level(self.level).label


def _check_can_invite(round_: Round) -> None:
    if round_.state == RoundState.CLOSED:
        raise RoundNotOpen("The round is closed: no one else can be invited.")


FACILITATOR_REFUSED = (
    "in an anonymous round the facilitator cannot also be a respondent (the minimum number of responses "
    "must count other people)."
)


def mailbox_problem(round_: Round, email: str) -> str | None:
    """Return why ``email`` cannot be invited to ``round_`` (its mailbox already is, or it is an anonymous
    round's facilitator), or None when it can."""
    key = mailbox_key(email)
    existing = Invitation.objects.filter(round=round_, mailbox=key).values_list("email", flat=True).first()
    if existing is not None:
        same = "" if existing.casefold() == email.casefold() else f" (as {existing}: the same mailbox)"
        return f"{email} is already invited to this round{same}. Each person is invited once."
    if round_.anonymous and round_.facilitator.email and mailbox_key(round_.facilitator.email) == key:
        return f"{email} is the facilitator's own address: {FACILITATOR_REFUSED}"
    return None


@transaction.atomic
def invitation_create(round_: Round, row: InvitationRow, user=None) -> tuple[Invitation, str]:
    """Invite one respondent; return the invitation and its link token. Refuses a second invitation to one
    mailbox, and the facilitator of an anonymous round."""
    _check_can_invite(round_)
    problem = mailbox_problem(round_, row.email)
    if problem:
        raise ValidationError({"email": problem})
    invitation = Invitation(
        round=round_, name=row.name, email=row.email, organisation=row.organisation, level=row.level, user=user
    )
    token = issue_token(invitation)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ValidationError({"email": f"{row.email} is already invited to this round."}) from exc
    return invitation, token


@transaction.atomic
def invitations_import(round_: Round, rows: Iterable[InvitationRow]) -> int:
    """Invite every row (already checked by the preview) and return how many were added.

    A row whose mailbox was invited in the meantime is skipped rather than failing the whole import, and so is
    the facilitator of an anonymous round.
    """
    _check_can_invite(round_)
    refused = mailbox_key(round_.facilitator.email) if round_.anonymous and round_.facilitator.email else None
    invitations = []
    for row in rows:
        if mailbox_key(row.email) == refused:
            continue
        invitation = Invitation(
            round=round_,
            name=row.name,
            email=row.email,
            mailbox=mailbox_key(row.email),
            organisation=row.organisation,
            level=row.level,
        )
        issue_token(invitation)
        invitations.append(invitation)
    before = Invitation.objects.filter(round=round_).count()
    Invitation.objects.bulk_create(invitations, ignore_conflicts=True)
    return Invitation.objects.filter(round=round_).count() - before


def respond_link(base_url: str, invitation: Invitation) -> str:
    """Return the full personal link of ``invitation``; ``base_url`` is the site's address, e.g. https://x/."""
    return base_url.rstrip("/") + reverse("assessments:respond", args=[token_for(invitation)])


@transaction.atomic
def invitations_send(round_: Round, *, base_url: str = "") -> int:
    """Queue an email to every live invitation not yet emailed; return how many. The round must be open.

    Links are built from SITE_URL by the worker; ``base_url`` is no longer used.
    """
    if round_.state != RoundState.OPEN:
        raise RoundNotOpen("Open the round before sending invitations: links to a draft round do not work yet.")
    pending = list(
        Invitation.objects.select_for_update().live().filter(round=round_, invited_at__isnull=True).order_by("id")
    )
    now = timezone.now()
    for invitation in pending:
        invitation.invited_at = now
    Invitation.objects.bulk_update(pending, ["invited_at"])
    # Queued in the same transaction: each email is then sent once by a worker, never inside this request.
    outbox.emails_queue(round_, Purpose.INVITATION, pending)
    return len(pending)


class ReminderTooSoon(ServiceError):
    """A round of reminders went less than the set interval ago."""


def reminder_interval() -> timedelta:
    return timedelta(hours=settings.PHC_REMINDER_INTERVAL_HOURS)


@transaction.atomic
def reminders_send(round_: Round, *, base_url: str = "") -> int:
    """Remind every emailed, live invitation without a submitted response; return how many were sent.

    Refused (``ReminderTooSoon``, saying when the next is possible) within the set interval of the last round
    of reminders, so a second click or a second facilitator does not remind everyone again.
    """
    if round_.state != RoundState.OPEN:
        raise RoundNotOpen("Reminders can only be sent while the round is open.")
    # Locking the round makes two simultaneous requests take turns, so the second sees the first's reminders.
    Round.objects.select_for_update(no_key=True).filter(pk=round_.pk).first()
    now = timezone.now()
    last = round_last_reminders(round_)
    if last and not reminders.reminder_allowed(last.sent_at, now, reminder_interval()):
        earliest = reminders.next_reminder_at(last.sent_at, reminder_interval())
        assert earliest is not None  # noqa: S101 - last.sent_at is set
        raise ReminderTooSoon(
            f"Reminders went {_when(last.sent_at)} to {_people(len(last.names))}. To give people time to "
            f"respond, the next reminders can be sent from {_when(earliest)}. You can still resend one "
            "person's link."
        )
    due = list(
        round_reminder_due(round_)
        .select_for_update()
        # A second click (or a resent form) within minutes does not remind the same people again.
        .exclude(reminded_at__gte=now - DOUBLE_SUBMIT_WINDOW)
        .order_by("id")
    )
    for invitation in due:
        invitation.reminded_at = now
        invitation.reminder_count += 1
    Invitation.objects.bulk_update(due, ["reminded_at", "reminder_count"])
    outbox.emails_queue(round_, Purpose.REMINDER, due)
    return len(due)


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y \\a\\t H:i")


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


@transaction.atomic
def invitation_resend(invitation: Invitation, *, base_url: str = "") -> bool:
    """Email one person their own link again (the same link); return False when it went in the last few
    minutes (a double click). Refused when the round is not open or the link was withdrawn or used."""
    locked = Invitation.objects.select_for_update().select_related("round").get(pk=invitation.pk)
    if locked.round.state != RoundState.OPEN:
        raise RoundNotOpen("Links can only be sent while the round is open.")
    if locked.revoked_at is not None:
        raise ServiceError(f"{locked.name}'s link was withdrawn, so it cannot be sent again.")
    if Response.objects.filter(invitation=locked, status=ResponseStatus.SUBMITTED).exists():
        raise ServiceError(f"{locked.name} has already responded.")
    now = timezone.now()
    if locked.invited_at is not None and locked.invited_at >= now - DOUBLE_SUBMIT_WINDOW:
        return False
    locked.invited_at = now
    locked.save(update_fields=["invited_at"])
    outbox.emails_queue(locked.round, Purpose.INVITATION, [locked], again=f"link-resent-{now:%Y%m%dT%H%M%S}")
    return True


@transaction.atomic
def invitation_revoke(invitation: Invitation) -> Invitation:
    """Stop the invitation's link working. A response already submitted still counts in the results.

    The invitation is locked, so a save racing the revoke either finishes first or finds the link withdrawn.
    """
    if invitation.round.state == RoundState.CLOSED:
        raise RoundNotOpen("The round is closed: its links no longer work anyway.")
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    invitation.revoked_at = locked.revoked_at
    return invitation


# --- Responses --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerInput:
    """One statement's answer as the respondent left it: value None means not answered yet."""

    statement_id: int
    value: int | None
    comment: str = ""


def _check_answer_value(value: int | None, structure: InstrumentStructure) -> None:
    # The database only knows an answer is a small whole number; which numbers are on the scale is the
    # instrument's (1 to 4 on the PAT, 0 to 3 on another), so it is checked here against the read model.
    if value is not None and value not in structure.answer_scale.values:
        raise ValueError(f"Answer {value!r} is not on the scale {structure.answer_scale.values}.")


# What a save or a submit reads of the locked invitation and its response: fewer columns to compile and send on
# every save (the answers' arrays and timestamps are written, not read).
_LOCKED_FIELDS = (
    "id",
    "round_id",
    "name",
    "email",
    "mailbox",
    "organisation",
    "level",
    "revoked_at",
    "submitted_on",
    "response__id",
    "response__invitation_id",
    "response__round_id",
    "response__status",
    "response__significance",
    "response__success",
    "response__success_comment",
)


# Compiled once per process (``config.prepared``): the submit's locking reads, on every respondent's submit.
_LOCK_INVITATION = PreparedGet(
    lambda: Invitation.objects.select_for_update(of=("self",)).select_related("response").only(*_LOCKED_FIELDS), "id"
)
# The round, locked, with its partnership and instrument (not locked): the thank-you page shows them, and the
# instrument's read model is keyed by it.
_LOCK_ROUND_TO_SUBMIT = PreparedGet(
    lambda: (
        Round.objects.select_for_update(of=("self",), no_key=True)
        .select_related("partnership", "instrument")
        .defer("instrument__source")
    ),
    "id",
)


def _lock_for_answers(
    invitation: Invitation, require_open: bool, *, create: bool, locked: bool = False
) -> tuple[Invitation, Response | None, bool]:
    """Lock the invitation, read it and its response again (one query), check its link may still answer.

    Return the locked invitation, its response (created when ``create`` and there is none yet; None
    otherwise) and whether it was created just now. The invitation's lock is the lock of everything its
    respondent writes: a save or submit racing a revoke, or a second submit, waits for the other and then sees
    it; and no one else can create the response meanwhile, so it is a plain INSERT (no get_or_create, no
    savepoint). ``locked``: the caller has already read ``invitation`` with its response FOR UPDATE in this
    transaction (the journey's saves, ``selectors.invitation_to_save(token)``), so reading it
    again would find the same row.
    """
    row = invitation if locked else _LOCK_INVITATION.get(invitation.pk)
    if row is None:
        raise Invitation.DoesNotExist("The invitation was deleted.")
    # PostgreSQL returns the latest version of the locked invitation (if a transaction that held the lock
    # changed it), but the response joined to it as it was when the query began, before the lock was granted.
    # So "submitted" is read from the invitation, and a response missing from the join is looked for again.
    if row.revoked_at is not None:
        invitation.revoked_at = row.revoked_at
        raise InvitationRevoked("This link has been withdrawn.")
    response = response_of(row)
    invitation.submitted_on = row.submitted_on  # as the lock found it (a second click's submit: the first's day)
    if row.submitted_on is not None and response is None:
        # An anonymous response, unlinked on submit: nothing of it can be found, let alone changed.
        raise ResponseAlreadySubmitted(None)
    if require_open and not invitation.round.takes_answers:
        raise RoundNotOpen("This round is not open for answers.")
    if row.submitted_on is not None or (response is not None and response.is_submitted):
        raise ResponseAlreadySubmitted(response)
    if response is None:
        # A save holding the lock (the other click of a double click on the first save) may have created it.
        response = Response.objects.filter(invitation_id=row.pk).first()
    if response is None and create:
        return row, Response.objects.create(invitation=row, round_id=row.round_id), True
    return row, response, False


_Service = TypeVar("_Service", bound=Callable[..., Any])


def _in_a_transaction(service: _Service) -> _Service:
    """Run a save ``service`` in a transaction: its own, or, when called with ``locked=True`` inside one, the
    caller's, without a savepoint.

    ``locked``: the caller (a journey save, see ``views.respond.journey``) has read and locked the invitation in
    its open transaction. A savepoint there would be two more statements on every save, for nothing: a save
    raises its refusals (withdrawn, submitted, closed, changed elsewhere) before it writes anything, so the
    caller's transaction is as it was when the caller catches one, and any other error rolls the caller's
    transaction back whole.
    """

    @wraps(service)
    def run(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("locked") and transaction.get_connection().in_atomic_block:
            return service(*args, **kwargs)
        with transaction.atomic():
            return service(*args, **kwargs)

    return cast(_Service, run)


class ChangedElsewhere(ServiceError):
    """A page of the journey was saved elsewhere (another tab, another device) after this page loaded it, and
    differently: nothing is overwritten."""

    def __init__(self) -> None:
        super().__init__("This sheet was saved in another tab or window after you opened it here.")


class SheetChangedElsewhere(ChangedElsewhere):
    def __init__(self, saved: dict[int, tuple[int | None, str]]) -> None:
        super().__init__()
        self.saved = saved  # statement id -> (value, comment) as saved elsewhere


class SignificanceChangedElsewhere(ChangedElsewhere):
    def __init__(self, saved: list[int | None]) -> None:
        super().__init__()
        self.saved = saved  # each principle's significance as saved elsewhere


class SuccessChangedElsewhere(ChangedElsewhere):
    def __init__(self, saved: tuple[int | None, str]) -> None:
        super().__init__()
        self.saved = saved  # (answer, comment) as saved elsewhere


def _fingerprint(saved: object) -> str:
    return hashlib.sha256(repr(saved).encode()).hexdigest()[:16]


def sheet_version(saved: Mapping[int, tuple[int | None, str]]) -> str:
    """Return a short fingerprint of a sheet's saved answers ({statement id: (value, comment)}); the sheet page
    carries it, so a save can tell whether someone saved the sheet in between."""
    return _fingerprint(sorted((statement_id, value, comment) for statement_id, (value, comment) in saved.items()))


def saved_significance(response: Response | None, count: int) -> list[int | None]:
    """Return the ``count`` significance values saved on the response, None where none is saved yet."""
    saved = list(response.significance) if response is not None and response.significance else []
    return [saved[i] if i < len(saved) else None for i in range(count)]


def significance_version(saved: Sequence[int | None]) -> str:
    """Return a short fingerprint of the saved significance values (see ``sheet_version``)."""
    return _fingerprint(list(saved))


def saved_success(response: Response | None) -> tuple[int | None, str]:
    """Return the saved answer to the success statement and the comment ((None, "") before any save)."""
    return (response.success, response.success_comment) if response is not None else (None, "")


def success_version(saved: tuple[int | None, str]) -> str:
    """Return a short fingerprint of the saved success answer and comment (see ``sheet_version``)."""
    return _fingerprint(tuple(saved))


@_in_a_transaction
def response_save_sheet(
    invitation: Invitation,
    answers: Sequence[AnswerInput],
    *,
    require_open: bool = True,
    loaded_version: str | None = None,
    locked: bool = False,
) -> Response:
    """Save the answers and comments of one sheet (unanswered statements allowed); return the response.

    With ``loaded_version`` (the ``sheet_version`` the page was given), refuse with ``SheetChangedElsewhere``
    when the sheet was saved differently since, rather than silently overwriting the other save. Saving the
    same answers as the other save is no conflict. ``require_open=False`` lets the demo and the test factories
    build the history of closed rounds.
    """
    structure = instrument_structure(invitation.round.instrument)
    statement_ids = {s.id for s in structure.statements}
    for item in answers:
        _check_answer_value(item.value, structure)
        if item.statement_id not in statement_ids:
            raise ValueError(f"Statement {item.statement_id} is not part of the round's instrument.")
    _, response, created = _lock_for_answers(invitation, require_open, create=True, locked=locked)
    assert response is not None  # noqa: S101 (created when missing)
    # A response created just now has no answers yet (and the right time): nothing to compare or touch.
    if loaded_version is not None and not created:
        ids = [a.statement_id for a in answers]
        saved = {
            a.statement_id: (a.value, a.comment) for a in Answer.objects.filter(response=response, statement_id__in=ids)
        }
        typed = {a.statement_id: (a.value, a.comment.strip()) for a in answers}
        unchanged_elsewhere = sheet_version(saved) == loaded_version
        if not unchanged_elsewhere and any(saved.get(i, (None, "")) != typed[i] for i in ids):
            raise SheetChangedElsewhere(saved)
    _write_answers(response, answers, timezone.now())
    return response


def _write_answers(response: Response, answers: Sequence[AnswerInput], now: datetime) -> None:
    """Insert or replace the answers and comments of ``answers`` on ``response``, and set its "last saved" time
    to ``now``: one statement, on every save of a sheet (an INSERT ... ON CONFLICT of the answers and an
    UPDATE of the response, as Django would send them one after the other)."""
    answers_table = connection.ops.quote_name(Answer._meta.db_table)
    responses_table = connection.ops.quote_name(Response._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH answers AS (INSERT INTO {answers_table} (response_id, statement_id, value, comment)"  # noqa: S608 (names from the models)
            " SELECT %s, * FROM UNNEST(%s::bigint[], %s::smallint[], %s::text[])"
            " ON CONFLICT (response_id, statement_id) DO UPDATE"
            " SET value = EXCLUDED.value, comment = EXCLUDED.comment)"
            f" UPDATE {responses_table} SET updated_at = %s WHERE id = %s",
            [
                response.pk,
                [a.statement_id for a in answers],
                [a.value for a in answers],
                [a.comment.strip() for a in answers],
                now,
                response.pk,
            ],
        )
    response.updated_at = now


def _write_over_what_was_read(
    response: Response, compared: Sequence[str], changes: Mapping[str, object], now: datetime
) -> Response | None:
    """Write ``changes`` only where the response still holds the values of ``compared`` as read with the lock's
    query: a save that held the lock meanwhile (another tab) may have changed them. Return None when written,
    else the response read again, under the lock, to be compared again."""
    as_read = {name: getattr(response, name) for name in compared}
    if Response.objects.filter(pk=response.pk, **as_read).update(**changes, updated_at=now):
        return None
    return Response.objects.get(pk=response.pk)


@_in_a_transaction
def response_save_significance(
    invitation: Invitation,
    values: Sequence[int | None],
    *,
    require_open: bool = True,
    loaded_version: str | None = None,
    locked: bool = False,
) -> Response:
    """Save the significance of each principle in order (None where not given yet); return the response.

    With ``loaded_version`` (the ``significance_version`` the page was given), refuse with
    ``SignificanceChangedElsewhere`` when the values were saved differently since (see ``response_save_sheet``).
    """
    structure = instrument_structure(invitation.round.instrument)
    if len(values) != structure.principle_count:
        raise ValueError(f"Expected {structure.principle_count} significance values, got {len(values)}.")
    for value in values:
        if value is not None:
            scoring.check_significance(value, structure.significance_values)
    _, response, created = _lock_for_answers(invitation, require_open, create=True, locked=locked)
    assert response is not None  # noqa: S101 (created when missing)
    now = timezone.now()
    for _attempt in range(2):
        # A response created just now holds nothing saved elsewhere (and a refusal comes before any write).
        if loaded_version is not None and not created:
            saved = saved_significance(response, len(values))
            if significance_version(saved) != loaded_version and saved != list(values):
                raise SignificanceChangedElsewhere(saved)
        fresh = _write_over_what_was_read(response, ("significance",), {"significance": list(values)}, now)
        if fresh is None:
            break
        response = fresh
    else:
        raise SignificanceChangedElsewhere(saved_significance(response, len(values)))
    response.significance = list(values)
    response.updated_at = now
    return response


@_in_a_transaction
def response_save_success(
    invitation: Invitation,
    value: int | None,
    comment: str,
    *,
    require_open: bool = True,
    loaded_version: str | None = None,
    locked: bool = False,
) -> Response:
    """Save the answer to the success statement and the comments on performance; return the response.

    With ``loaded_version`` (the ``success_version`` the page was given), refuse with ``SuccessChangedElsewhere``
    when they were saved differently since (see ``response_save_sheet``).
    """
    _check_answer_value(value, instrument_structure(invitation.round.instrument))
    _, response, created = _lock_for_answers(invitation, require_open, create=True, locked=locked)
    assert response is not None  # noqa: S101 (created when missing)
    now = timezone.now()
    for _attempt in range(2):
        # As for the significance: nothing to compare in a response created just now.
        if loaded_version is not None and not created:
            saved = saved_success(response)
            if success_version(saved) != loaded_version and saved != (value, comment.strip()):
                raise SuccessChangedElsewhere(saved)
        changes = {"success": value, "success_comment": comment.strip()}
        fresh = _write_over_what_was_read(response, ("success", "success_comment"), changes, now)
        if fresh is None:
            break
        response = fresh
    else:
        raise SuccessChangedElsewhere(saved_success(response))
    response.success = value
    response.success_comment = comment.strip()
    response.updated_at = now
    return response


def profile_scores(
    values_by_principle: Mapping[int, Sequence[int | None]], structure: InstrumentStructure
) -> tuple[list[int | None], int | None]:
    """Return the principle scores in order (None where a principle is incomplete) and the total (or None).

    ``values_by_principle`` maps principle numbers (1..6 on the PAT) to that principle's answer values.
    """
    count = structure.statements_per_principle
    scores = [
        scoring.principle_score(list(values_by_principle.get(number, [None] * count)), structure.answer_scale, count)
        for number in structure.principle_numbers
    ]
    return scores, scoring.total_score(scores, structure.principle_count, structure.principle_range)


@dataclass(frozen=True)
class SubmitResult:
    """``response`` is the submitted response: in an anonymous round an unsaved copy of its scores, for the
    respondent's own profile on the thank-you page (it is not linked to them in the database). It is None when
    an anonymous response had already been submitted."""

    response: Response | None
    already_submitted: bool
    submitted_on: date | None = None


@transaction.atomic
def response_submit(invitation: Invitation, *, require_open: bool = True, receipt: bool = False) -> SubmitResult:
    """Submit the response: check every item is answered, store the scores, make it read-only.

    The round and then the invitation are locked first: a submit racing the round's close waits for it and
    is refused, and a second submit (double click, back button, replay) waits for the first and then finds it
    submitted: it changes nothing and returns ``already_submitted=True``. In an anonymous round the response
    is then unlinked (``assessments.unlinking``). Raises ResponseIncomplete (with every missing item) when
    something is unanswered. With ``receipt``, the respondent is emailed that their invitation was answered.
    """
    round_ = _LOCK_ROUND_TO_SUBMIT.get(invitation.round_id)
    if round_ is None:
        raise Round.DoesNotExist("The round was deleted.")
    invitation.round = round_
    try:
        locked, response, _ = _lock_for_answers(invitation, require_open, create=False)
    except ResponseAlreadySubmitted as exc:
        return SubmitResult(exc.response, already_submitted=True, submitted_on=invitation.submitted_on)
    structure = instrument_structure(round_.instrument)  # read once per process
    statements = structure.statements
    answers = (
        {a.statement_id: a for a in Answer.objects.filter(response=response).only("statement_id", "value", "comment")}
        if response
        else {}
    )
    values = {sid: a.value for sid, a in answers.items() if a.value is not None}
    progress = find_missing(
        structure,
        set(values),
        response.significance if response else [],
        response.success if response else None,
    )
    if progress.missing or response is None:
        raise ResponseIncomplete(progress.missing)
    by_principle = {p.number: [values.get(s.id) for s in p.statements] for p in structure.principles}
    scores, total = profile_scores(by_principle, structure)
    today = timezone.localdate()
    response.status = ResponseStatus.SUBMITTED
    # An incomplete principle's score is a NULL array element; the stubs type the elements as the non-null base field.
    response.principle_scores = scores  # type: ignore[assignment]
    response.total = total
    answer_values: list[int | None] = [values.get(s.id) for s in statements]
    answer_comments = [answers[s.id].comment if s.id in answers else "" for s in statements]
    response.answer_values = answer_values
    response.answer_comments = answer_comments
    locked.submitted_on = invitation.submitted_on = today
    locked.save(update_fields=["submitted_on"])
    if receipt:
        locked.round = round_  # the receipt names the round and partnership, already read with the round's lock
        signals.receipt_asked.send(sender=Invitation, invitation=locked)
    if not round_.anonymous:
        response.submitted_at = timezone.now()
        response.updated_at = response.submitted_at
        response.save(
            update_fields=[
                "status",
                "submitted_at",
                "principle_scores",
                "total",
                "answer_values",
                "answer_comments",
                "updated_at",
            ]
        )
        return SubmitResult(response, already_submitted=False, submitted_on=today)
    copy = unlinking.unlinked_copy(django_apps, response, answer_values, answer_comments)
    unlinking.draft_delete(django_apps, response.pk)  # the draft, its answer rows with it
    complete = [score for score in scores if score is not None]  # every principle: nothing was missing
    unlinking.tallies_add(django_apps, round_.pk, locked.organisation, locked.level, complete)
    unlinking.reinsert_shuffled(django_apps, round_.pk, [copy])
    invitation.response = None  # the cached draft is gone
    return SubmitResult(_detached(copy), already_submitted=False, submitted_on=today)


def _detached(response: Response) -> Response:
    """Return ``response`` with no id: the respondent's own profile on the thank-you page, and nothing more."""
    response.id = None
    return response


@transaction.atomic
def response_reopen(response: Response, *, by, reason: str) -> Reopening:
    """Reopen a submitted response of a named round so its respondent can change it; record who, when, why.

    A response of an anonymous round cannot be reopened: once submitted it is not linked to anyone.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for reopening."})
    locked = Response.objects.select_for_update().select_related("round").get(pk=response.pk)
    if locked.round.anonymous or locked.invitation_id is None:
        raise ServiceError("In an anonymous round a submitted response cannot be reopened: it is not linked to anyone.")
    if locked.round.state != RoundState.OPEN:
        raise RoundNotOpen("Only responses in an open round can be reopened.")
    if not locked.is_submitted:
        raise ServiceError("This response has not been submitted, so there is nothing to reopen.")
    reopening = Reopening.objects.create(response=locked, reopened_by=by, reason=reason)
    locked.status = ResponseStatus.IN_PROGRESS
    locked.submitted_at = None
    locked.principle_scores = None
    locked.total = None
    locked.answer_values = []
    locked.answer_comments = []
    locked.updated_at = timezone.now()
    locked.save(
        update_fields=[
            "status",
            "submitted_at",
            "principle_scores",
            "total",
            "answer_values",
            "answer_comments",
            "updated_at",
        ]
    )
    Invitation.objects.filter(pk=locked.invitation_id).update(submitted_on=None)
    return reopening


@transaction.atomic
def round_bring_to(round_: Round, state: str) -> Round:
    """Move a new draft round to ``state`` through its transitions (open, then close): the construction path
    of factories and demo data, so a closed round has its close time and review date like any other."""
    if state in (RoundState.OPEN, RoundState.CLOSED) and round_.state == RoundState.DRAFT:
        round_.open()
    if state == RoundState.CLOSED and round_.state == RoundState.OPEN:
        round_.close()
    round_.save()
    return round_
