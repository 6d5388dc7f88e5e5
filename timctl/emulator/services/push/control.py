"""GET or POST /_emulator/pushes {"SDKAppID"?, "TaskId"?}: every push task (or one) with the
audience it resolved, and the scheduled tasks, so tests and CI can assert who would receive
a push. Reading it first runs the scheduled tasks that are due, as any push call does."""

from __future__ import annotations

from typing import Any

from timctl import endpoints
from timctl.emulator.services import Context, ControlContext, ControlError
from timctl.emulator.services.push import sched, tasks


def task_doc(ctl: ControlContext, sdkappid: int, task: tasks.Task) -> dict[str, Any]:
    got = tasks.recipients(ctl.db, sdkappid, task.task_id)
    return {"SDKAppID": sdkappid, "TaskId": task.task_id, "API": task.api,
            "CreatedAt": int(task.created_at), "From_Account": task.from_account,
            "MsgRandom": task.msg_random, "Audience": task.audience,
            "Condition": task.condition, "SchedTaskID": task.sched_task,
            "Revoked": task.revoked_at is not None,
            "Recipients": list(got), "Online": [u for u, r in got.items() if r.online],
            "OfflinePush": [u for u, r in got.items() if r.channel == "push"]}


def _run_due(ctl: ControlContext, sdkappid: int) -> None:
    from timctl.emulator import apps  # apps imports the service registry
    from timctl.emulator.services.push import PUSH_SPEC

    app = apps.load(ctl.db, sdkappid)
    endpoint = endpoints.get("timpush/push")
    if app is None or endpoint is None:
        return
    sched.run_due(Context(ctl.db, app, app.admins[0], ctl.now, endpoint, PUSH_SPEC))


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
        _run_due(ctl, sdkappid)
        for task in tasks.all_tasks(ctl.db, sdkappid):
            if task_id is None or task.task_id == task_id:
                out.append(task_doc(ctl, sdkappid, task))
        scheduled += [sched.info(sdkappid, r) for r in sched.all_rows(ctl.db, sdkappid)]
    if task_id is not None and not out:
        raise ControlError(404, f"no push task {task_id!r}")
    return {"Tasks": out, "Scheduled": [] if task_id is not None else scheduled}
