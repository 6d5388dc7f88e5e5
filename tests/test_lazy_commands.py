"""Lazy command groups: `groups --help` (and messages, push) list their commands from a table
without importing the modules, and every table matches what the modules register."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from timctl.cli.lazy import LazyCommands

GROUPS = ["timctl.cli.groups:groups", "timctl.cli.messages:messages", "timctl.cli.push:push",
          "timctl.cli.users:users", "timctl.cli.emulator_cmd:emulator"]


def load(spec: str) -> LazyCommands:
    module, attr = spec.split(":")
    group = getattr(importlib.import_module(module), attr)
    assert isinstance(group, LazyCommands)
    return group


@pytest.mark.parametrize("spec", GROUPS)
def test_table_matches_the_registered_commands(spec: str) -> None:
    group = load(spec)
    for module in {module for module, _ in group.lazy.values()}:
        importlib.import_module(module)
    visible = {name for name, cmd in group.commands.items() if not cmd.hidden}
    assert visible == set(group.lazy), "every command in the table, and only those"
    hidden = {name for name, cmd in group.commands.items() if cmd.hidden}
    assert hidden == set(group.aliases), "hidden aliases resolve through the table"
    for name, (module, short) in group.lazy.items():
        cmd = group.commands[name]
        assert cmd.callback is not None and cmd.callback.__module__ == module or (
            hasattr(cmd, "commands")), f"{name} is registered by {module}"
        assert cmd.get_short_help_str(limit=200) == short


@pytest.mark.parametrize("spec", GROUPS)
def test_help_imports_no_command_module(spec: str) -> None:
    """A fresh interpreter: the group's help lists every command, loading none of them."""
    module, attr = spec.split(":")
    code = ("import sys; from timctl.cli import cli\n"
            f"try:\n    cli([{attr!r}, '--help'], prog_name='timctl')\n"
            "except SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    *help_lines, loaded = out.strip().splitlines()
    command_modules = {m for m, _ in load(spec).lazy.values()} - {module}
    assert command_modules.isdisjoint(loaded.split())
    listed = {line.split()[0] for line in help_lines if line.startswith("  ")
              and not line.strip().startswith("-")}
    assert set(load(spec).lazy) <= listed
