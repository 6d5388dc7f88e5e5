"""groups attrs / counters / topics / live end to end, against the embedded emulator
(-p local) and a served one over HTTP: output formats, server refusals, and bad input that
exits 2 with nothing sent. The emulator's clock steps 0.3 s a request, so attribute writes
stay under the documented 5 per second per group."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

Run = Callable[..., Any]
G = "group_open_http_svc"
ATTR_CALLS = (f"{G}/set_group_attr", f"{G}/modify_group_attr", f"{G}/delete_group_attr",
              f"{G}/clear_group_attr", "group_open_attr_http_svc/get_group_attr")


class SteppingClock:
    """The emulator app's clock: a fixed start that moves 0.3 s on every reading."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        self.now += 0.3
        return self.now


@dataclass
class Target:
    profile: tuple[str, ...]
    db: str | None  # None: the embedded emulator's default database
    url: str | None  # the served emulator, for its control API

    def calls(self, run: Run, *endpoints: str) -> int:
        extra = ("--db", self.db) if self.db else ()
        r = run("-o", "json", "emulator", "stats", *extra)
        if r.code != 0:  # no database yet: nothing was ever sent
            return 0
        return sum(row["calls"] for row in r.json() if row["endpoint"] in endpoints)


@pytest.fixture(params=["embedded", "http"])
def target(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Target]:
    clock = SteppingClock()
    if request.param == "http":
        served = request.getfixturevalue("served_profile")
        monkeypatch.setattr(served.app, "clock", clock)
        yield Target(("-p", "emu"), str(served.db), served.url)
        return
    import timctl.emulator as emulator

    real = emulator.open_app

    def open_app(*args: Any, **kw: Any) -> Any:
        app, info = real(*args, **kw)
        app.clock = clock
        return app, info

    monkeypatch.setattr(emulator, "open_app", open_app)
    yield Target(("-p", "local"), None, None)


@pytest.fixture
def local() -> Target:
    """The embedded emulator on its real clock: for commands that must send nothing."""
    return Target(("-p", "local"), None, None)


def ok(run: Run, target: Target, *args: str, input: str | None = None) -> Any:
    r = run(*target.profile, "-o", "json", *args, input=input)
    assert r.code == 0, r.err
    return r.json() if r.out.strip() else None


def group(run: Run, target: Target, kind: str, gid: str, *extra: str) -> str:
    r = run(*target.profile, "-o", "json", "groups", "create", "--type", kind, "--name", kind,
            "--id", gid, *extra, "--query", "GroupId")
    assert r.code == 0, r.err
    return r.out.strip()


def attrs(run: Run, target: Target, gid: str) -> dict[str, str]:
    return {a["key"]: a["value"] for a in ok(run, target, "groups", "attrs", "get", gid)}


# --- attrs -----------------------------------------------------------------------------------

def test_attrs_set_modify_get_delete_clear(run: Run, target: Target) -> None:
    gid = group(run, target, "Public", "room-1")
    assert ok(run, target, "groups", "attrs", "set", gid, "seat1=alice", "seat2=bob") == [
        {"key": "seat1", "value": "alice", "Status": "set"},
        {"key": "seat2", "value": "bob", "Status": "set"}]
    ok(run, target, "groups", "attrs", "modify", gid, "seat2=carol", "topic=a=b")
    assert attrs(run, target, gid) == {"seat1": "alice", "seat2": "carol", "topic": "a=b"}
    ok(run, target, "groups", "attrs", "set", gid, "only=1")
    assert attrs(run, target, gid) == {"only": "1"}
    assert ok(run, target, "groups", "attrs", "delete", gid, "only") == [
        {"key": "only", "Status": "deleted"}]
    ok(run, target, "groups", "attrs", "modify", gid, "x=1")
    r = run(*target.profile, "groups", "attrs", "clear", gid)
    assert r.code == 2 and "--yes" in r.err  # not on a terminal: needs --yes
    assert attrs(run, target, gid) == {"x": "1"}
    assert ok(run, target, "groups", "attrs", "clear", gid, "--yes") == {
        "GroupId": gid, "Status": "cleared"}
    assert attrs(run, target, gid) == {}


