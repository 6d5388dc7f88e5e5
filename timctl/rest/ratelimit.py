"""Client-side rate limiting per endpoint, shared by every thread of the process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces what is sent to each key at `rate` units per second (calls, or items for
    endpoints the docs meter by item), as a token bucket with a burst of one unit.

    Smooth spacing keeps any one-second window at or under the documented rate, which is
    how the server counts.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, key: str, rate: float, cost: float = 1.0) -> float:
        """Block until `cost` units to `key` may go out; returns the seconds waited."""
        if rate <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + max(cost, 1.0) / rate
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)
