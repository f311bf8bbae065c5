"""The help page tells the people who receive the notification emails who gets which and when (issue 18)."""

from __future__ import annotations

import html

import pytest

from notifications.schedule import ACTIONS_DUE_WITHIN_DAYS, KINDS, REVIEWS_DUE_WITHIN_DAYS, ROUND_CLOSING_WITHIN_DAYS

pytestmark = pytest.mark.django_db


def test_the_help_page_states_who_gets_which_email_and_when(client):
    page = html.unescape(client.get("/help/").content.decode())
    assert 'id="notifications"' in page
    for kind in KINDS:
        assert kind.label in page and kind.who in page
    for rule in (
        f"reviews overdue or due within {REVIEWS_DUE_WITHIN_DAYS} days, at most once a week",
        f"{ROUND_CLOSING_WITHIN_DAYS} days before a round closes",
        f"due within {ACTIONS_DUE_WITHIN_DAYS} days",
        'only when you tick "Email me a receipt"',
        "exactly your full name, your username or your email address",
        "the round's facilitator is told instead",
        "once a day",
    ):
        assert rule in page, rule
    assert 'href="/accounts/notifications/"' in page
