from __future__ import annotations

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """A round's computed results, exports, workshop and action plan (the models stay in ``assessments``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
