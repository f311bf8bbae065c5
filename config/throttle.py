"""Fixed-window counters in the shared cache, for throttles that django-axes does not cover.

The counters live in the default cache, which every worker process shares (Redis when REDIS_URL is set,
else the database cache), so a limit means the same whatever the number of workers. On the database cache
an increment is a read and a write, so two requests at the same instant may count once: a throttle, not an
exact meter.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Throttle:
    """At most ``limit`` hits per ``window`` seconds for each key (a client address, an email address)."""

    name: str
    limit: int
    window: int

    def _cache_key(self, key: str) -> str:
        slot = int(time.time()) // self.window
        # Hashed: keys may be email addresses, which do not belong in cache keys (or their logs) as such.
        digest = hashlib.sha256(key.strip().lower().encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{slot}:{digest}"

    def count(self, key: str) -> int:
        """Return how many hits ``key`` has had in the current window."""
        return int(cache.get(self._cache_key(key), 0))

    def is_over(self, key: str) -> bool:
        """Return True when ``key`` has used up its hits in the current window."""
        return self.count(key) >= self.limit

    def hit(self, key: str) -> int:
        """Count one hit for ``key`` and return the count in the current window."""
        cache_key = self._cache_key(key)
        if cache.add(cache_key, 1, timeout=self.window + 1):
            return 1
        try:
            return int(cache.incr(cache_key))
        except ValueError:
            # Expired between add and incr: the window has just turned.
            cache.set(cache_key, 1, timeout=self.window + 1)
            return 1
