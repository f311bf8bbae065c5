"""Issue 16, point 11 (without a browser): presentation mode has no site navigation and ends with the action
plan; the action plan's element list is marked by principle and a workshop screen chooses the principle."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.models import Element, Principle
from assessments.tests.factories import add_responses, make_round, uniform

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_():
    round_ = make_round(anonymous=False)
    add_responses(round_, [uniform(3)] * 3)
    return round_


def test_presentation_mode_has_no_site_navigation_and_ends_with_the_action_plan(client, round_):
    client.force_login(round_.facilitator)
    url = reverse("results:present", args=[round_.pk])
    first = client.get(url).content.decode()
    assert 'aria-label="Main"' not in first and "site-footer" not in first
    assert "present.css" in first and 'id="workshop-next"' in first
    last = client.get(f"{url}?screen=7").content.decode()
    assert reverse("results:actions", args=[round_.pk]) in last
    assert "record the actions agreed in the action plan" in last
    principle = client.get(f"{url}?screen=4").content.decode()
    assert f"{reverse('results:actions', args=[round_.pk])}?principle=4" in principle
    workshop_last = client.get(reverse("results:workshop", args=[round_.pk]) + "?screen=7").content.decode()
    assert 'id="workshop-action-plan"' in workshop_last


def test_the_action_plan_marks_elements_by_principle_and_takes_the_principle_from_the_workshop(client, round_):
    client.force_login(round_.facilitator)
    page = client.get(reverse("results:actions", args=[round_.pk]) + "?principle=4").content.decode()
    principle = Principle.objects.get(instrument=round_.instrument, number=4)
    element = Element.objects.get(principle=principle, letter="A")
    assert f'value="{element.pk}" data-principle="{principle.pk}"' in page
    assert f'<option value="{principle.pk}" selected>' in page
    assert "js/actions.js" in page
    assert client.get(reverse("results:actions", args=[round_.pk]) + "?principle=x").status_code == 200
