"""Charts for the reports: the dartboard, statement answers, trends across rounds and register health.

Pure functions over plain numbers and strings that return image bytes (SVG or PNG) and, beside each, a plain
English text alternative stating the same numbers. Only matplotlib's object-oriented API is used: every call
builds its own ``Figure`` with its own canvas and never touches pyplot, so no drawing state is shared between
web requests.

Colours are a single-hue blue ramp whose lightness alone tells the bands apart (darkest = healthiest, so "a
fuller, darker board is healthier" survives greyscale printing and colour-blind viewing); the lowest band is
also hatched. The lighter colours are under 3:1 against white, so every shaded area (dartboard segment, answer
bar, band bar) has a dark outline (WCAG 2.2, 1.4.11), and every line is at least 3:1 against white.

Nothing of the instrument's shape is written here: the number of segments is the number of principles given,
and the rings, axis limits and answer scale are passed in from the instrument's read model
(``InstrumentStructure.ring_limits``, ``total_limits`` and ``scale_options``): the PAT's board has six segments
and rings at 6, 12, 18 and 24; a four-section instrument scored 0 to 15 has four segments.
"""

from __future__ import annotations

import io
import itertools
import math
import numbers
import textwrap
import threading
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch, Wedge
from matplotlib.ticker import MaxNLocator

from assessments.scoring import one_decimal, whole_mean

Fmt = Literal["svg", "png"]
Number = float | int

# --- Geometry -----------------------------------------------------------------------------------------------

# The seed's dartboard: the centre disc is the lowest score (6 on the PAT), then one ring per band out to the
# highest (24). ``limits`` below are those ring limits: the lowest score, then the top of every band.
CENTRE_RADIUS = 0.25
# Marks keep this far from a segment's spokes so they never sit on a boundary line.
MARK_MARGIN_DEGREES = 7.5


def _band_index(whole: int, limits: Sequence[int]) -> int:
    for index, limit in enumerate(limits):
        if whole <= limit:
            return index
    raise ValueError(f"{whole} is above {limits[-1]}.")


def _check_limits(limits: Sequence[int]) -> None:
    if len(limits) < 2 or any(b <= a for a, b in itertools.pairwise(limits)):
        raise ValueError(f"Ring limits must rise, at least two of them; got {tuple(limits)}.")


def _check_score(score: Number, limits: Sequence[int]) -> float:
    _check_limits(limits)
    value = float(score)
    # "not (a <= x <= b)" also rejects NaN.
    if isinstance(score, bool) or not (limits[0] <= value <= limits[-1]):
        raise ValueError(f"A principle score must lie within {limits[0]}..{limits[-1]}, got {score!r}.")
    return value


def ring_for_score(score: Number, limits: Sequence[int]) -> int:
    """Return the ring a principle score (or mean) falls in: on the PAT (limits 6, 12, 18, 24) 0 = centre (6),
    1 = 7-12, 2 = 13-18, 3 = 19-24.

    A mean is first rounded half up to a whole number the way every screen bands it (12.5 -> 13 -> ring 2).
    Raises ValueError outside the first and last limit.
    """
    _check_score(score, limits)
    return _band_index(whole_mean(score), limits)


def total_band(total: Number, limits: Sequence[int]) -> int:
    """Return the aggregate band of a total (or mean total): on the PAT (limits 36, 72, 108, 144) 0 = 36,
    1 = 37-72, 2 = 73-108, 3 = 109-144.

    Raises ValueError outside the first and last limit.
    """
    _check_limits(limits)
    value = float(total)
    if isinstance(total, bool) or not (limits[0] <= value <= limits[-1]):
        raise ValueError(f"A total must lie within {limits[0]}..{limits[-1]}, got {total!r}.")
    return _band_index(whole_mean(total), limits)


def radius_for_score(score: Number, limits: Sequence[int]) -> float:
    """Return the radius (0..1, rim = 1) a score reaches on the dartboard.

    The lowest score fills the centre disc (0.25); each ring adds an equal width, the score moving linearly
    within it: on the PAT 12 -> 0.5, 18 -> 0.75, 24 -> 1.0. Raises ValueError outside the limits.
    """
    value = _check_score(score, limits)
    ring_width = (1.0 - CENTRE_RADIUS) / (len(limits) - 1)
    ring = next(i for i in range(1, len(limits)) if value <= limits[i])
    low, high = limits[ring - 1], limits[ring]
    return CENTRE_RADIUS + ring_width * (ring - 1 + (value - low) / (high - low))


def segment_angles(principle: int, segments: int) -> tuple[float, float]:
    """Return (start, end) of a principle's segment in compass degrees: clockwise from 12 o'clock.

    ``segments`` equal segments (six of 60 degrees on the PAT): principle 1 runs from 0 (12 o'clock) to 60,
    principle 2 from 60 to 120, and so on clockwise. Raises ValueError unless 1 <= principle <= segments.
    """
    if isinstance(principle, bool) or principle not in range(1, segments + 1):
        raise ValueError(f"Principle must be 1..{segments}, got {principle!r}.")
    degrees = 360.0 / segments
    return (principle - 1) * degrees, principle * degrees


