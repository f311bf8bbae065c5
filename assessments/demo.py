"""Demo assessment rounds for ``python manage.py seed_demo`` (runs after ``partnerships.demo``).

For the first ten active demo partnerships (by reference): one to three closed yearly rounds with 8 to 20
submitted responses each from the partnership's own organisations and all three levels, some rounds in
consensus and some split between two organisations; and one open round with responses submitted, in progress
and not started, including an invitation for the demo respondent so "My assessments" has something in it.

Most closed rounds have the action plan their board agreed at the workshop (actions on the two weakest
principles: done for rounds of earlier years, in hand and not yet due for recent ones); a few have none, so the
portfolio's "Closed rounds without an action plan" has something to show.

Deterministic: every round draws from its own ``random.Random`` seeded by partnership reference and year.
Idempotent: a round is identified by its partnership and title and never created twice. Scores are worked out
by the same code as a real submission (``services.profile_scores``).

Shared with the council's demo (``reports.demo``), so every demo round is made by one recipe:
``RoundPlan``, ``create_closed_round``, ``partner_organisations``, ``round_exists`` and
``statements_by_principle``.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from assessments import unlinking
from assessments.instruments import default_instrument
from assessments.mailboxes import mailbox_key
from assessments.models import (
    ActionItem,
    ActionStatus,
    Answer,
    Invitation,
    Level,
    Principle,
    Purpose,
    Response,
    ResponseStatus,
    Round,
    RoundState,
    Statement,
)
from assessments.readmodel import InstrumentStructure
from assessments.selectors import instrument_structure
from assessments.services import profile_scores, round_bring_to
from assessments.tokens import issue_token, token_for
from partnerships.models import Membership, Partnership

PARTNERSHIP_COUNT = 10
# Positions (by reference) of the partnerships whose latest yearly round has no action plan.
ROUNDS_WITHOUT_PLAN = (4, 9)
DEMO_BASE_URL = "http://127.0.0.1:8000"
FALLBACK_ORGANISATIONS = ("Demo District Council", "Demoshire Police", "Demo Council for Voluntary Service")

FIRST_NAMES = (
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Eleanor",
    "Farid",
    "Grace",
    "Harry",
    "Imran",
    "Jess",
    "Kofi",
    "Laura",
    "Mohammed",
    "Nina",
    "Oliver",
    "Priya",
    "Rachel",
    "Simon",
    "Tariq",
    "Una",
    "Vikram",
    "Wendy",
    "Yusuf",
    "Zoe",
)
LAST_NAMES = (
    "Ahmed",
    "Baker",
    "Clarke",
    "Davies",
    "Evans",
    "Fletcher",
    "Green",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lewis",
    "Morgan",
    "Nowak",
    "Owen",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Taylor",
    "Walsh",
    "Young",
)

# (principle number, comment) pairs that a partner might write against a statement on that sheet.
STATEMENT_COMMENTS = (
    (1, "We have a good record on joint commissioning, but newer partners know little about it."),
    (1, "Each organisation could still meet most of its targets alone; the shared ones are the exception."),
    (2, "The aims are clear on paper; in practice each partner still puts its own targets first."),
    (2, "Our objectives are too many to be realistic with the money we have."),
    (3, "Board members attend, but decisions are often deferred back to home organisations."),
    (3, "Front-line staff are rarely told what the partnership has agreed."),
    (4, "Trust between the statutory partners is good; the voluntary sector feels like a junior partner."),
    (4, "Since the funding dispute last year, people are more guarded in meetings."),
    (5, "Papers arrive the night before, which makes it hard to prepare."),
    (5, "Nobody is quite sure who signs off spending between meetings."),
    (6, "We collect plenty of data but rarely stop to ask what it tells us."),
    (6, "The annual review is useful, but the actions from it drift."),
)
# The actions a board agrees at its workshop, for a weak principle ({principle}: its short title).
ACTION_TEXTS = (
    "Hold a board session on {principle}: agree two changes and report back at the next meeting.",
    "Each partner names a lead for {principle} and says what it will do in the next six months.",
)

SUCCESS_COMMENTS = (
    "Real progress on the shared plan this year; the challenge now is keeping momentum.",
    "Good intentions, but delivery has slipped behind the timetable we agreed.",
    "Better than two years ago; partners now bring problems to the table earlier.",
    "Too much time goes on process and not enough on outcomes for residents.",
    "Strong on the ground, weaker at strategic level.",
)


@dataclass(frozen=True)
class RoundPlan:
    title: str
    opens_on: datetime.date
    closes_on: datetime.date
    state: str
    anonymous: bool
    conflict: bool
    health: float  # the round's typical answer on the 1..4 scale
    action_plan: bool = True  # whether the board agreed an action plan after it


def create_demo(users: dict, stdout) -> None:
    """Create the demo rounds (see the module docstring); print one working link for the open round."""
    partnerships = list(Partnership.objects.filter(status="active").order_by("reference")[:PARTNERSHIP_COUNT])
    if len(partnerships) < PARTNERSHIP_COUNT:
        stdout.write(
            f"Assessment rounds: only {len(partnerships)} active partnerships (need {PARTNERSHIP_COUNT}); "
            "no demo rounds created."
        )
        return
    instrument = default_instrument()
    if instrument is None:
        stdout.write("Assessment rounds: no instrument loaded; no demo rounds created.")
        return
    statements = statements_by_principle(instrument)
    facilitator = users["facilitator"]
    respondent = users.get("respondent")
    today = timezone.localdate()
    created = 0
    for index, partnership in enumerate(partnerships):
        organisations = partner_organisations(partnership)
        base_health = 1.9 + (index * 0.37) % 1.6  # 1.9 .. 3.5: some partnerships healthier than others
        improving = index % 3 != 2
        for years_ago in range(1 + index % 3, 0, -1):
            year = today.year - years_ago
            plan = RoundPlan(
                title=f"Annual health check {year}",
                opens_on=datetime.date(year, 10, 1),
                closes_on=datetime.date(year, 10, 31),
                state=RoundState.CLOSED,
                anonymous=index != 1,
                conflict=(index + years_ago) % 3 == 0,
                health=base_health - (0.25 * years_ago if improving else -0.2 * years_ago),
                # Two boards have not yet agreed a plan after last year's round: the portfolio's warning.
                action_plan=not (years_ago == 1 and index in ROUNDS_WITHOUT_PLAN),
            )
            if round_exists(partnership, plan.title):
                continue
            rng = random.Random(f"{partnership.reference}-{year}")
            create_closed_round(
                rng,
                plan,
                partnership,
                instrument,
                facilitator,
                organisations,
                statements,
                respondent=respondent if index == 0 and years_ago == 1 else None,
            )
            created += 1
    open_round = _open_round(partnerships[0], instrument, facilitator, respondent, statements, today)
    if open_round[1]:
        created += 1
    stdout.write(f"Assessment rounds: {created} demo rounds created.")
    link_invitation = (
        Invitation.objects.live()
        .filter(round=open_round[0], response__isnull=True, submitted_on__isnull=True, user__isnull=True)
        .order_by("id")
        .first()
    )
    if link_invitation is not None:
        stdout.write(
            f"  Try the respondent's journey ({link_invitation.name}, {open_round[0].partnership.name}): "
            f"{DEMO_BASE_URL}/respond/{token_for(link_invitation)}/"
        )


def partner_organisations(partnership: Partnership) -> list[str]:
    """Return the names of the partnership's partner organisations (or stand-ins when it records none)."""
    names = list(
        Membership.objects.filter(partnership=partnership)
        .order_by("organisation__name")
        .values_list("organisation__name", flat=True)
    )
    return names or list(FALLBACK_ORGANISATIONS)


