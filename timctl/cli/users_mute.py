"""timctl users: mute, unmute, muted (global no-speaking) (registered on the users group).

Global mute (openconfigsvr/setnospeaking, getnospeaking; tencentcloud.com/document/product/
1047/34923 and 34924): a muted account cannot send one-to-one messages (20012) or group
messages (10017) until the mute ends; the server lifts it by itself. Times are seconds,
0 unmutes, 4294967295 mutes forever; a read gives the seconds left. Both APIs take one
account, so the commands send one call per account, concurrently, under the rate limit.
"""

from __future__ import annotations

import re
from typing import Any

import click

from timctl.cli.bulk import bulk_from, bulk_options, run_bulk
from timctl.cli.context import AppContext
from timctl.cli.options import dry_run_option, output_options, pass_app
from timctl.cli.records import Reader
from timctl.cli.users import users
from timctl.errors import UsageError

SET = "openconfigsvr/setnospeaking"
GET = "openconfigsvr/getnospeaking"
FOREVER = 4294967295  # documented: 0xFFFFFFFF mutes permanently (and is the maximum)
C2C = "C2CmsgNospeakingTime"
GROUP = "GroupmsgNospeakingTime"
UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60, "s": 1}
SHOWN_UNITS = [(u, UNITS[u]) for u in "dhms"]  # days read better than weeks in a countdown
STATUS = {"failed": "failed", "skipped": "skipped", "unknown": "unknown"}
RESULT_COLUMNS = ["ResultCode", "ResultInfo"]
SET_COLUMNS = ["UserID", "Status", *RESULT_COLUMNS]
GET_COLUMNS = ["UserID", "C2C", "Group", *RESULT_COLUMNS]

IDS = click.argument("user_ids", nargs=-1, metavar="[USERID]... [-]")


# --- durations -------------------------------------------------------------------------------

def parse_duration(text: str) -> int:
    """Seconds of `30s`, `10m`, `2h`, `3d`, `1w` (combined: `1h30m`), plain seconds, or
    `forever` (4294967295). ValueError for 0, negatives, garbage and beyond uint32."""
    value = text.strip().lower()
    if value in ("forever", "permanent"):
        return FOREVER
    if value.isascii() and value.isdigit():
        seconds = int(value)
    elif re.fullmatch(r"(\d+[wdhms])+", value):
        seconds = sum(int(n) * UNITS[u] for n, u in re.findall(r"(\d+)([wdhms])", value))
    elif value.startswith("-"):
        raise ValueError(f"{text!r}: a duration must be more than 0")
    else:
        raise ValueError(f"{text!r} is not a duration: use e.g. 30s, 10m, 2h, 3d, 1w, plain "
                         "seconds, or forever")
    if seconds == 0:
        raise ValueError(f"{text!r}: a duration must be more than 0 (`timctl users unmute` "
                         "lifts a mute)")
    if seconds > FOREVER:
        raise ValueError(f"{text!r} is {seconds} s, beyond the API's maximum of {FOREVER} s "
                         "(use forever)")
    return seconds


class Duration(click.ParamType):
    name = "duration"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def friendly(seconds: int | None) -> str | None:
    """A remaining time as a table shows it: `1h 59m 56s`, `forever`, `not muted`."""
    if seconds is None:
        return None
    if seconds >= FOREVER:
        return "forever"
    if seconds <= 0:
        return "not muted"
    parts = []
    for unit, size in SHOWN_UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return " ".join(parts)


# --- shared -------------------------------------------------------------------------------------

def _scope_options(f: Any) -> Any:
    f = click.option("--group-only", is_flag=True, help="Only group messages.")(f)
    return click.option("--c2c-only", is_flag=True, help="Only one-to-one messages.")(f)


def _time_fields(c2c_only: bool, group_only: bool) -> list[str]:
    if c2c_only and group_only:
        raise UsageError("--c2c-only and --group-only exclude each other (give neither for "
                         "both kinds of messages)")
    return [C2C] if c2c_only else [GROUP] if group_only else [C2C, GROUP]


