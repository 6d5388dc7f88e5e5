"""Handlers of the one-to-one message service (openim).

Codes from the pages: 90003 To_Account, 90008 From_Account, 90012 To_Account not registered,
90005 MsgRandom, 90004 MsgSeq, 90007 MsgBody not an array, 90002 MsgBody not in message
format, 93000 over 12 KB, 90026/90044 MsgLifeTime, 90031 SyncOtherMachine, 90043
OfflinePushInfo, 20012 sender under global C2C mute (as the mute pages say; the sendmsg page
says mute is not checked: the issue asks for the mute pages' rule), 20022/20023/90054 recall.
Friendship and blocklists are not checked (documented).
"""

from __future__ import annotations

import json
import random as _random
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.c2c_messages import body as bodies
from timctl.emulator.services.c2c_messages import queries as store
from timctl.emulator.services.mute import queries as mute

U32_MAX = 4294967295
LIFETIME_MAX = 604800  # 7 days
BATCH_MAX = 500
ROAM_RESPONSE_CAP = 13 * 1024  # admin_getroammsg: "currently 13K", then Complete 0
SEND_CONTROLS = frozenset({"NoUnread", "NoLastMsg", "WithMuteNotifications", "NoMsgCheck"})


def _u32(value: Any) -> bool:
    return is_int(value) and 0 <= value <= U32_MAX


def _sender(ctx: Context, body: dict[str, Any], *, required: bool = False) -> str:
    sender = body.get("From_Account", None if required else ctx.identifier)
    if not is_user_id(sender) or not accounts.exists(ctx.db, ctx.sdkappid, sender):
        raise ApiFail(90008, "From_Account is missing or does not exist")
    return sender


def _peer(ctx: Context, body: dict[str, Any], field: str = "To_Account") -> str:
    peer = body.get(field)
    if not is_user_id(peer):
        raise ApiFail(90003, f"{field} is missing or not a UserID")
    if not accounts.exists(ctx.db, ctx.sdkappid, peer):
        raise ApiFail(90012, f"{field} {peer!r} is not registered")
    return peer


BODY_CODES = {"array": 90007, "size": 93000, "format": 90002}


def _flag(ctx: Context, body: dict[str, Any], field: str) -> bool:
    value = body.get(field, 0)
    if value not in (0, 1) or isinstance(value, bool):
        raise ctx.bad_param(f"{field} must be 0 or 1")
    return value == 1


def check_body(value: Any) -> list[Any]:
    """The documented MsgBody codes: 90007 not an array, 93000 over 12 KB, 90002 otherwise."""
    found = bodies.problem(value)
    if found is not None:
        raise ApiFail(BODY_CODES[found[0]], found[1])
    assert isinstance(value, list)
    return value


