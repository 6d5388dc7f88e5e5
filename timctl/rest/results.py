"""Per-item outcomes of a batch call, read from where the endpoint's spec says they live.

On a retry after a lost answer, an idempotent delete's "already gone" code (spec.gone_codes)
counts as done: the first attempt did the work, the retry found nothing left to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
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
    """One result per requested item, in request order (duplicates answered once each). Each
    carries the item's data row where the answer has one; an endpoint that takes one item
    per call gets the whole answer as its row. Answer fields the spec's Batch.echo names
    (one value for the whole call, e.g. timpush/batch's TaskId) join every done item's row."""
    results = _item_results(ep, response, items)
    echo = ep.batch.echo if ep.batch else ()
    shared = {k: response[k] for k in echo if k in response}
    if not shared:
        return results
    return [replace(r, row={**(r.row or {}), **shared}) if r.ok else r for r in results]


def _item_results(ep: Endpoint, response: dict[str, Any],
                  items: Sequence[str]) -> list[ItemResult]:
    batch = ep.batch
    if batch is None:
        return [ItemResult(i, 0, row=dict(response)) for i in items]
    repeated = bool(getattr(response, "maybe_repeated", False))
    data = _by_key(response.get(batch.rows), batch.result_key) if batch.rows else {}
    if batch.result is None:
        return [ItemResult(i, 0, row=data.get(i)) for i in items]
    found = response.get(batch.result) or []
    if batch.failed_list:
        failed = {str(x) for x in found if not isinstance(x, dict)}
        return [ItemResult(i, -1 if i in failed else 0, "failed" if i in failed else "",
                           data.get(i)) for i in items]
    results = _by_key(found, batch.result_key)
    out = []
    for item in items:
        row = results.get(item)
        if row is None:  # lists that carry only failures (ErrorList): the item succeeded
            out.append(ItemResult(item, 0, row=data.get(item)))
            continue
        value = row.get(batch.result_code, batch.ok_codes[0])
        # a failure the API may spell as 0 or false (add_group_member Result 0) reads as -1
        code = 0 if value in batch.ok_codes else _int(value) or -1
        if repeated and code in ep.gone_codes:
            code = 0
        info = str(row.get("ResultInfo") or row.get("ErrorInfo")
                   or (f"{batch.result_code} {value}" if code else ""))
        out.append(ItemResult(item, code, "" if code == 0 else info, data.get(item, row)))
    return out


def _by_key(rows: Any, key: str | None) -> dict[str, dict[str, Any]]:
    """Result objects by the item they name (the first one wins for a repeated item)."""
    found: dict[str, dict[str, Any]] = {}
    if isinstance(rows, list) and key:
        for row in rows:
            if isinstance(row, dict):
                found.setdefault(str(row.get(key)), row)
    return found


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1
