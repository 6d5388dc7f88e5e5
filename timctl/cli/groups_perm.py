"""timctl groups perm-groups: permission groups of a community and their members.

Facts (pages trtc.io/document/61232-61242): IDs "@PMG#_" + a custom part; a name <= 150
bytes, custom data <= 3000 bytes; 20 permission groups destroyed and 100 members added or
removed per call; topic permissions are unsigned bit sets sent as TopicPermissionList
[{TopicId, Permission}], 50 per add (61236; assumed for set and remove too), with per-topic
results in TopicPermissionResultList. Checked before sending (exit 2, nothing sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import api_failure, check_group_id, check_user
from timctl.cli.groups_topics import given_topic
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import UsageError

G = "group_open_http_svc"
RESULT_COLUMNS = ["ErrorCode", "ErrorInfo"]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _users(user_ids: Iterable[str], what: str = "USERID") -> list[str]:
    users = list(dict.fromkeys(check_user(u, what) for u in user_ids))
    if not users:
        raise UsageError(f"no {what} given")
    return users


PMG_PREFIX = "@PMG#_"
PMG_NAME_BYTES, PMG_CUSTOM_BYTES = 150, 3000
PMG_COLUMNS = ["PermissionGroupId", "PermissionGroupName", "Permission", "CustomString"]
PMG_MEMBERS_MAX, PMG_DESTROY_MAX = 100, 20
PMG_MEMBER_RESULTS = {1: "added", 2: "already in it", 0: "failed"}


@groups.group("perm-groups")
def perm_groups() -> None:
    """Permission groups of a community: permission bits and the members holding them."""


def pmg_id(given: str) -> str:
    """A permission group ID: as given when it starts with @PMG#_, else @PMG#_ + GIVEN."""
    full = given if given.startswith(PMG_PREFIX) else PMG_PREFIX + given
    part = full[len(PMG_PREFIX):]
    if not part or any(not 0x20 <= ord(c) <= 0x7E for c in part):
        raise UsageError(f"permission group ID {given!r}: a printable ASCII part after "
                         f"{PMG_PREFIX}")
    return full


def _pmg_values(name: str | None, permission: int | None,
                custom: str | None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if name is not None:
        if not name or _size(name) > PMG_NAME_BYTES:
            raise UsageError(f"--name: 1-{PMG_NAME_BYTES} bytes (UTF-8)")
        values["PermissionGroupName"] = name
    if permission is not None:
        values["Permission"] = permission
    if custom is not None:
        if _size(custom) > PMG_CUSTOM_BYTES:
            raise UsageError(f"--custom-string: at most {PMG_CUSTOM_BYTES} bytes (UTF-8)")
        values["CustomString"] = custom
    return values


PERMISSION = click.option("--permission", type=click.IntRange(0, 2**64 - 1), metavar="BITS",
                          help="The permission bitmask (an unsigned integer).")
CUSTOM = click.option("--custom-string", "custom", metavar="TEXT",
                      help=f"Custom data, at most {PMG_CUSTOM_BYTES} bytes.")


@perm_groups.command("create")
@click.argument("community", metavar="COMMUNITY_ID")
@click.option("--name", required=True, help=f"Name, at most {PMG_NAME_BYTES} bytes.")
@PERMISSION
@CUSTOM
@click.option("--id", "custom_id", metavar="ID", help="A custom ID: @PMG#_PART, or just PART.")
@output_options(known=["GroupId", "PermissionGroupId"])
@dry_run_option
@pass_app
def pmg_create(app: AppContext, community: str, name: str, permission: int | None,
               custom: str | None, custom_id: str | None) -> None:
    """Create a permission group; prints its ID.

    \b
    timctl groups perm-groups create @TGS#_club --name mods --permission 3 --id mods
    """
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
                            **_pmg_values(name, 0 if permission is None else permission,
                                          custom)}
    if custom_id is not None:
        body["PermissionGroupId"] = pmg_id(custom_id)
    answer = app.call(f"{G}/create_permission_group", body)
    if answer is None:
        return
    if not app.query and not app.fields and app.output_format() == "table":
        click.echo(answer.get("PermissionGroupId"))
        return
    app.emit({"GroupId": community, "PermissionGroupId": answer.get("PermissionGroupId")},
             columns=["GroupId", "PermissionGroupId"])


