"""timctl export-history: what it writes (import-history records, in an order import takes),
what it leaves out (tips, recalled messages, live groups), paging, inputs checked before any
call, --out, --dry-run, and failures."""

from __future__ import annotations

import json
import os
import stat
import time
from collections.abc import Callable
from typing import Any

import pytest

from timctl.history import records as history

Run = Callable[..., Any]
OLD = ("-p", "old")
DAY = 86400


class Clock:
    """The old app's clock: ten days ago, moved by hand (exported times are exact)."""

    def __init__(self) -> None:
        self.now = float(int(time.time()) - 10 * DAY)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def old(serve_app: Any) -> tuple[Any, Clock]:
    served = serve_app("old", 1400000101)
    clock = Clock()
    served.app.clock = clock
    return served, clock


def api(run: Run, endpoint: str, body: dict[str, Any], profile: tuple[str, ...] = OLD) -> Any:
    r = run(*profile, "-o", "json", "api", endpoint, "-d", json.dumps(body))
    assert r.code == 0, r.err
    return r.json()


def text(t: str) -> list[dict[str, Any]]:
    return [{"MsgType": "TIMTextElem", "MsgContent": {"Text": t}}]


def records(out: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.splitlines()]


def assert_importable_in_order(recs: list[dict[str, Any]]) -> None:
    """Each line is a valid import-history record, and comes after what it names."""
    users: set[str] = set()
    groups: dict[str, int] = {}
    now = int(time.time())
    for rec in recs:
        if rec["type"] == "member":
            assert rec["joined"] > groups[rec["group"]], rec
        if rec["type"] == "group_msg":
            assert rec["time"] > groups[rec["group"]], rec
        history.normalize(dict(rec), now)
        kind = rec["type"]
        named = {"group": [rec.get("owner")], "member": [rec.get("user")],
                 "c2c": [rec.get("from"), rec.get("to")],
                 "group_msg": [rec.get("from")]}.get(kind, [])
        assert all(u in users for u in named if u), rec
        if kind in ("member", "group_msg"):
            assert rec["group"] in groups, rec
        if kind == "user":
            users.add(rec["id"])
        if kind == "group":
            groups[rec["id"]] = rec["created"]


@pytest.fixture
def app_data(run: Run, old: tuple[Any, Clock]) -> dict[str, Any]:
    """alice, bob, carol, dave; group team-1 (alice owner, bob admin, carol joining later,
    a tip, a recalled message); a live group; alice<->bob messages, one recalled."""
    _, clock = old
    api(run, "im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob", "carol",
                                                                     "dave"]})
    api(run, "profile/portrait_set", {"From_Account": "alice", "ProfileItem": [
        {"Tag": "Tag_Profile_IM_Nick", "Value": "Alice"},
        {"Tag": "Tag_Profile_IM_Image", "Value": "https://x/a.png"}]})
    created = int(clock.now)
    api(run, "group_open_http_svc/create_group", {
        "Type": "Public", "Name": "Team", "GroupId": "team-1", "Owner_Account": "alice",
        "Introduction": "hello", "ApplyJoinOption": "FreeAccess",
        "AppDefinedData": [{"Key": "k", "Value": "v"}],
        "MemberList": [{"Member_Account": "bob", "Role": "Admin"}]})
    clock.advance(60)
    sent = []
    for i in range(23):  # more than one page of group history (20)
        clock.advance(1)
        doc = api(run, "group_open_http_svc/send_group_msg", {
            "GroupId": "team-1", "From_Account": "alice" if i % 2 else "bob", "Random": i + 1,
            "MsgBody": text(f"g{i}")})
        sent.append((doc["MsgSeq"], int(clock.now)))
    clock.advance(10)
    api(run, "group_open_http_svc/add_group_member", {  # a join tip
        "GroupId": "team-1", "MemberList": [{"Member_Account": "carol"}]})
    carol_joined = int(clock.now)
    clock.advance(10)
    doc = api(run, "group_open_http_svc/send_group_msg", {
        "GroupId": "team-1", "From_Account": "carol", "Random": 99, "MsgBody": text("oops")})
    api(run, "group_open_http_svc/group_msg_recall", {
        "GroupId": "team-1", "MsgSeqList": [{"MsgSeq": doc["MsgSeq"]}]})
    api(run, "group_open_http_svc/create_group", {"Type": "AVChatRoom", "Name": "Live",
                                                  "GroupId": "live-1", "Owner_Account": "dave"})
    c2c = []
    for i in range(30):  # ~600-byte texts: several admin_getroammsg pages (13 KB each)
        clock.advance(1)
        frm, to = ("alice", "bob") if i % 3 else ("bob", "alice")
        doc = api(run, "openim/sendmsg", {"From_Account": frm, "To_Account": to,
                                          "MsgRandom": 1000 + i, "MsgSeq": 7,
                                          "MsgBody": text(f"c{i} " + "x" * 600)})
        c2c.append(doc["MsgKey"])
    api(run, "openim/admin_msgwithdraw", {"From_Account": "bob", "To_Account": "alice",
                                          "MsgKey": c2c[0]})
    clock.advance(1)
    return {"created": created, "sent": sent, "carol_joined": carol_joined, "c2c": c2c}


