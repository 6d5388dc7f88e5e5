"""timctl messages read-receipt|receipts|receipt-detail: per-message read receipts.

`messages read` marks a whole one-to-one conversation read (no receipts); receipts are per
message and only for messages sent with `--need-receipt`.

Facts: group_msg_receipt (269/107478: From_Account, MsgSeqList at most 50 a call; groups of
at most 200 members, 10060; 10062 no receipt info), get_group_msg_receipt (1047/49439:
ReadNum/UnreadNum per MsgSeq, Code 10062 for a message without receipt info),
get_group_msg_receipt_detail (1047/49438: Filter 0 readers / 1 non-readers, Cursor "" then the
one returned, Count at most 200, until IsFinished 1); Work/Public/Meeting groups only
(Ultimate). c2c_msg_read_receipt (269/104121): Operator_Account reads messages Peer_Account
sent it, named by MsgKey.
"""

from __future__ import annotations

from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.listing import limit_option
from timctl.cli.messages import _user, check_group, messages
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError

G = "group_open_http_svc/"
C2C_RECEIPT = "openim/c2c_msg_read_receipt"
UINT32 = 4294967295
SEQS_PER_CALL = 50  # group_msg_receipt: documented maximum of MsgSeqList
KEYS_PER_CALL = 100  # c2c_msg_read_receipt: no maximum documented; a modest batch
COUNTS_PER_CALL = 100  # get_group_msg_receipt: no maximum documented; a modest batch
DETAIL_PAGE = 200  # get_group_msg_receipt_detail: documented maximum of Count
RECEIPT_COLUMNS = ["GroupId", "Peer", "MsgSeq", "MsgKey", "User", "Status"]
COUNT_COLUMNS = ["GroupId", "MsgSeq", "Read", "Unread", "Code"]
DETAIL_COLUMNS = ["GroupId", "MsgSeq", "UserID", "Read"]


def _seq_list(values: tuple[str, ...]) -> list[int]:
    seqs = []
    for value in values:
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= UINT32:
            raise UsageError(f"MSGSEQ: {value!r} is not a message sequence number "
                             f"(1..{UINT32})")
        seqs.append(int(text))
    return list(dict.fromkeys(seqs))


def _key_list(values: tuple[str, ...]) -> list[str]:
    keys = []
    for value in values:
        parts = value.split("_")
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
            raise UsageError(f"MSGKEY: {value!r} is not a MsgKey (MsgSeq_MsgRandom_MsgTime)")
        keys.append(value)
    return list(dict.fromkeys(keys))


@messages.command("read-receipt")
@click.option("--user", required=True, metavar="USERID",
              help="The reader sending the receipts.")
@click.option("--group", "group_id", metavar="GROUP_ID",
              help="Group messages: the group (give MSGSEQs).")
@click.option("--peer", metavar="USERID",
              help="One-to-one messages: the sender of the messages (give MSGKEYs).")
@click.argument("messages_", metavar="MSGSEQ|MSGKEY...", nargs=-1, required=True)
@output_options(known=RECEIPT_COLUMNS)
@dry_run_option
@pass_app
def read_receipt(app: AppContext, user: str, group_id: str | None, peer: str | None,
                 messages_: tuple[str, ...]) -> None:
    """Send read receipts from --user for messages sent with --need-receipt: group
    messages by MsgSeq (--group; 50 a call, groups of at most 200 members) or one-to-one
    messages --peer sent to --user, by MsgKey. Unlike `messages read`, which marks a whole
    conversation read, receipts are per message and show in `messages receipts`.

    \b
    timctl messages read-receipt --user bob --group team-1 41 42
    timctl messages read-receipt --user bob --peer alice 1467329515_5675354_1708676941
    """
    if (group_id is None) == (peer is None):
        raise UsageError("give exactly one of --group GROUP_ID (MSGSEQs) and --peer USERID "
                         "(MSGKEYs)")
    reader = _user(user, "--user")
    rows: list[dict[str, Any]] = []
    if group_id is not None:
        gid = check_group(group_id)
        seqs = _seq_list(messages_)
        for start in range(0, len(seqs), SEQS_PER_CALL):
            chunk = seqs[start:start + SEQS_PER_CALL]
            body = {"GroupId": gid, "From_Account": reader,
                    "MsgSeqList": [{"MsgSeq": s} for s in chunk]}
            if app.call(G + "group_msg_receipt", body) is not None:
                rows += [{"GroupId": gid, "MsgSeq": s, "User": reader, "Status": "read"}
                         for s in chunk]
        if rows:
            app.emit(rows, columns=["GroupId", "MsgSeq", "User", "Status"])
        return
    sender = _user(peer, "--peer")
    keys = _key_list(messages_)
    for start in range(0, len(keys), KEYS_PER_CALL):
        part = keys[start:start + KEYS_PER_CALL]
        c2c: dict[str, Any] = {"Operator_Account": reader, "Peer_Account": sender,
                "C2CMsgInfo": [{"From_Account": sender, "To_Account": reader, "MsgKey": k}
                               for k in part]}
        if app.call(C2C_RECEIPT, c2c) is not None:
            rows += [{"Peer": sender, "MsgKey": k, "User": reader, "Status": "read"}
                     for k in part]
    if rows:
        app.emit(rows, columns=["Peer", "MsgKey", "User", "Status"])


