"""Injected failures: latency with jitter, API error codes, dropped connections, lost responses,
non-JSON HTTP answers, and the switch for the documented rate limits.

Counters (`fail_next`, `drop_next`, ...) are decremented under a lock, so "the next N
requests" means exactly N even with concurrent callers. Random decisions come from one
`random.Random(seed)` used under the same lock: with a seed the sequence of decisions is
reproducible. Tests set fields directly; `timctl emulator serve` takes each field as a flag
(`--fail-rate` for `fail_rate`) and POST /_emulator/faults changes them at runtime.

Transport faults are raised as builtin exceptions, so any WSGI caller can map them to what a
socket would show without importing the emulator.
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

# WSGI environ key an in-process transport sets to its read timeout, so injected latency
# beyond it ends in TimedOut as it would over a socket.
READ_TIMEOUT_KEY = "timctl.read_timeout"


class Dropped(ConnectionResetError):
    """The connection is closed before the request is processed: nothing was applied."""


class ResponseLost(ConnectionAbortedError):
    """The request was processed and committed, then the connection closed unanswered."""


class TimedOut(TimeoutError):
    """Injected latency exceeded the caller's read timeout (in-process only)."""


@dataclass
class Faults:
    fail_rate: float = 0.0  # share of /v4 requests answered with fail_code
    fail_code: int = 70169  # documented "server timeout, retry"
    fail_next: int = 0  # the next N /v4 requests fail with fail_code
    latency: float = 0.0  # seconds added before answering
    jitter: float = 0.0  # latency varies uniformly by up to this many seconds either way
    drop_rate: float = 0.0  # share of requests whose connection is dropped unprocessed
    drop_next: int = 0
    lose_response_rate: float = 0.0  # share processed and committed, then left unanswered
    lose_response_next: int = 0
    http_status_next: int = 0  # the next N requests answer http_status with a non-JSON body
    http_status: int = 502
    rate_limit: bool = True  # enforce each endpoint's documented rate per app (60007)
    seed: int | None = None  # makes every random decision reproducible
    _lock: Any = field(default_factory=threading.RLock, init=False, repr=False,
                                   compare=False)
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False,
                                compare=False)

    def __post_init__(self) -> None:
        self._rng.seed(self.seed)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "seed" and "_rng" in self.__dict__:
            with self._lock:
                self._rng.seed(value)

    # --- decisions, in the order the gateway asks ------------------------------------------

    def delay(self) -> float:
        """Seconds to wait before answering."""
        if self.latency <= 0 and self.jitter <= 0:
            return 0.0  # no lock when off (every request asks; see _take)
        with self._lock:
            if self.latency <= 0 and self.jitter <= 0:
                return 0.0
            spread = self._rng.uniform(-self.jitter, self.jitter) if self.jitter > 0 else 0.0
            return max(0.0, self.latency + spread)

    def take_drop(self) -> bool:
        return self._take("drop_next") or self._chance(self.drop_rate)

    def take_http_status(self) -> int | None:
        return self.http_status if self._take("http_status_next") else None

    def take_error(self) -> int | None:
        if self._take("fail_next") or self._chance(self.fail_rate):
            return self.fail_code
        return None

    def take_lose_response(self) -> bool:
        return self._take("lose_response_next") or self._chance(self.lose_response_rate)

    def _take(self, counter: str) -> bool:
        # Unlocked look first: every request asks five times and the faults are mostly off.
        # Seeing a concurrent update one request later is an ordering the lock allows too.
        if getattr(self, counter) <= 0:
            return False
        with self._lock:
            left = getattr(self, counter)
            if left > 0:
                setattr(self, counter, left - 1)
                return True
            return False

    def _chance(self, rate: float) -> bool:
        if rate <= 0:
            return False  # no draw: the sequence only depends on the faults that are on
        with self._lock:
            return self._rng.random() < rate

    # --- settings ---------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    def update(self, values: Mapping[str, Any]) -> None:
        """Set fields from JSON-ish input, checking names, types and ranges first."""
        checked = {name: check(name, value) for name, value in values.items()}
        with self._lock:
            for name, value in checked.items():
                setattr(self, name, value)

    def clear(self) -> None:
        """Back to no faults (rate limiting on, no seed)."""
        self.update(Faults().to_dict())


FIELD_TYPES: dict[str, type] = {
    f.name: {"float": float, "int": int, "bool": bool}.get(str(f.type), int)
    for f in fields(Faults) if f.init
}


def check(name: str, value: Any) -> Any:
    """The value for fault `name`, or ValueError saying what is wrong (one line, starting
    with the name)."""
    if name not in FIELD_TYPES:
        raise ValueError(f"unknown fault {name!r} (known: {', '.join(FIELD_TYPES)})")
    kind = FIELD_TYPES[name]
    if name == "seed" and value is None:
        return None
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    if kind is int and value != int(value):
        raise ValueError(f"{name} must be an integer, got {value}")
    value = kind(value)
    if name == "seed":
        return value
    if value < 0 or (name.endswith("_rate") and value > 1):
        limits = "between 0 and 1" if name.endswith("_rate") else "0 or more"
        raise ValueError(f"{name} must be {limits}, got {value:g}")
    if name == "fail_code" and value == 0:
        raise ValueError("fail_code must be a non-zero ErrorCode, got 0")
    if name == "http_status" and not 100 <= value <= 599:
        raise ValueError(f"http_status must be 100-599, got {value}")
    return value
