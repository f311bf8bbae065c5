"""The database cache's table, so that `migrate` is the only step a fresh install needs."""

from __future__ import annotations

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor) -> None:
    # createcachetable does nothing when the table exists, or when the cache is not a database cache (Redis).
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
