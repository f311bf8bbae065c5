"""Signals of the assessments app, for the apps above it (results, reports) to act on without being imported."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by ``services.round_close`` inside its transaction, with ``round_``: the round just closed.
round_closed = Signal()
