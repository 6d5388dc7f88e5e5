"""timctl messages ext get|set|delete|clear: key-value extensions of a message.

Facts: set_key_values / get_key_values (1047/51195, 51194) for one-to-one messages named by
sender, recipient and MsgKey; group_set_key_values / group_get_key_values (1047/52170, 52169)
for group messages named by GroupId and MsgSeq (not AVChatRoom, not Community). Ultimate
edition (10008); the message must have been sent with SupportMessageExtension 1 (`messages
send --extensible`; 23002 otherwise); OperateType 1 set / 2 delete / 3 clear; at most 20
pairs a request, Key up to 100 bytes, Value up to 1000 bytes, 300 pairs a message, 200
writes a minute a message (23003); every write gives its keys the message's next Seq; get
pages by StartSeq (200 pairs a page) until CompleteFlag 1.
"""

from __future__ import annotations

from typing import Any

import click

from timctl import exit_codes
from timctl.cli.context import AppContext
from timctl.cli.messages import _user, check_group, messages
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import TimError, UsageError

EXT = "openim_msg_ext_http_svc/"
UINT32 = 4294967295
PER_CALL = 20  # documented pairs per request
MAX_PAIRS = 300  # documented pairs per message
KEY_BYTES, VALUE_BYTES = 100, 1000
COLUMNS = ["Key", "Value", "Seq", "ErrorCode"]


@messages.group("ext")
def ext() -> None:
    """Key-value extensions of a message sent with --extensible (Ultimate edition).

    Name the message by --group GROUP_ID --seq MSGSEQ, or by --to USERID --key MSGKEY
    (one-to-one; --from the sender, default the admin).
    """


def _target(f: Any) -> Any:
    for option in reversed([
        click.option("--group", "group_id", metavar="GROUP_ID", help="Group message: the group."),
        click.option("--seq", type=click.IntRange(1, UINT32), metavar="MSGSEQ",
                     help="Group message: its MsgSeq."),
        click.option("--from", "sender", metavar="USERID",
                     help="One-to-one message: its sender (default: the admin)."),
        click.option("--to", "to", metavar="USERID", help="One-to-one message: its recipient."),
        click.option("--key", "msg_key", metavar="MSGKEY", help="One-to-one message: its MsgKey."),
    ]):
        f = option(f)
    return f


def _message(group_id: str | None, seq: int | None, sender: str | None, to: str | None,
             msg_key: str | None) -> tuple[str, dict[str, Any]]:
    """("" for one-to-one or "group_", the fields naming the message)."""
    if group_id is not None or seq is not None:
        if sender or to or msg_key:
            raise UsageError("name a group message (--group, --seq) or a one-to-one message "
                             "(--to, --key, --from), not both")
        if group_id is None or seq is None:
            raise UsageError("a group message needs both --group and --seq")
        return "group_", {"GroupId": check_group(group_id), "MsgSeq": seq}
    if to is None or not msg_key:
        raise UsageError("name the message: --group GROUP_ID --seq MSGSEQ, or --to USERID "
                         "--key MSGKEY [--from USERID]")
    parts = msg_key.split("_")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        raise UsageError(f"--key: {msg_key!r} is not a MsgKey (MsgSeq_MsgRandom_MsgTime)")
    body: dict[str, Any] = {}
    if sender is not None:
        body["From_Account"] = _user(sender, "--from")
    body.update({"To_Account": _user(to, "--to"), "MsgKey": msg_key})
    return "", body


def _key(key: str) -> str:
    if not key or len(key.encode()) > KEY_BYTES:
        raise UsageError(f"key {key!r}: 1 to {KEY_BYTES} bytes")
    return key


