"""The pager: walks any endpoint's `paging` spec (timctl.endpoints.spec.Paging) to the end.

    for page in pages(client, "group_open_http_svc/get_appid_group_list", {}): ...
    for item in items(client, spec, body, limit=500): ...
    result = merged(client, spec, body)  # the first answer, holding every page's items

Each page is one `Client.call`, so it is signed, rate-limited and retried by the endpoint's
retry class (every paged row is a read: a lost answer is asked again, and the pager only ever
sees the one answer it got, so a retried page never duplicates items). Pages are fetched
lazily: a consumer that stops (a `limit`, `| head`) sends no further call.

The next request is the previous one with the spec's `carry` fields replaced:

    response field  the value the server returned (Next, NextStartIndex, LastMsgKey, ...)
    @count          request value + items on this page (offset paging)
    @min:F / @max:F lowest F on this page - 1 / highest F + 1 (MsgSeq backwards, StartSeq)

The walk ends by the spec's `done` rule (see DoneRule in spec.py). A page-size field the caller
left out is set to the documented maximum (or to `limit`, when that is smaller), and one above
the maximum is lowered to it. A server that sends the walk back to a cursor it has already
asked for would page forever: that is a NetworkError naming the endpoint instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from timctl.endpoints import Endpoint, Paging
from timctl.errors import NetworkError, UsageError

if TYPE_CHECKING:
    from timctl.rest.client import ApiResponse, Client

Body = dict[str, Any]


def paging_of(endpoint: Endpoint) -> Paging:
    """The endpoint's paging spec; a usage error for an endpoint that does not page."""
    if endpoint.paging is None:
        raise UsageError(f"{endpoint.name} does not page (see: timctl api list)")
    return endpoint.paging


def first_request(endpoint: Endpoint, body: Body | None, limit: int | None = None) -> Body:
    """The first page's body: the page size filled in (at most the documented maximum, and no
    more than `limit` items when that is smaller), everything else as given."""
    spec = paging_of(endpoint)
    request = dict(body or {})
    if spec.page_size is None:
        return request
    field, maximum = spec.page_size
    given = request.get(field)
    if given is None:
        request[field] = min(maximum, limit) if limit else maximum
    elif _is_int(given) and given > maximum:
        request[field] = maximum
    return request


def pages(client: Client, endpoint: str | Endpoint, body: Body | None = None, *,
          limit: int | None = None) -> Iterator[ApiResponse]:
    """Every page's response, in order, until the spec's done rule says the walk is over.
    `limit` only sizes the pages (see first_request); `items` is what stops early."""
    ep = client.resolve(endpoint)
    spec = paging_of(ep)
    request = first_request(ep, body, limit)
    seen: dict[str, int] = {}  # cursor -> the page that asked for it
    number = 0
    while True:
        number += 1
        seen[_cursor(spec, request)] = number
        response = client.call(ep, request)
        yield response
        page = page_items(spec, response, ep.name)
        following = _next_request(ep, spec, request, response, page, number)
        if following is None:
            return
        earlier = seen.get(_cursor(spec, following))
        if earlier is not None:
            raise NetworkError(
                f"{ep.name}: the server is not advancing: after page {number} it sends the "
                f"walk back to {_describe(spec, following)}, already asked for by page "
                f"{earlier}; stopping")
        request = following


def items(client: Client, endpoint: str | Endpoint, body: Body | None = None,
          limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The items of every page, in order; stops (and sends nothing more) after `limit`."""
    for _, page in _walk(client, endpoint, body, limit):
        yield from page


def merged(client: Client, endpoint: str | Endpoint, body: Body | None = None,
           limit: int | None = None) -> dict[str, Any]:
    """One object like the first response, its items list holding every page's items (at
    most `limit`), with the last page's cursor and end-flag fields."""
    ep = client.resolve(endpoint)
    spec = paging_of(ep)
    result: dict[str, Any] = {}
    key = spec.items
    gathered: list[Any] = []
    for response, page in _walk(client, ep, body, limit):
        if not result:
            result = dict(response)
            key = items_key(spec, response)
        gathered.extend(page)
        for field in _cursor_fields(spec):
            if field in response:
                result[field] = response[field]
    result[key] = gathered
    return result


