"""Locust respondents for `make bench-load`: each takes its own personal link, saves every page and submits.

Started by bench/load.py (headless, loopback only, bounded in time). A submit counts as accepted when the site
answers with the redirect to the thank-you page; accepted tokens are written to PHC_LOAD_ACCEPTED at the end.
"""

from __future__ import annotations

import json
import os
import random
import threading

from locust import HttpUser, between, events, task
from locust.exception import StopUser

TOKENS: list[str] = json.loads(open(os.environ["PHC_LOAD_TOKENS"]).read())
STATEMENTS: dict[str, list[int]] = json.loads(open(os.environ["PHC_LOAD_STATEMENTS"]).read())
ACCEPTED: list[str] = []
_lock = threading.Lock()
_next = iter(range(len(TOKENS)))


class Respondent(HttpUser):
    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
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
        return self.client.post(path, data=data, name=name, allow_redirects=False)

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
        if response.status_code == 302 and "thanks" in response.headers.get("Location", ""):
            with _lock:
                ACCEPTED.append(t)
            self.take_link()
        # Anything else (an error while the database was down): the same respondent tries again.


@events.test_stop.add_listener
def write_accepted(environment, **kwargs) -> None:
    with open(os.environ["PHC_LOAD_ACCEPTED"], "w") as out:
        json.dump(ACCEPTED, out)
