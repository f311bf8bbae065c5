"""`python manage.py backup [FILE]`: the whole database to one file (pg_dump's custom format)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from config.backup import connection_env, dump_command, list_command


class Command(BaseCommand):
    help = "Back up the database to FILE (default: var/backups/phc-<date>-<time>.dump) and check it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="where to write the backup")

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        path = Path(options["file"] or settings.BASE_DIR / "var" / "backups" / f"phc-{stamp}.dump")
        path.parent.mkdir(parents=True, exist_ok=True)
        env = connection_env()
        result = subprocess.run(dump_command(path), env=env, capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        # A backup that pg_restore cannot read is no backup: list its contents now.
        listing = subprocess.run(list_command(path), env=env, capture_output=True, text=True)  # noqa: S603
        if listing.returncode != 0:
            raise CommandError(f"The backup {path} cannot be read back: {listing.stderr.strip()}")
        tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
        self.stdout.write(f"Backed up {tables} tables to {path} ({path.stat().st_size:,} bytes).")
