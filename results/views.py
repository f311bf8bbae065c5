"""The facilitator's and manager's views of a round: results, profiles, workshop, exports, action plan."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments import scoring
from assessments.models import ActionItem, Principle, Round
from assessments.selectors import instrument_structure, round_counts, rounds_with_set_up
from assessments.services import ServiceError
from config.access import loader, permission_required_or_403
from config.exports import CSV_BOM, CSV_CONTENT_TYPE, as_attachment
from results import exporters, selectors, services
from results.forms import ActionItemForm, NextHealthCheckForm

round_from_url = loader(rounds_with_set_up)


@permission_required_or_403("results.view_round", fn=round_from_url)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    counts = round_counts(round_)
    context = {
        "round": round_,
        "counts": counts,
        "visible": selectors.results_visible(round_, counts.submitted),
        "results": selectors.round_results(round_),
        "min_group_size": settings.PHC_MIN_GROUP_SIZE,
    }
    return render(request, "assessments/results/results.html", context)


@permission_required_or_403("results.view_round", fn=round_from_url)
def respondent_profile(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    data = selectors.round_results(round_, with_detail=False)
    if not data.enough or not 1 <= number <= len(data.respondents):
        raise Http404("No such respondent")
    profile = data.respondents[number - 1]
    pairs = zip(data.structure.principles, profile.principle_scores, strict=True)
    rows = [(p, score, scoring.band_for(score, p.bands)) for p, score in pairs]
    total_band = scoring.band_for(profile.total, data.structure.total_bands)
    return render(
        request,
        "assessments/results/profile.html",
        {"round": round_, "results": data, "profile": profile, "rows": rows, "total_band": total_band},
    )


@permission_required_or_403("results.view_round", fn=round_from_url)
def workshop(request: HttpRequest, pk: int, *, present: bool = False) -> HttpResponse:
    """The workshop screens; with ``present``, the projector's full-screen version without the site's
    navigation, each screen fitting 1366x768 and larger without scrolling."""
    round_ = round_from_url(request, pk=pk)
    try:
        screen = int(request.GET.get("screen", "0"))
    except ValueError:
        screen = 0
    data = selectors.round_results(round_)
    # The overview, one screen per principle, then priorities and scenario.
    screens = data.structure.principle_count + 2
    screen = max(0, min(screens - 1, screen))
    context = {
        "round": round_,
        "results": data,
        "screen": screen,
        "screens": screens,
        "previous_screen": screen - 1 if screen > 0 else None,
        "next_screen": screen + 1 if screen < screens - 1 else None,
    }
    principle = next((row for row in data.principles if row.info.number == screen), None)
    if data.enough and principle is not None:
        context["principle"] = principle
        statements = data.principle_statements(screen)
        context["statements"] = statements
        # A projector has room for a few comments; the results page has them all.
        context["principle_comments"] = [text for s in statements for text, _ in s.comments][:3]
    template = "assessments/results/present.html" if present else "assessments/results/workshop.html"
    return render(request, template, context)


@permission_required_or_403("results.view_round", fn=round_from_url)
def workshop_present(request: HttpRequest, pk: int) -> HttpResponse:
    return workshop.__wrapped__(request, pk, present=True)


@permission_required_or_403("results.view_round", fn=round_from_url)
def results_json(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    body = json.dumps(exporters.results_json(selectors.round_results(round_, with_detail=False)), indent=2)
    response = HttpResponse(body, content_type="application/json")
    return as_attachment(response, exporters.export_filename(round_, "results", "json"))


@permission_required_or_403("results.view_round", fn=round_from_url)
def responses_csv(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    fingerprint = selectors.results_fingerprint(round_)
    key = f"responses-csv:{round_.pk}:{fingerprint}"
    body = cache.get(key) if fingerprint else None  # a closed round's CSV changes only with its responses
    if body is None:
        body = exporters.responses_csv(selectors.round_results(round_, with_detail=False, respondents_only=True))
        if fingerprint:
            cache.set(key, body, timeout=selectors.RESULTS_CACHE_TIMEOUT)
    response = HttpResponse(CSV_BOM + body, content_type=CSV_CONTENT_TYPE)
    return as_attachment(response, exporters.export_filename(round_, "responses", "csv"))


@permission_required_or_403("results.view_round", fn=round_from_url, post="results.plan_actions")
def actions(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    can_plan = request.user.has_perm("results.plan_actions", round_)
    # ?principle=N (from a workshop screen, or the page's own "Show its elements" without JavaScript) chooses the
    # principle, so only its elements are offered.
    chosen = _principle_asked(request, round_)
    action_form = ActionItemForm(
        instrument=round_.instrument,
        prefix="action",
        initial={"principle": chosen},
        elements_of=chosen if _elements_filtered(request) else None,
    )
    date_form = NextHealthCheckForm(initial={"next_health_check": round_.next_health_check}, prefix="next")
    if request.method == "POST":
        if "save_action" in request.POST:
            action_form = ActionItemForm(request.POST, instrument=round_.instrument, prefix="action")
            if action_form.is_valid():
                _, created = services.action_item_create(round_, **action_form.cleaned_data)
                if created:
                    messages.success(request, "The action was added to the plan.")
                else:
                    messages.info(request, "That action was already added a moment ago; it has not been added twice.")
                return redirect("results:actions", pk=round_.pk)
        elif "save_date" in request.POST:
            date_form = NextHealthCheckForm(request.POST, prefix="next")
            if date_form.is_valid():
                try:
                    services.round_set_next_health_check(round_, date_form.cleaned_data["next_health_check"])
                except ServiceError as exc:
                    date_form.add_error(None, exc.message)
                else:
                    messages.success(
                        request, "The next health check date is saved; it is now the partnership's review date."
                    )
                    return redirect("results:actions", pk=round_.pk)
    return render(
        request,
        "assessments/results/actions.html",
        {
            "round": round_,
            "actions": selectors.round_actions(round_),
            "action_form": action_form,
            "principles": instrument_structure(round_.instrument).principles,
            "chosen": chosen,
            "date_form": date_form,
            "can_plan": can_plan,
            "can_set_next_review": request.user.has_perm("results.set_next_review", round_),
        },
    )


@permission_required_or_403("results.plan_actions", fn=round_from_url)
def action_edit(request: HttpRequest, pk: int, action_id: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    action = get_object_or_404(ActionItem, pk=action_id, round=round_)
    chosen = _principle_asked(request, round_) or action.principle
    form = ActionItemForm(
        request.POST or None,
        instance=action,
        instrument=round_.instrument,
        elements_of=chosen if _elements_filtered(request) else None,
        initial={"principle": chosen, "element": None} if chosen != action.principle else {},
    )
    if request.method == "POST":
        if form.is_valid():
            services.action_item_update(action, **form.cleaned_data)
            messages.success(request, "The action was updated.")
            return redirect("results:actions", pk=round_.pk)
    return render(
        request,
        "assessments/results/action_edit.html",
        {
            "round": round_,
            "action": action,
            "form": form,
            "principles": instrument_structure(round_.instrument).principles,
            "chosen": chosen,
        },
    )


def _elements_filtered(request: HttpRequest) -> bool:
    """The page was asked for the chosen principle's elements only (the filter form, used without JavaScript; with
    it, the whole list stays and static/js/actions.js narrows it as the principle changes)."""
    return request.GET.get("show") == "elements"


def _principle_asked(request: HttpRequest, round_: Round) -> Principle | None:
    """The principle of the round's instrument that ?principle=N names, or None (absent, not a number, no such)."""
    asked = request.GET.get("principle", "")
    return round_.instrument.principles.filter(number=int(asked)).first() if asked.isdigit() else None
