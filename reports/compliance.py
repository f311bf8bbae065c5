"""Governance compliance of one partnership (issue 19, point 2; SPEC section 6).

Pure rules over plain values, no database: ``reports.selectors.compliance_facts`` gathers the facts from the
register and the health checks for many partnerships at once, and :func:`compliance` judges them.

Each check names its source in the seeds, whether a gap in it is significant, what is missing and who should
act. The status is "significant gaps" when any significant check is not met, "minor gaps" when only others are
not met, and "compliant" when every check that applies is met. Compliance applies to partnerships the council
is in: active or exiting (a proposed one is still at its gateway; a closed one is history).

Significant (the council's legal footing, its annual assurance and its exposure): the gateway or agreement,
a health check within 12 months, the risk register reviewed within 12 months, the outside-body checks.
Minor (the record is incomplete, but the partnership is governed): aims aligned to council priorities, the
council's role and the benefit to residents, overdue actions, an exit strategy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

COMPLIANT, MINOR_GAPS, SIGNIFICANT_GAPS = "compliant", "minor_gaps", "significant_gaps"
STATUS_LABELS: dict[str, str] = {
    COMPLIANT: "Compliant",
    MINOR_GAPS: "Minor gaps",
    SIGNIFICANT_GAPS: "Significant gaps",
}
STATUS_CHOICES: tuple[tuple[str, str], ...] = tuple(STATUS_LABELS.items())
# The partnership statuses compliance applies to.
APPLIES_TO_STATUSES = ("active", "exiting")

# Where each check's evidence is kept: the page of the partnership that shows it (``reports.selectors``
# turns these into addresses).
EVIDENCE_DETAILS, EVIDENCE_GATEWAY, EVIDENCE_HEALTH_CHECKS = "details", "gateway", "health_checks"
EVIDENCE_ACTIONS, EVIDENCE_RISKS, EVIDENCE_OUTSIDE_BODY = "actions", "risks", "outside_body"


@dataclass(frozen=True)
class CheckDefinition:
    """One governance check: its code, the question it answers, its source in the seeds, whether a gap in it
    is significant, and where its evidence is kept."""

    code: str
    title: str
    source: str
    significant: bool
    evidence: str


CHECKS: tuple[CheckDefinition, ...] = (
    CheckDefinition(
        "agreement",
        "An approved gateway, or a recorded agreement or terms of reference",
        "Seed 001, New Partnerships and Appendix 1; seed 003, section 4 (pre-partnership agreement)",
        True,
        EVIDENCE_GATEWAY,
    ),
    CheckDefinition(
        "priorities",
        "Aims and objectives aligned to council priorities, recorded",
        "Seed 003, 3.1.1 (aims and objectives that align with the strategic objectives of the council)",
        False,
        EVIDENCE_DETAILS,
    ),
    CheckDefinition(
        "role_and_benefit",
        "The council's role and the benefit to residents, recorded",
        "Seed 003, 3.1.1 (the role of the council; the benefits to the customer); seed 001 (outcomes for residents)",
        False,
        EVIDENCE_DETAILS,
    ),
    CheckDefinition(
        "health_check",
        "A health check closed within the last 12 months",
        "Seed 001, Reviewing Partnerships (an annual self-assessment); seed 004 (the Partnership Assessment Tool)",
        True,
        EVIDENCE_HEALTH_CHECKS,
    ),
    CheckDefinition(
        "actions",
        "An action plan with no overdue actions",
        "Seed 004, stage 4 (action planning); seed 001 (monitor, review and evaluate activity and outcomes)",
        False,
        EVIDENCE_ACTIONS,
    ),
    CheckDefinition(
        "risks",
        "The risk register reviewed within the last 12 months",
        "Seed 001 (assess agreed risks); seed 002 (a risk assessment whenever the partnership is reviewed)",
        True,
        EVIDENCE_RISKS,
    ),
    CheckDefinition(
        "outside_body",
        "Outside-body checks complete (where the partnership is an outside body)",
        "Seed 003, section 5 (partnerships which are also outside bodies)",
        True,
        EVIDENCE_OUTSIDE_BODY,
    ),
    CheckDefinition(
        "exit_strategy",
        "An exit strategy recorded",
        "Seed 001 (agree an effective exit strategy; Appendix 1, termination arrangements); seed 003, 3.1.2",
        False,
        EVIDENCE_GATEWAY,
    ),
)
CHECKS_BY_CODE: dict[str, CheckDefinition] = {c.code: c for c in CHECKS}


@dataclass(frozen=True)
class ComplianceFacts:
    """What the register and the health checks hold about one partnership that the checks read."""

    status: str
    lead_officer: str = ""
    senior_sponsor: str = ""
    start_date: date | None = None
    gateway_approved: bool = False
    governing_agreement: str = ""  # the agreement or terms of reference of a partnership older than the product
    aims_and_objectives: str = ""
    priorities: Sequence[str] = field(default_factory=tuple)  # council priorities it serves (list or text)
    council_role: str = ""
    benefit_to_residents: str = ""
    last_health_check_on: date | None = None  # close date of its latest health check with results
    overdue_actions: int = 0
    overdue_action_owners: Sequence[str] = field(default_factory=tuple)
    risks_recorded: int = 0
    risks_last_reviewed_on: date | None = None  # the latest day a risk was recorded or updated
    risk_owners: Sequence[str] = field(default_factory=tuple)
    is_outside_body: bool = False
    outside_body_open_checks: int | None = None  # None: the checks were never recorded
    outside_body_representatives: str = ""
    exit_strategy: str = ""  # the exit strategy recorded on the register
    gateway_exit_strategy: bool = False  # the gateway's termination question answered Yes
    exit_record_started: bool = False


@dataclass(frozen=True)
class CheckResult:
    """One check for one partnership: met, not met, or not applicable (``applies`` False)."""

    definition: CheckDefinition
    met: bool
    applies: bool = True
    missing: str = ""  # what is missing, in the users' words (empty when met)
    who_acts: str = ""  # who should act on it (empty when met)
    evidence: str = ""  # what the register holds as evidence when met

    @property
    def is_gap(self) -> bool:
        return self.applies and not self.met

    @property
    def code(self) -> str:
        return self.definition.code


@dataclass(frozen=True)
class Compliance:
    """A partnership's compliance: its status and every check."""

    status: str
    checks: tuple[CheckResult, ...]

    @property
    def label(self) -> str:
        """Return "Compliant", "Minor gaps" or "Significant gaps"."""
        return STATUS_LABELS[self.status]

    @property
    def gaps(self) -> tuple[CheckResult, ...]:
        """Return the checks not met, the significant ones first (the remedial actions required)."""
        gaps = [c for c in self.checks if c.is_gap]
        return tuple(sorted(gaps, key=lambda c: not c.definition.significant))


