"""`python manage.py restore FILE`: replace the database's contents with a backup made by `backup`."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config.backup import connection_env, restore_command


class Command(BaseCommand):
    help = "Replace everything in the database with the backup FILE (asks first unless --no-input)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="a backup written by `manage.py backup` (make backup)")
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no backup at {path}.")
        if options["interactive"]:
            answer = input(f"This replaces everything in the database with {path}. Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was changed.")
        connections.close_all()
        result = subprocess.run(restore_command(path), env=connection_env(), capture_output=True, text=True)  # noqa: S603
        if result.returncode != 0:
            # --single-transaction: a failed restore changes nothing.
            raise CommandError(f"pg_restore failed, nothing was changed: {result.stderr.strip()}")
        # Cached pages and results describe the data before the restore.
        cache.clear()
        self.stdout.write(f"Restored {path}.")