def spread_marks(
    scores: Sequence[Number], segment: int, limits: Sequence[int], segments: int
) -> list[tuple[float, float]]:
    """Return one (theta, r) position per score, in the order given, for respondents' marks in a segment.

    theta is in compass degrees (clockwise from 12 o'clock, as ``segment_angles``) and r is
    ``radius_for_score``. Equal scores share a radius, so they are spread evenly across the segment's width
    (keeping clear of its spokes); a lone score sits on the segment's centre line. Deterministic: no jitter.
    """
    start, end = segment_angles(segment, segments)
    usable = (end - start) - 2 * MARK_MARGIN_DEGREES
    groups: dict[float, list[int]] = {}
    for index, score in enumerate(scores):
        _check_score(score, limits)
        groups.setdefault(round(float(score), 6), []).append(index)
    positions: list[tuple[float, float]] = [(0.0, 0.0)] * len(scores)
    for value, indexes in groups.items():
        radius = radius_for_score(value, limits)
        count = len(indexes)
        for k, index in enumerate(indexes):
            positions[index] = (start + MARK_MARGIN_DEGREES + usable * (k + 0.5) / count, radius)
    return positions


def _xy(theta: float, radius: float) -> tuple[float, float]:
    rad = math.radians(theta)
    return radius * math.sin(rad), radius * math.cos(rad)


# --- Colours, text and output -------------------------------------------------------------------------------

# ColorBrewer "Blues" (9 classes); a board of four bands takes every other one from the second, lightness about
# 93, 78, 58, 36 -- clearly apart in greyscale.
_BLUES: tuple[str, ...] = (
    "#f7fbff",
    "#deebf7",
    "#c6dbef",
    "#9ecae1",
    "#6baed6",
    "#4292c6",
    "#2171b5",
    "#08519c",
    "#08306b",
)


def band_colours(bands: int) -> tuple[str, ...]:
    """Return one fill per band, lightest (lowest band) first, evenly spaced along the blue ramp."""
    if bands < 2:
        return _BLUES[1:2] * bands
    return tuple(_BLUES[round(1 + 6 * i / (bands - 1))] for i in range(bands))


LOWEST_BAND_HATCH = "////"
_HATCH_COLOUR = "#2c5f8a"
_INK = "#1a1a1a"
_GRID = "#6b6b6b"
# Ring lines must show on white and on the darkest blue alike.
_RING = "#8a8a8a"

# Answers: a blue (agree) / orange (disagree) diverging palette (colour-blind safe), each of a different
# lightness, strongest first; a middle value (on an odd scale) is grey.
_AGREE_COLOURS: tuple[str, ...] = ("#08519c", "#6baed6", "#c6dbef")
_DISAGREE_COLOURS: tuple[str, ...] = ("#e6550d", "#fdd0a2", "#feedde")
_NEUTRAL_COLOUR = "#d9d9d9"


def answer_colours(values: Sequence[int]) -> dict[int, str]:
    """Return a colour per answer value: blues above the middle of the scale, oranges below, grey on it."""
    low, high = min(values), max(values)
    agree = sorted((v for v in values if 2 * v > low + high), reverse=True)
    disagree = sorted(v for v in values if 2 * v < low + high)
    colours = {v: _NEUTRAL_COLOUR for v in values}
    colours.update({v: _AGREE_COLOURS[min(i, len(_AGREE_COLOURS) - 1)] for i, v in enumerate(agree)})
    colours.update({v: _DISAGREE_COLOURS[min(i, len(_DISAGREE_COLOURS) - 1)] for i, v in enumerate(disagree)})
    return colours


# One colour per principle, paired with distinct marker shapes: Okabe-Ito's blue and vermilion, and darker
# stand-ins for its orange, green, pink and sky blue, so that every line is 3:1 or more against white; an
# instrument with more principles goes round again.
PRINCIPLE_COLOURS: tuple[str, ...] = ("#0072B2", "#9E6A00", "#00805C", "#B8407A", "#6A4C93", "#D55E00")
PRINCIPLE_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P")

_SVG_RC: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "partnership-health-check"}
# rc_context swaps the process-wide rcParams; the lock stops two threads interleaving enter/exit (which would
# leave one thread's settings behind). Only the save, where the SVG settings are read, runs under it.
_RC_LOCK = threading.Lock()


def _relative_luminance(colour: str) -> float:
    rgb = to_rgb(colour)
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _text_colour_on(fill: str) -> str:
    """Return black or white, whichever has the higher WCAG contrast against ``fill``."""
    lum = _relative_luminance(fill)
    return _INK if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def _band_words(index: int, limits: Sequence[int]) -> tuple[str, str]:
    """Return (chart label, spoken words) of a band: ("7–12", "7 to 12"), or ("6", "6") for the lowest.

    ``limits`` are ring limits: the lowest score, then each band's top (the lowest band is that one score).
    """
    if index == 0:
        return str(limits[0]), str(limits[0])
    low, high = limits[index - 1] + 1, limits[index]
    return f"{low}–{high}", f"{low} to {high}"


def _format_score(score: Number) -> str:
    """Return an individual (integer) score as "16" and a mean as "16.0", rounded half up like the screens."""
    if isinstance(score, numbers.Integral):
        return str(int(score))
    return f"{one_decimal(score):.1f}"


def _plain(text: str) -> str:
    """Return text that matplotlib draws as typed: a "$" would otherwise start mathematical notation."""
    return text.replace("$", r"\$")


_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _in_words(count: int) -> str:
    """Return a small count in words, as the text alternatives write it ("six principles")."""
    return _WORDS[count] if 0 <= count < len(_WORDS) else str(count)


def _principle_label(number: int, title: str) -> str:
    return f"{number} {title}"


def _check_count(values: Sequence[object] | None, what: str, segments: int) -> None:
    if values is not None and len(values) != segments:
        raise ValueError(f"{what} needs {segments} entries, one per principle; got {len(values)}.")


