"""The walk behind `timctl export-history`: reads users, groups, members and messages from an
app and hands each one to `write` as an import-history record (timctl/history, docs/history.md).

No Click here: the command gives it a client, a writer and a warning sink. Every listing goes
through the pager (timctl.rest.paging), so memory holds one page at a time plus the set of
UserIDs already written (a user record comes before the first record that names the user).

Facts: portrait_get (1047/34924, 100 accounts a call, unknown accounts ResultCode 40003),
get_group_info (34916, 50 groups a call, per-group ErrorCode), get_group_member_info
(34911, Role and JoinTime), group_msg_get_simple (34971: newest first, tips come with
IsSystemMsg 1, recalled messages only with WithRecalledMsg), admin_getroammsg (35478: both
directions of a conversation, newest first, recalled ones carry MsgFlagBits 8),
get_appid_group_list (34960). AVChatRoom groups keep no history and cannot be imported
(34967/34968): they are skipped.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from timctl import endpoints, exit_codes
from timctl.cli.groups_members import COMMUNITY_PAGE
from timctl.cli.messages_history import C2C_PAGE
from timctl.errors import ApiError
from timctl.history import records as history
from timctl.rest import paging

PORTRAIT = "profile/portrait_get"
GROUP_INFO = "group_open_http_svc/get_group_info"
MEMBERS = "group_open_http_svc/get_group_member_info"
GROUP_HISTORY = "group_open_http_svc/group_msg_get_simple"
ROAM = "openim/admin_getroammsg"
ALL_GROUPS = "group_open_http_svc/get_appid_group_list"
PROFILE_TAGS = {"Tag_Profile_IM_Nick": "nick", "Tag_Profile_IM_Image": "face_url"}
# per-call maxima from the endpoint table; page sizes shared with the commands that page
USERS_A_CALL = endpoints.batch_max(PORTRAIT)
GROUPS_A_CALL = endpoints.batch_max(GROUP_INFO)
RECALLED = 8  # MsgFlagBits of a recalled one-to-one message
NO_IMPORT = ("AVChatRoom",)

Record = dict[str, Any]


@dataclass
class Tally:
    """What was written and skipped, for the summary line."""

    written: dict[str, int] = field(default_factory=lambda: dict.fromkeys(history.KINDS, 0))
    skipped: dict[str, int] = field(default_factory=dict)
    failed: int = 0  # items the API refused (missing users, gone groups ...)

    def skip(self, why: str) -> None:
        self.skipped[why] = self.skipped.get(why, 0) + 1

    def summary(self) -> str:
        names = {"user": "users", "group": "groups", "member": "members",
                 "c2c": "one-to-one messages", "group_msg": "group messages"}
        parts = [f"{self.written[k]} {names[k]}" for k in history.KINDS]
        text = "exported " + ", ".join(parts)
        if self.skipped:
            text += "; skipped " + ", ".join(f"{n} {why}" for why, n in self.skipped.items())
        if self.failed:
            text += f"; {self.failed} failed (see above)"
        return text

    @property
    def exit_code(self) -> int:
        return exit_codes.PARTIAL if self.failed else exit_codes.OK


class Exporter:
    def __init__(self, client: Any, write: Callable[[Record], None],
                 warn: Callable[[str], None]) -> None:
        self.client = client
        self._write = write
        self.warn = warn
        self.tally = Tally()
        self.seen: set[str] = set()  # UserIDs written (or known missing)

    def emit(self, rec: Record) -> None:
        self._write(rec)
        self.tally.written[rec["type"]] += 1

    def _refused(self, what: str, exc: ApiError) -> None:
        if exc.exit_code == exit_codes.AUTH:  # nothing else will work either
            raise exc
        self.warn(f"{what}: {exc}")
        self.tally.failed += 1

    # --- users ----------------------------------------------------------------------------

    def users(self, user_ids: Iterable[str], *, given: bool = False) -> None:
        """A user record for each UserID not written yet (nick and avatar from portrait_get),
        100 a call. A missing account named by the caller (`given`) counts as failed; one met
        in a group or conversation is written all the same, so the import recreates it."""
        fresh = [u for u in dict.fromkeys(user_ids) if u not in self.seen]
        for start in range(0, len(fresh), USERS_A_CALL):
            chunk = fresh[start:start + USERS_A_CALL]
            self.seen.update(chunk)
            for user, profile in self._profiles(chunk):
                if profile is None:
                    if given:
                        self.warn(f"user {user}: no such account (not exported)")
                        self.tally.failed += 1
                        continue
                    profile = {}
                self.emit({"type": "user", "id": user, **profile})

    def _profiles(self, chunk: list[str]) -> Iterator[tuple[str, dict[str, str] | None]]:
        try:
            doc = self.client.call(PORTRAIT, {"To_Account": chunk,
                                              "TagList": list(PROFILE_TAGS)})
        except ApiError as exc:
            if exc.code != 40003:  # documented: every account unknown
                raise
            doc = {"UserProfileItem": []}
        found: dict[str, dict[str, str]] = {}
        for item in doc.get("UserProfileItem") or []:
            if not isinstance(item, dict) or item.get("ResultCode", 0) != 0:
                continue
            profile = {PROFILE_TAGS[p["Tag"]]: p["Value"] for p in item.get("ProfileItem") or []
                       if p.get("Tag") in PROFILE_TAGS and isinstance(p.get("Value"), str)
                       and p["Value"]}
            found[str(item.get("To_Account"))] = profile
        for user in chunk:
            yield user, found.get(user)

    # --- groups ---------------------------------------------------------------------------

    def all_group_ids(self) -> Iterator[str]:
        for item in paging.items(self.client, ALL_GROUPS, {}):
            gid = item.get("GroupId") if isinstance(item, dict) else item
            if isinstance(gid, str):
                yield gid

    def groups(self, group_ids: Iterable[str]) -> None:
        """Each group (50 profiles a call), then its members, then its messages."""
        chunk: list[str] = []
        for gid in group_ids:
            chunk.append(gid)
            if len(chunk) == GROUPS_A_CALL:
                self._group_chunk(chunk)
                chunk = []
        if chunk:
            self._group_chunk(chunk)

    def _group_chunk(self, chunk: list[str]) -> None:
        try:
            doc = self.client.call(GROUP_INFO, {"GroupIdList": list(dict.fromkeys(chunk))})
        except ApiError as exc:
            self._refused(f"groups {', '.join(chunk[:3])}…", exc)
            return
        for info in doc.get("GroupInfo") or []:
            gid = info.get("GroupId")
            if info.get("ErrorCode", 0) != 0:
                self.warn(f"group {gid}: {info.get('ErrorInfo') or 'error'}"
                          f" ({info.get('ErrorCode')})")
                self.tally.failed += 1
            elif info.get("Type") in NO_IMPORT:
                self.warn(f"group {gid}: {info['Type']} keeps no history and cannot be"
                          " imported (skipped)")
                self.tally.skip("live groups")
            else:
                self._group(gid, info)

    def _group(self, gid: str, info: dict[str, Any]) -> None:
        owner = info.get("Owner_Account")
        try:
            member_pages = self._member_pages(gid, info.get("Type"))
            first = next(member_pages, None)
            oldest = self._oldest_message(gid, info)
        except ApiError as exc:
            self._refused(f"group {gid}", exc)
            return
        rec: Record = {"type": "group", "id": gid, "group_type": info.get("Type"),
                       "name": info.get("Name", ""),
                       "created": _created(info, first, owner, oldest)}
        if owner:
            self.users([owner])
            rec["owner"] = owner
        for name, api in (("introduction", "Introduction"), ("notification", "Notification"),
                          ("face_url", "FaceUrl")):
            if info.get(api):
                rec[name] = info[api]
        # import_group takes MaxMemberCount 1..6000 (a Community's ceiling is its default)
        if isinstance(info.get("MaxMemberNum"), int) and 0 < info["MaxMemberNum"] <= 6000:
            rec["max_members"] = info["MaxMemberNum"]
        # the join option is a choice only in Public groups (the others have a fixed policy)
        if info.get("Type") == "Public" and info.get("ApplyJoinOption") in history.APPLY_JOIN:
            rec["apply_join"] = info["ApplyJoinOption"]
        if info.get("AppDefinedData"):
            rec["app_data"] = [{"Key": d["Key"], "Value": d["Value"]}
                               for d in info["AppDefinedData"]]
        if gid.startswith(history.RESERVED_PREFIX) and info.get("Type") != "Community":
            self.warn(f"group {gid}: an ID the server assigned cannot be given to"
                      " import_group; import-history will refuse it (exported all the same)")
        self.emit(rec)
        try:
            if first is not None:
                self._members(gid, owner, itertools.chain([first], member_pages))
            self._group_messages(gid)
        except ApiError as exc:
            self._refused(f"group {gid}", exc)

    def _member_pages(self, gid: str, group_type: Any) -> Iterator[dict[str, Any]]:
        """Pages of members: Offset paging (the pager), or for a Community the string Next
        cursor, "" first and last, at most 100 a page (34911)."""
        if group_type != "Community":
            yield from paging.pages(self.client, MEMBERS, {"GroupId": gid})
            return
        cursor = ""
        while True:
            page = self.client.call(MEMBERS, {"GroupId": gid, "Limit": COMMUNITY_PAGE,
                                              "Next": cursor})
            yield page
            cursor = page.get("Next") or ""
            if not cursor or not page.get("MemberList"):
                return

    def _oldest_message(self, gid: str, info: dict[str, Any]) -> int | None:
        """The time of the group's oldest exported message (one call: its first 20 seqs)."""
        newest = info.get("NextMsgSeq")
        if not isinstance(newest, int) or newest <= 1:
            return None
        doc = self.client.call(GROUP_HISTORY, {"GroupId": gid, "ReqMsgNumber": 20,
                                               "ReqMsgSeq": min(20, newest - 1)})
        times = [m["MsgTimeStamp"] for m in doc.get("RspMsgList") or []
                 if not m.get("IsSystemMsg") and not m.get("IsPlaceMsg")
                 and isinstance(m.get("MsgTimeStamp"), int)]
        return min(times, default=None)

    def _members(self, gid: str, owner: str | None, pages: Iterable[dict[str, Any]]) -> None:
        for page in pages:
            members = [m for m in page.get("MemberList") or []
                       if isinstance(m, dict) and m.get("Member_Account") != owner]
            self.users(m["Member_Account"] for m in members)
            for m in members:
                self.emit({"type": "member", "group": gid, "user": m["Member_Account"],
                           "role": "Admin" if m.get("Role") == "Admin" else "Member",
                           "joined": m.get("JoinTime")})

    def _group_messages(self, gid: str) -> None:
        for page in paging.pages(self.client, GROUP_HISTORY, {"GroupId": gid}):
            msgs = []
            for m in page.get("RspMsgList") or []:
                if m.get("IsSystemMsg"):
                    self.tally.skip("group tips")
                elif m.get("IsPlaceMsg"):
                    self.tally.skip("recalled or deleted group messages")
                else:
                    msgs.append(m)
            self.users(m["From_Account"] for m in msgs)
            odd = sum(1 for m in msgs if any(
                isinstance(e, dict) and e.get("MsgType") not in history.GROUP_MSG_TYPES
                for e in m.get("MsgBody") or []))
            if odd:
                self.warn(f"group {gid}: {odd} message(s) hold elements import_group_msg does"
                          f" not take (only {', '.join(history.GROUP_MSG_TYPES)}): import"
                          " will refuse them (exported all the same)")
            for m in msgs:
                self.emit({"type": "group_msg", "group": gid, "from": m["From_Account"],
                           "time": m.get("MsgTimeStamp"), "body": m.get("MsgBody"),
                           "seq": m.get("MsgSeq"), "random": m.get("MsgRandom")})

    # --- one-to-one -----------------------------------------------------------------------

    def conversation(self, a: str, b: str, since: int, until: int) -> None:
        """Both directions of a conversation within [since, until], viewed by `a`."""
        body = {"Operator_Account": a, "Peer_Account": b, "MaxCnt": C2C_PAGE,
                "MinTime": since, "MaxTime": until}
        try:
            for page in paging.pages(self.client, ROAM, body):
                msgs = []
                for m in page.get("MsgList") or []:
                    flags = m.get("MsgFlagBits")
                    if isinstance(flags, int) and flags & RECALLED:
                        self.tally.skip("recalled one-to-one messages")
                    else:
                        msgs.append(m)
                self.users([a, b])
                for m in msgs:
                    rec: Record = {"type": "c2c", "from": m.get("From_Account"),
                                   "to": m.get("To_Account"), "time": m.get("MsgTimeStamp"),
                                   "body": m.get("MsgBody"), "seq": m.get("MsgSeq"),
                                   "random": m.get("MsgRandom")}
                    if m.get("CloudCustomData"):
                        rec["cloud_custom_data"] = m["CloudCustomData"]
                    self.emit(rec)
        except ApiError as exc:
            self._refused(f"conversation {a}-{b}", exc)


def _created(info: dict[str, Any], first: dict[str, Any] | None, owner: str | None,
             oldest: int | None) -> Any:
    """The group's CreateTime, or one second before its earliest join or message when one
    shares the creation's second (create_group's members do): import_group_member and
    import_group_msg take only times after the creation (1047/34969, 34968)."""
    created = info.get("CreateTime")
    joins = [m["JoinTime"] for m in (first or {}).get("MemberList") or []
             if isinstance(m, dict) and m.get("Member_Account") != owner
             and isinstance(m.get("JoinTime"), int)]
    earliest = min([*joins, *([oldest] if oldest is not None else [])], default=None)
    if isinstance(created, int) and earliest is not None and earliest <= created:
        return earliest - 1
    return created
