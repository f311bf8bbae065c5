"""Chart downloads and (later) the managers' reports."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify

from assessments import results as selectors
from assessments.results_views import round_for_viewer
from reports import services

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


@login_required
def dartboard(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Dartboards are available as .svg or .png")
    round_ = round_for_viewer(request, pk)
    data = selectors.round_results(round_, with_detail=False)
    if not data.enough:
        raise Http404("This round does not have enough responses to show a dartboard yet.")
    response = HttpResponse(services.round_dartboard(data, fmt), content_type=CONTENT_TYPES[fmt])
    name = f"{slugify(round_.partnership.name)}-{slugify(round_.title)}-dartboard.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
