"""Serve a WSGI app (the emulator) over HTTP/1.1 with keep-alive, one thread per connection.

Requests loop on one connection until the client says `Connection: close`, goes quiet for
`_Handler.timeout` seconds, or the server stops; every answer carries Content-Length and
goes out in one write. An injected drop or lost response (faults.Dropped / ResponseLost)
closes the connection without answering. Request logs never show the query string (it
carries the admin UserSig), are off unless asked for, and are written before the answer, so
a client that has its answer also finds its line.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import socketserver
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import unquote

from timctl.emulator.faults import Dropped, ResponseLost
from timctl.emulator.responses import status_line

log = logging.getLogger("timctl.emulator")

WsgiApp = Callable[..., Any]
MAX_BODY = 32 * 1024 * 1024  # far beyond any documented request; refuses runaway uploads


class EmulatorServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    # Non-daemon connection threads: server_close() waits for requests in flight, so the
    # store is never closed under them; idle keep-alive connections are closed first.
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[Any, ...], app: WsgiApp, *,
                 log_requests: bool = False) -> None:
        self.app = app
        self.log_requests = log_requests
        self.connections_accepted = 0  # sockets accepted so far (tests count keep-alive)
        self._conns: dict[socket.socket, bool] = {}  # open connection -> busy with a request
        self._conns_lock = threading.Lock()
        self._closing = False
        super().__init__(address, _Handler)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def serve_forever(self, poll_interval: float = 0.05) -> None:
        # shutdown() waits up to one poll interval: keep it short
        super().serve_forever(poll_interval)

    def server_close(self) -> None:
        """Stop listening, end idle keep-alive connections, wait for requests in flight."""
        with self._conns_lock:
            self._closing = True
            idle = [conn for conn, busy in self._conns.items() if not busy]
        for conn in idle:  # wakes the handler blocked reading the next request line
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RD)
        super().server_close()

    def get_app(self) -> WsgiApp:  # wsgiref's name, kept for callers of the old server
        return self.app

    def _track(self, conn: socket.socket, busy: bool | None) -> bool:
        """Mark a connection busy/idle (None: forget it). False once the server is closing."""
        with self._conns_lock:
            if busy is None:
                self._conns.pop(conn, None)
            else:
                if conn not in self._conns:
                    self.connections_accepted += 1
                self._conns[conn] = busy
            return not self._closing


class _EmulatorServer6(EmulatorServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds an idle or silent client may hold a connection thread
    server: EmulatorServer

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):  # answers are one write; never wait for ACKs
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server._track(self.connection, None)

    def handle_one_request(self) -> None:
        if not self.server._track(self.connection, busy=False):
            self.close_connection = True
            return
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:  # idle timeout, reset by the client
            self.close_connection = True
            return
        if not self.raw_requestline:
            self.close_connection = True
            return
        self.server._track(self.connection, busy=True)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self._parse():  # answered the error itself
            return
        self._serve()
        if self.server._closing:
            self.close_connection = True

    def _parse(self) -> bool:
        """parse_request() for the common request line `METHOD PATH HTTP/1.x`, without
        the email parser (a third of the server's time per request); anything else goes to
        parse_request() itself, so odd requests get the standard library's answers."""
        words = self.raw_requestline.split()
        if len(words) != 3 or words[2] not in (b"HTTP/1.1", b"HTTP/1.0"):
            return self.parse_request()
        self.requestline = self.raw_requestline.rstrip(b"\r\n").decode("latin-1")
        command, path, version = (w.decode("latin-1") for w in words)
        self.command, self.request_version = command, version
        self.path = "/" + path.lstrip("/") if path.startswith("//") else path
        headers = _Headers()
        for _ in range(_MAX_HEADERS + 1):
            line = self.rfile.readline(65537)
            if len(line) > 65536:
                self.send_error(431, "Line too long")
                return False
            if line in (b"\r\n", b"\n", b""):
                break
            headers.add(line.decode("latin-1"))
        else:
            self.send_error(431, "Too many headers")
            return False
        self.headers = headers  # type: ignore[assignment]  # what this handler reads of it
        conntype = headers.get("Connection", "").lower()
        self.close_connection = version != "HTTP/1.1"
        if conntype == "close":
            self.close_connection = True
        elif conntype == "keep-alive":
            self.close_connection = False
        expect = headers.get("Expect", "").lower() == "100-continue"
        return not (expect and version == "HTTP/1.1") or self.handle_expect_100()

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        try:
            status, headers, content = _call(self.server.app, self._environ(body))
        except (Dropped, ResponseLost) as exc:
            self._log("dropped" if isinstance(exc, Dropped) else "lost")
            self._abort()
            return
        except Exception:
            log.exception("WSGI app failed")
            status, headers, content = "500 Internal Server Error", [], b""
            self.close_connection = True
        self._log(status.split(" ", 1)[0])
        self._answer(status, headers, content)

    def _read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding"):
            self._refuse(411, "send a Content-Length (chunked bodies are not supported)")
            return None
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self._refuse(413 if length > MAX_BODY else 400, "bad Content-Length")
            return None
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client went away mid-body
            self.close_connection = True
            return None
        return body

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote(path, "latin-1"),  # as wsgiref does
            "QUERY_STRING": query,
            "SERVER_NAME": self.server.server_name,
            "SERVER_PORT": str(self.server.server_port),
            "SERVER_PROTOCOL": self.request_version,
            "REMOTE_ADDR": self.client_address[0],
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in self.headers.items():
            key = name.upper().replace("-", "_")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[f"HTTP_{key}"] = value
        return environ

    def _answer(self, status: str, headers: list[tuple[str, str]], content: bytes) -> None:
        lines = [f"{self.protocol_version} {status}"]
        lines += [f"{k}: {v}" for k, v in headers
                  if k.lower() not in ("content-length", "connection")]
        lines.append(f"Content-Length: {len(content)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head + content)
        except OSError:
            self.close_connection = True

    def _refuse(self, code: int, message: str) -> None:
        self.close_connection = True
        self._log(str(code))
        self._answer(status_line(code), [("Content-Type", "text/plain")], message.encode())

    def _abort(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _log(self, outcome: str) -> None:
        if self.server.log_requests:
            path = self.path.split("?", 1)[0]  # never the query: it holds the UserSig
            sys.stderr.write(f"{self.client_address[0]} {self.command} {path} {outcome}\n")
            sys.stderr.flush()

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        pass  # our own _log: before the answer, without the query

    def log_message(self, format: str, *args: Any) -> None:
        pass  # error messages may quote the raw request line, UserSig included


_MAX_HEADERS = 100  # as http.client


class _Headers:
    """Request headers: get() by any case (the first value, as email.message), items() in
    order. Folded continuation lines join the header before them."""

    def __init__(self) -> None:
        self._items: list[tuple[str, str]] = []
        self._first: dict[str, str] = {}

    def add(self, line: str) -> None:
        if line[:1] in (" ", "\t") and self._items:
            name, value = self._items[-1]
            self._items[-1] = (name, f"{value} {line.strip()}")
            self._first[name.lower()] = self._items[-1][1]  # close enough: rare and obsolete
            return
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        self._items.append((name, value))
        self._first.setdefault(name.lower(), value)

    def get(self, name: str, default: Any = None) -> Any:
        return self._first.get(name.lower(), default)

    def items(self) -> list[tuple[str, str]]:
        return list(self._items)


def _call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]],
                       exc_info: Any = None) -> None:
        captured["status"], captured["headers"] = status, headers

    chunks = app(environ, start_response)
    try:
        content = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return captured["status"], captured["headers"], content


def make_server(app: WsgiApp, host: str = "127.0.0.1", port: int = 0, *,
                log_requests: bool = False) -> EmulatorServer:
    """A bound, listening server; serve_forever() serves it. Port 0 picks a free port (see
    .server_port)."""
    cls = _EmulatorServer6 if ":" in host else EmulatorServer
    return cls((host, port), app, log_requests=log_requests)


def serve(app: WsgiApp, host: str = "127.0.0.1", port: int = 0, *,
          log_requests: bool = False,
          on_ready: Callable[[EmulatorServer], None] | None = None) -> None:
    """Serve until interrupted. `on_ready` gets the bound server (e.g. to print its port)."""
    server = make_server(app, host, port, log_requests=log_requests)
    try:
        if on_ready is not None:
            on_ready(server)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
