"""WSGI plumbing shared by the gateway and the control API: bodies in, answers out."""

from __future__ import annotations

import http
import json
from typing import Any

# Paths of the emulator's own control API (control.py), never under /v4/.
CONTROL_PREFIX = "/_emulator/"

Response = tuple[str, list[tuple[str, str]], bytes]


def read_body(environ: dict[str, Any]) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return environ["wsgi.input"].read(length) if length > 0 else b""


def json_response(status: int, doc: Any,
                  headers: list[tuple[str, str]] | None = None) -> Response:
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return status_line(status), [("Content-Type", "application/json; charset=utf-8"),
                                 ("Content-Length", str(len(body))), *(headers or [])], body


def non_json(status: int) -> Response:
    """What a proxy in front of the API answers when it fails: HTML, not the envelope."""
    line = status_line(status)
    body = f"<html><body><h1>{line}</h1></body></html>\n".encode()
    return line, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))], body


def status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Error"
