"""What the assessments app announces to the apps built on it (which it does not import)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent once a round's close is committed, with ``round_id``: the results app prepares its results then.
round_closed = Signal()

# Sent in the submitting transaction when the respondent asked for a receipt, with ``invitation`` (submitted):
# the receipt says the invitation was answered, and nothing about the response.
receipt_asked = Signal()
