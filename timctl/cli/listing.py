"""`--limit N` / `--all` for list commands, and the walk behind them.

List commands page through everything by default: the pager (timctl.rest.paging) follows the
endpoint's paging spec to the last page. `--limit N` stops after N items and asks for no more
pages than that needs (and for pages no bigger than N, when the page size is the caller's).
`--all` says the default out loud, for scripts that want to be explicit (as mmctl's list
commands); it cannot be combined with `--limit`.

    @click.command("members")
    @click.argument("group_id")
    @limit_options
    @output_options(known=[...])
    @pass_app
    def members(app: AppContext, group_id: str, limit: int | None) -> None:
        rows = collect(app, "group_open_http_svc/get_group_member_info",
                       {"GroupId": group_id}, limit)
        if rows is not None:  # None: --dry-run printed the first request instead
            app.emit(rows, columns=[...])

--query and --fields apply to the whole list, after every page has been gathered.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from timctl.cli.context import AppContext
    from timctl.endpoints import Endpoint

F = TypeVar("F", bound=Callable[..., Any])

LIMIT_HELP = "Stop after N items (default: every page)."


def limit_option(help: str = LIMIT_HELP) -> Callable[[F], F]:
    """`--limit N` (N >= 1), passed to the command as `limit` (None when not given)."""
    return click.option("--limit", "limit", type=click.IntRange(min=1), metavar="N",
                        default=None, help=help)


def limit_options(f: F) -> F:
    """`--limit N` and `--all`; the command receives only `limit` (None: every page)."""

    @functools.wraps(f)
    def checked(*args: Any, all_: bool = False, **kwargs: Any) -> Any:
        if all_ and kwargs.get("limit") is not None:
            raise click.UsageError("--all and --limit cannot be used together")
        return f(*args, **kwargs)

    checked = click.option("--all", "all_", is_flag=True,
                           help="Page through everything (the default).")(checked)
    return limit_option()(checked)  # type: ignore[return-value]


def collect(app: AppContext, endpoint: str | Endpoint, body: dict[str, Any],
            limit: int | None = None) -> list[dict[str, Any]] | None:
    """Every item of every page (at most `limit`); with --dry-run, print the first request
    and return None (the ones after it depend on the answers)."""
    from timctl.rest import paging

    client = app.client()
    ep = client.resolve(endpoint)
    first = paging.first_request(ep, body, limit)
    if app.dry_run:
        app.call(ep.name, first)
        return None
    return list(paging.items(client, ep, first, limit))
