"""The demo register of "Demo District Council": about 30 partnerships in every stage, status, type of working
and structure model, with partners from every sector, gateways pending, reviews overdue and two closed with
exit records. Deterministic: dates are offsets from today. Idempotent: a reference already in the register is
left alone. Everything goes through the services, so the demo obeys the same rules (and keeps the same
history) as real use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from partnerships import gateway as rules
from partnerships import services
from partnerships.models import CouncilPriority, Organisation, Partnership, Risk, Sector, SignificanceOverride

COUNCIL = "Demo District Council"

ORGANISATIONS: dict[str, str] = {
    COUNCIL: Sector.PUBLIC,
    "Demoshire County Council": Sector.PUBLIC,
    "Northvale Borough Council": Sector.PUBLIC,
    "Demoshire Hospitals NHS Foundation Trust": Sector.PUBLIC,
    "Demoshire Community Health NHS Trust": Sector.PUBLIC,
    "NHS Demoshire Clinical Commissioning Group": Sector.PUBLIC,
    "Demoshire Police": Sector.PUBLIC,
    "Demoshire Fire and Rescue Service": Sector.PUBLIC,
    "Jobcentre Plus (Department for Work and Pensions)": Sector.PUBLIC,
    "Demo Valley College": Sector.PUBLIC,
    "Demo Chamber of Commerce": Sector.PRIVATE,
    "Greenway Leisure Ltd": Sector.PRIVATE,
    "Northgate Waste Services Ltd": Sector.PRIVATE,
    "Castlegate Property Developments Ltd": Sector.PRIVATE,
    "Meridian IT Services Ltd": Sector.PRIVATE,
    "Brightfield Solar Ltd": Sector.PRIVATE,
    "Demo Council for Voluntary Service": Sector.VOLUNTARY,
    "Citizens Advice Demo District": Sector.VOLUNTARY,
    "Age UK Demoshire": Sector.VOLUNTARY,
    "Demo Carers Centre": Sector.VOLUNTARY,
    "Demo Youth Trust": Sector.VOLUNTARY,
    "Groundwork Demo Valley": Sector.VOLUNTARY,
    "Demo Food Bank": Sector.VOLUNTARY,
    "Demo Community Transport": Sector.VOLUNTARY,
    "Demo Women's Aid": Sector.VOLUNTARY,
    "Healthwatch Demoshire": Sector.VOLUNTARY,
    "Riverside Housing Association": Sector.OTHER,
    "Demo Town Centre Business Improvement District": Sector.OTHER,
    "Demo Valley Sports Trust": Sector.OTHER,
}


@dataclass(frozen=True)
class DemoPartnership:
    number: int
    name: str
    service_area: str
    purpose: str
    continuum: str
    structure: str
    statutory: str
    stage: str
    status: str  # proposed, active, exiting, closed
    risk: str  # the rating its highest demo risk gives it: "low", "medium" or "high"
    partners: tuple[tuple[str, str], ...]  # (organisation, role)
    lead: str
    sponsor: str
    priorities: str
    start_days_ago: int = 900
    review_in_days: int = 200  # negative: overdue
    gateway: str = ""  # for proposed ones: "", "draft", "submitted", "returned"
    outside_body: bool = False
    contribution: int | None = None  # the council's £ a year

    @property
    def reference(self) -> str:
        return f"DDC-P-{self.number:03d}"


L, P, FC, FY, FA = "forming", "frustration", "functioning", "flying", "failing"
S, C, N = "statutory", "contractual", "non_statutory"
SAFER = "Safer, stronger communities"
HEALTH = "Healthier, longer lives"
ECONOMY = "A thriving local economy"
GREEN = "A cleaner, greener district"
EFFICIENT = "An efficient, self-sufficient council"
# The council's priorities; the first two are strategic, so the partnerships serving them are significant.
STRATEGIC_PRIORITIES = (SAFER, HEALTH)
# Demo partnerships whose record of the council's role and the benefit to residents is not written yet (a minor
# governance gap), and the one whose risk register was last looked at over a year ago (a significant gap).
ROLE_NOT_RECORDED = (3, 16)
RISKS_NOT_REVIEWED = 2
# A manager's override: not significant by the rules, significant by the council's decision.
OVERRIDDEN = (
    18,
    "Cabinet decided on 12 March to treat the shared-services programme as significant: it carries "
    "the council's savings target for the next three years.",
)
LEAD = ("Lead partner and accountable body", "Delivery partner", "Funder", "Member", "Adviser")

PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    DemoPartnership(
        1,
        "Demo Community Safety Partnership",
        "Community safety",
        "Reduce crime, disorder, anti-social behaviour and reoffending in the district, as required of the "
        "responsible authorities by the Crime and Disorder Act 1998.",
        "joint_delivery",
        "public_consortium",
        S,
        FC,
        "active",
        "medium",
        (
            (COUNCIL, LEAD[0]),
            ("Demoshire Police", "Responsible authority"),
            ("Demoshire Fire and Rescue Service", "Responsible authority"),
            ("NHS Demoshire Clinical Commissioning Group", "Responsible authority"),
            ("Riverside Housing Association", "Co-opted member"),
            ("Demo Council for Voluntary Service", "Member"),
        ),
        "Mark Ellis",
        "Director of Communities",
        SAFER,
        2400,
        140,
        contribution=45000,
    ),
    DemoPartnership(
        2,
        "Demo Health and Wellbeing Partnership",
        "Health and wellbeing",
        "Join up the work of the NHS, the councils and the voluntary sector to reduce health inequalities in "
        "the district and deliver the local health and wellbeing strategy.",
        "joint_planning",
        "public_consortium",
        S,
        FC,
        "active",
        "medium",
        (
            ("Demoshire County Council", LEAD[0]),
            (COUNCIL, "District member"),
            ("NHS Demoshire Clinical Commissioning Group", "Commissioner"),
            ("Demoshire Hospitals NHS Foundation Trust", "Provider"),
            ("Healthwatch Demoshire", "Patient voice"),
        ),
        "Anita Rao",
        "Assistant Director, Wellbeing",
        HEALTH,
        1800,
        95,
    ),
    DemoPartnership(
        3,
        "Demo Local Strategic Partnership",
        "Corporate policy",
        "Bring together the public, private, community and voluntary sectors to agree the district's "
        "long-term community strategy and lobby for the district.",
        "shared_actions",
        "informal",
        N,
        FY,
        "active",
        "low",
        (
            (COUNCIL, "Chair and secretariat"),
            ("Demo Chamber of Commerce", "Business voice"),
            ("Demo Council for Voluntary Service", "Voluntary sector voice"),
            ("Demoshire Police", "Member"),
            ("NHS Demoshire Clinical Commissioning Group", "Member"),
            ("Demo Valley College", "Member"),
        ),
        "Priya Shah",
        "Chief Executive",
        f"{SAFER}; {ECONOMY}; {HEALTH}",
        3000,
        230,
    ),
    DemoPartnership(
        4,
        "Town Centre Business Improvement District",
        "Economic development",
        "Deliver the business improvement district's five-year plan: a cleaner, safer and busier town "
        "centre, funded by a levy on business rates.",
        "pooled_resources",
        "jv_non_profit",
        N,
        FC,
        "active",
        "low",
        (
            ("Demo Town Centre Business Improvement District", "Delivery company"),
            (COUNCIL, "Levy collector and board member"),
            ("Demo Chamber of Commerce", "Board member"),
        ),
        "Gareth Lloyd",
        "Director of Place",
        ECONOMY,
        1500,
        170,
        outside_body=True,
        contribution=12000,
    ),
    DemoPartnership(
        5,
        "Demo Leisure Services Partnership",
        "Leisure and culture",
        "Run the district's three leisure centres and outdoor pools under a ten-year partnering contract "
        "that shares savings and growth in participation.",
        "joint_delivery",
        "partnering_contract",
        C,
        P,
        "active",
        "high",
        ((COUNCIL, "Client"), ("Greenway Leisure Ltd", "Operator")),
        "Lucy Barnes",
        "Director of Place",
        f"{HEALTH}; {EFFICIENT}",
        1300,
        40,
        contribution=850000,
    ),
    DemoPartnership(
        6,
        "Waste and Recycling Partnering Contract",
        "Environment",
        "Collect household waste and recycling and run the district's recycling centres, with the county as "
        "waste disposal authority.",
        "joint_delivery",
        "partnering_contract",
        C,
        FC,
        "active",
        "medium",
        (
            (COUNCIL, "Waste collection authority"),
            ("Demoshire County Council", "Waste disposal authority"),
            ("Northgate Waste Services Ltd", "Contractor"),
        ),
        "Owen Hughes",
        "Director of Place",
        GREEN,
        2000,
        -45,
        contribution=2300000,
    ),
    DemoPartnership(
        7,
        "Castlegate Regeneration Joint Venture",
        "Planning and regeneration",
        "Redevelop the Castlegate quarter with new homes, workspace and public realm through a joint venture "
        "company owned equally by the council and its development partner.",
        "pooled_resources",
        "jv_private",
        C,
        L,
        "active",
        "high",
        ((COUNCIL, "Shareholder (50%)"), ("Castlegate Property Developments Ltd", "Shareholder (50%)")),
        "Gareth Lloyd",
        "Chief Executive",
        f"{ECONOMY}; {EFFICIENT}",
        200,
        165,
        outside_body=True,
        contribution=250000,
    ),
    DemoPartnership(
        8,
        "Demo Homelessness Forum",
        "Housing",
        "Share information about homelessness and rough sleeping and agree how partners refer people to each "
        "other's services.",
        "info_sharing",
        "informal",
        N,
        FC,
        "active",
        "medium",
        (
            (COUNCIL, "Chair"),
            ("Riverside Housing Association", "Member"),
            ("Citizens Advice Demo District", "Member"),
            ("Demo Food Bank", "Member"),
            ("Jobcentre Plus (Department for Work and Pensions)", "Member"),
        ),
        "Hannah Cole",
        "Assistant Director, Housing",
        SAFER,
        1100,
        300,
    ),
    DemoPartnership(
        9,
        "Older People's Partnership Board",
        "Health and wellbeing",
        "Plan services that help older people stay independent at home, and tackle loneliness.",
        "joint_issues",
        "informal",
        N,
        FA,
        "active",
        "high",
        (
            ("Age UK Demoshire", "Chair"),
            (COUNCIL, "Member"),
            ("NHS Demoshire Clinical Commissioning Group", "Member"),
            ("Demo Carers Centre", "Member"),
            ("Demo Community Transport", "Member"),
        ),
        "Anita Rao",
        "Assistant Director, Wellbeing",
        HEALTH,
        2600,
        -120,
    ),
    DemoPartnership(
        10,
        "Demo Employment and Skills Board",
        "Economic development",
        "Match local training to employers' needs and help residents furthest from work into jobs.",
        "shared_actions",
        "public_consortium",
        N,
        FC,
        "active",
        "medium",
        (
            (COUNCIL, "Secretariat"),
            ("Jobcentre Plus (Department for Work and Pensions)", "Member"),
            ("Demo Valley College", "Member"),
            ("Demo Chamber of Commerce", "Employers' voice"),
        ),
        "Gareth Lloyd",
        "Director of Place",
        ECONOMY,
        700,
        250,
    ),
    DemoPartnership(
        11,
        "Rural Community Transport Scheme",
        "Transport",
        "Run demand-responsive minibuses for villages without a regular bus service.",
        "pooled_resources",
        "jv_non_profit",
        N,
        FY,
        "active",
        "low",
        (
            ("Demo Community Transport", "Operator"),
            (COUNCIL, "Funder"),
            ("Demoshire County Council", "Funder"),
        ),
        "Owen Hughes",
        "Director of Place",
        f"{GREEN}; {HEALTH}",
        2200,
        280,
        contribution=38000,
    ),
    DemoPartnership(
        12,
        "Children and Young People's Partnership",
        "Children and young people",
        "Keep children safe and improve outcomes for young people in the district under the county's "
        "safeguarding arrangements.",
        "joint_planning",
        "public_consortium",
        S,
        P,
        "active",
        "medium",
        (
            ("Demoshire County Council", LEAD[0]),
            (COUNCIL, "Member"),
            ("Demoshire Police", "Member"),
            ("Demo Youth Trust", "Member"),
            ("Demo Valley College", "Member"),
        ),
        "Hannah Cole",
        "Director of Communities",
        SAFER,
        1600,
        25,
    ),
    DemoPartnership(
        13,
        "Shared Revenues and Benefits Service",
        "Corporate services",
        "Run council tax, business rates and housing benefit for two councils from one team.",
        "joint_delivery",
        "public_consortium",
        C,
        FY,
        "active",
        "medium",
        ((COUNCIL, "Host authority"), ("Northvale Borough Council", "Partner authority")),
        "Sarah Whitfield",
        "Director of Resources",
        EFFICIENT,
        2900,
        210,
        contribution=1200000,
    ),
    DemoPartnership(
        14,
        "Demo Climate Action Network",
        "Environment",
        "Campaign for and coordinate local action towards a net zero district by 2040.",
        "lobbying",
        "informal",
        N,
        L,
        "active",
        "low",
        (
            ("Groundwork Demo Valley", "Coordinator"),
            (COUNCIL, "Member"),
            ("Demo Council for Voluntary Service", "Member"),
            ("Demo Valley College", "Member"),
        ),
        "Owen Hughes",
        "Director of Place",
        GREEN,
        150,
        215,
    ),
    DemoPartnership(
        15,
        "Domestic Abuse Local Partnership Board",
        "Community safety",
        "Assess the need for support for victims of domestic abuse in safe accommodation and commission it.",
        "joint_delivery",
        "public_consortium",
        S,
        FC,
        "active",
        "high",
        (
            ("Demoshire County Council", LEAD[0]),
            (COUNCIL, "Member"),
            ("Demoshire Police", "Member"),
            ("Demoshire Hospitals NHS Foundation Trust", "Member"),
            ("Demo Women's Aid", "Provider"),
        ),
        "Mark Ellis",
        "Director of Communities",
        SAFER,
        1000,
        50,
    ),
    DemoPartnership(
        16,
        "Demo Tourism and Visitor Economy Partnership",
        "Leisure and culture",
        "Market the district to visitors and lobby for investment in its attractions.",
        "lobbying",
        "informal",
        N,
        FY,
        "active",
        "low",
        (
            ("Demo Chamber of Commerce", "Chair"),
            (COUNCIL, "Member"),
            ("Greenway Leisure Ltd", "Member"),
            ("Demo Town Centre Business Improvement District", "Member"),
        ),
        "Lucy Barnes",
        "Director of Place",
        ECONOMY,
        2500,
        -10,
    ),
    DemoPartnership(
        17,
        "Affordable Housing Delivery Partnership",
        "Housing",
        "Build 400 affordable homes on council land over five years with a registered provider.",
        "pooled_resources",
        "jv_non_profit",
        C,
        FC,
        "active",
        "medium",
        ((COUNCIL, "Landowner and enabler"), ("Riverside Housing Association", "Developer and landlord")),
        "Hannah Cole",
        "Assistant Director, Housing",
        f"{SAFER}; {EFFICIENT}",
        1200,
        120,
        outside_body=True,
        contribution=500000,
    ),
    DemoPartnership(
        18,
        "Digital Inclusion Partnership",
        "Corporate services",
        "Help residents without internet access or skills to get online and use council services.",
        "shared_actions",
        "informal",
        N,
        FA,
        "active",
        "medium",
        (
            ("Citizens Advice Demo District", "Member"),
            (COUNCIL, "Chair"),
            ("Meridian IT Services Ltd", "Sponsor"),
            ("Age UK Demoshire", "Member"),
        ),
        "Sarah Whitfield",
        "Director of Resources",
        EFFICIENT,
        1400,
        -75,
    ),
    DemoPartnership(
        19,
        "Managed IT Service Partnership",
        "Corporate services",
        "Provide the council's IT infrastructure and service desk under a partnering contract.",
        "joint_delivery",
        "partnering_contract",
        C,
        P,
        "exiting",
        "high",
        ((COUNCIL, "Client"), ("Meridian IT Services Ltd", "Contractor")),
        "Sarah Whitfield",
        "Director of Resources",
        EFFICIENT,
        2700,
        30,
        contribution=640000,
    ),
    DemoPartnership(
        20,
        "Demo Valley Sports Development Trust",
        "Leisure and culture",
        "Grow grassroots sport through a charitable trust set up with local clubs.",
        "joint_planning",
        "jv_non_profit",
        N,
        FA,
        "exiting",
        "medium",
        (("Demo Valley Sports Trust", "Trust"), (COUNCIL, "Founder member and trustee")),
        "Lucy Barnes",
        "Director of Place",
        HEALTH,
        3100,
        60,
        outside_body=True,
        contribution=20000,
    ),
    DemoPartnership(
        21,
        "Market Town Regeneration Partnership",
        "Planning and regeneration",
        "Deliver the market town's high street heritage action zone.",
        "joint_planning",
        "informal",
        N,
        FY,
        "closed",
        "low",
        (
            (COUNCIL, LEAD[0]),
            ("Demo Chamber of Commerce", "Member"),
            ("Demo Town Centre Business Improvement District", "Member"),
        ),
        "Gareth Lloyd",
        "Director of Place",
        ECONOMY,
        1900,
        100,
    ),
    DemoPartnership(
        22,
        "Neighbourhood Renewal Partnership",
        "Planning and regeneration",
        "Deliver the Eastfield neighbourhood renewal programme funded by a ring-fenced government grant.",
        "pooled_resources",
        "public_consortium",
        C,
        FA,
        "closed",
        "medium",
        (
            (COUNCIL, "Accountable body"),
            ("Riverside Housing Association", "Delivery partner"),
            ("Demo Council for Voluntary Service", "Community engagement"),
        ),
        "Hannah Cole",
        "Director of Communities",
        SAFER,
        3300,
        100,
    ),
    DemoPartnership(
        23,
        "Demo Social Prescribing Partnership",
        "Health and wellbeing",
        "Link GP patients with community groups and services through social prescribing link workers.",
        "joint_delivery",
        "jv_non_profit",
        N,
        L,
        "proposed",
        "medium",
        (
            ("NHS Demoshire Clinical Commissioning Group", "Funder"),
            (COUNCIL, "Member"),
            ("Demo Council for Voluntary Service", "Provider"),
        ),
        "Anita Rao",
        "Assistant Director, Wellbeing",
        HEALTH,
        gateway="submitted",
    ),
    DemoPartnership(
        24,
        "Town Centre CCTV Partnership",
        "Community safety",
        "Share the cost and monitoring of town centre CCTV between the council, the police and businesses.",
        "pooled_resources",
        "public_consortium",
        C,
        L,
        "proposed",
        "medium",
        (
            (COUNCIL, "Owner of the cameras"),
            ("Demoshire Police", "Monitoring partner"),
            ("Demo Town Centre Business Improvement District", "Funder"),
        ),
        "Mark Ellis",
        "Director of Communities",
        SAFER,
        gateway="submitted",
    ),
    DemoPartnership(
        25,
        "Demo Food Poverty Alliance",
        "Health and wellbeing",
        "Coordinate emergency food support and longer-term help with the causes of food poverty.",
        "shared_actions",
        "informal",
        N,
        L,
        "proposed",
        "low",
        (("Demo Food Bank", "Coordinator"), (COUNCIL, "Member"), ("Citizens Advice Demo District", "Member")),
        "Hannah Cole",
        "Assistant Director, Housing",
        HEALTH,
        gateway="draft",
    ),
    DemoPartnership(
        26,
        "Brightfield Solar Farm Joint Venture",
        "Environment",
        "Build and run a 20 MW solar farm on council land, selling the power and sharing the income.",
        "pooled_resources",
        "jv_private",
        C,
        L,
        "proposed",
        "high",
        ((COUNCIL, "Landowner and shareholder"), ("Brightfield Solar Ltd", "Developer and shareholder")),
        "Owen Hughes",
        "Director of Resources",
        f"{GREEN}; {EFFICIENT}",
        gateway="returned",
    ),
    DemoPartnership(
        27,
        "Mental Health Crisis Care Partnership",
        "Health and wellbeing",
        "Agree how partners respond to people in mental health crisis, and fund a town centre crisis café.",
        "joint_planning",
        "public_consortium",
        N,
        L,
        "proposed",
        "high",
        (
            ("Demoshire Community Health NHS Trust", "Lead"),
            ("Demoshire Police", "Member"),
            (COUNCIL, "Member"),
            ("Demo Carers Centre", "Member"),
        ),
        "Anita Rao",
        "Assistant Director, Wellbeing",
        HEALTH,
        gateway="submitted",
    ),
    DemoPartnership(
        28,
        "Demo Cultural Education Partnership",
        "Children and young people",
        "Give every child in the district access to arts, heritage and music.",
        "joint_issues",
        "informal",
        N,
        L,
        "proposed",
        "low",
        (("Demo Youth Trust", "Member"), (COUNCIL, "Member"), ("Demo Valley College", "Member")),
        "Lucy Barnes",
        "Director of Communities",
        HEALTH,
    ),
    DemoPartnership(
        29,
        "Flood Resilience Partnership",
        "Environment",
        "Share flood risk information and plan joint responses to flooding in the valley.",
        "info_sharing",
        "informal",
        N,
        FC,
        "active",
        "medium",
        (
            ("Demoshire County Council", "Lead local flood authority"),
            (COUNCIL, "Member"),
            ("Demoshire Fire and Rescue Service", "Member"),
            ("Groundwork Demo Valley", "Member"),
        ),
        "Owen Hughes",
        "Director of Place",
        GREEN,
        2100,
        15,
    ),
    DemoPartnership(
        30,
        "Eastfield Community Hub Partnership",
        "Housing",
        "Run the Eastfield community hub: advice, library, health clinics and a café in one building.",
        "joint_delivery",
        "jv_non_profit",
        N,
        FY,
        "active",
        "low",
        (
            ("Riverside Housing Association", "Building owner"),
            (COUNCIL, "Member"),
            ("Citizens Advice Demo District", "Tenant partner"),
            ("Demoshire Community Health NHS Trust", "Tenant partner"),
        ),
        "Hannah Cole",
        "Assistant Director, Housing",
        SAFER,
        800,
        330,
    ),
)

AIMS = (
    "1. Agree a joint action plan each year, with named leads and measurable targets.\n"
    "2. Report progress to partners every quarter and to the council's Leadership Team every year.\n"
    "3. Review how well the partnership is working once a year, using the Partnership Assessment Tool."
)
EVIDENCE = "Set out in the {what} agreed by the partners; copy held in the partnership file."
EVIDENCE_WHAT = {
    "rationale": "business case (Cabinet report)",
    "added_value": "business case",
    "value_for_money": "options appraisal",
    "governance": "terms of reference",
    "management": "performance and risk framework",
    "risk_assessment": "risk register",
    "termination": "exit clause of the agreement",
    "authorisation": "scheme of delegation",
    "legal_status": "legal services' note",
    "assistant_director": "Leadership Team minutes",
}


def _answers(spec: DemoPartnership, kind: str) -> dict[str, rules.AnswerInput]:
    """All Yes for an approved gateway; a partial draft; a mixed set for submitted and returned ones."""
    answers = {}
    for index, question in enumerate(rules.QUESTIONS):
        what = EVIDENCE_WHAT.get(question.code, "pre-partnership agreement")
        if kind == "draft" and index >= 8:
            answers[question.code] = rules.AnswerInput("", "")
        elif kind in ("submitted", "returned") and index % 7 == 3:
            answers[question.code] = rules.AnswerInput("partly", f"Draft {what} still being negotiated.")
        elif kind == "returned" and question.code == "termination":
            answers[question.code] = rules.AnswerInput("no", "Not yet discussed with the developer.")
        else:
            answers[question.code] = rules.AnswerInput("yes", EVIDENCE.format(what=what))
    return answers


def _exit_values(spec: DemoPartnership, today: date) -> dict[str, object]:
    met = spec.number == 21
    return {
        "exit_date": today - timedelta(days=60 if met else 20),
        "reason": "The heritage action zone programme is complete and its objectives were met."
        if met
        else "The government grant ended and partners could not fund the programme themselves.",
        "decided_by": "Director of Place with the Cabinet lead for the Economy"
        if met
        else "Chief Executive with the Cabinet lead for Communities",
        "objectives_met": "yes" if met else "partly",
        "achievements": "Fourteen shopfronts restored, two empty buildings back in use, footfall up 12%."
        if met
        else "New community centre opened; 120 residents into work; crime down a fifth in Eastfield.",
        "lessons_learned": "A fixed programme with a clear end date kept partners focused."
        if met
        else "An exit strategy should have been agreed at the start, not in the final year.",
        "withdrawal_risks": "Low: the works are complete; the business improvement district keeps up events."
        if met
        else "Loss of the community engagement team; mitigated by the CVS taking on volunteers.",
        "handover_and_continuity": "Events and markets pass to the business improvement district."
        if met
        else "The community centre passes to Riverside Housing Association under a 25-year lease.",
        "legal_advice_taken": not met,
        "financial_advice_taken": not met,
        "advice_notes": ""
        if met
        else "Legal Services (contracts team) and the Section 151 officer advised on grant clawback and the lease.",
    }


def _create(spec: DemoPartnership, organisations: dict[str, Organisation], users: dict, today: date) -> None:
    officer, manager = users["officer"], users["manager"]
    partners = [
        services.PartnerInput(
            organisation=organisations[name],
            role=role,
            representative="" if name != COUNCIL else spec.lead,
            financial_contribution=Decimal(spec.contribution) if name == COUNCIL and spec.contribution else None,
            other_resources="Officer time and meeting rooms" if name == COUNCIL else "",
        )
        for name, role in spec.partners
    ]
    start = today - timedelta(days=spec.start_days_ago) if spec.status != "proposed" else None
    partnership = services.partnership_create(
        details={
            "name": spec.name,
            "reference": spec.reference,
            "purpose": spec.purpose,
            "aims_and_objectives": AIMS,
            "council_priorities": spec.priorities,
            "lead_officer": spec.lead,
            "senior_sponsor": spec.sponsor,
            "service_area": spec.service_area,
            "continuum": spec.continuum,
            "structure_model": spec.structure,
            "statutory_status": spec.statutory,
            "lifecycle_stage": spec.stage,
            "is_outside_body": spec.outside_body,
        },
        partners=partners,
        by=officer,
    )
    # A gateway not started yet has no risk assessment either; every other partnership has its risks, recorded
    # before its gateway was submitted (the gateway asks for the initial risk assessment).
    if spec.gateway or spec.status != "proposed":
        _record_risks(partnership, spec, officer, today)
    if spec.status == "proposed":
        if spec.gateway:
            review = services.gateway_save(
                partnership, answers=_answers(spec, spec.gateway), by=officer, submit=spec.gateway != "draft"
            )
            if spec.gateway == "returned":
                services.gateway_return(
                    review,
                    by=manager,
                    reason="The termination arrangements and the council's share of any losses must be "
                    "agreed before the council commits its land.",
                )
        return
    review = services.gateway_save(partnership, answers=_answers(spec, "approved"), by=officer, submit=True)
    services.gateway_approve(review, by=manager, today=start)
    partnership = services.partnership_update(
        partnership,
        partners=[],
        by=officer,
        details={"start_date": start, "review_due_date": today + timedelta(days=spec.review_in_days)},
    )
    if spec.outside_body:
        _outside_body_check(partnership, spec, officer)
    if spec.status == "exiting":
        values = _exit_values(spec, today)
        draft = {k: values[k] for k in ("reason", "decided_by")}
        draft["reason"] = (
            "The contract ends next year and the council is bringing the service back in house."
            if spec.number == 19
            else "The trust can now stand on its own; the council plans to step back."
        )
        services.exit_save(partnership, values=draft, by=officer)
    elif spec.status == "closed":
        services.exit_save(partnership, values=_exit_values(spec, today), by=officer, complete=True)


# The demo's risk library, one risk per category: (category, title, description, existing controls, action).
RISK_LIBRARY: tuple[tuple[str, str, str, str, str], ...] = (
    (
        "financial",
        "A partner reduces or withdraws its funding",
        "Budget pressures lead a partner to cut its contribution mid-year, leaving agreed work unfunded.",
        "Funding agreed for three years in the partnership agreement; budget reported to every board meeting.",
        "Agree a reserve and a fallback plan for the largest contribution",
    ),
    (
        "partner_relationship",
        "A key partner disengages",
        "Senior representatives stop attending and decisions are deferred, so the partnership drifts.",
        "Attendance reported to sponsors each quarter; the chair follows up two missed meetings in a row.",
        "Chair to meet each partner's senior sponsor one to one",
    ),
    (
        "delivery",
        "Agreed actions slip for lack of capacity",
        "Partners' staff are stretched, so actions in the delivery plan miss their dates.",
        "Delivery plan with named leads; progress reviewed monthly by the officer group.",
        "Re-plan the delivery programme against the staff actually available",
    ),
    (
        "data_protection",
        "Personal data shared without a lawful basis",
        "Case information is shared between partners beyond what the information sharing agreement allows.",
        "Information sharing agreement signed by every partner; data protection officers consulted.",
        "Refresh the information sharing agreement and train the officer group",
    ),
    (
        "legal_and_governance",
        "Decisions taken outside the terms of reference",
        "The board commits partners' money or staff without the delegations to do so.",
        "Terms of reference reviewed each year; the council's legal officer attends decision meetings.",
        "Publish a scheme of delegation for each partner",
    ),
    (
        "reputational",
        "Residents see no visible results",
        "Slow progress on the headline aims draws public and member criticism of the partnership.",
        "Annual report to the council's scrutiny committee; joint communications plan.",
        "Agree three visible quick wins for the coming year",
    ),
    (
        "strategic",
        "Partners' priorities drift apart",
        "Reorganisations and new national priorities pull partners away from the shared aims.",
        "Aims revisited at the annual review; senior sponsors meet twice a year.",
        "Refresh the shared aims at the next annual review",
    ),
)
# (likelihood, impact) of the highest risk for each rating, and of the lesser ones.
HIGHEST = {"high": ((4, 4), (5, 4), (4, 5)), "medium": ((3, 3), (3, 4), (4, 3)), "low": ((2, 2), (2, 3), (3, 2))}
LESSER = ((2, 2), (1, 3), (2, 3), (1, 2), (3, 2))
EXIT_RISK = (
    "exit",
    "Services to residents stop when the council withdraws",
    "Work the council funds or staffs ends with no one to take it over, and residents lose a service.",
    "Handover plan agreed with the remaining partners; six months' notice given.",
    "Confirm in writing who takes over each commitment",
)


def _record_risks(partnership: Partnership, spec: DemoPartnership, by, today: date) -> None:
    """Record two to four realistic risks, the highest giving the partnership its rating in ``spec.risk``; some
    with further actions (a few overdue), one closed; an exit risk for those leaving."""
    count = 2 + spec.number % 3
    picks = [RISK_LIBRARY[(spec.number + i * 3) % len(RISK_LIBRARY)] for i in range(count)]
    scales = [HIGHEST[spec.risk][spec.number % 3]] + [LESSER[(spec.number + i) % len(LESSER)] for i in range(count - 1)]
    if spec.status in ("exiting", "closed"):
        picks.append(EXIT_RISK)
        scales.append((3, 3) if spec.risk != "low" else (2, 3))
    for n, ((category, title, description, controls, action), (likelihood, impact)) in enumerate(
        zip(picks, scales, strict=True)
    ):
        due = today + timedelta(days=(spec.number * 11 + n * 17) % 120 - 30)  # some overdue, most ahead
        services.risk_save(
            partnership,
            values={
                "title": title,
                "description": description,
                "category": category,
                "likelihood": likelihood,
                "impact": impact,
                "owner": spec.lead if n % 2 == 0 else spec.sponsor,
                "existing_controls": controls,
                "review_date": today + timedelta(days=30 + (spec.number * 13 + n * 29) % 300),
            },
            actions=[services.RiskActionInput(None, action, due)] if n % 2 == 0 else [],
            by=by,
        )
    if spec.number % 5 == 0:
        services.risk_save(
            partnership,
            values={
                "title": "Venue for board meetings lost",
                "description": "The usual meeting room is no longer available.",
                "category": "delivery",
                "likelihood": 2,
                "impact": 1,
                "owner": spec.lead,
                "existing_controls": "Meetings rotate between partners' offices.",
                "review_date": today,
                "closed_on": today - timedelta(days=20),
            },
            by=by,
        )


def _outside_body_check(partnership: Partnership, spec: DemoPartnership, by) -> None:
    complete = spec.number != 7
    values = {
        "representatives": "Cabinet member for the Economy (director); Director of Place (observer)",
        "legal_status": "Company limited by guarantee" if spec.number != 7 else "Company limited by shares",
        "companies_house_filed": "yes",
        "insurance_in_place": "yes",
        "sound_financial_practices": "yes" if complete else "",
        "conflicts_declared": "yes",
        "declarations_at_first_meeting": "yes" if complete else "no",
        "confidentiality_observed": "yes",
        "conflicts_balanced": "yes" if complete else "",
        "advice_taken": "yes",
        "notes": "" if complete else "Waiting for the company's audited accounts.",
    }
    services.outside_body_check_save(partnership, values=values, by=by)


def _council_role(spec: DemoPartnership) -> str:
    roles = [role for name, role in spec.partners if name == COUNCIL]
    return f"{roles[0]}." if roles else "Funder and commissioner."


def _council_view(spec: DemoPartnership, priorities: dict[str, CouncilPriority], users: dict, today: date) -> None:
    """Give a demo partnership what the council's view reads (issue 19): the priorities it serves from the
    council's list, the council's role and the benefit to residents (a few left blank), a stale risk register
    and an override; left alone once its priorities are linked."""
    partnership = Partnership.objects.get(reference=spec.reference)
    if partnership.priorities.exists() or partnership.status == "closed":
        return
    blank = spec.number in ROLE_NOT_RECORDED
    purpose = spec.purpose[0].lower() + spec.purpose[1:]
    services.partnership_update(
        partnership,
        partners=[],
        by=users["officer"],
        details={
            "priorities": [priorities[name] for name in spec.priorities.split("; ")],
            "council_role": "" if blank else _council_role(spec),
            "benefit_to_residents": "" if blank else f"Residents gain because the partners {purpose}",
        },
    )
    if spec.number == RISKS_NOT_REVIEWED:
        # The register's own "last changed" stamps: set back directly, as if the risks were untouched for 14 months.
        Risk.objects.filter(partnership=partnership).update(updated_at=timezone.now() - timedelta(days=430))
    if spec.number == OVERRIDDEN[0]:
        services.partnership_significance_override(
            partnership, override=SignificanceOverride.SIGNIFICANT, reason=OVERRIDDEN[1], by=users["manager"]
        )


@transaction.atomic
def create_demo(users: dict, stdout) -> None:
    """Create the demo register for the users of ``seed_demo`` (keys "officer", "facilitator", "manager",
    "respondent"); partnerships whose reference exists already are left as they are."""
    today = timezone.localdate()
    organisations = {}
    for name, sector in ORGANISATIONS.items():
        organisations[name], _ = Organisation.objects.get_or_create(name=name, defaults={"sector": sector})
    existing = set(
        Partnership.objects.filter(reference__in=[spec.reference for spec in PARTNERSHIPS]).values_list(
            "reference", flat=True
        )
    )
    created = 0
    for spec in PARTNERSHIPS:
        if spec.reference in existing:
            continue
        _create(spec, organisations, users, today)
        created += 1
    Organisation.objects.filter(name=COUNCIL).update(is_the_council=True)
    priorities = {}
    for name in (SAFER, HEALTH, ECONOMY, GREEN, EFFICIENT):
        priorities[name], _ = CouncilPriority.objects.get_or_create(
            name=name, defaults={"is_strategic": name in STRATEGIC_PRIORITIES}
        )
    for spec in PARTNERSHIPS:
        _council_view(spec, priorities, users, today)
    stdout.write(f"Partnership register: {created} demo partnerships added, {len(existing)} already there.")
