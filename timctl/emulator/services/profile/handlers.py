"""Handlers of the profile service, portrait_set and portrait_get: standard
Tag_Profile_IM_* and custom fields.

Standard fields carry the documented types and enums; custom fields
(Tag_Profile_Custom_<letters, at most 8>) take strings. The real service also requires custom
fields to be registered in the console first; the emulator accepts any well-formed name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, utf8_len
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.profile import queries as profiles

MAX_VALUE_BYTES = 500  # documented for every string/bytes profile value (40601 beyond)
CUSTOM_TAG = re.compile(r"Tag_Profile_Custom_[A-Za-z]{1,8}")


@dataclass(frozen=True)
class _Field:
    kind: str  # "string" or "uint32"
    enum: tuple[str, ...] = ()
    max_bytes: int = MAX_VALUE_BYTES


STANDARD: dict[str, _Field] = {
    "Tag_Profile_IM_Nick": _Field("string"),
    "Tag_Profile_IM_Gender": _Field(
        "string", ("Gender_Type_Unknown", "Gender_Type_Female", "Gender_Type_Male")),
    "Tag_Profile_IM_BirthDay": _Field("uint32"),
    "Tag_Profile_IM_Location": _Field("string", max_bytes=16),
    "Tag_Profile_IM_SelfSignature": _Field("string"),
    "Tag_Profile_IM_AllowType": _Field("string", (
        "AllowType_Type_NeedConfirm", "AllowType_Type_AllowAny", "AllowType_Type_DenyAny")),
    "Tag_Profile_IM_Language": _Field("uint32"),
    "Tag_Profile_IM_Image": _Field("string"),
    "Tag_Profile_IM_MsgSettings": _Field("uint32"),
    "Tag_Profile_IM_AdminForbidType": _Field(
        "string", ("AdminForbid_Type_None", "AdminForbid_Type_SendOut")),
    "Tag_Profile_IM_Level": _Field("uint32"),
    "Tag_Profile_IM_Role": _Field("uint32"),
}


def check_tag(tag: Any) -> tuple[int, str] | None:
    """(40009, why) unless `tag` names a standard or well-formed custom field."""
    if isinstance(tag, str) and (tag in STANDARD or CUSTOM_TAG.fullmatch(tag)):
        return None
    return 40009, f"profile tag does not exist: {tag!r}"


def check_value(tag: str, value: Any) -> tuple[int, str] | None:
    """The documented code for a value that does not fit the (existing) tag, else None."""
    spec = STANDARD.get(tag, _Field("string"))
    if spec.kind == "uint32":
        if not is_int(value):
            return 40610, f"{tag} takes an integer (uint32)"
        if not 0 <= value < 2**32:
            return 40605, f"{tag} out of uint32 range: {value}"
        return None
    if not isinstance(value, str):
        return 40610, f"{tag} takes a string"
    if spec.enum and value not in spec.enum:
        return 40605, f"{tag} must be one of {', '.join(spec.enum)}"
    size = utf8_len(value)
    if size > MAX_VALUE_BYTES:
        return 40601, f"{tag} value is {size} bytes; the limit is {MAX_VALUE_BYTES}"
    if size > spec.max_bytes:  # Location: 16 bytes; not the 500-byte rule, so 40605
        return 40605, f"{tag} value is {size} bytes; the limit is {spec.max_bytes}"
    return None


@handler("profile/portrait_set")
def portrait_set(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    account = body.get("From_Account")
    if not isinstance(account, str) or not account:
        raise ctx.bad_param("From_Account is required: a UserID string")
    items = body.get("ProfileItem")
    if not isinstance(items, list) or not items:
        raise ctx.bad_param("ProfileItem is required: a non-empty array of {Tag, Value}")
    if not accounts.exists(ctx.db, ctx.sdkappid, account):
        raise ApiFail(40003, f"account {account!r} does not exist")
    values: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "Tag" not in item or "Value" not in item:
            raise ctx.bad_param("each ProfileItem needs Tag and Value")
        tag, value = item["Tag"], item["Value"]
        problem = check_tag(tag) or check_value(tag, value)
        if problem:
            raise ApiFail(*problem)  # nothing is written: the request is atomic
        values[tag] = value
    profiles.set_values(ctx.db, ctx.sdkappid, account, values, ctx.now)
    return {}


@handler("profile/portrait_get")
def portrait_get(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    to = body.get("To_Account")
    if to is None or to == []:
        raise ApiFail(40002, "To_Account is required")
    if not isinstance(to, list) or not all(isinstance(a, str) for a in to):
        raise ctx.bad_param("To_Account must be an array of UserID strings")
    limit = ctx.batch_max()
    if len(to) > limit:
        raise ctx.bad_param(f"To_Account has {len(to)} accounts; at most {limit}")
    tags = body.get("TagList")
    if not isinstance(tags, list) or not tags:
        raise ctx.bad_param("TagList is required: a non-empty array of profile tags")
    for tag in tags:
        problem = check_tag(tag)
        if problem:
            raise ApiFail(*problem)
    wanted = list(dict.fromkeys(tags))

    existing = accounts.existing(ctx.db, ctx.sdkappid, to)
    items: list[dict[str, Any]] = []
    failed: list[str] = []
    for account in to:
        if account not in existing:
            items.append({"To_Account": account, "ResultCode": 40003,
                          "ResultInfo": f"account {account!r} does not exist"})
            failed.append(account)
            continue
        profile = profiles.get_values(ctx.db, ctx.sdkappid, account, wanted)
        items.append({
            "To_Account": account,
            # unset fields are left out, as in the documented samples
            "ProfileItem": [{"Tag": t, "Value": profile[t]} for t in wanted if t in profile],
            "ResultCode": 0,
            "ResultInfo": "",
        })
    data: dict[str, Any] = {"UserProfileItem": items}
    if failed:
        data["Fail_Account"] = list(dict.fromkeys(failed))
        if len(failed) == len(to):
            raise ApiFail(40003, "none of the requested accounts exists", data)
    return data
