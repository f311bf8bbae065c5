"""Tests for reports.svgboard: the profile dartboard written as SVG text, and the pages that show it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.template import Context, Template
from django.urls import reverse

from assessments import services as assessment_services
from assessments.instruments import load_instrument, read_instrument_file
from assessments.models import Instrument
from assessments.selectors import instrument_structure
from assessments.tests.factories import (
    InvitationFactory,
    RoundFactory,
    add_responses,
    answer_sheets,
    answers,
    make_round,
)
from reports import charts, svgboard

# The PAT's shape as its read model gives it (InstrumentStructure.ring_limits), and the four-section test
# instrument's (assessments/tests/instruments/four_sections_0_to_3.json).
PAT_RINGS = (6, 12, 18, 24)
FOUR_RINGS = (0, 5, 10, 15)
LABELS = [
    "Need for partnership",
    "Clarity and realism of purpose",
    "Commitment and ownership",
    "Trust",
    "Clear and robust arrangements",
    "Monitor, measure and learn",
]
FOUR_LABELS = ["Purpose", "Leadership", "Resources", "Learning"]
SVG = "{http://www.w3.org/2000/svg}"


def board(scores, labels=LABELS, limits=PAT_RINGS, **kwargs) -> ET.Element:
    return ET.fromstring(svgboard.profile_dartboard_svg(scores, labels, limits=limits, **kwargs))


def wedges(root: ET.Element) -> list[ET.Element]:
    fills = root.find(f"{SVG}g[@class='phc-board-fills']")
    assert fills is not None
    return list(fills)


def texts(root: ET.Element) -> list[str]:
    """Every piece of text as drawn: a label's lines one by one."""
    found: list[str] = []
    for element in root.iter(f"{SVG}text"):
        spans = list(element.iter(f"{SVG}tspan"))
        found.extend([span.text or "" for span in spans] if spans else [element.text or ""])
    return found


def label_text(root: ET.Element, number: int) -> str:
    """A principle's label, its wrapped lines joined again."""
    labels = root.find(f"{SVG}g[@class='phc-board-labels']")
    assert labels is not None
    return " ".join(span.text or "" for span in list(labels)[number - 1].iter(f"{SVG}tspan"))


def test_the_board_is_valid_svg_marked_with_its_renderer() -> None:
    root = board([16, 20, 11, 6, 24, None])
    assert root.tag == f"{SVG}svg"
    assert root.get("data-renderer") == "svgboard"
    assert "sans-serif" in (root.get("font-family") or "")
    # As wide as the matplotlib board (432), no taller than it: the height is what the labels and legend need.
    _x, _y, width, height = (float(v) for v in (root.get("viewBox") or "").split())
    assert width == 432 and 300 < height <= 432


@pytest.mark.parametrize(
    ("scores", "labels", "limits"),
    [([16, 20, 11, 6, 24, 18], LABELS, PAT_RINGS), ([12.5, 7.0, 3.2, 15.0], FOUR_LABELS, FOUR_RINGS)],
)
def test_one_wedge_per_principle_in_its_bands_colour(scores, labels, limits) -> None:
    root = board(scores, labels, limits)
    drawn = wedges(root)
    assert len(drawn) == len(scores)
    colours = charts.band_colours(len(limits))
    for wedge, score in zip(drawn, scores, strict=True):
        band = charts.ring_for_score(score, limits)
        if band == 0:
            assert (wedge.get("fill") or "").startswith("url(#")
        else:
            assert wedge.get("fill") == colours[band]
        # A dark outline on every fill (WCAG 2.2, 1.4.11: the light blues are under 3:1 against white).
        assert wedge.get("stroke") == "#1a1a1a"
    # One spoke per segment and one circle per ring limit, drawn over the fills.
    grid = root.find(f"{SVG}g[@class='phc-board-grid']")
    assert grid is not None
    assert len(grid.findall(f"{SVG}circle")) == len(limits)
    assert len(grid.findall(f"{SVG}path")) == len(scores)


def test_a_wedge_reaches_its_score_on_the_rings() -> None:
    root = board([24, 12, 6, 18, 15, 9])
    radii = [float(re.findall(r"A([\d.]+) ", w.get("d") or "")[0]) for w in wedges(root)]
    rim = radii[0]
    assert [round(r / rim, 3) for r in radii] == [
        round(charts.radius_for_score(s, PAT_RINGS), 3) for s in (24, 12, 6, 18, 15, 9)
    ]


