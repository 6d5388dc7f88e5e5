"""What the push commands share: the two services, name rules, audience flags, hints.

Two REST services push to every user or to a tag/attribute audience: the all-member push
(v4/all_member_push/*, 1047/37166-37175) and the newer push service (v4/timpush/*,
1047/60561-60571, 67553, 67824, 71893-71895; scheduled tasks 269/130277-130281).
`--service` picks the one called (the emulator treats them as two APIs of one store of
tags and attributes, as timpush's pages describe the same rules); all_member_push is the
default: its Chinese page (269/45934; the English 1047/37166 only says "dedups within a
second") documents MsgRandom as the push task's identity for 7 days ("the same MsgRandom is
the same task: retry with it"), which is what makes a retried cron run safe, and it needs
no push plugin. Revoke, reports, batch and scheduled pushes
exist only on timpush.

The group is push.py; the commands live in push_send.py, push_audience.py, push_timpush.py
and push_schedule.py, which import from here (never from each other).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from timctl.errors import UsageError

F = TypeVar("F", bound=Callable[..., Any])

AMP = "all_member_push"
TIMPUSH = "timpush"
SERVICES = (AMP, TIMPUSH)
DEFAULT_SERVICE = AMP
MAX_NAME_BYTES = 50  # tags, attribute names and values: at most 50 bytes (1047/37170, 37173)
MAX_CONDITION_TAGS = 10  # per TagsAnd / TagsOr (90032)
MAX_ATTRS = 10  # an app has 10 attribute slots (1047/37167)
_AGO = re.compile(r"^(\d+)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}

# What each service calls each action.
COMMANDS: dict[str, dict[str, str]] = {
    AMP: {"push": "im_push", "set_attr_name": "im_set_attr_name",
          "get_attr_name": "im_get_attr_name", "get_attr": "im_get_attr",
          "set_attr": "im_set_attr", "remove_attr": "im_remove_attr", "get_tag": "im_get_tag",
          "add_tag": "im_add_tag", "remove_tag": "im_remove_tag",
          "clear_tags": "im_remove_all_tags"},
    TIMPUSH: {"push": "push", "set_attr_name": "set_attr_name",
              "get_attr_name": "get_attr_name", "get_attr": "get_attr", "set_attr": "set_attr",
              "remove_attr": "remove_attr", "get_tag": "get_tag", "add_tag": "add_tag",
              "remove_tag": "remove_tag", "clear_tags": "clear_all_tags"},
}

def service_option(f: F) -> F:
    return click.option("--service", type=click.Choice(SERVICES), default=DEFAULT_SERVICE,
                        show_default=True,
                        help="The REST service called: all_member_push "
                             "(v4/all_member_push/*) or timpush (the push service, "
                             "v4/timpush/*).")(f)


def endpoint(service: str, action: str) -> str:
    return f"{service}/{COMMANDS[service][action]}"


def name_problem(value: str, what: str) -> str | None:
    """Why a tag, attribute name or value breaks the documented rules, or None."""
    if not value:
        return f"empty {what}"
    size = len(value.encode("utf-8", "surrogatepass"))
    if size > MAX_NAME_BYTES:
        return f"{what} {value!r} is {size} bytes (at most {MAX_NAME_BYTES})"
    return None


def check_name(value: str, what: str, flag: str) -> str:
    problem = name_problem(value, what)
    if problem:
        raise UsageError(f"{flag}: {problem}")
    return value


def pair(value: str, flag: str) -> tuple[str, str]:
    """NAME=VALUE, both checked (the value may be empty only where the API allows: never)."""
    name, sep, val = value.partition("=")
    if not sep:
        raise UsageError(f"{flag}: expected NAME=VALUE, got {value!r}")
    return check_name(name.strip(), "attribute name", flag), check_name(val, "value", flag)


# ---------------------------------------------------------------------------- audiences


def tag_list(values: tuple[str, ...], flag: str) -> list[str]:
    tags = list(dict.fromkeys(check_name(t, "tag", flag) for t in values))
    if len(tags) > MAX_CONDITION_TAGS:
        raise UsageError(f"{flag}: at most {MAX_CONDITION_TAGS} tags ({len(tags)} given; "
                         "90032)")
    return tags


def attr_map(values: tuple[str, ...], flag: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for value in values:
        name, val = pair(value, flag)
        if name in attrs and attrs[name] != val:
            raise UsageError(f"{flag}: attribute {name!r} given twice with different values")
        attrs[name] = val
    if len(attrs) > MAX_ATTRS:
        raise UsageError(f"{flag}: at most {MAX_ATTRS} attributes (an app has {MAX_ATTRS})")
    return attrs


def condition(to_all: bool, tags_and: tuple[str, ...], tags_or: tuple[str, ...],
              attrs_and: tuple[str, ...], attrs_or: tuple[str, ...]) -> dict[str, Any] | None:
    """The Condition object the audience flags describe (None: every user), checked by the
    documented rules; a break is a usage error, nothing sent."""
    cond: dict[str, Any] = {}
    if tags_and:
        cond["TagsAnd"] = tag_list(tags_and, "--tags-and")
    if tags_or:
        cond["TagsOr"] = tag_list(tags_or, "--tags-or")
    both = set(cond.get("TagsAnd", ())) & set(cond.get("TagsOr", ()))
    if both:
        raise UsageError(f"tag {sorted(both)[0]!r} is in both --tags-and and --tags-or "
                         "(not allowed, 90022)")
    if attrs_and:
        cond["AttrsAnd"] = attr_map(attrs_and, "--attr")
    if attrs_or:
        cond["AttrsOr"] = attr_map(attrs_or, "--attr-or")
    if (tags_and or tags_or) and (attrs_and or attrs_or):
        raise UsageError("tag conditions (--tags-and/--tags-or) and attribute conditions "
                         "(--attr/--attr-or) cannot be combined (90039)")
    if to_all and cond:
        raise UsageError("--all cannot be combined with a tag or attribute condition")
    return cond or None


def audience_options(f: Any) -> Any:
    options = [
        click.option("--all", "to_all", is_flag=True,
                     help="Every user (the default when no condition is given)."),
        click.option("--tags-and", multiple=True, metavar="TAG",
                     help="Users having every one of these tags (repeatable, at most 10)."),
        click.option("--tags-or", multiple=True, metavar="TAG",
                     help="Users having any of these tags (repeatable, at most 10)."),
        click.option("--attr", "attrs_and", multiple=True, metavar="NAME=VALUE",
                     help="Users whose attributes match all of these (AttrsAnd; "
                          "repeatable; NAME as set by `push attr-names set`)."),
        click.option("--attr-or", "attrs_or", multiple=True, metavar="NAME=VALUE",
                     help="Users matching any of these attributes (AttrsOr; repeatable)."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def audience_from(flags: dict[str, Any]) -> dict[str, Any] | None:
    return condition(flags.pop("to_all"), flags.pop("tags_and"), flags.pop("tags_or"),
                     flags.pop("attrs_and"), flags.pop("attrs_or"))


# ---------------------------------------------------------------------------- notifications, times


def notification_options(f: Any) -> Any:
    options = [
        click.option("--title", metavar="TEXT", help="Notification title."),
        click.option("--desc", metavar="TEXT", help="Notification text."),
        click.option("--ext", metavar="TEXT", help="Pass-through data (Ext)."),
    ]
    for opt in reversed(options):
        f = opt(f)
    return f


def notification(title: str | None, desc: str | None, ext: str | None) -> dict[str, Any]:
    """OfflinePushInfo (required by batch and revoke): a title or a text at least."""
    if not title and not desc:
        raise UsageError("give the notification: --title and/or --desc")
    info: dict[str, Any] = {"PushFlag": 0}
    info.update({k: v for k, v in (("Title", title), ("Desc", desc), ("Ext", ext))
                 if v is not None})
    return info


def when(value: str, flag: str, now: float, *, ahead: bool = False) -> int:
    """Unix seconds from unix seconds, an ISO date/time (UTC unless it has an offset), or a
    span (30m, 24h, 7d): that long ago, or from now when `ahead`."""
    text = value.strip()
    if text.isdigit():
        return int(text)
    span = _AGO.match(text)
    if span:
        seconds = int(span.group(1)) * _UNITS[span.group(2)]
        return int(now) + seconds if ahead else int(now) - seconds
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        relative = "a time from now such as 2h" if ahead else "a time ago such as 24h"
        raise UsageError(f"{flag}: {value!r} is not a time (unix seconds, ISO 8601 such as "
                         f"2026-11-23T09:00, or {relative})") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.timezone.utc)
    return int(parsed.timestamp())
