"""Per-invocation state: global options, settings, the client, terminal behaviour, output."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from timctl.errors import Declined, UsageError

_local_notice_shown = False


def is_tty(stream: Any) -> bool:
    """TIMCTL_FORCE_TTY=1/0 overrides detection (tests, `script`, pagers)."""
    forced = os.environ.get("TIMCTL_FORCE_TTY")
    if forced is not None:
        return forced not in ("", "0", "false", "no")
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class AppContext:
    """The global options of one invocation, and the settings and client made from them on
    first use. A plain class: `dataclasses` (and the `inspect` it imports) would cost every
    `--help` about 10 ms."""

    def __init__(self, profile: str | None = None, output: str | None = None,
                 query: str | None = None, fields: str | None = None,
                 region: str | None = None, endpoint: str | None = None,
                 dry_run: bool = False, yes: bool = False, verbose: int = 0,
                 timeout: float | None = None, rate: float | None = None,
                 max_attempts: int | None = None) -> None:
        self.profile = profile
        self.output = output
        self.query = query
        self.fields = fields
        self.region = region
        self.endpoint = endpoint
        self.dry_run = dry_run
        self.yes = yes
        self.verbose = verbose
        self.timeout = timeout
        self.rate = rate
        self.max_attempts = max_attempts
        self._settings: Any = None
        self._client: Any = None

    def __repr__(self) -> str:  # the settings hold the secret key: never shown
        return (f"AppContext(profile={self.profile!r}, output={self.output!r}, "
                f"dry_run={self.dry_run!r}, verbose={self.verbose!r})")

    # ------------------------------------------------------------------ settings and client

    def settings(self) -> Any:
        if self._settings is None:
            from timctl import config

            flags = {
                "region": self.region, "endpoint": self.endpoint, "output": self.output,
                "timeout": self.timeout, "rate": self.rate, "max_attempts": self.max_attempts,
            }
            self._settings = config.resolve(flags, self.profile)
            if self._settings.implicit_local:
                self._notice_local()
        return self._settings

    def client(self) -> Any:
        if self._client is None:
            from timctl.cli.connect import make_client

            self._client = make_client(self.settings(), log=self.log, verbosity=self.verbose,
                                       can_prompt=self.can_prompt)
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                ctx.call_on_close(self._client.close)
        return self._client

    def _notice_local(self) -> None:
        global _local_notice_shown
        if not _local_notice_shown:
            from timctl.config import local_db_path

            _local_notice_shown = True
            self.log(f"timctl: no profile configured: using the embedded emulator "
                     f"(db {local_db_path()}); `timctl config init` points timctl at "
                     "Tencent Cloud; -p local silences this")

    # ------------------------------------------------------------------ calling

    def call(self, name: str, body: dict[str, Any], *,
             allow_unknown: bool = False) -> dict[str, Any] | None:
        """Send one request; with --dry-run print it instead and return None."""
        client = self.client()
        if self.dry_run:
            click.echo(json.dumps(client.preview(name, body), ensure_ascii=False))
            return None
        if allow_unknown:
            return client.call(client.resolve(name, allow_unknown=True), body)
        return client.call(name, body)

    # ------------------------------------------------------------------ terminal

    @property
    def can_prompt(self) -> bool:
        return is_tty(sys.stdin) and is_tty(sys.stdout)

    def confirm(self, question: str) -> None:
        """Ask on a terminal; require --yes when nobody can answer."""
        if self.yes or self.dry_run:
            return
        if not self.can_prompt:
            raise UsageError(f"{question.rstrip('?')}: refusing without --yes "
                             "(not running on a terminal)")
        if not click.confirm(question, default=False, err=True):
            raise Declined("not confirmed: nothing was done")

    def log(self, text: str) -> None:
        from timctl.rest.redact import REDACT

        click.echo(REDACT(text), err=True)

    # ------------------------------------------------------------------ output

    def output_format(self, default: str | None = None) -> str:
        if self.output:
            return self.output
        # Read here too (config.resolve also does): commands that never call the API should
        # not resolve a profile, which would open the emulator or announce the local profile.
        env = os.environ.get("TIMCTL_OUTPUT")
        if env:
            from timctl.config import coerce

            return str(coerce("output", env))
        if self._settings is not None and self._settings.get("output"):
            return str(self._settings.get("output"))
        if default:
            return default
        from timctl.output import default_format

        return default_format(is_tty(sys.stdout))

    def field_list(self) -> list[str] | None:
        from timctl.output import parse_fields

        return parse_fields(self.fields)

    def check_fields(self, known: Sequence[str]) -> None:
        """--fields must name columns this command's rows can have (checked before sending)."""
        wanted = self.field_list()
        if not wanted or self.query:  # after --query, rows have whatever shape it makes
            return
        unknown = [f for f in wanted if f not in known]
        if unknown:
            raise UsageError(f"--fields: no column {', '.join(map(repr, unknown))} "
                             f"(columns: {', '.join(known)})")

    def emit(self, data: Any, columns: Sequence[str] | None = None,
             default_format: str | None = None) -> None:
        from timctl.output import render

        render(data, self.output_format(default_format), query=self.query,
               fields=self.field_list(), columns=columns, out=sys.stdout)
