"""Browser test: the profile dartboard written as SVG text (reports/svgboard.py) as Chromium lays it out, with the
browser's own fonts, on a desktop and on a 320 px phone: every label inside the picture, nothing overlapping."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assessments import services
from assessments.tests.factories import (
    InvitationFactory,
    RoundFactory,
    UserFactory,
    add_responses,
    answer_sheets,
    answers,
    make_round,
)
from config.roles import FACILITATOR
from conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text of the board and the board's own circle, as the browser placed them (CSS pixels).
LAYOUT = """svg => {
  const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const rim = [...svg.querySelectorAll('.phc-board-grid circle')].pop();
  return {
    svg: box(svg.getBoundingClientRect()),
    rim: box(rim.getBoundingClientRect()),
    labels: [...svg.querySelectorAll('.phc-board-labels text')].map(t => box(t.getBoundingClientRect())),
    legend: box(svg.querySelector('.phc-board-legend').getBoundingClientRect()),
    texts: [...svg.querySelectorAll('text')].map(t => box(t.getBoundingClientRect())),
  };
}"""


def _overlap(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def check_board_layout(page, width: int) -> None:
    board = page.locator('svg[data-renderer="svgboard"]')
    assert board.count() == 1
    layout: dict[str, Any] = board.evaluate(LAYOUT)
    svg = layout["svg"]
    assert svg["right"] - svg["left"] <= width
    for text in layout["texts"]:
        # Inside the picture: nothing cut off at its edges (half a pixel for rounding).
        assert text["left"] >= svg["left"] - 0.5 and text["right"] <= svg["right"] + 0.5, (width, text, svg)
        assert text["top"] >= svg["top"] - 0.5 and text["bottom"] <= svg["bottom"] + 0.5, (width, text, svg)
    labels = layout["labels"]
    for index, label in enumerate(labels):
        assert not any(_overlap(label, other) for other in labels[index + 1 :]), (width, labels)
        assert not _overlap(label, layout["legend"]), (width, label, layout["legend"])
    # The legend sits below the board.
    assert layout["legend"]["top"] >= layout["rim"]["bottom"], (width, layout)


def test_the_respondents_own_board_fits_on_a_desktop_and_a_phone(page, live_server):
    invitation: Any = InvitationFactory(round=RoundFactory(anonymous=True, title="Health check 2026"))
    answer_sheets(invitation, answers(16, 24, 9, 6, 20, 13))
    services.response_save_significance(invitation, [3] * 6)
    services.response_save_success(invitation, 3, "")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('assessments:respond_review', args=[invitation.token])}")
        assert_accessible(page)
        page.get_by_role("button", name="Submit my response").click()
        page.get_by_text("Thank you: your response has been received").wait_for()
        assert_accessible(page, screenshot=f"thanks-{width}")
        check_board_layout(page, width)
        if width == 1280:
            # A second visit of the link would find the response already received: start again for the phone.
            invitation = InvitationFactory(round=invitation.round)
            answer_sheets(invitation, answers(16, 24, 9, 6, 20, 13))
            services.response_save_significance(invitation, [3] * 6)
            services.response_save_success(invitation, 3, "")


def test_a_results_profile_board_fits_beside_the_round_board(page, live_server):
    facilitator = UserFactory(roles=[FACILITATOR], username="fac")
    round_ = make_round(facilitator, title="Health check 2026", anonymous=False)
    add_responses(
        round_, [answers(16, 24, 9, 6, 20, 13), answers(20, 20, 20, 20, 20, 20), answers(12, 14, 6, 8, 19, 24)]
    )
    profile = reverse("results:profile", args=[round_.pk, 1])
    sign_in(page, live_server, "fac", "a-long-password-1", next_path=profile)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{profile}")
        assert_accessible(page, screenshot=f"profile-{width}")
        check_board_layout(page, width)
        page.goto(f"{live_server.url}{reverse('results:results', args=[round_.pk])}")
        assert_accessible(page, screenshot=f"results-{width}")
