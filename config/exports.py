"""Shared helpers for the CSV exports."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return the value as CSV text that a spreadsheet shows as typed, never runs as a formula.

    A cell starting (after any spaces) with = + - @ | or a tab or carriage return is prefixed with an apostrophe
    (CSV injection); numbers are written as they are.
    """
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.lstrip(" ")[:1] in FORMULA_STARTS or text[:1] in ("\t", "\r") else text
