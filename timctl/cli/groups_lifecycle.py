"""timctl groups: create, list, info, update, destroy, transfer, joined, online-count.

Facts (rest-api-groups.yaml, group_model; pages 1047/34895 create_group, 34960
get_appid_group_list, 34961 get_group_info, 34962 modify_group_base_info, 34896 destroy_group,
34966 change_group_owner, 34925 get_joined_group_list, 38521 get_online_member_num):
REST type names are Private/Public/ChatRoom/AVChatRoom/Community (SDKs say Work and Meeting
for the first and third); a custom group ID is printable ASCII, at most 48 bytes, and must not
start with the reserved `@TGS#`, except a Community's, which must start with `@TGS#_`.
Text limits follow the newer pages (Name 100, Introduction 400, Notification 400, FaceUrl 500
bytes; see endpoints/groups.py).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import click

from timctl import exit_codes
from timctl.cli.context import AppContext, is_tty
from timctl.cli.groups import groups
from timctl.cli.inputs import user_id_problem
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.records import BadLine, Reader
from timctl.errors import ApiError, UsageError

G = "group_open_http_svc"
CREATE = f"{G}/create_group"
LIST = f"{G}/get_appid_group_list"
INFO = f"{G}/get_group_info"
MODIFY = f"{G}/modify_group_base_info"
DESTROY = f"{G}/destroy_group"
TRANSFER = f"{G}/change_group_owner"
JOINED = f"{G}/get_joined_group_list"
ONLINE = f"{G}/get_online_member_num"

# Friendly and SDK names -> the REST type string.
TYPES = {"private": "Private", "work": "Private", "public": "Public", "chatroom": "ChatRoom",
         "meeting": "ChatRoom", "avchatroom": "AVChatRoom", "community": "Community"}
TYPE_NAMES = "Work (Private), Public, Meeting (ChatRoom), AVChatRoom, Community"
RESERVED_PREFIX = "@TGS#"
COMMUNITY_PREFIX = "@TGS#_"
MAX_GROUP_ID_BYTES = 48
TEXT_LIMITS = {"Name": 100, "Introduction": 400, "Notification": 400, "FaceUrl": 500}
MAX_CREATE_MEMBERS = 100  # create_group MemberList (1047/34895)
# Member caps: 6000 is the highest any edition buys for Work/Public/Meeting; Communities go
# to 100,000 (1,000,000 for Enterprise on request); AVChatRoom has no cap.
MAX_MEMBERS = {"Private": 6000, "Public": 6000, "ChatRoom": 6000, "Community": 1_000_000}
APP_DATA_MAX_FIELDS = 10
APP_DATA_KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
APP_DATA_KEY_BYTES = 16
APP_DATA_VALUE_BYTES = 512
APPLY_JOIN = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE_JOIN = ("FreeAccess", "NeedPermission", "DisableInvite")
BASE_FIELDS = ("Type", "Name", "Introduction", "Notification", "FaceUrl", "CreateTime",
               "Owner_Account", "LastInfoTime", "LastMsgTime", "NextMsgSeq", "MemberNum",
               "MaxMemberNum", "ApplyJoinOption", "MuteAllMember", "InfoSeq",
               "InviteJoinOption")
INFO_COLUMNS = ["GroupId", "Type", "Name", "Owner_Account", "MemberNum", "MaxMemberNum",
                "CreateTime"]
RESULT_COLUMNS = ["ErrorCode", "ErrorInfo"]
INFO_CHUNK = 50  # get_group_info GroupIdList


# --- checks shared with the members commands -----------------------------------------------

def group_id_problem(group_id: str) -> str | None:
    """Why `group_id` cannot name a group, or None (printable ASCII, 1-48 bytes)."""
    if not group_id:
        return "empty group ID"
    if any(not 0x20 <= ord(ch) <= 0x7E for ch in group_id):
        return "a group ID is printable ASCII only"
    if len(group_id) > MAX_GROUP_ID_BYTES:
        return f"a group ID is at most {MAX_GROUP_ID_BYTES} bytes ({len(group_id)} given)"
    return None


def check_group_id(group_id: str, what: str = "GROUP_ID") -> str:
    problem = group_id_problem(group_id)
    if problem:
        raise UsageError(f"{what}: {problem}: {group_id!r}")
    return group_id


def custom_id_problem(group_id: str, rest_type: str) -> str | None:
    """The documented rules for a group ID chosen at creation."""
    problem = group_id_problem(group_id)
    if problem:
        return problem
    if rest_type == "Community":
        if not group_id.startswith(COMMUNITY_PREFIX) or group_id == COMMUNITY_PREFIX:
            return f"a Community's custom ID must start with {COMMUNITY_PREFIX}"
    elif group_id.startswith(RESERVED_PREFIX):
        return f"the prefix {RESERVED_PREFIX} is reserved for IDs the server assigns"
    return None


def check_user(user_id: str, what: str) -> str:
    problem = user_id_problem(user_id)
    if problem:
        raise UsageError(f"{what}: {problem}: {user_id!r}")
    return user_id


def check_text(name: str, value: str | None, flag: str) -> None:
    limit = TEXT_LIMITS[name]
    if value is not None and len(value.encode("utf-8")) > limit:
        raise UsageError(f"{flag}: at most {limit} bytes (UTF-8; {len(value.encode())} given)")


def parse_app_data(pairs: Iterable[str], flag: str = "--app-data") -> list[dict[str, str]]:
    """KEY=VALUE pairs as AppDefinedData ([{Key, Value}]); keys are letters, digits and _,
    at most 16 bytes, at most 10 of them; values at most 512 bytes ('' clears a value)."""
    data: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"{flag} {pair!r}: expected KEY=VALUE")
        if not key or not set(key) <= APP_DATA_KEY_CHARS or len(key) > APP_DATA_KEY_BYTES:
            raise UsageError(f"{flag} {pair!r}: a key is 1-{APP_DATA_KEY_BYTES} letters, "
                             "digits or _")
        if len(value.encode("utf-8")) > APP_DATA_VALUE_BYTES:
            raise UsageError(f"{flag} {key}: a value is at most {APP_DATA_VALUE_BYTES} bytes")
        data[key] = value
    if len(data) > APP_DATA_MAX_FIELDS:
        raise UsageError(f"{flag}: at most {APP_DATA_MAX_FIELDS} keys ({len(data)} given)")
    return [{"Key": k, "Value": v} for k, v in data.items()]


class GroupType(click.ParamType):
    """A group type by its REST or SDK name, case-insensitive; converts to the REST name."""

    name = "type"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        found = TYPES.get(str(value).strip().lower())
        if found is None:
            self.fail(f"{value!r} is not a group type (choose from {TYPE_NAMES})", param, ctx)
        return found

    def shell_complete(self, ctx: click.Context, param: click.Parameter,
                       incomplete: str) -> list[Any]:
        from click.shell_completion import CompletionItem

        names = ["Work", "Private", "Public", "Meeting", "ChatRoom", "AVChatRoom", "Community"]
        return [CompletionItem(n) for n in names if n.lower().startswith(incomplete.lower())]


def _choice(values: tuple[str, ...]) -> click.Choice:
    return click.Choice(values, case_sensitive=False)


def _canonical(value: str | None, values: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    return next(v for v in values if v.lower() == value.lower())


def api_failure(app: AppContext, rows: list[dict[str, Any]], columns: list[str],
                failed: int) -> None:
    """Print the rows; exit 6 when some items failed, 5 when all did."""
    app.emit(rows, columns=columns)
    if failed:
        raise SystemExit(exit_codes.API if failed == len(rows) else exit_codes.PARTIAL)


def _result(exc: ApiError | None = None) -> dict[str, Any]:
    return {"ErrorCode": exc.code if exc else 0, "ErrorInfo": exc.info if exc else ""}


# --- members given at creation ---------------------------------------------------------------

class MemberReader(Reader):
    """Members by UserID (plain lines, CSV, JSONL), with Member_Account accepted as the
    column name the API uses."""

    ALIAS = "Member_Account"

    def _detect(self, first: str) -> str:
        # A one-column CSV has no comma: a first line that is just UserID or Member_Account
        # is its header, not a member.
        names = [h.strip() for h in first.split(",")]
        if not first.startswith("{") and (self.ALIAS in names or names == [self.key]):
            self.detected = self.detected or "csv"
            return "csv"
        return super()._detect(first)

    def _csv_header(self, source: str, number: int, line: str) -> list[str]:
        if self.key not in line.split(",") and self.ALIAS in [h.strip() for h in line.split(",")]:
            line = ",".join(self.key if h.strip() == self.ALIAS else h for h in line.split(","))
        return super()._csv_header(source, number, line)

    def _json_line(self, source: str, number: int, line: str) -> Any:
        item = super()._json_line(source, number, line)
        if isinstance(item, BadLine) and item.reason == f"no {self.key} string":
            import json

            obj = json.loads(line)
            key = obj.get(self.ALIAS)
            if isinstance(key, str):
                return self._record(source, number, key, {**obj, self.key: key}, line)
        return item


def role_problem(fields: dict[str, Any]) -> str | None:
    role = fields.get("Role")
    if role in (None, "") or str(role).lower() in ("admin", "member"):
        return None
    return f"Role {role!r}: only Admin or Member (the owner is --owner)"


def _initial_members(members: str | None, members_file: str | None) -> list[dict[str, Any]]:
    """MemberList items from --members a,b and --members-file; a bad line is exit 2."""
    result: dict[str, dict[str, Any]] = {}
    for position, user in enumerate((members or "").split(","), start=1):
        if user.strip():
            user = check_user(user.strip(), f"--members item {position}")
            result[user] = {"Member_Account": user}
    if members_file:
        for item in MemberReader("UserID", validate=role_problem).read([], [members_file]):
            if isinstance(item, BadLine):
                raise UsageError(f"{item.where}: {item.reason}")
            entry: dict[str, Any] = {"Member_Account": item.key}
            if str(item.fields.get("Role", "")).lower() == "admin":
                entry["Role"] = "Admin"  # only Admin is accepted; absent means Member
            result[item.key] = entry
    return list(result.values())


# --- create ------------------------------------------------------------------------------------

@groups.command("create")
@click.option("--type", "group_type", type=GroupType(), required=True,
              help=f"Group type: {TYPE_NAMES}.")
@click.option("--name", required=True, help="Group name (at most 100 bytes).")
@click.option("--id", "group_id", metavar="GROUP_ID",
              help="Custom group ID: printable ASCII, at most 48 bytes, not starting with "
                   "@TGS# (a Community's must start with @TGS#_). Default: assigned.")
@click.option("--owner", metavar="USERID", help="Owner (an imported account; becomes a "
                                                "member). Default: none.")
@click.option("--intro", help="Introduction (at most 400 bytes).")
@click.option("--notification", help="Notification (at most 400 bytes).")
@click.option("--face-url", help="Avatar URL (at most 500 bytes).")
@click.option("--max-members", type=click.IntRange(min=1), metavar="N",
              help="Member cap (default: the edition's ceiling).")
@click.option("--apply-join", type=_choice(APPLY_JOIN), help="Who may ask to join.")
@click.option("--invite-join", type=_choice(INVITE_JOIN), help="Whether invitations need "
                                                               "approval.")
@click.option("--members", metavar="A,B", help="Initial members, comma-separated.")
@click.option("--members-file", type=click.Path(dir_okay=False, allow_dash=True),
              metavar="FILE", help="Initial members: UserID lines, CSV (UserID[,Role]) or "
                                   "JSONL; Role Admin makes an admin.")
@click.option("--app-data", multiple=True, metavar="KEY=VALUE",
              help="Group custom field (keys configured in the console); repeatable.")
@click.option("--mute-all", is_flag=True, help="Only owner and admins may speak (set right "
                                               "after creation).")
@click.option("--topics", "support_topic", is_flag=True,
              help="Community with topics (SupportTopic).")
@output_options(known=["GroupId", "Type", "Name"])
@dry_run_option
@pass_app
def create(app: AppContext, group_type: str, name: str, group_id: str | None,
           owner: str | None, intro: str | None, notification: str | None,
           face_url: str | None, max_members: int | None, apply_join: str | None,
           invite_join: str | None, members: str | None, members_file: str | None,
           app_data: tuple[str, ...], mute_all: bool, support_topic: bool) -> None:
    """Create a group and print its ID.

    \b
    timctl groups create --type Public --name Lobby --owner alice --members bob,carol
    timctl groups create --type Work --name Team --id team-1 --members-file team.csv
    gid=$(timctl groups create --type Meeting --name Standup -o json --query GroupId)
    """
    body: dict[str, Any] = {"Type": group_type, "Name": name}
    for field, value, flag in (("Name", name, "--name"), ("Introduction", intro, "--intro"),
                               ("Notification", notification, "--notification"),
                               ("FaceUrl", face_url, "--face-url")):
        check_text(field, value, flag)
        if value is not None:
            body[field] = value
    if group_id is not None:
        problem = custom_id_problem(group_id, group_type)
        if problem:
            raise UsageError(f"--id: {problem}: {group_id!r}")
        body["GroupId"] = group_id
    if owner is not None:
        body["Owner_Account"] = check_user(owner, "--owner")
    if support_topic and group_type != "Community":
        raise UsageError("--topics: only a Community can have topics")
    if apply_join and group_type == "Community":
        raise UsageError("--apply-join: Communities do not take ApplyJoinOption")
    if invite_join and group_type == "AVChatRoom":
        raise UsageError("--invite-join: AVChatRooms take no invitations")
    cap = MAX_MEMBERS.get(group_type)
    if max_members is not None:
        if cap is not None and max_members > cap:
            raise UsageError(f"--max-members: a {group_type} group holds at most {cap}")
        body["MaxMemberCount"] = max_members
    member_list = _initial_members(members, members_file)
    if member_list:
        if group_type == "AVChatRoom":
            raise UsageError("--members: an AVChatRoom takes no members from the server "
                             "(users join from the SDK)")
        if owner is not None:
            member_list = [m for m in member_list if m["Member_Account"] != owner]
        if len(member_list) > MAX_CREATE_MEMBERS:
            raise UsageError(f"--members: at most {MAX_CREATE_MEMBERS} at creation "
                             f"({len(member_list)} given); add the rest with "
                             "`timctl groups members add -f FILE`")
        total = len(member_list) + (owner is not None)
        if max_members is not None and total > max_members:
            raise UsageError(f"--members: {total} members (with the owner) exceed "
                             f"--max-members {max_members}")
        body["MemberList"] = member_list
    if apply_join:
        body["ApplyJoinOption"] = _canonical(apply_join, APPLY_JOIN)
    if invite_join:
        body["InviteJoinOption"] = _canonical(invite_join, INVITE_JOIN)
    if app_data:
        body["AppDefinedData"] = parse_app_data(app_data)
    if support_topic:
        body["SupportTopic"] = 1
    answer = app.call(CREATE, body)
    # create_group takes no MuteAllMember (1047/34895): it is set by a second call.
    if mute_all:
        created = (answer or {}).get("GroupId", group_id or "<new group>")
        app.call(MODIFY, {"GroupId": created, "MuteAllMember": "On"})
    if answer is None:  # --dry-run printed the requests
        return
    _print_created(app, {"GroupId": answer.get("GroupId"), "Type": group_type, "Name": name})


def _print_created(app: AppContext, row: dict[str, Any]) -> None:
    """The bare ID on a terminal and when --query picks it (so `gid=$(...)` gets no quotes);
    an object otherwise."""
    from timctl.output import apply_query

    if app.query:
        picked = apply_query(row, app.query)
        if isinstance(picked, str):
            click.echo(picked)
            return
    elif app.output_format() == "table" and not app.fields:
        click.echo(row["GroupId"])
        return
    app.emit(row, columns=["GroupId", "Type", "Name"])


# --- list / info -----------------------------------------------------------------------------

def _info_filter(fields: tuple[str, ...], with_members: bool) -> dict[str, Any] | None:
    if not fields and not with_members:
        return None
    base = {f.lower(): f for f in BASE_FIELDS}
    chosen = []
    # repeatable, and each may be a comma list (as `users profile get --field` takes)
    for name in (part.strip() for value in fields for part in value.split(",")):
        if name.lower() == "all":
            chosen = list(BASE_FIELDS)
            continue
        if name.lower() not in base:
            raise UsageError(f"--field {name!r}: not a group field (fields: "
                             f"{', '.join(BASE_FIELDS)})")
        chosen.append(base[name.lower()])
    result: dict[str, Any] = {"GroupBaseInfoFilter": chosen or list(BASE_FIELDS)}
    if with_members:
        result["MemberInfoFilter"] = ["Role", "JoinTime", "MsgFlag", "MuteUntil", "NameCard"]
    return result


def _info_rows(app: AppContext, ids: list[str],
               response_filter: dict[str, Any] | None) -> tuple[list[dict[str, Any]], int]:
    """get_group_info in chunks of 50: one row per group (in order) and how many failed."""
    rows: list[dict[str, Any]] = []
    failed = 0
    for start in range(0, len(ids), INFO_CHUNK):
        body: dict[str, Any] = {"GroupIdList": ids[start:start + INFO_CHUNK]}
        if response_filter:
            body["ResponseFilter"] = response_filter
        answer = app.call(INFO, body)
        if answer is None:
            continue
        for info in answer.get("GroupInfo") or []:
            if info.get("ErrorCode"):
                failed += 1
                app.log(f"timctl: {info.get('GroupId')}: {info.get('ErrorInfo')} "
                        f"({info.get('ErrorCode')})")
            rows.append(dict(info))
    return rows, failed


@groups.command("list")
@click.option("--type", "group_type", type=GroupType(), help=f"Only this type: {TYPE_NAMES}.")
@click.option("--ids-only", is_flag=True, help="Only the IDs (no get_group_info calls).")
@limit_option()
@output_options
@dry_run_option
@pass_app
def list_(app: AppContext, group_type: str | None, ids_only: bool, limit: int | None) -> None:
    """List every group of the app (paged through; 1 call/s), with type, name and size.

    \b
    timctl groups list --type Public
    timctl groups list --ids-only -o jsonl
    """
    body = {"GroupType": group_type} if group_type else {}
    items = collect(app, LIST, body, limit)
    if items is None:
        return
    ids = [str(i.get("GroupId")) for i in items if isinstance(i, dict)]
    if ids_only:
        app.emit([{"GroupId": i} for i in ids], columns=["GroupId"])
        return
    rows, failed = _info_rows(app, ids, _info_filter(
        ("Type", "Name", "Owner_Account", "MemberNum", "MaxMemberNum", "CreateTime"), False))
    api_failure(app, rows, INFO_COLUMNS, failed)


@groups.command("info")
@click.argument("group_ids", nargs=-1, required=True, metavar="GROUP_ID...")
@click.option("--field", "fields_", multiple=True, metavar="NAME",
              help=f"Only these fields (repeatable or comma-separated; or all): "
                   f"{', '.join(BASE_FIELDS)}.")
@click.option("--members", "with_members", is_flag=True, help="Include the member list.")
@output_options
@dry_run_option
@pass_app
def info(app: AppContext, group_ids: tuple[str, ...], fields_: tuple[str, ...],
         with_members: bool) -> None:
    """Show groups' profiles (50 per call). A group that does not exist gets a row with its
    ErrorCode (10010 / 10015) and the exit code is 6 (5 if none exists).

    \b
    timctl groups info @TGS#2J4SZEAEL team-1
    timctl groups info team-1 --field Name --field MemberNum -o json
    """
    ids = [check_group_id(g) for g in group_ids]
    response_filter = _info_filter(fields_, with_members)
    rows, failed = _info_rows(app, ids, response_filter)
    if app.dry_run:
        return
    columns = INFO_COLUMNS
    if fields_:
        chosen = response_filter["GroupBaseInfoFilter"] if response_filter else []
        columns = ["GroupId", *chosen]
    api_failure(app, rows, columns, failed)


# --- update / destroy / transfer -------------------------------------------------------------

@groups.command("update")
@click.argument("group_id")
@click.option("--name", help="New name (at most 100 bytes).")
@click.option("--intro", help="Introduction (at most 400 bytes).")
@click.option("--notification", help="Notification (at most 400 bytes).")
@click.option("--face-url", help="Avatar URL (at most 500 bytes).")
@click.option("--max-members", type=click.IntRange(min=1), metavar="N", help="Member cap.")
@click.option("--apply-join", type=_choice(APPLY_JOIN), help="Who may ask to join.")
@click.option("--invite-join", type=_choice(INVITE_JOIN), help="Whether invitations need "
                                                               "approval.")
@click.option("--mute-all/--no-mute-all", default=None,
              help="Only owner and admins may speak (or lift that).")
@click.option("--app-data", multiple=True, metavar="KEY=VALUE",
              help="Set a custom field (KEY= clears it); repeatable.")
@output_options(known=["GroupId", "Status"])
@dry_run_option
@pass_app
def update(app: AppContext, group_id: str, name: str | None, intro: str | None,
           notification: str | None, face_url: str | None, max_members: int | None,
           apply_join: str | None, invite_join: str | None, mute_all: bool | None,
           app_data: tuple[str, ...]) -> None:
    """Change a group's profile; only the fields given change.

    \b
    timctl groups update team-1 --name "Team One" --notification "Standup at 10"
    timctl groups update lobby --mute-all --app-data level=3
    """
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    for field, value, flag in (("Name", name, "--name"), ("Introduction", intro, "--intro"),
                               ("Notification", notification, "--notification"),
                               ("FaceUrl", face_url, "--face-url")):
        check_text(field, value, flag)
        if value is not None:
            body[field] = value
    if max_members is not None:
        body["MaxMemberNum"] = max_members
    if apply_join:
        body["ApplyJoinOption"] = _canonical(apply_join, APPLY_JOIN)
    if invite_join:
        body["InviteJoinOption"] = _canonical(invite_join, INVITE_JOIN)
    if mute_all is not None:
        body["MuteAllMember"] = "On" if mute_all else "Off"
    if app_data:
        body["AppDefinedData"] = parse_app_data(app_data)
    if len(body) == 1:
        raise UsageError("nothing to change: give at least one option (see --help)")
    if app.call(MODIFY, body) is not None:
        app.emit({"GroupId": group_id, "Status": "updated"}, columns=["GroupId", "Status"])


@groups.command("destroy")
@click.argument("group_ids", nargs=-1, required=True, metavar="GROUP_ID...")
@output_options(known=["GroupId", "Status", *RESULT_COLUMNS])
@dry_run_option
@yes_option
@pass_app
def destroy(app: AppContext, group_ids: tuple[str, ...]) -> None:
    """Dismiss groups (any type, Work groups too) with their members and history.
    Irreversible: asks first, or needs --yes. A group already gone counts as failed (10010).

    \b
    timctl groups destroy team-1 --yes
    """
    ids = [check_group_id(g) for g in group_ids]
    app.confirm(f"Dismiss {len(ids)} group(s) ({', '.join(ids[:3])}"
                f"{', ...' if len(ids) > 3 else ''}) with their members and messages?")
    rows: list[dict[str, Any]] = []
    failed = 0
    for gid in ids:
        try:
            if app.call(DESTROY, {"GroupId": gid}) is None:
                continue
            rows.append({"GroupId": gid, "Status": "destroyed", **_result()})
        except ApiError as exc:
            failed += 1
            app.log(f"timctl: {gid}: {exc.info} ({exc.code})")
            rows.append({"GroupId": gid, "Status": "failed", **_result(exc)})
    if not app.dry_run:
        api_failure(app, rows, ["GroupId", "Status", *RESULT_COLUMNS], failed)


@groups.command("transfer")
@click.argument("group_id")
@click.option("--to", "new_owner", required=True, metavar="USERID",
              help="The new owner (must be a member).")
@output_options(known=["GroupId", "Owner_Account", "Status"])
@dry_run_option
@pass_app
def transfer(app: AppContext, group_id: str, new_owner: str) -> None:
    """Make a member the group's owner (the old owner stays, as a Member).

    \b
    timctl groups transfer team-1 --to bob
    """
    body = {"GroupId": check_group_id(group_id), "NewOwner_Account": check_user(new_owner,
                                                                                 "--to")}
    if app.call(TRANSFER, body) is not None:
        app.emit({"GroupId": group_id, "Owner_Account": new_owner, "Status": "transferred"},
                 columns=["GroupId", "Owner_Account", "Status"])


# --- joined / online-count -------------------------------------------------------------------

JOINED_COLUMNS = ["GroupId", "Type", "Name", "Role", "JoinTime", "MemberNum"]


@groups.command("joined")
@click.argument("user_id")
@click.option("--type", "group_type", type=GroupType(), help=f"Only this type: {TYPE_NAMES}.")
@click.option("--all-types", is_flag=True,
              help="Include AVChatRooms and Work groups without messages yet "
                   "(WithHugeGroups, WithNoActiveGroups).")
@limit_option()
@output_options
@dry_run_option
@pass_app
def joined(app: AppContext, user_id: str, group_type: str | None, all_types: bool,
           limit: int | None) -> None:
    """List the groups a user is in, with the user's role (paged through).

    \b
    timctl groups joined alice
    timctl groups joined alice --type Public -o json
    """
    body: dict[str, Any] = {
        "Member_Account": check_user(user_id, "USERID"),
        "ResponseFilter": {"GroupBaseInfoFilter": ["Type", "Name", "MemberNum"],
                           "SelfInfoFilter": ["Role", "JoinTime", "MsgFlag"]},
    }
    if group_type:
        body["GroupType"] = group_type
    if all_types:
        body.update(WithHugeGroups=1, WithNoActiveGroups=1)
    items = collect(app, JOINED, body, limit)
    if items is None:
        return
    rows = []
    for item in items:
        row = {k: v for k, v in item.items() if k != "SelfInfo"}
        self_info = item.get("SelfInfo") or {}
        row.update({k: self_info.get(k) for k in ("Role", "JoinTime", "MsgFlag")})
        rows.append(row)
    app.emit(rows, columns=JOINED_COLUMNS)


@groups.command("online-count")
@click.argument("group_id")
@output_options(known=["GroupId", "OnlineMemberNum"])
@dry_run_option
@pass_app
def online_count(app: AppContext, group_id: str) -> None:
    """How many members of a live group (AVChatRoom) are online now (refreshed about every
    10 s by the server). Other types answer 10007."""
    answer = app.call(ONLINE, {"GroupId": check_group_id(group_id)})
    if answer is None:
        return
    count = answer.get("OnlineMemberNum")
    if app.output_format() == "table" and not app.query and not app.fields and is_tty(
            sys.stdout):
        click.echo(count)
        return
    app.emit({"GroupId": group_id, "OnlineMemberNum": count},
             columns=["GroupId", "OnlineMemberNum"])
