"""Daily: close the exiting partnerships whose completed exit record's date has come (issue 16, point 4)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from partnerships.services import exits_close_due


class Command(BaseCommand):
    help = "Close every exiting partnership whose exit date has come (run once a day)."

    def handle(self, *args, **options) -> None:
        closed = exits_close_due()
        self.stdout.write(f"{closed} partnership{'s' if closed != 1 else ''} closed.")
