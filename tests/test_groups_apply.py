"""`timctl groups apply` and `groups export` against the emulator, embedded and over HTTP.

Write calls are counted with `timctl emulator stats` (embedded) or GET /_emulator/stats
(served): a converged run sends reads only.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

READS = {"group_open_http_svc/get_group_info", "group_open_http_svc/get_group_member_info",
         "group_open_attr_http_svc/get_group_attr", "group_open_http_svc/get_appid_group_list"}
USERS = ["alice", "bob", "carol", "dave", "erin", "zoe"]

FILE = """\
groups:
  - id: eng
    type: Public
    name: Engineering
    owner: alice
    introduction: Where engineers talk
    max_members: 500
    apply_join: FreeAccess
    members:
      - bob                      # plain ID: role Member
      - {user: carol, role: Admin}
    attributes: {topic: builds}
  - id: team
    type: Work
    name: Team
    owner: bob
    notification: standup at 10
    members: [alice, dave]
  - id: standup
    type: Meeting
    name: Standup
    owner: carol
    mute_all: true
    members: [{user: erin, role: Admin}, dave]
"""


@pytest.fixture
def local(run: Any) -> Any:
    """The embedded emulator (profile `local`) with USERS imported and stats zeroed."""
    assert run("-p", "local", "users", "import", *USERS).code == 0
    stats(run, reset=True)
    return run


def stats(run: Any, reset: bool = False) -> dict[str, int]:
    """Calls per endpoint since the last reset (all ErrorCodes)."""
    r = run("-o", "json", "emulator", "stats", *(["--reset"] if reset else []))
    assert r.code == 0, r.err
    counts: dict[str, int] = {}
    for row in r.json():
        counts[row["endpoint"]] = counts.get(row["endpoint"], 0) + row["calls"]
    return counts


def writes(counts: dict[str, int]) -> dict[str, int]:
    return {ep: n for ep, n in counts.items() if ep not in READS}


def apply(run: Any, text: str, *args: str, profile: str = "local") -> Any:
    return run("-p", profile, "-o", "json", "groups", "apply", "-f", "-", *args, input=text)


def results(r: Any) -> dict[str, str]:
    return {row["group"]: row["result"] for row in r.json()}


def export(run: Any, *args: str, profile: str = "local") -> dict[str, Any]:
    r = run("-p", profile, "groups", "export", "-o", "json", *args)
    assert r.code == 0, r.err
    return {g["id"]: g for g in json.loads(r.out)["groups"]}


def call(run: Any, endpoint: str, body: dict[str, Any], profile: str = "local") -> Any:
    r = run("-p", profile, "-o", "json", "api", endpoint, "-d", json.dumps(body))
    assert r.code == 0, r.err
    return r.json()


# --- embedded ---------------------------------------------------------------------------------

def test_apply_creates_everything_then_a_second_run_sends_no_write(local: Any) -> None:
    r = apply(local, FILE)
    assert r.code == 0, r.err
    assert results(r) == {"eng": "created", "team": "created", "standup": "created"}
    assert writes(stats(local, reset=True))
    state = export(local, "eng", "team", "standup")
    assert state["eng"]["members"] == ["bob", {"user": "carol", "role": "Admin"}]
    assert state["eng"]["attributes"] == {"topic": "builds"}
    assert (state["eng"]["owner"], state["eng"]["max_members"]) == ("alice", 500)
    assert state["team"]["type"] == "Private" and state["team"]["members"] == ["alice", "dave"]
    assert state["standup"]["mute_all"] is True
    assert state["standup"]["members"] == ["dave", {"user": "erin", "role": "Admin"}]
    stats(local, reset=True)

    again = apply(local, FILE)
    assert again.code == 0, again.err
    assert set(results(again).values()) == {"unchanged"}
    counts = stats(local)
    assert writes(counts) == {} and counts, counts


def test_changing_one_role_sends_exactly_that_write(local: Any) -> None:
    assert apply(local, FILE).code == 0
    stats(local, reset=True)
    r = local("-p", "local", "-o", "json", "-v", "groups", "apply", "-f", "-",
              input=FILE.replace("{user: carol, role: Admin}", "carol"))
    assert r.code == 0, r.err
    assert results(r) == {"eng": "updated", "team": "unchanged", "standup": "unchanged"}
    assert "eng: role carol: Admin -> Member" in r.err
    assert writes(stats(local)) == {"group_open_http_svc/modify_group_member_info": 1}
    assert export(local, "eng")["eng"]["members"] == ["bob", "carol"]


def test_profile_owner_and_new_members(local: Any) -> None:
    assert apply(local, FILE).code == 0
    changed = (FILE.replace("name: Engineering", "name: Eng")
               .replace("owner: alice", "owner: zoe"))
    r = apply(local, changed)
    assert r.code == 0, r.err
    assert results(r)["eng"] == "updated"
    eng = export(local, "eng")["eng"]
    assert (eng["name"], eng["owner"]) == ("Eng", "zoe")
    # The previous owner stays, as an ordinary member.
    assert eng["members"] == ["alice", "bob", {"user": "carol", "role": "Admin"}]
    assert set(results(apply(local, changed)).values()) == {"unchanged"}


def test_prune_removes_only_what_the_file_leaves_out(local: Any) -> None:
    assert apply(local, FILE).code == 0
    call(local, "group_open_http_svc/add_group_member",
         {"GroupId": "eng", "MemberList": [{"Member_Account": "zoe"}]})
    call(local, "group_open_http_svc/modify_group_attr",
         {"GroupId": "eng", "GroupAttr": [{"key": "stale", "value": "1"}]})
    stats(local, reset=True)
    assert set(results(apply(local, FILE)).values()) == {"unchanged"}
    assert writes(stats(local, reset=True)) == {}
    r = apply(local, FILE, "--prune")
    assert r.code == 0, r.err
    assert results(r) == {"eng": "updated", "team": "unchanged", "standup": "unchanged"}
    assert writes(stats(local)) == {"group_open_http_svc/delete_group_member": 1,
                                    "group_open_http_svc/delete_group_attr": 1}
    eng = export(local, "eng")["eng"]
    assert "zoe" not in eng["members"] and eng["attributes"] == {"topic": "builds"}


def test_dry_run_and_diff_send_no_write(local: Any) -> None:
    r = apply(local, FILE, "--dry-run")
    assert r.code == 0, r.err
    planned = r.json()
    assert {row["result"] for row in planned} == {"would be created"}
    first = planned[0]
    assert first["endpoint"] == "group_open_http_svc/create_group"
    assert first["body"]["GroupId"] == "eng" and first["body"]["Owner_Account"] == "alice"
    assert writes(stats(local, reset=True)) == {}
    assert local("-p", "local", "groups", "export", "eng").code == 5  # still nothing there

    assert apply(local, FILE).code == 0
    stats(local, reset=True)
    r = local("-p", "local", "groups", "apply", "-f", "-", "--diff",
              input=FILE.replace("name: Team", "name: The team"))
    assert r.code == 0, r.err
    assert "--- live/team\n+++ file/team\n" in r.out
    assert "-name: Team\n+name: The team\n" in r.out
    assert "live/eng" not in r.out
    assert writes(stats(local)) == {}


@pytest.mark.parametrize(("text", "message"), [
    (FILE.replace("    apply_join: FreeAccess\n", "    apply_join: Sometimes\n"),
     "<stdin>:8: apply_join must be one of FreeAccess, NeedPermission, DisableApply"),
    (FILE.replace("      - bob  ", "      - carol"),
     "<stdin>:11: member 'carol' is already listed on line 10"),
    (FILE.replace("members: [alice, dave]", "members: [bob, dave]"),
     "<stdin>:18: 'bob' is the owner; listed here as Member"),
    (FILE + "  - id: eng\n    type: Public\n", "<stdin>:25: group 'eng' is already given on "
                                                 "line 2"),
    (FILE.replace("    owner: carol\n", "    owner: carol\n    colour: red\n"),
     "<stdin>:23: unknown key 'colour'"),
])
def test_bad_files_exit_2_naming_the_line_and_send_nothing(local: Any, text: str,
                                                           message: str) -> None:
    r = apply(local, text)
    assert r.code == 2
    assert message in r.err, r.err
    assert stats(local) == {}


def test_a_missing_file_is_a_usage_error(local: Any, tmp_path: Path) -> None:
    r = local("-p", "local", "groups", "apply", "-f", str(tmp_path / "nope.yaml"))
    assert r.code == 2 and "nope.yaml" in r.err


def test_failed_groups_set_the_exit_code(local: Any) -> None:
    ghost = FILE.replace("owner: carol", "owner: ghost")  # not an imported account
    r = apply(local, ghost)
    assert r.code == 6, r.err
    rows = {row["group"]: row for row in r.json()}
    assert rows["standup"]["result"] == "failed" and rows["standup"]["reason"]
    assert rows["eng"]["result"] == "created"
    only = "groups:\n  - id: solo\n    type: Public\n    name: Solo\n    owner: ghost\n"
    assert apply(local, only).code == 5
    assert apply(local, "groups: []\n").code == 0


def test_a_type_change_fails_that_group(local: Any) -> None:
    assert apply(local, FILE).code == 0
    r = apply(local, FILE.replace("type: Meeting", "type: Public"))
    assert r.code == 6
    assert {row["group"]: row["result"] for row in r.json()}["standup"] == "failed"


def test_export_needs_ids_or_all(local: Any) -> None:
    assert local("-p", "local", "groups", "export").code == 2
    assert local("-p", "local", "groups", "export", "a", "--all").code == 2


# --- over HTTP: two served emulators ----------------------------------------------------------

@dataclass
class Emu:
    profile: str
    url: str


def _serve(tmp_path: Path, run: Any, name: str, sdkappid: int) -> Iterator[Emu]:
    from timctl.emulator import open_app
    from timctl.emulator.server import make_server

    app, info = open_app(tmp_path / f"{name}.db", sdkappid=sdkappid, admin="ops_admin")
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    key = tmp_path / f"{name}.key"
    key.write_text(info.secret_key + "\n")
    url = f"http://127.0.0.1:{server.server_port}"
    r = run("config", "init", name, "--endpoint", url, "--sdkappid", str(sdkappid),
            "--admin", "ops_admin", "--secret-key-file", str(key))
    assert r.code == 0, r.err
    try:
        yield Emu(name, url)
    finally:
        server.shutdown()
        server.server_close()
        app.store.close()


@pytest.fixture
def source(tmp_path: Path, run: Any) -> Iterator[Emu]:
    yield from _serve(tmp_path, run, "src", 1400000101)


@pytest.fixture
def target(tmp_path: Path, run: Any) -> Iterator[Emu]:
    yield from _serve(tmp_path, run, "dst", 1400000102)


def http_writes(emu: Emu, reset: bool = False) -> dict[str, int]:
    request = urllib.request.Request(f"{emu.url}/_emulator/stats",
                                     data=b"{}" if reset else None)
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - 127.0.0.1 only
        data = json.load(answer)
    return {ep: v["calls"] for ep, v in data.get("endpoints", {}).items() if ep not in READS}


ROUND_TRIP = FILE + """\
  - id: "@TGS#_guild"
    type: Community
    name: Guild
    owner: alice
    members: [bob, {user: zoe, role: Admin}]
    attributes: {rules: be kind}
  - id: live
    type: AVChatRoom
    name: Live
    owner: zoe
    attributes: {stage: main}
