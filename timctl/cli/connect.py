"""Build the REST client for the effective settings: the one place that knows an endpoint may
be the emulator in-process (`emulator:PATH`), so `rest/` never has to.

Nothing is opened until the first request: a dry run needs neither the secret key, nor the
network, nor the emulator's database.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from timctl.endpoint_url import EMULATOR_PREFIX
from timctl.rest.client import Client, Credentials
from timctl.rest.transport import HttpTransport, Transport, WsgiTransport


class EmbeddedEmulator:
    """The emulator on a local DB, opened once per command on first use: it supplies both
    the transport and (unless one is configured) the app's secret key."""

    def __init__(self, db: str, sdkappid: int, admin: str, *, debug: bool) -> None:
        self.db = db
        self.sdkappid = sdkappid
        self.admin = admin
        self.debug = debug
        self._opened: tuple[Any, Any] | None = None
        self._lock = threading.Lock()

    def _open(self) -> tuple[Any, Any]:
        with self._lock:
            if self._opened is None:
                from timctl.emulator import open_app

                # log_errors: handler tracebacks on stderr (-vv, TIMCTL_DEBUG=1)
                app, info = open_app(self.db, sdkappid=self.sdkappid, admin=self.admin,
                                     log_errors=self.debug)
                self._opened = (app, info)
            return self._opened

    def secret_key(self) -> str:
        return str(self._open()[1].secret_key)

    def transport(self) -> Transport:
        # WsgiTransport.close() calls the app's close(), which closes the DB
        return WsgiTransport(self._open()[0], EMULATOR_PREFIX + self.db)


def make_client(settings: Any, *, log: Callable[[str], None], verbosity: int,
                can_prompt: bool) -> Client:
    from timctl import __version__

    base = settings.base_url
    configured: Callable[[], str] = lambda: settings.secret_key(can_prompt=can_prompt)  # noqa: E731
    if base.startswith(EMULATOR_PREFIX):
        debug = verbosity >= 2 or bool(os.environ.get("TIMCTL_DEBUG"))
        embedded = EmbeddedEmulator(base[len(EMULATOR_PREFIX):], settings.sdkappid,
                                    settings.admin, debug=debug)
        key_source = configured if settings.has_secret_key else embedded.secret_key
        transport: Callable[[], Transport] = embedded.transport
    else:
        key_source = configured
        transport = lambda: HttpTransport(base, f"timctl/{__version__}")  # noqa: E731
    return Client(
        transport, Credentials(settings.sdkappid, settings.admin, key_source),
        base_url=base, timeout=settings.get("timeout"), max_attempts=settings.get("max_attempts"),
        rate=settings.get("rate"), log=log, verbosity=verbosity,
    )
