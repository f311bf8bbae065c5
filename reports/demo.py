"""Demo data for the council's view (issue 19), run by ``seed_demo`` after the register and the rounds.

The yearly demo rounds close each October, so by December of the next year none is "within the last 12
months". Half of the ten partnerships with rounds get a recent health check (closed two months ago), so the demo
council shows every compliance state and the priority map has partnerships to place. Deterministic and
idempotent like the other demo modules; the rounds are made by the assessments demo's own helpers.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from assessments import demo as rounds_demo
from assessments.instruments import default_instrument
from assessments.models import RoundState
from partnerships.models import Partnership

# Positions (by reference) among the partnerships with demo rounds that get a recent health check.
RECENT_CHECKS = (0, 2, 4, 5, 7)
RECENT_TITLE = "Interim health check"


def create_demo(users: dict, stdout) -> None:
    """Create the recent health checks (see the module docstring), with the assessments demo's own round
    helpers (private to it, shared here so the demo rounds stay one recipe)."""
    partnerships = list(
        Partnership.objects.filter(status="active", rounds__isnull=False).distinct().order_by("reference")
    )[: rounds_demo.PARTNERSHIP_COUNT]
    instrument = default_instrument()
    if instrument is None or len(partnerships) < rounds_demo.PARTNERSHIP_COUNT:
        return
    statements = rounds_demo._statements_by_principle(instrument)  # noqa: SLF001
    closes_on = timezone.localdate() - timedelta(days=60)
    created = 0
    for index in RECENT_CHECKS:
        partnership = partnerships[index]
        if rounds_demo._round_exists(partnership, RECENT_TITLE):  # noqa: SLF001
            continue
        plan = rounds_demo.RoundPlan(
            title=RECENT_TITLE,
            opens_on=closes_on - timedelta(days=30),
            closes_on=closes_on,
            state=RoundState.CLOSED,
            anonymous=True,
            conflict=index % 2 == 0,
            health=1.9 + (index * 0.37) % 1.6,  # as healthy as the partnership's yearly rounds make it today
        )
        rounds_demo._create_closed_round(  # noqa: SLF001
            random.Random(f"{partnership.reference}-interim"),
            plan,
            partnership,
            instrument,
            users["facilitator"],
            rounds_demo._organisations(partnership),  # noqa: SLF001
            statements,
        )
        created += 1
    stdout.write(f"Council's view: {created} recent health checks added.")
