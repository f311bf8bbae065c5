"""The register's health: the chart's numbers as a table, healthiest band first (issue 18, narrow screens)."""

from __future__ import annotations

from reports.charts import register_health_alt_text, register_health_rows

LIMITS = [36, 72, 108, 144]


def test_the_table_counts_each_band_like_the_chart_healthiest_first():
    totals = [("A", 120.0), ("B", 108.5), ("C", 108.4), ("D", 72.5), ("E", 36.0)]
    rows = register_health_rows(totals, limits=LIMITS)
    # Rounded half up like the bands: 108.5 is 109, in the top band, 108.4 is 108; 72.5 is 73.
    assert rows == [("109–144", 2, 40), ("73–108", 2, 40), ("37–72", 0, 0), ("36", 1, 20)]
    assert "109 to 144: 2 partnerships" in register_health_alt_text(totals, limits=LIMITS)


def test_an_empty_register_has_no_shares_to_divide():
    assert register_health_rows([], limits=LIMITS) == [
        ("109–144", 0, 0),
        ("73–108", 0, 0),
        ("37–72", 0, 0),
        ("36", 0, 0),
    ]