def test_attrs_output_formats(run: Run, target: Target) -> None:
    gid = group(run, target, "AVChatRoom", "live-1")
    ok(run, target, "groups", "attrs", "set", gid, "a=1", "b=two words")
    r = run(*target.profile, "-o", "csv", "groups", "attrs", "get", gid)
    assert list(csv.DictReader(io.StringIO(r.out))) == [{"key": "a", "value": "1"},
                                                        {"key": "b", "value": "two words"}]
    r = run(*target.profile, "-o", "yaml", "groups", "attrs", "get", gid)
    assert yaml.safe_load(r.out) == [{"key": "a", "value": "1"},
                                     {"key": "b", "value": "two words"}]
    r = run(*target.profile, "-o", "table", "groups", "attrs", "get", gid)
    assert "two words" in r.out and "key" in r.out
    r = run(*target.profile, "-o", "json", "groups", "attrs", "get", gid, "--query",
            "[?key=='b'].value | [0]")
    assert json.loads(r.out) == "two words"


def test_attrs_from_a_json_yaml_or_stdin_map(run: Run, target: Target, tmp_path: Path) -> None:
    gid = group(run, target, "Public", "room-2")
    (tmp_path / "a.yaml").write_text("seat1: alice\nlevel: 3\n")
    ok(run, target, "groups", "attrs", "set", gid, "--from-file", str(tmp_path / "a.yaml"))
    assert attrs(run, target, gid) == {"seat1": "alice", "level": "3"}
    (tmp_path / "a.json").write_text(json.dumps([{"key": "k", "value": "v"}]))
    ok(run, target, "groups", "attrs", "modify", gid, "--from-file", str(tmp_path / "a.json"),
       "extra=1")
    assert attrs(run, target, gid) == {"seat1": "alice", "level": "3", "k": "v", "extra": "1"}
    ok(run, target, "groups", "attrs", "set", gid, "--from-file", "-", input='{"s": "in"}')
    assert attrs(run, target, gid) == {"s": "in"}


def test_attrs_server_refusals(run: Run, target: Target) -> None:
    gid = group(run, target, "Public", "room-3")
    r = run(*target.profile, "groups", "attrs", "delete", gid, "missing")
    assert r.code == 5 and "10050" in r.err and r.err.count("\n") == 1
    r = run(*target.profile, "groups", "attrs", "get", "no-such-group")
    assert r.code == 5 and "10010" in r.err
    club = group(run, target, "Community", "@TGS#_club")
    r = run(*target.profile, "groups", "attrs", "clear", club, "--yes")
    assert r.code != 0 and "10007" in r.err


@pytest.mark.parametrize("args", [
    ["set", "room", "k" * 33 + "=v"], ["set", "room", "k=" + "v" * 4001],
    ["modify", "room", *[f"k{i}=v" for i in range(17)]],
    ["set", "room", *[f"k{i}={'v' * 4000}" for i in range(5)]],
    ["set", "room", "novalue"], ["set", "room", "=v"], ["set", "room"],
    ["set", "room", "--from-file", "/nonexistent.yaml"], ["delete", "room", "k" * 33],
    ["set", "bad\tid", "a=1"], ["get", "x" * 49],
])
def test_bad_attrs_exit_2_and_send_nothing(run: Run, local: Target, args: list[str]) -> None:
    r = run(*local.profile, "groups", "attrs", *args)
    assert r.code == 2 and r.out == "", r.err
    assert r.err.startswith("timctl: error:") and "Traceback" not in r.err
    assert local.calls(run, *ATTR_CALLS) == 0


