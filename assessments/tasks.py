"""Background jobs of the assessments app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import render_to_string
from django_tasks import task

from assessments.models import Round, RoundState

# The fragment cached by templates/assessments/results/results.html ({% cache ... round-results-body %}).
RESULTS_BODY_FRAGMENT = "round-results-body"
RESULTS_BODY_TEMPLATE = "assessments/results/_results_body.html"
RESULTS_BODY_SECONDS = 604800


@task()
def round_results_prepare(round_id: int) -> bool:
    """Work out a closed round's results and draw its charts into the cache the results page reads, so the
    first person to open them does not wait; return True when the body is in the cache."""
    from assessments import results as selectors  # noqa: PLC0415 (the results module imports the charts)

    round_ = (
        Round.objects.select_related("partnership", "instrument", "facilitator")
        .defer("instrument__source")
        .filter(pk=round_id, state=RoundState.CLOSED)
        .first()
    )
    if round_ is None:
        return False
    fingerprint = selectors.results_fingerprint(round_)
    counts = selectors.round_counts(round_)
    if fingerprint is None or not selectors.results_visible(round_, counts.submitted):
        return False
    key = make_template_fragment_key(RESULTS_BODY_FRAGMENT, [round_.pk, fingerprint])
    if cache.get(key) is None:
        context = {
            "round": round_,
            "counts": counts,
            "visible": True,
            "results": selectors.round_results(round_),
            "fingerprint": fingerprint,
            "min_group_size": settings.PHC_MIN_GROUP_SIZE,
        }
        cache.set(key, render_to_string(RESULTS_BODY_TEMPLATE, context), RESULTS_BODY_SECONDS)
    return True
