"""timctl groups members list|add|remove|set|role, and mute, unmute, muted, ban, unban, banned.

Facts (rest-api-groups.yaml; pages 1047/34948 get_group_member_info, 34921 add_group_member,
34949 delete_group_member, 34900 modify_group_member_info, 34951 forbid_send_msg, 34964
get_group_muted_account, 50295-50297 live-group bans): add answers a Result per member (1
added, 2 already a member, 3 waiting for approval, 0 failed); removing a non-member succeeds;
Work groups cannot mute; AVChatRooms take no members from the server and have bans instead of
kicks; a mute is an end time (0 lifts it, 4294967295 is forever). Bulk commands run on the
bulk runner: chunks of the documented maximum, under the rate limit, a row per member.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import (
    INFO,
    MemberReader,
    check_group_id,
    check_user,
)
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.users_mute import FOREVER, Duration
from timctl.errors import UsageError

G = "group_open_http_svc"
MEMBERS = f"{G}/get_group_member_info"
ADD = f"{G}/add_group_member"
REMOVE = f"{G}/delete_group_member"
MODIFY = f"{G}/modify_group_member_info"
FORBID = f"{G}/forbid_send_msg"
MUTED = f"{G}/get_group_muted_account"
BAN = f"{G}/ban_group_member"
UNBAN = f"{G}/unban_group_member"
BANNED = f"{G}/get_group_ban_member"

ROLES = ("Owner", "Admin", "Member")
MSG_FLAGS = ("AcceptAndNotify", "AcceptNotNotify", "Discard")
ADD_RESULTS = {1: "added", 2: "already a member", 3: "pending"}  # 0: failed
STATUS = {"failed": "failed", "skipped": "skipped", "unknown": "unknown"}
RESULT_COLUMNS = ["ResultCode", "ResultInfo"]
ROW_COLUMNS = ["UserID", "Status", *RESULT_COLUMNS]
MEMBER_COLUMNS = ["Member_Account", "Role", "JoinTime", "NameCard", "MsgFlag", "MuteUntil"]
COMMUNITY_PAGE = 100  # Communities page with Next, at most 100 a page
NAME_CARD_BYTES = 50
MEMBER_DATA_MAX_FIELDS = 5
MEMBER_DATA_VALUE_BYTES = 64
BAN_REASON_BYTES = 1000

GROUP = click.argument("group_id", metavar="GROUP_ID")
USERS = click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")


@groups.group("members")
def members() -> None:
    """List, add, remove and change the members of a group."""


def _key(outcome: Any) -> str:
    return str(getattr(outcome.item, "key", None) or outcome.item.raw)


def _result(outcome: Any) -> dict[str, Any]:
    return {"ResultCode": outcome.code, "ResultInfo": outcome.info}


def _status_row(done: str) -> Any:
    def to_row(outcome: Any) -> dict[str, Any]:
        status = done if outcome.status == "ok" else STATUS[outcome.status]
        return {"UserID": _key(outcome), "Status": status, **_result(outcome)}

    return to_row


def _until(seconds: Any) -> str | None:
    """An end time as UTC ISO text (the API's Unix seconds stay in JSON)."""
    if not isinstance(seconds, int) or seconds <= 0:
        return None
    try:
        return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return "forever"


# --- members list ------------------------------------------------------------------------------

def _group_type(app: AppContext, group_id: str) -> str | None:
    """The group's REST type (None when it does not exist: the list call then says why)."""
    answer = app.client().call(INFO, {"GroupIdList": [group_id],
                                      "ResponseFilter": {"GroupBaseInfoFilter": ["Type"]}})
    infos = answer.get("GroupInfo") or [{}]
    return infos[0].get("Type") if not infos[0].get("ErrorCode") else None


def _community_members(app: AppContext, body: dict[str, Any],
                       limit: int | None) -> list[dict[str, Any]]:
    """Communities page with a Next cursor ("" first and last) instead of Offset."""
    found: list[dict[str, Any]] = []
    request = {**body, "Next": "", "Limit": min(COMMUNITY_PAGE, limit or COMMUNITY_PAGE)}
    seen: set[str] = set()
    while True:
        answer = app.client().call(MEMBERS, request)
        found.extend(answer.get("MemberList") or [])
        cursor = answer.get("Next") or ""
        if not cursor or cursor in seen or (limit is not None and len(found) >= limit):
            return found[:limit] if limit is not None else found
        seen.add(cursor)
        request = {**request, "Next": cursor}


@members.command("list")
@GROUP
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES, case_sensitive=False),
              help="Only members with this role (repeatable).")
