"""timctl groups live: live groups (AVChatRoom) - online members, marks, live admins.

Facts (rest-api-groups.yaml; pages 50293-50294 and trtc.io 60523-60525): members are listed
newest first (at most the newest 1000); marks are >= 1000 (500 and 600 are the App admin's
special marks); at most 5 live admins; marks are set for at most 500 members a call. Checked
before sending (exit 2, nothing sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import check_group_id, check_user
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.errors import UsageError

LIVE = "group_open_avchatroom_http_svc"
GROUP = click.argument("group_id", metavar="GROUP_ID")

MIN_MARK, SPECIAL_MARKS = 1000, (500, 600)
LIVE_ADMINS_MAX = 5


@groups.group("live")
def live() -> None:
    """Live groups (AVChatRoom): online members, their marks, live admins."""


@live.command("members")
@GROUP
@click.option("--mark", type=int, metavar="N", help="Only members carrying this mark.")
@limit_option()
@output_options(known=["Member_Account", "JoinTime", "NickName", "Avatar"])
@dry_run_option
@pass_app
def live_members(app: AppContext, group_id: str, mark: int | None, limit: int | None) -> None:
    """List the members online in a live group, newest first (paged through; the server
    lists at most the newest 1000).

    \b
    timctl groups live members @TGS#aLive
    timctl groups live members @TGS#aLive --mark 1000 -o json
    """
    body: dict[str, Any] = {"GroupId": check_group_id(group_id), "Timestamp": 0}
    if mark is not None:
        body["Mark"] = mark
    rows = collect(app, f"{LIVE}/get_members", body, limit)
    if rows is not None:
        app.emit(rows, columns=["Member_Account", "JoinTime", "NickName"])


@live.command("admins")
@GROUP
@output_options(known=["Admin_Account", "NickName", "Avatar"])
@dry_run_option
@pass_app
def live_admins(app: AppContext, group_id: str) -> None:
    """List a live group's admins."""
    answer = app.call(f"{LIVE}/get_admin_list", {"GroupId": check_group_id(group_id)})
    if answer is not None:
        app.emit(answer.get("Admin_List") or [], columns=["Admin_Account", "NickName"])


@live.group("admin")
def live_admin() -> None:
    """Appoint or remove live-group admins (at most 5; they stay admins after leaving)."""


def _users(user_ids: Iterable[str], what: str = "USERID") -> list[str]:
    users = list(dict.fromkeys(check_user(u, what) for u in user_ids))
    if not users:
        raise UsageError(f"no {what} given")
    return users


def _admin_command(name: str, command: int, verb: str, doc: str) -> Any:
    @live_admin.command(name, help=f"{doc}\n\n\b\n"
                                   f"timctl groups live admin {name} @TGS#aLive alice bob")
    @GROUP
    @click.argument("user_ids", nargs=-1, required=True, metavar="USERID...")
    @output_options(known=["UserID", "Status"])
    @dry_run_option
    @pass_app
    def change(app: AppContext, group_id: str, user_ids: tuple[str, ...]) -> None:
        users = _users(user_ids)
        if command == 1 and len(users) > LIVE_ADMINS_MAX:
            raise UsageError(f"a live group has at most {LIVE_ADMINS_MAX} admins")
        body = {"GroupId": check_group_id(group_id), "CommandType": command,
                "Admin_Account": users}
        if app.call(f"{LIVE}/modify_admin", body) is not None:
            app.emit([{"UserID": u, "Status": verb} for u in users],
                     columns=["UserID", "Status"])

    return change


live_admin_add = _admin_command("add", 1, "appointed", "Appoint live-group admins (they need "
                                "not be in the group).")
live_admin_remove = _admin_command("remove", 2, "removed", "Remove live-group admins.")


@live.command("mark")
@GROUP
@click.argument("user_ids", nargs=-1, required=True, metavar="USERID...")
@click.option("--mark", "marks", type=int, multiple=True, required=True, metavar="N",
              help="A mark (>= 1000, or the special 500 / 600); repeatable.")
@click.option("--remove", is_flag=True, help="Remove the marks instead of setting them.")
@output_options(known=["Member_Account", "Marks", "Status"])
@dry_run_option
@pass_app
def live_mark(app: AppContext, group_id: str, user_ids: tuple[str, ...],
              marks: tuple[int, ...], remove: bool) -> None:
    """Set (or --remove) marks on members online in a live group. Members not online are
    skipped by the server and listed as "not online"; none online fails the call.

    \b
    timctl groups live mark @TGS#aLive alice bob --mark 1000
    timctl groups live mark @TGS#aLive alice --mark 600     # hide alice from `live members`
    """
    users = _users(user_ids)
    for mark in marks:
        if mark < MIN_MARK and mark not in SPECIAL_MARKS:
            raise UsageError(f"--mark {mark}: marks are >= {MIN_MARK} (or 500 / 600)")
    if len(users) > 500:
        raise UsageError("at most 500 members per call")
    wanted = sorted(set(marks))
    body = {"GroupId": check_group_id(group_id), "CommandType": 2 if remove else 1,
            "MemberList": [{"Member_Account": u, "Marks": wanted} for u in users]}
    answer = app.call(f"{LIVE}/modify_user_info", body)
    if answer is None:
        return
    done = {m.get("Member_Account"): m.get("Marks") for m in answer.get("MemberList") or []}
    status = "unmarked" if remove else "marked"
    app.emit([{"Member_Account": u, "Marks": done.get(u, wanted),
               "Status": status if u in done else "not online"} for u in users],
             columns=["Member_Account", "Marks", "Status"])


@live.command("check")
@GROUP
@click.argument("user_ids", nargs=-1, required=True, metavar="USERID...")
@output_options(known=["UserID", "InGroup"])
@dry_run_option
@pass_app
def live_check(app: AppContext, group_id: str, user_ids: tuple[str, ...]) -> None:
    """Tell which users are in a live group now.

    \b
    timctl groups live check @TGS#aLive alice bob
    """
    users = _users(user_ids)
    answer = app.call(f"{LIVE}/check_members", {"GroupId": check_group_id(group_id),
                                                 "Member_Account": users})
    if answer is not None:
        inside = set(answer.get("Member_Account") or [])
        app.emit([{"UserID": u, "InGroup": u in inside} for u in users],
                 columns=["UserID", "InGroup"])
