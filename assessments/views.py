"""Pages for setting up rounds and inviting respondents (facilitators), and the respondent's journey."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from assessments import selectors, services
from assessments.forms import (
    InvitationConfirmForm,
    InvitationForm,
    InvitationImportForm,
    PrincipleSheetForm,
    ReopenForm,
    RoundEmailsForm,
    RoundForm,
    RoundStateForm,
    SignificanceForm,
    SuccessForm,
    parse_invitations_csv,
)
from assessments.instruments import default_instrument
from assessments.models import Invitation, Level, ResponseStatus, Round, RoundState
from assessments.tokens import token_for
from config.views import ratelimited

RESPOND_RATE_DEFAULT = "60/m"

# --- Facilitator pages ------------------------------------------------------------------------------------


def _require_perm(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _round_for(request: HttpRequest, pk: int, perm: str, *, manage: bool = True) -> Round:
    """Return the round if the user holds ``perm`` and facilitates it (or, to look only, is a manager)."""
    _require_perm(request, perm)
    try:
        round_ = selectors.round_get(pk)
    except Round.DoesNotExist as exc:
        raise Http404("No such round.") from exc
    user = request.user
    if round_.facilitator_id == user.pk or user.is_superuser:
        return round_
    if not manage and selectors.user_sees_all_rounds(user):
        return round_
    raise PermissionDenied


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "assessments.view_round")
    page = Paginator(selectors.rounds_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/rounds/list.html",
        {
            "rounds": page,
            "page": page,
            "sees_all": selectors.user_sees_all_rounds(request.user),
            "can_add": request.user.has_perm("assessments.add_round"),
        },
    )


def _initial_round(request: HttpRequest) -> dict:
    today = timezone.localdate()
    initial = {
        "instrument": default_instrument(),
        "facilitator": request.user,
        "levels": list(Level.values),
        "opens_on": today,
        "closes_on": today + datetime.timedelta(days=28),
        "anonymous": True,
        "title": f"Annual health check {today.year}",
    }
    partnership = request.GET.get("partnership", "")
    if partnership.isdigit():
        initial["partnership"] = int(partnership)
    return initial


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "assessments.add_round")
    form = RoundForm(request.POST or None, initial=_initial_round(request))
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The round is set up as a draft. Invite the respondents, then open it.")
            return redirect(round_)
    return render(request, "assessments/rounds/form.html", {"form": form, "round": None})


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_round")
    if round_.state == RoundState.CLOSED:
        messages.error(request, "A closed round cannot be changed.")
        return redirect(round_)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_update(round_, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The round's set-up is saved.")
            return redirect(round_)
    return render(request, "assessments/rounds/form.html", {"form": form, "round": round_})


def _reopen_choices(round_: Round):
    if round_.anonymous:
        # The facilitator knows who was invited; offering everyone keeps who has submitted hidden.
        return Invitation.objects.filter(round=round_, revoked_at__isnull=True).order_by("name")
    return Invitation.objects.filter(round=round_, response__status=ResponseStatus.SUBMITTED).order_by("name")


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.view_round", manage=False)
    can_manage = round_.facilitator_id == request.user.pk or request.user.is_superuser
    reopen_form = None
    if can_manage and round_.state == RoundState.OPEN:
        reopen_form = ReopenForm(invitations=_reopen_choices(round_))
    return render(
        request,
        "assessments/rounds/detail.html",
        {
            "round": round_,
            "counts": selectors.round_counts(round_),
            "can_manage": can_manage,
            "reopen_form": reopen_form,
            "reopenings": selectors.round_reopenings(round_),
            "level_labels": [Level(v).label for v in round_.levels],
        },
    )


@login_required
@require_POST
def round_state(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_round")
    form = RoundStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to open or close the round.")
        return redirect(round_)
    try:
        if form.cleaned_data["action"] == "open":
            services.round_open(round_)
            messages.success(request, "The round is open: respondents' links now work.")
        else:
            services.round_close(round_)
            messages.success(request, "The round is closed: it takes no more answers.")
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(round_)


@login_required
def round_close_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before closing: a closed round cannot be opened again."""
    round_ = _round_for(request, pk, "assessments.change_round")
    if round_.state != RoundState.OPEN:
        messages.info(request, "Only an open round can be closed.")
        return redirect(round_)
    return render(request, "assessments/rounds/close.html", {"round": round_, "counts": selectors.round_counts(round_)})


