"""The respondent's journey by personal link (stage 2): welcome, the principle sheets, significance, success,
review and submit, and the signed-in respondent's list of their assessments.

Every journey page goes through ``journey``, which finds the invitation by its token, refuses links that cannot
be used, and turns the services' refusals (already submitted, round not open) into the pages that explain them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from assessments import selectors, services
from assessments.forms import PrincipleSheetForm, SignificanceForm, SuccessForm
from assessments.models import Answer, Invitation, Response, RoundState
from assessments.readmodel import PrincipleInfo
from assessments.selectors import JourneySteps, instrument_structure, journey_steps
from assessments.tokens import token_for
from config.access import permission_required_or_403
from config.clients import client_ip
from config.throttle import Throttle
from config.views import ratelimited

# A journey view: (request, invitation, response or None, token, *url arguments) -> page.
JourneyView = Callable[..., HttpResponse]


def _unknown_links_throttle() -> Throttle:
    return Throttle("respond-unknown", settings.PHC_RESPOND_FAILURES_PER_MINUTE, 60)


def _link_problem(
    request: HttpRequest, problem: str, invitation: Invitation | None, status: int, token: str
) -> HttpResponse:
    if invitation is not None:
        invitation = selectors.for_page(invitation, token)
    return render(
        request,
        "assessments/respond/link_problem.html",
        {"problem": problem, "invitation": invitation, "round": invitation.round if invitation else None},
        status=status,
    )


def _saving(request: HttpRequest, edits: bool) -> bool:
    return edits and request.method == "POST"


def _one_transaction_if_saving(request: HttpRequest, edits: bool) -> AbstractContextManager[Any]:
    """A save: the invitation is locked as it is found (one query, not a look-up and then a locking read), and
    everything up to the redirect is one transaction, committed before the redirect is sent. The save services
    join it (``locked=True``) without a savepoint of their own."""
    return transaction.atomic() if _saving(request, edits) else nullcontext()


def _find(request: HttpRequest, token: str, edits: bool, submits: bool) -> Invitation | None:
    if _saving(request, edits):
        # Read for the save only (see ``selectors.invitation_to_save``); a page drawn after a save that was not
        # made reads it again (``_journey_context`` and ``_link_problem``).
        return selectors.invitation_to_save(token)
    if submits and request.method == "POST":
        # The submit locks the round and then the invitation itself, in that order, and reads the round with its
        # partnership for the thank-you page: here only the save's columns, unlocked.
        return selectors.invitation_to_save(token, lock=False)
    return selectors.invitation_for_token(token)


def journey(
    *, allow_closed: bool = False, edits: bool = False, submits: bool = False
) -> Callable[[JourneyView], Callable[..., HttpResponse]]:
    """Decorate a journey view: rate-limit, find the invitation by token, refuse links that cannot be used.

    Unknown link: 404, or 429 past PHC_RESPOND_FAILURES_PER_MINUTE from one client. Withdrawn link or closed
    round: 410 (Gone), with the facilitator's name and email.
    A POST to a page that ``edits`` runs in one transaction that locks the invitation (with its response) as
    it finds it: the view passes ``locked=True`` to the save service, which then does not read it again.
    Draft round: 200, saying the round has not opened yet. In a closed round a submitted respondent may
    still see their own profile (views with ``allow_closed``); other pages send them there. A page that
    ``edits`` the response sends a respondent who has already submitted to their thanks page. A save refused
    by the services (submitted meanwhile, or the round closed meanwhile) gets the same pages. A POST to the page
    that ``submits`` finds the invitation with the save's columns, unlocked (the submit service locks it).
    """

    def decorate(view: JourneyView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            # The link is the respondent's key: these pages read no session and no account, even when the
            # visitor is signed in (the page header would otherwise load the session row, the user and their
            # roles on every save).
            request.user = AnonymousUser()
            with _one_transaction_if_saving(request, edits):
                response = _journey_response(request, token, *args, **kwargs)
            # Personal answers: never kept by a shared computer's cache or a proxy.
            add_never_cache_headers(response)
            return response

        def _journey_response(request: HttpRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
            invitation = _find(request, token, edits, submits)
            if invitation is None:
                # Only failed look-ups count against a client, so a flood of junk links slows its sender
                # and never a real respondent (links are 256-bit: the limit is against load, not guessing).
                if _unknown_links_throttle().hit(client_ip(request)) > settings.PHC_RESPOND_FAILURES_PER_MINUTE:
                    return ratelimited(request)
                return _link_problem(request, "unknown", None, 404, token)
            if invitation.revoked_at is not None:
                return _link_problem(request, "revoked", invitation, 410, token)
            state = invitation.round.state
            if state == RoundState.DRAFT:
                return _link_problem(request, "draft", invitation, 200, token)
            response = selectors.response_of(invitation)
            if state == RoundState.CLOSED or not invitation.round.takes_answers:
                # Closed, or open past its close date: no more answers, but one's own profile stays readable.
                if not invitation.has_submitted:
                    return _link_problem(request, "closed", invitation, 410, token)
                if not allow_closed:
                    return redirect("assessments:respond_thanks", token=token)
            if edits and invitation.has_submitted:
                return _already_submitted(request, token)
            try:
                return view(request, invitation, response, token, *args, **kwargs)
            except services.ResponseAlreadySubmitted:
                return _already_submitted(request, token)
            except services.RoundNotOpen:
                return _link_problem(request, "closed", invitation, 410, token)
            except services.InvitationRevoked:  # withdrawn while this request was on its way
                return _link_problem(request, "revoked", invitation, 410, token)

        return wrapper

    return decorate


def _steps(invitation: Invitation) -> JourneySteps:
    return journey_steps(instrument_structure(invitation.round.instrument))


def _step_url(token: str, step: int, steps: JourneySteps) -> str:
    if step <= steps.welcome:
        return reverse("assessments:respond_welcome", args=[token])
    if step <= steps.principles:
        return reverse("assessments:respond_principle", args=[token, step])
    if step == steps.significance:
        return reverse("assessments:respond_significance", args=[token])
    if step == steps.success:
        return reverse("assessments:respond_success", args=[token])
    return reverse("assessments:respond_review", args=[token])


def _journey_context(
    invitation: Invitation,
    response: Response | None,
    token: str,
    step: int | None,
    answers: Mapping[int, Answer] | None = None,
) -> dict:
    """The context of every journey page; ``answers``: every saved answer, when the page has read them."""
    if not selectors.read_for_page(invitation):
        # Read for a save that was not made (an error in the form, or a conflict): read again for the page.
        invitation = selectors.for_page(invitation, token)
        response = selectors.response_of(invitation)
    instrument = invitation.round.instrument
    structure = instrument_structure(instrument)
    journey = journey_steps(structure)
    progress = selectors.response_progress(response, instrument, answers)
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
        # A step left unfinished (partly answered, or passed over) says how much is left, so a skipped
        # statement is noticed at once rather than at the review page.
        number = int(str(item["number"]))
        passed = step is None or number < step
        unfinished = not item["complete"] and (progress.is_started(number) or passed)
        item["left"] = progress.left_on(number) if unfinished else 0
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


def _after_save(request: HttpRequest, token: str, step: int, steps: JourneySteps) -> HttpResponse:
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


@journey()
def respond(request: HttpRequest, invitation: Invitation, response: Response | None, token: str) -> HttpResponse:
    """The link from the email: the welcome page, or where the respondent left off."""
    if invitation.has_submitted:
        return redirect("assessments:respond_thanks", token=token)
    if response is not None:
        step = selectors.response_progress(response, invitation.round.instrument).first_incomplete_step()
        steps = _steps(invitation)
        return redirect(_step_url(token, step if step is not None else steps.review, steps))
    return _welcome(request, invitation, response, token)


@journey()
def respond_welcome(
    request: HttpRequest, invitation: Invitation, response: Response | None, token: str
) -> HttpResponse:
    return _welcome(request, invitation, response, token)


def _welcome(request: HttpRequest, invitation: Invitation, response: Response | None, token: str) -> HttpResponse:
    context = _journey_context(invitation, response, token, None)
    journey = context["journey"]
    context["first_url"] = _step_url(token, context["progress"].first_incomplete_step() or journey.review, journey)
    context["invited"] = selectors.round_invited(invitation.round)
    context["min_responses"] = settings.PHC_MIN_RESPONSES
    context["min_group_size"] = settings.PHC_MIN_GROUP_SIZE
    return render(request, "assessments/respond/welcome.html", context)


@journey(edits=True)
def respond_principle(
    request: HttpRequest, invitation: Invitation, response: Response | None, token: str, number: int
) -> HttpResponse:
    structure = instrument_structure(invitation.round.instrument)
    if number not in structure.principle_numbers:
        raise Http404("No such sheet.")
    sheet = structure.principle(number)
    options = structure.scale_options
    conflict = None
    every_answer: dict[int, Answer] | None = None
    if request.method == "POST":
        form = PrincipleSheetForm(request.POST, statements=sheet.statements, options=options)
        if form.is_valid():
            try:
                services.response_save_sheet(
                    invitation, form.answers(), loaded_version=form.cleaned_data["version"] or None, locked=True
                )
            except services.SheetChangedElsewhere as exc:
                # Nothing is overwritten: both versions are shown, and this page now carries the other save's
                # version, so saving again deliberately keeps the answers on this page.
                conflict = _sheet_differences(sheet.statements, options, exc.saved, form.answers())
                data = request.POST.copy()
                data["version"] = services.sheet_version(exc.saved)
                form = PrincipleSheetForm(data, statements=sheet.statements, options=options)
                form.is_valid()
            else:
                return _after_save(request, token, number, journey_steps(structure))
    else:
        # Every saved answer in one query: this sheet's, and the progress of the others.
        every_answer = selectors.response_answers(response, structure.statements)
        saved = {s.pk: every_answer[s.pk] for s in sheet.statements if s.pk in every_answer}
        initial: dict[str, object] = {
            "version": services.sheet_version({i: (a.value, a.comment) for i, a in saved.items()})
        }
        for statement in sheet.statements:
            answer = saved.get(statement.pk)
            if answer is not None:
                initial[f"answer_{statement.pk}"] = answer.value
                initial[f"comment_{statement.pk}"] = answer.comment
        form = PrincipleSheetForm(initial=initial, statements=sheet.statements, options=options)
    context = _journey_context(invitation, response, token, number, every_answer)
    context.update({"form": form, "principle": sheet, "conflict": conflict})
    return render(request, "assessments/respond/principle.html", context)


def _sheet_differences(statements, options, saved: dict, typed: list) -> list[dict]:  # noqa: ANN001
    """Return, for each statement answered differently here and elsewhere, both versions in words."""
    labels = {o.value: o.label for o in options}
    codes = {s.pk: s.code for s in statements}
    rows = []
    for item in typed:
        other_value, other_comment = saved.get(item.statement_id, (None, ""))
        if (other_value, other_comment) != (item.value, item.comment.strip()):
            rows.append(
                {
                    "code": codes[item.statement_id],
                    "elsewhere": labels.get(other_value, "Not answered"),
                    "elsewhere_comment": other_comment,
                    "here": labels.get(item.value, "Not answered"),
                    "here_comment": item.comment.strip(),
                }
            )
    return rows


@journey(edits=True)
def respond_significance(
    request: HttpRequest, invitation: Invitation, response: Response | None, token: str
) -> HttpResponse:
    structure = instrument_structure(invitation.round.instrument)
    steps = journey_steps(structure)
    principles = structure.principles
    conflict = None
    if request.method == "POST":
        form = SignificanceForm(request.POST, structure=structure)
        if form.is_valid():
            try:
                services.response_save_significance(
                    invitation, form.values(), loaded_version=form.cleaned_data["version"] or None, locked=True
                )
            except services.SignificanceChangedElsewhere as exc:
                # As on a principle sheet: nothing is overwritten, both versions are shown, and saving again keeps
                # the values on this page.
                conflict = _significance_differences(principles, exc.saved, form.values())
                data = request.POST.copy()
                data["version"] = services.significance_version(exc.saved)
                form = SignificanceForm(data, structure=structure)
                form.is_valid()
            else:
                return _after_save(request, token, steps.significance, steps)
    else:
        saved = services.saved_significance(response, len(principles))
        initial: dict[str, object] = {"version": services.significance_version(saved)}
        initial.update({f"significance_{p.number}": value for p, value in zip(principles, saved, strict=True)})
        form = SignificanceForm(initial=initial, structure=structure)
    context = _journey_context(invitation, response, token, steps.significance)
    context.update({"form": form, "conflict": conflict})
    return render(request, "assessments/respond/significance.html", context)


def _significance_differences(
    principles: Sequence[PrincipleInfo], saved: list[int | None], typed: list[int | None]
) -> list[dict]:
    """Return, for each principle given a different significance here and elsewhere, both values."""
    return [
        {
            "code": f"Principle {principle.number}",
            "elsewhere": "Not answered" if other is None else str(other),
            "here": "Not answered" if mine is None else str(mine),
        }
        for principle, other, mine in zip(principles, saved, typed, strict=True)
        if other != mine
    ]


@journey(edits=True)
def respond_success(
    request: HttpRequest, invitation: Invitation, response: Response | None, token: str
) -> HttpResponse:
    structure = instrument_structure(invitation.round.instrument)
    steps = journey_steps(structure)
    conflict = None
    if request.method == "POST":
        form = SuccessForm(request.POST, structure=structure)
        if form.is_valid():
            value, comment = form.cleaned_data["success"], form.cleaned_data["success_comment"]
            try:
                services.response_save_success(
                    invitation, value, comment, loaded_version=form.cleaned_data["version"] or None, locked=True
                )
            except services.SuccessChangedElsewhere as exc:
                labels = {o.value: o.label for o in structure.scale_options}
                other_value, other_comment = exc.saved
                conflict = [
                    {
                        "code": "Success",
                        "elsewhere": "Not answered" if other_value is None else labels.get(other_value, "Not answered"),
                        "elsewhere_comment": other_comment,
                        "here": "Not answered" if value is None else labels.get(value, "Not answered"),
                        "here_comment": comment.strip(),
                    }
                ]
                data = request.POST.copy()
                data["version"] = services.success_version(exc.saved)
                form = SuccessForm(data, structure=structure)
                form.is_valid()
            else:
                return _after_save(request, token, steps.success, steps)
    else:
        saved = services.saved_success(response)
        initial = {"success": saved[0], "success_comment": saved[1], "version": services.success_version(saved)}
        form = SuccessForm(initial=initial, structure=structure)
    context = _journey_context(invitation, response, token, steps.success)
    context.update({"form": form, "conflict": conflict})
    return render(request, "assessments/respond/success.html", context)


def _missing_groups(
    token: str, missing: list[selectors.MissingItem], steps: list[dict], journey: JourneySteps
) -> list[dict]:
    """Return the missing items grouped by step, each with a link to its place on the step's page."""
    titles = {s["number"]: s["label"] for s in steps}
    groups: dict[int, dict] = {}
    for item in missing:
        group = groups.setdefault(item.step, {"title": titles.get(item.step, ""), "items": []})
        url = _step_url(token, item.step, journey)
        group["items"].append({"label": item.label, "short": item.short, "url": f"{url}#{item.anchor}"})
    return list(groups.values())


