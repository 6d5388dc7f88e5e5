"""Desired group + live group -> the REST calls that make the live one match (pure: no I/O).

Only what the file gives is managed. Order of the calls for a group that exists:
modify_group_base_info (changed profile fields and app_data), add_group_member (missing
members, the new owner among them: a new owner must already be a member), change_group_owner
(the previous owner stays, as an ordinary Member), modify_group_member_info (one per role to
change), delete_group_member (with prune), modify_group_attr / delete_group_attr (prune).
A group that does not exist is created with create_group (owner, profile, app_data and up to
100 members with their Admin roles, as the API allows), then the rest is added as above.
Facts: rest-api-groups.yaml (create_group MemberList <= 100, Role only 'Admin';
add_group_member <= 20 a call on the 2026 China page; delete_group_member <= 100).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any, Literal

from timctl.groups_plan.manifest import PROFILE, SERVER_PREFIX, Group

G = "group_open_http_svc"
CREATE = f"{G}/create_group"
MODIFY = f"{G}/modify_group_base_info"
ADD = f"{G}/add_group_member"
REMOVE = f"{G}/delete_group_member"
ROLE = f"{G}/modify_group_member_info"
OWNER = f"{G}/change_group_owner"
SET_ATTRS = f"{G}/modify_group_attr"
DELETE_ATTRS = f"{G}/delete_group_attr"
CREATE_MEMBERS_MAX = 100
ADD_MAX = 20
REMOVE_MAX = 100

# Profile keys a type does not take (the file check refuses them), left out of exports.
UNSUPPORTED = {"Community": ("apply_join",), "AVChatRoom": ("invite_join",)}

Action = Literal["created", "updated", "unchanged", "failed"]


@dataclass(frozen=True)
class Call:
    endpoint: str  # "service/command"
    body: dict[str, Any]


@dataclass
class Plan:
    group: str
    action: Action
    calls: list[Call] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # one human line per change
    reason: str = ""


def live_group(info: dict[str, Any], members: list[dict[str, Any]] | None = None,
               attrs: list[dict[str, Any]] | None = None) -> Group:
    """A Group from a get_group_info item, get_group_member_info items and GroupAttrAry."""
    group = Group(str(info.get("GroupId", "")), str(info.get("Type", "")))
    for key, (api, _) in PROFILE.items():
        if api in info:
            value = info[api]
            group.profile[key] = value == "On" if key == "mute_all" else value
    if "MuteAllMember" not in info and "ShutUpAllMember" in info:
        group.profile["mute_all"] = info["ShutUpAllMember"] == "On"
    group.owner = str(info.get("Owner_Account") or "")
    group.app_data = {str(d.get("Key")): str(d.get("Value", ""))
                      for d in info.get("AppDefinedData") or [] if d.get("Value", "") != ""}
    if members is not None:
        group.members = {}
        for member in members:
            user, role = str(member.get("Member_Account")), str(member.get("Role", "Member"))
            if role == "Owner":
                group.owner = group.owner or user
            else:
                group.members[user] = role
    if attrs is not None:
        group.attributes = {str(a.get("key")): str(a.get("value", "")) for a in attrs}
    return group


def exported(live: Group) -> Group:
    """A live group as export writes it: empty texts, an Off mute_all and empty sections
    left out (apply leaves out what a file leaves out, so nothing is lost)."""
    profile = {k: v for k, v in live.profile.items() if v not in ("", None, False)}
    for key in UNSUPPORTED.get(live.type, ()):  # a server may still answer a value for it
        profile.pop(key, None)
    return Group(live.id, live.type, profile, live.owner, live.members or None,
                 live.attributes or None, live.app_data or None)


def effective(desired: Group, live: Group | None, prune: bool) -> Group:
    """The group as it will be after apply: what the file gives, over what the live group
    has (extra members, attributes and app_data stay unless pruned)."""
    base = live or Group(desired.id, desired.type)
    out = Group(desired.id, desired.type, {**base.profile, **desired.profile},
                desired.owner if desired.owner is not None else base.owner)
    for name in ("members", "attributes", "app_data"):
        want: dict[str, str] | None = getattr(desired, name)
        have: dict[str, str] | None = getattr(base, name)
        if want is None:
            setattr(out, name, have)
        elif prune or have is None:
            setattr(out, name, dict(want))
        else:
            setattr(out, name, {**have, **want})
    if out.members is not None and out.owner:
        out.members.pop(out.owner, None)
        if live and live.owner and live.owner != out.owner and desired.members is not None \
                and live.owner not in out.members and not prune:
            out.members[live.owner] = "Member"  # a previous owner stays, as a Member
    return out


def diff(desired: Group, live: Group | None, prune: bool) -> str:
    """A unified diff of the live group against the group after apply (only managed keys)."""
    after = effective(desired, live, prune).document()
    keys = set(desired.document())
    after = {k: v for k, v in after.items() if k in keys}
    before = [] if live is None else _lines({k: v for k, v in exported(live).document().items()
                                             if k in keys})
    return "".join(difflib.unified_diff(before, _lines(after),
                                        "/dev/null" if live is None else f"live/{desired.id}",
                                        f"file/{desired.id}"))


def _lines(doc: dict[str, Any]) -> list[str]:
    import yaml

    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return str(text).splitlines(keepends=True)


def plan(desired: Group, live: Group | None, prune: bool = False) -> Plan:
    """The calls that make `live` (None: the group does not exist) match `desired`."""
    if live is None:
        return _create(desired)
    if live.type and live.type != desired.type:
        return Plan(desired.id, "failed", reason=f"it is a {live.type} group, the file says "
                                                 f"{desired.type} (a group's type cannot change)")
    result = Plan(desired.id, "updated")
    gid = desired.id
    if desired.type == "AVChatRoom" and desired.owner and desired.owner != live.owner:
        return Plan(gid, "failed", reason=f"the owner is {live.owner or '(none)'}: an "
                                          "AVChatRoom's owner cannot be transferred "
                                          "(change_group_owner answers 10007)")
    _profile_update(desired, live, prune, result)
    members = dict(live.members or {})
    owner = live.owner or ""
    new_owner = desired.owner if desired.owner and desired.owner != owner else None
    if desired.members is not None or new_owner:
        want = dict(desired.members or {})
        missing = [u for u in want if u not in members and u != owner]
        if new_owner and new_owner not in members:
            missing.append(new_owner)
        _add(gid, missing, result)
        for user in missing:
            members[user] = "Member"
            result.changes.append(f"+ member {user}")
        if new_owner:
            result.calls.append(Call(OWNER, {"GroupId": gid, "NewOwner_Account": new_owner}))
            result.changes.append(f"owner {owner or '(none)'} -> {new_owner}"
                                  + (f" ({owner} stays, as a Member)" if owner else ""))
            members.pop(new_owner, None)
            if owner:
                members[owner] = "Member"
            owner = new_owner
        _roles(gid, want, members, result, skip=set(missing))
        if prune and desired.members is not None:
            extra = sorted(u for u in members if u not in want and u != owner)
            for start in range(0, len(extra), REMOVE_MAX):
                result.calls.append(Call(REMOVE, {"GroupId": gid,
                                                  "MemberToDel_Account":
                                                      extra[start:start + REMOVE_MAX]}))
            result.changes.extend(f"- member {u}" for u in extra)
    _attrs(desired, live.attributes or {}, prune, result)
    if not result.calls:
        result.action = "unchanged"
    return result


def _create(desired: Group) -> Plan:
    gid = desired.id
    if "name" not in desired.profile:
        return Plan(gid, "failed", reason="a name is needed to create the group")
    if gid.startswith(SERVER_PREFIX) and desired.type != "Community":
        return Plan(gid, "failed", reason=f"IDs starting with {SERVER_PREFIX} are assigned by "
                                          "the server: a group cannot be created with one")
    result = Plan(gid, "created", changes=["created"])
    body: dict[str, Any] = {"Type": desired.type, "GroupId": gid}
    if desired.owner:
        body["Owner_Account"] = desired.owner
        result.changes.append(f"owner {desired.owner}")
    for key, (_, api) in PROFILE.items():
        if key in desired.profile and key != "mute_all":
            body[api] = desired.profile[key]
            result.changes.append(f"{key}: {desired.profile[key]!r}")
    if desired.app_data:
        body["AppDefinedData"] = [{"Key": k, "Value": v} for k, v in desired.app_data.items()]
        result.changes.extend(f"app_data {k}: {v!r}" for k, v in desired.app_data.items())
    users = list(desired.members or {})
    first, rest = users[:CREATE_MEMBERS_MAX], users[CREATE_MEMBERS_MAX:]
    if first:
        body["MemberList"] = [{"Member_Account": u, **({"Role": "Admin"} if (
            desired.members or {})[u] == "Admin" else {})} for u in first]
    result.calls.append(Call(CREATE, body))
    result.changes.extend(f"+ member {u} ({(desired.members or {})[u]})" for u in first)
    if desired.profile.get("mute_all"):  # not a create_group field: set right after
        result.calls.append(Call(MODIFY, {"GroupId": gid, "MuteAllMember": "On"}))
        result.changes.append("mute_all: True")
    _add(gid, rest, result)
    result.changes.extend(f"+ member {u}" for u in rest)
    _roles(gid, desired.members or {}, dict.fromkeys(rest, "Member"), result, skip=set(rest))
    _attrs(desired, {}, False, result)
    return result


def _profile_update(desired: Group, live: Group, prune: bool, result: Plan) -> None:
    body: dict[str, Any] = {}
    for key, (api, _) in PROFILE.items():
        if key not in desired.profile:
            continue
        want, have = desired.profile[key], live.profile.get(key)
        if key in ("introduction", "notification", "face_url") and have is None:
            have = ""
        if want != have:
            body[api] = ("On" if want else "Off") if key == "mute_all" else want
            result.changes.append(f"{key}: {have!r} -> {want!r}")
    if desired.app_data is not None:
        have_data = live.app_data or {}
        data = [{"Key": k, "Value": v} for k, v in desired.app_data.items()
                if have_data.get(k) != v]
        result.changes.extend(_change("app_data", d["Key"], have_data.get(d["Key"]), d["Value"])
                              for d in data)
        if prune:  # an empty Value removes a key (documented)
            extra = sorted(k for k in have_data if k not in desired.app_data)
            data += [{"Key": k, "Value": ""} for k in extra]
            result.changes.extend(f"- app_data {k}" for k in extra)
        if data:
            body["AppDefinedData"] = data
    if body:
        result.calls.append(Call(MODIFY, {"GroupId": desired.id, **body}))


def _change(what: str, key: str, old: str | None, new: str) -> str:
    return f"+ {what} {key}: {new!r}" if old is None else f"{what} {key}: {old!r} -> {new!r}"


def _add(gid: str, users: list[str], result: Plan) -> None:
    for start in range(0, len(users), ADD_MAX):
        result.calls.append(Call(ADD, {"GroupId": gid, "MemberList": [
            {"Member_Account": u} for u in users[start:start + ADD_MAX]]}))


def _roles(gid: str, want: dict[str, str], have: dict[str, str], result: Plan,
           skip: set[str]) -> None:
    """One modify_group_member_info per member whose role differs (new members join as
    Member, so only their Admin roles need a call)."""
    for user, role in want.items():
        current = have.get(user)
        if current is None or current == role:
            continue
        result.calls.append(Call(ROLE, {"GroupId": gid, "Member_Account": user, "Role": role}))
        if user not in skip:
            result.changes.append(f"role {user}: {current} -> {role}")
        else:
            result.changes[result.changes.index(f"+ member {user}")] = f"+ member {user} ({role})"


def _attrs(desired: Group, have: dict[str, str], prune: bool, result: Plan) -> None:
    if desired.attributes is None:
        return
    changed = {k: v for k, v in desired.attributes.items() if have.get(k) != v}
    if changed:
        result.calls.append(Call(SET_ATTRS, {"GroupId": desired.id, "GroupAttr": [
            {"key": k, "value": v} for k, v in changed.items()]}))
        result.changes.extend(_change("attribute", k, have.get(k), v) for k, v in changed.items())
    extra = sorted(k for k in have if k not in desired.attributes) if prune else []
    if extra:
        result.calls.append(Call(DELETE_ATTRS, {"GroupId": desired.id,
                                                "GroupAttr": [{"key": k} for k in extra]}))
        result.changes.extend(f"- attribute {k}" for k in extra)
