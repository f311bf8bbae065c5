"""Invitations' organisations are the partnership's partners, and small groups are named before sending."""

from __future__ import annotations

from assessments.partners import groups_below_minimum, match_organisation

PARTNERS = ["Demoshire Police", "Demo District Council"]


def test_an_organisation_is_matched_to_the_partner_as_the_register_spells_it():
    assert match_organisation("  demoshire   POLICE ", PARTNERS) == "Demoshire Police"
    assert match_organisation("other", PARTNERS) == "Other"
    assert match_organisation("Police", PARTNERS) is None
    assert match_organisation("", PARTNERS) is None


def test_groups_below_the_minimum_are_named_with_how_many_more_to_invite():
    invited = [("Demoshire Police", "front_line")] * 2 + [("Demo District Council", "front_line")] * 3
    invited += [("Other", "senior")]
    small = groups_below_minimum(invited, 3, {"senior": "Senior or middle management", "front_line": "Front line"})
    assert [s.message for s in small] == [
        "Demoshire Police: 2 invited; invite at least 3 to compare their views (1 more).",
        "Senior or middle management: 1 invited; invite at least 3 to compare their views (2 more).",
    ]
