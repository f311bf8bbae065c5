from __future__ import annotations

from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("rounds/<int:pk>/emails/<int:email_pk>/resend/", views.email_resend, name="email_resend"),
]
