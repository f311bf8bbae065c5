"""Locust users for the load runs: respondents, each with its own personal link, saving every page and
submitting; and managers (bench/load_run.py only) signing in and reading results pages.

Started by bench/load.py and bench/load_run.py (headless, loopback only, bounded in time). A submit counts as
accepted when the site answers with the redirect to the thank-you page; accepted tokens are written to
PHC_LOAD_ACCEPTED at the end, and each 5xx answer (with its time) to PHC_LOAD_ERRORS when set.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time

import urllib3
from locust import HttpUser, between, events, task
from locust.exception import StopUser

# bench/load_run.py puts nginx with a certificate made for the run in front: not one to verify.
urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)

TOKENS: list[str] = json.loads(open(os.environ["PHC_LOAD_TOKENS"]).read())
STATEMENTS: dict[str, list[int]] = json.loads(open(os.environ["PHC_LOAD_STATEMENTS"]).read())
ACCEPTED: list[str] = []
_lock = threading.Lock()
_next = iter(range(len(TOKENS)))
SERVER_ERRORS: list[tuple[float, str, int]] = []


@events.request.add_listener
def note_server_errors(request_type, name, response, **kwargs) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or status == 0:  # 0: no answer at all (connection refused or reset)
        with _lock:
            SERVER_ERRORS.append((time.time(), name, status))


class Respondent(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.client.verify = False
        self.token: str | None = None
        self.take_link()

    def take_link(self) -> None:
        with _lock:
            index = next(_next, None)
        if index is None:
            raise StopUser()
        self.token = TOKENS[index]
        self.rng = random.Random(index)

    def post(self, path: str, data: dict, name: str):
        data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
        # Over HTTPS Django's CSRF check also wants the page the form came from.
        headers = {"Referer": f"{self.host}{path}"}
        return self.client.post(path, data=data, name=name, allow_redirects=False, headers=headers)

    @task
    def respond(self) -> None:
        t = self.token
        if t is None:  # on_start stops the user when no link is left
            raise StopUser()
        base = f"/respond/{t}"
        self.client.get(f"{base}/", name="/respond/[token]/")
        for number in range(1, 7):
            self.client.get(f"{base}/principle/{number}/", name="/respond/[token]/principle/[n]/ GET")
            data = {"action": "next"}
            for sid in STATEMENTS[str(number)]:
                data[f"answer_{sid}"] = str(self.rng.randint(1, 4))
                data[f"comment_{sid}"] = ""
            self.post(f"{base}/principle/{number}/", data, "/respond/[token]/principle/[n]/ POST")
        self.client.get(f"{base}/significance/", name="/respond/[token]/significance/ GET")
        self.post(
            f"{base}/significance/",
            {f"significance_{n}": str(self.rng.randint(1, 5)) for n in range(1, 7)} | {"action": "next"},
            "/respond/[token]/significance/ POST",
        )
        self.client.get(f"{base}/success/", name="/respond/[token]/success/ GET")
        self.post(
            f"{base}/success/",
            {"success": "3", "success_comment": "Load test", "action": "next"},
            "/respond/[token]/success/ POST",
        )
        self.client.get(f"{base}/review/", name="/respond/[token]/review/ GET")
        response = self.post(f"{base}/review/", {}, "/respond/[token]/review/ POST (submit)")
        # A named round redirects to the thanks page; an anonymous one shows it at once (the respondent's only
        # sight of their profile, linked to no one from then on).
        thanked = (response.status_code == 302 and "thanks" in response.headers.get("Location", "")) or (
            response.status_code == 200 and "your response has been received" in response.text
        )
        if thanked:
            with _lock:
                ACCEPTED.append(t)
            self.take_link()
        # Anything else (an error while the database was down): the same respondent tries again.


class Manager(HttpUser):
    """Signs in once, then reads the results pages of closed rounds (PHC_LOAD_MANAGER: "username:password",
    PHC_LOAD_RESULTS: a JSON list of round ids)."""

    wait_time = between(0.5, 2.0)
    weight = 1

    def on_start(self) -> None:
        self.client.verify = False
        username, password = os.environ["PHC_LOAD_MANAGER"].split(":", 1)
        self.rounds: list[int] = json.loads(open(os.environ["PHC_LOAD_RESULTS"]).read())
        self.client.get("/accounts/login/", name="/accounts/login/ GET")
        self.client.post(
            "/accounts/login/",
            data={
                "username": username,
                "password": password,
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="/accounts/login/ POST",
            allow_redirects=False,
        )

    @task
    def read_results(self) -> None:
        round_id = random.choice(self.rounds)
        self.client.get(f"/rounds/{round_id}/results/", name="/rounds/[id]/results/")


Respondent.weight = 10


@events.test_stop.add_listener
def write_accepted(environment, **kwargs) -> None:
    with open(os.environ["PHC_LOAD_ACCEPTED"], "w") as out:
        json.dump(ACCEPTED, out)
    if os.environ.get("PHC_LOAD_ERRORS"):
        with open(os.environ["PHC_LOAD_ERRORS"], "w") as out:
            json.dump(SERVER_ERRORS, out)