def twelve_months_before(today: date) -> date:
    """Return the same day a year before ``today`` (28 February for 29 February): the earliest day that is still
    "within the last 12 months"."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year - 1, day=28)


def within_twelve_months(day: date | None, today: date) -> bool:
    """Return True when ``day`` is on or after the same day a year ago (and not after today)."""
    return day is not None and twelve_months_before(today) <= day <= today


def _people(names: Sequence[str], fallback: str) -> str:
    unique = list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
    return ", ".join(unique) if unique else fallback


def _lead(facts: ComplianceFacts) -> str:
    return f"{facts.lead_officer} (lead officer)" if facts.lead_officer else "The lead officer"


def _sponsor(facts: ComplianceFacts) -> str:
    return f"{facts.senior_sponsor} (senior sponsor)" if facts.senior_sponsor else _lead(facts)


def check_agreement(facts: ComplianceFacts) -> CheckResult:
    """An approved gateway, or (for partnerships older than the product) a recorded agreement or terms of
    reference."""
    definition = CHECKS_BY_CODE["agreement"]
    if facts.gateway_approved:
        return CheckResult(definition, True, evidence="The new-partnership gateway is approved.")
    if facts.governing_agreement.strip():
        return CheckResult(definition, True, evidence=facts.governing_agreement.strip())
    return CheckResult(
        definition,
        False,
        missing="No approved gateway and no agreement or terms of reference recorded.",
        who_acts="The register administrator records the agreement or terms of reference; "
        f"{_sponsor(facts)} confirms it.",
    )


def check_priorities(facts: ComplianceFacts) -> CheckResult:
    """Aims and objectives recorded, and the council priorities they serve recorded (seed 003, 3.1.1)."""
    definition = CHECKS_BY_CODE["priorities"]
    missing = []
    if not facts.aims_and_objectives.strip():
        missing.append("aims and objectives")
    if not facts.priorities:
        missing.append("the council priorities it serves")
    if not missing:
        return CheckResult(definition, True, evidence="Serves: " + "; ".join(facts.priorities) + ".")
    return CheckResult(definition, False, missing="Not recorded: " + " and ".join(missing) + ".", who_acts=_lead(facts))


def check_role_and_benefit(facts: ComplianceFacts) -> CheckResult:
    """The council's role in the partnership and the benefit to residents, both recorded (seed 003, 3.1.1)."""
    definition = CHECKS_BY_CODE["role_and_benefit"]
    missing = []
    if not facts.council_role.strip():
        missing.append("the council's role")
    if not facts.benefit_to_residents.strip():
        missing.append("the benefit to residents")
    if not missing:
        return CheckResult(definition, True, evidence="Both are recorded on the register.")
    return CheckResult(definition, False, missing="Not recorded: " + " and ".join(missing) + ".", who_acts=_lead(facts))


