"""The register's search, filters and sort order (django-filter), shared by the page and the CSV export."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from partnerships import selectors
from partnerships.models import (
    Continuum,
    LifecycleStage,
    Membership,
    Risk,
    Sector,
    Status,
    StatutoryStatus,
    StructureModel,
)

# Sort keys offered by the column headings: key -> (heading, ordering expression).
SORTS: dict[str, tuple[str, Any]] = {
    "name": ("Partnership", F("name")),
    "reference": ("Reference", F("reference")),
    "status": ("Status", F("status")),
    "stage": ("Life-cycle stage", F("lifecycle_stage")),
    "lead": ("Lead officer", F("lead_officer")),
    "review": ("Next review", F("review_due_date")),
    "risk": ("Risk", F("risk")),
}
DEFAULT_SORT = "name"


def _ordering(key: str) -> list[Any]:
    descending = key.startswith("-")
    expression = SORTS[key.lstrip("-")][1]
    first = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return [first, "name", "pk"]


class PartnershipFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name or reference", method="search")
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
    risk = django_filters.ChoiceFilter(label="Risk rating", choices=Risk.choices, empty_label="Any risk")
    overdue = django_filters.BooleanFilter(
        label="Review overdue only", method="review_overdue", widget=forms.CheckboxInput
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(k, k) for k in SORTS] + [(f"-{k}", f"-{k}") for k in SORTS],
        method="sort_by",
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, service_areas: Sequence[str] = (), today: date | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.filters["service_area"].extra["choices"] = [(area, area) for area in service_areas]
        self.form.fields["q"].widget.input_type = "search"

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(reference__icontains=value))

    def partner_sector(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        partners_in_sector = Membership.objects.filter(partnership=OuterRef("pk"), organisation__sector=value)
        return queryset.filter(Exists(partners_in_sector))

    def review_overdue(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(status__in=(Status.ACTIVE, Status.EXITING), review_due_date__lt=self.today)

    def sort_by(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # applied last, in ``filter_queryset``, so it also holds when no sort was asked for

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        return queryset.order_by(*_ordering(self.sort_key))

    @property
    def sort_key(self) -> str:
        value = self.form.cleaned_data.get("sort") if hasattr(self.form, "cleaned_data") else None
        return value or DEFAULT_SORT

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
    for key, (heading, _) in SORTS.items():
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


def register_filter(data: QueryDict, user) -> PartnershipFilter:
    """Return the register's filter over the partnerships ``user`` may read, as asked by ``data`` (a GET)."""
    return PartnershipFilter(
        data,
        queryset=selectors.register_queryset(user),
        service_areas=selectors.service_areas(user),
        today=timezone.localdate(),
    )