def _render(fig: Figure, fmt: Fmt, dpi: int) -> bytes:
    buffer = io.BytesIO()
    if fmt == "svg":
        FigureCanvasSVG(fig)
        with _RC_LOCK, matplotlib.rc_context(cast(Any, _SVG_RC)):
            fig.savefig(buffer, format="svg", metadata={"Date": None})
    else:
        FigureCanvasAgg(fig)
        fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _check_fmt(fmt: str) -> None:
    if fmt not in ("svg", "png"):
        raise ValueError(f'fmt must be "svg" or "png", got {fmt!r}.')


# --- Dartboard ----------------------------------------------------------------------------------------------


# Half-width and half-height, in board units (rim = 1), of a score's box at the dartboard's fixed scale.
_BOX_HALF_WIDTH = 0.155
_BOX_HALF_HEIGHT = 0.085


def _score_box_centre(
    principle: int, marks: Sequence[tuple[float, float]], arcs: Sequence[float], segments: int
) -> tuple[float, float]:
    """Return where a segment's score box goes: inside the segment, covering as few marks as it can.

    ``marks`` are (x, y) points the box should not hide (respondents' dots, ring limit labels); ``arcs`` are
    radii of outline arcs it should not sit on. Among positions where the box fits inside the segment, the one
    hiding least wins; ties go to the centre line, then to the radius nearest 0.42, so boards without marks
    look alike.
    """
    start, end = segment_angles(principle, segments)
    mid = (start + end) / 2
    best: tuple[float, float] | None = None
    best_key = (math.inf, math.inf, math.inf)
    for offset in (0.0, -12.0, 12.0):
        for step in range(32):
            radius = 0.30 + 0.02 * step
            x, y = _xy(mid + offset, radius)
            corners = [
                (x + dx, y + dy)
                for dx in (-_BOX_HALF_WIDTH, _BOX_HALF_WIDTH)
                for dy in (-_BOX_HALF_HEIGHT, _BOX_HALF_HEIGHT)
            ]
            if not all(_inside_segment(cx, cy, start, end) for cx, cy in corners):
                continue
            hidden = sum(
                1
                for mx, my in marks
                if abs(mx - x) < _BOX_HALF_WIDTH + 0.025 and abs(my - y) < _BOX_HALF_HEIGHT + 0.025
            )
            hidden += sum(4 for arc in arcs if abs(arc - radius) < _BOX_HALF_HEIGHT + 0.05)
            key = (hidden, abs(offset), abs(radius - 0.42))
            if key < best_key:
                best, best_key = (x, y), key
    # Every segment fits a box somewhere between 0.35 and 0.9; the fallback only guards the constants.
    return best if best is not None else _xy(mid, 0.6)


def _inside_segment(x: float, y: float, start: float, end: float) -> bool:
    radius = math.hypot(x, y)
    bearing = math.degrees(math.atan2(x, y)) % 360
    if end == 360 and bearing < 1:
        bearing += 360
    return radius < 0.97 and start + 1.5 <= bearing <= end - 1.5


