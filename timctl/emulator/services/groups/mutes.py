"""forbid_send_msg (1047/34951), get_group_muted_account (34964; legacy
get_group_shutted_uin), and the live-group bans ban_group_member / unban_group_member /
get_group_ban_member (50296, 50297, 50295).

Documented: MuteTime (legacy ShutUpTime) seconds, 0 unmutes, 4294967295 for good; the end is
kept as a time that survives leaving and re-joining; Work groups cannot mute (10007); a
TopicId mutes in one topic of a topic-enabled community; the list answers MutedAccountList
[{Member_Account, MutedUntil}] (legacy ShuttedUinList [{Member_Account, ShuttedUntil}]).
Bans: AVChatRoom only, Ultimate edition (10007 otherwise), at most 20 accounts (10005),
BannedUntil = now + Duration, a banned user is put out of the live group; the list pages
with Offset/NextOffset (0 = done), Limit at most 100.
Inferred: only current members are muted outside AVChatRoom (whose members are not kept by
REST); a topic's mutes are kept under the TopicId; Duration 0 is 10004.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, utf8_len
from timctl.emulator.services.groups import common, queries
from timctl.emulator.services.groups.members import mute_time
from timctl.emulator.services.groups.queries import FOREVER, Group
from timctl.emulator.services.live import queries as live
from timctl.emulator.services.topics import queries as topics

WITHOUT_BANS = ("trial", "pro")  # the ban needs the Ultimate edition (Developer: inferred on)


def _mute_key(ctx: Context, body: dict[str, Any], group: Group) -> str:
    """The key mutes are kept under: the GroupId, or a topic's TopicId."""
    topic_id = body.get("TopicId")
    if topic_id is None:
        return group.group_id
    if not isinstance(topic_id, str) or not group.support_topic:
        raise ctx.bad_param("TopicId: a topic of a topic-enabled community")
    if topics.find(ctx.db, ctx.sdkappid, group.group_id, topic_id) is None:
        raise ctx.bad_param(f"no topic {topic_id!r} in this community")
    return topic_id


@handler("group_open_http_svc/forbid_send_msg")
def forbid_send_msg(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = common.user_list(ctx, body, "Members_Account", 500)
    seconds = mute_time(ctx, body, required=True)
    assert seconds is not None
    group = common.target(ctx, body, refuse=("Private",), what="muting members")
    key = _mute_key(ctx, body, group)
    if group.type != "AVChatRoom":
        users = [u for u in users
                 if u in queries.find_members(ctx.db, ctx.sdkappid, group.group_id, users)]
    for user in users:
        queries.set_mute(ctx.db, ctx.sdkappid, key, user, seconds, ctx.now)
    if users and key == group.group_id:
        common.tip(ctx.db, ctx.sdkappid, group, "member_info", ctx.identifier, users, ctx.now,
                   {"MuteTime": seconds})
    return {}


@handler("group_open_http_svc/get_group_muted_account")
def get_group_muted_account(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    group = common.target(ctx, body)
    key = _mute_key(ctx, body, group)
    until = queries.mute_until(ctx.db, ctx.sdkappid, key, ctx.now)
    # The handler cannot tell which path was called, so the legacy list (the answer of
    # get_group_shutted_uin) comes along for the older clients that read only it.
    return {"GroupId": group.group_id,
            "MutedAccountList": [{"Member_Account": u, "MutedUntil": t}
                                 for u, t in until.items()],
            "ShuttedUinList": [{"Member_Account": u, "ShuttedUntil": t}
                               for u, t in until.items()]}


def _live_group(ctx: Context, body: dict[str, Any]) -> Group:
    if ctx.app.edition in WITHOUT_BANS:
        raise ApiFail(common.NO_PERMISSION, "banning live-group members needs the Ultimate"
                                            " edition")
    return common.target(ctx, body, refuse=tuple(t for t in common.TYPES if t != "AVChatRoom"),
                         what="bans (AVChatRoom only)")


@handler("group_open_http_svc/ban_group_member")
def ban_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = common.user_list(ctx, body, "Members_Account", 20)
    duration = body.get("Duration")
    if not is_int(duration) or not 1 <= duration <= FOREVER:
        raise ctx.bad_param(f"Duration is required: seconds 1..{FOREVER}")
    reason = body.get("Description", "")
    if not isinstance(reason, str) or utf8_len(reason) > 1000:
        raise ctx.bad_param("Description must be a string of at most 1000 bytes")
    group = _live_group(ctx, body)
    for user in users:
        queries.set_ban(ctx.db, ctx.sdkappid, group.group_id, user, duration, reason, ctx.now)
        live.leave(ctx.db, ctx.sdkappid, group.group_id, user)  # a ban puts them out
    return {}


@handler("group_open_http_svc/unban_group_member")
def unban_group_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = common.user_list(ctx, body, "Members_Account", 20)
    group = _live_group(ctx, body)
    for user in users:
        queries.lift_ban(ctx.db, ctx.sdkappid, group.group_id, user)
    return {}


@handler("group_open_http_svc/get_group_ban_member")
def get_group_ban_member(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    limit = body.get("Limit", 100)
    offset = body.get("Offset")
    if not is_int(limit) or not 1 <= limit <= 100:
        raise ctx.bad_param("Limit must be an integer 1..100")
    if not is_int(offset) or offset < 0:
        raise ctx.bad_param("Offset is required: 0 first, then NextOffset")
    group = _live_group(ctx, body)
    rows = queries.bans(ctx.db, ctx.sdkappid, group.group_id, ctx.now)
    page = rows[offset:offset + limit]
    more = offset + limit < len(rows)
    return {"BannedAccountList": [{"Member_Account": u, "BannedUntil": t}
                                  for u, t, _ in page],
            "NextOffset": offset + limit if more else 0}
