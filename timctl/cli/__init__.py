"""The root command: global options, lazy loading of sub-groups, one-line errors."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from timctl import __version__, exit_codes
from timctl.cli.context import AppContext

# name -> (module, attribute, one-line help). Sub-groups are imported only when used, so
# `timctl --help` never pays for requests, yaml, tabulate, sqlite3 or the emulator.
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "api": ("timctl.cli.api", "api", "Call any REST endpoint; list the endpoint table."),
    "completion": ("timctl.cli.completion", "completion", "Print a shell completion script."),
    "config": ("timctl.cli.config_cmd", "config_group", "Manage profiles and settings."),
    "emulator": ("timctl.cli.emulator_cmd", "emulator", "Run or reset the local emulator."),
    "help": ("timctl.cli.help_cmd", "help_", "Help topics: exit-codes, environment."),
    "users": ("timctl.cli.users", "users", "Import, check and delete accounts."),
    "usersig": ("timctl.cli.usersig", "usersig", "Generate, decode and verify UserSigs."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in SUBCOMMANDS:
            return None
        module, attr, _ = SUBCOMMANDS[name]
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            _fail("interrupted", exit_codes.INTERRUPTED)
        except Exception as exc:  # one line, never a traceback
            from timctl.errors import TimError
            from timctl.rest.redact import REDACT

            if isinstance(exc, TimError):
                _fail(REDACT(str(exc)), exc.exit_code)
            if os.environ.get("TIMCTL_DEBUG"):
                raise
            _fail(f"internal error: {REDACT(repr(exc))} (TIMCTL_DEBUG=1 shows a traceback; "
                  "please report it)", exit_codes.ERROR)


def _fail(message: str, code: int) -> None:
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    click.echo(f"timctl: error: {one_line}", err=True)
    sys.exit(code)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="timctl")
@click.option("-p", "--profile", envvar="TIMCTL_PROFILE",
              help="Profile to use [env TIMCTL_PROFILE].")
@click.option("-o", "--output", type=click.Choice(["table", "json", "yaml", "jsonl", "csv"]),
              help="Output format. Default: table on a terminal, json when piped.")
@click.option("--query", metavar="JMESPATH", help="Filter/reshape the result (JMESPath).")
@click.option("--fields", metavar="A,B", help="Columns for table/csv output.")
@click.option("--region", help="Region: china, singapore, seoul, tokyo, frankfurt, mumbai, "
              "silicon-valley, jakarta.")
@click.option("--endpoint", metavar="URL", help="Explicit base URL (emulator, proxy).")
@click.option("--dry-run", is_flag=True, help="Print the requests instead of sending them.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("-v", "--verbose", count=True, help="Log requests to stderr (-vv: with bodies).")
@click.option("--timeout", type=float, metavar="SECONDS", help="Per-request timeout [10].")
@click.option("--rate", type=float, metavar="N", help="Max calls/s per endpoint "
              "(default: the documented limit).")
@click.option("--max-attempts", type=int, metavar="N", help="Tries per request, with "
              "backoff on transient errors [3].")
@click.pass_context
def cli(ctx: click.Context, **options: Any) -> None:
    """timctl: admin and scripting CLI for the Tencent Cloud IM (Chat) REST API.

    With no profile configured, commands run against the embedded local emulator.
    Run `timctl config init` to point timctl at Tencent Cloud.
    """
    ctx.obj = AppContext(**options)


def main() -> None:
    cli(prog_name="timctl")
