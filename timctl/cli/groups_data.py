"""timctl groups: attrs, counters, topics and live (AVChatRoom) commands.

Facts (rest-api-groups.yaml; pages 1047/44187-44190 and 59499 attributes, 53427-53429
counters, 49468-49471 topics, 50293-50294 and trtc.io 60523-60525 live groups): attribute
keys <= 32 bytes, values <= 4000 bytes, <= 16 keys, all values <= 16000 bytes; counter keys
<= 128 bytes, values signed 64-bit, <= 20 keys; topic IDs are COMMUNITY_ID + "@TOPIC#_" +
a printable-ASCII part (<= 96 bytes in all), TopicName <= 30 bytes, Introduction 240,
Notification 300, FaceUrl 100, CustomString 3000; live marks are >= 1000 (500 and 600 are the
App admin's special marks). All of it is checked before sending (exit 2, nothing sent).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import api_failure, check_group_id, check_user
from timctl.cli.listing import collect, limit_option
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import UsageError

G = "group_open_http_svc"
TOPIC = "million_group_open_http_svc"
LIVE = "group_open_avchatroom_http_svc"
ATTR_GET = "group_open_attr_http_svc/get_group_attr"
ATTR_WRITE = {"set": f"{G}/set_group_attr", "modify": f"{G}/modify_group_attr"}
ATTR_DELETE = f"{G}/delete_group_attr"
ATTR_CLEAR = f"{G}/clear_group_attr"
COUNTER_GET = f"{G}/get_group_counter"
COUNTER_UPDATE = f"{G}/update_group_counter"
COUNTER_DELETE = f"{G}/delete_group_counter"

ATTR_KEY_BYTES, ATTR_VALUE_BYTES, ATTR_MAX_KEYS, ATTR_TOTAL_BYTES = 32, 4000, 16, 16000
COUNTER_KEY_BYTES, COUNTER_MAX_KEYS = 128, 20
INT64 = (-(2**63), 2**63 - 1)
ATTR_COLUMNS = ["key", "value", "Status"]
COUNTER_COLUMNS = ["Key", "Value"]
RESULT_COLUMNS = ["ErrorCode", "ErrorInfo"]

GROUP = click.argument("group_id", metavar="GROUP_ID")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


# --- attrs -----------------------------------------------------------------------------------

@groups.group("attrs")
def attrs() -> None:
    """Group attributes: up to 16 key/value pairs per group, read and written by the SDK too."""


def _attr_key(key: str, where: str) -> str:
    if not key:
        raise UsageError(f"{where}: empty attribute key")
    if _size(key) > ATTR_KEY_BYTES:
        raise UsageError(f"{where}: key {key[:40]!r} is longer than {ATTR_KEY_BYTES} bytes")
    return key


def _load_map(path: str) -> dict[str, Any]:
    """A JSON or YAML map {key: value} (or the API's [{key, value}] list) from FILE or -."""
    import yaml

    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        data = json.loads(text) if text.lstrip()[:1] in ("{", "[") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: not a JSON or YAML map: {str(exc).splitlines()[0]}") from None
    if isinstance(data, list) and all(isinstance(i, dict) and "key" in i for i in data):
        data = {i["key"]: i.get("value") for i in data}
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a map of key: value")
    return data


def _attr_pairs(pairs: Iterable[str], from_file: str | None) -> dict[str, str]:
    """KEY=VALUE arguments and --from-file, checked against the documented limits."""
    out: dict[str, str] = {}
    if from_file:
        for key, value in _load_map(from_file).items():
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                raise UsageError(f"{from_file}: {key}: a value is a string")
            out[_attr_key(str(key), from_file)] = str(value)
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise UsageError(f"{pair!r}: expected KEY=VALUE")
        out[_attr_key(key, "KEY=VALUE")] = value
    if not out:
        raise UsageError("no attributes given: KEY=VALUE arguments or --from-file")
    for key, value in out.items():
        if _size(value) > ATTR_VALUE_BYTES:
            raise UsageError(f"{key}: value is longer than {ATTR_VALUE_BYTES} bytes")
    if len(out) > ATTR_MAX_KEYS:
        raise UsageError(f"{len(out)} keys given: a group has at most {ATTR_MAX_KEYS}")
    total = sum(_size(v) for v in out.values())
    if total > ATTR_TOTAL_BYTES:
        raise UsageError(f"values total {total} bytes: at most {ATTR_TOTAL_BYTES}")
    return out


@attrs.command("get")
@GROUP
@output_options(known=["key", "value"])
@dry_run_option
@pass_app
def attrs_get(app: AppContext, group_id: str) -> None:
    """Show every attribute of a group.

    \b
    timctl groups attrs get room-1
    timctl groups attrs get room-1 -o json > attrs.json
    """
    answer = app.call(ATTR_GET, {"GroupId": check_group_id(group_id)})
    if answer is not None:
        app.emit(answer.get("GroupAttrAry") or [], columns=["key", "value"])


def _attr_write(mode: str) -> Any:
    doc = {"set": "Replace all attributes of a group with the given ones (keys left out are "
                  "dropped).",
           "modify": "Add or overwrite the given attributes, keeping the others."}[mode]

    @attrs.command(mode, help=f"""{doc}

    \b
    timctl groups attrs {mode} room-1 seat1=alice seat2=bob
    timctl groups attrs {mode} room-1 --from-file attrs.yaml   # key: value map; - for stdin
    """)
    @GROUP
    @click.argument("pairs", nargs=-1, metavar="[KEY=VALUE]...")
    @click.option("--from-file", metavar="FILE", help="A JSON or YAML map of key: value "
                                                      "(- for stdin).")
    @output_options(known=ATTR_COLUMNS)
    @dry_run_option
    @pass_app
    def write(app: AppContext, group_id: str, pairs: tuple[str, ...],
              from_file: str | None) -> None:
        values = _attr_pairs(pairs, from_file)
        body = {"GroupId": check_group_id(group_id),
                "GroupAttr": [{"key": k, "value": v} for k, v in values.items()]}
        if app.call(ATTR_WRITE[mode], body) is not None:
            app.emit([{"key": k, "value": v, "Status": mode} for k, v in values.items()],
                     columns=ATTR_COLUMNS)

    return write


attrs_set = _attr_write("set")
attrs_modify = _attr_write("modify")


@attrs.command("delete")
@GROUP
@click.argument("keys", nargs=-1, required=True, metavar="KEY...")
@output_options(known=["key", "Status"])
@dry_run_option
@pass_app
def attrs_delete(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Delete attribute keys. A key the group does not have fails the whole call (10050).

    \b
    timctl groups attrs delete room-1 seat1 seat2
    """
    names = list(dict.fromkeys(_attr_key(k, "KEY") for k in keys))
    body = {"GroupId": check_group_id(group_id), "GroupAttr": [{"key": k} for k in names]}
    if app.call(ATTR_DELETE, body) is not None:
        app.emit([{"key": k, "Status": "deleted"} for k in names], columns=["key", "Status"])


@attrs.command("clear")
@GROUP
@output_options(known=["GroupId", "Status"])
@dry_run_option
@yes_option
@pass_app
def attrs_clear(app: AppContext, group_id: str) -> None:
    """Remove every attribute of a group (not for Communities). Asks first, or needs --yes."""
    body = {"GroupId": check_group_id(group_id)}
    app.confirm(f"Remove every attribute of group {group_id}?")
    if app.call(ATTR_CLEAR, body) is not None:
        app.emit({"GroupId": group_id, "Status": "cleared"}, columns=["GroupId", "Status"])


# --- counters --------------------------------------------------------------------------------

@groups.group("counters")
def counters() -> None:
    """Group counters: up to 20 signed 64-bit values per group (Ultimate; not Communities)."""


def _counter_key(key: str) -> str:
    if not key or _size(key) > COUNTER_KEY_BYTES:
        raise UsageError(f"counter key {key[:40]!r}: 1-{COUNTER_KEY_BYTES} bytes")
    return key


def _counter_args(args: Iterable[str], default: int | None) -> dict[str, int]:
    """KEY=N (or bare KEY when `default` is given) -> {key: N}, checked."""
    out: dict[str, int] = {}
    for arg in args:
        key, sep, text = arg.partition("=")
        if not sep:
            if default is None:
                raise UsageError(f"{arg!r}: expected KEY=N")
            value = default
        else:
            try:
                value = int(text.strip())
            except ValueError:
                raise UsageError(f"{arg!r}: N must be an integer") from None
        if not INT64[0] <= value <= INT64[1]:
            raise UsageError(f"{arg!r}: N is out of the signed 64-bit range")
        out[_counter_key(key)] = value
    if len(out) > COUNTER_MAX_KEYS:
        raise UsageError(f"{len(out)} keys given: a group has at most {COUNTER_MAX_KEYS}")
    return out


@counters.command("get")
@GROUP
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@output_options(known=COUNTER_COLUMNS)
@dry_run_option
@pass_app
def counters_get(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Show a group's counters (all, or the given keys).

    \b
    timctl groups counters get room-1
    timctl groups counters get room-1 likes -o json --query '[0].Value'
    """
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    if keys:
        body["GroupCounterKeys"] = list(dict.fromkeys(_counter_key(k) for k in keys))
    answer = app.call(COUNTER_GET, body)
    if answer is not None:
        app.emit(answer.get("GroupCounter") or [], columns=COUNTER_COLUMNS)


def _counter_update(name: str, mode: str, help_text: str, default: int | None) -> Any:
    metavar = "KEY=N..." if default is None else "KEY[=N]..."

    @counters.command(name, help=help_text)
    @GROUP
    @click.argument("args", nargs=-1, required=True, metavar=metavar)
    @output_options(known=COUNTER_COLUMNS)
    @dry_run_option
    @pass_app
    def update(app: AppContext, group_id: str, args: tuple[str, ...]) -> None:
        values = _counter_args(args, default)
        body = {"GroupId": check_group_id(group_id), "Mode": mode,
                "GroupCounter": [{"Key": k, "Value": v} for k, v in values.items()]}
        answer = app.call(COUNTER_UPDATE, body)
        if answer is not None:
            app.emit(answer.get("GroupCounter") or [], columns=COUNTER_COLUMNS)

    return update


counters_set = _counter_update("set", "Set", """Set counters to values.

    \b
    timctl groups counters set room-1 likes=0 gifts=10
    """, None)
counters_incr = _counter_update("incr", "Increase", """Add N (default 1) to counters; a missing
    counter starts from 0. Prints the new values. Not retried after a lost answer.

    \b
    timctl groups counters incr room-1 likes gifts=5
    """, 1)
counters_decr = _counter_update("decr", "Decrease", """Subtract N (default 1) from counters; a
    missing counter starts from 0. Prints the new values. Not retried after a lost answer.

    \b
    timctl groups counters decr room-1 likes
    """, 1)


@counters.command("delete")
@GROUP
@click.argument("keys", nargs=-1, metavar="[KEY]...")
@output_options(known=["GroupId", "Key", "Status"])
@dry_run_option
@yes_option
@pass_app
def counters_delete(app: AppContext, group_id: str, keys: tuple[str, ...]) -> None:
    """Delete the given counters, or every counter when no key is given. Asks first, or
    needs --yes."""
    body: dict[str, Any] = {"GroupId": check_group_id(group_id)}
    names = list(dict.fromkeys(_counter_key(k) for k in keys))
    if names:
        body["GroupCounterKeys"] = names
    app.confirm(f"Delete {'counters ' + ', '.join(names) if names else 'every counter'} of "
                f"group {group_id}?")
    if app.call(COUNTER_DELETE, body) is not None:
        app.emit([{"GroupId": group_id, "Key": k or "*", "Status": "deleted"}
                  for k in (names or [""])], columns=["GroupId", "Key", "Status"])



# --- topics ----------------------------------------------------------------------------------

TOPIC_MARK = "@TOPIC#_"
TOPIC_ID_BYTES = 96
TOPIC_TEXT = {"TopicName": 30, "Introduction": 240, "Notification": 300, "FaceUrl": 100,
              "CustomString": 3000}
TOPIC_COLUMNS = ["TopicId", "TopicName", "CreateTime", "MuteAllMember", "NextMsgSeq"]
TOPIC_FLAGS = (("TopicName", "--name"), ("Introduction", "--intro"),
               ("Notification", "--notification"), ("FaceUrl", "--face-url"),
               ("CustomString", "--custom-string"))


@groups.group("topics")
def topics() -> None:
    """Topics of a community (a Community group created with topics enabled)."""


def _topic_profile(values: dict[str, str | None]) -> dict[str, str]:
    out: dict[str, str] = {}
    for (field, flag) in TOPIC_FLAGS:
        value = values.get(field)
        if value is None:
            continue
        if _size(value) > TOPIC_TEXT[field]:
            raise UsageError(f"{flag}: at most {TOPIC_TEXT[field]} bytes (UTF-8; "
                             f"{_size(value)} given)")
        out[field] = value
    return out


def topic_id(community: str, given: str) -> str:
    """A full topic ID: GIVEN itself, or COMMUNITY + @TOPIC#_ + GIVEN for a custom part."""
    full = given if given.startswith(community + TOPIC_MARK) else community + TOPIC_MARK + given
    part = full[len(community + TOPIC_MARK):]
    if not part or any(not 0x20 <= ord(c) <= 0x7E for c in part):
        raise UsageError(f"topic ID {given!r}: the custom part is printable ASCII")
    if "@TGS#_" in part or part.startswith("@TOPIC#"):
        raise UsageError(f"topic ID {given!r}: the custom part must not contain '@TGS#_' or "
                         "start with '@TOPIC#' (reserved for generated IDs)")
    if _size(full) > TOPIC_ID_BYTES:
        raise UsageError(f"topic ID {full!r}: at most {TOPIC_ID_BYTES} bytes in all")
    return full


def _given_topic(community: str, given: str) -> str:
    """A topic named on the command line: a full ID (generated ones too) or a custom part."""
    if given.startswith(community + TOPIC_MARK):
        if _size(given) > TOPIC_ID_BYTES:
            raise UsageError(f"topic ID {given!r}: at most {TOPIC_ID_BYTES} bytes")
        return given
    return topic_id(community, given)


def _topic_options(f: Any) -> Any:
    for field, flag in reversed(TOPIC_FLAGS[1:]):
        f = click.option(flag, field, metavar="TEXT",
                         help=f"{field}, at most {TOPIC_TEXT[field]} bytes.")(f)
    return f


@topics.command("create")
@click.argument("community", metavar="COMMUNITY_ID")
@click.option("--name", "TopicName", required=True, help="Topic name, at most 30 bytes.")
@click.option("--id", "custom_id", metavar="TOPIC_ID",
              help="A custom ID: the full COMMUNITY_ID@TOPIC#_PART, or just PART.")
@_topic_options
@click.option("--from", "creator", metavar="USERID", help="The member creating the topic.")
@output_options(known=["GroupId", "TopicId"])
@dry_run_option
@pass_app
def topics_create(app: AppContext, community: str, custom_id: str | None,
                  creator: str | None, **profile: str | None) -> None:
    """Create a topic; prints its ID (bare in a table, or with --query TopicId for $(...)).

    \b
    timctl groups topics create @TGS#_club --name General
    timctl groups topics create @TGS#_club --name News --id news
    """
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
                            **_topic_profile(profile)}
    if custom_id is not None:
        body["TopicId"] = topic_id(community, custom_id)
    if creator is not None:
        body["From_Account"] = check_user(creator, "--from")
    answer = app.call(f"{TOPIC}/create_topic", body)
    if answer is None:
        return
    row = {"GroupId": community, "TopicId": answer.get("TopicId")}
    if app.query:
        from timctl.output import apply_query

        picked = apply_query(row, app.query)
        if isinstance(picked, str):  # `tid=$(... --query TopicId)` gets no quotes
            click.echo(picked)
            return
    elif app.output_format() == "table" and not app.fields:
        click.echo(row["TopicId"])
        return
    app.emit(row, columns=["GroupId", "TopicId"])


@topics.command("list")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("topic_ids", nargs=-1, metavar="[TOPIC_ID]...")
@click.option("--as", "user", metavar="USERID",
              help="Whose SelfInfo to include [the profile's admin].")
@output_options
@dry_run_option
@pass_app
def topics_list(app: AppContext, community: str, topic_ids: tuple[str, ...],
                user: str | None) -> None:
    """List a community's topics (all, or the given ones). Exits 6 when some given topics
    do not exist (110003), 5 when none does.

    \b
    timctl groups topics list @TGS#_club
    timctl groups topics list @TGS#_club news -o json
    """
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID")}
    ids = [_given_topic(community, t) for t in topic_ids]
    if ids:
        body["TopicIdList"] = ids
    who = user if user is not None else str(app.settings().get("admin"))
    body["From_Account"] = check_user(who, "--as")
    answer = app.call(f"{TOPIC}/get_topic", body)
    if answer is None:
        return
    rows, failed = [], 0
    for item in answer.get("TopicAndSelfInfo") or []:
        row = dict(item.get("TopicInfo") or {})
        if item.get("ErrorCode"):
            failed += 1
            row.update(ErrorCode=item["ErrorCode"], ErrorInfo=item.get("ErrorInfo", ""))
        if "SelfInfo" in item:
            row["SelfInfo"] = item["SelfInfo"]
        rows.append(row)
    api_failure(app, rows, TOPIC_COLUMNS + (RESULT_COLUMNS if failed else []), failed)


@topics.command("update")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("topic", metavar="TOPIC_ID")
@click.option("--name", "TopicName", help="Topic name, at most 30 bytes.")
@_topic_options
@click.option("--mute-all/--no-mute-all", default=None,
              help="Only the owner, admins and the App admin may speak.")
@output_options(known=["TopicId", "Status"])
@dry_run_option
@pass_app
def topics_update(app: AppContext, community: str, topic: str, mute_all: bool | None,
                  **profile: str | None) -> None:
    """Change a topic's profile; only the options given change.

    \b
    timctl groups topics update @TGS#_club news --name "Club news" --mute-all
    """
    body: dict[str, Any] = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
                            "TopicId": _given_topic(community, topic),
                            **_topic_profile(profile)}
    if mute_all is not None:
        body["MuteAllMember"] = "On" if mute_all else "Off"
    if len(body) == 2:
        raise UsageError("nothing to change: give at least one option")
    if app.call(f"{TOPIC}/modify_topic", body) is not None:
        app.emit({"TopicId": body["TopicId"], "Status": "updated"},
                 columns=["TopicId", "Status"])


