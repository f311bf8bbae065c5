"""The home page, served by the app that can see every other (it lists what waits for each role)."""

from __future__ import annotations

from django.urls import path

from reports import views

urlpatterns = [path("", views.home, name="home")]
