"""Factories for rounds, invitations and responses; ``submitted_response`` goes through the real services.

Use them from any app's tests::

    round = RoundFactory(anonymous=False)
    response = submitted_response(round, [4, 2, 3, 3, 3, 1] + [3] * 30)

The instrument is the one loaded by migration 0002 (``default_instrument()``).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments import selectors, services
from assessments.instruments import DEFAULT_INSTRUMENT_FILE, default_instrument, load_instrument, read_instrument_file
from assessments.models import Invitation, Level, Response, Round, RoundState, Statement
from assessments.tokens import issue_token
from config.roles import FACILITATOR
from partnerships.models import Continuum, LifecycleStage, Partnership, StatutoryStatus, StructureModel


def instrument():
    """Return the default instrument, loading it again if a transactional test flushed the migration's rows."""
    return default_instrument() or load_instrument(read_instrument_file(DEFAULT_INSTRUMENT_FILE))


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@council.example")
    password = factory.django.Password("a-long-test-password")

    @factory.post_generation
    def roles(self, create: bool, extracted: Sequence[str] | None, **kwargs) -> None:
        """``UserFactory(roles=["Facilitator"])`` puts the user in those role groups."""
        if not create:
            return
        for name in extracted or ():
            group, _ = Group.objects.get_or_create(name=name)
            self.groups.add(group)


class _PartnershipFactory(DjangoModelFactory):
    """A minimal active partnership, so these factories do not depend on another app's test code."""

    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Test partnership {n}")
    reference = factory.Sequence(lambda n: f"T-{n:05d}")
    purpose = "Joint working on a shared local priority."
    lead_officer = "A. Lead"
    service_area = "Communities"
    continuum = Continuum.JOINT_PLANNING
    structure_model = StructureModel.INFORMAL
    statutory_status = StatutoryStatus.NON_STATUTORY
    lifecycle_stage = LifecycleStage.FUNCTIONING
    status = "active"
    review_due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=200))


class RoundFactory(DjangoModelFactory):
    """An OPEN anonymous round (pass ``state=RoundState.DRAFT`` or ``CLOSED`` for others)."""

    class Meta:
        model = Round

    partnership = factory.SubFactory(_PartnershipFactory)
    instrument = factory.LazyFunction(instrument)
    title = factory.Sequence(lambda n: f"Annual health check {n}")
    facilitator = factory.SubFactory(UserFactory, roles=[FACILITATOR])
    levels = factory.LazyFunction(lambda: list(Level.values))
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
    anonymous = True
    state = RoundState.OPEN


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
    assert response is not None
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
    """Create a submitted response to ``round`` through the services (scores worked out on submit).

    ``answers``: the 36 answer values in statement order (1A..1F, 2A.., ... 6F). Works in any round state, so
    closed rounds' history can be built. Extra keyword arguments go to the InvitationFactory (``organisation``,
    ``level``, ``name``...).
    """
    if invitation is None:
        invitation = InvitationFactory(round=round_, **invitation_fields)
    answer_sheets(invitation, answers, comments, require_open=False)
    services.response_save_significance(invitation, list(significance), require_open=False)
    services.response_save_success(invitation, success, success_comment, require_open=False)
    result = services.response_submit(invitation, require_open=False)
    return Response.objects.get(pk=result.response.pk)