@journey(submits=True)
def respond_review(request: HttpRequest, invitation: Invitation, response: Response | None, token: str) -> HttpResponse:
    """GET: every answer with links to change it. POST: submit."""
    missing = None
    if request.method == "POST":
        try:
            result = services.response_submit(invitation, receipt=request.POST.get("receipt") == "yes")
        except services.ResponseIncomplete as exc:
            missing = exc.missing
            # Found for the submit only: read again for the review page, which lists every answer.
            again = selectors.invitation_for_token(token)
            if again is None:  # deleted meanwhile by an administrator
                return _link_problem(request, "unknown", None, 404, token)
            invitation, response = again, selectors.response_of(again)
        else:
            if result.already_submitted:
                when = result.submitted_on or timezone.localdate()
                messages.info(request, f"Your response was already received on {when:%-d %B %Y}. Nothing was changed.")
            elif invitation.round.anonymous and result.response is not None:
                # The only time the respondent sees their anonymous profile: it is linked to no one from now on.
                return _thanks_page(request, invitation, result.response)
            return redirect("assessments:respond_thanks", token=token)
    elif invitation.has_submitted:
        return redirect("assessments:respond_thanks", token=token)
    instrument = invitation.round.instrument
    every_answer = selectors.response_answers(response, instrument_structure(instrument).statements)
    context = _journey_context(invitation, response, token, None, every_answer)
    structure, journey = context["structure"], context["journey"]
    significance = dict(zip(structure.principle_numbers, response.significance or [], strict=False)) if response else {}
    context.update(
        {
            "sheets": selectors.response_review(response, instrument, every_answer),
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
def respond_saved(request: HttpRequest, invitation: Invitation, response: Response | None, token: str) -> HttpResponse:
    link = request.build_absolute_uri(reverse("assessments:respond", args=[token]))
    context = _journey_context(invitation, response, token, None)
    context["link"] = link
    return render(request, "assessments/respond/saved.html", context)


def _thanks_page(request: HttpRequest, invitation: Invitation, response: Response | None) -> HttpResponse:
    """The thank-you page, with the respondent's own profile when ``response`` is given."""
    instrument = invitation.round.instrument
    return render(
        request,
        "assessments/respond/thanks.html",
        {
            "invitation": invitation,
            "round": invitation.round,
            "response": response,
            "profile": selectors.response_profile(response, instrument) if response is not None else None,
            "structure": instrument_structure(instrument),
        },
    )


@journey(allow_closed=True)
def respond_thanks(request: HttpRequest, invitation: Invitation, response: Response | None, token: str) -> HttpResponse:
    if not invitation.has_submitted:
        return redirect("assessments:respond", token=token)
    # In an anonymous round nothing links the response to this link any more: only the day it came is known.
    return _thanks_page(request, invitation, response if response is not None and response.is_submitted else None)


# --- My assessments ---------------------------------------------------------------------------------------


@permission_required_or_403("assessments.see_my_assessments")
def my_assessments(request: HttpRequest) -> HttpResponse:
    open_rows, done_rows, missed_rows = [], [], []
    for invitation in selectors.invitations_for_user(request.user):
        response = selectors.response_of(invitation)
        token = token_for(invitation)
        row: dict[str, object] = {"invitation": invitation, "round": invitation.round, "response": response}
        if invitation.has_submitted:
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