def dartboard(
    scores: Sequence[Number | None],
    labels: Sequence[str],
    *,
    limits: Sequence[int],
    marks: Sequence[Sequence[Number]] | None = None,
    outline: Sequence[Number | None] | None = None,
    title: str = "",
    fmt: Fmt = "svg",
    dpi: int = 150,
) -> bytes:
    """Return the dartboard of the principle scores as SVG or PNG bytes (6 x 6 inches; PNG at ``dpi``).

    One segment per score. ``scores`` are the principle scores (integers for one respondent, written "16") or
    means (written "16.0"); None leaves the segment empty, written "n/a". ``labels`` are the short titles,
    drawn outside the rim as "1 Need for partnership". ``limits`` are the rings (the instrument's
    ``ring_limits``: 6, 12, 18, 24 on the PAT). ``marks`` are, per principle, the respondents' scores, drawn as
    dots; ``outline`` is an earlier round's means, drawn as a dashed arc. The text alternative is
    ``dartboard_alt_text`` with the same arguments.
    """
    _check_fmt(fmt)
    _check_limits(limits)
    segments = len(scores)
    _check_count(labels, "labels", segments)
    _check_count(marks, "marks", segments)
    _check_count(outline, "outline", segments)
    colours = band_colours(len(limits))

    fig = Figure(figsize=(6, 6))
    # A fixed scale (not a tight bbox): the score boxes' sizes in board units depend on it.
    ax: Axes = fig.add_axes((0.0, 0.10, 1.0, 0.82))
    ax.set_axis_off()
    ax.set_xlim(-1.70, 1.70)
    ax.set_ylim(-1.39, 1.39)
    ax.set_aspect("equal", adjustable="datalim")
    if title:
        fig.text(
            0.5,
            0.975,
            "\n".join(textwrap.wrap(title, 60)),
            ha="center",
            va="top",
            fontsize=13,
            fontweight="bold",
            color=_INK,
        )

    # Positions first, so each segment's score box can avoid the marks and the outline.
    mark_positions: list[list[tuple[float, float]]] = [
        spread_marks(marks[i], i + 1, limits, segments) if marks is not None else [] for i in range(segments)
    ]
    biggest_group = max(
        (sum(1 for s in m if round(float(s), 6) == round(float(v), 6)) for m in marks or [] for v in set(m)),
        default=1,
    )
    # The ring limits are written on the 12 o'clock spoke; score boxes keep off them.
    ring_label_points = [(0.0, radius_for_score(limit, limits)) for limit in limits] * 3
    for i in range(segments):
        number = i + 1
        start, end = segment_angles(number, segments)
        mid = (start + end) / 2
        score = scores[i]
        if score is not None:
            fill_radius = radius_for_score(score, limits)
            band = ring_for_score(score, limits)
            ax.add_artist(
                Wedge(
                    (0, 0),
                    fill_radius,
                    90 - end,
                    90 - start,
                    facecolor=colours[band],
                    edgecolor=_INK,
                    linewidth=1.0,
                    hatch=LOWEST_BAND_HATCH if band == 0 else None,
                    hatchcolor=_HATCH_COLOUR,
                    zorder=1,
                )
            )
        obstacles = [_xy(t, r) for t, r in mark_positions[i]] + ring_label_points
        arcs: list[float] = []
        if outline is not None and outline[i] is not None:
            earlier = radius_for_score(outline[i], limits)  # type: ignore[arg-type]
            arcs.append(earlier)
            thetas = [start + 1.5 + (end - start - 3) * k / 40 for k in range(41)]
            xs, ys = zip(*(_xy(t, earlier) for t in thetas), strict=True)
            # Over the marks (zorder 4), on a white halo, so it reads over any fill and any crowd of dots.
            ax.plot(xs, ys, color="white", linewidth=5.5, solid_capstyle="butt", zorder=4.5)
            ax.plot(xs, ys, color=_INK, linewidth=3.0, linestyle=(0, (2.2, 1.2)), dash_capstyle="butt", zorder=4.6)
        x, y = _score_box_centre(number, obstacles, arcs, segments)
        if score is None:
            ax.text(
                x,
                y,
                "n/a",
                ha="center",
                va="center",
                fontsize=11,
                fontstyle="italic",
                color=_INK,
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": _GRID,
                    "linewidth": 0.6,
                },
                zorder=6,
            )
        else:
            ax.text(
                x,
                y,
                _format_score(score),
                ha="center",
                va="center",
                fontsize=11.5,
                fontweight="bold",
                color=_INK,
                bbox={
                    "boxstyle": "round,pad=0.25",
                    "facecolor": "white",
                    "edgecolor": _INK,
                    "linewidth": 0.8,
                    "alpha": 0.92,
                },
                zorder=6,
            )

        # The label outside the rim: aligned away from the board so it never runs into it.
        lx, ly = _xy(mid, 1.06)
        ha = "left" if lx > 0.05 else "right" if lx < -0.05 else "center"
        va = "bottom" if ly > 0.3 else "top" if ly < -0.3 else "center"
        # Beside the board (3 and 9 o'clock) there is less room across than above or below it.
        width = 13 if abs(ly) <= 0.3 else 19
        lines = textwrap.wrap(_plain(_principle_label(number, labels[i])), width=width) or [str(number)]
        # A word longer than the room shrinks the label rather than running off the page.
        size = 11.0 * min(1.0, width / max(len(line) for line in lines))
        ax.text(lx, ly, "\n".join(lines), ha=ha, va=va, fontsize=size, color=_INK, linespacing=1.15, zorder=6)

    # Rings and spokes over the fills, so each segment's extent reads against the grid.
    for limit in limits:
        radius = radius_for_score(limit, limits)
        rim = limit == limits[-1]
        ax.add_artist(
            Circle(
                (0, 0),
                radius,
                fill=False,
                edgecolor=_INK if rim else _RING,
                linewidth=1.6 if rim else 0.8,
                zorder=2,
            )
        )
    for i in range(segments):
        x, y = _xy(i * 360.0 / segments, 1.0)
        ax.plot([0, x], [0, y], color=_INK, linewidth=1.2, zorder=2)
    # The ring limits, written on the 12 o'clock spoke.
    for limit in limits:
        ax.text(
            0,
            radius_for_score(limit, limits),
            str(limit),
            ha="center",
            va="center",
            fontsize=9,
            color=_INK,
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=5.5,
        )

    band_handles = [
        Patch(
            facecolor=colour,
            edgecolor=_INK,
            linewidth=0.8,
            hatch=LOWEST_BAND_HATCH if band == 0 else None,
            hatchcolor=_HATCH_COLOUR,
            label=_band_words(band, limits)[0],
        )
        for band, colour in enumerate(colours)
    ]
    other_handles: list[Line2D] = []
    if marks is not None:
        points = [_xy(t, r) for positions in mark_positions for t, r in positions]
        if points:
            # Smaller dots when many respondents share a score, so the row stays a row, not a smear.
            size = 26.0 if biggest_group <= 10 else max(9.0, 26.0 * 10 / biggest_group)
            xs, ys = zip(*points, strict=True)
            ax.scatter(xs, ys, s=size, facecolor="white", edgecolor=_INK, linewidth=0.9, zorder=4)
        other_handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=6,
                markerfacecolor="white",
                markeredgecolor=_INK,
                label="Respondent",
            )
        )
    if outline is not None:
        other_handles.append(
            Line2D([], [], color=_INK, linewidth=2.5, linestyle=(0, (2.2, 1.2)), label="Earlier round")
        )
    legend_style = {
        "fontsize": 9.5,
        "frameon": False,
        "handlelength": 1.6,
        "columnspacing": 1.0,
        "handletextpad": 0.5,
        "title_fontsize": 9.5,
    }
    fig.legend(
        handles=band_handles,
        loc="lower left" if other_handles else "lower center",
        bbox_to_anchor=(0.03, 0.015) if other_handles else (0.5, 0.015),
        ncol=len(colours),
        title="Score band",
        **legend_style,
    )
    if other_handles:
        fig.legend(handles=other_handles, loc="lower right", bbox_to_anchor=(0.97, 0.015), ncol=1, **legend_style)
    return _render(fig, fmt, dpi)