@perm_groups.command("list")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("ids", nargs=-1, metavar="[ID]...")
@output_options(known=PMG_COLUMNS)
@dry_run_option
@pass_app
def pmg_list(app: AppContext, community: str, ids: tuple[str, ...]) -> None:
    """List a community's permission groups (all, paged through, or the given ones)."""
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID")}
    if ids:
        body["PermissionGroupIdList"] = list(dict.fromkeys(pmg_id(i) for i in ids))
    else:
        body.update(Limit=20, Next="")
    rows: list[dict[str, Any]] = []
    while True:
        answer = app.call(f"{G}/get_permission_group", body)
        if answer is None:
            return
        rows += answer.get("PermissionGroupInfoList") or []
        if ids or not answer.get("Next"):
            break
        body["Next"] = answer["Next"]
    app.emit(rows, columns=PMG_COLUMNS[:3])


@perm_groups.command("update")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("group_ref", metavar="ID")
@click.option("--name", help=f"Name, at most {PMG_NAME_BYTES} bytes.")
@PERMISSION
@CUSTOM
@output_options(known=["PermissionGroupId", "Status"])
@dry_run_option
@pass_app
def pmg_update(app: AppContext, community: str, group_ref: str, name: str | None,
               permission: int | None, custom: str | None) -> None:
    """Change a permission group's name, permission bits or custom data."""
    values = _pmg_values(name, permission, custom)
    if not values:
        raise UsageError("nothing to change: give --name, --permission or --custom-string")
    body = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
            "PermissionGroupId": pmg_id(group_ref), **values}
    if app.call(f"{G}/modify_permission_group", body) is not None:
        app.emit({"PermissionGroupId": body["PermissionGroupId"], "Status": "updated"},
                 columns=["PermissionGroupId", "Status"])


@perm_groups.command("destroy")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@output_options(known=["PermissionGroupId", "Status", *RESULT_COLUMNS])
@dry_run_option
@yes_option
@pass_app
def pmg_destroy(app: AppContext, community: str, ids: tuple[str, ...]) -> None:
    """Delete permission groups (20 per call). Asks first, or needs --yes."""
    wanted = list(dict.fromkeys(pmg_id(i) for i in ids))
    gid = check_group_id(community, "COMMUNITY_ID")
    app.confirm(f"Delete {len(wanted)} permission group(s) of {community}?")
    rows, failed = [], 0
    for i in range(0, len(wanted), PMG_DESTROY_MAX):
        answer = app.call(f"{G}/destroy_permission_group",
                          {"GroupId": gid, "PermissionGroupIdList": wanted[i:i + 20]})
        if answer is None:
            continue
        for item in answer.get("PermissionGroupResultList") or []:
            code = item.get("ErrorCode", 0)
            failed += code != 0
            rows.append({"PermissionGroupId": item.get("PermissionGroupId"),
                         "Status": "deleted" if code == 0 else "failed", "ErrorCode": code,
                         "ErrorInfo": item.get("ErrorInfo", "")})
    if not app.dry_run:
        api_failure(app, rows, ["PermissionGroupId", "Status", *RESULT_COLUMNS], failed)


@perm_groups.group("members")
def pmg_members() -> None:
    """Members of a permission group (they must be community members)."""


@pmg_members.command("list")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("group_ref", metavar="ID")
@limit_option()
@output_options(known=["Member_Account", "Role"])
@dry_run_option
@pass_app
def pmg_members_list(app: AppContext, community: str, group_ref: str,
                     limit: int | None) -> None:
    """List the members of a permission group (paged through)."""
    body = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
            "PermissionGroupId": pmg_id(group_ref), "Next": ""}
    rows = collect(app, f"{G}/get_permission_group_member_list", body, limit)
    if rows is not None:
        app.emit(rows, columns=["Member_Account", "Role"])