@limit_option()
@output_options
@dry_run_option
@pass_app
def list_(app: AppContext, group_id: str, roles: tuple[str, ...], limit: int | None) -> None:
    """List a group's members with role, join time, name card and mute end (paged through).

    \b
    timctl groups members list team-1
    timctl groups members list lobby --role Admin --role Owner -o json
    """
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    if roles:
        body["MemberRoleFilter"] = sorted({r.capitalize() for r in roles}, key=ROLES.index)
    if not app.dry_run and _group_type(app, group_id) == "Community":
        rows: list[dict[str, Any]] | None = _community_members(app, body, limit)
    else:
        rows = collect(app, MEMBERS, body, limit)
    if rows is not None:
        app.emit(rows, columns=MEMBER_COLUMNS)


# --- members add / remove ----------------------------------------------------------------------

def add_status(status: str, result: Any) -> str:
    """A member's row status from the runner's outcome and add_group_member's Result (the
    spec row counts 1, 2 and 3 as successes; 0 is a failure)."""
    if status != "ok":
        return STATUS[status]
    return ADD_RESULTS.get(result, "added") if isinstance(result, int) else "added"


@members.command("add")
@GROUP
@USERS
@click.option("--silent", is_flag=True, help="Add without the join notice (Silence).")
@bulk_options
@output_options(known=[*ROW_COLUMNS, "Result"])
@dry_run_option
@pass_app
def add(app: AppContext, group_id: str, user_ids: tuple[str, ...], silent: bool,
        **bulk: Any) -> None:
    """Add members (20 per call), from arguments, stdin or files (UserID lines, CSV with a
    UserID or Member_Account column, JSONL). Each gets a status: added, already a member,
    pending (waiting for approval) or failed. AVChatRooms refuse (10007): users join them
    from the SDK.

    \b
    timctl groups members add team-1 bob carol
    timctl groups members add lobby -f fans.csv --failures retry.csv --checkpoint add.ckpt
    """
    gid = check_group_id(group_id)
    extra = {"Silence": 1} if silent else {}

    def build(chunk: list[Any]) -> dict[str, Any]:
        return {"GroupId": gid, "MemberList": [{"Member_Account": r.key} for r in chunk],
                **extra}

    def to_row(outcome: Any) -> dict[str, Any]:
        result = (outcome.row or {}).get("Result")
        return {"UserID": _key(outcome), "Status": add_status(outcome.status, result),
                "Result": result, **_result(outcome)}

    run_bulk(app, bulk_from(bulk), ADD, MemberReader("UserID"), user_ids, build, to_row,
             ROW_COLUMNS)


@members.command("remove")
@GROUP
@USERS
@click.option("--reason", help="Why, shown in the notice to the removed members.")
@click.option("--silent", is_flag=True, help="Only the removed members are told (Silence).")
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@yes_option
@pass_app
def remove(app: AppContext, group_id: str, user_ids: tuple[str, ...], reason: str | None,
           silent: bool, **bulk: Any) -> None:
    """Remove members (100 per call). Removing someone who is not a member succeeds.
    Asks first, or needs --yes. AVChatRooms refuse (10004): ban instead.

    \b
    timctl groups members remove team-1 bob --reason "left the team" --yes
    timctl groups members remove lobby -f spammers.txt --silent --yes
    """
    gid = check_group_id(group_id)
    opts = bulk_from(bulk)
    sources = [*opts.files, *(["stdin"] if "-" in user_ids else [])]
    what = (f"the members in {', '.join(sources)}" if sources
            else f"{len(user_ids)} member(s)")
    app.confirm(f"Remove {what} from {gid}?")
    extra: dict[str, Any] = {"Silence": 1} if silent else {}
    if reason is not None:
        extra["Reason"] = reason

    run_bulk(app, opts, REMOVE, MemberReader("UserID"), user_ids,
             lambda chunk: {"GroupId": gid, "MemberToDel_Account": [r.key for r in chunk],
                            **extra},
             _status_row("removed"), ROW_COLUMNS)


# --- members set / role ------------------------------------------------------------------------

