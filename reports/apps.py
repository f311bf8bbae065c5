from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self) -> None:
        # The register filters by compliance, which only this app can judge (it reads the health checks): plug
        # the judgement into the register's filter, which may not import upwards.
        from partnerships import filters  # noqa: PLC0415
        from reports.selectors import compliance_statuses  # noqa: PLC0415

        filters.compliance_statuses = compliance_statuses
