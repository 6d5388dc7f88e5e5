"""A local, stateful Tencent Cloud IM REST API over SQLite.

    app, info = open_app("state.db")              # WSGI app + the app's SDKAppID and key
    session.mount("emulator://", EmulatorAdapter(app))   # in-process, or:
    server.serve(app, "127.0.0.1", 8080)          # over HTTP

Layout: store.py (SQLite file, transactions, migrations), core.py and apps.py (the gateway's
tables), app.py (the gateway), auth.py, faults.py, ratelimit.py, stats.py, control.py
(/_emulator/), server.py (HTTP/1.1), adapter.py (requests, in-process) and one package per
service under services/.

Importing this package is cheap (CLI start-up): the app, store, adapter and server modules
load on first use.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.apps import AppInfo
    from timctl.emulator.faults import Faults

DEFAULT_SDKAPPID = 1400000000

_LAZY = {
    "EmulatorApp": "app",
    "Store": "store",
    "DatabaseError": "store",
    "AppInfo": "apps",
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
    log_errors: bool = False,
    control_token: str | None = None,
) -> tuple[EmulatorApp, AppInfo]:
    """The emulator over `db_path`, with the app ensured (created on first use). Without
    `sdkappid`: the file's app (the lowest when it holds several), else DEFAULT_SDKAPPID.
    Raises store.DatabaseError (a ConfigError) when the file cannot be used."""
    from timctl.emulator import apps
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.store import Store

    store = Store(db_path)
    try:
        if sdkappid is None:
            held = apps.list_apps(store)
            sdkappid = held[0].sdkappid if held else DEFAULT_SDKAPPID
        info = apps.ensure_app(store, sdkappid, admin=admin, secret_key=secret_key)
    except BaseException:
        store.close()
        raise
    app = EmulatorApp(store, faults=faults, log_errors=log_errors, control_token=control_token)
    return app, info


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
