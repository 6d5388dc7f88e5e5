"""Attribute names, user attributes and user tags: all_member_push im_* (1047/37167-37175)
and their timpush twins (trtc.io 60563-60569, 67820-67823; 269/100643), over one store.

Documented: 10 attribute slots "0".."9" per app, names <= 50 bytes, setting a slot replaces
its name; timpush AttrTypes (0 UserID, 1 RegistrationID) cannot change once set; user
attributes are keyed by name; <= 100 users a call (90018); <= 10 tags per user per add
request (90032), <= 100 tags per user, tags <= 50 bytes (90020), <= 1000 distinct tags per
app (trtc.io 60568); clear_all_tags lists users that are not imported in ErrorList (70107).
Inferred: unknown names, bad slots, values over 50 bytes and two slots with one name are
90033 (invalid attribute); over 100 tags on a user or 1000 in the app is 90032 (the code of
too many tags); an empty tag is 90040 as in a push condition; malformed bodies are 90001.
"""

from __future__ import annotations

from typing import Any

from timctl.emulator.services import ApiFail, Context, handler, is_user_id, utf8_len
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.services.push import audience
from timctl.emulator.services.push.conditions import check_tags
from timctl.emulator.services.push.sched import due_first

SLOTS = 10
MAX_NAME_BYTES = 50
MAX_VALUE_BYTES = 50
MAX_USERS = 100
MAX_USER_TAGS = 100
MAX_APP_TAGS = 1000
AMP, TP = "all_member_push", "timpush"


def _users(ctx: Context, body: dict[str, Any]) -> list[str]:
    users = body.get("To_Account")
    if not isinstance(users, list) or not users or not all(is_user_id(u) for u in users):
        raise ApiFail(90001, "To_Account is required: a non-empty array of UserIDs")
    limit = ctx.batch_max(MAX_USERS)
    if len(users) > limit:
        raise ApiFail(90018, f"To_Account has {len(users)} accounts; at most {limit}")
    return list(dict.fromkeys(users))


def _items(ctx: Context, body: dict[str, Any], field: str, key: str,
           kind: type) -> list[tuple[str, Any]]:
    items = body.get(field)
    if not isinstance(items, list) or not items:
        raise ApiFail(90001, f"{field} is required: a non-empty array of {{To_Account, {key}}}")
    limit = ctx.batch_max(MAX_USERS)
    if len(items) > limit:
        raise ApiFail(90018, f"{field} has {len(items)} accounts; at most {limit}")
    out = []
    for item in items:
        user = item.get("To_Account") if isinstance(item, dict) else None
        value = item.get(key) if isinstance(item, dict) else None
        if not is_user_id(user) or not isinstance(value, kind):
            raise ApiFail(90001, f"each {field} item needs To_Account and {key}"
                                 f" ({'an object' if kind is dict else 'an array'})")
        out.append((user, value))
    return out


# --- attribute names --------------------------------------------------------------------------

def _slot(key: Any) -> int:
    if not isinstance(key, str) or key not in {str(i) for i in range(SLOTS)}:
        raise ApiFail(90033, f"invalid attribute slot {key!r}: slots are \"0\" to \"{SLOTS - 1}\"")
    return int(key)


def _set_attr_name(ctx: Context, body: dict[str, Any], with_types: bool) -> dict[str, Any]:
    names = body.get("AttrNames")
    if not isinstance(names, dict) or not names:
        raise ApiFail(90001, "AttrNames is required: an object of slot (\"0\"-\"9\") -> name")
    wanted: dict[int, str] = {}
    for key, name in names.items():
        slot = _slot(key)
        if not isinstance(name, str) or not 0 < utf8_len(name) <= MAX_NAME_BYTES:
            raise ApiFail(90033, f"attribute name of slot {key}: a string of 1-"
                                 f"{MAX_NAME_BYTES} bytes")
        wanted[slot] = name
    types: dict[int, int] = {}
    raw_types = body.get("AttrTypes") if with_types else None
    if raw_types is not None:
        if not isinstance(raw_types, dict):
            raise ApiFail(90001, "AttrTypes must be an object of slot -> 0 (UserID) or 1"
                                 " (RegistrationID)")
        for key, kind in raw_types.items():
            if key not in names:
                raise ApiFail(90033, f"AttrTypes slot {key!r} is not in AttrNames")
            if kind not in (0, 1) or isinstance(kind, bool):
                raise ApiFail(90033, f"AttrTypes[{key!r}] must be 0 (UserID) or 1"
                                     " (RegistrationID)")
            types[_slot(key)] = kind
    known = audience.attr_names(ctx.db, ctx.sdkappid)
    for slot, kind in types.items():
        old = known.get(slot, ("", None))[1]
        if old is not None and old != kind:  # trtc.io 60563: fixed once set
            raise ApiFail(90033, f"AttrTypes of slot {slot} is {old} and cannot be changed")
    merged = {s: n for s, (n, _) in known.items()} | wanted
    if len(set(merged.values())) < len(merged):
        raise ApiFail(90033, "two attribute slots cannot have the same name")
    for slot, name in wanted.items():
        audience.set_attr_name(ctx.db, ctx.sdkappid, slot, name, types.get(slot))
    return {}


