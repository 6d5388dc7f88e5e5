"""timctl users: import, check and delete accounts (im_open_login_svc), in bulk.

Every command here takes IDs as arguments, `-` (stdin) or `-f FILE` (plain IDs, CSV with a
header, or JSONL), and runs on the bulk runner: chunks of the documented batch size,
concurrent calls under the rate limit, a row per item, `--failures` and `--checkpoint`.
"""

from __future__ import annotations

from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.lazy import LazyCommands
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.records import Reader

IMPORT = "im_open_login_svc/multiaccount_import"
CHECK = "im_open_login_svc/account_check"
DELETE = "im_open_login_svc/account_delete"
MAX_PROFILE_BYTES = 500  # documented for Nick / FaceUrl (profile values)
IMPORT_FIELDS = ("Nick", "FaceUrl")
STATUS = {"ok": "done", "failed": "failed", "skipped": "skipped", "unknown": "unknown"}


PROFILE, MUTE = "timctl.cli.users_profile", "timctl.cli.users_mute"
# name -> (module registering it, its one-line help): `users --help` imports only this
COMMANDS = {
    "import": (__name__, "Import (register) accounts, 100 per call."),
    "check": (__name__, "Show whether accounts are imported (Imported / NotImported)."),
    "delete": (__name__, "Delete accounts and all their data."),
    "profile": (PROFILE, "Get and set profile fields (portrait_get / portrait_set)."),
    "online": (PROFILE, "Show accounts' login status: Online, PushOnline or Offline."),
    "kick": (PROFILE, "Invalidate accounts' login state (force a logout)."),
    "mute": (MUTE, "Mute accounts app-wide (one-to-one and group messages) for a time."),
    "unmute": (MUTE, "Lift accounts' global mute (one-to-one and group messages, or one kind)."),
    "muted": (MUTE, "Show how long accounts stay muted, for one-to-one and group messages."),
}


@click.group(cls=LazyCommands, lazy=COMMANDS, aliases={"profiles": "profile"})
def users() -> None:
    """Import, check and delete accounts, from arguments, stdin or files."""


def _outcome_row(outcome: Any, **extra: Any) -> dict[str, Any]:
    return {"UserID": getattr(outcome.item, "key", None) or outcome.item.raw,
            **extra, "ResultCode": outcome.code, "ResultInfo": outcome.info}


def _import_fields(fields: dict[str, Any]) -> str | None:
    for name in IMPORT_FIELDS:
        value = fields.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} must be a string"
        if len(value.encode("utf-8")) > MAX_PROFILE_BYTES:
            return f"{name} is longer than {MAX_PROFILE_BYTES} bytes"
    return None


@users.command("import")
@click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")
@click.option("--nick", help="Nickname (Tag_Profile_IM_Nick) for accounts without one in "
                             "the input.")
@click.option("--face-url", help="Avatar URL (Tag_Profile_IM_Image) for accounts without one "
                                 "in the input.")
@bulk_options
@output_options(known=["UserID", "Status", "ResultCode", "ResultInfo"])
@dry_run_option
@pass_app
def import_(app: AppContext, user_ids: tuple[str, ...], nick: str | None,
            face_url: str | None, **bulk: Any) -> None:
    """Import (register) accounts, 100 per call. Idempotent: existing accounts are kept and
    get the Nick/FaceUrl given.

    \b
    timctl users import alice bob --nick Guest
    timctl users import -f users.csv          # UserID,Nick,FaceUrl
    timctl users import -f users.jsonl --failures failed.jsonl --checkpoint import.ckpt
    """
    defaults = {k: v for k, v in (("Nick", nick), ("FaceUrl", face_url)) if v is not None}
    problem = _import_fields(defaults)
    if problem:
        raise click.BadParameter(problem)

    def build(chunk: list[Any]) -> dict[str, Any]:
        accounts = []
        for record in chunk:
            item = {"UserID": record.key, **defaults}
            item.update({k: record.fields[k] for k in IMPORT_FIELDS if k in record.fields})
            accounts.append(item)
        return {"AccountList": accounts}

    def to_row(outcome: Any) -> dict[str, Any]:
        status = "imported" if outcome.status == "ok" else STATUS[outcome.status]
        return _outcome_row(outcome, Status=status)

    run_bulk(app, bulk_from(bulk), IMPORT, Reader("UserID", validate=_import_fields),
             user_ids, build, to_row, ["UserID", "Status", "ResultCode", "ResultInfo"])


@users.command("check")
@click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")
@bulk_options
@output_options(known=["UserID", "AccountStatus", "ResultCode", "ResultInfo"])
@dry_run_option
@pass_app
def check(app: AppContext, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Show whether accounts are imported (AccountStatus Imported / NotImported)."""

    def to_row(outcome: Any) -> dict[str, Any]:
        status = (outcome.row or {}).get("AccountStatus") if outcome.status == "ok" else None
        return _outcome_row(outcome, AccountStatus=status)

    run_bulk(app, bulk_from(bulk), CHECK, Reader("UserID"), user_ids,
             lambda chunk: {"CheckItem": [{"UserID": r.key} for r in chunk]}, to_row,
             ["UserID", "AccountStatus"])


@users.command("delete")
@click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")
@bulk_options
@output_options(known=["UserID", "Status", "ResultCode", "ResultInfo"])
@dry_run_option
@yes_option
@pass_app
def delete(app: AppContext, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Delete accounts and all their data. Irreversible: asks first, or needs --yes.

    A chunk retried after a lost answer finds its accounts already gone (70107): they count
    as deleted.
    """
    opts = bulk_from(bulk)
    sources = [*opts.files, *(["stdin"] if "-" in user_ids else [])]
    what = (f"the accounts in {', '.join(sources)}" if sources
            else f"{len(user_ids)} account(s)")
    app.confirm(f"Delete {what} and all their data?")

    def to_row(outcome: Any) -> dict[str, Any]:
        status = "deleted" if outcome.status == "ok" else STATUS[outcome.status]
        return _outcome_row(outcome, Status=status)

    run_bulk(app, opts, DELETE, Reader("UserID"), user_ids,
             lambda chunk: {"DeleteItem": [{"UserID": r.key} for r in chunk]}, to_row,
             ["UserID", "Status", "ResultCode", "ResultInfo"])
