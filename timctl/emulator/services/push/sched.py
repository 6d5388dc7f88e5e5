"""Scheduled push tasks: their rows, their TaskInfo, and running the ones that are due.

Documented (trtc.io 78839-78843, 269/130277-130281): Type All, Tag or User; SchedAt
'YYYY-MM-DD HH:MM:SS' in UTC; Content is a push body (All/Tag) or a batch body (User,
To_Account 1-500); TaskInfo holds TaskID, Sdkappid, CreateAt, Type, SchedAt, Content, Title,
Desc (the notification's), Status ("pending" until it runs), DispatchSuccess, DispatchErr and
PushTaskID (the push it made). Inferred: a due task runs the next time the push service is
called (or /_emulator/pushes is read), as of its SchedAt: Status becomes "success" with
PushTaskID, or "failed" with the refusal in DispatchErr (e.g. the day's quota, 90047); the
content gets a MsgRandom when it had none; scheduled pushes keep to the daily quota but not
the 1 s interval (the scheduler paces itself).
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import json
import sqlite3
import time
import zlib
from typing import Any

from timctl.emulator.services import ApiFail, Context, Handler
from timctl.emulator.services.push import pushing

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PENDING, SUCCESS, FAILED = "pending", "success", "failed"
_COLUMNS = ("task_id, created_at, type, sched_at, content, status, dispatch_err,"
            " push_task_id")


def parse_time(value: Any, field: str) -> float:
    """A 'YYYY-MM-DD HH:MM:SS' UTC string as epoch seconds (90001 otherwise)."""
    try:
        if not isinstance(value, str) or len(value) != 19:
            raise ValueError(value)
        return float(calendar.timegm(time.strptime(value, TIME_FORMAT)))
    except ValueError:
        raise ApiFail(90001, f"{field} must be 'YYYY-MM-DD HH:MM:SS' (UTC)") from None


def format_time(epoch: float) -> str:
    return time.strftime(TIME_FORMAT, time.gmtime(epoch))


def info(sdkappid: int, row: tuple[Any, ...]) -> dict[str, Any]:
    """The documented TaskInfo of a stored row."""
    task_id, created, kind, sched_at, content, status, err, push_id = row
    body = json.loads(content)
    notice = body.get("OfflinePushInfo") if isinstance(body.get("OfflinePushInfo"), dict) else {}
    return {"TaskID": task_id, "Sdkappid": sdkappid, "CreateAt": format_time(created),
            "Type": kind, "SchedAt": sched_at, "Content": body,
            "Title": notice.get("Title", ""), "Desc": notice.get("Desc", ""),
            "Status": status, "DispatchSuccess": int(status == SUCCESS),
            "DispatchErr": err, "PushTaskID": push_id}


def add(db: sqlite3.Connection, sdkappid: int, now: float, kind: str, sched_at: str,
        content: dict[str, Any]) -> int:
    row = db.execute("SELECT COALESCE(MAX(task_id), 0) FROM push_sched WHERE sdkappid = ?",
                     (sdkappid,)).fetchone()
    task_id = int(row[0]) + 1
    db.execute("INSERT INTO push_sched (sdkappid, task_id, created_at, type, sched_at, content,"
               " status) VALUES (?, ?, ?, ?, ?, ?, ?)",
               (sdkappid, task_id, now, kind, sched_at,
                json.dumps(content, ensure_ascii=False), PENDING))
    return task_id


def find(db: sqlite3.Connection, sdkappid: int, task_id: int) -> tuple[Any, ...] | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM push_sched WHERE sdkappid = ? AND task_id = ?",
                     (sdkappid, task_id)).fetchone()
    return None if row is None else tuple(row)


def all_rows(db: sqlite3.Connection, sdkappid: int) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in db.execute(
        f"SELECT {_COLUMNS} FROM push_sched WHERE sdkappid = ? ORDER BY task_id", (sdkappid,))]


def update(db: sqlite3.Connection, sdkappid: int, task_id: int, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    db.execute(f"UPDATE push_sched SET {sets} WHERE sdkappid = ? AND task_id = ?",
               (*values.values(), sdkappid, task_id))


def delete(db: sqlite3.Connection, sdkappid: int, task_id: int) -> None:
    db.execute("DELETE FROM push_sched WHERE sdkappid = ? AND task_id = ?", (sdkappid, task_id))


def due_first(fn: Handler) -> Handler:
    """Run due scheduled tasks before the handler: they push to the audience of their time."""

    @functools.wraps(fn)
    def run(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
        run_due(ctx)
        return fn(ctx, body)

    return run


def run_due(ctx: Context) -> None:
    """Run every pending task whose SchedAt has come, as of its SchedAt."""
    due = ctx.db.execute(
        f"SELECT {_COLUMNS} FROM push_sched WHERE sdkappid = ? AND status = ? AND"
        " sched_at <= ? ORDER BY sched_at, task_id",
        (ctx.sdkappid, PENDING, format_time(ctx.now))).fetchall()
    for row in due:
        task_id, kind, sched_at, content = row[0], row[2], row[3], json.loads(row[4])
        at = dataclasses.replace(ctx, now=parse_time(sched_at, "SchedAt"))
        try:
            push_id = _dispatch(at, task_id, kind, content)
        except ApiFail as fail:
            update(ctx.db, ctx.sdkappid, task_id, status=FAILED,
                   dispatch_err=f"{fail.code}: {fail.info}")
            continue
        update(ctx.db, ctx.sdkappid, task_id, status=SUCCESS, push_task_id=push_id,
               content=json.dumps(content, ensure_ascii=False))


def _dispatch(ctx: Context, task_id: int, kind: str, content: dict[str, Any]) -> str:
    # imported here: the checks live with the handlers of the APIs the content is a body of
    from timctl.emulator.services.push.handlers_push import check_timpush
    from timctl.emulator.services.push.handlers_timpush import check_batch

    content.setdefault("MsgRandom", zlib.crc32(f"sched:{ctx.sdkappid}:{task_id}".encode()))
    sender = str(content.get("From_Account"))
    if kind == "User":
        users = check_batch(ctx, content)
        if not pushing.any_imported(ctx, users):
            raise ApiFail(70107, "none of the To_Account accounts is imported")
        return pushing.create(ctx, "timpush/batch", content, msg_random=content["MsgRandom"],
                              cond=None, users=users, from_account=sender, sched_task=task_id)
    cond, _ = check_timpush(ctx, content)
    pushing.check_quota(ctx, "timpush/push")
    return pushing.create(ctx, "timpush/push", content, msg_random=content["MsgRandom"],
                          cond=cond, from_account=sender, sched_task=task_id)
