"""The documented per-endpoint rate limit, per app: a sliding window over the endpoint's
period (one second for most; items per minute where the docs count items)."""

from __future__ import annotations

import threading
from collections import deque


class RateLimiter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[int, str], deque[tuple[float, float]]] = {}
        self._used: dict[tuple[int, str], float] = {}

    def allow(self, key: tuple[int, str], limit: float, period: float, now: float,
              cost: float = 1.0) -> bool:
        """Account `cost` units at `now` unless that would exceed `limit` per `period`. A
        single call is always allowed into an empty window, whatever it costs."""
        with self._lock:
            window = self._windows.setdefault(key, deque())
            used = self._used.get(key, 0.0)
            while window and window[0][0] <= now - period:
                used -= window.popleft()[1]
            if window and used + cost > max(1.0, limit):
                self._used[key] = used
                return False
            window.append((now, cost))
            self._used[key] = used + cost
            return True