def dartboard_alt_text(
    scores: Sequence[Number | None],
    labels: Sequence[str],
    *,
    limits: Sequence[int],
    marks: Sequence[Sequence[Number]] | None = None,
    outline: Sequence[Number | None] | None = None,
) -> str:
    """Return the dartboard's text alternative: each principle's score and band in plain English.

    e.g. "Dartboard of 6 principles, each scored 6 to 24; a fuller segment is healthier. 1 Need for
    partnership: 16.0 (13 to 18); 12 respondents, from 14 to 19; earlier round 15.2 (13 to 18). ..."
    """
    _check_limits(limits)
    segments = len(scores)
    _check_count(labels, "labels", segments)
    _check_count(marks, "marks", segments)
    _check_count(outline, "outline", segments)
    parts = [
        f"Dartboard of {_in_words(segments)} principles, each scored {limits[0]} to {limits[-1]}; "
        "a fuller segment is healthier."
    ]
    for i in range(segments):
        score = scores[i]
        if score is None:
            sentence = f"{_principle_label(i + 1, labels[i])}: not available"
        else:
            band = _band_words(ring_for_score(score, limits), limits)[1]
            sentence = f"{_principle_label(i + 1, labels[i])}: {_format_score(score)} ({band})"
        if marks is not None:
            given = marks[i]
            if not given:
                sentence += "; no respondents"
            elif len(given) == 1:
                sentence += f"; 1 respondent, {_format_score(given[0])}"
            else:
                sentence += (
                    f"; {len(given)} respondents, from {_format_score(min(given))} to {_format_score(max(given))}"
                )
        if outline is not None:
            earlier = outline[i]
            if earlier is None:
                sentence += "; earlier round not available"
            else:
                band = _band_words(ring_for_score(earlier, limits), limits)[1]
                sentence += f"; earlier round {_format_score(earlier)} ({band})"
        parts.append(sentence + ".")
    return " ".join(parts)


# --- Statement answers --------------------------------------------------------------------------------------

_DIVIDED_MARK = "◆"


def _statement_label(label: str, divided: bool) -> str:
    return f"{_DIVIDED_MARK} {label}" if divided else label


def statement_bars(
    rows: Sequence[tuple[str, Mapping[int, int], bool]],
    fmt: Fmt = "svg",
    *,
    scale: Sequence[tuple[int, str]],
    dpi: int = 150,
) -> bytes:
    """Return a diverging stacked bar per statement as SVG or PNG bytes (6 inches wide; PNG at ``dpi``).

    Each row is (label such as "1A", counts of answers keyed by value, divided); ``scale`` is the answer scale
    as (value, label), highest first (4 "Strongly agree" ... 1 "Strongly disagree" on the PAT). Agreement runs
    right of zero and disagreement left, as percentages of that statement's answers, with the counts written
    in the wider pieces; a middle value of an odd scale is counted but not drawn. A divided statement's label
    is bold and marked "◆". The text alternative is ``statement_bars_alt_text``.
    """
    _check_fmt(fmt)
    values = [value for value, _ in scale]
    colours = answer_colours(values)
    low, high = min(values), max(values)
    agree = sorted(v for v in values if 2 * v > low + high)  # mildest first: they sit next to zero
    disagree = sorted((v for v in values if 2 * v < low + high), reverse=True)
    height = max(2.6, 1.4 + 0.27 * len(rows))
    fig = Figure(figsize=(6.0, height), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(rows)))
    for y, (_label, counts, _divided) in zip(ys, rows, strict=True):
        total = sum(counts.get(answer, 0) for answer in values)
        if total == 0:
            ax.text(0, y, "no answers", ha="center", va="center", fontsize=8.5, fontstyle="italic", color=_INK)
            continue
        # Inner pieces (agree, disagree) start at zero; the strong ones stack outside them.
        pct = {answer: 100.0 * counts.get(answer, 0) / total for answer in values}
        right = 0.0
        for answer in agree:
            _bar_piece(ax, y, right, pct[answer], colours[answer], counts.get(answer, 0))
            right += pct[answer]
        left = 0.0
        for answer in disagree:
            left -= pct[answer]
            _bar_piece(ax, y, left, pct[answer], colours[answer], counts.get(answer, 0))
    ax.axvline(0, color=_INK, linewidth=1.0, zorder=3)
    # A faint line between principles (the first character of "1A", "2B", ...).
    for y in ys[1:]:
        if rows[y][0][:1] != rows[y - 1][0][:1]:
            ax.axhline(y - 0.5, color=_GRID, linewidth=0.6, linestyle=(0, (1, 2)), zorder=0)
    ax.set_xlim(-100, 100)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks([-100, -50, 0, 50, 100], ["100%", "50%", "0", "50%", "100%"], fontsize=9)
    ax.set_xlabel("← disagree        share of answers        agree →", fontsize=9.5, color=_INK)
    tick_labels = ax.set_yticks(ys, [_statement_label(label, divided) for label, _, divided in rows], fontsize=10)
    for tick, (_, _, divided) in zip(tick_labels, rows, strict=True):
        if divided:
            tick.label1.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles: list[Patch | Line2D] = [
        Patch(facecolor=colours[answer], edgecolor=_INK, linewidth=0.7, label=label) for answer, label in sorted(scale)
    ]
    if any(divided for _, _, divided in rows):
        # Second in a column-major legend of four columns: it sits alone on a second row, under the first.
        handles.insert(
            1,
            Line2D(
                [],
                [],
                linestyle="none",
                marker="D",
                markersize=6,
                color=_INK,
                label="Divided statement (bold)",
            ),
        )
    fig.legend(
        handles=handles,
        loc="outside upper center",
        ncol=len(scale),
        fontsize=9.5,
        frameon=False,
        handlelength=1.4,
        columnspacing=1.0,
    )
    return _render(fig, fmt, dpi)


