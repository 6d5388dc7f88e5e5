"""timctl users: kick, online, profile get/set (registered on the users group).

All four run on the bulk runner: IDs from arguments, `-` (stdin) or `-f FILE`; kick and
profile set send one account per call (their APIs take one), concurrently under the rate limit.

Profile fields have friendly names (nick, gender, ...) for flags, file columns and table
columns; JSON/YAML keep the API's own Tag names and raw values. The field facts (types, enums,
byte limits) are the profile pages': https://www.tencentcloud.com/document/product/1047/33520.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.cli.records import Reader
from timctl.cli.users import users
from timctl.errors import UsageError

KICK = "im_open_login_svc/kick"
ONLINE = "openim/query_online_status"
GET = "profile/portrait_get"
SET = "profile/portrait_set"
U32_MAX = 4294967295
MAX_VALUE_BYTES = 500  # every string profile value (40601 beyond)
CUSTOM_TAG = re.compile(r"Tag_Profile_Custom_[A-Za-z]{1,8}")  # keyword: letters, <= 8 bytes
RESULT_COLUMNS = ("ResultCode", "ResultInfo")
TABULAR = ("table", "csv")
STATUS = {"ok": "done", "failed": "failed", "skipped": "skipped", "unknown": "unknown"}


@dataclass(frozen=True)
class Field:
    """A standard profile field: its friendly name, Tag, type and documented values."""

    name: str
    tag: str
    kind: str = "string"  # or "uint32"
    choices: dict[str, str] = field(default_factory=dict)  # friendly value -> API value
    max_bytes: int = MAX_VALUE_BYTES
    help: str = ""


FIELDS: tuple[Field, ...] = (
    Field("nick", "Tag_Profile_IM_Nick", help="Nickname."),
    Field("gender", "Tag_Profile_IM_Gender", choices={
        "male": "Gender_Type_Male", "female": "Gender_Type_Female",
        "unknown": "Gender_Type_Unknown"}, help="Gender."),
    Field("birthday", "Tag_Profile_IM_BirthDay", "uint32",
          help="Birthday, YYYYMMDD (or YYYY-MM-DD); any uint32 is accepted."),
    # 16 bytes on the English page; the Chinese page (2024-10) says 500: the lower one here
    Field("location", "Tag_Profile_IM_Location", max_bytes=16, help="Location, <= 16 bytes."),
    Field("signature", "Tag_Profile_IM_SelfSignature", help="Personal signature."),
    Field("allow-type", "Tag_Profile_IM_AllowType", choices={
        "need-confirm": "AllowType_Type_NeedConfirm", "allow-any": "AllowType_Type_AllowAny",
        "deny-any": "AllowType_Type_DenyAny"}, help="How friend requests are approved."),
    Field("language", "Tag_Profile_IM_Language", "uint32", help="Language (app-defined)."),
    Field("face-url", "Tag_Profile_IM_Image", help="Avatar URL."),
    Field("admin-forbid-type", "Tag_Profile_IM_AdminForbidType", choices={
        "none": "AdminForbid_Type_None", "send-out": "AdminForbid_Type_SendOut"},
        help="send-out forbids the user to send friend requests."),
    Field("level", "Tag_Profile_IM_Level", "uint32", help="Level (app-defined)."),
    Field("role", "Tag_Profile_IM_Role", "uint32", help="Role (app-defined)."),
    Field("msg-settings", "Tag_Profile_IM_MsgSettings", "uint32",
          help="Message settings: bit 0 set = do not receive messages."),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_TAG = {f.tag: f for f in FIELDS}


# --- values -----------------------------------------------------------------------------------

class BadValue(ValueError):
    """A profile key or value the docs rule out: a usage error on a flag, a skipped file line."""


def resolve(key: str) -> tuple[str, Field | None]:
    """(Tag, its standard Field or None for a custom tag) of a friendly name or a raw tag."""
    name = key.strip().lower().replace("_", "-")
    if name in BY_NAME:
        return BY_NAME[name].tag, BY_NAME[name]
    if key in BY_TAG:
        return key, BY_TAG[key]
    if CUSTOM_TAG.fullmatch(key):
        return key, None
    if key.startswith("Tag_Profile_Custom_"):
        raise BadValue(f"{key!r}: a custom tag is Tag_Profile_Custom_ and 1-8 letters")
    raise BadValue(f"unknown profile field {key!r} (fields: {', '.join(BY_NAME)}, "
                   "Tag_Profile_IM_* tags, or Tag_Profile_Custom_<letters>)")


def convert(key: str, value: Any) -> tuple[str, Any]:
    """(Tag, API value) of one profile value; BadValue when the docs rule it out."""
    tag, spec = resolve(key)
    label = spec.name if spec else tag
    if spec is not None and spec.kind == "uint32":
        return tag, _uint32(label, value)
    if not isinstance(value, str):
        raise BadValue(f"{label} takes a string, not {type(value).__name__}")
    if spec is not None and spec.choices:
        raw = spec.choices.get(value.lower()) or (value if value in spec.choices.values()
                                                  else None)
        if raw is None:
            raise BadValue(f"{label} {value!r} is not one of {', '.join(spec.choices)}")
        return tag, raw
    limit = spec.max_bytes if spec else MAX_VALUE_BYTES
    size = len(value.encode("utf-8"))
    if size > limit:
        raise BadValue(f"{label} is {size} bytes (at most {limit})")
    return tag, value


def _uint32(label: str, value: Any) -> int:
    if isinstance(value, str):
        text = value.strip()
        if label == "birthday" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            import datetime

            try:  # a date written out must be one; bare numbers are the app's business
                text = datetime.date.fromisoformat(text).strftime("%Y%m%d")
            except ValueError:
                raise BadValue(f"birthday {value!r} is not a date") from None
        if not text.isascii() or not text.isdigit():
            raise BadValue(f"{label} {value!r} is not an integer 0..{U32_MAX}")
        value = int(text)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadValue(f"{label} takes an integer 0..{U32_MAX}, not {type(value).__name__}")
    if not 0 <= value <= U32_MAX:
        raise BadValue(f"{label} {value} is out of range 0..{U32_MAX}")
    return value


def shown(tag: str, value: Any) -> Any:
    """A value as a table shows it: enum values by their friendly name."""
    spec = BY_TAG.get(tag)
    if spec is not None and spec.choices:
        for friendly, raw in spec.choices.items():
            if raw == value:
                return friendly
    return value


def column(tag: str) -> str:
    spec = BY_TAG.get(tag)
    return spec.name if spec else tag


# --- helpers shared by the commands ------------------------------------------------------------

def _key(outcome: Any) -> str:
    return str(getattr(outcome.item, "key", None) or outcome.item.raw)


def _info(outcome: Any, endpoint: str) -> str:
    """Per-item failures read from ErrorList carry only a code: give its documented meaning."""
    from timctl.errors import meaning

    info = str(outcome.info or "")
    if outcome.code and (not info or info.startswith("ErrorCode ")):
        return meaning(outcome.code, endpoint) or info
    return info


def _result(outcome: Any, endpoint: str) -> dict[str, Any]:
    return {"ResultCode": outcome.code, "ResultInfo": _info(outcome, endpoint)}


def _tabular(app: AppContext) -> bool:
    return app.output_format() in TABULAR and not app.query


IDS = click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")


# --- kick ----------------------------------------------------------------------------------

@users.command("kick")
@IDS
@bulk_options
@output_options(known=["UserID", "Status", *RESULT_COLUMNS])
@dry_run_option
@pass_app
def kick(app: AppContext, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Invalidate accounts' login state (force a logout).

    UserSigs issued before the kick stop working and every device is logged out; a newly
    generated UserSig logs in again. One account per call (the API takes one), run
    concurrently; unknown accounts fail with 70107.

    \b
    timctl users kick alice bob
    timctl users kick -f suspicious.txt --failures retry.txt
    """

    def to_row(outcome: Any) -> dict[str, Any]:
        status = "kicked" if outcome.status == "ok" else STATUS[outcome.status]
        return {"UserID": _key(outcome), "Status": status, **_result(outcome, KICK)}

    run_bulk(app, bulk_from(bulk), KICK, Reader("UserID"), user_ids,
             lambda chunk: {"UserID": chunk[0].key}, to_row,
             ["UserID", "Status", *RESULT_COLUMNS])