@topics.command("destroy")
@click.argument("community", metavar="COMMUNITY_ID")
@click.argument("topic_ids", nargs=-1, required=True, metavar="TOPIC_ID...")
@output_options(known=["TopicId", "Status", *RESULT_COLUMNS])
@dry_run_option
@yes_option
@pass_app
def topics_destroy(app: AppContext, community: str, topic_ids: tuple[str, ...]) -> None:
    """Dismiss topics with their messages. Irreversible: asks first, or needs --yes. A topic
    already gone reads "already dismissed" (110003) and counts as done.

    \b
    timctl groups topics destroy @TGS#_club news --yes
    """
    body = {"GroupId": check_group_id(community, "COMMUNITY_ID"),
            "TopicIdList": list(dict.fromkeys(_given_topic(community, t) for t in topic_ids))}
    app.confirm(f"Dismiss {len(body['TopicIdList'])} topic(s) of {community}?")
    answer = app.call(f"{TOPIC}/destroy_topic", body)
    if answer is None:
        return
    rows, failed = [], 0
    for item in answer.get("DestroyResultItem") or []:
        code = item.get("ErrorCode", 0)
        status = {0: "destroyed", 110003: "already dismissed"}.get(code, "failed")
        failed += status == "failed"
        rows.append({"TopicId": item.get("TopicId"), "Status": status, "ErrorCode": code,
                     "ErrorInfo": item.get("ErrorInfo", "")})
    api_failure(app, rows, ["TopicId", "Status", *RESULT_COLUMNS], failed)


# --- live groups (AVChatRoom) ----------------------------------------------------------------

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


# --- permission groups (communities) ---------------------------------------------------------

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
