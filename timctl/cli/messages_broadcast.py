"""timctl messages broadcast | notify | broadcast-live: one message to many.

Facts: batchsendmsg (1047/34920, 269/1612): up to 500 To_Account per call, metered at 12,000
recipients a minute (and 200 calls/s); recipients that failed come back in ErrorList
(To_Account + ErrorCode), the others succeeded; MsgRandom/MsgSeq dedup a repeat from the
same sender with the same content for 120 s (269/2282).
send_group_system_notification (1047/34958): Content (opaque string) to every member, or to
ToMembers_Account (at most 500; not for AVChatRoom); online members only, never stored; no
duplicate check. send_broadcast_msg: every AVChatRoom of the app, 1 call/s, Random dedup 5 min.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.messages import MAX_LIFETIME, _user, check_group, messages
from timctl.cli.messages_body import body_from, body_options, message_fields, message_options
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.cli.records import Reader
from timctl.errors import UsageError

BATCHSEND = "openim/batchsendmsg"
NOTIFY = "group_open_http_svc/send_group_system_notification"
BROADCAST_LIVE = "group_open_http_svc/send_broadcast_msg"
DEDUP_WINDOW = 120  # seconds: batchsendmsg drops a repeat within this window (documented)
NOTIFY_MAX = 500  # ToMembers_Account per call (documented)
UINT32 = 2**32
COLUMNS = ["To_Account", "Status", "ErrorCode", "ErrorInfo"]
STATUS = {"ok": "sent", "failed": "failed", "skipped": "skipped", "unknown": "unknown"}


def chunk_dedup(key: str | None, recipients: list[str]) -> tuple[int, int]:
    """(MsgSeq, MsgRandom) of the chunk sending to `recipients`. With an idempotency key they
    come from SHA-256(key, the chunk's recipients): the same run of the same input sends the
    same values, so the server drops what it already delivered. Without one they are random,
    drawn once per chunk: the runner re-sends a chunk's very body in every retry and later
    round, so nothing needs remembering here."""
    if key is None:
        return secrets.randbelow(UINT32 - 1) + 1, secrets.randbelow(UINT32 - 1) + 1
    joined = "\n".join(recipients)
    digest = hashlib.sha256(f"timctl-broadcast\0{key}\0{joined}".encode()).digest()
    # 0 means "draw one for me" to the server: keep both in 1..2^32-1
    seq, rnd = (int.from_bytes(digest[i:i + 4], "big") % (UINT32 - 1) + 1 for i in (0, 4))
    return seq, rnd


@messages.command("broadcast")
@click.argument("recipients", nargs=-1, metavar="[USERID]... [-]")
@click.option("--from", "sender", metavar="USERID",
              help="Send on behalf of this account (default: the admin).")
@body_options
@message_options
@click.option("--sync/--no-sync", "sync", default=None,
              help="Sync to the sender's devices and roaming, or not (SyncOtherMachine 1/2).")
@click.option("--lifetime", type=click.IntRange(0, MAX_LIFETIME), metavar="SECONDS",
              help="Offline retention, at most 604800 (7 days); 0 = online only, not stored.")
@click.option("--idempotency-key", "idem_key", metavar="KEY",
              help="Derive each chunk's MsgSeq/MsgRandom from KEY and the chunk's recipients, "
                   "so running the same command again within 120 s sends nothing twice (the "
                   "server's duplicate window). After 120 s a rerun sends again.")
@bulk_options
@output_options(known=COLUMNS)
@dry_run_option
@pass_app
def broadcast(app: AppContext, recipients: tuple[str, ...], sender: str | None,
              sync: bool | None, lifetime: int | None, idem_key: str | None,
              **flags: Any) -> None:
    """Send one one-to-one message to many users (batchsendmsg): 500 recipients per call,
    paced at the documented 12,000 recipients a minute; a result per recipient, from the
    answer's ErrorList (an account never imported fails, 70107).

    Recipients come from arguments, -f FILE or - (stdin): one UserID a line, CSV with a
    UserID column, or JSONL objects with UserID. --failures writes the failed ones back out
    in the input's format; --checkpoint resumes a killed run without re-sending finished
    chunks (and, without --idempotency-key, keys MsgRandom to the checkpoint file, so a chunk
    the killed run had started is dropped as a repeat if resumed within 120 s). A retry
    after a lost answer carries the same MsgRandom: never delivered twice.

    \b
    timctl messages broadcast -f users.txt --text "Maintenance at 22:00" --no-unread
    timctl messages broadcast -f users.csv --body @news.json --failures failed.csv
    timctl messages broadcast -f all.txt --text "Daily digest" --idempotency-key digest-0601
    """
    bulk = bulk_from(flags)
    fields = message_fields(flags)  # a bad body stops here: exit 2, nothing sent
    if idem_key is not None and not idem_key:
        raise UsageError("--idempotency-key: give a non-empty key")
    base: dict[str, Any] = {}
    if sender is not None:
        base["From_Account"] = _user(sender, "--from")
    if sync is not None:
        base["SyncOtherMachine"] = 1 if sync else 2
    if lifetime is not None:
        base["MsgLifeTime"] = lifetime
    base.update(fields)
    if idem_key is None and bulk.checkpoint:
        # a chunk started by a killed run may have been delivered; the resumed run sends it
        # again, and only the same MsgSeq/MsgRandom (within 120 s) keeps it single
        import os

        idem_key = "checkpoint:" + os.path.realpath(bulk.checkpoint)

    def build(chunk: list[Any]) -> dict[str, Any]:
        to = [r.key for r in chunk]
        seq, rnd = chunk_dedup(idem_key, to)
        return {**base, "To_Account": to, "MsgSeq": seq, "MsgRandom": rnd}

    def to_row(outcome: Any) -> dict[str, Any]:
        return {"To_Account": getattr(outcome.item, "key", None) or outcome.item.raw,
                "Status": STATUS[outcome.status], "ErrorCode": outcome.code,
                "ErrorInfo": outcome.info}

    run_bulk(app, bulk, BATCHSEND, Reader("UserID"), recipients, build, to_row, COLUMNS)


@messages.command("notify")
@click.option("--group", "group_id", required=True, metavar="GROUP_ID", help="The group.")
@click.option("--to", "members", multiple=True, metavar="USERID",
              help="Only these members (repeatable; default: every member). Not for "
                   "AVChatRoom.")
@click.option("--content", required=True, metavar="TEXT",
              help="The notice: an opaque string the apps receive as REST custom data.")
@click.option("--topic", metavar="TOPIC_ID", help="A community topic.")
@output_options(known=["GroupId", "Members", "Status"])
@dry_run_option
@pass_app
def notify(app: AppContext, group_id: str, members: tuple[str, ...], content: str,
           topic: str | None) -> None:
    """Send a group system notice (send_group_system_notification) to the whole group or to
    chosen members (500 a call). Delivered to online members only and never stored. The
    API has no duplicate check: a repeat after a lost answer is not sent again, and the
    outcome is reported unknown instead.

    \b
    timctl messages notify --group team-1 --content '{"type":"reload"}'
    timctl messages notify --group team-1 --to bob --to carol --content ping
    """
    gid = check_group(group_id)
    if not content:
        raise UsageError("--content: the notice may not be empty")
    to = [_user(m, "--to") for m in dict.fromkeys(members)]
    base: dict[str, Any] = {"GroupId": gid, "Content": content}
    if topic:
        base["TopicId"] = topic
    chunks = [to[i:i + NOTIFY_MAX] for i in range(0, len(to), NOTIFY_MAX)] or [[]]
    for chunk in chunks:
        body = {**base, "ToMembers_Account": chunk} if chunk else base
        if app.call(NOTIFY, body) is None:
            continue  # --dry-run: the request was printed
        app.emit({"GroupId": gid, "Members": len(chunk) if chunk else "all", "Status": "sent"},
                 columns=["GroupId", "Members", "Status"])


@messages.command("broadcast-live")
@click.option("--from", "sender", metavar="USERID",
              help="Send on behalf of this account (default: the admin).")
@body_options
@click.option("--cloud-data", metavar="TEXT", help="CloudCustomData delivered with it.")
@output_options(known=["MsgSeq"])
@dry_run_option
@pass_app
def broadcast_live(app: AppContext, sender: str | None, cloud_data: str | None,
                   **flags: Any) -> None:
    """Send one message to every live group (AVChatRoom) of the app (send_broadcast_msg;
    documented at 1 call a second). Live messages are not stored. A retry after a lost
    answer carries the same Random, which the server drops within 5 minutes.

    \b
    timctl messages broadcast-live --text "The show starts in 5 minutes"
    """
    body: dict[str, Any] = {"MsgBody": body_from(flags)}
    if sender is not None:
        body["From_Account"] = _user(sender, "--from")
    if cloud_data is not None:
        body["CloudCustomData"] = cloud_data
    answer = app.call(BROADCAST_LIVE, body)
    if answer is not None:
        app.emit({"MsgSeq": answer.get("MsgSeq")}, columns=["MsgSeq"])
