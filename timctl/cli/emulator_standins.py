"""timctl emulator login|logout|live-join|live-leave|pushes: stand in for SDK users (logins,
live-group presence) and show what the emulator's push service resolved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.emulator_cmd import db_option, emulator, existing_db
from timctl.cli.options import output_options, pass_app
from timctl.errors import UsageError

# Common names for the documented platforms (query_online_status Detail: iPhone, Android,
# Web, PC, iPad, Mac); the names themselves match in any case.
PLATFORM_ALIASES = {"ios": "iPhone", "macos": "Mac", "windows": "PC"}
PLATFORM_HELP = "iPhone, Android, Web, PC, iPad or Mac (any case; iOS = iPhone)."


def _platform(name: str) -> str:
    from timctl.emulator.services.accounts.control import PLATFORMS

    key = name.strip().lower()
    for known in PLATFORMS:
        if known.lower() == key:
            return known
    if key in PLATFORM_ALIASES:
        return PLATFORM_ALIASES[key]
    raise UsageError(f"--platform {name!r}: choose from {', '.join(PLATFORMS)} (or iOS)")


def _sdkappid_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--sdkappid", type=int,
                        help="The app [the database's, when it holds one].")(f)


def _set_login(db: Path | None, sdkappid: int | None, user_id: str, platform: str | None,
               status: str) -> None:
    """Record (or, for "Offline", remove) a login through the accounts service's control
    route and queries; a refusal is a usage error naming the reason."""
    import time

    from timctl.emulator import apps
    from timctl.emulator.services import ControlContext, ControlError
    from timctl.emulator.services.accounts import control, queries
    from timctl.emulator.store import Store

    with Store(existing_db(db)) as store, store.tx() as tx:
        ids = tuple(a.sdkappid for a in apps.load_all(tx))
        if sdkappid is None and len(ids) != 1:
            raise UsageError(f"the database holds SDKAppID {', '.join(map(str, ids))}: "
                             "pick one with --sdkappid")
        app_id = ids[0] if sdkappid is None else sdkappid
        if platform is None:  # every platform: the kick's log-out
            if app_id not in ids:
                raise UsageError(f"SDKAppID must be one of {list(ids)}")
            if not queries.exists(tx, app_id, user_id):
                raise UsageError(f"UserID {user_id!r} is not an imported account")
            queries.log_out(tx, app_id, user_id)
            return
        body = {"SDKAppID": app_id, "UserID": user_id, "Platform": platform, "Status": status}
        try:
            control.set_online(ControlContext(tx, time.time(), ids), body)
        except ControlError as exc:
            raise UsageError(str(exc)) from None


@emulator.command("login")
@click.argument("user_id", metavar="USERID")
@click.option("--platform", required=True, metavar="PLATFORM", help=PLATFORM_HELP)
@click.option("--status", type=click.Choice(("Online", "PushOnline"), case_sensitive=False),
              default="Online", show_default=True, metavar="Online|PushOnline",
              help="PushOnline: the app is in the background, reached by offline push "
                   "(kept 7 days).")
@_sdkappid_option
@db_option
def login(user_id: str, platform: str, status: str, sdkappid: int | None,
          db: Path | None) -> None:
    """Log USERID in on PLATFORM, as an SDK login would, so `timctl users online` (and
    query_online_status) report it. Logging in again on a platform replaces its status.

    \b
    timctl emulator login alice --platform iOS
    timctl emulator login alice --platform Web --status PushOnline
    """
    name = _platform(platform)
    _set_login(db, sdkappid, user_id, name, status)
    click.echo(f"{user_id}: {status} on {name}", err=True)


@emulator.command("logout")
@click.argument("user_id", metavar="USERID")
@click.option("--platform", metavar="PLATFORM",
              help=f"Only this platform [all]: {PLATFORM_HELP}")
@_sdkappid_option
@db_option
def logout(user_id: str, platform: str | None, sdkappid: int | None,
           db: Path | None) -> None:
    """Log USERID out of PLATFORM, or of every platform: it then reads Offline there."""
    name = _platform(platform) if platform is not None else None
    _set_login(db, sdkappid, user_id, name, "Offline")
    click.echo(f"{user_id}: logged out{' of ' + name if name else ''}", err=True)


def _set_live(db: Path | None, sdkappid: int | None, group_id: str, users: list[str],
              online: bool) -> int:
    """Put users online in (or take them out of) a live group through the live service's
    control route, in one transaction: any refusal leaves nothing changed. Returns how many
    are online there afterwards."""
    import time

    from timctl.emulator import apps
    from timctl.emulator.services import ControlContext, ControlError
    from timctl.emulator.services.live import control
    from timctl.emulator.store import Store

    with Store(existing_db(db)) as store, store.tx() as tx:
        ids = tuple(a.sdkappid for a in apps.load_all(tx))
        if sdkappid is None and len(ids) != 1:
            raise UsageError(f"the database holds SDKAppID {', '.join(map(str, ids))}: "
                             "pick one with --sdkappid")
        app_id = ids[0] if sdkappid is None else sdkappid
        ctx = ControlContext(tx, time.time(), ids)
        count = 0
        for user_id in users:  # set_presence refuses a banned user (ban_group_member)
            body = {"SDKAppID": app_id, "GroupId": group_id, "UserID": user_id,
                    "Online": online}
            try:
                count = int(control.set_presence(ctx, body)["online"])
            except ControlError as exc:
                raise UsageError(str(exc)) from None
        return count


def _live_command(name: str, online: bool, doc: str) -> Any:
    @emulator.command(name, help=doc)
    @click.argument("group_id", metavar="GROUP")
    @click.argument("user_ids", nargs=-1, required=True, metavar="USERID...")
    @_sdkappid_option
    @db_option
    def command(group_id: str, user_ids: tuple[str, ...], sdkappid: int | None,
                db: Path | None) -> None:
        users = list(dict.fromkeys(user_ids))
        count = _set_live(db, sdkappid, group_id, users, online)
        click.echo(f"{group_id}: {', '.join(users)} {'joined' if online else 'left'} "
                   f"({count} online)", err=True)

    return command


live_join = _live_command("live-join", True, """Put users online in a live group
    (AVChatRoom), as an SDK join would, so `groups live members`, `live check` and
    `online-count` see them. A user banned from the group is refused; nothing changes then.

    \b
    timctl emulator live-join @TGS#aLive alice bob
    """)
live_leave = _live_command("live-leave", False, """Take users out of a live group
    (AVChatRoom), as leaving in the SDK would.

    \b
    timctl emulator live-leave @TGS#aLive alice
    """)


# --- pushes: what all-member / tag / attribute pushes resolved (the push service) ----------

@emulator.command("pushes")
@click.option("--task", "task_id", metavar="TASKID",
              help="One push task: one row per recipient and how it was reached.")
@click.option("--scheduled", is_flag=True,
              help="The scheduled push tasks (add_sched_task) and their status instead.")
@_sdkappid_option
@db_option
@output_options
@pass_app
def pushes(app: AppContext, task_id: str | None, scheduled: bool, sdkappid: int | None,
           db: Path | None) -> None:
    """Push tasks the emulator created (im_push, timpush push/batch, scheduled ones) with
    the audience each resolved, so tests and CI can assert who a push reached. Scheduled
    tasks whose time has come run first, as the next push call would run them.

    \b
    timctl emulator pushes                      # one row per task; JSON lists Recipients
    timctl emulator pushes --task 1400000000_144115212910000001_1763795000_7 -o csv
    timctl emulator pushes --scheduled          # Count: whom it would reach if run now
    """
    if task_id is not None and scheduled:
        raise UsageError("--task and --scheduled cannot be combined")
    doc = _read_pushes(db, sdkappid, task_id)
    if scheduled:  # Recipients: whom it reached, or (pending) would reach if run now
        app.emit([{**s, "Count": len(s["Recipients"])} for s in doc["Scheduled"]],
                 columns=["TaskID", "Type", "SchedAt", "Status", "Count", "Title",
                          "PushTaskID", "DispatchErr"])
        return
    if task_id is not None:
        (task,) = doc["Tasks"]
        online, pushed = set(task["Online"]), set(task["OfflinePush"])
        app.emit([{"TaskId": task["TaskId"], "UserID": u,
                   "Reached": "online" if u in online else "offline push" if u in pushed
                   else "not reached"} for u in task["Recipients"]],
                 columns=["UserID", "Reached"])
        return
    rows = [{**t, "Count": len(t["Recipients"]), "OnlineCount": len(t["Online"])}
            for t in doc["Tasks"]]
    app.emit(rows, columns=["TaskId", "API", "Audience", "Count", "OnlineCount", "Revoked",
                            "SchedTaskID"])


def _read_pushes(db: Path | None, sdkappid: int | None, task_id: str | None) -> Any:
    """The push service's control route over the database, in one transaction (it runs the
    scheduled tasks that are due, with the real clock of the embedded emulator)."""
    import time

    from timctl.emulator import apps
    from timctl.emulator.services import ControlContext, ControlError
    from timctl.emulator.services.push import control
    from timctl.emulator.store import Store

    with Store(existing_db(db)) as store, store.tx() as tx:
        ids = tuple(a.sdkappid for a in apps.load_all(tx))
        body: dict[str, Any] = {} if sdkappid is None else {"SDKAppID": sdkappid}
        if task_id is not None:
            body["TaskId"] = task_id
        try:
            return control.list_pushes(ControlContext(tx, time.time(), ids), body)
        except ControlError as exc:
            raise UsageError(str(exc)) from None