def _results(app: AppContext, answer: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for item in (answer or {}).get("ExtensionList") or []:
        found = item.get("Extension") or {}
        rows.append({"Key": found.get("Key"), "Value": found.get("Value"),
                     "Seq": found.get("Seq"), "ErrorCode": item.get("ErrorCode", 0)})
    return rows


def _write(app: AppContext, prefix: str, body: dict[str, Any], op: int,
           pairs: list[dict[str, Any]]) -> None:
    rows: list[dict[str, Any]] = []
    for start in range(0, len(pairs), PER_CALL):
        answer = app.call(EXT + prefix + "set_key_values",
                          {**body, "OperateType": op,
                           "ExtensionList": pairs[start:start + PER_CALL]})
        rows += _results(app, answer)
    if app.dry_run:
        return
    app.emit(rows, columns=COLUMNS)
    failed = [r for r in rows if r["ErrorCode"]]
    if failed:
        code = exit_codes.API if len(failed) == len(rows) else exit_codes.PARTIAL
        raise TimError(f"{len(failed)} of {len(rows)} keys failed (ErrorCode "
                       f"{failed[0]['ErrorCode']})", exit_code=code)


@ext.command("get")
@_target
@click.option("--since-seq", type=click.IntRange(0), metavar="SEQ",
              help="Only pairs written at or after this Seq (StartSeq).")
@output_options(known=["Key", "Value", "Seq"])
@dry_run_option
@pass_app
def get(app: AppContext, group_id: str | None, seq: int | None, sender: str | None,
        to: str | None, msg_key: str | None, since_seq: int | None) -> None:
    """A message's key-value pairs, oldest Seq first, every page.

    \b
    timctl messages ext get --group team-1 --seq 42
    timctl messages ext get --from alice --to bob --key 1467329515_5675354_1708676941
    """
    prefix, body = _message(group_id, seq, sender, to, msg_key)
    if since_seq:
        body["StartSeq"] = since_seq
    name = EXT + prefix + "get_key_values"
    if app.dry_run:
        app.call(name, body)
        return
    from timctl.rest import paging

    rows = [{"Key": i.get("Key"), "Value": i.get("Value"), "Seq": i.get("Seq")}
            for i in paging.items(app.client(), name, body) if isinstance(i, dict)]
    app.emit(rows, columns=["Key", "Value", "Seq"])


@ext.command("set")
@_target
@click.argument("pairs", metavar="KEY=VALUE...", nargs=-1, required=True)
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def set_(app: AppContext, group_id: str | None, seq: int | None, sender: str | None,
         to: str | None, msg_key: str | None, pairs: tuple[str, ...]) -> None:
    """Set key-value pairs (20 a call; a message holds at most 300). Each write gives its
    keys the message's next Seq.

    \b
    timctl messages ext set --group team-1 --seq 42 votes=3 status=open
    """
    prefix, body = _message(group_id, seq, sender, to, msg_key)
    items: dict[str, str] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq:
            raise UsageError(f"{pair!r}: give KEY=VALUE")
        if len(value.encode()) > VALUE_BYTES:
            raise UsageError(f"key {key!r}: the value is over {VALUE_BYTES} bytes")
        items[_key(key)] = value
    if len(items) > MAX_PAIRS:
        raise UsageError(f"a message holds at most {MAX_PAIRS} pairs ({len(items)} given)")
    # Seq 0: the admin's writes are not version-checked (documented)
    _write(app, prefix, body, 1, [{"Key": k, "Value": v, "Seq": 0} for k, v in items.items()])


@ext.command("delete")
@_target
@click.argument("keys", metavar="KEY...", nargs=-1, required=True)
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def delete(app: AppContext, group_id: str | None, seq: int | None, sender: str | None,
           to: str | None, msg_key: str | None, keys: tuple[str, ...]) -> None:
    """Delete keys of a message (20 a call).

    \b
    timctl messages ext delete --group team-1 --seq 42 status
    """
    prefix, body = _message(group_id, seq, sender, to, msg_key)
    wanted = list(dict.fromkeys(_key(k) for k in keys))
    _write(app, prefix, body, 2, [{"Key": k, "Value": "", "Seq": 0} for k in wanted])


@ext.command("clear")
@_target
@output_options(known=["Status"])
@yes_option
@dry_run_option
@pass_app
def clear(app: AppContext, group_id: str | None, seq: int | None, sender: str | None,
          to: str | None, msg_key: str | None) -> None:
    """Remove every key-value pair of a message (asks first; --yes when not on a terminal).

    \b
    timctl messages ext clear --group team-1 --seq 42 --yes
    """
    prefix, body = _message(group_id, seq, sender, to, msg_key)
    app.confirm("Remove every key-value pair of this message?")
    if app.call(EXT + prefix + "set_key_values", {**body, "OperateType": 3}) is not None:
        app.emit({"Status": "cleared"}, columns=["Status"])
