"""The register's rules as plain values: gateway questions, status changes, what a complete record needs.

Nothing here imports the ORM, so the rules are tested without a database. Status and answer values are the
plain strings stored by ``partnerships.models`` (``"proposed"``, ``"yes"``...).

The questions come from the sources word for word where they are questions already, and are turned into
questions where the source is a list of things the council "needs to be clear about":

- Rochford District Council, Partnership Toolkit (seed 001): "New Partnerships" (what the council must be
  clear about before entering any new partnership, answered through the Appendix 1 questions and a risk
  assessment), and the purposes listed under "Why do we need one?" (legal status, exit strategy).
- Nottinghamshire County Council, Partnerships Management Framework (seed 003), section 4: what the
  pre-partnership agreement for larger, strategic and contractual partnerships should do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

YES, PARTLY, NO = "yes", "partly", "no"
ANSWERS: tuple[str, ...] = (YES, PARTLY, NO)

PROPOSED, ACTIVE, EXITING, CLOSED = "proposed", "active", "exiting", "closed"
STATUTORY, CONTRACTUAL = "statutory", "contractual"

REVIEW_INTERVAL = timedelta(days=365)


@dataclass(frozen=True)
class Question:
    code: str
    section: str
    text: str
    source: str


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    introduction: str
    questions: tuple[Question, ...]


def _section(code: str, title: str, introduction: str, source: str, items: list[tuple[str, str]]) -> Section:
    return Section(code, title, introduction, tuple(Question(c, code, text, source) for c, text in items))


ROCHFORD = "Rochford District Council, Partnership Toolkit: New Partnerships and Appendix 1"
NOTTINGHAMSHIRE = "Nottinghamshire County Council, Partnerships Management Framework, section 4"

SECTIONS: tuple[Section, ...] = (
    _section(
        "new_partnership",
        "Before the council enters the partnership",
        "Before entering into any new partnership, the council needs to satisfy itself around a range of issues.",
        ROCHFORD,
        [
            (
                "rationale",
                "Is there a clear rationale for the partnership, linked to delivery of the council's "
                "business plan priorities?",
            ),
            (
                "added_value",
                "Will it provide added value: will the partners achieve more than they would if they "
                "were working on their own?",
            ),
            (
                "value_for_money",
                "Will it deliver value for money, with the available resources used effectively, "
                "efficiently and economically?",
            ),
            (
                "governance",
                "Are the governance arrangements clear, with accountability and responsibility for "
                "outcomes understood?",
            ),
            (
                "management",
                "Are performance management, financial management and risk management accounted for?",
            ),
            ("risk_assessment", "Has a risk assessment of the partnership been completed?"),
            (
                "termination",
                "Are the termination arrangements understood, and is there an effective exit strategy?",
            ),
            (
                "authorisation",
                "Is there an appropriate authorisation process for any financial or other "
                "liabilities to be incurred by the partnership and/or the council?",
            ),
            ("legal_status", "Is the partnership properly empowered, and is its legal status understood?"),
            (
                "assistant_director",
                "Has the relevant Assistant Director been made aware of the new partnership "
                "arrangements, so the Leadership Team can be kept updated?",
            ),
        ],
    ),
    _section(
        "pre_partnership_agreement",
        "Pre-partnership agreement",
        "For larger, strategic and contractual partnerships a pre-partnership agreement should be drawn up. Does it:",
        NOTTINGHAMSHIRE,
        [
            (
                "senior_sponsor",
                "Identify a senior partnership sponsor who will have ultimate responsibility for "
                "the council's involvement in the partnership?",
            ),
            ("clear_purpose", "Identify a clear purpose for the partnership?"),
            ("rules_of_engagement", "Establish the rules of engagement?"),
            ("negotiables", "Define the negotiables and the non-negotiables at the outset?"),
            ("initial_risk", "Make an initial risk assessment?"),
            ("customer_benefit", "Provide a clear indication of the anticipated benefit to customers?"),
            ("partner_intentions", "Be a measurable declaration of each partner's intentions?"),
            (
                "day_to_day",
                "Identify who should attend and manage the day-to-day engagement with the partnership?",
            ),
            ("time_and_resources", "Identify the time and resources available?"),
            ("performance_measures", "Identify performance management measures and reporting routes?"),
            (
                "dispute_document",
                "Give a document that can be referred to in the event of a dispute with partners?",
            ),
        ],
    ),
)

QUESTIONS: tuple[Question, ...] = tuple(q for section in SECTIONS for q in section.questions)
QUESTIONS_BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}


@dataclass(frozen=True)
class AnswerInput:
    answer: str  # "yes", "partly", "no" or "" (not answered yet)
    evidence: str


@dataclass(frozen=True)
class Problem:
    part: str  # "answer" or "evidence": where the person must look
    message: str


def gateway_problems(answers: Mapping[str, AnswerInput]) -> dict[str, Problem]:
    """Return, keyed by question code, what stops each question being submitted; empty when all are ready.

    Every question needs an answer and every answer its evidence: a Yes the evidence that shows it, a Partly
    or a No what is missing and what will be done, because that is what the approving manager weighs.
    """
    problems: dict[str, Problem] = {}
    for question in QUESTIONS:
        given = answers.get(question.code)
        if given is None or given.answer not in ANSWERS:
            problems[question.code] = Problem("answer", "Answer Yes, Partly or No.")
        elif not given.evidence.strip():
            problems[question.code] = Problem("evidence", EVIDENCE_MESSAGES[given.answer])
    return problems


EVIDENCE_MESSAGES: dict[str, str] = {
    YES: "Give the evidence for this answer.",
    PARTLY: "Give the evidence: what is in place, what is missing and what will be done about it.",
    NO: "Give the evidence: what is missing and what will be done about it.",
}


def answer_summary_text(counts: Mapping[str, int]) -> str:
    """Return the summary a manager reads beside the decision, e.g. "19 Yes, 1 Partly, 1 No"."""
    parts = [f"{counts.get(YES, 0)} Yes", f"{counts.get(PARTLY, 0)} Partly", f"{counts.get(NO, 0)} No"]
    if counts.get("unanswered"):
        parts.append(f"{counts['unanswered']} not answered")
    return ", ".join(parts)


def needing_attention_first(codes_and_answers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Return (question code, answer) pairs with the No answers first, then Partly, then the rest, each group
    in question order: what the approving manager must weigh comes first."""
    weight = {NO: 0, PARTLY: 1}
    order = {code: n for n, code in enumerate(c for c, _ in codes_and_answers)}
    return sorted(codes_and_answers, key=lambda pair: (weight.get(pair[1], 2), order[pair[0]]))


