"""URL configuration: each app's pages under its own namespace."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django_ratelimit.decorators import ratelimit

from config import views
from config.forms import SignInForm

admin.site.site_header = "Partnership Health Check administration"
admin.site.site_title = "Partnership Health Check"

login_view = ratelimit(key="ip", rate="20/m", method="POST", block=True)(
    auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm)
)

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("", include("partnerships.urls")),
    path("", include("assessments.urls")),
    path("", include("results.urls")),
    path("", include("reports.urls")),
]
# Errors use Django's default handlers, which render templates/403.html, 404.html and 500.html (500 without
# context processors: the database may be why we are there).
