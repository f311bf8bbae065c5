"""Closing a round draws its results and charts in a task, so the first viewer does not wait."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.tests.results_data import add_responses, make_round, uniform

pytestmark = pytest.mark.django_db


def test_closing_a_round_draws_its_results_before_anyone_opens_them(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from assessments import results as selectors

    round_ = make_round(state="open")
    add_responses(round_, [uniform(3)] * 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.round_close(round_)
    assert len(callbacks) == 1  # the task is enqueued once the close is saved

    calls = []
    real = selectors.round_results
    monkeypatch.setattr(selectors, "round_results", lambda *a, **k: calls.append(1) or real(*a, **k))
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert calls == [], "the first viewer waited for the results to be worked out"
    assert "108.0" in page and "<svg" in page
