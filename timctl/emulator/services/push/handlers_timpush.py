"""timpush batch (trtc.io 67553, 269/108906) and revoke (trtc.io 67824, 269/105123).

batch, documented: 1-500 To_Account (90018 over), From_Account, MsgRandom (90005) and
OfflinePushInfo required, DataId <= 64 bytes; its MsgRandom dedups "within the same second";
the TaskId starts with batch_; a total failure answers FAIL. Inferred: accounts that are not
imported are skipped, none imported is 70107; batch pushes are outside the all/tag quota.
revoke, documented: tasks of the last 24 h (90052), unknown TaskId 90049, twice 90050, more
than once a second 90051, a task that stored roaming/unread (OnlineOnlyFlag 0) needs
OfflinePushInfo (90053). Inferred: legacy im_push tasks cannot be recalled ("withdrawal is
not supported", 1047/37165), so their TaskIds answer 90049.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_user_id, utf8_len
from timctl.emulator.services.push import pushing, tasks
from timctl.emulator.services.push.handlers_push import msg_random
from timctl.emulator.services.push.sched import due_first

MAX_BATCH = 500
MAX_DATA_ID_BYTES = 64
BATCH_DEDUP = 1.0  # seconds
REVOKE_WINDOW = 86400
REVOKE_INTERVAL = 1.0


def check_batch(ctx: Context, body: dict[str, Any]) -> list[str]:
    """The checks of a batch body (also a scheduled User task's Content): its users."""
    users = body.get("To_Account")
    if not isinstance(users, list) or not users or not all(is_user_id(u) for u in users):
        raise ApiFail(90001, "To_Account is required: 1-500 UserIDs")
    if len(users) > MAX_BATCH:
        raise ApiFail(90018, f"To_Account has {len(users)} accounts; at most {MAX_BATCH}")
    if not is_user_id(body.get("From_Account")):
        raise ApiFail(90001, "From_Account is required: a UserID")
    if not isinstance(body.get("OfflinePushInfo"), dict):
        raise ApiFail(90001, "OfflinePushInfo is required: an object")
    data_id = body.get("DataId")
    if data_id is not None and (not isinstance(data_id, str)
                                or utf8_len(data_id) > MAX_DATA_ID_BYTES):
        raise ApiFail(90001, f"DataId must be a string of at most {MAX_DATA_ID_BYTES} bytes")
    return list(dict.fromkeys(users))


@handler("timpush/batch")
@due_first
def batch(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    random = msg_random(body)
    users = check_batch(ctx, body)
    same = tasks.by_random(ctx.db, ctx.sdkappid, ("timpush/batch",), random,
                           ctx.now - BATCH_DEDUP)
    if same is not None:
        return {"TaskId": same.task_id}
    if not pushing.any_imported(ctx, users):
        raise ApiFail(70107, "none of the To_Account accounts is imported")
    return {"TaskId": pushing.create(ctx, "timpush/batch", body, msg_random=random, cond=None,
                                     users=users, from_account=body["From_Account"])}


@handler("timpush/revoke")
@due_first
def revoke(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    task_id = body.get("TaskId")
    if not isinstance(task_id, str) or not task_id:
        raise ApiFail(90001, "TaskId is required: the TaskId a push answered")
    info = body.get("OfflinePushInfo")
    if info is not None and not isinstance(info, dict):
        raise ApiFail(90001, "OfflinePushInfo must be an object")
    task = tasks.find(ctx.db, ctx.sdkappid, task_id)
    if task is None or task.api == "all_member_push/im_push":
        raise ApiFail(90049, f"invalid TaskId {task_id!r}: no push record")
    if task.revoked_at is not None:
        raise ApiFail(90050, "the push task has already been recalled")
    if ctx.now - task.created_at > REVOKE_WINDOW:
        raise ApiFail(90052, "the push task is older than 24 hours and cannot be recalled")
    stored = task.api == "timpush/push" and task.request.get("OnlineOnlyFlag", 0) == 0
    if stored and info is None:
        raise ApiFail(90053, "the task stored roaming/unread (OnlineOnlyFlag 0): recalling it"
                             " needs OfflinePushInfo")
    last = tasks.last_revoke(ctx.db, ctx.sdkappid)
    if last is not None and ctx.now - last < REVOKE_INTERVAL:
        raise ApiFail(90051, "recalls are limited to one a second")
    tasks.revoke(ctx.db, ctx.sdkappid, task_id, ctx.now)
    return {}
