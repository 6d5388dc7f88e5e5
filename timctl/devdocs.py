"""Generate docs/commands.md and completions/* from the CLI itself.

`python -m timctl.devdocs` rewrites them; tests fail when the checked-in copies are stale.
Never imported by the CLI at run time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

WIDTH = 100


def _walk(cmd: click.Command, ctx: click.Context) -> list[tuple[str, str]]:
    out = [(ctx.command_path, cmd.get_help(ctx))]
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(ctx):
            sub = cmd.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = click.Context(sub, info_name=name, parent=ctx,
                                    terminal_width=WIDTH, max_content_width=WIDTH)
            out.extend(_walk(sub, sub_ctx))
    return out


def command_reference() -> str:
    from timctl.cli import cli
    from timctl.cli.api import call

    root = click.Context(cli, info_name="timctl", terminal_width=WIDTH, max_content_width=WIDTH,
                         help_option_names=["-h", "--help"])
    sections = _walk(cli, root)
    # `timctl api SERVICE/COMMAND` is resolved dynamically; document it explicitly.
    api_cmd = cli.get_command(root, "api")
    assert api_cmd is not None
    api_ctx = click.Context(api_cmd, info_name="api", parent=root,
                            terminal_width=WIDTH, max_content_width=WIDTH)
    call_ctx = click.Context(call, info_name="SERVICE/COMMAND", parent=api_ctx,
                             terminal_width=WIDTH, max_content_width=WIDTH)
    sections.append((call_ctx.command_path, call.get_help(call_ctx)))
    sections.sort(key=lambda s: s[0])
    parts = [
        "# timctl command reference",
        "",
        "Generated from `--help` by `python -m timctl.devdocs`; a test fails when it is stale.",
        "",
    ]
    for path, text in sections:
        parts += [f"## {path}", "", "```", text.rstrip(), "```", ""]
    return "\n".join(parts)


def completion_files() -> dict[str, str]:
    from timctl.cli.completion import SHELLS, completion_script

    return {f"completions/timctl.{shell}": completion_script(shell) for shell in SHELLS}


def generated_files() -> dict[str, str]:
    return {"docs/commands.md": command_reference(), **completion_files()}


def main() -> int:
    """Run from the repository root."""
    for rel, text in generated_files().items():
        path = Path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {rel}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
