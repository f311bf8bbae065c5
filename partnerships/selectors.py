"""Reads of the register: who sees which partnerships, the register table, reviews due, history."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships import risks as risk_rules
from partnerships.gateway import QUESTIONS
from partnerships.models import (
    Answer,
    CouncilPriority,
    ExitRecord,
    GatewayAnswer,
    GatewayReview,
    Membership,
    Organisation,
    OutsideBodyCheck,
    Partnership,
    Risk,
    RiskAction,
    Sector,
    SignificanceOverride,
    Status,
)
from partnerships.money import pounds
from partnerships.significance import Significance, SignificanceFacts, SignificanceThresholds, significance

UNDER_REVIEW = (Status.ACTIVE, Status.EXITING)


def sees_whole_register(user) -> bool:
    """Return whether the user reads every partnership (managers and register administrators)."""
    return user.has_perm("partnerships.see_whole_register")


def partnerships_visible_to(user) -> QuerySet[Partnership]:
    """Return the partnerships the user may read: the rule ``partnerships.see_partnership`` as a filter.

    Managers and register administrators read all of them; facilitators the partnerships with a round they
    facilitate; anyone else (respondents included) none.
    """
    if sees_whole_register(user):
        return Partnership.objects.all()
    if not user.has_perm("partnerships.see_register"):
        return Partnership.objects.none()
    # A subquery rather than a join, so a partnership with many rounds is still one row.
    return Partnership.objects.filter(pk__in=Partnership.objects.filter(rounds__facilitator=user).values("pk"))


def register_queryset(user) -> QuerySet[Partnership]:
    """Return the user's partnerships with, per row, the sectors and names of the partners (one query).

    The partners come from subqueries, not from a join grouped by partnership: PostgreSQL then sorts and limits
    the partnerships alone and runs the subqueries only for the rows of the page it returns, where a grouped join
    aggregated every partnership of the register before the ``LIMIT`` (55 ms of the page at 5,000 partnerships).
    """
    partners = Membership.objects.filter(partnership=OuterRef("pk"))
    sector_label = Case(
        *[When(organisation__sector=code, then=Value(str(label))) for code, label in Sector.choices],
        default=F("organisation__sector"),
    )
    return partnerships_visible_to(user).annotate(
        partner_sectors=ArraySubquery(
            partners.order_by("organisation__sector").values_list("organisation__sector", flat=True).distinct()
        ),
        partner_names=ArraySubquery(
            partners.order_by("organisation__name").values_list("organisation__name", flat=True)
        ),
        sector_labels=ArraySubquery(
            partners.annotate(label=sector_label).order_by("label").values_list("label", flat=True).distinct()
        ),
        partner_count=Coalesce(
            Subquery(partners.order_by().values("partnership").annotate(n=Count("pk")).values("n")), 0
        ),
    )


def service_areas(user=None) -> list[str]:
    """Return the service areas of the partnerships ``user`` may read (all when None), alphabetically."""
    partnerships = Partnership.objects.all() if user is None else partnerships_visible_to(user)
    return list(partnerships.order_by("service_area").values_list("service_area", flat=True).distinct())


def partner_organisations(user) -> QuerySet[Organisation]:
    """Return the organisations that are partners in a partnership ``user`` may read, by name: the register's
    partner filter offers these, so it names no partner of a partnership hidden from them."""
    organisations = Organisation.objects.order_by("name")
    if sees_whole_register(user):
        return organisations
    readable = Membership.objects.filter(
        organisation=OuterRef("pk"), partnership__in=partnerships_visible_to(user).values("pk")
    )
    return organisations.filter(Exists(readable))


def reviews_due(user, today: date | None = None) -> QuerySet[Partnership]:
    """Return the user's active or exiting partnerships whose annual review is overdue or due within
    ``settings.PHC_REVIEW_DUE_SOON_DAYS`` days, the most overdue first."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.PHC_REVIEW_DUE_SOON_DAYS)
    return (
        partnerships_visible_to(user)
        .filter(status__in=UNDER_REVIEW, review_due_date__lte=horizon)
        .order_by("review_due_date", "name")
    )


