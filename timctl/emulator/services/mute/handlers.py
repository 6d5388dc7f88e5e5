"""Handlers of the mute service: setnospeaking and getnospeaking (openconfigsvr).

Fields and codes are the pages' (see the package docstring for the inferred ones). A time
field left out leaves that kind of mute as it is; the docs say only that one of the two must
be given (130008).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.mute import queries as mutes
from timctl.emulator.services.mute.queries import FOREVER

TIME_FIELDS = {"C2CmsgNospeakingTime": "c2c", "GroupmsgNospeakingTime": "group"}
NOT_IMPORTED = 70107  # common code: the UserID is not imported (the pages name none)


def _account(body: dict[str, Any], field: str, missing: int, invalid: int) -> str:
    if field not in body:
        raise ApiFail(missing, f"the request has no {field} field")
    user_id = body[field]
    if not is_user_id(user_id):
        raise ApiFail(invalid, f"{field} is invalid: a UserID string of 1-32 bytes")
    return user_id


def _must_exist(ctx: Context, user_id: str) -> None:
    if not accounts.exists(ctx.db, ctx.sdkappid, user_id):
        raise ApiFail(NOT_IMPORTED, f"account {user_id!r} does not exist (not imported)")


@handler("openconfigsvr/setnospeaking")
def setnospeaking(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_id = _account(body, "Set_Account", 130004, 130005)
    times: dict[str, int] = {}
    for field, kind in TIME_FIELDS.items():
        if field not in body:
            continue
        value = body[field]
        if not is_int(value) or not 0 <= value <= FOREVER:
            raise ctx.bad_param(f"{field} must be an integer 0..{FOREVER} (seconds; 0 unmutes,"
                                f" {FOREVER} mutes forever)")
        times[kind] = value
    if not times:
        raise ApiFail(130008, "neither C2CmsgNospeakingTime nor GroupmsgNospeakingTime is"
                              " given")
    _must_exist(ctx, user_id)
    for kind, seconds in times.items():
        mutes.set_mute(ctx.db, ctx.sdkappid, user_id, kind, seconds, ctx.now)
    return {}


@handler("openconfigsvr/getnospeaking")
def getnospeaking(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_id = _account(body, "Get_Account", 130002, 130003)
    _must_exist(ctx, user_id)
    left = mutes.remaining(ctx.db, ctx.sdkappid, user_id, ctx.now)
    return {"C2CmsgNospeakingTime": left["c2c"], "GroupmsgNospeakingTime": left["group"]}
