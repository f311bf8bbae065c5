"""Queue today's digests: annual reviews due (weekly), rounds closing soon, actions due (weekly).

Run it daily (cron or a systemd timer, see README.md); running it again the same day or week, or two at once,
sends nothing more. The emails go out through the task worker (``manage.py db_worker``).

``--daily`` keeps it running: it queues today's digests at once, then again every day at
``schedule.DAILY_AT``, until stopped. ``make run`` starts it so beside its task worker (the task queue,
django-tasks, has no scheduler of its own); production uses cron or a systemd timer instead.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from django.utils import timezone

from notifications import schedule
from notifications.services import notifications_send


class Command(BaseCommand):
    help = "Queue the notification digests due today; each person gets each digest at most once per period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=date.fromisoformat, help="Act as if today were this day (YYYY-MM-DD).")
        parser.add_argument(
            "--daily",
            action="store_true",
            help=f"Keep running: queue today's digests now, then every day at {schedule.DAILY_AT:%H:%M}.",
        )

    def handle(self, *args: object, **options: object) -> None:
        day = options.get("date")
        if not options.get("daily"):
            self.send(day if isinstance(day, date) else None)
            return
        if day is not None:
            raise CommandError("--daily runs on the real calendar: leave out --date.")
        try:
            while True:
                self.send(None)
                # A connection idle until tomorrow may be dropped by the server: reconnect on waking.
                connections.close_all()
                now = timezone.localtime()
                wake = schedule.next_daily_run(now)
                self.stdout.write(f"Next digests at {wake:%-d %b %Y %H:%M}.")
                time.sleep((wake - now).total_seconds())
        except KeyboardInterrupt:
            # Ctrl+C in `make run` reaches every process of the terminal: stop quietly.
            return

    def send(self, day: date | None) -> None:
        sent = notifications_send(day)
        self.stdout.write(
            f"Queued {sent.total} emails: {sent.reviews_due} annual-review digests, "
            f"{sent.rounds_closing} rounds closing, {sent.actions_due} action digests."
        )