def partnerships_with_records() -> QuerySet[Partnership]:
    """Return partnerships with their gateway, outside-body check and exit record (for one partnership's pages;
    the views' gate asks the rules who may read it)."""
    return Partnership.objects.select_related(
        "gateway",
        "gateway__submitted_by",
        "gateway__decided_by",
        "outside_body_check",
        "exit_record",
        "exit_record__completed_by",
        "created_by",
    )


def partnership_memberships(partnership: Partnership) -> QuerySet[Membership]:
    return partnership.memberships.select_related("organisation").order_by("organisation__name")


def gateway_answers(review: GatewayReview | None) -> dict[str, GatewayAnswer]:
    """Return the review's answers keyed by question code ({} when there is no review yet)."""
    if review is None or review.pk is None:
        return {}
    return {answer.question: answer for answer in review.answers.all()}


def gateways_awaiting_approval() -> QuerySet[GatewayReview]:
    return GatewayReview.objects.filter(status="submitted").select_related("partnership").order_by("submitted_at")


def organisation_choices() -> list[tuple[int | str, str]]:
    """Return the organisations as select choices, "name (sector)", with an empty first choice."""
    rows = Organisation.objects.order_by("name").values_list("pk", "name", "sector")
    labels = dict(Sector.choices)
    return [("", "Choose an existing organisation")] + [(pk, f"{name} ({labels.get(s, s)})") for pk, name, s in rows]


# --- History ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str
    changes: tuple[Change, ...]
    created: bool = False  # the first version: its "changes" are the values it started with


# Fields that say nothing a reader needs (timestamps, keys, who did it: "who" already says that).
_QUIET_FIELDS = {
    "id",
    "created_at",
    "updated_at",
    "created_by",
    "partnership",
    "review",
    "submitted_by",
    "decided_by",
    "completed_by",
    "checked_by",
    "question",
    "submitted_at",
    "decided_at",
    "score",  # derived from likelihood and impact, whose changes are shown
}


def _display(field, value) -> str:
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "isoformat") and not isinstance(value, datetime):
        return value.strftime("%-d %B %Y")
    if isinstance(value, datetime):
        return value.strftime("%-d %B %Y %H:%M")
    if isinstance(value, Decimal):
        return pounds(value)  # the register's only decimals are money
    return str(value)


def _changes(model, old, new, extra_labels: dict[str, dict] | None = None) -> tuple[Change, ...]:
    """Return the field changes from historical record ``old`` (None when created) to ``new``, in the order of
    the model's fields (simple-history's ``diff_against`` finds them; a new record lists what it started with)."""
    fields = {field.name: field for field in model._meta.fields if field.name not in _QUIET_FIELDS}
    if old is None:
        values = {name: (None, getattr(new, field.attname)) for name, field in fields.items()}
        values = {name: pair for name, pair in values.items() if pair[1] not in (None, "", False)}
    else:
        delta = new.diff_against(old, excluded_fields=_QUIET_FIELDS)
        values = {change.field: (change.old, change.new) for change in delta.changes if change.field in fields}
        # diff_against skips fields no form edits; the derived risk rating is one, and its changes matter.
        for name, field in fields.items():
            if not field.editable and getattr(old, field.attname) != getattr(new, field.attname):
                values[name] = (getattr(old, field.attname), getattr(new, field.attname))
    changes = []
    for name, field in fields.items():
        if name not in values:
            continue
        before, after = values[name]
        if extra_labels and name in extra_labels:
            names = extra_labels[name]
            shown_before, shown_after = names.get(before, "—"), names.get(after, "—")
        else:
            shown_before, shown_after = _display(field, before), _display(field, after)
        changes.append(Change(str(field.verbose_name).capitalize(), shown_before, shown_after))
    return tuple(changes)


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "The system"
    return user.get_full_name() or user.get_username()


def _entries_for(model, records, describe, extra_labels=None) -> list[HistoryEntry]:
    """Turn a model's historical records (any order) into entries, diffing each against its predecessor."""
    by_object = defaultdict(list)
    for record in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object[record.id].append(record)
    entries = []
    for versions in by_object.values():
        previous = None
        for record in versions:
            changes = () if record.history_type == "-" else _changes(model, previous, record, extra_labels)
            if record.history_type != "~" or changes:
                entries.append(
                    HistoryEntry(
                        record.history_date,
                        _who(record),
                        describe(record),
                        changes,
                        record.history_type == "+",
                    )
                )
            previous = record
    return entries