def _member_data(pairs: tuple[str, ...]) -> list[dict[str, str]]:
    """KEY=VALUE pairs as AppMemberDefinedData: at most 5 keys, values at most 64 bytes."""
    from timctl.cli.groups_lifecycle import parse_app_data

    data = parse_app_data(pairs, "--data")
    if len(data) > MEMBER_DATA_MAX_FIELDS:
        raise UsageError(f"--data: at most {MEMBER_DATA_MAX_FIELDS} member keys")
    for item in data:
        if len(item["Value"].encode("utf-8")) > MEMBER_DATA_VALUE_BYTES:
            raise UsageError(f"--data {item['Key']}: a member value is at most "
                             f"{MEMBER_DATA_VALUE_BYTES} bytes")
    return data


def _modify(app: AppContext, group_id: str, user_id: str, changes: dict[str, Any]) -> None:
    body = {"GroupId": check_group_id(group_id),
            "Member_Account": check_user(user_id, "USERID"), **changes}
    if app.call(MODIFY, body) is not None:
        app.emit({"GroupId": group_id, "UserID": user_id, "Status": "updated"},
                 columns=["GroupId", "UserID", "Status"])


@members.command("set")
@GROUP
@click.argument("user_id", metavar="USERID")
@click.option("--role", type=click.Choice(("Admin", "Member"), case_sensitive=False),
              help="Make an admin or an ordinary member (not in Work groups or AVChatRooms).")
@click.option("--name-card", help="The member's name in this group (at most 50 bytes).")
@click.option("--msg-flag", type=click.Choice(MSG_FLAGS, case_sensitive=False),
              help="How the member receives this group's messages.")
@click.option("--mute", "mute_for", type=Duration(), metavar="DURATION",
              help="Mute for 30s, 10m, 2h, 3d, 1w, seconds, or forever.")
@click.option("--unmute", is_flag=True, help="Lift the member's mute.")
@click.option("--data", multiple=True, metavar="KEY=VALUE",
              help="Member custom field (keys configured in the console); repeatable.")
@output_options(known=["GroupId", "UserID", "Status"])
@dry_run_option
@pass_app
def set_(app: AppContext, group_id: str, user_id: str, role: str | None,
         name_card: str | None, msg_flag: str | None, mute_for: int | None, unmute: bool,
         data: tuple[str, ...]) -> None:
    """Change one member's role, name card, message flag, mute or custom data.

    \b
    timctl groups members set lobby bob --name-card "Bob (mod)" --role Admin
    timctl groups members set lobby carol --mute 2h
    """
    changes: dict[str, Any] = {}
    if role:
        changes["Role"] = role.capitalize()
    if name_card is not None:
        if len(name_card.encode("utf-8")) > NAME_CARD_BYTES:
            raise UsageError(f"--name-card: at most {NAME_CARD_BYTES} bytes")
        changes["NameCard"] = name_card
    if msg_flag:
        changes["MsgFlag"] = next(f for f in MSG_FLAGS if f.lower() == msg_flag.lower())
    if mute_for is not None and unmute:
        raise UsageError("--mute and --unmute exclude each other")
    if mute_for is not None or unmute:
        changes["MuteTime"] = 0 if unmute else mute_for
    if data:
        changes["AppMemberDefinedData"] = _member_data(data)
    if not changes:
        raise UsageError("nothing to change: give at least one option (see --help)")
    _modify(app, group_id, user_id, changes)


@members.command("role")
@GROUP
@click.argument("user_id", metavar="USERID")
@click.argument("role", type=click.Choice(("Admin", "Member"), case_sensitive=False),
                metavar="ROLE")
@output_options(known=["GroupId", "UserID", "Status"])
@dry_run_option
@pass_app
def role_(app: AppContext, group_id: str, user_id: str, role: str) -> None:
    """Make a member an admin, or an admin an ordinary member. The owner's role cannot
    change (use `timctl groups transfer`); Work groups have no admins.

    \b
    timctl groups members role lobby bob Admin
    """
    _modify(app, group_id, user_id, {"Role": role.capitalize()})


# --- mute / unmute / muted -----------------------------------------------------------------------

def _forbid(app: AppContext, group_id: str, user_ids: tuple[str, ...], bulk: dict[str, Any],
            seconds: int, done: str) -> None:
    gid = check_group_id(group_id)
    run_bulk(app, bulk_from(bulk), FORBID, MemberReader("UserID"), user_ids,
             lambda chunk: {"GroupId": gid, "Members_Account": [r.key for r in chunk],
                            "MuteTime": seconds},
             _status_row(done), ROW_COLUMNS)


