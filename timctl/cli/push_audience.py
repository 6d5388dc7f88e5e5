"""timctl push attr-names | attrs | tags: the audiences pushes are aimed at.

Facts (all_member_push 1047/37167-37175; timpush 1047/60563-60569, 67820-67823): an app names
at most 10 attribute slots "0".."9" (names at most 50 bytes; timpush may bind a slot to an
account type, 0 UserID / 1 RegistrationID, once). Users' attributes are set by NAME (values at
most 50 bytes), removed by name; tags are added and removed per user (at most 10 tags per
user per call, 90032; a tag at most 50 bytes, 90020; at most 100 tags a user). Every call
takes at most 100 users, at 100 calls/s. Writes go through the bulk runner: chunks of 100,
rate-limited, a row per user, --failures, --checkpoint, --dry-run plan.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.options import dry_run_option, output_options, pass_app, yes_option
from timctl.cli.push import push
from timctl.cli.push_common import (
    TIMPUSH,
    check_name,
    endpoint,
    name_problem,
    pair,
    service_option,
)
from timctl.cli.records import Reader
from timctl.errors import UsageError

SLOTS = tuple(str(i) for i in range(10))  # attribute slots "0".."9"
MAX_TAGS_PER_CALL = 10  # per user per request (90032)
MAX_ATTRS = 10
LIST_SEP = ";"  # separates tags / attribute names inside one CSV field
ATTR_TYPES = {"userid": 0, "registration": 1}
ROW_COLUMNS = ["UserID", "Status", "ErrorCode", "ErrorInfo"]
STATUS = {"ok": "done", "failed": "failed", "skipped": "skipped", "unknown": "unknown"}


@push.group("attr-names")
def attr_names() -> None:
    """The app's attribute slots (0-9) and their names."""


@push.group("attrs")
def attrs() -> None:
    """Users' attribute values (targets of --attr/--attr-or)."""


@push.group("tags")
def tags() -> None:
    """Users' tags (targets of --tags-and/--tags-or)."""


# ---------------------------------------------------------------------------- attr-names


@attr_names.command("get")
@service_option
@output_options(known=["Slot", "Name", "Type"])
@pass_app
def names_get(app: AppContext, service: str) -> None:
    """The app's attribute names, one row per named slot."""
    answer = app.call(endpoint(service, "get_attr_name"), {})
    if answer is None:
        return
    names = answer.get("AttrNames") or {}
    types = answer.get("AttrTypes") or {}
    rows = [{"Slot": slot, "Name": names[slot],
             **({"Type": types[slot]} if slot in types else {})}
            for slot in sorted(names, key=lambda s: (len(str(s)), str(s)))]
    app.emit(rows, columns=["Slot", "Name", "Type"])


@attr_names.command("set")
@click.argument("names", nargs=-1, required=True, metavar="SLOT=NAME...")
@service_option
@click.option("--type", "types", multiple=True, metavar="SLOT=userid|registration",
              help="timpush: the account type a slot's users are named by (cannot change "
                   "once set).")
@output_options(known=["Slot", "Name", "Type"])
@dry_run_option
@pass_app
def names_set(app: AppContext, names: tuple[str, ...], service: str,
              types: tuple[str, ...]) -> None:
    """Name attribute slots 0-9 (a slot's name is replaced; other slots stay).

    \b
    timctl push attr-names set 0=city 1=level
    """
    attr_names_: dict[str, str] = {}
    for value in names:
        slot, name = pair(value, "SLOT=NAME")
        if slot not in SLOTS:
            raise UsageError(f"{value!r}: the slot is 0-9 (an app has 10 attributes)")
        attr_names_[slot] = name
    if len(set(attr_names_.values())) != len(attr_names_):
        raise UsageError("two slots given the same name")
    body: dict[str, Any] = {"AttrNames": attr_names_}
    if types:
        if service != TIMPUSH:
            raise UsageError("--type is a timpush field (--service timpush)")
        kinds: dict[str, int] = {}
        for value in types:
            slot, _, kind = value.partition("=")
            if kind not in ATTR_TYPES:
                raise UsageError(f"--type {value!r}: expected SLOT=userid or "
                                 "SLOT=registration")
            if slot not in attr_names_:
                raise UsageError(f"--type {value!r}: slot {slot} is not named in this call")
            kinds[slot] = ATTR_TYPES[kind]
        body["AttrTypes"] = kinds
    if app.call(endpoint(service, "set_attr_name"), body) is None:
        return
    app.emit([{"Slot": s, "Name": n, **({"Type": body["AttrTypes"][s]}
                                        if s in body.get("AttrTypes", {}) else {})}
              for s, n in attr_names_.items()], columns=["Slot", "Name", "Type"])


