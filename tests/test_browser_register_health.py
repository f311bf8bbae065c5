"""Browser test: the register's health on /reports/ is readable on a 320 px phone (table first, the chart across
the whole width) and stays clean under axe-core."""

from __future__ import annotations

import re
from datetime import date

import pytest

from assessments.tests.factories import UserFactory, add_responses, answers, make_round, partnership
from conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"  # the factories' password


def test_the_registers_health_reads_on_a_phone(page, live_server):
    for name, scores in {
        "Safer Streets Partnership": (20, 11, 18, 17, 19, 12),
        "Healthy Towns Board": (21, 20, 19, 22, 20, 21),
        "Youth Offer Forum": (14, 13, 10, 15, 9, 12),
    }.items():
        round_ = make_round(None, partnership=partnership(name=name), closes_on=date(2025, 5, 1))
        add_responses(round_, [answers(*scores)] * 3)
    UserFactory(roles=["Manager"], username="helen")
    page.set_viewport_size({"width": 320, "height": 800})
    sign_in(page, live_server, "helen", PASSWORD, next_path="/reports/")
    page.wait_for_url(re.compile(r"/reports/$"))
    assert_accessible(page, screenshot="01-register-health-320")
    table = page.get_by_role("table", name="Active partnerships by the band of their latest health-check total")
    rows = [r.inner_text().split() for r in table.get_by_role("row").all()[1:]]
    assert rows == [["109–144", "1", "33%"], ["73–108", "2", "67%"], ["37–72", "0", "0%"], ["36", "0", "0%"]]
    figure = page.locator("figure.phc-register-health")
    chart = figure.locator("svg").first
    table_box, chart_box = table.bounding_box(), chart.bounding_box()
    assert table_box and chart_box
    assert table_box["y"] < chart_box["y"]  # the table first
    assert chart_box["width"] >= 280  # the whole 290 px of the column, not 210 between a figure's margins
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
