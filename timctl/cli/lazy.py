"""Command groups whose commands live in modules imported only when one of them is used.

`timctl groups --help` then reads a table instead of importing every groups_* module (and
what they import), so it costs about what `import click` does. Each module still registers
its commands with the group's decorators (`@groups.command(...)`); the table says which
module holds which command, and holds its one-line help (the one place it is written: a
registered command takes it as its short_help). tests/test_lazy_commands.py checks every
table against the commands its modules really register.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

import click

from timctl.cli.options import attach_globals


class LazyCommands(click.Group):
    """A click.Group with `lazy={name: (module, short help)}`: `module` is imported the first
    time `name` is looked up; help pages list the table's short help."""

    def __init__(self, *args: Any, lazy: Mapping[str, tuple[str, str]] | None = None,
                 aliases: Mapping[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = dict(lazy or {})
        self.aliases = dict(aliases or {})  # hidden name -> the listed name whose module has it

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        name = name or cmd.name
        if name in self.lazy and cmd.short_help is None:
            cmd.short_help = self.lazy[name][1]
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        listed = self.aliases.get(name, name)
        if name not in self.commands and listed in self.lazy:
            importlib.import_module(self.lazy[listed][0])
        cmd = self.commands.get(name)
        # the root gave this group its hidden global options before the command existed
        return attach_globals(cmd) if cmd is not None else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = [n for n in self.list_commands(ctx) if not self._hidden(n)]
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = [(n, self._short_help(n, limit)) for n in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def _short_help(self, name: str, limit: int) -> str:
        if name in self.lazy:
            return self.lazy[name][1]  # one short sentence: wrapped, never cut
        return self.commands[name].get_short_help_str(limit=limit)

    def _hidden(self, name: str) -> bool:
        cmd = self.commands.get(name)
        return cmd is not None and cmd.hidden
