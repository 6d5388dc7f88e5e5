"""timctl push batch | revoke | report: what only the push service (v4/timpush) offers.

Facts: timpush/batch (1047/67553, 269/108906): From_Account, To_Account 1..500, MsgRandom
(dedups only within the same second, so a repeat after a lost answer could push twice: the
endpoint is never re-sent, and such a chunk is reported `unknown`), OfflinePushInfo required,
DataId at most 64 bytes; answers a TaskId. timpush/revoke (1047/67824, 269/105123): a task at
most 24 h old, OfflinePushInfo required (the replacement notification); 90049 no such task,
90050 already recalled, 90052 older than 24 h; 1 call/s. Reports (1047/71893-71895): statistics
and loss analysis over StartTime..EndTime (unix seconds, the last 7 days) for task IDs (at
most 5 a call, none = the overall figures); trace: one task's delivery to one user.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.push import push
from timctl.cli.push_common import notification, notification_options, when
from timctl.cli.records import Reader
from timctl.errors import UsageError

BATCH = "timpush/batch"
REVOKE = "timpush/revoke"
STATS = "timpush/all_member_push_statistics"
TRACE = "timpush/all_member_push_trace"
LOSS = "timpush/all_member_push_loss"
MAX_DATA_ID = 64  # bytes (documented)
PER_CALL = 5  # task IDs per loss call (documented)
REPORT_DAYS = 7  # reports cover the last 7 days
UINT32 = 2**32
BATCH_COLUMNS = ["To_Account", "Status", "TaskId", "ErrorCode", "ErrorInfo"]
STATUS = {"ok": "pushed", "failed": "failed", "skipped": "skipped", "unknown": "unknown"}


@push.command("batch")
@click.argument("recipients", nargs=-1, metavar="[USERID]... [-]")
@click.option("--from", "sender", metavar="USERID", help="The sender (default: the admin).")
@notification_options
@click.option("--data-id", metavar="ID", help="Your ID for the push, echoed to callbacks "
                                              "(at most 64 bytes).")
@bulk_options
@output_options(known=BATCH_COLUMNS)
@dry_run_option
@pass_app
def batch(app: AppContext, recipients: tuple[str, ...], sender: str | None, title: str | None,
          desc: str | None, ext: str | None, data_id: str | None, **flags: Any) -> None:
    """Push a notification to listed users (timpush/batch), 500 a call, paced at the
    lowest documented rate (30 users/s); a row per user with its call's TaskId.

    A repeat of this call is not deduplicated (its MsgRandom counts only within a second),
    so a call whose answer was lost is never re-sent: its users are reported `unknown`
    (exit 8), and --checkpoint reports a chunk a killed run had started the same way.

    \b
    timctl push batch alice bob --title "Your order shipped" --desc "Track it in the app"
    timctl push batch -f vip.csv --title Sale --checkpoint sale.ckpt --failures failed.csv
    """
    from timctl.cli.inputs import check_user_id

    bulk = bulk_from(flags)
    info = notification(title, desc, ext)
    if data_id is not None and len(data_id.encode("utf-8")) > MAX_DATA_ID:
        raise UsageError(f"--data-id: at most {MAX_DATA_ID} bytes")
    base: dict[str, Any] = {"From_Account": check_user_id(sender, "--from")
                            if sender is not None else app.settings().admin,
                            "OfflinePushInfo": info}
    if data_id is not None:
        base["DataId"] = data_id
    def build(chunk: list[Any]) -> dict[str, Any]:
        return {**base, "To_Account": [r.key for r in chunk],
                "MsgRandom": secrets.randbelow(UINT32 - 1) + 1}

    def to_row(outcome: Any) -> dict[str, Any]:
        user = getattr(outcome.item, "key", None) or outcome.item.raw
        task = (outcome.row or {}).get("TaskId") if outcome.status == "ok" else None
        return {"To_Account": user, "Status": STATUS[outcome.status], "TaskId": task,
                "ErrorCode": outcome.code, "ErrorInfo": outcome.info}

    run_bulk(app, bulk, BATCH, Reader("UserID"), recipients, build, to_row, BATCH_COLUMNS)


@push.command("revoke")
@click.argument("task_id", metavar="TASK_ID")
@notification_options
@output_options(known=["TaskId", "Status"])
@dry_run_option
@yes_option
@pass_app
def revoke(app: AppContext, task_id: str, title: str | None, desc: str | None,
           ext: str | None) -> None:
    """Recall a push task (timpush, at most 24 h old): undelivered pushes stop, and
    delivered notifications are replaced by the one given (APNs, FCM, Huawei, Honor).
    Asks; --yes. Recalling a recalled task answers 90050 (on a retry after a lost answer,
    that counts as done).

    \b
    timctl push revoke 1400123456_1441_4155_1572 --title Sorry --desc "Sent by mistake" --yes
    """
    if not task_id.strip():
        raise UsageError("TASK_ID: empty")
    body = {"TaskId": task_id, "OfflinePushInfo": notification(title, desc, ext)}
    app.confirm(f"Recall push task {task_id}?")
    if app.call(REVOKE, body) is not None:
        app.emit({"TaskId": task_id, "Status": "recalled"}, columns=["TaskId", "Status"])


@push.group("report")
def report() -> None:
    """Delivery reports of push tasks (timpush; the last 7 days)."""


def time_range(since: str | None, until: str | None) -> dict[str, int]:
    now = time.time()
    start = when(since, "--since", now) if since else int(now) - REPORT_DAYS * 86400
    end = when(until, "--until", now) if until else int(now)
    if start > end:
        raise UsageError("--since is after --until")
    return {"StartTime": start, "EndTime": end}


def range_options(f: Any) -> Any:
    f = click.option("--until", metavar="TIME", help="End [now].")(f)
    return click.option("--since", metavar="TIME",
                        help="Start: unix seconds, ISO 8601 (UTC) or a time ago (24h) "
                             "[7d: reports keep 7 days].")(f)


@report.command("stats")
@click.argument("task_ids", nargs=-1, metavar="[TASK_ID]...")
@range_options
@output_options
@pass_app
def stats(app: AppContext, task_ids: tuple[str, ...], since: str | None,
          until: str | None) -> None:
    """Delivery statistics of push tasks, 5 a call (none given: the overall figures); the
    Results of every call together (total, sent, delivered, clicked per task)."""
    _per_five(app, STATS, task_ids, since, until)


@report.command("trace")
@click.argument("task_id", metavar="TASK_ID")
@click.argument("user", metavar="USERID")
@output_options
@pass_app
def trace(app: AppContext, task_id: str, user: str) -> None:
    """One push task's delivery to one user, per device (InstanceTrace), as answered."""
    from timctl.cli.inputs import check_user_id

    answer = app.call(TRACE, {"TaskID": task_id, "UserID": check_user_id(user, "USERID")})
    if answer is not None:
        app.emit(answer.get("InstanceTrace", _strip(answer)), default_format="yaml")


@report.command("loss")
@click.argument("task_ids", nargs=-1, metavar="[TASK_ID]...")
@range_options
@output_options
@pass_app
def loss(app: AppContext, task_ids: tuple[str, ...], since: str | None,
         until: str | None) -> None:
    """Loss analysis (failure codes per stage) of push tasks, 5 a call (none given: the
    overall figures); the Results of every call together."""
    _per_five(app, LOSS, task_ids, since, until)


def _per_five(app: AppContext, name: str, task_ids: tuple[str, ...], since: str | None,
              until: str | None) -> None:
    """A report over task IDs, 5 a call (documented for loss; kept for statistics, whose
    page names no maximum), with the Results merged."""
    span = time_range(since, until)
    ids = list(dict.fromkeys(task_ids))
    chunks = [ids[i:i + PER_CALL] for i in range(0, len(ids), PER_CALL)] or [[]]
    results: list[Any] = []
    for chunk in chunks:
        answer = app.call(name, {**span, "TaskID": chunk})
        if answer is None:
            continue
        results.extend(answer.get("Results") or [])
    if not app.dry_run:
        app.emit(results, default_format="yaml")


def _strip(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k not in ("ActionStatus", "ErrorCode",
                                                          "ErrorInfo")}
