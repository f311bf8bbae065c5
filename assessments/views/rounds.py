"""The facilitator's pages of a round: set-up, state, invitations, reminders and reopening (stage 1 and 2).

Managers may look at any round; only its facilitator (or a superuser) changes it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from assessments import reminders, selectors, services
from assessments.forms import (
    InvitationConfirmForm,
    InvitationForm,
    InvitationImportForm,
    ReopenForm,
    RoundEmailsForm,
    RoundForm,
    RoundStateForm,
    parse_invitations_csv,
)
from assessments.instruments import default_instrument
from assessments.models import Invitation, Level, Response, Round, RoundState
from config.access import loader, permission_required_or_403

round_from_url = loader(selectors.rounds_with_set_up)


@permission_required_or_403("assessments.see_rounds")
def round_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.rounds_for_user(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/rounds/list.html",
        {
            "rounds": page,
            "page": page,
            "sees_all": request.user.has_perm("assessments.see_all_rounds"),
            "can_add": request.user.has_perm("assessments.create_round"),
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


@permission_required_or_403("assessments.create_round")
def round_create(request: HttpRequest) -> HttpResponse:
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


@permission_required_or_403("assessments.run_round", fn=round_from_url)
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
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


def _reopen_choices(round_: Round) -> QuerySet[Invitation]:
    # Named rounds only: an anonymous response is unlinked on submit, so there is nothing to reopen.
    submitted = Response.objects.submitted().filter(round=round_).values("invitation_id")
    return Invitation.objects.filter(pk__in=submitted).order_by("name")


@permission_required_or_403("assessments.see_round", fn=round_from_url)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, round_from_url(request, pk=pk))


def _round_page(request: HttpRequest, round_: Round, reopen_form: ReopenForm | None = None) -> HttpResponse:
    """The round's page; ``reopen_form`` is a reopening form that failed, shown with its errors."""
    can_manage = request.user.has_perm("assessments.run_round", round_)
    if reopen_form is None and can_manage and round_.state == RoundState.OPEN and not round_.anonymous:
        reopen_form = ReopenForm(invitations=_reopen_choices(round_))
    return render(
        request,
        "assessments/rounds/detail.html",
        {
            "round": round_,
            "counts": selectors.round_counts(round_),
            "can_manage": can_manage,
            # The open and close buttons come from the round's available transitions.
            "transitions": {t.name for t in round_.get_available_state_transitions()} if can_manage else set(),  # type: ignore[attr-defined]  # django-fsm adds it
            "reopen_form": reopen_form,
            "reopenings": selectors.round_reopenings(round_) if not round_.anonymous else None,
            "level_labels": [Level(v).label for v in round_.levels],
        },
    )


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def round_state(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    form = RoundStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose whether to open or close the round.")
        return redirect(round_)
    try:
        if form.cleaned_data["action"] == "open":
            services.round_open(round_)
            messages.success(request, "The round is open: respondents' links now work.")
        else:
            services.round_close(round_, risks_reviewed=form.cleaned_data["risks_reviewed"])
            messages.success(request, "The round is closed: it takes no more answers.")
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    return redirect(round_)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
def round_close_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask before closing: a closed round cannot be opened again."""
    round_ = round_from_url(request, pk=pk)
    if round_.state != RoundState.OPEN:
        messages.info(request, "Only an open round can be closed.")
        return redirect(round_)
    return render(
        request,
        "assessments/rounds/close.html",
        {
            "round": round_,
            "counts": selectors.round_counts(round_),
            "form": RoundStateForm(initial={"action": "close"}),
            "open_risks": round_.partnership.risks.open().count(),
        },
    )


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def round_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    if round_.anonymous:
        messages.error(
            request, "In an anonymous round a submitted response cannot be reopened: it is not linked to anyone."
        )
        return redirect(round_)
    form = ReopenForm(request.POST, invitations=_reopen_choices(round_))
    if not form.is_valid():
        # The errors on the form itself (GOV.UK error summary), with what was typed kept.
        return _round_page(request, round_, reopen_form=form)
    invitation = form.cleaned_data["invitation"]
    try:
        services.response_reopen(invitation.response, by=request.user, reason=form.cleaned_data["reason"])
    except services.ServiceError as exc:
        form.add_error(None, exc.message)
        return _round_page(request, round_, reopen_form=form)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _round_page(request, round_, reopen_form=form)
    messages.success(request, f"{invitation.name}'s response is reopened: they can change it by their link.")
    return redirect(round_)


def _invitations_page(request: HttpRequest, round_: Round, status: int = 200, **forms) -> HttpResponse:
    counts = selectors.round_counts(round_)
    partner_names = selectors.partner_organisation_names(round_)
    context = {
        "round": round_,
        "counts": counts,
        "add_form": forms.get("add_form") or InvitationForm(round_=round_, partner_names=partner_names),
        "small_groups": selectors.invitations_below_minimum(round_),
        "min_group_size": settings.PHC_MIN_GROUP_SIZE,
        "partner_names": partner_names,
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
        # Once everyone has been emailed, sending invitations is no longer the page's main action.
        "everyone_emailed": counts.invited > 0 and counts.emailed == counts.invited,
        **_reminder_state(round_),
    }
    if round_.anonymous:
        context["not_responded"] = selectors.round_not_responded(round_)
    else:
        context["invitations"] = [i for i in selectors.round_invitations(round_) if i.revoked_at is None]
    return render(request, "assessments/rounds/invitations.html", context, status=status)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
def invitations(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    return _invitations_page(request, round_)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitation_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    form = InvitationForm(request.POST, round_=round_, partner_names=selectors.partner_organisation_names(round_))
    if form.is_valid():
        try:
            invitation, _token = services.invitation_create(round_, form.row())
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.ServiceError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, f"{invitation.name} is added. No email has gone yet: send the invitations when you are ready."
            )
            return redirect("assessments:invitations", pk=round_.pk)
    return _invitations_page(request, round_, add_form=form)


def _preview(round_: Round, text: str):
    return parse_invitations_csv(
        text,
        existing_emails=selectors.round_emails_existing(round_),
        allowed_levels=round_.levels,
        refused_email=round_.facilitator.email if round_.anonymous else "",
        partner_names=selectors.partner_organisation_names(round_),
    )


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitations_import(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
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


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitations_import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
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


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitations_send(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    try:
        sent = services.invitations_send(round_, base_url=_base_url(request))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"Invitations to {sent} {'person' if sent == 1 else 'people'} are on their way.")
        else:
            messages.info(request, "Everyone has already been sent an invitation.")
    return redirect("assessments:invitations", pk=round_.pk)


def _reminder_state(round_: Round) -> dict:
    """When the last reminders went, to whom, and from when the next may go (None: now)."""
    last = selectors.round_last_reminders(round_)
    earliest = reminders.next_reminder_at(last.sent_at if last else None, services.reminder_interval())
    return {
        "last_reminders": last,
        "next_reminder_at": earliest if earliest and earliest > timezone.now() else None,
    }


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_http_methods(["GET", "POST"])
def reminders_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask first (who will be reminded, when the last reminders went), then send on the confirming POST."""
    round_ = round_from_url(request, pk=pk)
    if request.method == "GET":
        context = {
            "round": round_,
            "due": list(selectors.round_reminder_due(round_)),
            "not_emailed": selectors.round_not_responded(round_).filter(invited_at__isnull=True).count(),
            "interval_hours": settings.PHC_REMINDER_INTERVAL_HOURS,
            **_reminder_state(round_),
        }
        return render(request, "assessments/rounds/remind.html", context)
    try:
        sent = services.reminders_send(round_, base_url=_base_url(request))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"Reminders to {sent} {'person' if sent == 1 else 'people'} are on their way.")
        elif not_emailed := selectors.round_not_responded(round_).filter(invited_at__isnull=True).count():
            messages.info(
                request,
                f"No reminder was sent: the {not_emailed} {'person' if not_emailed == 1 else 'people'} who have "
                "not responded have not been emailed yet. Send the invitations first.",
            )
        else:
            messages.info(request, "No reminder was sent: everyone emailed has responded.")
    return redirect("assessments:invitations", pk=round_.pk)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    """Email one person their own link again."""
    round_ = round_from_url(request, pk=pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, round=round_)
    try:
        sent = services.invitation_resend(invitation, base_url=_base_url(request))
    except services.ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if sent:
            messages.success(request, f"{invitation.name}'s link is on its way again to {invitation.email}.")
        else:
            messages.info(request, f"{invitation.name}'s link went a moment ago; it has not been sent twice.")
    return redirect("assessments:invitations", pk=round_.pk)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def round_emails(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
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


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    invitation = get_object_or_404(Invitation, pk=invitation_pk, round=round_)
    try:
        services.invitation_revoke(invitation)
    except services.RoundNotOpen as exc:
        messages.error(request, str(exc))
        return redirect("assessments:invitations", pk=round_.pk)
    messages.success(request, f"{invitation.name}'s link no longer works.")
    return redirect("assessments:invitations", pk=round_.pk)
