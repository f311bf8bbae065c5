"""The register's pure rules: gateway questions, completeness, status changes, review dates, exit rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from partnerships import gateway as rules


def all_answers(answer: str = "yes", evidence: str = "Cabinet report") -> dict[str, rules.AnswerInput]:
    return {q.code: rules.AnswerInput(answer, evidence) for q in rules.QUESTIONS}


def test_questions_cover_both_sources_and_have_unique_codes():
    codes = [q.code for q in rules.QUESTIONS]
    assert len(codes) == len(set(codes))
    sources = {q.source for q in rules.QUESTIONS}
    assert any("Rochford" in s for s in sources) and any("Nottinghamshire" in s for s in sources)
    texts = " ".join(q.text for q in rules.QUESTIONS)
    # Rochford "New Partnerships" and Nottinghamshire section 4 points, in their words.
    for phrase in (
        "clear rationale",
        "added value",
        "termination arrangements",
        "authorisation process",
        "senior partnership sponsor",
        "rules of engagement",
        "negotiables",
        "dispute",
    ):
        assert phrase in texts


def test_complete_answers_have_no_problems():
    assert rules.gateway_problems(all_answers()) == {}
    assert rules.gateway_problems(all_answers("no", "Nothing agreed yet; the board meets in May")) == {}


@pytest.mark.parametrize("answer", ["partly", "no"])
def test_a_partly_or_a_no_needs_evidence_too(answer):
    problems = rules.gateway_problems(all_answers(answer, " "))
    assert set(problems) == {q.code for q in rules.QUESTIONS}
    assert all(p.part == "evidence" and "what is missing" in p.message for p in problems.values())


def test_answer_summary_text_and_the_answers_needing_attention_come_first():
    assert rules.answer_summary_text({"yes": 19, "partly": 1, "no": 1, "unanswered": 0}) == "19 Yes, 1 Partly, 1 No"
    assert rules.answer_summary_text({"yes": 1, "unanswered": 2}) == "1 Yes, 0 Partly, 0 No, 2 not answered"
    ordered = rules.needing_attention_first([("a", "yes"), ("b", "partly"), ("c", "no"), ("d", "yes"), ("e", "no")])
    assert ordered == [("c", "no"), ("e", "no"), ("b", "partly"), ("a", "yes"), ("d", "yes")]


def test_missing_answers_and_evidence_are_problems():
    answers = all_answers()
    answers["rationale"] = rules.AnswerInput("", "")
    answers["governance"] = rules.AnswerInput("partly", "  ")
    del answers["dispute_document"]
    problems = rules.gateway_problems(answers)
    assert set(problems) == {"rationale", "governance", "dispute_document"}
    assert problems["rationale"].part == "answer"
    assert problems["governance"].part == "evidence"


def test_answer_summary_counts_each_answer():
    answers = {q.code: "yes" for q in rules.QUESTIONS}
    answers["rationale"] = "no"
    answers["governance"] = "partly"
    answers["termination"] = ""
    summary = rules.answer_summary(answers)
    assert summary == {"yes": len(rules.QUESTIONS) - 3, "partly": 1, "no": 1, "unanswered": 1}


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        ("proposed", ("proposed",)),
        ("active", ("active", "exiting")),
        ("exiting", ("exiting", "active")),
        ("closed", ("closed",)),
    ],
)
def test_edit_never_offers_active_from_proposed_nor_closed(current, allowed):
    assert rules.statuses_on_edit(current) == allowed
    if current == "proposed":
        assert "active" not in rules.statuses_on_edit(current)
    assert "closed" not in rules.statuses_on_edit(current) or current == "closed"


def test_review_date_after_approval():
    today = date(2026, 3, 1)
    assert rules.review_due_after_approval(today, None, None) == today + timedelta(days=365)
    later_start = date(2026, 6, 1)
    assert rules.review_due_after_approval(today, later_start, None) == later_start + timedelta(days=365)
    kept = date(2026, 9, 1)
    assert rules.review_due_after_approval(today, None, kept) == kept


def test_exit_needs_every_section_and_advice_for_statutory_or_contractual():
    values = {
        "exit_date": date(2026, 1, 1),
        "reason": "Done",
        "objectives_met": "yes",
        "achievements": "A",
        "lessons_learned": "L",
        "withdrawal_risks": "R",
        "handover_and_continuity": "H",
        "legal_advice_taken": False,
        "financial_advice_taken": False,
        "advice_notes": "",
    }
    assert rules.exit_problems(values, "non_statutory") == {}
    for status in ("statutory", "contractual"):
        assert set(rules.exit_problems(values, status)) == {
            "legal_advice_taken",
            "financial_advice_taken",
            "advice_notes",
        }
    advised = {**values, "legal_advice_taken": True, "financial_advice_taken": True, "advice_notes": "Legal"}
    assert rules.exit_problems(advised, "statutory") == {}
    assert "reason" in rules.exit_problems({**values, "reason": " "}, "non_statutory")


def test_exit_needs_its_risk_analysis_of_withdrawal_in_the_risk_register():
    values = {
        "exit_date": date(2026, 1, 1),
        "reason": "Done",
        "objectives_met": "yes",
        "achievements": "A",
        "lessons_learned": "L",
        "handover_and_continuity": "H",
    }
    assert rules.exit_problems(values, "non_statutory", withdrawal_risk_count=0) == {
        "withdrawal_risks": rules.WITHDRAWAL_RISKS_MISSING
    }
    assert rules.exit_problems(values, "non_statutory", withdrawal_risk_count=2) == {}


def test_review_state():
    today = date(2026, 3, 1)
    assert rules.review_state("active", today - timedelta(days=1), today, 60) == "overdue"
    assert rules.review_state("exiting", today + timedelta(days=60), today, 60) == "due_soon"
    assert rules.review_state("active", today + timedelta(days=61), today, 60) == "scheduled"
    assert rules.review_state("proposed", today - timedelta(days=1), today, 60) == ""
    assert rules.review_state("closed", today - timedelta(days=1), today, 60) == ""
