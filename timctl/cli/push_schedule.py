"""timctl push schedule add | list | get | modify | delete: scheduled pushes (timpush).

Facts (269/130277-130281, en 1047/78839-78843; 5 calls/s each): a task has Sdkappid (the
URL's), Type All | Tag | User, SchedAt 'YYYY-MM-DD HH:MM:SS' in UTC, and Content: for All
and Tag the body of timpush/push (From_Account, Condition, OfflinePushInfo), for User that of
timpush/batch (To_Account 1..500). Only pending tasks can be modified or deleted; a
modification must keep the Type, and the fields it gives replace the stored ones. The list
pages with Offset/Want over a BeginTime..EndTime window (UTC, the same format).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.push import push
from timctl.cli.push_common import (
    audience_from,
    audience_options,
    notification,
    notification_options,
    when,
)
from timctl.errors import UsageError

ADD = "timpush/add_sched_task"
GET = "timpush/get_sched_task"
MODIFY = "timpush/modify_sched_task"
DELETE = "timpush/delete_sched_task"
LIST = "timpush/list_sched_task"
MAX_USERS = 500  # To_Account of a User task (documented)
PAGE = 100  # Want per page: no documented maximum; a modest page
FORMAT = "%Y-%m-%d %H:%M:%S"
COLUMNS = ["TaskID", "Type", "SchedAt", "Status", "CreateAt", "PushTaskID"]


@push.group("schedule")
def schedule() -> None:
    """Scheduled pushes (timpush): created now, pushed at a UTC time.

    \b
    timctl push schedule add --at 2026-11-23T09:00 --tags-and beta --title "v2.0" --desc "Out now"
    timctl push schedule list --since 7d
    """


def sched_at(value: str, flag: str = "--at") -> str:
    """'YYYY-MM-DD HH:MM:SS' (UTC) from ISO 8601 or unix seconds."""
    import time

    now = time.time()
    seconds = when(value, flag, now, ahead=True)
    if seconds <= now:
        raise UsageError(f"{flag}: {value!r} is in the past (a scheduled push runs later)")
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime(FORMAT)


def content_options(f: Any) -> Any:
    f = notification_options(f)
    f = click.option("--from", "sender", metavar="USERID",
                     help="The sender (default: the admin).")(f)
    f = click.option("--to", "to", multiple=True, metavar="USERID",
                     help="A User task: these users (repeatable, at most 500).")(f)
    return audience_options(f)


def content(app: AppContext, flags: dict[str, Any], *, partial: bool = False
            ) -> tuple[str | None, dict[str, Any]]:
    """(Type, Content) from the audience, --to and notification flags. With `partial`
    (modify), only what was given; Type None when nothing says it."""
    from timctl.cli.inputs import check_user_id

    to_all = flags["to_all"]
    if flags["attrs_and"] or flags["attrs_or"]:
        raise UsageError("a scheduled task targets all users, tags or listed users (Type "
                         "All, Tag or User): --attr/--attr-or are for `push send`")
    cond = audience_from(flags)
    to = [check_user_id(u, "--to") for u in dict.fromkeys(flags.pop("to"))]
    if to and (cond or to_all):
        raise UsageError("--to (a User task) cannot be combined with --all or a condition")
    if len(to) > MAX_USERS:
        raise UsageError(f"--to: at most {MAX_USERS} users ({len(to)} given)")
    kind = "User" if to else "Tag" if cond else "All" if to_all or not partial else None
    body: dict[str, Any] = {}
    sender = flags.pop("sender")
    if sender is not None or not partial:
        body["From_Account"] = (check_user_id(sender, "--from") if sender is not None
                                else app.settings().admin)
    if cond:
        body["Condition"] = cond
    if to:
        body["To_Account"] = to
    title, desc, ext = flags.pop("title"), flags.pop("desc"), flags.pop("ext")
    if not partial or title or desc or ext is not None:
        body["OfflinePushInfo"] = notification(title, desc, ext)
    return kind, body


@schedule.command("add")
@click.option("--at", "at", required=True, metavar="TIME",
              help="When: ISO 8601 (UTC unless it has an offset), unix seconds, or a time "
                   "from now (30m, 2h, 1d).")
@content_options
@output_options(known=["TaskID", "Type", "SchedAt"])
@dry_run_option
@pass_app
def add(app: AppContext, at: str, **flags: Any) -> None:
    """Create a scheduled push: every user (default), a tag/attribute audience, or listed
    users (--to); prints its TaskID. The API does not deduplicate creation: a call whose
    answer was lost is not re-sent (exit 8); check `push schedule list` before re-running."""
    when_ = sched_at(at)
    kind, body = content(app, flags)
    answer = app.call(ADD, {"Sdkappid": app.settings().sdkappid, "Type": kind,
                             "SchedAt": when_, "Content": body})
    if answer is not None:
        task = answer.get("TaskID", answer.get("TaskId"))
        app.emit({"TaskID": task, "Type": kind, "SchedAt": when_},
                 columns=["TaskID", "Type", "SchedAt"])


def task_id(value: str) -> int:
    if not (value.isascii() and value.isdigit()):
        raise UsageError(f"TASK_ID: {value!r} is not a scheduled task ID (an integer)")
    return int(value)


@schedule.command("get")
@click.argument("task", metavar="TASK_ID")
@output_options
@pass_app
def get(app: AppContext, task: str) -> None:
    """One scheduled task: type, time, content, status, and the push TaskId once sent."""
    answer = app.call(GET, {"Sdkappid": app.settings().sdkappid, "TaskID": task_id(task)})
    if answer is not None:
        app.emit(answer.get("TaskInfo", answer), default_format="yaml")


@schedule.command("list")
@click.option("--since", metavar="TIME", help="Created (or scheduled) from [30d ago].")
@click.option("--until", metavar="TIME", help="Up to [a year from now].")
@click.option("--order-by", default="createAt", show_default=True, metavar="FIELD",
              help="createAt or schedAt.")
@click.option("--asc", is_flag=True, help="Oldest first.")
@click.option("--keyword", metavar="TEXT", help="Only tasks matching TEXT.")
@limit_option()
@output_options(known=COLUMNS)
@pass_app
def list_(app: AppContext, since: str | None, until: str | None, order_by: str, asc: bool,
          keyword: str | None, limit: int | None) -> None:
    """Scheduled tasks in a time window, paged through."""
    import time

    now = time.time()
    begin = when(since, "--since", now) if since else int(now) - 30 * 86400
    end = when(until, "--until", now) if until else int(now) + 366 * 86400
    if begin > end:
        raise UsageError("--since is after --until")
    fmt = dt.datetime.fromtimestamp
    body: dict[str, Any] = {"Sdkappid": app.settings().sdkappid, "Offset": 0, "Want": PAGE,
                            "OrderBy": order_by, "Asc": asc,
                            "BeginTime": fmt(begin, dt.timezone.utc).strftime(FORMAT),
                            "EndTime": fmt(end, dt.timezone.utc).strftime(FORMAT)}
    if keyword:
        body["Keyword"] = keyword
    rows = collect(app, LIST, body, limit)
    if rows is not None:
        app.emit(rows, columns=COLUMNS)


@schedule.command("modify")
@click.argument("task", metavar="TASK_ID")
@click.option("--at", "at", metavar="TIME", help="A new time.")
@content_options
@output_options(known=["TaskID", "Status"])
@dry_run_option
@pass_app
def modify(app: AppContext, task: str, at: str | None, **flags: Any) -> None:
    """Change a pending scheduled task: its time and/or parts of its content (the fields
    given replace the stored ones, the rest of the stored content is kept). Its Type (All,
    Tag, User) cannot change. Reads the task first for its Type and content."""
    number = task_id(task)
    kind, body = content(app, flags, partial=True)
    if at is None and not body:
        raise UsageError("nothing to change: give --at or content flags")
    sdkappid = app.settings().sdkappid
    request: dict[str, Any] = {"Sdkappid": sdkappid, "TaskID": number, "Type": kind}
    if at is not None:
        request["SchedAt"] = sched_at(at)
    if app.dry_run:  # the stored task is not read: its Type and content are unknown
        request["Type"] = kind or "<the task's Type>"
    else:
        info = (app.call(GET, {"Sdkappid": sdkappid, "TaskID": number}) or {}).get(
            "TaskInfo") or {}
        stored = info.get("Type")
        if kind is not None and stored is not None and kind != stored:
            raise UsageError(f"task {number} is a {stored} task; its type cannot change "
                             f"(these flags make a {kind} task)")
        request["Type"] = stored or kind
        if body and isinstance(info.get("Content"), dict):
            body = {**info["Content"], **body}
    if body:
        request["Content"] = body
    if app.call(MODIFY, request) is not None:
        app.emit({"TaskID": number, "Status": "modified"}, columns=["TaskID", "Status"])


@schedule.command("delete")
@click.argument("tasks", nargs=-1, required=True, metavar="TASK_ID...")
@output_options(known=["TaskID", "Status"])
@dry_run_option
@yes_option
@pass_app
def delete(app: AppContext, tasks: tuple[str, ...]) -> None:
    """Delete pending scheduled tasks (asks; --yes)."""
    numbers = [task_id(t) for t in dict.fromkeys(tasks)]
    sdkappid = app.settings().sdkappid
    app.confirm(f"Delete {len(numbers)} scheduled push task(s)?")
    rows = []
    for number in numbers:
        info = {} if app.dry_run else (app.call(GET, {"Sdkappid": sdkappid,
                                                       "TaskID": number}) or {})
        kind = ("<the task's Type>" if app.dry_run
                else (info.get("TaskInfo") or {}).get("Type", "All"))
        if app.call(DELETE, {"Sdkappid": sdkappid, "TaskID": number, "Type": kind}) is None:
            continue
        rows.append({"TaskID": number, "Status": "deleted"})
    if not app.dry_run:
        app.emit(rows, columns=["TaskID", "Status"])
