"""An instrument of another shape goes through the whole chain by the same code as the PAT.

The test instrument (assessments/tests/instruments/four_sections_0_to_3.json) has 4 sections of 5 statements
answered on a 0-3 scale, significance on 1-3, and its own bands: 0, 1-5, 6-10, 11-15 per section and 0, 1-20,
21-40, 41-60 for the total. Three respondents answer every sheet through the respondent's pages; the round is
closed; the results page, workshop, CSV and JSON exports and the dartboard (four segments) follow its shape.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any, cast

import pytest
from django.urls import reverse

from assessments import selectors, services
from assessments.instruments import load_instrument, read_instrument_file
from assessments.models import GroupTally, Instrument, Response, ResponseStatus, Round
from assessments.tests.factories import InvitationFactory, RoundFactory, UserFactory
from config.roles import MANAGER
from results.selectors import round_results

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parent.parent / "assessments" / "tests" / "instruments" / "four_sections_0_to_3.json"

# Per respondent: the 20 answers (section by section), significance of the 4 sections, success (0 is on this scale).
ANSWERS = {
    "Ann": ([3, 3, 3, 3, 3] + [2, 2, 2, 2, 2] + [0, 0, 0, 0, 0] + [3, 2, 1, 0, 3], [3, 2, 1, 3], 0),
    "Bob": ([3, 3, 3, 3, 2] + [2, 2, 2, 2, 1] + [0, 0, 0, 0, 1] + [3, 2, 1, 0, 2], [3, 3, 1, 2], 2),
    "Cat": ([3, 3, 3, 2, 2] + [2, 2, 2, 1, 1] + [0, 0, 0, 1, 1] + [0, 0, 0, 0, 0], [2, 2, 2, 2], 3),
}
# Section scores: Ann 15, 10, 0, 9 (34); Bob 14, 9, 1, 8 (32); Cat 13, 8, 2, 0 (23).


@pytest.fixture
def instrument() -> Instrument:
    return Instrument.objects.filter(slug="test-four-by-five").first() or load_instrument(read_instrument_file(FILE))


def test_the_read_model_takes_its_shape_from_the_file(instrument: Instrument) -> None:
    structure = selectors.instrument_structure(instrument)
    assert structure.principle_count == 4 and structure.statements_per_principle == 5
    assert [s.code for s in structure.principle(4).statements] == ["4A", "4B", "4C", "4D", "4E"]
    assert structure.answer_scale.values == (0, 1, 2, 3)
    assert (structure.principle_min, structure.principle_max, structure.total_min, structure.total_max) == (
        0,
        15,
        0,
        60,
    )
    assert structure.ring_limits == (0, 5, 10, 15) and structure.total_limits == (0, 20, 40, 60)
    rules = structure.scenario_rules
    assert (rules.total_c_max, rules.weak_max, rules.significant_min, rules.total_a_min, rules.strong_min) == (
        20,
        5,
        3,
        41,
        6,
    )
    assert selectors.journey_steps(structure).count == 6


def answer_through_the_pages(
    client: Any, invitation: Any, answers: list[int], significance: list[int], success: int, anonymous: bool = False
) -> None:
    structure = selectors.instrument_structure(invitation.round.instrument)
    token = invitation.token
    page = client.get(reverse("assessments:respond", args=[token]))
    text = page.content.decode()
    assert "There are 6 steps" in text and "For each statement of steps 1 to 4" in text
    assert "fully agree, partly agree, partly disagree or fully disagree" in text
    assert "Five statements, each answered from fully agree to fully disagree" in text
    values = iter(answers)
    for principle in structure.principles:
        url = reverse("assessments:respond_principle", args=[token, principle.number])
        sheet = client.get(url).content.decode()
        assert f"Step {principle.number} of 6" in sheet and sheet.count('type="radio"') == 5 * 4
        data = {"action": "next"}
        for statement in principle.statements:
            data[f"answer_{statement.id}"] = str(next(values))
            data[f"comment_{statement.id}"] = "Zero here" if statement.code == "3A" else ""
        assert client.post(url, data).status_code == 302
    assert client.get(reverse("assessments:respond_principle", args=[token, 5])).status_code == 404
    significance_url = reverse("assessments:respond_significance", args=[token])
    assert "The significance of the four principles" in client.get(significance_url).content.decode()
    page = client.post(significance_url, {f"significance_{n}": str(v) for n, v in enumerate(significance, 1)})
    assert page.status_code == 302
    page = client.post(reverse("assessments:respond_success", args=[token]), {"success": str(success)})
    assert page.status_code == 302
    review = client.get(reverse("assessments:respond_review", args=[token])).content.decode()
    assert "Back to step 6" in review and "Not answered" not in review
    page = client.post(reverse("assessments:respond_review", args=[token]))
    if anonymous:  # the respondent's own profile, shown once in the answer to the submit
        assert page.status_code == 200 and "Each principle scores from 0 to 15" in page.content.decode()
    else:
        assert page.status_code == 302 and page["Location"] == reverse("assessments:respond_thanks", args=[token])


def test_a_four_section_instrument_goes_through_the_whole_chain(client: Any, instrument: Instrument) -> None:
    round_ = cast(Round, RoundFactory(instrument=instrument, anonymous=False, title="Self-assessment 2026"))
    for name, (answers, significance, success) in ANSWERS.items():
        invitation = InvitationFactory(round=round_, name=name, organisation="Council")
        answer_through_the_pages(client, invitation, answers, significance, success)

    # Scored on submit by the pure core with this instrument's shape.
    scores = {
        (r.invitation.name if r.invitation else ""): (r.principle_scores, r.total)
        for r in Response.objects.filter(round=round_, status=ResponseStatus.SUBMITTED).select_related("invitation")
    }
    assert scores == {"Ann": ([15, 10, 0, 9], 34), "Bob": ([14, 9, 1, 8], 32), "Cat": ([13, 8, 2, 0], 23)}
    thanks = client.get(reverse("assessments:respond_thanks", args=[invitation.token])).content.decode()  # type: ignore[attr-defined]
    assert "Each principle scores from 0 to 15" in thanks and "runs from 0 to 60" in thanks
    assert "Dartboard of four principles, each scored 0 to 15" in thanks

    services.round_close(round_)
    client.force_login(UserFactory(roles=[MANAGER]))

    page = client.get(reverse("results:results", args=[round_.pk])).content.decode()
    assert "out of 60 (mean total)" in page and "The four principles" in page
    assert "Fully agree" in page and "Strongly agree" not in page
    assert "Dartboard of four principles, each scored 0 to 15" in page
    assert "Resources: weak" in page  # the mean 1.0 bands as 1-5

    results = round_results(round_)
    assert results.summary is not None
    assert [row.aggregate.mean for row in results.principles] == [14.0, 9.0, 1.0, 5.7]
    assert results.summary.total.mean == 29.7 and results.summary.total.band.label == "21-40"
    # Not C: only principle 3 has a mean of 5 or below (weak_max, read off the band 1-5; 5.7 rounds to 6), the
    # mean total 29.7 is above 20. Not A: principle 4's views conflict (0 and 8-9 are three bands apart).
    assert results.summary.scenario.code == "B"
    assert results.principles[3].aggregate.agreement == "conflict"
    assert results.success_distribution == {3: 1, 2: 1, 1: 0, 0: 1}

    workshop = reverse("results:workshop", args=[round_.pk])
    assert "screen 1 of 6" in client.get(workshop).content.decode()
    assert "Principle 4: Section 4: Learning" in client.get(f"{workshop}?screen=4").content.decode()
    assert "Priorities and scenario" in client.get(f"{workshop}?screen=5").content.decode()

    rows = list(
        csv.reader(io.StringIO(client.get(reverse("results:responses_csv", args=[round_.pk])).content.decode()))
    )
    header = rows[0]
    assert header[3:5] == ["P1A", "P1B"] and "P4E" in header and "P5A" not in header
    assert header[header.index("P4E") + 1 : header.index("P4E") + 6] == ["S1", "S2", "S3", "S4", "success"]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Ann"][3:23] == [str(v) for v in ANSWERS["Ann"][0]]
    assert by_name["Ann"][header.index("success")] == "0"
    assert by_name["Ann"][header.index("P3A_comment")] == "Zero here"

    data = json.loads(client.get(reverse("results:results_json", args=[round_.pk])).content)
    assert [p["number"] for p in data["principles"]] == [1, 2, 3, 4]
    assert data["principles"][0]["band"] == {"min": 11, "max": 15, "text": "Shared purpose: strong"}
    assert data["total"]["band"]["min"] == 21 and data["scenario"]["code"] == "B"
    assert {tuple(r["principles"]) for r in data["respondents"]} == {(15, 10, 0, 9), (14, 9, 1, 8), (13, 8, 2, 0)}

    svg = client.get(reverse("reports:dartboard", args=[round_.pk, "svg"])).content.decode()
    for label in ("1 Shared purpose", "2 Leadership", "3 Resources", "4 Learning"):
        assert label in svg
    for ring in ("1–5", "6–10", "11–15"):
        assert ring in svg


def test_an_anonymous_round_of_this_instrument_is_unlinked_in_its_shape(client: Any, instrument: Instrument) -> None:
    round_ = cast(Round, RoundFactory(instrument=instrument, anonymous=True, title="Anonymous 2026"))
    for name, (answers, significance, success) in ANSWERS.items():
        invitation = InvitationFactory(round=round_, name=name, organisation="Council")
        answer_through_the_pages(client, invitation, answers, significance, success, anonymous=True)

    # Unlinked: no invitation, no times; the 20 answers (0 among them) and 4 scores on the row.
    stored = list(Response.objects.filter(round=round_))
    assert len(stored) == 3 and all(r.invitation_id is None and r.submitted_at is None for r in stored)
    assert sorted(r.answer_values for r in stored) == sorted(a for a, _s, _c in ANSWERS.values())
    assert all(len(r.answer_comments) == 20 for r in stored)
    assert {tuple(r.principle_scores or ()) for r in stored} == {(15, 10, 0, 9), (14, 9, 1, 8), (13, 8, 2, 0)}
    tally = GroupTally.objects.get(round=round_, dimension="organisation", name="Council")
    assert (tally.respondents, tally.principle_sums, tally.total_sum) == (3, [42, 27, 3, 17], 89)

    results = round_results(services.round_close(round_))  # shown once the anonymous round is closed
    assert [row.aggregate.mean for row in results.principles] == [14.0, 9.0, 1.0, 5.7]
    assert [(g.name, g.principle_means) for g in results.by_organisation] == [
        ("Council", {1: 14.0, 2: 9.0, 3: 1.0, 4: 5.7})
    ]
    assert results.success_distribution == {3: 1, 2: 1, 1: 0, 0: 1}


def test_the_method_is_described_from_the_instruments_read_model(client, instrument: Instrument) -> None:
    """The help page and the PDF appendix state the PAT's numbers, and another instrument's own numbers."""
    from django.template.loader import render_to_string  # noqa: PLC0415

    help_page = " ".join(client.get("/help/").content.decode().split())
    for words in (
        "Strongly agree (4), Agree (3), Disagree (2) or Strongly disagree (1)",
        "the sum of its six answers, from 6 to 24",
        "the sum of the six principle scores, from 36 to 144",
        "principles: 19–24, 13–18, 7–12, 6; totals: 109–144, 73–108, 37–72, 36",
        "C when the mean total is 72 or below, or two or more principles have a mean of 12 or below",
        "mean significance 4 or more",
        "A when the mean total is 109 or above, every principle has a mean of 13 or above",
        "mean significance × (24 − mean score)",
        "So a mean total of 108.5 is in the top band and can be scenario A, while 108.4 is not",
        "once all 36 statements, the six significance ratings",
    ):
        assert words in help_page, words

    other = selectors.instrument_structure(instrument)
    appendix = " ".join(render_to_string("reports/pdf/_method.html", {"structure": other}).split())
    for words in (
        "the sum of its five answers, from 0 to 15",
        "the sum of the four principle scores, from 0 to 60",
        "principles: 11–15, 6–10, 1–5, 0; totals: 41–60, 21–40, 1–20, 0",
        "C when the mean total is 20 or below",
        "once all 20 statements, the four significance ratings",
    ):
        assert words in appendix, words
    assert "144" not in appendix and "36 statements" not in appendix


def test_the_invitation_email_describes_the_rounds_own_instrument(instrument: Instrument) -> None:
    from assessments.emails import render_email  # noqa: PLC0415

    pat_round = RoundFactory()
    other_round = RoundFactory(instrument=instrument)
    pat = render_email(pat_round, "invitation", name="Ann", link="https://example.org/x").body
    other = render_email(other_round, "invitation", name="Ann", link="https://example.org/x").body
    assert "Partnership Assessment Tool: 36 short statements" in pat and "its six principles" in pat
    # Nothing of the PAT's shape (the partnership's generated name may hold any number, "Partnership 0036").
    assert "20 short statements" in other and "its four principles" in other
    assert "36 short statements" not in other and "six principles" not in other