@handler(f"{AMP}/im_set_attr_name")
@due_first
def im_set_attr_name(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _set_attr_name(ctx, body, with_types=False)


@handler(f"{TP}/set_attr_name")
@due_first
def set_attr_name(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    return _set_attr_name(ctx, body, with_types=True)


@handler(f"{AMP}/im_get_attr_name")
@handler(f"{TP}/get_attr_name")
def get_attr_name(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    names = audience.attr_names(ctx.db, ctx.sdkappid)
    return {"AttrNames": {str(s): n for s, (n, _) in names.items()}}


# --- user attributes ---------------------------------------------------------------------------

@handler(f"{AMP}/im_get_attr")
@handler(f"{TP}/get_attr")
def get_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _users(ctx, body)
    names = audience.attr_names(ctx.db, ctx.sdkappid)
    values = audience.attrs_of(ctx.db, ctx.sdkappid, users)
    return {"UserAttrs": [
        {"To_Account": u, "Attrs": {names[s][0]: v for s, v in values.get(u, {}).items()
                                    if s in names}} for u in users]}


def _slot_named(slots: dict[str, int], name: Any) -> int:
    if not isinstance(name, str) or name not in slots:
        raise ApiFail(90033, f"invalid attribute {name!r}: not an attribute name of the app")
    return slots[name]


@handler(f"{AMP}/im_set_attr")
@handler(f"{TP}/set_attr")
@due_first
def set_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    items = _items(ctx, body, "UserAttrs", "Attrs", dict)
    slots = audience.slot_of(ctx.db, ctx.sdkappid)
    plan: list[tuple[str, dict[int, str]]] = []
    for user, attrs in items:
        values: dict[int, str] = {}
        for name, value in attrs.items():
            slot = _slot_named(slots, name)
            if not isinstance(value, str) or utf8_len(value) > MAX_VALUE_BYTES:
                raise ApiFail(90033, f"{user}: the value of {name!r} must be a string of at"
                                     f" most {MAX_VALUE_BYTES} bytes")
            values[slot] = value
        plan.append((user, values))
    for user, values in plan:
        audience.set_attrs(ctx.db, ctx.sdkappid, user, values)
    return {}


@handler(f"{AMP}/im_remove_attr")
@handler(f"{TP}/remove_attr")
@due_first
def remove_attr(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    items = _items(ctx, body, "UserAttrs", "Attrs", list)
    slots = audience.slot_of(ctx.db, ctx.sdkappid)
    plan = [(user, [_slot_named(slots, n) for n in names]) for user, names in items]
    for user, gone in plan:
        audience.remove_attrs(ctx.db, ctx.sdkappid, user, gone)
    return {}


# --- tags --------------------------------------------------------------------------------------

@handler(f"{AMP}/im_get_tag")
@handler(f"{TP}/get_tag")
def get_tag(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _users(ctx, body)
    tags = audience.tags_of(ctx.db, ctx.sdkappid, users)
    return {"UserTags": [{"To_Account": u, "Tags": tags.get(u, [])} for u in users]}


@handler(f"{AMP}/im_add_tag")
@handler(f"{TP}/add_tag")
@due_first
def add_tag(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    items = [(u, check_tags(t, f"Tags of {u}")) for u, t in
             _items(ctx, body, "UserTags", "Tags", list)]
    merged: dict[str, list[str]] = {}
    for user, tags in items:  # one user twice in a call: both lists apply
        merged.setdefault(user, [])
        merged[user] += [t for t in tags if t not in merged[user]]
    have = audience.tags_of(ctx.db, ctx.sdkappid, list(merged))
    for user, tags in merged.items():
        total = set(have.get(user, ())) | set(tags)
        if len(total) > MAX_USER_TAGS:
            raise ApiFail(90032, f"{user} would have {len(total)} tags; a user has at most"
                                 f" {MAX_USER_TAGS} (remove old tags first)")
    new = {t for tags in merged.values() for t in tags}
    app_tags = audience.distinct_tags(ctx.db, ctx.sdkappid) | new
    if len(app_tags) > MAX_APP_TAGS:
        raise ApiFail(90032, f"an app has at most {MAX_APP_TAGS} distinct tags")
    for user, tags in merged.items():
        audience.add_tags(ctx.db, ctx.sdkappid, user, tags, ctx.now)
    return {}


@handler(f"{AMP}/im_remove_tag")
@handler(f"{TP}/remove_tag")
@due_first
def remove_tag(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    items = _items(ctx, body, "UserTags", "Tags", list)
    if not all(isinstance(t, str) for _, tags in items for t in tags):
        raise ApiFail(90001, "Tags must be arrays of tag strings")
    for user, tags in items:
        audience.remove_tags(ctx.db, ctx.sdkappid, user, tags)
    return {}


@handler(f"{AMP}/im_remove_all_tags")
@due_first
def im_remove_all_tags(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    for user in _users(ctx, body):
        audience.remove_tags(ctx.db, ctx.sdkappid, user)
    return {}


@handler(f"{TP}/clear_all_tags")
@due_first
def clear_all_tags(ctx: Context, body: dict[str, Any]) -> dict[str, Any]:
    users = _users(ctx, body)
    present = accounts.existing(ctx.db, ctx.sdkappid, users)
    errors = [{"To_Account": u, "ErrorCode": 70107, "ErrorInfo": "UserID is not imported"}
              for u in users if u not in present]
    for user in users:
        if user in present:
            audience.remove_tags(ctx.db, ctx.sdkappid, user)
    if errors and len(errors) == len(users):
        raise ApiFail(70107, "none of the To_Account accounts is imported",
                      {"ErrorList": errors})
    return {"ErrorList": errors} if errors else {}
