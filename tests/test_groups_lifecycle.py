"""groups create/list/info/update/destroy/transfer/joined/online-count end to end: against the
embedded emulator (-p local) and a served one over HTTP; bad input exits 2 with nothing sent."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

Run = Callable[..., Any]
CREATE = "group_open_http_svc/create_group"
MODIFY = "group_open_http_svc/modify_group_base_info"
DESTROY = "group_open_http_svc/destroy_group"


@dataclass
class Target:
    """Profile flags for the commands and the database `emulator stats` reads."""

    profile: tuple[str, ...]
    db: str | None  # None: the embedded emulator's default database

    def calls(self, run: Run, endpoint: str) -> int:
        """Calls the emulator answered on `endpoint` (any ErrorCode)."""
        extra = ("--db", self.db) if self.db else ()
        r = run("-o", "json", "emulator", "stats", *extra)
        if r.code != 0:  # no database yet: nothing was ever sent
            return 0
        return sum(row["calls"] for row in r.json() if row["endpoint"] == endpoint)


@pytest.fixture(params=["embedded", "http"])
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if request.param == "http":
        served = request.getfixturevalue("served_profile")
        yield Target(("-p", "emu"), str(served.db))
    else:
        yield Target(("-p", "local"), None)


@pytest.fixture
def local() -> Target:
    return Target(("-p", "local"), None)


def imported(run: Run, target: Target, *ids: str) -> None:
    r = run(*target.profile, "users", "import", *ids)
    assert r.code == 0, r.err


def create(run: Run, target: Target, *args: str) -> str:
    """Create a group; its ID, printed bare for `$(...)`."""
    r = run(*target.profile, "-o", "json", "groups", "create", *args, "--query", "GroupId")
    assert r.code == 0, r.err
    gid = r.out.strip()
    assert gid and not gid.startswith('"') and "\n" not in gid, r.out
    return gid


def info(run: Run, target: Target, *args: str) -> list[dict[str, Any]]:
    r = run(*target.profile, "-o", "json", "groups", "info", *args)
    assert r.code == 0, r.err
    return list(r.json())


def roles(run: Run, target: Target, gid: str) -> dict[str, str]:
    r = run(*target.profile, "-o", "json", "groups", "members", "list", gid)
    assert r.code == 0, r.err
    return {m["Member_Account"]: m.get("Role") for m in r.json()}


# --- create ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("given", "rest"), [
    ("Work", "Private"), ("Private", "Private"), ("Public", "Public"), ("Meeting", "ChatRoom"),
    ("chatroom", "ChatRoom"), ("AVChatRoom", "AVChatRoom"), ("Community", "Community"),
])
def test_create_every_type_by_rest_and_sdk_name(run: Run, target: Target, given: str,
                                                 rest: str) -> None:
    imported(run, target, "alice")
    gid = create(run, target, "--type", given, "--name", f"{given} group", "--owner", "alice")
    if rest == "Community":
        assert gid.startswith("@TGS#_")
    else:
        assert gid.startswith("@TGS#")
    [row] = info(run, target, gid)
    assert row["GroupId"] == gid and row["Type"] == rest and row["Name"] == f"{given} group"
    assert row["Owner_Account"] == "alice"


def test_create_prints_the_id_bare_on_a_terminal_and_an_object_when_piped(
        run: Run, target: Target) -> None:
    r = run(*target.profile, "groups", "create", "--type", "Public", "--name", "Lobby",
            env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 0, r.err
    gid = r.out.strip()
    assert gid.startswith("@TGS#") and " " not in gid
    r = run(*target.profile, "groups", "create", "--type", "Public", "--name", "Lobby 2")
    assert r.code == 0, r.err
    obj = r.json()
    assert obj["GroupId"].startswith("@TGS#") and obj["Type"] == "Public"
    r = run(*target.profile, "-o", "yaml", "groups", "create", "--type", "Public", "--name",
            "Lobby 3")
    assert yaml.safe_load(r.out)["Name"] == "Lobby 3"


def test_create_with_everything(run: Run, target: Target) -> None:
    imported(run, target, "alice", "bob", "carol")
    gid = create(run, target, "--type", "Public", "--name", "Club", "--id", "club-1",
                 "--owner", "alice", "--intro", "about", "--notification", "rules",
                 "--face-url", "https://example.com/a.png", "--max-members", "500",
                 "--apply-join", "freeaccess", "--members", "bob,carol", "--mute-all")
    assert gid == "club-1"
    [row] = info(run, target, gid, "--field", "all")
    assert row["Introduction"] == "about" and row["Notification"] == "rules"
    assert row["FaceUrl"] == "https://example.com/a.png" and row["MaxMemberNum"] == 500
    assert row["ApplyJoinOption"] == "FreeAccess" and row["MuteAllMember"] == "On"
    assert row["MemberNum"] == 3
    assert roles(run, target, gid) == {"alice": "Owner", "bob": "Member", "carol": "Member"}


@pytest.mark.parametrize("kind", ["csv", "jsonl", "ids", "alias"])
def test_create_with_members_from_a_file(run: Run, target: Target, tmp_path: Path,
                                         kind: str) -> None:
    imported(run, target, "alice", "bob", "carol")
    path = tmp_path / "members.txt"
    path.write_text({
        "csv": "UserID,Role\nbob,Admin\ncarol,\n",
        "alias": "Member_Account,Role\nbob,Admin\ncarol,Member\n",
        "jsonl": '{"UserID": "bob", "Role": "Admin"}\n{"Member_Account": "carol"}\n',
        "ids": "# team\nbob\ncarol\n",
    }[kind])
    gid = create(run, target, "--type", "Meeting", "--name", "Standup", "--owner", "alice",
                 "--members-file", str(path))
    expected = {"alice": "Owner", "bob": "Member" if kind == "ids" else "Admin",
                "carol": "Member"}
    assert roles(run, target, gid) == expected


def test_a_custom_id_taken_fails_with_its_code(run: Run, target: Target) -> None:
    create(run, target, "--type", "Public", "--name", "One", "--id", "taken")
    r = run(*target.profile, "groups", "create", "--type", "Public", "--name", "Two", "--id",
            "taken")
    assert r.code == 5
    assert "10021" in r.err or "10025" in r.err
    assert create(run, target, "--type", "Community", "--name", "C",
                  "--id", "@TGS#_mine") == "@TGS#_mine"


@pytest.mark.parametrize(("args", "why"), [
    (("--type", "Team"), "not a group type"),
    (("--type", "Public", "--id", "@TGS#mine"), "reserved"),
    (("--type", "Community", "--id", "mine"), "@TGS#_"),
    (("--type", "Public", "--id", "x" * 49), "48 bytes"),
    (("--type", "Public", "--id", "caf\u00e9"), "printable ASCII"),
    (("--type", "Public", "--id", ""), "empty"),
    (("--type", "Public", "--name", "n" * 101), "100 bytes"),
    (("--type", "Public", "--name", "\u4e00" * 34), "100 bytes"),
    (("--type", "Public", "--intro", "i" * 401), "400 bytes"),
    (("--type", "Public", "--notification", "i" * 401), "400 bytes"),
    (("--type", "Public", "--face-url", "u" * 501), "500 bytes"),
    (("--type", "Public", "--max-members", "6001"), "at most 6000"),
    (("--type", "Public", "--max-members", "0"), "--max-members"),
    (("--type", "Public", "--max-members", "2", "--members", "a,b,c"), "exceed"),
    (("--type", "AVChatRoom", "--members", "a"), "AVChatRoom"),
    (("--type", "Public", "--members", "a," + "b" * 33), "32"),
    (("--type", "Public", "--owner", "o" * 33), "--owner"),
    (("--type", "Public", "--app-data", "novalue"), "KEY=VALUE"),
    (("--type", "Public", "--app-data", "bad-key=1"), "letters"),
    (("--type", "Public", "--app-data", "k=" + "v" * 513), "512 bytes"),
    (("--type", "Public", *[a for i in range(11) for a in ("--app-data", f"k{i}=1")]),
     "at most 10"),
    (("--type", "Public", "--apply-join", "Anyone"), "--apply-join"),
    (("--type", "Community", "--apply-join", "FreeAccess"), "Communities"),
    (("--type", "Public", "--topics"), "only a Community"),
])
def test_bad_create_input_exits_2_and_sends_nothing(run: Run, target: Target,
                                                    args: tuple[str, ...], why: str) -> None:
    full = list(args) if "--name" in args else [*args, "--name", "G"]
    r = run(*target.profile, "groups", "create", *full)
    assert r.code == 2, (r.out, r.err)
    assert why in r.err
    assert len(r.err.strip().splitlines()) == 1
    assert target.calls(run, CREATE) == 0


def test_too_many_initial_members_or_a_bad_members_file_sends_nothing(
        run: Run, local: Target, tmp_path: Path) -> None:
    many = ",".join(f"u{i}" for i in range(101))
    r = run(*local.profile, "groups", "create", "--type", "Public", "--name", "G", "--members",
            many)
    assert r.code == 2 and "at most 100" in r.err and "members add" in r.err
    bad = tmp_path / "m.csv"
    bad.write_text("UserID,Role\nbob,Owner\n")
    r = run(*local.profile, "groups", "create", "--type", "Public", "--name", "G",
            "--members-file", str(bad))
    assert r.code == 2 and "m.csv:2" in r.err and "Role" in r.err
    r = run(*local.profile, "groups", "create", "--type", "Public", "--name", "G",
            "--members-file", str(tmp_path / "missing.csv"))
    assert r.code == 2 and "missing.csv" in r.err
    assert local.calls(run, CREATE) == 0


def test_dry_run_prints_the_requests(run: Run, local: Target) -> None:
    r = run(*local.profile, "--dry-run", "groups", "create", "--type", "Work", "--name", "T",
            "--members", "a,b", "--mute-all")
    assert r.code == 0, r.err
    first, second = (json.loads(line) for line in r.out.splitlines())
    assert first["body"] == {"Type": "Private", "Name": "T", "MemberList": [
        {"Member_Account": "a"}, {"Member_Account": "b"}]}
    assert second["body"]["MuteAllMember"] == "On"
    assert local.calls(run, CREATE) == 0


# --- list / info -------------------------------------------------------------------------------

def test_list_pages_through_every_group_and_filters_by_type(run: Run, target: Target) -> None:
    made = {create(run, target, "--type", t, "--name", f"g-{t}")
            for t in ("Public", "Public", "Work", "Meeting")}
    r = run(*target.profile, "-o", "json", "groups", "list")
    assert r.code == 0, r.err
    rows = r.json()
    assert {row["GroupId"] for row in rows} == made
    assert {row["Type"] for row in rows} == {"Public", "Private", "ChatRoom"}
    r = run(*target.profile, "-o", "json", "groups", "list", "--type", "work")
    assert [row["Type"] for row in r.json()] == ["Private"]
    r = run(*target.profile, "-o", "json", "groups", "list", "--limit", "2", "--ids-only")
    assert len(r.json()) == 2 and set(r.json()[0]) == {"GroupId"}
    r = run(*target.profile, "-o", "csv", "groups", "list", "--type", "Meeting")
    table = list(csv.DictReader(io.StringIO(r.out)))
    assert table[0]["Type"] == "ChatRoom" and table[0]["Name"] == "g-Meeting"
    assert list(table[0])[:3] == ["GroupId", "Type", "Name"]


def test_list_on_an_empty_app(run: Run, target: Target) -> None:
    r = run(*target.profile, "-o", "json", "groups", "list")
    assert r.code == 0, r.err
    assert r.json() == []


def test_info_chosen_fields_and_unknown_groups(run: Run, target: Target) -> None:
    imported(run, target, "alice")
    gid = create(run, target, "--type", "Public", "--name", "Info", "--owner", "alice")
    [row] = info(run, target, gid, "--field", "Name", "--field", "membernum")
    assert row["Name"] == "Info" and row["MemberNum"] == 1
    assert "Introduction" not in row and "CreateTime" not in row
    [row] = info(run, target, gid, "--members")
    assert [m["Member_Account"] for m in row["MemberList"]] == ["alice"]
    r = run(*target.profile, "-o", "json", "groups", "info", gid, "no-such-group")
    assert r.code == 6
    ok, missing = r.json()
    assert ok["ErrorCode"] == 0 and missing["GroupId"] == "no-such-group"
    assert missing["ErrorCode"] in (10010, 10015)
    r = run(*target.profile, "-o", "json", "groups", "info", "no-such-group")
    assert r.code == 5
    r = run(*target.profile, "groups", "info", gid, "--field", "Colour")
    assert r.code == 2 and "Colour" in r.err


def test_info_more_than_50_groups_goes_in_chunks(run: Run, local: Target) -> None:
    ids = [create(run, local, "--type", "Public", "--name", f"g{i}") for i in range(51)]
    rows = info(run, local, *ids, "--field", "Name")
    assert [r["GroupId"] for r in rows] == ids
    assert local.calls(run, "group_open_http_svc/get_group_info") == 2


# --- update / destroy / transfer ---------------------------------------------------------------

def test_update_changes_only_what_is_given(run: Run, target: Target) -> None:
    gid = create(run, target, "--type", "Public", "--name", "Old", "--intro", "keep")
    r = run(*target.profile, "groups", "update", gid, "--name", "New", "--notification", "hi",
            "--mute-all", "--max-members", "100", "--invite-join", "DisableInvite")
    assert r.code == 0, r.err
    [row] = info(run, target, gid, "--field", "all")
    assert (row["Name"], row["Introduction"], row["Notification"]) == ("New", "keep", "hi")
    assert row["MuteAllMember"] == "On" and row["MaxMemberNum"] == 100
    r = run(*target.profile, "groups", "update", gid, "--no-mute-all")
    assert r.code == 0, r.err
    assert info(run, target, gid, "--field", "MuteAllMember")[0]["MuteAllMember"] == "Off"


def test_update_checks_before_sending(run: Run, local: Target) -> None:
    for args, why in ((("g",), "nothing to change"), (("g", "--name", "n" * 101), "100 bytes"),
                      (("g", "--app-data", "a b=1"), "letters"),
                      (("\u00e9", "--name", "x"), "ASCII")):
        r = run(*local.profile, "groups", "update", *args)
        assert r.code == 2 and why in r.err, r.err
    assert local.calls(run, MODIFY) == 0


def test_update_an_unknown_group_fails(run: Run, target: Target) -> None:
    r = run(*target.profile, "groups", "update", "ghost", "--name", "x")
    assert r.code == 5 and ("10010" in r.err or "10015" in r.err)


def test_destroy_asks_then_dismisses_every_type(run: Run, target: Target) -> None:
    ids = [create(run, target, "--type", t, "--name", t)
           for t in ("Work", "Public", "Meeting", "AVChatRoom", "Community")]
    r = run(*target.profile, "groups", "destroy", *ids)
    assert r.code == 2 and "--yes" in r.err
    assert target.calls(run, DESTROY) == 0
    r = run(*target.profile, "groups", "destroy", *ids, input="n\n",
            env={"TIMCTL_FORCE_TTY": "1"})
    assert r.code == 9
    r = run(*target.profile, "-o", "json", "groups", "destroy", *ids, "--yes")
    assert r.code == 0, r.err
    assert [row["Status"] for row in r.json()] == ["destroyed"] * 5
    r = run(*target.profile, "-o", "json", "groups", "info", *ids)
    assert r.code == 5 and {row["ErrorCode"] for row in r.json()} <= {10010, 10015}
    r = run(*target.profile, "-o", "json", "groups", "destroy", ids[0], "--yes")
    assert r.code == 5 and r.json()[0]["Status"] == "failed"
    assert r.json()[0]["ErrorCode"] in (10010, 10015)


def test_transfer_to_a_member_and_to_a_stranger(run: Run, target: Target) -> None:
    imported(run, target, "alice", "bob", "zed")
    gid = create(run, target, "--type", "Public", "--name", "T", "--owner", "alice",
                 "--members", "bob")
    r = run(*target.profile, "groups", "transfer", gid, "--to", "zed")
    assert r.code == 5, r.err
    r = run(*target.profile, "groups", "transfer", gid, "--to", "bob")
    assert r.code == 0, r.err
    assert info(run, target, gid, "--field", "Owner_Account")[0]["Owner_Account"] == "bob"
    assert roles(run, target, gid) == {"alice": "Member", "bob": "Owner"}
    r = run(*target.profile, "groups", "transfer", gid, "--to", "x" * 33)
    assert r.code == 2


# --- joined / online-count ---------------------------------------------------------------------

def test_joined_lists_groups_with_the_users_role(run: Run, target: Target) -> None:
    imported(run, target, "alice", "bob")
    owned = create(run, target, "--type", "Public", "--name", "Mine", "--owner", "alice")
    member = create(run, target, "--type", "Meeting", "--name", "Theirs", "--owner", "bob",
                    "--members", "alice")
    create(run, target, "--type", "Public", "--name", "Not hers", "--owner", "bob")
    r = run(*target.profile, "-o", "json", "groups", "joined", "alice")
    assert r.code == 0, r.err
    got = {row["GroupId"]: (row["Role"], row["Type"], row["Name"]) for row in r.json()}
    assert got == {owned: ("Owner", "Public", "Mine"), member: ("Member", "ChatRoom", "Theirs")}
    r = run(*target.profile, "-o", "json", "groups", "joined", "alice", "--type", "Meeting")
    assert [row["GroupId"] for row in r.json()] == [member]
    r = run(*target.profile, "-o", "json", "groups", "joined", "alice", "--limit", "1")
    assert len(r.json()) == 1
    r = run(*target.profile, "-o", "csv", "groups", "joined", "alice")
    assert r.out.splitlines()[0].startswith("GroupId,Type,Name,Role")


def test_online_count_of_a_live_group_and_refused_elsewhere(run: Run, target: Target) -> None:
    live = create(run, target, "--type", "AVChatRoom", "--name", "Live")
    r = run(*target.profile, "-o", "json", "groups", "online-count", live)
    assert r.code == 0, r.err
    assert r.json() == {"GroupId": live, "OnlineMemberNum": 0}
    r = run(*target.profile, "groups", "online-count", live, env={"TIMCTL_FORCE_TTY": "1"})
    assert r.out.strip() == "0"
    public = create(run, target, "--type", "Public", "--name", "P")
    r = run(*target.profile, "groups", "online-count", public)
    # 10007: the group type does not allow it (an API error, exit 5; not an auth failure)
    assert r.code == 5 and "10007" in r.err


def test_joined_shows_inactive_work_groups_only_with_all_types(run: Run,
                                                               target: Target) -> None:
    # a Work group is not activated until its first message: the API hides it by default
    imported(run, target, "alice", "bob")
    work = create(run, target, "--type", "Work", "--name", "W", "--owner", "alice",
                  "--members", "bob")
    r = run(*target.profile, "-o", "json", "groups", "joined", "bob")
    assert r.code == 0 and r.json() == []
    r = run(*target.profile, "-o", "json", "groups", "joined", "bob", "--all-types")
    assert [(row["GroupId"], row["Type"], row["Role"]) for row in r.json()] == [
        (work, "Private", "Member")]


def test_info_fields_take_a_comma_list(run: Any) -> None:
    run("-p", "local", "users", "import", "owner1")
    gid = run("-p", "local", "groups", "create", "--type", "Public", "--name", "CL", "--owner",
              "owner1", "-o", "json", "--query", "GroupId").out.strip()
    r = run("-p", "local", "-o", "json", "groups", "info", gid, "--field", "Name,MemberNum")
    assert r.code == 0, r.err
    row = r.json()[0]
    assert row["Name"] == "CL" and row["MemberNum"] == 1