@login_required
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.add_reopening")
    form = ReopenForm(request.POST, invitations=_reopen_choices(round_))
    if not form.is_valid():
        messages.error(request, "Choose whose response to reopen and give the reason.")
        return redirect(round_)
    invitation = form.cleaned_data["invitation"]
    try:
        reopening = services.invitation_reopen(invitation, by=request.user, reason=form.cleaned_data["reason"])
    except (services.ServiceError, ValidationError) as exc:
        messages.error(request, getattr(exc, "message", "The response could not be reopened."))
        return redirect(round_)
    if round_.anonymous:
        messages.info(
            request,
            f"If {invitation.name} had submitted a response, it is now reopened and they can change it by "
            "their link. Otherwise nothing has changed. (This is an anonymous round, so this page does not "
            "say which.)",
        )
    elif reopening:
        messages.success(request, f"{invitation.name}'s response is reopened: they can change it by their link.")
    else:
        messages.info(request, f"{invitation.name} has no submitted response, so nothing was reopened.")
    return redirect(round_)


def _invitations_page(request: HttpRequest, round_: Round, status: int = 200, **forms) -> HttpResponse:
    counts = selectors.round_counts(round_)
    context = {
        "round": round_,
        "counts": counts,
        "add_form": forms.get("add_form") or InvitationForm(round_=round_),
        "import_form": forms.get("import_form") or InvitationImportForm(),
        "emails_form": forms.get("emails_form")
        or RoundEmailsForm(
            initial={
                "invitation_subject": round_.invitation_subject,
                "invitation_body": round_.invitation_body,
                "reminder_subject": round_.reminder_subject,
                "reminder_body": round_.reminder_body,
            }
        ),
        "revoked": selectors.round_revoked_invitations(round_),
        "max_upload": settings.MAX_CSV_UPLOAD_BYTES,
        "is_closed": round_.state == RoundState.CLOSED,
    }
    if round_.anonymous:
        context["not_responded"] = selectors.round_not_responded(round_)
    else:
        context["invitations"] = [i for i in selectors.round_invitations(round_) if i.revoked_at is None]
    return render(request, "assessments/rounds/invitations.html", context, status=status)


@login_required
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.view_invitation")
    return _invitations_page(request, round_)


@login_required
@require_POST
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.add_invitation")
    form = InvitationForm(request.POST, round_=round_)
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(round_, form.row())
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"{invitation.name} is invited. Send the invitations when you are ready.")
            return redirect("assessments:invitations", pk=round_.pk)
    return _invitations_page(request, round_, add_form=form)


def _preview(round_: Round, text: str):
    return parse_invitations_csv(
        text, existing_emails=selectors.round_emails_existing(round_), allowed_levels=round_.levels
    )


@login_required
@require_POST
def invitations_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.add_invitation")
    form = InvitationImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invitations_page(request, round_, import_form=form)
    text = form.cleaned_data["text"]
    return render(
        request,
        "assessments/rounds/import_preview.html",
        {
            "round": round_,
            "preview": _preview(round_, text),
            "confirm_form": InvitationConfirmForm(initial={"text": text}),
        },
    )


@login_required
@require_POST
def invitations_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.add_invitation")
    form = InvitationConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The rows could not be read again; paste or upload them once more.")
        return redirect("assessments:invitations", pk=round_.pk)
    # Checked again now: someone may have been invited since the preview.
    preview = _preview(round_, form.cleaned_data["text"])
    try:
        added = services.invitations_import(round_, preview.rows)
    except services.ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("assessments:invitations", pk=round_.pk)
    left_out = len(preview.bad) + (len(preview.rows) - added)
    text = f"{added} {'person' if added == 1 else 'people'} added."
    if left_out:
        text += f" {left_out} {'row was' if left_out == 1 else 'rows were'} left out."
    messages.success(request, text)
    return redirect("assessments:invitations", pk=round_.pk)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_POST
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_invitation")
    try:
        sent = services.invitations_send(round_, base_url=_base_url(request))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"Invitations sent to {sent} {'person' if sent == 1 else 'people'}.")
        else:
            messages.info(request, "Everyone has already been sent an invitation.")
    return redirect("assessments:invitations", pk=round_.pk)


@login_required
@require_POST
def reminders_send(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_invitation")
    try:
        sent = services.reminders_send(round_, base_url=_base_url(request))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"Reminders sent to {sent} {'person' if sent == 1 else 'people'}.")
        else:
            messages.info(request, "There is no one to remind.")
    return redirect("assessments:invitations", pk=round_.pk)


