"""timctl messages history: one-to-one (admin_getroammsg) and group (group_msg_get_simple).

Facts: admin_getroammsg (1047/35478) takes the viewpoint user and the peer, MaxCnt, MinTime
and MaxTime (Unix s) and pages backwards: next MaxTime = LastMsgTime with LastMsgKey, until
Complete == 1; recalled messages come back with MsgFlagBits 8. group_msg_get_simple
(1047/34971) pages backwards by MsgSeq, at most 20 a call, newest first; a recalled message is
only returned with WithRecalledMsg=1 and then says IsPlaceMsg 2 (1: a hole, deleted/expired).
Both walks go through timctl.rest.paging; `--limit` stops early and asks for nothing more.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.listing import limit_option
from timctl.cli.messages import _user, check_group, check_topic, iso, messages
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError

ROAM = "openim/admin_getroammsg"
GROUP_HISTORY = "group_open_http_svc/group_msg_get_simple"
C2C_PAGE = 100  # MaxCnt per call: no documented maximum (answers are also cut near 13 KB)
RECALLED_FLAG = 8  # MsgFlagBits bit of a recalled one-to-one message
PLACE = {1: "deleted", 2: "revoked"}  # IsPlaceMsg of group history
UINT32 = 4294967295
UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
C2C_COLUMNS = ["MsgKey", "From_Account", "To_Account", "Time", "Elements", "Revoked"]
GROUP_COLUMNS = ["MsgSeq", "From_Account", "Time", "Elements", "Revoked", "Deleted"]
KNOWN = sorted({*C2C_COLUMNS, *GROUP_COLUMNS, "MsgSeq", "MsgRandom", "MsgTimeStamp",
                "MsgFlagBits", "MsgBody", "CloudCustomData", "IsPeerRead", "IsPlaceMsg",
                "IsSystemMsg", "MsgPriority", "GroupId", "TopicId"})


class When(click.ParamType):
    """A point in time: Unix seconds, ISO 8601 (2026-11-01, 2026-11-01T08:00:00Z), or a
    duration ago (30m, 2h, 7d, 1w)."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text.isascii() and text.isdigit():
            seconds = int(text)
        elif re.fullmatch(r"(\d+[wdhms])+", text.lower()):
            ago = sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)([wdhms])", text.lower()))
            seconds = int(time.time()) - ago
        else:
            try:
                when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                self.fail(f"{value!r} is not a time: use Unix seconds, ISO 8601 "
                          "(2026-11-01T08:00:00Z) or a duration ago (2h, 7d)", param, ctx)
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            seconds = int(when.timestamp())
        if not 0 <= seconds <= UINT32:
            self.fail(f"{value!r} is out of range", param, ctx)
        return seconds


def elements_text(body: Any) -> str:
    """A message's elements as one compact line for tables."""
    if not isinstance(body, list):
        return ""
    parts = []
    for elem in body:
        if not isinstance(elem, dict):
            continue
        kind, c = elem.get("MsgType"), elem.get("MsgContent") or {}
        if not isinstance(c, dict):
            c = {}
        if kind == "TIMTextElem":
            parts.append(str(c.get("Text", "")))
        elif kind == "TIMCustomElem":
            parts.append(f"[custom] {c.get('Data') or c.get('Desc') or ''}".rstrip())
        elif kind == "TIMImageElem":
            infos = c.get("ImageInfoArray") or [{}]
            url = infos[0].get("URL", "") if isinstance(infos[0], dict) else ""
            parts.append(f"[image] {url}".rstrip())
        elif kind == "TIMFileElem":
            parts.append(f"[file] {c.get('FileName') or c.get('Url') or ''}".rstrip())
        elif kind == "TIMSoundElem":
            parts.append(f"[sound] {c.get('Url', '')}".rstrip())
        elif kind == "TIMVideoFileElem":
            parts.append(f"[video] {c.get('VideoUrl', '')}".rstrip())
        elif kind == "TIMLocationElem":
            where = f"{c.get('Latitude')},{c.get('Longitude')} {c.get('Desc') or ''}"
            parts.append(f"[location] {where}".rstrip())
        elif kind == "TIMFaceElem":
            parts.append(f"[face {c.get('Index')}]")
        else:
            parts.append(f"[{kind}]")
    return " ".join(p for p in parts if p)


def c2c_row(msg: dict[str, Any]) -> dict[str, Any]:
    flags = msg.get("MsgFlagBits")
    revoked = isinstance(flags, int) and bool(flags & RECALLED_FLAG)
    return {**msg, "Time": iso(msg.get("MsgTimeStamp")),
            "Elements": elements_text(msg.get("MsgBody")), "Revoked": revoked}


def group_row(group_id: str, msg: dict[str, Any]) -> dict[str, Any]:
    place = msg.get("IsPlaceMsg")
    return {"GroupId": group_id, **msg, "Time": iso(msg.get("MsgTimeStamp")),
            "Elements": elements_text(msg.get("MsgBody")), "Revoked": place == 2,
            "Deleted": place == 1}


