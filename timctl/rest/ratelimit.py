"""Client-side pacing per endpoint, shared by every thread of the process.

Each key (an endpoint) is paced at `rate x share` units per second (calls, or items where the
docs meter items), with a burst of one unit: smooth spacing keeps any one-second window at or
under the rate, which is how the server counts. `share` is AIMD: a throttle answer (60007,
429, ...) halves it, at most once per round of calls (an answer to a call sent before the last
cut says nothing about the new pace), and it climbs back linearly, to the full rate within
RECOVERY seconds. So a job alone on the app runs at the documented rate, and one sharing the
app's quota with others settles below it instead of failing items.

The limiter also keeps, per key, how long a call is busy apart from waiting for its slot
(round trip, retries, backoff): the bulk runner keeps rate x busy time calls in flight, which
is what keeps the rate busy at any latency.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DECREASE = 0.5  # share kept after a throttle answer
FLOOR = 1 / 32  # the share never drops below this
RECOVERY = 1.0  # seconds for the share to climb from 0 to 1 (additive increase)
BUSY_WEIGHT = 0.25  # weight of the newest observation in the moving average of busy time
# Calls in flight: rate x busy time x this, plus SPARE_IN_FLIGHT, so that a late worker or a
# main thread busy printing rows does not leave the pace's slots unused.
HEADROOM_IN_FLIGHT = 1.5
SPARE_IN_FLIGHT = 2


@dataclass
class _Pace:
    """One key's state: a few numbers, whatever the number of calls."""

    next: float = -math.inf  # when the next unit may go out
    rate: float = 0.0  # the ceiling last asked for (units/s)
    share: float = 1.0  # of `rate`, as of `since`
    since: float = 0.0
    cut: float = -math.inf  # when the share was last halved
    busy: float | None = None  # seconds a call is busy, moving average


class RateLimiter:
    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._keys: dict[str, _Pace] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def now(self) -> float:
        return self._clock()

    def _share(self, pace: _Pace, now: float) -> float:
        return min(1.0, pace.share + max(0.0, now - pace.since) / RECOVERY)

    def share(self, key: str) -> float:
        """The share of the ceiling `key` is paced at now (1.0 until throttled)."""
        with self._lock:
            pace = self._keys.get(key)
            return 1.0 if pace is None else self._share(pace, self._clock())

    def wait(self, key: str, rate: float, cost: float = 1.0) -> float:
        """Block until `cost` units to `key` may go out; returns the seconds waited. A rate of
        0 or less is no limit."""
        if rate <= 0:
            return 0.0
        with self._lock:
            now = self._clock()
            pace = self._keys.setdefault(key, _Pace(since=now))
            pace.rate = rate
            slot = max(now, pace.next)
            pace.next = slot + max(cost, 1.0) / (rate * self._share(pace, now))
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return max(delay, 0.0)

    def throttled(self, key: str, sent: float | None = None) -> bool:
        """The server refused a call to `key` sent at `sent` (limiter clock) as over its
        limit: halve the pace unless it was already cut after that call left. True when
        this answer cut it."""
        with self._lock:
            now = self._clock()
            pace = self._keys.setdefault(key, _Pace(since=now))
            if sent is not None and sent < pace.cut:
                return False  # sent at the old pace: already accounted for
            pace.share = max(FLOOR, self._share(pace, now) * DECREASE)
            pace.since = pace.cut = now
            if pace.rate > 0:  # the next call waits at least one slot at the new pace
                pace.next = max(pace.next, now + 1.0 / (pace.rate * pace.share))
            return True

    def observe(self, key: str, busy: float) -> None:
        """A call to `key` was busy `busy` seconds, not counting its waits for a slot."""
        with self._lock:
            pace = self._keys.setdefault(key, _Pace(since=self._clock()))
            busy = max(0.0, busy)
            pace.busy = busy if pace.busy is None else (
                pace.busy + BUSY_WEIGHT * (busy - pace.busy))

    def in_flight(self, key: str, rate: float, cost: float = 1.0) -> int | None:
        """Calls to keep in flight so that `key` stays busy at its pace (Little's law:
        calls/s x seconds each, plus headroom); None before any call was observed, or when
        there is no rate to fill."""
        with self._lock:
            pace = self._keys.get(key)
            if pace is None or pace.busy is None or rate <= 0:
                return None
            calls_per_second = rate * self._share(pace, self._clock()) / max(cost, 1.0)
        return math.ceil(calls_per_second * pace.busy * HEADROOM_IN_FLIGHT) + SPARE_IN_FLIGHT
