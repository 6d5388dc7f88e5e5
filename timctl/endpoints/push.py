"""All-member push, legacy (all_member_push) and the newer push service (timpush).

Facts: ../shared/reference/rest-api-push-msgformat-callbacks.yaml (endpoints:) and the pages it
cites; timpush rates from the rate table cloud.tencent.com/document/product/269/137903;
scheduled tasks from 269/130277-130281 (en: tencentcloud.com/document/product/1047/788xx).
"""

from __future__ import annotations

from timctl.endpoints._fields import (
    MSG_LIFETIME_MAX,
    SEVEN_DAYS,
    array,
    choice,
    flag,
    integer,
    msg_body,
    obj,
    once,
    read,
    text,
    u32,
    uid,
    uids,
    write,
)
from timctl.endpoints.spec import Batch, Dedup, Endpoint, Field, Paging

AMP = "all_member_push"
TP = "timpush"
UA = "UserAttrs"  # [{To_Account, Attrs}]
UT = "UserTags"  # [{To_Account, Tags}]

# MsgRandom: "must not repeat within 7 days; the same MsgRandom is the same push task, so a
# failed call can be retried with it" (269/45934, 2024+); the English page only says it
# dedups within a second. The 7-day rule is used, for im_push and for timpush/push alike.
_PUSH_DEDUP = Dedup("MsgRandom", SEVEN_DAYS)
_CONDITION = obj("Condition")  # TagsAnd/TagsOr (<= 10 tags, <= 50 bytes) or AttrsAnd/AttrsOr
_SCHED: tuple[Field, ...] = (integer("Sdkappid", True, 1), integer("TaskID", True, 0),
                             choice("Type", "All", "Tag", "User", required=True))


# Reads answer one {To_Account, Attrs|Tags} object per user.
_READ_ATTRS = Batch("To_Account", 100, rows=UA, result_key="To_Account")
_READ_TAGS = Batch("To_Account", 100, rows=UT, result_key="To_Account")


def _users(field: str, summary: str, command: str, service: str = AMP,
           items: int | None = 100) -> Endpoint:
    """An attribute/tag write over users ({To_Account, Attrs|Tags} objects), 100 calls/s.
    Setting a value or removing one leaves the same state when repeated."""
    return write(service, command, summary, rate=100,
                 batch=Batch(field, items, item_key="To_Account"),
                 request=(array(field, items, True, "object"),))


