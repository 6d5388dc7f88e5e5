"""How a request reaches a server: over HTTP(S) with a pooled session, or in-process into a
WSGI app. The client sees one interface and cannot tell them apart.

Every failure to get an answer is a `SendError` that says whether the request may have
reached the server (`sent`): a refused connection was certainly not processed and is always
safe to retry; a reset, a timeout or a lost response may hide a write that was applied.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

# WSGI environ key an in-process transport sets to its read timeout, so a slow app can end in
# a timeout as it would over a socket (the emulator's injected latency honours it).
READ_TIMEOUT_KEY = "timctl.read_timeout"


class SendError(Exception):
    """No HTTP answer. `sent`: the request may have reached the server (outcome unknown)."""

    def __init__(self, reason: str, *, sent: bool, timeout: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.sent = sent
        self.timeout = timeout


@dataclass(frozen=True)
class RawResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Transport(Protocol):
    """POST `path_and_query` (starting with /v4/) to the server with `body`."""

    def post(self, path_and_query: str, body: bytes, timeout: float) -> RawResponse: ...

    def close(self) -> None: ...


# ------------------------------------------------------------------------------ HTTP(S)


class HttpTransport:
    """A pooled requests.Session, created on first use (thread-safe), so that commands that
    never send (dry runs, the in-process emulator) never import requests."""

    def __init__(self, base_url: str, user_agent: str = "timctl") -> None:
        self.base_url = base_url.rstrip("/")
        self._user_agent = user_agent
        self._session: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"HttpTransport({self.base_url!r})"

    def _open(self) -> Any:
        with self._lock:
            if self._session is None:
                import requests
                from requests.adapters import HTTPAdapter

                session = requests.Session()
                session.headers["User-Agent"] = self._user_agent
                # Retries are the client's job (it knows which requests are safe to repeat).
                pooled = HTTPAdapter(pool_connections=4, pool_maxsize=64, max_retries=0)
                session.mount("https://", pooled)
                session.mount("http://", pooled)
                if is_loopback(self.base_url):
                    session.trust_env = False  # an HTTP(S)_PROXY must not capture local calls
                self._session = session
            return self._session

    def post(self, path_and_query: str, body: bytes, timeout: float) -> RawResponse:
        session = self._open()
        import requests

        try:
            resp = session.post(self.base_url + path_and_query, data=body, timeout=timeout,
                                headers={"Content-Type": "application/json"})
            content = resp.content
        except requests.exceptions.ConnectTimeout:
            raise SendError(f"no connection within {timeout:g} s", sent=False,
                            timeout=True) from None
        except requests.exceptions.ReadTimeout:
            raise SendError(f"no answer within {timeout:g} s", sent=True, timeout=True) from None
        except requests.exceptions.SSLError as exc:
            raise SendError(f"TLS failed: {_reason(exc)}", sent=False) from None
        except requests.exceptions.ConnectionError as exc:
            raise SendError(_reason(exc), sent=not _never_connected(exc)) from None
        except requests.exceptions.RequestException as exc:
            raise SendError(_reason(exc), sent=True) from None
        headers = {k.lower(): v for k, v in resp.headers.items()}
        return RawResponse(resp.status_code, content, headers)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def _never_connected(exc: Exception) -> bool:
    """True when the connection itself failed, so the request was never sent."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ProxyError

    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:  # walk args / reason / __cause__ / __context__ of the wrapped exceptions
        err = stack.pop()
        if err is None or id(err) in seen:
            continue
        seen.add(id(err))
        if isinstance(err, (NewConnectionError, ConnectTimeoutError, ProxyError,
                            ConnectionRefusedError)):
            return True
        if isinstance(err, BaseException):
            stack.extend([getattr(err, "reason", None), err.__cause__, err.__context__,
                          *[a for a in err.args if isinstance(a, BaseException)]])
    return False


_REASONS = ("Connection refused", "Name or service not known", "nodename nor servname",
            "Temporary failure in name resolution", "No route to host", "Connection reset",
            "Remote end closed connection", "Connection aborted", "certificate verify failed",
            "timed out", "Network is unreachable")


def _reason(exc: Exception) -> str:
    """A short cause, never the URL (its query carries the UserSig)."""
    text = str(exc)
    for marker in _REASONS:
        if marker in text:
            return marker.lower()
    return exc.__class__.__name__


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


# ------------------------------------------------------------------------------ in-process


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WsgiTransport:
    """Calls a WSGI app in this process: no socket, no requests.

    The app signals transport faults with builtin exceptions, as a socket would surface them:
    ConnectionRefusedError (never reached), TimeoutError (no answer in time),
    ConnectionError (reset or response lost: may have been applied).
    """

    def __init__(self, app: WsgiApp, base_url: str = "emulator://local") -> None:
        self.app = app
        self.base_url = base_url

    def __repr__(self) -> str:
        return f"WsgiTransport({self.base_url!r})"

    def post(self, path_and_query: str, body: bytes, timeout: float) -> RawResponse:
        path, _, query = path_and_query.partition("?")
        environ = _environ(path, query, body, timeout)
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
        except ConnectionRefusedError as exc:
            raise SendError(str(exc) or "connection refused", sent=False) from None
        except TimeoutError:
            raise SendError(f"no answer within {timeout:g} s", sent=True, timeout=True) from None
        except ConnectionError as exc:
            raise SendError(str(exc) or "connection lost", sent=True) from None
        code = int(str(captured.get("status", "500")).split(" ", 1)[0])
        headers = {k.lower(): v for k, v in captured.get("headers", [])}
        return RawResponse(code, content, headers)

    def close(self) -> None:
        close = getattr(self.app, "close", None)
        if callable(close):
            close()


def _environ(path: str, query: str, body: bytes, timeout: float) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "local",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        READ_TIMEOUT_KEY: timeout,
    }
