"""The groups file of `timctl groups apply` / `export`: read, check, and write it.

    groups:
      - id: eng
        type: Public            # Work = Private, Meeting = ChatRoom; any case
        name: Engineering
        owner: alice
        members: [bob, {user: carol, role: Admin}]
        attributes: {topic: builds}
        app_data: {Level: "3"}

The whole file is checked before anything is sent; each problem reads `file:line: reason`
(lines from PyYAML's node marks; JSON is read as YAML, which it is a subset of). A section
left out (members, attributes, app_data, owner, a profile field) is not managed: apply
leaves it as it is.

Facts (rest-api-groups.yaml, group_model): custom group IDs are printable ASCII, at most 48
bytes; text limits Name 100, Introduction 400, Notification 400, FaceUrl 500 bytes (the
2024+ values); Work groups have no Admin role; AVChatRoom members cannot be added by REST
(10007); Communities take no ApplyJoinOption; group attributes: at most 16 keys, keys 32
bytes, values 4000 bytes, 16000 in all; AppDefinedData: at most 10 keys of letters, digits
and underscores up to 16 bytes, values up to 512 bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from timctl.errors import UsageError

TYPES = {"private": "Private", "work": "Private", "public": "Public", "chatroom": "ChatRoom",
         "meeting": "ChatRoom", "avchatroom": "AVChatRoom", "community": "Community"}
ROLES = {"owner": "Owner", "admin": "Admin", "member": "Member"}
APPLY_JOIN = ("FreeAccess", "NeedPermission", "DisableApply")
INVITE_JOIN = ("FreeAccess", "NeedPermission", "DisableInvite")
MAX_GROUP_ID_BYTES = 48
COMMUNITY_PREFIX = "@TGS#_"  # custom Community IDs must start with it
SERVER_PREFIX = "@TGS#"  # reserved for server-assigned IDs
TEXT_LIMITS = {"name": 100, "introduction": 400, "notification": 400, "face_url": 500}
ATTR_MAX_KEYS, ATTR_KEY_BYTES, ATTR_VALUE_BYTES, ATTR_TOTAL_BYTES = 16, 32, 4000, 16000
APP_DATA_MAX_KEYS, APP_DATA_VALUE_BYTES = 10, 512
APP_DATA_KEY = re.compile(r"[A-Za-z0-9_]{1,16}")
MAX_USER_ID_BYTES = 32

# The profile fields: file key -> (get_group_info / modify_group_base_info field,
# create_group field). Order is the file's (and export's) key order.
PROFILE: dict[str, tuple[str, str]] = {
    "name": ("Name", "Name"),
    "introduction": ("Introduction", "Introduction"),
    "notification": ("Notification", "Notification"),
    "face_url": ("FaceUrl", "FaceUrl"),
    "max_members": ("MaxMemberNum", "MaxMemberCount"),
    "apply_join": ("ApplyJoinOption", "ApplyJoinOption"),
    "invite_join": ("InviteJoinOption", "InviteJoinOption"),
    "mute_all": ("MuteAllMember", "MuteAllMember"),
}
KEY_ORDER = ("id", "type", *PROFILE.keys(), "owner", "app_data", "attributes", "members")
GROUP_KEYS = frozenset(KEY_ORDER)


@dataclass
class Group:
    """One group as the file wants it (desired) or as the server has it (live). `None` for
    a section means: not given (desired: not managed; live: not read)."""

    id: str
    type: str  # the REST name
    profile: dict[str, Any] = field(default_factory=dict)  # file key -> file value
    owner: str | None = None  # live: "" for an owner-less group
    members: dict[str, str] | None = None  # user -> Admin/Member (the owner not included)
    attributes: dict[str, str] | None = None
    app_data: dict[str, str] | None = None
    line: int = 0

    def document(self) -> dict[str, Any]:
        """This group in the file format: stable key order, members sorted by user."""
        out: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in PROFILE:
            if key in self.profile:
                out[key] = self.profile[key]
        if self.owner:
            out["owner"] = self.owner
        if self.app_data is not None:
            out["app_data"] = dict(sorted(self.app_data.items()))
        if self.attributes is not None:
            out["attributes"] = dict(sorted(self.attributes.items()))
        if self.members is not None:
            out["members"] = [user if role == "Member" else {"user": user, "role": role}
                              for user, role in sorted(self.members.items())]
        return out


def dump(groups: list[Group], fmt: str = "yaml") -> str:
    """The file text of `groups` (YAML, or JSON when fmt is "json")."""
    doc = {"groups": [g.document() for g in groups]}
    if fmt == "json":
        import json

        return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
    import yaml

    return str(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False,
                              default_flow_style=False))


# --- reading --------------------------------------------------------------------------------

Path = tuple[Any, ...]


class _Problems:
    def __init__(self, source: str, lines: dict[Path, int]) -> None:
        self.source = source
        self.lines = lines
        self.found: list[str] = []

    def add(self, path: Path, reason: str) -> None:
        while path and path not in self.lines:
            path = path[:-1]
        self.found.append(f"{self.source}:{self.lines.get(path, 1)}: {reason}")


def load(text: str, source: str) -> list[Group]:
    """The groups of a file's text, every problem found first: a UsageError listing each as
    `source:line: reason` (exit 2), so nothing is sent for a file with any problem."""
    data, lines, dupes = _parse(text, source)
    problems = _Problems(source, lines)
    for path, key in dupes:
        problems.add(path, f"{key!r} given twice")
    groups = _groups(data, problems)
    if problems.found:
        raise UsageError("\n".join(problems.found))
    return groups


def _parse(text: str, source: str) -> tuple[Any, dict[Path, int], list[tuple[Path, str]]]:
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise UsageError(f"{source}:{line}: not valid YAML/JSON: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise UsageError(f"{source}: not valid YAML/JSON: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    dupes: list[tuple[Path, str]] = []
    if node is not None:
        _mark(node, (), lines, dupes)
    return data, lines, dupes


def _mark(node: Any, path: Path, lines: dict[Path, int], dupes: list[tuple[Path, str]]) -> None:
    import yaml

    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else id(key_node)
            if key in seen:  # PyYAML keeps the last silently: a file saying two things is wrong
                dupes.append(((*path, key), str(key)))
            seen.add(key)
            _mark(value_node, (*path, key), lines, dupes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _mark(item, (*path, index), lines, dupes)


def _groups(data: Any, problems: _Problems) -> list[Group]:
    if not isinstance(data, dict) or "groups" not in data:
        problems.add((), "expected a mapping with a 'groups' list")
        return []
    for key in data:
        if key != "groups":
            problems.add((key,), f"unknown key {key!r} (expected 'groups')")
    items = data["groups"]
    if items is None:
        return []
    if not isinstance(items, list):
        problems.add(("groups",), "'groups' must be a list")
        return []
    groups: list[Group] = []
    first_line: dict[str, int] = {}
    for index, item in enumerate(items):
        path = ("groups", index)
        group = _group(item, path, problems)
        if group is None:
            continue
        if group.id in first_line:
            problems.add((*path, "id"), f"group {group.id!r} is already given on line "
                                        f"{first_line[group.id]}")
        else:
            first_line[group.id] = group.line
        groups.append(group)
    return groups


def _group(item: Any, path: Path, problems: _Problems) -> Group | None:
    if not isinstance(item, dict):
        problems.add(path, "each group must be a mapping with at least 'id' and 'type'")
        return None
    for key in item:
        if key not in GROUP_KEYS:
            problems.add((*path, key), f"unknown key {key!r} (keys: {', '.join(KEY_ORDER)})")
    gid = item.get("id")
    if not isinstance(gid, str):
        problems.add((*path, "id") if "id" in item else path, "missing or non-string 'id'")
        return None
    id_problem = group_id_problem(gid)
    if id_problem:
        problems.add((*path, "id"), id_problem)
    raw_type = item.get("type")
    gtype = TYPES.get(raw_type.lower()) if isinstance(raw_type, str) else None
    if gtype is None:
        problems.add((*path, "type") if "type" in item else path,
                     f"'type' must be one of Private (Work), Public, ChatRoom (Meeting), "
                     f"AVChatRoom, Community; got {raw_type!r}")
        gtype = "Public"
    if gtype == "Community" and not gid.startswith(COMMUNITY_PREFIX):
        problems.add((*path, "id"), f"a Community's ID starts with {COMMUNITY_PREFIX}")
    group = Group(gid, gtype, line=problems.lines.get(path, 1))
    _profile(item, group, path, problems)
    if "owner" in item:
        group.owner = _user(item["owner"], (*path, "owner"), problems)
    if "members" in item:
        group.members = _members(item["members"], group, (*path, "members"), problems)
    if "attributes" in item:
        group.attributes = _attributes(item["attributes"], (*path, "attributes"), problems)
    if "app_data" in item:
        group.app_data = _app_data(item["app_data"], (*path, "app_data"), problems)
    return group


def group_id_problem(gid: str) -> str | None:
    if not gid:
        return "empty group ID"
    if any(not 0x20 <= ord(ch) <= 0x7E for ch in gid):
        return f"group ID {gid!r} must be printable ASCII"
    if len(gid) > MAX_GROUP_ID_BYTES:
        return f"group ID {gid!r} is {len(gid)} bytes (at most {MAX_GROUP_ID_BYTES})"
    return None


def _profile(item: dict[str, Any], group: Group, path: Path, problems: _Problems) -> None:
    for key, limit in TEXT_LIMITS.items():
        if key in item:
            value = item[key]
            if not isinstance(value, str):
                problems.add((*path, key), f"{key} must be a string")
            elif len(value.encode("utf-8")) > limit:
                problems.add((*path, key), f"{key} is {len(value.encode('utf-8'))} bytes "
                                           f"(at most {limit})")
            else:
                group.profile[key] = value
    if "max_members" in item:
        value = item["max_members"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.add((*path, "max_members"), "max_members must be an integer >= 1")
        else:
            group.profile["max_members"] = value
    for key, choices in (("apply_join", APPLY_JOIN), ("invite_join", INVITE_JOIN)):
        if key in item:
            value = _choice(item[key], choices)
            if value is None:
                problems.add((*path, key), f"{key} must be one of {', '.join(choices)}")
            else:
                group.profile[key] = value
    if "apply_join" in item and group.type == "Community":
        problems.add((*path, "apply_join"), "Communities take no apply_join (ApplyJoinOption)")
    if "invite_join" in item and group.type == "AVChatRoom":
        problems.add((*path, "invite_join"), "AVChatRoom groups take no invite_join")
    if "mute_all" in item:
        value = item["mute_all"]
        if isinstance(value, str) and value.lower() in ("on", "off"):
            value = value.lower() == "on"
        if not isinstance(value, bool):
            problems.add((*path, "mute_all"), "mute_all must be true or false")
        else:
            group.profile["mute_all"] = value


def _choice(value: Any, choices: tuple[str, ...]) -> str | None:
    if isinstance(value, str):
        for choice in choices:
            if choice.lower() == value.lower():
                return choice
    return None


def _user(value: Any, path: Path, problems: _Problems) -> str | None:
    if not isinstance(value, str):
        problems.add(path, f"a UserID must be a string, not {type(value).__name__}")
        return None
    size = len(value.encode("utf-8"))
    if not value or size > MAX_USER_ID_BYTES:
        problems.add(path, f"UserID {value!r} must be 1-{MAX_USER_ID_BYTES} bytes")
        return None
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
        problems.add(path, f"UserID {value!r} contains a control character")
        return None
    return value


def _members(value: Any, group: Group, path: Path, problems: _Problems) -> dict[str, str]:
    members: dict[str, str] = {}
    if value is None:
        return members
    if not isinstance(value, list):
        problems.add(path, "members must be a list of UserIDs or {user, role} mappings")
        return members
    first: dict[str, int] = {}
    for index, entry in enumerate(value):
        where = (*path, index)
        user, role = entry, "Member"
        if isinstance(entry, dict):
            unknown = [k for k in entry if k not in ("user", "role")]
            if unknown:
                problems.add((*where, unknown[0]), f"unknown member key {unknown[0]!r} "
                                                   "(keys: user, role)")
                continue
            user = entry.get("user")
            raw_role = entry.get("role", "Member")
            role = ROLES.get(raw_role.lower(), "") if isinstance(raw_role, str) else ""
            if not role:
                problems.add((*where, "role"), f"role must be Admin or Member, got {raw_role!r}")
                continue
        checked = _user(user, where, problems)
        if checked is None:
            continue
        line = problems.lines.get(where, 1)
        if checked in first:
            problems.add(where, f"member {checked!r} is already listed on line {first[checked]}")
            continue
        first[checked] = line
        if role == "Owner" or checked == group.owner:
            if checked != group.owner:
                problems.add(where, f"{checked!r} has role Owner but the owner is "
                                    f"{group.owner!r}: set 'owner' instead")
            elif role != "Owner":
                problems.add(where, f"{checked!r} is the owner; listed here as {role}")
            continue  # the owner is kept by 'owner', not in members
        if role == "Admin" and group.type == "Private":
            problems.add(where, "Work (Private) groups have no Admin role")
            continue
        members[checked] = role
    if members and group.type == "AVChatRoom":
        problems.add(path, "AVChatRoom members cannot be added by the REST API (they join "
                           "from the SDK): leave 'members' out")
    return members


def _string_map(value: Any, path: Path, problems: _Problems, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.add(path, f"{what} must be a mapping of keys to string values")
        return {}
    out: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not isinstance(item, str):
            problems.add((*path, key), f"{what} {key!r}: keys and values must be strings "
                                       "(quote numbers)")
            continue
        out[key] = item
    return out


def _attributes(value: Any, path: Path, problems: _Problems) -> dict[str, str]:
    attrs = _string_map(value, path, problems, "attributes")
    if len(attrs) > ATTR_MAX_KEYS:
        problems.add(path, f"{len(attrs)} attributes (at most {ATTR_MAX_KEYS})")
    total = 0
    for key, item in attrs.items():
        key_bytes, value_bytes = len(key.encode("utf-8")), len(item.encode("utf-8"))
        total += value_bytes
        if not key or key_bytes > ATTR_KEY_BYTES:
            problems.add((*path, key), f"attribute key {key!r} must be 1-{ATTR_KEY_BYTES} bytes")
        if value_bytes > ATTR_VALUE_BYTES:
            problems.add((*path, key), f"attribute {key!r} is {value_bytes} bytes "
                                       f"(at most {ATTR_VALUE_BYTES})")
    if total > ATTR_TOTAL_BYTES:
        problems.add(path, f"attribute values total {total} bytes (at most {ATTR_TOTAL_BYTES})")
    return attrs


def _app_data(value: Any, path: Path, problems: _Problems) -> dict[str, str]:
    data = _string_map(value, path, problems, "app_data")
    if len(data) > APP_DATA_MAX_KEYS:
        problems.add(path, f"{len(data)} app_data keys (at most {APP_DATA_MAX_KEYS})")
    for key, item in data.items():
        if not APP_DATA_KEY.fullmatch(key):
            problems.add((*path, key), f"app_data key {key!r}: 1-16 letters, digits or _")
        if not item:
            problems.add((*path, key), f"app_data {key!r}: an empty value deletes the key; "
                                       "leave it out and use --prune")
        if len(item.encode("utf-8")) > APP_DATA_VALUE_BYTES:
            problems.add((*path, key), f"app_data {key!r} is more than "
                                       f"{APP_DATA_VALUE_BYTES} bytes")
    return data
