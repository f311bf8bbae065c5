"""Load the standards for excellence (seed 003, Appendix A): the council's yearly self-assessment, an instrument
of the same engine as the Partnership Assessment Tool (issue 19, point 5)."""

import json
from pathlib import Path
from types import SimpleNamespace

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "instruments" / "standards_for_excellence_2026.json"
MODELS = ("Instrument", "AnswerOption", "Principle", "Element", "Statement", "Band", "ScenarioText")


def load(apps, schema_editor):
    from assessments.instruments import load_instrument

    data = json.loads(FILE.read_text(encoding="utf-8"))
    Instrument = apps.get_model("assessments", "Instrument")
    if Instrument.objects.filter(slug=data["slug"], version=data["version"]).exists():
        return
    models = SimpleNamespace(**{name: apps.get_model("assessments", name) for name in MODELS})
    load_instrument(data, models=models)


def unload(apps, schema_editor):
    data = json.loads(FILE.read_text(encoding="utf-8"))
    apps.get_model("assessments", "Instrument").objects.filter(slug=data["slug"], version=data["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0011_instrument_driven_response_shape")]
    operations = [migrations.RunPython(load, unload)]
