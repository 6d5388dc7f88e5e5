"""Shorthands for the request fields and rows the endpoint modules repeat. Pure data."""

from __future__ import annotations

from typing import Any

from timctl.endpoints.spec import Endpoint, Field, FieldType

U32_MAX = 4294967295  # uint32: MsgRandom, Random, MsgSeq; mute 4294967295 = permanent
MSG_LIFETIME_MAX = 604800  # offline storage of a message: 7 days
SEVEN_DAYS = 7 * 86400
FIVE_MINUTES = 300


def uid(name: str, required: bool = True) -> Field:
    """One UserID (1-32 bytes)."""
    return Field(name, "string", required, user_id=True)


def uids(name: str, max_items: int | None = None, required: bool = True) -> Field:
    """An array of UserIDs."""
    return Field(name, "array", required, items="string", max_items=max_items, user_id=True)


def text(name: str, max_bytes: int | None = None, required: bool = False) -> Field:
    return Field(name, "string", required, max_bytes=max_bytes)


def integer(name: str, required: bool = False, minimum: int | None = None,
            maximum: int | None = None) -> Field:
    return Field(name, "integer", required, minimum=minimum, maximum=maximum)


def u32(name: str, required: bool = False) -> Field:
    return integer(name, required, 0, U32_MAX)


def flag(name: str, required: bool = False) -> Field:
    """An integer switch documented as 0 or 1."""
    return Field(name, "integer", required, choices=(0, 1))


def choice(name: str, *choices: Any, required: bool = False) -> Field:
    kind: FieldType = "string" if isinstance(choices[0], str) else "integer"
    return Field(name, kind, required, choices=tuple(choices))


def array(name: str, max_items: int | None = None, required: bool = False,
          items: FieldType | None = None) -> Field:
    return Field(name, "array", required, items=items, max_items=max_items)


def obj(name: str, required: bool = False) -> Field:
    return Field(name, "object", required)


def group_id(required: bool = True) -> Field:
    return text("GroupId", required=required)


def msg_body(name: str = "MsgBody", required: bool = True) -> Field:
    """An array of TIMMsgElement objects {MsgType, MsgContent}."""
    return array(name, required=required, items="object")


def read(service: str, command: str, summary: str, **kw: Any) -> Endpoint:
    """A row that only reads: always safe to retry."""
    return Endpoint(service, command, summary, retry="safe", **kw)


def write(service: str, command: str, summary: str, **kw: Any) -> Endpoint:
    """A row that writes idempotently (set, upsert, remove): safe to retry."""
    return Endpoint(service, command, summary, retry="safe", **kw)


def once(service: str, command: str, summary: str, **kw: Any) -> Endpoint:
    """A row whose repeat would act twice: never re-sent once it may have reached the server."""
    return Endpoint(service, command, summary, retry="unsafe", **kw)
