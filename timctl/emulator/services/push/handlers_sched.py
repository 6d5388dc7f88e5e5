"""Scheduled push tasks: timpush add_sched_task, get_sched_task, modify_sched_task,
delete_sched_task, list_sched_task (trtc.io 78839-78843; 269/130277-130281). Rules in
sched.py.

Documented: Sdkappid must equal the URL's; modify and delete keep the task's Type (it cannot
change) and apply to pending tasks; modify replaces SchedAt and/or Content when given;
list_sched_task pages by Offset (from 0) and Want (> 0), orders by createat or schedat
(createAt/schedAt on cloud.tencent.com), Asc, within BeginTime-EndTime (UTC), Keyword.
Inferred: a bad field, a SchedAt not in the future, a Type that does not match, or a task
that is no longer pending answers 90001; an unknown TaskID 90049 (the push service's "no
such task"); an All task takes no Condition and a Tag task needs a tag condition; the time
range applies to the field ordered by; Keyword matches the notification's Title or Desc.
"""

from __future__ import annotations

import json
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int
from timctl.emulator.services.push import sched
from timctl.emulator.services.push.handlers_push import check_timpush
from timctl.emulator.services.push.handlers_timpush import check_batch

TYPES = ("All", "Tag", "User")
ORDERS = {"createat": 1, "schedat": 3}  # TaskInfo row column to order by


def _app(ctx: Context, body: dict[str, Any]) -> None:
    sched.run_due(ctx)
    if body.get("Sdkappid") != ctx.sdkappid or not is_int(body.get("Sdkappid")):
        raise ApiFail(90001, f"Sdkappid must be this app's SDKAppID ({ctx.sdkappid})")


def _type(body: dict[str, Any]) -> str:
    kind = body.get("Type")
    if kind not in TYPES:
        raise ApiFail(90001, "Type must be All, Tag or User")
    return str(kind)


def _sched_at(ctx: Context, value: Any) -> str:
    if sched.parse_time(value, "SchedAt") <= ctx.now:
        raise ApiFail(90001, f"SchedAt {value} (UTC) has passed")
    return str(value)


def _content(ctx: Context, kind: str, content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise ApiFail(90001, "Content is required: the push body")
    if kind == "User":
        check_batch(ctx, content)
        return content
    cond, _ = check_timpush(ctx, content)
    if kind == "All" and cond.form != "all":
        raise ApiFail(90001, "a Type All task takes no Condition (use Type Tag)")
    if kind == "Tag" and cond.form != "tags":
        raise ApiFail(90001, "a Type Tag task needs Condition.TagsAnd or Condition.TagsOr")
    return content


def _task(ctx: Context, body: dict[str, Any]) -> tuple[Any, ...]:
    task_id = body.get("TaskID")
    if not is_int(task_id):
        raise ApiFail(90001, "TaskID is required: the ID add_sched_task answered")
    row = sched.find(ctx.db, ctx.sdkappid, int(task_id))
    if row is None:
        raise ApiFail(90049, f"no scheduled task {task_id}")
    return row


def _pending(body: dict[str, Any], row: tuple[Any, ...]) -> None:
    if _type(body) != row[2]:
        raise ApiFail(90001, f"Type must stay {row[2]}: a task's type cannot change")
    if row[5] != sched.PENDING:
        raise ApiFail(90001, f"scheduled task {row[0]} is {row[5]}, not pending")


@handler("timpush/add_sched_task")
def add_sched_task(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    _app(ctx, body)
    kind = _type(body)
    at = _sched_at(ctx, body.get("SchedAt"))
    content = _content(ctx, kind, body.get("Content"))
    return {"TaskID": sched.add(ctx.db, ctx.sdkappid, ctx.now, kind, at, content)}


@handler("timpush/get_sched_task")
def get_sched_task(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    _app(ctx, body)
    return {"TaskInfo": sched.info(ctx.sdkappid, _task(ctx, body))}


@handler("timpush/modify_sched_task")
def modify_sched_task(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    _app(ctx, body)
    row = _task(ctx, body)
    _pending(body, row)
    changes: dict[str, Any] = {}
    if body.get("SchedAt") is not None:
        changes["sched_at"] = _sched_at(ctx, body["SchedAt"])
    if body.get("Content") is not None:
        changes["content"] = json.dumps(_content(ctx, row[2], body["Content"]),
                                        ensure_ascii=False)
    if changes:
        sched.update(ctx.db, ctx.sdkappid, row[0], **changes)
    return {}


@handler("timpush/delete_sched_task")
def delete_sched_task(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    _app(ctx, body)
    row = _task(ctx, body)
    _pending(body, row)
    sched.delete(ctx.db, ctx.sdkappid, row[0])
    return {}


@handler("timpush/list_sched_task")
def list_sched_task(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    _app(ctx, body)
    offset, want, order = body.get("Offset"), body.get("Want"), body.get("OrderBy")
    if not is_int(offset) or offset < 0:
        raise ApiFail(90001, "Offset is required: 0 or more")
    if not is_int(want) or want <= 0:
        raise ApiFail(90001, "Want is required: more than 0")
    if not isinstance(order, str) or order.lower() not in ORDERS:
        raise ApiFail(90001, "OrderBy must be createat or schedat")
    asc = body.get("Asc")
    if not isinstance(asc, bool):
        raise ApiFail(90001, "Asc is required: true or false")
    begin = sched.parse_time(body.get("BeginTime"), "BeginTime")
    end = sched.parse_time(body.get("EndTime"), "EndTime")
    keyword = body.get("Keyword")
    if keyword is not None and not isinstance(keyword, str):
        raise ApiFail(90001, "Keyword must be a string")
    column = ORDERS[order.lower()]

    def when(row: tuple[Any, ...]) -> float:
        value = row[column]
        return float(value) if column == 1 else sched.parse_time(value, "SchedAt")

    infos = []
    for row in sorted(sched.all_rows(ctx.db, ctx.sdkappid), key=lambda r: (when(r), r[0]),
                      reverse=not asc):
        item = sched.info(ctx.sdkappid, row)
        if begin <= when(row) <= end and (not keyword or keyword in item["Title"]
                                          or keyword in item["Desc"]):
            infos.append(item)
    return {"Tasks": infos[offset:offset + want]}
