"""Service handlers: the registry the gateway dispatches to, and the handler contract.

A handler is `handler(ctx, body) -> dict`: it returns the response fields beyond the envelope,
or raises ApiFail for a whole-request error. Modules of this package register handlers with
@handler("service/command"); the name must be a row of timctl.endpoints, checked at import.
Every module here is discovered and imported on first dispatch, so adding a service is adding
a file.
"""

from __future__ import annotations

import importlib
import pkgutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from timctl import endpoints

if TYPE_CHECKING:
    from timctl.emulator.store import AppInfo, Store

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]

_REGISTRY: dict[str, Handler] = {}
_load_lock = threading.Lock()
_loaded = False


class ApiFail(Exception):
    """A whole-request failure: answered as ActionStatus FAIL with this ErrorCode. `data`
    adds fields to the envelope (e.g. per-item results when every item failed)."""

    def __init__(self, code: int, info: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info
        self.data = data or {}


@dataclass(frozen=True)
class Context:
    store: Store
    app: AppInfo
    identifier: str  # the admin making the call
    now: float  # the app clock at the start of the request
    endpoint: endpoints.Endpoint

    @property
    def sdkappid(self) -> int:
        return self.app.sdkappid

    def batch_max(self, default: int = 100) -> int:
        return self.endpoint.batch_max or default


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for endpoint `name` ("service/command")."""
    if endpoints.get(name) is None:
        raise ValueError(f"emulator handler for {name!r}: not in timctl.endpoints")

    def register(fn: Handler) -> Handler:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"two emulator handlers for {name!r}")
        _REGISTRY[name] = fn
        return fn

    return register


def lookup(name: str) -> Handler | None:
    _load_all()
    return _REGISTRY.get(name)


def implemented() -> list[str]:
    """Endpoint names the emulator answers."""
    _load_all()
    return sorted(_REGISTRY)


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            for mod in pkgutil.iter_modules(__path__):
                if not mod.name.startswith("_"):
                    importlib.import_module(f"{__name__}.{mod.name}")
            _loaded = True


# --- small request checks shared by services ------------------------------------------------

def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def is_user_id(value: Any) -> bool:
    """A documented UserID: a non-empty string of at most 32 bytes."""
    return isinstance(value, str) and 0 < utf8_len(value) <= 32


def is_int(value: Any) -> bool:
    """A JSON integer (JSON true/false are not numbers here)."""
    return isinstance(value, int) and not isinstance(value, bool)