@messages.command("receipts")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.argument("seqs", metavar="MSGSEQ...", nargs=-1, required=True)
@output_options(known=COUNT_COLUMNS)
@dry_run_option
@pass_app
def receipts(app: AppContext, group_id: str, seqs: tuple[str, ...]) -> None:
    """Read and unread counts of group messages sent with --need-receipt
    (get_group_msg_receipt). A message without receipt info comes back with Code 10062.

    \b
    timctl messages receipts --group team-1 41 42 -o json
    """
    gid = check_group(group_id)
    wanted = _seq_list(seqs)
    rows: list[dict[str, Any]] = []
    for start in range(0, len(wanted), COUNTS_PER_CALL):
        body = {"GroupId": gid, "MsgSeqList": [{"MsgSeq": s}
                                               for s in wanted[start:start + COUNTS_PER_CALL]]}
        answer = app.call(G + "get_group_msg_receipt", body)
        if answer is None:
            continue
        for item in answer.get("GroupMsgReceiptList") or []:
            row = {"GroupId": gid, "MsgSeq": item.get("MsgSeq"), "Read": item.get("ReadNum"),
                   "Unread": item.get("UnreadNum"), "Code": item.get("Code", 0)}
            rows.append(row)
    if app.dry_run:
        return
    app.emit(rows, columns=COUNT_COLUMNS)
    if any(r["Code"] for r in rows):
        app.log("timctl: Code 10062: no receipt info (not stored, or sent without "
                "--need-receipt)")


@messages.command("receipt-detail")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--seq", required=True, type=click.IntRange(1, UINT32), metavar="MSGSEQ",
              help="The message.")
@click.option("--read", "which", flag_value="read", help="Only members who read it.")
@click.option("--unread", "which", flag_value="unread", help="Only members who did not.")
@limit_option()
@output_options(known=DETAIL_COLUMNS)
@dry_run_option
@pass_app
def receipt_detail(app: AppContext, group_id: str, seq: int, which: str | None,
                   limit: int | None) -> None:
    """Who read a group message and who did not (get_group_msg_receipt_detail), paged
    through with the server's cursor: readers first, then non-readers (or only --read /
    --unread). The message must have been sent with --need-receipt.

    \b
    timctl messages receipt-detail --group team-1 --seq 42
    timctl messages receipt-detail --group team-1 --seq 42 --unread -o jsonl
    """
    gid = check_group(group_id)
    filters = {"read": [0], "unread": [1]}.get(which or "", [0, 1])
    name = G + "get_group_msg_receipt_detail"
    bodies = [{"GroupId": gid, "MsgSeq": seq, "Filter": f, "Cursor": "",
               "Count": min(DETAIL_PAGE, limit or DETAIL_PAGE)} for f in filters]
    if app.dry_run:
        for body in bodies:
            app.call(name, body)
        return
    from timctl.rest import paging

    rows: list[dict[str, Any]] = []
    for body in bodies:
        for item in paging.items(app.client(), name, body, limit):
            if limit is not None and len(rows) >= limit:
                break
            if not isinstance(item, dict):
                continue
            user = item.get("Read_Account", item.get("Unread_Account"))
            rows.append({"GroupId": gid, "MsgSeq": seq, "UserID": user,
                         "Read": body["Filter"] == 0})
    app.emit(rows[:limit] if limit is not None else rows, columns=DETAIL_COLUMNS)
