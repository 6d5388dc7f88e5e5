"""timctl api: the raw escape hatch (any endpoint, whole client) and the endpoint table."""

from __future__ import annotations

import json
from typing import Any

import click

from timctl import endpoints
from timctl.cli.context import AppContext
from timctl.cli.inputs import read_json_body
from timctl.cli.listing import limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError


class ApiGroup(click.Group):
    """`api list` is a sub-command; any `service/command` name runs the raw call."""

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if "/" in name:
            return call
        return super().get_command(ctx, name)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "SERVICE/COMMAND [-d JSON|@FILE|-] | list")


@click.group(cls=ApiGroup)
def api() -> None:
    """Call any REST endpoint with the profile's signing, retries, rate limit and output.

    \b
    timctl api im_open_login_svc/account_check -d '{"CheckItem":[{"UserID":"alice"}]}'
    timctl api profile/portrait_get -d @body.json
    echo '{}' | timctl api openconfigsvr/getappinfo -d -
    timctl api group_open_http_svc/get_group_member_info -d '{"GroupId":"g"}' --paginate
    timctl api list
    """


@api.command("list")
@click.argument("service", required=False)
@output_options(known=["endpoint", "rate", "unit", "batch_field", "batch_max", "paging",
                       "retry", "destructive", "emulated", "summary", "rate_note"])
@pass_app
def list_(app: AppContext, service: str | None) -> None:
    """List the endpoint table: rate limit, batch field and size, paging, retry class, and
    whether the local emulator implements it."""
    emulated = _emulated()
    rows = [
        {
            "endpoint": e.name, "rate": int(e.rate) if e.rate == int(e.rate) else e.rate,
            "unit": _unit(e), "batch_field": e.batch_field, "batch_max": e.batch_max,
            "paging": "yes" if e.paging else "", "retry": e.retry,
            "destructive": e.destructive, "emulated": e.name in emulated,
            "summary": e.summary, **({"rate_note": e.rate_note} if e.rate_note else {}),
        }
        for e in endpoints.ENDPOINTS
        if service is None or e.service == service
    ]
    if service and not rows:
        raise UsageError(f"no endpoints for service {service!r} (services: "
                         f"{', '.join(endpoints.services())})")
    app.emit(rows, columns=["endpoint", "rate", "unit", "batch_max", "retry", "emulated",
                            "summary"])


def _unit(e: endpoints.Endpoint) -> str:
    per = "s" if e.rate_period == 1 else f"{e.rate_period:g}s"
    return f"{e.rate_unit}/{per}"


def _emulated() -> set[str]:
    from timctl.emulator import services

    return set(services.implemented())


@click.command("call")
@click.option("-d", "--data", "data", metavar="JSON|@FILE|-", default=None,
              help="Request body: inline JSON, @FILE, or - for stdin. Default: {}.")
@click.option("--paginate", is_flag=True,
              help="Walk every page (endpoints with paging in the table) and print the "
                   "merged result.")
@limit_option("With --paginate: stop after N items.")
@output_options
@dry_run_option
@pass_app
def call(app: AppContext, data: str | None, paginate: bool, limit: int | None) -> None:
    """Call SERVICE/COMMAND with a JSON body; prints the whole response.

    A SERVICE/COMMAND missing from the endpoint table is still called (a new endpoint need
    not wait for a release), with a notice, at the default rate, and never re-sent after a
    lost answer.

    --paginate follows the endpoint's cursor to the last page (the page size, when the body
    has none, is the documented maximum). json/yaml print one object like the first
    response, its list holding every page's items, with the last page's cursor fields;
    jsonl prints one line per item as pages arrive; table/csv one row per item. --query
    applies to that object (json/yaml) or to the list of items (jsonl/table/csv).
    --limit N (with --paginate) stops after N items.
    """
    name = click.get_current_context().info_name or ""
    if paginate or limit is not None:
        _check_paginate(name, paginate)
    if endpoints.get(name) is None:
        try:
            endpoints.adhoc(name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        app.log(f"timctl: note: {endpoints.canonical_name(name)} is not in timctl's endpoint "
                "table: calling it as given, without retries after a lost answer")
    body = read_json_body(data)
    if paginate:
        _paginate(app, name, body, limit)
        return
    resp = app.call(name, body, allow_unknown=True)
    if resp is not None:
        app.emit(resp, default_format="json")


def _check_paginate(name: str, paginate: bool) -> None:
    """--paginate needs an endpoint whose paging the table describes (before anything is
    read or sent)."""
    if not paginate:
        raise UsageError("--limit needs --paginate")
    ep = endpoints.get(name)
    if ep is None:
        raise UsageError(f"--paginate: {endpoints.canonical_name(name)} is not in timctl's "
                         "endpoint table, so how it pages is unknown")
    if ep.paging is None:
        raise UsageError(f"--paginate: {ep.name} does not page")


def _paginate(app: AppContext, name: str, body: dict[str, Any], limit: int | None) -> None:
    from timctl.rest import paging

    ep = endpoints.get(name)
    assert ep is not None
    first = paging.first_request(ep, body, limit)
    if app.dry_run:  # the pages after the first depend on the answers
        app.call(ep.name, first)
        return
    client = app.client()
    fmt = app.output_format("json")
    if fmt in ("json", "yaml"):
        app.emit(paging.merged(client, ep, first, limit), default_format="json")
    elif fmt == "jsonl" and not app.query:  # streamed: a long walk shows up as it goes
        for item in paging.items(client, ep, first, limit):
            click.echo(json.dumps(item, ensure_ascii=False))
    else:
        app.emit(list(paging.items(client, ep, first, limit)), default_format="json")


api.extra_commands = [call]  # type: ignore[attr-defined]  # gets the global options too
