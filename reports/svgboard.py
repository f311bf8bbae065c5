"""The profile dartboard written as SVG text: the same board as ``charts.dartboard`` draws without marks, an
earlier round or a title, a few hundred times faster (docs/performance.md, point 7).

The anonymous thank-you page draws the respondent's own board in the answer to the submit, and may not cache it
(a cache row written as each person submits would hold their scores in submission order). matplotlib took most of
that request (about 55 ms a board); this module writes the few shapes of a profile board directly, from the
geometry and colours of ``reports.charts``, so every profile looks like the matplotlib board: one wedge per
principle filled to its score in its band's colour (the lowest band hatched), dark outlines (WCAG 2.2, 1.4.11),
ring circles and spokes over the fills, the ring limits on the 12 o'clock spoke, a score in a white box per
segment, the principles' labels outside the rim and the band legend below.

No Django and no matplotlib here: plain numbers in, a string out. Text stays text (``<text>`` elements in the
site's font stack). Nothing of the instrument's shape is written here: segments come from the scores given, rings
from ``limits`` (the instrument's ``ring_limits``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import textwrap
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

from reports.charts import (
    _GRID,
    _HATCH_COLOUR,
    _INK,
    _RING,
    LOWEST_BAND_HATCH,
    Number,
    _band_words,
    _check_count,
    _check_limits,
    _format_score,
    _principle_label,
    _score_box_centre,
    _xy,
    band_colours,
    radius_for_score,
    ring_for_score,
    segment_angles,
)

# The renderer's name on the root element (``data-renderer``), so a page can tell which drew its board.
RENDERER = "svgboard"
FONT_FAMILY = 'arial, "Liberation Sans", "Helvetica Neue", helvetica, sans-serif'

# The matplotlib board's scale: a 432 pt (6 inch) wide figure over -1.70..1.70 board units, so the font sizes
# below (its points) sit in the same proportion to the board.
_WIDTH = 432.0
_HALF_WIDTH = 1.70
_UNIT = _WIDTH / (2 * _HALF_WIDTH)
_PAD = 6.0

_LABEL_SIZE = 11.0
_LABEL_LINE = 1.15
_SCORE_SIZE = 11.5
_NA_SIZE = 11.0
_RING_LABEL_SIZE = 9.0
_LEGEND_SIZE = 9.5

# Advance widths of Arial (the site's font) in ems, for laying out text whose width the browser measures only
# later: wide enough for Liberation Sans and Helvetica too, so an estimate errs on the side of room.
_NARROW = set("fijlrt.,:;'!|()[]/ ")
_WIDE = set("mwMW")
_EM_NARROW = 0.30
_EM_WIDE = 0.87
_EM_UPPER = 0.70
_EM_OTHER = 0.57
_BOLD = 1.08


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Return an estimate (on the generous side) of ``text``'s width at font ``size``, in the same units."""
    ems = sum(
        _EM_NARROW if c in _NARROW else _EM_WIDE if c in _WIDE else _EM_UPPER if c.isupper() else _EM_OTHER
        for c in text
    )
    return ems * size * (_BOLD if bold else 1.0)


