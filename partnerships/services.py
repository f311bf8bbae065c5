"""Writes to the partnership register. Each service is one transaction and re-checks the register's rules, so
a form that forgot a rule, the admin or another app still cannot break them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from partnerships import gateway as rules
from partnerships import risks as risk_rules
from partnerships import signals
from partnerships.models import (
    ExitRecord,
    GatewayAnswer,
    GatewayReview,
    GatewayStatus,
    Membership,
    Organisation,
    OutsideBodyCheck,
    Partnership,
    Risk,
    RiskAction,
    RiskCategory,
    Status,
)

# The fields the create and edit forms may set; status is separate because its changes follow rules.
DETAIL_FIELDS = (
    "name",
    "reference",
    "purpose",
    "aims_and_objectives",
    "council_priorities",
    "council_role",
    "benefit_to_residents",
    "governing_agreement",
    "exit_strategy",
    "lead_officer",
    "senior_sponsor",
    "service_area",
    "continuum",
    "structure_model",
    "statutory_status",
    "lifecycle_stage",
    "is_outside_body",
    "start_date",
    "review_due_date",
)
# Many-to-many details, set after the partnership is saved.
DETAIL_LISTS = ("priorities",)
EXIT_FIELDS = (
    "exit_date",
    "reason",
    "decided_by",
    "objectives_met",
    "achievements",
    "lessons_learned",
    "withdrawal_risks",
    "handover_and_continuity",
    "legal_advice_taken",
    "financial_advice_taken",
    "advice_notes",
)


@dataclass(frozen=True)
class PartnerInput:
    """One row of the partners part of the form: an existing membership, a new one, or one to remove."""

    membership_id: int | None = None
    organisation: Organisation | None = None
    new_organisation_name: str = ""
    new_organisation_sector: str = ""
    role: str = ""
    representative: str = ""
    financial_contribution: Decimal | None = None
    other_resources: str = ""
    remove: bool = False


def _as_user(instance, by) -> None:
    # The history middleware knows the user during a request; this also covers commands and other apps.
    if by is not None:
        instance._history_user = by


def _save_valid(instance, by) -> None:
    """Check the row against its model (fields and constraints), then save it with ``by`` in its history."""
    instance.full_clean()
    _as_user(instance, by)
    instance.save()


@transaction.atomic
def organisation_get_or_create(*, name: str, sector: str) -> Organisation:
    """Return the organisation called ``name`` (any case), creating it in ``sector`` if there is none."""
    name = " ".join(name.split())
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    organisation = Organisation(name=name, sector=sector)
    organisation.full_clean()
    organisation.save()
    return organisation


def _details(details: Mapping[str, object]) -> dict[str, object]:
    values = {k: details[k] for k in DETAIL_FIELDS if k in details}
    reference = values.get("reference")
    if isinstance(reference, str):
        # References are codes: one spelling, so "p-2024-017" and "P-2024-017" are the same partnership.
        values["reference"] = reference.strip().upper()
    return values


def _apply_partners(partnership: Partnership, partners: list[PartnerInput], by) -> None:
    memberships = {m.pk: m for m in partnership.memberships.all()}
    # Removals first, so an organisation removed from one row can be added again in another.
    for row in partners:
        if row.remove and row.membership_id in memberships:
            membership = memberships.pop(row.membership_id)
            _as_user(membership, by)
            membership.delete()
    for row in partners:
        if row.remove:
            continue
        organisation = row.organisation or organisation_get_or_create(
            name=row.new_organisation_name, sector=row.new_organisation_sector
        )
        membership = (row.membership_id and memberships.get(row.membership_id)) or Membership(partnership=partnership)
        values = {
            "organisation": organisation,
            "role": row.role,
            "representative": row.representative,
            "financial_contribution": row.financial_contribution,
            "other_resources": row.other_resources,
        }
        if membership.pk and all(getattr(membership, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(membership, key, value)
        _save_valid(membership, by)


@transaction.atomic
def partnership_create(*, details: Mapping[str, object], partners: list[PartnerInput], by) -> Partnership:
    """Record a new partnership, always as proposed: it becomes active only through an approved gateway."""
    partnership = Partnership(**_details(details))  # proposed: the field's default, and only a transition moves it
    partnership.created_by = by
    _save_valid(partnership, by)
    _apply_lists(partnership, details)
    _apply_partners(partnership, partners, by)
    return partnership


def _apply_lists(partnership: Partnership, details: Mapping[str, object]) -> None:
    for name in DETAIL_LISTS:
        if name in details:
            getattr(partnership, name).set(details[name])


@transaction.atomic
def partnership_update(
    partnership: Partnership,
    *,
    details: Mapping[str, object],
    partners: list[PartnerInput],
    by,
    status: str | None = None,
) -> Partnership:
    """Change a partnership's details, partners and (within the allowed changes) status.

    Raises ValidationError for a closed partnership, or a status change the register does not allow (to active
    only through the gateway, to closed only through the exit record).
    """
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if current.status == Status.CLOSED:
        raise ValidationError("A closed partnership cannot be changed.")
    new_status = status or current.status
    if new_status not in rules.statuses_on_edit(current.status):
        raise ValidationError(
            {
                "status": f"A {current.get_status_display().lower()} partnership cannot be made "
                f"{Status(new_status).label.lower()} here."
            }
        )
    for key, value in _details(details).items():
        setattr(current, key, value)
    if new_status != current.status:
        # The edit form offers only these two: leaving (active to exiting) and staying after all.
        change = current.begin_exit if new_status == Status.EXITING else current.stay
        if not can_proceed(change):
            raise ValidationError({"status": "The exit record is completed: the partnership can no longer stay."})
        change()
    _save_valid(current, by)
    _apply_lists(current, details)
    _apply_partners(current, partners, by)
    return current


@transaction.atomic
def partnership_significance_override(partnership: Partnership, *, override: str, reason: str, by) -> Partnership:
    """Record a manager's override of the significance rules (or its removal, ``override`` ""), with the reason;
    the partnership's history keeps every earlier override and reason. Raises ValidationError for an override
    without a reason, or a closed partnership."""
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if current.status == Status.CLOSED:
        raise ValidationError("A closed partnership cannot be changed.")
    reason = reason.strip()
    if override and not reason:
        raise ValidationError({"significance_reason": "Give the reason for overriding the rules."})
    current.significance_override = override
    current.significance_reason = reason if override else ""
    _save_valid(current, by)
    return current


@transaction.atomic
def partnership_review_recorded(partnership: Partnership, *, completed_on: date, by=None) -> Partnership:
    """Record that the annual review happened on ``completed_on`` (a completed health-check round counts as
    the review, SPEC section 4): the next review falls due a year later. The council's own entry (its
    self-assessment) is not under annual review and is returned unchanged."""
    if partnership.stands_for_council:
        return partnership
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    current.review_due_date = completed_on + rules.REVIEW_INTERVAL
    _as_user(current, by)
    current.save(update_fields=["review_due_date", "updated_at"])
    return current


# --- Gateway ---------------------------------------------------------------------------------------------

INITIAL_RISK_MISSING = (
    "Record the initial risk assessment in the partnership's risk register (at least one risk) before submitting."
)


def _locked_review(partnership: Partnership, by) -> GatewayReview:
    review = GatewayReview.objects.select_for_update().filter(partnership=partnership).first()
    if review is None:
        review = GatewayReview(partnership=partnership)
        _save_valid(review, by)
    return review


@transaction.atomic
def gateway_save(
    partnership: Partnership, *, answers: Mapping[str, rules.AnswerInput], by, submit: bool = False
) -> GatewayReview:
    """Save the gateway answers; with ``submit``, also send it to a manager for approval.

    Raises ValidationError if the partnership is no longer proposed, the gateway is awaiting a decision or
    decided, or (when submitting) a question is unanswered or lacks evidence.
    """
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.status != Status.PROPOSED:
        raise ValidationError("Only a proposed partnership goes through the gateway.")
    review = _locked_review(locked, by)
    if not review.is_editable:
        raise ValidationError(f"This gateway is {review.get_status_display().lower()} and cannot be changed.")
    if submit:
        problems = {f"{code}-{p.part}": p.message for code, p in rules.gateway_problems(answers).items()}
        if not locked.risks.exists():
            # Seed 003: the pre-partnership agreement includes an initial risk assessment, kept in the register.
            problems.setdefault("initial_risk-evidence", INITIAL_RISK_MISSING)
        if problems:
            raise ValidationError(problems)
    existing = {a.question: a for a in review.answers.all()}
    for question in rules.QUESTIONS:
        given = answers.get(question.code, rules.AnswerInput("", ""))
        answer = existing.get(question.code) or GatewayAnswer(review=review, question=question.code)
        if answer.pk and answer.answer == given.answer and answer.evidence == given.evidence:
            continue
        answer.answer, answer.evidence = given.answer, given.evidence.strip()
        _as_user(answer, by)
        answer.save()
    if submit:
        review.partnership = locked
        review.submit(by=by)
        _as_user(review, by)
        review.save()
        signals.gateway_submitted.send(sender=GatewayReview, review=review)
    return review


def _review_for_decision(review: GatewayReview, by, decision: str) -> GatewayReview:
    locked = GatewayReview.objects.select_for_update().select_related("partnership").get(pk=review.pk)
    if locked.status != GatewayStatus.SUBMITTED:
        raise ValidationError("Only a gateway submitted for approval can be approved or returned.")
    if not has_transition_perm(getattr(locked, decision), by):
        if locked.submitted_by_id is not None and locked.submitted_by_id == getattr(by, "pk", None):
            raise ValidationError("The person who submitted a gateway cannot also decide it.")
        raise ValidationError("Only a manager can approve or return a gateway.")
    return locked


@transaction.atomic
def gateway_approve(review: GatewayReview, *, by, today: date | None = None) -> GatewayReview:
    """Approve a submitted gateway: the proposed partnership becomes active, starting today if it had no start
    date, with its first annual review a year ahead unless a date was set."""
    review = _review_for_decision(review, by, "approve")
    partnership = Partnership.objects.select_for_update().get(pk=review.partnership_id)
    review.partnership = partnership
    if not can_proceed(review.approve):
        raise ValidationError("Only a proposed partnership can be approved.")
    review.approve(by=by)
    _as_user(review, by)
    review.save()
    partnership.gateway = review
    partnership.activate(today=today or timezone.localdate())
    _save_valid(partnership, by)
    signals.gateway_decided.send(sender=GatewayReview, review=review)
    return review


@transaction.atomic
def gateway_return(review: GatewayReview, *, by, reason: str) -> GatewayReview:
    """Return a submitted gateway for more work, with the reason; the partnership stays proposed."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the gateway is returned."})
    review = _review_for_decision(review, by, "send_back")
    review.send_back(by=by, reason=reason.strip())
    _as_user(review, by)
    review.save()
    signals.gateway_decided.send(sender=GatewayReview, review=review)
    return review


