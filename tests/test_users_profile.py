"""users kick, online, profile get/set end to end: the embedded emulator (-p local) and a
served one over HTTP on 127.0.0.1 (-p emu)."""

from __future__ import annotations

import csv
import io
import json
import re
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from timctl.emulator import DEFAULT_SDKAPPID
from timctl.emulator.services.accounts import queries as accounts
from timctl.emulator.store import Store

DAY = 86400
NICK = "Tag_Profile_IM_Nick"
GENDER = "Tag_Profile_IM_Gender"


class Target:
    """Where the commands go, and a stand-in for an SDK login there."""

    def __init__(self, run: Any, profile: str, served: Any, data_dir: Path) -> None:
        self.run_ = run
        self.profile = profile
        self.served = served
        self.data_dir = data_dir

    def run(self, *args: str, input: str | None = None) -> Any:
        return self.run_("-p", self.profile, *args, input=input)

    def ok(self, *args: str, input: str | None = None) -> Any:
        r = self.run(*args, input=input)
        assert r.code == 0, r.err
        return r

    def login(self, user: str, platform: str, status: str, ago: float = 0) -> None:
        if self.served is not None and not ago:  # the control route of a served emulator
            body = json.dumps({"UserID": user, "Platform": platform, "Status": status})
            req = urllib.request.Request(f"{self.served.url}/_emulator/online",
                                         data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(req, timeout=10) as resp:
                assert resp.status == 200
            return
        # the account service's own query, on the emulator's file
        path = self.served.db if self.served is not None else self.data_dir / "emulator.db"
        sdkappid = self.served.sdkappid if self.served is not None else DEFAULT_SDKAPPID
        store = Store(path)
        try:
            with store.tx() as db:
                accounts.set_online(db, sdkappid, user, platform, status, time.time() - ago)
        finally:
            store.close()

    def profile_of(self, user: str) -> dict[str, Any]:
        r = self.ok("-o", "json", "users", "profile", "get", user)
        return r.json()[0]["Profile"]


@pytest.fixture(params=["embedded", "http"])
def target(request: pytest.FixtureRequest, run: Any, isolated: Path) -> Target:
    if request.param == "http":
        served = request.getfixturevalue("served_profile")
        return Target(run, "emu", served, isolated / "data")
    return Target(run, "local", None, isolated / "data")


@pytest.fixture
def local(run: Any, isolated: Path) -> Target:
    return Target(run, "local", None, isolated / "data")


def calls(err: str, endpoint: str) -> int:
    """Requests sent, as the run's summary line on stderr counts them."""
    found = re.search(rf"timctl: {endpoint}: .* \((\d+) calls,", err)
    assert found, err
    return int(found.group(1))


# --- kick ------------------------------------------------------------------------------------

def test_kick_logs_out_and_reports_unknown_accounts(target: Target) -> None:
    target.ok("users", "import", "alice", "bob")
    target.login("alice", "Android", "Online")
    target.login("bob", "iPhone", "PushOnline")
    r = target.run("-v", "-o", "json", "users", "kick", "alice", "bob", "ghost")
    assert r.code == 6, r.err
    rows = {row["UserID"]: row for row in r.json()}
    assert rows["alice"] == {"UserID": "alice", "Status": "kicked", "ResultCode": 0,
                             "ResultInfo": ""}
    assert rows["bob"]["Status"] == "kicked"
    assert (rows["ghost"]["Status"], rows["ghost"]["ResultCode"]) == ("failed", 70107)
    assert calls(r.err, "kick") == 3  # the API takes one account per call
    assert "failures by code: 70107 x1" in r.err
    r = target.ok("-o", "json", "users", "online", "alice", "bob")
    assert [row["Status"] for row in r.json()] == ["Offline", "Offline"]


def test_kick_only_unknown_accounts_exits_5(local: Target) -> None:
    r = local.run("-o", "json", "users", "kick", "ghost")
    assert r.code == 5
    assert r.json()[0]["ResultCode"] == 70107


def test_kick_from_a_file_skips_bad_lines(local: Target, tmp_path: Path) -> None:
    local.ok("users", "import", "alice", "bob")
    ids = tmp_path / "ids.txt"
    ids.write_text("alice\n" + "x" * 33 + "\nbob\n")
    r = local.run("-o", "csv", "users", "kick", "-f", str(ids))
    assert r.code == 6
    assert f"{ids}:2: UserID is 33 bytes (at most 32)" in r.err
    rows = list(csv.DictReader(io.StringIO(r.out)))
    assert {row["UserID"]: row["Status"] for row in rows if row["Status"] != "skipped"} == {
        "alice": "kicked", "bob": "kicked"}


def test_kick_dry_run_sends_nothing(local: Target) -> None:
    local.ok("users", "import", "alice")
    local.login("alice", "Web", "Online")
    r = local.ok("--dry-run", "users", "kick", "alice", "bob")
    plan = json.loads(r.out)
    assert (plan["endpoint"], plan["calls"]) == ("im_open_login_svc/kick", 2)
    assert plan["first_requests"][0]["body"] == {"UserID": "alice"}
    assert local.ok("-o", "json", "users", "online", "alice").json()[0]["Status"] == "Online"


# --- online ----------------------------------------------------------------------------------

def test_online_statuses_and_detail(target: Target) -> None:
    target.ok("users", "import", "alice", "bob")
    target.login("alice", "iPhone", "PushOnline")
    target.login("alice", "Web", "Online")
    r = target.run("-o", "json", "users", "online", "alice", "bob", "ghost")
    assert r.code == 6
    assert r.json() == [
        {"UserID": "alice", "Status": "Online", "ResultCode": 0, "ResultInfo": ""},
        {"UserID": "bob", "Status": "Offline", "ResultCode": 0, "ResultInfo": ""},
        {"UserID": "ghost", "Status": None, "ResultCode": 70107,
         "ResultInfo": "UserID does not exist (reported per item in ErrorList)"},
    ]
    r = target.run("-o", "json", "users", "online", "--detail", "alice", "bob")
    assert r.code == 0
    assert [(row["UserID"], row["Detail"]) for row in r.json()] == [
        ("alice", [{"Platform": "iPhone", "Status": "PushOnline"},
                   {"Platform": "Web", "Status": "Online"}]),
        ("bob", []),
    ]
    r = target.ok("-o", "table", "users", "online", "--detail", "alice")
    header, _, line = r.out.splitlines()
    assert header.split() == ["UserID", "Status", "Detail", "ResultCode", "ResultInfo"]
    assert line.split() == ["alice", "Online", "iPhone=PushOnline", "Web=Online", "0"]


def test_push_online_lapses_after_7_days(local: Target) -> None:
    local.ok("users", "import", "alice", "bob")
    local.login("alice", "Android", "PushOnline", ago=6 * DAY)
    local.login("bob", "iPhone", "PushOnline", ago=8 * DAY)
    r = local.ok("-o", "jsonl", "users", "online", "alice", "bob")
    assert [json.loads(line)["Status"] for line in r.out.splitlines()] == [
        "PushOnline", "Offline"]


def test_online_sends_500_accounts_per_call(local: Target) -> None:
    local.ok("users", "import", "alice")
    ids = ["alice", *(f"ghost{i}" for i in range(500))]
    r = local.run("-v", "-o", "json", "users", "online", "-", input="\n".join(ids) + "\n")
    assert r.code == 6
    assert calls(r.err, "query_online_status") == 2
    rows = r.json()
    assert len(rows) == 501 and sum(row["ResultCode"] == 70107 for row in rows) == 500


def test_online_fields_are_checked_before_sending(local: Target) -> None:
    r = local.run("-o", "table", "--fields", "Platform", "users", "online", "alice")
    assert r.code == 2 and r.out == ""
    assert "no column 'Platform'" in r.err


# --- profile set / get -------------------------------------------------------------------------

SET_FLAGS = ("--nick", "Älice", "--gender", "female", "--birthday", "1990-04-19",
             "--location", "CN", "--signature", "hi", "--allow-type", "deny-any",
             "--language", "7", "--face-url", "https://x/a.png", "--admin-forbid-type",
             "send-out", "--level", "3", "--role", "4", "--msg-settings", "1",
             "--custom", "Tag_Profile_Custom_Vip=gold", "--custom", "Tier=2")
RAW = {
    "Tag_Profile_IM_Nick": "Älice", "Tag_Profile_IM_Gender": "Gender_Type_Female",
    "Tag_Profile_IM_BirthDay": 19900419, "Tag_Profile_IM_Location": "CN",
    "Tag_Profile_IM_SelfSignature": "hi", "Tag_Profile_IM_AllowType": "AllowType_Type_DenyAny",
    "Tag_Profile_IM_Language": 7, "Tag_Profile_IM_Image": "https://x/a.png",
    "Tag_Profile_IM_AdminForbidType": "AdminForbid_Type_SendOut", "Tag_Profile_IM_Level": 3,
    "Tag_Profile_IM_Role": 4, "Tag_Profile_IM_MsgSettings": 1,
}


def test_set_then_get_every_field(target: Target) -> None:
    target.ok("users", "import", "alice", "bob")
    r = target.run("-v", "-o", "json", "users", "profile", "set", "alice", "bob", *SET_FLAGS)
    assert r.code == 0, r.err
    assert sorted((row["UserID"], row["Status"]) for row in r.json()) == [
        ("alice", "set"), ("bob", "set")]
    assert calls(r.err, "portrait_set") == 2  # one account per call

    assert target.ok("-o", "json", "users", "profile", "get", "bob").json() == [
        {"UserID": "bob", "Profile": RAW, "ResultCode": 0, "ResultInfo": ""}]
    r = target.ok("-o", "json", "users", "profile", "get", "alice", "--tag",
                  "Tag_Profile_Custom_Tier", "--tag", "Tag_Profile_Custom_Vip")
    assert r.json()[0]["Profile"] == {"Tag_Profile_Custom_Tier": "2",
                                      "Tag_Profile_Custom_Vip": "gold"}


def test_get_output_formats(target: Target) -> None:
    target.ok("users", "import", "alice")
    target.ok("users", "profile", "set", "alice", "--nick", "Al", "--gender", "male",
              "--allow-type", "need-confirm", "--level", "2")
    args = ("users", "profile", "get", "alice", "--field", "nick,gender",
            "--field", "allow-type,level", "--field", "role")
    friendly = {"UserID": "alice", "nick": "Al", "gender": "male",
                "allow-type": "need-confirm", "level": "2", "role": "", "ResultCode": "0",
                "ResultInfo": ""}

    rows = list(csv.DictReader(io.StringIO(target.ok("-o", "csv", *args).out)))
    assert rows == [friendly]

    table = target.ok("-o", "table", *args).out.splitlines()
    assert table[0].split() == ["UserID", "nick", "gender", "allow-type", "level", "role",
                                "ResultCode", "ResultInfo"]
    assert table[2].split() == ["alice", "Al", "male", "need-confirm", "2", "0"]

    raw = {NICK: "Al", GENDER: "Gender_Type_Male",
           "Tag_Profile_IM_AllowType": "AllowType_Type_NeedConfirm", "Tag_Profile_IM_Level": 2}
    expected = [{"UserID": "alice", "Profile": raw, "ResultCode": 0, "ResultInfo": ""}]
    assert target.ok("-o", "json", *args).json() == expected
    assert yaml.safe_load(target.ok("-o", "yaml", *args).out) == expected
    assert [json.loads(line) for line in target.ok("-o", "jsonl", *args).out.splitlines()] \
        == expected

    r = target.ok("-o", "csv", "--fields", "UserID,gender", *args)
    assert r.out == "UserID,gender\nalice,male\n"


def test_get_unknown_accounts_fail_per_item(target: Target) -> None:
    target.ok("users", "import", "alice")
    r = target.run("-o", "json", "users", "profile", "get", "alice", "ghost")
    assert r.code == 6
    ghost = r.json()[1]
    assert (ghost["UserID"], ghost["Profile"], ghost["ResultCode"]) == ("ghost", None, 40003)
    r = target.run("-o", "json", "users", "profile", "get", "ghost")
    assert r.code == 5
    assert r.json()[0]["ResultCode"] == 40003


def test_get_sends_100_accounts_per_call(local: Target) -> None:
    ids = [f"u{i:03d}" for i in range(150)]
    local.ok("users", "import", "-", input="\n".join(ids) + "\n")
    r = local.ok("-v", "-o", "json", "users", "profile", "get", "--field", "nick", "-",
                 input="\n".join(ids) + "\n")
    assert calls(r.err, "portrait_get") == 2
    assert sorted(row["UserID"] for row in r.json()) == ids


@pytest.mark.parametrize("args", [
    ("--field", "nickname"), ("--field", "nick,"), ("--field", "Tag_Profile_Custom_Vip"),
    ("--tag", "Tag_Profile_IM_Bogus"), ("--tag", "Tag_Profile_Custom_TooLongXY"),
    ("--tag", "Tag_Profile_Custom_V1p"),
    ("--field", "nick", "-o", "csv", "--fields", "gender"),
])
def test_get_bad_selection_is_a_usage_error(local: Target, args: tuple[str, ...]) -> None:
    local.ok("users", "import", "alice")
    r = local.run("-v", "users", "profile", "get", "alice", *args)
    assert r.code == 2 and r.out == ""
    assert "timctl: error:" in r.err and "portrait_get" not in r.err


@pytest.mark.parametrize(("flag", "value", "why"), [
    ("--gender", "robot", "'robot' is not one of"),
    ("--allow-type", "AllowType_Type_AllowAny", "is not one of"),
    ("--admin-forbid-type", "always", "is not one of"),
    ("--level", "-1", "level '-1' is not an integer 0..4294967295"),
    ("--role", "4294967296", "role 4294967296 is out of range 0..4294967295"),
    ("--language", "en", "language 'en' is not an integer"),
    ("--birthday", "2019-02-30", "birthday '2019-02-30' is not a date"),
    ("--nick", "n" * 501, "nick is 501 bytes (at most 500)"),
    ("--signature", "é" * 251, "signature is 502 bytes (at most 500)"),
    ("--face-url", "u" * 501, "face-url is 501 bytes"),
    ("--location", "x" * 17, "location is 17 bytes (at most 16)"),
    ("--custom", "Tag_Profile_Custom_TooLongXY=v", "1-8 letters"),
    ("--custom", "Tag_Profile_Custom_V1p=v", "1-8 letters"),
    ("--custom", "Vip", "expected Tag_Profile_Custom_<Name>=VALUE"),
    ("--custom", "Vip=" + "v" * 501, "is 501 bytes"),
    ("--custom", "Tag_Profile_IM_Nick=x", "use --nick"),
])
def test_set_bad_flags_send_nothing(target: Target, flag: str, value: str, why: str) -> None:
    target.ok("users", "import", "alice")
    target.ok("users", "profile", "set", "alice", "--nick", "before")
    r = target.run("-v", "users", "profile", "set", "alice", "--nick", "after", flag, value)
    assert r.code == 2 and r.out == ""
    assert why in r.err and "portrait_set" not in r.err
    assert target.profile_of("alice") == {NICK: "before"}


def test_set_needs_something_to_set(local: Target) -> None:
    r = local.run("users", "profile", "set", "alice")
    assert r.code == 2 and "nothing to set" in r.err


def test_set_unknown_account_fails_per_item(target: Target) -> None:
    target.ok("users", "import", "alice")
    r = target.run("-o", "json", "users", "profile", "set", "alice", "ghost", "--role", "1")
    assert r.code == 6
    rows = {row["UserID"]: row for row in r.json()}
    assert (rows["ghost"]["Status"], rows["ghost"]["ResultCode"]) == ("failed", 40003)
    assert rows["alice"]["Status"] == "set"


def test_set_from_csv_skips_bad_rows(target: Target, tmp_path: Path) -> None:
    target.ok("users", "import", "alice", "bob", "carol", "dave")
    src = tmp_path / "p.csv"
    src.write_text("UserID,nick,gender,birthday,Tag_Profile_Custom_Vip\n"
                   "alice,Ally,female,20000101,gold\n"
                   "bob,Bobby,robot,,\n"
                   "carol,,,,\n"
                   "dave,Dave,MALE,,\n"
                   "ghost,G,,,\n")
    failures = tmp_path / "failed.csv"
    r = target.run("-o", "json", "users", "profile", "set", "-f", str(src),
                   "--failures", str(failures))
    assert r.code == 6
    assert f"{src}:3: gender 'robot' is not one of male, female, unknown" in r.err
    assert f"{src}:5" not in r.err  # MALE: friendly names are case-insensitive
    assert f"{src}:4: no profile field to set" in r.err
    statuses = sorted(row["Status"] for row in r.json())
    assert statuses == ["failed", "set", "set", "skipped", "skipped"]
    assert failures.read_text().splitlines() == [
        "UserID,nick,gender,birthday,Tag_Profile_Custom_Vip", "bob,Bobby,robot,,", "carol,,,,",
        "ghost,G,,,"]
    assert target.profile_of("alice") == {NICK: "Ally", GENDER: "Gender_Type_Female",
                                          "Tag_Profile_IM_BirthDay": 20000101}
    assert target.profile_of("dave") == {NICK: "Dave", GENDER: "Gender_Type_Male"}
    assert target.profile_of("bob") == {}


def test_set_from_jsonl_with_flag_defaults(target: Target, tmp_path: Path) -> None:
    target.ok("users", "import", "alice", "bob", "carol")
    src = tmp_path / "p.jsonl"
    src.write_text(json.dumps({"UserID": "alice", "nick": "A", "level": 5}) + "\n"
                   + json.dumps({"UserID": "bob", "Tag_Profile_IM_Level": "6",
                                 "Tag_Profile_IM_Gender": "Gender_Type_Male"}) + "\n"
                   + json.dumps({"UserID": "carol", "nick": 7}) + "\n"
                   + json.dumps({"UserID": "carol", "level": True}) + "\n"
                   + json.dumps({"UserID": "carol", "Tag_Profile_Custom_V": 1}) + "\n"
                   + json.dumps({"UserID": "carol", "mood": "x"}) + "\n")
    r = target.run("-o", "jsonl", "users", "profile", "set", "-f", str(src),
                   "--role", "9")
    assert r.code == 6
    for line, why in [(3, "nick takes a string, not int"), (4, "level takes an integer"),
                      (5, "Tag_Profile_Custom_V takes a string"),
                      (6, "unknown profile field 'mood'")]:
        assert f"{src}:{line}: {why}" in r.err
    assert target.profile_of("alice") == {NICK: "A", "Tag_Profile_IM_Level": 5,
                                          "Tag_Profile_IM_Role": 9}
    assert target.profile_of("bob") == {GENDER: "Gender_Type_Male", "Tag_Profile_IM_Level": 6,
                                        "Tag_Profile_IM_Role": 9}
    assert target.profile_of("carol") == {}


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_get_output_feeds_set(local: Target, tmp_path: Path, fmt: str) -> None:
    local.ok("users", "import", "alice", "bob")
    local.ok("users", "profile", "set", "alice", *SET_FLAGS)
    r = local.ok("-o", fmt, "users", "profile", "get", "alice", "--field", "all", "--tag",
                 "Tag_Profile_Custom_Vip")
    copied = tmp_path / f"bob.{fmt}"
    copied.write_text(r.out.replace("alice", "bob"))
    local.ok("users", "profile", "set", "-f", str(copied))
    r = local.ok("-o", "json", "users", "profile", "get", "bob", "--tag",
                 "Tag_Profile_Custom_Vip", "--field", "all")
    assert r.json()[0]["Profile"] == {**RAW, "Tag_Profile_Custom_Vip": "gold"}


def test_set_dry_run_prints_the_request(local: Target) -> None:
    local.ok("users", "import", "alice")
    r = local.ok("--dry-run", "users", "profile", "set", "alice", "--gender", "unknown",
                 "--birthday", "20190419")
    body = json.loads(r.out)["first_requests"][0]["body"]
    assert body == {"From_Account": "alice", "ProfileItem": [
        {"Tag": GENDER, "Value": "Gender_Type_Unknown"},
        {"Tag": "Tag_Profile_IM_BirthDay", "Value": 20190419}]}
    assert local.profile_of("alice") == {}


def test_plural_profiles_works(local: Target) -> None:
    local.ok("users", "import", "alice")
    local.ok("users", "profiles", "set", "alice", "--nick", "A")
    assert local.ok("-o", "json", "user", "profiles", "get", "alice").json()[0]["Profile"] \
        == {NICK: "A"}
