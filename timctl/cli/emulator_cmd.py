"""timctl emulator: serve the local emulator over HTTP, inspect or reset its database."""

from __future__ import annotations

from pathlib import Path

import click

from timctl.cli.context import AppContext
from timctl.cli.options import output_options, pass_app, yes_option
from timctl.errors import UsageError

EDITIONS = ("trial", "developer", "pro", "ultimate", "enterprise")


def _db_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--db", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="SQLite database [the embedded default's, in the user data dir].",
    )(f)


def _db(db: Path | None) -> Path:
    from timctl.config import local_db_path

    return db or local_db_path()


@click.group()
def emulator() -> None:
    """Run or reset the local emulator (a stateful implementation of the REST API)."""


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=9080, show_default=True, type=int, help="Port (0: any free).")
@_db_option
@click.option("--sdkappid", type=int, help="SDKAppID of the app [the DB's, else 1400000000].")
@click.option("--admin", default="administrator", show_default=True, help="App Admin UserID.")
@click.option("--secret-key-file", type=click.Path(exists=True, dir_okay=False),
              help="Use the secret key in this file (else the DB's, else a new random one).")
@click.option("--edition", type=click.Choice(EDITIONS),
              help="App edition: decides account caps and deletion rules [developer].")
@click.option("--fail-rate", type=float, default=0.0, help="Fraction of calls that fail.")
@click.option("--fail-code", type=int, default=70169, show_default=True,
              help="ErrorCode of injected failures.")
@click.option("--latency", type=float, default=0.0, help="Seconds added to every call.")
@click.option("--drop-rate", type=float, default=0.0, help="Fraction of connections dropped.")
@click.option("--no-rate-limit", is_flag=True, help="Do not enforce documented rate limits.")
def serve(host: str, port: int, db: Path | None, sdkappid: int | None, admin: str,
          secret_key_file: str | None, edition: str | None, fail_rate: float, fail_code: int,
          latency: float, drop_rate: float, no_rate_limit: bool) -> None:
    """Serve the emulator over HTTP. Prints the SDKAppID, admin and secret key to use.

    Faults can also be changed while it runs: POST JSON to /_emulator/faults.
    """
    from timctl.emulator import open_app
    from timctl.emulator.faults import Faults
    from timctl.emulator.server import make_server

    key = Path(secret_key_file).read_text().strip() if secret_key_file else None
    faults = Faults(error_rate=fail_rate, error_code=fail_code, latency=latency,
                    drop_rate=drop_rate, rate_limit=not no_rate_limit)
    path = _db(db)
    app, info = open_app(path, sdkappid=sdkappid, admin=admin, secret_key=key, faults=faults)
    if edition:
        app.store.set_edition(info.sdkappid, edition)
    try:
        server = make_server(app, host, port)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    url = f"http://{host}:{server.server_port}"
    click.echo(f"timctl emulator serving {path}\n"
               f"  endpoint    {url}\n"
               f"  SDKAppID    {info.sdkappid}\n"
               f"  admin       {admin}\n"
               f"  secret key  {'(from ' + secret_key_file + ')' if key else info.secret_key}\n"
               "Point timctl (or your scripts) at it:\n"
               f"  export TIMCTL_ENDPOINT={url} TIMCTL_SDKAPPID={info.sdkappid} "
               f"TIMCTL_ADMIN={admin} TIMCTL_SECRET_KEY="
               f"{'$(cat ' + secret_key_file + ')' if key else info.secret_key}\n"
               "Ctrl-C stops it.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        click.echo("stopped", err=True)


@emulator.command("reset")
@_db_option
@yes_option
@pass_app
def reset(app: AppContext, db: Path | None) -> None:
    """Delete all data in the emulator database (apps and their keys are kept)."""
    from timctl.emulator.store import Store

    path = _db(db)
    if not path.exists():
        click.echo(f"Nothing to reset: {path} does not exist", err=True)
        return
    app.confirm(f"Delete all data in {path}?")
    store = Store(path)
    try:
        store.reset()
    finally:
        store.close()
    click.echo(f"Reset {path}", err=True)


@emulator.command("info")
@_db_option
@click.option("--show-key", is_flag=True, help="Print the apps' secret keys.")
@output_options
@pass_app
def info(app: AppContext, db: Path | None, show_key: bool) -> None:
    """Show the emulator database's apps (secret keys masked unless --show-key)."""
    from timctl.emulator.store import Store

    path = _db(db)
    if not path.exists():
        raise UsageError(f"{path} does not exist (it is created on first use)")
    store = Store(path)
    try:
        rows = [
            {"db": str(path), "SDKAppID": a.sdkappid, "admins": ",".join(a.admins),
             "edition": a.edition, "secret_key": a.secret_key if show_key else "****"}
            for a in store.apps()
        ]
    finally:
        store.close()
    app.emit(rows)