# ---------------------------------------------------------------------------- reading users


def read_users(app: AppContext, name: str, users: tuple[str, ...], bulk: dict[str, Any],
               value_field: str, empty: Any) -> None:
    """Users' tags/attributes on the bulk runner: 100 users a call, as many calls at once as
    keep the documented 100 calls/s busy; a row per user (its value from the answer's
    UserTags/UserAttrs, the endpoint row's Batch.rows)."""

    def to_row(outcome: Any) -> dict[str, Any]:
        ok = outcome.status == "ok"
        return {"UserID": getattr(outcome.item, "key", None) or outcome.item.raw,
                value_field: (outcome.row or {}).get(value_field, empty) if ok else None,
                "ResultCode": outcome.code, "ResultInfo": outcome.info}

    run_bulk(app, bulk_from(bulk), name, Reader("UserID"), users,
             lambda chunk: {"To_Account": [r.key for r in chunk]}, to_row,
             ["UserID", value_field])


def _row(outcome: Any) -> dict[str, Any]:
    return {"UserID": getattr(outcome.item, "key", None) or outcome.item.raw,
            "Status": STATUS[outcome.status], "ErrorCode": outcome.code,
            "ErrorInfo": outcome.info}


def _list_field(fields: dict[str, Any], key: str) -> list[str] | str:
    """A per-row list: a JSON array, or a CSV field split on ';'. A string is a problem."""
    value = fields.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(LIST_SEP) if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return f"{key} must be a list of strings"


def _run_users(app: AppContext, flags: dict[str, Any], name: str, users: tuple[str, ...],
               validate: Callable[[dict[str, Any]], str | None],
               item: Callable[[Any], dict[str, Any]], field: str) -> None:
    bulk = bulk_from(flags)
    reader = Reader("UserID", validate=validate)

    def build(chunk: list[Any]) -> dict[str, Any]:
        return {field: [item(r) for r in chunk]}

    run_bulk(app, bulk, name, reader, users, build, _row, ROW_COLUMNS)


# ---------------------------------------------------------------------------- attrs


@attrs.command("get")
@click.argument("users", nargs=-1, metavar="[USERID]... [-]")
@service_option
@bulk_options
@output_options(known=["UserID", "Attrs", "ResultCode", "ResultInfo"])
@pass_app
def attrs_get(app: AppContext, users: tuple[str, ...], service: str, **bulk: Any) -> None:
    """Users' attributes (NAME -> value), 100 users a call."""
    read_users(app, endpoint(service, "get_attr"), users, bulk, "Attrs", {})


def _row_attrs(fields: dict[str, Any], common: dict[str, str]) -> dict[str, str] | str:
    """The attributes a row sets: --attr values, then the row's own (a JSONL Attrs object,
    or every column but UserID)."""
    given = fields.get("Attrs")
    own: dict[str, Any] = given if isinstance(given, dict) else {
        k: v for k, v in fields.items() if k not in ("UserID", "Attrs")}
    out = dict(common)
    for name, value in own.items():
        if not isinstance(value, str):
            return f"attribute {name!r}: values are strings"
        problem = name_problem(name, "attribute name") or name_problem(value, "value")
        if problem:
            return problem
        out[name] = value
    if not out:
        return "no attributes (give --attr NAME=VALUE or columns NAME)"
    if len(out) > MAX_ATTRS:
        return f"{len(out)} attributes (an app has {MAX_ATTRS})"
    return out


@attrs.command("set")
@click.argument("users", nargs=-1, metavar="[USERID]... [-]")
@click.option("--attr", "attr_values", multiple=True, metavar="NAME=VALUE",
              help="Set for every user (repeatable); rows may add their own.")
@service_option
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def attrs_set(app: AppContext, users: tuple[str, ...], attr_values: tuple[str, ...],
              service: str, **flags: Any) -> None:
    """Set users' attribute values (by attribute NAME), 100 users a call.

    Users come from arguments, -f FILE or - : plain UserIDs (with --attr), CSV whose other
    columns are attribute names (UserID,city,level), or JSONL with an Attrs object.

    \b
    timctl push attrs set alice bob --attr city=Shenzhen
    timctl push attrs set -f users.csv --failures failed.csv
    """
    common = dict(pair(v, "--attr") for v in attr_values)

    def validate(fields: dict[str, Any]) -> str | None:
        found = _row_attrs(fields, common)
        return found if isinstance(found, str) else None

    def item(record: Any) -> dict[str, Any]:
        return {"To_Account": record.key, "Attrs": _row_attrs(record.fields, common)}

    _run_users(app, flags, endpoint(service, "set_attr"), users, validate, item, "UserAttrs")


