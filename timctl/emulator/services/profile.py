"""profile/portrait_set and portrait_get: standard Tag_Profile_IM_* and custom fields.

Standard fields carry the documented types and enums; custom fields
(Tag_Profile_Custom_<letters, at most 8>) take strings. The real service also requires custom
fields to be registered in the console first; the emulator accepts any well-formed name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_int, utf8_len

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
        raise ApiFail(40001, "From_Account is required: a UserID string")
    items = body.get("ProfileItem")
    if not isinstance(items, list) or not items:
        raise ApiFail(40001, "ProfileItem is required: a non-empty array of {Tag, Value}")
    if not ctx.store.account_exists(ctx.sdkappid, account):
        raise ApiFail(40003, f"account {account!r} does not exist")
    values: dict[str, Any] = {}
    for item in items:
        if not isinstance(item, dict) or "Tag" not in item or "Value" not in item:
            raise ApiFail(40001, "each ProfileItem needs Tag and Value")
        tag, value = item["Tag"], item["Value"]
        problem = check_tag(tag) or check_value(tag, value)
        if problem:
            raise ApiFail(*problem)  # nothing is written: the request is atomic
        values[tag] = value
    ctx.store.set_profile(ctx.sdkappid, account, values, ctx.now)
    return {}


@handler("profile/portrait_get")
def portrait_get(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    accounts = body.get("To_Account")
    if accounts is None or accounts == []:
        raise ApiFail(40002, "To_Account is required")
    if not isinstance(accounts, list) or not all(isinstance(a, str) for a in accounts):
        raise ApiFail(40001, "To_Account must be an array of UserID strings")
    limit = ctx.batch_max()
    if len(accounts) > limit:
        raise ApiFail(40001, f"To_Account has {len(accounts)} accounts; at most {limit}")
    tags = body.get("TagList")
    if not isinstance(tags, list) or not tags:
        raise ApiFail(40001, "TagList is required: a non-empty array of profile tags")
    for tag in tags:
        problem = check_tag(tag)
        if problem:
            raise ApiFail(*problem)
    wanted = list(dict.fromkeys(tags))

    existing = ctx.store.existing_accounts(ctx.sdkappid, accounts)
    items: list[dict[str, Any]] = []
    failed: list[str] = []
    for account in accounts:
        if account not in existing:
            items.append({"To_Account": account, "ResultCode": 40003,
                          "ResultInfo": f"account {account!r} does not exist"})
            failed.append(account)
            continue
        profile = ctx.store.get_profile(ctx.sdkappid, account, wanted)
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
        if len(failed) == len(accounts):
            raise ApiFail(40003, "none of the requested accounts exists", data)
    return data
