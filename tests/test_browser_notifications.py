"""Browser test of "Your notifications": reached from the header, checked with axe-core at full width and at
320 px, and a choice saved by keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible, sign_in
from notifications.models import NotificationSetting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_turns_off_an_email_from_the_header_link(demo_council, page, live_server):
    sign_in(page, live_server, "manager", "manage-demo-2026")
    assert_accessible(page)
    page.get_by_role("link", name="Your notifications").click()
    expect(page.get_by_role("heading", name="Your notifications")).to_be_visible()
    assert_accessible(page, screenshot="notifications-wide")

    page.set_viewport_size({"width": 320, "height": 720})
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert_accessible(page, screenshot="notifications-320")

    box = page.get_by_label("Gateways submitted for approval")
    expect(box).to_be_checked()
    box.focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save your choices").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    expect(page.get_by_label("Gateways submitted for approval")).not_to_be_checked()
    assert_accessible(page)
    assert NotificationSetting.objects.get(user__username="manager", purpose="gateway_submitted").wanted is False
