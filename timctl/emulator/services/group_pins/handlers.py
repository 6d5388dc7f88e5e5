"""Handlers of pinned group messages.

Codes: 10070 the group has 10 pins, 10071 already pinned (documented); AVChatRoom 10007,
a gone group 10010, bad fields 10004 (as the other group APIs; the pages' tables were not
captured). Inferred: a MsgSeq that holds no message (none, or past the newest) answers 10030
as group_msg_recall does for a missing message; unpinning what is not pinned answers 10004;
Pinner_Account/UnPinner_Account must be an existing account (10019); Community groups need a
TopicId (documented), which this emulator refuses as not implemented.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.group_messages import queries as messages
from timctl.emulator.services.group_pins import queries as store
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups import queries as groups

U32_MAX = 4294967295
MAX_PINS = 10


def _group(ctx: Context, body: dict[str, Any]) -> groups.Group:
    group = common.target(ctx, body, refuse=("AVChatRoom",), what="pinned messages")
    if body.get("TopicId"):
        raise ctx.bad_param("TopicId: topic pins are not implemented by this emulator")
    if group.type == "Community":
        raise ctx.bad_param("TopicId is required for Community groups")
    return group


def _seq(ctx: Context, body: dict[str, Any]) -> int:
    seq = body.get("MsgSeq")
    if not is_int(seq) or not 1 <= seq <= U32_MAX:
        raise ctx.bad_param("MsgSeq is required: 1..4294967295")
    return int(seq)


def _operator(ctx: Context, body: dict[str, Any], field: str) -> str:
    if field not in body:
        return ctx.identifier
    user = common.user_field(ctx, body, field)
    common.must_exist(ctx, [user])
    return user


@handler("group_open_http_svc/pin_message")
def pin_message(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    seq = _seq(ctx, body)
    pinner = _operator(ctx, body, "Pinner_Account")
    if messages.state(ctx.db, ctx.sdkappid, group.group_id, seq) == "missing":
        raise ApiFail(10030, f"group {group.group_id!r} has no message {seq}")
    current = store.pins(ctx.db, ctx.sdkappid, group.group_id)
    if any(s == seq for s, _ in current):
        raise ApiFail(10071, f"message {seq} is already pinned")
    if len(current) >= MAX_PINS:
        raise ApiFail(10070, f"the group already has {MAX_PINS} pinned messages")
    store.pin(ctx.db, ctx.sdkappid, group.group_id, seq, pinner)
    return {}


@handler("group_open_http_svc/unpin_message")
def unpin_message(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    seq = _seq(ctx, body)
    _operator(ctx, body, "UnPinner_Account")
    if not store.unpin(ctx.db, ctx.sdkappid, group.group_id, seq):
        raise ctx.bad_param(f"message {seq} is not pinned")
    return {}


@handler("group_open_http_svc/get_pinned_messages")
def get_pinned_messages(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = _group(ctx, body)
    return {"PinnedMsgList": [{"MsgSeq": s, "Pinner_Account": who}
                              for s, who in store.pins(ctx.db, ctx.sdkappid, group.group_id)]}
