"""When reminders may go: the rule, as plain values (no ORM), so it is tested without a database.

A round of reminders soon after another annoys the people it goes to and teaches them to ignore the next one,
so a facilitator may send one round of reminders per interval (the setting ``PHC_REMINDER_INTERVAL_HOURS``).
One person's link can always be sent again on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta


def next_reminder_at(last_sent: datetime | None, interval: timedelta) -> datetime | None:
    """Return when the next round of reminders may go: ``interval`` after the last; None if none went yet."""
    return None if last_sent is None else last_sent + interval


def reminder_allowed(last_sent: datetime | None, now: datetime, interval: timedelta) -> bool:
    """Return True when a round of reminders may go at ``now`` (the interval since the last has passed)."""
    earliest = next_reminder_at(last_sent, interval)
    return earliest is None or now >= earliest
