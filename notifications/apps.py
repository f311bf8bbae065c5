from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Emails that tell people what waits for them: gateway events, receipts and the digests of
    ``manage.py send_notifications``, each through the outbox (queued, claimed, sent once)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self) -> None:
        # Django's place to connect signals: the services load models, so they are imported once apps are ready.
        from assessments.signals import receipt_asked  # noqa: PLC0415
        from notifications import services  # noqa: PLC0415
        from partnerships.signals import gateway_decided, gateway_submitted  # noqa: PLC0415

        gateway_submitted.connect(services.gateway_submitted_notify, dispatch_uid="notify-gateway-submitted")
        gateway_decided.connect(services.gateway_decided_notify, dispatch_uid="notify-gateway-decided")
        receipt_asked.connect(services.receipt_send, dispatch_uid="notify-receipt")