class _Send:
    """The fields shared by sendmsg and batchsendmsg, checked."""

    def __init__(self, ctx: Context, body: dict[str, Any]) -> None:
        if not _u32(body.get("MsgRandom")):
            raise ApiFail(90005, "MsgRandom is missing or not a uint32")
        self.random = int(body["MsgRandom"])
        if "MsgSeq" in body and not _u32(body["MsgSeq"]):
            raise ApiFail(90004, "MsgSeq is not a uint32")
        # documented: an absent MsgSeq is filled with a random value
        self.seq = int(body["MsgSeq"]) if "MsgSeq" in body else _random.randint(1, U32_MAX)
        self.body = check_body(body.get("MsgBody"))
        life = body.get("MsgLifeTime", LIFETIME_MAX)
        if not is_int(life):
            raise ApiFail(90044, "MsgLifeTime is not an integer")
        if not 0 <= life <= LIFETIME_MAX:
            raise ApiFail(90026, f"MsgLifeTime must be 0..{LIFETIME_MAX} seconds")
        self.stored = life != 0  # 0: online users only, never stored
        sync = body.get("SyncOtherMachine")
        if sync is not None and (not is_int(sync) or sync not in (1, 2)):
            raise ApiFail(90031, "SyncOtherMachine must be 1 or 2")
        self.sender_sees = sync != 2
        control = body.get("SendMsgControl", [])
        if not isinstance(control, list) or not all(c in SEND_CONTROLS for c in control):
            raise ctx.bad_param(f"SendMsgControl takes {', '.join(sorted(SEND_CONTROLS))}")
        self.no_unread = "NoUnread" in control
        cloud = body.get("CloudCustomData")
        if cloud is not None and not isinstance(cloud, str):
            raise ctx.bad_param("CloudCustomData must be a string")
        self.cloud = cloud
        if "OfflinePushInfo" in body and not isinstance(body["OfflinePushInfo"], dict):
            raise ApiFail(90043, "OfflinePushInfo is not an object")
        self.crc = store.body_crc(self.body)
        self.need_receipt = _flag(ctx, body, "IsNeedReadReceipt")
        self.support_ext = _flag(ctx, body, "SupportMessageExtension")

    def deliver(self, ctx: Context, sender: str, to: str) -> tuple[str, int]:
        """Store (or find the earlier copy of) the message to `to`: (MsgKey, MsgTime)."""
        dup = store.find_duplicate(ctx.db, ctx.sdkappid, sender, to, self.seq, self.random,
                                   self.crc, ctx.now)
        if dup is not None:  # a retry within 120 s: the first copy's key, nothing new
            return dup.msg_key, dup.msg_time
        msg_time = int(ctx.now)
        if not self.stored:
            return f"{self.seq}_{self.random}_{msg_time}", msg_time
        key = store.insert(ctx.db, ctx.sdkappid, from_id=sender, to_id=to, seq=self.seq,
                           random=self.random, msg_time=msg_time, body=self.body,
                           cloud_data=self.cloud, no_unread=self.no_unread,
                           sender_sees=self.sender_sees, now=ctx.now,
                           need_receipt=self.need_receipt, support_ext=self.support_ext)
        return key, msg_time


def _not_muted(ctx: Context, sender: str) -> None:
    if mute.is_muted(ctx.db, ctx.sdkappid, sender, "c2c", ctx.now):
        raise ApiFail(20012, f"{sender!r} is muted (global one-to-one mute)")


@handler("openim/sendmsg")
def sendmsg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    sender = _sender(ctx, body)
    to = _peer(ctx, body)
    send = _Send(ctx, body)
    _not_muted(ctx, sender)
    key, msg_time = send.deliver(ctx, sender, to)
    return {"MsgTime": msg_time, "MsgKey": key}


@handler("openim/batchsendmsg")
def batchsendmsg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    targets = body.get("To_Account")
    if not isinstance(targets, list) or not targets:
        raise ApiFail(90001, "To_Account must be a non-empty array")
    if len(targets) > BATCH_MAX:
        raise ApiFail(90011, f"more than {BATCH_MAX} To_Account")
    if not all(is_user_id(t) for t in targets):
        raise ApiFail(90003, "To_Account holds a value that is not a UserID")
    sender = _sender(ctx, body)
    send = _Send(ctx, body)
    _not_muted(ctx, sender)
    known = accounts.existing(ctx.db, ctx.sdkappid, targets)
    errors = [{"To_Account": t, "ErrorCode": 70107} for t in targets if t not in known]
    key = ""
    for to in dict.fromkeys(t for t in targets if t in known):
        key, _ = send.deliver(ctx, sender, to)
    if not key:
        raise ApiFail(90012, "invalid To_Account", {"ErrorList": errors})
    return {"MsgKey": key, "ErrorList": errors}


def _legacy(body: dict[str, Any]) -> dict[str, Any]:
    """admin_getroammsg named the two sides From_Account/To_Account until 2022-06."""
    out = dict(body)
    for old, new in (("From_Account", "Operator_Account"), ("To_Account", "Peer_Account")):
        if new not in out and old in out:
            out[new] = out[old]
    return out