def _key(outcome: Any) -> str:
    return str(getattr(outcome.item, "key", None) or outcome.item.raw)


def _result(outcome: Any) -> dict[str, Any]:
    return {"ResultCode": outcome.code, "ResultInfo": outcome.info}


def _set(app: AppContext, user_ids: tuple[str, ...], bulk: dict[str, Any],
         times: dict[str, int], done: str) -> None:
    """One setnospeaking call per account with `times`; a row per account."""

    def to_row(outcome: Any) -> dict[str, Any]:
        status = done if outcome.status == "ok" else STATUS[outcome.status]
        return {"UserID": _key(outcome), "Status": status, **times, **_result(outcome)}

    run_bulk(app, bulk_from(bulk), SET, Reader("UserID"), user_ids,
             lambda chunk: {"Set_Account": chunk[0].key, **times}, to_row, SET_COLUMNS)


# --- mute / unmute ---------------------------------------------------------------------------

@users.command("mute")
@IDS
@click.option("--for", "duration", type=Duration(), required=True, metavar="DURATION",
              help="How long: 30s, 10m, 2h, 3d, 1w (or combined, 1h30m), plain seconds, or "
                   "forever.")
@_scope_options
@bulk_options
@output_options(known=[*SET_COLUMNS, C2C, GROUP])
@dry_run_option
@pass_app
def mute(app: AppContext, user_ids: tuple[str, ...], duration: int, c2c_only: bool,
         group_only: bool, **bulk: Any) -> None:
    """Mute accounts app-wide: they cannot send one-to-one messages (20012) or group
    messages (10017) until the time is up; the server then lifts the mute itself.

    Muting again replaces the time left. One account per call, concurrently; unknown
    accounts fail.

    \b
    timctl users mute spammer --for 3d
    timctl users mute alice bob --for forever --group-only
    timctl users mute -f reported.txt --for 2h --failures retry.txt
    """
    fields = _time_fields(c2c_only, group_only)
    _set(app, user_ids, bulk, dict.fromkeys(fields, duration), "muted")


@users.command("unmute")
@IDS
@_scope_options
@bulk_options
@output_options(known=[*SET_COLUMNS, C2C, GROUP])
@dry_run_option
@pass_app
def unmute(app: AppContext, user_ids: tuple[str, ...], c2c_only: bool, group_only: bool,
           **bulk: Any) -> None:
    """Lift accounts' global mute (one-to-one and group messages, or one kind). Unmuting
    an account that is not muted succeeds.

    \b
    timctl users unmute alice
    timctl users unmute -f pardoned.txt --c2c-only
    """
    fields = _time_fields(c2c_only, group_only)
    _set(app, user_ids, bulk, dict.fromkeys(fields, 0), "unmuted")


# --- muted ---------------------------------------------------------------------------------------

@users.command("muted")
@IDS
@bulk_options
@output_options(known=[*GET_COLUMNS, C2C, GROUP])
@dry_run_option
@pass_app
def muted(app: AppContext, user_ids: tuple[str, ...], **bulk: Any) -> None:
    """Show how long accounts stay muted, for one-to-one (C2C) and group messages.

    Tables and CSV show the time left (`1h 59m 56s`, `forever`, `not muted`); JSON, YAML and
    JSONL add the API's raw seconds, C2CmsgNospeakingTime and GroupmsgNospeakingTime
    (0: not muted, 4294967295: forever).

    \b
    timctl users muted alice bob
    timctl users muted -f users.txt -o json
    """
    def to_row(outcome: Any) -> dict[str, Any]:
        user = _key(outcome)
        got = outcome.row or {} if outcome.status == "ok" else {}
        c2c, group = got.get(C2C), got.get(GROUP)
        return {"UserID": user, "C2C": friendly(c2c), "Group": friendly(group),
                C2C: c2c, GROUP: group, **_result(outcome)}

    run_bulk(app, bulk_from(bulk), GET, Reader("UserID"), user_ids,
             lambda chunk: {"Get_Account": chunk[0].key}, to_row, GET_COLUMNS)
