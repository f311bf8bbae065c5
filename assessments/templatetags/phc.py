"""Small template filters for showing results."""

from __future__ import annotations

from django import template

from partnerships.money import pounds as _pounds

register = template.Library()


@register.simple_tag
def exit_outstanding(partnership):
    """Return what is still open before a partnership's exit is completed (its actions, rounds, review)."""
    from assessments.selectors import exit_outstanding as outstanding  # noqa: PLC0415 (tags load before models)

    return outstanding(partnership)


@register.filter
def get(mapping, key):
    """Return mapping[key], or the attribute ``key``, or None."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return getattr(mapping, str(key), None)


@register.filter
def signed(value) -> str:
    """Return a change with its sign: +1.2, -0.4, 0.0; an en dash when there is none."""
    if value is None:
        return "–"
    return f"{value:+.1f}" if value else "0.0"


@register.filter
def one_decimal(value) -> str:
    """Return a number to one decimal place, or an en dash."""
    if value is None:
        return "–"
    return f"{value:.1f}"


@register.filter
def percent(count, total) -> str:
    """Return count as a whole percentage of total."""
    return f"{round(100 * count / total)}%" if total else "–"


@register.filter
def pounds(value) -> str:
    """Return an amount of money as whole pounds ("£25,000"), as everywhere else."""
    return _pounds(value)


@register.simple_tag
def method_structure(structure=None):
    """Return ``structure`` (a round's instrument read model), or the default instrument's when there is none.

    The method appendix and the help page describe the instrument from its read model, never from typed numbers.
    """
    if structure:
        return structure
    from assessments.selectors import default_structure  # noqa: PLC0415 (tags load before models)

    return default_structure()


@register.filter
def band_ranges(bands) -> str:
    """Return bands highest first as "19–24, 13–18, 7–12, 6" (a band of one score as the score alone)."""
    return ", ".join(str(b.min) if b.min == b.max else f"{b.min}–{b.max}" for b in sorted(bands, key=lambda b: -b.min))


@register.filter
def scale_words(options) -> str:
    """Return an answer scale as "Strongly agree (4), Agree (3), Disagree (2) or Strongly disagree (1)"."""
    parts = [f"{o.label} ({o.value})" for o in options]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
