"""Time and memory of the two PDF reports: the partnership annual report and the portfolio report.

Run from the project root:

    python bench/bench_pdf.py                       # the database DATABASE_URL (or var/pgdata) points at
    python bench/bench_pdf.py --scratch --partnerships 500   # a throw-away database with 500 made-up ones

``--partnerships N`` adds N synthetic partnerships (references BENCH-00001...) with rounds, responses and
actions, unless they are there already. Each report is rendered ``--repeat`` times (default 5) in a separate
child process, after one warm-up render that also fills the chart cache; the median wall and CPU times are printed with
the child's own peak resident set size (``VmHWM``: ``ru_maxrss`` from ``os.wait4`` would survive ``exec`` and
report the parent's size), beside the peak of a child that only starts Django and imports WeasyPrint, so the
reports' own share shows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_PREFIX = "BENCH-"
ORGANISATIONS = [
    ("Borough Council", "public"),
    ("County Council", "public"),
    ("Integrated Care Board", "public"),
    ("Police Service", "public"),
    ("Fire and Rescue Service", "public"),
    ("Housing Association", "voluntary"),
    ("Citizens Advice", "voluntary"),
    ("Volunteer Centre", "voluntary"),
    ("Chamber of Commerce", "private"),
    ("Regional Bus Company", "private"),
    ("University", "other"),
    ("Further Education College", "public"),
]
THEMES = [
    "Community Safety",
    "Health and Wellbeing",
    "Children and Young People",
    "Homelessness Prevention",
    "Economic Growth",
    "Climate Action",
    "Adult Social Care",
    "Town Centre",
    "Skills and Employment",
    "Domestic Abuse",
    "Active Travel",
    "Digital Inclusion",
    "Food Poverty",
    "Culture and Heritage",
]
COMMENTS = [
    "Budgets are not shared and each partner still reports separately.",
    "The board meets regularly but decisions are taken elsewhere.",
    "Front-line staff were not told about the new priorities.",
    "Good relationships between officers; less so at member level.",
    "We measure activity, not outcomes.",
    "",
    "",
]
ACTIONS = [
    "Agree a one-page statement of shared purpose and publish it to every partner",
    "Review the terms of reference and the decision-making route",
    "Set up a joint performance dashboard with three outcome measures",
    "Hold a facilitated trust-building session for board members",
    "Invite front-line staff to the annual review",
    "Agree how resources are pooled and reported",
]


def setup_django(scratch: bool) -> None:
    """Configure Django on DATABASE_URL (or var/pgdata); with ``scratch``, on a new throw-away database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    if scratch and not os.environ.get("DATABASE_URL"):
        from config.db import embedded_database_url

        folder = Path(tempfile.mkdtemp(prefix="bench-pgdata-", dir=ROOT / "var"))
        folder.rmdir()
        os.environ["DATABASE_URL"] = embedded_database_url(folder, cleanup_mode="delete")
    import django

    django.setup()
    if scratch:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)


def principle_answers(rng: random.Random, centres: list[float]) -> list[int]:
    """Return 36 answers (1..4) scattered around each principle's centre score."""
    answers = []
    for centre in centres:
        score = max(6, min(24, round(rng.gauss(centre, 2.5))))
        base, extra = divmod(score, 6)
        six = [min(4, base + 1)] * extra + [base] * (6 - extra)
        rng.shuffle(six)
        answers += six
    return answers


