"""The emulator's WSGI app: the REST gateway in front of the service handlers.

Per /v4 request, in order: transport faults (latency, dropped connection, HTTP error status),
route (60002 bad shape, 60009 unknown or not emulated), auth (auth.py), rate limit (60007),
injected API errors, JSON body (60003; openim says 90001), then the handler inside one store
transaction. Apart from transport faults every answer is HTTP 200 with the documented
envelope. Paths under /_emulator/ are the control API (control.py), never under /v4/.
"""

from __future__ import annotations

import http
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from timctl import endpoints
from timctl.emulator import auth, services
from timctl.emulator.faults import Dropped, Faults, RateLimiter, TimedOut
from timctl.emulator.services import ApiFail, Context
from timctl.emulator.store import Store

log = logging.getLogger("timctl.emulator")

CONTROL_PREFIX = "/_emulator/"
# Environ key an in-process transport sets to its read timeout, so injected latency beyond
# it ends in a timeout as it would over a socket.
READ_TIMEOUT_KEY = "timctl.read_timeout"
# Services whose documented responses carry ErrorDisplay.
_ERROR_DISPLAY_SERVICES = frozenset({"profile", "sns", "recentcontact"})

StartResponse = Callable[..., Any]
Response = tuple[str, list[tuple[str, str]], bytes]


class EmulatorApp:
    """WSGI callable. Thread-safe: state lives in the store (serialised transactions), the
    rate limiter and the faults (both locked)."""

    def __init__(self, store: Store, faults: Faults | None = None,
                 clock: Callable[[], float] = time.time, *, control: bool = True,
                 debug: bool = False) -> None:
        self.store = store
        self.faults = faults if faults is not None else Faults()
        self.clock = clock
        self.control = control  # serve /_emulator/ (faults, health, online, reset)
        self.debug = debug  # re-raise handler bugs instead of answering 70500
        self._limiter = RateLimiter()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        if self.control and path.startswith(CONTROL_PREFIX):
            from timctl.emulator import control

            status, headers, body = control.handle(self, environ)
        else:
            status, headers, body = self._rest(environ)
        start_response(status, headers)
        return [body]

    # --- /v4 ---------------------------------------------------------------------------------

    def _rest(self, environ: dict[str, Any]) -> Response:
        raw = read_body(environ)  # always drain: closing on unread input resets the socket
        self._transport_faults(environ)
        status = self.faults.take_http_status()
        if status is not None:
            return _non_json(status)
        return json_response(200, self._answer(environ, raw))

    def _transport_faults(self, environ: dict[str, Any]) -> None:
        delay = self.faults.latency
        if delay > 0:
            timeout = environ.get(READ_TIMEOUT_KEY)
            if timeout is not None and delay > timeout:
                time.sleep(timeout)
                raise TimedOut()
            time.sleep(delay)
        if self.faults.take_drop():
            raise Dropped()

    def _answer(self, environ: dict[str, Any], raw: bytes) -> dict[str, Any]:
        service: str | None = None
        try:
            endpoint, handler = _route(environ)
            service = endpoint.service
            now = self.clock()
            params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            caller = auth.authenticate(params, self.store, service, now)
            if self.faults.rate_limit and not self._limiter.allow(
                    (caller.app.sdkappid, endpoint.name), endpoint.rate, now):
                raise ApiFail(60007, f"REST API call frequency over limit: {endpoint.name}"
                                     f" allows {endpoint.rate:g} calls/s per app")
            code = self.faults.take_error()
            if code is not None:
                raise ApiFail(code, f"injected fault: ErrorCode {code} (timctl emulator)")
            body = _json_object(raw, service)
            ctx = Context(self.store, caller.app, caller.identifier, now, endpoint)
            with self.store.tx():  # one request, one transaction: all or nothing
                data = handler(ctx, body)
            return envelope(service, 0, "", data)
        except ApiFail as fail:
            return envelope(service, fail.code, fail.info, fail.data)
        except Exception:
            if self.debug:
                raise
            log.exception("emulator handler failed")
            return envelope(service, 70500, "internal server error (timctl emulator bug)")


def _route(environ: dict[str, Any]) -> tuple[endpoints.Endpoint, services.Handler]:
    if environ.get("REQUEST_METHOD") != "POST":
        raise ApiFail(60002, "HTTP parse Error: the REST API takes POST only")
    parts = (environ.get("PATH_INFO") or "").split("/")
    if len(parts) != 4 or parts[0] or parts[1] != "v4" or not parts[2] or not parts[3]:
        raise ApiFail(60002, "HTTP parse Error: the URL path must be /v4/<service>/<command>")
    name = f"{parts[2]}/{parts[3]}"
    endpoint = endpoints.get(name)
    if endpoint is None or endpoint.name != name:
        raise ApiFail(60009, f"request resource error: no API {name}")
    handler = services.lookup(endpoint.name)
    if handler is None:
        raise ApiFail(60009, f"request resource error: {name} is not implemented by the"
                             " timctl emulator")
    return endpoint, handler


def _json_object(raw: bytes, service: str) -> dict[str, Any]:
    if service == "openim":  # documented sample for openim/* parse failures
        code, info = 90001, "Fail to Parse json data of body, Please check it"
    else:
        code, info = 60003, "request body JSON parse error"
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiFail(code, info) from None
    if not isinstance(body, dict):
        raise ApiFail(code, f"{info}: the body must be a JSON object")
    return body


def envelope(service: str | None, code: int, info: str,
             data: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"ActionStatus": "OK" if code == 0 else "FAIL",
                           "ErrorCode": code, "ErrorInfo": info}
    if service in _ERROR_DISPLAY_SERVICES:
        out["ErrorDisplay"] = ""
    if data:
        out.update(data)
    return out


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def json_response(status: int, doc: Any) -> Response:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return _status_line(status), [("Content-Type", "application/json; charset=utf-8"),
                                  ("Content-Length", str(len(body)))], body


def _non_json(status: int) -> Response:
    line = _status_line(status)
    body = f"<html><body><h1>{line}</h1></body></html>\n".encode()
    return line, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], body


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"
