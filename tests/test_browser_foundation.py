"""Browser test: the demo facilitator signs in through the real sign-in page in Chromium (the other browser tests
start from a session made for them: `conftest.sign_in`)."""

from __future__ import annotations

import pytest

from conftest import assert_accessible, sign_in_with_the_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_facilitator_signs_in(demo_council, page, live_server):
    page.goto(f"{live_server.url}/")
    assert_accessible(page, screenshot="01-home-signed-out")
    sign_in_with_the_form(page, live_server, "facilitator", "facilitate-demo-2026")
    assert page.get_by_text("Signed in as Tom Okafor").is_visible()
    assert page.get_by_role("heading", name="Run a health check").is_visible()
    assert_accessible(page, screenshot="02-home-facilitator")
    # The skip link is the first thing a keyboard user reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
