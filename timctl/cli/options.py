"""Global options and their checks, accepted before or after the subcommand.

`timctl -p prod users check a` and `timctl users check a -p prod` mean the same: the root
group declares every global option, and `attach_globals` adds hidden copies to every leaf
command (a value given later, on the leaf, wins). Values are checked by their Click types,
so a bad one is a usage error (exit 2) before anything is read or sent.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from timctl.cli.context import AppContext
from timctl.endpoint_url import endpoint_problem

F = TypeVar("F", bound=Callable[..., Any])

OUTPUT_FORMATS = ("table", "json", "yaml", "jsonl", "csv")
REGIONS = ("china", "singapore", "seoul", "tokyo", "frankfurt", "mumbai", "silicon-valley",
           "jakarta")


class PositiveNumber(click.ParamType):
    """A finite number > 0 (rejects nan, inf, 0 and negatives)."""

    name = "number"

    def __init__(self, maximum: float | None = None) -> None:
        self.maximum = maximum

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, float):
            number = value
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"{value!r} must be a finite number greater than 0", param, ctx)
        if self.maximum is not None and number > self.maximum:
            self.fail(f"{value!r} is more than {self.maximum:g}", param, ctx)
        return number


class EndpointURL(click.ParamType):
    """http(s)://HOST[:PORT][/PATH], or emulator:PATH (the emulator in-process)."""

    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        problem = endpoint_problem(str(value))
        if problem:
            self.fail(problem, param, ctx)
        return str(value).rstrip("/")


class JmesPath(click.ParamType):
    """A JMESPath expression, compiled when parsed so a typo fails before any call."""

    name = "jmespath"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            jmespath.compile(str(value))
        except JMESPathError as exc:
            self.fail(str(exc).splitlines()[0], param, ctx)
        return str(value)


class FieldList(click.ParamType):
    """Comma-separated column names."""

    name = "a,b"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        names = [f.strip() for f in str(value).split(",")]
        if not any(names) or not all(names):
            self.fail(f"{value!r}: expected column names separated by commas", param, ctx)
        return ",".join(names)


# (attribute, param decls, keyword arguments): the global options, in --help order.
GLOBALS: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [
    ("profile", ("-p", "--profile"), {"metavar": "NAME",
                                      "help": "Profile to use [env TIMCTL_PROFILE]."}),
    ("output", ("-o", "--output"), {"type": click.Choice(OUTPUT_FORMATS),
                                    "help": "Output format. Default: table on a terminal, json "
                                            "when piped."}),
    ("query", ("--query",), {"type": JmesPath(), "metavar": "JMESPATH",
                             "help": "Filter/reshape the result (JMESPath)."}),
    ("fields", ("--fields",), {"type": FieldList(), "metavar": "A,B",
                               "help": "Columns for table/csv output."}),
    ("region", ("--region",), {"type": click.Choice(REGIONS), "help": "Data center."}),
    ("endpoint", ("--endpoint",), {"type": EndpointURL(), "metavar": "URL",
                                   "help": "Explicit base URL (emulator, proxy)."}),
    ("dry_run", ("--dry-run",), {"is_flag": True,
                                 "help": "Print the requests instead of sending them."}),
    ("yes", ("-y", "--yes"), {"is_flag": True, "help": "Do not ask for confirmation."}),
    ("verbose", ("-v", "--verbose"), {"count": True,
                                      "help": "Log requests to stderr (-vv: with bodies)."}),
    ("timeout", ("--timeout",), {"type": PositiveNumber(3600), "metavar": "SECONDS",
                                 "help": "Per-request timeout [10]."}),
    ("rate", ("--rate",), {"type": PositiveNumber(), "metavar": "N",
                           "help": "Max calls/s per endpoint (default: the documented limit)."}),
    ("max_attempts", ("--max-attempts",), {"type": click.IntRange(1, 100), "metavar": "N",
                                           "help": "Tries per request, with backoff on "
                                                   "transient errors [5]."}),
]
OUTPUT_ATTRS = ("output", "query", "fields")


def root_options(f: F) -> F:
    """Decorate the root group with every global option (values go to AppContext)."""
    for attr, decls, kw in reversed(GLOBALS):
        f = click.option(*decls, attr, **kw)(f)
    return f


def _store(attr: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value in (None, False, (), 0):
            return
        app = ctx.ensure_object(AppContext)
        if attr == "verbose":
            value = max(value, app.verbose)
        setattr(app, attr, value)

    return callback


def _leaf_kwargs(attr: str, *, hidden: bool) -> tuple[tuple[str, ...], dict[str, Any]]:
    for name, decls, kw in GLOBALS:
        if name == attr:
            return decls, {**kw, "expose_value": False, "callback": _store(attr),
                           "hidden": hidden}
    raise KeyError(attr)


def attach_globals(cmd: click.Command) -> click.Command:
    """Give `cmd` and every command under it hidden copies of the global options it lacks."""
    if getattr(cmd, "_timctl_globals", False):
        return cmd
    cmd._timctl_globals = True  # type: ignore[attr-defined]
    if isinstance(cmd, click.Group):
        for sub in [*cmd.commands.values(), *getattr(cmd, "extra_commands", ())]:
            attach_globals(sub)
    taken = {opt for p in cmd.params for opt in getattr(p, "opts", [])}
    for attr, decls, _ in GLOBALS:
        if not taken.intersection(decls):
            decls, kw = _leaf_kwargs(attr, hidden=True)
            cmd.params.append(click.Option(list(decls), **kw))
    return cmd


def _leaf(attr: str, f: F) -> F:
    decls, kw = _leaf_kwargs(attr, hidden=False)
    return click.option(*decls, **kw)(f)


def output_options(known: Any = None) -> Any:
    """-o/--query/--fields, shown on a data command: `@output_options` or
    `@output_options(known=[...])`, where `known` lists every column its rows can have, so
    `--fields` naming another fails before anything is read or sent."""
    if callable(known):  # used bare, as @output_options
        return output_options()(known)

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def checked(*args: Any, **kwargs: Any) -> Any:
            if known is not None:
                click.get_current_context().ensure_object(AppContext).check_fields(known)
            return f(*args, **kwargs)

        for attr in reversed(OUTPUT_ATTRS):
            checked = _leaf(attr, checked)
        return checked  # type: ignore[return-value]

    return decorate


def dry_run_option(f: F) -> F:
    return _leaf("dry_run", f)


def yes_option(f: F) -> F:
    return _leaf("yes", f)


pass_app = click.make_pass_decorator(AppContext, ensure=True)
