from __future__ import annotations

from django.urls import path

from assessments.views import respond, rounds

app_name = "assessments"
urlpatterns = [
    # Stage 1 and following the round (facilitators; managers may look).
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/new/", rounds.round_create, name="round_create"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("rounds/<int:pk>/state/", rounds.round_state, name="round_state"),
    path("rounds/<int:pk>/close/", rounds.round_close_confirm, name="round_close"),
    path("rounds/<int:pk>/reopen/", rounds.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/invitations/", rounds.invitations, name="invitations"),
    path("rounds/<int:pk>/invitations/add/", rounds.invitation_add, name="invitation_add"),
    path("rounds/<int:pk>/invitations/import/", rounds.invitations_import, name="invitations_import"),
    path(
        "rounds/<int:pk>/invitations/import/confirm/",
        rounds.invitations_import_confirm,
        name="invitations_import_confirm",
    ),
    path("rounds/<int:pk>/invitations/send/", rounds.invitations_send, name="invitations_send"),
    path("rounds/<int:pk>/invitations/remind/", rounds.reminders_send, name="reminders_send"),
    path("rounds/<int:pk>/invitations/emails/", rounds.round_emails, name="round_emails"),
    path(
        "rounds/<int:pk>/invitations/<int:invitation_pk>/resend/",
        rounds.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "rounds/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        rounds.invitation_revoke,
        name="invitation_revoke",
    ),
    # Stage 2: the respondent's journey by personal link (no sign-in).
    path("respond/<str:token>/", respond.respond, name="respond"),
    path("respond/<str:token>/welcome/", respond.respond_welcome, name="respond_welcome"),
    path("respond/<str:token>/principle/<int:number>/", respond.respond_principle, name="respond_principle"),
    path("respond/<str:token>/significance/", respond.respond_significance, name="respond_significance"),
    path("respond/<str:token>/success/", respond.respond_success, name="respond_success"),
    path("respond/<str:token>/review/", respond.respond_review, name="respond_review"),
    path("respond/<str:token>/saved/", respond.respond_saved, name="respond_saved"),
    path("respond/<str:token>/thanks/", respond.respond_thanks, name="respond_thanks"),
    # Signed-in respondents.
    path("my/", respond.my_assessments, name="my"),
]
