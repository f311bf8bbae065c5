from __future__ import annotations

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """A round's computed results, exports, workshop and action plan (the models stay in ``assessments``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"

    def ready(self) -> None:
        from assessments.signals import round_closed  # noqa: PLC0415 (apps are ready only now)
        from results.tasks import prepare_when_closed  # noqa: PLC0415

        round_closed.connect(prepare_when_closed, dispatch_uid="results-prepare-when-closed")
