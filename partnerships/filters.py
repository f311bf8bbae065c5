"""The register's search, filters and sort order (django-filter), shared by the page and the CSV export."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.postgres.search import SearchQuery
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone

from config.forms import LongSelect
from partnerships import selectors
from partnerships.models import (
    REGISTER_SEARCH_CONFIG,
    REGISTER_SEARCH_VECTOR,
    Continuum,
    LifecycleStage,
    Membership,
    Organisation,
    Partnership,
    RiskRating,
    Sector,
    Status,
    StatutoryStatus,
    StructureModel,
)
from partnerships.search import TYPO_MIN_LENGTH, trigram_installed, typo_of
from partnerships.significance import NOT_SIGNIFICANT, SIGNIFICANT

# Compliance is judged by the council's view (``reports``), which reads the health checks that this app may not
# import; ``reports.apps`` plugs its function in here once the apps are loaded. It returns {partnership id:
# status} for the ids given (None: all). While it is None the register offers no compliance filter.
compliance_statuses: Callable[[Iterable[int] | None], dict[int, str]] | None = None
COMPLIANCE_CHOICES = (
    ("compliant", "Compliant"),
    ("minor_gaps", "Minor gaps"),
    ("significant_gaps", "Significant gaps"),
)

# Sort keys offered by the column headings: key -> (model field, heading).
SORTS: dict[str, tuple[str, str]] = {
    "name": ("name", "Partnership"),
    "reference": ("reference", "Reference"),
    "status": ("status", "Status"),
    "stage": ("lifecycle_stage", "Life-cycle stage"),
    "lead": ("lead_officer", "Lead officer"),
    "review": ("review_due_date", "Next review"),
    "risk": ("risk", "Risk"),
}
DEFAULT_SORT = "name"
# The risk rating sorts by severity, not alphabetically; "not assessed" below low.
RISK_SEVERITY = Case(
    When(risk=RiskRating.LOW, then=Value(1)),
    When(risk=RiskRating.MEDIUM, then=Value(2)),
    When(risk=RiskRating.HIGH, then=Value(3)),
    default=Value(0),
)


class OrganisationNames(django_filters.fields.ModelChoiceIterator):
    """The partner organisations as (id, name) pairs, read with ``values_list``: a model instance per option cost
    36 ms at a region's 2,500 organisations, the pairs 4 ms. An organisation's label is its name."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        yield from self.queryset.values_list("pk", "name")


class OrganisationField(django_filters.fields.ModelChoiceField):
    iterator = OrganisationNames


class OrganisationFilter(django_filters.ModelChoiceFilter):
    field_class = OrganisationField