@login_required
@require_POST
def round_emails(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_round")
    form = RoundEmailsForm(request.POST)
    if form.is_valid():
        try:
            services.round_emails_update(round_, **{k: v for k, v in form.cleaned_data.items()})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "The email texts are saved.")
            return redirect("assessments:invitations", pk=round_.pk)
    return _invitations_page(request, round_, emails_form=form)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    round_ = _round_for(request, pk, "assessments.change_invitation")
    invitation = get_object_or_404(Invitation, pk=invitation_pk, round=round_)
    try:
        services.invitation_revoke(invitation)
    except services.RoundNotOpen as exc:
        messages.error(request, str(exc))
        return redirect("assessments:invitations", pk=round_.pk)
    messages.success(request, f"{invitation.name}'s link no longer works.")
    return redirect("assessments:invitations", pk=round_.pk)


# --- The respondent's journey -----------------------------------------------------------------------------


def _respond_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "PHC_RESPOND_RATE", RESPOND_RATE_DEFAULT)


def _link_problem(request: HttpRequest, problem: str, invitation: Invitation | None, status: int) -> HttpResponse:
    return render(
        request,
        "assessments/respond/link_problem.html",
        {"problem": problem, "invitation": invitation, "round": invitation.round if invitation else None},
        status=status,
    )


