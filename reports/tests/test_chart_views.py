"""Dartboard downloads (/rounds/<id>/dartboard.svg|png) and the content-keyed chart cache."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from assessments.tests.factories import UserFactory, add_responses, make_round, uniform
from reports import charts, services
from results import selectors

pytestmark = pytest.mark.django_db


def test_dartboard_downloads_are_valid_and_permitted(client):
    round_ = make_round()
    add_responses(round_, [uniform(3), uniform(4), uniform(2)])
    client.force_login(round_.facilitator)
    svg = client.get(f"/rounds/{round_.pk}/dartboard.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(svg.content)
    assert root.tag.endswith("svg")
    assert "Need for" in svg.content.decode() and "Trust" in svg.content.decode()
    png = client.get(f"/rounds/{round_.pk}/dartboard.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(png.content)).size[0] >= 600
    assert client.get(f"/rounds/{round_.pk}/dartboard.gif").status_code == 404
    client.force_login(UserFactory(roles=["Facilitator"]))
    assert client.get(f"/rounds/{round_.pk}/dartboard.svg").status_code == 403
    client.force_login(UserFactory(roles=["Respondent"]))
    assert client.get(f"/rounds/{round_.pk}/dartboard.png").status_code == 403
    client.force_login(UserFactory(roles=["Manager"]))
    assert client.get(f"/rounds/{round_.pk}/dartboard.svg").status_code == 200
    client.logout()
    assert client.get(f"/rounds/{round_.pk}/dartboard.svg").status_code == 302


def test_no_dartboard_before_the_minimum_responses(client):
    round_ = make_round()
    add_responses(round_, [uniform(3), uniform(4)])
    client.force_login(round_.facilitator)
    assert client.get(f"/rounds/{round_.pk}/dartboard.svg").status_code == 404


def test_unchanged_round_is_not_redrawn_and_a_new_response_refreshes(monkeypatch):
    round_ = make_round()
    add_responses(round_, [uniform(3)] * 3)
    calls = []
    real = charts.dartboard

    def counting(*args, **kwargs):
        calls.append(kwargs.get("fmt"))
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "dartboard", counting)
    first = services.round_dartboard(selectors.round_results(round_, with_detail=False))
    again = services.round_dartboard(selectors.round_results(round_, with_detail=False))
    assert first == again and len(calls) == 1
    add_responses(round_, [uniform(1)])
    refreshed = services.round_dartboard(selectors.round_results(round_, with_detail=False))
    assert len(calls) == 2 and refreshed != first


def test_inline_charts_have_text_alternatives(client):
    round_ = make_round()
    add_responses(round_, [uniform(3), uniform(4), uniform(2)])
    client.force_login(round_.facilitator)
    page = client.get(f"/rounds/{round_.pk}/results/").content.decode()
    assert '<svg aria-hidden="true" focusable="false"' in page
    assert "Dartboard of six principles, each scored 6 to 24" in page
    assert "The numbers behind the dartboard" in page
    assert "<?xml" not in page
