"""make bench-load: 50 simulated respondents against gunicorn on 127.0.0.1 for 60 seconds, twice.

Run 1 is a plain load run. Run 2 restarts the database half way through: requests may fail while it is down,
but no accepted response may be lost, and the site must recover without a restart. After each run the
database is checked: every accepted submit is there exactly once, with every answer, and nothing else is
marked submitted. Loopback only; every loop is bounded in time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from django.utils import timezone  # noqa: E402
from run import bench_database_url, setup_django  # noqa: E402

USERS = 50
DURATION = 60
PORT = 8765
WORKERS = 5  # 2 x cores + 1 sync workers for a 2-core machine


def prepare(label: str) -> tuple[int, list[str], dict[str, list[int]]]:
    from django.core.management import call_command

    from assessments import services
    from assessments.models import Round, Statement
    from partnerships.models import Partnership

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not Partnership.objects.filter(reference__startswith="BENCH-").exists():
        call_command("bench_data", partnerships=50, years=2, respondents=12, seed=2026)
    base = Round.objects.filter(partnership__reference="BENCH-00004").first()
    assert base is not None, "bench_data did not create BENCH-00004"
    stamp = int(time.time())
    round_ = Round.objects.create(
        partnership=base.partnership,
        instrument=base.instrument,
        title=f"Load run {label} {stamp}",
        facilitator=base.facilitator,
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
        state="open",
        levels=base.levels,
    )
    tokens = [
        services.invitation_create(
            round_, services.InvitationRow(f"Load {i}", f"load{stamp}-{i}@bench.example", "Council", "management")
        )[1]
        for i in range(USERS * 40)
    ]
    statements: dict[str, list[int]] = {}
    for s in Statement.objects.filter(principle__instrument=round_.instrument).select_related("principle"):
        statements.setdefault(str(s.principle.number), []).append(s.pk)
    return round_.pk, tokens, statements


def check(round_id: int, accepted: list[str]) -> dict:
    """Compare the submits the respondents saw accepted with the database. An anonymous round's responses are
    not linked to their invitations once submitted (SPEC 3), so a submit is matched by its invitation's
    submitted day and the responses are counted against them."""
    from django.db import connection

    from assessments.models import Invitation, Response, Round
    from assessments.selectors import instrument_structure
    from assessments.tokens import hash_token

    connection.close()  # the server may have restarted
    round_ = Round.objects.select_related("instrument").get(pk=round_id)
    statements = len(instrument_structure(round_.instrument).statements)
    hashes = {hash_token(t) for t in accepted}
    submitted = set(
        Invitation.objects.filter(round_id=round_id, submitted_on__isnull=False).values_list("token_hash", flat=True)
    )
    answers = list(
        Response.objects.filter(round_id=round_id, status="submitted").values_list("answer_values", flat=True)
    )
    return {
        "accepted": len(accepted),
        "submitted in database": len(answers),
        "accepted but missing (lost)": len(hashes - submitted),
        "accepted twice (doubled)": len(accepted) - len(set(accepted)) + max(0, len(answers) - len(submitted)),
        "submitted without every answer": sum(1 for v in answers if len(v or []) != statements or None in v),
        "submitted but never acknowledged": len(submitted - hashes),
    }


def wait_for(url: str, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    return False


def restart_database_midway(pgdata: Path) -> None:
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

    time.sleep(DURATION / 2)
    user = "pgserver" if os.geteuid() == 0 else None
    started = time.time()
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    print("  database stopped", flush=True)
    time.sleep(5)
    # The same options pgserver starts it with: no TCP, the socket in the data directory.
    pg_ctl(["-w", "-l", str(pgdata / "log"), "-o", f"-h '' -k {pgdata}", "start"], pgdata=pgdata, user=user)
    print(f"  database started again after {time.time() - started:.1f} s", flush=True)


def one_run(label: str, restart: bool, env: dict) -> dict:
    import threading

    round_id, tokens, statements = prepare(label)
    workdir = Path(tempfile.mkdtemp(prefix="phc-load-"))
    (workdir / "tokens.json").write_text(json.dumps(tokens))
    (workdir / "statements.json").write_text(json.dumps(statements))
    run_env = {
        **env,
        "PHC_LOAD_TOKENS": str(workdir / "tokens.json"),
        "PHC_LOAD_STATEMENTS": str(workdir / "statements.json"),
        "PHC_LOAD_ACCEPTED": str(workdir / "accepted.json"),
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=run_env,
    )
    try:
        if not wait_for(f"http://127.0.0.1:{PORT}/healthz", 60):
            raise SystemExit("gunicorn did not start")
        restarter = None
        if restart:
            pgdata = Path(env["PHC_BENCH_PGDATA"])
            restarter = threading.Thread(target=restart_database_midway, args=(pgdata,), daemon=True)
            restarter.start()
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "Respondent",
                "--headless",
                "-u",
                str(USERS),
                "-r",
                "25",
                "-t",
                f"{DURATION}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(workdir / "stats"),
                "--only-summary",
                "--stop-timeout",
                "60",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=run_env,
            check=True,
            timeout=DURATION + 120,
        )
        if restarter:
            restarter.join(timeout=30)
        recovered = wait_for(f"http://127.0.0.1:{PORT}/healthz", 30)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    accepted = json.loads((workdir / "accepted.json").read_text())
    stats = (workdir / "stats_stats.csv").read_text().splitlines()
    total = next(line for line in stats if line.split(",")[1] == "Aggregated").split(",")
    result = {
        "requests": int(total[2]),
        "errors": int(total[3]),
        "median ms": total[4],
        "site recovered without restart": recovered,
    }
    result.update(check(round_id, accepted))
    return result


def main() -> None:
    url = bench_database_url("small")
    env = {k: v for k, v in os.environ.items()}
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PHC_RESPOND_FAILURES_PER_MINUTE": "1000000",
            "PHC_BENCH_PGDATA": str(ROOT / "var" / "bench" / "pgdata"),
            "DJANGO_CONN_MAX_AGE": "60",
        }
    )
    setup_django(url)
    results = {}
    for label, restart in (("plain", False), ("database restarted half way", True)):
        print(f"Load run: {label} ({USERS} respondents, {DURATION} s, gunicorn {WORKERS} workers)", flush=True)
        results[label] = one_run(label, restart, env)
    print()
    ok = True
    for label, result in results.items():
        print(f"{label}:")
        for key, value in result.items():
            print(f"  {key:<36} {value}")
        ok &= result["accepted but missing (lost)"] == 0 and result["accepted twice (doubled)"] == 0
        ok &= result["submitted without every answer"] == 0 and result["site recovered without restart"]
    print("\nBudget: 0 lost or doubled responses, recovery without restart:", "met" if ok else "NOT MET")


if __name__ == "__main__":
    main()