def journey(allow_closed: bool = False) -> Callable:
    """Decorate a journey view: rate-limit, find the invitation by token, refuse links that cannot be used.

    Unknown link: 404. Withdrawn link or closed round: 410 (Gone), with the facilitator's name and email.
    Draft round: 200, saying the round has not opened yet. In a closed round a submitted respondent may
    still see their own profile (views with ``allow_closed``); other pages send them there.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            response = _journey_response(request, token, *args, **kwargs)
            # Personal answers: never kept by a shared computer's cache or a proxy.
            add_never_cache_headers(response)
            return response

        def _journey_response(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponse:
            if is_ratelimited(
                request, group="respond", key="ip", rate=_respond_rate, method=["GET", "POST"], increment=True
            ):
                return ratelimited(request)
            invitation = selectors.invitation_for_token(token)
            if invitation is None:
                return _link_problem(request, "unknown", None, 404)
            if invitation.revoked_at is not None:
                return _link_problem(request, "revoked", invitation, 410)
            state = invitation.round.state
            if state == RoundState.DRAFT:
                return _link_problem(request, "draft", invitation, 200)
            response = selectors.response_of(invitation)
            if state == RoundState.CLOSED or not invitation.round.takes_answers:
                # Closed, or open past its close date: no more answers, but one's own profile stays readable.
                if response is None or not response.is_submitted:
                    return _link_problem(request, "closed", invitation, 410)
                if not allow_closed:
                    return redirect("assessments:respond_thanks", token=token)
            return view(request, invitation, response, token, *args, **kwargs)

        return wrapper

    return decorate


def _steps(invitation: Invitation) -> selectors.JourneySteps:
    return selectors.journey_steps(selectors.instrument_structure(invitation.round.instrument))


def _step_url(token: str, step: int, steps: selectors.JourneySteps) -> str:
    if step <= 0:
        return reverse("assessments:respond_welcome", args=[token])
    if step <= steps.principles:
        return reverse("assessments:respond_principle", args=[token, step])
    if step == steps.significance:
        return reverse("assessments:respond_significance", args=[token])
    if step == steps.success:
        return reverse("assessments:respond_success", args=[token])
    return reverse("assessments:respond_review", args=[token])


def _journey_context(invitation: Invitation, response, token: str, step: int | None) -> dict:
    instrument = invitation.round.instrument
    structure = selectors.instrument_structure(instrument)
    journey = selectors.journey_steps(structure)
    progress = selectors.response_progress(response, instrument)
    steps = [
        {
            "number": p.number,
            "label": f"Principle {p.number}: {p.short_title}",
            "url": _step_url(token, p.number, journey),
        }
        for p in structure.principles
    ]
    steps.append(
        {
            "number": journey.significance,
            "label": "Significance",
            "url": _step_url(token, journey.significance, journey),
        }
    )
    steps.append({"number": journey.success, "label": "Success", "url": _step_url(token, journey.success, journey)})
    for item in steps:
        item["complete"] = item["number"] in progress.complete_steps
        item["current"] = item["number"] == step
    return {
        "invitation": invitation,
        "round": invitation.round,
        "instrument": instrument,
        "structure": structure,
        "journey": journey,
        "token": token,
        "step": step,
        "step_count": journey.count,
        "steps": steps,
        "progress": progress,
    }


def _after_save(request: HttpRequest, token: str, step: int, steps: selectors.JourneySteps) -> HttpResponse:
    goto = request.POST.get("goto", "")
    if goto == "review":
        return redirect("assessments:respond_review", token=token)
    if goto.isdigit() and 1 <= int(goto) <= steps.count:
        return redirect(_step_url(token, int(goto), steps))
    action = request.POST.get("action", "next")
    if action == "later":
        return redirect("assessments:respond_saved", token=token)
    if action == "previous":
        return redirect(_step_url(token, step - 1, steps))
    return redirect(_step_url(token, step + 1, steps))


def _already_submitted(request: HttpRequest, token: str) -> HttpResponse:
    messages.info(request, "Your response has already been received, so it can no longer be changed.")
    return redirect("assessments:respond_thanks", token=token)


def _round_closed(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    return _link_problem(request, "closed", invitation, 410)


@journey()
def respond(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    """The link from the email: the welcome page, or where the respondent left off."""
    if response is not None:
        if response.is_submitted:
            return redirect("assessments:respond_thanks", token=token)
        step = selectors.response_progress(response, invitation.round.instrument).first_incomplete_step()
        steps = _steps(invitation)
        return redirect(_step_url(token, step if step is not None else steps.count + 1, steps))
    return respond_welcome.__wrapped__(request, invitation, response, token)


@journey()
def respond_welcome(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    context = _journey_context(invitation, response, token, None)
    journey = context["journey"]
    context["first_url"] = _step_url(token, context["progress"].first_incomplete_step() or journey.count + 1, journey)
    return render(request, "assessments/respond/welcome.html", context)


@journey()
def respond_principle(request: HttpRequest, invitation: Invitation, response, token: str, number: int) -> HttpResponse:
    structure = selectors.instrument_structure(invitation.round.instrument)
    if number not in structure.principle_numbers:
        raise Http404("No such sheet.")
    if response is not None and response.is_submitted:
        return _already_submitted(request, token)
    principle = structure.principle(number)
    options = structure.scale_options
    if request.method == "POST":
        form = PrincipleSheetForm(request.POST, principle=principle, options=options)
        if form.is_valid():
            try:
                services.response_save_sheet(invitation, form.answers())
            except services.ResponseAlreadySubmitted:
                return _already_submitted(request, token)
            except services.RoundNotOpen:
                return _round_closed(request, invitation)
            return _after_save(request, token, number, selectors.journey_steps(structure))
    else:
        saved = selectors.response_answers(response, principle.statements)
        initial = {}
        for statement in principle.statements:
            answer = saved.get(statement.pk)
            if answer is not None:
                initial[f"answer_{statement.pk}"] = answer.value
                initial[f"comment_{statement.pk}"] = answer.comment
        form = PrincipleSheetForm(initial=initial, principle=principle, options=options)
    context = _journey_context(invitation, response, token, number)
    context.update({"form": form, "principle": principle})
    return render(request, "assessments/respond/principle.html", context)


@journey()
def respond_significance(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    if response is not None and response.is_submitted:
        return _already_submitted(request, token)
    structure = selectors.instrument_structure(invitation.round.instrument)
    steps = selectors.journey_steps(structure)
    if request.method == "POST":
        form = SignificanceForm(request.POST, structure=structure)
        if form.is_valid():
            try:
                services.response_save_significance(invitation, form.values())
            except services.ResponseAlreadySubmitted:
                return _already_submitted(request, token)
            except services.RoundNotOpen:
                return _round_closed(request, invitation)
            return _after_save(request, token, steps.significance, steps)
    else:
        saved = list(response.significance) if response and response.significance else []
        initial = {f"significance_{n}": value for n, value in zip(structure.principle_numbers, saved, strict=False)}
        form = SignificanceForm(initial=initial, structure=structure)
    context = _journey_context(invitation, response, token, steps.significance)
    context["form"] = form
    return render(request, "assessments/respond/significance.html", context)


@journey()
def respond_success(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    if response is not None and response.is_submitted:
        return _already_submitted(request, token)
    structure = selectors.instrument_structure(invitation.round.instrument)
    steps = selectors.journey_steps(structure)
    if request.method == "POST":
        form = SuccessForm(request.POST, structure=structure)
        if form.is_valid():
            try:
                services.response_save_success(
                    invitation, form.cleaned_data["success"], form.cleaned_data["success_comment"]
                )
            except services.ResponseAlreadySubmitted:
                return _already_submitted(request, token)
            except services.RoundNotOpen:
                return _round_closed(request, invitation)
            return _after_save(request, token, steps.success, steps)
    else:
        initial = {"success": response.success, "success_comment": response.success_comment} if response else {}
        form = SuccessForm(initial=initial, structure=structure)
    context = _journey_context(invitation, response, token, steps.success)
    context["form"] = form
    return render(request, "assessments/respond/success.html", context)


def _missing_groups(
    token: str, missing: list[selectors.MissingItem], steps: list[dict], journey: selectors.JourneySteps
) -> list[dict]:
    """Return the missing items grouped by step, each with a link to its place on the step's page."""
    titles = {s["number"]: s["label"] for s in steps}
    groups: dict[int, dict] = {}
    for item in missing:
        group = groups.setdefault(item.step, {"title": titles.get(item.step, ""), "items": []})
        url = _step_url(token, item.step, journey)
        group["items"].append({"label": item.label, "short": item.short, "url": f"{url}#{item.anchor}"})
    return list(groups.values())


