"""export-history | import-history run between two emulator apps served on 127.0.0.1: the new
app ends up with the old app's groups, members, roles, join times, message bodies, senders,
times and order, and its one-to-one history."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

Run = Callable[..., Any]
OLD, NEW = ("-p", "old"), ("-p", "new")
DAY = 86400


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def api(run: Run, profile: tuple[str, ...], endpoint: str, body: dict[str, Any]) -> Any:
    r = run(*profile, "-o", "json", "api", endpoint, "-d", json.dumps(body))
    assert r.code == 0, r.err
    return r.json()


def body(text: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": text}}]


def group_state(run: Run, profile: tuple[str, ...], gid: str) -> dict[str, Any]:
    info = api(run, profile, "group_open_http_svc/get_group_info",
               {"GroupIdList": [gid]})["GroupInfo"][0]
    members = api(run, profile, "group_open_http_svc/get_group_member_info",
                  {"GroupId": gid})["MemberList"]
    msgs = []
    top = None
    while True:  # newest first, 20 a page, down to the first message
        req: dict[str, Any] = {"GroupId": gid, "ReqMsgNumber": 20}
        if top is not None:
            req["ReqMsgSeq"] = top
        page = api(run, profile, "group_open_http_svc/group_msg_get_simple", req)["RspMsgList"]
        if not page:
            break
        msgs += [m for m in page if not m["IsSystemMsg"]]
        top = min(m["MsgSeq"] for m in page) - 1
        if top < 1:
            break
    return {
        "info": {k: info.get(k) for k in ("Type", "Name", "Owner_Account", "Introduction",
                                          "ApplyJoinOption", "AppDefinedData")},
        "created": info["CreateTime"],
        # the owner joins with the group (import_group's CreateTime), the others keep theirs
        "members": sorted((m["Member_Account"], m["Role"],
                           None if m["Role"] == "Owner" else m["JoinTime"]) for m in members),
        "owner_joined": [m["JoinTime"] for m in members if m["Role"] == "Owner"],
        # oldest first: sender, time, body (MsgSeqs are new: tips are not imported)
        "messages": [(m["From_Account"], m["MsgTimeStamp"], m["MsgBody"])
                     for m in sorted(msgs, key=lambda m: m["MsgSeq"])],
    }


def c2c_state(run: Run, profile: tuple[str, ...]) -> list[tuple[Any, ...]]:
    doc = api(run, profile, "openim/admin_getroammsg", {
        "Operator_Account": "alice", "Peer_Account": "bob", "MaxCnt": 100, "MinTime": 0,
        "MaxTime": int(time.time())})
    assert doc["Complete"] == 1
    return sorted((m["From_Account"], m["To_Account"], m["MsgTimeStamp"], m["MsgSeq"],
                   m["MsgRandom"], m["MsgBody"][0]["MsgContent"]["Text"])
                  for m in doc["MsgList"])


def test_export_then_import_reproduces_groups_members_and_history(run: Run,
                                                                  serve_app: Any) -> None:
    old = serve_app("old", 1400000201)
    serve_app("new", 1400000202)
    clock = Clock(float(int(time.time()) - 10 * DAY))
    old.app.clock = clock
    api(run, OLD, "im_open_login_svc/multiaccount_import",
        {"Accounts": ["alice", "bob", "carol", "dave"]})
    api(run, OLD, "group_open_http_svc/create_group", {
        "Type": "Public", "Name": "Team", "GroupId": "team-1", "Owner_Account": "alice",
        "Introduction": "hi", "ApplyJoinOption": "FreeAccess",
        "AppDefinedData": [{"Key": "k", "Value": "v"}],
        "MemberList": [{"Member_Account": "bob", "Role": "Admin"}]})
    for i in range(21):  # same-second pairs: order must come from the original seqs
        clock.advance(i % 2)
        api(run, OLD, "group_open_http_svc/send_group_msg", {
            "GroupId": "team-1", "From_Account": ["alice", "bob"][i % 2], "Random": 500 + i,
            "MsgBody": body(f"g{i}")})
    clock.advance(30)
    api(run, OLD, "group_open_http_svc/add_group_member",
        {"GroupId": "team-1", "MemberList": [{"Member_Account": "carol"}]})
    clock.advance(30)
    api(run, OLD, "group_open_http_svc/send_group_msg", {
        "GroupId": "team-1", "From_Account": "carol", "Random": 1, "MsgBody": body("late")})
    api(run, OLD, "group_open_http_svc/create_group", {
        "Type": "Private", "Name": "Work", "GroupId": "work-1", "Owner_Account": "dave"})
    clock.advance(5)
    api(run, OLD, "group_open_http_svc/add_group_member",
        {"GroupId": "work-1", "MemberList": [{"Member_Account": "carol"}]})
    for i in range(6):
        clock.advance(1)
        frm, to = ("alice", "bob") if i % 2 else ("bob", "alice")
        api(run, OLD, "openim/sendmsg", {"From_Account": frm, "To_Account": to,
                                         "MsgRandom": 900 + i, "MsgBody": body(f"c{i}")})
    clock.advance(1)

    exported = run(*OLD, "export-history", "--user", "alice", "--user", "bob",
                   "--all-pairs", "--all-groups")
    assert exported.code == 0, exported.err
    imported = run(*NEW, "-o", "json", "import-history", "run", "-", input=exported.out)
    assert imported.code == 0, imported.err + imported.out

    for gid in ("team-1", "work-1"):
        before, after = group_state(run, OLD, gid), group_state(run, NEW, gid)
        assert after["info"] == before["info"]
        assert after["members"] == before["members"]
        assert after["messages"] == before["messages"]
        # the one adjustment: a group whose members joined at its creation is a second older
        assert before["created"] - 1 <= after["created"] <= before["created"]
        assert after["owner_joined"] == [after["created"]]
    assert len(group_state(run, NEW, "team-1")["messages"]) == 22
    assert c2c_state(run, NEW) == c2c_state(run, OLD)
    assert len(c2c_state(run, NEW)) == 6

    # a second run of the same export changes nothing
    again = run(*NEW, "-o", "json", "import-history", "run", "-", input=exported.out)
    assert again.code == 0, again.err
    assert len(group_state(run, NEW, "team-1")["messages"]) == 22
    assert len(c2c_state(run, NEW)) == 6
