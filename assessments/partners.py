"""Which partner organisation an invitation belongs to, and which groups are too small to compare.

Pure functions: an invitation's organisation is one of the partnership's partner organisations, spelt exactly as
the register spells it, or "Other" for people outside them, so one partner can never become two groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from assessments.scoring import OTHER_GROUP


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def match_organisation(typed: str, partner_names: Sequence[str]) -> str | None:
    """Return the partner organisation ``typed`` names (any case or spacing) as the register spells it,
    "Other" for "other", or None when it names neither."""
    wanted = _key(typed)
    if not wanted:
        return None
    if wanted == _key(OTHER_GROUP):
        return OTHER_GROUP
    for name in partner_names:
        if _key(name) == wanted:
            return name
    return None


@dataclass(frozen=True)
class SmallGroup:
    kind: str  # "organisation" or "level"
    name: str
    invited: int
    needed: int

    @property
    def message(self) -> str:
        more = self.needed - self.invited
        return (
            f"{self.name}: {self.invited} invited; invite at least {self.needed} to compare their views ({more} more)."
        )


def groups_below_minimum(
    invited: Iterable[tuple[str, str]], min_group_size: int, level_labels: Mapping[str, str]
) -> list[SmallGroup]:
    """Return the organisations, then the levels, with fewer than ``min_group_size`` people invited (by name),
    whose views therefore cannot be shown separately. ``invited`` holds (organisation, level) per person;
    "Other" is never a group of its own to compare."""
    rows = list(invited)
    small: list[SmallGroup] = []
    for kind, counts in (
        ("organisation", Counter(org for org, _ in rows if org and org != OTHER_GROUP)),
        ("level", Counter(level for _, level in rows if level)),
    ):
        for name in sorted(counts):
            if counts[name] < min_group_size:
                label = level_labels.get(name, name) if kind == "level" else name
                small.append(SmallGroup(kind, label, counts[name], min_group_size))
    return small