def _pmg_member_command(name: str, command: str, verb: str) -> Any:
    @pmg_members.command(name, help=f"{verb.capitalize()} permission group members "
                                    f"({PMG_MEMBERS_MAX} per call).")
    @click.argument("community", metavar="COMMUNITY_ID")
    @click.argument("group_ref", metavar="ID")
    @click.argument("user_ids", nargs=-1, required=True, metavar="USERID...")
    @output_options(known=["Member_Account", "Status"])
    @dry_run_option
    @pass_app
    def change(app: AppContext, community: str, group_ref: str,
               user_ids: tuple[str, ...]) -> None:
        users = _users(user_ids)
        base = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
                "PermissionGroupId": pmg_id(group_ref)}
        rows, failed = [], 0
        for i in range(0, len(users), PMG_MEMBERS_MAX):
            chunk = users[i:i + PMG_MEMBERS_MAX]
            answer = app.call(f"{G}/{command}", {
                **base, "MemberList": [{"Member_Account": u} for u in chunk]})
            if answer is None:
                continue
            if command == "delete_permission_group_member":
                rows += [{"Member_Account": u, "Status": "removed"} for u in chunk]
                continue
            for item in answer.get("MemberList") or []:
                status = PMG_MEMBER_RESULTS.get(item.get("Result"), "failed")
                failed += status == "failed"
                rows.append({"Member_Account": item.get("Member_Account"), "Status": status})
        if not app.dry_run:
            api_failure(app, rows, ["Member_Account", "Status"], failed)

    return change


pmg_members_add = _pmg_member_command("add", "add_permission_group_member", "add")
pmg_members_remove = _pmg_member_command("remove", "delete_permission_group_member", "remove")


# --- topic permissions of a permission group --------------------------------------------------

PMG_TOPICS_MAX = 50  # TopicPermissionList per call (trtc.io/document/61236)
TOPIC_RESULT_COLUMNS = ["TopicId", "Permission", "Status", *RESULT_COLUMNS]
U64 = 2**64 - 1


@perm_groups.group("topics")
def pmg_topics() -> None:
    """Per-topic permission bits of a permission group (topic-enabled communities)."""


def _topic_bits(community: str, args: Iterable[str], default: int | None) -> dict[str, int]:
    """TOPIC=BITS (or bare TOPIC with --permission) -> {full topic ID: bits}, checked."""
    out: dict[str, int] = {}
    for arg in args:
        topic, sep, text = arg.partition("=")
        if not sep:
            if default is None:
                raise UsageError(f"{arg!r}: expected TOPIC=BITS, or give --permission")
            bits = default
        else:
            try:
                bits = int(text.strip())
            except ValueError:
                raise UsageError(f"{arg!r}: BITS must be an unsigned integer") from None
            if not 0 <= bits <= U64:
                raise UsageError(f"{arg!r}: BITS must be an unsigned 64-bit integer")
        out[given_topic(community, topic)] = bits
    if not out:
        raise UsageError("no TOPIC given")
    return out


def _topic_results(app: AppContext, command: str, base: dict[str, Any], field: str,
                   items: list[Any], done: str, bits: dict[str, int]) -> None:
    """Send `items` in chunks of 50 and print one row per topic; exit 6/5 on failures."""
    rows, failed = [], 0
    for i in range(0, len(items), PMG_TOPICS_MAX):
        answer = app.call(f"{G}/{command}", {**base, field: items[i:i + PMG_TOPICS_MAX]})
        if answer is None:
            continue
        for item in answer.get("TopicPermissionResultList") or []:
            code = item.get("ErrorCode", 0)
            failed += code != 0
            topic = item.get("TopicId")
            row = {"TopicId": topic, "Permission": bits.get(topic)} if bits else {
                "TopicId": topic}
            rows.append({**row, "Status": done if code == 0 else "failed", "ErrorCode": code,
                         "ErrorInfo": item.get("ErrorInfo", "")})
    if not app.dry_run:
        columns = TOPIC_RESULT_COLUMNS if bits else ["TopicId", "Status", *RESULT_COLUMNS]
        api_failure(app, rows, columns, failed)


