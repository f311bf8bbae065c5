from __future__ import annotations

from django.apps import AppConfig


class ResultsConfig(AppConfig):
    """A round's computed results, exports, workshop and action plan (the models stay in ``assessments``)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "results"

    def ready(self) -> None:
        from assessments.signals import round_closed  # noqa: PLC0415 (apps are ready only now)
        from results.tasks import round_results_prepare  # noqa: PLC0415

        def prepare_after_close(sender: object, round_id: int, **kwargs: object) -> None:
            # Results and charts are drawn by a worker once the close is saved, so the first viewer does not wait.
            round_results_prepare.enqueue(round_id)

        round_closed.connect(prepare_after_close, dispatch_uid="results.prepare_after_close", weak=False)
