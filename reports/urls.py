from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("rounds/<int:pk>/dartboard.<str:fmt>", views.dartboard, name="dartboard"),
]
