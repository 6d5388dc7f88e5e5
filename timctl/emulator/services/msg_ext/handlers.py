"""Handlers of message extensions (openim_msg_ext_http_svc).

Documented (1047/51195, 51194, 52170, 52169): Ultimate edition (10008 otherwise); the message
must have been sent with SupportMessageExtension 1 (23002), and exist (23004); OperateType 1
set / 2 delete keys / 3 clear all; ExtensionList at most 20 pairs a request, Key up to 100
bytes, Value up to 1000 bytes; at most 300 pairs a message; more than 200 writes a minute on
one message 23003; a written key takes a new Seq (the first write 1); the pages' samples give
the keys of one write the same Seq and the next write the next one, so Seq is the message's
version, LatestSeq its newest and ClearSeq the version of the last clear. Get lists pairs with
Seq >= StartSeq sorted by Seq, at most 200 (CompleteFlag 0 when more remain). The Seq a caller
passes guards against concurrent writers (23001), but "the backend does not verify the Seq
when the API is called by an app admin" - and REST callers are App admins, so it is not
checked here. Group extensions: Work/Public/Meeting groups (not AVChatRoom nor Community).
Inferred: From_Account absent = the admin (as sendmsg); over 300 pairs 10004; a group or
message that does not exist 23004; an unsupported group type 10004; Seq, when given, must be
an integer >= 0; a delete answers each key with Value "" and the new Seq; a clear answers an
empty ExtensionList; trial and pro editions answer 10008 (the Developer edition carries
Ultimate's features, as elsewhere in this emulator).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id, utf8_len
from timctl.emulator.services.msg_ext import queries
from timctl.emulator.services.msg_ext.queries import Ref

PER_REQUEST = 20
MAX_PAIRS = 300
KEY_BYTES = 100
VALUE_BYTES = 1000
WRITES_PER_MINUTE = 200
PAGE = 200
U32_MAX = 4294967295
WITHOUT = ("trial", "pro")  # editions answering 10008
NO_EXTENSION, TOO_OFTEN, NO_MESSAGE = 23002, 23003, 23004


def _edition(ctx: Context) -> None:
    if ctx.app.edition in WITHOUT:
        raise ApiFail(10008, "message extensions need the Ultimate edition")


def _c2c(ctx: Context, body: dict[str, Any]) -> tuple[Ref, bool]:
    from timctl.emulator.services.c2c_messages import queries as c2c

    _edition(ctx)
    sender = body.get("From_Account", ctx.identifier)
    to = body.get("To_Account")
    if not is_user_id(sender) or not is_user_id(to):
        raise ctx.bad_param("To_Account (and From_Account, when given) must be UserIDs")
    key = body.get("MsgKey")
    if not isinstance(key, str) or not key:
        raise ctx.bad_param("MsgKey is required")
    msg = c2c.find_by_key(ctx.db, ctx.sdkappid, sender, to, key)
    if msg is None:
        raise ApiFail(NO_MESSAGE, f"no message {key!r} from {sender!r} to {to!r}")
    return Ref("c2c", sender, to, key), msg.support_ext


def _group(ctx: Context, body: dict[str, Any]) -> tuple[Ref, bool]:
    from timctl.emulator.services.group_messages import queries as store
    from timctl.emulator.services.groups import queries as groups

    _edition(ctx)
    group_id, seq = body.get("GroupId"), body.get("MsgSeq")
    if not isinstance(group_id, str) or not group_id:
        raise ctx.bad_param("GroupId is required")
    if not is_int(seq) or not 1 <= seq <= U32_MAX:
        raise ctx.bad_param("MsgSeq is required: a uint32")
    group = groups.find_group(ctx.db, ctx.sdkappid, group_id)
    if group is None:
        raise ApiFail(NO_MESSAGE, f"group {group_id!r} does not exist")
    if group.type in ("AVChatRoom", "Community"):
        raise ctx.bad_param(f"{group.type} groups have no message extensions")
    msg = store.find(ctx.db, ctx.sdkappid, group_id, seq)
    if msg is None:
        raise ApiFail(NO_MESSAGE, f"group {group_id!r} has no message {seq}")
    return Ref("group", group_id, "", str(seq)), msg.flags.support_ext


def _pairs(ctx: Context, body: dict[str, Any], op: int) -> list[tuple[str, str]]:
    items = body.get("ExtensionList")
    if op == 3:
        return []
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("ExtensionList is required for OperateType 1 and 2")
    if len(items) > PER_REQUEST:
        raise ctx.bad_param(f"ExtensionList: at most {PER_REQUEST} pairs per request")
    pairs = []
    for item in items:
        if not isinstance(item, dict):
            raise ctx.bad_param("ExtensionList items are {Key, Value, Seq}")
        key, value = item.get("Key"), item.get("Value", "")
        if not isinstance(key, str) or not key or utf8_len(key) > KEY_BYTES:
            raise ctx.bad_param(f"Key is required: a string of 1-{KEY_BYTES} bytes")
        if not isinstance(value, str) or utf8_len(value) > VALUE_BYTES:
            raise ctx.bad_param(f"Value must be a string of at most {VALUE_BYTES} bytes")
        if op == 1 and "Value" not in item:
            raise ctx.bad_param("Value is required when setting (OperateType 1)")
        seq = item.get("Seq", 0)
        if not is_int(seq) or seq < 0:
            raise ctx.bad_param("Seq must be an integer >= 0")
        pairs.append((key, value))
    return pairs


def _set(ctx: Context, body: dict[str, Any], ref: Ref, supported: bool) -> dict[str, Any]:
    op = body.get("OperateType")
    if op not in (1, 2, 3) or isinstance(op, bool):
        raise ctx.bad_param("OperateType is required: 1 set, 2 delete, 3 clear")
    pairs = _pairs(ctx, body, op)
    if not supported:
        raise ApiFail(NO_EXTENSION, "the message was not sent with SupportMessageExtension 1")
    stored = queries.values(ctx.db, ctx.sdkappid, ref)
    if op == 1 and len(stored.keys() | {k for k, _ in pairs}) > MAX_PAIRS:
        raise ctx.bad_param(f"a message holds at most {MAX_PAIRS} key-value pairs")
    # checked last: a refused request writes nothing (the gateway commits what a handler did)
    if not queries.record_write(ctx.db, ctx.sdkappid, ref, ctx.now, WRITES_PER_MINUTE):
        raise ApiFail(TOO_OFTEN, f"more than {WRITES_PER_MINUTE} writes a minute on this"
                                 " message")
    if op == 3:
        queries.remove(ctx.db, ctx.sdkappid, ref)
        queries.bump(ctx.db, ctx.sdkappid, ref, clear=True)
        return {"ExtensionList": []}
    seq = queries.bump(ctx.db, ctx.sdkappid, ref)
    out = []
    for key, value in pairs:
        if op == 1:
            queries.put(ctx.db, ctx.sdkappid, ref, key, value, seq)
        else:
            queries.remove(ctx.db, ctx.sdkappid, ref, key)
            value = ""
        out.append({"ErrorCode": 0, "Extension": {"Key": key, "Value": value, "Seq": seq}})
    return {"ExtensionList": out}


def _get(ctx: Context, body: dict[str, Any], ref: Ref) -> dict[str, Any]:
    start = body.get("StartSeq", 0)
    if not is_int(start) or start < 0:
        raise ctx.bad_param("StartSeq must be an integer >= 0")
    rows = sorted(((seq, key, value) for key, (value, seq)
                   in queries.values(ctx.db, ctx.sdkappid, ref).items() if seq >= start))
    page = rows[:PAGE]
    if len(rows) > PAGE:  # end on a whole version, so StartSeq = the last Seq + 1 resumes
        last = rows[PAGE][0]
        trimmed = [r for r in page if r[0] != last]
        page = trimmed or page
    latest, cleared = queries.seqs(ctx.db, ctx.sdkappid, ref)
    return {"ExtensionList": [{"Key": k, "Value": v, "Seq": s} for s, k, v in page],
            "CompleteFlag": int(len(page) == len(rows)), "LatestSeq": latest,
            "ClearSeq": cleared}


@handler("openim_msg_ext_http_svc/set_key_values")
def set_key_values(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _set(ctx, body, *_c2c(ctx, body))


@handler("openim_msg_ext_http_svc/get_key_values")
def get_key_values(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _get(ctx, body, _c2c(ctx, body)[0])


@handler("openim_msg_ext_http_svc/group_set_key_values")
def group_set_key_values(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _set(ctx, body, *_group(ctx, body))


@handler("openim_msg_ext_http_svc/group_get_key_values")
def group_get_key_values(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _get(ctx, body, _group(ctx, body)[0])
