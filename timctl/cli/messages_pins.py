"""timctl messages pin|unpin|pins: pinned group messages.

Facts: pin_message (269/133874: at most 10 pins a group, 10070; already pinned 10071;
Pinner_Account defaults to the admin), unpin_message (269/134119; UnPinner_Account),
get_pinned_messages (269/134120: PinnedMsgList of MsgSeq and Pinner_Account, newest pin
first). AVChatRoom groups have no pins; Community groups pin per topic (TopicId).
"""

from __future__ import annotations

from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.messages import _user, check_group, messages
from timctl.cli.options import dry_run_option, output_options, pass_app

G = "group_open_http_svc/"
UINT32 = 4294967295
COLUMNS = ["GroupId", "MsgSeq", "Pinner_Account", "Status"]


def _body(group_id: str, topic: str | None, seq: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"GroupId": check_group(group_id)}
    if topic:
        body["TopicId"] = topic
    if seq is not None:
        body["MsgSeq"] = seq
    return body


def _common(f: Any) -> Any:
    f = click.option("--topic", metavar="TOPIC_ID", help="Community: the topic.")(f)
    return click.option("--group", "group_id", required=True, metavar="GROUP_ID",
                        help="The group.")(f)


@messages.command("pin")
@_common
@click.option("--seq", required=True, type=click.IntRange(1, UINT32), metavar="MSGSEQ",
              help="The message to pin.")
@click.option("--by", metavar="USERID", help="Pin as this account (default: the admin).")
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def pin(app: AppContext, group_id: str, topic: str | None, seq: int, by: str | None) -> None:
    """Pin a group message (at most 10 pins a group).

    \b
    timctl messages pin --group team-1 --seq 42 --by alice
    """
    body = _body(group_id, topic, seq)
    if by is not None:
        body["Pinner_Account"] = _user(by, "--by")
    if app.call(G + "pin_message", body) is not None:
        app.emit({"GroupId": group_id, "MsgSeq": seq, "Status": "pinned"},
                 columns=["GroupId", "MsgSeq", "Status"])


@messages.command("unpin")
@_common
@click.option("--seq", required=True, type=click.IntRange(1, UINT32), metavar="MSGSEQ",
              help="The pinned message.")
@click.option("--by", metavar="USERID", help="Unpin as this account (default: the admin).")
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def unpin(app: AppContext, group_id: str, topic: str | None, seq: int,
          by: str | None) -> None:
    """Unpin a pinned group message.

    \b
    timctl messages unpin --group team-1 --seq 42
    """
    body = _body(group_id, topic, seq)
    if by is not None:
        body["UnPinner_Account"] = _user(by, "--by")
    if app.call(G + "unpin_message", body) is not None:
        app.emit({"GroupId": group_id, "MsgSeq": seq, "Status": "unpinned"},
                 columns=["GroupId", "MsgSeq", "Status"])


@messages.command("pins")
@_common
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def pins(app: AppContext, group_id: str, topic: str | None) -> None:
    """List a group's pinned messages, the newest pin first.

    \b
    timctl messages pins --group team-1 -o json
    """
    answer = app.call(G + "get_pinned_messages", _body(group_id, topic))
    if answer is not None:
        app.emit([{"GroupId": group_id, "MsgSeq": p.get("MsgSeq"),
                   "Pinner_Account": p.get("Pinner_Account")}
                  for p in answer.get("PinnedMsgList") or []],
                 columns=["GroupId", "MsgSeq", "Pinner_Account"])
