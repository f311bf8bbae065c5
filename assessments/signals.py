"""Signals the assessments app sends, so that apps above it (results) can react without being imported here."""

from __future__ import annotations

from django.dispatch import Signal

#: Sent once a round's close has been committed, with ``round_id``.
round_closed = Signal()
