"""timctl revoke c2c|group|by-sender: recall messages.

Facts: admin_msgwithdraw (1047/35015) recalls one one-to-one message by MsgKey, with no time
limit; a second recall answers 20023 (a retry after a lost answer counts it as done).
group_msg_recall (1047/34965) takes at most 10 MsgSeqs a call and answers a RetCode per
message (RecallRetList). delete_group_msg_by_sender (1047/34970) recalls a sender's messages
among the group's latest 1000. Recalled messages stay in history, flagged.

Keys and sequences come from arguments, `-f FILE` or `-` (stdin): plain values, CSV with a
MsgKey/MsgSeq column, or JSONL objects carrying MsgKey/MsgSeq, such as the lines
`timctl messages history -o jsonl` prints. A row naming another group (GroupId) or another
conversation (From_Account/To_Account) is skipped and reported, never recalled.
"""

from __future__ import annotations

import json
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.records import BadLine, Item, Reader
from timctl.errors import UsageError

WITHDRAW = "openim/admin_msgwithdraw"
RECALL = "group_open_http_svc/group_msg_recall"
BY_SENDER = "group_open_http_svc/delete_group_msg_by_sender"
MAX_MSG_KEY = 50  # documented: a MsgKey is at most 50 characters
UINT32 = 4294967295
STATUS = {"failed": "failed", "skipped": "skipped", "unknown": "unknown"}
RESULT = ["ResultCode", "ResultInfo"]
C2C_COLUMNS = ["MsgKey", "Status", *RESULT]
GROUP_COLUMNS = ["MsgSeq", "Status", *RESULT]


def seq_problem(value: str) -> str | None:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= UINT32:
        return "not a MsgSeq (an integer 1-4294967295)"
    return None


def key_problem(value: str) -> str | None:
    if len(value) > MAX_MSG_KEY:
        return f"a MsgKey is at most {MAX_MSG_KEY} characters"
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return "a MsgKey has no spaces or control characters"
    return None