_VERBS = {"+": "added", "~": "changed", "-": "removed"}


def partnership_history(partnership: Partnership) -> list[HistoryEntry]:
    """Return every recorded change to the partnership, its partners, gateway, outside-body checks and exit
    record, newest first (a constant number of queries)."""
    entries: list[HistoryEntry] = []
    partnership_records = partnership.history.select_related("history_user")
    entries += _entries_for(
        Partnership,
        partnership_records,
        lambda r: "Partnership recorded" if r.history_type == "+" else "Partnership details changed",
    )

    membership_records = list(Membership.history.filter(partnership_id=partnership.pk).select_related("history_user"))
    names = dict(
        Organisation.objects.filter(pk__in={r.organisation_id for r in membership_records}).values_list("pk", "name")
    )
    entries += _entries_for(
        Membership,
        membership_records,
        lambda r: f"Partner {_VERBS[r.history_type]}: {names.get(r.organisation_id, 'an organisation')}",
        extra_labels={"organisation": names},
    )

    gateway_records = list(GatewayReview.history.filter(partnership_id=partnership.pk).select_related("history_user"))
    entries += _entries_for(
        GatewayReview,
        gateway_records,
        lambda r: "Gateway started" if r.history_type == "+" else f"Gateway {r.get_status_display().lower()}",
    )
    review_ids = {r.id for r in gateway_records}
    answer_records = GatewayAnswer.history.filter(review_id__in=review_ids).select_related("history_user")
    entries += _grouped_answer_entries(answer_records)

    entries += _entries_for(
        OutsideBodyCheck,
        OutsideBodyCheck.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        lambda r: "Outside body checks recorded" if r.history_type == "+" else "Outside body checks changed",
    )
    entries += _entries_for(
        ExitRecord,
        ExitRecord.history.filter(partnership_id=partnership.pk).select_related("history_user"),
        lambda r: "Exit record started" if r.history_type == "+" else "Exit record changed",
    )
    entries += risk_history(Risk.history.filter(partnership_id=partnership.pk).select_related("history_user"))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def risk_history(records) -> list[HistoryEntry]:
    """Return the entries of the given historical risk records, each naming its risk, oldest first."""
    return _entries_for(Risk, records, lambda r: f"Risk {_VERBS[r.history_type]}: {r.title}")


def _grouped_answer_entries(records) -> list[HistoryEntry]:
    """One entry per save of the gateway form: its answer records share a user and a minute."""

    numbers = {q.code: n for n, q in enumerate(QUESTIONS, start=1)}
    entries = _entries_for(GatewayAnswer, records, lambda r: r.question)
    groups: dict[tuple[str, datetime], list[Change]] = defaultdict(list)
    created: dict[tuple[str, datetime], bool] = {}
    latest: dict[tuple[str, datetime], datetime] = {}
    for entry in sorted(entries, key=lambda e: numbers.get(e.what, 0)):
        label = f"Question {numbers[entry.what]}" if entry.what in numbers else entry.what
        key = (entry.who, entry.when.replace(second=0, microsecond=0))
        groups[key] += [Change(f"{label}, {c.field.lower()}", c.old, c.new) for c in entry.changes]
        created[key] = created.get(key, True) and entry.created
        latest[key] = max(latest.get(key, entry.when), entry.when)
    return [
        HistoryEntry(latest[key], key[0], "Gateway answers saved", tuple(changes), created[key])
        for key, changes in groups.items()
        if changes
    ]


# --- Risk register ---------------------------------------------------------------------------------------


def _with_next_action(risks: QuerySet[Risk]) -> QuerySet[Risk]:
    return risks.annotate(
        next_action_due=Min("actions__due_date", filter=Q(actions__done_on__isnull=True)),
        open_action_count=Count("actions", filter=Q(actions__done_on__isnull=True)),
    )


