"""Client.call(): URL, signed query, POST, envelope, retries, rate limit.

The one choke point for every REST call. It does not know (or care) whether the endpoint is
Tencent Cloud, `timctl emulator serve`, or the emulator mounted in-process as a transport.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from timctl import endpoints, usersig
from timctl.errors import ApiError, NetworkError, UsageError
from timctl.rest.ratelimit import RateLimiter
from timctl.rest.redact import REDACT, REDACTED

ADMIN_SIG_LIFETIME = 86400  # seconds; regenerated well before it runs out
SIG_REFRESH_MARGIN = 300
RETRY_HTTP_STATUS = frozenset({429, 500, 502, 503, 504})
BACKOFF_BASE = 0.5
BACKOFF_CAP = 20.0

Log = Callable[[str], None]


@dataclass(frozen=True)
class Credentials:
    sdkappid: int
    admin: str
    secret_key: str


class Client:
    """Signs and sends REST calls; thread-safe (share one instance between workers)."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        session: Any = None,
        timeout: float = 10.0,
        max_attempts: int = 3,
        rate: float | None = None,
        log: Log | None = None,
        verbosity: int = 0,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint_url = base_url.rstrip("/")
        self._session = session
        # Where requests go: the endpoint itself, unless the transport says otherwise.
        self._base: str | None = self.endpoint_url if session is not None else None
        self.credentials = credentials
        self.timeout = timeout
        self.max_attempts = max(1, max_attempts)
        self.rate_override = rate
        self.log = log
        self.verbosity = verbosity
        self.limiter = limiter or RateLimiter()
        self._sleep = sleep
        self._sig: tuple[str, float] | None = None
        self._sig_lock = threading.Lock()
        REDACT.add(credentials.secret_key)

    # ------------------------------------------------------------------ public

    def call(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST `body` to endpoint `service/command`; the decoded response on success.

        Raises ApiError (ErrorCode != 0 after retries) or NetworkError.
        """
        ep = self.endpoint(name)
        payload = json.dumps(body if body is not None else {}, ensure_ascii=False).encode()
        rate = self.rate_override or ep.rate
        last_error: Exception | None = None
        for attempt in range(1, self.max_attempts + 1):
            self.limiter.wait(ep.name, rate)
            started = time.monotonic()
            try:
                data = self._post_once(ep, payload)
            except (ApiError, NetworkError) as exc:
                last_error = exc
                retry = _retryable(exc) and attempt < self.max_attempts
                self._log(1, f"{ep.name} attempt {attempt}/{self.max_attempts}: {exc}"
                             + ("; retrying" if retry else ""))
                if not retry:
                    raise
                self._sleep(_backoff(attempt))
                continue
            ms = (time.monotonic() - started) * 1000
            self._log(1, f"{ep.name} -> ErrorCode {data.get('ErrorCode', 0)} in {ms:.0f} ms"
                         f" (attempt {attempt})")
            self._log(2, f"response: {json.dumps(data, ensure_ascii=False)}")
            return data
        raise last_error  # type: ignore[misc]  # the loop always returns or raises

    def preview(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The request `call` would send, with the UserSig redacted (for --dry-run)."""
        ep = self.endpoint(name)
        return {
            "method": "POST",
            "url": self._url(ep, REDACTED),
            "endpoint": ep.name,
            "body": body if body is not None else {},
        }

    @staticmethod
    def endpoint(name: str) -> endpoints.Endpoint:
        ep = endpoints.get(name)
        if ep is None:
            raise UsageError(f"unknown endpoint {name!r} (see: timctl api list)")
        return ep

    # ------------------------------------------------------------------ internals

    @property
    def session(self) -> Any:
        if self._session is None:
            from timctl.rest.transport import open_session

            self._session, self._base = open_session(self.endpoint_url)
        return self._session

    @property
    def base_url(self) -> str:
        if self._base is None:
            self.session  # noqa: B018  # opening the transport decides the base URL
        return self._base  # type: ignore[return-value]

    def admin_usersig(self) -> str:
        """The admin UserSig, reused within the process and renewed before it expires."""
        with self._sig_lock:
            now = time.time()
            if self._sig is None or self._sig[1] - SIG_REFRESH_MARGIN < now:
                c = self.credentials
                sig = usersig.generate(c.sdkappid, c.secret_key, c.admin, ADMIN_SIG_LIFETIME)
                REDACT.add(sig)
                self._sig = (sig, now + ADMIN_SIG_LIFETIME)
            return self._sig[0]

    def _url(self, ep: endpoints.Endpoint, sig: str) -> str:
        query = urlencode({
            "sdkappid": self.credentials.sdkappid,
            "identifier": self.credentials.admin,
            "usersig": sig,
            "random": secrets.randbelow(2**32),
            "contenttype": "json",
        })
        return f"{self.base_url}{ep.path}?{query}"

    def _post_once(self, ep: endpoints.Endpoint, payload: bytes) -> dict[str, Any]:
        import requests

        url = self._url(ep, self.admin_usersig())
        self._log(1, f"POST {REDACT(url)}")
        self._log(2, f"body: {payload.decode()}")
        try:
            resp = self.session.post(
                url, data=payload, timeout=self.timeout,
                headers={"Content-Type": "application/json"},
            )
        except requests.Timeout:
            raise NetworkError(
                f"{ep.name}: no answer from {self._host()} within {self.timeout:g} s"
            ) from None
        except requests.RequestException as exc:
            raise NetworkError(f"{ep.name}: cannot reach {self._host()}: {_reason(exc)}") from None
        if resp.status_code != 200:
            err = NetworkError(f"{ep.name}: {self._host()} answered HTTP {resp.status_code}")
            err.http_status = resp.status_code  # type: ignore[attr-defined]
            raise err
        try:
            data = resp.json()
        except ValueError:
            raise NetworkError(
                f"{ep.name}: {self._host()} answered something that is not JSON"
            ) from None
        if not isinstance(data, dict):
            raise NetworkError(f"{ep.name}: {self._host()} answered JSON that is not an object")
        code = _int(data.get("ErrorCode", 0))
        if code != 0 or data.get("ActionStatus") == "FAIL":
            raise ApiError(code, str(data.get("ErrorInfo", "")), ep.name, data)
        return data

    def _host(self) -> str:
        parts = urlsplit(self.endpoint_url)
        return parts.netloc or self.endpoint_url

    def _log(self, level: int, text: str) -> None:
        if self.log is not None and self.verbosity >= level:
            self.log(REDACT(text))


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, ApiError):
        return exc.retryable
    status = getattr(exc, "http_status", None)
    return status is None or status in RETRY_HTTP_STATUS


def _backoff(attempt: int) -> float:
    """Exponential backoff with full jitter."""
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _reason(exc: Exception) -> str:
    """A short cause for a connection failure, without the URL (it carries the UserSig)."""
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "nodename nor servname",
                   "timed out", "Connection reset", "Temporary failure in name resolution",
                   "No route to host", "Remote end closed connection", "certificate verify"):
        if marker in text:
            return marker.lower()
    return REDACT(exc.__class__.__name__)
