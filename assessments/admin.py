"""Administration of rounds and responses: for superusers only (``config.urls`` closes the admin to every role
account), and even then it cannot break the rules of the site:

- a round's state changes only through its transitions, so ``state`` is read-only here, and so are its
  anonymity, facilitator and close time (changing them would link answers to people);
- an invitation's person, email address, account and round are read-only (changing them would send a
  personal link, or a reminder with it, to someone else);
- no individual response of an anonymous round, or of a round under the minimum number of responses, is
  listed or shown; responses and answers are never edited here; token hashes are never shown.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import ActionItem, Answer, Instrument, Invitation, Reopening, Response, ResponseStatus, Round


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "slug", "version", "loaded_at")
    exclude = ("source",)


@admin.register(Round)
class RoundAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "state", "opens_on", "closes_on", "anonymous", "facilitator")
    list_filter = ("state", "anonymous", "purpose")
    search_fields = ("title", "partnership__name", "partnership__reference")
    list_select_related = ("partnership", "facilitator")
    raw_id_fields = ("partnership",)
    readonly_fields = ("state", "anonymous", "facilitator", "closed_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Round | None = None) -> tuple[str, ...]:
        # A new round is a draft whose set-up is still free; once it exists only the site's pages change these.
        return ("state", "closed_at") if obj is None else self.readonly_fields


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organisation", "level", "round", "invited_at", "revoked_at")
    list_filter = ("level",)
    search_fields = ("name", "email", "organisation", "round__title")
    list_select_related = ("round__partnership",)
    exclude = ("token_salt", "token_hash")
    readonly_fields = ("round", "name", "email", "user", "invited_at", "reminded_at", "reminder_count")

    def has_add_permission(self, request, obj=None) -> bool:
        # New invitations need a token: they are added from the round's invitations page.
        return False

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # ?response=<id> would name the person behind a response.
        return not lookup.startswith("response") and super().lookup_allowed(lookup, value, request)


class AnswerInline(admin.TabularInline):
    model = Answer
    fields = ("statement", "value", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def rounds_with_individual_responses_shown() -> QuerySet[Round]:
    """Named rounds with at least the minimum number of submitted responses: the only ones whose individual
    responses the admin lists."""
    return (
        Round.objects.filter(anonymous=False)
        .annotate(submitted=Count("responses", filter=Q(responses__status=ResponseStatus.SUBMITTED)))
        .filter(submitted__gte=settings.PHC_MIN_RESPONSES)
    )


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("id", "round", "status", "total", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("round__partnership",)
    # No link from answers to the person: in an anonymous round no screen may make it.
    exclude = ("invitation",)
    inlines = [AnswerInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Response]:
        return super().get_queryset(request).filter(round__in=rounds_with_individual_responses_shown().values("pk"))

    def lookup_allowed(self, lookup, value, request=None) -> bool:
        # ?invitation=<id> would show one named person's answers.
        return not lookup.startswith("invitation") and super().lookup_allowed(lookup, value, request)


@admin.register(Reopening)
class ReopeningAdmin(ReadOnlyAdmin):
    list_display = ("response", "reopened_by", "reopened_at")


@admin.register(ActionItem)
class ActionItemAdmin(SimpleHistoryAdmin):
    list_display = ("description", "round", "principle", "owner", "due_date", "status")
    list_filter = ("status",)
    raw_id_fields = ("round",)
