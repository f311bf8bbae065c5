"""Closing a round draws its results and charts in a task, so the first viewer does not wait (issue 16.15)."""

from __future__ import annotations

import pytest

from assessments import services
from assessments.tests.factories import add_responses, make_round, uniform

pytestmark = pytest.mark.django_db


def test_closing_a_round_draws_its_results_and_charts_before_anyone_opens_them(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import charts
    from results import selectors

    round_ = make_round(state="open")
    add_responses(round_, [uniform(3)] * 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.round_close(round_)
    assert len(callbacks) == 1  # enqueued once the close is saved (the test settings run tasks at once)

    computed, drawn = [], []
    real_compute, real_dartboard = selectors.compute_round_results, charts.dartboard
    monkeypatch.setattr(selectors, "compute_round_results", lambda *a, **k: computed.append(1) or real_compute(*a, **k))
    monkeypatch.setattr(charts, "dartboard", lambda *a, **k: drawn.append(1) or real_dartboard(*a, **k))
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert "108.0" in page and "<svg" in page
    assert computed == [] and drawn == [], "the first viewer waited for results or charts"
