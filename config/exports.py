"""Shared helpers for downloads: CSV cells and the Content-Disposition header."""

from __future__ import annotations

from typing import cast

from django.utils.http import content_disposition_header

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


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """Return the Content-Disposition header of a download named ``filename``: "attachment" (saved) or "inline"
    (shown in the browser), the name quoted and, when it is not ASCII, encoded by Django."""
    # Django returns None only for an inline response without a file name, which never happens here.
    return cast(str, content_disposition_header(attachment, filename))
