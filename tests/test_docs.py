"""Issue 16, point 13: the product's rules are in the repository, where the README points."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_points_to_docs_in_the_repository_and_never_outside_it() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme and "SPEC.md" not in readme
    for link in re.findall(r"\]\((docs/[^)]+)\)", readme):
        assert (ROOT / link).is_file(), link
    assert "docs/rules.md" in readme


def test_the_rules_state_the_decisions_the_help_page_states() -> None:
    rules = (ROOT / "docs" / "rules.md").read_text()
    for decision in (
        "rounded half up",
        "108.5",
        "at least two people are on each side",
        "actually closed",
        "with evidence",
        "byte-order mark",
        "£25,000",
    ):
        assert decision in rules, decision