def _bar_piece(ax: Axes, y: int, left: float, width: float, colour: str, count: int) -> None:
    if width <= 0:
        return
    # A dark outline separates each answer from white and from its neighbours (the lighter colours are < 3:1).
    ax.barh(y, width, left=left, height=0.74, color=colour, edgecolor=_INK, linewidth=0.7, zorder=2)
    if width >= 7:
        ax.text(
            left + width / 2,
            y,
            str(count),
            ha="center",
            va="center",
            fontsize=8.5,
            color=_text_colour_on(colour),
            zorder=4,
        )


def statement_bars_alt_text(
    rows: Sequence[tuple[str, Mapping[int, int], bool]], *, scale: Sequence[tuple[int, str]]
) -> str:
    """Return the statement bars' text alternative: each statement's answer counts and if it is divided."""
    parts = [f"Answers to {len(rows)} statements."]
    for label, counts, divided in rows:
        counted = ", ".join(f"{name.lower()} {counts.get(value, 0)}" for value, name in scale)
        parts.append(f"{label}: {counted}{'; divided' if divided else ''}.")
    return " ".join(parts)


# --- Trend across rounds ------------------------------------------------------------------------------------


def _check_trend(
    round_labels: Sequence[str],
    means: Mapping[int, Sequence[Number | None]],
    labels: Sequence[str],
    limits: Sequence[int],
) -> None:
    _check_limits(limits)
    for number, series in means.items():
        segment_angles(number, len(labels))  # raises for a principle number without a label
        if len(series) != len(round_labels):
            raise ValueError(f"Principle {number} has {len(series)} means for {len(round_labels)} rounds.")


def trend_lines(
    round_labels: Sequence[str],
    means: Mapping[int, Sequence[Number | None]],
    labels: Sequence[str],
    fmt: Fmt = "svg",
    *,
    limits: Sequence[int],
    dpi: int = 150,
) -> bytes:
    """Return the principle means across rounds as a line chart, SVG or PNG bytes (PNG at ``dpi``).

    ``means`` maps principle number (1..6 on the PAT) to one mean per round (None = no mean, a gap in the
    line). The y axis runs over the ring ``limits`` (6..24 on the PAT) with the band limits as faint lines;
    principles differ by marker shape as well as colour. The text alternative is ``trend_lines_alt_text``.
    """
    _check_fmt(fmt)
    _check_trend(round_labels, means, labels, limits)
    fig = Figure(figsize=(6.5, 5.0), layout="constrained")
    ax = fig.add_subplot()
    for limit in limits:
        ax.axhline(limit, color=_GRID, linewidth=0.7, linestyle=(0, (3, 3)), zorder=0)
    for band in range(1, len(limits)):
        ax.text(
            1.01,
            (limits[band - 1] + limits[band]) / 2 + 0.5,
            _band_words(band, limits)[0],
            transform=ax.get_yaxis_transform(),
            ha="left",
            va="center",
            fontsize=8.5,
            color=_GRID,
        )
    xs = list(range(len(round_labels)))
    for number in sorted(means):
        series = [math.nan if m is None else float(one_decimal(_check_score(m, limits))) for m in means[number]]
        # A small sideways offset per principle, so equal means stay visible.
        offset = (number - (len(labels) + 1) / 2) * 0.035
        style = (number - 1) % len(PRINCIPLE_COLOURS)
        ax.plot(
            [x + offset for x in xs],
            series,
            color=PRINCIPLE_COLOURS[style],
            marker=PRINCIPLE_MARKERS[style],
            markersize=7,
            markeredgecolor=_INK,
            markeredgewidth=0.6,
            linewidth=1.8,
            label=_plain(_principle_label(number, labels[number - 1])),
            zorder=3,
        )
    ax.set_ylim(limits[0] - 0.8, limits[-1] + 0.8)
    ax.set_yticks(list(limits), [str(limit) for limit in limits], fontsize=9.5)
    ax.set_ylabel(f"Principle mean ({limits[0]} to {limits[-1]})", fontsize=10, color=_INK)
    ax.set_xticks(xs, [_plain(label) for label in round_labels], fontsize=9.5)
    ax.set_xlim(-0.4, max(xs, default=0) + 0.4)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="outside lower center", ncol=2, fontsize=9.5, frameon=False, handlelength=2.4)
    return _render(fig, fmt, dpi)


def trend_lines_alt_text(
    round_labels: Sequence[str],
    means: Mapping[int, Sequence[Number | None]],
    labels: Sequence[str],
    *,
    limits: Sequence[int],
) -> str:
    """Return the trend chart's text alternative: each principle's mean in each round, in round order."""
    _check_trend(round_labels, means, labels, limits)
    parts = [
        f"Principle means over {len(round_labels)} rounds ({', '.join(round_labels)}), "
        f"each {limits[0]} to {limits[-1]}."
    ]
    for number in sorted(means):
        values = ", ".join("n/a" if m is None else _format_score(float(m)) for m in means[number])
        parts.append(f"{_principle_label(number, labels[number - 1])}: {values}.")
    return " ".join(parts)


# --- Register health ----------------------------------------------------------------------------------------


def _count_by_band(totals: Sequence[tuple[str, Number]], limits: Sequence[int]) -> list[int]:
    counts = [0] * len(limits)
    for _name, total in totals:
        counts[total_band(total, limits)] += 1
    return counts


