"""timctl completion SHELL: print the completion script (Click's own completion)."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


def completion_script(shell: str) -> str:
    from click.shell_completion import get_completion_class

    from timctl.cli import cli

    cls = get_completion_class(shell)
    if cls is None:
        raise click.BadParameter(f"unsupported shell {shell!r}")
    return cls(cli, {}, "timctl", "_TIMCTL_COMPLETE").source()


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (see README: Shell completion)."""
    click.echo(completion_script(shell), nl=False)