def _within_response_cap(msgs: list[store.Msg]) -> tuple[list[store.Msg], bool]:
    """The newest messages that fit the documented response cap (13 KB; at least one), and
    whether any were cut: then Complete is 0 and the caller continues from LastMsgKey."""
    total = 0
    for i, msg in enumerate(msgs):
        total += len(json.dumps(msg.item(), ensure_ascii=False).encode())
        if total > ROAM_RESPONSE_CAP and i > 0:
            return msgs[:i], True
    return msgs, False


@handler("openim/admin_getroammsg")
def admin_getroammsg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    body = _legacy(body)
    viewer = _sender(ctx, {"From_Account": body.get("Operator_Account")}, required=True)
    peer = body.get("Peer_Account")
    if not is_user_id(peer) or not accounts.exists(ctx.db, ctx.sdkappid, peer):
        raise ApiFail(90003, "Peer_Account is missing or does not exist")
    for name in ("MaxCnt", "MinTime", "MaxTime"):
        if not is_int(body.get(name)) or body[name] < 0:
            raise ctx.bad_param(f"{name} is required: a non-negative integer")
    if body["MaxCnt"] < 1:
        raise ctx.bad_param("MaxCnt must be at least 1")
    last_key = body.get("LastMsgKey")
    if last_key is not None and not isinstance(last_key, str):
        raise ctx.bad_param("LastMsgKey must be a string")
    msgs, more = store.page(ctx.db, ctx.sdkappid, viewer, peer, body["MinTime"],
                            body["MaxTime"], body["MaxCnt"], last_key or None)
    msgs, cut = _within_response_cap(msgs)
    out: dict[str, Any] = {"Complete": 0 if more or cut else 1, "MsgCnt": len(msgs)}
    if msgs:  # the oldest of the page is where the next page starts
        out["LastMsgTime"], out["LastMsgKey"] = msgs[-1].msg_time, msgs[-1].msg_key
    else:
        out["LastMsgTime"], out["LastMsgKey"] = 0, ""
    out["MsgList"] = [m.item() for m in reversed(msgs)]  # the samples list oldest first
    return out


