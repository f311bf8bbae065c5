"""Tests for reports.charts: the dartboard geometry; every chart draws valid SVG and PNG with its numbers."""

from __future__ import annotations

import functools
import io
import math
import re
import threading
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

from reports import charts

# The PAT's shape as its read model gives it to the charts (InstrumentStructure.ring_limits and so on).
PAT_RINGS = (6, 12, 18, 24)
PAT_TOTALS = (36, 72, 108, 144)
PAT_SCALE = [(4, "Strongly agree"), (3, "Agree"), (2, "Disagree"), (1, "Strongly disagree")]
SEGMENTS = 6

dartboard = functools.partial(charts.dartboard, limits=PAT_RINGS)
dartboard_alt_text = functools.partial(charts.dartboard_alt_text, limits=PAT_RINGS)
statement_bars = functools.partial(charts.statement_bars, scale=PAT_SCALE)
statement_bars_alt_text = functools.partial(charts.statement_bars_alt_text, scale=PAT_SCALE)
trend_lines = functools.partial(charts.trend_lines, limits=PAT_RINGS)
trend_lines_alt_text = functools.partial(charts.trend_lines_alt_text, limits=PAT_RINGS)
register_health = functools.partial(charts.register_health, limits=PAT_TOTALS)
register_health_alt_text = functools.partial(charts.register_health_alt_text, limits=PAT_TOTALS)

LABELS = [
    "Need for partnership",
    "Clarity and realism of purpose",
    "Commitment and ownership",
    "Trust",
    "Clear and robust arrangements",
    "Monitor, measure and learn",
]
MEANS = [19.5, 18.2, 17.0, 20.1, 16.4, 18.8]
MARKS = [
    [18, 19, 19, 20, 21, 20],
    [16, 18, 18, 19, 20, 18],
    [16, 17, 17, 17, 18, 17],
    [19, 20, 20, 21, 21, 20],
    [14, 16, 16, 17, 17, 18],
    [18, 19, 19, 19, 19, 19],
]
OUTLINE = [15.2, 12.4, 17.0, 9.5, None, 21.0]
ROWS = [
    (f"{p}{s}", {4: (p + i) % 4, 3: 3, 2: i % 3, 1: (p * i) % 3}, (p + i) % 5 == 0)
    for p in range(1, 7)
    for i, s in enumerate("ABCDEF")
]
ROUNDS = ["Round 1", "Round 2", "Round 3"]
TREND: dict[int, list[float | None]] = {
    1: [15.0, 16.2, 17.4],
    2: [12.0, 14.5, 18.2],
    3: [17.0, 17.0, 17.0],
    4: [10.1, None, 20.1],
    5: [16.4, 16.4, 16.4],
    6: [19.0, 18.8, 18.8],
}
TOTALS = [(f"Partnership {i}", 36 + (i * 37) % 109) for i in range(30)]


def svg_text(data: bytes) -> str:
    """Return every text node of an SVG, whitespace collapsed (wrapped labels become one line again)."""
    root = ET.fromstring(data)
    return " ".join(" ".join(root.itertext()).split())


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        return image.size


# --- Geometry -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "ring"),
    [
        (6, 0),
        (6.4, 0),
        (6.5, 1),
        (7, 1),
        (12, 1),
        (12.4, 1),
        (12.45, 2),
        (12.5, 2),
        (13, 2),
        (18, 2),
        (18.5, 3),
        (19, 3),
        (24, 3),
    ],
)
def test_ring_for_score_at_every_boundary(score: float, ring: int) -> None:
    assert charts.ring_for_score(score, PAT_RINGS) == ring


@pytest.mark.parametrize("score", [5, 5.99, 24.01, 25, math.nan, True])
def test_ring_for_score_rejects_scores_off_the_board(score: float) -> None:
    with pytest.raises(ValueError):
        charts.ring_for_score(score, PAT_RINGS)


