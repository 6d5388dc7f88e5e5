"""timpush reports, computed from the stored tasks and the audience each resolved:
all_member_push_statistics (trtc.io 71894), all_member_push_trace (71893),
all_member_push_loss (71895).

Documented: statistics takes StartTime/EndTime (Unix seconds, data of up to 30 days) and up
to 5 TaskIDs (none: the overall figures) and answers Results [{TaskID, TotalCount,
SentCount, DeliveredCount, ClickCount, PlatformStatistics}]; trace takes TaskID and UserID
and answers InstanceTrace, one item per device, with PushTime, System, IMCommitStat.IMStat,
OfflinePushStat {...} (PushStatus, ErrorCode, ErrorInfo, EventTime) and more; loss answers
Results [{TaskID, ReadyToSendLoss, PostSendDeliveredLoss, ...}] of {ErrCode, ErrCount,
ErrInfo}.
Inferred, as the emulator has devices only through `timctl emulator login`: TotalCount is
the resolved audience; SentCount those with a device (an Online login, or PushOnline for an
offline push); DeliveredCount those Online (delivered over the connection); ClickCount 0 (no
one taps in an emulator); PlatformStatistics [] (its PushPlatform numbering is not
documented in what was read); the overall figures are one Results item with TaskID "";
trace items are the user's devices at push time (none: no item); a user with no device is
ReadyToSendLoss with ErrCode "-1" (no device to send to), a PushOnline-only user is
PostSendDeliveredLoss "-2" (sent by offline push, delivery unconfirmed); tasks outside the
time range or unknown are left out; EndTime before StartTime or over 5 TaskIDs is 90001.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.push import sched, tasks
from timctl.emulator.services.push.sched import due_first

MAX_TASKS = 5
REPORTED_APIS = ("timpush/push", "all_member_push/im_push")
NO_DEVICE = ("-1", "no device to send to (never logged in, or logged out)")
UNCONFIRMED = ("-2", "sent by offline push; delivery not confirmed")


def _range(ctx: Context, body: dict[str, Any]) -> tuple[list[tasks.Task], bool]:
    """The tasks asked for, and whether the overall figures were asked for."""
    start, end, ids = body.get("StartTime"), body.get("EndTime"), body.get("TaskID")
    if not is_int(start) or not is_int(end) or end < start:
        raise ApiFail(90001, "StartTime and EndTime are required: Unix seconds, End >= Start")
    if not isinstance(ids, list) or not all(isinstance(t, str) for t in ids):
        raise ApiFail(90001, "TaskID is required: an array of up to 5 TaskIds ([] = overall)")
    if len(ids) > MAX_TASKS:
        raise ApiFail(90001, f"TaskID has {len(ids)} tasks; at most {MAX_TASKS}")
    return [t for t in _tasks(ctx) if start <= t.created_at <= end
            and (not ids or t.task_id in ids)], not ids


def _tasks(ctx: Context) -> list[tasks.Task]:
    return [t for t in tasks.all_tasks(ctx.db, ctx.sdkappid) if t.api in REPORTED_APIS]


def _counts(reach: list[tasks.Reach]) -> dict[str, Any]:
    return {"TotalCount": len(reach), "SentCount": sum(1 for r in reach if r.channel),
            "DeliveredCount": sum(1 for r in reach if r.online), "ClickCount": 0,
            "PlatformStatistics": []}


@handler("timpush/all_member_push_statistics")
@due_first
def all_member_push_statistics(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    found, overall = _range(ctx, body)
    reach = {t.task_id: list(tasks.recipients(ctx.db, ctx.sdkappid, t.task_id).values())
             for t in found}
    if overall:
        return {"Results": [{"TaskID": "", **_counts([r for rs in reach.values()
                                                       for r in rs])}]}
    return {"Results": [{"TaskID": t.task_id, **_counts(reach[t.task_id])} for t in found]}


def _stat(time_text: str, ok: bool = True) -> dict[str, Any]:
    return {"PushStatus": int(ok), "ErrorCode": 0, "ErrorInfo": "success", "EventTime": time_text}


@handler("timpush/all_member_push_trace")
@due_first
def all_member_push_trace(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    task_id, user = body.get("TaskID"), body.get("UserID")
    if not isinstance(task_id, str) or not task_id or not is_user_id(user):
        raise ApiFail(90001, "TaskID and UserID are required")
    task = tasks.find(ctx.db, ctx.sdkappid, task_id)
    if task is None or task.api not in REPORTED_APIS:
        raise ApiFail(90049, f"invalid TaskId {task_id!r}: no push record")
    reach = tasks.recipients(ctx.db, ctx.sdkappid, task_id).get(str(user))
    at = sched.format_time(task.created_at)
    trace = []
    for i, (platform, status) in enumerate(reach.devices if reach else ()):
        item: dict[str, Any] = {"InstanceId": str(i + 1), "PushTime": at, "System": platform,
                                "IMCommitStat": {"IMStat": _stat(at)}}
        if status != "Online":
            item["OfflinePushStat"] = {"OfflineStat": _stat(at)}
        trace.append(item)
    return {"InstanceTrace": trace}


def _loss(reach: list[tasks.Reach]) -> dict[str, Any]:
    lost = sum(1 for r in reach if not r.channel)
    unconfirmed = sum(1 for r in reach if r.channel == "push")
    return {
        "ReadyToSendLoss": [{"ErrCode": NO_DEVICE[0], "ErrCount": lost, "ErrInfo": NO_DEVICE[1]}]
        if lost else [],
        "PostSendDeliveredLoss": [{"ErrCode": UNCONFIRMED[0], "ErrCount": unconfirmed,
                                   "ErrInfo": UNCONFIRMED[1]}] if unconfirmed else []}


@handler("timpush/all_member_push_loss")
@due_first
def all_member_push_loss(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    found, overall = _range(ctx, body)
    reach = {t.task_id: list(tasks.recipients(ctx.db, ctx.sdkappid, t.task_id).values())
             for t in found}
    if overall:
        return {"Results": [{"TaskID": "", **_loss([r for rs in reach.values() for r in rs])}]}
    return {"Results": [{"TaskID": t.task_id, **_loss(reach[t.task_id])} for t in found]}
