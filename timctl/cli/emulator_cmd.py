"""timctl emulator: serve the local emulator over HTTP; inspect, count or reset its database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timctl.cli.context import AppContext
from timctl.cli.lazy import LazyCommands
from timctl.cli.options import output_options, pass_app, yes_option
from timctl.errors import UsageError

if TYPE_CHECKING:
    from timctl.emulator.store import Store

EDITIONS = ("trial", "developer", "pro", "ultimate", "enterprise")
DEFAULT_SDKAPPID = 1400000000  # timctl.emulator.DEFAULT_SDKAPPID, without importing it

# One flag per injected fault; POST /_emulator/faults takes the same names with underscores.
_FAULT_FLAGS: list[tuple[str, Any, Any, str]] = [
    ("--fail-rate", float, 0.0, "Fraction of calls answered with --fail-code (0..1)."),
    ("--fail-code", int, 70169, "ErrorCode of injected failures."),
    ("--fail-next", int, 0, "The next N calls fail with --fail-code."),
    ("--latency", float, 0.0, "Seconds added to every call."),
    ("--jitter", float, 0.0, "Latency varies uniformly by up to this many seconds."),
    ("--drop-rate", float, 0.0, "Fraction of connections dropped before processing (0..1)."),
    ("--drop-next", int, 0, "Drop the next N connections before processing."),
    ("--lose-response-rate", float, 0.0,
     "Fraction of calls processed and committed, then left unanswered (0..1)."),
    ("--lose-response-next", int, 0, "Lose the responses of the next N calls."),
    ("--http-status-next", int, 0, "The next N calls answer --http-status, not JSON."),
    ("--http-status", int, 502, "HTTP status of --http-status-next answers."),
    ("--seed", int, None, "Seed for every random fault decision (reproducible runs)."),
]


def db_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="SQLite database [the embedded default's, in the user data dir].",
    )(f)


def _fault_options(f: Callable[..., Any]) -> Callable[..., Any]:
    f = click.option("--rate-limit/--no-rate-limit", default=True, show_default=True,
                     help="Enforce the documented rate limits (60007).")(f)
    for flag, kind, default, text in reversed(_FAULT_FLAGS):
        f = click.option(flag, type=kind, default=default, show_default=default not in (0, None),
                         help=text)(f)
    return f


def _db(db: Path | None) -> Path:
    from timctl.config import local_db_path

    return db or local_db_path()


def existing_db(db: Path | None) -> Path:
    path = _db(db)
    if not path.exists():
        raise UsageError(f"{path} does not exist (it is created on first use)")
    return path


STANDINS = "timctl.cli.emulator_standins"
# name -> (module registering it, its one-line help)
COMMANDS = {
    "serve": (__name__, "Serve the emulator over HTTP (127.0.0.1:9080 by default)."),
    "reset": (__name__, "Delete all data in the emulator database (apps and keys are kept)."),
    "info": (__name__, "Show the database's apps (secret keys masked unless --show-key)."),
    "stats": (__name__, "Calls the emulator answered, per endpoint and ErrorCode."),
    "login": (STANDINS, "Log a user in on a platform, as an SDK login would."),
    "logout": (STANDINS, "Log a user out (of one platform, or all)."),
    "live-join": (STANDINS, "Put users online in a live group (AVChatRoom)."),
    "live-leave": (STANDINS, "Take users out of a live group (AVChatRoom)."),
    "pushes": (STANDINS, "Push tasks and the audience each resolved."),
}


@click.group(cls=LazyCommands, lazy=COMMANDS)
def emulator() -> None:
    """Run or reset the local emulator (a stateful implementation of the REST API)."""


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=9080, show_default=True, type=int,
              help="Port, 1-65535 (0: any free one).")
@db_option
@click.option("--sdkappid", type=int, help="SDKAppID of the app [the DB's, else 1400000000].")
@click.option("--add-app", is_flag=True,
              help="Let --sdkappid add an app to a DB that already holds another.")
@click.option("--admin", default="administrator", show_default=True, help="App Admin UserID.")
@click.option("--secret-key-file", type=click.Path(exists=True, dir_okay=False),
              help="Use the secret key in this file (else the DB's, else a new random one).")
@click.option("--edition", type=click.Choice(EDITIONS),
              help="App edition: decides account caps and deletion rules [developer].")
@_fault_options
@click.option("--control-token", metavar="TOKEN",
              help="Serve /_emulator/ to any client sending 'Authorization: Bearer TOKEN' "
                   "(else to loopback clients only).")
@click.option("--log-requests", is_flag=True, help="Log each request (never its query) to "
                                                   "stderr.")
def serve(host: str, port: int, db: Path | None, sdkappid: int | None, add_app: bool,
          admin: str, secret_key_file: str | None, edition: str | None,
          control_token: str | None, log_requests: bool, **fault_flags: Any) -> None:
    """Serve the emulator over HTTP. Prints the SDKAppID, admin and secret key to use.

    Faults can also be changed while it runs: POST JSON to /_emulator/faults with the flag
    names as keys (fail_rate, lose_response_next, ...). GET /_emulator/stats counts calls.
    """
    faults = _faults(fault_flags)  # every flag is checked before anything starts
    if not 0 <= port <= 65535:
        raise UsageError(f"--port must be 1-65535 (or 0 for any free port), got {port}")
    if control_token is not None and not control_token.strip():
        raise UsageError("--control-token must not be empty")
    key = Path(secret_key_file).read_text().strip() if secret_key_file else None
    if secret_key_file and not key:
        raise UsageError(f"--secret-key-file {secret_key_file} is empty")

    from timctl.emulator import apps
    from timctl.emulator.app import EmulatorApp
    from timctl.emulator.server import make_server
    from timctl.emulator.store import Store

    path = _db(db)
    store = Store(path)
    try:
        info = _ensure_app(store, path, sdkappid, add_app, admin, key)
        if edition:
            info = apps.set_edition(store, info.sdkappid, edition)
        app = EmulatorApp(store, faults, log_errors=True, control_token=control_token)
        try:
            server = make_server(app, host, port, log_requests=log_requests)
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        _banner(path, server.server_port, host, info.sdkappid, admin, key, info.secret_key,
                secret_key_file)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
            click.echo("stopped", err=True)
    finally:
        store.close()


def _faults(flags: dict[str, Any]) -> Any:
    from timctl.emulator.faults import Faults, check

    values: dict[str, Any] = {}
    for name, value in flags.items():
        try:
            values[name] = check(name, value)
        except ValueError as exc:  # "fail_rate must be ..." -> "--fail-rate must be ..."
            text = str(exc).removeprefix(name)
            raise UsageError("--" + name.replace("_", "-") + text) from None
    return Faults(**values)


def _ensure_app(store: Store, path: Path, sdkappid: int | None, add_app: bool, admin: str,
                key: str | None) -> Any:
    """The app to serve: --sdkappid, else the DB's, else the default; never a second app in
    a DB by accident."""
    from timctl.emulator import apps

    held = [a.sdkappid for a in apps.list_apps(store)]
    if sdkappid is None:
        sdkappid = held[0] if held else DEFAULT_SDKAPPID
    elif held and sdkappid not in held and not add_app:
        ids = ", ".join(map(str, held))
        raise UsageError(f"{path} holds SDKAppID {ids}, not {sdkappid}: pass --add-app to add "
                         "it, or use another --db")
    try:
        return apps.ensure_app(store, sdkappid, admin=admin, secret_key=key)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _banner(path: Path, port: int, host: str, sdkappid: int, admin: str, key: str | None,
            secret_key: str, key_file: str | None) -> None:
    shown = f"(from {key_file})" if key else secret_key
    export_key = f"$(cat {key_file})" if key else secret_key
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}"
    click.echo(f"timctl emulator serving {path}\n"
               f"  endpoint    {url}\n"
               f"  SDKAppID    {sdkappid}\n"
               f"  admin       {admin}\n"
               f"  secret key  {shown}\n"
               "Point timctl (or your scripts) at it:\n"
               f"  export TIMCTL_ENDPOINT={url} TIMCTL_SDKAPPID={sdkappid} "
               f"TIMCTL_ADMIN={admin} TIMCTL_SECRET_KEY={export_key}\n"
               "Ctrl-C stops it.")


@emulator.command("reset")
@db_option
@yes_option
@pass_app
def reset(app: AppContext, db: Path | None) -> None:
    """Delete all data in the emulator database (apps and their keys are kept)."""
    from timctl.emulator import apps
    from timctl.emulator.store import Store

    path = _db(db)
    if not path.exists():
        click.echo(f"Nothing to reset: {path} does not exist", err=True)
        return
    app.confirm(f"Delete all data in {path}?")
    with Store(path) as store:
        apps.reset(store)
    click.echo(f"Reset {path}", err=True)


@emulator.command("info")
@db_option
@click.option("--show-key", is_flag=True, help="Print the apps' secret keys.")
@output_options
@pass_app
def info(app: AppContext, db: Path | None, show_key: bool) -> None:
    """Show the emulator database's apps (secret keys masked unless --show-key)."""
    from timctl.emulator import apps
    from timctl.emulator.store import Store

    path = existing_db(db)
    with Store(path) as store:
        rows = [
            {"db": str(path), "SDKAppID": a.sdkappid, "admins": ",".join(a.admins),
             "edition": a.edition, "secret_key": a.secret_key if show_key else "****"}
            for a in apps.list_apps(store)
        ]
    app.emit(rows)


@emulator.command("stats")
@db_option
@click.option("--reset", "zero", is_flag=True, help="Zero the counts after printing them.")
@output_options
@pass_app
def stats(app: AppContext, db: Path | None, zero: bool) -> None:
    """Calls the emulator answered, per endpoint and ErrorCode (legacy paths count under the
    endpoint's name). Dropped connections and injected HTTP statuses are not calls."""
    from timctl.emulator import stats as counts
    from timctl.emulator.store import Store

    with Store(existing_db(db)) as store, store.tx() as tx:
        rows = counts.rows(tx)
        if zero:
            counts.reset(tx)
    app.emit(rows, columns=["endpoint", "ErrorCode", "calls"])


# --- login / logout: stand in for an SDK login (query_online_status has nothing else) ------