def page_items(spec: Paging, response: dict[str, Any], endpoint: str = "") -> list[Any]:
    """This page's items: the spec's list, or the first alternative list the answer holds."""
    key = items_key(spec, response)
    value = response.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        where = f"{endpoint}: " if endpoint else ""
        raise NetworkError(f"{where}{key} in the answer is not a list")
    return value


def items_key(spec: Paging, response: dict[str, Any]) -> str:
    for key in (spec.items, *spec.items_alt):
        if key in response:
            return key
    return spec.items


# ------------------------------------------------------------------------------ internals


def _walk(client: Client, endpoint: str | Endpoint, body: Body | None,
          limit: int | None) -> Iterator[tuple[ApiResponse, list[Any]]]:
    """(response, its items) per page, the items cut so that at most `limit` come out in all.
    Returns right after the page that reaches the limit, before the next one is asked for."""
    if limit is not None and limit <= 0:
        return
    ep = client.resolve(endpoint)
    spec = paging_of(ep)
    left = limit
    for response in pages(client, ep, body, limit=limit):
        page = page_items(spec, response, ep.name)
        if left is not None:
            page = page[:left]
            left -= len(page)
        yield response, page
        if left == 0:
            return


def _next_request(ep: Endpoint, spec: Paging, request: Body, response: dict[str, Any],
                  page: list[Any], number: int) -> Body | None:
    """The request for the page after this one, or None when the walk is over."""
    following = dict(request)
    for field, source in spec.carry:
        following[field] = _carried(source, request.get(field), response, page)
    if _done(spec, request, response, page, following):
        return None
    missing = [src for field, src in spec.carry if following[field] is None]
    if missing:
        raise NetworkError(f"{ep.name}: page {number} is not the last, but its answer has no "
                           f"{', '.join(missing)} to continue from; stopping")
    return following


def _carried(source: str, sent: Any, response: dict[str, Any], page: list[Any]) -> Any:
    """The next value of one carried field (None: the answer gives none)."""
    if source == "@count":
        return (sent if _is_int(sent) else 0) + len(page)
    if source.startswith(("@min:", "@max:")):
        field = source[5:]
        values = [item[field] for item in page
                  if isinstance(item, dict) and _is_int(item.get(field))]
        if not values:
            return None
        return min(values) - 1 if source.startswith("@min:") else max(values) + 1
    return response.get(source)


def _done(spec: Paging, request: Body, response: dict[str, Any], page: list[Any],
          following: Body) -> bool:
    if spec.done == "flag":
        return spec.done_field is not None and response.get(spec.done_field) == spec.done_value
    if spec.done == "cursor_empty":
        if not spec.carry:
            return True
        return following[spec.carry[-1][0]] in (None, 0, "")
    if spec.done == "short_page" and spec.page_size is not None:
        asked = request.get(spec.page_size[0])
        if isinstance(asked, int) and not isinstance(asked, bool):
            return len(page) < asked
    return not page  # empty_page, or a short_page rule without a known page size


def _cursor(spec: Paging, request: Body) -> str:
    """The carried fields of a request, as a key: the same key twice means no progress."""
    return json.dumps([request.get(field) for field, _ in spec.carry], sort_keys=True,
                      default=str)


def _describe(spec: Paging, request: Body) -> str:
    return ", ".join(f"{field}={json.dumps(request.get(field), ensure_ascii=False)}"
                     for field, _ in spec.carry) or "the same request"


def _cursor_fields(spec: Paging) -> list[str]:
    """Response fields that say where the walk stands (taken from the last page)."""
    fields = [source for _, source in spec.carry if not source.startswith("@")]
    if spec.done_field:
        fields.append(spec.done_field)
    return fields


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
