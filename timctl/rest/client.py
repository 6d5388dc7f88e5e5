"""Client.call(): URL, signed query, POST, envelope, retries by class, rate limit.

The one choke point for every REST call. It does not know whether its transport reaches
Tencent Cloud, `timctl emulator serve`, or an app mounted in-process: the CLI hands it one.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from timctl import endpoints, usersig
from timctl.endpoints import Endpoint
from timctl.errors import (
    ApiError,
    ConfigError,
    NetworkError,
    OutcomeUnknown,
    UsageError,
)
from timctl.rest import retry
from timctl.rest.ratelimit import RateLimiter
from timctl.rest.redact import REDACT, REDACTED
from timctl.rest.transport import RawResponse, SendError, Transport

ADMIN_SIG_LIFETIME = 86400  # seconds; regenerated well before it runs out
SIG_REFRESH_MARGIN = 300
UINT32 = 2**32
# Share of a documented rate the client aims at: the server counts arrivals, which network
# jitter bunches up, so aiming at exactly the limit trips it (60007) now and then.
RATE_HEADROOM = 0.95

Log = Callable[[str], None]


class Credentials:
    """SDKAppID, admin and the secret key, read only when a request is signed (a dry run
    never needs it). The key is never shown by repr."""

    __slots__ = ("sdkappid", "admin", "_key", "_source", "_lock")

    def __init__(self, sdkappid: int, admin: str, secret_key: str | Callable[[], str]) -> None:
        self.sdkappid = sdkappid
        self.admin = admin
        self._key: str | None = secret_key if isinstance(secret_key, str) else None
        self._source = None if isinstance(secret_key, str) else secret_key
        self._lock = threading.Lock()
        if self._key is not None:
            REDACT.add(self._key)

    @property
    def secret_key(self) -> str:
        with self._lock:
            if self._key is None:
                assert self._source is not None
                self._key = self._source()
                REDACT.add(self._key)
            if not self._key:
                raise ConfigError("the secret key is empty")
            return self._key

    def __repr__(self) -> str:
        return f"Credentials(sdkappid={self.sdkappid}, admin={self.admin!r}, secret_key=***)"


class ApiResponse(dict[str, Any]):
    """A decoded answer (ErrorCode 0, or an 'already gone' code on a retried delete), with how
    it was obtained: per-item readers treat the endpoint's gone codes as done when an earlier
    attempt may have been applied."""

    attempts: int = 1
    maybe_repeated: bool = False  # an earlier attempt may have been applied before this one
    already_done: bool = False  # the whole request answered a gone code on such a retry


class Client:
    """Signs and sends REST calls; thread-safe (share one instance between workers)."""

    def __init__(
        self,
        transport: Transport | Callable[[], Transport],
        credentials: Credentials,
        *,
        base_url: str = "",
        timeout: float = 10.0,
        max_attempts: int = 5,
        rate: float | None = None,
        log: Log | None = None,
        verbosity: int = 0,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._transport: Transport | None = None
        self._make_transport: Callable[[], Transport] | None = None
        if callable(transport) and not hasattr(transport, "post"):
            self._make_transport = transport
        else:
            self._transport = transport  # type: ignore[assignment]
        self._transport_lock = threading.Lock()
        self.base_url = base_url.rstrip("/")  # for dry runs and messages only
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

    def __repr__(self) -> str:
        return f"Client({self.base_url!r}, sdkappid={self.credentials.sdkappid})"

    # ------------------------------------------------------------------ public

    @staticmethod
    def resolve(name: str | Endpoint, *, allow_unknown: bool = False) -> Endpoint:
        """The spec of `name`; with allow_unknown, an ad-hoc spec for a name not in the table."""
        if isinstance(name, Endpoint):
            return name
        ep = endpoints.get(name)
        if ep is not None:
            return ep
        if allow_unknown:
            try:
                return endpoints.adhoc(name)
            except ValueError as exc:
                raise UsageError(str(exc)) from None
        raise UsageError(f"unknown endpoint {name!r} (see: timctl api list)")

    def prepare(self, ep: Endpoint, body: dict[str, Any] | None) -> dict[str, Any]:
        """The body as it will be sent: a dedup endpoint's field filled once, here, so every
        retry carries the same value and the server drops repeats."""
        body = dict(body or {})
        if ep.dedup is not None:
            for name in (ep.dedup.field, *ep.dedup.also):
                if body.get(name) in (None, 0, ""):
                    body[name] = secrets.randbelow(UINT32 - 1) + 1
        return body

    def call(self, name: str | Endpoint, body: dict[str, Any] | None = None, *,
             on_send: Callable[[], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> ApiResponse:
        """POST `body` to the endpoint; the decoded response on success. `on_send` is called
        once, when the first attempt is about to go out (after its wait for a slot); once
        `cancelled()` is true, a throttled or unsent attempt is not tried again (nothing was
        applied: the caller may send it another time).

        Raises ApiError (ErrorCode != 0), NetworkError (no usable answer, retries spent) or
        OutcomeUnknown (a write may have been applied and must not be re-sent).
        """
        ep = self.resolve(name)
        body = self.prepare(ep, body)
        try:
            payload = json.dumps(body, ensure_ascii=False, allow_nan=False).encode("utf-8")
        except ValueError as exc:  # NaN/Infinity: not JSON
            raise UsageError(f"{ep.name}: request body is not valid JSON: {exc}") from None
        rate, cost = self._rate(ep, body)
        maybe_applied = False
        resigned = False
        attempt = tries = throttles = 0
        started = time.monotonic()
        waited = 0.0
        try:
            while True:
                attempt += 1
                waited += self.limiter.wait(ep.name, rate, cost)
                if on_send is not None and attempt == 1:
                    on_send()
                sent = self.limiter.now()
                began = time.monotonic()
                try:
                    data = self._attempt(ep, payload)
                except (SendError, ApiError, _BadAnswer) as exc:
                    failure = self._classify(exc)
                    if (maybe_applied and isinstance(exc, ApiError)
                            and exc.code in ep.gone_codes):
                        self._log(1, f"{ep.name} attempt {attempt}: {exc.code} after a lost "
                                     "answer: already done")
                        done = ApiResponse(exc.response)
                        done.attempts, done.maybe_repeated, done.already_done = (
                            attempt, True, True)
                        return done
                    if failure.kind == "resign":
                        if resigned:
                            raise
                        resigned = True
                        self._drop_sig()
                    if failure.kind == "throttled":
                        # over the rate: the pace slows for every thread, and the call waits
                        # its turn again without spending one of its attempts
                        self.limiter.throttled(ep.name, sent)
                        throttles += 1
                        will_retry = throttles <= retry.THROTTLE_RETRIES
                    else:
                        tries += 1
                        will_retry = retry.may_repeat(ep.retry, failure.kind) and (
                            tries < self.max_attempts)
                    if (failure.kind in ("throttled", "not_sent") and cancelled is not None
                            and cancelled()):
                        will_retry = False
                    self._log(1, f"{ep.name} attempt {attempt}/{self.max_attempts}: {exc}"
                                 + ("; retrying" if will_retry else ""))
                    if failure.kind == "ambiguous" and not retry.may_repeat(ep.retry, "ambiguous"):
                        raise self._unknown(ep, exc) from None
                    if not will_retry:
                        raise self._final(ep, exc, attempt) from None
                    if failure.kind == "ambiguous":
                        maybe_applied = True
                    pause = 0.0 if failure.kind == "resign" else retry.backoff(
                        throttles if failure.kind == "throttled" else tries, failure.wait)
                    self._sleep(pause)
                    continue
                ms = (time.monotonic() - began) * 1000
                self._log(1, f"{ep.name} -> ErrorCode {data.get('ErrorCode', 0)} in {ms:.0f} ms"
                             f" (attempt {attempt})")
                self._log(2, f"response: {json.dumps(data, ensure_ascii=False)}")
                data.attempts, data.maybe_repeated = attempt, maybe_applied
                return data
        finally:  # how long a call keeps a worker busy: what sizes the bulk runner's window
            self.limiter.observe(ep.name, time.monotonic() - started - waited)

    def wanted_in_flight(self, name: str | Endpoint, items: int = 1) -> int | None:
        """Calls of `items` items each to keep in flight so the endpoint's rate stays busy,
        from the time calls have taken so far (None before the first one)."""
        ep = self.resolve(name)
        body = {ep.batch.field: [None] * items} if ep.batch is not None else {}
        rate, cost = self._rate(ep, body)
        return self.limiter.in_flight(ep.name, rate, cost)

    def preview(self, name: str | Endpoint, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """The request `call` would send, with the UserSig redacted (for --dry-run). Needs
        neither the secret key nor the transport."""
        ep = self.resolve(name, allow_unknown=True)
        return {
            "method": "POST",
            "url": self.base_url + self._path(ep, REDACTED),
            "endpoint": ep.name,
            "body": self.prepare(ep, body),
        }

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    # ------------------------------------------------------------------ internals

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            with self._transport_lock:  # workers may race to the first call
                if self._transport is None:
                    assert self._make_transport is not None
                    self._transport = self._make_transport()
        return self._transport

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

    def _drop_sig(self) -> None:
        with self._sig_lock:
            self._sig = None

    def _rate(self, ep: Endpoint, body: dict[str, Any]) -> tuple[float, float]:
        """(units per second, units this call costs) for the limiter."""
        if self.rate_override:
            return self.rate_override, 1.0
        per_second = ep.rate / ep.rate_period * RATE_HEADROOM
        if ep.rate_unit == "items" and ep.batch is not None:
            items = body.get(ep.batch.field)
            cost = float(len(items)) if isinstance(items, list) and items else 1.0
            return per_second, cost
        return per_second, 1.0

    def _path(self, ep: Endpoint, sig: str) -> str:
        query = urlencode({
            "sdkappid": self.credentials.sdkappid,
            "identifier": self.credentials.admin,
            "usersig": sig,
            "random": secrets.randbelow(UINT32),
            "contenttype": "json",
        })
        return f"{ep.path}?{query}"

    def _attempt(self, ep: Endpoint, payload: bytes) -> ApiResponse:
        path = self._path(ep, self.admin_usersig())
        self._log(1, f"POST {REDACT(self.base_url + path)}")
        self._log(2, f"body: {payload.decode('utf-8')}")
        raw = self.transport.post(path, payload, self.timeout)
        return self._decode(ep, raw)

    def _decode(self, ep: Endpoint, raw: RawResponse) -> ApiResponse:
        if raw.status != 200:
            raise _BadAnswer(f"answered HTTP {raw.status}", raw.status,
                             retry.parse_retry_after(raw.header("Retry-After")))
        try:
            data = json.loads(raw.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _BadAnswer("answered something that is not JSON", 200) from None
        if not isinstance(data, dict):
            raise _BadAnswer("answered JSON that is not an object", 200)
        code = _int(data.get("ErrorCode", 0))
        if code != 0 or data.get("ActionStatus") == "FAIL":
            raise ApiError(code, str(data.get("ErrorInfo", "")), ep.name, data)
        return ApiResponse(data)

    @staticmethod
    def _classify(exc: Exception) -> retry.Failure:
        if isinstance(exc, SendError):
            return retry.Failure("ambiguous" if exc.sent else "not_sent", exc)
        if isinstance(exc, ApiError):
            return retry.Failure(retry.classify_api_error(exc), exc)
        assert isinstance(exc, _BadAnswer)
        if exc.status == 429:
            return retry.Failure("throttled", exc, exc.retry_after)
        if exc.status in retry.RETRY_HTTP_STATUS or exc.status == 200:
            return retry.Failure("ambiguous", exc, exc.retry_after)
        return retry.Failure("final", exc)

    def _final(self, ep: Endpoint, exc: Exception, attempts: int) -> Exception:
        if isinstance(exc, ApiError):
            return exc
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        if isinstance(exc, SendError):
            what = "no answer from" if exc.sent else "cannot reach"
            return NetworkError(f"{ep.name}: {what} {self._host()}: {exc.reason}{tries}")
        return NetworkError(f"{ep.name}: {self._host()} {exc}{tries}")

    def _unknown(self, ep: Endpoint, exc: Exception) -> Exception:
        if isinstance(exc, ApiError):  # the server said "timeout": it may have been applied
            return ApiError(exc.code, exc.info, ep.name, exc.response,
                            hint="it may have been applied: check before running it again")
        what = (f"no answer from {self._host()} ({exc.reason})" if isinstance(exc, SendError)
                else f"{self._host()} {exc}")
        return OutcomeUnknown(
            f"{ep.name}: {what}; the request may have been applied and was not re-sent,"
            " since repeating it is not safe: check before running it again")

    def _host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.base_url).netloc or self.base_url or "the server"

    def _log(self, level: int, text: str) -> None:
        if self.log is not None and self.verbosity >= level:
            self.log(REDACT(text))


class _BadAnswer(Exception):
    """An HTTP answer that is not a JSON envelope."""

    def __init__(self, text: str, status: int, retry_after: float | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.retry_after = retry_after


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
