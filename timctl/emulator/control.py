"""The emulator's own control API under /_emulator/ (never under /v4/, no UserSig):

  GET  /_emulator/health   liveness, app ids and the endpoints the emulator implements
  GET  /_emulator/faults   current injected faults
  POST /_emulator/faults   {"fail_next": 3, ...} updates fields; {"clear": true} resets them
  GET  /_emulator/stats    calls per endpoint and ErrorCode
  POST /_emulator/stats    {} returns the stats and zeroes them, in one transaction
  POST /_emulator/reset    delete all data, keep apps and keys
  ...                      routes the service packages add (accounts: POST online)

It lets people testing their own scripts against `timctl emulator serve` inject failures and
read what was sent. It answers loopback peers only, unless the app has a control token: then
everyone must send `Authorization: Bearer <token>`. Plain HTTP status codes here: this is not
the Tencent API.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from timctl.emulator import apps, services, stats
from timctl.emulator.responses import CONTROL_PREFIX, Response, json_response, read_body
from timctl.emulator.services import ControlContext, ControlError

if TYPE_CHECKING:
    from timctl.emulator.app import EmulatorApp

# A route gets the JSON body of a POST, None for a GET.
Route = tuple[tuple[str, ...],
              Callable[["EmulatorApp", dict[str, Any] | None], dict[str, Any]]]


def handle(app: EmulatorApp, environ: dict[str, Any]) -> Response:
    name = (environ.get("PATH_INFO") or "")[len(CONTROL_PREFIX):].strip("/")
    method = environ.get("REQUEST_METHOD", "GET")
    raw = read_body(environ)
    try:
        _check_caller(app, environ)
        methods, run = _route(name)
        if method not in methods:
            raise ControlError(405, f"{name} takes {' or '.join(methods)}")
        body = _json(raw) if method == "POST" else None
        return json_response(200, run(app, body))
    except ControlError as exc:
        extra = [("WWW-Authenticate", "Bearer")] if exc.status == 401 else []
        return json_response(exc.status, {"error": str(exc)}, extra)


def _check_caller(app: EmulatorApp, environ: dict[str, Any]) -> None:
    if app.control_token is not None:
        sent = environ.get("HTTP_AUTHORIZATION", "")
        expected = f"Bearer {app.control_token}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            raise ControlError(401, "the control API needs Authorization: Bearer <token>")
        return
    if not _is_loopback(environ.get("REMOTE_ADDR")):
        raise ControlError(403, "the control API answers loopback clients only (start the "
                                "emulator with --control-token to allow others)")


def _is_loopback(addr: str | None) -> bool:
    if not addr:  # no peer: called in-process
        return True
    try:
        ip = ipaddress.ip_address(addr.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return bool(ip.is_loopback or (mapped is not None and mapped.is_loopback))


def _route(name: str) -> Route:
    if name in _ROUTES:
        return _ROUTES[name]
    route = services.control_routes().get(name)
    if route is None:
        raise ControlError(404, f"no control endpoint {name!r}")
    return route.methods, lambda app, body: _service_route(app, route.run, body)


def _service_route(app: EmulatorApp, run: services.ControlHandler,
                   body: dict[str, Any] | None) -> dict[str, Any]:
    with app.store.tx() as db:
        ids = tuple(a.sdkappid for a in apps.load_all(db))
        return run(ControlContext(db, app.clock(), ids), body or {})


def _json(raw: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise ControlError(400, "body is not valid JSON") from None
    if not isinstance(doc, dict):
        raise ControlError(400, "body must be a JSON object")
    return doc


def _health(app: EmulatorApp, body: dict[str, Any] | None) -> dict[str, Any]:
    return {"ok": True, "apps": [a.sdkappid for a in apps.list_apps(app.store)],
            "implemented": services.implemented()}


def _faults(app: EmulatorApp, body: dict[str, Any] | None) -> dict[str, Any]:
    changes = dict(body or {})
    try:
        if changes.pop("clear", False):
            app.faults.clear()
        app.faults.update(changes)
    except ValueError as exc:
        raise ControlError(400, str(exc)) from None
    return app.faults.to_dict()


def _stats(app: EmulatorApp, body: dict[str, Any] | None) -> dict[str, Any]:
    with app.store.tx() as db:
        doc = stats.summary(db)
        if body is not None:  # POST: read and zero in one transaction
            stats.reset(db)
    return doc


def _reset(app: EmulatorApp, body: dict[str, Any] | None) -> dict[str, Any]:
    apps.reset(app.store)
    return {"ok": True}


_ROUTES: dict[str, Route] = {
    "health": (("GET",), _health),
    "faults": (("GET", "POST"), _faults),
    "stats": (("GET", "POST"), _stats),
    "reset": (("POST",), _reset),
}
