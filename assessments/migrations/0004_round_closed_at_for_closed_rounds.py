"""Give every closed round the moment it actually closed (issue 16, point 1).

Rounds closed before ``closed_at`` was always recorded get the best date available: when their history first
shows them closed, else their last submitted response (a round cannot close before it), else their planned
close date at the end of the working day.
"""

from __future__ import annotations

import datetime

from django.db import migrations
from django.db.models import Max
from django.utils import timezone


def set_closed_at(apps, schema_editor) -> None:  # noqa: ANN001 - migration signature
    Round = apps.get_model("assessments", "Round")
    HistoricalRound = apps.get_model("assessments", "HistoricalRound")
    Response = apps.get_model("assessments", "Response")
    for round_ in Round.objects.filter(state="closed", closed_at__isnull=True):
        first_closed = (
            HistoricalRound.objects.filter(id=round_.pk, state="closed")
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        last_submitted = Response.objects.filter(round_id=round_.pk).aggregate(last=Max("submitted_at"))["last"]
        planned = timezone.make_aware(datetime.datetime.combine(round_.closes_on, datetime.time(17)))
        round_.closed_at = first_closed or last_submitted or planned
        round_.save(update_fields=["closed_at"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0003_permissions")]

    operations = [migrations.RunPython(set_closed_at, migrations.RunPython.noop)]
