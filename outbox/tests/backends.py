"""Mail backends that behave like real mail servers on a bad day, for the outbox tests."""

from __future__ import annotations

import smtplib
import threading
import time
from collections import Counter

from django.core.mail.backends.base import BaseEmailBackend


class FlakyBackend(BaseEmailBackend):
    """Slow, refuses some addresses for good ("bounce"), some for now ("busy", once each), and records the
    addresses it accepted in ``delivered``."""

    delivered: Counter[str] = Counter()
    attempts: Counter[str] = Counter()
    delay = 0.001
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.delivered = Counter()
        cls.attempts = Counter()

    def send_messages(self, email_messages) -> int:
        for message in email_messages:
            message.message()  # builds the headers, as SMTP does: a bad address fails here
            (to,) = message.to
            with self._lock:
                self.attempts[to] += 1
                tries = self.attempts[to]
            time.sleep(self.delay)
            if "bounce" in to:
                raise smtplib.SMTPRecipientsRefused({to: (550, b"5.1.1 No such mailbox")})
            if "busy" in to and tries == 1:
                raise smtplib.SMTPResponseException(451, b"4.3.2 Try again later")
            with self._lock:
                self.delivered[to] += 1
        return len(email_messages)


class CrashingBackend(BaseEmailBackend):
    """Fails in a way that says nothing about whether the message went (a bug, a lost connection state)."""

    def send_messages(self, email_messages) -> int:
        raise RuntimeError("the worker lost track of the connection")


class ForbiddenBackend(BaseEmailBackend):
    """Fails the test if anything talks to the mail server (used while a web request runs)."""

    calls = 0

    def send_messages(self, email_messages) -> int:
        ForbiddenBackend.calls += 1
        raise AssertionError("the web request talked to the mail server")
