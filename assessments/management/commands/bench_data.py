"""python manage.py bench_data: a deterministic, national-scale data set for `make bench`.

N partnerships with partner organisations, one closed round a year for Y years, R submitted responses a round
(36 answers, significance, success, comments), and action plans. Rows are written with PostgreSQL COPY, so the
default (500 x 5 x 12: 30,000 responses, about 1.1 million answers) takes a minute or two, not an hour.
Run it against the benchmark database only (bench/run.py points DATABASE_URL there).
"""

from __future__ import annotations

import io
import random
import time
from datetime import date, datetime, timedelta

from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from assessments import tokens, unlinking
from assessments.instruments import default_instrument
from assessments.models import ActionItem, GroupTally, Invitation, Response, Round, Statement
from assessments.selectors import instrument_structure
from assessments.services import profile_scores
from config.roles import FACILITATOR, MANAGER
from partnerships.models import (
    Continuum,
    GatewayReview,
    GatewayStatus,
    LifecycleStage,
    Membership,
    Organisation,
    Partnership,
    RiskRating,
    Sector,
    StatutoryStatus,
    StructureModel,
)

MARKER = "BENCH-"
SERVICE_AREAS = [
    "Community safety",
    "Health and wellbeing",
    "Economic development",
    "Housing",
    "Environment",
    "Children and young people",
    "Transport",
    "Culture and leisure",
]
LEVELS = ["board", "management", "front_line"]
COMMENTS = [
    "Budgets are not pooled yet.",
    "Good progress this year.",
    "Roles need to be clearer.",
    "Trust has improved since the new chair.",
    "Data sharing is still slow.",
    "",
]