def _n(value: float) -> str:
    """Return a coordinate with two decimals and no trailing zeros: short and the same on every machine."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _point(x: float, y: float) -> tuple[float, float]:
    """Return board units (y up, rim = 1) as SVG user units (y down), the centre at (_WIDTH / 2, 0)."""
    return _WIDTH / 2 + x * _UNIT, -y * _UNIT


def _wedge_path(radius: float, start: float, end: float) -> str:
    r = radius * _UNIT
    cx, cy = _point(0, 0)
    if end - start >= 360:
        # A whole disc (a one-principle board): two half arcs, as one arc cannot start and end on one point.
        return (
            f"M{_n(cx)} {_n(cy - r)}A{_n(r)} {_n(r)} 0 1 1 {_n(cx)} {_n(cy + r)}"
            f"A{_n(r)} {_n(r)} 0 1 1 {_n(cx)} {_n(cy - r)}Z"
        )
    x0, y0 = _point(*_xy(start, radius))
    x1, y1 = _point(*_xy(end, radius))
    large = 1 if end - start > 180 else 0
    # Compass degrees run clockwise, which is SVG's positive sweep (its y axis points down).
    return f"M{_n(cx)} {_n(cy)}L{_n(x0)} {_n(y0)}A{_n(r)} {_n(r)} 0 {large} 1 {_n(x1)} {_n(y1)}Z"


def _text(x: float, y: float, content: str, size: float, *, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'
    )


def _hatch_pattern(pattern_id: str, background: str) -> str:
    # charts.LOWEST_BAND_HATCH as matplotlib draws it: each "/" is 6 rising lines per 72 units across a 72-unit
    # cell's diagonal, so "////" puts one every 6 units along x; 1 unit wide, in the hatch colour, over the band's
    # own fill.
    step = 24 / LOWEST_BAND_HATCH.count("/")
    s = _n(step)
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="{s}" height="{s}">'
        f'<rect width="{s}" height="{s}" fill="{background}"/>'
        f'<path d="M-1 1L1 -1M0 {s}L{s} 0M{_n(step - 1)} {_n(step + 1)}L{_n(step + 1)} {_n(step - 1)}" '
        f'stroke="{_HATCH_COLOUR}" stroke-width="1"/></pattern>'
    )


def _label_lines(label: str, lx: float, ly: float, ha: str) -> tuple[list[str], float]:
    """Return a principle label's lines and font size: wrapped to the room between the board and the edge."""
    if ha == "middle":
        room = 2 * (_HALF_WIDTH * _UNIT - _PAD)
    else:
        room = (_HALF_WIDTH - abs(lx)) * _UNIT - _PAD
    # Beside the board (3 and 9 o'clock) there is less room across than above or below it, as on charts.dartboard.
    chars = 13 if abs(ly) <= 0.3 else 19
    chars = max(1, min(chars, int(room / (_EM_OTHER * _LABEL_SIZE))))
    # Words stay whole (a broken word reads as two): one too long for the room shrinks the label instead.
    lines = textwrap.wrap(label, width=chars, break_long_words=False) or [label]
    widest = max(text_width(line, _LABEL_SIZE) for line in lines)
    return lines, _LABEL_SIZE * min(1.0, room / widest) if widest else _LABEL_SIZE


def _principle_label_svg(number: int, title: str, segments: int) -> tuple[str, float, float]:
    """Return a label's <text> outside the rim, aligned away from the board, with its top and bottom (SVG y)."""
    start, end = segment_angles(number, segments)
    lx, ly = _xy((start + end) / 2, 1.06)
    ha = "start" if lx > 0.05 else "end" if lx < -0.05 else "middle"
    lines, size = _label_lines(_principle_label(number, title), lx, ly, ha)
    line = size * _LABEL_LINE
    x, y = _point(lx, ly)
    block = line * (len(lines) - 1) + size
    if ly > 0.3:  # above the board: the block's bottom on the anchor
        top = y - block
    elif ly < -0.3:  # below: its top on the anchor
        top = y
    else:
        top = y - block / 2
    # The first baseline sits an ascent (about 0.8 em for Arial) below the block's top.
    first = top + 0.8 * size
    spans = "".join(
        f'<tspan x="{_n(x)}" y="{_n(first + k * line)}">{escape(text)}</tspan>' for k, text in enumerate(lines)
    )
    svg = f'<text font-size="{_n(size)}" text-anchor="{ha}" class="phc-board-label">{spans}</text>'
    return svg, top, top + block + 0.2 * size


