"""GET or POST /_emulator/pushes {"SDKAppID"?, "TaskId"?}: every push task (or one) with the
audience it resolved, and the scheduled tasks with the audience they reached or, pending,
would reach now, so tests and CI can assert who would receive a push. Reading it first runs
the scheduled tasks that are due, as any push call does."""

from __future__ import annotations

from typing import Any

from timctl import endpoints
from timctl.emulator.services import ApiFail, Context, ControlContext, ControlError
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.push import sched, tasks
from timctl.emulator.services.push.conditions import parse, resolve


def task_doc(ctl: ControlContext, sdkappid: int, task: tasks.Task) -> dict[str, Any]:
    got = tasks.recipients(ctl.db, sdkappid, task.task_id)
    return {"SDKAppID": sdkappid, "TaskId": task.task_id, "API": task.api,
            "CreatedAt": int(task.created_at), "From_Account": task.from_account,
            "MsgRandom": task.msg_random, "Audience": task.audience,
            "Condition": task.condition, "SchedTaskID": task.sched_task,
            "Revoked": task.revoked_at is not None,
            "Recipients": list(got), "Online": [u for u, r in got.items() if r.online],
            "OfflinePush": [u for u, r in got.items() if r.channel == "push"]}


def _context(ctl: ControlContext, sdkappid: int) -> Context | None:
    """A request context for the app, as its admin would call timpush."""
    from timctl.emulator import apps  # apps imports the service registry
    from timctl.emulator.services.push import PUSH_SPEC

    app = apps.load(ctl.db, sdkappid)
    endpoint = endpoints.get("timpush/push")
    if app is None or endpoint is None:
        return None
    return Context(ctl.db, app, app.admins[0], ctl.now, endpoint, PUSH_SPEC)


def _audience(ctx: Context, item: dict[str, Any]) -> list[str]:
    """Who a scheduled task reached (it ran) or would reach if it ran now (pending)."""
    if item["PushTaskID"]:
        return list(tasks.recipients(ctx.db, ctx.sdkappid, item["PushTaskID"]))
    if item["Status"] != sched.PENDING:
        return []
    content = item["Content"]
    if item["Type"] == "User":
        users = [u for u in content.get("To_Account", []) if isinstance(u, str)]
        present = accounts.existing(ctx.db, ctx.sdkappid, users)
        return sorted(u for u in dict.fromkeys(users) if u in present)
    try:
        return sorted(resolve(ctx, parse(ctx, content.get("Condition"))))
    except ApiFail:  # e.g. an attribute name removed since: it would fail when run
        return []


def list_pushes(ctl: ControlContext, body: dict[str, Any]) -> dict[str, Any]:
    ids = list(ctl.sdkappids)
    wanted = body.get("SDKAppID")
    if wanted is not None and wanted not in ids:
        raise ControlError(400, f"SDKAppID must be one of {ids}")
    task_id = body.get("TaskId")
    if task_id is not None and not isinstance(task_id, str):
        raise ControlError(400, "TaskId must be a string")
    out: list[dict[str, Any]] = []
    scheduled: list[dict[str, Any]] = []
    for sdkappid in ids if wanted is None else [wanted]:
        ctx = _context(ctl, sdkappid)
        if ctx is None:
            continue
        sched.run_due(ctx)
        for task in tasks.all_tasks(ctl.db, sdkappid):
            if task_id is None or task.task_id == task_id:
                out.append(task_doc(ctl, sdkappid, task))
        for row in sched.all_rows(ctl.db, sdkappid):
            item = sched.info(sdkappid, row)
            scheduled.append({**item, "Recipients": _audience(ctx, item)})
    if task_id is not None and not out:
        raise ControlError(404, f"no push task {task_id!r}")
    return {"Tasks": out, "Scheduled": [] if task_id is not None else scheduled}
