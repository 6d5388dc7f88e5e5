"""Handlers of group counters: get/update/delete_group_counter (imported by handlers.py).

Documented (1047/53427-53429): Ultimate edition only (10059); not for Communities (their
applicable-types tables say No: 10007 here); {Key, Value} pairs, keys <= 128 bytes, values
signed 64-bit; at most 20 keys (10063); Mode Set / Increase / Decrease, a missing key starting
from 0; GroupCounterKeys absent = every counter (get and delete).
Inferred: Mode absent = Set; the free Developer edition carries the feature as Ultimate does
(trial and pro answer 10059); 20 keys is also the most a group holds; keys absent from a get
or delete are skipped; a result outside int64 is a parameter error.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, utf8_len
from timctl.emulator.services.group_attrs import queries
from timctl.emulator.services.groups.common import target as target_group

MAX_KEYS = 20
MAX_KEY_BYTES = 128
INT64 = (-(2**63), 2**63 - 1)
WITHOUT_COUNTERS = ("trial", "pro")  # editions answering 10059
MODES = ("Set", "Increase", "Decrease")


def _group(ctx: Context, body: dict[str, Any]) -> Any:
    group = target_group(ctx, body, refuse=("Community",), what="group counters")
    if ctx.app.edition in WITHOUT_COUNTERS:
        raise ApiFail(10059, "group counters need the Ultimate edition")
    return group


def _key(ctx: Context, key: Any) -> str:
    if not isinstance(key, str) or not key or utf8_len(key) > MAX_KEY_BYTES:
        raise ctx.bad_param(f"a counter key is a string of 1-{MAX_KEY_BYTES} bytes")
    return key


def _keys(ctx: Context, body: dict[str, Any]) -> list[str] | None:
    keys = body.get("GroupCounterKeys")
    if keys is None:
        return None
    if not isinstance(keys, list):
        raise ctx.bad_param("GroupCounterKeys must be an array of keys")
    return list(dict.fromkeys(_key(ctx, k) for k in keys))


def _rows(values: dict[str, int]) -> list[dict[str, Any]]:
    return [{"Key": k, "Value": v} for k, v in values.items()]


@handler("group_open_http_svc/get_group_counter")
def get_group_counter(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    keys = _keys(ctx, body)
    group = _group(ctx, body)
    stored = queries.counters(ctx.db, ctx.sdkappid, group.group_id)
    if keys is not None:
        stored = {k: stored[k] for k in keys if k in stored}
    return {"GroupCounter": _rows(stored)}


@handler("group_open_http_svc/update_group_counter")
def update_group_counter(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    mode = body.get("Mode", "Set")
    if mode not in MODES:
        raise ctx.bad_param(f"Mode must be one of {', '.join(MODES)}")
    items = body.get("GroupCounter")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("GroupCounter is required: a non-empty array of {Key, Value}")
    if len(items) > MAX_KEYS:
        raise ApiFail(10063, f"at most {MAX_KEYS} counter keys per group")
    changes: dict[str, int] = {}
    for item in items:
        key = _key(ctx, item.get("Key") if isinstance(item, dict) else None)
        value = item.get("Value")
        if not is_int(value) or not INT64[0] <= value <= INT64[1]:
            raise ctx.bad_param(f"counter {key!r}: Value must be a signed 64-bit integer")
        changes[key] = value
    group = _group(ctx, body)
    stored = queries.counters(ctx.db, ctx.sdkappid, group.group_id)
    if len(stored.keys() | changes.keys()) > MAX_KEYS:
        raise ApiFail(10063, f"a group has at most {MAX_KEYS} counter keys")
    sign = {"Set": 0, "Increase": 1, "Decrease": -1}[mode]
    result = {k: v if not sign else stored.get(k, 0) + sign * v for k, v in changes.items()}
    for key, value in result.items():
        if not INT64[0] <= value <= INT64[1]:
            raise ctx.bad_param(f"counter {key!r} would leave the signed 64-bit range")
    queries.put_counters(ctx.db, ctx.sdkappid, group.group_id, result)
    return {"GroupCounter": _rows(result)}


@handler("group_open_http_svc/delete_group_counter")
def delete_group_counter(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    keys = _keys(ctx, body)
    group = _group(ctx, body)
    queries.delete_counters(ctx.db, ctx.sdkappid, group.group_id, keys)
    return {}
