"""Handlers of the group message service.

Codes (rest-api-groups.yaml): 10004 bad parameter (MsgBody included), 10007 no permission,
10010 group gone, 10017 sender muted (global group mute, a group mute, or mute-all for
ordinary members), 10053 over 30 @-mentions, 80002 over 12 KB; recall RetCode 10030 message
not found, 10032 not recallable (a tip), 10033 the type cannot recall (AVChatRoom).
A sender need not be a member (group-message page); the account must exist (10019).
AVChatRoom messages and OnlineOnlyFlag 1 are online only: not stored, no MsgSeq used.
TopicId names a community topic: its own MsgSeq space and history (conversation.py); a topic
muted for all (MuteAllMember) mutes ordinary members there, as a group's does.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.c2c_messages import body as bodies
from timctl.emulator.services.c2c_messages.queries import body_crc
from timctl.emulator.services.group_messages import queries as store
from timctl.emulator.services.group_messages.conversation import conversation
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups import queries as groups
from timctl.emulator.services.mute import queries as mute

U32_MAX = 4294967295
MAX_AT = 30
MAX_TARGETS = 50  # To_Account of a targeted message
# Group frequency control (rest-api-groups.yaml message_rules, 1047/34959): 40 messages a
# second per group, all senders together; the excess is dropped with MsgDropReason MsgFreqCtrl
PER_GROUP_PER_SECOND = 40
PAGE_MAX = 20
RECALL_MAX = 10
BY_SENDER_WINDOW = 1000  # documented: the group's latest 1000 messages
CONTROLS = frozenset({"NoLastMsg", "NoUnread"})
BODY_CODES = {"array": 10004, "format": 10004, "size": 80002}


def _at_info(ctx: Context, body: dict[str, Any], group_type: str) -> list[Any]:
    at = body.get("GroupAtInfo", [])
    if not isinstance(at, list) or not all(isinstance(a, dict) for a in at):
        raise ctx.bad_param("GroupAtInfo must be an array of objects")
    if len(at) > MAX_AT:
        raise ApiFail(10053, f"at most {MAX_AT} @-mentions per message")
    for a in at:
        if a.get("GroupAtAllFlag") == 1:
            if group_type in ("AVChatRoom", "Community"):
                raise ctx.bad_param(f"@all is not supported in {group_type} groups")
        elif not is_user_id(a.get("GroupAt_Account")):
            raise ctx.bad_param("GroupAtInfo: GroupAt_Account or GroupAtAllFlag 1 required")
    return at


def _targets(ctx: Context, body: dict[str, Any], group: groups.Group,
             at: list[Any]) -> tuple[str, ...]:
    """To_Account: a targeted message only these members receive (1047/34959: at most 50,
    Work/Public/Meeting; SDK pages: not with @-mentions, not counted as unread). Inferred:
    another type 10007, a non-member 10004."""
    targets = body.get("To_Account")
    if targets is None:
        return ()
    if not isinstance(targets, list) or not targets or not all(is_user_id(t) for t in targets):
        raise ctx.bad_param("To_Account must be a non-empty array of UserIDs")
    if len(targets) > MAX_TARGETS:
        raise ctx.bad_param(f"To_Account: at most {MAX_TARGETS} receivers")
    if group.type in ("AVChatRoom", "Community"):
        raise ApiFail(10007, f"{group.type} groups take no targeted messages (To_Account)")
    if at:
        raise ctx.bad_param("a targeted message (To_Account) cannot carry @-mentions")
    found = groups.find_members(ctx.db, ctx.sdkappid, group.group_id, targets)
    outside = [t for t in targets if t not in found]
    if outside:
        raise ctx.bad_param(f"To_Account: not members of the group: {', '.join(outside[:10])}")
    return tuple(dict.fromkeys(targets))


def _flag(ctx: Context, body: dict[str, Any], field: str) -> bool:
    value = body.get(field, 0)
    if value not in (0, 1) or isinstance(value, bool):
        raise ctx.bad_param(f"{field} must be 0 or 1")
    return value == 1


def _ordinary(ctx: Context, group: groups.Group, sender: str) -> bool:
    """Not the App admin, the owner or an admin: mute-all applies to them."""
    if sender in ctx.app.admins:
        return False
    return groups.member_role(ctx.db, ctx.sdkappid, group.group_id, sender) not in ("Owner",
                                                                                    "Admin")


def _muted(ctx: Context, group: groups.Group, sender: str) -> bool:
    if mute.is_muted(ctx.db, ctx.sdkappid, sender, "group", ctx.now):
        return True
    if groups.muted_until(ctx.db, ctx.sdkappid, group.group_id, sender, ctx.now):
        return True
    if group.mute_all and sender not in ctx.app.admins:  # owner and admins may still speak
        role = groups.member_role(ctx.db, ctx.sdkappid, group.group_id, sender)
        return role not in ("Owner", "Admin")
    return False


@handler("group_open_http_svc/send_group_msg")
def send_group_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation(ctx, body)
    group = conv.group
    random = body.get("Random")
    if not is_int(random) or not 0 <= random <= U32_MAX:
        raise ctx.bad_param("Random is required: a uint32")
    found = bodies.problem(body.get("MsgBody"))
    if found is not None:
        raise ApiFail(BODY_CODES[found[0]], found[1])
    msg_body: list[Any] = body["MsgBody"]
    sender = body.get("From_Account", ctx.identifier)
    if not is_user_id(sender):
        raise ctx.bad_param("From_Account must be a UserID")
    common.must_exist(ctx, [sender])
    priority = body.get("MsgPriority", "Normal")
    if priority not in store.PRIORITIES:
        raise ctx.bad_param(f"MsgPriority takes {', '.join(store.PRIORITIES)} (case-sensitive)")
    online_only = body.get("OnlineOnlyFlag", body.get("MsgOnlineOnlyFlag", 0))
    if online_only not in (0, 1) or isinstance(online_only, bool):
        raise ctx.bad_param("OnlineOnlyFlag must be 0 or 1")
    control = body.get("SendMsgControl", [])
    if not isinstance(control, list) or not all(c in CONTROLS for c in control):
        raise ctx.bad_param(f"SendMsgControl takes {', '.join(sorted(CONTROLS))}")
    if online_only and (control or group.type == "AVChatRoom"):
        raise ctx.bad_param("OnlineOnlyFlag 1 goes neither with SendMsgControl nor AVChatRoom")
    cloud = body.get("CloudCustomData")
    if cloud is not None and not isinstance(cloud, str):
        raise ctx.bad_param("CloudCustomData must be a string")
    at = _at_info(ctx, body, group.type)
    flags = store.Flags(need_receipt=_flag(ctx, body, "NeedReadReceipt"),
                        support_ext=_flag(ctx, body, "SupportMessageExtension"),
                        targets=_targets(ctx, body, group, at))
    if _muted(ctx, group, sender) or (conv.topic is not None and conv.topic.mute_all
                                      and _ordinary(ctx, group, sender)):
        raise ApiFail(10017, f"{sender!r} is muted in {conv.key!r}")
    msg_time = int(ctx.now)
    stored = not (online_only or group.type in common.NO_ROAMING)
    crc = body_crc(msg_body)
    if stored:
        dup = store.find_duplicate(ctx.db, ctx.sdkappid, conv.key, random, crc, ctx.now)
        if dup is not None:  # a retry within 5 minutes: the first copy
            return {"MsgTime": dup[1], "MsgSeq": dup[0]}
    if not store.admit(ctx.db, ctx.sdkappid, conv.key, ctx.now, PER_GROUP_PER_SECOND):
        # documented: dropped (not stored, not delivered), yet answered OK with the reason
        return {"MsgTime": msg_time, "MsgSeq": 0, "MsgDropReason": "MsgFreqCtrl"}
    if not stored:  # never stored: no seq either
        return {"MsgTime": msg_time, "MsgSeq": 0}
    seq = store.insert(ctx.db, ctx.sdkappid, conv.key, from_id=sender, random=random,
                       msg_time=msg_time, body=msg_body, cloud_data=cloud,
                       priority=store.PRIORITIES[priority], at_info=at, crc=crc, now=ctx.now,
                       flags=flags, seq=conv.next_seq(ctx))
    return {"MsgTime": msg_time, "MsgSeq": seq}


@handler("group_open_http_svc/group_msg_get_simple")
def group_msg_get_simple(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation(ctx, body, refuse=("AVChatRoom",), what="message history")
    count = body.get("ReqMsgNumber")
    if not is_int(count) or not 1 <= count <= PAGE_MAX:
        raise ctx.bad_param(f"ReqMsgNumber is required: 1..{PAGE_MAX}")
    newest = conv.newest_seq
    top = body.get("ReqMsgSeq", newest)
    if not is_int(top) or top < 0:
        raise ctx.bad_param("ReqMsgSeq must be a uint32")
    with_recalled = body.get("WithRecalledMsg", 0)
    if with_recalled not in (0, 1):
        raise ctx.bad_param("WithRecalledMsg must be 0 or 1")
    top = min(top, newest)
    msgs = store.items(ctx.db, ctx.sdkappid, conv.key, max(1, top - count + 1), top,
                       bool(with_recalled))
    # IsFinished 1: the requested range came back whole (it always does here: nothing
    # expires and no page is cut for size).
    return {"GroupId": conv.group.group_id, "IsFinished": 1, "RspMsgList": msgs}


@handler("group_open_http_svc/group_msg_recall")
def group_msg_recall(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation(ctx, body, refuse=("AVChatRoom",), what="recall", code=10033)
    items = body.get("MsgSeqList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MsgSeqList is required: a non-empty array of {MsgSeq}")
    if len(items) > RECALL_MAX:
        raise ctx.bad_param(f"at most {RECALL_MAX} messages per call")
    results = []
    for item in items:
        seq = item.get("MsgSeq") if isinstance(item, dict) else None
        if not is_int(seq) or not 0 <= seq <= U32_MAX:
            results.append({"MsgSeq": seq, "RetCode": 10004})
            continue
        kind = store.state(ctx.db, ctx.sdkappid, conv.key, seq)
        code = {"missing": 10030, "tip": 10032}.get(kind, 0)
        if kind == "message":
            store.recall(ctx.db, ctx.sdkappid, conv.key, seq)
        results.append({"MsgSeq": seq, "RetCode": code})  # recalled again: done, 0
    return {"RecallRetList": results}


@handler("group_open_http_svc/delete_group_msg_by_sender")
def delete_group_msg_by_sender(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation(ctx, body)
    sender = common.user_field(ctx, body, "Sender_Account")
    if conv.group.type not in common.NO_ROAMING:  # AVChatRoom: accepted, nothing stored
        store.recall_by_sender(ctx.db, ctx.sdkappid, conv.key, sender, conv.newest_seq,
                               BY_SENDER_WINDOW)
    return {}

from timctl.emulator.services.group_messages import imports, receipts, state  # noqa: E402, F401