"""


def test_export_all_then_apply_reproduces_groups_on_an_empty_app(run: Any, source: Emu,
                                                                 target: Emu) -> None:
    many = [f"u{i:03}" for i in range(230)]  # more than create_group takes, > a page (200)
    big = ("  - id: big\n    type: Public\n    name: Big\n    owner: alice\n    members:\n"
           + "".join(f"      - {u}\n" for u in many[:-1])
           + f"      - {{user: {many[-1]}, role: Admin}}\n")
    for emu in (source, target):
        assert run("-p", emu.profile, "users", "import", *USERS, *many).code == 0
    r = apply(run, ROUND_TRIP + big, profile=source.profile)
    assert r.code == 0, r.err
    assert set(results(r).values()) == {"created"}
    http_writes(source, reset=True)
    assert set(results(apply(run, ROUND_TRIP + big, profile=source.profile)).values()) == {
        "unchanged"}
    assert http_writes(source) == {}

    exported = run("-p", source.profile, "groups", "export", "--all")
    assert exported.code == 0, exported.err
    r = apply(run, exported.out, profile=target.profile)
    assert r.code == 0, r.err
    assert set(results(r).values()) == {"created"}
    again = run("-p", target.profile, "groups", "export", "--all")
    assert again.out == exported.out
    copied = export(run, "--all", profile=target.profile)
    assert len(copied["big"]["members"]) == 230
    assert copied["big"]["members"][-1] == {"user": "u229", "role": "Admin"}
    assert copied["@TGS#_guild"]["members"] == ["bob", {"user": "zoe", "role": "Admin"}]
    assert copied["eng"]["attributes"] == {"topic": "builds"}
    live = copied["live"]
    assert (live["type"], live["owner"], live["attributes"]) == ("AVChatRoom", "zoe",
                                                                 {"stage": "main"})
    assert "members" not in live  # AVChatRoom members join from the SDK: not exported


def test_app_data_is_set_changed_and_pruned(local: Any) -> None:
    first = ("groups:\n  - id: eng\n    type: Public\n    name: Engineering\n"
             "    app_data: {Level: \"3\", Tier: gold}\n")
    r = apply(local, first)
    assert r.code == 0, r.err
    assert export(local, "eng")["eng"]["app_data"] == {"Level": "3", "Tier": "gold"}
    stats(local, reset=True)
    second = "groups:\n  - id: eng\n    type: Public\n    app_data: {Level: \"4\"}\n"
    r = local("-p", "local", "-o", "json", "-v", "groups", "apply", "-f", "-", "--prune",
              input=second)
    assert r.code == 0, r.err
    assert "eng: app_data Level: '3' -> '4'" in r.err and "eng: - app_data Tier" in r.err
    assert writes(stats(local, reset=True)) == {"group_open_http_svc/modify_group_base_info": 1}
    assert export(local, "eng")["eng"]["app_data"] == {"Level": "4"}
    assert results(apply(local, second, "--prune")) == {"eng": "unchanged"}
    assert writes(stats(local)) == {}


def test_a_json_export_applies_back_unchanged(local: Any) -> None:
    assert apply(local, FILE).code == 0
    r = local("-p", "local", "groups", "export", "--all", "-o", "json")
    assert r.code == 0, r.err
    assert [g["id"] for g in json.loads(r.out)["groups"]] == ["eng", "standup", "team"]
    stats(local, reset=True)
    again = apply(local, r.out, "--prune")
    assert set(results(again).values()) == {"unchanged"}, again.out
    assert writes(stats(local)) == {}
