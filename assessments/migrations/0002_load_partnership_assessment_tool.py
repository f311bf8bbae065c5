import json
from pathlib import Path
from types import SimpleNamespace

from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "instruments" / "partnership_assessment_tool_2003.json"
MODELS = ("Instrument", "AnswerOption", "Principle", "Element", "Statement", "Band", "ScenarioText")


def load(apps, schema_editor):
    from assessments.instruments import load_instrument

    models = SimpleNamespace(**{name: apps.get_model("assessments", name) for name in MODELS})
    load_instrument(json.loads(FILE.read_text(encoding="utf-8")), models=models)


def unload(apps, schema_editor):
    apps.get_model("assessments", "Instrument").objects.filter(slug="pat-2003", version="2003.1").delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
