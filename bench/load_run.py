"""make bench-load: the site as a council with many partners runs it, on this machine, with real parts.

    python bench/load_run.py [--users 50] [--managers 5] [--duration 60] [--invitations 500]

nginx (TLS, a certificate made for the run) in front of two gunicorn instances (2 sync workers each), two task
workers (`manage.py db_worker`), Redis for the shared cache and throttles (REDIS_URL) and PostgreSQL (the
embedded bench server, small data set, or BENCH_DATABASE_URL), under the production settings (DJANGO_DEBUG=false,
collectstatic, PHC_TRUSTED_PROXIES=1). Locust drives respondents (each saves every page and submits) and managers
(signed in, reading results pages) while a round's invitations are being sent by the workers.

Two runs: a plain one, and one in which one gunicorn instance and one task worker are killed (SIGKILL) half way
and started again 5 s later. After each run the database is checked: every accepted submit is there once with
its answers (none lost or doubled), and every invitation email was sent once (the mail goes to files, one
per message, counted by recipient). Loopback only; every loop is bounded in time.

It installs nothing. It needs, on PATH: nginx and redis-server (Debian: `apt-get install nginx redis-server`),
openssl; and the bench extra (`pip install -e '.[bench]'`, which `make bench-load` does).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from email import message_from_bytes
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import check, prepare  # noqa: E402
from run import bench_database_url  # noqa: E402

NGINX_PORT = 8770
GUNICORN_PORTS = (8771, 8772)
GUNICORN_WORKERS = 2
TASK_WORKERS = 2
REDIS_PORT = 8773
NEEDED = ("nginx", "redis-server", "openssl")

NGINX_CONF = """
worker_processes 1;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  # The same limit as PHC_MAX_REQUEST_BYTES: a bigger body is refused before it reaches Django.
  client_max_body_size {max_body};
  upstream phc {{
    server 127.0.0.1:{port_a} max_fails=1 fail_timeout=5s;
    server 127.0.0.1:{port_b} max_fails=1 fail_timeout=5s;
  }}
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {tmp}/cert.pem;
    ssl_certificate_key {tmp}/key.pem;
    location / {{
      proxy_pass http://phc;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      # A request that never reached an instance (refused: it was killed) goes to the other one; one that was
      # sent is not sent twice (nginx never repeats a POST that an instance may have started).
      proxy_next_upstream error timeout;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""


def missing_tools() -> list[str]:
    return [tool for tool in NEEDED if shutil.which(tool) is None]


def wait_for(url: str, seconds: float) -> bool:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


class Stack:
    """The processes of one run: started in their own process groups, so that one can be killed whole."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        self.tmp = tmp
        self.env = env
        self.redis: subprocess.Popen | None = None
        self.nginx: subprocess.Popen | None = None
        self.gunicorns: dict[int, subprocess.Popen] = {}
        self.workers: dict[int, subprocess.Popen] = {}

    def _start(self, args: list[str], log: str) -> subprocess.Popen:
        out = open(self.tmp / log, "ab")
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True)

    def start_gunicorn(self, port: int) -> None:
        self.gunicorns[port] = self._start(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "--workers",
                str(GUNICORN_WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "30",
                "--log-level",
                "warning",
            ],
            f"gunicorn-{port}.log",
        )

    def start_worker(self, number: int) -> None:
        self.workers[number] = self._start(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.5"],
            f"worker-{number}.log",
        )

    def start(self) -> None:
        self.redis = self._start(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            "redis.log",
        )
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
            + ["-keyout", str(self.tmp / "key.pem"), "-out", str(self.tmp / "cert.pem")],
            check=True,
            capture_output=True,
        )
        conf = NGINX_CONF.format(
            tmp=self.tmp,
            port=NGINX_PORT,
            port_a=GUNICORN_PORTS[0],
            port_b=GUNICORN_PORTS[1],
            max_body=self.env.get("PHC_MAX_REQUEST_BYTES", "2621440"),
            user="user root;" if os.geteuid() == 0 else "",
        )
        (self.tmp / "nginx.conf").write_text(conf)
        for port in GUNICORN_PORTS:
            self.start_gunicorn(port)
        for number in range(TASK_WORKERS):
            self.start_worker(number)
        self.nginx = self._start(
            ["nginx", "-c", str(self.tmp / "nginx.conf"), "-p", str(self.tmp), "-g", "daemon off;"], "nginx.log"
        )
        if not wait_for(f"https://127.0.0.1:{NGINX_PORT}/healthz", 90):
            raise SystemExit(f"The site did not answer through nginx: see the logs in {self.tmp}")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the process and everything it started (a gunicorn master and its workers)."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in [self.nginx, *self.gunicorns.values(), *self.workers.values(), self.redis]:
            if process is not None and process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=30)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    self.kill(process)


def kill_midway(stack: Stack, duration: int, events: list[tuple[str, float]]) -> None:
    time.sleep(duration / 2)
    port = GUNICORN_PORTS[1]
    events.append(("killed gunicorn instance and task worker", time.time()))
    stack.kill(stack.gunicorns[port])
    stack.kill(stack.workers[1])
    time.sleep(5)
    stack.start_gunicorn(port)
    stack.start_worker(1)
    events.append(("started again", time.time()))


def emails_check(round_id: int, mail_dir: Path) -> dict:
    from django.db.models import Count

    from assessments.models import Invitation
    from outbox.models import OutboundEmail

    statuses = dict(
        OutboundEmail.objects.filter(round_id=round_id).values_list("status").annotate(n=Count("id")).order_by()
    )
    recipients: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        # The file backend appends each message to the file of its connection, separated by a line of dashes.
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                recipients[message_from_bytes(chunk.strip())["To"]] += 1
    invited = Invitation.objects.filter(round_id=round_id).count()
    return {
        "invitations queued": invited,
        "emails sent (recorded)": statuses.get("sent", 0),
        "emails not yet sent at the end": statuses.get("queued", 0) + statuses.get("sending", 0),
        "emails not known (worker killed while sending)": statuses.get("unknown", 0),
        "emails failed": statuses.get("failed", 0),
        "people emailed more than once": sum(1 for n in recipients.values() if n > 1),
        "emails written to the mail files": sum(recipients.values()),
    }


def email_round(stamp: str, size: int) -> int:
    """A round of ``size`` invitations whose emails are queued now, for the workers to send during the run."""
    from assessments import services
    from assessments.models import Round

    base = Round.objects.filter(partnership__reference="BENCH-00007").first()
    assert base is not None, "bench_data did not create BENCH-00007"
    round_ = Round.objects.create(
        partnership=base.partnership,
        instrument=base.instrument,
        title=f"Load run emails {stamp}",
        facilitator=base.facilitator,
        opens_on=base.opens_on,
        closes_on=base.closes_on,
        state="open",
        levels=base.levels,
    )
    for i in range(size):
        services.invitation_create(
            round_,
            services.InvitationRow(f"Mail {i}", f"mail{stamp}-{i}@bench.example", "Council", "management"),
        )
    return round_.pk


def manager_account() -> tuple[str, str, list[int]]:
    from django.contrib.auth.models import Group, User

    from assessments.models import Round
    from config.roles import MANAGER

    password = secrets.token_urlsafe(16)
    user, _ = User.objects.get_or_create(username="load-run-manager", defaults={"email": "manager@bench.example"})
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get_or_create(name=MANAGER)[0])
    rounds = list(
        Round.objects.filter(state="closed", partnership__reference__startswith="BENCH-")
        .order_by("-closes_on")
        .values_list("pk", flat=True)[:40]
    )
    return user.username, password, rounds


def locust_figures(stats_csv: Path) -> dict:
    lines = stats_csv.read_text().splitlines()
    header = lines[0].split(",")
    total = dict(zip(header, next(line for line in lines if ",Aggregated," in line).split(","), strict=False))
    return {
        "requests": int(total["Request Count"]),
        "requests per second": f"{float(total['Requests/s']):.1f}",
        "p50 ms": total["50%"],
        "p95 ms": total["95%"],
        "p99 ms": total["99%"],
        "failed requests (any)": int(total["Failure Count"]),
    }


def one_run(label: str, kill: bool, env: dict, args: argparse.Namespace) -> dict:
    import threading

    from assessments.models import Round
    from assessments.services import invitations_send

    round_id, tokens, statements = prepare(label)
    stamp = str(int(time.time()))
    mail_round = email_round(stamp, args.invitations)
    username, password, rounds = manager_account()
    tmp = Path(tempfile.mkdtemp(prefix="phc-load-run-"))
    mail_dir = tmp / "mail"
    mail_dir.mkdir()
    (tmp / "tokens.json").write_text(json.dumps(tokens))
    (tmp / "statements.json").write_text(json.dumps(statements))
    (tmp / "rounds.json").write_text(json.dumps(rounds))
    run_env = {
        **env,
        "DJANGO_EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "PHC_LOAD_TOKENS": str(tmp / "tokens.json"),
        "PHC_LOAD_STATEMENTS": str(tmp / "statements.json"),
        "PHC_LOAD_ACCEPTED": str(tmp / "accepted.json"),
        "PHC_LOAD_ERRORS": str(tmp / "errors.json"),
        "PHC_LOAD_MANAGER": f"{username}:{password}",
        "PHC_LOAD_RESULTS": str(tmp / "rounds.json"),
    }
    stack = Stack(tmp, run_env)
    events: list[tuple[str, float]] = []
    try:
        stack.start()
        # The invitations are queued as the facilitator's "send" would, just before the load starts.
        invitations_send(Round.objects.get(pk=mail_round))
        started = time.time()
        killer = None
        if kill:
            killer = threading.Thread(target=kill_midway, args=(stack, args.duration, events), daemon=True)
            killer.start()
        subprocess.run(
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(args.users + args.managers),
                "-r",
                "25",
                "-t",
                f"{args.duration}s",
                "--host",
                f"https://127.0.0.1:{NGINX_PORT}",
                "--csv",
                str(tmp / "stats"),
                "--only-summary",
                "--stop-timeout",
                "60",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=run_env,
            check=True,
            timeout=args.duration + 180,
            capture_output=True,
        )
        if killer:
            killer.join(timeout=60)
        # Let the workers finish the emails still queued (bounded), then stop everything.
        from outbox.models import OutboundEmail

        deadline = time.time() + 120
        while (
            time.time() < deadline
            and OutboundEmail.objects.filter(round_id=mail_round, status__in=["queued", "sending"]).exists()
        ):
            time.sleep(1)
        recovered = wait_for(f"https://127.0.0.1:{NGINX_PORT}/healthz", 30)
    finally:
        stack.stop()
    result: dict = {"load average (1 min) at the end": f"{os.getloadavg()[0]:.1f}"}
    result.update(locust_figures(tmp / "stats_stats.csv"))
    errors = json.loads((tmp / "errors.json").read_text())
    result["5xx or no answer"] = len(errors)
    if kill and events:
        killed_at = events[0][1]
        # Requests in flight on the killed instance fail; nginx sends every later one to the other instance.
        result["... of which within 3 s of the kill"] = sum(1 for t, _, _ in errors if killed_at <= t <= killed_at + 3)
        result["kill at (s into the run)"] = f"{killed_at - started:.0f}"
    result["site answers after the run"] = recovered
    result.update(check(round_id, json.loads((tmp / "accepted.json").read_text())))
    result.update(emails_check(mail_round, mail_dir))
    result["logs"] = str(tmp)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="respondents")
    parser.add_argument("--managers", type=int, default=5, help="managers reading results")
    parser.add_argument("--duration", type=int, default=60, help="seconds of load per run")
    parser.add_argument("--invitations", type=int, default=500, help="emails sent during each run")
    parser.add_argument("--only", choices=["plain", "killed"], help="one of the two runs")
    args = parser.parse_args()
    if missing := missing_tools():
        raise SystemExit(
            f"bench/load_run.py needs {', '.join(missing)} on PATH. On Debian: apt-get install nginx redis-server"
        )
    url = bench_database_url("small")
    env = dict(os.environ)
    static_root = Path(tempfile.mkdtemp(prefix="phc-load-static-"))
    env.update(
        {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_SECURE_HSTS_SECONDS": "0",
            "DJANGO_STATIC_ROOT": str(static_root),
            "SITE_URL": f"https://127.0.0.1:{NGINX_PORT}",
            "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "PHC_TRUSTED_PROXIES": "1",
            "PHC_RESPOND_FAILURES_PER_MINUTE": "1000000",
            "PHC_EMAIL_RETRY_DELAYS": "1,2",
            "DJANGO_CONN_MAX_AGE": "60",
        }
    )
    # The production settings serve hashed static files: collect them once, as a release does.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    # This process prepares and checks the data under the same settings (queued tasks go to the database,
    # for the workers), never the test settings, which would run them here at once.
    os.environ.update(env)
    import django

    django.setup()
    runs = [("plain", False), ("one gunicorn instance and one task worker killed half way", True)]
    if args.only:
        runs = [runs[0] if args.only == "plain" else runs[1]]
    results = {}
    for label, kill in runs:
        print(
            f"Load run: {label} ({args.users} respondents, {args.managers} managers, {args.duration} s, "
            f"{args.invitations} invitations; nginx, 2 gunicorn x {GUNICORN_WORKERS} workers, "
            f"{TASK_WORKERS} task workers, Redis)",
            flush=True,
        )
        results[label] = one_run(label, kill, env, args)
    print()
    ok = True
    for label, result in results.items():
        print(f"{label}:")
        for key, value in result.items():
            print(f"  {key:<48} {value}")
        ok &= result["accepted but missing (lost)"] == 0 and result["accepted twice (doubled)"] == 0
        ok &= result["submitted without every answer"] == 0 and result["people emailed more than once"] == 0
    print("\nBudget: no response lost or doubled, nobody emailed twice:", "met" if ok else "NOT MET")
    print(json.dumps({k: {kk: str(vv) for kk, vv in v.items()} for k, v in results.items()}), file=sys.stderr)


if __name__ == "__main__":
    main()
