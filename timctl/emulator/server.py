"""Serve the emulator over HTTP: a threaded stdlib wsgiref server.

Request logs never show the query string (it carries the admin UserSig) and are off unless
asked for. An injected drop closes the connection without writing a response.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import sys
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer

from timctl.emulator.faults import Dropped


class EmulatorServer(socketserver.ThreadingMixIn, WSGIServer):
    # Non-daemon request threads: server_close() waits for requests in flight, so the
    # store is never closed under them (handlers time out idle sockets, see below).
    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    log_requests = False

    def server_bind(self) -> None:
        # HTTPServer.server_bind would call socket.getfqdn(), a reverse DNS lookup that can
        # stall start-up for seconds; the bound address is all we need.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)
        self.setup_environ()


class _EmulatorServer6(EmulatorServer):
    address_family = socket.AF_INET6


class _ServerHandler(ServerHandler):
    def handle_error(self) -> None:
        if isinstance(sys.exc_info()[1], Dropped):
            self.request_handler.dropped = True  # type: ignore[attr-defined]
            return  # write nothing; the server closes the socket
        super().handle_error()


class _RequestHandler(WSGIRequestHandler):
    timeout = 30  # seconds a silent client may hold a handler thread
    dropped = False

    def handle(self) -> None:
        # WSGIRequestHandler.handle with our ServerHandler (drops, multithread=True)
        self.raw_requestline = self.rfile.readline(65537)
        if len(self.raw_requestline) > 65536:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ServerHandler(self.rfile, self.wfile, self.get_stderr(), self.get_environ(),
                                 multithread=True)
        handler.request_handler = self
        handler.run(self.server.get_app())  # type: ignore[attr-defined]
        if self.dropped:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        if getattr(self.server, "log_requests", False):
            path = self.path.split("?", 1)[0]  # never the query: it holds the UserSig
            sys.stderr.write(f"{self.client_address[0]} {self.command} {path} {code}\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # error messages may quote the raw request line, UserSig included


def make_server(app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0, *,
                log_requests: bool = False) -> EmulatorServer:
    """A started-but-not-serving server; port 0 picks a free port (see .server_port)."""
    cls = _EmulatorServer6 if ":" in host else EmulatorServer
    server = cls((host, port), _RequestHandler)
    server.set_app(app)
    server.log_requests = log_requests
    return server


def serve(app: Callable[..., Any], host: str = "127.0.0.1", port: int = 0, *,
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