# --- Outside bodies and exit -----------------------------------------------------------------------------


@transaction.atomic
def outside_body_check_save(partnership: Partnership, *, values: Mapping[str, object], by) -> OutsideBodyCheck:
    """Record the outside-body checks (seed 003 section 5) of a partnership that is also an outside body."""
    if not partnership.is_outside_body:
        raise ValidationError("This partnership is not recorded as an outside body.")
    check = OutsideBodyCheck.objects.select_for_update().filter(partnership=partnership).first()
    check = check or OutsideBodyCheck(partnership=partnership)
    for key, value in values.items():
        setattr(check, key, value)
    check.checked_by = by
    _save_valid(check, by)
    return check


@transaction.atomic
def exit_save(partnership: Partnership, *, values: Mapping[str, object], by, complete: bool = False) -> ExitRecord:
    """Save the exit record; an active partnership becomes exiting. With ``complete``, the record is completed;
    the partnership stays exiting until the exit date, and is closed then (at once if the date has passed).

    Raises ValidationError if the partnership is closed already, or (when completing) a section is missing or,
    for a statutory or contractual partnership, legal and financial advice is not confirmed.
    """
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.status == Status.CLOSED:
        raise ValidationError("This partnership is closed already.")
    if complete:
        exit_risks = locked.risks.filter(category=RiskCategory.EXIT).count()
        problems = rules.exit_problems(values, locked.statutory_status, exit_risks)
        if problems:
            raise ValidationError(problems)
    record = ExitRecord.objects.select_for_update().filter(partnership=locked).first()
    record = record or ExitRecord(partnership=locked)
    for key in EXIT_FIELDS:
        if key in values:
            setattr(record, key, values[key])
    if complete:
        record.completed_at, record.completed_by = timezone.now(), by
    _save_valid(record, by)
    locked.exit_record = record
    before = locked.status
    if can_proceed(locked.begin_exit):
        locked.begin_exit()
    if can_proceed(locked.close):
        locked.close()
    if locked.status != before:
        _as_user(locked, by)
        locked.save(update_fields=["status", "updated_at"])
    return record


