"""python manage.py load_instrument FILE: load another instrument of the same shape."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from assessments.instruments import InstrumentError, load_instrument, read_instrument_file


class Command(BaseCommand):
    help = "Load an instrument (same shape as the Partnership Assessment Tool) from a JSON file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Path to the instrument's JSON file")

    def handle(self, *args, file: str, **options) -> None:
        try:
            instrument = load_instrument(read_instrument_file(file))
        except InstrumentError as exc:
            raise CommandError(f"The instrument was not loaded, nothing was changed. {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Loaded {instrument} with {instrument.principles.count()} principles."))
