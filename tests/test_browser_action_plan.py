"""Browser test: the action plan works without JavaScript (issue 16 point 11, progressive enhancement): the
element list is narrowed to the chosen principle by the server, and an action is added with the date boxes."""

from __future__ import annotations

import pytest

from assessments.models import ActionItem, Element
from assessments.tests.factories import UserFactory, add_responses, make_round, uniform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _element_labels(page) -> list[str]:
    return [
        t.strip()
        for t in page.locator("select[name='action-element']").locator("option").all_inner_texts()
        if t.strip()[:1].isdigit()
    ]


def test_the_element_list_follows_the_principle_without_javascript(browser, live_server):
    facilitator = UserFactory(roles=["Facilitator"], username="fac")
    round_ = make_round(facilitator, anonymous=False)
    add_responses(round_, [uniform(3)] * 3)
    context = browser.new_context(java_script_enabled=False, viewport={"width": 320, "height": 720}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        # Signed in by the form itself (conftest's sign_in runs axe-core, a script, which this page may not run).
        page.goto(f"{live_server.url}/accounts/login/?next=/rounds/{round_.pk}/actions/")
        page.get_by_label("Username").fill("fac")
        page.get_by_label("Password").fill("a-long-password-1")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        every = Element.objects.filter(principle__instrument=round_.instrument).count()
        assert len(_element_labels(page)) == every
        page.get_by_label("Offer only the elements of").select_option(label="4. Develop and maintain trust")
        page.get_by_role("button", name="Show its elements").click()
        page.wait_for_load_state("load")
        labels = _element_labels(page)
        assert labels and all(label.startswith("4") for label in labels)
        assert (
            len(labels) == Element.objects.filter(principle__instrument=round_.instrument, principle__number=4).count()
        )
        assert page.get_by_label("Principle", exact=True).input_value() != ""  # the principle is chosen too
        page.locator("select[name='action-element']").select_option(label=labels[1])
        page.get_by_label("Description").fill("Agree a data-sharing protocol")
        page.get_by_label("Owner").fill("Chief Inspector")
        due = page.get_by_role("group", name="Due date")
        due.get_by_label("Day").fill("31")
        due.get_by_label("Month").fill("3")
        due.get_by_label("Year").fill("2099")
        page.get_by_role("button", name="Add the action").click()
        page.wait_for_load_state("load")
        action = ActionItem.objects.get(round=round_)
        assert (
            action.principle.number == 4
            and action.element is not None
            and action.element.principle_id == action.principle_id
        )
        assert action.due_date.isoformat() == "2099-03-31"
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    finally:
        context.close()