def make_partnerships(count: int, seed: int = 8) -> None:
    """Create ``count`` synthetic partnerships with partners, rounds over three years, responses and actions."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import transaction

    from assessments.models import ActionItem, ActionStatus, Level, Principle, RoundState
    from assessments.tests.factories import add_responses, make_round
    from partnerships.models import Membership, Organisation, Partnership, Status
    from partnerships.services import exit_save, risk_save

    existing = Partnership.objects.filter(reference__startswith=BENCH_PREFIX).count()
    if existing >= count:
        return
    rng = random.Random(seed)
    this_year = timezone.localdate().year
    User = get_user_model()
    facilitator, created = User.objects.get_or_create(
        username="bench-facilitator", defaults={"first_name": "Bench", "last_name": "Facilitator"}
    )
    if created:
        facilitator.groups.add(Group.objects.get(name="Facilitator"))
    manager, created = User.objects.get_or_create(username="bench-manager")
    if created:
        manager.groups.add(Group.objects.get(name="Manager"))
    organisations = [Organisation.objects.get_or_create(name=n, defaults={"sector": s})[0] for n, s in ORGANISATIONS]
    principles = None
    levels = [Level.BOARD, Level.MANAGEMENT, Level.FRONT_LINE]
    for i in range(existing + 1, count + 1):
        with transaction.atomic():
            status = rng.choices(["active", "proposed", "exiting", "closed"], weights=[80, 6, 6, 8])[0]
            p = Partnership.objects.create(
                name=f"{rng.choice(THEMES)} Partnership {i:03d}",
                reference=f"{BENCH_PREFIX}{i:05d}",
                purpose="To join up the partners' work so residents get one service, not five.",
                aims_and_objectives="Reduce repeat demand by a fifth in three years.",
                lead_officer=f"Officer {i}",
                senior_sponsor=f"Director {i % 17}",
                service_area=rng.choice(["Communities", "Health", "Place", "Children's Services"]),
                continuum=rng.choice(["info_sharing", "joint_planning", "pooled_resources", "joint_delivery"]),
                structure_model=rng.choice(["public_consortium", "jv_non_profit", "partnering_contract", "informal"]),
                statutory_status=rng.choice(["statutory", "non_statutory"]),
                lifecycle_stage=rng.choice(["forming", "frustration", "functioning", "flying", "failing"]),
                status="active" if status in ("exiting", "closed") else status,
                start_date=date(this_year - 4, 4, 1),
                review_due_date=timezone.localdate() + timedelta(days=rng.randint(-120, 300)),
            )
            members = rng.sample(organisations, rng.randint(3, 6))
            Membership.objects.bulk_create(
                [
                    Membership(partnership=p, organisation=o, role="Lead partner" if k == 0 else "Partner")
                    for k, o in enumerate(members)
                ]
            )
            if status == "proposed":
                continue
            centres = [rng.uniform(9, 21) for _ in range(6)]
            for year in range(this_year - 2, this_year + 1):
                if rng.random() < 0.25:
                    continue
                round_ = make_round(
                    facilitator,
                    partnership=p,
                    closes_on=date(year, rng.randint(1, 10), 15),
                    anonymous=rng.random() < 0.7,
                    title=f"Health check {year}",
                    state=RoundState.CLOSED,
                )
                respondents = rng.randint(4, 14)
                for k in range(respondents):
                    add_responses(
                        round_,
                        [principle_answers(rng, centres)],
                        organisations=[members[k % len(members)].name],
                        levels=[levels[k % 3]],
                        significance=[rng.randint(1, 5) for _ in range(6)],
                        success=rng.randint(1, 4),
                        comment=rng.choice(COMMENTS),
                    )
                if principles is None:
                    principles = list(Principle.objects.filter(instrument=round_.instrument).order_by("number"))
                ActionItem.objects.bulk_create(
                    [
                        ActionItem(
                            round=round_,
                            principle=rng.choice(principles),
                            description=rng.choice(ACTIONS),
                            owner=f"Officer {rng.randint(1, 40)}",
                            due_date=round_.closes_on + timedelta(days=rng.randint(30, 300)),
                            status=rng.choice(list(ActionStatus.values)),
                        )
                        for _ in range(rng.randint(0, 5))
                    ]
                )
                centres = [min(22, c + rng.uniform(-1.5, 2.5)) for c in centres]
            if status in ("exiting", "closed"):
                risk_save(
                    p,
                    values={
                        "title": "Residents lose the shared referral route",
                        "category": "exit",
                        "likelihood": 2,
                        "impact": 3,
                        "owner": p.lead_officer,
                        "review_date": date(this_year, 12, 31),
                    },
                    by=manager,
                )
                exit_save(
                    p,
                    values={
                        "exit_date": date(this_year - rng.randint(0, 1), rng.randint(1, 12), 1),
                        "reason": "The joint work has moved into the integrated care partnership.",
                        "objectives_met": "partly",
                        "achievements": "A shared referral route for residents.",
                        "lessons_learned": "Agree the exit terms and data handover when the partnership is formed.",
                        "withdrawal_risks": "Loss of the shared referral route; mitigated by handover.",
                        "handover_and_continuity": "The integrated care partnership takes over the route.",
                        "legal_advice_taken": True,
                        "financial_advice_taken": True,
                        "advice_notes": "Legal services and the finance business partner, at the decision.",
                    },
                    by=manager,
                    complete=status == "closed",
                )
        if i % 50 == 0:
            print(f"  {i} partnerships", flush=True)
    Partnership.objects.filter(reference__startswith=BENCH_PREFIX, status=Status.ACTIVE, review_due_date=None).update(
        review_due_date=timezone.localdate()
    )


def busiest_partnership() -> tuple[int, int]:
    """Return (partnership id, year) of the partnership with the most submitted responses in its latest year."""
    from django.db.models import Count, Max

    from assessments.models import Round

    row = (
        Round.objects.values("partnership_id")
        .annotate(n=Count("responses"), last=Max("closes_on"))
        .order_by("-n", "partnership_id")
        .first()
    )
    if row is None:
        raise SystemExit("No round in this database: give --partnerships N or run seed_demo first.")
    return row["partnership_id"], row["last"].year


def child(kind: str, pk: int, year: int, repeat: int) -> None:
    """Render one report ``repeat`` times after a warm-up; print the times (seconds) as JSON."""
    from partnerships.models import Partnership
    from reports import pdf, selectors

    def render() -> int:
        if kind == "portfolio":
            return len(pdf.portfolio_report_pdf(selectors.portfolio_report(year)))
        if kind == "partnership":
            return len(pdf.partnership_report_pdf(selectors.partnership_report(Partnership.objects.get(pk=pk), year)))
        return 0  # "baseline": Django and WeasyPrint imported, nothing loaded or rendered

    first_start = time.perf_counter()
    size = render()
    first = time.perf_counter() - first_start
    times, cpu = [], []
    for _ in range(repeat if kind != "baseline" else 0):
        start, start_cpu = time.perf_counter(), time.process_time()
        render()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    from pdf_child import own_peak_mb

    print(json.dumps({"first": first, "times": times, "cpu": cpu, "bytes": size, "peak_kib": own_peak_mb() * 1024}))


def run_child(kind: str, pk: int, year: int, repeat: int) -> tuple[dict, int]:
    """Run ``child`` in a new process; return its output and its own peak RSS (VmHWM) in KiB."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", kind, "--pk", str(pk), "--year", str(year), "--repeat", str(repeat)],
        stdout=subprocess.PIPE,
        env=os.environ.copy(),
    )
    assert process.stdout is not None
    out = process.stdout.read()
    process.returncode = process.wait()
    if process.returncode:
        raise SystemExit(f"{kind} child failed ({process.returncode})")
    result = json.loads(out.decode().strip().splitlines()[-1])
    return result, int(result["peak_kib"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partnerships", type=int, default=0, help="add synthetic partnerships up to this number")
    parser.add_argument("--scratch", action="store_true", help="use a throw-away embedded PostgreSQL")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--year", type=int, default=None, help="the portfolio's year (default: this year)")
    parser.add_argument("--child", choices=["portfolio", "partnership", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--pk", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        setup_django(scratch=False)
        child(args.child, args.pk, args.year, args.repeat)
        return

    setup_django(args.scratch)
    if args.partnerships:
        print(f"Making {args.partnerships} synthetic partnerships...", flush=True)
        start = time.perf_counter()
        make_partnerships(args.partnerships)
        print(f"  done in {time.perf_counter() - start:.0f} s")
    from django.db import connection

    from assessments.models import Response, Round
    from partnerships.models import Partnership

    connection.close()  # the children open their own
    pk, partnership_year = busiest_partnership()
    year = args.year or timezone.localdate().year
    print(
        f"Data: {Partnership.objects.count()} partnerships, {Round.objects.count()} rounds, "
        f"{Response.objects.count()} responses; portfolio {year}; annual report of partnership {pk} "
        f"({partnership_year}, {Response.objects.filter(round__partnership_id=pk).count()} responses in all rounds)"
    )
    connection.close()
    _, baseline_rss = run_child("baseline", pk, partnership_year, 0)
    print(f"   baseline: Django and WeasyPrint imported, nothing rendered: peak RSS {baseline_rss / 1024:.0f} MiB")
    for kind, report_year in (("partnership", partnership_year), ("portfolio", year)):
        result, rss = run_child(kind, pk, report_year, args.repeat)
        times = result["times"]
        print(
            f"{kind:>11}: median {statistics.median(times):6.2f} s wall, {statistics.median(result['cpu']):.2f} s CPU, "
            f"of {len(times)} (wall min {min(times):.2f}, max {max(times):.2f}; first, cold chart cache "
            f"{result['first']:.2f} s), {result['bytes'] / 1024:.0f} KiB PDF, peak RSS {rss / 1024:.0f} MiB"
        )
    print(f"   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: wall times include waiting for a CPU)")


if __name__ == "__main__":
    main()
