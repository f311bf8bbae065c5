"""What the register announces to the apps built on it (which it does not import).

Sent inside the service's transaction, so that whatever a receiver writes (an email queued in the outbox) is
saved with the change it reports, or not at all.
"""

from __future__ import annotations

from django.dispatch import Signal

# A gateway was submitted for a manager's decision, with ``review`` (a GatewayReview, status submitted).
gateway_submitted = Signal()
# A manager approved or returned a gateway, with ``review`` (status approved or returned, and the reason).
gateway_decided = Signal()
