"""Handlers of the account service: import, batch import, delete, check, kick
(im_open_login_svc) and online status (openim/query_online_status).

Edition rules from the docs: Trial apps hold 100 accounts (70398); Pro/Ultimate/Enterprise
apps refuse account_delete unless it was enabled (71000) and cannot re-import a deleted UserID
for 90 days (70399). Admin accounts do not count towards the Trial cap (docs are silent).
"""

from __future__ import annotations

from typing import Any

from timctl.emulator import auth
from timctl.emulator.services import ApiFail, Context, handler, is_int, is_user_id, utf8_len
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.accounts.control import PLATFORMS
from timctl.emulator.services.profile import queries as profiles

TRIAL_MAX_ACCOUNTS = 100
REIMPORT_BLOCK_SECONDS = 90 * 86400  # "3 months"
PAID_EDITIONS = frozenset({"pro", "ultimate", "enterprise"})
MAX_VALUE_BYTES = 500  # Nick / FaceUrl are profile values
NOT_EXIST = "Err_TLS_PT_Open_Login_Account_Not_Exist"  # documented ResultInfo for 70107
PUSH_ONLINE_TTL = 7 * 86400  # PushOnline is kept for 7 days, then the user is Offline
_PROFILE_TAGS = {"Nick": "Tag_Profile_IM_Nick", "FaceUrl": "Tag_Profile_IM_Image"}