@journey()
def respond_review(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    """GET: every answer with links to change it. POST: submit."""
    missing = None
    if request.method == "POST":
        try:
            result = services.response_submit(invitation)
        except services.ResponseIncomplete as exc:
            missing = exc.missing
        except services.RoundNotOpen:
            return _round_closed(request, invitation)
        else:
            if result.already_submitted:
                when = timezone.localtime(result.response.submitted_at)
                messages.info(
                    request,
                    f"Your response was already received on {when:%-d %B %Y at %H:%M}. Nothing was changed.",
                )
            return redirect("assessments:respond_thanks", token=token)
    elif response is not None and response.is_submitted:
        return redirect("assessments:respond_thanks", token=token)
    instrument = invitation.round.instrument
    context = _journey_context(invitation, response, token, None)
    structure, journey = context["structure"], context["journey"]
    significance = dict(zip(structure.principle_numbers, response.significance or [], strict=False)) if response else {}
    context.update(
        {
            "sheets": selectors.response_review(response, instrument),
            "labels": structure.scale,
            "significance_rows": [(p, significance.get(p.number)) for p in structure.principles],
            "response": response,
            "missing": missing,
            "missing_groups": _missing_groups(
                token, missing if missing is not None else context["progress"].missing, context["steps"], journey
            ),
            "previous_url": _step_url(token, journey.success, journey),
            "step_urls": {n: _step_url(token, n, journey) for n in journey.numbers},
        }
    )
    return render(request, "assessments/respond/review.html", context)


@journey()
def respond_saved(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    link = request.build_absolute_uri(reverse("assessments:respond", args=[token]))
    context = _journey_context(invitation, response, token, None)
    context["link"] = link
    return render(request, "assessments/respond/saved.html", context)


@journey(allow_closed=True)
def respond_thanks(request: HttpRequest, invitation: Invitation, response, token: str) -> HttpResponse:
    if response is None or not response.is_submitted:
        return redirect("assessments:respond", token=token)
    instrument = invitation.round.instrument
    return render(
        request,
        "assessments/respond/thanks.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "response": response,
            "profile": selectors.response_profile(response, instrument),
            "structure": selectors.instrument_structure(instrument),
        },
    )


# --- My assessments ---------------------------------------------------------------------------------------


@login_required
def my_assessments(request: HttpRequest) -> HttpResponse:
    open_rows, done_rows, missed_rows = [], [], []
    for invitation in selectors.invitations_for_user(request.user):
        response = selectors.response_of(invitation)
        token = token_for(invitation)
        row = {"invitation": invitation, "round": invitation.round, "response": response}
        if response is not None and response.is_submitted:
            row["url"] = reverse("assessments:respond_thanks", args=[token])
            done_rows.append(row)
        elif invitation.round.state == RoundState.OPEN:
            row["url"] = reverse("assessments:respond", args=[token])
            row["status"] = "In progress" if response else "Not started"
            open_rows.append(row)
        else:
            missed_rows.append(row)
    return render(
        request,
        "assessments/my/index.html",
        {"open_rows": open_rows, "done_rows": done_rows, "missed_rows": missed_rows},
    )
