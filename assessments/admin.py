"""Administration of rounds and responses: for support staff, mostly read-only.

Answers are changed only through the respondent's journey, so responses and answers cannot be edited here;
token hashes are never shown.
"""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assessments.models import ActionItem, Answer, Instrument, Invitation, Reopening, Response, Round


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
    raw_id_fields = ("partnership", "facilitator")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "organisation", "level", "round", "invited_at", "revoked_at")
    list_filter = ("level",)
    search_fields = ("name", "email", "organisation", "round__title")
    list_select_related = ("round__partnership",)
    exclude = ("token_salt", "token_hash")
    raw_id_fields = ("round", "user")

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


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    list_display = ("id", "round", "status", "total", "submitted_at")
    list_filter = ("status",)
    list_select_related = ("round__partnership",)
    # No link from answers to the person: in an anonymous round no screen may make it.
    exclude = ("invitation",)
    inlines = [AnswerInline]

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
