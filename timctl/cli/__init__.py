"""The root command: global options, lazy loading of sub-groups, one error path.

Every failure ends here as one line on stderr, `timctl: error: …`, with a documented exit
code (timctl.exit_codes): Click usage errors 2, TimError subclasses their own code, Ctrl-C
130, a closed stdout 141 quietly; anything else is a bug, 1, with a traceback only when
TIMCTL_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

from timctl import __version__, exit_codes
from timctl.cli.context import AppContext
from timctl.cli.options import attach_globals, root_options

# name -> (module, attribute, one-line help). Sub-groups are imported only when used, so
# `timctl --help` never pays for requests, yaml, tabulate, sqlite3 or the emulator.
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "api": ("timctl.cli.api", "api", "Call any REST endpoint; list the endpoint table."),
    "completion": ("timctl.cli.completion", "completion", "Print a shell completion script."),
    "config": ("timctl.cli.config_cmd", "config_group", "Manage profiles and settings."),
    "emulator": ("timctl.cli.emulator_cmd", "emulator", "Run or reset the local emulator."),
    "export-history": ("timctl.cli.export_history", "export_history",
                       "Export users, groups and messages as import-history JSONL."),
    "groups": ("timctl.cli.groups", "groups", "Create, inspect and provision groups."),
    "help": ("timctl.cli.help_cmd", "help_", "Help topics: exit-codes, environment."),
    "import-history": ("timctl.cli.import_history", "import_history",
                       "Validate and import users, groups and chat history."),
    "messages": ("timctl.cli.messages", "messages", "Send messages, read history."),
    "push": ("timctl.cli.push", "push", "Push to all or tagged users; manage audiences."),
    "revoke": ("timctl.cli.revoke", "revoke", "Recall one-to-one and group messages."),
    "users": ("timctl.cli.users", "users", "Import, check and delete accounts."),
    "usersig": ("timctl.cli.usersig", "usersig", "Generate, decode and verify UserSigs."),
}
# Singular and plural nouns both work (`timctl user check` = `timctl users check`).
ALIASES = {"user": "users", "group": "groups", "message": "messages"}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(SUBCOMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        name = ALIASES.get(name, name)
        if name not in SUBCOMMANDS:
            return None
        module, attr, _ = SUBCOMMANDS[name]
        return attach_globals(getattr(importlib.import_module(module), attr))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, SUBCOMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # Click would exit 1 on EPIPE; timctl ends quietly with the documented 141.
            raise _StdoutClosed() from None

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """Click's main, with timctl's one-line errors and exit codes."""
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (BrokenPipeError, _StdoutClosed):
            _closed_stdout()
        except click.exceptions.Exit as exc:  # raised by some Click paths even so
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            hint = f" (see: {exc.ctx.command_path} --help)" if exc.ctx else ""
            _fail(exc.format_message() + hint, exit_codes.USAGE)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            _fail("interrupted", exit_codes.INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - one line, never a traceback
            _unexpected(exc)
        sys.exit(result if isinstance(result, int) else exit_codes.OK)


class _StdoutClosed(Exception):
    """stdout's reader went away (`| head`)."""


def _unexpected(exc: Exception) -> NoReturn:
    from timctl.errors import TimError
    from timctl.rest.redact import REDACT

    if isinstance(exc, TimError):
        _fail(REDACT(str(exc)), exc.exit_code)
    if isinstance(exc, OSError) and exc.strerror:  # a file or device problem, not a bug
        where = f"{exc.filename}: " if exc.filename else ""
        _fail(REDACT(f"{where}{exc.strerror}"), exit_codes.ERROR)
    if os.environ.get("TIMCTL_DEBUG"):
        raise exc
    _fail(f"internal error: {REDACT(repr(exc))} (TIMCTL_DEBUG=1 shows a traceback; "
          "please report it)", exit_codes.ERROR)


def _fail(message: str, code: int) -> NoReturn:
    one_line = " ".join(part.strip() for part in message.splitlines() if part.strip())
    with contextlib.suppress(BrokenPipeError, ValueError):  # stderr closed too
        click.echo(f"timctl: error: {one_line}", err=True)
    sys.exit(code)


def _closed_stdout() -> NoReturn:
    """`timctl … | head`: stop quietly. Point stdout at /dev/null so the interpreter's own
    flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(exit_codes.PIPE)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="timctl")
@root_options
@click.pass_context
def cli(ctx: click.Context, **options: Any) -> None:
    """timctl: admin and scripting CLI for the Tencent Cloud IM (Chat) REST API.

    With no profile configured, commands run against the embedded local emulator.
    Run `timctl config init` to point timctl at Tencent Cloud. Global options work before
    or after the subcommand (`timctl users check a -p prod`).
    """
    ctx.obj = AppContext(**options)


def main() -> None:
    cli(prog_name="timctl")