def test_attrs_from_file_that_is_not_a_map(run: Run, local: Target, tmp_path: Path) -> None:
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    (tmp_path / "nested.json").write_text('{"a": {"b": 1}}')
    for name in ("list.yaml", "nested.json"):
        r = run(*local.profile, "groups", "attrs", "set", "g", "--from-file",
                str(tmp_path / name))
        assert r.code == 2 and name in r.err
    assert local.calls(run, *ATTR_CALLS) == 0


def test_attrs_dry_run_prints_the_request(run: Run, local: Target) -> None:
    r = run(*local.profile, "groups", "attrs", "modify", "room-9", "a=1", "--dry-run")
    assert r.code == 0, r.err
    assert json.loads(r.out)["body"] == {"GroupId": "room-9",
                                         "GroupAttr": [{"key": "a", "value": "1"}]}
    assert local.calls(run, *ATTR_CALLS) == 0


# --- counters --------------------------------------------------------------------------------

def counters(run: Run, target: Target, gid: str, *keys: str) -> dict[str, int]:
    return {c["Key"]: c["Value"] for c in ok(run, target, "groups", "counters", "get", gid,
                                              *keys)}


def test_counters_set_incr_decr_get_delete(run: Run, target: Target) -> None:
    gid = group(run, target, "AVChatRoom", "live-2")
    assert ok(run, target, "groups", "counters", "set", gid, "likes=5", "gifts=-2") == [
        {"Key": "likes", "Value": 5}, {"Key": "gifts", "Value": -2}]
    assert ok(run, target, "groups", "counters", "incr", gid, "likes", "new=10") == [
        {"Key": "likes", "Value": 6}, {"Key": "new", "Value": 10}]
    assert ok(run, target, "groups", "counters", "decr", gid, "gifts=3") == [
        {"Key": "gifts", "Value": -5}]
    assert counters(run, target, gid) == {"likes": 6, "gifts": -5, "new": 10}
    assert counters(run, target, gid, "new") == {"new": 10}
    r = run(*target.profile, "groups", "counters", "delete", gid, "new")
    assert r.code == 2 and "--yes" in r.err
    ok(run, target, "groups", "counters", "delete", gid, "new", "--yes")
    assert counters(run, target, gid) == {"likes": 6, "gifts": -5}
    assert ok(run, target, "groups", "counters", "delete", gid, "--yes") == [
        {"GroupId": gid, "Key": "*", "Status": "deleted"}]
    assert counters(run, target, gid) == {}
    r = run(*target.profile, "-o", "csv", "groups", "counters", "set", gid, "a=1")
    assert r.out.splitlines() == ["Key,Value", "a,1"]


def test_counters_refused_for_communities(run: Run, target: Target) -> None:
    club = group(run, target, "Community", "@TGS#_club2")
    r = run(*target.profile, "groups", "counters", "incr", club, "x")
    assert r.code != 0 and "10007" in r.err


@pytest.mark.parametrize("args", [
    ["set", "g", "likes"], ["set", "g", "likes=x"], ["set", "g", "likes=1.5"],
    ["incr", "g", f"likes={2**63}"], ["decr", "g", "=1"], ["set", "g", "k" * 129 + "=1"],
    ["set", "g", *[f"k{i}=1" for i in range(21)]], ["get", "g", "k" * 129], ["set", "g"],
])
def test_bad_counters_exit_2_and_send_nothing(run: Run, local: Target, args: list[str]) -> None:
    r = run(*local.profile, "groups", "counters", *args)
    assert r.code == 2 and r.out == "", r.err
    assert local.calls(run, f"{G}/update_group_counter", f"{G}/get_group_counter") == 0


# --- topics ----------------------------------------------------------------------------------

