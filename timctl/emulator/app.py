"""The emulator's WSGI app: the REST gateway in front of the service handlers.

Per /v4 request, in order: transport faults (latency, dropped connection, HTTP error status),
route (60002 bad shape, 60009 unknown or not emulated; legacy paths answer as their
endpoint), then inside one store transaction: auth (auth.py), rate limit (60007), injected
API errors, JSON body (the service's code), the handler (in a savepoint: a failed call
writes nothing) and the call's stats. A lost-response fault drops the answer after that
commit. Apart from transport faults every answer is HTTP 200 with the documented envelope.
Paths under /_emulator/ are the control API (control.py), never under /v4/.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote

from timctl import endpoints
from timctl.emulator import auth, services, stats
from timctl.emulator.faults import READ_TIMEOUT_KEY, Dropped, Faults, ResponseLost, TimedOut
from timctl.emulator.ratelimit import RateLimiter
from timctl.emulator.responses import (
    CONTROL_PREFIX,
    Response,
    json_response,
    non_json,
    read_body,
)
from timctl.emulator.services import GATEWAY_SPEC, ApiFail, Context, ServiceSpec
from timctl.emulator.store import Store

__all__ = ["CONTROL_PREFIX", "READ_TIMEOUT_KEY", "EmulatorApp", "envelope"]


StartResponse = Callable[..., Any]


class EmulatorApp:
    """WSGI callable. Thread-safe: state lives in the store (serialised transactions), the
    rate limiter and the faults (both locked).

    A handler bug answers 70500 naming the exception. `debug` re-raises it instead (tests);
    `log_errors` (set by `timctl emulator serve`) or TIMCTL_DEBUG=1 logs its traceback.
    `control_token`: the control API then requires `Authorization: Bearer <token>` from
    anyone; without one it serves loopback peers only.
    """

    def __init__(self, store: Store, faults: Faults | None = None,
                 clock: Callable[[], float] = time.time, *, control: bool = True,
                 debug: bool = False, log_errors: bool = False,
                 control_token: str | None = None) -> None:
        self.store = store
        self.faults = faults if faults is not None else Faults()
        self.clock = clock
        self.control = control  # serve /_emulator/ (faults, health, stats, online, reset)
        self.debug = debug
        self.log_errors = log_errors
        self.control_token = control_token
        self._limiter = RateLimiter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if self.control and path.startswith(CONTROL_PREFIX):
            from timctl.emulator import control  # loaded only when the control API is used

            status, headers, body = control.handle(self, environ)
        else:
            status, headers, body = self._rest(environ)
        start_response(status, headers)
        return [body]

    def close(self) -> None:
        self.store.close()

    # --- /v4 ---------------------------------------------------------------------------------

    def _rest(self, environ: dict[str, Any]) -> Response:
        raw = read_body(environ)  # always drain: closing on unread input resets the socket
        self._transport_faults(environ)
        status = self.faults.take_http_status()
        if status is not None:
            return non_json(status)
        lose = self.faults.take_lose_response()
        doc = self._answer(environ, raw)
        if lose:
            raise ResponseLost("the emulator lost the response after commit (injected fault)")
        return json_response(200, doc)

    def _transport_faults(self, environ: dict[str, Any]) -> None:
        delay = self.faults.delay()
        if delay > 0:
            timeout = environ.get(READ_TIMEOUT_KEY)
            if timeout is not None and delay > timeout:
                time.sleep(timeout)
                raise TimedOut(f"no answer within {timeout:g} s (injected latency)")
            time.sleep(delay)
        if self.faults.take_drop():
            raise Dropped("the emulator dropped the connection (injected fault)")

    def _answer(self, environ: dict[str, Any], raw: bytes) -> dict[str, Any]:
        key, endpoint = _resolve(environ.get("PATH_INFO") or "")
        try:
            with self.store.tx() as db:
                doc = self._in_tx(db, environ, raw, key, endpoint)
                stats.record(db, key, doc["ErrorCode"])
            return doc
        except Exception as exc:  # the transaction itself failed (disk, lock timeout)
            if self.debug:
                raise
            self._report(exc)
            return envelope(GATEWAY_SPEC, 70500, bug_text(exc))

    def _in_tx(self, db: sqlite3.Connection, environ: dict[str, Any], raw: bytes, key: str,
               endpoint: endpoints.Endpoint | None) -> dict[str, Any]:
        spec = GATEWAY_SPEC if endpoint is None else services.spec(endpoint.service)
        try:
            handler = _handler(environ, key, endpoint)
            assert endpoint is not None
            data = self._call(db, environ, raw, endpoint, spec, handler)
            return envelope(spec, 0, "", data)
        except ApiFail as fail:
            return envelope(spec, fail.code, fail.info, fail.data)
        except Exception as exc:
            if self.debug:
                raise
            self._report(exc)
            return envelope(spec, 70500, bug_text(exc))

    def _call(self, db: sqlite3.Connection, environ: dict[str, Any], raw: bytes,
              endpoint: endpoints.Endpoint, spec: ServiceSpec,
              handler: services.Handler) -> dict[str, Any]:
        now = self.clock()
        params = parse_query(environ.get("QUERY_STRING", ""))
        caller = auth.authenticate(db, params, spec, now)
        body = _json_object(raw)
        if self.faults.rate_limit and endpoint.gateway_rate_limit:
            cost = _cost(endpoint, body)
            if not self._limiter.allow((caller.app.sdkappid, endpoint.name), endpoint.rate,
                                       endpoint.rate_period, now, cost):
                raise ApiFail(60007, f"REST API call frequency over limit: {endpoint.name}"
                                     f" allows {endpoint.rate:g} {endpoint.rate_unit} per"
                                     f" {endpoint.rate_period:g} s per app")
        code = self.faults.take_error()
        if code is not None:
            raise ApiFail(code, f"injected fault: ErrorCode {code} (timctl emulator)")
        if not isinstance(body, dict):
            info = spec.bad_json_info
            raise ApiFail(spec.bad_json_code,
                          info if body is None else f"{info}: the body must be a JSON object")
        ctx = Context(db, caller.app, caller.identifier, now, endpoint, spec)
        with self.store.savepoint("handler"):  # a failed call writes nothing
            return handler(ctx, body)

    def _report(self, exc: BaseException) -> None:
        # An in-process caller (the CLI) must not get a traceback on its stderr.
        if self.log_errors or os.environ.get("TIMCTL_DEBUG") == "1":
            import logging  # only when there is a bug to log

            logging.getLogger("timctl.emulator").error("timctl emulator bug", exc_info=exc)


def _resolve(path: str) -> tuple[str, endpoints.Endpoint | None]:
    """(stats key, endpoint) of a /v4 path; legacy names resolve to their endpoint. The key
    of a malformed path is the path itself (with its leading slash)."""
    parts = path.split("/")
    if len(parts) != 4 or parts[0] or parts[1] != "v4" or not parts[2] or not parts[3]:
        return "/" + path.lstrip("/"), None
    name = f"{parts[2]}/{parts[3]}"
    endpoint = endpoints.get(name)
    if endpoint is None or (endpoint.name != name and name not in endpoint.legacy_paths):
        return name, None
    return endpoint.name, endpoint


def _handler(environ: dict[str, Any], key: str,
             endpoint: endpoints.Endpoint | None) -> services.Handler:
    if environ.get("REQUEST_METHOD") != "POST":
        raise ApiFail(60002, "HTTP parse Error: the REST API takes POST only")
    if endpoint is None:
        if key.startswith("/"):
            raise ApiFail(60002, "HTTP parse Error: the URL path must be /v4/<service>/<command>")
        raise ApiFail(60009, f"request resource error: no API {key}")
    handler = services.lookup(endpoint.name)
    if handler is None:
        raise ApiFail(60009, f"request resource error: {endpoint.name} is not implemented by"
                             " the timctl emulator")
    return handler


def parse_query(query: str) -> dict[str, list[str]]:
    """parse_qs(query, keep_blank_values=True), at a third of its cost: names and values are
    unquoted only when they hold '%' or '+' (a signed URL's usually do not)."""
    params: dict[str, list[str]] = {}
    for part in query.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        if "%" in part or "+" in part:
            name = unquote(name.replace("+", " "))
            value = unquote(value.replace("+", " "))
        params.setdefault(name, []).append(value)
    return params


def _json_object(raw: bytes) -> Any:
    """The parsed body, or None when it is not JSON (the caller picks the service's code)."""
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _cost(endpoint: endpoints.Endpoint, body: Any) -> float:
    """Units the call uses of the endpoint's rate: 1, or its items where the docs count items."""
    if endpoint.rate_unit == "items" and endpoint.batch and isinstance(body, dict):
        items = body.get(endpoint.batch.field)
        if isinstance(items, list) and items:
            return float(len(items))
    return 1.0


def envelope(spec: ServiceSpec, code: int, info: str,
             data: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ActionStatus": "OK" if code == 0 else "FAIL",
                           "ErrorCode": code, "ErrorInfo": info}
    if spec.error_display:
        out["ErrorDisplay"] = ""
    if data:
        out.update(data)
    return out


def bug_text(exc: BaseException) -> str:
    """A short ErrorInfo naming the exception: one line, no traceback."""
    detail = " ".join(str(exc).split())[:200]
    name = type(exc).__name__
    return f"internal server error (timctl emulator bug: {name}{': ' + detail if detail else ''})"
