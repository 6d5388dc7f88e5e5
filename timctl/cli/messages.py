"""timctl messages (also `timctl message`): send one-to-one and group messages, read history.

Facts: sendmsg (1047/34919, 269/2282): From_Account optional (the admin otherwise),
MsgRandom required and deduplicated with MsgSeq, sender and content for 120 s, MsgLifeTime
0..604800 (0: online only, not stored), SyncOtherMachine 1 (sync to the sender) / 2 (do not),
answer MsgTime + MsgKey. send_group_msg (1047/34959): Random deduplicated for 5 minutes,
MsgPriority High/Normal/Low, GroupAtInfo at most 30 (GroupAtAllFlag 1 = @all), OnlineOnlyFlag
1 = online members only, answer MsgTime + MsgSeq. The client fills MsgRandom/MsgSeq/Random
once, before the first attempt, so a retry after a lost answer is dropped as a repeat.
History lives in messages_history.py.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.lazy import LazyCommands
from timctl.cli.messages_body import body_options, message_fields, message_options
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError

SENDMSG = "openim/sendmsg"
SEND_GROUP = "group_open_http_svc/send_group_msg"
MAX_LIFETIME = 604800  # 7 days, documented maximum of MsgLifeTime
MAX_AT = 30  # documented @-mentions per group message (10053)
MAX_TARGETS = 50  # documented To_Account of a targeted group message
PRIORITIES = ("High", "Normal", "Low")
SEND_COLUMNS = ["GroupId", "TopicId", "MsgKey", "MsgSeq", "MsgTime", "Time", "MsgDropReason"]


B, H, S, R, X, PIN = (f"timctl.cli.messages_{m}" for m in
                      ("broadcast", "history", "state", "receipts", "ext", "pins"))
# name -> (module registering it, its one-line help): `messages --help` imports only this
COMMANDS = {
    "send": (__name__, "Send a one-to-one or group message; prints its key or sequence."),
    "broadcast": (B, "Send one one-to-one message to many users (500 a call, resumable)."),
    "notify": (B, "Send a group system notice to the whole group or chosen members."),
    "broadcast-live": (B, "Send one message to every live group (AVChatRoom) of the app."),
    "history": (H, "A conversation's messages, paged backwards through to the end."),
    "read": (S, "Mark a one-to-one conversation read for --user."),
    "unread": (S, "One-to-one unread counts of --user: the total, or per --peer."),
    "set-unread": (S, "Set a member's unread count in a group (for migrations)."),
    "modify": (S, "Replace a stored message's body and/or CloudCustomData."),
    "delete": (S, "Delete one-to-one messages from --user's side only."),
    "clear": (S, "Clear a group's history for its members."),
    "pin": (PIN, "Pin a group message (at most 10 pins a group)."),
    "unpin": (PIN, "Unpin a pinned group message."),
    "pins": (PIN, "List a group's pinned messages, the newest pin first."),
    "read-receipt": (R, "Send read receipts for messages sent with --need-receipt."),
    "receipts": (R, "Read and unread counts of group messages sent with --need-receipt."),
    "receipt-detail": (R, "Who read a group message and who did not."),
    "ext": (X, "Key-value extensions of a message sent with --extensible."),
}


@click.group(cls=LazyCommands, lazy=COMMANDS)
def messages() -> None:
    """Send one-to-one and group messages, read history (revoke: `timctl revoke`)."""


def iso(seconds: Any) -> str | None:
    """Unix seconds as UTC ISO text (the API's seconds stay in JSON)."""
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return None


def _user(value: str | None, flag: str) -> str | None:
    from timctl.cli.inputs import user_id_problem

    if value is None:
        return None
    problem = user_id_problem(value)
    if problem:
        raise UsageError(f"{flag}: {problem}: {value!r}")
    return value


def check_group(value: str | None, flag: str = "--group") -> str:
    """A group ID by the documented rules (usage error otherwise)."""
    import timctl.cli.groups  # noqa: F401 - loads groups_lifecycle without an import cycle
    from timctl.cli.groups_lifecycle import check_group_id

    return check_group_id(value or "", flag)


def check_topic(group_id: str, topic: str | None, flag: str = "--topic") -> str | None:
    """A community topic's ID: the documented form GROUP_ID@TOPIC#_... (usage error
    otherwise)."""
    if topic is None:
        return None
    if not topic.startswith(group_id + "@TOPIC#_") or not topic.isascii():
        raise UsageError(f"{flag}: {topic!r} is not a topic of {group_id!r} (topic IDs are "
                         f"{group_id}@TOPIC#_...)")
    return topic


def _at_info(at: tuple[str, ...]) -> list[dict[str, Any]]:
    if len(at) > MAX_AT:
        raise UsageError(f"--at: at most {MAX_AT} mentions per message ({len(at)} given)")
    return [{"GroupAtAllFlag": 1} if user.lower() == "all"
            else {"GroupAtAllFlag": 0, "GroupAt_Account": _user(user, "--at")} for user in at]


def _targets(to: tuple[str, ...], at: bool) -> list[str]:
    """To_Account of a targeted group message (1047/34959: at most 50 members)."""
    if at:
        raise UsageError("--to with --group makes a targeted message, which takes no --at")
    targets = list(dict.fromkeys(_user(u, "--to") or "" for u in to))
    if len(targets) > MAX_TARGETS:
        raise UsageError(f"--to: at most {MAX_TARGETS} members per targeted message "
                         f"({len(targets)} given)")
    return targets


@messages.command("send")
@click.option("--to", "to", multiple=True, metavar="USERID",
              help="One-to-one: the recipient. With --group: only these members receive it "
                   "(a targeted message; repeatable, at most 50; Work/Public/Meeting groups, "
                   "no --at; not counted as unread).")
@click.option("--group", "group_id", metavar="GROUP_ID", help="Group: the group.")
@click.option("--topic", metavar="TOPIC_ID",
              help="Community: send into this topic (its own MsgSeqs and history).")
@click.option("--from", "sender", metavar="USERID",
              help="Send on behalf of this account (default: the admin).")
@body_options
@message_options
@click.option("--sync/--no-sync", "sync", default=None,
              help="One-to-one: sync to the sender's devices and roaming, or not "
                   "(SyncOtherMachine 1/2; default: the server's).")
@click.option("--lifetime", type=click.IntRange(0, MAX_LIFETIME), metavar="SECONDS",
              help="Offline retention, at most 604800 (7 days); 0 = online only, not stored.")
@click.option("--at", "at", multiple=True, metavar="USERID|all",
              help="Group: mention a member, or all (repeatable, at most 30).")
@click.option("--priority", type=click.Choice(PRIORITIES),
              help="Group: MsgPriority under throttling.")
@click.option("--need-receipt", is_flag=True,
              help="Ask for read receipts (Ultimate; groups of at most 200 members; see "
                   "`messages read-receipt` and `messages receipts`).")
@click.option("--extensible", is_flag=True,
              help="Allow key-value extensions on the message (Ultimate; see "
                   "`messages ext`).")
@output_options(known=SEND_COLUMNS)
@dry_run_option
@pass_app
def send(app: AppContext, to: tuple[str, ...], group_id: str | None, topic: str | None,
         sender: str | None,
         sync: bool | None, lifetime: int | None, at: tuple[str, ...], priority: str | None,
         need_receipt: bool, extensible: bool, **flags: Any) -> None:
    """Send a one-to-one (--to) or group (--group) message; prints its MsgKey (one-to-one)
    or MsgSeq (group) and MsgTime. A retry after a lost answer carries the same
    MsgRandom/Random, so the server drops the repeat: one message, never two.

    Element flags repeat, and elements keep the order typed; only text, custom, face and
    location elements may follow the first one. The body is checked before sending.

    \b
    timctl messages send --to bob --text "hello"
    timctl messages send --from alice --to bob --image https://x/y.png --text caption
    timctl messages send --group team-1 --text "@bob look" --at bob --priority High
    timctl messages send --group team-1 --to bob --to carol --text "just you two"
    timctl messages send --group @TGS#_club --topic @TGS#_club@TOPIC#_news --text hi
    timctl messages send --to bob --body @body.json --push-title News --no-unread
    """
    if not to and group_id is None:
        raise UsageError("give --to USERID (one-to-one) or --group GROUP_ID")
    fields = message_fields(flags)
    if extensible:
        fields["SupportMessageExtension"] = 1
    body: dict[str, Any] = {}
    if sender is not None:
        body["From_Account"] = _user(sender, "--from")
    if group_id is None:
        if topic is not None:
            raise UsageError("--topic is for community messages (--group)")
        if at or priority:
            raise UsageError(f"--{'at' if at else 'priority'} is for group messages (--group)")
        if len(to) > 1:
            raise UsageError("one-to-one messages take one --to (many recipients: "
                             "`messages broadcast`)")
        body["To_Account"] = _user(to[0], "--to")
        if sync is not None:
            body["SyncOtherMachine"] = 1 if sync else 2
        if lifetime is not None:
            body["MsgLifeTime"] = lifetime
        if need_receipt:
            body["IsNeedReadReceipt"] = 1  # sendmsg's name (1047/34919)
        body.update(fields)
        answer = app.call(SENDMSG, body)
        if answer is not None:
            app.emit({"MsgKey": answer.get("MsgKey"), "MsgTime": answer.get("MsgTime"),
                      "Time": iso(answer.get("MsgTime"))}, columns=["MsgKey", "MsgTime", "Time"])
        return
    if sync is not None:
        raise UsageError("--sync/--no-sync is for one-to-one messages (--to)")
    if lifetime not in (None, 0):
        raise UsageError("--lifetime: group messages take only 0 (online members only, "
                         "OnlineOnlyFlag)")
    if lifetime == 0 and "SendMsgControl" in fields:
        raise UsageError("--lifetime 0 cannot be combined with --no-unread/--no-last-msg "
                         "(documented)")
    gid = check_group(group_id)
    body = {"GroupId": gid, **body, **fields}
    if topic is not None:
        if to:
            raise UsageError("--topic: communities take no targeted messages (--to)")
        body["TopicId"] = check_topic(gid, topic)
    if lifetime == 0:
        if need_receipt:
            raise UsageError("--need-receipt: online-only messages (--lifetime 0) have no "
                             "read receipts (10061)")
        body["OnlineOnlyFlag"] = 1
    if need_receipt:
        body["NeedReadReceipt"] = 1  # send_group_msg's name (1047/34959)
    if priority:
        body["MsgPriority"] = priority
    if at:
        body["GroupAtInfo"] = _at_info(at)
    if to:
        body["To_Account"] = _targets(to, bool(at))
    answer = app.call(SEND_GROUP, body)
    if answer is not None:
        row = {"GroupId": group_id, **({"TopicId": topic} if topic else {}),
               "MsgSeq": answer.get("MsgSeq"),
               "MsgTime": answer.get("MsgTime"), "Time": iso(answer.get("MsgTime"))}
        if answer.get("MsgDropReason"):
            row["MsgDropReason"] = answer["MsgDropReason"]
            app.log(f"timctl: the message was dropped: {answer['MsgDropReason']}")
        app.emit(row, columns=["GroupId", *(["TopicId"] if topic else []), "MsgSeq",
                               "MsgTime", "Time", "MsgDropReason"])