def _score_box(x: float, y: float, score: Number | None) -> str:
    if score is None:
        text, size, extra, stroke, width = "n/a", _NA_SIZE, ' font-style="italic"', _GRID, 0.6
        fill_opacity = ""
    else:
        text, size, extra, stroke, width = _format_score(score), _SCORE_SIZE, ' font-weight="bold"', _INK, 0.8
        fill_opacity = ' fill-opacity="0.92"'
    pad = 0.25 * size
    box_width = text_width(text, size, bold=score is not None) + 2 * pad
    box_height = size + 2 * pad
    px, py = _point(x, y)
    return (
        f'<rect x="{_n(px - box_width / 2)}" y="{_n(py - box_height / 2)}" width="{_n(box_width)}" '
        f'height="{_n(box_height)}" rx="{_n(pad)}" fill="white"{fill_opacity} stroke="{stroke}" '
        f'stroke-width="{_n(width)}"/>' + _text(px, py + 0.36 * size, text, size, extra=extra)
    )


def _legend(colours: Sequence[str], limits: Sequence[int], hatch_fill: str, top: float) -> tuple[str, float]:
    """Return the "Score band" legend below ``top`` (centred rows of swatches, wrapped to the width) and its
    bottom."""
    size = _LEGEND_SIZE
    swatch_w, swatch_h, gap, spacing = 1.6 * size, 0.7 * size, 0.5 * size, 1.0 * size
    items = [(hatch_fill if band == 0 else colour, _band_words(band, limits)[0]) for band, colour in enumerate(colours)]
    widths = [swatch_w + gap + text_width(label, size) for _, label in items]
    rows: list[list[int]] = [[]]
    room = _WIDTH - 2 * _PAD
    used = 0.0
    for index, width in enumerate(widths):
        if rows[-1] and used + spacing + width > room:
            rows.append([])
            used = 0.0
        used += (spacing if rows[-1] else 0.0) + width
        rows[-1].append(index)
    parts = [_text(_WIDTH / 2, top + 0.8 * size, "Score band", size)]
    y = top + 1.5 * size
    for row in rows:
        x = _WIDTH / 2 - (sum(widths[i] for i in row) + spacing * (len(row) - 1)) / 2
        for index in row:
            fill, label = items[index]
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y + (size - swatch_h) / 2)}" width="{_n(swatch_w)}" '
                f'height="{_n(swatch_h)}" fill="{fill}" stroke="{_INK}" stroke-width="0.8"/>'
            )
            parts.append(_text(x + swatch_w + gap, y + 0.82 * size, label, size, anchor="start"))
            x += widths[index] + spacing
        y += 1.4 * size
    return '<g class="phc-board-legend">' + "".join(parts) + "</g>", y


@functools.lru_cache(maxsize=32)
def _score_box_centres(segments: int, limits: tuple[int, ...]) -> tuple[tuple[float, float], ...]:
    """Return where each segment's score box goes, as charts.dartboard places them on a board without marks: clear
    of the ring limits (weighted threefold there too). The search is most of a board's time and depends on the
    instrument's shape alone (never on anyone's scores), so it is done once per shape and process."""
    obstacles = [(0.0, radius_for_score(limit, limits)) for limit in limits] * 3
    return tuple(_score_box_centre(number, obstacles, [], segments) for number in range(1, segments + 1))


