"""THE table of REST endpoints. No other module spells an endpoint path.

    from timctl import endpoints
    ep = endpoints.get("im_open_login_svc/account_check")   # also legacy names
    ep.batch.max, ep.retry, ep.paging, ...

The rows live in one module per service family (accounts, sns, messages, groups, communities,
push, other); the shape of a row is `spec.Endpoint`. Pure data: importing this package imports
nothing else of timctl.
"""

from __future__ import annotations

from timctl.endpoints import accounts, communities, groups, messages, other, push, sns
from timctl.endpoints.spec import (
    DEFAULT_RATE,
    RETRY_CLASSES,
    Batch,
    Dedup,
    Endpoint,
    Field,
    Paging,
)

# Stable order: the order `timctl api list` shows and the generated docs follow.
ENDPOINTS: tuple[Endpoint, ...] = (
    *accounts.ENDPOINTS,
    *sns.ENDPOINTS,
    *messages.ENDPOINTS,
    *groups.ENDPOINTS,
    *communities.ENDPOINTS,
    *push.ENDPOINTS,
    *other.ENDPOINTS,
)

__all__ = ["DEFAULT_RATE", "ENDPOINTS", "RETRY_CLASSES", "Batch", "Dedup", "Endpoint",
           "Field", "Paging", "adhoc", "canonical_name", "get", "services"]

_BY_NAME: dict[str, Endpoint] = {e.name: e for e in ENDPOINTS}
_LEGACY: dict[str, Endpoint] = {old: e for e in ENDPOINTS for old in e.legacy_paths}


def canonical_name(name: str) -> str:
    """`service/command` from what a user or a URL may say: `/v4/a/b`, `v4/a/b`, `a/b/`."""
    key = name.strip().strip("/")
    return key[3:] if key.startswith("v4/") else key


def get(name: str) -> Endpoint | None:
    """The endpoint called `service/command`, or by one of its legacy names."""
    key = canonical_name(name)
    return _BY_NAME.get(key) or _LEGACY.get(key)


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
    return sorted({e.service for e in ENDPOINTS})