class RegisterOrdering(django_filters.OrderingFilter):
    """django-filter's ordering by ``?sort=key`` or ``?sort=-key``, with rows without a value last either way and
    ties broken by name; no (or an unknown) sort orders by name."""

    def get_ordering_value(self, param: str) -> Any:
        descending = param.startswith("-")
        field = self.param_map[param.lstrip("-")]
        expression = RISK_SEVERITY if field == "risk" else F(field)
        return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        return qs.order_by(*[self.get_ordering_value(param) for param in value or [DEFAULT_SORT]], "name", "pk")


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Name, reference, partner organisation, lead officer, sponsor, service area or purpose",
    )
    partner = OrganisationFilter(
        label="Partner organisation",
        queryset=Organisation.objects.order_by("name"),
        empty_label="Any partner",
        method="with_partner",
        widget=LongSelect,
    )
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    lifecycle_stage = django_filters.ChoiceFilter(
        label="Life-cycle stage", choices=LifecycleStage.choices, empty_label="Any stage"
    )
    continuum = django_filters.ChoiceFilter(label="Type of working", choices=Continuum.choices, empty_label="Any type")
    structure_model = django_filters.ChoiceFilter(
        label="Structure model", choices=StructureModel.choices, empty_label="Any model"
    )
    statutory_status = django_filters.ChoiceFilter(
        label="Statutory status", choices=StatutoryStatus.choices, empty_label="Any"
    )
    sector = django_filters.ChoiceFilter(
        label="Sector of a partner", choices=Sector.choices, empty_label="Any sector", method="partner_sector"
    )
    service_area = django_filters.ChoiceFilter(label="Service area", choices=(), empty_label="Any service area")
    risk = django_filters.ChoiceFilter(label="Risk rating", choices=RiskRating.choices, empty_label="Any risk")
    significance = django_filters.ChoiceFilter(
        label="Significance",
        choices=((SIGNIFICANT, "Significant"), (NOT_SIGNIFICANT, "Not significant")),
        empty_label="Any",
        method="by_significance",
    )
    compliance = django_filters.ChoiceFilter(
        label="Governance compliance", choices=COMPLIANCE_CHOICES, empty_label="Any", method="by_compliance"
    )
    overdue = django_filters.BooleanFilter(
        label="Review overdue only", method="review_overdue", widget=forms.CheckboxInput
    )
    sort = RegisterOrdering(
        label="Sort by",
        fields={field: key for key, (field, _) in SORTS.items()},
        field_labels={field: heading for field, heading in SORTS.values()},
        widget=forms.HiddenInput,
    )

    def __init__(
        self,
        *args,
        service_areas: Sequence[str] = (),
        partners: QuerySet[Organisation] | None = None,
        today: date | None = None,
        council_view: bool = True,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        # Significance and compliance are the council's view of the whole register, for those who read all of it.
        if not council_view:
            del self.filters["significance"], self.filters["compliance"]
        elif compliance_statuses is None:
            del self.filters["compliance"]
        self.filters["service_area"].extra["choices"] = [(area, area) for area in service_areas]
        if partners is not None:
            self.filters["partner"].queryset = partners
        self.form.fields["q"].widget.input_type = "search"

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Full-text search (English stemming, web-search syntax) over the partnership's texts, plus part of
        a name or a slightly mistyped name (trigram indexes) of the partnership, its people and its partners."""
        value = value.strip()
        if not value:
            return queryset
        words = SearchQuery(value, search_type="websearch", config=REGISTER_SEARCH_CONFIG)
        partner_match = Q(organisation__name__icontains=value)
        match = (
            Q(search_text=words)
            | Q(name__icontains=value)
            | Q(reference__icontains=value)
            | Q(lead_officer__icontains=value)
            | Q(senior_sponsor__icontains=value)
        )
        if trigram_installed() and len(value) >= TYPO_MIN_LENGTH:
            partner_match |= Q(typo_of(value, "organisation__name"))
            match |= Q(typo_of(value, "name")) | Q(typo_of(value, "lead_officer")) | Q(typo_of(value, "senior_sponsor"))
        partner_named = Membership.objects.filter(partner_match, partnership=OuterRef("pk"))
        return queryset.annotate(search_text=REGISTER_SEARCH_VECTOR).filter(match | Exists(partner_named))

    def with_partner(self, queryset: QuerySet, name: str, value: Organisation | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(Exists(Membership.objects.filter(partnership=OuterRef("pk"), organisation=value)))

    def partner_sector(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        partners_in_sector = Membership.objects.filter(partnership=OuterRef("pk"), organisation__sector=value)
        return queryset.filter(Exists(partners_in_sector))

    def by_significance(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        chosen = selectors.significant_ids(
            Partnership.objects.filter(pk__in=queryset.values("pk")), significant=value == SIGNIFICANT
        )
        return queryset.filter(pk__in=chosen)

    def by_compliance(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value or compliance_statuses is None:
            return queryset
        statuses = compliance_statuses(None)
        return queryset.filter(pk__in=[pk for pk, status in statuses.items() if status == value])

    def review_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(status__in=(Status.ACTIVE, Status.EXITING), review_due_date__lt=self.today)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        if "sort" not in self.form.cleaned_data:  # an unknown sort is left out of cleaned_data: order by name
            queryset = self.filters["sort"].filter(queryset, None)
        return queryset

    @property
    def sort_key(self) -> str:
        value = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else None
        return value[0] if value else DEFAULT_SORT

    @property
    def is_filtered(self) -> bool:
        return any(v for k, v in getattr(self.form, "cleaned_data", {}).items() if k != "sort")


@dataclass(frozen=True)
class SortLink:
    key: str
    heading: str
    query: str
    aria_sort: str  # "ascending", "descending" or "none"


def sort_links(current: str, params: QueryDict) -> dict[str, SortLink]:
    """Return, per sortable column, the heading's link (the current filters kept, back to page 1) and its
    aria-sort state. Choosing the sorted column again reverses it."""
    links = {}
    for key, (_, heading) in SORTS.items():
        if current == key:
            state, target = "ascending", f"-{key}"
        elif current == f"-{key}":
            state, target = "descending", key
        else:
            state, target = "none", key
        query = params.copy()
        query.pop("page", None)
        query["sort"] = target
        links[key] = SortLink(key, heading, query.urlencode(), state)
    return links


def register_filter(data: QueryDict, user: User | AnonymousUser) -> PartnershipFilter:
    """Return the register's filter over the partnerships ``user`` may read, as asked by ``data`` (a GET)."""
    return PartnershipFilter(
        data,
        queryset=selectors.register_queryset(user),
        service_areas=selectors.service_areas(user),
        partners=selectors.partner_organisations(user),
        today=timezone.localdate(),
        council_view=selectors.sees_whole_register(user),
    )
