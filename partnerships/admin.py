"""The register in the Django admin, with each model's history (django-simple-history): for superusers only
(``config.urls``). Statuses change only through their transitions (the gateway's four-eyes rule, "active only
through an approved gateway", "closed only with a completed exit record"), so they are read-only here, and so is
who submitted and decided a gateway."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from partnerships import services
from partnerships.models import (
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
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "representative", "financial_contribution", "other_resources")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "sector", "is_the_council")
    list_filter = ("sector", "is_the_council")
    search_fields = ("name",)


@admin.register(CouncilPriority)
class CouncilPriorityAdmin(SimpleHistoryAdmin):
    """The council's list of priorities; a strategic one makes the partnerships serving it significant."""

    list_display = ("name", "is_strategic")
    list_filter = ("is_strategic",)
    search_fields = ("name",)


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = (
        "reference",
        "name",
        "status",
        "lifecycle_stage",
        "structure_model",
        "statutory_status",
        "risk",
        "lead_officer",
        "review_due_date",
    )
    list_filter = (
        "status",
        "lifecycle_stage",
        "continuum",
        "structure_model",
        "statutory_status",
        "risk",
        "is_outside_body",
        "service_area",
    )
    search_fields = ("name", "reference", "lead_officer", "senior_sponsor", "memberships__organisation__name")
    date_hierarchy = "review_due_date"
    readonly_fields = ("status", "risk", "created_at", "updated_at", "created_by")
    inlines = (MembershipInline,)
    list_select_related = True


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "organisation", "role", "representative", "financial_contribution")
    list_filter = ("organisation__sector",)
    search_fields = ("partnership__name", "partnership__reference", "organisation__name", "representative")
    list_select_related = ("partnership", "organisation")
    autocomplete_fields = ("partnership", "organisation")


class GatewayAnswerInline(admin.TabularInline):
    model = GatewayAnswer
    extra = 0
    fields = ("question", "answer", "evidence")


@admin.register(GatewayReview)
class GatewayReviewAdmin(SimpleHistoryAdmin):
    list_display = ("partnership", "status", "submitted_by", "submitted_at", "decided_by", "decided_at")
    list_filter = ("status",)
    search_fields = ("partnership__name", "partnership__reference")
    list_select_related = ("partnership", "submitted_by", "decided_by")
    readonly_fields = ("status", "submitted_by", "submitted_at", "decided_by", "decided_at", "return_reason")
    inlines = (GatewayAnswerInline,)
    autocomplete_fields = ("partnership",)


@admin.register(GatewayAnswer)
class GatewayAnswerAdmin(SimpleHistoryAdmin):
    list_display = ("review", "question", "answer")
    list_filter = ("answer", "question")
    search_fields = ("review__partnership__name", "evidence")
    list_select_related = ("review__partnership",)


@admin.register(OutsideBodyCheck)
class OutsideBodyCheckAdmin(SimpleHistoryAdmin):
    list_display = (
        "partnership",
        "legal_status",
        "insurance_in_place",
        "conflicts_declared",
        "advice_taken",
        "updated_at",
    )
    list_filter = ("insurance_in_place", "conflicts_declared", "advice_taken")
    search_fields = ("partnership__name", "partnership__reference", "legal_status", "representatives")
    list_select_related = ("partnership",)
    autocomplete_fields = ("partnership",)


@admin.register(ExitRecord)
class ExitRecordAdmin(SimpleHistoryAdmin):
    list_display = (
        "partnership",
        "exit_date",
        "objectives_met",
        "legal_advice_taken",
        "financial_advice_taken",
        "completed_at",
    )
    list_filter = ("objectives_met", "legal_advice_taken", "financial_advice_taken")
    search_fields = ("partnership__name", "partnership__reference", "reason")
    list_select_related = ("partnership",)
    autocomplete_fields = ("partnership",)
    readonly_fields = ("completed_at", "completed_by")
    date_hierarchy = "exit_date"


class RiskActionInline(admin.TabularInline):
    model = RiskAction
    extra = 0
    fields = ("description", "due_date", "done_on")


@admin.register(Risk)
class RiskAdmin(SimpleHistoryAdmin):
    """Best changed on the register's pages; a change or deletion here also derives the partnership's risk
    rating again, through the same service."""

    list_display = ("title", "partnership", "category", "likelihood", "impact", "score", "owner", "review_date")
    list_filter = ("category", "likelihood", "impact")
    search_fields = ("title", "partnership__name", "partnership__reference", "owner")
    list_select_related = ("partnership",)
    readonly_fields = ("score",)
    inlines = (RiskActionInline,)
    autocomplete_fields = ("partnership",)

    def save_model(self, request: HttpRequest, obj: Risk, form: Any, change: bool) -> None:
        # A risk moved to another partnership changes the rating of both.
        before = Risk.objects.filter(pk=obj.pk).values_list("partnership_id", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        services.risk_ratings_refresh({obj.partnership_id, before or obj.partnership_id}, by=request.user)

    def delete_model(self, request: HttpRequest, obj: Risk) -> None:
        partnership_id = obj.partnership_id
        super().delete_model(request, obj)
        services.risk_ratings_refresh([partnership_id], by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Risk]) -> None:
        partnership_ids = set(queryset.values_list("partnership_id", flat=True))
        super().delete_queryset(request, queryset)
        services.risk_ratings_refresh(partnership_ids, by=request.user)
