"""Builders for results tests: rounds with submitted responses, made directly (fast, bulk)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from assessments.instruments import default_instrument
from assessments.models import Answer, Invitation, Response, ResponseStatus, Round, RoundState, Statement
from assessments.selectors import instrument_structure
from assessments.services import profile_scores
from partnerships.models import Partnership

_counter = itertools.count(1)


def user(role: str | None = None, username: str | None = None):
    username = username or f"user{next(_counter)}"
    u = get_user_model().objects.create_user(username, email=f"{username}@example.org", password="a-long-password-1")
    if role:
        u.groups.add(Group.objects.get(name=role))
    return u


def partnership(**kwargs) -> Partnership:
    n = next(_counter)
    fields = {
        "name": f"Test partnership {n}",
        "reference": f"T-{n:05d}",
        "purpose": "Joined-up services.",
        "lead_officer": "Lee Officer",
        "service_area": "Community safety",
        "continuum": "joint_delivery",
        "structure_model": "informal",
        "statutory_status": "non_statutory",
        "lifecycle_stage": "functioning",
        "status": "active",
        "review_due_date": timezone.localdate() + timedelta(days=200),
    }
    fields.update(kwargs)
    return Partnership.objects.create(**fields)


def make_round(facilitator=None, *, anonymous: bool = True, closes_on: date | None = None, **kwargs) -> Round:
    closes_on = closes_on or timezone.localdate()
    return Round.objects.create(
        partnership=kwargs.pop("partnership", None) or partnership(),
        instrument=default_instrument(),
        title=kwargs.pop("title", f"Health check {closes_on.year}"),
        facilitator=facilitator or user("Facilitator"),
        opens_on=closes_on - timedelta(days=30),
        closes_on=closes_on,
        anonymous=anonymous,
        state=kwargs.pop("state", RoundState.CLOSED),
        **kwargs,
    )


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
    structure = instrument_structure(round_.instrument)
    for invitation, answers in zip(invitations, answer_sets, strict=True):
        by_principle: dict[int, list[int | None]] = {}
        for statement, value in zip(structure.statements, answers, strict=True):
            by_principle.setdefault(statement.principle, []).append(value)
        scores, _total = profile_scores(by_principle, structure)
        responses.append(
            Response(
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
    return responses


def uniform(value: int, statements: int = 36) -> list[int]:
    """Return the same answer to every statement (36 on the PAT)."""
    return [value] * statements