def test_export_writes_every_kind_in_import_order(run: Run, old: Any, app_data: Any) -> None:
    r = run(*OLD, "export-history", "--user", "alice", "--user", "bob", "--all-pairs",
            "--all-groups")
    assert r.code == 0, r.err
    recs = records(r.out)
    assert_importable_in_order(recs)
    by = {k: [x for x in recs if x["type"] == k] for k in history.KINDS}
    assert by["user"][:2] == [
        {"type": "user", "id": "alice", "nick": "Alice", "face_url": "https://x/a.png"},
        {"type": "user", "id": "bob"}]
    assert sorted(u["id"] for u in by["user"]) == ["alice", "bob", "carol"]  # not dave (live)
    # bob joined with the group's creation: the group is written a second older, since
    # import_group_member takes only joins after the creation (1047/34969)
    assert by["group"] == [{
        "type": "group", "id": "team-1", "group_type": "Public", "name": "Team",
        "created": app_data["created"] - 1, "owner": "alice", "introduction": "hello",
        "max_members": 6000, "apply_join": "FreeAccess",
        "app_data": [{"Key": "k", "Value": "v"}]}]
    assert by["member"] == [
        {"type": "member", "group": "team-1", "user": "bob", "role": "Admin",
         "joined": app_data["created"]},
        {"type": "member", "group": "team-1", "user": "carol", "role": "Member",
         "joined": app_data["carol_joined"]}]
    # 23 messages over two pages, newest first; the tip and the recalled one left out
    got = [(m["seq"], m["time"], m["from"], m["body"][0]["MsgContent"]["Text"], m["random"])
           for m in by["group_msg"]]
    assert got == [(seq, at, "alice" if i % 2 else "bob", f"g{i}", i + 1)
                   for i, (seq, at) in reversed(list(enumerate(app_data["sent"])))]
    # 30 one-to-one messages but the recalled first one, over several pages, each once
    keys = [f"{m['seq']}_{m['random']}_{m['time']}" for m in by["c2c"]]
    assert sorted(keys) == sorted(app_data["c2c"][1:])
    assert all(m["body"][0]["MsgContent"]["Text"].startswith("c") for m in by["c2c"])
    assert "live-1" in r.err and "AVChatRoom" in r.err
    assert "exported 3 users, 1 groups, 2 members, 29 one-to-one messages, 23 group" in r.err
    assert "1 live groups" in r.err and "1 group tips" in r.err


def test_a_group_keeps_its_creation_time_when_nothing_shares_it(run: Run, old: Any) -> None:
    _, clock = old
    api(run, "im_open_login_svc/multiaccount_import", {"Accounts": ["alice", "bob"]})
    created = int(clock.now)
    api(run, "group_open_http_svc/create_group", {"Type": "Private", "Name": "W",
                                                  "GroupId": "w", "Owner_Account": "alice"})
    clock.advance(5)
    api(run, "group_open_http_svc/add_group_member", {"GroupId": "w",
                                                      "MemberList": [{"Member_Account": "bob"}]})
    r = run(*OLD, "export-history", "--group", "w")
    assert r.code == 0, r.err
    recs = records(r.out)
    assert_importable_in_order(recs)
    assert [x for x in recs if x["type"] != "user"] == [
        {"type": "group", "id": "w", "group_type": "Private", "name": "W", "created": created,
         "owner": "alice", "max_members": 6000},
        {"type": "member", "group": "w", "user": "bob", "role": "Member",
         "joined": created + 5}]


def test_out_file_is_private_and_whole(run: Run, old: Any, app_data: Any, tmp_path: Any) -> None:
    target = tmp_path / "h.jsonl"
    r = run(*OLD, "export-history", "--group", "team-1", "--out", str(target))
    assert r.code == 0, r.err
    assert r.out == ""
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    recs = records(target.read_text())
    assert recs[0] == {"type": "user", "id": "alice", "nick": "Alice",
                       "face_url": "https://x/a.png"}
    assert [x["type"] for x in recs].count("group_msg") == 23
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".part")]


