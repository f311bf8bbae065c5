"""Races between two database connections, for the tests of locks (a helper module, not a test module)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import close_old_connections, connection, transaction

from assessments import services


def racing(lock_and_change: Callable[[], object], act: Callable[[], object]) -> services.ServiceError | None:
    """Run ``lock_and_change`` in another connection holding its lock, then ``act`` here; return act's error.

    The other transaction commits half a second after ``act`` has started, so ``act`` meets the lock and waits.
    """
    locked, release = threading.Event(), threading.Event()

    def other() -> None:
        try:
            with transaction.atomic():
                lock_and_change()
                locked.set()
                release.wait(5)
        finally:
            close_old_connections()
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    assert locked.wait(5)
    timer = threading.Timer(0.5, release.set)  # commit while ``act`` waits for the lock
    timer.start()
    try:
        act()
    except services.ServiceError as exc:
        return exc
    finally:
        thread.join(5)
    return None
