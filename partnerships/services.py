"""Writes to the partnership register. Each service is one transaction and re-checks the register's rules, so
a form that forgot a rule, the admin or another app still cannot break them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from partnerships import gateway as rules
from partnerships import risks as risk_rules
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
    partnership = Partnership(**_details(details))
    partnership.status = Status.PROPOSED
    partnership.created_by = by
    _save_valid(partnership, by)
    _apply_partners(partnership, partners, by)
    return partnership


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
    current.status = new_status
    _save_valid(current, by)
    _apply_partners(current, partners, by)
    return current


@transaction.atomic
def partnership_review_recorded(partnership: Partnership, *, completed_on: date, by=None) -> Partnership:
    """Record that the annual review happened on ``completed_on`` (a completed health-check round counts as
    the review, SPEC section 4): the next review falls due a year later."""
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
        review.status = GatewayStatus.SUBMITTED
        review.submitted_by, review.submitted_at = by, timezone.now()
        review.decided_by, review.decided_at, review.return_reason = None, None, ""
        _as_user(review, by)
        review.save()
    return review


def _review_for_decision(review: GatewayReview, by) -> GatewayReview:
    locked = GatewayReview.objects.select_for_update().select_related("partnership").get(pk=review.pk)
    if locked.status != GatewayStatus.SUBMITTED:
        raise ValidationError("Only a gateway submitted for approval can be approved or returned.")
    if locked.submitted_by_id is not None and locked.submitted_by_id == getattr(by, "pk", None):
        raise ValidationError("The person who submitted a gateway cannot also decide it.")
    return locked


@transaction.atomic
def gateway_approve(review: GatewayReview, *, by, today: date | None = None) -> GatewayReview:
    """Approve a submitted gateway: the proposed partnership becomes active, starting today if it had no start
    date, with its first annual review a year ahead unless a date was set."""
    review = _review_for_decision(review, by)
    partnership = Partnership.objects.select_for_update().get(pk=review.partnership_id)
    if partnership.status != Status.PROPOSED:
        raise ValidationError("Only a proposed partnership can be approved.")
    today = today or timezone.localdate()
    review.status, review.decided_by, review.decided_at = GatewayStatus.APPROVED, by, timezone.now()
    _as_user(review, by)
    review.save()
    partnership.status = Status.ACTIVE
    partnership.start_date = partnership.start_date or today
    partnership.review_due_date = rules.review_due_after_approval(
        today, partnership.start_date, partnership.review_due_date
    )
    _save_valid(partnership, by)
    return review


@transaction.atomic
def gateway_return(review: GatewayReview, *, by, reason: str) -> GatewayReview:
    """Return a submitted gateway for more work, with the reason; the partnership stays proposed."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the gateway is returned."})
    review = _review_for_decision(review, by)
    review.status, review.decided_by, review.decided_at = GatewayStatus.RETURNED, by, timezone.now()
    review.return_reason = reason.strip()
    _as_user(review, by)
    review.save()
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
    """Save the exit record; an active partnership becomes exiting. With ``complete``, the record is completed
    and the partnership closed.

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
    new_status = Status.CLOSED if complete else (Status.EXITING if locked.status == Status.ACTIVE else locked.status)
    if new_status != locked.status:
        locked.status = new_status
        _as_user(locked, by)
        locked.save(update_fields=["status", "updated_at"])
    return record


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