# --- online ----------------------------------------------------------------------------------

@users.command("online")
@IDS
@click.option("--detail", is_flag=True,
              help="Also show each platform's login status (IsNeedDetail=1).")
@bulk_options
@output_options(known=["UserID", "Status", "Detail", *RESULT_COLUMNS])
@dry_run_option
@pass_app
def online(app: AppContext, user_ids: tuple[str, ...], detail: bool, **bulk: Any) -> None:
    """Show accounts' login status: Online, PushOnline or Offline.

    Online: connected. PushOnline: the app was killed or lost its connection on iOS/Android
    and is still reached by offline push (kept 7 days). Offline: logged out, or no login for
    7 days. 500 accounts per call; unknown accounts fail with 70107.

    With --detail, Detail lists each platform's status (iPhone, Android, Web, PC, iPad, Mac):
    `Web=Online iPhone=PushOnline` in tables, the API's [{Platform, Status}] in JSON.

    \b
    timctl users online alice bob --detail
    timctl users online -f users.txt -o csv
    """
    tabular = _tabular(app)
    def to_row(outcome: Any) -> dict[str, Any]:
        user = _key(outcome)
        # the item's QueryResult row (the spec's Batch.rows): its Status and Detail
        found = outcome.row or {} if outcome.status == "ok" else {}
        row: dict[str, Any] = {"UserID": user, "Status": found.get("Status")}
        if detail:
            platforms = found.get("Detail") or []
            row["Detail"] = (" ".join(f"{p.get('Platform')}={p.get('Status')}"
                                      for p in platforms if isinstance(p, dict))
                             if tabular else platforms)
        return {**row, **_result(outcome, ONLINE)}

    body: dict[str, Any] = {"IsNeedDetail": 1} if detail else {}
    columns = ["UserID", "Status", *(["Detail"] if detail else []), *RESULT_COLUMNS]
    run_bulk(app, bulk_from(bulk), ONLINE, Reader("UserID"), user_ids,
             lambda chunk: {**body, "To_Account": [r.key for r in chunk]}, to_row, columns)


