"""The project itself as an app: its deploy checks, the cache table's migration and the operations commands."""

from __future__ import annotations

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    name = "config"
    label = "config"
    verbose_name = "Partnership Health Check"

    def ready(self) -> None:
        from config import checks  # noqa: F401, PLC0415 (registers the deploy checks)
