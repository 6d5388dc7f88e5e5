"""Handlers of group attributes: get_group_attr, modify/set/delete/clear_group_attr.

Documented (1047/44187-44190, 59499): lowercase key/value pairs; keys <= 32 bytes (10045),
values <= 4000 bytes (10046), <= 16 keys (10047), all values <= 16000 bytes (10048), 5 writes
per second per group across set/modify/delete/clear (10049), deleting an absent key 10050;
every type supports them, except clear on Communities (its applicable-types table says No).
Inferred: checks run in that order after the request's shape (10004) and the group (10010);
a refused request writes nothing and does not count as a write; within one request a key
given twice takes its last value.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, utf8_len
from timctl.emulator.services.group_attrs import counters as _counters  # noqa: F401
from timctl.emulator.services.group_attrs import queries
from timctl.emulator.services.groups.common import target as target_group

MAX_KEY_BYTES = 32
MAX_VALUE_BYTES = 4000
MAX_KEYS = 16
MAX_TOTAL_BYTES = 16000
WRITES_PER_SECOND = 5


def _items(ctx: Context, body: dict[str, Any]) -> list[Any]:
    items = body.get("GroupAttr")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("GroupAttr is required: a non-empty array of {key, value}")
    return items


def _key(ctx: Context, item: Any) -> str:
    key = item.get("key") if isinstance(item, dict) else None
    if not isinstance(key, str) or not key:
        raise ctx.bad_param("every GroupAttr item needs a non-empty string key")
    if utf8_len(key) > MAX_KEY_BYTES:
        raise ApiFail(10045, f"attribute key {key[:40]!r} is longer than {MAX_KEY_BYTES} bytes")
    return key


def _pairs(ctx: Context, body: dict[str, Any]) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in _items(ctx, body):
        key = _key(ctx, item)
        value = item.get("value")
        if not isinstance(value, str):
            raise ctx.bad_param(f"attribute {key!r}: value must be a string")
        if utf8_len(value) > MAX_VALUE_BYTES:
            raise ApiFail(10046, f"attribute {key!r}: value is longer than {MAX_VALUE_BYTES}"
                                 " bytes")
        pairs.pop(key, None)  # a repeated key: the last value, in its last place
        pairs[key] = value
    return pairs


def _throttle(ctx: Context, group_id: str) -> None:
    if queries.recent_writes(ctx.db, ctx.sdkappid, group_id, ctx.now) >= WRITES_PER_SECOND:
        raise ApiFail(10049, f"group attributes are written at most {WRITES_PER_SECOND} times"
                             " per second per group")
    queries.note_write(ctx.db, ctx.sdkappid, group_id, ctx.now)


def _check_totals(result: dict[str, str]) -> None:
    if len(result) > MAX_KEYS:
        raise ApiFail(10047, f"a group has at most {MAX_KEYS} attribute keys"
                             f" ({len(result)} after this write)")
    total = sum(utf8_len(v) for v in result.values())
    if total > MAX_TOTAL_BYTES:
        raise ApiFail(10048, f"attribute values total {total} bytes (at most"
                             f" {MAX_TOTAL_BYTES})")


@handler("group_open_attr_http_svc/get_group_attr")
def get_group_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = target_group(ctx, body)
    stored = queries.attrs(ctx.db, ctx.sdkappid, group.group_id)
    return {"GroupAttrAry": [{"key": k, "value": v} for k, v in stored.items()]}


@handler("group_open_http_svc/modify_group_attr")
def modify_group_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    pairs = _pairs(ctx, body)
    group = target_group(ctx, body)
    _throttle(ctx, group.group_id)
    _check_totals({**queries.attrs(ctx.db, ctx.sdkappid, group.group_id), **pairs})
    queries.put_attrs(ctx.db, ctx.sdkappid, group.group_id, pairs)
    return {}


@handler("group_open_http_svc/set_group_attr")
def set_group_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    pairs = _pairs(ctx, body)
    group = target_group(ctx, body)
    _throttle(ctx, group.group_id)
    _check_totals(pairs)
    queries.delete_attrs(ctx.db, ctx.sdkappid, group.group_id)
    queries.put_attrs(ctx.db, ctx.sdkappid, group.group_id, pairs)
    return {}


@handler("group_open_http_svc/delete_group_attr")
def delete_group_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    keys = list(dict.fromkeys(_key(ctx, item) for item in _items(ctx, body)))
    group = target_group(ctx, body)
    _throttle(ctx, group.group_id)
    stored = queries.attrs(ctx.db, ctx.sdkappid, group.group_id)
    missing = [k for k in keys if k not in stored]
    if missing:
        raise ApiFail(10050, f"attribute key {missing[0]!r} does not exist")
    queries.delete_attrs(ctx.db, ctx.sdkappid, group.group_id, keys)
    return {}


@handler("group_open_http_svc/clear_group_attr")
def clear_group_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = target_group(ctx, body, refuse=("Community",), what="clearing group attributes")
    _throttle(ctx, group.group_id)
    queries.delete_attrs(ctx.db, ctx.sdkappid, group.group_id)
    return {}
