"""The pure rules of the notifications: periods, windows and finding a person by the name the register uses."""

from __future__ import annotations

from datetime import date

from notifications.schedule import Person, due_by, people_by_name, person_named, response_rate, week_period

ANN = Person(1, "ann", "Ann Lee", "ann.lee@council.example")
BOB = Person(2, "bob", "Bob Stone", "bob@council.example")
BOB_TOO = Person(3, "bstone", "Bob Stone", "b.stone@council.example")


def test_a_week_is_its_iso_week_across_the_new_year():
    assert week_period(date(2026, 12, 2)) == "2026-W49"
    # Monday to Sunday: one period.
    assert week_period(date(2026, 11, 30)) == week_period(date(2026, 12, 6))
    assert week_period(date(2026, 12, 7)) == "2026-W50"
    # 1 January 2027 is a Friday of 2026's last ISO week.
    assert week_period(date(2027, 1, 1)) == "2026-W53"


def test_due_by_counts_days_ahead():
    assert due_by(date(2026, 12, 30), 3) == date(2027, 1, 2)


def test_response_rate_in_words():
    assert response_rate(4, 10) == "4 of 10 people have responded (40%)."
    assert response_rate(0, 0) == "Nobody is invited yet."


def test_a_person_is_found_by_name_username_or_email_whatever_the_case_and_spacing():
    index = people_by_name([ANN, BOB])
    assert person_named("Ann Lee", index) == ANN
    assert person_named("  ann   LEE ", index) == ANN
    assert person_named("ANN.LEE@council.example", index) == ANN
    assert person_named("bob", index) == BOB
    assert person_named("Board", index) is None
    assert person_named("", index) is None


def test_a_name_two_people_share_finds_nobody():
    index = people_by_name([ANN, BOB, BOB_TOO])
    assert person_named("Bob Stone", index) is None
    assert person_named("bstone", index) == BOB_TOO
