"""Per-item outcomes of a batch call, read from where the endpoint's spec says they live.

On a retry after a lost answer, an idempotent delete's "already gone" code (spec.gone_codes)
counts as done: the first attempt did the work, the retry found nothing left to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from timctl.endpoints import Endpoint


@dataclass(frozen=True)
class ItemResult:
    item: str  # the item's ID as sent
    code: int  # 0: done (whatever value the API uses for success is read as 0)
    info: str = ""
    row: dict[str, Any] | None = None  # the per-item result object, when there is one

    @property
    def ok(self) -> bool:
        return self.code == 0


def item_results(ep: Endpoint, response: dict[str, Any], items: Sequence[str]) -> list[ItemResult]:
    """One result per requested item, in request order (duplicates answered once each)."""
    batch = ep.batch
    if batch is None or batch.result is None:
        return [ItemResult(i, 0) for i in items]
    repeated = bool(getattr(response, "maybe_repeated", False))
    found = response.get(batch.result) or []
    if batch.failed_list:
        failed = {str(x) for x in found if not isinstance(x, dict)}
        return [ItemResult(i, -1 if i in failed else 0, "failed" if i in failed else "")
                for i in items]
    by_id: dict[str, dict[str, Any]] = {}
    for row in found:
        if isinstance(row, dict) and batch.result_key:
            by_id.setdefault(str(row.get(batch.result_key)), row)
    out = []
    for item in items:
        row = by_id.get(item)
        if row is None:
            out.append(ItemResult(item, 0))  # lists that carry only failures
            continue
        value = row.get(batch.result_code, batch.ok_codes[0])
        # a failure the API may spell as 0 or false (add_group_member Result 0) reads as -1
        code = 0 if value in batch.ok_codes else _int(value) or -1
        if repeated and code in ep.gone_codes:
            code = 0
        info = str(row.get("ResultInfo") or row.get("ErrorInfo")
                   or (f"{batch.result_code} {value}" if code else ""))
        out.append(ItemResult(item, code, "" if code == 0 else info, row))
    return out


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
