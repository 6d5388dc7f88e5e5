"""timctl emulator: serve the local emulator over HTTP; inspect, count or reset its database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timctl.cli.context import AppContext
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


def _db_option(f: Callable[..., Any]) -> Callable[..., Any]:
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


def _existing(db: Path | None) -> Path:
    path = _db(db)
    if not path.exists():
        raise UsageError(f"{path} does not exist (it is created on first use)")
    return path


@click.group()
def emulator() -> None:
    """Run or reset the local emulator (a stateful implementation of the REST API)."""


@emulator.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=9080, show_default=True, type=int,
              help="Port, 1-65535 (0: any free one).")
@_db_option
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
@_db_option
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
@_db_option
@click.option("--show-key", is_flag=True, help="Print the apps' secret keys.")
@output_options
@pass_app
def info(app: AppContext, db: Path | None, show_key: bool) -> None:
    """Show the emulator database's apps (secret keys masked unless --show-key)."""
    from timctl.emulator import apps
    from timctl.emulator.store import Store

    path = _existing(db)
    with Store(path) as store:
        rows = [
            {"db": str(path), "SDKAppID": a.sdkappid, "admins": ",".join(a.admins),
             "edition": a.edition, "secret_key": a.secret_key if show_key else "****"}
            for a in apps.list_apps(store)
        ]
    app.emit(rows)


@emulator.command("stats")
@_db_option
@click.option("--reset", "zero", is_flag=True, help="Zero the counts after printing them.")
@output_options
@pass_app
def stats(app: AppContext, db: Path | None, zero: bool) -> None:
    """Calls the emulator answered, per endpoint and ErrorCode (legacy paths count under the
    endpoint's name). Dropped connections and injected HTTP statuses are not calls."""
    from timctl.emulator import stats as counts
    from timctl.emulator.store import Store

    with Store(_existing(db)) as store, store.tx() as tx:
        rows = counts.rows(tx)
        if zero:
            counts.reset(tx)
    app.emit(rows, columns=["endpoint", "ErrorCode", "calls"])


# --- login / logout: stand in for an SDK login (query_online_status has nothing else) ------

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

    with Store(_existing(db)) as store, store.tx() as tx:
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
@_db_option
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
@_db_option
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

    with Store(_existing(db)) as store, store.tx() as tx:
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
    @_db_option
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
@_db_option
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

    with Store(_existing(db)) as store, store.tx() as tx:
        ids = tuple(a.sdkappid for a in apps.load_all(tx))
        body: dict[str, Any] = {} if sdkappid is None else {"SDKAppID": sdkappid}
        if task_id is not None:
            body["TaskId"] = task_id
        try:
            return control.list_pushes(ControlContext(tx, time.time(), ids), body)
        except ControlError as exc:
            raise UsageError(str(exc)) from None
