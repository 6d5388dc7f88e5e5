"""timctl users: import, check and delete accounts (im_open_login_svc)."""

from __future__ import annotations

import click

from timctl import endpoints, exit_codes
from timctl.cli.context import AppContext
from timctl.cli.inputs import read_ids
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.rest.results import item_results

IMPORT_ONE = "im_open_login_svc/account_import"
IMPORT_MANY = "im_open_login_svc/multiaccount_import"
CHECK = "im_open_login_svc/account_check"
DELETE = "im_open_login_svc/account_delete"


@click.group()
def users() -> None:
    """Import, check and delete accounts."""


@users.command("import")
@click.argument("user_ids", nargs=-1, required=True, metavar="USERID... | -")
@click.option("--nick", help="Nickname (Tag_Profile_IM_Nick) for every account imported.")
@click.option("--face-url", help="Avatar URL (Tag_Profile_IM_Image) for every account imported.")
@output_options(known=["UserID", "Status"])
@dry_run_option
@pass_app
def import_(app: AppContext, user_ids: tuple[str, ...], nick: str | None,
            face_url: str | None) -> None:
    """Import (register) accounts. Idempotent: existing accounts are updated.

    One ID uses account_import; several use multiaccount_import, 100 per call.
    """
    ids = read_ids(user_ids)
    extra = {k: v for k, v in (("Nick", nick), ("FaceUrl", face_url)) if v is not None}
    if len(ids) == 1:
        if app.call(IMPORT_ONE, {"UserID": ids[0], **extra}) is None:
            return
        failed: set[str] = set()
    else:
        ep = endpoints.get(IMPORT_MANY)
        assert ep is not None
        responses = [app.call(IMPORT_MANY, {"AccountList": [{"UserID": u, **extra} for u in chunk]})
                     for chunk in _chunks(ids, ep.batch_max)]
        if app.dry_run:
            return
        failed = {u for r in responses if r for u in r.get("FailAccounts") or []}
    rows = [{"UserID": u, "Status": "failed" if u in failed else "imported"} for u in ids]
    app.emit(rows, columns=["UserID", "Status"])
    _exit_for(len(failed), len(ids))


@users.command("check")
@click.argument("user_ids", nargs=-1, required=True, metavar="USERID... | -")
@output_options(known=["UserID", "AccountStatus", "ResultCode", "ResultInfo"])
@pass_app
def check(app: AppContext, user_ids: tuple[str, ...]) -> None:
    """Show whether accounts are imported (AccountStatus Imported / NotImported)."""
    ids = read_ids(user_ids)
    ep = endpoints.get(CHECK)
    assert ep is not None
    responses = [app.call(CHECK, {"CheckItem": [{"UserID": u} for u in chunk]})
                 for chunk in _chunks(ids, ep.batch_max)]
    if app.dry_run:
        return
    rows = [item for r in responses if r for item in r.get("ResultItem") or []]
    app.emit(rows, columns=["UserID", "AccountStatus"])
    _exit_for(sum(1 for r in rows if r.get("ResultCode")), len(rows))


@users.command("delete")
@click.argument("user_ids", nargs=-1, required=True, metavar="USERID... | -")
@output_options(known=["UserID", "ResultCode", "ResultInfo"])
@dry_run_option
@yes_option
@pass_app
def delete(app: AppContext, user_ids: tuple[str, ...]) -> None:
    """Delete accounts and all their data. Irreversible: asks first, or needs --yes."""
    ids = read_ids(user_ids)
    app.confirm(f"Delete {len(ids)} account(s) and all their data?")
    ep = endpoints.get(DELETE)
    assert ep is not None
    rows = []
    for chunk in _chunks(ids, ep.batch_max):
        resp = app.call(DELETE, {"DeleteItem": [{"UserID": u} for u in chunk]})
        if resp is None:
            continue
        rows += [{"UserID": r.item, "ResultCode": r.code, "ResultInfo": r.info}
                 for r in item_results(ep, resp, chunk)]
    if app.dry_run:
        return
    app.emit(rows, columns=["UserID", "ResultCode", "ResultInfo"])
    _exit_for(sum(1 for r in rows if r["ResultCode"]), len(rows))


def _chunks(items: list[str], size: int | None) -> list[list[str]]:
    step = size or len(items) or 1
    return [items[i:i + step] for i in range(0, len(items), step)]


def _exit_for(failed: int, total: int) -> None:
    """Per-item failures: exit 6 when some items failed, 5 when all did."""
    if failed:
        click.echo(f"timctl: {failed} of {total} failed", err=True)
        raise SystemExit(exit_codes.API if failed == total else exit_codes.PARTIAL)
