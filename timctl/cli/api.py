"""timctl api: the raw escape hatch (any endpoint, whole client) and the endpoint table."""

from __future__ import annotations

import click

from timctl import endpoints
from timctl.cli.context import AppContext
from timctl.cli.inputs import read_json_body
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
@output_options
@dry_run_option
@pass_app
def call(app: AppContext, data: str | None) -> None:
    """Call SERVICE/COMMAND with a JSON body; prints the whole response.

    A SERVICE/COMMAND missing from the endpoint table is still called (a new endpoint need
    not wait for a release), with a notice, at the default rate, and never re-sent after a
    lost answer.
    """
    name = click.get_current_context().info_name or ""
    if endpoints.get(name) is None:
        try:
            endpoints.adhoc(name)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        app.log(f"timctl: note: {endpoints.canonical_name(name)} is not in timctl's endpoint "
                "table: calling it as given, without retries after a lost answer")
    body = read_json_body(data)
    resp = app.call(name, body, allow_unknown=True)
    if resp is not None:
        app.emit(resp, default_format="json")


api.extra_commands = [call]  # type: ignore[attr-defined]  # gets the global options too
