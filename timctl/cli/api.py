"""timctl api: the raw escape hatch (any endpoint, whole client) and the endpoint table."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from timctl import endpoints
from timctl.cli.context import AppContext
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
    timctl api list
    """


@api.command("list")
@click.argument("service", required=False)
@output_options
@pass_app
def list_(app: AppContext, service: str | None) -> None:
    """List the endpoint table: rate limit, batch field and size, paging."""
    rows = [
        {
            "endpoint": e.name, "rate": int(e.rate) if e.rate == int(e.rate) else e.rate,
            "batch_field": e.batch_field, "batch_max": e.batch_max,
            "paging": "yes" if e.paging else "", "retry": e.retry, "summary": e.summary,
            **({"rate_note": e.rate_note} if e.rate_note else {}),
        }
        for e in endpoints.ENDPOINTS
        if service is None or e.service == service
    ]
    if service and not rows:
        raise UsageError(f"no endpoints for service {service!r}")
    app.emit(rows, columns=["endpoint", "rate", "batch_field", "batch_max", "paging", "retry",
                            "summary"])


@click.command("call", context_settings={"ignore_unknown_options": False})
@click.option("-d", "--data", "data", metavar="JSON|@FILE|-", default=None,
              help="Request body: inline JSON, @FILE, or - for stdin. Default: {}.")
@output_options
@dry_run_option
@pass_app
def call(app: AppContext, data: str | None) -> None:
    """Call SERVICE/COMMAND with a JSON body; prints the whole response."""
    name = click.get_current_context().info_name or ""
    if endpoints.get(name) is None:  # refuse before reading config or sending anything
        raise UsageError(f"unknown endpoint {name!r} (see: timctl api list)")
    body = _read_body(data)
    resp = app.call(name, body)
    if resp is not None:
        app.emit(resp, default_format="json")


def _read_body(data: str | None) -> dict[str, Any]:
    if data is None:
        return {}
    if data == "-":
        source, text = "stdin", sys.stdin.read()
    elif data.startswith("@"):
        source = data[1:]
        try:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            raise UsageError(f"{source}: {exc.strerror}") from None
    else:
        source, text = "-d", data
    try:
        body = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise UsageError(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(body, dict):
        raise UsageError(f"{source}: the body must be a JSON object")
    return body