def register_health(
    totals: Sequence[tuple[str, Number]], fmt: Fmt = "svg", *, limits: Sequence[int], dpi: int = 150
) -> bytes:
    """Return the number of partnerships per aggregate band as a horizontal bar chart, SVG or PNG bytes.

    ``totals`` are (partnership name, latest total); ``limits`` the aggregate bands' limits (36, 72, 108, 144
    on the PAT). Bands run from the top one (109-144) down to the lowest (36), each bar labelled with its count
    and share; the chart reads the same for 30 partnerships or 500. The text alternative is
    ``register_health_alt_text``.
    """
    _check_fmt(fmt)
    _check_limits(limits)
    counts = _count_by_band(totals, limits)
    colours = band_colours(len(limits))
    whole = sum(counts)
    fig = Figure(figsize=(6.5, 3.0), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(limits)))
    # Healthiest band on top.
    bands = list(reversed(range(len(limits))))
    peak = max(counts, default=0) or 1
    for y, band in zip(ys, bands, strict=True):
        ax.barh(
            y,
            counts[band],
            height=0.66,
            color=colours[band],
            edgecolor=_INK,
            linewidth=0.7,
            hatch=LOWEST_BAND_HATCH if band == 0 else None,
            hatchcolor=_HATCH_COLOUR,
        )
        share = f" ({100 * counts[band] / whole:.0f}%)" if whole else ""
        ax.text(
            counts[band] + peak * 0.015,
            y,
            f"{counts[band]}{share}",
            ha="left",
            va="center",
            fontsize=10,
            color=_INK,
        )
    ax.set_yticks(ys, [_band_words(band, limits)[0] for band in bands], fontsize=10)
    ax.set_ylim(len(ys) - 0.5, -0.5)
    ax.set_xlim(0, peak * 1.22)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlabel(f"Partnerships (of {whole}) by latest total", fontsize=10, color=_INK)
    ax.set_ylabel("Total band", fontsize=10, color=_INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _render(fig, fmt, dpi)


def register_health_rows(totals: Sequence[tuple[str, Number]], *, limits: Sequence[int]) -> list[tuple[str, int, int]]:
    """Return the register chart's numbers for its table, healthiest band first: (band as the chart labels it,
    partnerships in it, their share of all in whole per cent)."""
    counts = _count_by_band(totals, limits)
    whole = sum(counts)
    return [
        (_band_words(band, limits)[0], counts[band], round(100 * counts[band] / whole) if whole else 0)
        for band in reversed(range(len(limits)))
    ]


def register_health_alt_text(totals: Sequence[tuple[str, Number]], *, limits: Sequence[int]) -> str:
    """Return the register chart's text alternative: the partnerships in each band, healthiest first."""
    counts = _count_by_band(totals, limits)
    noun = "partnership" if len(totals) == 1 else "partnerships"
    parts = [f"Register health: {len(totals)} active {noun} by latest total ({limits[0]} to {limits[-1]})."]
    for band in reversed(range(len(limits))):
        count = counts[band]
        parts.append(f"{_band_words(band, limits)[1]}: {count} partnership{'' if count == 1 else 's'}.")
    return " ".join(parts)


# --- Priority map -------------------------------------------------------------------------------------------

# One colour and one marker shape per quadrant, so the map reads in greyscale too; the candidates for review or
# withdrawal (low value, poor health) are the vermilion triangles.
QUADRANT_STYLES: dict[str, tuple[str, str]] = {
    "high_value_good_health": ("#08519c", "o"),
    "high_value_poor_health": ("#9E6A00", "s"),
    "low_value_good_health": ("#00805C", "D"),
    "low_value_poor_health": ("#D55E00", "^"),
}


def priority_map(
    points: Sequence[tuple[str, int, Number, str]],
    *,
    value_max: int,
    high_value_from: int,
    lowest_total: int,
    highest_total: int,
    poor_health_up_to: int,
    fmt: Fmt = "svg",
    dpi: int = 150,
) -> bytes:
    """Return the priority map as a scatter chart, SVG or PNG bytes.

    ``points`` are (label, strategic value 0..``value_max``, latest total, quadrant code). Strategic value runs
    left to right, health bottom to top over the instrument's total range; dashed lines divide high from low
    value (between ``high_value_from`` - 1 and ``high_value_from``) and poor from good health (above
    ``poor_health_up_to``). The text alternative is ``priority_map_alt_text``.
    """
    _check_fmt(fmt)
    fig = Figure(figsize=(6.5, 4.6), layout="constrained")
    ax = fig.add_subplot()
    value_line = high_value_from - 0.5
    health_line = poor_health_up_to + 0.5
    ax.axvline(value_line, color=_GRID, linestyle="--", linewidth=1)
    ax.axhline(health_line, color=_GRID, linestyle="--", linewidth=1)
    for label, value, total, code in points:
        colour, marker = QUADRANT_STYLES.get(code, (_INK, "o"))
        ax.scatter([value], [float(total)], s=55, color=colour, marker=marker, edgecolors=_INK, linewidths=0.7)
        ax.annotate(
            _plain(label),
            (value, float(total)),
            xytext=(6, 4),
            textcoords="offset points",
            fontsize=8,
            color=_INK,
        )
    span = highest_total - lowest_total
    corners = (
        (value_max + 0.4, highest_total + span * 0.04, "High value, good health", "right", "top"),
        (value_max + 0.4, lowest_total - span * 0.02, "High value, poor health", "right", "bottom"),
        (-0.4, highest_total + span * 0.04, "Low value, good health", "left", "top"),
        (-0.4, lowest_total - span * 0.02, "Low value, poor health:\nreview or withdraw?", "left", "bottom"),
    )
    for x, y, text, ha, va in corners:
        ax.text(x, y, text, ha=ha, va=va, fontsize=8, color=_GRID, style="italic")
    ax.set_xlim(-0.5, value_max + 0.5)
    ax.set_ylim(lowest_total - span * 0.05, highest_total + span * 0.05)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.tick_params(labelsize=9)
    ax.set_xlabel(f"Strategic value (0 to {value_max}: alignment to council priorities and resources)", fontsize=10)
    ax.set_ylabel(f"Health: latest total ({lowest_total} to {highest_total})", fontsize=10)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _render(fig, fmt, dpi)


def priority_map_alt_text(
    points: Sequence[tuple[str, int, Number, str]], *, value_max: int, quadrant_labels: Mapping[str, str]
) -> str:
    """Return the priority map's text alternative: how many partnerships in each quadrant, and which."""
    noun = "partnership" if len(points) == 1 else "partnerships"
    parts = [f"Priority map of {len(points)} significant {noun}: strategic value (0 to {value_max}) against health."]
    for code, label in quadrant_labels.items():
        names = [
            f"{name} (value {value}, total {_format_score(float(total))})"
            for name, value, total, c in points
            if c == code
        ]
        parts.append(f"{label}: {len(names)}{': ' + '; '.join(names) if names else ''}.")
    return " ".join(parts)


# --- Where partners differ ----------------------------------------------------------------------------------

# Each group a colour (every one 3:1 or more against white) and a marker shape, so groups differ in greyscale.
GROUP_MARKERS: tuple[str, ...] = ("o", "s", "^", "D", "v", "P", "X", "h")
_OVERALL_MARKER = "|"


def _check_group_means(
    groups: Sequence[tuple[str, Sequence[Number | None]]],
    overall: Sequence[Number | None],
    labels: Sequence[str],
    limits: Sequence[int],
) -> None:
    _check_limits(limits)
    _check_count(overall, "overall", len(labels))
    for name, means in groups:
        _check_count(means, f"the means of {name}", len(labels))


def group_means(
    groups: Sequence[tuple[str, Sequence[Number | None]]],
    overall: Sequence[Number | None],
    labels: Sequence[str],
    fmt: Fmt = "svg",
    *,
    limits: Sequence[int],
    dimension: str = "organisation",
    dpi: int = 150,
) -> bytes:
    """Return each group's mean per principle beside the whole partnership's, as a dot chart (SVG or PNG bytes).

    One row per principle (the first on top), the x axis over the ring ``limits`` (6..24 on the PAT) with the
    band limits as faint lines; the partnership's mean is a black bar, each group (an organisation or level,
    ``dimension``) a coloured marker of its own shape, so a group far from the bar differs from the
    partnership. ``groups`` are (name, one mean or None per principle). The text alternative is
    ``group_means_alt_text``.
    """
    _check_fmt(fmt)
    _check_group_means(groups, overall, labels, limits)
    fig = Figure(figsize=(6.5, 1.4 + 0.62 * len(labels)), layout="constrained")
    ax = fig.add_subplot()
    for limit in limits:
        ax.axvline(limit, color=_GRID, linewidth=0.7, linestyle=(0, (3, 3)), zorder=0)
    ys = list(range(len(labels)))
    step = min(0.14, 0.7 / max(len(groups), 1))
    for index, (name, means) in enumerate(groups):
        offset = (index - (len(groups) - 1) / 2) * step
        points = [
            (float(one_decimal(_check_score(m, limits))), y + offset)
            for m, y in zip(means, ys, strict=True)
            if m is not None
        ]
        ax.plot(
            [x for x, _ in points],
            [y for _, y in points],
            linestyle="none",
            color=PRINCIPLE_COLOURS[index % len(PRINCIPLE_COLOURS)],
            marker=GROUP_MARKERS[index % len(GROUP_MARKERS)],
            markersize=7,
            markeredgecolor=_INK,
            markeredgewidth=0.6,
            label=_plain(name),
            zorder=3,
        )
    whole = [
        (float(one_decimal(_check_score(m, limits))), y) for m, y in zip(overall, ys, strict=True) if m is not None
    ]
    ax.plot(
        [x for x, _ in whole],
        [y for _, y in whole],
        linestyle="none",
        color=_INK,
        marker=_OVERALL_MARKER,
        markersize=22,
        markeredgewidth=2.4,
        label="Whole partnership",
        zorder=2,
    )
    ax.set_yticks(ys, [_plain(_principle_label(n + 1, labels[n])) for n in ys], fontsize=9.5)
    ax.set_ylim(len(ys) - 0.5, -0.5)
    ax.set_xlim(limits[0] - 0.8, limits[-1] + 0.8)
    ax.set_xticks(list(limits), [str(limit) for limit in limits], fontsize=9.5)
    ax.set_xlabel(f"Mean score by {dimension} ({limits[0]} to {limits[-1]})", fontsize=10, color=_INK)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    return _render(fig, fmt, dpi)


def group_means_alt_text(
    groups: Sequence[tuple[str, Sequence[Number | None]]],
    overall: Sequence[Number | None],
    labels: Sequence[str],
    *,
    limits: Sequence[int],
    dimension: str = "organisation",
) -> str:
    """Return the group chart's text alternative: per principle, the partnership's mean and each group's."""
    _check_group_means(groups, overall, labels, limits)

    def value(mean: Number | None) -> str:
        return "n/a" if mean is None else _format_score(float(mean))

    parts = [f"Mean score per principle ({limits[0]} to {limits[-1]}) by {dimension}, beside the whole partnership's."]
    for n, label in enumerate(labels):
        by_group = "; ".join(f"{name} {value(means[n])}" for name, means in groups)
        parts.append(f"{_principle_label(n + 1, label)}: partnership {value(overall[n])}; {by_group}.")
    return " ".join(parts)