@attrs.command("remove")
@click.argument("users", nargs=-1, metavar="[USERID]... [-]")
@click.option("--attr", "names", multiple=True, metavar="NAME",
              help="Attribute name to remove from every user (repeatable); JSONL rows may "
                   "list their own in Attrs, CSV rows in an Attrs column (a;b).")
@service_option
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@pass_app
def attrs_remove(app: AppContext, users: tuple[str, ...], names: tuple[str, ...],
                 service: str, **flags: Any) -> None:
    """Remove attributes from users, 100 users a call.

    \b
    timctl push attrs remove alice bob --attr city
    """
    common = [check_name(n, "attribute name", "--attr") for n in names]
    _run_lists(app, flags, endpoint(service, "remove_attr"), users, common, "Attrs",
               "UserAttrs", MAX_ATTRS, "attribute name")


def _run_lists(app: AppContext, flags: dict[str, Any], name: str, users: tuple[str, ...],
               common: list[str], key: str, field: str, most: int, what: str) -> None:
    """A write of per-user lists (tags, attribute names): --flag values plus the row's."""

    def values(fields: dict[str, Any]) -> list[str] | str:
        own = _list_field(fields, key)
        if isinstance(own, str):
            return own
        out = list(dict.fromkeys([*common, *own]))
        for value in out:
            problem = name_problem(value, what)
            if problem:
                return problem
        if not out:
            return f"no {what}s (give the flag, or a {key} column)"
        if len(out) > most:
            return f"{len(out)} {what}s (at most {most} a user a call)"
        return out

    def validate(fields: dict[str, Any]) -> str | None:
        found = values(fields)
        return found if isinstance(found, str) else None

    def item(record: Any) -> dict[str, Any]:
        return {"To_Account": record.key, key: values(record.fields)}

    _run_users(app, flags, name, users, validate, item, field)


# ---------------------------------------------------------------------------- tags


@tags.command("get")
@click.argument("users", nargs=-1, metavar="[USERID]... [-]")
@service_option
@bulk_options
@output_options(known=["UserID", "Tags", "ResultCode", "ResultInfo"])
@pass_app
def tags_get(app: AppContext, users: tuple[str, ...], service: str, **bulk: Any) -> None:
    """Users' tags, 100 users a call."""
    read_users(app, endpoint(service, "get_tag"), users, bulk, "Tags", [])


def _tag_command(action: str, verb: str) -> Any:
    @click.argument("users", nargs=-1, metavar="[USERID]... [-]")
    @click.option("--tag", "tag_values", multiple=True, metavar="TAG",
                  help=f"Tag to {verb} every user (repeatable, at most 10 a user); CSV rows "
                       "may carry their own in a Tags column (a;b), JSONL rows a Tags array.")
    @service_option
    @bulk_options
    @output_options(known=ROW_COLUMNS)
    @dry_run_option
    @pass_app
    def command(app: AppContext, users: tuple[str, ...], tag_values: tuple[str, ...],
                service: str, **flags: Any) -> None:
        common = [check_name(t, "tag", "--tag") for t in dict.fromkeys(tag_values)]
        if len(common) > MAX_TAGS_PER_CALL:
            raise UsageError(f"--tag: at most {MAX_TAGS_PER_CALL} tags a user a call "
                             f"({len(common)} given; 90032)")
        _run_lists(app, flags, endpoint(service, action), users, common, "Tags", "UserTags",
                   MAX_TAGS_PER_CALL, "tag")

    return command


tags.command("add", help="""Add tags to users, 100 users a call at 100 calls/s; a tag a
user has already stays once. A row per user; bad input lines are skipped and reported.

\b
timctl push tags add alice bob --tag beta
timctl push tags add -f users.csv --tag beta --failures failed.csv   # UserID[,Tags]
""")(_tag_command("add_tag", "add to"))
tags.command("remove", help="""Remove tags from users, 100 users a call.

\b
timctl push tags remove -f users.txt --tag beta
""")(_tag_command("remove_tag", "remove from"))


@tags.command("clear")
@click.argument("users", nargs=-1, metavar="[USERID]... [-]")
@service_option
@bulk_options
@output_options(known=ROW_COLUMNS)
@dry_run_option
@yes_option
@pass_app
def tags_clear(app: AppContext, users: tuple[str, ...], service: str, **flags: Any) -> None:
    """Remove every tag of users, 100 users a call (asks; --yes)."""
    bulk = bulk_from(flags)
    app.confirm("Remove every tag of these users?")

    def build(chunk: list[Any]) -> dict[str, Any]:
        return {"To_Account": [r.key for r in chunk]}

    run_bulk(app, bulk, endpoint(service, "clear_tags"), Reader("UserID"), users, build, _row,
             ROW_COLUMNS)
