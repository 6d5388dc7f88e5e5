"""timctl messages read|unread|set-unread|modify|delete|clear: message state.

Facts: admin_set_msg_read (1047/38996: Report_Account reads Peer_Account's messages),
get_c2c_unread_msg_num (1047/41046: all, or per peer, at most 10 peers a call; ErrorList for
unknown peers), set_unread_msg_num (1047/34909: migration only, UnreadMsgNum >= 0),
modify_c2c_msg (1047/47722) and modify_group_msg (1047/47948, on openim): MsgBody and/or
CloudCustomData replace the stored ones; delete_c2c_msg_ramble (269/101439: one side's view,
at most 30 MsgKeys a call, irreversible); clear_group_msg (1047/65970: SDK users can no
longer pull history up to MsgSeq, all when absent; the admin still can).
"""

from __future__ import annotations

from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.messages import _user, check_group, check_topic, messages
from timctl.cli.messages_body import CUSTOM_FLAGS, ELEMENT_FLAGS, body_from, body_options
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import UsageError

IM = "openim/"
G = "group_open_http_svc/"
UINT32 = 4294967295
PEERS_PER_CALL = 10  # get_c2c_unread_msg_num: documented maximum of Peer_Account
KEYS_PER_CALL = 30  # delete_c2c_msg_ramble: documented maximum of MsgKeyList
UNREAD_COLUMNS = ["To_Account", "Peer_Account", "Unread", "ErrorCode"]
DELETE_COLUMNS = ["MsgKey", "Status"]


def _need(value: str | None, flag: str) -> str:
    checked = _user(value, flag)
    if checked is None:
        raise UsageError(f"{flag} is required")
    return checked


@messages.command("read")
@click.option("--user", required=True, metavar="USERID", help="The reader (Report_Account).")
@click.option("--peer", required=True, metavar="USERID", help="The conversation's other side.")
@output_options(known=["User", "Peer", "Status"])
@dry_run_option
@pass_app
def read(app: AppContext, user: str, peer: str) -> None:
    """Mark a one-to-one conversation read for --user (admin_set_msg_read). This moves the
    unread count; per-message read receipts (IsPeerRead, group read counts) are
    `messages read-receipt`.

    \b
    timctl messages read --user alice --peer bob
    """
    body = {"Report_Account": _need(user, "--user"), "Peer_Account": _need(peer, "--peer")}
    if app.call(IM + "admin_set_msg_read", body) is not None:
        app.emit({"User": user, "Peer": peer, "Status": "read"},
                 columns=["User", "Peer", "Status"])


@messages.command("unread")
@click.option("--user", required=True, metavar="USERID", help="Whose unread counts.")
@click.option("--peer", "peers", multiple=True, metavar="USERID",
              help="Only these conversations (repeatable; 10 a call, more are split).")
@output_options(known=UNREAD_COLUMNS)
@dry_run_option
@pass_app
def unread(app: AppContext, user: str, peers: tuple[str, ...]) -> None:
    """One-to-one unread counts of --user: the total, or per --peer (get_c2c_unread_msg_num).
    Peers that do not exist come back with their ErrorCode.

    \b
    timctl messages unread --user alice
    timctl messages unread --user alice --peer bob --peer carol -o json
    """
    name = IM + "get_c2c_unread_msg_num"
    base = {"To_Account": _need(user, "--user")}
    wanted = list(dict.fromkeys(_need(p, "--peer") for p in peers))
    if not wanted:
        answer = app.call(name, base)
        if answer is not None:
            app.emit({"To_Account": user, "Unread": answer.get("AllC2CUnreadMsgNum")},
                     columns=["To_Account", "Unread"])
        return
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), PEERS_PER_CALL):
        answer = app.call(name, {**base, "Peer_Account": wanted[start:start + PEERS_PER_CALL]})
        if answer is None:
            continue
        rows += [{"To_Account": user, "Peer_Account": item.get("Peer_Account"),
                  "Unread": item.get("C2CUnreadMsgNum")}
                 for item in answer.get("C2CUnreadMsgNumList") or []]
        rows += [{"To_Account": user, "Peer_Account": item.get("Peer_Account"),
                  "ErrorCode": item.get("ErrorCode")}
                 for item in answer.get("ErrorList") or []]
    if rows or not app.dry_run:
        app.emit(rows, columns=UNREAD_COLUMNS)


@messages.command("set-unread")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--member", required=True, metavar="USERID", help="The member.")
@click.option("--count", required=True, type=click.IntRange(0), metavar="N",
              help="The member's unread count (clamped to the group's messages).")
@output_options(known=["GroupId", "Member_Account", "UnreadMsgNum"])
@dry_run_option
@pass_app
def set_unread(app: AppContext, group_id: str, member: str, count: int) -> None:
    """Set a member's unread count in a group (set_unread_msg_num; documented as for
    migration only). ChatRoom and AVChatRoom groups accept it with no effect.

    \b
    timctl messages set-unread --group team-1 --member bob --count 0
    """
    body = {"GroupId": check_group(group_id), "Member_Account": _need(member, "--member"),
            "UnreadMsgNum": count}
    if app.call(G + "set_unread_msg_num", body) is not None:
        app.emit(body, columns=["GroupId", "Member_Account", "UnreadMsgNum"])


@messages.command("modify")
@click.option("--from", "sender", metavar="USERID", help="One-to-one: the sender.")
@click.option("--to", "to", metavar="USERID", help="One-to-one: the recipient.")
@click.option("--key", metavar="MSGKEY", help="One-to-one: the message's MsgKey.")
@click.option("--group", "group_id", metavar="GROUP_ID", help="Group: the group.")
@click.option("--topic", metavar="TOPIC_ID", help="Community: the message's topic.")
@click.option("--seq", type=click.IntRange(1, UINT32), metavar="MSGSEQ",
              help="Group: the message's MsgSeq.")