def test_since_until_bound_one_to_one(run: Run, old: Any, app_data: Any) -> None:
    keys = app_data["c2c"]
    first_time = int(keys[5].split("_")[2])
    r = run(*OLD, "export-history", "--pairs", "-", "--since", str(first_time),
            "--until", str(first_time + 2), input="bob,alice\n# a comment\n\nalice bob\n")
    assert r.code == 0, r.err
    got = [m["time"] for m in records(r.out) if m["type"] == "c2c"]
    assert sorted(got) == [first_time, first_time + 1, first_time + 2]  # one walk, not two


def test_missing_users_and_groups_fail_the_run(run: Run, old: Any, app_data: Any) -> None:
    r = run(*OLD, "export-history", "--user", "ghost", "--user", "alice", "--group", "gone")
    assert r.code == 6, r.err
    assert "user ghost: no such account" in r.err and "group gone" in r.err
    assert [x["id"] for x in records(r.out)] == ["alice"]


@pytest.mark.parametrize("args,stdin,message", [
    (("--users", "-"), "alice\n\x01bad\n", "-:2: UserID contains a control character"),
    (("--pairs", "-"), "alice\n", "-:1: a conversation is two different UserIDs"),
    (("--pairs", "-"), "alice,alice\n", "-:1: a conversation is two different UserIDs"),
    (("--groups", "-"), "a" * 49 + "\n", "-:1: a group ID is at most 48 bytes"),
    (("--users", "-"), '{"UserID": \n', "-:1: invalid JSON"),
    (("--groups", "-"), b"g1\n\xff\xfebin\n", "-:2: not UTF-8 text (byte 0xff at column 1)"),
    (("--user", "alice", "--all-pairs"), None, "--all-pairs needs at least two users"),
    (("--users", "-", "--groups", "-"), "", "only one of --users, --pairs and --groups"),
    (("--all-groups", "--group", "g"), None, "--all-groups already names every group"),
    ((), None, "nothing to export"),
    (("--user", "a", "--since", "2d", "--until", "3d"), None, "--since is after --until"),
])
def test_inputs_are_checked_before_any_call(run: Run, args: tuple[str, ...], stdin: Any,
                                            message: str) -> None:
    r = run("-p", "local", "export-history", *args, input=stdin)
    assert r.code == 2, r.err
    assert message in r.err
    assert r.out == ""
    assert "does not exist" in run("-p", "local", "emulator", "stats").err  # no call made


def test_dry_run_prints_the_first_requests(run: Run) -> None:
    r = run("-p", "local", "--dry-run", "export-history", "--user", "alice", "--user", "bob",
            "--all-pairs", "--all-groups", "--until", "1700000000")
    assert r.code == 0, r.err
    plans = [json.loads(line) for line in r.out.splitlines()]
    assert [p["endpoint"] for p in plans] == [
        "profile/portrait_get", "group_open_http_svc/get_appid_group_list",
        "openim/admin_getroammsg"]
    assert plans[2]["body"] == {"Operator_Account": "alice", "Peer_Account": "bob",
                                "MaxCnt": 100, "MinTime": 0, "MaxTime": 1700000000}
    r = run("-p", "local", "-o", "json", "emulator", "stats")
    assert r.code == 2 and "does not exist" in r.err  # no call made the emulator's DB


def test_community_members_page_with_next(run: Run, old: Any) -> None:
    _, clock = old
    users = [f"u{i:03}" for i in range(105)]
    api(run, "im_open_login_svc/multiaccount_import", {"Accounts": ["alice"] + users[:99]})
    api(run, "im_open_login_svc/multiaccount_import", {"Accounts": users[99:]})
    gid = api(run, "group_open_http_svc/create_group", {
        "Type": "Community", "Name": "C", "Owner_Account": "alice"})["GroupId"]
    clock.advance(5)
    for start in range(0, 105, 20):
        api(run, "group_open_http_svc/add_group_member", {"GroupId": gid, "MemberList": [
            {"Member_Account": u} for u in users[start:start + 20]]})
    r = run(*OLD, "export-history", "--group", gid)
    assert r.code == 0, r.err
    recs = records(r.out)
    assert_importable_in_order(recs)
    assert sorted(x["user"] for x in recs if x["type"] == "member") == users
    group = next(x for x in recs if x["type"] == "group")
    assert "max_members" not in group  # a Community's ceiling is not import_group's range