def test_only_the_lowest_band_is_hatched() -> None:
    root = board([6, 7, 13, 19, 24, 12])
    fills = [w.get("fill") or "" for w in wedges(root)]
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert pattern is not None
    assert fills[0] == f"url(#{pattern.get('id')})"
    assert not any(fill.startswith("url(") for fill in fills[1:])
    # The pattern's own ground is the lowest band's colour, its lines the hatch colour.
    ground = pattern.find(f"{SVG}rect")
    assert ground is not None and ground.get("fill") == charts.band_colours(len(PAT_RINGS))[0]
    # The legend's lowest swatch carries the same hatch; the others their plain colours.
    legend = root.find(f"{SVG}g[@class='phc-board-legend']")
    assert legend is not None
    swatches = [rect.get("fill") for rect in legend.iter(f"{SVG}rect")]
    assert swatches == [f"url(#{pattern.get('id')})", *charts.band_colours(len(PAT_RINGS))[1:]]


def test_scores_na_ring_limits_labels_and_legend_are_text() -> None:
    root = board([16, 20, 11, 6, 24, None])
    drawn = texts(root)
    for score in ("16", "20", "11", "6", "24", "n/a"):
        assert score in drawn
    assert "16.0" not in drawn
    for limit in PAT_RINGS:
        assert str(limit) in drawn
    assert "Score band" in drawn and all(band in drawn for band in ("7–12", "13–18", "19–24"))
    for number, label in enumerate(LABELS, start=1):
        assert label_text(root, number) == f"{number} {label}"
    # "n/a" in italics, scores in bold; no wedge for the missing score.
    na = next(t for t in root.iter(f"{SVG}text") if t.text == "n/a")
    assert na.get("font-style") == "italic"
    assert next(t for t in root.iter(f"{SVG}text") if t.text == "16").get("font-weight") == "bold"
    assert len(wedges(root)) == 5


def test_means_are_written_with_one_decimal() -> None:
    drawn = texts(board([18.25, 12.5, 7.0, 22.0, 13.0, 24.0]))
    assert {"18.3", "12.5", "7.0", "22.0", "13.0", "24.0"} <= set(drawn)


def test_a_four_section_board_has_its_own_rings_and_legend() -> None:
    root = board([12.5, 7.0, 3.2, None], FOUR_LABELS, FOUR_RINGS)
    drawn = texts(root)
    assert all(str(limit) in drawn for limit in FOUR_RINGS)
    assert all(band in drawn for band in ("1–5", "6–10", "11–15"))
    assert "7–12" not in drawn
    assert [label_text(root, n) for n in range(1, 5)] == [f"{n} {label}" for n, label in enumerate(FOUR_LABELS, 1)]


def test_a_hostile_title_is_escaped_and_drawn_as_typed() -> None:
    labels = ["Health & <script>alert(1)</script>", 'Quote " and $x^2$', *LABELS[2:]]
    body = svgboard.profile_dartboard_svg([16, 20, 11, 6, 24, 18], labels, limits=PAT_RINGS)
    assert "<script>" not in body
    root = ET.fromstring(body)  # still well-formed
    assert label_text(root, 1) == "1 Health & <script>alert(1)</script>"
    assert label_text(root, 2) == '2 Quote " and $x^2$'


def test_two_boards_on_one_page_have_different_ids() -> None:
    one = board([6, 20, 11, 6, 24, 18])
    other = board([6, 20, 11, 6, 24, 17])
    ids = [{e.get("id") for e in root.iter() if e.get("id")} for root in (one, other)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]
    # Or named by the caller.
    named = board([6, 20, 11, 6, 24, 18], id_prefix="mine")
    assert {e.get("id") for e in named.iter() if e.get("id")} == {"mine-hatch"}


def test_the_same_scores_give_the_same_bytes() -> None:
    first = svgboard.profile_dartboard_svg([16, 20, 11, 6, 24, None], LABELS, limits=PAT_RINGS)
    assert svgboard.profile_dartboard_svg([16, 20, 11, 6, 24, None], LABELS, limits=PAT_RINGS) == first
    assert svgboard.profile_dartboard_svg([16, 20, 11, 6, 24, 6], LABELS, limits=PAT_RINGS) != first


@pytest.mark.parametrize("bad", [5, 25, 24.01, float("nan"), True])
def test_a_score_outside_the_limits_is_refused_like_the_matplotlib_board(bad) -> None:
    scores = [16, 20, 11, bad, 24, None]
    with pytest.raises(ValueError):
        svgboard.profile_dartboard_svg(scores, LABELS, limits=PAT_RINGS)
    with pytest.raises(ValueError):
        charts.dartboard(scores, LABELS, limits=PAT_RINGS)


