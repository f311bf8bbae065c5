"""The standards for excellence: the instrument file, the register's evidence at each boundary, the page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import pytest
from django.forms import ModelChoiceField
from django.urls import reverse
from django.utils import timezone

from assessments.forms import RoundForm
from assessments.instruments import INSTRUMENTS_DIR, read_instrument_file
from assessments.models import Round
from assessments.selectors import instrument_structure
from assessments.tests.factories import add_responses, partnership, uniform
from partnerships.models import Partnership
from reports import selectors, services
from reports.standards import ExitEvidence, Indicator, PartnershipEvidence, review_on_time, standards_evidence

TODAY = date(2026, 6, 15)
FILE = INSTRUMENTS_DIR / "standards_for_excellence_2026.json"


def test_the_standards_file_is_an_instrument_of_six_standards_of_four_statements() -> None:
    data = read_instrument_file(FILE)
    assert [p["number"] for p in data["principles"]] == [1, 2, 3, 4, 5, 6]
    assert {len(p["elements"]) for p in data["principles"]} == {4}
    statements = [e["statement"] for p in data["principles"] for e in p["elements"]]
    # Seed 003, Appendix A, word for word where a bullet asks one thing.
    assert (
        "All partnerships are well thought through and directly effective in meeting the aims and objectives of "
        "the council" in statements
    )
    assert (
        "The council has its partnership arrangements under constant review and regularly evaluates the status of them"
        in statements
    )


def row(**kwargs: object) -> PartnershipEvidence:
    fields: dict[str, object] = {"status": "active"}
    fields.update(kwargs)
    return PartnershipEvidence(**fields)  # type: ignore[arg-type]


def test_a_share_rounds_half_up_and_says_when_there_is_nothing_to_count() -> None:
    assert Indicator("x", 1, 8).percent == 13  # 12.5
    assert Indicator("x", 2, 3).percent == 67
    assert Indicator("x", 0, 0).percent is None
    assert Indicator("Gateways", 0, 0).text == "Gateways: nothing to count yet"
    assert Indicator("Gateways", 7, 9).text == "Gateways: 7 of 9 (78%)"


def test_a_health_check_counts_from_the_same_day_a_year_ago() -> None:
    year_ago = date(2025, 6, 15)
    rows = [row(last_health_check_on=year_ago), row(last_health_check_on=year_ago - timedelta(days=1)), row()]
    first = standards_evidence(rows, [], TODAY)[1]
    assert (first[1].count, first[1].out_of) == (1, 3)


def test_only_partnerships_the_council_is_in_are_counted() -> None:
    rows = [row(gateway_approved=True), row(status="exiting"), row(status="proposed"), row(status="closed")]
    gateways = standards_evidence(rows, [], TODAY)[1][0]
    assert (gateways.count, gateways.out_of) == (1, 2)


def test_a_review_due_today_is_on_time_and_yesterday_is_late() -> None:
    assert review_on_time(row(review_due_date=TODAY), TODAY)
    assert not review_on_time(row(review_due_date=TODAY - timedelta(days=1)), TODAY)
    assert not review_on_time(row(), TODAY)
    on_time = standards_evidence([row(review_due_date=TODAY), row(review_due_date=date(2026, 6, 14))], [], TODAY)[6][0]
    assert (on_time.count, on_time.out_of) == (1, 2)


def test_exits_count_in_the_last_twelve_months_with_lessons_that_say_something() -> None:
    exits = [
        ExitEvidence(date(2025, 6, 15), "Agree the exit early."),
        ExitEvidence(date(2026, 1, 1), "   "),
        ExitEvidence(date(2025, 6, 14), "Too old to count."),
        ExitEvidence(None, "Not completed."),
    ]
    lessons = standards_evidence([], exits, TODAY)[6][2]
    assert (lessons.count, lessons.out_of) == (1, 2)


def test_every_standard_has_evidence_beside_it() -> None:
    evidence = standards_evidence([row(aims_recorded=True, lead_and_sponsor_recorded=True)], [], TODAY)
    assert sorted(evidence) == [1, 2, 3, 4, 5, 6]
    assert evidence[2][0].count == 1 and evidence[5][0].count == 1 and evidence[4][0].count == 0


# --- With the database ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_council_entry_is_never_in_the_register(manager) -> None:
    entry = services.council_entry_get_or_create()
    assert services.council_entry_get_or_create() == entry
    assert not Partnership.objects.filter(pk=entry.pk).exists()
    assert Partnership.with_council.filter(pk=entry.pk, stands_for_council=True).exists()


def standards_round(manager, closes_on: date, value: int):
    from assessments.services import round_bring_to

    round_ = services.standards_round_create(
        title=f"Standards for excellence {closes_on.year}",
        facilitator=manager,
        opens_on=closes_on - timedelta(days=20),
        closes_on=closes_on,
    )
    round_ = round_bring_to(round_, "closed")
    structure = instrument_structure(round_.instrument)
    add_responses(round_, [uniform(value, len(structure.statements))] * 3)
    return round_


@pytest.mark.django_db
def test_the_standards_page_shows_each_year_and_the_evidence(manager, as_user, django_assert_max_num_queries) -> None:
    today = timezone.localdate()
    standards_round(manager, today - timedelta(days=400), 2)
    standards_round(manager, today - timedelta(days=30), 3)
    for _ in range(3):
        partnership()
    review = selectors.standards_review()
    assert len(review.years) == 2
    first = review.standards[0]
    assert first.means == (8.0, 12.0) and first.change == 4.0
    assert first.evidence[0].out_of == 3
    page = as_user(manager).get(reverse("reports:standards"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Partnerships with an approved gateway: 3 of 3 (100%)" in text
    assert "+4.0" in text


@pytest.mark.django_db
def test_the_standards_review_reads_a_flat_number_of_queries(manager, django_assert_num_queries) -> None:
    standards_round(manager, timezone.localdate() - timedelta(days=30), 3)
    partnership()
    selectors.standards_review()  # warm the instrument's read model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        selectors.standards_review()
    for _ in range(5):
        partnership()
    with CaptureQueriesContext(connection) as many:
        selectors.standards_review()
    assert len(many) == len(few)


@pytest.mark.django_db
def test_a_manager_sets_up_the_years_self_assessment_for_a_facilitator_to_run(manager, facilitator, as_user) -> None:
    client = as_user(manager)
    url = reverse("reports:standards")
    refused = client.post(url, {"facilitator": facilitator.pk, "opens_on": "2026-03-31", "closes_on": "2026-03-01"})
    assert "The close date cannot be before the open date." in refused.content.decode()
    assert not Round.objects.filter(instrument__slug="standards-for-excellence").exists()
    made = client.post(url, {"facilitator": facilitator.pk, "opens_on": "2026-03-01", "closes_on": "2026-03-31"})
    round_ = Round.objects.get(instrument__slug="standards-for-excellence")
    assert made["Location"] == round_.get_absolute_url()
    assert round_.title == "Standards for excellence 2026" and round_.facilitator == facilitator
    assert round_.partnership.stands_for_council and round_.state == "draft"
    # Its set-up stays editable: the council's entry is a choice of its own round's form, of no other.
    own_choices = cast(ModelChoiceField, RoundForm(instance=round_).fields["partnership"]).queryset
    other_choices = cast(ModelChoiceField, RoundForm().fields["partnership"]).queryset
    assert own_choices is not None and other_choices is not None
    assert round_.partnership in own_choices and round_.partnership not in other_choices
    # The facilitator runs it on the round's own pages; the standards page stays the managers'.
    assert as_user(facilitator).get(round_.get_absolute_url()).status_code == 200
    assert as_user(facilitator).get(url).status_code == 403