def emit_rows(app: AppContext, rows: Iterable[dict[str, Any]], columns: list[str]) -> None:
    """jsonl (without --query) streams a line per message as pages arrive; the other
    formats gather every page first."""
    if app.output_format() == "jsonl" and not app.query:
        wanted = app.field_list()
        for row in rows:
            if wanted:
                row = {k: row.get(k) for k in wanted}
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return
    app.emit(list(rows), columns=columns)


@messages.command("history")
@click.option("--user", metavar="USERID", help="One-to-one: whose view of the conversation.")
@click.option("--peer", metavar="USERID", help="One-to-one: the other side.")
@click.option("--since", type=When(), help="One-to-one: from this time (default: the start).")
@click.option("--until", type=When(), help="One-to-one: up to this time (default: now).")
@click.option("--group", "group_id", metavar="GROUP_ID", help="Group: the group.")
@click.option("--topic", metavar="TOPIC_ID", help="Community: this topic's history.")
@click.option("--since-seq", type=click.IntRange(1, UINT32), metavar="SEQ",
              help="Group: down to this MsgSeq.")
@click.option("--until-seq", type=click.IntRange(1, UINT32), metavar="SEQ",
              help="Group: from this MsgSeq down (default: the newest).")
@click.option("--with-recalled", is_flag=True,
              help="Group: include revoked messages (flagged Revoked).")
@limit_option()
@output_options(known=KNOWN)
@dry_run_option
@pass_app
def history(app: AppContext, user: str | None, peer: str | None, since: int | None,
            until: int | None, group_id: str | None, topic: str | None,
            since_seq: int | None,
            until_seq: int | None, with_recalled: bool, limit: int | None) -> None:
    """A conversation's messages, paged backwards through to the end (or --limit):
    key or sequence, sender, time, elements, and whether each was revoked.

    \b
    timctl messages history --user alice --peer bob --since 7d
    timctl messages history --group team-1 --with-recalled -o jsonl
    timctl messages history --group team-1 -o jsonl --query "[?From_Account=='spam']" \\
        | timctl revoke group --group team-1 -f - --yes
    """
    one_to_one = user is not None or peer is not None
    if one_to_one == (group_id is not None):
        raise UsageError("give --user and --peer (one-to-one) or --group (group history)")
    if one_to_one:
        if user is None or peer is None:
            raise UsageError("one-to-one history needs both --user and --peer")
        misplaced = [f for f, v in (("--since-seq", since_seq), ("--until-seq", until_seq),
                                    ("--with-recalled", with_recalled), ("--topic", topic))
                     if v]
        if misplaced:
            raise UsageError(f"{misplaced[0]} is for group history (--group)")
        start = since or 0
        end = until if until is not None else int(time.time()) + 86400  # a skewed clock
        if start > end:
            raise UsageError("--since is after --until")
        body = {"Operator_Account": _user(user, "--user"), "Peer_Account": _user(peer, "--peer"),
                "MaxCnt": min(C2C_PAGE, limit or C2C_PAGE), "MinTime": start, "MaxTime": end}
        if app.dry_run:
            app.call(ROAM, body)
            return
        emit_rows(app, (c2c_row(m) for m in _walk(app, ROAM, body, limit)), C2C_COLUMNS)
        return
    if since is not None or until is not None:
        raise UsageError("--since/--until are for one-to-one history; groups use "
                         "--since-seq/--until-seq")
    if since_seq and until_seq and since_seq > until_seq:
        raise UsageError("--since-seq is above --until-seq")
    gid = check_group(group_id)
    body = {"GroupId": gid}
    if topic is not None:
        body["TopicId"] = check_topic(gid, topic)
    if until_seq:
        body["ReqMsgSeq"] = until_seq
    if with_recalled:
        body["WithRecalledMsg"] = 1
    if app.dry_run:
        from timctl import endpoints
        from timctl.rest.paging import first_request

        ep = endpoints.get(GROUP_HISTORY)
        assert ep is not None
        app.call(GROUP_HISTORY, first_request(ep, body, limit))
        return
    rows = _down_to(_walk(app, GROUP_HISTORY, body, limit), since_seq, limit)
    extra = {"TopicId": topic} if topic else {}
    emit_rows(app, ({**group_row(gid, m), **extra} for m in rows), GROUP_COLUMNS)


def _walk(app: AppContext, endpoint: str, body: dict[str, Any],
          limit: int | None) -> Iterator[dict[str, Any]]:
    from timctl.rest import paging

    for item in paging.items(app.client(), endpoint, body, limit):
        if isinstance(item, dict):
            yield item


def _down_to(items: Iterator[dict[str, Any]], since_seq: int | None,
             limit: int | None) -> Iterator[dict[str, Any]]:
    """Group messages newest first, stopping below `since_seq` or after `limit` (no further
    page is asked for once either is reached)."""
    for count, msg in enumerate(items, start=1):
        seq = msg.get("MsgSeq")
        if since_seq and isinstance(seq, int) and seq < since_seq:
            return
        yield msg
        if limit is not None and count >= limit:
            return