@groups.command("mute")
@GROUP
@USERS
@click.option("--for", "duration", type=Duration(), required=True, metavar="DURATION",
              help="30s, 10m, 2h, 3d, 1w (or combined, 1h30m), seconds, or forever.")
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def mute(app: AppContext, group_id: str, user_ids: tuple[str, ...], duration: int,
         **bulk: Any) -> None:
    """Mute members of a group (500 per call): they cannot send there (10017) until the time
    is up. The mute survives leaving and re-joining. Work groups cannot mute (10007).

    \b
    timctl groups mute lobby spammer --for 1d
    timctl groups mute lobby -f noisy.txt --for forever
    """
    _forbid(app, group_id, user_ids, bulk, duration, "muted")


@groups.command("unmute")
@GROUP
@USERS
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def unmute(app: AppContext, group_id: str, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Lift members' mute in a group (500 per call).

    \b
    timctl groups unmute lobby spammer
    """
    _forbid(app, group_id, user_ids, bulk, 0, "unmuted")


@groups.command("muted")
@GROUP
@output_options(known=["Member_Account", "MutedUntil", "Until"])
@dry_run_option
@pass_app
def muted(app: AppContext, group_id: str) -> None:
    """List a group's muted members and when each mute ends (MutedUntil: Unix seconds;
    Until: the same in UTC)."""
    answer = app.call(MUTED, {"GroupId": check_group_id(group_id)})
    if answer is None:
        return
    # The legacy answer names the list ShuttedUinList and the end ShuttedUntil.
    items = answer.get("MutedAccountList", answer.get("ShuttedUinList")) or []
    rows = []
    for item in items:
        until = item.get("MutedUntil", item.get("ShuttedUntil"))
        rows.append({"Member_Account": item.get("Member_Account"), "MutedUntil": until,
                     "Until": _until(until)})
    app.emit(rows, columns=["Member_Account", "Until", "MutedUntil"])


# --- ban / unban / banned (AVChatRoom) -----------------------------------------------------------

@groups.command("ban")
@GROUP
@USERS
@click.option("--for", "duration", type=Duration(), required=True, metavar="DURATION",
              help="30s, 10m, 2h, 3d, 1w (or combined), seconds, or forever.")
@click.option("--reason", help="Ban message (at most 1000 bytes).")
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def ban(app: AppContext, group_id: str, user_ids: tuple[str, ...], duration: int,
        reason: str | None, **bulk: Any) -> None:
    """Ban users from a live group (AVChatRoom; 20 per call): they are removed, receive
    nothing and cannot join again until the ban ends. Other types answer 10007.

    \b
    timctl groups ban live-1 troll --for 1w --reason "spam"
    """
    gid = check_group_id(group_id)
    extra: dict[str, Any] = {}
    if reason is not None:
        if len(reason.encode("utf-8")) > BAN_REASON_BYTES:
            raise UsageError(f"--reason: at most {BAN_REASON_BYTES} bytes")
        extra["Description"] = reason
    seconds = min(duration, FOREVER)
    run_bulk(app, bulk_from(bulk), BAN, MemberReader("UserID"), user_ids,
             lambda chunk: {"GroupId": gid, "Members_Account": [r.key for r in chunk],
                            "Duration": seconds, **extra},
             _status_row("banned"), ROW_COLUMNS)


@groups.command("unban")
@GROUP
@USERS
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def unban(app: AppContext, group_id: str, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Lift bans in a live group (AVChatRoom; 20 per call).

    \b
    timctl groups unban live-1 troll
    """
    gid = check_group_id(group_id)
    run_bulk(app, bulk_from(bulk), UNBAN, MemberReader("UserID"), user_ids,
             lambda chunk: {"GroupId": gid, "Members_Account": [r.key for r in chunk]},
             _status_row("unbanned"), ROW_COLUMNS)


@groups.command("banned")
@GROUP
@limit_option()
@output_options(known=["Member_Account", "BannedUntil", "Until"])
@dry_run_option
@pass_app
def banned(app: AppContext, group_id: str, limit: int | None) -> None:
    """List the users banned from a live group and when each ban ends (paged through)."""
    items = collect(app, BANNED, {"GroupId": check_group_id(group_id), "Offset": 0}, limit)
    if items is None:
        return
    rows = [{"Member_Account": i.get("Member_Account"), "BannedUntil": i.get("BannedUntil"),
             "Until": _until(i.get("BannedUntil"))} for i in items]
    app.emit(rows, columns=["Member_Account", "Until", "BannedUntil"])