def _copy(table: str, columns: list[str], rows) -> int:
    buffer = io.StringIO()
    count = 0
    for row in rows:
        count += 1
        buffer.write("\t".join(_cell(v) for v in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def _element(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):  # quoted, so that an empty or punctuated comment is one element
        return '"' + value.replace("\\", "").replace('"', "'").replace("\t", " ").replace("\n", " ") + '"'
    return str(value)


def _cell(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, list):
        return "{" + ",".join(_element(v) for v in value) + "}"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


class Command(BaseCommand):
    help = "Create the benchmark data set (deterministic). Refuses to run twice on the same database."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--partnerships", type=int, default=500)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--respondents", type=int, default=12)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, partnerships: int, years: int, respondents: int, seed: int, **options) -> None:
        if Partnership.objects.filter(reference__startswith=MARKER).exists():
            raise CommandError("This database already holds benchmark data; use a fresh benchmark database.")
        started = time.perf_counter()
        rng = random.Random(seed)
        instrument = default_instrument()
        statements = list(Statement.objects.filter(principle__instrument=instrument).order_by("position"))
        User = get_user_model()
        with transaction.atomic():
            facilitator, _ = User.objects.get_or_create(username="bench-facilitator")
            facilitator.groups.add(Group.objects.get(name=FACILITATOR))
            manager, _ = User.objects.get_or_create(username="bench-manager")
            manager.groups.add(Group.objects.get(name=MANAGER))
            for u in (facilitator, manager):
                u.set_password("bench-password-2026")
                u.save()

            organisations = Organisation.objects.bulk_create(
                [
                    Organisation(name=f"{MARKER}Organisation {i:04d}", sector=list(Sector.values)[i % 4])
                    for i in range(max(20, partnerships // 2))
                ]
            )
            today = timezone.localdate()
            parts = Partnership.objects.bulk_create(
                [
                    Partnership(
                        name=f"Partnership {i:04d}",
                        reference=f"{MARKER}{i:05d}",
                        purpose="Deliver joined-up services for residents.",
                        lead_officer=f"Officer {i % 40}",
                        senior_sponsor=f"Director {i % 8}",
                        service_area=SERVICE_AREAS[i % len(SERVICE_AREAS)],
                        continuum=rng.choice(Continuum.values),
                        structure_model=rng.choice(StructureModel.values),
                        statutory_status=rng.choice(StatutoryStatus.values),
                        lifecycle_stage=rng.choice(LifecycleStage.values),
                        status="active",
                        risk=rng.choice(RiskRating.values),
                        start_date=date(today.year - years - 1, 4, 1),
                        review_due_date=today + timedelta(days=rng.randint(-90, 365)),
                    )
                    for i in range(partnerships)
                ]
            )
            # The documented bulk construction path (see partnerships.services.partnership_bring_to): an active
            # partnership always comes with its approved gateway, as if it had gone through the transitions.
            now = timezone.now()
            GatewayReview.objects.bulk_create(
                [
                    GatewayReview(partnership=p, status=GatewayStatus.APPROVED, submitted_at=now, decided_at=now)
                    for p in parts
                ]
            )
            memberships = []
            for p in parts:
                for org in rng.sample(organisations, 3):
                    memberships.append(Membership(partnership=p, organisation=org, role="Partner"))
            Membership.objects.bulk_create(memberships)

            rounds = Round.objects.bulk_create(
                [
                    Round(
                        partnership=p,
                        instrument=instrument,
                        title=f"Health check {today.year - years + y}",
                        facilitator=facilitator,
                        levels=LEVELS,
                        opens_on=date(today.year - years + y, 2, 1),
                        closes_on=date(today.year - years + y, 3, 31),
                        anonymous=True,
                        # Closed rounds of earlier years, as round_bring_to would leave them, closed on the day
                        # planned (a close time of today would date every year's round this year in reports).
                        state="closed",
                        closed_at=datetime(today.year - years + y, 3, 31, 17, tzinfo=timezone.get_current_timezone()),
                    )
                    for p in parts
                    for y in range(years)
                ]
            )
            self.stdout.write(f"{len(parts)} partnerships, {len(rounds)} rounds; writing responses...")
            orgs_of: dict[int, list[str]] = {}
            for m in memberships:
                orgs_of.setdefault(m.partnership_id, []).append(m.organisation.name)
            invitations = []
            for r in rounds:
                for k in range(respondents):
                    salt = f"{r.pk:016x}{k:016x}"
                    invitations.append(
                        Invitation(
                            round=r,
                            name=f"Respondent {r.pk}-{k}",
                            email=f"r{r.pk}-{k}@bench.example",
                            mailbox=f"r{r.pk}-{k}@bench.example",
                            submitted_on=r.closes_on,
                            organisation=orgs_of[r.partnership_id][k % 3],
                            level=LEVELS[k % 3],
                            token_salt=salt,
                            token_hash=tokens.hash_token(tokens.token_for_salt(salt)),
                        )
                    )
            invitations = Invitation.objects.bulk_create(invitations, batch_size=5000)
            self.write_responses(rng, rounds, invitations, statements, respondents)
            actions = []
            principles = list(instrument.principles.all())
            for r in rounds:
                for j in range(2):
                    actions.append(
                        ActionItem(
                            round=r,
                            principle=principles[(r.pk + j) % 6],
                            description="Agree a shared plan",
                            owner="Partnership manager",
                            due_date=r.closes_on + timedelta(days=180),
                            status=["done", "in_progress", "not_started"][(r.pk + j) % 3],
                        )
                    )
            ActionItem.objects.bulk_create(actions, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark data: {len(parts)} partnerships, {len(rounds)} rounds, {len(invitations)} responses, "
                f"{len(invitations) * len(statements)} answers in {elapsed:.0f} s."
            )
        )

    def write_responses(self, rng, rounds, invitations, statements, respondents) -> None:
        # The rounds are anonymous and closed: their responses are written as the services leave them,
        # unlinked (random ids, no invitation, no times, answers in arrays) with the final group tallies.
        by_round: dict[int, list[Invitation]] = {}
        for inv in invitations:
            by_round.setdefault(inv.round_id, []).append(inv)
        response_rows, tallies = [], []
        structure = instrument_structure(rounds[0].instrument)
        low, high = structure.answer_scale.min, structure.answer_scale.max
        for r in rounds:
            centre = rng.uniform(1.8, 3.6)  # each round its own health
            spread = rng.choice([0.4, 0.7, 1.1])  # consensus ... conflict
            members = []
            for inv in by_round[r.id]:
                lean = rng.gauss(0, spread)
                answers = [min(high, max(low, round(centre + lean + rng.gauss(0, 0.6)))) for _ in statements]
                by_principle: dict[int, list[int | None]] = {}
                for statement, value in zip(structure.statements, answers, strict=True):
                    by_principle.setdefault(statement.principle, []).append(value)
                scores, total = profile_scores(by_principle, structure)
                comment = rng.choice(COMMENTS)
                if total is None:
                    raise CommandError("A bench response answers every statement.")
                members.append((inv.organisation, inv.level, [s for s in scores if s is not None]))
                response_rows.append(
                    (
                        unlinking.random_id(),
                        r.id,
                        "submitted",
                        [rng.choice(structure.significance_values) for _ in structure.principles],
                        rng.randint(low, high),
                        comment,
                        scores,
                        total,
                        answers,
                        [comment if s.position % 12 == 1 else "" for s in statements],
                    )
                )
            tallies.extend(unlinking.final_tallies(django_apps, r.id, members, settings.PHC_MIN_GROUP_SIZE))
        rng.shuffle(response_rows)
        _copy(
            Response._meta.db_table,
            [
                "id",
                "round_id",
                "status",
                "significance",
                "success",
                "success_comment",
                "principle_scores",
                "total",
                "answer_values",
                "answer_comments",
            ],
            response_rows,
        )
        GroupTally.objects.bulk_create(tallies, batch_size=5000)