def test_labels_and_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        svgboard.profile_dartboard_svg([16, 20, 11], LABELS, limits=PAT_RINGS)
    with pytest.raises(ValueError):
        svgboard.profile_dartboard_svg([16, 20, 11, 6, 24, 18], LABELS, limits=(24, 18, 12, 6))


def test_a_long_label_stays_inside_the_picture() -> None:
    labels = ["Supercalifragilisticexpialidociously robust arrangements", *LABELS[1:]]
    root = board([16, 20, 11, 6, 24, 18], labels)
    x0, _y, width, _h = (float(v) for v in (root.get("viewBox") or "").split())
    labels_group = root.find(f"{SVG}g[@class='phc-board-labels']")
    assert labels_group is not None
    first = list(labels_group)[0]
    size = float(first.get("font-size") or 0)
    assert size < 11  # shrunk rather than broken or cut off
    for span in first.iter(f"{SVG}tspan"):
        x = float(span.get("x") or 0)
        assert x0 <= x and x + svgboard.text_width(span.text or "", size) <= x0 + width
    assert label_text(root, 1).startswith("1 Supercalifragilisticexpialidociously")


# --- The pages ----------------------------------------------------------------------------------------------


def _figure_svg(page: str) -> str:
    """The profile figure's SVG on a page (the first <svg> inside a figure with the dartboard's caption)."""
    match = re.search(r'<figure class="chart">\s*(<svg.*?</svg>)', page, re.S)
    assert match, "no chart figure on the page"
    return match.group(1)


def _cached_chart_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache WHERE cache_key LIKE %s", ["%chart:%"])
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("anonymous", [True, False])
def test_the_thank_you_page_shows_the_respondents_own_board_drawn_as_svg_text(client, anonymous) -> None:
    # The factory sets the plain token on the instance (only its hash is stored).
    invitation: Any = InvitationFactory(round=RoundFactory(anonymous=anonymous))
    answer_sheets(invitation, answers(24, 18, 12, 6, 20, 13))
    assessment_services.response_save_significance(invitation, [3] * 6)
    assessment_services.response_save_success(invitation, 3, "")
    charts_cached = _cached_chart_count()
    submit = client.post(reverse("assessments:respond_review", args=[invitation.token]))
    if anonymous:  # shown once, in the answer to the submit
        page = submit.content.decode()
    else:
        page = client.get(reverse("assessments:respond_thanks", args=[invitation.token])).content.decode()
    # Nothing of the board is stored: no cache row holds anyone's scores in the order people submitted.
    assert _cached_chart_count() == charts_cached
    svg = _figure_svg(page)
    # Drawn by svgboard, not matplotlib (whose SVG names itself in its metadata), hidden from screen readers:
    # the text alternative and the table carry the numbers.
    assert 'data-renderer="svgboard"' in svg and "Matplotlib" not in svg
    assert svg.startswith('<svg aria-hidden="true" focusable="false" ')
    assert "Dartboard of six principles, each scored 6 to 24" in page
    assert "6 at the centre, 24 at the rim" in page
    ET.fromstring(svg)


@pytest.mark.django_db
def test_a_results_profile_is_svg_text_and_the_round_board_stays_matplotlib(client) -> None:
    round_ = make_round(anonymous=False)
    add_responses(round_, [answers(24, 18, 12, 6, 20, 13), answers(20, 20, 20, 20, 20, 20), answers(6, 6, 6, 6, 6, 6)])
    client.force_login(round_.facilitator)
    profile = client.get(reverse("results:profile", args=[round_.pk, 1])).content.decode()
    assert 'data-renderer="svgboard"' in _figure_svg(profile)
    results = client.get(reverse("results:results", args=[round_.pk])).content.decode()
    # The round's board has respondents' marks: matplotlib's, unchanged.
    assert "Matplotlib" in results and 'data-renderer="svgboard"' not in results


@pytest.mark.django_db
def test_the_profile_figure_takes_its_shape_from_the_instrument() -> None:
    path = Path(__file__).resolve().parents[2] / "assessments" / "tests" / "instruments" / "four_sections_0_to_3.json"
    instrument = Instrument.objects.filter(slug="test-four-by-five").first() or load_instrument(
        read_instrument_file(path)
    )
    structure = instrument_structure(instrument)
    page = Template("{% load charts %}{% profile_dartboard structure scores 'Your dartboard' %}").render(
        Context({"structure": structure, "scores": [15, 10, 0, None]})
    )
    svg = ET.fromstring(_figure_svg(page))
    assert len(wedges(svg)) == 3  # the fourth has no score
    assert "0 at the centre, 15 at the rim" in page and "24" not in texts(svg)
    assert "Dartboard of four principles, each scored 0 to 15" in page