def partnership_risks(
    partnership: Partnership,
    *,
    likelihood: int | None = None,
    impact: int | None = None,
    category: str = "",
    include_closed: bool = True,
) -> QuerySet[Risk]:
    """Return the partnership's risks, highest score first, open before closed, each with the due date of its
    next open action and the number of open actions (one query whatever the number of risks)."""
    risks = Risk.objects.filter(partnership=partnership)
    if not include_closed:
        risks = risks.open()
    if likelihood:
        risks = risks.filter(likelihood=likelihood)
    if impact:
        risks = risks.filter(impact=impact)
    if category:
        risks = risks.filter(category=category)
    # Open risks (no closing date) first.
    return _with_next_action(risks).order_by(F("closed_on").desc(nulls_first=True), "-score", "title", "pk")


def portfolio_risks(
    user, *, likelihood: int | None = None, impact: int | None = None, category: str = ""
) -> QuerySet[Risk]:
    """Return the open risks of every partnership the user may read (not closed), highest score first, with their
    partnership (one query whatever the number of risks)."""
    risks = Risk.objects.current().filter(partnership__in=partnerships_visible_to(user)).select_related("partnership")
    if likelihood:
        risks = risks.filter(likelihood=likelihood)
    if impact:
        risks = risks.filter(impact=impact)
    if category:
        risks = risks.filter(category=category)
    return _with_next_action(risks).order_by("-score", "partnership__name", "title", "pk")


def risk_heat_map(
    *, partnership: Partnership | None = None, partnership_ids: Iterable[int] | None = None
) -> risk_rules.HeatMap:
    """Return the 5x5 heat map of open risks: of one partnership, or of the given partnerships or (neither
    given) the whole register, leaving out closed partnerships (one query)."""
    if partnership is not None:
        risks = Risk.objects.open().filter(partnership=partnership)
    else:
        risks = Risk.objects.current()
        if partnership_ids is not None:
            risks = risks.filter(partnership_id__in=list(partnership_ids))
    counts = risks.values_list("likelihood", "impact").annotate(n=Count("pk")).order_by()
    return risk_rules.heat_map({(likelihood, impact): n for likelihood, impact, n in counts})


def risk_for(partnership: Partnership, pk: int) -> Risk:
    """Return the partnership's risk ``pk`` or raise Http404 (a risk of another partnership is not found)."""
    return get_object_or_404(Risk.objects.filter(partnership=partnership), pk=pk)


def risk_actions(risk: Risk | None) -> QuerySet[RiskAction]:
    if risk is None:
        return RiskAction.objects.none()
    return risk.actions.order_by("due_date", "pk")


def risk_count(partnership: Partnership, category: str = "") -> int:
    risks = Risk.objects.filter(partnership=partnership)
    return (risks.filter(category=category) if category else risks).count()


def open_risks(partnership_ids: Iterable[int]) -> list[Risk]:
    """Return the open risks of the given partnerships with their partnership, highest score first (one
    query): the portfolio report draws its heat map and lists its high risks from the same rows."""
    return list(
        Risk.objects.current()
        .filter(partnership_id__in=list(partnership_ids))
        .select_related("partnership")
        .order_by("-score", "partnership__name", "title", "pk")
    )


def partners_of(partnership_ids: list[int]) -> QuerySet[Membership]:
    """Return the memberships of these partnerships with their partnership and organisation (one query)."""
    return (
        Membership.objects.filter(partnership__in=partnership_ids)
        .select_related("partnership", "organisation")
        .order_by("partnership__name", "organisation__name")
    )


# --- The council's view: significance, and the facts compliance and the priority map read ------------------


def significance_thresholds() -> SignificanceThresholds:
    """Return the council's significance thresholds from the settings."""
    return SignificanceThresholds(
        contribution=Decimal(settings.PHC_SIGNIFICANT_CONTRIBUTION), risk_score=settings.PHC_SIGNIFICANT_RISK_SCORE
    )


def _sum_of(queryset: QuerySet, field: str) -> Subquery:
    # GROUP BY the outer row in a subquery, so that several of these never multiply each other's rows.
    return Subquery(queryset.values("partnership_id").annotate(total=Sum(field)).values("total")[:1])