ENDPOINTS: tuple[Endpoint, ...] = (
    # --- all-member push, legacy (all_member_push), pages 1047/37166-37175 ---------------------
    Endpoint(AMP, "im_push", "Push to all users or by tag/attribute", rate=1, retry="dedup",
             dedup=_PUSH_DEDUP, gateway_rate_limit=False,
             request=(u32("MsgRandom", True), msg_body(), uid("From_Account", required=False),
                      integer("MsgLifeTime", False, 0, MSG_LIFETIME_MAX), _CONDITION,
                      obj("OfflinePushInfo")),
             rate_note="100 pushes/day (all/tag/attribute combined); > 1 s between pushes"),
    # Slots "0".."9" -> names (<= 50 bytes); setting a slot overwrites its name.
    write(AMP, "im_set_attr_name", "Name the app's push attributes", rate=100,
          request=(obj("AttrNames", True),)),
    read(AMP, "im_get_attr_name", "Get the app's push attribute names", rate=100),
    read(AMP, "im_get_attr", "Get push attributes of up to 100 users", rate=100,
         batch=_READ_ATTRS, request=(uids("To_Account", 100),)),
    _users(UA, "Set push attributes of up to 100 users", "im_set_attr"),
    _users(UA, "Delete push attributes of up to 100 users", "im_remove_attr"),
    read(AMP, "im_get_tag", "Get tags of up to 100 users", rate=100,
         batch=_READ_TAGS, request=(uids("To_Account", 100),)),
    # <= 10 tags per user per call, <= 100 tags per user; adding a present tag keeps it.
    _users(UT, "Add tags to up to 100 users", "im_add_tag"),
    _users(UT, "Remove tags from up to 100 users", "im_remove_tag"),
    write(AMP, "im_remove_all_tags", "Remove all tags of up to 100 users", rate=100,
          destructive=True, batch=Batch("To_Account", 100),
          request=(uids("To_Account", 100),)),
    # --- push service (timpush) ----------------------------------------------------------------
    Endpoint(TP, "push", "Push to all users or by tag/attribute", rate=1, retry="dedup",
             dedup=_PUSH_DEDUP, gateway_rate_limit=False,
             request=(uid("From_Account"), u32("MsgRandom", True), flag("OnlineOnlyFlag"),
                      msg_body(required=False), _CONDITION, obj("OfflinePushInfo")),
             rate_note="1 push/s; free/trial editions 10/day, standard and advanced 100/day "
                       "(269/137903); body at most 10 KB (90056)"),
    # Its MsgRandom only dedups "within the same second", useless against a lost answer, so
    # a repeat would push twice: not re-sent. Rates count users: 269/137903 (2025) gives 30
    # users/s for free/trial, 500 standard, 800 advanced; 269/108906 said 30 calls/s. The
    # lowest newer figure is metered.
    once(TP, "batch", "Push to a list of up to 500 users", rate=30, rate_unit="items",
         batch=Batch("To_Account", 500, echo=("TaskId",)),
         request=(uid("From_Account"), uids("To_Account", 500), u32("MsgRandom", True),
                  obj("OfflinePushInfo", True), text("DataId", 64)),
         rate_note="users/s by edition: free/trial 30, standard 500, advanced 800"),
    # AttrTypes (slot -> 0 UserID / 1 RegistrationID) cannot change once set.
    write(TP, "set_attr_name", "Name the app's push attributes", rate=100,
          request=(obj("AttrNames", True), obj("AttrTypes"))),
    read(TP, "get_attr_name", "Get the app's push attribute names", rate=100),
    _users(UA, "Set push attributes of up to 100 users", "set_attr", TP),
    read(TP, "get_attr", "Get push attributes of up to 100 users", rate=100,
         batch=_READ_ATTRS, request=(uids("To_Account", 100),)),
    # The per-call maximum of the timpush variant is not documented.
    _users(UA, "Delete push attributes of users", "remove_attr", TP, None),
    _users(UT, "Add tags to up to 100 users", "add_tag", TP),
    read(TP, "get_tag", "Get tags of up to 100 users", rate=100,
         batch=_READ_TAGS, request=(uids("To_Account", 100),)),
    _users(UT, "Remove tags from up to 100 users", "remove_tag", TP),
    # Partial failures: ErrorList [{To_Account, ErrorCode (70107 not imported)}].
    write(TP, "clear_all_tags", "Remove all tags of up to 100 users", rate=100,
          destructive=True,
          batch=Batch("To_Account", 100, result="ErrorList", result_key="To_Account",
                      result_code="ErrorCode"),
          request=(uids("To_Account", 100),)),
    # Recalling twice answers 90050 "already recalled": done on a retry. Tasks < 24 h old.
    write(TP, "revoke", "Recall a push task", rate=1, gone_codes=frozenset({90050}),
          destructive=True,
          request=(text("TaskId", required=True), obj("OfflinePushInfo", True))),
    # Up to 5 TaskIDs, none = the overall figures, data of up to 30 days (1047/71894).
    read(TP, "all_member_push_statistics", "Get delivery statistics of push tasks", rate=1,
         request=(integer("StartTime", True, 0), integer("EndTime", True, 0),
                  array("TaskID", 5, True, "string"))),
    read(TP, "all_member_push_trace", "Trace a push task's delivery to one user", rate=1,
         request=(text("TaskID", required=True), uid("UserID"))),
    read(TP, "all_member_push_loss", "Get loss analysis of push tasks", rate=1,
         batch=Batch("TaskID", 5),  # an empty list = the overall figures
         request=(integer("StartTime", True, 0), integer("EndTime", True, 0),
                  array("TaskID", 5, True, "string"))),
    # --- scheduled push tasks (timpush), 5 calls/s each -----------------------------------------
    once(TP, "add_sched_task", "Create a scheduled push task", rate=5,
         request=(integer("Sdkappid", True, 1), choice("Type", "All", "Tag", "User",
                                                       required=True),
                  text("SchedAt", 19, True), obj("Content", True))),
    read(TP, "get_sched_task", "Get a scheduled push task", rate=5,
         request=(integer("Sdkappid", True, 1), integer("TaskID", True, 0))),
    # 269/130278 (en 1047/78840): only pending tasks; given fields replace the stored ones.
    write(TP, "modify_sched_task", "Modify a pending scheduled push task", rate=5,
          request=(*_SCHED, text("SchedAt", 19), obj("Content"))),
    # 269/130279 (en 1047/78841): only pending tasks. Deleting twice leaves it gone; the code
    # the second call answers is not in the excerpt read, so no gone code.
    write(TP, "delete_sched_task", "Delete a pending scheduled push task", rate=5,
          destructive=True, request=_SCHED),
    # 269/130281 (en 1047/78843): Offset from 0 and Want (> 0, no documented maximum), so
    # the walk ends on an empty page. BeginTime/EndTime are UTC 'YYYY-MM-DD HH:MM:SS'.
    # OrderBy: createAt/schedAt on cloud.tencent.com, createat/schedat on tencentcloud.com,
    # so its values are not checked locally.
    read(TP, "list_sched_task", "Page through scheduled push tasks", rate=5,
         paging=Paging("Tasks", carry=(("Offset", "@count"),), done="empty_page"),
         request=(integer("Sdkappid", True, 1), integer("Offset", True, 0),
                  integer("Want", True, 1), text("OrderBy", required=True),
                  Field("Asc", "boolean", True), text("BeginTime", 19, True),
                  text("EndTime", 19, True), text("Keyword"))),
)
