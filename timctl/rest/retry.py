"""When to repeat a request, and how long to wait first. One place decides, by the endpoint's
retry class (see timctl.endpoints.spec):

- never sent (connection refused, DNS, connect timeout) or throttled (HTTP 429, 60007 ...):
  nothing was applied, so every endpoint is retried; a throttle answer also slows the shared
  limiter and does not spend one of the call's attempts (up to THROTTLE_RETRIES of them);
- no answer, a reset, HTTP 5xx, a non-JSON answer or a transient ErrorCode: the request may
  have been applied, so only `safe` and `dedup` endpoints are retried; an `unsafe` one stops
  with an unknown outcome;
- 70001 (admin UserSig expired): signed anew and tried once more;
- anything else (70500 included) is final.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from timctl.errors import SIG_EXPIRED_CODE, ApiError

BACKOFF_BASE = 0.5  # seconds: the first retry waits up to this
BACKOFF_CAP = 20.0
# Throttle answers retried per call on top of its attempts: with backoff capped at BACKOFF_CAP
# and the limiter's slower pace this waits minutes for quota rather than failing items.
THROTTLE_RETRIES = 20
RETRY_AFTER_CAP = 60.0  # never sleep longer than this on a server's Retry-After
RETRY_HTTP_STATUS = frozenset({500, 502, 503, 504})

Kind = Literal["not_sent", "throttled", "ambiguous", "resign", "final"]


@dataclass(frozen=True)
class Failure:
    """One failed attempt, classified."""

    kind: Kind
    error: Exception
    wait: float | None = None  # the server's Retry-After, when it said one


def classify_api_error(exc: ApiError) -> Kind:
    if exc.throttled:
        return "throttled"
    if exc.code == SIG_EXPIRED_CODE:
        return "resign"
    if exc.transient:
        return "ambiguous"
    return "final"


def may_repeat(retry_class: str, kind: Kind) -> bool:
    """Whether a failure of `kind` may be retried for an endpoint of `retry_class`."""
    if kind in ("not_sent", "throttled", "resign"):
        return True
    if kind == "ambiguous":
        return retry_class in ("safe", "dedup")
    return False


def backoff(attempt: int, server_wait: float | None = None) -> float:
    """Seconds before attempt `attempt + 1`: the server's Retry-After when given, else
    capped exponential backoff with full jitter."""
    if server_wait is not None:
        return min(max(server_wait, 0.0), RETRY_AFTER_CAP)
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (the delta-seconds form; an HTTP date is ignored)."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 and seconds == seconds else None
