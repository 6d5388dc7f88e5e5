"""Service packages: the registry the gateway and the store read, and the handler contract.

Every package `services/<name>/` is one service and needs nothing registered elsewhere:

    __init__.py   SERVICE = Service(...): the spec of each REST service (URL segment) it
                  answers, its numbered migrations, its hooks and control routes
    schema.py     its tables, as numbered migrations
    queries.py    its SQL (functions taking the request's connection first)
    handlers.py   @handler("service/command") functions, imported on first dispatch

A handler is `handler(ctx, body) -> dict`: it returns the response fields beyond the envelope,
or raises ApiFail for a whole-request error. Cross-service effects go through hooks: deleting
an account calls every service's `on_account_deleted(db, sdkappid, user_id)`; destroying a
group calls every service's `on_group_destroyed(db, sdkappid, group_id)`, dismissing a
community topic `on_topic_destroyed(db, sdkappid, group_id, topic_id)`.

Documented facts for REST services no package answers yet (their calls get 60009 before any
of this matters): admin-permission codes sns 30004, recentcontact 50003, group services 10007;
ErrorDisplay in sns, follow and recentcontact responses.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from timctl import endpoints
from timctl.emulator.schema import Migration, Schema
from timctl.emulator.services.checks import is_int, is_user_id, utf8_len

if TYPE_CHECKING:
    from timctl.emulator.apps import AppInfo

__all__ = ["ApiFail", "Context", "ControlContext", "ControlError", "Service", "ServiceSpec",
           "deferred",
           "handler", "implemented", "is_int", "is_user_id", "lookup", "spec", "utf8_len"]

Handler = Callable[["Context", dict[str, Any]], dict[str, Any]]
AccountHook = Callable[[sqlite3.Connection, int, str], None]  # (db, sdkappid, user_id)
GroupHook = Callable[[sqlite3.Connection, int, str], None]  # (db, sdkappid, group_id)
# (db, sdkappid, community group_id, topic_id)
TopicHook = Callable[[sqlite3.Connection, int, str, str], None]
AdminHook = Callable[[sqlite3.Connection, int, str, float], None]  # (db, sdkappid, admin, now)
ControlHandler = Callable[["ControlContext", dict[str, Any]], dict[str, Any]]


class ApiFail(Exception):
    """A whole-request failure: answered as ActionStatus FAIL with this ErrorCode. `data`
    adds fields to the envelope (e.g. per-item results when every item failed)."""

    def __init__(self, code: int, info: str, data: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info
        self.data = data or {}


@dataclass(frozen=True)
class ServiceSpec:
    """What the gateway must know of one REST service (the URL's service segment)."""

    admin_code: int  # the identifier is not an App Admin
    param_code: int  # a request parameter is missing or malformed
    bad_json_code: int = 60003  # the body is not a JSON object
    bad_json_info: str = "request body JSON parse error"
    error_display: bool = False  # responses carry ErrorDisplay


# Requests no service answers (bad path, unknown API): the gateway's own codes.
GATEWAY_SPEC = ServiceSpec(admin_code=60010, param_code=60002)


@dataclass(frozen=True)
class ControlContext:
    """What a service's /_emulator/ route gets: the transaction and the app clock."""

    db: sqlite3.Connection
    now: float
    sdkappids: tuple[int, ...]


class ControlError(Exception):
    """A control request refused with an HTTP status (the control API is not Tencent's)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class ControlRoute:
    methods: tuple[str, ...]
    run: ControlHandler


def deferred(target: str) -> Callable[..., Any]:
    """The function "module:name", imported on its first call: a package declares its hooks
    and control routes without importing its queries, so opening a store (which reads every
    package's SERVICE for migrations) does not import every service's code."""
    module, _, attr = target.partition(":")

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)

    call.__qualname__ = call.__name__ = attr
    return call


@dataclass(frozen=True)
class Service:
    name: str  # the package name; owner of its tables and its schema version
    specs: Mapping[str, ServiceSpec]  # REST service name -> facts
    migrations: tuple[Migration, ...] = ()
    keep_on_reset: frozenset[str] = frozenset()
    on_account_deleted: AccountHook | None = None  # remove the user's rows
    on_admin_added: AdminHook | None = None  # an App Admin was configured
    on_group_destroyed: GroupHook | None = None  # remove the group's rows
    on_topic_destroyed: TopicHook | None = None  # remove a community topic's rows
    control: Mapping[str, ControlRoute] = field(default_factory=dict)  # /_emulator/<name>

    @property
    def schema(self) -> Schema:
        return Schema(self.name, self.migrations, self.keep_on_reset)


@dataclass(frozen=True)
class Context:
    db: sqlite3.Connection  # the request's transaction
    app: AppInfo
    identifier: str  # the admin making the call
    now: float  # the app clock at the start of the request
    endpoint: endpoints.Endpoint
    spec: ServiceSpec

    @property
    def sdkappid(self) -> int:
        return self.app.sdkappid

    def batch_max(self, default: int = 100) -> int:
        return self.endpoint.batch_max or default

    def bad_param(self, info: str) -> ApiFail:
        """The service's documented parameter error: `raise ctx.bad_param("...")`."""
        return ApiFail(self.spec.param_code, info)


# --- the registry ---------------------------------------------------------------------------

_REGISTRY: dict[str, Handler] = {}
_SERVICES: dict[str, Service] = {}
_SPECS: dict[str, ServiceSpec] = {}
_lock = threading.RLock()
_state = {"services": False, "handlers": False}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated function for endpoint `name` ("service/command")."""
    ep = endpoints.get(name)
    if ep is None or ep.name != name:
        raise ValueError(f"emulator handler for {name!r}: not an endpoint of timctl.endpoints")

    def register(fn: Handler) -> Handler:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"two emulator handlers for {name!r}")
        _REGISTRY[name] = fn
        return fn

    return register


def lookup(name: str) -> Handler | None:
    """The handler of endpoint `name`, importing only the handlers of the packages that
    declare its REST service (a call pays for its own service, not for all of them)."""
    rest_service = name.split("/")[0]
    for service in all_services():
        if rest_service in service.specs:
            importlib.import_module(f"{__name__}.{service.name}.handlers")
    return _REGISTRY.get(name)


def implemented() -> list[str]:
    """Endpoint names the emulator answers."""
    _load_handlers()
    return sorted(_REGISTRY)


def all_services() -> list[Service]:
    """Every service package, by name."""
    _load_services()
    return [_SERVICES[n] for n in sorted(_SERVICES)]


def spec(service: str) -> ServiceSpec:
    """The facts of a REST service; the gateway's own for services no package answers."""
    _load_services()
    return _SPECS.get(service, GATEWAY_SPEC)


def account_deleted(db: sqlite3.Connection, sdkappid: int, user_id: str) -> None:
    """Cascade: every service removes the deleted user's rows."""
    for service in all_services():
        if service.on_account_deleted is not None:
            service.on_account_deleted(db, sdkappid, user_id)


def group_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str) -> None:
    """Cascade: every service removes the destroyed group's rows."""
    for service in all_services():
        if service.on_group_destroyed is not None:
            service.on_group_destroyed(db, sdkappid, group_id)


def topic_destroyed(db: sqlite3.Connection, sdkappid: int, group_id: str,
                    topic_id: str) -> None:
    """Cascade: every service removes the dismissed topic's rows."""
    for service in all_services():
        if service.on_topic_destroyed is not None:
            service.on_topic_destroyed(db, sdkappid, group_id, topic_id)


def admin_added(db: sqlite3.Connection, sdkappid: int, admin: str, now: float) -> None:
    for service in all_services():
        if service.on_admin_added is not None:
            service.on_admin_added(db, sdkappid, admin, now)


def control_routes() -> dict[str, ControlRoute]:
    routes: dict[str, ControlRoute] = {}
    for service in all_services():
        for name, route in service.control.items():
            if name in routes:
                raise ValueError(f"two services serve /_emulator/{name}")
            routes[name] = route
    return routes


def _load_services() -> None:
    if _state["services"]:
        return
    with _lock:
        if _state["services"]:
            return
        for mod in pkgutil.iter_modules(__path__):
            if mod.ispkg and not mod.name.startswith("_"):
                _add(importlib.import_module(f"{__name__}.{mod.name}"), mod.name)
        _state["services"] = True


def _add(module: Any, name: str) -> None:
    service = getattr(module, "SERVICE", None)
    if not isinstance(service, Service) or service.name != name:
        raise ValueError(f"{module.__name__} must define SERVICE = Service(name={name!r}, ...)")
    for rest_service, facts in service.specs.items():
        known = _SPECS.get(rest_service)
        if known is not None and known != facts:
            raise ValueError(f"two different specs for REST service {rest_service!r}")
        _SPECS[rest_service] = facts
    _SERVICES[name] = service


def _load_handlers() -> None:
    if _state["handlers"]:
        return
    with _lock:
        if _state["handlers"]:
            return
        for service in all_services():
            importlib.import_module(f"{__name__}.{service.name}.handlers")
        for name, fn in _REGISTRY.items():
            # lookup() loads a package's handlers only for the REST services it declares
            package = fn.__module__.split(".")[len(__name__.split("."))]
            if name.split("/")[0] not in _SERVICES[package].specs:
                raise ValueError(f"{package} answers {name!r} but does not declare the spec"
                                 f" of {name.split('/')[0]!r}")
        _state["handlers"] = True
