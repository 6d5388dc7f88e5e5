"""import_group_msg (tencentcloud 1047/34968, cloud.tencent 269/1635): migrate group history.

Documented: no callbacks, no notices; AVChatRoom refuses it (10007); at most 7 messages a
call; messages in ascending SendTime order, each SendTime before now and after both the
group's creation and the group's latest message, else that message fails with Result 10004;
Result 80002 for a body over 12 KB; Random optional, a repeat of a Random within 5 minutes is
dropped as a duplicate; messages take the group's next MsgSeqs (consecutive); after an import
every member's unread count is 0 (import members or set unread counts afterwards to keep
them); RecentContactFlag 1 updates conversations (not for AVChatRoom, not for Communities).
Whole-request codes: 10004 bad parameter, 10007, 10010 group gone.

The page lists the element types it takes: TIMTextElem, TIMFaceElem, TIMLocationElem and
TIMCustomElem.

Inferred: "after the group's latest message" is read as "not before it": busy groups send
several messages a second, and with a strict rule such history could not be imported at all
(the page's own sample has no such case); the creation time and now stay strict. A
duplicate Random (within 5 minutes of arrival) answers Result 0 with the first copy's MsgSeq
and MsgTime, as send_group_msg does, so re-sending a call whose answer was lost changes
nothing. Senders need not be members (the page's order imports messages before members) but
must be accounts (10019, as for sends). Malformed messages (no From_Account, SendTime or
MsgBody, another element type) fail the whole call with 10004.
The emulator keeps no conversation lists: RecentContactFlag is checked, then has no effect.
TopicId imports into a community topic (its own MsgSeqs; the floor is the community's
creation, as the page says, not the topic's; see conversation.py for 11000/10010); members'
read positions are kept per group, so a topic import leaves them alone.
"""

from __future__ import annotations

import random as _random
from typing import Any

from timctl.emulator.services import Context, handler, is_int, is_user_id
from timctl.emulator.services.c2c_messages import body as bodies
from timctl.emulator.services.c2c_messages.queries import body_crc
from timctl.emulator.services.group_messages import queries as store
from timctl.emulator.services.group_messages.conversation import Conversation, conversation
from timctl.emulator.services.groups import common
from timctl.emulator.services.groups import queries as groups

U32_MAX = 4294967295
IMPORT_MAX = 7
ELEMENTS = ("TIMTextElem", "TIMFaceElem", "TIMLocationElem", "TIMCustomElem")
BAD_TIME = 10004
TOO_LONG = 80002


def _messages(ctx: Context, body: dict[str, Any]) -> list[dict[str, Any]]:
    items = body.get("MsgList")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("MsgList is required: a non-empty array of messages")
    if len(items) > IMPORT_MAX:
        raise ctx.bad_param(f"MsgList has {len(items)} messages; at most {IMPORT_MAX} a call")
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise ctx.bad_param(f"MsgList[{n}] is not an object")
        if not is_user_id(item.get("From_Account")):
            raise ctx.bad_param(f"MsgList[{n}].From_Account is required: a UserID")
        if not is_int(item.get("SendTime")) or item["SendTime"] < 0:
            raise ctx.bad_param(f"MsgList[{n}].SendTime is required: a Unix time")
        if "Random" in item and (not is_int(item["Random"]) or
                                 not 0 <= item["Random"] <= U32_MAX):
            raise ctx.bad_param(f"MsgList[{n}].Random must be a uint32")
        found = bodies.problem(item.get("MsgBody"))
        if found is not None and found[0] != "size":  # too long: that message's Result
            raise ctx.bad_param(f"MsgList[{n}].MsgBody: {found[1]}")
        odd = [e.get("MsgType") if isinstance(e, dict) else e for e in item["MsgBody"]
               if not isinstance(e, dict) or e.get("MsgType") not in ELEMENTS]
        if odd:
            raise ctx.bad_param(f"MsgList[{n}].MsgBody: import_group_msg takes only"
                                f" {', '.join(ELEMENTS)}, not {odd[0]}")
    return items


def latest_time(ctx: Context, conv: Conversation) -> int:
    """The time of the conversation's latest message or tip (0 without any)."""
    row = ctx.db.execute("SELECT MAX(msg_time) FROM group_msgs WHERE sdkappid = ?"
                         " AND group_id = ?", (ctx.sdkappid, conv.key)).fetchone()
    tips = [] if conv.topic else [
        int(t["time"]) for t in groups.history(ctx.db, ctx.sdkappid, conv.group.group_id)]
    return max([int(row[0] or 0), *tips])


@handler("group_open_http_svc/import_group_msg")
def import_group_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    conv = conversation(ctx, body, refuse=("AVChatRoom",), what="importing messages")
    common.flag(ctx, body, "RecentContactFlag")  # no conversation lists here: no effect
    items = _messages(ctx, body)
    common.must_exist(ctx, list(dict.fromkeys(m["From_Account"] for m in items)))
    created = int(conv.group.created_at)  # the page names the group's creation, not a topic's
    floor = latest_time(ctx, conv)
    results: list[dict[str, Any]] = []
    imported = False
    for item in items:
        send_time = int(item["SendTime"])
        random = item.get("Random")
        if random is not None:
            dup = ctx.db.execute(
                "SELECT msg_seq, msg_time FROM group_msgs WHERE sdkappid = ? AND group_id = ?"
                " AND msg_random = ? AND sent_at > ? ORDER BY msg_seq LIMIT 1",
                (ctx.sdkappid, conv.key, random, ctx.now - store.DEDUP_SECONDS),
            ).fetchone()
            if dup is not None:  # the first copy stands
                results.append({"MsgSeq": int(dup[0]), "MsgTime": int(dup[1]), "Result": 0})
                continue
        if bodies.problem(item["MsgBody"]) is not None:  # only "size" gets this far
            results.append({"MsgSeq": 0, "MsgTime": send_time, "Result": TOO_LONG})
            continue
        if not (created < send_time < ctx.now and floor <= send_time):
            results.append({"MsgSeq": 0, "MsgTime": send_time, "Result": BAD_TIME})
            continue
        seq = store.insert(ctx.db, ctx.sdkappid, conv.key, from_id=item["From_Account"],
                           random=_random.randint(1, U32_MAX) if random is None else random,
                           msg_time=send_time, body=item["MsgBody"], cloud_data=None,
                           priority=store.PRIORITIES["Normal"], at_info=[],
                           crc=body_crc(item["MsgBody"]), now=ctx.now,
                           seq=conv.next_seq(ctx))
        floor = send_time  # the next one must not be older
        imported = True
        results.append({"MsgSeq": seq, "MsgTime": send_time, "Result": 0})
    if imported and conv.topic is None:  # read positions are kept per group, not per topic
        _settle(ctx, conv.group.group_id)
    return {"ImportMsgResult": results}


def _settle(ctx: Context, group_id: str) -> None:
    """Documented: after an import every member's unread count is 0 (read up to the newest
    MsgSeq)."""
    group = groups.find_group(ctx.db, ctx.sdkappid, group_id)
    assert group is not None
    for member in groups.members(ctx.db, ctx.sdkappid, group_id):
        groups.set_read_seq(ctx.db, ctx.sdkappid, group_id, member.user_id,
                            group.next_msg_seq - 1)