@body_options
@click.option("--cloud-data", metavar="TEXT", help="New CloudCustomData.")
@output_options(known=["MsgKey", "GroupId", "MsgSeq", "Status"])
@dry_run_option
@pass_app
def modify(app: AppContext, sender: str | None, to: str | None, key: str | None,
           group_id: str | None, topic: str | None, seq: int | None, cloud_data: str | None,
           **flags: Any) -> None:
    """Replace a stored message's body and/or CloudCustomData (fields not given stay):
    one-to-one by --from/--to/--key (modify_c2c_msg) or group by --group/--seq
    (modify_group_msg). The new body is checked before sending. Irreversible.

    \b
    timctl messages modify --from alice --to bob --key 1_2_1700000000 --text "fixed"
    timctl messages modify --group team-1 --seq 42 --cloud-data '{"edited":1}'
    """
    from timctl.cli.revoke import key_problem

    fields: dict[str, Any] = {}
    if any(flags.get(name) not in (None, ()) for name in
           ("body_source", *ELEMENT_FLAGS, *CUSTOM_FLAGS)):
        fields["MsgBody"] = body_from(flags)
    if cloud_data is not None:
        fields["CloudCustomData"] = cloud_data
    if not fields:
        raise UsageError("nothing to change: give body flags (--text, --body, ...) "
                         "and/or --cloud-data")
    c2c = (sender, to, key) != (None, None, None)
    if c2c == (group_id is not None or seq is not None):
        raise UsageError("give --from/--to/--key (one-to-one) or --group/--seq (group)")
    if c2c and topic is not None:
        raise UsageError("--topic is for group messages (--group/--seq)")
    if c2c:
        if key is None or not key or key_problem(key):
            raise UsageError(f"--key: {key_problem(key) if key else 'a MsgKey is required'}")
        body = {"From_Account": _need(sender, "--from"), "To_Account": _need(to, "--to"),
                "MsgKey": key, **fields}
        if app.call(IM + "modify_c2c_msg", body) is not None:
            app.emit({"MsgKey": key, "Status": "modified"}, columns=["MsgKey", "Status"])
        return
    if seq is None:
        raise UsageError("--seq is required with --group")
    gid = check_group(group_id)
    body = {"GroupId": gid, "MsgSeq": seq, **fields}
    if topic is not None:
        body["TopicId"] = check_topic(gid, topic)
    if app.call(IM + "modify_group_msg", body) is not None:
        app.emit({"GroupId": group_id, "MsgSeq": seq, "Status": "modified"},
                 columns=["GroupId", "MsgSeq", "Status"])


@messages.command("delete")
@click.option("--user", required=True, metavar="USERID",
              help="Whose view loses the messages (Operator_Account).")
@click.option("--peer", required=True, metavar="USERID", help="The conversation's other side.")
@click.argument("keys", nargs=-1, required=True, metavar="MSGKEY...")
@output_options(known=DELETE_COLUMNS)
@dry_run_option
@yes_option
@pass_app
def delete(app: AppContext, user: str, peer: str, keys: tuple[str, ...]) -> None:
    """Delete one-to-one messages from --user's side only (delete_c2c_msg_ramble; --peer
    still has them). 30 keys a call. Irreversible: asks first, or needs --yes.

    \b
    timctl messages delete --user alice --peer bob 1_2_1700000000 --yes
    """
    from timctl.cli.revoke import key_problem

    for key in keys:
        problem = key_problem(key)
        if problem:
            raise UsageError(f"{problem}: {key!r}")
    body = {"Operator_Account": _need(user, "--user"), "Peer_Account": _need(peer, "--peer")}
    unique = list(dict.fromkeys(keys))
    app.confirm(f"Delete {len(unique)} message(s) from {user}'s view of the conversation "
                f"with {peer}?")
    rows = []
    for start in range(0, len(unique), KEYS_PER_CALL):
        chunk = unique[start:start + KEYS_PER_CALL]
        if app.call(IM + "delete_c2c_msg_ramble", {**body, "MsgKeyList": chunk}) is not None:
            rows += [{"MsgKey": k, "Status": "deleted"} for k in chunk]
    if rows:
        app.emit(rows, columns=DELETE_COLUMNS)


@messages.command("clear")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--seq", type=click.IntRange(1, UINT32), metavar="MSGSEQ",
              help="Clear up to this MsgSeq (inclusive); default: all.")
@output_options(known=["GroupId", "MsgSeq", "Status"])
@dry_run_option
@yes_option
@pass_app
def clear(app: AppContext, group_id: str, seq: int | None) -> None:
    """Clear a group's history for its members (clear_group_msg): SDK users can no longer
    pull it; the admin still can (documented), so `messages history` still lists it.
    Not supported for Community groups. Asks first, or needs --yes.

    \b
    timctl messages clear --group team-1 --yes
    """
    body: dict[str, Any] = {"GroupId": check_group(group_id)}
    if seq is not None:
        body["MsgSeq"] = seq
    app.confirm(f"Clear the history of group {group_id}"
                f"{f' up to MsgSeq {seq}' if seq else ''} for its members?")
    if app.call(G + "clear_group_msg", body) is not None:
        app.emit({"GroupId": group_id, "MsgSeq": seq, "Status": "cleared"},
                 columns=["GroupId", "MsgSeq", "Status"])


# Pinned messages register on the same group from their own module.
from timctl.cli import messages_pins  # noqa: E402, F401
