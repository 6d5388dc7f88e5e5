"""timctl groups topics: the topics of a community (create, list, update, destroy).

Facts (rest-api-groups.yaml; pages 49468-49471): topic IDs are COMMUNITY_ID + "@TOPIC#_" + a
printable-ASCII part (<= 96 bytes in all), TopicName <= 30 bytes, Introduction 240,
Notification 300, FaceUrl 100, CustomString 3000. Checked before sending (exit 2, nothing
sent).
"""

from __future__ import annotations

from typing import Any

import click

from timctl.cli.context import AppContext
from timctl.cli.groups import groups
from timctl.cli.groups_lifecycle import api_failure, check_group_id, check_user
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.errors import UsageError

TOPIC = "million_group_open_http_svc"
RESULT_COLUMNS = ["ErrorCode", "ErrorInfo"]


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


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


def given_topic(community: str, given: str) -> str:
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
    ids = [given_topic(community, t) for t in topic_ids]
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
                            "TopicId": given_topic(community, topic),
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
            "TopicIdList": list(dict.fromkeys(given_topic(community, t) for t in topic_ids))}
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