@handler("openim/admin_msgwithdraw")
def admin_msgwithdraw(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    sender = _sender(ctx, body, required=True)
    to = body.get("To_Account")
    if not is_user_id(to) or not accounts.exists(ctx.db, ctx.sdkappid, to):
        raise ApiFail(90003, "To_Account is missing or does not exist")
    key = body.get("MsgKey")
    if not isinstance(key, str) or not key or len(key) > 50:
        raise ApiFail(90054, "MsgKey is missing or invalid")
    msg = store.find_by_key(ctx.db, ctx.sdkappid, sender, to, key)
    if msg is None:
        raise ApiFail(20022, "the message does not exist")
    if msg.flag_bits & store.RECALLED:
        raise ApiFail(20023, "the message was already recalled")
    store.set_flag_bits(ctx.db, msg.row_id, msg.flag_bits | store.RECALLED)
    return {}


@handler("openim/admin_set_msg_read")
def admin_set_msg_read(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user = _sender(ctx, {"From_Account": body.get("Report_Account")}, required=True)
    peer = body.get("Peer_Account")
    if not is_user_id(peer) or not accounts.exists(ctx.db, ctx.sdkappid, peer):
        raise ApiFail(90003, "Peer_Account is missing or does not exist")
    when = body.get("MsgReadTime", int(ctx.now))
    if isinstance(when, str) and when.isdigit():  # the page types it String
        when = int(when)
    if not is_int(when):
        raise ctx.bad_param("MsgReadTime must be UNIX seconds")
    store.set_read(ctx.db, ctx.sdkappid, user, peer, when)
    return {}


@handler("openim/get_c2c_unread_msg_num")
def get_c2c_unread_msg_num(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user = body.get("To_Account")
    if not is_user_id(user) or not accounts.exists(ctx.db, ctx.sdkappid, user):
        raise ApiFail(90003, "To_Account is missing or does not exist")
    peers = body.get("Peer_Account")
    if peers is None:
        return {"AllC2CUnreadMsgNum": store.unread(ctx.db, ctx.sdkappid, user)}
    if not isinstance(peers, list) or not all(is_user_id(p) for p in peers):
        raise ctx.bad_param("Peer_Account must be an array of UserIDs")
    if len(peers) > 10:
        raise ctx.bad_param("at most 10 Peer_Account")
    known = accounts.existing(ctx.db, ctx.sdkappid, peers)
    return {
        "C2CUnreadMsgNumList": [
            {"Peer_Account": p, "C2CUnreadMsgNum": store.unread(ctx.db, ctx.sdkappid, user, p)}
            for p in peers if p in known],
        "ErrorList": [{"Peer_Account": p, "ErrorCode": 70107} for p in peers if p not in known],
    }


@handler("openim/importmsg")
def importmsg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    mode = body.get("SyncFromOldSystem")
    if not is_int(mode) or mode not in (2, 5):
        raise ApiFail(90030, "SyncFromOldSystem must be 2 (history) or 5 (real time)")
    if is_user_id(body.get("From_Account")) and \
            not accounts.exists(ctx.db, ctx.sdkappid, body["From_Account"]):
        raise ApiFail(90048, "From_Account does not exist")  # 1047/35014's code for it
    sender = _sender(ctx, body, required=True)
    to = _peer(ctx, body)
    if not _u32(body.get("MsgRandom")):
        raise ApiFail(90005, "MsgRandom is missing or not a uint32")
    if not is_int(body.get("MsgTimeStamp")) or body["MsgTimeStamp"] < 0:
        raise ApiFail(90006, "MsgTimeStamp is missing or not an integer")
    if "MsgSeq" in body and not _u32(body["MsgSeq"]):
        raise ApiFail(90004, "MsgSeq is not a uint32")
    msg_body = check_body(body.get("MsgBody"))
    cloud = body.get("CloudCustomData")
    if cloud is not None and not isinstance(cloud, str):
        raise ctx.bad_param("CloudCustomData must be a string")
    seq = int(body["MsgSeq"]) if "MsgSeq" in body else _random.randint(1, U32_MAX)
    random, when = int(body["MsgRandom"]), int(body["MsgTimeStamp"])
    if not store.imported_before(ctx.db, ctx.sdkappid, sender, to, seq, random, when):
        store.insert(ctx.db, ctx.sdkappid, from_id=sender, to_id=to, seq=seq, random=random,
                     msg_time=when, body=msg_body, cloud_data=cloud,
                     no_unread=mode == 2,  # history: not unread; real time: counted
                     sender_sees=True, now=ctx.now)
    return {}


@handler("openim/modify_c2c_msg")
def modify_c2c_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    sender = _sender(ctx, body, required=True)
    to = _peer(ctx, body)
    key = body.get("MsgKey")
    if not isinstance(key, str) or not key:
        raise ctx.bad_param("MsgKey is required")
    new_body = check_body(body["MsgBody"]) if "MsgBody" in body else None
    cloud = body.get("CloudCustomData")
    if cloud is not None and not isinstance(cloud, str):
        raise ctx.bad_param("CloudCustomData must be a string")
    msg = store.find_by_key(ctx.db, ctx.sdkappid, sender, to, key)
    if msg is None:
        raise ApiFail(20022, "the message does not exist")
    store.modify(ctx.db, msg.row_id, new_body, cloud)
    return {}


@handler("openim/delete_c2c_msg_ramble")
def delete_c2c_msg_ramble(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    viewer = _sender(ctx, {"From_Account": body.get("Operator_Account")}, required=True)
    peer = _peer(ctx, body, "Peer_Account")
    keys = body.get("MsgKeyList")
    if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
        raise ctx.bad_param("MsgKeyList is required: an array of MsgKey strings")
    if len(keys) > 30:
        raise ctx.bad_param("at most 30 MsgKeys per call")
    store.delete_for(ctx.db, ctx.sdkappid, viewer, peer, keys)
    return {}
from timctl.emulator.services.c2c_messages import group_modify, receipts  # noqa: E402, F401
