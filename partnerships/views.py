"""Pages of the partnership register. Each view states its rule in one line (``partnerships/rules.py``), parses
the form, calls one selector or service, and renders or redirects."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.access import loader, permission_required_or_403
from partnerships import gateway as rules
from partnerships import selectors, services
from partnerships.filters import PartnershipFilter, register_filter, sort_links
from partnerships.forms import (
    ExitRecordForm,
    GatewayDecisionForm,
    GatewayForm,
    OutsideBodyCheckForm,
    PartnershipForm,
    RiskFilterForm,
    RiskForm,
    SignificanceOverrideForm,
    membership_formset,
    risk_action_formset,
)
from partnerships.models import (
    ExitRecord,
    GatewayReview,
    GatewayStatus,
    OutsideBodyCheck,
    Partnership,
    Risk,
    RiskCategory,
    Status,
)
from partnerships.risks import heat_map_alt_text

PAGE_SIZE = 25
partnership_from_url = loader(selectors.partnerships_with_records)


def _register_filter(request: HttpRequest) -> PartnershipFilter:
    return register_filter(request.GET, request.user)


@permission_required_or_403("partnerships.see_register")
@require_safe
def partnership_list(request: HttpRequest) -> HttpResponse:
    services.exits_close_due()  # the first read after an exit date closes the partnership
    register = _register_filter(request)
    # The page is chosen by id first, then only its rows are read with their partners: with an OFFSET (a later
    # page) PostgreSQL would otherwise work out the partners of every row it skips.
    page = Paginator(register.qs.values_list("pk", flat=True), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    by_id = {p.pk: p for p in register.qs.filter(pk__in=ids)} if ids else {}
    rows = [by_id[pk] for pk in ids]
    council_view = selectors.sees_whole_register(request.user)
    return render(
        request,
        "partnerships/list.html",
        {
            "council_view": council_view,
            "significance": selectors.significance_of(Partnership.objects.filter(pk__in=[p.pk for p in rows]))
            if council_view and rows
            else {},
            "filter": register,
            "page": page,
            "rows": rows,
            "sorts": sort_links(register.sort_key, request.GET),
            "today": register.today,
            "soon_days": settings.PHC_REVIEW_DUE_SOON_DAYS,
            "can_add": request.user.has_perm("partnerships.record_partnership"),
        },
    )


@permission_required_or_403("partnerships.see_reviews_due")
@require_safe
def reviews(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = list(selectors.reviews_due(request.user, today))
    return render(
        request,
        "partnerships/reviews.html",
        {
            "overdue": [r for r in rows if r.review_state == "overdue"],
            "due_soon": [r for r in rows if r.review_state == "due_soon"],
            "soon_days": settings.PHC_REVIEW_DUE_SOON_DAYS,
            "gateways": selectors.gateways_awaiting_approval()
            if request.user.has_perm("partnerships.see_gateways_awaiting")
            else None,
            "today": today,
        },
    )


@permission_required_or_403("partnerships.see_partnership", fn=partnership_from_url)
@require_safe
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    if partnership.status == Status.EXITING and services.exits_close_due():
        partnership = selectors.partnerships_with_records().get(pk=pk)  # its exit date has come: now closed
    whole_register = request.user.has_perm("partnerships.see_history")
    heat_map = (
        selectors.risk_heat_map(partnership=partnership)
        if request.user.has_perm("partnerships.see_risks", partnership)
        else None
    )
    return render(
        request,
        "partnerships/detail.html",
        {
            "heat_map": heat_map,
            "heat_map_text": heat_map_alt_text(heat_map) if heat_map else "",
            "cell_url": reverse("partnerships:risks", args=[partnership.pk]),
            "partnership": partnership,
            "memberships": selectors.partnership_memberships(partnership),
            "gateway": getattr(partnership, "gateway", None),
            "exit_record": getattr(partnership, "exit_record", None),
            "outside_body_check": getattr(partnership, "outside_body_check", None),
            "history": selectors.partnership_history(partnership) if whole_register else None,
            "whole_register": whole_register,
            "significance": selectors.partnership_significance(partnership) if whole_register else None,
        },
    )


def _partnership_form_page(request: HttpRequest, partnership: Partnership | None) -> HttpResponse:
    editing = partnership is not None
    formset_class = membership_formset(extra=2 if editing else 3)
    choices = selectors.organisation_choices()
    instance = partnership or Partnership()
    heading = f"Edit {partnership.name}" if partnership is not None else "Record a new partnership"
    if request.method == "POST":
        form = PartnershipForm(request.POST, instance=instance)
        formset = formset_class(request.POST, instance=instance, prefix="partners", organisation_choices=choices)
        if form.is_valid() and formset.is_valid():
            try:
                if partnership is not None:
                    saved = services.partnership_update(
                        partnership,
                        details=form.details,
                        partners=formset.partner_inputs(),
                        by=request.user,
                        status=form.cleaned_data.get("status") or None,
                    )
                else:
                    saved = services.partnership_create(
                        details=form.details, partners=formset.partner_inputs(), by=request.user
                    )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, f"{saved.name} is saved.")
                return redirect(saved)
    else:
        form = PartnershipForm(instance=instance)
        formset = formset_class(
            instance=instance,
            prefix="partners",
            organisation_choices=choices,
            queryset=selectors.partnership_memberships(partnership) if partnership is not None else None,
        )
    return render(
        request,
        "partnerships/form.html",
        {
            "form": form,
            "formset": formset,
            "partnership": partnership,
            "heading": heading,
            "service_areas": selectors.service_areas(),
        },
    )


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@permission_required_or_403("partnerships.record_partnership")
@require_http_methods(["GET", "POST"])
def partnership_create(request: HttpRequest) -> HttpResponse:
    return _partnership_form_page(request, None)


@permission_required_or_403("partnerships.keep_register", fn=partnership_from_url)
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    if partnership.is_closed:
        messages.info(request, "This partnership is closed: its record can be read but no longer changed.")
        return redirect(partnership)
    return _partnership_form_page(request, partnership)


@permission_required_or_403("partnerships.see_gateway", fn=partnership_from_url, post="partnerships.edit_gateway")
@require_http_methods(["GET", "POST"])
def gateway(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    review: GatewayReview | None = getattr(partnership, "gateway", None)
    can_edit = request.user.has_perm("partnerships.edit_gateway", partnership)
    answers = selectors.gateway_answers(review)
    form = None
    if can_edit:
        submitting = request.POST.get("action") == "submit"
        if request.method == "POST":
            form = GatewayForm(request.POST, submitting=submitting)
            if form.is_valid():
                try:
                    services.gateway_save(partnership, answers=form.answers(), by=request.user, submit=submitting)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    messages.success(
                        request,
                        "The gateway is submitted: a manager will approve or return it."
                        if submitting
                        else "Your answers are saved as a draft.",
                    )
                    return redirect("partnerships:gateway", pk=partnership.pk)
        else:
            form = GatewayForm(initial=GatewayForm.initial_from(answers))
    return _gateway_page(request, partnership, review, answers, form, GatewayDecisionForm())


def _numbered_sections(answers: dict) -> list:
    """Each section with its (number, question, answer) rows, numbered through the whole gateway."""
    numbers = {q.code: n for n, q in enumerate(rules.QUESTIONS, start=1)}
    return [(s, [(numbers[q.code], q, answers.get(q.code)) for q in s.questions]) for s in rules.SECTIONS]


def _gateway_page(request, partnership, review, answers, form, decision_form) -> HttpResponse:
    # The buttons come from the transitions this user may take (the four-eyes rule is their condition).
    decisions = (
        {t.name for t in review.get_available_user_status_transitions(request.user)} if review is not None else set()
    )
    can_decide = bool(decisions & {"approve", "send_back"})
    waiting_for_another = (
        review is not None
        and review.status == GatewayStatus.SUBMITTED
        and request.user.has_perm("partnerships.decide_gateway", partnership)
        and not can_decide
    )
    summary = rules.answer_summary({c: a.answer for c, a in answers.items()})
    numbers = {q.code: n for n, q in enumerate(rules.QUESTIONS, start=1)}
    ordered = rules.needing_attention_first(
        [(q.code, answers[q.code].answer) for q in rules.QUESTIONS if q.code in answers]
    )
    # The Partly and No answers, with their evidence, come first beside the decision: they are what is weighed.
    attention = [
        (numbers[code], rules.QUESTIONS_BY_CODE[code], answers[code])
        for code, answer in ordered
        if answer in (rules.PARTLY, rules.NO)
    ]
    return render(
        request,
        "partnerships/gateway.html",
        {
            "partnership": partnership,
            "review": review,
            "form": form,
            "sections": _numbered_sections(answers),
            "summary": summary,
            "summary_text": rules.answer_summary_text(summary),
            "attention": attention,
            "decision_form": decision_form if can_decide or decision_form.is_bound else None,
            "own_submission": waiting_for_another,
            "risks": selectors.partnership_risks(partnership, include_closed=False),
            "can_add_risk": request.user.has_perm("partnerships.edit_risks", partnership) and not partnership.is_closed,
        },
    )


@permission_required_or_403("partnerships.decide_gateway", fn=partnership_from_url)
@require_POST
def gateway_decide(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    review: GatewayReview | None = getattr(partnership, "gateway", None)
    if review is None or review.status != GatewayStatus.SUBMITTED:
        messages.error(request, "This gateway is not waiting for a decision.")
        return redirect("partnerships:gateway", pk=partnership.pk)
    form = GatewayDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == GatewayDecisionForm.APPROVE:
                services.gateway_approve(review, by=request.user)
                messages.success(request, f"The gateway is approved: {partnership.name} is now active.")
            else:
                services.gateway_return(review, by=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, "The gateway is returned with your reason.")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect(partnership)
    answers = selectors.gateway_answers(review)
    return _gateway_page(request, partnership, review, answers, None, form)


@permission_required_or_403(
    "partnerships.see_outside_body", fn=partnership_from_url, post="partnerships.edit_outside_body"
)
@require_http_methods(["GET", "POST"])
def outside_body(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    check: OutsideBodyCheck | None = getattr(partnership, "outside_body_check", None)
    can_edit = request.user.has_perm("partnerships.edit_outside_body", partnership)
    form = None
    if can_edit:
        form = OutsideBodyCheckForm(request.POST or None, instance=check)
        if request.method == "POST":
            if form.is_valid():
                services.outside_body_check_save(partnership, values=form.values, by=request.user)
                messages.success(request, "The outside body checks are saved.")
                return redirect(partnership)
    return render(
        request,
        "partnerships/outside_body.html",
        {
            "partnership": partnership,
            "check": check,
            "form": form,
        },
    )


@permission_required_or_403(
    "partnerships.see_significance", fn=partnership_from_url, post="partnerships.override_significance"
)
@require_http_methods(["GET", "POST"])
def significance(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    form = None
    if request.user.has_perm("partnerships.override_significance", partnership):
        form = SignificanceOverrideForm(request.POST or None, instance=partnership)
        if request.method == "POST" and form.is_valid():
            try:
                services.partnership_significance_override(
                    partnership,
                    override=form.cleaned_data["significance_override"],
                    reason=form.cleaned_data["significance_reason"],
                    by=request.user,
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, "The significance decision is saved.")
                return redirect(partnership)
    return render(
        request,
        "partnerships/significance.html",
        {
            "partnership": partnership,
            "decision": selectors.partnership_significance(partnership),
            "thresholds": selectors.significance_thresholds(),
            "overrides": selectors.significance_overrides(partnership),
            "form": form,
        },
    )


@permission_required_or_403("partnerships.see_exit", fn=partnership_from_url, post="partnerships.edit_exit")
@require_http_methods(["GET", "POST"])
def exit_record(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    record: ExitRecord | None = getattr(partnership, "exit_record", None)
    can_edit = request.user.has_perm("partnerships.edit_exit", partnership)
    form = None
    if can_edit:
        completing = request.POST.get("action") == "complete"
        form = ExitRecordForm(request.POST or None, instance=record, partnership=partnership, completing=completing)
        if request.method == "POST":
            if form.is_valid() and completing and not selectors.risk_count(partnership, RiskCategory.EXIT):
                form.add_error(None, rules.WITHDRAWAL_RISKS_MISSING)  # asked before the confirmation page
            if form.is_valid() and completing and request.POST.get("confirmed") != "yes":
                # Completing cannot be undone: ask first, with what is still open.
                return render(
                    request,
                    "partnerships/exit_confirm.html",
                    {"partnership": partnership, "form": form},
                )
            if form.is_valid():
                try:
                    services.exit_save(partnership, values=form.values, by=request.user, complete=completing)
                except ValidationError as exc:
                    _add_errors(form, exc)
                else:
                    if completing:
                        partnership.refresh_from_db(fields=["status"])
                        messages.success(
                            request,
                            f"The exit is complete: {partnership.name} is closed."
                            if partnership.is_closed
                            else f"The exit is complete: {partnership.name} stays exiting until "
                            f"{form.values['exit_date']:%-d %B %Y}, then closes.",
                        )
                        return redirect(partnership)
                    messages.success(request, "The exit record is saved as a draft.")
                    return redirect("partnerships:exit", pk=partnership.pk)
    return render(
        request,
        "partnerships/exit.html",
        {
            "partnership": partnership,
            "record": record,
            "form": form,
            "exit_risks": selectors.partnership_risks(partnership, category=RiskCategory.EXIT),
            "can_add_risk": request.user.has_perm("partnerships.edit_risks", partnership) and not partnership.is_closed,
        },
    )


# --- Risk register ---------------------------------------------------------------------------------------

# Where a risk form may send the person back to (never a URL from the request: no open redirect).
RISK_RETURNS = {"exit": "partnerships:exit", "gateway": "partnerships:gateway"}


@permission_required_or_403("partnerships.see_risks", fn=partnership_from_url)
@require_safe
def risk_register(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    can_edit = request.user.has_perm("partnerships.edit_risks", partnership) and not partnership.is_closed
    filters = RiskFilterForm(request.GET)
    chosen = filters.filters()
    heat_map = selectors.risk_heat_map(partnership=partnership)
    return render(
        request,
        "partnerships/risks.html",
        {
            "partnership": partnership,
            "risks": selectors.partnership_risks(partnership, **chosen),
            "filters": filters,
            "chosen": chosen,
            "heat_map": heat_map,
            "heat_map_text": heat_map_alt_text(heat_map),
            "cell_url": reverse("partnerships:risks", args=[partnership.pk]),
            "can_add": can_edit,
            "can_change": can_edit,
            "today": timezone.localdate(),
        },
    )


@permission_required_or_403("partnerships.see_risk_list")
@require_safe
def portfolio_risks(request: HttpRequest) -> HttpResponse:
    filters = RiskFilterForm(request.GET)
    chosen = filters.filters()
    page = Paginator(selectors.portfolio_risks(request.user, **chosen), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/portfolio_risks.html",
        {"page": page, "filters": filters, "chosen": chosen, "query": query.urlencode(), "today": timezone.localdate()},
    )


def _risk_form_page(request: HttpRequest, partnership: Partnership, risk: Risk | None) -> HttpResponse:
    if partnership.is_closed:
        messages.info(request, "This partnership is closed: its risk register can be read but no longer changed.")
        return redirect("partnerships:risks", pk=partnership.pk)
    return_to = request.GET.get("return", "")
    formset_class = risk_action_formset(extra=1 if risk else 2)
    instance = risk or Risk(partnership=partnership)
    if request.method == "POST":
        form = RiskForm(request.POST, instance=instance)
        formset = formset_class(request.POST, instance=instance, prefix="actions")
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.risk_save(
                    partnership, values=form.values, actions=formset.action_inputs(), by=request.user, risk=risk
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                rating = saved.partnership.get_risk_display().lower()
                messages.success(
                    request,
                    f"The risk “{saved.title}” is saved (score {saved.score}). "
                    f"The partnership's risk rating is {rating}.",
                )
                if return_to in RISK_RETURNS:
                    return redirect(RISK_RETURNS[return_to], pk=partnership.pk)
                return redirect("partnerships:risks", pk=partnership.pk)
    else:
        initial = {}
        category = request.GET.get("category", "")
        if risk is None and category in RiskCategory.values:
            initial["category"] = category
        if risk is None:
            initial["owner"] = partnership.lead_officer
        form = RiskForm(instance=instance, initial=initial)
        formset = formset_class(instance=instance, prefix="actions", queryset=selectors.risk_actions(risk))
    return render(
        request,
        "partnerships/risk_form.html",
        {
            "partnership": partnership,
            "risk": risk,
            "form": form,
            "formset": formset,
            "return_to": return_to if return_to in RISK_RETURNS else "",
            "history": selectors.risk_history(risk.history.select_related("history_user")) if risk else [],
        },
    )


@permission_required_or_403("partnerships.edit_risks", fn=partnership_from_url)
@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _risk_form_page(request, partnership_from_url(request, pk=pk), None)


@permission_required_or_403("partnerships.edit_risks", fn=partnership_from_url)
@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int, risk_pk: int) -> HttpResponse:
    partnership = partnership_from_url(request, pk=pk)
    return _risk_form_page(request, partnership, selectors.risk_for(partnership, risk_pk))
