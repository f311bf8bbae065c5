from __future__ import annotations

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """A round's computed results, exports, workshop and action plan (the models stay in ``assessments``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"

    def ready(self) -> None:
        # Django's place to connect signals: the tasks module loads models, so it is imported once apps are ready.
        from assessments.signals import round_closed  # noqa: PLC0415
        from results.tasks import prepare_closed_round  # noqa: PLC0415

        round_closed.connect(prepare_closed_round, dispatch_uid="results-prepare-closed-round")
