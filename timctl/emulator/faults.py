"""Injected failures and the documented per-endpoint rate limit.

Counters (`fail_next`, `drop_next`, `http_status_next`) are decremented under a lock, so
"the next N requests" means exactly N even with concurrent callers. Rates are random per
request. Tests set fields directly; `timctl emulator serve` users change them at runtime via
POST /_emulator/faults (see control.py).
"""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any


class Dropped(Exception):
    """Raised by the app: close the connection without answering."""


class TimedOut(Exception):
    """Raised by the app when injected latency exceeds the caller's read timeout."""


@dataclass
class Faults:
    error_rate: float = 0.0  # share of /v4 requests answered with error_code
    error_code: int = 70169  # documented "server timeout, retry"
    fail_next: int = 0  # the next N /v4 requests fail with error_code
    latency: float = 0.0  # seconds added before answering
    drop_rate: float = 0.0  # share of requests whose connection is dropped
    drop_next: int = 0
    http_status_next: int = 0  # the next N requests answer http_status with a non-JSON body
    http_status: int = 502
    rate_limit: bool = True  # enforce each endpoint's documented calls/s per app (60007)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False,
                                  compare=False)

    def take_drop(self) -> bool:
        return self._take("drop_next") or _chance(self.drop_rate)

    def take_http_status(self) -> int | None:
        return self.http_status if self._take("http_status_next") else None

    def take_error(self) -> int | None:
        if self._take("fail_next") or _chance(self.error_rate):
            return self.error_code
        return None

    def _take(self, counter: str) -> bool:
        with self._lock:
            left = getattr(self, counter)
            if left > 0:
                setattr(self, counter, left - 1)
                return True
            return False

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.init}

    def update(self, values: Mapping[str, Any]) -> None:
        """Set fields from JSON-ish input, checking names, types and ranges first."""
        checked: dict[str, Any] = {}
        for name, value in values.items():
            if name not in _FIELD_TYPES:
                raise ValueError(f"unknown fault {name!r} (known: {', '.join(_FIELD_TYPES)})")
            checked[name] = _coerce(name, value)
        with self._lock:
            for name, value in checked.items():
                setattr(self, name, value)

    def clear(self) -> None:
        """Back to no faults (rate limiting on)."""
        self.update(Faults().to_dict())


_FIELD_TYPES: dict[str, type] = {
    "error_rate": float, "error_code": int, "fail_next": int, "latency": float,
    "drop_rate": float, "drop_next": int, "http_status_next": int, "http_status": int,
    "rate_limit": bool,
}


def _coerce(name: str, value: Any) -> Any:
    kind = _FIELD_TYPES[name]
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"{name} must be true or false")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number")
    if kind is int and value != int(value):
        raise ValueError(f"{name} must be an integer")
    value = kind(value)
    if value < 0 or (name.endswith("_rate") and value > 1):
        raise ValueError(f"{name} out of range: {value}")
    if name == "http_status" and not 100 <= value <= 599:
        raise ValueError(f"http_status must be 100-599: {value}")
    return value


def _chance(rate: float) -> bool:
    return rate > 0 and random.random() < rate


class RateLimiter:
    """Sliding one-second window of accepted calls per (app, endpoint)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[tuple[int, str], deque[float]] = {}

    def allow(self, key: tuple[int, str], rate: float, now: float) -> bool:
        limit = max(1, int(rate))
        with self._lock:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= limit:
                return False
            window.append(now)
            return True
