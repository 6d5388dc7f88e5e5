"""THE table of REST endpoints. No other module spells an endpoint path.

    from timctl import endpoints
    ep = endpoints.get("im_open_login_svc/account_check")   # also legacy names
    ep.batch.max, ep.retry, ep.paging, ...

The rows live in one module per service family (accounts, sns, messages, groups, communities,
push, other); the shape of a row is `spec.Endpoint`. Pure data: importing this package imports
nothing else of timctl.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from timctl.endpoints.spec import (
    DEFAULT_RATE,
    RETRY_CLASSES,
    Batch,
    Dedup,
    Endpoint,
    Field,
    Paging,
)

# The family modules, in the stable order `timctl api list` and the generated docs follow.
FAMILIES = ("accounts", "sns", "messages", "groups", "communities", "push", "other")
# Which families hold each REST service's rows (legacy names included), so a lookup loads
# only those: one command pays for its own family, not for all 181 rows. A test checks this
# index against the rows.
SERVICE_FAMILIES: dict[str, tuple[str, ...]] = {
    "im_open_login_svc": ("accounts",), "profile": ("accounts",),
    "openim": ("accounts", "messages", "groups"), "openconfigsvr": ("accounts", "messages"),
    "sns": ("sns",), "follow": ("sns",),
    "openim_msg_ext_http_svc": ("messages", "groups"), "recentcontact": ("messages",),
    "open_msg_svc": ("messages",), "ConfigSvc": ("messages",), "im_cos_msg": ("messages",),
    "user_search": ("messages",),
    "group_open_http_svc": ("groups", "communities"),
    "group_open_avchatroom_http_svc": ("groups",), "group_open_attr_http_svc": ("groups",),
    "million_group_open_http_svc": ("communities",),
    "all_member_push": ("push",), "timpush": ("push",),
    "openim_robot_http_svc": ("other",), "official_account_open_http_svc": ("other",),
    "im_msg_audit": ("other",), "im_msg_audit_mgr": ("other",),
    "openim_dirty_words": ("other",), "openim_console_http_svc": ("other",),
}

__all__ = ["DEFAULT_RATE", "ENDPOINTS", "FAMILIES", "RETRY_CLASSES", "SERVICE_FAMILIES",
           "Batch", "Dedup", "Endpoint", "Field", "Paging", "adhoc", "batch_max", "canonical_name",
           "get", "services"]

_BY_NAME: dict[str, Endpoint] = {}
_LEGACY: dict[str, Endpoint] = {}
_LOADED: dict[str, tuple[Endpoint, ...]] = {}
_LOCK = threading.Lock()


def family(name: str) -> tuple[Endpoint, ...]:
    """The rows of one family module, loaded on first use."""
    with _LOCK:
        if name not in _LOADED:
            rows: tuple[Endpoint, ...] = importlib.import_module(f"{__name__}.{name}").ENDPOINTS
            for e in rows:
                _BY_NAME[e.name] = e
                _LEGACY.update({old: e for old in e.legacy_paths})
            _LOADED[name] = rows
        return _LOADED[name]


def __getattr__(name: str) -> Any:
    if name == "ENDPOINTS":  # every row, in the stable order
        return tuple(e for fam in FAMILIES for e in family(fam))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def canonical_name(name: str) -> str:
    """`service/command` from what a user or a URL may say: `/v4/a/b`, `v4/a/b`, `a/b/`."""
    key = name.strip().strip("/")
    return key[3:] if key.startswith("v4/") else key


def get(name: str) -> Endpoint | None:
    """The endpoint called `service/command`, or by one of its legacy names."""
    key = canonical_name(name)
    for fam in SERVICE_FAMILIES.get(key.partition("/")[0], FAMILIES):
        family(fam)
        found = _BY_NAME.get(key) or _LEGACY.get(key)
        if found is not None:
            return found
    return None


def batch_max(name: str) -> int:
    """The documented items-per-call maximum of table endpoint `name` (KeyError if none)."""
    found = get(name)
    if found is None or found.batch_max is None:
        raise KeyError(f"{name}: no batch maximum in the endpoint table")
    return found.batch_max


def adhoc(name: str) -> Endpoint:
    """A spec for a `service/command` the table does not know (`timctl api` calls it anyway):
    the default rate, and never re-sent blindly since nothing is known about it."""
    key = canonical_name(name)
    service, _, command = key.partition("/")
    if not service or not command or "/" in command:
        raise ValueError(f"not a service/command name: {name!r}")
    return Endpoint(service, command, "not in timctl's endpoint table", retry="unsafe",
                    adhoc=True)


def services() -> list[str]:
    return sorted({e.service for fam in FAMILIES for e in family(fam)})