def profile_dartboard_svg(
    scores: Sequence[Number | None],
    labels: Sequence[str],
    *,
    limits: Sequence[int],
    id_prefix: str = "",
) -> str:
    """Return the profile dartboard of ``scores`` as an SVG document (a string, no XML declaration).

    One segment per score, filled from the centre out to it in its band's colour (the lowest band hatched); None
    leaves the segment empty, written "n/a". Integers are written "16", means "16.0". ``labels`` are the
    principles' short titles, written outside the rim as "1 Need for partnership"; ``limits`` the rings (the
    instrument's ``ring_limits``). The board of ``charts.dartboard`` without marks, outline or title; its text
    alternative is ``charts.dartboard_alt_text`` with the same arguments. ``id_prefix`` starts the ids inside
    (the hatch pattern); by default a hash of the arguments, so that two different boards on one page do not
    share an id. Raises ValueError for a score outside the limits or a label count unlike the score count.
    """
    _check_limits(limits)
    segments = len(scores)
    if segments < 1:
        raise ValueError("A dartboard needs at least one principle.")
    _check_count(labels, "labels", segments)
    bands = [None if score is None else ring_for_score(score, limits) for score in scores]
    colours = band_colours(len(limits))
    if not id_prefix:
        digest = hashlib.sha256(
            json.dumps([[None if s is None else float(s) for s in scores], list(labels), list(limits)]).encode()
        ).hexdigest()
        id_prefix = f"phc-board-{digest[:12]}"
    hatch_id = f"{id_prefix}-hatch"
    hatch_fill = f"url(#{hatch_id})"

    wedges = []
    for index, (score, band) in enumerate(zip(scores, bands, strict=True)):
        if score is None or band is None:
            continue
        start, end = segment_angles(index + 1, segments)
        fill = hatch_fill if band == 0 else colours[band]
        wedges.append(
            f'<path d="{_wedge_path(radius_for_score(score, limits), start, end)}" fill="{fill}" '
            f'stroke="{_INK}" stroke-width="1" stroke-linejoin="miter"/>'
        )

    cx, cy = _point(0, 0)
    rings = []
    for limit in limits:
        rim = limit == limits[-1]
        rings.append(
            f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(radius_for_score(limit, limits) * _UNIT)}" fill="none" '
            f'stroke="{_INK if rim else _RING}" stroke-width="{1.6 if rim else 0.8}"/>'
        )
    for index in range(segments if segments > 1 else 0):
        x, y = _point(*_xy(index * 360.0 / segments, 1.0))
        rings.append(f'<path d="M{_n(cx)} {_n(cy)}L{_n(x)} {_n(y)}" stroke="{_INK}" stroke-width="1.2"/>')

    # The ring limits, on the 12 o'clock spoke, each on a white backing.
    ring_labels = []
    for limit in limits:
        text = str(limit)
        x, y = _point(0, radius_for_score(limit, limits))
        pad = 0.15 * _RING_LABEL_SIZE
        width = text_width(text, _RING_LABEL_SIZE) + 2 * pad
        height = _RING_LABEL_SIZE + 2 * pad
        ring_labels.append(
            f'<rect x="{_n(x - width / 2)}" y="{_n(y - height / 2)}" width="{_n(width)}" height="{_n(height)}" '
            f'rx="{_n(pad)}" fill="white"/>' + _text(x, y + 0.36 * _RING_LABEL_SIZE, text, _RING_LABEL_SIZE)
        )

    centres = _score_box_centres(segments, tuple(limits))
    boxes = [_score_box(*centre, score) for centre, score in zip(centres, scores, strict=True)]

    label_parts = [_principle_label_svg(index + 1, title, segments) for index, title in enumerate(labels)]
    top = min([-_UNIT - 1.0] + [part[1] for part in label_parts]) - _PAD
    board_bottom = max([_UNIT + 1.0] + [part[2] for part in label_parts])
    legend, bottom = _legend(colours, limits, hatch_fill, board_bottom + 1.2 * _LEGEND_SIZE)
    height = bottom + _PAD - top

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 {_n(top)} {_n(_WIDTH)} {_n(height)}" '
        f'width="{_n(_WIDTH)}pt" height="{_n(height)}pt" data-renderer="{RENDERER}" class="phc-board" '
        f'font-family={quoteattr(FONT_FAMILY)} fill="{_INK}">'
        f"<defs>{_hatch_pattern(hatch_id, colours[0])}</defs>"
        f'<g class="phc-board-fills">{"".join(wedges)}</g>'
        f'<g class="phc-board-grid">{"".join(rings)}</g>'
        f'<g class="phc-board-rings">{"".join(ring_labels)}</g>'
        f'<g class="phc-board-scores">{"".join(boxes)}</g>'
        f'<g class="phc-board-labels">{"".join(part[0] for part in label_parts)}</g>'
        f"{legend}</svg>"
    )
