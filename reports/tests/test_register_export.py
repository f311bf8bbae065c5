"""The register's CSV export (the register page's download, with each partnership's latest health check)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from assessments.tests.factories import add_responses, make_round, uniform
from partnerships.tests.factories import MembershipFactory, OrganisationFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_uses_the_same_filters(officer, as_user):
    partnership = PartnershipFactory(name="Exported", reference="EX-1", active=True)
    MembershipFactory(partnership=partnership, organisation=OrganisationFactory(name="Demo Police"))
    PartnershipFactory(name="Not Exported")
    rows = read_csv(as_user(officer).get("/partnerships/export.csv", {"status": "active"}))
    assert rows[0][:3] == ["Reference", "Name", "Status"]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == "Exported" and row["Status"] == "Active" and row["Partner organisations"] == "Demo Police"
    assert row["Partner sectors"] == "Public" and row["Review overdue"] == "No"


def test_csv_export_neutralises_formulas(officer, as_user):
    PartnershipFactory(name='=HYPERLINK("http://evil")', lead_officer="+44 1234")
    rows = read_csv(as_user(officer).get("/partnerships/export.csv"))
    assert rows[1][1].startswith("'=") and rows[1][rows[0].index("Lead officer")] == "'+44 1234"


def test_csv_export_of_a_facilitator_holds_only_their_partnerships(facilitator, as_user):
    PartnershipFactory(name="Not Theirs")
    rows = read_csv(as_user(facilitator).get("/partnerships/export.csv"))
    assert len(rows) == 1


def test_csv_export_holds_the_latest_health_check(officer, as_user):
    earlier = make_round(closes_on=date(2024, 3, 31))
    add_responses(earlier, [uniform(2)] * 3)
    later = make_round(partnership=earlier.partnership, closes_on=date(2025, 3, 31))
    add_responses(later, [uniform(3)] * 3)
    rows = read_csv(as_user(officer).get("/partnerships/export.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Name"] == earlier.partnership.name
    assert row["Latest health-check total"] == "108.0" and row["Band"] == "73-108"


def test_csv_export_holds_the_latest_scenario_and_principle_means(officer, as_user):
    # The portfolio PDF of a large register points here for its principle-by-partnership table.
    round_ = make_round(closes_on=date(2025, 3, 31))
    add_responses(round_, [[2] * 6 + [4] * 30] * 3)
    rows = read_csv(as_user(officer).get("/partnerships/export.csv"))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert rows[0][-6:] == [f"Principle {n} mean" for n in range(1, 7)]
    assert row["Principle 1 mean"] == "12.0" and row["Principle 2 mean"] == "24.0"
    assert row["Scenario"] in {"A", "B", "C"} and row["Latest health-check total"] == "132.0"


def test_csv_export_streams_batch_by_batch_with_every_partnership_once(officer, as_user, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "EXPORT_BATCH", 2)
    rounds = [make_round(closes_on=date(2025, 3, 31)) for _ in range(5)]
    for round_ in rounds:
        add_responses(round_, [uniform(3)] * 3)
    rows = read_csv(as_user(officer).get("/partnerships/export.csv"))
    totals = {row[1]: row[rows[0].index("Latest health-check total")] for row in rows[1:]}
    assert len(rows) == 6 and totals == {r.partnership.name: "108.0" for r in rounds}


def test_csv_export_reads_the_register_a_batch_at_a_time(officer, as_user, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports import views

    monkeypatch.setattr(views, "EXPORT_BATCH", 2)
    for _ in range(5):
        PartnershipFactory()
    response = as_user(officer).get("/partnerships/export.csv")
    lines = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as first:
        next(lines), next(lines), next(lines)  # the BOM, the headings and the first row
    with CaptureQueriesContext(connection) as rest:
        assert len(list(lines)) == 4
    # The first row costs one batch's reads; the two later batches read their own results when they are due.
    assert 1 <= len(first) <= 3 and len(rest) >= 2


@pytest.mark.parametrize("query", ["", "?overdue=on"])
def test_csv_export_queries_grow_by_batch_not_by_partnership(query, officer, as_user, monkeypatch):
    # Streamed (the first row leaves in under a second at 5,000 partnerships): a batch of EXPORT_BATCH
    # partnerships costs its own reads of the results, two queries at most, whatever is in it.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from partnerships.models import Partnership
    from reports import views

    monkeypatch.setattr(views, "EXPORT_BATCH", 10)
    client = as_user(officer)
    Partnership.objects.bulk_create(
        PartnershipFactory.build_batch(8, status="active", review_due_date=date(2020, 1, 1))
    )
    for number in (1, 2):
        round_ = make_round(closes_on=date(2025, 3, number))
        add_responses(round_, [uniform(3)] * 3)
    client.get("/partnerships/export.csv" + query)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            rows = b"".join(client.get("/partnerships/export.csv" + query).streaming_content).count(b"\n")
        assert rows > 1
        return len(queries)

    small = count()
    Partnership.objects.bulk_create(
        PartnershipFactory.build_batch(39, status="active", review_due_date=date(2020, 1, 1))
    )
    round_ = make_round(closes_on=date(2025, 3, 3))
    add_responses(round_, [uniform(3)] * 3)
    large = count()
    assert small < large <= small + 2 * 4, (small, large)  # 10 then 50 partnerships: four more batches