def test_radius_at_the_ring_limits() -> None:
    assert [charts.radius_for_score(limit, PAT_RINGS) for limit in PAT_RINGS] == [0.25, 0.5, 0.75, 1.0]
    assert charts.radius_for_score(9, PAT_RINGS) == pytest.approx(0.375)


def test_radius_grows_with_the_score() -> None:
    radii = [charts.radius_for_score(6 + tenth / 10, PAT_RINGS) for tenth in range(181)]
    assert all(a < b for a, b in zip(radii, radii[1:], strict=False))
    assert radii[0] == 0.25 and radii[-1] == 1.0


@pytest.mark.parametrize("score", [5.9, 24.1])
def test_radius_rejects_scores_off_the_board(score: float) -> None:
    with pytest.raises(ValueError):
        charts.radius_for_score(score, PAT_RINGS)


def test_segments_run_clockwise_from_twelve_in_sixty_degree_steps() -> None:
    angles = [charts.segment_angles(i, SEGMENTS) for i in range(1, 7)]
    assert angles[0] == (0, 60)
    assert angles[-1] == (300, 360)
    assert all(end - start == 60 for start, end in angles)
    assert all(angles[i][1] == angles[i + 1][0] for i in range(5))


@pytest.mark.parametrize("principle", [0, 7])
def test_segment_angles_rejects_unknown_principles(principle: int) -> None:
    with pytest.raises(ValueError):
        charts.segment_angles(principle, SEGMENTS)


def test_spread_marks_keeps_equal_scores_apart_inside_their_segment() -> None:
    positions = charts.spread_marks([18, 18, 18, 20, 18], 2, PAT_RINGS, SEGMENTS)
    assert len(positions) == 5
    eighteens = [positions[i] for i in (0, 1, 2, 4)]
    assert {r for _, r in eighteens} == {charts.radius_for_score(18, PAT_RINGS)}
    thetas = sorted(t for t, _ in eighteens)
    assert all(b - a > 5 for a, b in zip(thetas, thetas[1:], strict=False))
    assert all(60 < t < 120 for t, _ in positions)
    # A lone score sits on the segment's centre line.
    assert positions[3] == (90, charts.radius_for_score(20, PAT_RINGS))


def test_spread_marks_is_deterministic() -> None:
    scores = [7, 23, 15, 15, 15, 7]
    assert charts.spread_marks(scores, 6, PAT_RINGS, SEGMENTS) == charts.spread_marks(scores, 6, PAT_RINGS, SEGMENTS)


def test_score_box_fits_its_segment_and_avoids_the_marks() -> None:
    # Every respondent at 9 (radius 0.375): the box must move off that row.
    marks = [charts._xy(t, r) for t, r in charts.spread_marks([9] * 8, 1, PAT_RINGS, SEGMENTS)]
    x, y = charts._score_box_centre(1, marks, [], SEGMENTS)
    assert all(abs(mx - x) > charts._BOX_HALF_WIDTH or abs(my - y) > charts._BOX_HALF_HEIGHT for mx, my in marks)
    assert charts._inside_segment(x - charts._BOX_HALF_WIDTH, y - charts._BOX_HALF_HEIGHT, 0, 60)


