"""Background jobs of the results app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django_tasks import task

from assessments.models import Round, RoundState
from assessments.selectors import round_counts
from results import selectors


def prepare_closed_round(sender: type, round_id: int, **kwargs: object) -> None:
    """On ``assessments.signals.round_closed``: have a worker prepare the round's results."""
    round_results_prepare.enqueue(round_id)


@task()
def round_results_prepare(round_id: int) -> bool:
    """Work out a closed round's results and draw its charts into the shared cache, so the first person to
    open them does not wait; return True when there were results to prepare."""
    round_ = (
        Round.objects.select_related("partnership", "instrument", "facilitator")
        .defer("instrument__source")
        .filter(pk=round_id, state=RoundState.CLOSED)
        .first()
    )
    if round_ is None:
        return False
    counts = round_counts(round_)
    if not selectors.results_visible(round_, counts.submitted):
        return False
    # The results are cached by their fingerprint and every chart by what it shows: rendering the page's
    # body once fills both caches, exactly as the results page will read them.
    context = {
        "round": round_,
        "counts": counts,
        "visible": True,
        "results": selectors.round_results(round_),
        "min_group_size": settings.PHC_MIN_GROUP_SIZE,
    }
    render_to_string("assessments/results/_results_body.html", context)
    return True
