"""Factories for rounds, invitations and responses; ``submitted_response`` submits through the real service.

Use them from any app's tests::

    round = RoundFactory(anonymous=False)
    response = submitted_response(round, [4, 2, 3, 3, 3, 1] + [3] * 30)

The instrument is the one loaded by migration 0002 (``default_instrument()``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from datetime import date, timedelta
from typing import cast

import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import User
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments import selectors, services, unlinking
from assessments.instruments import DEFAULT_INSTRUMENT_FILE, default_instrument, load_instrument, read_instrument_file
from assessments.models import Answer, Invitation, Level, Response, ResponseStatus, Round, RoundState, Statement
from assessments.services import round_bring_to
from assessments.tokens import issue_token
from config.roles import FACILITATOR
from partnerships.models import Partnership
from partnerships.tests.factories import PartnershipFactory, UserFactory


def instrument():
    """Return the default instrument, loading it again if a transactional test flushed the migration's rows."""
    return default_instrument() or load_instrument(read_instrument_file(DEFAULT_INSTRUMENT_FILE))


class RoundFactory(DjangoModelFactory):
    """An OPEN anonymous round (pass ``state=RoundState.DRAFT`` or ``CLOSED`` for others)."""

    class Meta:
        model = Round

    partnership = factory.SubFactory(PartnershipFactory, active=True)
    instrument = factory.LazyFunction(instrument)
    title = factory.Sequence(lambda n: f"Annual health check {n}")
    facilitator = factory.SubFactory(UserFactory, roles=[FACILITATOR])
    levels = factory.LazyFunction(lambda: list(Level.values))
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    anonymous = True
    state = RoundState.OPEN
    # A closed round records when it closed, as ``round_close`` does: here the end of its planned last day.
    closed_at = factory.LazyAttribute(
        lambda o: (
            timezone.make_aware(datetime.datetime.combine(o.closes_on, datetime.time(17)))
            if o.state == RoundState.CLOSED
            else None
        )
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Created as a draft, then opened (and closed) through its transitions.
        state = kwargs.pop("state")
        return round_bring_to(model_class.objects.create(*args, **kwargs), state)


class InvitationFactory(DjangoModelFactory):
    """An invitation with a real token; the plain token is left on the instance as ``invitation.token``."""

    class Meta:
        model = Invitation

    round = factory.SubFactory(RoundFactory)
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"respondent{n}@partner.example")
    organisation = factory.Iterator(["Council", "Health trust", "Voluntary action"])
    level = factory.Iterator(list(Level.values))
    token_salt = ""
    token_hash = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        invitation = model_class(*args, **kwargs)
        token = issue_token(invitation)
        invitation.save()
        invitation.token = token
        return invitation


class ResponseFactory(DjangoModelFactory):
    """An empty response in progress (no answers)."""

    class Meta:
        model = Response

    invitation = factory.SubFactory(InvitationFactory)
    round = factory.LazyAttribute(lambda o: o.invitation.round)


def statements_by_principle(instrument_obj) -> dict[int, list[Statement]]:
    result: dict[int, list[Statement]] = {}
    for statement in Statement.objects.filter(principle__instrument=instrument_obj).select_related("principle"):
        result.setdefault(statement.principle.number, []).append(statement)
    for items in result.values():
        items.sort(key=lambda s: s.position)
    return result


def answer_sheets(
    invitation: Invitation,
    answers: Sequence[int | None],
    comments: Sequence[str] | None = None,
    *,
    require_open: bool = True,
) -> Response:
    """Save one answer per statement (36 on the PAT; None = unanswered) sheet by sheet through the services;
    return the response."""
    structure = selectors.instrument_structure(invitation.round.instrument)
    if len(answers) != len(structure.statements):
        raise ValueError(f"Expected {len(structure.statements)} answers, got {len(answers)}.")
    position = {s.id: index for index, s in enumerate(structure.statements)}
    response = None
    for principle in structure.principles:
        items = [
            services.AnswerInput(s.id, answers[position[s.id]], comments[position[s.id]] if comments else "")
            for s in principle.statements
        ]
        response = services.response_save_sheet(invitation, items, require_open=require_open)
    if response is None:  # the loop above always runs
        raise ValueError("No answer sheet was saved.")
    return response


def submitted_response(
    round_: Round,
    answers: Sequence[int],
    significance: Sequence[int] = (3, 3, 3, 3, 3, 3),
    success: int = 3,
    *,
    success_comment: str = "",
    comments: Sequence[str] | None = None,
    invitation: Invitation | None = None,
    **invitation_fields,
) -> Response:
    """Create a submitted response to ``round``: its answers saved in bulk, then submitted through the real
    ``services.response_submit`` (scores worked out, an anonymous response unlinked).

    ``answers``: the 36 answer values in statement order (1A..1F, 2A.., ... 6F). Works in any round state, so
    closed rounds' history can be built. Extra keyword arguments go to the InvitationFactory (``organisation``,
    ``level``, ``name``...). In an anonymous round the response returned has no id (see below).
    """
    if invitation is None:
        invitation = InvitationFactory.create(round=round_, **invitation_fields)
    structure = selectors.instrument_structure(round_.instrument)
    if len(answers) != len(structure.statements):
        raise ValueError(f"Expected {len(structure.statements)} answers, got {len(answers)}.")
    # The answers, significance and success are written as one row and one bulk insert, as the journey's saves
    # would leave them (their own tests, and ``answer_sheets``, go through the saves); the submit is the real one,
    # so the scores, the copy of the answers and an anonymous round's unlinking are what a respondent's give.
    response = Response.objects.create(
        invitation=invitation,
        round=round_,
        significance=list(significance),
        success=success,
        success_comment=success_comment.strip(),
    )
    Answer.objects.bulk_create(
        [
            Answer(response=response, statement_id=s.id, value=value, comment=comments[i].strip() if comments else "")
            for i, (s, value) in enumerate(zip(structure.statements, answers, strict=True))
        ]
    )
    result = services.response_submit(invitation, require_open=False)
    if result.response is None:
        raise ValueError("The response had already been submitted.")
    if round_.anonymous:
        # Unlinked on submit: the row in the database cannot be found from the invitation, so this is the
        # unsaved copy of its numbers that the respondent's thank-you page shows.
        return result.response
    return Response.objects.get(pk=result.response.pk)