def test_total_band_uses_the_aggregate_limits() -> None:
    assert [charts.total_band(t, PAT_TOTALS) for t in (36, 37, 72, 73, 108, 109, 144)] == [0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(ValueError):
        charts.total_band(145, PAT_TOTALS)


# --- Drawing --------------------------------------------------------------------------------------------


def draw_all(fmt: charts.Fmt) -> dict[str, bytes]:
    return {
        "dartboard": dartboard(MEANS, LABELS, marks=MARKS, outline=OUTLINE, title="Round 2", fmt=fmt),
        "single": dartboard([16, 20, 11, 6, 24, None], LABELS, fmt=fmt),
        "bars": statement_bars(ROWS, fmt=fmt),
        "trend": trend_lines(ROUNDS, TREND, LABELS, fmt=fmt),
        "register": register_health(TOTALS, fmt=fmt),
    }


@pytest.fixture(scope="module")
def svgs() -> dict[str, bytes]:
    return draw_all("svg")


def test_every_chart_is_valid_svg(svgs: dict[str, bytes]) -> None:
    for name, data in svgs.items():
        assert data.lstrip().startswith((b"<?xml", b"<svg")), name
        assert ET.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg", name


def test_dartboard_svg_has_labels_scores_and_ring_limits_as_text(svgs: dict[str, bytes]) -> None:
    text = svg_text(svgs["dartboard"])
    for number, label in enumerate(LABELS, start=1):
        assert f"{number} {label}" in text
    for score in ("19.5", "18.2", "17.0", "20.1", "16.4", "18.8"):
        assert score in text
    for legend in ("7–12", "13–18", "19–24", "Respondent", "Earlier round", "Round 2"):
        assert legend in text


def test_individual_scores_are_integers_and_missing_is_na(svgs: dict[str, bytes]) -> None:
    text = svg_text(svgs["single"]).split()
    assert {"16", "20", "11", "24", "n/a"} <= set(text)
    assert "16.0" not in text


def test_other_charts_have_their_labels_as_text(svgs: dict[str, bytes]) -> None:
    bars = svg_text(svgs["bars"])
    assert all(label in bars for label, _, _ in ROWS)
    assert "◆" in bars and "Strongly disagree" in bars
    trend = svg_text(svgs["trend"])
    assert all(r in trend for r in ROUNDS) and "4 Trust" in trend
    register = svg_text(svgs["register"])
    assert all(band in register for band in ("36", "37–72", "73–108", "109–144"))


def test_svg_is_deterministic_for_the_same_input(svgs: dict[str, bytes]) -> None:
    again = draw_all("svg")
    for name, data in svgs.items():
        assert again[name] == data, name
    assert b"<dc:date>" not in svgs["dartboard"]


def test_svg_changes_when_the_scores_change(svgs: dict[str, bytes]) -> None:
    other = dartboard([*MEANS[:5], 12.0], LABELS, marks=MARKS, outline=OUTLINE, title="Round 2")
    assert other != svgs["dartboard"]


def test_every_chart_is_valid_png() -> None:
    sizes = {name: png_size(data) for name, data in draw_all("png").items()}
    assert sizes["dartboard"] == (900, 900)  # 6 x 6 inches at 150 dpi
    assert sizes["bars"][0] == 900 and sizes["bars"][1] > 1200  # 36 rows get the height they need
    assert all(w > 400 and h > 300 for w, h in sizes.values())


def test_png_dpi_sets_the_size() -> None:
    assert png_size(dartboard(MEANS, LABELS, fmt="png", dpi=80)) == (480, 480)


def test_unknown_format_and_wrong_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        dartboard(MEANS, LABELS, fmt="jpg")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        dartboard(MEANS[:5], LABELS)
    with pytest.raises(ValueError):
        trend_lines(ROUNDS, {1: [15.0]}, LABELS)


def test_dartboard_draws_two_hundred_respondents() -> None:
    marks = [[6 + (i * 7 + p) % 19 for i in range(200)] for p in range(6)]
    assert ET.fromstring(dartboard(MEANS, LABELS, marks=marks)).tag.endswith("svg")


def test_drawing_from_threads_gives_the_same_svg(svgs: dict[str, bytes]) -> None:
    results: list[bytes] = []

    def draw() -> None:
        results.append(dartboard(MEANS, LABELS, marks=MARKS, outline=OUTLINE, title="Round 2"))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [svgs["dartboard"]] * 4
    import matplotlib

    assert matplotlib.rcParams["svg.fonttype"] == "path"  # the SVG settings did not leak


# --- Text alternatives ------------------------------------------------------------------------------------


def test_dartboard_alt_text_states_the_numbers() -> None:
    text = dartboard_alt_text(MEANS, LABELS, marks=MARKS, outline=OUTLINE)
    assert "1 Need for partnership: 19.5 (19 to 24)" in text
    assert "2 Clarity and realism of purpose: 18.2 (13 to 18)" in text
    assert "6 respondents, from 16 to 20" in text
    assert "earlier round 9.5 (7 to 12)" in text
    assert "5 Clear and robust arrangements: 16.4 (13 to 18); 6 respondents, from 14 to 18; earlier round not" in text


def test_dartboard_alt_text_for_one_respondent() -> None:
    text = dartboard_alt_text([16, 20, 11, 6, 24, None], LABELS)
    assert "4 Trust: 6 (6)." in text
    assert "3 Commitment and ownership: 11 (7 to 12)." in text
    assert "6 Monitor, measure and learn: not available." in text


def test_other_alt_texts_state_the_numbers() -> None:
    bars = statement_bars_alt_text([("1A", {4: 5, 3: 4, 2: 2, 1: 1}, True)])
    assert "1A: strongly agree 5, agree 4, disagree 2, strongly disagree 1; divided." in bars
    trend = trend_lines_alt_text(ROUNDS, TREND, LABELS)
    assert "4 Trust: 10.1, n/a, 20.1." in trend
    register = register_health_alt_text([("A", 36), ("B", 110), ("C", 144), ("D", 80)])
    assert re.search(
        r"109 to 144: 2 partnerships\. 73 to 108: 1 partnership\. 37 to 72: 0 partnerships\. "
        r"36: 1 partnership\.",
        register,
    )


def test_dollar_signs_in_labels_are_drawn_as_typed():
    labels = ["Need $1", "Clarity", "Commitment", "Trust", "Arrangements", "Monitor"]
    assert b"<svg" in dartboard([12, 13, 14, 15, 16, 17], labels)
    assert b"<svg" in trend_lines(["Review $x^$", "2026 $"], {1: [12.0, 13.0]}, labels)


# --- Another shape ----------------------------------------------------------------------------------------


def test_a_four_section_instrument_draws_four_segments_with_its_own_rings() -> None:
    # 4 sections of 5 statements on a 0-3 scale: scores 0 to 15, bands 0, 1-5, 6-10, 11-15.
    rings = (0, 5, 10, 15)
    labels = ["Purpose", "Leadership", "Resources", "Learning"]
    assert charts.segment_angles(4, 4) == (270, 360)
    assert [charts.ring_for_score(s, rings) for s in (0, 1, 5, 6, 10.4, 10.5, 15)] == [0, 1, 1, 2, 2, 3, 3]
    assert charts.radius_for_score(15, rings) == 1.0 and charts.radius_for_score(0, rings) == 0.25
    svg = charts.dartboard([12.5, 7.0, 3.2, None], labels, limits=rings, marks=[[12, 13], [7], [3, 4], []])
    text = svg_text(svg)
    assert all(f"{n} {label}" in text for n, label in enumerate(labels, start=1))
    assert all(legend in text for legend in ("1–5", "6–10", "11–15"))
    alt = charts.dartboard_alt_text([12.5, 7.0, 3.2, None], labels, limits=rings)
    assert alt.startswith("Dartboard of four principles, each scored 0 to 15")
    assert "1 Purpose: 12.5 (11 to 15)" in alt and "4 Learning: not available" in alt
    with pytest.raises(ValueError):
        charts.ring_for_score(16, rings)
    with pytest.raises(ValueError):
        charts.dartboard([12.5, 7.0, 3.2], labels, limits=rings)


def test_a_zero_to_three_scale_draws_its_own_answers() -> None:
    scale = [(3, "Fully agree"), (2, "Partly agree"), (1, "Partly disagree"), (0, "Fully disagree")]
    assert charts.answer_colours([0, 1, 2, 3]) == {3: "#08519c", 2: "#6baed6", 1: "#fdd0a2", 0: "#e6550d"}
    svg = charts.statement_bars([("1A", {3: 2, 2: 1, 1: 0, 0: 4}, True)], scale=scale)
    assert "Fully disagree" in svg_text(svg)
    alt = charts.statement_bars_alt_text([("1A", {3: 2, 2: 1, 1: 0, 0: 4}, True)], scale=scale)
    assert "1A: fully agree 2, partly agree 1, partly disagree 0, fully disagree 4; divided." in alt


def test_priority_map_draws_and_says_what_it_shows():
    from reports.priorities import HIGH_VALUE_FROM, QUADRANT_LABELS, VALUE_MAX

    points = [("P-1", 2, 50.0, "low_value_poor_health"), ("P-2", 8, 120.0, "high_value_good_health")]
    kwargs = {"value_max": VALUE_MAX, "high_value_from": HIGH_VALUE_FROM, "lowest_total": 36, "highest_total": 144}
    svg = charts.priority_map(points, poor_health_up_to=72, **kwargs)
    assert svg.startswith(b"<?xml") and b"P-1" in svg
    assert charts.priority_map(points, poor_health_up_to=72, fmt="png", **kwargs).startswith(b"\x89PNG")
    text = charts.priority_map_alt_text(points, value_max=VALUE_MAX, quadrant_labels=QUADRANT_LABELS)
    assert "2 significant partnerships" in text
    assert "candidate for review or withdrawal: 1: P-1 (value 2, total 50.0)" in text


# --- Where partners differ ----------------------------------------------------------------------------------

GROUPS: list[tuple[str, list[float | None]]] = [
    ("Council", [18.0, 16.5, 20, 12.0, 15.0, 19.0]),
    ("Police", [14.0, None, 11.5, 22.0, 15.0, 9.0]),
]
OVERALL = [16.0, 16.5, 15.8, 17.0, 15.0, 14.0]
PRINCIPLES = ["Need", "Purpose", "Commitment", "Trust", "Arrangements", "Learning"]


def test_group_means_chart_is_svg_and_png_with_its_labels_as_text() -> None:
    svg = charts.group_means(GROUPS, OVERALL, PRINCIPLES, limits=PAT_RINGS, dimension="organisation")
    ET.fromstring(svg)
    text = svg.decode()
    for label in ("Council", "Police", "Whole partnership", "1 Need", "6 Learning", "Mean score by organisation"):
        assert label in text, label
    png = charts.group_means(GROUPS, OVERALL, PRINCIPLES, fmt="png", dpi=50, limits=PAT_RINGS)
    assert Image.open(io.BytesIO(png)).format == "PNG"


def test_group_means_alt_text_states_every_number() -> None:
    alt = charts.group_means_alt_text(GROUPS, OVERALL, PRINCIPLES, limits=PAT_RINGS, dimension="level")
    assert alt.startswith("Mean score per principle (6 to 24) by level")
    assert "1 Need: partnership 16.0; Council 18.0; Police 14.0." in alt
    assert "2 Purpose: partnership 16.5; Council 16.5; Police n/a." in alt


def test_group_means_refuses_the_wrong_number_of_principles() -> None:
    with pytest.raises(ValueError):
        charts.group_means([("Council", [18.0] * 5)], OVERALL, PRINCIPLES, limits=PAT_RINGS)


def _contrast_on_white(colour: str) -> float:
    return 1.05 / (charts._relative_luminance(colour) + 0.05)


def test_every_group_colour_is_3_to_1_against_white() -> None:
    assert all(_contrast_on_white(c) >= 3.0 for c in charts.PRINCIPLE_COLOURS), charts.PRINCIPLE_COLOURS
    assert _contrast_on_white(charts._INK) >= 3.0
