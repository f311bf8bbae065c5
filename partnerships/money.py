"""How money is shown: whole pounds with thousands separators, the same on every page, export and history."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def pounds(value: Decimal | int | float | str | None) -> str:
    """Return ``value`` as whole pounds, e.g. "£25,000" (pence rounded half up); an em dash when empty."""
    if value is None or value == "":
        return "—"
    amount = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"£{amount:,}"
