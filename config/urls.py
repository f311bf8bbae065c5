"""URL configuration: each app's pages under its own namespace."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest
from django.urls import include, path

from config import views
from config.forms import SignInForm

admin.site.site_header = "Partnership Health Check administration"
admin.site.site_title = "Partnership Health Check"


def superusers_only(request: HttpRequest) -> bool:
    """The admin is for superusers: role accounts (even staff ones) do not reach it, so it cannot undo the
    site's rules (see each app's admin.py for what even a superuser cannot change there)."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = superusers_only  # type: ignore[method-assign]

urlpatterns = [
    path("", include("reports.home_urls")),  # the home page lists what waits for each role
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    # Sign-in (here and in the admin) is throttled by django-axes, per account and per client.
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partnerships.urls")),
    path("", include("assessments.urls")),
    path("", include("results.urls")),
    path("", include("reports.urls")),
    path("", include("outbox.urls")),
    path("", include("notifications.urls")),
]
# Errors use Django's default handlers, which render templates/403.html, 404.html and 500.html (500 without
# context processors: the database may be why we are there).
