from __future__ import annotations

from django.urls import path

from results import views

app_name = "results"
urlpatterns = [
    path("rounds/<int:pk>/results/", views.results, name="results"),
    path("rounds/<int:pk>/results/respondents/<int:number>/", views.respondent_profile, name="profile"),
    path("rounds/<int:pk>/workshop/", views.workshop, name="workshop"),
    path("rounds/<int:pk>/workshop/present/", views.workshop_present, name="present"),
    path("rounds/<int:pk>/results.json", views.results_json, name="results_json"),
    path("rounds/<int:pk>/responses.csv", views.responses_csv, name="responses_csv"),
    path("rounds/<int:pk>/actions/", views.actions, name="actions"),
    path("rounds/<int:pk>/actions/<int:action_id>/edit/", views.action_edit, name="action_edit"),
]
