"""A local, stateful Tencent Cloud IM REST API over SQLite.

    app, info = open_app("state.db")              # WSGI app + the app's SDKAppID and key
    session.mount("emulator://", EmulatorAdapter(app))   # in-process, or:
    server.serve(app, "127.0.0.1", 8080)          # over HTTP

Importing this package is cheap (CLI start-up): the app, store, adapter and server modules
load on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.faults import Faults
    from timctl.emulator.store import AppInfo

DEFAULT_SDKAPPID = 1400000000

_LAZY = {
    "EmulatorApp": "app",
    "Store": "store",
    "AppInfo": "store",
    "Faults": "faults",
    "EmulatorAdapter": "adapter",
    "make_server": "server",
    "serve": "server",
}

__all__ = ["DEFAULT_SDKAPPID", "open_app", *_LAZY]


def open_app(
    db_path: str | os.PathLike[str],
    *,
    sdkappid: int | None = None,
    admin: str = "administrator",
    secret_key: str | None = None,
    faults: Faults | None = None,
) -> tuple[EmulatorApp, AppInfo]:
    """The emulator over `db_path`, with the app ensured (created on first use)."""
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.store import Store

    store = Store(db_path)
    info = store.ensure_app(sdkappid or DEFAULT_SDKAPPID, admin=admin, secret_key=secret_key)
    return EmulatorApp(store, faults=faults), info


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
