"""What may stand as a base URL: http(s)://HOST[:PORT][/PATH], or emulator:PATH (the emulator
in-process on the DB at PATH). Checked where a value enters: flags, environment, profiles."""

from __future__ import annotations

from urllib.parse import urlsplit

EMULATOR_PREFIX = "emulator:"


def endpoint_problem(url: str) -> str | None:
    """Why `url` cannot be an endpoint, or None when it can."""
    if url.startswith(EMULATOR_PREFIX):
        return None if url[len(EMULATOR_PREFIX):].strip() else "emulator: needs a DB path"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        return f"{url!r} is not a URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"{url!r} is not an http(s):// URL (or emulator:PATH)"
    if not parts.hostname:
        return f"{url!r} has no host"
    if port is not None and not 0 < port < 65536:
        return f"{url!r} has an invalid port"
    if parts.query or parts.fragment:
        return f"{url!r}: a base URL takes no query or fragment"
    return None
