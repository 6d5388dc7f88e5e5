"""A requests transport that runs the emulator's WSGI app in-process, no socket.

Mount it for a made-up scheme: `session.mount("emulator://", EmulatorAdapter(app))` and send
full URLs (`emulator://local/v4/...?sdkappid=...`). requests leaves such URLs unprepared, so
path and query are taken from the URL here. Injected drops and lost responses raise
ConnectionError and latency beyond the read timeout raises ReadTimeout, as over a socket.
Stateless, so thread-safe.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from timctl.emulator.app import EmulatorApp
from timctl.emulator.faults import READ_TIMEOUT_KEY, Dropped, ResponseLost, TimedOut


class EmulatorAdapter(BaseAdapter):
    def __init__(self, app: EmulatorApp) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        environ = _environ(request, _read_timeout(timeout))
        captured: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: Any = None) -> None:
            captured["status"], captured["headers"] = status, headers

        try:
            chunks = self.app(environ, start_response)
            try:
                content = b"".join(chunks)
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()
        except (Dropped, ResponseLost) as exc:
            raise requests.exceptions.ConnectionError(str(exc), request=request) from None
        except TimedOut:
            raise requests.exceptions.ReadTimeout(
                f"emulator did not answer within {timeout} s (injected latency)",
                request=request) from None
        return self._response(request, captured["status"], captured["headers"], content)

    def _response(self, request: requests.PreparedRequest, status: str,
                  headers: list[tuple[str, str]], content: bytes) -> requests.Response:
        resp = requests.Response()
        code, _, reason = status.partition(" ")
        resp.status_code = int(code)
        resp.reason = reason
        resp.headers = CaseInsensitiveDict(headers)
        resp.encoding = get_encoding_from_headers(resp.headers)
        resp.raw = io.BytesIO(content)
        resp._content = content  # already complete: .content/.json() need no stream
        resp._content_consumed = True  # type: ignore[attr-defined]  # requests' own flag
        resp.url = request.url or ""
        resp.request = request
        resp.connection = self  # type: ignore[assignment]  # any adapter works here
        return resp

    def close(self) -> None:
        pass


def _read_timeout(timeout: Any) -> float | None:
    if isinstance(timeout, tuple):
        timeout = timeout[1] if len(timeout) > 1 else timeout[0]
    return None if timeout is None else float(timeout)


def _environ(request: requests.PreparedRequest, read_timeout: float | None) -> dict[str, Any]:
    url = urlsplit(request.url or "")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):  # a file or generator body
        body = body.read() if hasattr(body, "read") else b"".join(body)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": (request.method or "GET").upper(),
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote(url.path or "/", "latin-1"),  # as wsgiref does
        "QUERY_STRING": url.query,
        "SERVER_NAME": url.hostname or "local",
        "SERVER_PORT": str(url.port or 80),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": request.headers.get("Content-Type", ""),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": url.scheme or "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        READ_TIMEOUT_KEY: read_timeout,
    }
    for name, value in request.headers.items():
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            environ[f"HTTP_{key}"] = value
    return environ