@transaction.atomic
def exits_close_due(today: date | None = None) -> int:
    """Close every exiting partnership whose completed exit record's date has come; return how many.

    Run daily (``manage.py close_due_exits``) and on the first read of the register after the date.
    """
    today = today or timezone.localdate()
    due = (
        Partnership.objects.select_for_update()
        .select_related("exit_record")
        .filter(status=Status.EXITING, exit_record__completed_at__isnull=False, exit_record__exit_date__lte=today)
    )
    closed = 0
    for partnership in due:
        if can_proceed(partnership.close):
            partnership.close()
            partnership.save(update_fields=["status", "updated_at"])
            closed += 1
    return closed


@transaction.atomic
def partnership_bring_to(partnership: Partnership, status: str, *, today: date | None = None) -> Partnership:
    """Move a new proposed partnership to ``status`` through the transitions, creating on the way the records
    each one needs: an approved gateway (active), an exit begun (exiting), a completed exit record dated today
    (closed). The construction path of factories, demo and benchmark data: nothing is active without its
    approved gateway, nothing closed without its completed exit."""
    today = today or timezone.localdate()
    if status == Status.PROPOSED:
        return partnership
    if partnership.start_date is None and partnership.review_due_date is not None:
        # Data made with a past review date was approved before then.
        today = min(today, partnership.review_due_date)
    review = GatewayReview.objects.filter(partnership=partnership).first() or GatewayReview(partnership=partnership)
    review.partnership = partnership
    if review.status != GatewayStatus.APPROVED:
        review.submit(by=None)
        review.approve(by=None)
        review.save()
    partnership.gateway = review
    partnership.activate(today=today)
    partnership.save()
    if status in (Status.EXITING, Status.CLOSED):
        partnership.begin_exit()
        partnership.save()
    if status == Status.CLOSED:
        record = ExitRecord.objects.create(
            partnership=partnership,
            exit_date=today,
            reason="Objectives met.",
            achievements="What it set out to do.",
            lessons_learned="Plan the exit early.",
            handover_and_continuity="Handed over to the partners.",
            completed_at=timezone.now(),
        )
        partnership.exit_record = record
        partnership.close()
        partnership.save()
    return partnership


