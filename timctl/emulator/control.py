"""The emulator's own control API under /_emulator/ (never under /v4/, no UserSig):

  GET  /_emulator/health   liveness, app ids and the endpoints the emulator implements
  GET  /_emulator/faults   current injected faults
  POST /_emulator/faults   {"fail_next": 3, ...} updates fields; {"clear": true} resets them
  POST /_emulator/online   {"SDKAppID", "UserID", "Platform", "Status"}: stand in for an SDK
                           login, since query_online_status has nothing else to report
  POST /_emulator/reset    delete all data, keep apps and keys

It lets people testing their own scripts against `timctl emulator serve` inject failures at
runtime. Plain HTTP status codes here: this is not the Tencent API.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from timctl.emulator import services
from timctl.emulator.app import CONTROL_PREFIX, Response, json_response, read_body

if TYPE_CHECKING:
    from timctl.emulator.app import EmulatorApp

PLATFORMS = ("iPhone", "Android", "Web", "PC", "iPad", "Mac")  # documented Detail values
STATUSES = ("Online", "PushOnline", "Offline")


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def handle(app: EmulatorApp, environ: dict[str, Any]) -> Response:
    name = (environ.get("PATH_INFO") or "")[len(CONTROL_PREFIX):].strip("/")
    method = environ.get("REQUEST_METHOD", "GET")
    raw = read_body(environ)
    try:
        route = _ROUTES.get(name)
        if route is None:
            raise _BadRequest(404, f"no control endpoint {name!r}")
        allowed, fn = route
        if method not in allowed:
            raise _BadRequest(405, f"{name} takes {' or '.join(allowed)}")
        body = _json(raw) if method == "POST" else {}
        return json_response(200, fn(app, body))
    except _BadRequest as exc:
        return json_response(exc.status, {"error": str(exc)})


def _json(raw: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(raw.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        raise _BadRequest(400, "body is not valid JSON") from None
    if not isinstance(doc, dict):
        raise _BadRequest(400, "body must be a JSON object")
    return doc


def _health(app: EmulatorApp, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "apps": [a.sdkappid for a in app.store.apps()],
            "implemented": services.implemented()}


def _faults(app: EmulatorApp, body: dict[str, Any]) -> dict[str, Any]:
    changes = dict(body)
    try:
        if changes.pop("clear", False):
            app.faults.clear()
        app.faults.update(changes)
    except ValueError as exc:
        raise _BadRequest(400, str(exc)) from None
    return app.faults.to_dict()


def _online(app: EmulatorApp, body: dict[str, Any]) -> dict[str, Any]:
    ids = [a.sdkappid for a in app.store.apps()]
    sdkappid = body.get("SDKAppID", ids[0] if len(ids) == 1 else None)
    if sdkappid not in ids:
        raise _BadRequest(400, f"SDKAppID must be one of {ids}")
    user_id, platform, status = body.get("UserID"), body.get("Platform"), body.get("Status")
    if platform not in PLATFORMS or status not in STATUSES:
        raise _BadRequest(400, f"Platform must be one of {PLATFORMS}, Status one of {STATUSES}")
    if not isinstance(user_id, str) or not app.store.account_exists(sdkappid, user_id):
        raise _BadRequest(400, f"UserID {user_id!r} is not an imported account")
    app.store.set_online(sdkappid, user_id, platform, status, app.clock())
    return {"ok": True}


def _reset(app: EmulatorApp, body: dict[str, Any]) -> dict[str, Any]:
    app.store.reset()
    return {"ok": True}


_ROUTES = {
    "health": (("GET",), _health),
    "faults": (("GET", "POST"), _faults),
    "online": (("POST",), _online),
    "reset": (("POST",), _reset),
}
