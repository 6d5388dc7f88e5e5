"""timctl usersig: generate UserSigs for app clients, decode and verify any UserSig."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click

from timctl import exit_codes
from timctl import usersig as sigs
from timctl.cli.context import AppContext
from timctl.cli.inputs import check_user_id
from timctl.cli.options import output_options, pass_app
from timctl.errors import UsageError

VERIFY_EXIT = {
    sigs.SigError.EMPTY: exit_codes.SIG_UNREADABLE,
    sigs.SigError.UNREADABLE: exit_codes.SIG_UNREADABLE,
    sigs.SigError.MISMATCH: exit_codes.SIG_MISMATCH,
    sigs.SigError.WRONG_APP: exit_codes.SIG_WRONG_APP,
    sigs.SigError.WRONG_USER: exit_codes.SIG_WRONG_USER,
    sigs.SigError.EXPIRED: exit_codes.SIG_EXPIRED,
}


@click.group()
def usersig() -> None:
    """Generate, decode and verify UserSigs."""


@usersig.command("gen")
@click.argument("user_id")
@click.option("--expire", default="180d", show_default=True,
              help="Validity: seconds or 30m, 12h, 180d, 1y.")
@output_options
@pass_app
def gen(app: AppContext, user_id: str, expire: str) -> None:
    """Generate a UserSig for USER_ID with the profile's secret key.

    Prints just the UserSig (for `SIG=$(timctl usersig gen alice)`) unless -o is given.
    """
    try:
        seconds = sigs.parse_duration(expire)
    except ValueError as exc:
        raise UsageError(f"--expire: {exc}") from None
    check_user_id(user_id, "USER_ID")
    creds = app.client().credentials
    sig = sigs.generate(creds.sdkappid, creds.secret_key, user_id, seconds)
    if not app.output:
        click.echo(sig)
        return
    info = _describe(sigs.decode(sig))
    app.emit({"UserSig": sig, **info})


@usersig.command("decode")
@click.argument("sig", metavar="USERSIG|-")
@output_options
@pass_app
def decode(app: AppContext, sig: str) -> None:
    """Show what a UserSig holds: app, user, issue and expiry times. Needs no key."""
    try:
        decoded = sigs.decode(_read_sig(sig))
    except ValueError as exc:
        click.echo(f"timctl: error: cannot decode UserSig: {exc}", err=True)
        raise SystemExit(exit_codes.SIG_UNREADABLE) from None
    app.emit(_describe(decoded))


@usersig.command("verify")
@click.argument("sig", metavar="USERSIG|-")
@click.option("--user", "user_id", help="The UserID the UserSig must belong to.")
@output_options
@pass_app
def verify(app: AppContext, sig: str, user_id: str | None) -> None:
    """Check a UserSig against the profile's SDKAppID and secret key.

    Exit 0 when valid; otherwise 10 unreadable, 11 signature mismatch, 12 another
    SDKAppID, 13 another UserID (--user), 14 expired.
    """
    text = _read_sig(sig)
    creds = app.client().credentials
    decoded, err = sigs.verify(text, secret_key=creds.secret_key, sdkappid=creds.sdkappid,
                               user_id=user_id)
    result: dict[str, Any] = {"Valid": err is None}
    if err is not None:
        result.update({"Reason": sigs.SIG_ERROR_TEXT[err], "ErrorCode": err.code})
    if decoded is not None:
        result.update(_describe(decoded))
    app.emit(result, columns=["Valid", "Reason", "UserID", "SDKAppID", "ExpiresAt"])
    if err is not None:
        click.echo(f"timctl: {sigs.SIG_ERROR_TEXT[err]} (error {err.code})", err=True)
        raise SystemExit(VERIFY_EXIT[err])


def _read_sig(arg: str) -> str:
    if arg != "-":
        return arg.strip()
    data = sys.stdin.buffer.read(64 * 1024)
    try:
        return data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError("-: a UserSig is text; stdin holds binary data") from None


def _describe(d: sigs.DecodedSig) -> dict[str, Any]:
    def iso(ts: int) -> str:
        return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat().replace("+00:00", "Z")

    return {
        "UserID": d.identifier,
        "SDKAppID": d.sdkappid,
        "Version": d.version,
        "IssuedAt": iso(d.issued_at),
        "ExpireSeconds": d.expire,
        "ExpiresAt": iso(d.expires_at),
        "Expired": d.expires_at < dt.datetime.now(dt.timezone.utc).timestamp(),
    }
