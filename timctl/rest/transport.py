"""Pick the transport for an endpoint: pooled HTTPS/HTTP, or the emulator in-process.

`emulator:PATH` mounts the emulator's WSGI app (on the SQLite DB at PATH) as a requests
adapter, so the client sends the very same requests it would send to Tencent Cloud.
"""

from __future__ import annotations

from typing import Any

EMULATOR_PREFIX = "emulator:"
IN_PROCESS_BASE = "emulator://local"


def open_session(endpoint: str) -> tuple[Any, str]:
    """(requests.Session, base URL to send to) for `endpoint`."""
    import requests
    from requests.adapters import HTTPAdapter

    from timctl import __version__

    session = requests.Session()
    session.headers["User-Agent"] = f"timctl/{__version__}"
    pooled = HTTPAdapter(pool_connections=4, pool_maxsize=64)
    session.mount("https://", pooled)
    session.mount("http://", pooled)
    if not endpoint.startswith(EMULATOR_PREFIX):
        if _is_loopback(endpoint):
            session.trust_env = False  # an HTTP(S)_PROXY must not capture local calls
        return session, endpoint.rstrip("/")

    from timctl.emulator.adapter import EmulatorAdapter
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.store import Store

    db = endpoint[len(EMULATOR_PREFIX):]
    session.mount("emulator://", EmulatorAdapter(EmulatorApp(Store(db))))
    return session, IN_PROCESS_BASE


def _is_loopback(url: str) -> bool:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")
