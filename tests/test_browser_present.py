"""Browser test (issue 16, point 11): the workshop's presentation mode fits a projector without scrolling, has no
site navigation, ends with the action plan, whose element list follows the principle chosen."""

from __future__ import annotations

import pytest

from assessments.tests.factories import add_responses, make_round
from conftest import assert_accessible, sign_in
from partnerships.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FITS = """() => {
  const doc = document.documentElement;
  return {height: doc.scrollHeight, width: doc.scrollWidth, innerHeight: window.innerHeight,
          innerWidth: window.innerWidth};
}"""


def test_presentation_mode_fits_each_screen_and_leads_to_the_action_plan(page, live_server):
    facilitator = UserFactory(roles=["Facilitator"], username="fac")
    round_ = make_round(facilitator, title="Health check 2026", anonymous=True)
    orgs = ["Council"] * 4 + ["NHS trust"] * 4 + ["Police"] * 2
    answer_sets = [[4, 3, 3, 4, 3, 4] * 6] * 4 + [[3, 2, 3, 3, 2, 3] * 6] * 4 + [[1, 2, 1, 2, 1, 1] * 6] * 2
    comment = "Roles need to be clearer between the board and the officers' group, and the minutes are late " * 2
    add_responses(round_, answer_sets, organisations=orgs, comment=comment)
    sign_in(page, live_server, "fac", "a-long-password-1", next_path=f"/rounds/{round_.pk}/workshop/")
    assert_accessible(page)
    page.get_by_role("link", name="Present full screen").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/workshop/present/?screen=0")

    for width, height in ((1366, 768), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        for screen in range(8):
            page.goto(f"{live_server.url}/rounds/{round_.pk}/workshop/present/?screen={screen}")
            assert_accessible(page, screenshot=f"present-{width}x{height}-{screen}")
            assert page.locator("nav[aria-label='Main']").count() == 0  # no site navigation
            size = page.evaluate(FITS)
            assert size["height"] <= size["innerHeight"], (width, height, screen, size)
            assert size["width"] <= size["innerWidth"], (width, height, screen, size)

    page.get_by_role("link", name="Next: record the actions agreed in the action plan →").click()
    page.wait_for_url(f"**/rounds/{round_.pk}/actions/")
    assert_accessible(page)
    elements = page.locator("select[name='action-element']")
    page.get_by_label("Principle", exact=True).select_option(label="4. Develop and maintain trust")
    offered = elements.locator("option:not([hidden])").all_inner_texts()
    assert offered[1:] and all(text.startswith("4") for text in offered[1:]), offered
    assert len(offered) == 7  # "---------" and elements 4A to 4F