def test_topics_create_list_update_destroy(run: Run, target: Target) -> None:
    club = group(run, target, "Community", "@TGS#_club3", "--topics")
    r = run(*target.profile, "groups", "topics", "create", club, "--name", "General",
            env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0, r.err
    generated = r.out.strip()
    assert generated.startswith(club + "@TOPIC#_@TOPIC#")
    r = run(*target.profile, "-o", "json", "groups", "topics", "create", club, "--name",
            "News", "--id", "news", "--intro", "daily", "--query", "TopicId")
    assert r.out.strip() == club + "@TOPIC#_news"
    rows = ok(run, target, "groups", "topics", "list", club)
    assert [(t["TopicId"], t["TopicName"]) for t in rows] == [
        (generated, "General"), (club + "@TOPIC#_news", "News")]
    ok(run, target, "groups", "topics", "update", club, "news", "--name", "Daily news",
       "--mute-all")
    [news] = ok(run, target, "groups", "topics", "list", club, "news")
    assert (news["TopicName"], news["Introduction"], news["MuteAllMember"]) == (
        "Daily news", "daily", "On")
    r = run(*target.profile, "groups", "topics", "destroy", club, "news")
    assert r.code == 2 and "--yes" in r.err
    assert ok(run, target, "groups", "topics", "destroy", club, "news", generated,
              "--yes") == [
        {"TopicId": club + "@TOPIC#_news", "Status": "destroyed", "ErrorCode": 0,
         "ErrorInfo": ""},
        {"TopicId": generated, "Status": "destroyed", "ErrorCode": 0, "ErrorInfo": ""}]
    again = ok(run, target, "groups", "topics", "destroy", club, "news", "--yes")
    assert again[0]["Status"] == "already dismissed"
    assert ok(run, target, "groups", "topics", "list", club) == []


def test_topics_server_refusals(run: Run, target: Target) -> None:
    club = group(run, target, "Community", "@TGS#_club4", "--topics")
    plain = group(run, target, "Public", "plain-1")
    r = run(*target.profile, "groups", "topics", "create", plain, "--name", "x")
    assert r.code == 5 and "11000" in r.err
    ok(run, target, "groups", "topics", "create", club, "--name", "a", "--id", "a")
    r = run(*target.profile, "groups", "topics", "create", club, "--name", "a", "--id", "a")
    assert r.code == 5 and "10021" in r.err
    r = run(*target.profile, "-o", "json", "groups", "topics", "list", club, "a", "gone")
    assert r.code == 6
    assert [(t["TopicId"], t.get("ErrorCode")) for t in r.json()] == [
        (club + "@TOPIC#_a", None), (club + "@TOPIC#_gone", 110003)]


@pytest.mark.parametrize("args", [
    ["create", "@TGS#_c", "--name", "x" * 31], ["create", "@TGS#_c"],
    ["create", "@TGS#_c", "--name", "n", "--id", "has@TGS#_in"],
    ["create", "@TGS#_c", "--name", "n", "--id", "@TOPIC#abc"],
    ["create", "@TGS#_c", "--name", "n", "--id", "x" * 90],
    ["create", "@TGS#_c", "--name", "n", "--intro", "i" * 241],
    ["create", "@TGS#_c", "--name", "n", "--from", "x" * 33],
    ["update", "@TGS#_c", "t"], ["update", "@TGS#_c", "t", "--face-url", "u" * 101],
    ["destroy", "@TGS#_c", "--yes"], ["list", "@TGS#_c", "--as", ""],
])
def test_bad_topics_exit_2_and_send_nothing(run: Run, local: Target, args: list[str]) -> None:
    r = run(*local.profile, "groups", "topics", *args)
    assert r.code == 2 and r.out == "", r.err
    assert local.calls(run, *(f"million_group_open_http_svc/{c}" for c in (
        "create_topic", "get_topic", "modify_topic", "destroy_topic"))) == 0


# --- live ------------------------------------------------------------------------------------

def join(target: Target, gid: str, user: str, online: bool = True) -> None:
    """A user joins (or leaves) a live group, as the SDK would: the emulator's control API."""
    body = {"GroupId": gid, "UserID": user, "Online": online}
    if target.url:
        resp = requests.post(f"{target.url}/_emulator/live", json=body, timeout=10)
        assert resp.status_code == 200, resp.text
        return
    from timctl.config import local_db_path
    from timctl.emulator import apps
    from timctl.emulator.services import ControlContext
    from timctl.emulator.services.live import control
    from timctl.emulator.store import Store

    with Store(local_db_path()) as store, store.tx() as tx:
        ids = tuple(a.sdkappid for a in apps.load_all(tx))
        control.set_presence(ControlContext(tx, time.time(), ids), body)


def test_live_members_marks_admins_check(run: Run, target: Target) -> None:
    ok(run, target, "users", "import", "alice", "bob", "carol")
    gid = group(run, target, "AVChatRoom", "live-3")
    join(target, gid, "alice")
    join(target, gid, "bob")
    members = ok(run, target, "groups", "live", "members", gid)
    assert sorted(m["Member_Account"] for m in members) == ["alice", "bob"]
    assert ok(run, target, "groups", "live", "mark", gid, "alice", "carol", "--mark",
              "1000") == [
        {"Member_Account": "alice", "Marks": [1000], "Status": "marked"},
        {"Member_Account": "carol", "Marks": [1000], "Status": "not online"}]
    marked = ok(run, target, "groups", "live", "members", gid, "--mark", "1000")
    assert [m["Member_Account"] for m in marked] == ["alice"]
    ok(run, target, "groups", "live", "mark", gid, "alice", "--mark", "1000", "--remove")
    assert ok(run, target, "groups", "live", "members", gid, "--mark", "1000") == []
    assert ok(run, target, "groups", "live", "check", gid, "alice", "carol") == [
        {"UserID": "alice", "InGroup": True}, {"UserID": "carol", "InGroup": False}]
    assert ok(run, target, "groups", "live", "admin", "add", gid, "carol", "bob") == [
        {"UserID": "carol", "Status": "appointed"}, {"UserID": "bob", "Status": "appointed"}]
    ok(run, target, "groups", "live", "admin", "remove", gid, "bob")
    assert [a["Admin_Account"] for a in ok(run, target, "groups", "live", "admins", gid)] == [
        "carol"]
    join(target, gid, "bob", online=False)
    r = run(*target.profile, "-o", "csv", "groups", "live", "members", gid)
    assert r.out.splitlines()[0] == "Member_Account,JoinTime,NickName"
    assert [row["Member_Account"] for row in csv.DictReader(io.StringIO(r.out))] == ["alice"]


def test_live_refusals(run: Run, target: Target) -> None:
    gid = group(run, target, "Public", "pub-live")
    r = run(*target.profile, "groups", "live", "members", gid)
    assert r.code != 0 and "10007" in r.err
    live = group(run, target, "AVChatRoom", "live-4")
    r = run(*target.profile, "groups", "live", "mark", live, "nobody", "--mark", "1000")
    assert r.code == 5 and "10004" in r.err


@pytest.mark.parametrize("args", [
    ["mark", "g", "alice", "--mark", "999"], ["mark", "g", "alice"],
    ["mark", "g", "--mark", "1000"], ["admin", "add", "g", *[f"u{i}" for i in range(6)]],
    ["admin", "add", "g", "x" * 33], ["check", "g"], ["members", "g", "--mark", "x"],
    ["admins", "x" * 49],
])
def test_bad_live_exit_2_and_send_nothing(run: Run, local: Target, args: list[str]) -> None:
    r = run(*local.profile, "groups", "live", *args)
    assert r.code == 2 and r.out == "", r.err
    assert local.calls(run, *(f"group_open_avchatroom_http_svc/{c}" for c in (
        "get_members", "modify_user_info", "modify_admin", "get_admin_list",
        "check_members"))) == 0


def test_destroying_a_group_drops_its_data(run: Run, target: Target) -> None:
    gid = group(run, target, "Public", "gone-1")
    ok(run, target, "groups", "attrs", "set", gid, "a=1")
    ok(run, target, "groups", "counters", "set", gid, "c=1")
    ok(run, target, "groups", "destroy", gid, "--yes")
    group(run, target, "Public", "gone-1")
    assert attrs(run, target, gid) == {}
    assert counters(run, target, gid) == {}


# --- permission groups -----------------------------------------------------------------------

def test_perm_groups_end_to_end(run: Run, target: Target) -> None:
    ok(run, target, "users", "import", "m1", "m2", "stranger")
    club = group(run, target, "Community", "@TGS#_club5", "--members", "m1,m2")
    r = run(*target.profile, "groups", "perm-groups", "create", club, "--name", "mods",
            "--permission", "3", "--id", "mods", env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0, r.err
    assert r.out.strip() == "@PMG#_mods"
    ok(run, target, "groups", "perm-groups", "create", club, "--name", "vip")
    rows = ok(run, target, "groups", "perm-groups", "list", club)
    assert [(p["PermissionGroupName"], p["Permission"]) for p in rows] == [("mods", 3),
                                                                           ("vip", 0)]
    ok(run, target, "groups", "perm-groups", "update", club, "mods", "--permission", "7")
    [mods] = ok(run, target, "groups", "perm-groups", "list", club, "@PMG#_mods")
    assert mods["Permission"] == 7
    r = run(*target.profile, "-o", "json", "groups", "perm-groups", "members", "add", club,
            "mods", "m1", "stranger")
    assert r.code == 6
    assert r.json() == [{"Member_Account": "m1", "Status": "added"},
                        {"Member_Account": "stranger", "Status": "failed"}]
    ok(run, target, "groups", "perm-groups", "members", "add", club, "mods", "m2")
    listed = ok(run, target, "groups", "perm-groups", "members", "list", club, "mods")
    assert [m["Member_Account"] for m in listed] == ["m1", "m2"]
    ok(run, target, "groups", "perm-groups", "members", "remove", club, "mods", "m1")
    listed = ok(run, target, "groups", "perm-groups", "members", "list", club, "mods")
    assert [m["Member_Account"] for m in listed] == ["m2"]
    r = run(*target.profile, "groups", "perm-groups", "destroy", club, "mods")
    assert r.code == 2 and "--yes" in r.err
    assert ok(run, target, "groups", "perm-groups", "destroy", club, "mods", "--yes") == [
        {"PermissionGroupId": "@PMG#_mods", "Status": "deleted", "ErrorCode": 0,
         "ErrorInfo": ""}]
    assert [p["PermissionGroupName"] for p in ok(run, target, "groups", "perm-groups", "list",
                                                 club)] == ["vip"]


@pytest.mark.parametrize("args", [
    ["create", "@TGS#_c", "--name", "x" * 151], ["create", "@TGS#_c"],
    ["create", "@TGS#_c", "--name", "n", "--permission", "-1"],
    ["create", "@TGS#_c", "--name", "n", "--id", "bad\u00e9"],
    ["update", "@TGS#_c", "mods"], ["members", "add", "@TGS#_c", "mods"],
    ["members", "add", "@TGS#_c", "mods", "x" * 33], ["destroy", "@TGS#_c", "--yes"],
])
def test_bad_perm_groups_exit_2_and_send_nothing(run: Run, local: Target,
                                                  args: list[str]) -> None:
    r = run(*local.profile, "groups", "perm-groups", *args)
    assert r.code == 2 and r.out == "", r.err
    assert local.calls(run, *(f"{G}/{c}" for c in (
        "create_permission_group", "modify_permission_group", "destroy_permission_group",
        "add_permission_group_member"))) == 0


# --- topic permissions of permission groups ---------------------------------------------------

TOPIC_PERM_CALLS = tuple(f"{G}/{c}_topic_permission_group" for c in ("add", "set", "delete",
                                                                      "get"))


def test_perm_group_topics_add_set_remove_list(run: Run, target: Target) -> None:
    club = group(run, target, "Community", "@TGS#_club6", "--topics")
    for part in ("news", "general"):
        ok(run, target, "groups", "topics", "create", club, "--name", part, "--id", part)
    ok(run, target, "groups", "perm-groups", "create", club, "--name", "mods", "--id", "mods")
    news, general = f"{club}@TOPIC#_news", f"{club}@TOPIC#_general"
    assert ok(run, target, "groups", "perm-groups", "topics", "add", club, "mods",
              "news=3", general, "--permission", "1") == [
        {"TopicId": news, "Permission": 3, "Status": "added", "ErrorCode": 0, "ErrorInfo": ""},
        {"TopicId": general, "Permission": 1, "Status": "added", "ErrorCode": 0,
         "ErrorInfo": ""}]
    r = run(*target.profile, "-o", "json", "groups", "perm-groups", "topics", "add", club,
            "mods", "news=5", "missing=1")
    assert r.code == 5, r.err  # every topic failed: already there / no such topic
    assert [(t["Status"], t["ErrorCode"]) for t in r.json()] == [("failed", 10021),
                                                                ("failed", 10010)]
    ok(run, target, "groups", "perm-groups", "topics", "set", club, "@PMG#_mods", "news=7")
    assert ok(run, target, "groups", "perm-groups", "topics", "list", club, "mods") == [
        {"TopicId": news, "Permission": 7}, {"TopicId": general, "Permission": 1}]
    r = run(*target.profile, "groups", "perm-groups", "topics", "list", club, "mods")
    assert r.code == 0 and "TopicId" in r.out and news in r.out  # the table
    r = run(*target.profile, "-o", "csv", "groups", "perm-groups", "topics", "list", club,
            "mods")
    assert list(csv.DictReader(io.StringIO(r.out)))[0] == {"TopicId": news, "Permission": "7"}
    assert ok(run, target, "groups", "perm-groups", "topics", "remove", club, "mods",
              "news") == [{"TopicId": news, "Status": "removed", "ErrorCode": 0,
                           "ErrorInfo": ""}]
    r = run(*target.profile, "-o", "json", "groups", "perm-groups", "topics", "list", club,
            "mods", "news", "general")
    assert r.code == 6  # news has none any more
    assert [(t["TopicId"], t.get("ErrorCode", 0)) for t in r.json()] == [(news, 10010),
                                                                        (general, 0)]
    r = run(*target.profile, "groups", "perm-groups", "topics", "list", club, "nobody")
    assert r.code == 5 and "10010" in r.err


@pytest.mark.parametrize("args", [
    ["add", "@TGS#_c", "mods", "news"],  # no bits
    ["add", "@TGS#_c", "mods", "news=x"], ["add", "@TGS#_c", "mods", "news=-1"],
    ["add", "@TGS#_c", "mods", f"news={2**64}"], ["set", "@TGS#_c", "mods"],
    ["add", "@TGS#_c", "mods", "caf\u00e9=1"], ["add", "x" * 49, "mods", "news=1"],
    ["remove", "@TGS#_c", "mods"], ["list", "@TGS#_c", "mods", "@TOPIC#x"],
    ["add", "@TGS#_c", "mods", "news", "--permission", "-2"],
])
def test_bad_perm_group_topics_exit_2_and_send_nothing(run: Run, local: Target,
                                                        args: list[str]) -> None:
    r = run(*local.profile, "groups", "perm-groups", "topics", *args)
    assert r.code == 2 and r.out == "", r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    assert local.calls(run, *TOPIC_PERM_CALLS) == 0


def test_perm_group_topics_chunked_by_50_and_dry_run(run: Run, local: Target) -> None:
    topics = [f"t{i}=1" for i in range(120)]
    r = run(*local.profile, "--dry-run", "groups", "perm-groups", "topics", "add", "@TGS#_c",
            "mods", *topics)
    assert r.code == 0, r.err
    assert r.out.count('"method": "POST"') == 3  # 50 + 50 + 20
    assert "@TGS#_c@TOPIC#_t119" in r.out and "@PMG#_mods" in r.out
    assert local.calls(run, *TOPIC_PERM_CALLS) == 0