# --- Risk register ---------------------------------------------------------------------------------------

RISK_FIELDS = (
    "title",
    "description",
    "category",
    "likelihood",
    "impact",
    "owner",
    "existing_controls",
    "review_date",
    "closed_on",
)


@dataclass(frozen=True)
class RiskActionInput:
    """One row of a risk's further actions: an existing action, a new one, or one to remove."""

    action_id: int | None
    description: str
    due_date: date | None
    done_on: date | None = None
    remove: bool = False


def _refresh_risk_rating(partnership: Partnership, by) -> None:
    """Set the partnership's risk rating from the highest score of its open risks (kept in its history)."""
    highest = Risk.objects.filter(partnership=partnership).open().aggregate(highest=Max("score"))["highest"]
    rating = risk_rules.rating_for_score(highest)
    if partnership.risk != rating:
        partnership.risk = rating
        _as_user(partnership, by)
        partnership.save(update_fields=["risk", "updated_at"])


@transaction.atomic
def risk_ratings_refresh(partnership_ids: Iterable[int], *, by=None) -> None:
    """Derive the risk rating of each partnership in ``partnership_ids`` again from its open risks: after a risk
    is changed or deleted outside ``risk_save`` (the admin), so the rating never lags behind its register."""
    for partnership in Partnership.objects.select_for_update().filter(pk__in=set(partnership_ids)).order_by("pk"):
        _refresh_risk_rating(partnership, by)


def _apply_risk_actions(risk: Risk, actions: Sequence[RiskActionInput], by) -> None:
    existing = {a.pk: a for a in risk.actions.all()}
    for row in actions:
        action = existing.get(row.action_id) if row.action_id else None
        if row.remove:
            if action is not None:
                _as_user(action, by)
                action.delete()
            continue
        action = action or RiskAction(risk=risk)
        values = {"description": row.description.strip(), "due_date": row.due_date, "done_on": row.done_on}
        if action.pk and all(getattr(action, k) == v for k, v in values.items()):
            continue
        for key, value in values.items():
            setattr(action, key, value)
        _save_valid(action, by)


@transaction.atomic
def risk_save(
    partnership: Partnership,
    *,
    values: Mapping[str, object],
    actions: Sequence[RiskActionInput] = (),
    by,
    risk: Risk | None = None,
) -> Risk:
    """Record a new risk on the partnership's register, or change ``risk``, with its further actions; the
    partnership's risk rating follows from its highest open risk.

    Raises ValidationError for a closed partnership, a risk of another partnership, or invalid values (a
    likelihood or impact outside 1 to 5, a missing title, owner or review date).
    """
    locked = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if locked.status == Status.CLOSED:
        raise ValidationError("A closed partnership's risk register can be read but no longer changed.")
    if risk is None:
        risk = Risk(partnership=locked)
    else:
        risk = Risk.objects.select_for_update().get(pk=risk.pk)
        if risk.partnership_id != locked.pk:
            raise ValidationError("This risk belongs to another partnership.")
        risk.partnership = locked  # so the caller reads the rating set below without asking again
    for key in RISK_FIELDS:
        if key in values:
            setattr(risk, key, values[key])
    _save_valid(risk, by)
    _apply_risk_actions(risk, actions, by)
    _refresh_risk_rating(locked, by)
    risk.refresh_from_db(fields=["score"])
    return risk
