"""What the assessments app announces to the apps built on it (which it does not import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a round's close is committed, with ``round_id``: the results app prepares its results then.
round_closed = Signal()