class MessageReader(Reader):
    """Reader of MsgKey or MsgSeq items: a JSONL object may carry MsgSeq as a number (as
    history prints it); sequences are read as canonical integers."""

    def _json_line(self, source: str, number: int, line: str) -> Item:
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):
            return super()._json_line(source, number, line)
        value = obj.get(self.key) if isinstance(obj, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            return self._record(source, number, str(value), {**obj, self.key: str(value)},
                                line)
        return super()._json_line(source, number, line)

    def _record(self, source: str, number: int, key: str, fields: dict[str, Any],
                raw: str) -> Item:
        key = key.strip()
        check = seq_problem if self.key == "MsgSeq" else key_problem
        problem = check(key) if key else f"empty {self.key}"
        if problem:
            return BadLine(source, number, f"{problem}: {key!r}" if key else problem, raw)
        if self.key == "MsgSeq":
            key = str(int(key))
        return super()._record(source, number, key, {**fields, self.key: key}, raw)


def _same_group(group_id: str) -> Any:
    """Rows of another group's history (a JSONL/CSV GroupId) are refused, not recalled here."""
    def check(fields: dict[str, Any]) -> str | None:
        other = fields.get("GroupId")
        if other is not None and other != group_id:
            return f"a message of group {other!r}, not of {group_id!r}"
        return None

    return check


def _same_pair(sender: str, to: str) -> Any:
    """Rows of another conversation (From_Account/To_Account) are refused."""
    def check(fields: dict[str, Any]) -> str | None:
        pair = (fields.get("From_Account"), fields.get("To_Account"))
        if None not in pair and set(pair) != {sender, to}:
            return f"a message between {pair[0]!r} and {pair[1]!r}, not {sender!r} and {to!r}"
        return None

    return check


def _check_args(values: tuple[str, ...], key: str) -> None:
    """Typed arguments are a usage error when bad (file lines are skipped instead)."""
    check = seq_problem if key == "MsgSeq" else key_problem
    for position, value in enumerate(values, start=1):
        problem = check(value) if value != "-" else None
        if problem:
            raise UsageError(f"argument {position}: {problem}: {value!r}")


def _row(key: str, done: str) -> Any:
    def to_row(outcome: Any) -> dict[str, Any]:
        item = outcome.item
        status = done if outcome.status == "ok" else STATUS[outcome.status]
        value: Any = getattr(item, "key", None) or item.raw
        if key == "MsgSeq" and isinstance(value, str) and value.isdigit():
            value = int(value)
        return {key: value, "Status": status, "ResultCode": outcome.code,
                "ResultInfo": outcome.info}

    return to_row


def _what(opts: Any, values: tuple[str, ...], noun: str) -> str:
    sources = [*opts.files, *(["stdin"] if "-" in values else [])]
    return (f"the {noun}s in {', '.join(sources)}" if sources
            else f"{len(values)} {noun}(s)")


@click.group()
def revoke() -> None:
    """Recall (withdraw) messages; they stay in history, flagged as revoked."""


@revoke.command("c2c")
@click.option("--from", "sender", required=True, metavar="USERID", help="The sender.")
@click.option("--to", "to", required=True, metavar="USERID", help="The recipient.")
@click.argument("keys", nargs=-1, metavar="[MSGKEY]... [-]")
@bulk_options
@output_options(known=C2C_COLUMNS)
@dry_run_option
@yes_option
@pass_app
def c2c(app: AppContext, sender: str, to: str, keys: tuple[str, ...], **bulk: Any) -> None:
    """Recall one-to-one messages by MsgKey (one call each). Irreversible: asks first, or
    needs --yes. A message already recalled fails with 20023.

    \b
    timctl revoke c2c --from alice --to bob 12_345_1700000000 --yes
    timctl messages history --user alice --peer bob -o jsonl | \\
        timctl revoke c2c --from alice --to bob -f - --yes
    """
    from timctl.cli.messages import _user

    body = {"From_Account": _user(sender, "--from"), "To_Account": _user(to, "--to")}
    _check_args(keys, "MsgKey")
    opts = bulk_from(bulk)
    app.confirm(f"Recall {_what(opts, keys, 'message')} from {sender} to {to}?")
    reader = MessageReader("MsgKey", validate=_same_pair(sender, to))
    run_bulk(app, opts, WITHDRAW, reader, keys,
             lambda chunk: {**body, "MsgKey": chunk[0].key}, _row("MsgKey", "revoked"),
             C2C_COLUMNS)


@revoke.command("group")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--topic", metavar="TOPIC_ID", help="Community: the messages' topic.")
@click.argument("seqs", nargs=-1, metavar="[MSGSEQ]... [-]")
@click.option("--reason", help="Why (Reason, at most 100 bytes).")
@bulk_options
@output_options(known=GROUP_COLUMNS)
@dry_run_option
@yes_option
@pass_app
def group(app: AppContext, group_id: str, topic: str | None, seqs: tuple[str, ...],
          reason: str | None, **bulk: Any) -> None:
    """Recall group messages by MsgSeq, 10 per call, with a result per message.
    Irreversible: asks first, or needs --yes.

    \b
    timctl revoke group --group team-1 41 42 --yes
    timctl messages history --group team-1 -o jsonl --query "[?From_Account=='spam']" \\
        | timctl revoke group --group team-1 -f - --yes
    """
    from timctl.cli.messages import check_group, check_topic

    gid = check_group(group_id)
    extra: dict[str, Any] = {"TopicId": check_topic(gid, topic)} if topic else {}
    if reason is not None:
        if len(reason.encode("utf-8")) > 100:
            raise UsageError("--reason: at most 100 bytes (UTF-8)")
        extra["Reason"] = reason
    _check_args(seqs, "MsgSeq")
    opts = bulk_from(bulk)
    app.confirm(f"Recall {_what(opts, seqs, 'message')} of group {gid}?")

    def build(chunk: list[Any]) -> dict[str, Any]:
        return {"GroupId": gid, "MsgSeqList": [{"MsgSeq": int(r.key)} for r in chunk],
                **extra}

    run_bulk(app, opts, RECALL, MessageReader("MsgSeq", validate=_same_group(gid)), seqs, build,
             _row("MsgSeq", "revoked"), GROUP_COLUMNS)


@revoke.command("by-sender")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--topic", metavar="TOPIC_ID", help="Community: only this topic.")
@click.option("--user", "user", required=True, metavar="USERID", help="The sender.")
@output_options(known=["GroupId", "Sender_Account", "Status"])
@dry_run_option
@yes_option
@pass_app
def by_sender(app: AppContext, group_id: str, topic: str | None, user: str) -> None:
    """Recall every message USER sent among the group's latest 1000 (quietly: clients see it
    when they pull history). Irreversible: asks first, or needs --yes."""
    from timctl.cli.messages import _user, check_group, check_topic

    gid = check_group(group_id)
    body = {"GroupId": gid, **({"TopicId": check_topic(gid, topic)} if topic else {})}
    sender = _user(user, "--user")
    app.confirm(f"Recall every message of {user} among the latest 1000 of group {gid}?")
    answer = app.call(BY_SENDER, {**body, "Sender_Account": sender})
    if answer is not None:
        app.emit({"GroupId": gid, "Sender_Account": sender, "Status": "revoked"},
                 columns=["GroupId", "Sender_Account", "Status"])