def round_exists(partnership: Partnership, title: str) -> bool:
    """Return True when the partnership already has a round of this title (the demo never makes one twice)."""
    return Round.objects.filter(partnership=partnership, title=title).exists()


def statements_by_principle(instrument) -> dict[int, list[int]]:
    """Return the instrument's statement ids by principle number, in the order they are answered."""
    result: dict[int, list[int]] = {}
    rows = Statement.objects.filter(principle__instrument=instrument).order_by("position")
    for statement_id, number in rows.values_list("id", "principle__number"):
        result.setdefault(number, []).append(statement_id)
    return result


def _people(rng: random.Random, count: int, organisations: Sequence[str], tag: str) -> list[dict]:
    """Return ``count`` invented people spread over the organisations and all three levels."""
    levels = list(Level.values)
    people = []
    for n in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        organisation = organisations[n % len(organisations)]
        domain = "".join(c for c in organisation.lower() if c.isalnum())[:24]
        people.append(
            {
                "name": f"{first} {last}",
                "email": f"{first}.{last}.{tag}{n}@{domain}.example".lower(),
                "organisation": organisation,
                "level": levels[(n + n // len(organisations)) % len(levels)],
            }
        )
    return people


def _principle_means(rng: random.Random, health: float) -> dict[int, float]:
    # Trust and monitoring tend to lag; need for partnership tends to lead (as in the seed's case examples).
    offsets = {1: 0.35, 2: 0.1, 3: 0.0, 4: -0.3, 5: 0.05, 6: -0.25}
    return {n: min(3.8, max(1.2, health + offset + rng.uniform(-0.2, 0.2))) for n, offset in offsets.items()}


def _answers(rng: random.Random, mean: float, structure: InstrumentStructure) -> list[int]:
    low, high = structure.answer_scale.min, structure.answer_scale.max
    return [min(high, max(low, round(rng.gauss(mean, 0.55)))) for _ in range(structure.statements_per_principle)]


def _build_response(
    rng: random.Random,
    invitation: Invitation,
    means: dict[int, float],
    split: tuple[str, str, set[int]] | None,
    statements: dict[int, list[int]],
    with_comments: bool,
) -> tuple[Response, list[Answer]]:
    structure = instrument_structure(invitation.round.instrument)
    values: dict[int, list[int]] = {}
    for number, mean in means.items():
        if split and number in split[2] and invitation.organisation in split[:2]:
            # The conflict: one organisation sees this principle far more kindly than the other.
            mean = min(3.9, mean + 0.9) if invitation.organisation == split[0] else max(1.1, mean - 1.1)
        values[number] = _answers(rng, mean, structure)
    overall = sum(sum(v) for v in values.values()) / len(structure.statements)
    sig_low, sig_high = min(structure.significance_values), max(structure.significance_values)
    significance = [
        min(sig_high, max(sig_low, round(rng.gauss(3.4 + (0.8 if n in (3, 4) else 0), 0.9))))
        for n in structure.principle_numbers
    ]
    success = min(structure.answer_scale.max, max(structure.answer_scale.min, round(rng.gauss(overall, 0.5))))
    scores, total = profile_scores(values, structure)
    # An incomplete principle's score is a NULL array element; the stubs type the elements as the non-null base field.
    response = Response(  # type: ignore[misc]
        invitation=invitation,
        round_id=invitation.round_id,
        status=ResponseStatus.SUBMITTED,
        significance=significance,
        success=success,
        success_comment=rng.choice(SUCCESS_COMMENTS) if with_comments and rng.random() < 0.6 else "",
        principle_scores=scores,
        total=total,
    )
    comments: dict[int, str] = {}
    if with_comments:
        number, text = rng.choice(STATEMENT_COMMENTS)
        comments[rng.choice(statements[number])] = text
    answers = [
        Answer(
            response=response,
            statement_id=statement_id,
            value=values[number][i],
            comment=comments.get(statement_id, ""),
        )
        for number, ids in statements.items()
        for i, statement_id in enumerate(ids)
    ]
    return response, answers


def _invitations(round_: Round, people: Sequence[dict], invited_at: datetime.datetime) -> list[Invitation]:
    invitations = []
    for person in people:
        invitation = Invitation(round=round_, invited_at=invited_at, mailbox=mailbox_key(person["email"]), **person)
        issue_token(invitation)
        invitations.append(invitation)
    return Invitation.objects.bulk_create(invitations)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def create_closed_round(
    rng: random.Random,
    plan: RoundPlan,
    partnership: Partnership,
    instrument,
    facilitator,
    organisations: Sequence[str],
    statements: dict[int, list[int]],
    respondent=None,
) -> Round:
    """Create a closed round as ``plan`` describes, with its invitations and submitted responses (stored as the
    services store them) and, when the plan says so, its action plan; return the round."""
    round_ = Round.objects.create(
        partnership=partnership,
        instrument=instrument,
        title=plan.title,
        purpose=Purpose.HEALTH_CHECK,
        facilitator=facilitator,
        levels=list(Level.values),
        feedback_arrangements="Results presented at a workshop of the partnership board in November.",
        action_arrangements="The board agrees an action plan at the workshop and reviews it quarterly.",
        opens_on=plan.opens_on,
        closes_on=plan.closes_on,
        anonymous=plan.anonymous,
    )
    # Through its transitions, then dated as the past round it stands for (closed on its close date).
    round_ = round_bring_to(round_, plan.state)
    round_.closed_at = _at(plan.closes_on, 17)
    round_.save(update_fields=["closed_at"])
    responding = rng.randint(8, 20)
    people = _people(rng, responding + rng.randint(0, 3), organisations, f"{plan.opens_on.year}")
    invitations = _invitations(round_, people, _at(plan.opens_on))
    if respondent is not None:
        own = Invitation(
            round=round_,
            name=respondent.get_full_name(),
            email=respondent.email,
            organisation=organisations[0],
            level=Level.MANAGEMENT,
            user=respondent,
            invited_at=_at(plan.opens_on),
        )
        issue_token(own)
        own.save()
        invitations = [own, *invitations]
        responding += 1
    means = _principle_means(rng, plan.health)
    split = None
    if plan.conflict and len(set(organisations)) >= 2:
        split = (organisations[0], organisations[1], set(rng.sample(range(1, 7), 3)))
    commenters = set(rng.sample(range(responding), min(responding, rng.randint(3, 5))))
    responses, answers = [], []
    for n, invitation in enumerate(invitations[:responding]):
        response, items = _build_response(rng, invitation, means, split, statements, n in commenters)
        response.submitted_at = _at(plan.opens_on + datetime.timedelta(days=rng.randint(0, 29)), rng.randint(8, 18))
        responses.append(response)
        answers.extend(items)
    Response.objects.bulk_create(responses)
    for answer in answers:
        answer.response_id = answer.response.pk
    Answer.objects.bulk_create(answers)
    # Written as linked rows first (quick to build), then stored as the services store them.
    unlinking.unlink_submitted(django_apps, [round_.pk], min_group_size=settings.PHC_MIN_GROUP_SIZE)
    if plan.action_plan:
        _action_plan(rng, round_, means, partnership)
    return round_


def _action_plan(rng: random.Random, round_: Round, means: dict[int, float], partnership: Partnership) -> None:
    """Add the actions the board agreed at the round's workshop: two on each of its two weakest principles. A
    plan of an earlier year is carried out (one action dropped now and then); a recent one is in hand, every
    action due after today, so the demo's compliance shows no overdue action it did not mean to."""
    today = timezone.localdate()
    weakest = sorted(means, key=means.__getitem__)[:2]
    principles = {p.number: p for p in Principle.objects.filter(instrument_id=round_.instrument_id, number__in=weakest)}
    finished = round_.closes_on < today - datetime.timedelta(days=365)
    owners = [partnership.lead_officer or "Partnership manager", "Chair of the board", "Partnership manager"]
    actions = []
    for rank, number in enumerate(weakest):
        principle = principles[number]
        for step, text in enumerate(ACTION_TEXTS):
            if finished:
                due = round_.closes_on + datetime.timedelta(days=90 + 90 * (rank + step))
                status = ActionStatus.DROPPED if rng.random() < 0.1 else ActionStatus.DONE
            else:
                due = today + datetime.timedelta(days=30 + 60 * (rank + step))
                status = ActionStatus.IN_PROGRESS if step == 0 else ActionStatus.NOT_STARTED
            actions.append(
                ActionItem(
                    round=round_,
                    principle=principle,
                    description=text.format(principle=principle.short_title.lower()),
                    owner=owners[(rank + step) % len(owners)],
                    due_date=due,
                    status=status,
                )
            )
    bulk_create_with_history(actions, ActionItem)


def _open_round(partnership, instrument, facilitator, respondent, statements, today) -> tuple[Round, bool]:
    """Return this year's open round of the first partnership (created if missing) and whether it is new."""
    title = f"Annual health check {today.year}"
    existing = Round.objects.filter(partnership=partnership, title=title).first()
    if existing is not None:
        return existing, False
    rng = random.Random(f"{partnership.reference}-{today.year}-open")
    organisations = partner_organisations(partnership)
    round_ = Round.objects.create(
        partnership=partnership,
        instrument=instrument,
        title=title,
        purpose=Purpose.HEALTH_CHECK,
        facilitator=facilitator,
        levels=list(Level.values),
        feedback_arrangements="Results presented at the partnership board's workshop after the round closes.",
        action_arrangements="The board agrees an action plan at the workshop.",
        opens_on=today - datetime.timedelta(days=10),
        closes_on=today + datetime.timedelta(days=20),
        anonymous=True,
    )
    round_ = round_bring_to(round_, RoundState.OPEN)
    invitations = _invitations(round_, _people(rng, 12, organisations, "open"), _at(round_.opens_on))
    if respondent is not None:
        own = Invitation(
            round=round_,
            name=respondent.get_full_name(),
            email=respondent.email,
            organisation=organisations[0],
            level=Level.MANAGEMENT,
            user=respondent,
            invited_at=_at(round_.opens_on),
        )
        issue_token(own)
        own.save()
    means = _principle_means(rng, 2.9)
    responses, answers = [], []
    for n, invitation in enumerate(invitations[:9]):
        response, items = _build_response(rng, invitation, means, None, statements, n in (0, 3))
        if n < 5:
            response.submitted_at = timezone.now() - datetime.timedelta(days=9 - n)
        else:
            # In progress: the first few sheets answered, nothing scored yet.
            sheets_done = n - 3
            done_ids = {i for number in range(1, sheets_done + 1) for i in statements[number]}
            items = [a for a in items if a.statement_id in done_ids]
            response.status = ResponseStatus.IN_PROGRESS
            response.principle_scores = None
            response.total = None
            response.significance = []
            response.success = None
            response.success_comment = ""
        responses.append(response)
        answers.extend(items)
    Response.objects.bulk_create(responses)
    for answer in answers:
        answer.response_id = answer.response.pk
    Answer.objects.bulk_create(answers)
    unlinking.unlink_submitted(django_apps, [round_.pk], min_group_size=settings.PHC_MIN_GROUP_SIZE)
    return round_, True