def with_council_facts(partnerships: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Return ``partnerships`` annotated with what the council's rules read, one subquery each (no joins that
    multiply rows): ``council_contribution`` (£ a year, None when none recorded), ``council_other_resources``,
    ``highest_risk_score`` (open risks), ``strategic_priority_names``, ``other_priority_names``,
    ``risks_recorded``, ``risks_last_updated``, ``risk_owners`` (open risks) and ``gateway_exit_strategy``."""
    council = Membership.objects.filter(partnership=OuterRef("pk"), organisation__is_the_council=True)
    risks = Risk.objects.filter(partnership=OuterRef("pk"))
    priorities = CouncilPriority.objects.filter(partnerships=OuterRef("pk")).order_by("name")
    return partnerships.annotate(
        council_contribution=_sum_of(council, "financial_contribution"),
        council_other_resources=Exists(council.exclude(other_resources="")),
        highest_risk_score=Subquery(risks.open().order_by("-score").values("score")[:1]),
        strategic_priority_names=ArraySubquery(priorities.filter(is_strategic=True).values("name")),
        other_priority_names=ArraySubquery(priorities.filter(is_strategic=False).values("name")),
        risks_recorded=Coalesce(
            Subquery(risks.values("partnership_id").annotate(n=Count("pk")).values("n")[:1]), Value(0)
        ),
        risks_last_updated=Subquery(risks.values("partnership_id").annotate(at=Max("updated_at")).values("at")[:1]),
        risk_owners=ArraySubquery(risks.open().order_by("owner").values("owner").distinct()),
        gateway_exit_strategy=Exists(
            GatewayAnswer.objects.filter(review__partnership=OuterRef("pk"), question="termination", answer=Answer.YES)
        ),
    )


def significance_facts(partnership: Partnership) -> SignificanceFacts:
    """Return the significance facts of a partnership annotated by ``with_council_facts``."""
    return SignificanceFacts(
        statutory_status=partnership.statutory_status,
        council_contribution=partnership.council_contribution,  # type: ignore[attr-defined]
        highest_risk_score=partnership.highest_risk_score,  # type: ignore[attr-defined]
        strategic_priorities=tuple(partnership.strategic_priority_names),  # type: ignore[attr-defined]
        override=partnership.significance_override,
        override_reason=partnership.significance_reason,
    )


def significance_of(partnerships: QuerySet[Partnership]) -> dict[int, Significance]:
    """Return {partnership id: its significance} for ``partnerships``, in one query."""
    thresholds = significance_thresholds()
    return {p.pk: significance(significance_facts(p), thresholds) for p in with_council_facts(partnerships)}


def partnership_significance(partnership: Partnership) -> Significance:
    """Return one partnership's significance (one query)."""
    return significance_of(Partnership.objects.filter(pk=partnership.pk))[partnership.pk]


def significant_ids(partnerships: QuerySet[Partnership], *, significant: bool = True) -> list[int]:
    """Return the ids of ``partnerships`` that are (or, ``significant`` False, are not) significant."""
    return [pk for pk, decision in significance_of(partnerships).items() if decision.is_significant is significant]


def council_priorities() -> QuerySet[CouncilPriority]:
    """Return the council's priorities, the strategic ones first."""
    return CouncilPriority.objects.order_by("-is_strategic", "name")


@dataclass(frozen=True)
class SignificanceOverrideRecord:
    """One change of a partnership's significance override, from its history."""

    when: datetime
    by: str
    override: str
    reason: str


def significance_overrides(partnership: Partnership) -> list[SignificanceOverrideRecord]:
    """Return every change of the partnership's significance override, newest first (one query)."""
    labels = dict(SignificanceOverride.choices)
    rows = partnership.history.select_related("history_user").order_by("history_date", "history_id")
    changes: list[SignificanceOverrideRecord] = []
    previous: tuple[str, str] = ("", "")
    for row in rows:
        current = (row.significance_override, row.significance_reason)
        if current != previous:
            changes.append(
                SignificanceOverrideRecord(row.history_date, _who(row), labels.get(current[0], ""), current[1])
            )
            previous = current
    return list(reversed(changes))
