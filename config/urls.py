"""URL configuration: each app's pages under its own namespace."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views

admin.site.site_header = "Partnership Health Check administration"
admin.site.site_title = "Partnership Health Check"


urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    # Sign-in (here and in the admin) is throttled by django-axes, per account and per client.
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partnerships.urls")),
    path("", include("assessments.urls")),
    path("", include("assessments.results_urls")),
    path("", include("reports.urls")),
    path("", include("outbox.urls")),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