def answer_summary(answers: Mapping[str, str]) -> dict[str, int]:
    """Return how many questions are answered "yes", "partly", "no" and not yet ("unanswered")."""
    counts = {YES: 0, PARTLY: 0, NO: 0, "unanswered": 0}
    for question in QUESTIONS:
        value = answers.get(question.code, "")
        counts[value if value in ANSWERS else "unanswered"] += 1
    return counts


def statuses_on_edit(current: str) -> tuple[str, ...]:
    """Return the statuses the edit form may offer a partnership whose status is ``current``.

    A proposed partnership becomes active only through an approved gateway, and a partnership is closed only
    by completing its exit record, so neither "active" (from proposed) nor "closed" is ever offered by the
    form.
    """
    return {
        PROPOSED: (PROPOSED,),
        ACTIVE: (ACTIVE, EXITING),
        EXITING: (EXITING, ACTIVE),
        CLOSED: (CLOSED,),
    }[current]


def review_due_after_approval(approved_on: date, start_date: date | None, review_due: date | None) -> date:
    """Return the review due date a partnership gets when its gateway is approved on ``approved_on``.

    An existing date is kept; otherwise the review falls a year after the later of approval and start.
    """
    if review_due is not None:
        return review_due
    return max(approved_on, start_date or approved_on) + REVIEW_INTERVAL


def needs_advice_to_exit(statutory_status: str) -> bool:
    """Return whether leaving needs legal and financial advice first (seed 003, 3.1.2)."""
    return statutory_status in (STATUTORY, CONTRACTUAL)


def review_state(status: str, review_due: date | None, today: date, soon_days: int) -> str:
    """Return "overdue", "due_soon", "scheduled" or "" (not under annual review: proposed or closed)."""
    if status not in (ACTIVE, EXITING) or review_due is None:
        return ""
    if review_due < today:
        return "overdue"
    if review_due <= today + timedelta(days=soon_days):
        return "due_soon"
    return "scheduled"


EXIT_REQUIRED: dict[str, str] = {
    "exit_date": "Give the date the council's involvement ends.",
    "reason": "Say why the council is leaving or closing the partnership.",
    "objectives_met": "Say whether the original objectives were met.",
    "achievements": "Record what the partnership achieved.",
    "lessons_learned": "Record the lessons learned.",
    "handover_and_continuity": "Say how handover and continuity are dealt with.",
}
EXIT_ADVICE_REQUIRED: dict[str, str] = {
    "legal_advice_taken": "A statutory or contractual partnership cannot be left without legal advice: "
    "confirm it was taken.",
    "financial_advice_taken": "A statutory or contractual partnership cannot be left without financial or "
    "contracting advice: confirm it was taken.",
    "advice_notes": "Say who gave the legal and financial advice, and when.",
}


WITHDRAWAL_RISKS_MISSING = (
    "Record the risks of withdrawal in the partnership's risk register (category Exit) before completing the exit."
)


def exit_problems(
    values: Mapping[str, object], statutory_status: str, withdrawal_risk_count: int | None = None
) -> dict[str, str]:
    """Return, per field of the exit record, why it cannot be completed yet; empty when it can.

    Every section is needed, and the risk analysis of withdrawal: at least one risk of category "exit" in the
    risk register (``withdrawal_risk_count``; None when the caller checks it elsewhere). For a statutory or
    contractual partnership, so is the confirmation that legal and financial (or contracting) advice was taken,
    and who gave it (seed 003, 3.1.2).
    """
    required = dict(EXIT_REQUIRED)
    if needs_advice_to_exit(statutory_status):
        required.update(EXIT_ADVICE_REQUIRED)
    problems = {}
    for name, message in required.items():
        value = values.get(name)
        if value is None or value is False or (isinstance(value, str) and not value.strip()):
            problems[name] = message
    if withdrawal_risk_count == 0:
        problems["withdrawal_risks"] = WITHDRAWAL_RISKS_MISSING
    return problems