def _topic_write(name: str, command: str, done: str, doc: str) -> Any:
    @pmg_topics.command(name, help=f"""{doc}

    \b
    timctl groups perm-groups topics {name} @TGS#_club mods news=3 general=1
    timctl groups perm-groups topics {name} @TGS#_club mods news general --permission 3
    """)
    @click.argument("community", metavar="COMMUNITY_ID")
    @click.argument("group_ref", metavar="ID")
    @click.argument("args", nargs=-1, required=True, metavar="TOPIC[=BITS]...")
    @click.option("--permission", type=click.IntRange(0, U64), metavar="BITS",
                  help="The bits for every TOPIC given without =BITS.")
    @output_options(known=TOPIC_RESULT_COLUMNS)
    @dry_run_option
    @pass_app
    def write(app: AppContext, community: str, group_ref: str, args: tuple[str, ...],
              permission: int | None) -> None:
        gid = check_group_id(community, "COMMUNITY_ID")
        bits = _topic_bits(community, args, permission)
        base = {"GroupId": gid, "PermissionGroupId": pmg_id(group_ref)}
        items = [{"TopicId": t, "Permission": b} for t, b in bits.items()]
        _topic_results(app, command, base, "TopicPermissionList", items, done, bits)

    return write


pmg_topics_add = _topic_write(
    "add", "add_topic_permission_group", "added",
    "Give a permission group permission bits on topics (50 topics per call). A topic it "
    "already has fails; use `set` to change it. TOPIC is a full topic ID or its custom part.")
pmg_topics_set = _topic_write(
    "set", "set_topic_permission_group", "updated",
    "Change a permission group's bits on topics it already has (50 topics per call).")


@pmg_topics.command("remove")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("group_ref", metavar="ID")
@click.argument("topic_ids", nargs=-1, required=True, metavar="TOPIC...")
@output_options(known=["TopicId", "Status", *RESULT_COLUMNS])
@dry_run_option
@pass_app
def pmg_topics_remove(app: AppContext, community: str, group_ref: str,
                      topic_ids: tuple[str, ...]) -> None:
    """Take topics' permissions away from a permission group (50 topics per call).

    \b
    timctl groups perm-groups topics remove @TGS#_club mods news
    """
    gid = check_group_id(community, "COMMUNITY_ID")
    ids = list(dict.fromkeys(given_topic(community, t) for t in topic_ids))
    base = {"GroupId": gid, "PermissionGroupId": pmg_id(group_ref)}
    _topic_results(app, "delete_topic_permission_group", base, "TopicIdList", ids, "removed",
                   {})


@pmg_topics.command("list")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("group_ref", metavar="ID")
@click.argument("topic_ids", nargs=-1, metavar="[TOPIC]...")
@output_options(known=["TopicId", "Permission", *RESULT_COLUMNS])
@dry_run_option
@pass_app
def pmg_topics_list(app: AppContext, community: str, group_ref: str,
                    topic_ids: tuple[str, ...]) -> None:
    """List a permission group's topic permissions (all, or the given topics). Exits 6 when
    some given topics have none, 5 when none has.

    \b
    timctl groups perm-groups topics list @TGS#_club mods
    timctl groups perm-groups topics list @TGS#_club mods news -o json
    """
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
                            "PermissionGroupId": pmg_id(group_ref)}
    if topic_ids:
        body["TopicIdList"] = list(dict.fromkeys(given_topic(community, t) for t in topic_ids))
    answer = app.call(f"{G}/get_topic_permission_group", body)
    if answer is None:
        return
    rows, failed = [], 0
    for item in answer.get("TopicPermissionResultList") or []:
        row = {"TopicId": item.get("TopicId"), "Permission": item.get("Permission")}
        if item.get("ErrorCode"):
            failed += 1
            row.update(ErrorCode=item["ErrorCode"], ErrorInfo=item.get("ErrorInfo", ""))
        rows.append(row)
    api_failure(app, rows, ["TopicId", "Permission"] + (RESULT_COLUMNS if failed else []),
                failed)
