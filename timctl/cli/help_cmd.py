"""timctl help TOPIC: exit codes and environment variables."""

from __future__ import annotations

import click

from timctl import exit_codes

ENVIRONMENT = """\
TIMCTL_PROFILE          profile to use (like --profile)
TIMCTL_SDKAPPID         SDKAppID
TIMCTL_ADMIN            App Admin UserID (identifier) [administrator]
TIMCTL_REGION           china, singapore, seoul, tokyo, frankfurt, mumbai,
                        silicon-valley, jakarta
TIMCTL_ENDPOINT         base URL instead of a region (emulator, proxy);
                        emulator:PATH runs the emulator in-process on the DB at PATH
TIMCTL_SECRET_KEY       the app's secret key
TIMCTL_SECRET_KEY_FILE  file holding the secret key
TIMCTL_OUTPUT           default output format: table, json, yaml, jsonl, csv
TIMCTL_TIMEOUT          per-request timeout in seconds [10]
TIMCTL_MAX_ATTEMPTS     tries per request [3]
TIMCTL_RATE             calls/s per endpoint (default: each endpoint's documented limit)
TIMCTL_CONFIG_DIR       directory of config.yaml (default: the platform config dir)
TIMCTL_DATA_DIR         directory of the embedded emulator's database
TIMCTL_FORCE_TTY        1/0: treat stdout/stdin as a terminal or not
TIMCTL_DEBUG            1: show a traceback on internal errors

Precedence: flags > environment > profile in the config file > defaults.
With no profile and no TIMCTL_SDKAPPID/TIMCTL_ENDPOINT, the built-in `local` profile
(the embedded emulator) is used.
"""

TOPICS = ("exit-codes", "environment")


@click.command("help")
@click.argument("topic", required=False, type=click.Choice(TOPICS))
@click.pass_context
def help_(ctx: click.Context, topic: str | None) -> None:
    """Help topics: exit-codes, environment. Without a topic, the main help."""
    if topic is None:
        click.echo(ctx.parent.get_help() if ctx.parent else "")
    elif topic == "exit-codes":
        click.echo(exit_codes_text())
    else:
        click.echo(ENVIRONMENT, nl=False)


def exit_codes_text() -> str:
    lines = ["code  name            meaning"]
    lines += [f"{code:<5} {name:<15} {text}" for code, name, text in exit_codes.TABLE]
    return "\n".join(lines)