# --- Rounds with results, made directly in bulk (fast): for the results, reports and cross-app tests ------


def partnership(**kwargs: object) -> Partnership:
    """Return an active partnership with a review due in 200 days (override any field)."""
    fields: dict[str, object] = {
        "purpose": "Joined-up services.",
        "lead_officer": "Lee Officer",
        "service_area": "Community safety",
        "continuum": "joint_delivery",
        "structure_model": "informal",
        "statutory_status": "non_statutory",
        "lifecycle_stage": "functioning",
        "status": "active",
        # Active since before any year a test reports on (activation would otherwise start it today).
        "start_date": date(2020, 1, 1),
        "review_due_date": timezone.localdate() + timedelta(days=200),
    }
    fields.update(kwargs)
    return cast(Partnership, PartnershipFactory(**fields))


def make_round(
    facilitator: User | None = None, *, anonymous: bool = True, closes_on: date | None = None, **kwargs
) -> Round:
    closes_on = closes_on or timezone.localdate()
    state = kwargs.pop("state", RoundState.CLOSED)
    round_ = Round.objects.create(
        partnership=kwargs.pop("partnership", None) or partnership(),
        instrument=default_instrument(),
        title=kwargs.pop("title", f"Health check {closes_on.year}"),
        facilitator=facilitator or cast(User, UserFactory(roles=[FACILITATOR])),
        opens_on=closes_on - timedelta(days=30),
        closes_on=closes_on,
        anonymous=anonymous,
        **kwargs,
    )
    # Closed through its transitions before its responses are added (no review date is recorded then).
    return round_bring_to(round_, state)


def add_responses(
    round_: Round,
    answer_sets: Sequence[Sequence[int]],
    *,
    organisations: Sequence[str] | None = None,
    levels: Sequence[str] | None = None,
    significance: Sequence[int] | None = None,
    success: int = 3,
    comment: str = "",
) -> list[Response]:
    """Create one submitted response per answer set (a value per statement, in order), in bulk.

    ``significance`` defaults to 3 for every principle."""
    statements = list(Statement.objects.filter(principle__instrument=round_.instrument).order_by("position"))
    start = Invitation.objects.filter(round=round_).count()
    invitations = Invitation.objects.bulk_create(
        [
            Invitation(
                round=round_,
                name=f"Person {start + i}",
                email=f"person{start + i}.{round_.pk}@example.org",
                mailbox=f"person{start + i}.{round_.pk}@example.org",
                organisation=organisations[i] if organisations else "Council",
                level=levels[i] if levels else "management",
                token_salt=f"{round_.pk:08d}{start + i:08d}",
                token_hash=f"{round_.pk:032d}{start + i:032d}",
            )
            for i in range(len(answer_sets))
        ]
    )
    now = timezone.now()
    responses = []
    structure = selectors.instrument_structure(round_.instrument)
    for invitation, answers in zip(invitations, answer_sets, strict=True):
        by_principle: dict[int, list[int | None]] = {}
        for statement, value in zip(structure.statements, answers, strict=True):
            by_principle.setdefault(statement.principle, []).append(value)
        scores, _total = services.profile_scores(by_principle, structure)
        responses.append(
            # An incomplete principle's score is a NULL array element; the stubs type the elements as non-null.
            Response(  # type: ignore[misc]
                invitation=invitation,
                round=round_,
                status=ResponseStatus.SUBMITTED,
                significance=list(significance) if significance is not None else [3] * structure.principle_count,
                success=success,
                success_comment=comment,
                principle_scores=scores,
                total=sum(s or 0 for s in scores),
                submitted_at=now,
            )
        )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(
        [
            Answer(response=r, statement=s, value=v, comment=comment if s.position == 1 else "")
            for r, answers in zip(responses, answer_sets, strict=True)
            for s, v in zip(statements, answers, strict=True)
        ]
    )
    # Stored as the services store them: an anonymous round's responses unlinked, answers copied on the rows.
    unlinking.unlink_submitted(django_apps, [round_.pk], finalise=False)
    return list(Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).order_by("id"))


def uniform(value: int, statements: int = 36) -> list[int]:
    """Return the same answer to every statement (36 on the PAT)."""
    return [value] * statements


def answers(*principle_scores: int) -> list[int]:
    """Return 36 answers whose six principle scores are the ones given (each 6..24)."""
    result = []
    for score in principle_scores:
        base, extra = divmod(score, 6)
        result += [base + 1] * extra + [base] * (6 - extra)
    return result