# --- profile get / set -------------------------------------------------------------------------

@users.group("profile")
def profile() -> None:
    """Get and set profile fields (portrait_get / portrait_set).

    \b
    Standard fields: friendly name, Tag_Profile_IM_<Tag>, values
      nick               Nick
      gender             Gender: male | female | unknown
      birthday           BirthDay: uint32, YYYYMMDD suggested
      location           Location: at most 16 bytes
      signature          SelfSignature
      allow-type         AllowType: need-confirm | allow-any | deny-any
      language           Language: uint32
      face-url           Image: the avatar URL
      admin-forbid-type  AdminForbidType: none | send-out
      level, role        Level, Role: uint32
      msg-settings       MsgSettings: uint32
    Custom fields: Tag_Profile_Custom_<1-8 letters>, string values. Strings are at most
    500 bytes.
    """


# plural noun too (`timctl users profiles get`), hidden from the help
users.add_command(click.Group("profiles", commands=profile.commands, hidden=True,
                              help=profile.help), "profiles")


def _wanted_tags(names: tuple[str, ...], tags: tuple[str, ...]) -> list[str]:
    """The TagList: --field names and --tag tags, or every standard field."""
    wanted: list[str] = []
    for option, given in (("--field", [n for v in names for n in v.split(",")]),
                          ("--tag", list(tags))):
        for item in given:
            item = item.strip()
            if option == "--field" and item == "all":
                wanted += [f.tag for f in FIELDS]
                continue
            try:
                tag, spec = resolve(item)
            except BadValue as exc:
                raise UsageError(f"{option}: {exc}") from None
            if option == "--field" and spec is None:
                raise UsageError(f"--field: {item!r} is not a standard field (custom tags go "
                                 "in --tag)")
            wanted.append(tag)
    return list(dict.fromkeys(wanted)) or [f.tag for f in FIELDS]


@profile.command("get")
@IDS
@click.option("--field", "names", multiple=True, metavar="NAME[,NAME]...",
              help="Standard fields to get, by friendly name, or all (repeatable).")
@click.option("--tag", "tags", multiple=True, metavar="TAG",
              help="A raw Tag_Profile_IM_* or Tag_Profile_Custom_* tag to get (repeatable).")
@bulk_options
@output_options
@dry_run_option
@pass_app
def profile_get(app: AppContext, user_ids: tuple[str, ...], names: tuple[str, ...],
                tags: tuple[str, ...], **bulk: Any) -> None:
    """Get profile fields of accounts.

    100 accounts per call. --field and --tag pick the fields; without either, every standard
    field. Fields never set are left out (empty cells).

    Tables and CSV show one column per field by friendly name (custom tags by tag), enum
    values friendly (Gender_Type_Male -> male): the CSV can be fed back to `profile set -f`.
    JSON, YAML and JSONL keep the API's own names and values: one object per account,
    {"UserID", "Profile": {Tag: Value}, "ResultCode", "ResultInfo"}.

    \b
    timctl users profile get alice bob
    timctl users profile get -f users.txt --field nick,gender --tag Tag_Profile_Custom_Vip
    timctl users profile get alice --field all --tag Tag_Profile_Custom_Vip
    """
    wanted = _wanted_tags(names, tags)
    columns = ["UserID", *(column(t) for t in wanted), *RESULT_COLUMNS]
    app.check_fields(columns)
    tabular = _tabular(app)

    def to_row(outcome: Any) -> dict[str, Any]:
        items = (outcome.row or {}).get("ProfileItem") if outcome.status == "ok" else None
        values = {i["Tag"]: i.get("Value") for i in items or []
                  if isinstance(i, dict) and "Tag" in i}
        row: dict[str, Any] = {"UserID": _key(outcome)}
        if tabular:
            row.update({column(t): shown(t, values[t]) for t in wanted if t in values})
        else:
            row["Profile"] = values if items is not None else None
        return {**row, **_result(outcome, GET)}

    run_bulk(app, bulk_from(bulk), GET, Reader("UserID"), user_ids,
             lambda chunk: {"To_Account": [r.key for r in chunk], "TagList": wanted},
             to_row, columns)