class _Importer:
    """Imports accounts for one request under the app edition's rules."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._trial_room: int | None = None  # accounts a Trial app may still add

    def add(self, user_id: str, profile: dict[str, str]) -> tuple[int, str]:
        """(0, "") when imported or already there, else (ErrorCode, ErrorInfo)."""
        ctx, db = self.ctx, self.ctx.db
        if not accounts.exists(db, ctx.sdkappid, user_id):
            if ctx.app.edition in PAID_EDITIONS:
                gone = accounts.deleted_at(db, ctx.sdkappid, user_id)
                if gone is not None and ctx.now - gone < REIMPORT_BLOCK_SECONDS:
                    return 70399, (f"UserID {user_id!r} was deleted less than 90 days ago and"
                                   " cannot be imported again yet")
            if ctx.app.edition == "trial":
                if self._trial_room is None:
                    used = accounts.count(db, ctx.sdkappid, exclude=ctx.app.admins)
                    self._trial_room = TRIAL_MAX_ACCOUNTS - used
                if self._trial_room <= 0:
                    return 70398, (f"account count over limit: the Trial edition holds"
                                   f" {TRIAL_MAX_ACCOUNTS} accounts")
                self._trial_room -= 1
            accounts.import_account(db, ctx.sdkappid, user_id, ctx.now)
        if profile:  # re-import overwrites the given fields
            profiles.set_values(db, ctx.sdkappid, user_id, profile, ctx.now)
        return 0, ""


def _profile_of(ctx: Context, item: dict[str, Any]) -> dict[str, str]:
    """Nick/FaceUrl of an import item as profile tags; non-strings are bad parameters."""
    profile: dict[str, str] = {}
    for name, tag in _PROFILE_TAGS.items():
        if name in item:
            if not isinstance(item[name], str):
                raise ctx.bad_param(f"{name} must be a string")
            profile[tag] = item[name]
    return profile


def _oversized(profile: dict[str, str]) -> str | None:
    for tag, value in profile.items():
        if utf8_len(value) > MAX_VALUE_BYTES:
            return f"{tag} is longer than {MAX_VALUE_BYTES} bytes"
    return None


@handler("im_open_login_svc/account_import")
def account_import(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_id = body.get("UserID")
    if not is_user_id(user_id):
        raise ctx.bad_param("UserID is required: a string of 1-32 bytes")
    profile = _profile_of(ctx, body)
    too_long = _oversized(profile)
    if too_long:
        raise ApiFail(40601, too_long)
    code, info = _Importer(ctx).add(user_id, profile)
    if code:
        raise ApiFail(code, info)
    return {}


@handler("im_open_login_svc/multiaccount_import")
def multiaccount_import(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    entries = _import_entries(ctx, body)
    limit = ctx.batch_max()
    if len(entries) > limit:
        raise ctx.bad_param(f"{len(entries)} accounts in one request; at most {limit}")
    importer = _Importer(ctx)
    failed: list[Any] = []
    codes: set[int] = set()
    imported = 0
    for user_id, profile in entries:
        if not is_user_id(user_id) or _oversized(profile):
            failed.append(user_id)
            continue
        code, _ = importer.add(user_id, profile)
        if code:
            failed.append(user_id)
            codes.add(code)
        else:
            imported += 1
    data = {"FailAccounts": list(dict.fromkeys(failed))}
    if not imported and 70398 in codes:
        raise ApiFail(70398, "account count over limit: the Trial edition holds"
                             f" {TRIAL_MAX_ACCOUNTS} accounts", data)
    return data


def _import_entries(ctx: Context, body: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """Old `Accounts` (strings) and new `AccountList` (objects) forms; both may be given."""
    bare, account_list = body.get("Accounts"), body.get("AccountList")
    if bare is None and account_list is None:
        raise ctx.bad_param("Accounts or AccountList is required")
    entries: list[tuple[str, dict[str, str]]] = []
    if bare is not None:
        if not isinstance(bare, list) or not all(isinstance(a, str) for a in bare):
            raise ctx.bad_param("Accounts must be an array of UserID strings")
        entries += [(a, {}) for a in bare]
    if account_list is not None:
        if not isinstance(account_list, list):
            raise ctx.bad_param("AccountList must be an array of {UserID, Nick, FaceUrl}")
        for item in account_list:
            if not isinstance(item, dict) or not isinstance(item.get("UserID"), str):
                raise ctx.bad_param("each AccountList item needs a UserID string")
            entries.append((item["UserID"], _profile_of(ctx, item)))
    if not entries:
        raise ctx.bad_param("no accounts to import")
    return entries


def _user_items(ctx: Context, body: dict[str, Any], field: str) -> list[str]:
    """UserIDs of a [{"UserID": ...}] batch field, checked against the documented maximum."""
    items = body.get(field)
    if not isinstance(items, list) or not items:
        raise ctx.bad_param(f"{field} is required: a non-empty array of {{UserID}}")
    limit = ctx.batch_max()
    if len(items) > limit:
        raise ctx.bad_param(f"{field} has {len(items)} items; at most {limit}")
    if not all(isinstance(i, dict) and isinstance(i.get("UserID"), str) for i in items):
        raise ctx.bad_param(f"each {field} item needs a UserID string")
    return [i["UserID"] for i in items]


@handler("im_open_login_svc/account_delete")
def account_delete(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_ids = _user_items(ctx, body, "DeleteItem")
    if ctx.app.edition in PAID_EDITIONS and not ctx.app.allow_account_delete:
        raise ApiFail(71000, f"account deletion is not enabled for this {ctx.app.edition}"
                             " edition app")
    results = []
    for user_id in user_ids:  # a repeated UserID is gone the second time: 70107
        if accounts.exists(ctx.db, ctx.sdkappid, user_id):
            accounts.delete(ctx.db, ctx.sdkappid, user_id, ctx.now)
            results.append({"ResultCode": 0, "ResultInfo": "", "UserID": user_id})
        else:
            results.append({"ResultCode": 70107, "ResultInfo": NOT_EXIST, "UserID": user_id})
    return {"ResultItem": results}


@handler("im_open_login_svc/account_check")
def account_check(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_ids = _user_items(ctx, body, "CheckItem")
    existing = accounts.existing(ctx.db, ctx.sdkappid, user_ids)
    return {"ResultItem": [
        {"UserID": u, "ResultCode": 0, "ResultInfo": "",
         "AccountStatus": "Imported" if u in existing else "NotImported"}
        for u in user_ids
    ]}


@handler("im_open_login_svc/kick")
def kick(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    user_id = body.get("UserID")
    if not is_user_id(user_id):
        raise ctx.bad_param("UserID is required: one UserID string")
    if not accounts.exists(ctx.db, ctx.sdkappid, user_id):
        raise ApiFail(70107, f"UserID {user_id!r} does not exist")
    auth.revoke_sigs(ctx.db, ctx.sdkappid, user_id, ctx.now)  # and log out everywhere:
    accounts.log_out(ctx.db, ctx.sdkappid, user_id)
    return {}


@handler("openim/query_online_status")
def query_online_status(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    to = body.get("To_Account")
    if not isinstance(to, list):
        raise ApiFail(90003, "To_Account is required: an array of UserID strings")
    if not to:
        raise ApiFail(90001, "To_Account is an empty array")
    limit = ctx.batch_max(500)
    if len(to) > limit:
        raise ApiFail(90011, f"To_Account has {len(to)} accounts; at most {limit}")
    if not all(isinstance(u, str) for u in to):
        raise ApiFail(90003, "To_Account elements must be UserID strings")
    need_detail = is_int(body.get("IsNeedDetail")) and body["IsNeedDetail"] == 1

    existing = accounts.existing(ctx.db, ctx.sdkappid, to)
    logins = accounts.online_platforms(ctx.db, ctx.sdkappid, existing)
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    for user_id in to:
        if user_id not in existing:
            errors.append({"To_Account": user_id, "ErrorCode": 70107})
            continue
        live = [(p, s) for p, s, at in logins.get(user_id, ())
                if s == "Online" or ctx.now - at < PUSH_ONLINE_TTL]
        live.sort(key=_platform_rank)  # as the docs list them, as in their sample
        # any Online device makes the user Online; never logged in means Offline
        status = ("Online" if any(s == "Online" for _, s in live)
                  else "PushOnline" if live else "Offline")
        item: dict[str, Any] = {"To_Account": user_id, "Status": status}
        if need_detail and live:
            item["Detail"] = [{"Platform": p, "Status": s} for p, s in live]
        results.append(item)
    data = {"QueryResult": results, "ErrorList": errors}
    if not results:
        raise ApiFail(70107, "none of the To_Account accounts exists", data)
    return data


def _platform_rank(login: tuple[str, str]) -> int:
    return PLATFORMS.index(login[0]) if login[0] in PLATFORMS else len(PLATFORMS)
