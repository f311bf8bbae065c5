from __future__ import annotations

from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    # Stage 1 and following the round (facilitators; managers may look).
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/state/", views.round_state, name="round_state"),
    path("rounds/<int:pk>/close/", views.round_close_confirm, name="round_close"),
    path("rounds/<int:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("rounds/<int:pk>/invitations/", views.invitations, name="invitations"),
    path("rounds/<int:pk>/invitations/add/", views.invitation_add, name="invitation_add"),
    path("rounds/<int:pk>/invitations/import/", views.invitations_import, name="invitations_import"),
    path(
        "rounds/<int:pk>/invitations/import/confirm/",
        views.invitations_import_confirm,
        name="invitations_import_confirm",
    ),
    path("rounds/<int:pk>/invitations/send/", views.invitations_send, name="invitations_send"),
    path("rounds/<int:pk>/invitations/remind/", views.reminders_send, name="reminders_send"),
    path("rounds/<int:pk>/invitations/emails/", views.round_emails, name="round_emails"),
    path(
        "rounds/<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "rounds/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    # Stage 2: the respondent's journey by personal link (no sign-in).
    path("respond/<str:token>/", views.respond, name="respond"),
    path("respond/<str:token>/welcome/", views.respond_welcome, name="respond_welcome"),
    path("respond/<str:token>/principle/<int:number>/", views.respond_principle, name="respond_principle"),
    path("respond/<str:token>/significance/", views.respond_significance, name="respond_significance"),
    path("respond/<str:token>/success/", views.respond_success, name="respond_success"),
    path("respond/<str:token>/review/", views.respond_review, name="respond_review"),
    path("respond/<str:token>/saved/", views.respond_saved, name="respond_saved"),
    path("respond/<str:token>/thanks/", views.respond_thanks, name="respond_thanks"),
    # Signed-in respondents.
    path("my/", views.my_assessments, name="my"),
]