IGNORED_COLUMNS = frozenset(("UserID", *RESULT_COLUMNS))  # `profile get -o csv` output


def row_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Tag -> API value of a file row (friendly names or raw tags as keys; a JSONL `Profile`
    object, as `profile get` writes it, counts too)."""
    items = dict(fields)
    nested = items.pop("Profile", None)
    if isinstance(nested, dict):
        items.update(nested)
    elif nested is not None:
        raise BadValue("Profile must be an object of Tag: Value")
    out: dict[str, Any] = {}
    for key, value in items.items():
        if key in IGNORED_COLUMNS:
            continue
        tag, converted = convert(key, value)
        out[tag] = converted
    return out


def _flag(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        try:
            return convert(name, value)[1]
        except BadValue as exc:
            raise click.BadParameter(str(exc)) from None

    return check


def _custom(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
            ) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r}: expected Tag_Profile_Custom_<Name>=VALUE")
        tag = key if key.startswith("Tag_Profile_") else f"Tag_Profile_Custom_{key}"
        try:
            tag, spec = resolve(tag)
            if spec is not None:
                raise BadValue(f"{key!r} is a standard field: use --{spec.name}")
            out[tag] = convert(tag, value)[1]
        except BadValue as exc:
            raise click.BadParameter(str(exc)) from None
    return out


def _field_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for spec in reversed(FIELDS):
        metavar = "|".join(spec.choices) if spec.choices else (
            "N" if spec.kind == "uint32" else "TEXT")
        param = "--" + spec.name
        kind = click.Choice(list(spec.choices), case_sensitive=False) if spec.choices else None
        f = click.option(param, spec.name.replace("-", "_"), type=kind, metavar=metavar,
                         callback=_flag(spec.name), help=spec.help)(f)
    return f


@profile.command("set")
@IDS
@_field_options
@click.option("--custom", multiple=True, metavar="TAG=VALUE", callback=_custom,
              help="A custom field, Tag_Profile_Custom_<Name>=VALUE or <Name>=VALUE "
                   "(repeatable).")
@bulk_options
@output_options(known=["UserID", "Status", *RESULT_COLUMNS])
@dry_run_option
@pass_app
def profile_set(app: AppContext, user_ids: tuple[str, ...], custom: dict[str, str],
                **options: Any) -> None:
    """Set profile fields of accounts.

    One account per call (the API takes one), run concurrently; fields not given are left as
    they are. Flags give every account the same values; a file gives one row per account,
    its columns (CSV header or JSONL keys) friendly names or raw tags: UserID,nick,gender,...
    (a JSONL `Profile` object of Tag: Value, as `profile get` writes it, works too). Flags
    fill in what a row leaves out; empty CSV cells leave a field unchanged.

    Values are checked before sending: a bad flag stops the command (exit 2, nothing sent), a
    bad file line is skipped and reported as file:line.

    \b
    timctl users profile set alice bob --gender female --custom Tag_Profile_Custom_Vip=gold
    timctl users profile set -f profiles.csv        # UserID,nick,gender,birthday
    timctl users profile set -f profiles.jsonl      # {"UserID": "a", "nick": "A", ...}
    """
    defaults: dict[str, Any] = {}
    for spec in FIELDS:
        value = options.pop(spec.name.replace("-", "_"))
        if value is not None:
            defaults[spec.tag] = value
    defaults.update(custom)
    opts = bulk_from(options)
    from_input = bool(opts.files) or "-" in user_ids
    if not defaults and not from_input:
        raise UsageError("nothing to set: give fields (--nick, --gender, ..., --custom) or "
                         "-f FILE with a column per field")

    def problem(fields: dict[str, Any]) -> str | None:
        try:
            values = row_values(fields)
        except BadValue as exc:
            return str(exc)
        return None if values or defaults else "no profile field to set"

    def build(chunk: list[Any]) -> dict[str, Any]:
        record = chunk[0]
        values = {**defaults, **row_values(record.fields)}
        return {"From_Account": record.key,
                "ProfileItem": [{"Tag": t, "Value": v} for t, v in values.items()]}

    def to_row(outcome: Any) -> dict[str, Any]:
        status = "set" if outcome.status == "ok" else STATUS[outcome.status]
        return {"UserID": _key(outcome), "Status": status, **_result(outcome, SET)}

    run_bulk(app, opts, SET, Reader("UserID", validate=problem), user_ids, build, to_row,
             ["UserID", "Status", *RESULT_COLUMNS])
