"""Issue 16, point 11 (without a browser): presentation mode has no site navigation and ends with the action
plan; the action plan's element list is marked by principle and a workshop screen chooses the principle."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ActionItem, Element, Principle
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


def _element_options(page: str, name: str) -> list[str]:
    start = page.index(f'name="{name}"')
    select = page[start : page.index("</select>", start)]
    return re.findall(r'<option value="(\d+)"', select)


def test_the_element_list_follows_the_principle_without_javascript(client, round_):
    client.force_login(round_.facilitator)
    url = reverse("results:actions", args=[round_.pk])
    principle = Principle.objects.get(instrument=round_.instrument, number=4)
    own = [str(pk) for pk in Element.objects.filter(principle=principle).values_list("pk", flat=True)]
    every = Element.objects.filter(principle__instrument=round_.instrument).count()
    # The filter form asks the server (GET) for the chosen principle's elements; the script hides it.
    page = client.get(url).content.decode()
    assert "data-phc-element-filter" in page and 'name="show" value="elements"' in page
    assert len(_element_options(page, "action-element")) == every
    page = client.get(f"{url}?principle=4&show=elements").content.decode()
    assert sorted(_element_options(page, "action-element")) == sorted(own)
    assert f'<option value="{principle.pk}" selected>' in page  # the action's principle is the one chosen
    assert '<option value="4" selected>4. ' in page  # ... and so is the filter's
    # A workshop link keeps the whole list, which the script narrows as the principle changes.
    assert len(_element_options(client.get(f"{url}?principle=4").content.decode(), "action-element")) == every


def test_changing_an_actions_principle_without_javascript_offers_the_new_principles_elements(client, round_):
    first = Principle.objects.get(instrument=round_.instrument, number=1)
    second = Principle.objects.get(instrument=round_.instrument, number=2)
    action = ActionItem.objects.create(
        round=round_,
        principle=first,
        element=first.elements.first(),
        description="Agree aims",
        owner="Chair",
        due_date=timezone.localdate() + timedelta(days=30),
    )
    client.force_login(round_.facilitator)
    url = reverse("results:action_edit", args=[round_.pk, action.pk])
    page = client.get(f"{url}?principle=2&show=elements").content.decode()
    own = sorted(str(pk) for pk in second.elements.values_list("pk", flat=True))
    assert sorted(_element_options(page, "element")) == own
    assert f'<option value="{second.pk}" selected>' in page
    assert "Agree aims" in page  # the rest of the action is kept
    client.post(
        url,
        {
            "principle": second.pk,
            "element": own[0],
            "description": "Agree aims",
            "owner": "Chair",
            "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "status": action.status,
        },
    )
    action.refresh_from_db()
    assert action.principle == second and str(action.element_id) == own[0]
