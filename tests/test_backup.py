"""`make backup` / `make restore`: a backup, a wiped database, a restore, and nothing lost."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from assessments import services
from assessments.models import Round
from assessments.tests.factories import RoundFactory, UserFactory, submitted_response


def _row_counts() -> dict[str, int]:
    """Every table's row count, but the cache's: `restore` empties the cache on purpose (stale pages)."""
    with connection.cursor() as cursor:
        tables = [t for t in connection.introspection.table_names(cursor) if t != "django_cache"]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    return counts


def _results(client) -> dict[int, dict]:
    cache.clear()  # worked out again from the rows, not read from the cache
    return {
        pk: client.get(reverse("results:results_json", args=[pk])).json()
        for pk in Round.objects.order_by("pk").values_list("pk", flat=True)
    }


# Committed data, as pg_dump sees it. The reference data a flush removes is put back by conftest before every
# transactional test (no serialized_rollback: mixed with plain transactional tests it duplicated content types).
@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_loses_nothing(client, tmp_path):
    round_ = RoundFactory(anonymous=False)
    for n, answers in enumerate(([3] * 36, [2] * 36, [4] * 18 + [1] * 18, [1] * 36)):
        submitted_response(round_, answers, success_comment=f"comment {n} – £ and é")
    services.round_close(round_)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    before_counts, before_results = _row_counts(), _results(client)
    assert before_results[round_.pk]  # the closed round has results to compare

    path = tmp_path / "phc.dump"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    with connection.cursor() as cursor:  # wiped: every table gone
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    assert connection.introspection.table_names() == []

    call_command("restore", str(path), "--no-input")
    assert _row_counts() == before_counts
    client.force_login(get_user_model().objects.get(is_superuser=True))
    assert _results(client) == before_results
