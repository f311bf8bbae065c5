"""'Your notifications': each person's own choices, saved, and refused when tampered with."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import NotificationSetting
from outbox.models import Purpose

pytestmark = pytest.mark.django_db

URL = "/accounts/notifications/"


def test_the_page_lists_every_kind_ticked_until_turned_off(as_user, officer):
    assert reverse("notifications:settings") == URL
    response = as_user(officer).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('type="checkbox"') == 5
    assert page.count(" checked") == 5
    assert "Annual reviews due: weekly digest" in page


def test_saving_turns_the_unticked_off_for_that_person_only(as_user, officer, manager):
    client = as_user(officer)
    response = client.post(URL, {"wanted": [Purpose.GATEWAY_DECIDED, Purpose.ROUND_CLOSING]}, follow=True)
    assert "Your choices are saved." in response.content.decode()
    off = set(NotificationSetting.objects.filter(user=officer, wanted=False).values_list("purpose", flat=True))
    assert off == {Purpose.GATEWAY_SUBMITTED, Purpose.REVIEWS_DUE, Purpose.ACTIONS_DUE}
    assert not NotificationSetting.objects.filter(user=manager).exists()
    assert client.get(URL).content.decode().count(" checked") == 2
    # Ticked again: on again.
    client.post(URL, {"wanted": [Purpose.REVIEWS_DUE]})
    assert NotificationSetting.objects.get(user=officer, purpose=Purpose.REVIEWS_DUE).wanted


def test_a_tampered_choice_is_refused_and_nothing_changes(as_user, officer):
    client = as_user(officer)
    response = client.post(URL, {"wanted": ["everything"]})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not NotificationSetting.objects.exists()


def test_the_header_links_to_the_page(as_user, officer, client):
    assert f'href="{URL}"' in as_user(officer).get("/").content.decode()
    assert client.get(URL).status_code == 302  # signed out: to the sign-in page
