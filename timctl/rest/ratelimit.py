"""Client-side rate limiting per endpoint, shared by every thread of the process."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """Spaces calls to each key at 1/rate seconds (a token bucket with a burst of one).

    Smooth spacing keeps any one-second window at or under the documented rate, which is
    how the server counts.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def wait(self, key: str, rate: float) -> float:
        """Block until a call to `key` may go out; returns the seconds waited."""
        if rate <= 0:
            return 0.0
        interval = 1.0 / rate
        with self._lock:
            now = self._clock()
            slot = max(now, self._next.get(key, now))
            self._next[key] = slot + interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)
