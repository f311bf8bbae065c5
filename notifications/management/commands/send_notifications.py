"""Queue today's digests: annual reviews due (weekly), rounds closing soon, actions due (weekly).

Run it daily (cron or a systemd timer, see README.md); running it again the same day or week, or two at once,
sends nothing more. The emails go out through the task worker (``manage.py db_worker``).
"""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandParser

from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Queue the notification digests due today; each person gets each digest at most once per period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this day (YYYY-MM-DD).")

    def handle(self, *args: object, **options: object) -> None:
        day = options.get("date")
        sent = notifications_send(day if isinstance(day, date) else None)
        self.stdout.write(
            f"Queued {sent.total} emails: {sent.reviews_due} annual-review digests, "
            f"{sent.rounds_closing} rounds closing, {sent.actions_due} action digests."
        )
