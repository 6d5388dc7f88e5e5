"""The shape of one endpoint spec. Pure data: imports nothing of timctl.

Read by the client (rate unit, retry class, dedup field), the bulk runner (batch field, maximum,
where per-item results live), the pager (cursor fields, end condition), local validation
(request schema), the emulator (routing, legacy names, limits) and `timctl api list`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

DEFAULT_RATE = 200.0  # calls/s per API per app unless the API page says otherwise

# How a lost response may be handled (see DESIGN.md "retry class"):
#   safe    reads and idempotent writes: retry anything transient
#   dedup   the server drops a repeat carrying the same `Dedup.field` within `Dedup.window`
#           seconds, so the client fills that field once and keeps it across retries
#   unsafe  never re-sent after the request may have reached the server: the outcome is
#           reported as unknown (connect failures, where nothing was sent, are still retried)
RetryClass = Literal["safe", "dedup", "unsafe"]
RETRY_CLASSES: tuple[str, ...] = ("safe", "dedup", "unsafe")

# What the limiter meters: calls, or items of the batch field (batchsendmsg counts recipients).
RateUnit = Literal["calls", "items"]

# How a paged walk knows it is done:
#   flag         response[done_field] == done_value (Complete == 1, CompleteFlag == 1, ...)
#   cursor_empty the next value of the last carry is 0, "" or missing: a response field, or the
#                computed "@min:"/"@max:" value (group_msg_get_simple: lowest MsgSeq 1 gives 0;
#                a page without items gives none)
#   short_page   fewer items than the requested page size came back
#   empty_page   a page with no items
DoneRule = Literal["flag", "cursor_empty", "short_page", "empty_page"]

FieldType = Literal["string", "integer", "number", "boolean", "array", "object", "any"]


@dataclass(frozen=True)
class Field:
    """One request field, checked locally before sending (and by the emulator)."""

    name: str
    type: FieldType = "any"
    required: bool = False
    items: FieldType | None = None  # element type of an array
    max_items: int | None = None  # documented maximum elements of an array
    max_bytes: int | None = None  # documented maximum UTF-8 bytes of a string
    user_id: bool = False  # a UserID (or array of them): 1-32 bytes, no control characters
    choices: tuple[Any, ...] = ()  # documented enumeration
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Batch:
    """The request field that carries many items, and where their outcomes come back."""

    field: str  # request field with the list of items (DeleteItem, To_Account, ...)
    max: int | None = None  # documented maximum items per call
    item_key: str | None = None  # key naming an item inside an object item (UserID); None: bare
    result: str | None = None  # response field with per-item outcomes (ResultItem, ErrorList)
    result_key: str | None = None  # key naming the item inside a result or rows object
    # Response field with each item's data when it is not `result` (query_online_status:
    # statuses in QueryResult, failures in ErrorList), keyed by `result_key` too
    rows: str | None = None
    # Answer fields that hold one value for the whole call, copied into each done item's
    # row (timpush/batch: the TaskId of the push to all its users)
    echo: tuple[str, ...] = ()
    result_code: str = "ResultCode"  # key of the per-item code inside a result object
    # Values of `result_code` that mean the item succeeded, compared as received: most APIs use
    # 0, some count up (add_group_member Result: 1 added, 2 already a member, 3 pending
    # approval, 0 failed) or answer a boolean (delete_cloud_audit_keywords Deleted: true).
    ok_codes: tuple[Any, ...] = (0,)
    # `result` is a bare list of the failed items' IDs (FailAccounts, Fail_Account). Lists of
    # result objects that leave out the successful items (ErrorList) need no flag: an item
    # without a result object succeeded.
    failed_list: bool = False
    splittable: bool = True  # False: the whole list must go in one call (set_group_attr)
    # True: chunks must be sent one after another, in input order (import_group_msg: each
    # message must be newer than the group's latest one), never concurrently
    ordered: bool = False


@dataclass(frozen=True)
class Paging:
    """How to walk every page: what to carry from a response into the next request."""

    items: str  # response list merged across pages (MemberList, MsgList, ...)
    # Other response lists that hold the items instead, depending on the request
    # (get_group_msg_receipt_detail: UnreadList when Filter is 1)
    items_alt: tuple[str, ...] = ()
    # (request field, source) pairs carried into the next request. The source is a response
    # field, or "@count" (request value + items on this page: offset paging), or
    # "@min:<item field>" (lowest value of that field on this page, minus one: MsgSeq paging
    # backwards), or "@max:<item field>" (highest value on this page, plus one: StartSeq paging)
    carry: tuple[tuple[str, str], ...] = ()
    done: DoneRule = "cursor_empty"
    done_field: str | None = None  # for done == "flag"
    done_value: Any = 1
    page_size: tuple[str, int] | None = None  # (request field, documented maximum)


@dataclass(frozen=True)
class Dedup:
    """The request field the server deduplicates on, and for how long."""

    field: str  # MsgRandom, Random, ...
    window: int  # seconds within which a repeat is dropped
    # Further request fields the server's duplicate key includes; like `field`, the client
    # fills each (a random uint32) before the first attempt when absent and keeps it on every
    # retry (sendmsg: the key is sender + MsgSeq + MsgRandom + content, and an absent MsgSeq
    # is filled by the server with a new random value on each attempt)
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class Endpoint:
    service: str
    command: str
    summary: str
    rate: float = DEFAULT_RATE  # documented limit: calls (or items) per `rate_period` per app
    rate_unit: RateUnit = "calls"
    rate_period: float = 1.0  # seconds
    retry: RetryClass = "unsafe"
    dedup: Dedup | None = None  # required when retry == "dedup"
    # Codes that mean "already done" when an idempotent write is retried after a lost
    # response: a delete/remove finding nothing (account_delete: 70107 per item), or a repeat
    # the server refuses (admin_msgwithdraw: 20023 already recalled). Only honoured on such a
    # retry; every endpoint with gone codes is retry "safe".
    gone_codes: frozenset[int] = frozenset()
    destructive: bool = False  # asks on a terminal, needs --yes otherwise
    batch: Batch | None = None
    paging: Paging | None = None
    request: tuple[Field, ...] = ()  # the fields worth checking locally
    legacy_paths: tuple[str, ...] = ()  # older "service/command" names still answered
    legacy_fields: tuple[tuple[str, str], ...] = ()  # (old name, current name) still accepted
    rate_note: str = ""  # documented limits the rate above cannot express
    # False: the service itself enforces the rate with a code of its own after its own
    # checks (pushes: 90024 "more than 1 s apart", answered after the MsgRandom dedup, so a
    # retry inside the second still gets its task), not the gateway's generic 60007.
    gateway_rate_limit: bool = True
    adhoc: bool = False  # not in the table: called by name through `timctl api`

    @property
    def name(self) -> str:
        return f"{self.service}/{self.command}"

    @property
    def path(self) -> str:
        return f"/v4/{self.service}/{self.command}"

    @property
    def batch_field(self) -> str | None:
        return self.batch.field if self.batch else None

    @property
    def batch_max(self) -> int | None:
        return self.batch.max if self.batch else None

    @property
    def calls_per_second(self) -> float:
        """The documented rate as calls/s (items-metered endpoints: assuming full batches)."""
        per_second = self.rate / self.rate_period
        if self.rate_unit == "items" and self.batch and self.batch.max:
            return per_second / self.batch.max
        return per_second
