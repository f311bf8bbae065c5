"""Each instrument's scope: the round set-up offers only the instruments of the partnership's kind (the
standards for excellence are the council's self-assessment, never a partnership's health check)."""

from __future__ import annotations

import datetime
import json
from typing import cast

import pytest
from django.forms import ModelChoiceField
from django.urls import reverse

from assessments.forms import RoundForm
from assessments.instruments import DEFAULT_INSTRUMENT_FILE, INSTRUMENTS_DIR, load_instrument, read_instrument_file
from assessments.models import Instrument, InstrumentScope, Round
from assessments.tests.factories import RoundFactory, instrument
from partnerships.tests.factories import PartnershipFactory
from reports import services as report_services
from reports.standards import STANDARDS_SLUG

pytestmark = pytest.mark.django_db


def _standards() -> Instrument:
    return Instrument.objects.get(slug=STANDARDS_SLUG)


def _offered(form: RoundForm) -> list[Instrument]:
    queryset = cast(ModelChoiceField, form.fields["instrument"]).queryset
    assert queryset is not None
    return list(queryset)


def test_the_loaded_instruments_say_what_they_assess():
    assert _standards().scope == InstrumentScope.COUNCIL_SELF_ASSESSMENT
    assert instrument().scope == InstrumentScope.HEALTH_CHECK


def test_the_loader_takes_the_scope_from_the_file_and_defaults_to_a_health_check():
    data = read_instrument_file(INSTRUMENTS_DIR / "standards_for_excellence_2026.json")
    assert data["scope"] == "council_self_assessment"
    loaded = load_instrument({**data, "version": "2099.1"})
    assert loaded.scope == InstrumentScope.COUNCIL_SELF_ASSESSMENT
    plain = {k: v for k, v in read_instrument_file(DEFAULT_INSTRUMENT_FILE).items() if k != "scope"}
    assert load_instrument({**plain, "version": "2099.1"}).scope == InstrumentScope.HEALTH_CHECK


def test_a_partnerships_round_set_up_does_not_offer_the_standards(facilitator, as_user):
    offered = _offered(RoundForm())
    assert instrument() in offered and _standards() not in offered
    page = as_user(facilitator).get(reverse("assessments:round_create")).content.decode()
    assert instrument().title in page and _standards().title not in page


def test_the_standards_posted_for_a_partnership_are_refused_and_nothing_is_saved(facilitator, as_user):
    partnership = PartnershipFactory(active=True)
    data = {
        "partnership": partnership.pk,
        "instrument": _standards().pk,
        "title": "Tampered",
        "purpose": "health_check",
        "facilitation": "internal",
        "facilitator": facilitator.pk,
        "levels": ["board"],
        "opens_on": "2026-03-01",
        "closes_on": "2026-03-31",
        "anonymous": "on",
    }
    page = as_user(facilitator).post(reverse("assessments:round_create"), data)
    assert page.status_code == 200 and "Select a valid choice" in page.content.decode()
    assert not Round.objects.filter(title="Tampered").exists()
    # A draft's form cannot move it to the standards either.
    draft = RoundFactory(state="draft", partnership=partnership)
    form = RoundForm({**data, "instrument": _standards().pk, "title": draft.title}, instance=draft)
    assert not form.is_valid() and "instrument" in form.errors


def test_the_councils_self_assessment_still_offers_the_standards_and_saves(manager, facilitator, as_user):
    round_ = report_services.standards_round_create(
        title="Standards for excellence 2026",
        facilitator=facilitator,
        opens_on=datetime.date(2026, 3, 1),
        closes_on=datetime.date(2026, 3, 31),
    )
    assert _offered(RoundForm(instance=round_)) == [_standards()]
    form = RoundForm(instance=round_)
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data.update({"title": "Standards for excellence, spring", "opens_on": "2026-03-02", "closes_on": "2026-03-30"})
    saved = as_user(facilitator).post(reverse("assessments:round_edit", args=[round_.pk]), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    round_.refresh_from_db()
    assert round_.title == "Standards for excellence, spring" and round_.instrument == _standards()


def test_the_file_and_the_migration_agree_on_the_standards_slug():
    data = json.loads((INSTRUMENTS_DIR / "standards_for_excellence_2026.json").read_text(encoding="utf-8"))
    assert data["slug"] == STANDARDS_SLUG
