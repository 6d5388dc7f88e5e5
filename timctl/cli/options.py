"""Shared option decorators. Leaf options override the same global ones given earlier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from timctl.cli.context import AppContext

F = TypeVar("F", bound=Callable[..., Any])


def _store(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value not in (None, False, ()):
            setattr(ctx.ensure_object(AppContext), attr, value)

    return callback


def output_options(f: F) -> F:
    """-o/--output, --query, --fields on a leaf command (same meaning as the global ones)."""
    for opt in reversed([
        click.option("-o", "--output", type=click.Choice(["table", "json", "yaml", "jsonl", "csv"]),
                     expose_value=False, callback=_store("output"),
                     help="Output format. Default: table on a terminal, json when piped."),
        click.option("--query", metavar="JMESPATH", expose_value=False, callback=_store("query"),
                     help="Filter/reshape the result (JMESPath)."),
        click.option("--fields", metavar="A,B", expose_value=False, callback=_store("fields"),
                     help="Columns for table/csv output."),
    ]):
        f = opt(f)
    return f


def dry_run_option(f: F) -> F:
    return click.option("--dry-run", is_flag=True, expose_value=False,
                        callback=_store("dry_run"),
                        help="Print the requests instead of sending them.")(f)


def yes_option(f: F) -> F:
    return click.option("-y", "--yes", is_flag=True, expose_value=False, callback=_store("yes"),
                        help="Do not ask for confirmation (required when not on a terminal).")(f)


pass_app = click.make_pass_decorator(AppContext, ensure=True)