def check_health_check(facts: ComplianceFacts, today: date) -> CheckResult:
    """A health check closed within the last 12 months; a partnership that started within the last 12 months
    is not yet due its first one."""
    definition = CHECKS_BY_CODE["health_check"]
    last = facts.last_health_check_on
    if last is not None and within_twelve_months(last, today):
        return CheckResult(definition, True, evidence=f"Closed on {last:%-d %B %Y}.")
    if facts.start_date is not None and facts.start_date > twelve_months_before(today):
        return CheckResult(definition, True, evidence=f"Started on {facts.start_date:%-d %B %Y}: first one not due.")
    missing = (
        f"The latest health check closed on {facts.last_health_check_on:%-d %B %Y}, more than 12 months ago."
        if facts.last_health_check_on
        else "No health check with results recorded."
    )
    return CheckResult(definition, False, missing=missing, who_acts=f"{_lead(facts)}, with a facilitator")


def check_actions(facts: ComplianceFacts) -> CheckResult:
    """No action of its action plans open past its due date."""
    definition = CHECKS_BY_CODE["actions"]
    if facts.overdue_actions <= 0:
        return CheckResult(definition, True, evidence="No action is overdue.")
    return CheckResult(
        definition,
        False,
        missing=f"{facts.overdue_actions} action{'s' if facts.overdue_actions != 1 else ''} overdue.",
        who_acts=_people(facts.overdue_action_owners, _lead(facts)),
    )


def check_risks(facts: ComplianceFacts, today: date) -> CheckResult:
    """Risks recorded, and the risk register recorded or updated within the last 12 months."""
    definition = CHECKS_BY_CODE["risks"]
    reviewed = facts.risks_last_reviewed_on
    if facts.risks_recorded > 0 and reviewed is not None and within_twelve_months(reviewed, today):
        return CheckResult(definition, True, evidence=f"Last reviewed on {reviewed:%-d %B %Y}.")
    missing = (
        f"The risk register was last reviewed on {facts.risks_last_reviewed_on:%-d %B %Y}, more than 12 months ago."
        if facts.risks_recorded > 0 and facts.risks_last_reviewed_on
        else "No risks recorded."
    )
    return CheckResult(definition, False, missing=missing, who_acts=_people(facts.risk_owners, _lead(facts)))


def check_outside_body(facts: ComplianceFacts) -> CheckResult:
    """Every outside-body check answered Yes or Not applicable, where the partnership is an outside body."""
    definition = CHECKS_BY_CODE["outside_body"]
    if not facts.is_outside_body:
        return CheckResult(definition, True, applies=False, evidence="Not an outside body.")
    if facts.outside_body_open_checks == 0:
        return CheckResult(definition, True, evidence="Every check is met.")
    open_checks = facts.outside_body_open_checks
    missing = (
        "The outside-body checks are not recorded."
        if open_checks is None
        else f"{open_checks} outside-body check{'s' if open_checks != 1 else ''} not yet met."
    )
    who = facts.outside_body_representatives.strip() or _sponsor(facts)
    return CheckResult(definition, False, missing=missing, who_acts=f"The council's representatives: {who}")


def check_exit_strategy(facts: ComplianceFacts) -> CheckResult:
    """An exit strategy recorded: on the register, as the gateway's termination answer (Yes), or an exit
    record under way."""
    definition = CHECKS_BY_CODE["exit_strategy"]
    if facts.exit_strategy.strip():
        return CheckResult(definition, True, evidence=facts.exit_strategy.strip())
    if facts.gateway_exit_strategy:
        return CheckResult(definition, True, evidence="The gateway's termination arrangements are answered Yes.")
    if facts.exit_record_started:
        return CheckResult(definition, True, evidence="An exit record is under way.")
    return CheckResult(definition, False, missing="No exit strategy recorded.", who_acts=_sponsor(facts))


def compliance_status(checks: Sequence[CheckResult]) -> str:
    """Return "significant_gaps" when a significant check is not met, "minor_gaps" when only others are not
    met, else "compliant"."""
    gaps = [c for c in checks if c.is_gap]
    if any(c.definition.significant for c in gaps):
        return SIGNIFICANT_GAPS
    return MINOR_GAPS if gaps else COMPLIANT


def compliance_applies(status: str) -> bool:
    """Return True for the partnership statuses that compliance is judged for (active and exiting)."""
    return status in APPLIES_TO_STATUSES


def compliance(facts: ComplianceFacts, today: date) -> Compliance:
    """Return the partnership's compliance as of ``today``: every check, in the order of ``CHECKS``, and the
    status they give."""
    checks = (
        check_agreement(facts),
        check_priorities(facts),
        check_role_and_benefit(facts),
        check_health_check(facts, today),
        check_actions(facts),
        check_risks(facts, today),
        check_outside_body(facts),
        check_exit_strategy(facts),
    )
    return Compliance(compliance_status(checks), checks)
